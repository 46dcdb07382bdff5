# timeline: the top N of the current user's timeline (10 unless N is given), with each
# tweet's source, final score, head probabilities, embedding similarities, safety scores
# and the product of its multipliers. `t` is its alias.
# exit: 0
user 5
timeline 3
t
