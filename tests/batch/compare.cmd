# compare A B: two presets (or weight files) side by side for the current user, with
# how each tweet moved from A to B, then NDCG@10, coverage and author diversity of both
# on a fixed sample of 100 test users (whatever sample `eval` used before). The same
# configuration on both sides moves nothing.
# exit: 0
user 5
compare seed twitter-2023
compare x-2026 x-2026
eval --users 20 --k 5
compare x-2026 x-2026
set fusion.engagement 0.8
save weights tuned.json
compare seed tuned.json
