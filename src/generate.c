/* generate.c: the synthetic world: users, follow graph, tweets with text, impressions
 * with actions drawn from the hidden model, blocks, moderation labels, ground truth. */
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "lexicon.h"
#include "store.h"
#include "world.h"

int mrs_gen_params_scale(mrs_gen_params *p, const char *scale, mrs_error *err)
{
	*p = (mrs_gen_params){
		.users = 1000,
		.tweets = 10000,
		.impressions = 80000,
		.seed = 42,
		.days = 30,
		.homophily = 0.7,
		.follow_alpha = 1.3,
		.following_alpha = 1.8,
		.following_min = 8,
		.media_rate = 0.3,
		.link_rate = 0.2,
		.retweet_rate = 0.08,
		.verified_rate = 0.02,
		.label_rate = 0.2,
		.label_noise = 0.1,
		.train_share = 0.8,
	};
	if (!scale || strcmp(scale, "default") == 0)
		return 0;
	if (strcmp(scale, "small") == 0) {
		p->users = 200, p->tweets = 2000, p->impressions = 12000;
		return 0;
	}
	if (strcmp(scale, "large") == 0) {
		p->users = 100000, p->tweets = 1000000, p->impressions = 10200000;
		return 0;
	}
	return mrs_fail(err, MRS_ERR_USAGE, "unknown scale '%s' (small, default or large)", scale);
}

/* Growable list of timed edges (follows, blocks). */
typedef struct edge_buf {
	uint32_t *src, *dst;
	int64_t *time;
	uint8_t *kind;
	size_t n, cap;
} edge_buf;

static int edges_push(edge_buf *b, uint32_t s, uint32_t d, int64_t t, uint8_t kind,
		      mrs_error *err)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		uint32_t *ns = realloc(b->src, cap * sizeof *ns);
		if (ns)
			b->src = ns;
		uint32_t *nd = ns ? realloc(b->dst, cap * sizeof *nd) : NULL;
		if (nd)
			b->dst = nd;
		int64_t *nt = nd ? realloc(b->time, cap * sizeof *nt) : NULL;
		if (nt)
			b->time = nt;
		uint8_t *nk = nt ? realloc(b->kind, cap) : NULL;
		if (!nk)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory growing edges to %zu", cap);
		b->kind = nk;
		b->cap = cap;
	}
	b->src[b->n] = s, b->dst[b->n] = d, b->time[b->n] = t, b->kind[b->n] = kind;
	b->n++;
	return 0;
}

static void edges_free(edge_buf *b)
{
	free(b->src), free(b->dst), free(b->time), free(b->kind);
}

typedef struct gen {
	const mrs_gen_params *p;
	mrs_rng rng;
	mrs_error *err;
	const mrs_progress *prog;
	mrs_dataset *ds;
	mrs_truth *tr;
	int64_t t_end, t_begin;
	/* user latents (hidden) */
	double *activity, *pop, *author_q, *nsfw_prop, *tox_prop;
	/* tweets by author (during generation) and by topic, in time order */
	uint32_t *by_author_off, *by_author;
	uint32_t *by_topic_off, *by_topic;
	edge_buf follows; /* base graph, then follows made by follow actions */
	edge_buf blocks;  /* blocks and mutes */
} gen;

static int cancelled(gen *g, const char *phase, double done, double total)
{
	if (mrs_progress_report(g->prog, phase, done, total, NULL))
		return mrs_fail(g->err, MRS_ERR_CANCELLED, "generate: cancelled during %s", phase);
	return 0;
}

/* ------------------------------------------------------------ users */

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x > y ? -1 : x < y;
}

