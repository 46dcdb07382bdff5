# quit ends a batch script: the lines after it do not run. `q` is its alias.
# exit: 0
info
quit
info
