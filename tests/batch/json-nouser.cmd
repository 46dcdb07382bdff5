# --json errors: ok is false and error holds the message; nothing goes to stderr.
# options: --json
# exit: 1
timeline
explain 5
stage
