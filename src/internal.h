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

/* The library's binary search: the first position p in [lo, hi) with a[p] >= x, where
 * a[lo .. hi) is ascending; hi when every value there is below x. */
static inline uint32_t mrs_lower_bound(const uint32_t *a, uint32_t lo, uint32_t hi, uint32_t x)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same search over times read through an index: the first position p in [lo, hi)
 * with t[at[p]] >= x (at NULL: t[p] >= x). [lo, result) holds what happened before x. */
static inline uint32_t mrs_lower_bound_time(const int64_t *t, const uint32_t *at, uint32_t lo,
					    uint32_t hi, int64_t x)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t[at ? at[mid] : mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is v in the ascending array a[0 .. n)? O(log n). */
static inline bool mrs_sorted_has(const uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t p = mrs_lower_bound(a, 0, n, v);
	return p < n && a[p] == v;
}

/* The order of every ranked list of a request: best first, by score descending, then the
 * newer tweet (the higher id) first, so the order is total. The candidate sources, the
 * selection and evaluation's baselines all rank by it. */
static inline int mrs_best_first(float score_a, uint32_t tweet_a, float score_b,
				 uint32_t tweet_b)
{
	if (score_a != score_b)
		return score_a > score_b ? -1 : 1;
	return tweet_a > tweet_b ? -1 : tweet_a < tweet_b;
}

/* A tweet with a score (and a slot of the ranker's own, e.g. a source's index). */
typedef struct mrs_scored {
	float score;
	uint32_t tweet;
	uint32_t aux;
} mrs_scored;

/* qsort comparator of mrs_scored: mrs_best_first. */
static inline int mrs_scored_cmp(const void *a, const void *b)
{
	const mrs_scored *x = a, *y = b;
	return mrs_best_first(x->score, x->tweet, y->score, y->tweet);
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

/* The embedding cut (engine.h's time rules): the time before which 40% of the train-split
 * impressions fall; the split time when there are none. INT64_MIN when out of memory (err
 * says so): no other cut is ever substituted. */
int64_t mrs_embed_cut(const mrs_dataset *ds, mrs_error *err);

/* Allocates the per-user arrays (handles left empty) and per-tweet arrays of a new
 * dataset; tweets get no text, no flags, no retweet link, no labels. */
mrs_dataset *mrs_ds_alloc(uint32_t n_users, uint32_t n_tweets, mrs_error *err);

#endif
