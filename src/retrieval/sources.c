/* sources.c: query hydration, the four candidate sources (InNetwork, OutOfNetwork, Graph,
 * FollowRecs) and the merge of their lists.
 *
 * Every source reads only indexes: followees' tweets through ds->atw (time-ordered per
 * author), impressions through ds->uimp_off (time-ordered per user), and SimClusters'
 * per-cluster tweet and producer indexes built at open. Like home-mixer, which hands its
 * sources the ids to exclude, a source skips tweets the query rules out (created at or
 * after now, the viewer's own or a retweet of them, authors blocked or muted, tweets
 * already shown), so its cap is spent on tweets that can be served; the pipeline's filters
 * stay as the safety net. Work bounds per request (for users who follow thousands):
 * - hydration: RealGraph scores at most Q_MAX_RG followees (those the viewer engaged with
 *   most, then the latest followed); the rest follow with weight 0, latest followed first.
 * - InNetwork: followees in RealGraph order, at most IN_MAX_FOLLOWEES of them and their
 *   latest IN_MAX_PER_AUTHOR tweets in the age window; it stops at the first followee whose
 *   weight cannot beat the cap-th candidate (a score is weight x recency <= weight).
 * - OutOfNetwork: the first OON_PER_CLUSTER entries of each of the viewer's clusters.
 * - Graph: the latest GRAPH_MAX_SCAN impressions of each of the top followees; for a
 *   viewer who follows no one, of each of the top co-engagers (hydration reads the latest
 *   GRAPH_MAX_SCAN engagers of each of the viewer's latest Q_COENGAGE_TWEETS engaged
 *   tweets and keeps Q_MAX_COENGAGERS of them); then the tweet-based path: the
 *   co-engagement index's rows of the viewer's latest MRS_COENG_HISTORY engaged tweets,
 *   only their tweets inside the age window (a binary search into each row), and at most
 *   GRAPH_SIMILAR_READS of those in all: the rows of the newest tweets first, a row that
 *   would pass the bound left out (a popular tweet's row lists every tweet it is a
 *   neighbour of: hundreds of thousands on the large world); of the tweets read,
 *   sources.graph_similar join the list.
 * - FollowRecs: second hops through the FRS_MAX_FOLLOWEES strongest followees, each read
 *   up to FRS_MAX_SECOND followees (an even sample past that), plus the first
 *   FRS_PRODUCERS_PER_CLUSTER producers of each of the viewer's clusters.
 */
#include <math.h>

#include "retrieval/retrieval.h"

#define Q_MAX_RG 1024
#define Q_HISTORY 2048
#define IN_MAX_FOLLOWEES 1000
#define IN_MAX_PER_AUTHOR 50
#define OON_PER_CLUSTER 256
#define GRAPH_MAX_SCAN 512
#define GRAPH_SIMILAR_READS 20000
#define Q_COENGAGE_TWEETS 256
#define Q_MAX_COENGAGERS 100
#define FRS_MAX_FOLLOWEES 50
#define FRS_MAX_SECOND 500
#define FRS_PRODUCERS_PER_CLUSTER 20
#define FRS_TWEETS_PER_ACCOUNT 8
#define MAX_CLUSTERS 64

/* ------------------------------------------------------------------ sorted id sets */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorts and removes duplicates; returns the new length. */
static uint32_t sort_unique(uint32_t *a, uint32_t n)
{
	if (n < 2)
		return n;
	qsort(a, n, sizeof *a, cmp_u32);
	uint32_t m = 1;
	for (uint32_t i = 1; i < n; i++)
		if (a[i] != a[m - 1])
			a[m++] = a[i];
	return m;
}

bool mrs_query_follows(const mrs_query *q, uint32_t author)
{
	return mrs_sorted_has(q->followees_by_id, q->n_followees, author);
}

bool mrs_query_blocked(const mrs_query *q, uint32_t author)
{
	return mrs_sorted_has(q->blocked, q->n_blocked, author);
}

bool mrs_query_seen(const mrs_query *q, uint32_t tweet)
{
	return mrs_sorted_has(q->seen, q->n_seen, tweet);
}

void mrs_query_free(mrs_query *q)
{
	if (!q)
		return;
	free(q->followees), free(q->followee_rg), free(q->followees_by_id);
	free(q->blocked), free(q->seen), free(q->negfb_authors);
	free(q->coengagers), free(q->coengager_w);
	memset(q, 0, sizeof *q);
	q->viewer = MRS_NONE;
}

/* ------------------------------------------------------------------ query hydration */

typedef struct followee {
	uint32_t id;
	float rg;
	uint32_t engaged;  /* positive engagements in the viewer's recent history */
	int64_t since;     /* follow time */
} followee;

