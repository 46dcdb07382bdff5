/* coengage.c: co-engagement: the user-item log and item-kNN over it (item-item cosine of
 * the sets of users who engaged with each item, each item's nearest neighbours kept), which
 * the engine's co-engagement index serves to the Graph source and the heavy ranker's
 * features, and which evaluation runs as its item-kNN baseline. Plain C, one thread, sums
 * in a fixed order: the same log gives the same numbers on every machine. */
#include <math.h>
#include <stdio.h>

#include "models/models.h"

/* Chosen on validation splits (README): of the settings bench/tune_baselines tried on the
 * default world's temporal and random splits and Last.fm's random split, those whose
 * worst NDCG@10 as a share of each split's best was highest. */
const mrs_knn_params mrs_knn_defaults = {.neighbours = 1000, .shrink = 20};

/* Item-kNN's similarity: the cosine for eval's item-kNN baseline, as the usual benchmarks
 * compute it. The engine's co-engagement index divides by n_i^0.6 for the history tweet i
 * (a popular tweet lends each candidate less) and weighs each co-engager as n_u^-0.5 (one
 * who engaged with everything says little about any pair). Chosen on validation splits
 * only (docs/features.md, "The co-engagement feature and index"): of the exponents
 * `bench/tune_baselines DATASET SPLIT 0 weights` tried, those whose worst NDCG@10 as a
 * share of each split's best was highest over the temporal and random validation splits
 * of the default world, Last.fm and a ratings log. */
const mrs_knn_weights mrs_knn_cosine = {.source = 0.5f, .target = 0.5f, .user = 0};
const mrs_knn_weights mrs_coeng_weights = {.source = 0.6f, .target = 0.5f, .user = 0.5f};

/* ------------------------------------------------------------ the log */

void mrs_ui_log_free(mrs_ui_log *log)
{
	if (!log)
		return;
	free(log->off), free(log->item);
	*log = (mrs_ui_log){0};
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int mrs_ui_log_build(mrs_ui_log *log, uint32_t n_users, uint32_t n_items, const uint32_t *user,
		     const uint32_t *item, size_t n, mrs_error *err)
{
	*log = (mrs_ui_log){.n_users = n_users, .n_items = n_items};
	log->off = mrs_calloc((size_t)n_users + 1, sizeof(uint32_t), "user-item log", err);
	log->item = mrs_calloc(n, sizeof(uint32_t), "user-item log", err);
	if (!log->off || !log->item)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (user[i] >= n_users || item[i] >= n_items) {
			mrs_fail(err, MRS_ERR_DATA, "user-item log: pair %zu (%u, %u) out of range", i,
				 user[i], item[i]);
			goto fail;
		}
		log->off[user[i] + 1]++;
	}
	for (uint32_t u = 0; u < n_users; u++)
		log->off[u + 1] += log->off[u];
	uint32_t *pos = mrs_calloc(n_users ? n_users : 1, sizeof(uint32_t), "user-item log", err);
	if (!pos)
		goto fail;
	memcpy(pos, log->off, sizeof(uint32_t) * n_users);
	for (size_t i = 0; i < n; i++)
		log->item[pos[user[i]]++] = item[i];
	free(pos);
	/* each user's items ascending and distinct */
	uint32_t m = 0;
	for (uint32_t u = 0; u < n_users; u++) {
		uint32_t a = log->off[u], b = log->off[u + 1];
		qsort(log->item + a, b - a, sizeof(uint32_t), cmp_u32);
		log->off[u] = m;
		for (uint32_t i = a; i < b; i++)
			if (i == a || log->item[i] != log->item[i - 1])
				log->item[m++] = log->item[i];
	}
	log->off[n_users] = m;
	return 0;
fail:
	mrs_ui_log_free(log);
	return -1;
}

