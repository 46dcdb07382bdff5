/* internal.h: helpers shared inside libminirecsys; not part of the public API. */
#ifndef MRS_INTERNAL_H
#define MRS_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include "minirecsys.h"

#define MRS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MRS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MRS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* calloc that reports failure through err, naming what was being allocated. */
void *mrs_calloc(size_t n, size_t size, const char *what, mrs_error *err);
/* realloc for growing arrays: *cap doubles until it holds need elements. */
int mrs_grow(void **p, size_t *cap, size_t need, size_t size, const char *what, mrs_error *err);
char *mrs_strdup(const char *s, mrs_error *err);
/* Appends text to err->msg (for "...; nothing was changed"). */
void mrs_error_suffix(mrs_error *err, const char *text);

/* Is v in the ascending array a[0 .. n)? O(log n). */
static inline bool mrs_sorted_has(const uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == v;
}

/* Growable byte pool of NUL-terminated strings (handles, tweet texts). */
typedef struct mrs_pool {
	char *data;
	size_t len, cap;
} mrs_pool;
/* Appends s (len bytes) and a NUL; returns its offset or UINT32_MAX on failure. */
uint32_t mrs_pool_add(mrs_pool *p, const char *s, size_t len, mrs_error *err);

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

/* Allocates the per-user arrays (handles left empty) and per-tweet arrays of a new
 * dataset; tweets get no text, no flags, no retweet link, no labels. */
mrs_dataset *mrs_ds_alloc(uint32_t n_users, uint32_t n_tweets, mrs_error *err);

/* ---- evaluation's baselines (baselines.c) and random split (split.c) */

/* Binary user-item feedback: user u's items at item[off[u] .. off[u+1]), ascending and
 * distinct. */
typedef struct mrs_ui_log {
	uint32_t n_users, n_items;
	uint32_t *off, *item;
} mrs_ui_log;
/* Builds a log from n (user, item) pairs in any order (repeats merged). The log owns its
 * arrays (mrs_ui_log_free). Errors: MRS_ERR_NOMEM, MRS_ERR_DATA for an id out of range. */
int mrs_ui_log_build(mrs_ui_log *log, uint32_t n_users, uint32_t n_items, const uint32_t *user,
		     const uint32_t *item, size_t n, mrs_error *err);
void mrs_ui_log_free(mrs_ui_log *log);

/* Item-kNN over a log (mrs_knn_params says what it computes). The model is the caller's
 * (mrs_item_knn_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_item_knn mrs_item_knn;
mrs_item_knn *mrs_item_knn_train(const mrs_ui_log *log, const mrs_knn_params *p,
				 const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): for every item, the summed similarity to items[0 .. n). */
void mrs_item_knn_score(const mrs_item_knn *m, const uint32_t *items, uint32_t n, float *score);
void mrs_item_knn_free(mrs_item_knn *m);

/* BPR matrix factorisation over a log, deterministic for a seed (one thread, no BLAS). The
 * model is the caller's (mrs_bpr_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_bpr mrs_bpr;
mrs_bpr *mrs_bpr_train(const mrs_ui_log *log, const mrs_bpr_params *p, uint64_t seed,
		       const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): user u's score for every item; -INFINITY for items not in the log. */
void mrs_bpr_score(const mrs_bpr *m, uint32_t u, float *score);
void mrs_bpr_free(mrs_bpr *m);

/* How many of a group's n rows go to train at `ratio`: round(ratio * n), halves to even
 * (numpy's rounding, which Microsoft Recommenders' splitter uses). */
uint32_t mrs_split_train_rows(uint32_t n, double ratio);
/* MRS_SPLIT_RANDOM over ds: sets test[i] (n_impressions entries) to 1 for the impressions
 * that are test rows, 0 otherwise. Errors: MRS_ERR_USAGE for a ratio outside (0, 1),
 * MRS_ERR_NOMEM. */
int mrs_split_random(const mrs_dataset *ds, double ratio, uint64_t seed, uint8_t *test,
		     mrs_error *err);
/* A copy of ds without the impressions i with drop[i] set (users, tweets, follows and
 * blocks as they are, the same clock). The caller owns the result. */
mrs_dataset *mrs_dataset_without(const mrs_dataset *ds, const uint8_t *drop, mrs_error *err);

#endif
