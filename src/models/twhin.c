/* twhin.c: TwHIN: translation embeddings over the heterogeneous graph of users and tweets
 * (El-Kishky et al., KDD 2022), trained through the shim, and the scores served from them.
 *
 * Fit (mrs_twhin_fit), from behaviour before `cut`: one id space of users, then tweets that
 * have at least one training edge; relations user-follows-user, user-likes-tweet,
 * user-retweets-tweet, user-replies-tweet and user-authored-tweet, each with its own
 * translation vector; an edge scores dot(E[lhs], E[rhs] + R[rel]) and training uses
 * in-batch negatives and BCE (mrs_tembed_fit). TW_HOLDOUT of the follow and engagement
 * edges (never authorship, so every tweet keeps an edge) are held out; each is ranked
 * against TW_EVAL_NEGATIVES corrupted right-hand sides (see evaluate) to report AUC, MRR
 * and Hit@10 in the card, per relation, as their mean over relations, and per edge. On the
 * synthetic worlds follows are predicted worst (AUC ~0.6 against ~0.85 for engagements):
 * who follows whom there is mostly popularity (an item-item co-follower baseline does no
 * better than follower counts), and in-batch negatives, drawn by degree, teach the model
 * to discount popularity; the edge mean, two thirds follows, shows it.
 *
 * DIR/twhin.pt holds the user table [n_users, dim] (zero rows for users without a
 * training edge), the ids of the trained tweets, their table [trained, dim], and the
 * relation vectors. Opening keeps that one copy (plus a norm per row).
 *
 * Serving: cosine(U[viewer], T[tweet]); a tweet without a training edge (most fresh
 * tweets) is represented by the mean of the user vectors of its latest TW_FALLBACK
 * engagers before now, else by its (original) author's vector. An engine at the
 * dataset's end computes that mean at open for every such tweet young enough to be a
 * candidate then (created within the age limit), and requests at that now read it from
 * there: each fresh candidate would otherwise read up to TW_FALLBACK user rows of 512
 * bytes, the largest part of a request's features on the large world.
 */
#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

#define TW_DIM 128
#define TW_FORMAT_VERSION 1
#define TW_EPOCHS 20
/* Large graphs get fewer passes: at most TW_EDGE_BUDGET edge visits over all epochs, and
 * at least TW_MIN_EPOCHS epochs (the default world, ~25,000 edges, keeps its 20; the large
 * one, ~2.8 million, gets 5: training time stays near a minute on one core). */
#define TW_EDGE_BUDGET 16000000
#define TW_MIN_EPOCHS 4
/* Very large graphs are sampled: above TW_SAMPLE_ABOVE edges before the cut (the large
 * world has 2.8 to 3.4 million, the huge one 35 million), each edge that is not held out
 * trains with probability TW_SAMPLE_ABOVE / edges, chosen by a hash of the seed and the
 * edge's position, so that about TW_SAMPLE_ABOVE edges train (TW_MIN_EPOCHS epochs over
 * them: minutes, not the better part of an hour), and the tweets left without one get no
 * row (served like fresh tweets; the table shrinks with them). */
#define TW_SAMPLE_ABOVE 8000000
#define TW_BATCH 512
#define TW_NEGATIVES 64
#define TW_LR 0.05f
#define TW_HOLDOUT 0.05
#define TW_MAX_HELDOUT 5000
#define TW_EVAL_NEGATIVES 100
#define TW_FALLBACK 16
#define TW_SCAN_BACK 1024
/* The engagers' sums kept at open: at most this many, the newest tweets' (256 MB at dim
 * 128) */
#define TW_FRESH_MAX (1u << 19)

enum { REL_FOLLOWS, REL_LIKES, REL_RETWEETS, REL_REPLIES, REL_AUTHORED, N_REL };
static const char *const rel_names[N_REL] = {"follows", "likes", "retweets", "replies",
					     "authored"};

struct mrs_twhin {
	mrs_artifact *art;      /* the tables live here, once */
	uint32_t dim;
	const float *user;      /* [n_users, dim] */
	const float *tweet;     /* [trained, dim] */
	int32_t *row;           /* [n_tweets] row in tweet; else -1, or -2 - k for row k of fresh */
	float *user_norm;       /* [n_users] */
	float *tweet_norm;      /* [trained] */
	uint32_t trained;       /* tweets with a row in tweet */
	float *fresh;           /* [n_fresh, dim] the engagers' sum of each tweet without a
				 * row, created within the age limit of e->now, with an engager
				 * before it */
	float *fresh_norm;      /* [n_fresh] */
	uint32_t n_fresh;
	bool mapped;            /* every array lives in a snapshot (art is NULL) */
};

/* ------------------------------------------------------------------ vectors */

