# eval: ranking metrics of the current configuration beside the baselines (random,
# popular, chronological, TwHIN alone), the oracle ceiling and every preset, on a fixed
# sample of test users; then what each source contributes.
# exit: 0
eval --users 50
eval --users 50 --k 5