/* The log by item: users of item i at users[off[i] .. off[i+1]), ascending. */
static int by_item(const mrs_ui_log *log, uint32_t **off, uint32_t **users, mrs_error *err)
{
	uint32_t n = log->off[log->n_users];
	*off = mrs_calloc((size_t)log->n_items + 1, sizeof(uint32_t), "item-user log", err);
	*users = mrs_calloc(n, sizeof(uint32_t), "item-user log", err);
	uint32_t *pos = mrs_calloc((size_t)log->n_items + 1, sizeof(uint32_t), "item-user log", err);
	if (!*off || !*users || !pos) {
		free(*off), free(*users), free(pos);
		*off = *users = NULL;
		return -1;
	}
	for (uint32_t e = 0; e < n; e++)
		(*off)[log->item[e] + 1]++;
	for (uint32_t i = 0; i < log->n_items; i++)
		(*off)[i + 1] += (*off)[i];
	memcpy(pos, *off, sizeof(uint32_t) * log->n_items);
	for (uint32_t u = 0; u < log->n_users; u++)
		for (uint32_t e = log->off[u]; e < log->off[u + 1]; e++)
			(*users)[pos[log->item[e]]++] = u;
	free(pos);
	return 0;
}

/* ------------------------------------------------------------ item-kNN */

struct mrs_item_knn {
	uint32_t n_items;
	bool mapped; /* off, tgt and sim live in a snapshot */
	/* the similarity matrix pruned to each target item's nearest neighbours, stored by
	 * neighbour: item i is among the neighbours of tgt[off[i] .. off[i+1]) with sim[.] */
	uint32_t *off, *tgt;
	float *sim;
};

void mrs_item_knn_free(mrs_item_knn *m)
{
	if (!m)
		return;
	if (!m->mapped)
		free(m->off), free(m->tgt), free(m->sim);
	free(m);
}

typedef struct nb {
	float s;
	uint32_t i;
} nb;

