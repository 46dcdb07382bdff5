# Safety: penalties by threshold, then the same tweets under visibility verdicts.
# exit: 0
user @hedy5
explain 970
explain 1940
set safety.mode verdict
explain 970
set safety.verdict_drop 1
explain 970
