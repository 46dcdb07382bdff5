# train: fit the models on the dataset's train split into the model folder (here
# --models trained, a new folder), then serve them; models shows which ones load.
# --only fits one model; the heavy ranker needs the embeddings first.
# options: --models trained
# exit: 0
models
train --only realgraph
models
train --only simclusters
train --only twhin
train --only nsfw
train --only toxicity
train --only heavy_ranker --max-rows 2000
models
