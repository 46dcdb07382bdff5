# save weights FILE writes the configuration as JSON; load weights FILE reads one back
# (and re-ranks). save overlay and load overlay do the same for what-if edits.
# exit: 0
user 5
set fusion.engagement 0.8
save weights tuned.json
preset seed
load weights tuned.json
get fusion.engagement
follow @hal7
save overlay edits.json
reset
load overlay edits.json
reset
