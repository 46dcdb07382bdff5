UPDATE tweets SET created_at = -created_at WHERE id % 7 = 3; UPDATE impressions SET ts = 0 WHERE id = 5;
