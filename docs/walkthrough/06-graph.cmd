# Graph (UTEG on GraphJet): what the viewer's followees engaged with, with social proof.
# exit: 0
user @hedy5
candidates graph
