# explain: why a tweet is where it is: the sources that found it, each head's
# probability, the fusion terms that add up to its score, its safety scores, every
# multiplier after fusion, and its rank. A tweet no source found gets hints instead.
# With no TWEET: the tweet last explained. `x` is its alias.
# exit: 0
user 5
explain 2662
explain
x 2251
explain 3
preset twitter-2023
explain 2662
