UPDATE tweets SET retweet_of = id + 1 WHERE id = 4; UPDATE tweets SET retweet_of = 0 WHERE id = 0;
