# Two presets side by side: the timelines, the movement, the metrics.
# exit: 0
user @hedy5
compare seed twitter-2023
compare twitter-2023 x-2026
