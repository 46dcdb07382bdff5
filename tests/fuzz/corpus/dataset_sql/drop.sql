DROP TABLE truth_tweets; DELETE FROM meta WHERE key = 'kind'; ALTER TABLE texts RENAME TO t2;
