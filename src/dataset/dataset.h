/* dataset.h: the dataset layer (src/dataset/): building a dataset and its CSR indexes,
 * point-in-time lookups on them, the time cuts, and the store's file-level helpers
 * (locks, temporary files renamed into place), which the model files use too. */
#ifndef MRS_DATASET_H
#define MRS_DATASET_H

#include "core/core.h"

struct sqlite3;

/* ------------------------------------------------------------------ the layout */

#define MRS_SCHEMA_VERSION 2
#define MRS_TW_MEDIA 1u
#define MRS_TW_LINK 2u
#define MRS_BLOCK 1u
#define MRS_MUTE 2u

/*
 * A dataset in memory: compact arrays and CSR indexes, read-only once loaded.
 * Ids are dense: users 0..n_users-1, tweets 0..n_tweets-1, and tweet ids are in time
 * order (like snowflake ids), so every list of tweet ids sorted by id is sorted by time.
 * The library and its tests read the fields directly (the program reads a dataset through
 * minirecsys.h's functions); only the store and the builders write them.
 */
typedef struct mrs_dataset {
	char *path;          /* file it was loaded from, or NULL */
	char *kind;          /* "synthetic", "edges", "activity", "interactions", "lastfm", ... */
	char *params_json;   /* generator or importer parameters, JSON text */
	uint64_t seed;
	uint64_t fingerprint; /* hash of the content */
	/* the fingerprint of the dataset this one was loaded as, or cut or edited from
	 * (mrs_dataset_before, mrs_dataset_without, mrs_dataset_with_edits): its own for a
	 * loaded or new dataset.
	 * Model cards record it, and an engine serves only models trained on its dataset's. */
	uint64_t source_fingerprint;
	int64_t t_begin, t_end; /* first and last timestamp in the data */
	int64_t split_time;     /* train: time < split_time; test: time >= split_time */
	mrs_time_scale time_scale; /* stored with the dataset (Twitter's when it has none) */

	uint32_t n_users;
	char *handle_pool;      /* NUL-terminated handles, without '@' */
	uint32_t *handle_off;   /* [n_users]: handle of u at handle_pool + handle_off[u] */
	int64_t *user_created;  /* [n_users] account creation time */
	uint8_t *user_verified; /* [n_users] 0/1 */

	/* follows, as CSR both ways; fol_* sorted by (src, dst). */
	uint32_t n_follows;
	uint32_t *fol_off;      /* [n_users+1] followees of u: fol_dst[fol_off[u] .. fol_off[u+1]) */
	uint32_t *fol_dst;      /* [n_follows] */
	int64_t *fol_time;      /* [n_follows] when the follow happened */
	uint32_t *fwr_off;      /* [n_users+1] followers of v: fwr_src[fwr_off[v] .. fwr_off[v+1]) */
	uint32_t *fwr_src;      /* [n_follows] sorted by (dst, src) */
	uint32_t *fwr_edge;     /* [n_follows] index of the same edge in fol_* */

	uint32_t n_tweets;
	uint32_t *tweet_author; /* [n_tweets] */
	int64_t *tweet_time;    /* [n_tweets] non-decreasing */
	uint32_t *tweet_rt_of;  /* [n_tweets] original tweet of a retweet, or MRS_NONE */
	uint8_t *tweet_flags;   /* [n_tweets] MRS_TW_MEDIA | MRS_TW_LINK */
	char *text_pool;
	uint32_t *text_off;     /* [n_tweets] text of t at text_pool + text_off[t] */
	uint32_t *atw_off;      /* [n_users+1] tweets of author a: atw[atw_off[a] .. atw_off[a+1]) */
	uint32_t *atw;          /* [n_tweets] ascending, so in time order */

	/* impressions sorted by (user, time, tweet). */
	uint32_t n_impressions;
	uint32_t *imp_user;     /* [n_impressions] */
	uint32_t *imp_tweet;    /* [n_impressions] */
	int64_t *imp_time;      /* [n_impressions] */
	uint8_t *imp_actions;   /* [n_impressions] bit MRS_ACT_* */
	float *imp_propensity;  /* [n_impressions] the logging policy's probability of showing
				   this tweet in this slot (docs/world.md), for off-policy
				   evaluation; 0 when unknown (imported logs, what-if edits) */
	uint32_t *uimp_off;     /* [n_users+1] impressions of u: [uimp_off[u], uimp_off[u+1]) */
	uint32_t *timp_off;     /* [n_tweets+1] impressions of t: timp[timp_off[t] ..] */
	uint32_t *timp;         /* [n_impressions] impression indexes, by (tweet, time) */

	/* blocks and mutes, CSR by source user, sorted by (src, dst, kind); a pair that is
	 * both blocked and muted has two entries. */
	uint32_t n_blocks;
	uint32_t *blk_off;      /* [n_users+1] */
	uint32_t *blk_dst;      /* [n_blocks] */
	uint8_t *blk_kind;      /* [n_blocks] MRS_BLOCK or MRS_MUTE */
	int64_t *blk_time;      /* [n_blocks] */

	/* moderation labels (noisy, like human review): -1 unlabelled, 0 no, 1 yes. */
	uint32_t n_labelled;
	int8_t *label_nsfw;     /* [n_tweets] */
	int8_t *label_toxic;    /* [n_tweets] */

	/* labelled texts imported for safety training (`import labels`), may be empty. */
	uint32_t n_texts;
	char *texts_pool;
	uint32_t *texts_off;    /* [n_texts] */
	int8_t *texts_label;    /* [n_texts] 0/1 */
	char *texts_task;       /* e.g. "offensive"; NULL when there are none */

	bool has_truth;         /* the file has a ground-truth table (synthetic worlds) */
	/* a cut view (mrs_dataset_before, mrs_dataset_without): the user, tweet and text
	 * arrays (handle_*, user_*, tweet_*, text_*) are its base's, which must outlive it;
	 * mrs_dataset_free leaves them alone */
	bool borrowed;

	/* serving only (mrs_dataset_load_serving): the snapshot every array above but path
	 * lives in (mapped, read-only; NULL: the arrays are the dataset's own), and the plan
	 * the engine follows to use or write it (NULL: no snapshot). */
	mrs_snapfile *snap;
	struct mrs_snap_plan *plan;
} mrs_dataset;

