/* dataset.c: the in-memory dataset: builders, CSR indexes, lookups, slices, summaries. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>

#include "dataset/dataset.h"

void mrs_dataset_free(mrs_dataset *ds)
{
	if (!ds)
		return;
	free(ds->plan);
	if (ds->snap) {
		free(ds->path);
		mrs_snapfile_close(ds->snap);
		free(ds);
		return;
	}
	if (ds->borrowed) { /* its base's */
		ds->handle_pool = ds->text_pool = NULL;
		ds->handle_off = ds->text_off = NULL;
		ds->user_created = ds->tweet_time = NULL;
		ds->user_verified = ds->tweet_flags = NULL;
		ds->tweet_author = ds->tweet_rt_of = NULL;
	}
	void *fields[] = {
		ds->path, ds->kind, ds->params_json, ds->handle_pool, ds->handle_off,
		ds->user_created, ds->user_verified, ds->fol_off, ds->fol_dst, ds->fol_time,
		ds->fwr_off, ds->fwr_src, ds->fwr_edge, ds->tweet_author, ds->tweet_time,
		ds->tweet_rt_of, ds->tweet_flags, ds->text_pool, ds->text_off, ds->atw_off,
		ds->atw, ds->imp_user, ds->imp_tweet, ds->imp_time, ds->imp_actions, ds->imp_propensity,
		ds->uimp_off, ds->timp_off, ds->timp, ds->blk_off, ds->blk_dst, ds->blk_kind,
		ds->blk_time, ds->label_nsfw, ds->label_toxic, ds->texts_pool, ds->texts_off,
		ds->texts_label, ds->texts_task,
	};
	for (size_t i = 0; i < MRS_ARRAY_LEN(fields); i++)
		free(fields[i]);
	free(ds);
}

/* The length of a pool of NUL-terminated strings at offsets off[0 .. n), with its last
 * NUL (a pool is written in order, but the last string is found, not assumed). */
static size_t pool_len(const char *pool, const uint32_t *off, uint32_t n)
{
	if (!pool)
		return 0;
	uint32_t last = 0;
	for (uint32_t i = 0; i < n; i++)
		last = MRS_MAX(last, off[i]);
	return last + strlen(pool + last) + 1;
}

/* The counts and scalars of a dataset, as its snapshot keeps them. */
typedef struct ds_head {
	uint64_t seed, fingerprint, source_fingerprint;
	int64_t t_begin, t_end, split_time;
	mrs_time_scale time_scale;
	uint32_t n_users, n_follows, n_tweets, n_impressions, n_blocks, n_labelled, n_texts;
	bool has_truth;
} ds_head;