/* Most similar first; equal similarity, the lower item id first. */
static int by_sim(const void *a, const void *b)
{
	const nb *x = a, *y = b;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

mrs_item_knn *mrs_item_knn_train(const mrs_ui_log *log, const mrs_knn_params *p,
				 const mrs_progress *progress, mrs_error *err)
{
	return mrs_item_knn_train_from(log, p, 0, progress, err);
}

mrs_item_knn *mrs_item_knn_train_from(const mrs_ui_log *log, const mrs_knn_params *p,
				      uint32_t first, const mrs_progress *progress, mrs_error *err)
{
	return mrs_item_knn_train_weighted(log, p, &mrs_knn_cosine, first, progress, err);
}

/* x^p, exact for the square root (cosine's numbers stay those of sqrt) and for 0 and 1 */
static double power(double x, float p)
{
	return p == 0.5f ? sqrt(x) : p == 1 ? x : p == 0 ? 1 : pow(x, p);
}

mrs_item_knn *mrs_item_knn_train_weighted(const mrs_ui_log *log, const mrs_knn_params *p,
					  const mrs_knn_weights *w, uint32_t first,
					  const mrs_progress *progress, mrs_error *err)
{
	uint32_t ni = log->n_items, k = p->neighbours;
	uint32_t *ioff = NULL, *iusers = NULL, *count = NULL, *touched = NULL, *col_n = NULL;
	uint32_t *col_i = NULL;
	float *col_s = NULL;
	double *wsum = NULL, *uw = NULL, *src = NULL;
	nb *cand = NULL;
	mrs_item_knn *m = mrs_calloc(1, sizeof *m, "item-kNN", err);
	if (!m || by_item(log, &ioff, &iusers, err))
		goto fail;
	m->n_items = ni;
	size_t cap_i = 0, cap_s = 0;
	count = mrs_calloc(ni, sizeof(uint32_t), "item-kNN", err);
	touched = mrs_calloc(ni, sizeof(uint32_t), "item-kNN", err);
	cand = mrs_calloc(ni, sizeof *cand, "item-kNN", err);
	col_n = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "item-kNN", err);
	m->off = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "item-kNN", err);
	/* each item's n_i^source; with a weight per user, each user's weight and the weighted
	 * co-engagements */
	if (!(src = mrs_calloc(ni + 1, sizeof(double), "item-kNN", err)))
		goto fail;
	for (uint32_t i = 0; i < ni; i++)
		src[i] = power((double)(ioff[i + 1] - ioff[i]), w->source);
	bool weighted = w->user != 0;
	if (weighted) {
		wsum = mrs_calloc(ni, sizeof(double), "item-kNN", err);
		uw = mrs_calloc((size_t)log->n_users + 1, sizeof(double), "item-kNN", err);
		if (!wsum || !uw)
			goto fail;
		for (uint32_t u = 0; u < log->n_users; u++)
			uw[u] = 1 / power((double)(log->off[u + 1] - log->off[u]), w->user);
	}
	if (!count || !touched || !cand || !col_n || !m->off)
		goto fail;
	/* a few neighbours a column (the size rule's): room for all of them at once, not
	 * grown by doubling */
	size_t most = (size_t)(ni - MRS_MIN(first, ni)) * k;
	if (k <= MRS_COENG_BIG_NEIGHBOURS &&
	    (mrs_grow((void **)&col_i, &cap_i, most, sizeof(uint32_t), "item-kNN", err) ||
	     mrs_grow((void **)&col_s, &cap_s, most, sizeof(float), "item-kNN", err)))
		goto fail;
	/* column j: co-engagement counts with every other item, cosine, the best k kept;
	 * items before first have no column (col_n[j + 1] = col_n[j] = 0) */
	size_t kept = 0;
	for (uint32_t j = MRS_MIN(first, ni); j < ni; j++) {
		uint32_t nt = 0, nj = ioff[j + 1] - ioff[j];
		for (uint32_t e = ioff[j]; e < ioff[j + 1]; e++) {
			uint32_t u = iusers[e];
			for (uint32_t f = log->off[u]; f < log->off[u + 1]; f++) {
				uint32_t i = log->item[f];
				if (i == j)
					continue;
				if (weighted)
					wsum[i] += uw[u];
				if (!count[i]++)
					touched[nt++] = i;
			}
		}
		/* i's similarity toward j: the (weighted) users of both over
		 * n_i^source n_j^target + shrink */
		double tj = power((double)nj, w->target);
		for (uint32_t t = 0; t < nt; t++) {
			uint32_t i = touched[t];
			double den = src[i] * tj + p->shrink;
			double num = weighted ? wsum[i] : count[i];
			cand[t] = (nb){(float)(num / den), i};
			count[i] = 0;
			if (weighted)
				wsum[i] = 0;
		}
		qsort(cand, nt, sizeof *cand, by_sim);
		uint32_t keep = MRS_MIN(nt, k);
		if (mrs_grow((void **)&col_i, &cap_i, kept + keep, sizeof(uint32_t), "item-kNN", err) ||
		    mrs_grow((void **)&col_s, &cap_s, kept + keep, sizeof(float), "item-kNN", err))
			goto fail;
		for (uint32_t t = 0; t < keep; t++) {
			col_i[kept + t] = cand[t].i;
			col_s[kept + t] = cand[t].s;
			m->off[cand[t].i + 1]++;
		}
		col_n[j + 1] = col_n[j] + keep;
		kept += keep;
		if ((j & 1023) == 0 &&
		    mrs_progress_report(progress, "item-kNN", j - first, ni - first, NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "item-kNN cancelled");
			goto fail;
		}
	}
	/* by neighbour, for scoring a user's items in one pass each */
	for (uint32_t i = 0; i < ni; i++)
		m->off[i + 1] += m->off[i];
	m->tgt = mrs_calloc(kept, sizeof(uint32_t), "item-kNN", err);
	m->sim = mrs_calloc(kept, sizeof(float), "item-kNN", err);
	if (!m->tgt || !m->sim)
		goto fail;
	memcpy(count, m->off, sizeof(uint32_t) * ni);
	for (uint32_t j = 0; j < ni; j++)
		for (uint32_t e = col_n[j]; e < col_n[j + 1]; e++) {
			uint32_t at = count[col_i[e]]++;
			m->tgt[at] = j;
			m->sim[at] = col_s[e];
		}
	free(ioff), free(iusers), free(count), free(touched), free(cand);
	free(wsum), free(uw), free(src);
	free(col_n), free(col_i), free(col_s);
	return m;
fail:
	free(ioff), free(iusers), free(count), free(touched), free(cand);
	free(wsum), free(uw), free(src);
	free(col_n), free(col_i), free(col_s);
	mrs_item_knn_free(m);
	return NULL;
}

