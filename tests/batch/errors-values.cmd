# Values a command cannot take: numbers that are not numbers or out of range, names
# that are not among the choices (exit 2 for a bad option value, 1 for a bad setting).
# exit: 2
user 5
timeline -n 0
timeline -n abc
timeline -n -3
users --sort bogus
users --limit 0
users --limit
eval --users abc
eval --k 0
eval --bogus
eval --split sideways
eval --split random --ratio 1
eval --ratio 0.5
set fusion.engagement abc
set fusion.engagement -5
set safety.mode bogus
set selection.k 2.5
nudge fusion.engagement sideways
nudge fusion.mode up
nudge up
generate --scale galactic --force
generate --seed -1 --force
train --only bogus
train --max-rows x
train --bogus
save nothing x
load nothing x
export nothing x