/* Where a dataset's serving snapshot is, what it is keyed by, and why it must be rebuilt
 * ("" when the dataset came from it). */
typedef struct mrs_snap_plan {
	char path[4200];      /* SET/serving.snap */
	char set_dir[512];    /* the models set it belongs to */
	mrs_snap_key key[MRS_SNAP_MAX_KEY];
	uint32_t n_key;
	char why[600];
} mrs_snap_plan;

/* The ground truth's arrays and counts through io (core.h); *tr NULL: none. Mapping sets
 * *tr to a truth whose arrays are in the file (mrs_truth_free leaves them alone). */
int mrs_truth_snap(mrs_truth **tr, mrs_snap_io *io);
/* Lists every array and count of ds through io (core.h): writes them, or maps them from
 * the file into ds (which then owns nothing but path). */
int mrs_dataset_snap(mrs_dataset *ds, mrs_snap_io *io);

/* ------------------------------------------------------------------ building a dataset */

/* Sets the follow edges from parallel arrays (any order, duplicates dropped keeping the
 * earliest time). Copies; the inputs stay the caller's. */
int mrs_ds_set_follows(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		       const int64_t *time, size_t n, mrs_error *err);
/* Sets impressions (any order; a repeated (user, tweet) pair is merged: earliest time and
 * its propensity, actions OR-ed). propensity may be NULL (every one unknown: 0). Copies. */
int mrs_ds_set_impressions(mrs_dataset *ds, const uint32_t *user, const uint32_t *tweet,
			   const int64_t *time, const uint8_t *actions, const float *propensity,
			   size_t n, mrs_error *err);
/* Sets blocks and mutes (any order, duplicates merged). Copies. */
int mrs_ds_set_blocks(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		      const uint8_t *kind, const int64_t *time, size_t n, mrs_error *err);