int mrs_dataset_snap(mrs_dataset *ds, mrs_snap_io *io)
{
	ds_head h;
	memset(&h, 0, sizeof h);
	if (io->writing)
		h = (ds_head){ds->seed, ds->fingerprint, ds->source_fingerprint, ds->t_begin,
			      ds->t_end, ds->split_time, ds->time_scale, ds->n_users, ds->n_follows,
			      ds->n_tweets, ds->n_impressions, ds->n_blocks, ds->n_labelled,
			      ds->n_texts, ds->has_truth};
	if (mrs_snap_value(io, "ds.head", &h, sizeof h))
		return -1;
	if (!io->writing) {
		ds->seed = h.seed, ds->fingerprint = h.fingerprint;
		ds->source_fingerprint = h.source_fingerprint;
		ds->t_begin = h.t_begin, ds->t_end = h.t_end, ds->split_time = h.split_time;
		ds->time_scale = h.time_scale;
		ds->n_users = h.n_users, ds->n_follows = h.n_follows, ds->n_tweets = h.n_tweets;
		ds->n_impressions = h.n_impressions, ds->n_blocks = h.n_blocks;
		ds->n_labelled = h.n_labelled, ds->n_texts = h.n_texts, ds->has_truth = h.has_truth;
	}
	size_t nu = h.n_users, nf = h.n_follows, nt = h.n_tweets, ni = h.n_impressions;
	size_t nb = h.n_blocks, nx = h.n_texts;
	size_t handles = pool_len(ds->handle_pool, ds->handle_off, ds->n_users);
	size_t texts = pool_len(ds->text_pool, ds->text_off, ds->n_tweets);
	size_t ltexts = pool_len(ds->texts_pool, ds->texts_off, ds->n_texts);
	mrs_snap_io *o = io;
	return mrs_snap_string(o, "ds.kind", &ds->kind) ||
	       mrs_snap_string(o, "ds.params", &ds->params_json) ||
	       mrs_snap_string(o, "ds.texts_task", &ds->texts_task) ||
	       mrs_snap_array_any(o, "ds.handle_pool", &ds->handle_pool, 1, &handles) ||
	       MRS_SNAP_ARRAY(o, "ds.handle_off", ds->handle_off, nu) ||
	       MRS_SNAP_ARRAY(o, "ds.user_created", ds->user_created, nu) ||
	       MRS_SNAP_ARRAY(o, "ds.user_verified", ds->user_verified, nu) ||
	       MRS_SNAP_ARRAY(o, "ds.fol_off", ds->fol_off, nu + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.fol_dst", ds->fol_dst, nf) ||
	       MRS_SNAP_ARRAY(o, "ds.fol_time", ds->fol_time, nf) ||
	       MRS_SNAP_ARRAY(o, "ds.fwr_off", ds->fwr_off, nu + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.fwr_src", ds->fwr_src, nf) ||
	       MRS_SNAP_ARRAY(o, "ds.fwr_edge", ds->fwr_edge, nf) ||
	       MRS_SNAP_ARRAY(o, "ds.tweet_author", ds->tweet_author, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.tweet_time", ds->tweet_time, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.tweet_rt_of", ds->tweet_rt_of, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.tweet_flags", ds->tweet_flags, nt) ||
	       mrs_snap_array_any(o, "ds.text_pool", &ds->text_pool, 1, &texts) ||
	       MRS_SNAP_ARRAY(o, "ds.text_off", ds->text_off, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.atw_off", ds->atw_off, nu + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.atw", ds->atw, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.imp_user", ds->imp_user, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.imp_tweet", ds->imp_tweet, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.imp_time", ds->imp_time, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.imp_actions", ds->imp_actions, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.imp_propensity", ds->imp_propensity, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.uimp_off", ds->uimp_off, nu + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.timp_off", ds->timp_off, nt + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.timp", ds->timp, ni) ||
	       MRS_SNAP_ARRAY(o, "ds.blk_off", ds->blk_off, nu + 1) ||
	       MRS_SNAP_ARRAY(o, "ds.blk_dst", ds->blk_dst, nb) ||
	       MRS_SNAP_ARRAY(o, "ds.blk_kind", ds->blk_kind, nb) ||
	       MRS_SNAP_ARRAY(o, "ds.blk_time", ds->blk_time, nb) ||
	       MRS_SNAP_ARRAY(o, "ds.label_nsfw", ds->label_nsfw, nt) ||
	       MRS_SNAP_ARRAY(o, "ds.label_toxic", ds->label_toxic, nt) ||
	       mrs_snap_array_any(o, "ds.texts_pool", &ds->texts_pool, 1, &ltexts) ||
	       MRS_SNAP_ARRAY(o, "ds.texts_off", ds->texts_off, nx) ||
	       MRS_SNAP_ARRAY(o, "ds.texts_label", ds->texts_label, nx)
		       ? -1
		       : 0;
}

mrs_dataset *mrs_ds_alloc(uint32_t n_users, uint32_t n_tweets, mrs_error *err)
{
	mrs_dataset *ds = mrs_calloc(1, sizeof *ds, "dataset", err);
	if (!ds)
		return NULL;
	ds->n_users = n_users;
	ds->n_tweets = n_tweets;
	mrs_time_scale_twitter(&ds->time_scale);
	ds->handle_off = mrs_calloc(n_users, sizeof(uint32_t), "handles", err);
	ds->user_created = mrs_calloc(n_users, sizeof(int64_t), "users", err);
	ds->user_verified = mrs_calloc(n_users, 1, "users", err);
	ds->tweet_author = mrs_calloc(n_tweets, sizeof(uint32_t), "tweets", err);
	ds->tweet_time = mrs_calloc(n_tweets, sizeof(int64_t), "tweets", err);
	ds->tweet_rt_of = mrs_calloc(n_tweets, sizeof(uint32_t), "tweets", err);
	ds->tweet_flags = mrs_calloc(n_tweets, 1, "tweets", err);
	ds->text_off = mrs_calloc(n_tweets, sizeof(uint32_t), "tweet texts", err);
	ds->label_nsfw = mrs_calloc(n_tweets, 1, "labels", err);
	ds->label_toxic = mrs_calloc(n_tweets, 1, "labels", err);
	ds->handle_pool = mrs_calloc(1, 1, "handles", err);
	ds->text_pool = mrs_calloc(1, 1, "tweet texts", err);
	if (!ds->handle_off || !ds->user_created || !ds->user_verified || !ds->tweet_author ||
	    !ds->tweet_time || !ds->tweet_rt_of || !ds->tweet_flags || !ds->text_off ||
	    !ds->label_nsfw || !ds->label_toxic || !ds->handle_pool || !ds->text_pool) {
		mrs_dataset_free(ds);
		return NULL;
	}
	for (uint32_t t = 0; t < n_tweets; t++) {
		ds->tweet_rt_of[t] = MRS_NONE;
		ds->label_nsfw[t] = ds->label_toxic[t] = -1;
	}
	return ds;
}

/* ---- sorting helpers */

typedef struct edge_key {
	uint32_t a, b;
	int64_t t;
	uint32_t idx;
} edge_key;

static int cmp_edge(const void *x, const void *y)
{
	const edge_key *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->t != q->t)
		return p->t < q->t ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

static int cmp_edge_abt(const void *x, const void *y)
{
	const edge_key *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	if (p->t != q->t)
		return p->t < q->t ? -1 : 1;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

/* A permutation of the edges sorted by (a, b, t) (t may be NULL: all 0), stable. */
static edge_key *sorted_keys(const uint32_t *a, const uint32_t *b, const int64_t *t, size_t n,
			     mrs_error *err)
{
	edge_key *k = mrs_calloc(n, sizeof *k, "sort keys", err);
	if (!k)
		return NULL;
	bool sorted = true;
	for (size_t i = 0; i < n; i++) {
		k[i] = (edge_key){a[i], b[i], t ? t[i] : 0, (uint32_t)i};
		if (i && sorted && cmp_edge_abt(&k[i - 1], &k[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(k, n, sizeof *k, cmp_edge_abt);
	return k;
}

static int check_user(const mrs_dataset *ds, uint32_t u, const char *what, size_t i,
		      mrs_error *err)
{
	if (u >= ds->n_users)
		return mrs_fail(err, MRS_ERR_DATA, "%s %zu: user %u out of range (%u users)", what, i,
				u, ds->n_users);
	return 0;
}

static uint32_t *offsets_from_sorted(const uint32_t *keys, size_t n, uint32_t n_keys,
				     const char *what, mrs_error *err)
{
	uint32_t *off = mrs_calloc((size_t)n_keys + 1, sizeof(uint32_t), what, err);
	if (!off)
		return NULL;
	for (size_t i = 0; i < n; i++)
		off[keys[i] + 1]++;
	for (uint32_t u = 0; u < n_keys; u++)
		off[u + 1] += off[u];
	return off;
}

int mrs_ds_set_follows(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		       const int64_t *time, size_t n, mrs_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (check_user(ds, src[i], "follow", i, err) ||
		    check_user(ds, dst[i], "follow", i, err))
			return -1;
	edge_key *k = sorted_keys(src, dst, NULL, n, err);
	if (!k)
		return -1;
	/* Same (src, dst) pairs are adjacent; keep the earliest time. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (src[k[i].idx] == dst[k[i].idx])
			continue; /* self-follows carry no information */
		if (m && k[m - 1].a == k[i].a && k[m - 1].b == k[i].b) {
			if (time[k[i].idx] < time[k[m - 1].idx])
				k[m - 1].idx = k[i].idx;
			continue;
		}
		k[m++] = k[i];
	}
	free(ds->fol_dst), free(ds->fol_time), free(ds->fol_off);
	ds->fol_dst = mrs_calloc(m, sizeof(uint32_t), "follows", err);
	ds->fol_time = mrs_calloc(m, sizeof(int64_t), "follows", err);
	uint32_t *srcs = mrs_calloc(m, sizeof(uint32_t), "follows", err);
	if (!ds->fol_dst || !ds->fol_time || !srcs) {
		free(k), free(srcs);
		return -1;
	}
	for (size_t i = 0; i < m; i++) {
		srcs[i] = k[i].a;
		ds->fol_dst[i] = k[i].b;
		ds->fol_time[i] = time[k[i].idx];
	}
	free(k);
	ds->n_follows = (uint32_t)m;
	ds->fol_off = offsets_from_sorted(srcs, m, ds->n_users, "follows", err);
	free(srcs);
	return ds->fol_off ? 0 : -1;
}

int mrs_ds_set_impressions(mrs_dataset *ds, const uint32_t *user, const uint32_t *tweet,
			   const int64_t *time, const uint8_t *actions, const float *propensity,
			   size_t n, mrs_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (check_user(ds, user[i], "impression", i, err))
			return -1;
		if (tweet[i] >= ds->n_tweets)
			return mrs_fail(err, MRS_ERR_DATA, "impression %zu: tweet %u out of range", i,
					tweet[i]);
	}
	/* Merge repeated (user, tweet) pairs: sort by (user, tweet) first. */
	edge_key *k = sorted_keys(user, tweet, NULL, n, err);
	if (!k)
		return -1;
	uint8_t *acts = mrs_calloc(n, 1, "impressions", err);
	int64_t *when = mrs_calloc(n, sizeof(int64_t), "impressions", err);
	float *prop = mrs_calloc(n ? n : 1, sizeof(float), "impressions", err);
	if (!acts || !when || !prop) {
		free(k), free(acts), free(when), free(prop);
		return -1;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t j = k[i].idx;
		if (m && k[m - 1].a == k[i].a && k[m - 1].b == k[i].b) {
			acts[m - 1] |= actions[j];
			if (time[j] < when[m - 1]) {
				when[m - 1] = time[j];
				prop[m - 1] = propensity ? propensity[j] : 0;
			}
			continue;
		}
		k[m] = k[i];
		acts[m] = actions[j];
		when[m] = time[j];
		prop[m] = propensity ? propensity[j] : 0;
		m++;
	}
	/* Then order by (user, time, tweet). */
	for (size_t i = 0; i < m; i++) {
		k[i].t = when[i];
		k[i].idx = (uint32_t)i;
	}
	bool sorted = true;
	for (size_t i = 1; i < m && sorted; i++)
		if (cmp_edge(&k[i - 1], &k[i]) > 0)
			sorted = false;
	if (!sorted)
		qsort(k, m, sizeof *k, cmp_edge);
	free(ds->imp_user), free(ds->imp_tweet), free(ds->imp_time), free(ds->imp_actions);
	free(ds->imp_propensity);
	ds->imp_user = mrs_calloc(m, sizeof(uint32_t), "impressions", err);
	ds->imp_tweet = mrs_calloc(m, sizeof(uint32_t), "impressions", err);
	ds->imp_time = mrs_calloc(m, sizeof(int64_t), "impressions", err);
	ds->imp_actions = mrs_calloc(m, 1, "impressions", err);
	ds->imp_propensity = mrs_calloc(m, sizeof(float), "impressions", err);
	if (!ds->imp_user || !ds->imp_tweet || !ds->imp_time || !ds->imp_actions ||
	    !ds->imp_propensity) {
		free(k), free(acts), free(when), free(prop);
		return -1;
	}
	for (size_t i = 0; i < m; i++) {
		uint32_t j = k[i].idx;
		ds->imp_user[i] = k[i].a;
		ds->imp_tweet[i] = k[i].b;
		ds->imp_time[i] = when[j];
		ds->imp_actions[i] = acts[j];
		ds->imp_propensity[i] = prop[j];
	}
	ds->n_impressions = (uint32_t)m;
	free(k), free(acts), free(when), free(prop);
	return 0;
}

int mrs_ds_set_blocks(mrs_dataset *ds, const uint32_t *src, const uint32_t *dst,
		      const uint8_t *kind, const int64_t *time, size_t n, mrs_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (check_user(ds, src[i], "block", i, err) || check_user(ds, dst[i], "block", i, err))
			return -1;
		if (kind[i] != MRS_BLOCK && kind[i] != MRS_MUTE)
			return mrs_fail(err, MRS_ERR_DATA, "block %zu: kind %u is neither block nor mute",
					i, kind[i]);
	}
	/* sort by (src, dst, kind): a block and a mute of the same pair stay two entries,
	 * each with its own time */
	int64_t *k2 = mrs_calloc(n, sizeof(int64_t), "blocks", err);
	if (!k2)
		return -1;
	for (size_t i = 0; i < n; i++)
		k2[i] = kind[i];
	edge_key *k = sorted_keys(src, dst, k2, n, err);
	free(k2);
	if (!k)
		return -1;
	free(ds->blk_dst), free(ds->blk_kind), free(ds->blk_time), free(ds->blk_off);
	ds->blk_dst = mrs_calloc(n, sizeof(uint32_t), "blocks", err);
	ds->blk_kind = mrs_calloc(n, 1, "blocks", err);
	ds->blk_time = mrs_calloc(n, sizeof(int64_t), "blocks", err);
	uint32_t *srcs = mrs_calloc(n, sizeof(uint32_t), "blocks", err);
	if (!ds->blk_dst || !ds->blk_kind || !ds->blk_time || !srcs) {
		free(k), free(srcs);
		return -1;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t j = k[i].idx;
		if (m && srcs[m - 1] == k[i].a && ds->blk_dst[m - 1] == k[i].b &&
		    ds->blk_kind[m - 1] == kind[j]) {
			if (time[j] < ds->blk_time[m - 1])
				ds->blk_time[m - 1] = time[j];
			continue;
		}
		srcs[m] = k[i].a;
		ds->blk_dst[m] = k[i].b;
		ds->blk_kind[m] = kind[j];
		ds->blk_time[m] = time[j];
		m++;
	}
	free(k);
	ds->n_blocks = (uint32_t)m;
	ds->blk_off = offsets_from_sorted(srcs, m, ds->n_users, "blocks", err);
	free(srcs);
	return ds->blk_off ? 0 : -1;
}

/* ---- the train/test split */

/* The want-th smallest of t[0 .. n) (n > 0, want < n), by quickselect: t is reordered. */
static int64_t select_i64(int64_t *t, uint32_t n, uint32_t want)
{
	uint32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		int64_t pivot = t[lo + (hi - lo) / 2];
		uint32_t i = lo, j = hi;
		while (i <= j) {
			while (t[i] < pivot)
				i++;
			while (t[j] > pivot)
				j--;
			if (i <= j) {
				int64_t x = t[i];
				t[i] = t[j], t[j] = x;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (want <= j)
			hi = j;
		else if (want >= i)
			lo = i;
		else
			break;
	}
	return t[want];
}

/* The want-th smallest of t[0 .. n) (t is reordered), or, when nothing is smaller (it is
 * the first time, shared by a block of rows such as an import's undated history), the
 * next later time below limit (limit when there is none): a cut there leaves rows on both
 * sides. */
static int64_t cut_past_first(int64_t *t, uint32_t n, uint32_t want, int64_t limit)
{
	int64_t cut = select_i64(t, n, want), first = cut, next = limit;
	for (uint32_t i = 0; i < n; i++) {
		first = MRS_MIN(first, t[i]);
		if (t[i] > cut)
			next = MRS_MIN(next, t[i]);
	}
	return first < cut ? cut : next;
}

/* The share-quantile of t[0 .. n) (n > 0; t is reordered); when it is the first time
 * (a block of rows shares it, such as an import's undated history, with nothing before),
 * the share-quantile of the later times, so that the dated part is cut as a dated log
 * would be; when every time is the first, that time. */
static int64_t quantile_past_first(int64_t *t, uint32_t n, double share)
{
	int64_t s = select_i64(t, n, (uint32_t)(share * (n - 1))), first = s;
	for (uint32_t i = 0; i < n; i++)
		first = MRS_MIN(first, t[i]);
	if (s != first)
		return s;
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++)
		if (t[i] > first)
			t[m++] = t[i];
	return m ? select_i64(t, m, (uint32_t)(share * (m - 1))) : s;
}

int64_t mrs_split_time(const mrs_dataset *ds, double share, mrs_error *err)
{
	if (!ds->n_impressions)
		return ds->tweet_time && ds->n_tweets ? ds->tweet_time[ds->n_tweets - 1] : 0;
	int64_t *t = mrs_calloc(ds->n_impressions, sizeof(int64_t), "split", err);
	if (!t)
		return INT64_MIN;
	memcpy(t, ds->imp_time, sizeof(int64_t) * ds->n_impressions);
	int64_t s = quantile_past_first(t, ds->n_impressions, share);
	free(t);
	return s;
}

int64_t mrs_embed_cut(const mrs_dataset *ds, mrs_error *err)
{
	/* impression times before the split, 40% quantile */
	uint32_t n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n += ds->imp_time[i] < ds->split_time;
	if (n == 0)
		return ds->split_time;
	int64_t *t = mrs_calloc(n, sizeof(int64_t), "the embedding cut", err);
	if (!t)
		return INT64_MIN;
	uint32_t k = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < ds->split_time)
			t[k++] = ds->imp_time[i];
	/* the 40% quantile; past a first block, so that the embeddings learn from the block
	 * and the ranker from what follows */
	int64_t cut = cut_past_first(t, n, (uint32_t)((n - 1) * 0.4), ds->split_time);
	free(t);
	return cut;
}

/* ---- derived indexes */

static uint64_t hash_array(uint64_t h, const void *p, size_t n, size_t size)
{
	h = mrs_fnv1a(h, &n, sizeof n);
	const unsigned char *b = p;
	size_t bytes = n * size, i = 0;
	for (; i + 8 <= bytes; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = mrs_hash64(h ^ w);
	}
	return mrs_fnv1a(h, b + i, bytes - i);
}

int mrs_timed_imp_cmp(const void *a, const void *b)
{
	const mrs_timed_imp *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->imp < y->imp ? -1 : x->imp > y->imp;
}

/* Fills ds->timp (offsets in ds->timp_off) with each tweet's impressions ordered by
 * (time, index). They are gathered with their times beside them, so the sort of a tweet's
 * list reads one contiguous array instead of imp_time through the indexes (a popular
 * tweet of the large world has thousands of impressions, and the old insertion sort by
 * indirection took most of loading's own time). */
static int sort_tweet_impressions(mrs_dataset *ds, mrs_error *err)
{
	uint32_t nt = ds->n_tweets;
	uint32_t *fill = mrs_calloc((size_t)nt + 1, sizeof(uint32_t), "tweet impressions", err);
	mrs_timed_imp *v = mrs_calloc(ds->n_impressions ? ds->n_impressions : 1, sizeof *v,
				  "tweet impressions", err);
	if (!fill || !v) {
		free(fill), free(v);
		return -1;
	}
	memcpy(fill, ds->timp_off, sizeof(uint32_t) * (nt + 1));
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		v[fill[ds->imp_tweet[i]]++] = (mrs_timed_imp){ds->imp_time[i], i};
	for (uint32_t t = 0; t < nt; t++) {
		uint32_t a = ds->timp_off[t], n = ds->timp_off[t + 1] - a;
		if (n > 1)
			qsort(v + a, n, sizeof *v, mrs_timed_imp_cmp);
	}
	for (uint32_t k = 0; k < ds->n_impressions; k++)
		ds->timp[k] = v[k].imp;
	free(fill), free(v);
	return 0;
}

int mrs_dataset_index(mrs_dataset *ds, mrs_error *err)
{
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	/* empty relations still need offsets */
	if (!ds->fol_off && mrs_ds_set_follows(ds, NULL, NULL, NULL, 0, err))
		return -1;
	if (!ds->blk_off && mrs_ds_set_blocks(ds, NULL, NULL, NULL, NULL, 0, err))
		return -1;
	if (!ds->imp_user && mrs_ds_set_impressions(ds, NULL, NULL, NULL, NULL, NULL, 0, err))
		return -1;

	for (uint32_t t = 0; t < nt; t++) {
		if (ds->tweet_author[t] >= nu)
			return mrs_fail(err, MRS_ERR_DATA, "tweet %u: author %u out of range", t,
					ds->tweet_author[t]);
		if (t && ds->tweet_time[t] < ds->tweet_time[t - 1])
			return mrs_fail(err, MRS_ERR_DATA, "tweet %u: ids are not in time order", t);
		uint32_t o = ds->tweet_rt_of[t];
		if (o != MRS_NONE && o >= t)
			return mrs_fail(err, MRS_ERR_DATA, "tweet %u: retweet of %u, not an earlier tweet",
					t, o);
	}

	/* followers: counting sort of edges by dst keeps src ascending within a dst. */
	free(ds->fwr_off), free(ds->fwr_src), free(ds->fwr_edge);
	ds->fwr_off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "followers", err);
	ds->fwr_src = mrs_calloc(ds->n_follows, sizeof(uint32_t), "followers", err);
	ds->fwr_edge = mrs_calloc(ds->n_follows, sizeof(uint32_t), "followers", err);
	if (!ds->fwr_off || !ds->fwr_src || !ds->fwr_edge)
		return -1;
	for (uint32_t e = 0; e < ds->n_follows; e++)
		ds->fwr_off[ds->fol_dst[e] + 1]++;
	for (uint32_t v = 0; v < nu; v++)
		ds->fwr_off[v + 1] += ds->fwr_off[v];
	uint32_t *fill = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "followers", err);
	if (!fill)
		return -1;
	memcpy(fill, ds->fwr_off, sizeof(uint32_t) * (nu + 1));
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
			uint32_t pos = fill[ds->fol_dst[e]]++;
			ds->fwr_src[pos] = u;
			ds->fwr_edge[pos] = e;
		}

	/* tweets by author */
	free(ds->atw_off), free(ds->atw);
	ds->atw_off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "author tweets", err);
	ds->atw = mrs_calloc(nt, sizeof(uint32_t), "author tweets", err);
	if (!ds->atw_off || !ds->atw) {
		free(fill);
		return -1;
	}
	for (uint32_t t = 0; t < nt; t++)
		ds->atw_off[ds->tweet_author[t] + 1]++;
	for (uint32_t u = 0; u < nu; u++)
		ds->atw_off[u + 1] += ds->atw_off[u];
	memcpy(fill, ds->atw_off, sizeof(uint32_t) * (nu + 1));
	for (uint32_t t = 0; t < nt; t++)
		ds->atw[fill[ds->tweet_author[t]]++] = t;
	free(fill);

	/* impressions by user (already sorted by user) and by tweet */
	free(ds->uimp_off), free(ds->timp_off), free(ds->timp);
	ds->uimp_off = offsets_from_sorted(ds->imp_user, ds->n_impressions, nu, "impressions", err);
	ds->timp_off = mrs_calloc((size_t)nt + 1, sizeof(uint32_t), "tweet impressions", err);
	ds->timp = mrs_calloc(ds->n_impressions, sizeof(uint32_t), "tweet impressions", err);
	if (!ds->uimp_off || !ds->timp_off || !ds->timp)
		return -1;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		if (i && ds->imp_user[i] < ds->imp_user[i - 1])
			return mrs_fail(err, MRS_ERR_DATA, "impression %u: not sorted by user", i);
		ds->timp_off[ds->imp_tweet[i] + 1]++;
	}
	for (uint32_t t = 0; t < nt; t++)
		ds->timp_off[t + 1] += ds->timp_off[t];
	if (sort_tweet_impressions(ds, err))
		return -1;

	/* time range */
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	if (nt) {
		lo = ds->tweet_time[0];
		hi = ds->tweet_time[nt - 1];
	}
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		lo = MRS_MIN(lo, ds->imp_time[i]);
		hi = MRS_MAX(hi, ds->imp_time[i]);
	}
	if (lo > hi)
		lo = hi = 0;
	ds->t_begin = lo;
	ds->t_end = hi;

	ds->n_labelled = 0;
	for (uint32_t t = 0; t < nt; t++)
		if (ds->label_nsfw[t] >= 0 || ds->label_toxic[t] >= 0)
			ds->n_labelled++;

	uint64_t h = MRS_FNV_START;
	h = hash_array(h, ds->user_created, nu, sizeof(int64_t));
	h = hash_array(h, ds->fol_dst, ds->n_follows, sizeof(uint32_t));
	h = hash_array(h, ds->fol_off, (size_t)nu + 1, sizeof(uint32_t));
	h = hash_array(h, ds->tweet_author, nt, sizeof(uint32_t));
	h = hash_array(h, ds->tweet_time, nt, sizeof(int64_t));
	h = hash_array(h, ds->imp_user, ds->n_impressions, sizeof(uint32_t));
	h = hash_array(h, ds->imp_tweet, ds->n_impressions, sizeof(uint32_t));
	h = hash_array(h, ds->imp_time, ds->n_impressions, sizeof(int64_t));
	h = hash_array(h, ds->imp_actions, ds->n_impressions, 1);
	h = hash_array(h, &ds->split_time, 1, sizeof(int64_t));
	ds->fingerprint = h;
	if (!ds->source_fingerprint)
		ds->source_fingerprint = h;
	return 0;
}

