# help: the list of commands, one line each; `help COMMAND` explains one, and names its
# alias. `?` is help's alias.
# exit: 0
help
help timeline
help x
? quit
