# The what-if edits: follow, unfollow, block, mute, like and hide change a scratch copy
# of the dataset (the file is never written: the test checks it byte for byte) and say
# what moved in the timeline and why; reset drops them all. info names the dataset's file
# and the edits on it.
# exit: 0
user 5
follow @hal7
block @hal7
info
reset
unfollow @ida96
mute @linus131
like 2662
hide 2081
reset
reset