static int gen_users(gen *g)
{
	mrs_dataset *ds = g->ds;
	mrs_truth *tr = g->tr;
	uint32_t n = ds->n_users;
	static const double topic_pop[MRS_N_TOPICS] = {1.4, 1.3, 1.2, 1.0, 0.9, 0.7, 0.8};
	mrs_pool handles = {0};
	for (uint32_t u = 0; u < n; u++) {
		mrs_rng *r = &g->rng;
		int k = 1 + (int)mrs_rng_below(r, 3);
		double w[MRS_N_TOPICS] = {0}, sum = 0;
		for (int i = 0; i < k; i++) {
			/* choose a topic not yet chosen, by topic popularity */
			double tot = 0;
			for (int t = 0; t < MRS_N_TOPICS; t++)
				tot += w[t] > 0 ? 0 : topic_pop[t];
			double x = mrs_rng_uniform(r) * tot;
			int pick = 0;
			for (int t = 0; t < MRS_N_TOPICS; t++) {
				if (w[t] > 0)
					continue;
				pick = t;
				if ((x -= topic_pop[t]) < 0)
					break;
			}
			w[pick] = 0.3 + mrs_rng_gamma(r, 2.0);
			sum += w[pick];
		}
		uint8_t mask = 0;
		for (int t = 0; t < MRS_N_TOPICS; t++) {
			tr->user_interest_w[u * MRS_N_TOPICS + t] = (float)(w[t] / sum);
			if (w[t] > 0)
				mask |= 1u << t;
		}
		tr->user_interests[u] = mask;
		tr->user_propensity[u] = (float)exp(0.45 * mrs_rng_normal(r));
		g->activity[u] = exp(0.8 * mrs_rng_normal(r));
		g->pop[u] = mrs_rng_pareto(r, 1.0, g->p->follow_alpha);
		g->author_q[u] = mrs_rng_beta(r, 2.0, 3.0);
		g->nsfw_prop[u] = mrs_rng_uniform(r) < 0.04 ? mrs_rng_beta(r, 4, 3) : 0;
		g->tox_prop[u] = mrs_rng_uniform(r) < 0.07 ? mrs_rng_beta(r, 3, 3) : 0;
		if ((mask & (1u << 3)) && mrs_rng_uniform(r) < 0.08) /* politics runs hotter */
			g->tox_prop[u] = MRS_MAX(g->tox_prop[u], mrs_rng_beta(r, 3, 4));
		ds->user_created[u] = g->t_begin - (int64_t)((30 + mrs_rng_uniform(r) * 3000) * MRS_DAY);
		char h[64];
		snprintf(h, sizeof h, "%s%u", lex_names[mrs_hash64(g->p->seed ^ u) % lex_n_names], u);
		uint32_t off = mrs_pool_add(&handles, h, strlen(h), g->err);
		if (off == UINT32_MAX) {
			free(handles.data);
			return -1;
		}
		ds->handle_off[u] = off;
	}
	free(ds->handle_pool);
	ds->handle_pool = handles.data;
	/* verified: mostly the most popular accounts, a few others */
	double *sorted = mrs_calloc(n, sizeof(double), "users", g->err);
	if (!sorted)
		return -1;
	memcpy(sorted, g->pop, sizeof(double) * n);
	qsort(sorted, n, sizeof(double), cmp_desc);
	double cut = sorted[(size_t)(n * g->p->verified_rate * 0.7)];
	free(sorted);
	for (uint32_t u = 0; u < n; u++)
		ds->user_verified[u] = g->pop[u] > cut ||
				       mrs_rng_uniform(&g->rng) < g->p->verified_rate * 0.3;
	return 0;
}


/* ------------------------------------------------------------ a small hash set of ids */

typedef struct idset {
	uint32_t *slot;
	uint32_t mask, count;
} idset;

static int idset_reset(idset *s, uint32_t expect, mrs_error *err)
{
	uint32_t cap = 16;
	while (cap < expect * 2 + 8)
		cap *= 2;
	if (cap - 1 > s->mask) {
		free(s->slot);
		s->slot = mrs_calloc(cap, sizeof(uint32_t), "id set", err);
		if (!s->slot)
			return -1;
		s->mask = cap - 1;
	}
	memset(s->slot, 0xff, sizeof(uint32_t) * (s->mask + 1));
	s->count = 0;
	return 0;
}

