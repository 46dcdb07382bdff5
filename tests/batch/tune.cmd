# tune searches the fusion weights and the heuristics' parameters on the validation period
# cut from the end of the train split (the test split is not read), printing each
# improvement; the best becomes the configuration, and with -o a weights file that
# `eval --weights` and `load weights` read. --evals bounds the search.
# exit: 0
tune --evals 30 -o tuned.json
get fusion.coengagement
eval --users 50 --no-model-metrics --weights tuned.json
preset seed
load weights tuned.json
tune --preset twitter-2023 --evals 12 -o -
