DELETE FROM users WHERE id = 3;