static int cmp_by_rg(const void *a, const void *b)
{
	const followee *x = a, *y = b;
	if (x->rg != y->rg)
		return x->rg > y->rg ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Who gets a RealGraph score when there are too many: most engaged, then latest followed. */
static int cmp_by_activity(const void *a, const void *b)
{
	const followee *x = a, *y = b;
	if (x->engaged != y->engaged)
		return x->engaged > y->engaged ? -1 : 1;
	if (x->since != y->since)
		return x->since > y->since ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int hydrate_followees(const mrs_engine *e, mrs_query *q, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t v = q->viewer, n = 0;
	for (uint32_t k = ds->fol_off[v]; k < ds->fol_off[v + 1]; k++)
		n += ds->fol_time[k] < q->now;
	followee *f = mrs_calloc(n, sizeof *f, "query", err);
	uint32_t *ids = mrs_calloc(n, sizeof(uint32_t), "query", err);
	float *w = mrs_calloc(n, sizeof(float), "query", err);
	q->followees = mrs_calloc(n, sizeof(uint32_t), "query", err);
	q->followee_rg = mrs_calloc(n, sizeof(float), "query", err);
	q->followees_by_id = mrs_calloc(n, sizeof(uint32_t), "query", err);
	int rc = -1;
	if (!f || !ids || !w || !q->followees || !q->followee_rg || !q->followees_by_id)
		goto out;
	uint32_t i = 0;
	for (uint32_t k = ds->fol_off[v]; k < ds->fol_off[v + 1]; k++)
		if (ds->fol_time[k] < q->now) {
			f[i] = (followee){ds->fol_dst[k], 0, 0, ds->fol_time[k]};
			q->followees_by_id[i++] = ds->fol_dst[k]; /* fol_dst is ascending */
		}
	q->n_followees = n;
	uint32_t scored = n;
	if (n > Q_MAX_RG) {
		/* count engagements with followees in the recent history (both ascending by id) */
		uint32_t end = mrs_uimp_end(ds, v, q->now);
		uint32_t start = end - MRS_MIN(end - ds->uimp_off[v], (uint32_t)Q_HISTORY);
		for (uint32_t j = start; j < end; j++) {
			if (!(ds->imp_actions[j] & MRS_POSITIVE_MASK))
				continue;
			/* f is still in id order, as followees_by_id */
			uint32_t a = ds->tweet_author[ds->imp_tweet[j]];
			uint32_t k = mrs_lower_bound(q->followees_by_id, 0, n, a);
			if (k < n && f[k].id == a)
				f[k].engaged++;
		}
		qsort(f, n, sizeof *f, cmp_by_activity);
		scored = Q_MAX_RG;
	}
	for (uint32_t j = 0; j < scored; j++)
		ids[j] = f[j].id;
	if (mrs_rg_scores(e, v, ids, scored, q->now, w, err))
		goto out;
	for (uint32_t j = 0; j < scored; j++)
		f[j].rg = w[j];
	qsort(f, scored, sizeof *f, cmp_by_rg);
	for (uint32_t j = 0; j < n; j++) {
		q->followees[j] = f[j].id;
		q->followee_rg[j] = f[j].rg;
	}
	rc = 0;
out:
	free(f), free(ids), free(w);
	return rc;
}

typedef struct coengager {
	uint32_t id, shared;
} coengager;

static int cmp_by_shared(const void *a, const void *b)
{
	const coengager *x = a, *y = b;
	if (x->shared != y->shared)
		return x->shared > y->shared ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A viewer who follows no one: the users who engaged positively with the tweets of the
 * viewer's latest Q_COENGAGE_TWEETS positive engagements before now (the latest
 * GRAPH_MAX_SCAN engagers of each), at most Q_MAX_COENGAGERS, most tweets shared first. */
static int hydrate_coengagers(const mrs_engine *e, mrs_query *q, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t v = q->viewer, mine = 0;
	mrs_idmap map = {0};
	coengager *c = NULL;
	size_t cap = 0;
	int rc = -1;
	if (mrs_idmap_reset(&map, 256, err))
		goto out;
	for (uint32_t i = mrs_uimp_end(ds, v, q->now);
	     i > ds->uimp_off[v] && mine < Q_COENGAGE_TWEETS; i--) {
		if (!(ds->imp_actions[i - 1] & MRS_POSITIVE_MASK))
			continue;
		mine++;
		uint32_t t = ds->imp_tweet[i - 1], lo = ds->timp_off[t];
		uint32_t end = mrs_timp_end(ds, t, q->now), taken = 0;
		for (uint32_t j = end; j > lo && taken < GRAPH_MAX_SCAN; j--) {
			uint32_t imp = ds->timp[j - 1], u = ds->imp_user[imp];
			if (u == v || !(ds->imp_actions[imp] & MRS_POSITIVE_MASK))
				continue;
			taken++;
			bool added;
			uint32_t slot = mrs_idmap_put(&map, u, &added, err);
			if (slot == MRS_NONE ||
			    mrs_grow((void **)&c, &cap, (size_t)slot + 1, sizeof *c, "query", err))
				goto out;
			if (added)
				c[slot] = (coengager){u, 0};
			c[slot].shared++;
		}
	}
	if (map.n)
		qsort(c, map.n, sizeof *c, cmp_by_shared);
	uint32_t n = MRS_MIN(map.n, (uint32_t)Q_MAX_COENGAGERS);
	q->coengagers = mrs_calloc(MRS_MAX(n, 1u), sizeof(uint32_t), "query", err);
	q->coengager_w = mrs_calloc(MRS_MAX(n, 1u), sizeof(float), "query", err);
	if (!q->coengagers || !q->coengager_w)
		goto out;
	for (uint32_t k = 0; k < n; k++) {
		q->coengagers[k] = c[k].id;
		q->coengager_w[k] = (float)c[k].shared / (float)mine;
	}
	q->n_coengagers = n;
	rc = 0;
out:
	mrs_idmap_free(&map);
	free(c);
	return rc;
}

int mrs_query_hydrate(const mrs_engine *e, uint32_t viewer, int64_t now, mrs_query *q,
		      mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	memset(q, 0, sizeof *q);
	q->viewer = viewer;
	q->now = now;
	if (viewer >= ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "query: user %u out of range (%u users)", viewer,
				ds->n_users);
	if (hydrate_followees(e, q, err) || (!q->n_followees && hydrate_coengagers(e, q, err)))
		goto fail;
	/* blocks and mutes before now */
	uint32_t nb = ds->blk_off[viewer + 1] - ds->blk_off[viewer];
	if (!(q->blocked = mrs_calloc(nb, sizeof(uint32_t), "query", err)))
		goto fail;
	for (uint32_t k = ds->blk_off[viewer]; k < ds->blk_off[viewer + 1]; k++)
		if (ds->blk_time[k] < now)
			q->blocked[q->n_blocked++] = ds->blk_dst[k];
	q->n_blocked = sort_unique(q->blocked, q->n_blocked);
	/* tweets shown before now, and authors given negative feedback or reported */
	uint32_t lo = ds->uimp_off[viewer], end = mrs_uimp_end(ds, viewer, now);
	q->seen = mrs_calloc(end - lo, sizeof(uint32_t), "query", err);
	q->negfb_authors = mrs_calloc(2 * (size_t)(end - lo), sizeof(uint32_t), "query", err);
	if (!q->seen || !q->negfb_authors)
		goto fail;
	const unsigned neg = (1u << MRS_ACT_NEGFB) | (1u << MRS_ACT_REPORT);
	for (uint32_t i = lo; i < end; i++) {
		uint32_t t = ds->imp_tweet[i];
		q->seen[q->n_seen++] = t;
		if (ds->imp_actions[i] & neg) {
			q->negfb_authors[q->n_negfb++] = ds->tweet_author[t];
			if (mrs_ds_original_author(ds, t) != ds->tweet_author[t])
				q->negfb_authors[q->n_negfb++] = mrs_ds_original_author(ds, t);
		}
	}
	q->n_seen = sort_unique(q->seen, q->n_seen);
	q->n_negfb = sort_unique(q->negfb_authors, q->n_negfb);
	return 0;
fail:
	mrs_query_free(q);
	q->viewer = viewer;
	return -1;
}

/* ------------------------------------------------------------------ shared pieces */

/* Can the source offer this tweet to the viewer at all? */
static bool eligible(const mrs_dataset *ds, const mrs_query *q, uint32_t t)
{
	uint32_t a = ds->tweet_author[t], o = mrs_ds_original_author(ds, t);
	return ds->tweet_time[t] < q->now && a != q->viewer && o != q->viewer &&
	       !mrs_query_blocked(q, a) && !(o != a && mrs_query_blocked(q, o)) &&
	       !mrs_query_seen(q, t);
}

static int64_t window_start(const mrs_query *q, float hours)
{
	return q->now - (int64_t)((double)hours * MRS_HOUR);
}

static float recency(const mrs_dataset *ds, const mrs_query *q, uint32_t t, float halflife_h)
{
	return (float)mrs_decay((double)(q->now - ds->tweet_time[t]), (double)halflife_h * MRS_HOUR);
}

/* A source's candidates are mrs_scored (aux: the source's own index: followee, account,
 * slot), ranked by mrs_scored_cmp. "worse" in that order: */
static bool worse(const mrs_scored *x, const mrs_scored *y)
{
	return mrs_scored_cmp(x, y) > 0;
}

/* A bounded min-heap keeping the `cap` best items. */
typedef struct top_heap {
	mrs_scored *v;
	uint32_t n, cap;
} top_heap;

static void heap_push(top_heap *h, mrs_scored s)
{
	if (h->n == h->cap) {
		if (!h->cap || !worse(&h->v[0], &s))
			return;
		h->v[0] = s; /* replace the worst, sift down */
		for (uint32_t i = 0;;) {
			uint32_t l = 2 * i + 1, r = l + 1, m = i;
			if (l < h->n && worse(&h->v[l], &h->v[m]))
				m = l;
			if (r < h->n && worse(&h->v[r], &h->v[m]))
				m = r;
			if (m == i)
				break;
			mrs_scored x = h->v[i];
			h->v[i] = h->v[m], h->v[m] = x;
			i = m;
		}
		return;
	}
	uint32_t i = h->n++;
	h->v[i] = s;
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!worse(&h->v[i], &h->v[p]))
			break;
		mrs_scored x = h->v[i];
		h->v[i] = h->v[p], h->v[p] = x;
		i = p;
	}
}