/* Adds x; returns false if it was already there. Callers keep count below capacity/2. */
static bool idset_add(idset *s, uint32_t x)
{
	uint32_t i = (uint32_t)mrs_hash64(x) & s->mask;
	while (s->slot[i] != MRS_NONE) {
		if (s->slot[i] == x)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slot[i] = x;
	s->count++;
	return true;
}

static bool idset_has(const idset *s, uint32_t x)
{
	uint32_t i = (uint32_t)mrs_hash64(x) & s->mask;
	while (s->slot[i] != MRS_NONE) {
		if (s->slot[i] == x)
			return true;
		i = (i + 1) & s->mask;
	}
	return false;
}

/* ------------------------------------------------------------ follow graph */

static int gen_follows(gen *g)
{
	mrs_dataset *ds = g->ds;
	uint32_t n = ds->n_users;
	int rc = -1;
	mrs_alias *global = NULL, *by_topic[MRS_N_TOPICS] = {0};
	idset seen = {0};
	double *w = mrs_calloc(n, sizeof(double), "follow weights", g->err);
	if (!w || !(global = mrs_alias_new(g->pop, n, g->err)))
		goto out;
	for (int t = 0; t < MRS_N_TOPICS; t++) {
		double any = 0;
		for (uint32_t v = 0; v < n; v++) {
			w[v] = g->pop[v] * g->tr->user_interest_w[v * MRS_N_TOPICS + t];
			any += w[v];
		}
		if (any > 0 && !(by_topic[t] = mrs_alias_new(w, n, g->err)))
			goto out;
	}
	uint32_t max_deg = n > 1 ? MRS_MIN(n - 1, MRS_MAX(60u, n / 4)) : 0;
	for (uint32_t u = 0; u < n && n > 1; u++) {
		mrs_rng r;
		mrs_rng_seed_stream(&r, g->p->seed, 0x10000000ull + u);
		double want = mrs_rng_pareto(&r, g->p->following_min, g->p->following_alpha);
		uint32_t d = (uint32_t)MRS_MIN(want, (double)max_deg);
		if (idset_reset(&seen, d, g->err))
			goto out;
		const float *iw = g->tr->user_interest_w + (size_t)u * MRS_N_TOPICS;
		for (uint32_t tries = 0; seen.count < d && tries < d * 20; tries++) {
			uint32_t v;
			if (mrs_rng_uniform(&r) < g->p->homophily) {
				/* a topic the user cares about, then a popular account in it */
				double x = mrs_rng_uniform(&r);
				int t = 0;
				while (t < MRS_N_TOPICS - 1 && (x -= iw[t]) >= 0)
					t++;
				while (!by_topic[t] || iw[t] == 0)
					t = (t + 1) % MRS_N_TOPICS;
				v = mrs_alias_sample(by_topic[t], &r);
			} else {
				v = mrs_alias_sample(global, &r);
			}
			if (v == u || !idset_add(&seen, v))
				continue;
			int64_t when = g->t_begin - 1 - (int64_t)(mrs_rng_uniform(&r) * 365 * MRS_DAY);
			if (edges_push(&g->follows, u, v, when, 0, g->err))
				goto out;
		}
		if ((u & 0xfff) == 0 && cancelled(g, "follow graph", u, n))
			goto out;
	}
	rc = mrs_ds_set_follows(ds, g->follows.src, g->follows.dst, g->follows.time,
				g->follows.n, g->err);
out:
	free(w), free(seen.slot);
	mrs_alias_free(global);
	for (int t = 0; t < MRS_N_TOPICS; t++)
		mrs_alias_free(by_topic[t]);
	return rc;
}

/* ------------------------------------------------------------ tweets */

static double clamp01(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

typedef struct tweet_key {
	int64_t time;
	uint32_t author, draw;
} tweet_key;

static int cmp_tweet_key(const void *a, const void *b)
{
	const tweet_key *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->draw < y->draw ? -1 : x->draw > y->draw;
}

/* Writes a tweet's text into buf: topic words and filler, toxic and NSFW lexicon words at
 * rates that grow with the latents, sometimes a hashtag and a link. */
static void tweet_text(mrs_rng *r, int topic, double tox, double nsfw, unsigned flags,
		       char *buf, size_t size)
{
	size_t len = 0;
	unsigned words = 6 + mrs_rng_below(r, 12);
	double p_tox = 0.42 * tox * tox, p_nsfw = 0.42 * nsfw * nsfw;
	for (unsigned i = 0; i < words; i++) {
		double x = mrs_rng_uniform(r);
		const char *w;
		if (x < p_tox)
			w = lex_toxic[mrs_rng_below(r, lex_n_toxic)];
		else if (x < p_tox + p_nsfw)
			w = lex_nsfw[mrs_rng_below(r, lex_n_nsfw)];
		else if (x < p_tox + p_nsfw + 0.42)
			w = lex_topic[topic][mrs_rng_below(r, LEX_TOPIC_WORDS)];
		else if (x < p_tox + p_nsfw + 0.44)
			w = lex_topic[mrs_rng_below(r, MRS_N_TOPICS)][mrs_rng_below(r, LEX_TOPIC_WORDS)];
		else
			w = lex_general[mrs_rng_below(r, lex_n_general)];
		len += snprintf(buf + len, size - len, "%s%s", i ? " " : "", w);
	}
	if (mrs_rng_uniform(r) < 0.35)
		len += snprintf(buf + len, size - len, " #%s",
				lex_topic[topic][mrs_rng_below(r, LEX_TOPIC_WORDS)]);
	if (mrs_rng_uniform(r) < 0.3)
		len += snprintf(buf + len, size - len, "%s", mrs_rng_uniform(r) < 0.5 ? "!" : "?");
	if (flags & MRS_TW_LINK) {
		static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		len += snprintf(buf + len, size - len, " https://t.co/");
		for (int i = 0; i < 8 && len + 1 < size; i++)
			buf[len++] = alnum[mrs_rng_below(r, sizeof alnum - 1)];
		buf[len] = '\0';
	}
}

/* CSR of ids grouped by key, ids ascending within a key. */
static int group_ids(const uint32_t *key, const bool *keep, uint32_t n, uint32_t n_keys,
		     uint32_t **off_out, uint32_t **ids_out, mrs_error *err)
{
	uint32_t *off = mrs_calloc((size_t)n_keys + 1, sizeof(uint32_t), "index", err);
	uint32_t *ids = mrs_calloc(n, sizeof(uint32_t), "index", err);
	uint32_t *fill = mrs_calloc((size_t)n_keys + 1, sizeof(uint32_t), "index", err);
	if (!off || !ids || !fill) {
		free(off), free(ids), free(fill);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		if (!keep || keep[i])
			off[key[i] + 1]++;
	for (uint32_t k = 0; k < n_keys; k++)
		off[k + 1] += off[k];
	memcpy(fill, off, sizeof(uint32_t) * (n_keys + 1));
	for (uint32_t i = 0; i < n; i++)
		if (!keep || keep[i])
			ids[fill[key[i]]++] = i;
	free(fill);
	*off_out = off;
	*ids_out = ids;
	return 0;
}

static int gen_tweets(gen *g)
{
	mrs_dataset *ds = g->ds;
	mrs_truth *tr = g->tr;
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	int rc = -1;
	mrs_alias *rate = NULL;
	mrs_pool text = {0};
	uint8_t *topic = NULL;
	bool *original = NULL;
	double *lambda = mrs_calloc(nu, sizeof(double), "tweet rates", g->err);
	tweet_key *keys = mrs_calloc(nt, sizeof(tweet_key), "tweets", g->err);
	if (!lambda || !keys)
		goto out;
	for (uint32_t u = 0; u < nu; u++)
		lambda[u] = g->activity[u] * mrs_rng_exponential(&g->rng, 1.0);
	if (!(rate = mrs_alias_new(lambda, nu, g->err)))
		goto out;
	double days = g->p->days, mean_age = days / 3.0;
	for (uint32_t i = 0; i < nt; i++) {
		double age;
		do
			age = mrs_rng_exponential(&g->rng, mean_age);
		while (age >= days);
		keys[i].time = g->t_end - 1 - (int64_t)(age * MRS_DAY);
		keys[i].author = mrs_alias_sample(rate, &g->rng);
		keys[i].draw = i;
	}
	qsort(keys, nt, sizeof *keys, cmp_tweet_key);

	topic = mrs_calloc(nt, 1, "tweets", g->err);
	original = mrs_calloc(nt, sizeof(bool), "tweets", g->err);
	uint32_t *recent[MRS_N_TOPICS] = {0}; /* originals of each topic so far */
	uint32_t n_recent[MRS_N_TOPICS] = {0};
	for (int t = 0; t < MRS_N_TOPICS && topic; t++)
		if (!(recent[t] = mrs_calloc(nt, sizeof(uint32_t), "tweets", g->err)))
			topic = NULL;
	if (!topic || !original)
		goto out_recent;
	char buf[1024], rt[1200];
	for (uint32_t t = 0; t < nt; t++) {
		mrs_rng *r = &g->rng;
		uint32_t a = keys[t].author;
		ds->tweet_author[t] = a;
		ds->tweet_time[t] = keys[t].time;
		const float *iw = tr->user_interest_w + (size_t)a * MRS_N_TOPICS;
		int k = 0;
		if (mrs_rng_uniform(r) < 0.9) {
			double x = mrs_rng_uniform(r);
			while (k < MRS_N_TOPICS - 1 && (x -= iw[k]) >= 0)
				k++;
			while (iw[k] == 0)
				k = (k + 1) % MRS_N_TOPICS;
		} else {
			k = (int)mrs_rng_below(r, MRS_N_TOPICS);
		}
		uint32_t orig = MRS_NONE;
		if (n_recent[k] > 0 && mrs_rng_uniform(r) < g->p->retweet_rate) {
			uint32_t back = (uint32_t)mrs_rng_exponential(r, 40.0);
			uint32_t idx = back < n_recent[k] ? n_recent[k] - 1 - back : 0;
			orig = recent[k][idx];
			if (ds->tweet_author[orig] == a)
				orig = MRS_NONE;
		}
		uint32_t off;
		if (orig != MRS_NONE) {
			ds->tweet_rt_of[t] = orig;
			ds->tweet_flags[t] = ds->tweet_flags[orig];
			tr->tweet_topic[t] = tr->tweet_topic[orig];
			tr->tweet_quality[t] = tr->tweet_quality[orig];
			tr->tweet_nsfw[t] = tr->tweet_nsfw[orig];
			tr->tweet_toxicity[t] = tr->tweet_toxicity[orig];
			int n = snprintf(rt, sizeof rt, "RT @%s: %s", mrs_handle(ds, ds->tweet_author[orig]),
					 text.data + ds->text_off[orig]);
			off = mrs_pool_add(&text, rt, (size_t)MRS_MIN(n, (int)sizeof rt - 1), g->err);
		} else {
			original[t] = true;
			recent[k][n_recent[k]++] = t;
			tr->tweet_topic[t] = (uint8_t)k;
			tr->tweet_quality[t] =
				(float)clamp01(g->author_q[a] + 0.08 * mrs_rng_normal(r), 0.01, 0.99);
			double ns = g->nsfw_prop[a] > 0
					    ? clamp01(g->nsfw_prop[a] + 0.15 * mrs_rng_normal(r), 0.01, 0.99)
					    : mrs_rng_beta(r, 0.3, 15);
			double tx = g->tox_prop[a] > 0
					    ? clamp01(g->tox_prop[a] + 0.2 * mrs_rng_normal(r), 0.01, 0.99)
					    : mrs_rng_beta(r, 0.4, 12);
			tr->tweet_nsfw[t] = (float)clamp01(ns, 0.001, 0.999);
			tr->tweet_toxicity[t] = (float)clamp01(tx, 0.001, 0.999);
			unsigned flags = (mrs_rng_uniform(r) < g->p->media_rate ? MRS_TW_MEDIA : 0) |
					 (mrs_rng_uniform(r) < g->p->link_rate ? MRS_TW_LINK : 0);
			ds->tweet_flags[t] = (uint8_t)flags;
			tweet_text(r, k, tr->tweet_toxicity[t], tr->tweet_nsfw[t], flags, buf, sizeof buf);
			off = mrs_pool_add(&text, buf, strlen(buf), g->err);
		}
		if (off == UINT32_MAX)
			goto out_recent;
		ds->text_off[t] = off;
		topic[t] = tr->tweet_topic[t];
		if ((t & 0xffff) == 0 && cancelled(g, "tweets", t, nt))
			goto out_recent;
	}
	free(ds->text_pool);
	ds->text_pool = text.data;
	text.data = NULL;
	{
		uint32_t *topic32 = mrs_calloc(nt, sizeof(uint32_t), "tweets", g->err);
		if (!topic32)
			goto out_recent;
		for (uint32_t t = 0; t < nt; t++)
			topic32[t] = topic[t];
		rc = group_ids(ds->tweet_author, NULL, nt, nu, &g->by_author_off, &g->by_author, g->err);
		if (!rc)
			rc = group_ids(topic32, original, nt, MRS_N_TOPICS, &g->by_topic_off,
				       &g->by_topic, g->err);
		free(topic32);
	}
out_recent:
	for (int t = 0; t < MRS_N_TOPICS; t++)
		free(recent[t]);
out:
	free(lambda), free(keys), free(topic), free(original), free(text.data);
	mrs_alias_free(rate);
	return rc;
}

/* ------------------------------------------------------------ impressions */

/* Number of tweets among ids[0..n) (ascending, so in time order) created at or before t. */
static uint32_t count_before(const mrs_dataset *ds, const uint32_t *ids, uint32_t n, int64_t t)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ds->tweet_time[ids ? ids[mid] : mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* What one user's stream of impressions needs as it walks forward in time. */
typedef struct viewer {
	uint32_t u;
	mrs_rng rng;
	uint32_t *fl;   /* followees */
	int64_t *fl_t;  /* when each was followed */
	double *cum;    /* cumulative tie weights over fl */
	uint32_t n_fl, cap_fl;
	uint32_t *blk;  /* blocked or muted authors */
	uint32_t n_blk, cap_blk;
	idset seen;
} viewer;

static int viewer_follow(viewer *v, uint32_t a, int64_t t, double tie, mrs_error *err)
{
	if (v->n_fl == v->cap_fl) {
		uint32_t cap = v->cap_fl ? v->cap_fl * 2 : 64;
		uint32_t *f = realloc(v->fl, cap * sizeof *f);
		if (f)
			v->fl = f;
		int64_t *ft = f ? realloc(v->fl_t, cap * sizeof *ft) : NULL;
		if (ft)
			v->fl_t = ft;
		double *c = ft ? realloc(v->cum, cap * sizeof *c) : NULL;
		if (!c)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for followees");
		v->cum = c;
		v->cap_fl = cap;
	}
	v->fl[v->n_fl] = a;
	v->fl_t[v->n_fl] = t;
	v->cum[v->n_fl] = (v->n_fl ? v->cum[v->n_fl - 1] : 0) + tie;
	v->n_fl++;
	return 0;
}

static int viewer_block(viewer *v, uint32_t a, mrs_error *err)
{
	if (v->n_blk == v->cap_blk) {
		uint32_t cap = v->cap_blk ? v->cap_blk * 2 : 8;
		uint32_t *b = realloc(v->blk, cap * sizeof *b);
		if (!b)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for blocks");
		v->blk = b;
		v->cap_blk = cap;
	}
	v->blk[v->n_blk++] = a;
	return 0;
}

/* Is a followed by the viewer strictly before t? Returns the index in fl or -1. */
static int viewer_follows(const viewer *v, uint32_t a, int64_t t)
{
	for (uint32_t i = 0; i < v->n_fl; i++)
		if (v->fl[i] == a)
			return v->fl_t[i] < t ? (int)i : -1;
	return -1;
}

static bool viewer_blocked(const viewer *v, uint32_t a)
{
	for (uint32_t i = 0; i < v->n_blk; i++)
		if (v->blk[i] == a)
			return true;
	return false;
}

/* Picks a tweet to show the viewer at time t the way a simple logging recommender would:
 * recent tweets of followees (by tie strength), recent tweets of an interest topic (by
 * quality), or anything recent. Returns MRS_NONE when this attempt found nothing. */
static uint32_t pick_tweet(gen *g, viewer *v, int64_t t)
{
	const mrs_dataset *ds = g->ds;
	mrs_rng *r = &v->rng;
	double x = mrs_rng_uniform(r);
	if (x < 0.55 && v->n_fl) {
		double y = mrs_rng_uniform(r) * v->cum[v->n_fl - 1];
		uint32_t lo = 0, hi = v->n_fl - 1;
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (v->cum[mid] < y)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t a = v->fl[lo];
		if (v->fl_t[lo] >= t)
			return MRS_NONE;
		const uint32_t *ids = g->by_author + g->by_author_off[a];
		uint32_t n = count_before(ds, ids, g->by_author_off[a + 1] - g->by_author_off[a], t);
		uint32_t back = (uint32_t)mrs_rng_exponential(r, 1.5);
		return back < n ? ids[n - 1 - back] : MRS_NONE;
	}
	if (x < 0.88) {
		const float *iw = g->tr->user_interest_w + (size_t)v->u * MRS_N_TOPICS;
		double y = mrs_rng_uniform(r);
		int k = 0;
		while (k < MRS_N_TOPICS - 1 && (y -= iw[k]) >= 0)
			k++;
		while (iw[k] == 0)
			k = (k + 1) % MRS_N_TOPICS;
		const uint32_t *ids = g->by_topic + g->by_topic_off[k];
		uint32_t n = count_before(ds, ids, g->by_topic_off[k + 1] - g->by_topic_off[k], t);
		uint32_t back = (uint32_t)mrs_rng_exponential(r, 25.0);
		if (back >= n)
			return MRS_NONE;
		uint32_t c = ids[n - 1 - back];
		return mrs_rng_uniform(r) < 0.3 + 0.7 * g->tr->tweet_quality[c] ? c : MRS_NONE;
	}
	uint32_t n = count_before(ds, NULL, ds->n_tweets, t);
	uint32_t back = (uint32_t)mrs_rng_exponential(r, 400.0);
	return back < n ? n - 1 - back : MRS_NONE;
}

static int gen_impressions(gen *g)
{
	mrs_dataset *ds = g->ds;
	mrs_truth *tr = g->tr;
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	int rc = -1;
	double total_act = 0;
	for (uint32_t u = 0; u < nu; u++)
		total_act += g->activity[u];
	uint32_t *quota = mrs_calloc(nu, sizeof(uint32_t), "impressions", g->err);
	int64_t *times = NULL;
	viewer v = {0};
	if (!quota)
		return -1;
	size_t cap = 0;
	uint32_t max_quota = MRS_MAX(1u, nt / 2);
	for (uint32_t u = 0; u < nu; u++) {
		double want = g->p->impressions * g->activity[u] / total_act;
		uint32_t q = (uint32_t)(want + mrs_rng_uniform(&g->rng));
		quota[u] = MRS_MIN(q, max_quota);
		cap += quota[u];
	}
	if (cap > UINT32_MAX) {
		free(quota);
		return mrs_fail(g->err, MRS_ERR_USAGE, "generate: too many impressions (%zu)", cap);
	}
	ds->imp_user = mrs_calloc(cap, sizeof(uint32_t), "impressions", g->err);
	ds->imp_tweet = mrs_calloc(cap, sizeof(uint32_t), "impressions", g->err);
	ds->imp_time = mrs_calloc(cap, sizeof(int64_t), "impressions", g->err);
	ds->imp_actions = mrs_calloc(cap, 1, "impressions", g->err);
	ds->imp_propensity = mrs_calloc(cap, sizeof(float), "impressions", g->err);
	free(tr->imp_prob);
	tr->imp_prob = mrs_calloc(cap * MRS_N_ACTIONS, sizeof(float), "ground truth", g->err);
	times = mrs_calloc(max_quota, sizeof(int64_t), "impression times", g->err);
	if (!ds->imp_user || !ds->imp_tweet || !ds->imp_time || !ds->imp_actions ||
	    !ds->imp_propensity || !tr->imp_prob || !times)
		goto out;
	uint32_t n = 0;
	for (uint32_t u = 0; u < nu; u++) {
		v.u = u;
		v.n_fl = v.n_blk = 0;
		mrs_rng_seed_stream(&v.rng, g->p->seed, 0x20000000ull + u);
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++)
			if (viewer_follow(&v, ds->fol_dst[e], ds->fol_time[e],
					  world_tie(g->p->seed, u, ds->fol_dst[e]), g->err))
				goto out;
		if (idset_reset(&v.seen, quota[u], g->err))
			goto out;
		uint32_t q = quota[u];
		for (uint32_t j = 0; j < q; j++) {
			uint32_t base = mrs_rng_below(&v.rng, nt);
			int64_t t = ds->tweet_time[base] + (int64_t)mrs_rng_exponential(&v.rng, 6 * 3600.0);
			times[j] = MRS_MIN(t, g->t_end - 1);
		}
		qsort(times, q, sizeof *times, cmp_i64);
		int64_t last = INT64_MIN;
		for (uint32_t j = 0; j < q; j++) {
			int64_t t = MRS_MAX(times[j], last + 1);
			uint32_t c = MRS_NONE;
			for (int attempt = 0; attempt < 8 && c == MRS_NONE; attempt++) {
				c = pick_tweet(g, &v, t);
				if (c == MRS_NONE)
					continue;
				uint32_t a = ds->tweet_author[c], oa = mrs_original_author(ds, c);
				if (a == u || oa == u || viewer_blocked(&v, a) || viewer_blocked(&v, oa) ||
				    idset_has(&v.seen, c))
					c = MRS_NONE;
			}
			if (c == MRS_NONE)
				continue;
			idset_add(&v.seen, c);
			last = t;
			uint32_t a = ds->tweet_author[c];
			int fi = viewer_follows(&v, a, t);
			world_pair in = {
				.interest = tr->user_interest_w[(size_t)u * MRS_N_TOPICS + tr->tweet_topic[c]],
				.tie = fi >= 0 ? world_tie(g->p->seed, u, a) : 0,
				.follows = fi >= 0,
				.quality = tr->tweet_quality[c],
				.nsfw = tr->tweet_nsfw[c],
				.toxicity = tr->tweet_toxicity[c],
				.flags = ds->tweet_flags[c],
				.age_hours = (double)(t - ds->tweet_time[c]) / 3600.0,
				.propensity = tr->user_propensity[u],
			};
			float *p = tr->imp_prob + (size_t)n * MRS_N_ACTIONS;
			world_probs(&in, p);
			uint8_t acts = 0;
			for (int k = 0; k < MRS_N_ACTIONS; k++)
				if (mrs_rng_uniform(&v.rng) < p[k])
					acts |= 1u << k;
			if ((acts & (1u << MRS_ACT_FOLLOW)) &&
			    (viewer_follow(&v, a, t, world_tie(g->p->seed, u, a), g->err) ||
			     edges_push(&g->follows, u, a, t, 0, g->err)))
				goto out;
			if ((acts & (1u << MRS_ACT_REPORT)) && mrs_rng_uniform(&v.rng) < 0.4 &&
			    (viewer_block(&v, a, g->err) ||
			     edges_push(&g->blocks, u, a, t, MRS_BLOCK, g->err)))
				goto out;
			if ((acts & (1u << MRS_ACT_NEGFB)) && mrs_rng_uniform(&v.rng) < 0.12 &&
			    (viewer_block(&v, a, g->err) ||
			     edges_push(&g->blocks, u, a, t, MRS_MUTE, g->err)))
				goto out;
			ds->imp_user[n] = u;
			ds->imp_tweet[n] = c;
			ds->imp_time[n] = t;
			ds->imp_actions[n] = acts;
			n++;
		}
		if ((u & 0x3ff) == 0 && cancelled(g, "impressions", n, (double)cap))
			goto out;
	}
	ds->n_impressions = tr->n_impressions = n;
	rc = mrs_ds_set_follows(ds, g->follows.src, g->follows.dst, g->follows.time, g->follows.n,
				g->err);
	if (!rc)
		rc = mrs_ds_set_blocks(ds, g->blocks.src, g->blocks.dst, g->blocks.kind,
				       g->blocks.time, g->blocks.n, g->err);
out:
	free(quota), free(times);
	free(v.fl), free(v.fl_t), free(v.cum), free(v.blk), free(v.seen.slot);
	return rc;
}

/* ------------------------------------------------------------ labels, split, assembly */

/* Moderation labels as human review gives them: a random sample of tweets plus most of
 * the reported ones (review queues are fed by reports), each judged against the hidden
 * latent with class-dependent mistakes: a reviewer misses label_noise of the true
 * positives and flags a fifth as many (label_noise / 5) of the true negatives. */
static int gen_labels(gen *g)
{
	mrs_dataset *ds = g->ds;
	uint8_t *reported = mrs_calloc(ds->n_tweets, 1, "labels", g->err);
	if (!reported)
		return -1;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_actions[i] & (1u << MRS_ACT_REPORT))
			reported[ds->imp_tweet[i]] = 1;
	double miss = g->p->label_noise, false_flag = g->p->label_noise / 5;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		double p_review = reported[t] ? 0.8 : g->p->label_rate;
		if (mrs_rng_uniform(&g->rng) >= p_review)
			continue;
		bool nsfw = g->tr->tweet_nsfw[t] > 0.5, toxic = g->tr->tweet_toxicity[t] > 0.5;
		if (mrs_rng_uniform(&g->rng) < (nsfw ? miss : false_flag))
			nsfw = !nsfw;
		if (mrs_rng_uniform(&g->rng) < (toxic ? miss : false_flag))
			toxic = !toxic;
		ds->label_nsfw[t] = nsfw;
		ds->label_toxic[t] = toxic;
	}
	free(reported);
	return 0;
}

static char *params_json(const mrs_gen_params *p, mrs_error *err)
{
	char buf[1024];
	snprintf(buf, sizeof buf,
		 "{\"users\": %u, \"tweets\": %u, \"impressions\": %u, \"seed\": %llu, "
		 "\"days\": %u, \"homophily\": %g, \"follow_alpha\": %g, \"following_alpha\": %g, "
		 "\"following_min\": %g, \"media_rate\": %g, \"link_rate\": %g, "
		 "\"retweet_rate\": %g, \"verified_rate\": %g, \"label_rate\": %g, "
		 "\"label_noise\": %g, \"train_share\": %g}",
		 p->users, p->tweets, p->impressions, (unsigned long long)p->seed, p->days,
		 p->homophily, p->follow_alpha, p->following_alpha, p->following_min, p->media_rate,
		 p->link_rate, p->retweet_rate, p->verified_rate, p->label_rate, p->label_noise,
		 p->train_share);
	return mrs_strdup(buf, err);
}

static int check_params(const mrs_gen_params *p, mrs_error *err)
{
	if (p->users < 2 || p->users > 10000000)
		return mrs_fail(err, MRS_ERR_USAGE, "users: %u is out of range (2 .. 10000000)", p->users);
	if (p->tweets < 1 || p->tweets > 100000000)
		return mrs_fail(err, MRS_ERR_USAGE, "tweets: %u is out of range (1 .. 100000000)",
				p->tweets);
	if (p->impressions > 1000000000)
		return mrs_fail(err, MRS_ERR_USAGE, "impressions: %u is out of range", p->impressions);
	if (p->days < 1 || p->days > 3650)
		return mrs_fail(err, MRS_ERR_USAGE, "days: %u is out of range (1 .. 3650)", p->days);
	if (!(p->homophily >= 0 && p->homophily <= 1) || !(p->train_share > 0 && p->train_share < 1))
		return mrs_fail(err, MRS_ERR_USAGE, "homophily and train_share must lie in [0, 1]");
	if (!(p->follow_alpha > 0) || !(p->following_alpha > 0) || !(p->following_min >= 1))
		return mrs_fail(err, MRS_ERR_USAGE, "Pareto parameters must be positive");
	return 0;
}

mrs_dataset *mrs_generate(const mrs_gen_params *p, mrs_truth **truth_out,
			  const mrs_progress *progress, mrs_error *err)
{
	*truth_out = NULL;
	if (check_params(p, err))
		return NULL;
	gen g = {.p = p, .err = err, .prog = progress};
	mrs_rng_seed(&g.rng, p->seed);
	g.t_end = MRS_WORLD_END;
	g.t_begin = g.t_end - (int64_t)p->days * MRS_DAY;
	g.ds = mrs_ds_alloc(p->users, p->tweets, err);
	g.tr = mrs_truth_alloc(p->users, p->tweets, 0, err);
	g.activity = mrs_calloc(p->users, sizeof(double), "users", err);
	g.pop = mrs_calloc(p->users, sizeof(double), "users", err);
	g.author_q = mrs_calloc(p->users, sizeof(double), "users", err);
	g.nsfw_prop = mrs_calloc(p->users, sizeof(double), "users", err);
	g.tox_prop = mrs_calloc(p->users, sizeof(double), "users", err);
	bool ok = g.ds && g.tr && g.activity && g.pop && g.author_q && g.nsfw_prop && g.tox_prop;
	ok = ok && !cancelled(&g, "users", 0, 1) && !gen_users(&g);
	ok = ok && !cancelled(&g, "follow graph", 0, 1) && !gen_follows(&g);
	ok = ok && !cancelled(&g, "tweets", 0, 1) && !gen_tweets(&g);
	ok = ok && !cancelled(&g, "impressions", 0, 1) && !gen_impressions(&g);
	ok = ok && !gen_labels(&g);
	if (ok) {
		g.ds->seed = p->seed;
		g.tr->seed = p->seed;
		g.ds->has_truth = true;
		g.ds->split_time = mrs_split_time(g.ds, p->train_share, err);
		g.ds->kind = mrs_strdup("synthetic", err);
		g.ds->params_json = params_json(p, err);
		ok = g.ds->split_time != INT64_MIN && g.ds->kind && g.ds->params_json &&
		     !mrs_dataset_index(g.ds, err);
	}
	free(g.activity), free(g.pop), free(g.author_q), free(g.nsfw_prop), free(g.tox_prop);
	free(g.by_author_off), free(g.by_author), free(g.by_topic_off), free(g.by_topic);
	edges_free(&g.follows), edges_free(&g.blocks);
	if (!ok) {
		mrs_dataset_free(g.ds);
		mrs_truth_free(g.tr);
		return NULL;
	}
	mrs_progress_report(progress, "done", 1, 1, NULL);
	*truth_out = g.tr;
	return g.ds;
}
