# Query hydration: what the request learns about the viewer first.
# exit: 0
user @hedy5
stage hydrate