/* The viewer's clusters as of now, or the most popular ones for a viewer with none. */
static uint32_t viewer_clusters(const mrs_engine *e, const mrs_query *q, uint32_t max,
				uint32_t *c, float *w, bool *cold)
{
	max = MRS_MIN(max, (uint32_t)MAX_CLUSTERS);
	uint32_t n = mrs_sc_interested_in_at(e, q->viewer, q->now, c, w, max);
	*cold = n == 0;
	if (!n)
		n = mrs_sc_popular_clusters(e, c, w, max);
	return n;
}

/* ------------------------------------------------------------------ InNetwork */

static int source_in_network(const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
			     mrs_cand_list *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t cap = cfg->source_cap[MRS_SRC_IN_NETWORK];
	top_heap h = {mrs_calloc(MRS_MAX(cap, 1u), sizeof(mrs_scored), "in-network", err), 0, cap};
	if (!h.v)
		return -1;
	int64_t from = window_start(q, cfg->max_age_hours);
	uint32_t nf = MRS_MIN(q->n_followees, (uint32_t)IN_MAX_FOLLOWEES);
	for (uint32_t i = 0; i < nf; i++) {
		float w = q->followee_rg[i];
		if (h.n == cap && w <= h.v[0].score)
			break; /* nobody from here on can beat the cap-th candidate */
		uint32_t f = q->followees[i];
		uint32_t lo = mrs_atw_end(ds, f, from), hi = mrs_atw_end(ds, f, q->now);
		uint32_t stop = hi - MRS_MIN(hi - lo, (uint32_t)IN_MAX_PER_AUTHOR);
		for (uint32_t j = hi; j > stop; j--) {
			uint32_t t = ds->atw[j - 1];
			if (eligible(ds, q, t))
				heap_push(&h, (mrs_scored){w * recency(ds, q, t,
								      cfg->in_network_halflife_hours),
							   t, i});
		}
	}
	qsort(h.v, h.n, sizeof *h.v, mrs_scored_cmp);
	int rc = 0;
	for (uint32_t i = 0; i < h.n && !rc; i++) {
		mrs_candidate c;
		mrs_cand_init(&c, ds, h.v[i].tweet);
		c.sources = 1u << MRS_SRC_IN_NETWORK;
		c.source = MRS_SRC_IN_NETWORK;
		c.source_score[MRS_SRC_IN_NETWORK] = h.v[i].score;
		c.rg = q->followee_rg[h.v[i].aux];
		rc = mrs_cand_push(out, &c, err);
	}
	free(h.v);
	return rc;
}

