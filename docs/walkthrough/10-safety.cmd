# Safety: penalties by threshold, then the same tweets under visibility verdicts.
# exit: 0
user @hedy5
explain 1495
explain 2587
set safety.mode verdict
explain 1495
set safety.verdict_drop 1
explain 1495
