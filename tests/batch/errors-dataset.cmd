# A dataset path where there is none: every command that needs the data says which file
# it could not open (exit 2); help still works.
# options: --data missing.db
# exit: 2
help get
info
user 5
users
models