/* ------------------------------------------------------------------ OutOfNetwork */

/* The light ranking of a SimClusters ANN candidate: its similarity to the viewer. */
static float oon_light_score(float sc, float popularity, bool cold, float cluster_weight)
{
	return cold ? cluster_weight * popularity : sc;
}

static int source_out_of_network(const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
				 mrs_cand_list *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t cap = cfg->source_cap[MRS_SRC_OUT_OF_NETWORK];
	uint32_t c[MAX_CLUSTERS];
	float w[MAX_CLUSTERS];
	bool cold;
	uint32_t nc = viewer_clusters(e, q, cfg->oon_clusters, c, w, &cold);
	if (!cap || !nc)
		return 0;
	int64_t from = window_start(q, cfg->max_age_hours);
	mrs_idmap seen = {0};
	top_heap h = {mrs_calloc(cap, sizeof(mrs_scored), "out-of-network", err), 0, cap};
	int rc = -1;
	if (!h.v || mrs_idmap_reset(&seen, nc * OON_PER_CLUSTER, err))
		goto out;
	for (uint32_t k = 0; k < nc; k++) {
		uint32_t len;
		const mrs_sc_entry *ent = mrs_sc_cluster_tweets(e, c[k], &len);
		len = MRS_MIN(len, (uint32_t)OON_PER_CLUSTER);
		for (uint32_t j = 0; j < len; j++) {
			uint32_t t = ent[j].id;
			if (ds->tweet_time[t] < from || mrs_query_follows(q, ds->tweet_author[t]) ||
			    !eligible(ds, q, t))
				continue;
			bool added;
			if (mrs_idmap_put(&seen, t, &added, err) == MRS_NONE)
				goto out;
			if (!added)
				continue;
			/* a viewer with clusters ranks by similarity alone, a cold one by
			 * popularity alone: only what the score reads is computed */
			float sc = cold ? 0 : mrs_sc_score(e, q->viewer, t, q->now);
			float pop = cold ? mrs_sc_tweet_popularity(e, t) : 0;
			heap_push(&h, (mrs_scored){oon_light_score(sc, pop, cold, w[k]), t, k});
		}
	}
	qsort(h.v, h.n, sizeof *h.v, mrs_scored_cmp);
	for (uint32_t i = 0; i < h.n; i++) {
		mrs_candidate cd;
		mrs_cand_init(&cd, ds, h.v[i].tweet);
		cd.sources = 1u << MRS_SRC_OUT_OF_NETWORK;
		cd.source = MRS_SRC_OUT_OF_NETWORK;
		cd.source_score[MRS_SRC_OUT_OF_NETWORK] = h.v[i].score;
		cd.sc = cold ? 0 : h.v[i].score; /* the light score is the similarity */
		cd.twhin = mrs_twhin_score(e, q->viewer, h.v[i].tweet, q->now);
		if (mrs_cand_push(out, &cd, err))
			goto out;
	}
	rc = 0;
out:
	free(h.v);
	mrs_idmap_free(&seen);
	return rc;
}

