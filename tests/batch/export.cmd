# export trace FILE: the whole trace of the current request as JSON (docs/trace.md).
# exit: 0
user 5
export trace trace.json
