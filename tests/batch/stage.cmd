# stage: the stage table with candidates in and out, or one stage by name or number;
# next and prev step through them (aliases n and p).
# exit: 0
user 5
stage
stage hydrate
next
stage 3
n
stage prefilter
p
stage select
stage 13