/* ------------------------------------------------------------------ Graph */

/* What the engagers' path gathers about a tweet it meets (the slots of its map's first
 * ids); the tweet-based path adds only a summed similarity, in an array of its own */
typedef struct graph_acc {
	float weight;
	uint8_t taken;    /* in the list through the engagers' path */
	uint32_t count;
	int64_t latest;
	uint32_t proof[MRS_MAX_PROOF];
	uint8_t n_proof;
} graph_acc;

/* The accumulator of tweet t, new tweets starting empty; NULL on no memory. */
static graph_acc *graph_slot(mrs_idmap *map, graph_acc **acc, size_t *cap, uint32_t t,
			     mrs_error *err)
{
	bool added;
	uint32_t slot = mrs_idmap_put(map, t, &added, err);
	if (slot == MRS_NONE ||
	    mrs_grow((void **)acc, cap, (size_t)slot + 1, sizeof **acc, "graph", err))
		return NULL;
	if (added)
		memset(&(*acc)[slot], 0, sizeof **acc);
	return &(*acc)[slot];
}

/* The tweet-based path (GraphJet's "users who engaged with X also engaged with Y"): the
 * tweets the co-engagement index scores from the viewer's latest engagements, each one's
 * summed similarity into (*coeng)[its slot in map], an array with a slot for every id the
 * map then holds. Nothing (and *coeng NULL) when the index holds behaviour at or after
 * now. */
static int graph_similar(const mrs_engine *e, const mrs_query *q, int64_t oldest, mrs_idmap *map,
			 float **coeng, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	*coeng = NULL;
	if (!e->coeng || e->coeng_until > q->now)
		return 0;
	uint32_t *hist = mrs_calloc(MRS_COENG_HISTORY, sizeof(uint32_t), "graph", err);
	if (!hist)
		return -1;
	uint32_t nh = mrs_coeng_history(e, q->viewer, q->now, hist, MRS_COENG_HISTORY);
	/* tweet ids are in time order and a row's tweets ascending: the tweets from oldest
	 * up to now are one run of each row (most of a row is older than the age limit) */
	uint32_t lo = mrs_lower_bound_time(ds->tweet_time, NULL, 0, ds->n_tweets, oldest);
	uint32_t hi = mrs_lower_bound_time(ds->tweet_time, NULL, lo, ds->n_tweets, q->now);
	/* the rows that fit in GRAPH_SIMILAR_READS, newest first; then read in history order
	 * (so a viewer under the bound sums exactly as the ranker's feature does) */
	uint32_t from[MRS_COENG_HISTORY], to[MRS_COENG_HISTORY];
	size_t reads = 0;
	for (uint32_t h = nh; h-- > 0;) {
		const uint32_t *tgt;
		const float *sim;
		uint32_t n = mrs_item_knn_row(e->coeng, hist[h], &tgt, &sim);
		from[h] = mrs_lower_bound(tgt, 0, n, lo);
		to[h] = mrs_lower_bound(tgt, from[h], n, hi);
		if (reads + (to[h] - from[h]) > GRAPH_SIMILAR_READS)
			to[h] = from[h];
		reads += to[h] - from[h];
	}
	/* room for every tweet read being new: the map never grows while it is read */
	int rc = mrs_idmap_reserve(map, (uint32_t)reads, err);
	float *sum = rc ? NULL : mrs_calloc((size_t)map->n + reads + 1, sizeof(float), "graph", err);
	if (!rc && !sum)
		rc = -1;
	for (uint32_t h = 0; h < nh && !rc; h++) {
		const uint32_t *tgt;
		const float *sim;
		mrs_item_knn_row(e->coeng, hist[h], &tgt, &sim);
		for (uint32_t k = from[h]; k < to[h]; k++) {
			/* whether the tweet may be offered is asked only of those that would
			 * enter the list (source_graph): most are not */
			uint32_t slot = mrs_idmap_put(map, tgt[k], NULL, err);
			if (slot == MRS_NONE) {
				rc = -1;
				break;
			}
			sum[slot] += sim[k];
		}
	}
	free(hist);
	if (rc)
		free(sum);
	else
		*coeng = sum;
	return rc;
}

