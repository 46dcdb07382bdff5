# weights: every tunable of the configuration with its value and what it does.
# `w` is its alias.
# exit: 0
weights
w safety