static float dot(const float *a, const float *b, uint32_t d)
{
	float s = 0;
	for (uint32_t i = 0; i < d; i++)
		s += a[i] * b[i];
	return s;
}

/* acc += v, element by element, four lanes at a time (GCC and Clang vector extensions;
 * memcpy for unaligned loads and stores). Every element still sees the same additions in
 * the same order, so the sums are bit for bit those of a plain loop, in a quarter of the
 * instructions: serving adds up to TW_FALLBACK user vectors for every fresh candidate. */
typedef float f32x4 __attribute__((vector_size(16)));

static void add_into(float *acc, const float *v, uint32_t d)
{
	uint32_t k = 0;
	for (; k + 4 <= d; k += 4) {
		f32x4 a, b;
		memcpy(&a, acc + k, sizeof a);
		memcpy(&b, v + k, sizeof b);
		a += b;
		memcpy(acc + k, &a, sizeof a);
	}
	for (; k < d; k++)
		acc[k] += v[k];
}

/* Asks the cache for the d floats at row (a hint; nothing waits for it). */
static void prefetch_row(const float *row, uint32_t d)
{
	for (size_t b = 0; b < d * sizeof(float); b += 64)
		__builtin_prefetch((const char *)row + b);
}

static float norm(const float *a, uint32_t d)
{
	return sqrtf(dot(a, a, d));
}

static float cosine(const float *a, float na, const float *b, float nb, uint32_t d)
{
	return na > 0 && nb > 0 ? dot(a, b, d) / (na * nb) : 0.0f;
}

/* ------------------------------------------------------------------ serving */

static int fresh_build(struct mrs_twhin *tw, const mrs_engine *e, mrs_error *err);

/* Loads DIR/twhin.pt into tw; on any problem writes why and returns -1 (-2: out of
 * memory). */
static int tw_load(struct mrs_twhin *tw, const mrs_engine *e, char *path, size_t path_size,
		   char *why, size_t why_size, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	mrs_error lerr = {0};
	if (mrs_model_refused(e, MRS_MODEL_TWHIN, why, why_size))
		return -1;
	if (mrs_model_path(path, path_size, e->models_dir, "twhin", "pt", &lerr) ||
	    !(tw->art = mrs_artifact_load(path, &lerr))) {
		snprintf(why, why_size, "%s", lerr.msg);
		return -1;
	}
	cJSON *meta = cJSON_Parse(mrs_artifact_meta(tw->art));
	long long version = mrs_card_int(meta, "version"), dim = mrs_card_int(meta, "dim");
	long long nu = mrs_card_int(meta, "n_users"), nt = mrs_card_int(meta, "n_tweets");
	cJSON_Delete(meta);
	size_t n_user = 0, n_ids = 0, n_tweet = 0;
	const uint32_t *ids = NULL;
	tw->user = mrs_artifact_get(tw->art, "users", MRS_ART_F32, &n_user, &lerr);
	if (tw->user)
		ids = mrs_artifact_get(tw->art, "tweet_ids", MRS_ART_U32, &n_ids, &lerr);
	if (ids)
		tw->tweet = mrs_artifact_get(tw->art, "tweets", MRS_ART_F32, &n_tweet, &lerr);
	why[0] = '\0';
	if (version != TW_FORMAT_VERSION)
		snprintf(why, why_size, "%s: format version %lld, expected %d", path, version,
			 TW_FORMAT_VERSION);
	else if (nu != ds->n_users || nt != ds->n_tweets)
		snprintf(why, why_size, "%s: fitted on %lld users and %lld tweets, the dataset has %u and %u",
			 path, nu, nt, ds->n_users, ds->n_tweets);
	else if (!tw->tweet)
		snprintf(why, why_size, "%s", lerr.msg);
	else if (dim <= 0 || dim > 4096 || n_user != (size_t)nu * dim ||
		 n_tweet != n_ids * (size_t)dim)
		snprintf(why, why_size, "%s: tables do not match dim %lld", path, dim);
	for (size_t i = 0; !why[0] && i < n_ids; i++)
		if (ids[i] >= ds->n_tweets || (i && ids[i] <= ids[i - 1]))
			snprintf(why, why_size, "%s: bad tweet id at %zu", path, i);
	if (why[0])
		return -1;
	tw->dim = (uint32_t)dim;
	tw->trained = (uint32_t)n_ids;
	tw->row = mrs_calloc(ds->n_tweets, sizeof(int32_t), "twhin", err);
	tw->user_norm = mrs_calloc(ds->n_users, sizeof(float), "twhin", err);
	tw->tweet_norm = mrs_calloc(n_ids, sizeof(float), "twhin", err);
	if (!tw->row || !tw->user_norm || !tw->tweet_norm)
		return -2;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		tw->row[t] = -1;
	for (size_t i = 0; i < n_ids; i++) {
		tw->row[ids[i]] = (int32_t)i;
		tw->tweet_norm[i] = norm(tw->tweet + i * tw->dim, tw->dim);
	}
	for (uint32_t u = 0; u < ds->n_users; u++)
		tw->user_norm[u] = norm(tw->user + (size_t)u * tw->dim, tw->dim);
	return fresh_build(tw, e, err) ? -2 : 0;
}

