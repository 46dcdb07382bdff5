/* retrieval.h: helpers shared by the retrieval parts (SimClusters, TwHIN, RealGraph, the
 * candidate sources): point-in-time lookups on the dataset's indexes and a small id map.
 * Library-internal. */
#ifndef MRS_RETRIEVAL_H
#define MRS_RETRIEVAL_H

#include "internal.h"

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

/* 2^(-dt / halflife), 1 for dt <= 0. */
double mrs_decay(double dt, double halflife);

/* mrs_auc (ROC AUC, ties counting half) is declared in minirecsys.h with the other model
 * metrics (metrics.c). */

/* ------------------------------------------------------------------ id map */

/* An open-addressing map from 32-bit ids to dense slots 0, 1, 2, ... in insertion order:
 * per-request accumulators index parallel arrays by the slot. */
typedef struct mrs_idmap {
	uint32_t *key, *val;
	uint32_t mask;  /* capacity - 1 */
	uint32_t n;     /* ids inserted */
	uint32_t *ids;  /* [n] the ids in insertion order */
	size_t ids_cap;
} mrs_idmap;

/* Empties the map and makes room for about `expect` ids (it grows past that). */
int mrs_idmap_reset(mrs_idmap *m, uint32_t expect, mrs_error *err);
/* Slot of id, or MRS_NONE. */
uint32_t mrs_idmap_get(const mrs_idmap *m, uint32_t id);
/* Slot of id, inserted if new (*added tells which, may be NULL); MRS_NONE on no memory. */
uint32_t mrs_idmap_put(mrs_idmap *m, uint32_t id, bool *added, mrs_error *err);
void mrs_idmap_free(mrs_idmap *m);

#endif
