# The explorer's own commands (its screens, cursor, pager and command line) have nothing
# to act on in a script: each says so and the script exits 2. Their keys are in
# tests/screens/ and minirecsys(1).
# exit: 2
screen
screen timeline
cursor down
select
find ada
sort
pager timeline
pager close
scroll down
prompt 'user '
redraw