void mrs_twhin_free(struct mrs_twhin *tw)
{
	if (!tw)
		return;
	mrs_artifact_free(tw->art);
	if (!tw->mapped)
		free(tw->row), free(tw->user_norm), free(tw->tweet_norm), free(tw->fresh),
			free(tw->fresh_norm);
	free(tw);
}

int mrs_twhin_snap(mrs_engine *e, mrs_snap_io *io)
{
	uint32_t head[4] = {e->tw != NULL, e->tw ? e->tw->dim : 0, e->tw ? e->tw->trained : 0,
			    e->tw ? e->tw->n_fresh : 0};
	if (mrs_snap_value(io, "twhin.head", head, sizeof head))
		return -1;
	if (!head[0])
		return 0; /* not loaded: the status says why */
	if (head[1] == 0 || head[1] > 4096) /* as tw_load checks: scores use a stack row */
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: twhin: dim %u", head[1]);
	if (!io->writing && !(e->tw = mrs_calloc(1, sizeof *e->tw, "twhin", io->err)))
		return -1;
	struct mrs_twhin *tw = e->tw;
	tw->mapped = !io->writing;
	tw->dim = head[1], tw->trained = head[2], tw->n_fresh = head[3];
	size_t nu = e->ds->n_users, nt = e->ds->n_tweets, d = tw->dim, k = tw->trained;
	size_t nf = MRS_MAX(tw->n_fresh, 1u);
	return MRS_SNAP_ARRAY(io, "twhin.user", tw->user, nu * d) ||
			       MRS_SNAP_ARRAY(io, "twhin.tweet", tw->tweet, k * d) ||
			       MRS_SNAP_ARRAY(io, "twhin.row", tw->row, nt) ||
			       MRS_SNAP_ARRAY(io, "twhin.user_norm", tw->user_norm, nu) ||
			       MRS_SNAP_ARRAY(io, "twhin.tweet_norm", tw->tweet_norm, k) ||
			       MRS_SNAP_ARRAY(io, "twhin.fresh", tw->fresh, nf * d) ||
			       MRS_SNAP_ARRAY(io, "twhin.fresh_norm", tw->fresh_norm, nf)
		       ? -1
		       : 0;
}

int mrs_twhin_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	mrs_model_status *st = &e->status[MRS_MODEL_TWHIN];
	if (mrs_progress_report(p, "twhin", 0, 1, NULL))
		return mrs_fail(err, MRS_ERR_CANCELLED, "twhin: cancelled");
	struct mrs_twhin *tw = mrs_calloc(1, sizeof *tw, "twhin", err);
	if (!tw)
		return -1;
	char path[4096] = "", why[1200];
	int rc = tw_load(tw, e, path, sizeof path, why, sizeof why, err);
	if (rc == -2) {
		mrs_twhin_free(tw);
		return -1;
	}
	if (rc) {
		mrs_twhin_free(tw);
		mrs_model_note(st, false, "%s; TwHIN scores are 0", why);
		e->tw = NULL;
		return 0;
	}
	mrs_model_note(st, true, "loaded %s (dim %u)", path, tw->dim);
	e->tw = tw;
	return 0;
}

/* Sums into mean (d floats) the user vectors of the tweet's latest TW_FALLBACK engagers
 * before now that have one, and returns how many it added. The engagers are found first
 * and all their rows requested before any is added: on the large world each row is a
 * cache miss of its own, and asking for them together overlaps the waits (the rows are
 * added in the same order: the same sum). */
static uint32_t engagers_sum(const struct mrs_twhin *tw, const mrs_engine *e, uint32_t tweet,
			     int64_t now, float *mean)
{
	uint32_t d = tw->dim, eng[TW_FALLBACK], taken = 0;
	uint32_t lo = e->ds->timp_off[tweet], end = mrs_counts_timp_end(e, tweet, now);
	uint32_t stop = end - MRS_MIN(end - lo, (uint32_t)TW_SCAN_BACK);
	const uint32_t *who;
	uint32_t n = mrs_counts_timp_engagers(e, stop, end, &who, NULL);
	for (uint32_t i = 0; i < MRS_MIN(n, 2u * TW_FALLBACK); i++)
		__builtin_prefetch(&tw->user_norm[who[n - 1 - i]]);
	for (uint32_t i = n; i > 0 && taken < TW_FALLBACK; i--) {
		uint32_t g = who[i - 1];
		if (tw->user_norm[g] == 0)
			continue;
		prefetch_row(tw->user + (size_t)g * d, d);
		eng[taken++] = g;
	}
	memset(mean, 0, sizeof(float) * d);
	for (uint32_t k = 0; k < taken; k++)
		add_into(mean, tw->user + (size_t)eng[k] * d, d);
	return taken;
}

