# generate: a new synthetic world at the dataset path (here --data new/world.db: the
# folder is made); info then reads it.
# options: --data new/world.db
# exit: 0
generate --scale small --seed 3
info
generate --scale small --seed 4 --force
info
