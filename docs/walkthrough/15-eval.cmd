# What the numbers mean: offline evaluation against baselines and the oracle.
# exit: 0
eval