/* The engagers' sums of the tweets without a row that can be candidates at e->now (created
 * within the age limit; tweet ids are in time order), newest first and at most
 * TW_FRESH_MAX, and their norms: row[t] becomes -2 - k for sum k. A tweet without an
 * engager keeps -1 (its author's vector serves). Only an engine that keeps request caches
 * keeps them. */
static int fresh_build(struct mrs_twhin *tw, const mrs_engine *e, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t first = mrs_first_young_tweet(ds, e->now), n = 0;
	for (uint32_t t = ds->n_tweets; e->request_caches && t > first && n < TW_FRESH_MAX; t--)
		n += tw->row[t - 1] < 0;
	size_t d = tw->dim;
	tw->fresh = mrs_calloc((size_t)MRS_MAX(n, 1u) * d, sizeof(float), "twhin", err);
	tw->fresh_norm = mrs_calloc(MRS_MAX(n, 1u), sizeof(float), "twhin", err);
	if (!tw->fresh || !tw->fresh_norm)
		return -1;
	uint32_t k = 0;
	for (uint32_t t = ds->n_tweets; t > first && k < n; t--) {
		float *sum = tw->fresh + k * d;
		if (tw->row[t - 1] >= 0 || !engagers_sum(tw, e, t - 1, e->now, sum))
			continue;
		tw->fresh_norm[k] = norm(sum, tw->dim);
		tw->row[t - 1] = -2 - (int32_t)k++;
	}
	tw->n_fresh = k;
	return 0;
}

float mrs_twhin_score(const mrs_engine *e, uint32_t viewer, uint32_t tweet, int64_t now)
{
	const struct mrs_twhin *tw = e->tw;
	const mrs_dataset *ds = e->ds;
	if (!tw || viewer >= ds->n_users || tweet >= ds->n_tweets || tw->user_norm[viewer] == 0)
		return 0;
	uint32_t d = tw->dim;
	const float *u = tw->user + (size_t)viewer * d;
	int32_t r = tw->row[tweet];
	if (r >= 0)
		return cosine(u, tw->user_norm[viewer], tw->tweet + (size_t)r * d, tw->tweet_norm[r], d);
	/* no training edge: the mean of the latest engagers' vectors, else the author's */
	if (r < -1 && now == e->now) {
		size_t k = (size_t)(-2 - (int64_t)r);
		return cosine(u, tw->user_norm[viewer], tw->fresh + k * d, tw->fresh_norm[k], d);
	}
	float mean[4096];
	if (!engagers_sum(tw, e, tweet, now, mean)) {
		uint32_t a = mrs_ds_original_author(ds, tweet);
		return cosine(u, tw->user_norm[viewer], tw->user + (size_t)a * d, tw->user_norm[a], d);
	}
	return cosine(u, tw->user_norm[viewer], mean, norm(mean, d), d);
}

float mrs_twhin_user_sim(const mrs_engine *e, uint32_t u, uint32_t v)
{
	const struct mrs_twhin *tw = e->tw;
	if (!tw || u >= e->ds->n_users || v >= e->ds->n_users)
		return 0;
	size_t d = tw->dim;
	return cosine(tw->user + u * d, tw->user_norm[u], tw->user + v * d, tw->user_norm[v],
		      tw->dim);
}

/* ------------------------------------------------------------------ fit */

typedef struct tw_edges {
	int64_t *lhs, *rhs;  /* user ids; tweets as n_users + tweet id until compacted */
	int32_t *rel;
	size_t n, cap;
} tw_edges;

static void edges_free(tw_edges *x)
{
	free(x->lhs), free(x->rhs), free(x->rel);
}

static int edges_add(tw_edges *x, int64_t lhs, int32_t rel, int64_t rhs, mrs_error *err)
{
	if (x->n == x->cap) {
		size_t c1 = x->cap, c2 = x->cap, c3 = x->cap;
		if (mrs_grow((void **)&x->lhs, &c1, x->n + 1, sizeof(int64_t), "twhin edges", err) ||
		    mrs_grow((void **)&x->rhs, &c2, x->n + 1, sizeof(int64_t), "twhin edges", err) ||
		    mrs_grow((void **)&x->rel, &c3, x->n + 1, sizeof(int32_t), "twhin edges", err))
			return -1;
		x->cap = MRS_MIN(c1, MRS_MIN(c2, c3));
	}
	x->lhs[x->n] = lhs, x->rel[x->n] = rel, x->rhs[x->n] = rhs;
	x->n++;
	return 0;
}

