/* dataset.h: the dataset layer (src/dataset/): building a dataset and its CSR indexes,
 * point-in-time lookups on them, the time cuts, and the store's file-level helpers
 * (locks, temporary files renamed into place), which the model files use too. */
#ifndef MRS_DATASET_H
#define MRS_DATASET_H

#include "core/core.h"

struct sqlite3;

/* ------------------------------------------------------------------ building a dataset */

/* Sets the follow edges from parallel arrays (any order, duplicates dropped keeping the
 * earliest time). Copies; the inputs stay the caller's. */
int mrs_ds_set_follows(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		       const int64_t *time, size_t n, mrs_error *err);
/* Sets impressions (any order; a repeated (user, tweet) pair is merged: earliest time,
 * actions OR-ed). Copies. */
int mrs_ds_set_impressions(mrs_dataset *ds, const uint32_t *user, const uint32_t *tweet,
			   const int64_t *time, const uint8_t *actions, size_t n, mrs_error *err);
/* Sets blocks and mutes (any order, duplicates merged). Copies. */
int mrs_ds_set_blocks(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		      const uint8_t *kind, const int64_t *time, size_t n, mrs_error *err);

/* The time before which `share` of the impressions fall (the train/test split of generated
 * and imported data); with no impressions, the last tweet's time (0 without tweets).
 * INT64_MIN when out of memory. */
int64_t mrs_split_time(const mrs_dataset *ds, double share, mrs_error *err);

/* The embedding cut (models.h's time rules): the time before which 40% of the train-split
 * impressions fall; the split time when there are none. INT64_MIN when out of memory (err
 * says so): no other cut is ever substituted. */
int64_t mrs_embed_cut(const mrs_dataset *ds, mrs_error *err);

/* Allocates the per-user arrays (handles left empty) and per-tweet arrays of a new
 * dataset; tweets get no text, no flags, no retweet link, no labels. */
mrs_dataset *mrs_ds_alloc(uint32_t n_users, uint32_t n_tweets, mrs_error *err);

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


/* Takes the exclusive write lock PATH.lock (non-blocking); MRS_ERR_BUSY when held. */
int mrs_store_lock(const char *path, int *fd_out, mrs_error *err);
/* The same with the lock file named in full; `what` names the thing locked in messages
 * (the models folder takes DIR/.lock). Release with mrs_store_unlock(what, fd). */
int mrs_store_lock_file(const char *lock, const char *what, int *fd_out, mrs_error *err);
void mrs_store_unlock(const char *path, int fd);
/* PATH.tmp-PID: the temporary file a write goes to before it is renamed into place. */
int mrs_store_temp_path(const char *path, char *out, size_t size, mrs_error *err);
/* Removes PATH.tmp-PID files whose process no longer runs: what a writer killed before
 * its rename left behind (only the holder of PATH's lock calls this for a dataset, so a
 * live writer's file is never touched; the PID check also guards unlocked writers). */
void mrs_store_remove_stale_temps(const char *path);
/* fsyncs tmp, renames it to path, fsyncs the folder. */
int mrs_store_commit_file(const char *tmp, const char *path, mrs_error *err);
/* Writes text and a newline to PATH through a temporary file renamed into place: PATH is
 * wholly old or wholly new. Errors name PATH ("cannot create", "cannot write"). */
int mrs_store_write_text(const char *path, const char *text, mrs_error *err);
/* Opens a dataset read-only and checks it is one of ours at the current schema version.
 * The connection is for one thread (it takes no locks). */
int mrs_store_open(const char *path, struct sqlite3 **db_out, mrs_error *err);
mrs_truth *mrs_truth_alloc(uint32_t n_users, uint32_t n_tweets, uint32_t n_impressions,
			   mrs_error *err);

#endif
