# Accounts, tweets, stages, sources, settings and tour steps that do not exist (exit 1).
# exit: 1
user 99999
user @nobody
profile -1
user 5
explain 99999
explain 2674
explain abc
explain
stage bogus
stage 0
stage 15
candidates bogus
get bogus
set bogus 1
weights zzz
nudge bogus up
preset bogus
follow 99999
block @nobody
like 99999
hide abc
unfollow @hal7
follow 5
follow @ida96
tour bogus
compare seed bogus
