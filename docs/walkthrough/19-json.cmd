# The same commands in JSON, for notebooks: one object per command.
# options: --json
# exit: 0
user @hedy5
get selection.k
explain 2662