/* ---- reading a dataset (the program's way in: minirecsys.h) */

mrs_dataset_info mrs_dataset_info_get(const mrs_dataset *ds)
{
	return (mrs_dataset_info){
		.path = ds->path,
		.kind = ds->kind,
		.texts_task = ds->texts_task,
		.seed = ds->seed,
		.fingerprint = ds->fingerprint,
		.t_begin = ds->t_begin,
		.t_end = ds->t_end,
		.split_time = ds->split_time,
		.users = ds->n_users,
		.tweets = ds->n_tweets,
		.follows = ds->n_follows,
		.impressions = ds->n_impressions,
		.blocks = ds->n_blocks,
		.labelled = ds->n_labelled,
		.texts = ds->n_texts,
		.has_truth = ds->has_truth,
		.time_scale = ds->time_scale,
	};
}

const char *mrs_handle(const mrs_dataset *ds, uint32_t u)
{
	return ds->handle_pool + ds->handle_off[u];
}

int64_t mrs_user_created(const mrs_dataset *ds, uint32_t u)
{
	return ds->user_created[u];
}

bool mrs_user_verified(const mrs_dataset *ds, uint32_t u)
{
	return ds->user_verified[u] != 0;
}

uint32_t mrs_n_followees(const mrs_dataset *ds, uint32_t u)
{
	return ds->fol_off[u + 1] - ds->fol_off[u];
}

