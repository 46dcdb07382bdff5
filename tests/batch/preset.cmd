# preset: the current preset, or switch to another: each preset's weights with the
# published weight each one mirrors, and how many timeline places moved.
# exit: 0
preset
user 5
preset twitter-2023
preset x-2026
preset seed
preset
