INSERT OR REPLACE INTO follows VALUES (2, 2, 5); UPDATE follows SET dst = 29 WHERE src = 0;
