# Three presets, three philosophies: one tweet under each.
# exit: 0
user @hedy5
preset twitter-2023
explain 2662
preset x-2026
explain 2662
