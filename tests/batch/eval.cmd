# eval: ranking metrics of the current configuration beside the baselines (random,
# popular, item-kNN, BPR, chronological, TwHIN alone), the oracle ceiling and every preset,
# on a fixed sample of test users; then what each source contributes. Then the same under
# the random split of Microsoft Recommenders' benchmark (75% of each tweet's rows in train).
# exit: 0
eval --users 50
eval --users 50 --k 5
eval --users 50 --split random
