# Heuristics: out-of-network scale, recency, and author diversity keyed on the original
# author.
# exit: 0
user @hedy5
explain 2329
explain 2198