static int source_graph(const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
			mrs_cand_list *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t cap = cfg->source_cap[MRS_SRC_GRAPH], similar = cfg->graph_similar;
	/* the top followees by RealGraph weight, or for a viewer who follows no one the top
	 * co-engagers by the share of the viewer's tweets they engaged with too */
	bool co = !q->n_followees;
	const uint32_t *who = co ? q->coengagers : q->followees;
	const float *weight = co ? q->coengager_w : q->followee_rg;
	uint32_t nf = MRS_MIN(co ? q->n_coengagers : q->n_followees, cfg->graph_followees);
	if (!cap)
		nf = 0;
	if (!nf && !similar)
		return 0;
	int64_t from = window_start(q, cfg->graph_window_hours);
	int64_t oldest = window_start(q, cfg->max_age_hours);
	mrs_idmap map = {0};
	graph_acc *acc = NULL;
	size_t acc_cap = 0;
	float *coeng = NULL;
	mrs_scored *s = NULL;
	int rc = -1;
	if (mrs_idmap_reset(&map, 64, err))
		goto out;
	for (uint32_t i = 0; i < nf; i++) {
		uint32_t f = who[i], lo = ds->uimp_off[f], end = mrs_uimp_end(ds, f, q->now);
		uint32_t stop = end - MRS_MIN(end - lo, (uint32_t)GRAPH_MAX_SCAN);
		for (uint32_t j = end; j > stop && ds->imp_time[j - 1] >= from; j--) {
			uint32_t t = ds->imp_tweet[j - 1];
			if (!(ds->imp_actions[j - 1] & MRS_POSITIVE_MASK) || ds->tweet_time[t] < oldest ||
			    !eligible(ds, q, t))
				continue;
			graph_acc *a = graph_slot(&map, &acc, &acc_cap, t, err);
			if (!a)
				goto out;
			a->weight += weight[i];
			a->count++;
			a->latest = MRS_MAX(a->latest, ds->imp_time[j - 1]);
			if (a->n_proof < MRS_MAX_PROOF)
				a->proof[a->n_proof++] = f; /* strongest first */
		}
	}
	uint32_t n_eng = map.n; /* slots the engagers' path made: those of acc */
	if (similar && graph_similar(e, q, oldest, &map, &coeng, err))
		goto out;
	if (!(s = mrs_calloc(MRS_MAX(map.n, 1u), sizeof *s, "graph", err)))
		goto out;
	/* the engagers' path: the cap best by RealGraph-weighted engager count (the count
	 * breaks ties between weights), kept in a bounded heap over s (the order is total:
	 * the same as sorting them all) */
	top_heap h = {s, 0, MRS_MIN(cap, n_eng)};
	for (uint32_t k = 0; k < n_eng; k++)
		if (acc[k].count)
			heap_push(&h, (mrs_scored){acc[k].weight + 1e-4f * (float)acc[k].count,
						   map.ids[k], k});
	qsort(h.v, h.n, sizeof *h.v, mrs_scored_cmp);
	uint32_t n = h.n;
	/* then the tweet-based path: the graph_similar best of the others by co-engagement */
	for (uint32_t i = 0; i < n; i++)
		acc[s[i].aux].taken = 1;
	uint32_t first = n;
	h = (top_heap){s + first, 0, MRS_MIN(similar, map.n - first)};
	for (uint32_t k = 0; coeng && k < map.n; k++) {
		if ((k < n_eng && acc[k].taken) || !(coeng[k] > 0))
			continue;
		mrs_scored x = {coeng[k], map.ids[k], k};
		/* a tweet the engagers' path met was checked there; one met on this path only
		 * is checked when it would enter the heap (the same list as checking all) */
		if (h.n == h.cap && (!h.cap || !worse(&h.v[0], &x)))
			continue;
		if (k >= n_eng && !eligible(ds, q, map.ids[k]))
			continue;
		heap_push(&h, x);
	}
	qsort(h.v, h.n, sizeof *h.v, mrs_scored_cmp);
	n += h.n;
	for (uint32_t i = 0; i < n; i++) {
		const graph_acc *a = s[i].aux < n_eng ? &acc[s[i].aux] : NULL;
		mrs_candidate c;
		mrs_cand_init(&c, ds, s[i].tweet);
		c.sources = 1u << MRS_SRC_GRAPH;
		c.source = MRS_SRC_GRAPH;
		c.source_score[MRS_SRC_GRAPH] = i < first ? a->weight : coeng[s[i].aux];
		if (a) {
			memcpy(c.proof, a->proof, sizeof c.proof);
			c.n_proof = a->n_proof;
		}
		if (mrs_cand_push(out, &c, err))
			goto out;
	}
	rc = 0;
out:
	mrs_idmap_free(&map);
	free(acc), free(coeng), free(s);
	return rc;
}