/* The time before which `share` of the impressions fall (the train/test split of generated
 * and imported data, and eval's validation split of a train part); when no impression is
 * before that time (`share` of them or more share the first time, as an import's undated
 * history does), the time before which `share` of the later ones fall, so that both sides
 * have rows and the dated part is split as a dated log would be (Last.fm's train part is
 * 81% undated listening: its validation period is the last 20% of its dated tagging).
 * With no impressions, the last tweet's time (0 without tweets). INT64_MIN when out of
 * memory. */
int64_t mrs_split_time(const mrs_dataset *ds, double share, mrs_error *err);

/* The embedding cut (models.h's time rules): the time before which 40% of the train-split
 * impressions fall; the split time when there are none. When no train impression is
 * before that time (40% of them share the first time, as an import's undated history
 * does), the next later time, so that both sides have rows. INT64_MIN when out of memory
 * (err says so): no other cut is ever substituted. */
int64_t mrs_embed_cut(const mrs_dataset *ds, mrs_error *err);

/* The time scale of an indexed dataset from how long its tweets keep getting positive
 * engagements in the train split (timescale.c; docs/timescale.md has the rule).
 * Impressions at `undated` (an import's stand-in time for rows that carry none;
 * INT64_MIN: none) are not measured. Fewer than MRS_TS_MIN_ENGAGEMENTS measured ages give
 * Twitter's scale. Errors: MRS_ERR_NOMEM. */
#define MRS_TS_MIN_ENGAGEMENTS 100
int mrs_time_scale_derive(const mrs_dataset *ds, int64_t undated, mrs_time_scale *ts,
			  mrs_error *err);
/* The time scale as the JSON text the store keeps (caller frees; NULL: out of memory),
 * and back: MRS_ERR_DATA names the field that is missing or out of range. */
char *mrs_time_scale_to_json(const mrs_time_scale *ts);
int mrs_time_scale_parse(const char *json, mrs_time_scale *ts, mrs_error *err);

/* An impression with its time beside it, and the order qsort puts such pairs in: by
 * time, then by index (reading contiguous times, not imp_time through the indexes). */
typedef struct mrs_timed_imp {
	int64_t time;
	uint32_t imp;
} mrs_timed_imp;
int mrs_timed_imp_cmp(const void *a, const void *b);

/* Allocates the per-user arrays (handles left empty) and per-tweet arrays of a new
 * dataset; tweets get no text, no flags, no retweet link, no labels. */
mrs_dataset *mrs_ds_alloc(uint32_t n_users, uint32_t n_tweets, mrs_error *err);

/* ------------------------------------------------------------------ lookups */

/* mrs_original_author over the layout, inline: the library asks it per candidate and per
 * engagement on the request path. */
static inline uint32_t mrs_ds_original_author(const mrs_dataset *ds, uint32_t t)
{
	uint32_t o = ds->tweet_rt_of[t];
	return o == MRS_NONE ? ds->tweet_author[t] : ds->tweet_author[o];
}

/* Does u follow v (at any time)? O(log followees). */
bool mrs_follows(const mrs_dataset *ds, uint32_t u, uint32_t v);
/* Has u blocked (MRS_BLOCK) or muted (MRS_MUTE) v? Returns the kind mask, 0 if neither. */
unsigned mrs_blocked(const mrs_dataset *ds, uint32_t u, uint32_t v);

/* The dataset as it was before `cutoff`: follows, tweets' engagements, impressions and
 * blocks with time < cutoff. Tweets (content) are kept whatever their time, so that a
 * request at a later time can still retrieve them; everything learned from behaviour
 * comes only from before the cutoff. Used by evaluation to hide the test split.
 * The result borrows ds's user, tweet and text arrays (it holds no second copy of them):
 * free it before ds. It owns the rest (follows, impressions, blocks, labels, indexes). */
mrs_dataset *mrs_dataset_before(const mrs_dataset *ds, int64_t cutoff, mrs_error *err);
/* A copy of ds without the impressions i with drop[i] set (users, tweets, follows and
 * blocks as they are, the same clock); evaluation's random split hides its test rows so.
 * Like mrs_dataset_before, it borrows ds's user, tweet and text arrays: free it first. */
