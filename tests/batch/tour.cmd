# tour: the guided tour, one step per stage: what the stage does, the published
# component it mirrors, what to look at; with an account chosen, the stage itself.
# exit: 0
tour
tour next
user 5
tour fusion
tour next
tour prev
tour select
tour stop
tour start
