# info: the dataset in use (counts, the period it covers and the train/test split);
# models: which learned parts serve from a model file and which fall back.
# exit: 0
info
models
