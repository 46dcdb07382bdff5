# FollowRecs (FRS): tweets of accounts the viewer might follow, and who links them.
# exit: 0
user @hedy5
stage follow_recs
explain 2134
