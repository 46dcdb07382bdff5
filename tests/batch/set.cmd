# set NAME VALUE changes one tunable and re-ranks at once (from the first stage it
# affects); get NAME shows one; weights [PREFIX] lists them with what they do.
# exit: 0
user 5
get fusion.engagement
set fusion.engagement 0.9
get fusion.engagement
get preset
weights fusion
weights source_mult