/* ------------------------------------------------------------------ FollowRecs */

typedef struct frs_acc {
	float twohop;     /* sum of RealGraph weights of the followees who follow the account */
	float via_w;
	uint32_t via;     /* the strongest of them */
	float sc;         /* SimClusters producer similarity */
} frs_acc;

/* The accumulator slot of account u, new accounts starting empty; MRS_NONE on no memory. */
static uint32_t frs_slot(mrs_idmap *map, frs_acc **acc, size_t *cap, uint32_t u,
			 mrs_error *err)
{
	bool added;
	uint32_t s = mrs_idmap_put(map, u, &added, err);
	if (s == MRS_NONE || mrs_grow((void **)acc, cap, (size_t)s + 1, sizeof **acc,
				      "follow recs", err))
		return MRS_NONE;
	if (added)
		(*acc)[s] = (frs_acc){0, 0, MRS_NONE, 0};
	return s;
}

static int source_follow_recs(const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
			      mrs_cand_list *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t cap = cfg->source_cap[MRS_SRC_FOLLOW_RECS];
	if (!cap || !cfg->frs_accounts)
		return 0;
	int64_t from = window_start(q, cfg->max_age_hours);
	mrs_idmap map = {0};
	frs_acc *acc = NULL;
	size_t acc_cap = 0;
	mrs_scored *acct = NULL, *tw = NULL;
	int rc = -1;
	if (mrs_idmap_reset(&map, 256, err))
		goto out;
	/* two hops through the strongest followees */
	uint32_t nf = MRS_MIN(q->n_followees, (uint32_t)FRS_MAX_FOLLOWEES);
	for (uint32_t i = 0; i < nf; i++) {
		uint32_t f = q->followees[i], deg = 0;
		float w = q->followee_rg[i];
		for (uint32_t k = ds->fol_off[f]; k < ds->fol_off[f + 1]; k++)
			deg += ds->fol_time[k] < q->now;
		uint32_t stride = MRS_MAX(1u, (deg + FRS_MAX_SECOND - 1) / FRS_MAX_SECOND), j = 0;
		for (uint32_t k = ds->fol_off[f]; k < ds->fol_off[f + 1]; k++) {
			uint32_t g = ds->fol_dst[k];
			if (ds->fol_time[k] >= q->now || j++ % stride || g == q->viewer ||
			    mrs_query_follows(q, g) || mrs_query_blocked(q, g))
				continue;
			uint32_t s = frs_slot(&map, &acc, &acc_cap, g, err);
			if (s == MRS_NONE)
				goto out;
			acc[s].twohop += w;
			if (acc[s].via == MRS_NONE || w > acc[s].via_w)
				acc[s].via = f, acc[s].via_w = w;
		}
	}
	/* producers known for the viewer's clusters */
	uint32_t c[MAX_CLUSTERS];
	float cw[MAX_CLUSTERS];
	bool cold;
	uint32_t nc = viewer_clusters(e, q, cfg->oon_clusters, c, cw, &cold);
	for (uint32_t k = 0; k < nc; k++) {
		uint32_t len;
		const mrs_sc_entry *ent = mrs_sc_cluster_producers(e, c[k], &len);
		len = MRS_MIN(len, (uint32_t)FRS_PRODUCERS_PER_CLUSTER);
		for (uint32_t j = 0; j < len; j++) {
			uint32_t p = ent[j].id;
			if (p == q->viewer || mrs_query_follows(q, p) || mrs_query_blocked(q, p))
				continue;
			/* cold start: the cluster's audience share, in the index's order */
			float sim = cold ? cw[k] * (1.0f - (float)j / (float)(2 * len))
					 : mrs_sc_producer_score(e, q->viewer, p);
			uint32_t s = frs_slot(&map, &acc, &acc_cap, p, err);
			if (s == MRS_NONE)
				goto out;
			acc[s].sc = MRS_MAX(acc[s].sc, sim);
		}
	}
	if (!(acct = mrs_calloc(MRS_MAX(map.n, 1u), sizeof *acct, "follow recs", err)))
		goto out;
	for (uint32_t k = 0; k < map.n; k++)
		acct[k] = (mrs_scored){acc[k].twohop / (acc[k].twohop + 1.0f) + acc[k].sc, map.ids[k], k};
	/* mrs_scored_cmp breaks ties by higher id; accounts: any fixed order will do */
	qsort(acct, map.n, sizeof *acct, mrs_scored_cmp);
	uint32_t per = FRS_TWEETS_PER_ACCOUNT, n_tw = 0;
	if (!(tw = mrs_calloc((size_t)cfg->frs_accounts * per, sizeof *tw, "follow recs", err)))
		goto out;
	uint32_t taken = 0;
	for (uint32_t k = 0; k < map.n && taken < cfg->frs_accounts; k++) {
		uint32_t a = acct[k].tweet, lo = mrs_atw_end(ds, a, from), hi = mrs_atw_end(ds, a, q->now);
		uint32_t before = n_tw;
		for (uint32_t j = hi; j > lo && n_tw - before < per; j--) {
			uint32_t t = ds->atw[j - 1];
			if (eligible(ds, q, t))
				tw[n_tw++] = (mrs_scored){acct[k].score *
								  recency(ds, q, t, cfg->in_network_halflife_hours),
							  t, acct[k].aux};
		}
		taken += n_tw > before; /* accounts with nothing to show are not recommended */
	}
	qsort(tw, n_tw, sizeof *tw, mrs_scored_cmp);
	n_tw = MRS_MIN(n_tw, cap);
	for (uint32_t i = 0; i < n_tw; i++) {
		const frs_acc *a = &acc[tw[i].aux];
		mrs_candidate cd;
		mrs_cand_init(&cd, ds, tw[i].tweet);
		cd.sources = 1u << MRS_SRC_FOLLOW_RECS;
		cd.source = MRS_SRC_FOLLOW_RECS;
		cd.source_score[MRS_SRC_FOLLOW_RECS] = tw[i].score;
		cd.via = a->twohop > 0 ? a->via : MRS_NONE;
		if (mrs_cand_push(out, &cd, err))
			goto out;
	}
	rc = 0;
out:
	mrs_idmap_free(&map);
	free(acc), free(acct), free(tw);
	return rc;
}

