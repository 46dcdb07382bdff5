-- schema.sql: the minirecsys dataset schema (version 2). Compiled into the library.
-- docs/world.md describes it. Version 2 added impressions.propensity.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,            -- dense, 0 .. n-1
    handle TEXT NOT NULL,
    created_at INTEGER NOT NULL,       -- unix seconds
    verified INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE follows (
    src INTEGER NOT NULL REFERENCES users(id),   -- src follows dst
    dst INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (src, dst)
) WITHOUT ROWID;
CREATE TABLE tweets (
    id INTEGER PRIMARY KEY,            -- dense and in time order
    author INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    retweet_of INTEGER REFERENCES tweets(id),
    has_media INTEGER NOT NULL DEFAULT 0,
    has_link INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL
);
CREATE TABLE action_types (bit INTEGER PRIMARY KEY, name TEXT NOT NULL, positive INTEGER NOT NULL);
CREATE TABLE impressions (
    id INTEGER PRIMARY KEY,            -- sorted by (user, ts, tweet)
    user INTEGER NOT NULL REFERENCES users(id),
    tweet INTEGER NOT NULL REFERENCES tweets(id),
    ts INTEGER NOT NULL,
    actions INTEGER NOT NULL DEFAULT 0, -- bit mask over action_types.bit
    propensity REAL                    -- the logging policy's probability of showing this
                                       -- tweet in this slot; NULL when unknown (imports)
);
CREATE VIEW impression_actions AS
    SELECT i.id AS impression, i.user, i.tweet, i.ts, a.name AS action
    FROM impressions i JOIN action_types a ON (i.actions >> a.bit) & 1;
CREATE TABLE split (name TEXT PRIMARY KEY, start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL);
CREATE TABLE blocks (
    src INTEGER NOT NULL REFERENCES users(id),
    dst INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('block', 'mute')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (src, dst, kind)
) WITHOUT ROWID;
CREATE TABLE moderation_labels (
    tweet INTEGER PRIMARY KEY REFERENCES tweets(id),
    nsfw INTEGER,                      -- 0/1, NULL when not reviewed for it
    toxic INTEGER
);
CREATE TABLE texts (                   -- labelled texts for safety training
    id INTEGER PRIMARY KEY,
    task TEXT NOT NULL,
    text TEXT NOT NULL,
    label INTEGER NOT NULL
);
-- Ground truth of a synthetic world: evaluation only.
CREATE TABLE truth_users (
    user INTEGER PRIMARY KEY REFERENCES users(id),
    interests INTEGER NOT NULL,        -- bit mask of topics
    w_tech REAL, w_sports REAL, w_music REAL, w_politics REAL, w_gaming REAL,
    w_science REAL, w_food REAL,
    propensity REAL NOT NULL
);
CREATE TABLE truth_tweets (
    tweet INTEGER PRIMARY KEY REFERENCES tweets(id),
    topic INTEGER NOT NULL,
    quality REAL NOT NULL,
    nsfw REAL NOT NULL,
    toxicity REAL NOT NULL
);
CREATE TABLE truth_impressions (
    impression INTEGER PRIMARY KEY REFERENCES impressions(id),
    p_like REAL, p_retweet REAL, p_reply REAL, p_click REAL, p_follow REAL,
    p_negfb REAL, p_report REAL
);
