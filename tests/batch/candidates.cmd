# candidates: what each source found, with its score, RealGraph weight (InNetwork,
# Graph), SimClusters and TwHIN similarity (OutOfNetwork), social proof (Graph) and the
# followee that links a FollowRecs account ("via"). `c` is its alias.
# exit: 0
user 5
candidates in_network
candidates graph
c follow_recs