mrs_dataset *mrs_dataset_without(const mrs_dataset *ds, const uint8_t *drop, mrs_error *err);

/* Gini coefficient of non-negative counts (0: equal, towards 1: concentrated on few):
 * the world statistics' engagement per tweet, evaluation's exposure per tweet. NaN when
 * out of memory. */
double mrs_gini(const uint32_t *counts, size_t n);

/* Builds every derived index (CSR both ways, by-tweet impressions, fingerprint) from the
 * primary arrays. Used by the store and the importers; exposed for tests that build
 * datasets by hand. Fails with MRS_ERR_DATA on a reference out of range. */
int mrs_dataset_index(mrs_dataset *ds, mrs_error *err);

/* ------------------------------------------------------------------ point-in-time lookups */

/* One past the last impression of user u with time < t (impressions of u are sorted by
 * time): u's impressions before t are [uimp_off[u], result). O(log). */
static inline uint32_t mrs_uimp_end(const mrs_dataset *ds, uint32_t u, int64_t t)
{
	return mrs_lower_bound_time(ds->imp_time, NULL, ds->uimp_off[u], ds->uimp_off[u + 1], t);
}

/* One past the last position in timp[timp_off[tw] ..] whose impression has time < t. */
static inline uint32_t mrs_timp_end(const mrs_dataset *ds, uint32_t tw, int64_t t)
{
	return mrs_lower_bound_time(ds->imp_time, ds->timp, ds->timp_off[tw], ds->timp_off[tw + 1],
				    t);
}

/* One past the last position in atw[atw_off[a] ..] whose tweet was created before t
 * (an author's tweets are in time order). */
static inline uint32_t mrs_atw_end(const mrs_dataset *ds, uint32_t a, int64_t t)
{
	return mrs_lower_bound_time(ds->tweet_time, ds->atw, ds->atw_off[a], ds->atw_off[a + 1], t);
}

/* The first tweet created at most the age limit before t, the first that can be a
 * candidate at t (tweet ids are in time order). */
static inline uint32_t mrs_first_young_tweet(const mrs_dataset *ds, int64_t t)
{
	int64_t from = t - (int64_t)(ds->time_scale.age_limit_hours * MRS_HOUR);
	return mrs_lower_bound_time(ds->tweet_time, NULL, 0, ds->n_tweets, from);
}

/* Index of the edge u -> v in fol_*, or MRS_NONE. O(log followees). */
static inline uint32_t mrs_follow_edge(const mrs_dataset *ds, uint32_t u, uint32_t v)
{
	uint32_t hi = ds->fol_off[u + 1], p = mrs_lower_bound(ds->fol_dst, ds->fol_off[u], hi, v);
	return p < hi && ds->fol_dst[p] == v ? p : MRS_NONE;
}

/* Did u follow v before t? */
static inline bool mrs_follows_before(const mrs_dataset *ds, uint32_t u, uint32_t v, int64_t t)
{
	uint32_t e = mrs_follow_edge(ds, u, v);
	return e != MRS_NONE && ds->fol_time[e] < t;
}

/* ------------------------------------------------------------------ the store */


/* Takes the exclusive write lock PATH.lock (non-blocking, mrs_file_lock); MRS_ERR_BUSY
 * when held. Release with mrs_file_unlock. */
int mrs_store_lock(const char *path, int *fd_out, mrs_error *err);
/* Opens a dataset read-only and checks it is one of ours at the current schema version.
 * The connection is for one thread (it takes no locks). */
int mrs_store_open(const char *path, struct sqlite3 **db_out, mrs_error *err);
/* The content fingerprint the store keeps in its meta table (written since datasets had
 * serving snapshots; 0 in older files), read without loading the dataset; and *changes,
 * SQLite's file change counter and page count from the file's header, which any write to
 * the file (ours or another program's) changes. */
int mrs_store_fingerprint(const char *path, uint64_t *fp, uint64_t *changes, mrs_error *err);
mrs_truth *mrs_truth_alloc(uint32_t n_users, uint32_t n_tweets, uint32_t n_impressions,
			   mrs_error *err);

#endif