typedef struct tw_fit {
	const mrs_dataset *ds;
	int64_t cut;
	uint64_t seed;
	const mrs_progress *p;
	mrs_error *err;
	tw_edges train, held;
	uint32_t counts[N_REL];
	size_t available;     /* edges before the cut, before sampling */
	double keep;          /* the share of the edges that are not held out that train */
	int32_t *node;        /* [n_tweets] node id - n_users of a trained tweet, or -1 */
	uint32_t *ids;        /* [trained] tweet ids, ascending */
	uint32_t trained;
	float *node_out, *rel_out;
} tw_fit;

/* Held out: a fixed share of follow and engagement edges, chosen by a hash of the seed and
 * the edge's position, up to TW_MAX_HELDOUT. */
static int fit_add(tw_fit *f, int64_t lhs, int32_t rel, int64_t rhs, uint64_t pos)
{
	double h = (double)(mrs_hash64(f->seed ^ mrs_hash64(pos + 0x7a11)) >> 11) * 0x1.0p-53;
	bool hold = rel != REL_AUTHORED && h < TW_HOLDOUT && f->held.n < TW_MAX_HELDOUT;
	f->counts[rel]++;
	if (!hold && f->keep < 1 &&
	    (double)(mrs_hash64(f->seed ^ mrs_hash64(pos + 0x5a3b1e)) >> 11) * 0x1.0p-53 >= f->keep)
		return 0;
	return edges_add(hold ? &f->held : &f->train, lhs, rel, rhs, f->err);
}

/* The edges collect_edges adds, counted: follows and engagements before the cut, and one
 * authorship edge per tweet before it. */
static size_t count_edges(const mrs_dataset *ds, int64_t cut)
{
	size_t n = 0;
	for (uint32_t e = 0; e < ds->n_follows; e++)
		n += ds->fol_time[e] < cut;
	const unsigned acts = (1u << MRS_ACT_LIKE) | (1u << MRS_ACT_RETWEET) | (1u << MRS_ACT_REPLY);
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < cut)
			n += (size_t)__builtin_popcount(ds->imp_actions[i] & acts);
	for (uint32_t t = 0; t < ds->n_tweets && ds->tweet_time[t] < cut; t++)
		n++;
	return n;
}

static int collect_edges(tw_fit *f)
{
	const mrs_dataset *ds = f->ds;
	uint32_t nu = ds->n_users;
	uint64_t pos = 0;
	f->available = count_edges(ds, f->cut);
	f->keep = f->available > TW_SAMPLE_ABOVE ? (double)TW_SAMPLE_ABOVE / (double)f->available : 1;
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t k = ds->fol_off[u]; k < ds->fol_off[u + 1]; k++)
			if (ds->fol_time[k] < f->cut && fit_add(f, u, REL_FOLLOWS, ds->fol_dst[k], pos++))
				return -1;
	static const int act_rel[][2] = {
		{MRS_ACT_LIKE, REL_LIKES}, {MRS_ACT_RETWEET, REL_RETWEETS}, {MRS_ACT_REPLY, REL_REPLIES}};
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		if (ds->imp_time[i] >= f->cut)
			continue;
		for (size_t k = 0; k < MRS_ARRAY_LEN(act_rel); k++)
			if ((ds->imp_actions[i] >> act_rel[k][0]) & 1 &&
			    fit_add(f, ds->imp_user[i], act_rel[k][1], (int64_t)nu + ds->imp_tweet[i], pos++))
				return -1;
	}
	for (uint32_t t = 0; t < ds->n_tweets && ds->tweet_time[t] < f->cut; t++)
		if (fit_add(f, ds->tweet_author[t], REL_AUTHORED, (int64_t)nu + t, pos++))
			return -1;
	/* trained tweets get compact node ids in id order */
	if (!(f->node = mrs_calloc(ds->n_tweets, sizeof(int32_t), "twhin", f->err)))
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		f->node[t] = -1;
	for (size_t i = 0; i < f->train.n; i++)
		if (f->train.rhs[i] >= nu)
			f->node[f->train.rhs[i] - nu] = 0;
	if (!(f->ids = mrs_calloc(ds->n_tweets, sizeof(uint32_t), "twhin", f->err)))
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		if (f->node[t] == 0) {
			f->node[t] = (int32_t)f->trained;
			f->ids[f->trained++] = t;
		}
	for (size_t i = 0; i < f->train.n; i++)
		if (f->train.rhs[i] >= nu)
			f->train.rhs[i] = nu + f->node[f->train.rhs[i] - nu];
	/* a held-out edge to a tweet without training edges cannot be ranked: drop it */
	size_t m = 0;
	for (size_t i = 0; i < f->held.n; i++) {
		int64_t r = f->held.rhs[i];
		if (r >= nu && f->node[r - nu] < 0)
			continue;
		f->held.lhs[m] = f->held.lhs[i];
		f->held.rel[m] = f->held.rel[i];
		f->held.rhs[m] = r >= nu ? nu + f->node[r - nu] : r;
		m++;
	}
	f->held.n = m;
	return 0;
}

