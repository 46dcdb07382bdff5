# Too few or too many arguments: every command says its usage (exit 2).
# exit: 2
help a b
user
user 1 2
users a --limit 1 b
profile 1 2
timeline 1 2
stage 1 2
next 1
prev 1
candidates a b
explain 1 2
set fusion.engagement
set a b c
get
get a b
nudge
nudge a b c
undo 1
weights a b
preset a b
diff 1
eval --users 1 --k 2 --users 3 --k
save weights
save weights a b
load weights
export trace
export
compare seed
compare a b c
follow
unfollow a b
block
mute a b
like
hide 1 2
reset 1
tour a b
info 1
models 1
generate --scale small --seed 1 --force --force
train --only a --max-rows 1 2
cursor
scroll
quit 1
