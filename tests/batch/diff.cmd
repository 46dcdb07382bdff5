# diff: the timeline against the one before the last change of setting or preset:
# each place that moved, what entered and what left (and why).
# exit: 0
user 5
preset x-2026
diff
undo
diff
