# Files that cannot be read or written, or hold the wrong thing: the error names the
# file, nothing is applied, and the script exits 2.
# exit: 2
user 5
load weights missing.json
load weights errors-files.cmd
load overlay missing.json
load overlay errors-files.cmd
save weights no/such/folder/w.json
export trace no/such/folder/t.json
compare seed missing.json
timeline -n 1
tune --evals 1 -o errors-files.cmd
tune --evals 1 -o world.db --force
