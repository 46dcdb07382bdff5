# --json: one JSON object per command, with the command, its script line, ok, the
# error if any, and the result.
# options: --json
# exit: 2
help get
user 5
stage
timeline -n 2
explain 2662
set fusion.engagement 0.7
get fusion.engagement
undo
follow @hal7
reset
compare seed seed
bogus
timeline -n abc
info
