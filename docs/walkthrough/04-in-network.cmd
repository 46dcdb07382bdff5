# InNetwork (Earlybird): recent tweets of followed accounts, light-ranked.
# exit: 0
user @hedy5
stage in_network
