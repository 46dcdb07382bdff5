# Commands that have nothing to act on yet: nothing to undo, nothing to diff against,
# the first or last stage, the end of the tour, a dataset that would be overwritten
# (exit 1).
# exit: 1
undo
user 5
diff
stage 14
next
stage 1
prev
tour select
tour next
generate