typedef struct tw_metrics {
	double auc, mrr, hit10;
	uint32_t n;
} tw_metrics;

static float edge_score(const tw_fit *f, int64_t lhs, int32_t rel, int64_t rhs)
{
	const float *a = f->node_out + lhs * TW_DIM, *b = f->node_out + rhs * TW_DIM;
	const float *r = f->rel_out + (size_t)rel * TW_DIM;
	float s = 0;
	for (int k = 0; k < TW_DIM; k++)
		s += a[k] * (b[k] + r[k]);
	return s;
}

/* Each held-out edge against TW_EVAL_NEGATIVES corrupted right-hand sides, half drawn
 * uniformly from the nodes of the right kind (users for follows, trained tweets otherwise)
 * and half by degree (the right-hand node of a random training edge of the same relation),
 * as PyTorch-BigGraph evaluates with uniform and batch negatives: a model that learned only
 * popularity, or only similarity, fails one half. */
static int evaluate(const tw_fit *f, tw_metrics m[N_REL + 2])
{
	uint32_t nu = f->ds->n_users;
	mrs_rng r;
	mrs_rng_seed(&r, f->seed ^ 0xe7a1);
	memset(m, 0, sizeof(tw_metrics) * (N_REL + 2));
	/* training edges by relation, to draw right-hand sides by degree */
	size_t by_off[N_REL + 1] = {0};
	size_t *by = mrs_calloc(f->train.n, sizeof(size_t), "twhin evaluation", f->err);
	if (!by)
		return -1;
	for (size_t i = 0; i < f->train.n; i++)
		by_off[f->train.rel[i] + 1]++;
	for (int k = 0; k < N_REL; k++)
		by_off[k + 1] += by_off[k];
	size_t fill[N_REL];
	memcpy(fill, by_off, sizeof fill);
	for (size_t i = 0; i < f->train.n; i++)
		by[fill[f->train.rel[i]]++] = i;
	for (size_t i = 0; i < f->held.n; i++) {
		int64_t lhs = f->held.lhs[i], rhs = f->held.rhs[i];
		int32_t rel = f->held.rel[i];
		bool user_side = rhs < nu;
		size_t n_rel = by_off[rel + 1] - by_off[rel];
		if ((!user_side && f->trained < 2) || n_rel == 0)
			continue;
		float pos = edge_score(f, lhs, rel, rhs);
		double below = 0;
		uint32_t above = 0, drawn = 0, tries = 0;
		while (drawn < TW_EVAL_NEGATIVES && tries++ < 100 * TW_EVAL_NEGATIVES) {
			int64_t x;
			if (drawn % 2)
				x = f->train.rhs[by[by_off[rel] + mrs_rng_below(&r, (uint32_t)n_rel)]];
			else
				x = user_side ? (int64_t)mrs_rng_below(&r, nu)
					      : (int64_t)nu + mrs_rng_below(&r, f->trained);
			if (x == rhs || x == lhs)
				continue;
			float s = edge_score(f, lhs, rel, x);
			below += s < pos ? 1.0 : s == pos ? 0.5 : 0.0;
			above += s > pos;
			drawn++;
		}
		if (!drawn)
			continue;
		double auc = below / drawn, rr = 1.0 / (1 + above);
		for (int k = 0; k < 2; k++) {
			tw_metrics *x = &m[k ? N_REL : rel];
			x->auc += auc;
			x->mrr += rr;
			x->hit10 += above < 10;
			x->n++;
		}
	}
	for (int k = 0; k <= N_REL; k++)
		if (m[k].n) {
			m[k].auc /= m[k].n;
			m[k].mrr /= m[k].n;
			m[k].hit10 /= m[k].n;
		}
	/* the mean over relations: each kind of edge weighs the same */
	tw_metrics *rm = &m[N_REL + 1];
	for (int k = 0; k < N_REL; k++)
		if (m[k].n) {
			rm->auc += m[k].auc, rm->mrr += m[k].mrr, rm->hit10 += m[k].hit10;
			rm->n++;
		}
	if (rm->n) {
		rm->auc /= rm->n, rm->mrr /= rm->n, rm->hit10 /= rm->n;
		rm->n = m[N_REL].n;
	}
	free(by);
	return 0;
}

