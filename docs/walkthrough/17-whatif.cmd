# What-if: follow, block, hide, reset, on a timeline of 20 to keep the lists short; the
# dataset file is never written.
# exit: 0
user @hedy5
set selection.k 20
follow @hal7
reset
block @ida96
hide 2081
reset
