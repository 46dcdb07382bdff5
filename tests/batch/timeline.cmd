# timeline: the top N (-n N, 10 unless given) of the current user's timeline, or of USER's
# (chosen as `user` does), with each tweet's source, final score, head probabilities,
# embedding similarities, safety scores and the product of its multipliers. `t` is its
# alias.
# exit: 0
user 5
timeline -n 3
t
timeline 3 -n 2