static cJSON *metrics_json(const tw_metrics *m)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "edges", m->n);
	cJSON_AddNumberToObject(o, "auc", m->n ? m->auc : NAN);
	cJSON_AddNumberToObject(o, "mrr", m->n ? m->mrr : NAN);
	cJSON_AddNumberToObject(o, "hit_at_10", m->n ? m->hit10 : NAN);
	return o;
}

/* Epochs for n training edges under the edge budget. */
static int tw_epochs(size_t n)
{
	size_t e = TW_EDGE_BUDGET / (n ? n : 1);
	return (int)MRS_MAX((size_t)TW_MIN_EPOCHS, MRS_MIN(e, (size_t)TW_EPOCHS));
}

static int tw_write(const tw_fit *f, const char *dir, const tw_metrics *m, const float *loss,
		    int epochs, double seconds, mrs_error *err)
{
	const mrs_dataset *ds = f->ds;
	uint32_t nu = ds->n_users;
	char path[4096], meta[512], fp[32];
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)ds->fingerprint);
	snprintf(meta, sizeof meta,
		 "{\"model\": \"twhin\", \"version\": %d, \"dim\": %d, \"n_users\": %u, "
		 "\"n_tweets\": %u, \"cut\": %lld, \"fingerprint\": \"%s\", \"relations\": "
		 "[\"follows\", \"likes\", \"retweets\", \"replies\", \"authored\"]}",
		 TW_FORMAT_VERSION, TW_DIM, nu, ds->n_tweets, (long long)f->cut, fp);
	/* users without a training edge keep a zero row: they score 0 */
	bool *has = mrs_calloc(nu, sizeof(bool), "twhin", err);
	if (!has)
		return -1;
	for (size_t i = 0; i < f->train.n; i++) {
		has[f->train.lhs[i]] = true;
		if (f->train.rhs[i] < nu)
			has[f->train.rhs[i]] = true;
	}
	for (uint32_t u = 0; u < nu; u++)
		if (!has[u])
			memset(f->node_out + (size_t)u * TW_DIM, 0, sizeof(float) * TW_DIM);
	free(has);
	mrs_artifact *a = mrs_artifact_new(meta, err);
	int rc = -1;
	if (!a || mrs_artifact_add(a, "users", MRS_ART_F32, f->node_out, (size_t)nu * TW_DIM, err) ||
	    mrs_artifact_add(a, "tweet_ids", MRS_ART_U32, f->ids, f->trained, err) ||
	    mrs_artifact_add(a, "tweets", MRS_ART_F32, f->node_out + (size_t)nu * TW_DIM,
			     (size_t)f->trained * TW_DIM, err) ||
	    mrs_artifact_add(a, "relations", MRS_ART_F32, f->rel_out, (size_t)N_REL * TW_DIM, err) ||
	    mrs_model_path(path, sizeof path, dir, "twhin", "pt", err) ||
	    mrs_artifact_save(a, path, err))
		goto out;
	cJSON *card = cJSON_CreateObject(), *edges = cJSON_CreateObject();
	cJSON *per = cJSON_CreateObject(), *losses = cJSON_CreateArray();
	if (!card || !edges || !per || !losses) {
		cJSON_Delete(card), cJSON_Delete(edges), cJSON_Delete(per), cJSON_Delete(losses);
		mrs_fail(err, MRS_ERR_NOMEM, "twhin: out of memory for the model card");
		goto out;
	}
	for (int r = 0; r < N_REL; r++) {
		cJSON_AddNumberToObject(edges, rel_names[r], f->counts[r]);
		if (m[r].n)
			cJSON_AddItemToObject(per, rel_names[r], metrics_json(&m[r]));
	}
	for (int i = 0; i < epochs; i++)
		cJSON_AddItemToArray(losses, cJSON_CreateNumber(loss[i]));
	cJSON_AddStringToObject(card, "model", "twhin");
	cJSON_AddNumberToObject(card, "format_version", TW_FORMAT_VERSION);
	cJSON_AddStringToObject(card, "data_fingerprint", fp);
	if (ds->path)
		cJSON_AddStringToObject(card, "dataset", ds->path);
	cJSON_AddNumberToObject(card, "cut", (double)f->cut);
	cJSON_AddNumberToObject(card, "seed", (double)f->seed);
	cJSON_AddNumberToObject(card, "dim", TW_DIM);
	cJSON_AddItemToObject(card, "edges", edges);
	cJSON_AddNumberToObject(card, "training_edges", (double)f->train.n);
	cJSON_AddNumberToObject(card, "edges_before_sampling", (double)f->available);
	cJSON_AddNumberToObject(card, "edge_keep_share", f->keep);
	cJSON_AddStringToObject(card, "sampling_rule",
				"above 8,000,000 edges before the cut, each edge that is not held "
				"out trains with probability 8,000,000 / edges (a hash of the seed "
				"and its position); tweets left without a training edge get no "
				"vector and are served as fresh tweets are (their engagers' mean, "
				"else their author's vector)");
	cJSON_AddNumberToObject(card, "trained_tweets", f->trained);
	cJSON_AddNumberToObject(card, "held_out_edges", (double)f->held.n);
	cJSON_AddNumberToObject(card, "negatives_per_held_out_edge", TW_EVAL_NEGATIVES);
	cJSON_AddNumberToObject(card, "auc", m[N_REL + 1].auc);
	cJSON_AddNumberToObject(card, "mrr", m[N_REL + 1].mrr);
	cJSON_AddNumberToObject(card, "hit_at_10", m[N_REL + 1].hit10);
	cJSON_AddStringToObject(card, "averaging", "auc, mrr and hit_at_10 are means over "
						   "relations; edge_mean weighs every held-out edge "
						   "the same (follows dominate it)");
	cJSON_AddItemToObject(card, "edge_mean", metrics_json(&m[N_REL]));
	cJSON_AddItemToObject(card, "by_relation", per);
	cJSON_AddNumberToObject(card, "epochs", epochs);
	cJSON_AddStringToObject(card, "epochs_rule",
				"20, or fewer on large graphs: at most 16,000,000 edge visits in "
				"all, and at least 4 epochs");
	cJSON_AddNumberToObject(card, "batch", TW_BATCH);
	cJSON_AddNumberToObject(card, "in_batch_negatives", TW_NEGATIVES);
	cJSON_AddNumberToObject(card, "lr", TW_LR);
	cJSON_AddItemToObject(card, "epoch_loss", losses);
	cJSON_AddNumberToObject(card, "seconds", seconds);
	rc = mrs_card_write(dir, "twhin", card, err);
	cJSON_Delete(card);