void mrs_item_knn_score(const mrs_item_knn *m, const uint32_t *items, uint32_t n, float *score)
{
	memset(score, 0, sizeof(float) * m->n_items);
	for (uint32_t a = 0; a < n; a++) {
		uint32_t i = items[a];
		for (uint32_t e = m->off[i]; e < m->off[i + 1]; e++)
			score[m->tgt[e]] += m->sim[e];
	}
}

float mrs_item_knn_sim(const mrs_item_knn *m, uint32_t i, uint32_t j)
{
	if (i >= m->n_items || j >= m->n_items)
		return 0;
	uint32_t k = mrs_lower_bound(m->tgt, m->off[i], m->off[i + 1], j);
	return k < m->off[i + 1] && m->tgt[k] == j ? m->sim[k] : 0;
}

float mrs_item_knn_score_one(const mrs_item_knn *m, const uint32_t *items, uint32_t n, uint32_t j)
{
	float s = 0;
	for (uint32_t a = 0; a < n; a++)
		s += mrs_item_knn_sim(m, items[a], j);
	return s;
}

uint32_t mrs_item_knn_row(const mrs_item_knn *m, uint32_t i, const uint32_t **items,
			  const float **sims)
{
	if (i >= m->n_items) {
		*items = NULL, *sims = NULL;
		return 0;
	}
	*items = m->tgt + m->off[i];
	*sims = m->sim + m->off[i];
	return m->off[i + 1] - m->off[i];
}

/* ------------------------------------------------------------ the engine's index */

int64_t mrs_coeng_cut(const mrs_engine *e, const mrs_engine_opts *o)
{
	return o && o->coeng_cut ? MRS_MIN(o->coeng_until, e->now) : e->now;
}

bool mrs_coeng_size_rule(const mrs_dataset *ds, int64_t until, size_t n_engagements,
			 mrs_knn_params *p, uint32_t *first)
{
	*first = 0;
	if (n_engagements <= MRS_COENG_ALL_TARGETS_MAX)
		return false;
	p->neighbours = MRS_MIN(p->neighbours, MRS_COENG_BIG_NEIGHBOURS);
	*first = mrs_first_young_tweet(ds, until);
	return true;
}

int mrs_coeng_open(mrs_engine *e, int64_t until, const mrs_progress *p, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	size_t n = 0;
	int64_t last = INT64_MIN;
	e->coeng_before = until;
	e->coeng_first = 0, e->coeng_big = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < until && (ds->imp_actions[i] & MRS_POSITIVE_MASK)) {
			n++;
			last = MRS_MAX(last, ds->imp_time[i]);
		}
	if (!n)
		return 0;
	/* what the index holds is all before its latest engagement's next second: a moment
	 * after that may read it */
	e->coeng_until = last + 1;
	mrs_knn_params kp = mrs_knn_defaults;
	e->coeng_big = mrs_coeng_size_rule(ds, until, n, &kp, &e->coeng_first);
	uint32_t *user = mrs_calloc(n, sizeof(uint32_t), "co-engagement index", err);
	uint32_t *item = mrs_calloc(n, sizeof(uint32_t), "co-engagement index", err);
	mrs_ui_log log = {0};
	int rc = -1;
	if (!user || !item)
		goto out;
	n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < until && (ds->imp_actions[i] & MRS_POSITIVE_MASK)) {
			user[n] = ds->imp_user[i];
			item[n++] = ds->imp_tweet[i];
		}
	if (mrs_ui_log_build(&log, ds->n_users, ds->n_tweets, user, item, n, err))
		goto out;
	free(user), free(item);
	user = item = NULL;
	if (e->coeng_big) {
		/* the size rule bites: say so where the progress goes */
		char why[300];
		snprintf(why, sizeof why, "%zu positive engagements, over %u: %u neighbours a "
			 "tweet, toward tweets %u.. only (the age limit before the cut)", n,
			 (unsigned)MRS_COENG_ALL_TARGETS_MAX, kp.neighbours, e->coeng_first);
		mrs_progress_report(p, "co-engagement index", 0, 1, why);
	}
	if (!(e->coeng = mrs_item_knn_train_weighted(&log, &kp, &mrs_coeng_weights, e->coeng_first,
						     p, err)))
		goto out;
	rc = 0;
