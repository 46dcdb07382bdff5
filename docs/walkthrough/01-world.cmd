# The world: a small synthetic one, and the models trained on it.
# exit: 0
info
models
users --limit 5
profile @hedy5
