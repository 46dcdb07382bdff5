# One request, stage by stage: the funnel.
# exit: 0
user @hedy5
stage
