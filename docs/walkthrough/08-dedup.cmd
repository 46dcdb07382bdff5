# Dedup and the pre-scoring filters: one copy per tweet, provenance kept; and why the
# filters have little left to do.
# exit: 0
user @hedy5
explain 2251
explain 3
