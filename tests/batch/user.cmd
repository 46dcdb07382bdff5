# user: choose the account whose timeline is made (by id or @handle); profile: its
# summary, and in a synthetic world the interests the generator gave it.
# exit: 0
user 5
user @hedy5
profile
profile 90
profile @elena90
