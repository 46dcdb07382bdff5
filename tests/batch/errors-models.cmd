# A model folder with nothing in it: every learned part falls back (models says why),
# and the timeline is still made.
# options: --models empty
# exit: 0
models
user 5
timeline -n 3
