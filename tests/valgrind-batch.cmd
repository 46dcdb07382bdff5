# valgrind-batch.cmd: a full walk through the command language for tests/valgrind.sh:
# load, the stages, timeline, explain, weights, presets, what-if edits, evaluation,
# files written and read back.
info
models
users --sort followers --limit 3
user 3
timeline 5
stage
stage ranker
next
prev
explain 12
candidates graph
profile
set weights.like 2
set fusion.engagement 0.9
timeline 5
diff
preset x-2026
timeline 3
preset seed
follow 7
block 9
like 12
timeline 3
reset
eval --users 10 --k 5
save weights @TMP@/weights.json
load weights @TMP@/weights.json
export trace @TMP@/trace.json
set weights.like nan
user 99999
quit