uint32_t mrs_n_followers(const mrs_dataset *ds, uint32_t u)
{
	return ds->fwr_off[u + 1] - ds->fwr_off[u];
}

uint32_t mrs_n_tweets_of(const mrs_dataset *ds, uint32_t u)
{
	return ds->atw_off[u + 1] - ds->atw_off[u];
}

uint32_t mrs_n_impressions_of(const mrs_dataset *ds, uint32_t u)
{
	return ds->uimp_off[u + 1] - ds->uimp_off[u];
}

unsigned mrs_impression_actions(const mrs_dataset *ds, uint32_t u, uint32_t k)
{
	return ds->imp_actions[ds->uimp_off[u] + k];
}

const char *mrs_tweet_text(const mrs_dataset *ds, uint32_t t)
{
	return ds->text_pool + ds->text_off[t];
}

uint32_t mrs_tweet_author(const mrs_dataset *ds, uint32_t t)
{
	return ds->tweet_author[t];
}

uint32_t mrs_original_author(const mrs_dataset *ds, uint32_t t)
{
	return mrs_ds_original_author(ds, t);
}

int64_t mrs_tweet_time(const mrs_dataset *ds, uint32_t t)
{
	return ds->tweet_time[t];
}

/* ---- lookups */

bool mrs_follows(const mrs_dataset *ds, uint32_t u, uint32_t v)
{
	if (u >= ds->n_users)
		return false;
	uint32_t hi = ds->fol_off[u + 1];
	uint32_t pos = mrs_lower_bound(ds->fol_dst, ds->fol_off[u], hi, v);
	return pos < hi && ds->fol_dst[pos] == v;
}

unsigned mrs_blocked(const mrs_dataset *ds, uint32_t u, uint32_t v)
{
	if (u >= ds->n_users)
		return 0;
	uint32_t hi = ds->blk_off[u + 1];
	unsigned kinds = 0;
	for (uint32_t pos = mrs_lower_bound(ds->blk_dst, ds->blk_off[u], hi, v);
	     pos < hi && ds->blk_dst[pos] == v; pos++)
		kinds |= ds->blk_kind[pos];
	return kinds;
}

uint32_t mrs_user_lookup(const mrs_dataset *ds, const char *text)
{
	if (!text || !*text)
		return MRS_NONE;
	const char *s = text[0] == '@' ? text + 1 : text;
	if (text[0] != '@') {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (*end == '\0' && isdigit((unsigned char)s[0]))
			return v < ds->n_users ? (uint32_t)v : MRS_NONE;
	}
	for (uint32_t u = 0; u < ds->n_users; u++)
		if (strcmp(mrs_handle(ds, u), s) == 0)
			return u;
	return MRS_NONE;
}
