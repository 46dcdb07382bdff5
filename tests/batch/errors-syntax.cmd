# Lines the command language cannot read: an unknown command, an open quote. Each error
# names the script and line on stderr; the script carries on, and exits 2.
# exit: 2
bogus
help bogus
user "5
users 'ada
info # a comment after a command
info; models   # two commands on one line
