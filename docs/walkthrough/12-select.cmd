# Selection: the out-of-network cap, a place for every source, the top K.
# exit: 0
user @hedy5
stage select
timeline -n 10
