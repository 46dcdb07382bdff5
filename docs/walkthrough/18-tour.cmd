# The guided tour: one step per stage, with the stage itself.
# exit: 0
tour
user @hedy5
tour heuristics
