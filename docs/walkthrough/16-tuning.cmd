# Tuning: change a weight, see the timeline re-rank and what moved, measure it against
# the preset it came from, undo.
# exit: 0
user @hedy5
set heuristics.oon_scale 1
timeline -n 5
undo
set heuristics.oon_scale 0.5
set selection.max_oon_share 0.2
save weights in-network-first.json
compare seed in-network-first.json