/* ------------------------------------------------------------------ entry points */

int mrs_source_run(int source, const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
		   mrs_cand_list *out, mrs_error *err)
{
	if (q->viewer >= e->ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "source: the query has no viewer");
	switch (source) {
	case MRS_SRC_IN_NETWORK:
		return source_in_network(e, q, cfg, out, err);
	case MRS_SRC_OUT_OF_NETWORK:
		return source_out_of_network(e, q, cfg, out, err);
	case MRS_SRC_GRAPH:
		return source_graph(e, q, cfg, out, err);
	case MRS_SRC_FOLLOW_RECS:
		return source_follow_recs(e, q, cfg, out, err);
	default:
		return mrs_fail(err, MRS_ERR_USAGE, "source: no source %d", source);
	}
}

int mrs_candidates_dedup(const mrs_cand_list lists[MRS_N_SOURCES], mrs_cand_list *out,
			 mrs_error *err)
{
	mrs_idmap map = {0};
	uint32_t total = 0, base = out->n;
	for (int s = 0; s < MRS_N_SOURCES; s++)
		total += lists[s].n;
	if (mrs_idmap_reset(&map, total, err))
		return -1;
	int rc = 0;
	for (int s = 0; s < MRS_N_SOURCES && !rc; s++)
		for (uint32_t i = 0; i < lists[s].n && !rc; i++) {
			const mrs_candidate *c = &lists[s].v[i];
			bool added;
			uint32_t slot = mrs_idmap_put(&map, c->tweet, &added, err);
			if (slot == MRS_NONE) {
				rc = -1;
				break;
			}
			if (added) {
				rc = mrs_cand_push(out, c, err);
				continue;
			}
			mrs_candidate *d = &out->v[base + slot];
			d->sources |= c->sources;
			for (int k = 0; k < MRS_N_SOURCES; k++)
				if (c->sources & (1u << k))
					d->source_score[k] = c->source_score[k];
			if (!d->n_proof && c->n_proof) {
				memcpy(d->proof, c->proof, sizeof d->proof);
				d->n_proof = c->n_proof;
			}
			if (d->via == MRS_NONE)
				d->via = c->via;
			if (d->rg == 0)
				d->rg = c->rg;
			if (d->sc == 0)
				d->sc = c->sc;
			if (d->twhin == 0)
				d->twhin = c->twhin;
		}
	/* credit the first finding source in MRS_SRC_* order */
	for (uint32_t i = base; i < out->n; i++)
		for (int k = 0; k < MRS_N_SOURCES; k++)
			if (out->v[i].sources & (1u << k)) {
				out->v[i].source = (uint8_t)k;
				break;
			}
	mrs_idmap_free(&map);
	return rc;
}
