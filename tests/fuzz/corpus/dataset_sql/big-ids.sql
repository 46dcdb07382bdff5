UPDATE users SET id = 4294967296 WHERE id = 29; INSERT INTO moderation_labels VALUES (9999999, 1, 1);
UPDATE truth_impressions SET impression = impression + 100000 WHERE impression = 0;
