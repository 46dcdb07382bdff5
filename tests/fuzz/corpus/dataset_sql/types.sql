UPDATE users SET handle = x'00ff41' WHERE id = 1; UPDATE tweets SET text = NULL WHERE id = 2;
UPDATE meta SET value = 'abc' WHERE key = 'split_time'; UPDATE impressions SET actions = 255 WHERE id = 1;
INSERT INTO blocks VALUES (1, 2, 'snooze', 0);