out:
	free(user), free(item);
	mrs_ui_log_free(&log);
	return rc;
}

void mrs_coeng_describe(const mrs_engine *e, char *buf, size_t size)
{
	if (!e->coeng) {
		snprintf(buf, size, "none: no positive engagement before the cut");
		return;
	}
	if (!e->coeng_big) {
		snprintf(buf, size,
			 "up to %u neighbours a tweet, toward every engaged tweet; co-engagers "
			 "weighed n_u^-%g over n_i^%g n_j^%g + %g",
			 mrs_knn_defaults.neighbours, mrs_coeng_weights.user, mrs_coeng_weights.source,
			 mrs_coeng_weights.target, mrs_knn_defaults.shrink);
		return;
	}
	snprintf(buf, size,
		 "more than %u positive engagements: up to %u neighbours a tweet, only toward "
		 "the tweets created at most the age limit (%.0f h) before its cut or later; none "
		 "toward the %u older ones",
		 (unsigned)MRS_COENG_ALL_TARGETS_MAX, (unsigned)MRS_COENG_BIG_NEIGHBOURS,
		 e->ds->time_scale.age_limit_hours, e->coeng_first);
}

/* The index's first section: whether there is one and what it was built from. */
typedef struct coeng_head {
	uint32_t present, n_items;
	int64_t before, until; /* e->coeng_before, e->coeng_until */
	uint32_t first, big;   /* e->coeng_first, e->coeng_big */
} coeng_head;

int mrs_coeng_snap(mrs_engine *e, mrs_snap_io *io)
{
	mrs_item_knn *m = e->coeng;
	coeng_head h = {m != NULL, m ? m->n_items : 0, e->coeng_before, e->coeng_until,
			e->coeng_first, e->coeng_big};
	if (mrs_snap_value(io, "coeng.head", &h, sizeof h))
		return -1;
	if (!io->writing) {
		/* the index the engine would build holds the engagements before its now */
		if (h.before != e->now)
			return mrs_fail(io->err, MRS_ERR_DATA,
					"snapshot: the co-engagement index holds the engagements "
					"before %lld, the engine serves at %lld",
					(long long)h.before, (long long)e->now);
		if (h.present && h.n_items != e->ds->n_tweets)
			return mrs_fail(io->err, MRS_ERR_DATA,
					"snapshot: the co-engagement index has %u tweets, the "
					"dataset %u",
					h.n_items, e->ds->n_tweets);
		e->coeng_before = h.before, e->coeng_until = h.until, e->coeng_first = h.first;
		e->coeng_big = h.big != 0;
	}
	if (!h.present)
		return 0;
	if (!io->writing) {
		if (!(m = e->coeng = mrs_calloc(1, sizeof *m, "co-engagement index", io->err)))
			return -1;
		m->n_items = h.n_items;
		m->mapped = true;
	}
	if (MRS_SNAP_ARRAY(io, "coeng.off", m->off, (size_t)h.n_items + 1))
		return -1;
	if (!m->off || m->off[0] != 0)
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: co-engagement index: bad offsets");
	size_t kept = m->off[h.n_items];
	return MRS_SNAP_ARRAY(io, "coeng.tgt", m->tgt, kept) ||
			       MRS_SNAP_ARRAY(io, "coeng.sim", m->sim, kept)
		       ? -1
		       : 0;
}

uint32_t mrs_coeng_history(const mrs_engine *e, uint32_t viewer, int64_t now, uint32_t *items,
			   uint32_t max)
{
	const mrs_dataset *ds = e->ds;
	uint32_t n = 0;
	if (viewer >= ds->n_users)
		return 0;
	for (uint32_t i = mrs_uimp_end(ds, viewer, now); i > ds->uimp_off[viewer] && n < max; i--)
		if (ds->imp_actions[i - 1] & MRS_POSITIVE_MASK)
			items[n++] = ds->imp_tweet[i - 1];
	qsort(items, n, sizeof *items, cmp_u32);
	uint32_t m = 0;
	for (uint32_t k = 0; k < n; k++)
		if (!m || items[k] != items[m - 1])
			items[m++] = items[k];
	return m;
}

