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
/* Sets impressions (any order; a repeated (user, tweet) pair is merged: earliest time and
 * its propensity, actions OR-ed). propensity may be NULL (every one unknown: 0). Copies. */
int mrs_ds_set_impressions(mrs_dataset *ds, const uint32_t *user, const uint32_t *tweet,
			   const int64_t *time, const uint8_t *actions, const float *propensity,
			   size_t n, mrs_error *err);
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

#endif
