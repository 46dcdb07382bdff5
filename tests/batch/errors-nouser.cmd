# Commands about the current user's timeline before any user is chosen: each says how
# to choose one, and exits 1.
# exit: 1
timeline
stage
stage fusion
next
prev
candidates
explain 5
explain
diff
export trace trace.json
compare seed x-2026
follow 7
unfollow 7
block 7
mute 7
like 5
hide 5
profile
