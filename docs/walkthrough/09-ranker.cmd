# The heavy ranker and fusion: one tweet's head probabilities and how the seed preset
# turns them into a score.
# exit: 0
user @hedy5
explain 2662