float mrs_coeng_score(const mrs_engine *e, const uint32_t *items, uint32_t n, uint32_t tweet,
		      int64_t now)
{
	if (!e->coeng || e->coeng_until > now)
		return 0;
	return mrs_item_knn_score_one(e->coeng, items, n, tweet);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The first position p in [lo, hi) with a[p] >= x, searched forward from lo in doubling
 * steps (cheap when x is near lo, as for the next of a run of ascending keys). */
static uint32_t gallop(const uint32_t *a, uint32_t lo, uint32_t hi, uint32_t x)
{
	uint32_t step = 1, prev = lo;
	while (lo < hi && a[lo] < x) {
		prev = lo + 1;
		lo = hi - lo > step ? lo + step : hi;
		step *= 2;
	}
	return mrs_lower_bound(a, prev, lo, x);
}

/* Adds s to out at every place of tweet t among the sorted keys (none when absent). */
static void add_to(const uint64_t *key, uint32_t n, uint32_t t, float s, float *out)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (key[mid] >> 32 < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && key[lo] >> 32 == t; lo++)
		out[(uint32_t)key[lo]] += s;
}

void mrs_coeng_scores(const mrs_engine *e, const uint32_t *items, uint32_t n_items,
		      const uint32_t *tweets, uint32_t n, int64_t now, uint64_t *key, float *out)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = 0;
	if (!e->coeng || e->coeng_until > now || !n)
		return;
	/* the tweets ascending, each with its place in out */
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)tweets[i] << 32 | i;
	qsort(key, n, sizeof *key, cmp_u64);
	/* and as bits over their id range (when that takes at most 1 MB) */
	uint32_t lo_t = (uint32_t)(key[0] >> 32), hi_t = (uint32_t)(key[n - 1] >> 32);
	size_t words = ((size_t)hi_t - lo_t) / 64 + 1;
	uint64_t *bit = words <= (1u << 17) ? calloc(words, sizeof *bit) : NULL;
	for (uint32_t k = 0; bit && k < n; k++) {
		uint32_t d = (uint32_t)(key[k] >> 32) - lo_t;
		bit[d / 64] |= 1ull << (d % 64);
	}
	/* row by row in history order, as mrs_item_knn_score_one sums (a tweet missing from
	 * a row adds nothing there, and adding 0 changes no sum). With the bits, a row's
	 * entries in the tweets' id range are read in order, up to SCAN_PER_TWEET a tweet,
	 * each tested against them: the row of a popular history tweet runs to tens of
	 * thousands of entries, and a search of it for each tweet mispredicts its branches.
	 * What the scan leaves of the row is searched for the tweets above its last entry
	 * (galloping from the last place found). */
	enum { SCAN_PER_TWEET = 16 };
	for (uint32_t a = 0; a < n_items; a++) {
		const uint32_t *tgt;
		const float *sim;
		uint32_t len = mrs_item_knn_row(e->coeng, items[a], &tgt, &sim), p = 0, k = 0;
		if (bit) {
			p = gallop(tgt, 0, len, lo_t);
			uint32_t stop = len - p > SCAN_PER_TWEET * n ? p + SCAN_PER_TWEET * n : len;
			for (; p < stop && tgt[p] <= hi_t; p++) {
				uint32_t d = tgt[p] - lo_t;
				if (bit[d / 64] >> (d % 64) & 1)
					add_to(key, n, tgt[p], sim[p], out);
			}
			if (p == len || tgt[p] > hi_t)
				continue;
			/* the tweets above the last entry read */
			while (k < n && p > 0 && (uint32_t)(key[k] >> 32) <= tgt[p - 1])
				k++;
		}
		for (; k < n && p < len; k++) {
			uint32_t t = (uint32_t)(key[k] >> 32);
			p = gallop(tgt, p, len, t);
			if (p < len && tgt[p] == t)
				out[(uint32_t)key[k]] += sim[p];
		}
	}
	free(bit);
}
