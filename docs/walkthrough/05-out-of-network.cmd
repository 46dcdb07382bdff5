# OutOfNetwork (CR-Mixer over SimClusters): tweets from the viewer's communities.
# exit: 0
user @hedy5
stage out_of_network