out:
	mrs_artifact_free(a);
	return rc;
}

int mrs_twhin_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
		  const mrs_progress *p, mrs_error *err)
{
	double start = mrs_seconds();
	tw_fit f = {.ds = ds, .cut = cut, .seed = seed, .p = p, .err = err};
	float loss[TW_EPOCHS] = {0};
	tw_metrics m[N_REL + 2];
	int rc = -1;
	if (mrs_progress_report(p, "twhin: edges", 0, 1, NULL)) {
		mrs_fail(err, MRS_ERR_CANCELLED, "twhin: cancelled");
		goto out;
	}
	if (collect_edges(&f))
		goto out;
	if (f.train.n == 0) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "twhin: no follows, engagements or tweets before the embedding cut");
		goto out;
	}
	int epochs = tw_epochs(f.train.n);
	int64_t n_nodes = (int64_t)ds->n_users + f.trained;
	f.node_out = mrs_calloc((size_t)n_nodes * TW_DIM, sizeof(float), "twhin table", err);
	f.rel_out = mrs_calloc((size_t)N_REL * TW_DIM, sizeof(float), "twhin relations", err);
	if (!f.node_out || !f.rel_out)
		goto out;
	mrs_torch_init(1);
	mrs_tprog tp;
	mrs_tprog_init(&tp, p, "twhin");
	mrs_tembed_train t = {
		.n_nodes = n_nodes, .n_rel = N_REL, .dim = TW_DIM,
		.lhs = f.train.lhs, .rhs = f.train.rhs, .rel = f.train.rel, .n_edges = (int64_t)f.train.n,
		.epochs = epochs, .batch = TW_BATCH, .negatives = TW_NEGATIVES, .lr = TW_LR,
		.seed = seed, .progress = mrs_tprog_fn, .ud = &tp, .epoch_loss = loss,
		.node_out = f.node_out, .rel_out = f.rel_out,
	};
	int trc = mrs_tembed_fit(&t);
	if (trc == MRS_T_CANCELLED) {
		mrs_fail(err, MRS_ERR_CANCELLED, "twhin: cancelled during training");
		goto out;
	}
	if (trc != MRS_T_OK) {
		mrs_fail(err, MRS_ERR_MODEL, "twhin: %s", mrs_torch_last_error());
		goto out;
	}
	if (evaluate(&f, m))
		goto out;
	rc = tw_write(&f, dir, m, loss, epochs, mrs_seconds() - start, err);
out:
	edges_free(&f.train), edges_free(&f.held);
	free(f.node), free(f.ids), free(f.node_out), free(f.rel_out);
	return rc;
}
