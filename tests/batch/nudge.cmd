# nudge NAME up|down steps a numeric tunable by about a tenth of its value (the weights
# screen's + and - keys) and re-ranks, as set does; undo goes back, and again forward.
# exit: 0
user 5
nudge fusion.engagement up
nudge fusion.engagement up
nudge selection.k down
undo
undo
