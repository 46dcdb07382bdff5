# users: find accounts by id, part of a handle, or (in a synthetic world) an interest,
# ordered by followers, following, tweets, activity or id.
# exit: 0
users --limit 5
users hedy
users 42
users @ada
users food --sort activity --limit 3
users --sort id --limit 3
users zzz
