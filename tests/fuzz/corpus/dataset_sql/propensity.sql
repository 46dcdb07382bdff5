UPDATE impressions SET propensity = -0.5 WHERE id = 3; UPDATE impressions SET propensity = 'x' WHERE id = 4;
