/* simclusters.c: SimClusters (Satuluri et al., KDD 2020): KnownFor communities found by
 * Metropolis-Hastings sampling on the producer similarity graph, InterestedIn from the
 * visible follows, tweet embeddings from their engagers, per-cluster retrieval indexes;
 * and the original educational version's hash mode for comparison.
 *
 * The bipartite graph is the follow graph, unless the dataset has tweets and none is by
 * one of the follow graph's producers (Last.fm's friends post nothing; a ratings log has
 * no follows): then it is the engagement graph, where a consumer "follows" the (original)
 * authors of the tweets they engaged with positively before the cut, once each. Below,
 * "follows" and "followers" mean the edges of whichever graph is in use; the model file
 * records which ("graph" in its meta; none: the follows), and InterestedIn reads the same.
 *
 * Fit (mrs_sc_fit), from the follows made before the cut:
 * - Producers are the accounts with at least SC_MIN_FOLLOWERS followers. Their similarity
 *   is the cosine of their follower sets; each producer keeps its SC_MAX_NEIGHBORS most
 *   similar producers at cosine >= SC_MIN_SIM, and the graph is made symmetric (max).
 *   A consumer following more than SC_MAX_CONSUMER_DEG accounts counts for an even sample
 *   of that many of them, which bounds the work by users x that bound squared.
 *   (8 followers and 20 neighbours were measured on six default-scale worlds against 5 and
 *   100: smaller follower sets and long neighbour lists add mostly chance similarity, and
 *   the mean NMI of InterestedIn against the hidden interests rose from 0.14 to 0.30.)
 * - The number of clusters is sc_choose_k(P) = max(7, round(sqrt(P) / 2)): about
 *   sqrt(P)/2 keeps clusters of ~2 sqrt(P) producers (P = 645 at the default scale gives
 *   13); never fewer than 7, the number of interest topics of the synthetic world, so no
 *   cluster is forced to hold two topics. It is an upper bound: the objective below lets
 *   clusters empty out, and empty ones are dropped (the default world keeps 9).
 * - Community detection maximises the paper's objective, each producer in exactly one
 *   community: sum over similar pairs in the same community of their similarity, minus
 *   alpha for every non-similar pair in the same community (the paper's reward for
 *   non-neighbours kept apart), alpha = the graph's mean similarity per pair. Sampling is
 *   the paper's neighbourhood-aware Metropolis-Hastings: initialise each cluster with a
 *   random producer and its neighbours (as Twitter's KnownFor update does), then for each
 *   producer in random order propose a neighbour's community (or, 1 time in 10, any
 *   community) and accept with probability min(1, exp(beta x gain)), beta growing each
 *   epoch (annealing); a few greedy epochs finish. KnownFor score: the share of the
 *   producer's similarity weight that lies inside its community (the heuristic score of
 *   the production job). Producers with no similar producer in their community are known
 *   for nothing.
 *
 * Serving (mrs_sc_open) as of the engine's now:
 * - InterestedIn(u) = sum over accounts u follows (before now) of their KnownFor (cluster
 *   weight = KnownFor score), truncated to the top SC_TOP clusters, L2-normalised; with the
 *   engagement graph, the sum is over the authors of u's latest SC_HASH_HISTORY positive
 *   engagements before now (an author counts once per engagement).
 * - A tweet's embedding = sum over its latest SC_ENGAGERS positive engagements before now
 *   (looking back at most SC_SCAN_BACK impressions) of 2^(-age/H) x the engager's
 *   InterestedIn, plus the (original) author's producer embedding (KnownFor, else their
 *   InterestedIn) weighted 2^(-tweet age/H), so a tweet without engagements has one.
 *   Truncated to SC_TOP clusters and L2-normalised.
 * - Scores are cosines of these. Everything is cached as of the engine's now; a score at
 *   an earlier time is recomputed from the behaviour before that time.
 *
 * Hash mode (MRS_SC_HASH): words hashed into SC_HASH_K clusters by FNV-1a (fixed and
 * unsalted, unlike the original's per-process string hash); a tweet's embedding is its own
 * words; a user's InterestedIn is the words of the latest SC_HASH_HISTORY tweets they wrote
 * and SC_HASH_HISTORY tweets they engaged with before now; a producer's embedding is the
 * words of their own tweets.
 */
#include <cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>

#include "models/models.h"

#define SC_MIN_FOLLOWERS 8
#define SC_MIN_SIM 0.02
#define SC_MAX_NEIGHBORS 20
#define SC_MAX_CONSUMER_DEG 1000
#define SC_MIN_K 7
#define SC_EPOCHS 40
#define SC_GREEDY_EPOCHS 10
#define SC_RANDOM_PROPOSAL 0.1
#define SC_BETA_FIRST 1.0 /* x 1 / mean similarity */
#define SC_BETA_LAST 30.0

#define SC_TOP 8
#define SC_HASH_K 16
#define SC_ENGAGERS 64
#define SC_SCAN_BACK 1024
/* the dataset's time scale (mrs_time_scale): engagements decay with its half-life H, the
 * per-cluster index holds the tweets of the last 2L (Twitter's: 24 h and 14 days) */
#define SC_HALFLIFE_S(ds) ((ds)->time_scale.halflife_hours * MRS_HOUR)
#define SC_PRIOR 1.0
#define SC_INDEX_HORIZON_S(ds) ((int64_t)(2.0 * (ds)->time_scale.age_limit_hours * MRS_HOUR))
#define SC_INDEX_PER_CLUSTER 1000
#define SC_PRODUCERS_PER_CLUSTER 200
#define SC_HASH_HISTORY 256

#define SC_FORMAT_VERSION 1

/* The bipartite graph KnownFor and InterestedIn come from (mrs_sc_fit says which). */
enum { SC_GRAPH_FOLLOWS = 0, SC_GRAPH_ENGAGEMENTS = 1 };
static const char *const sc_graph_names[] = {"follows", "engagements"};

/* A sparse cluster vector: at most SC_TOP (cluster, weight), strongest first. */
typedef struct sc_vec {
	uint8_t n;
	uint16_t c[SC_TOP];
	float w[SC_TOP];
} sc_vec;

struct mrs_sc {
	int mode;
	int graph;              /* real mode: InterestedIn from SC_GRAPH_FOLLOWS or _ENGAGEMENTS */
	uint32_t k;
	int64_t now;
	mrs_artifact *art;      /* real mode: KnownFor and the similarity graph live here */
	const int32_t *kf;      /* [n_users] cluster or -1 */
	const float *kf_score;  /* [n_users] */
	const uint32_t *sim_off, *sim_dst; /* [n_users + 1], [edges] */
	const float *sim_w;
	int64_t *last_change;   /* [n_users] latest time the user's InterestedIn inputs changed */
	sc_vec *user;           /* [n_users] InterestedIn as of now */
	sc_vec *prod;           /* [n_users] producer embedding (hash mode only) */
	sc_vec *tweet;          /* [n_tweets] embedding as of now (hash: own words) */
	float *pop;             /* [n_tweets] decayed engagement popularity as of now */
	uint32_t *ct_off;       /* [k + 1] per-cluster tweets */
	mrs_sc_entry *ct;
	uint32_t *cp_off;       /* [k + 1] per-cluster producers */
	mrs_sc_entry *cp;
	sc_vec popular;         /* clusters by audience */
	bool mapped;            /* every array lives in a snapshot (art is NULL) */
};

/* ------------------------------------------------------------------ sparse vectors */

/* A dense accumulator over the clusters that remembers which it touched. */
typedef struct sc_acc {
	double *w;
	uint32_t *touched;
	uint32_t n, k;
} sc_acc;

static int acc_init(sc_acc *a, uint32_t k, mrs_error *err)
{
	a->k = k;
	a->n = 0;
	a->w = mrs_calloc(k, sizeof(double), "cluster weights", err);
	a->touched = mrs_calloc(k, sizeof(uint32_t), "cluster weights", err);
	if (!a->w || !a->touched) {
		free(a->w), free(a->touched);
		return -1;
	}
	return 0;
}

static void acc_free(sc_acc *a)
{
	free(a->w), free(a->touched);
}

static void acc_add(sc_acc *a, uint32_t c, double w)
{
	if (w <= 0 || c >= a->k)
		return;
	if (a->w[c] == 0)
		a->touched[a->n++] = c;
	a->w[c] += w;
}

static void acc_add_vec(sc_acc *a, const sc_vec *v, double scale)
{
	for (int i = 0; i < v->n; i++)
		acc_add(a, v->c[i], scale * v->w[i]);
}

/* Keeps the top SC_TOP clusters (weight descending, cluster ascending), L2-normalises
 * them into out and empties the accumulator. */
static void acc_take(sc_acc *a, sc_vec *out)
{
	uint32_t c[SC_TOP];
	double w[SC_TOP];
	int n = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		uint32_t ci = a->touched[i];
		double wi = a->w[ci];
		a->w[ci] = 0;
		if (n == SC_TOP && !(wi > w[n - 1] || (wi == w[n - 1] && ci < c[n - 1])))
			continue;
		int j = n < SC_TOP ? n++ : n - 1;
		while (j > 0 && (w[j - 1] < wi || (w[j - 1] == wi && c[j - 1] > ci))) {
			c[j] = c[j - 1], w[j] = w[j - 1];
			j--;
		}
		c[j] = ci, w[j] = wi;
	}
	a->n = 0;
	double norm = 0;
	for (int i = 0; i < n; i++)
		norm += w[i] * w[i];
	norm = sqrt(norm);
	out->n = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		out->c[i] = (uint16_t)c[i];
		out->w[i] = (float)(w[i] / norm);
	}
}

static float vec_dot(const sc_vec *a, const sc_vec *b)
{
	float s = 0;
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (a->c[i] == b->c[j]) {
				s += a->w[i] * b->w[j];
				break;
			}
	return s;
}

/* ------------------------------------------------------------------ hash mode words */

/* The words of a text hashed into k clusters: lower-cased runs of letters and digits;
 * "RT", @handles and links are not words; '#' is dropped from hashtags. */
static void hash_words(const char *s, uint32_t k, sc_acc *acc)
{
	while (*s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		const char *tok = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		size_t len = (size_t)(s - tok);
		if (len == 0 || tok[0] == '@' || strncmp(tok, "http", 4) == 0 ||
		    (len == 2 && tok[0] == 'R' && tok[1] == 'T'))
			continue;
		char word[64];
		size_t n = 0;
		for (size_t i = 0; i < len && n < sizeof word; i++)
			if (isalnum((unsigned char)tok[i]))
				word[n++] = (char)tolower((unsigned char)tok[i]);
		if (n)
			acc_add(acc, (uint32_t)(mrs_fnv1a(MRS_FNV_START, word, n) % k), 1.0);
	}
}

/* ------------------------------------------------------------------ InterestedIn */

static bool user_cached(const struct mrs_sc *sc, uint32_t u, int64_t now)
{
	return now >= sc->now || sc->last_change[u] < now;
}

static void user_vec_real(const struct mrs_sc *sc, const mrs_dataset *ds, uint32_t u,
			  int64_t now, sc_acc *acc, sc_vec *out)
{
	if (sc->graph == SC_GRAPH_ENGAGEMENTS) { /* the authors of the latest engagements */
		uint32_t taken = 0;
		for (uint32_t i = mrs_uimp_end(ds, u, now);
		     i > ds->uimp_off[u] && taken < SC_HASH_HISTORY; i--) {
			uint32_t a = mrs_ds_original_author(ds, ds->imp_tweet[i - 1]);
			if (!(ds->imp_actions[i - 1] & MRS_POSITIVE_MASK) || a == u)
				continue;
			taken++;
			if (sc->kf[a] >= 0)
				acc_add(acc, (uint32_t)sc->kf[a], sc->kf_score[a]);
		}
		acc_take(acc, out);
		return;
	}
	for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
		uint32_t v = ds->fol_dst[e];
		if (ds->fol_time[e] < now && sc->kf[v] >= 0)
			acc_add(acc, (uint32_t)sc->kf[v], sc->kf_score[v]);
	}
	acc_take(acc, out);
}

static void user_vec_hash(const struct mrs_sc *sc, const mrs_dataset *ds, uint32_t u,
			  int64_t now, sc_acc *acc, sc_vec *out)
{
	uint32_t lo = ds->atw_off[u], hi = mrs_atw_end(ds, u, now);
	for (uint32_t i = hi > lo + SC_HASH_HISTORY ? hi - SC_HASH_HISTORY : lo; i < hi; i++)
		acc_add_vec(acc, &sc->tweet[ds->atw[i]], 1.0);
	uint32_t taken = 0;
	for (uint32_t i = mrs_uimp_end(ds, u, now); i > ds->uimp_off[u] && taken < SC_HASH_HISTORY;
	     i--)
		if (ds->imp_actions[i - 1] & MRS_POSITIVE_MASK) {
			acc_add_vec(acc, &sc->tweet[ds->imp_tweet[i - 1]], 1.0);
			taken++;
		}
	acc_take(acc, out);
}

static void user_vec_at(const struct mrs_sc *sc, const mrs_dataset *ds, uint32_t u,
			int64_t now, sc_acc *acc, sc_vec *out)
{
	if (sc->mode == MRS_SC_HASH)
		user_vec_hash(sc, ds, u, now, acc, out);
	else
		user_vec_real(sc, ds, u, now, acc, out);
}

/* InterestedIn at now: the cached vector when nothing it depends on changed since. */
static const sc_vec *user_vec(const struct mrs_sc *sc, const mrs_dataset *ds, uint32_t u,
			      int64_t now, sc_acc *acc, sc_vec *buf)
{
	if (user_cached(sc, u, now))
		return &sc->user[u];
	user_vec_at(sc, ds, u, now, acc, buf);
	return buf;
}

/* ------------------------------------------------------------------ tweet embeddings */

/* Real mode: engagers' InterestedIn, time-decayed, plus the author's producer embedding.
 * Weights are relative to the newest contribution (the normalised result does not depend
 * on the reference time, and nothing overflows). acc builds the tweet's vector, uacc any
 * InterestedIn that must be recomputed for an earlier time. *pop (may be NULL) gets the
 * popularity at now. */
static void tweet_vec_real(const struct mrs_sc *sc, const mrs_engine *e, uint32_t tw,
			   int64_t now, sc_acc *acc, sc_acc *uacc, sc_vec *out, float *pop)
{
	const mrs_dataset *ds = e->ds;
	/* the counters' contiguous copies find the end and the positive impressions, their
	 * viewers and times (models.h): nothing is read through ds->timp */
	uint32_t lo = ds->timp_off[tw], end = mrs_counts_timp_end(e, tw, now);
	uint32_t stop = end > lo + SC_SCAN_BACK ? end - SC_SCAN_BACK : lo;
	int64_t t_tweet = ds->tweet_time[tw], t_ref = t_tweet;
	double popularity = 0;
	sc_vec buf;
	uint32_t taken = 0;
	const uint32_t *who;
	const int64_t *when;
	uint32_t n = mrs_counts_timp_engagers(e, stop, end, &who, &when);
	for (uint32_t i = n; i > 0 && taken < SC_ENGAGERS; i--) {
		int64_t t = when[i - 1];
		if (taken++ == 0)
			t_ref = MRS_MAX(t, t_tweet);
		popularity += mrs_decay((double)(now - t), SC_HALFLIFE_S(ds));
		const sc_vec *uv = user_vec(sc, ds, who[i - 1], now, uacc, &buf);
		acc_add_vec(acc, uv, mrs_decay((double)(t_ref - t), SC_HALFLIFE_S(ds)));
	}
	uint32_t a = mrs_ds_original_author(ds, tw);
	double prior = SC_PRIOR * mrs_decay((double)(t_ref - t_tweet), SC_HALFLIFE_S(ds));
	popularity += SC_PRIOR * mrs_decay((double)(now - t_tweet), SC_HALFLIFE_S(ds));
	if (sc->kf[a] >= 0)
		acc_add(acc, (uint32_t)sc->kf[a], prior);
	else
		acc_add_vec(acc, user_vec(sc, ds, a, now, uacc, &buf), prior);
	acc_take(acc, out);
	if (pop)
		*pop = (float)popularity;
}

/* Popularity alone (hash mode, where the embedding is the tweet's words). */
static float tweet_popularity_at(const mrs_engine *e, uint32_t tw, int64_t now)
{
	const mrs_dataset *ds = e->ds;
	uint32_t lo = ds->timp_off[tw], end = mrs_counts_timp_end(e, tw, now);
	uint32_t stop = end > lo + SC_SCAN_BACK ? end - SC_SCAN_BACK : lo, taken = 0;
	double popularity =
		SC_PRIOR * mrs_decay((double)(now - ds->tweet_time[tw]), SC_HALFLIFE_S(ds));
	const int64_t *when;
	const uint32_t *who;
	uint32_t n = mrs_counts_timp_engagers(e, stop, end, &who, &when);
	for (uint32_t i = n; i > 0 && taken < SC_ENGAGERS; i--, taken++)
		popularity += mrs_decay((double)(now - when[i - 1]), SC_HALFLIFE_S(ds));
	return (float)popularity;
}

/* ------------------------------------------------------------------ quality measures */

/* Weighted modularity of labels on a symmetric CSR graph; unlabelled nodes (-1) count as
 * communities of their own. */
static double modularity(uint32_t n, const uint32_t *off, const uint32_t *dst, const float *w,
			 const int32_t *label, uint32_t k)
{
	double two_m = 0;
	for (uint32_t e = 0; e < off[n]; e++)
		two_m += w[e];
	if (two_m <= 0)
		return 0;
	double *deg = calloc((size_t)k + 1, sizeof(double)), *in = calloc((size_t)k + 1, sizeof(double));
	if (!deg || !in) {
		free(deg), free(in);
		return NAN;
	}
	double q = 0;
	for (uint32_t i = 0; i < n; i++) {
		double d = 0, inside = 0;
		for (uint32_t e = off[i]; e < off[i + 1]; e++) {
			d += w[e];
			if (label[i] >= 0 && label[dst[e]] == label[i])
				inside += w[e];
		}
		if (label[i] < 0) {
			q -= (d / two_m) * (d / two_m);
			continue;
		}
		deg[label[i]] += d;
		in[label[i]] += inside;
	}
	for (uint32_t c = 0; c < k; c++)
		q += in[c] / two_m - (deg[c] / two_m) * (deg[c] / two_m);
	free(deg), free(in);
	return q;
}

/* NMI = 2 I(X;Y) / (H(X) + H(Y)) of two labelings of n items (x < nx, y < ny). */
static double nmi(const uint32_t *x, const uint32_t *y, uint32_t n, uint32_t nx, uint32_t ny)
{
	double *joint = calloc((size_t)nx * ny, sizeof(double));
	double *px = calloc(nx, sizeof(double)), *py = calloc(ny, sizeof(double));
	double result = NAN;
	if (!joint || !px || !py || n == 0)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		joint[(size_t)x[i] * ny + y[i]] += 1.0 / n;
		px[x[i]] += 1.0 / n;
		py[y[i]] += 1.0 / n;
	}
	double hx = 0, hy = 0, mi = 0;
	for (uint32_t a = 0; a < nx; a++)
		if (px[a] > 0)
			hx -= px[a] * log(px[a]);
	for (uint32_t b = 0; b < ny; b++)
		if (py[b] > 0)
			hy -= py[b] * log(py[b]);
	for (uint32_t a = 0; a < nx; a++)
		for (uint32_t b = 0; b < ny; b++) {
			double p = joint[(size_t)a * ny + b];
			if (p > 0)
				mi += p * log(p / (px[a] * py[b]));
		}
	result = hx + hy > 0 ? 2 * mi / (hx + hy) : 0;
out:
	free(joint), free(px), free(py);
	return result;
}

/* ------------------------------------------------------------------ fit: similarity graph */

typedef struct sc_graph {
	uint32_t n;
	uint32_t *off, *dst;
	float *w;
} sc_graph;

static void graph_free(sc_graph *g)
{
	free(g->off), free(g->dst), free(g->w);
}

typedef struct sc_edge {
	uint32_t a, b;
	float w;
} sc_edge;

static int cmp_edge_ab(const void *x, const void *y)
{
	const sc_edge *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

static int cmp_edge_w(const void *x, const void *y)
{
	const sc_edge *p = x, *q = y;
	if (p->w != q->w)
		return p->w > q->w ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

typedef struct sc_fit {
	const mrs_dataset *ds;
	int64_t cut;
	const mrs_progress *prog;
	mrs_error *err;
	int graph;       /* SC_GRAPH_FOLLOWS or SC_GRAPH_ENGAGEMENTS */
	/* the bipartite graph before the cut, both ways: the accounts each consumer follows
	 * (or engaged with), in follow order (ascending ids), and each account's consumers,
	 * ascending */
	uint32_t *c_off, *c_dst; /* [n_users + 1], [edges] */
	uint32_t *a_off, *a_src; /* [n_users + 1], [edges] */
	uint32_t *fc;    /* [n_users] followers (engagers) before the cut */
	uint32_t *vdeg;  /* [n_users] followees (engaged accounts) before the cut */
	uint32_t *pidx;  /* [n_users] producer index or MRS_NONE */
	uint32_t *pusr;  /* [P] user of each producer */
	uint32_t np;
} sc_fit;

static int fit_cancelled(sc_fit *f, const char *phase, double done, double total)
{
	if (mrs_progress_report(f->prog, phase, done, total, NULL))
		return mrs_fail(f->err, MRS_ERR_CANCELLED, "simclusters: cancelled during %s", phase);
	return 0;
}

static void bipartite_free(sc_fit *f)
{
	free(f->c_off), free(f->c_dst), free(f->a_off), free(f->a_src);
	f->c_off = f->c_dst = f->a_off = f->a_src = NULL;
}

/* The bipartite graph from the accounts of each consumer (acct[c_off[u] .. c_off[u+1]),
 * which it takes): the reverse lists and both degrees. */
static int bipartite_finish(sc_fit *f, uint32_t *c_off, uint32_t *acct)
{
	uint32_t nu = f->ds->n_users, n = c_off[nu];
	f->c_off = c_off, f->c_dst = acct;
	f->a_off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "simclusters", f->err);
	f->a_src = mrs_calloc(MRS_MAX(n, 1u), sizeof(uint32_t), "simclusters", f->err);
	if (!f->a_off || !f->a_src)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		f->a_off[acct[i] + 1]++;
	for (uint32_t u = 0; u < nu; u++)
		f->a_off[u + 1] += f->a_off[u];
	memset(f->fc, 0, nu * sizeof(uint32_t));
	for (uint32_t u = 0; u < nu; u++) {
		f->vdeg[u] = c_off[u + 1] - c_off[u];
		for (uint32_t e = c_off[u]; e < c_off[u + 1]; e++)
			f->a_src[f->a_off[acct[e]] + f->fc[acct[e]]++] = u; /* consumers ascending */
	}
	return 0;
}

/* The follow graph before the cut (each consumer's followees in follow order). */
static int bipartite_follows(sc_fit *f)
{
	const mrs_dataset *ds = f->ds;
	uint32_t nu = ds->n_users;
	uint32_t *off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "simclusters", f->err);
	uint32_t *acct = mrs_calloc(MRS_MAX(ds->n_follows, 1u), sizeof(uint32_t), "simclusters",
				    f->err);
	if (!off || !acct) {
		free(off), free(acct);
		return -1;
	}
	for (uint32_t u = 0; u < nu; u++) {
		off[u + 1] = off[u];
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++)
			if (ds->fol_time[e] < f->cut)
				acct[off[u + 1]++] = ds->fol_dst[e];
	}
	f->graph = SC_GRAPH_FOLLOWS;
	return bipartite_finish(f, off, acct);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The engagement graph before the cut: each consumer "follows" the (original) authors of
 * the tweets they engaged with positively, once each, ascending. */
static int bipartite_engagements(sc_fit *f)
{
	const mrs_dataset *ds = f->ds;
	uint32_t nu = ds->n_users;
	uint32_t *off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "simclusters", f->err);
	uint32_t *acct = mrs_calloc(MRS_MAX(ds->n_impressions, 1u), sizeof(uint32_t),
				    "simclusters", f->err);
	if (!off || !acct) {
		free(off), free(acct);
		return -1;
	}
	for (uint32_t u = 0; u < nu; u++) {
		uint32_t *mine = acct + off[u], n = 0;
		for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++) {
			uint32_t a = mrs_ds_original_author(ds, ds->imp_tweet[i]);
			if (ds->imp_time[i] < f->cut && (ds->imp_actions[i] & MRS_POSITIVE_MASK) &&
			    a != u)
				mine[n++] = a;
		}
		if (n > 1)
			qsort(mine, n, sizeof *mine, cmp_u32);
		uint32_t m = 0;
		for (uint32_t i = 0; i < n; i++)
			if (!m || mine[i] != mine[m - 1])
				mine[m++] = mine[i];
		off[u + 1] = off[u] + m;
	}
	f->graph = SC_GRAPH_ENGAGEMENTS;
	return bipartite_finish(f, off, acct);
}

/* The follow graph, unless the dataset has tweets and none of them is by one of its
 * producers (Last.fm's friends post nothing; a ratings log has no follows): then the
 * engagement graph. (Who posts is content, visible whatever its time, as tweets are.) */
static int bipartite_build(sc_fit *f)
{
	const mrs_dataset *ds = f->ds;
	if (bipartite_follows(f))
		return -1;
	if (!ds->n_tweets)
		return 0;
	for (uint32_t u = 0; u < ds->n_users; u++)
		if (f->fc[u] >= SC_MIN_FOLLOWERS && ds->atw_off[u + 1] > ds->atw_off[u])
			return 0;
	bipartite_free(f);
	return bipartite_engagements(f);
}

/* Cosine similarity of follower sets between producers, top neighbours each, symmetric. */
static int build_similarity(sc_fit *f, sc_graph *g)
{
	uint32_t np = f->np;
	int rc = -1;
	float *cnt = mrs_calloc(np, sizeof(float), "similarity", f->err);
	uint32_t *touched = mrs_calloc(np, sizeof(uint32_t), "similarity", f->err);
	sc_edge *near = mrs_calloc(np, sizeof(sc_edge), "similarity", f->err);
	sc_edge *edges = NULL;
	size_t n_edges = 0, cap = 0;
	if (!cnt || !touched || !near)
		goto out;
	for (uint32_t i = 0; i < np; i++) {
		uint32_t p = f->pusr[i], nt = 0;
		for (uint32_t k = f->a_off[p]; k < f->a_off[p + 1]; k++) {
			uint32_t u = f->a_src[k];
			/* an even sample of a consumer's followees past the bound */
			uint32_t stride =
				MRS_MAX(1u, (f->vdeg[u] + SC_MAX_CONSUMER_DEG - 1) / SC_MAX_CONSUMER_DEG);
			uint32_t j = 0;
			for (uint32_t e = f->c_off[u]; e < f->c_off[u + 1]; e++) {
				if (j++ % stride)
					continue;
				uint32_t q = f->pidx[f->c_dst[e]];
				if (q == MRS_NONE || q == i)
					continue;
				if (cnt[q] == 0)
					touched[nt++] = q;
				cnt[q] += 1;
			}
		}
		uint32_t nn = 0;
		for (uint32_t t = 0; t < nt; t++) {
			uint32_t q = touched[t];
			double cos = cnt[q] / sqrt((double)f->fc[p] * f->fc[f->pusr[q]]);
			cnt[q] = 0;
			if (cos >= SC_MIN_SIM)
				near[nn++] = (sc_edge){i, q, (float)cos};
		}
		qsort(near, nn, sizeof *near, cmp_edge_w);
		nn = MRS_MIN(nn, SC_MAX_NEIGHBORS);
		if (mrs_grow((void **)&edges, &cap, n_edges + 2 * (size_t)nn, sizeof *edges,
			     "similarity", f->err))
			goto out;
		for (uint32_t t = 0; t < nn; t++) {
			edges[n_edges++] = near[t];
			edges[n_edges++] = (sc_edge){near[t].b, near[t].a, near[t].w};
		}
		if ((i & 0xff) == 0 && fit_cancelled(f, "simclusters: similarity", i, np))
			goto out;
	}
	/* symmetric: both directions of every kept pair, duplicates merged */
	if (n_edges)
		qsort(edges, n_edges, sizeof *edges, cmp_edge_ab);
	size_t m = 0;
	for (size_t i = 0; i < n_edges; i++) {
		if (m && edges[m - 1].a == edges[i].a && edges[m - 1].b == edges[i].b) {
			edges[m - 1].w = MRS_MAX(edges[m - 1].w, edges[i].w);
			continue;
		}
		edges[m++] = edges[i];
	}
	g->n = np;
	g->off = mrs_calloc((size_t)np + 1, sizeof(uint32_t), "similarity", f->err);
	g->dst = mrs_calloc(m, sizeof(uint32_t), "similarity", f->err);
	g->w = mrs_calloc(m, sizeof(float), "similarity", f->err);
	if (!g->off || !g->dst || !g->w)
		goto out;
	for (size_t i = 0; i < m; i++) {
		g->off[edges[i].a + 1]++;
		g->dst[i] = edges[i].b;
		g->w[i] = edges[i].w;
	}
	for (uint32_t i = 0; i < np; i++)
		g->off[i + 1] += g->off[i];
	rc = 0;
out:
	free(cnt), free(touched), free(near), free(edges);
	return rc;
}

/* ------------------------------------------------------------------ fit: communities */

static uint32_t sc_choose_k(uint32_t producers)
{
	if (producers < 2)
		return 0;
	uint32_t k = (uint32_t)lround(sqrt((double)producers) / 2.0);
	return MRS_MIN(MRS_MAX(k, (uint32_t)SC_MIN_K), producers);
}

static void shuffle(uint32_t *a, uint32_t n, mrs_rng *r)
{
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = mrs_rng_below(r, i), x = a[i - 1];
		a[i - 1] = a[j], a[j] = x;
	}
}

typedef struct mh_state {
	const sc_graph *g;
	int32_t *z;
	uint32_t *size;
	uint32_t k;
	double alpha;
} mh_state;

/* The objective's part that depends on vertex i being in community c. */
static double mh_gain(const mh_state *s, uint32_t i, int32_t c, double w_in, uint32_t n_in)
{
	double others = (double)s->size[c] - (s->z[i] == c) - n_in; /* non-neighbours in c */
	return w_in - s->alpha * others;
}

static void mh_move(mh_state *s, uint32_t i, int32_t c)
{
	s->size[s->z[i]]--;
	s->size[c]++;
	s->z[i] = c;
}

/* Neighbourhood-aware Metropolis-Hastings over single-community assignments, then greedy
 * epochs. z gets a community in [0, k) for every vertex. */
static int mh_communities(const sc_graph *g, uint32_t k, uint64_t seed, int32_t *z,
			  double *alpha_out, sc_fit *f)
{
	uint32_t n = g->n;
	int rc = -1;
	mrs_rng r;
	mrs_rng_seed(&r, seed ^ 0x5c1u);
	uint32_t *perm = mrs_calloc(n, sizeof(uint32_t), "clustering", f->err);
	uint32_t *size = mrs_calloc(k, sizeof(uint32_t), "clustering", f->err);
	double *wc = mrs_calloc(k, sizeof(double), "clustering", f->err);
	uint32_t *nc = mrs_calloc(k, sizeof(uint32_t), "clustering", f->err);
	uint32_t *touched = mrs_calloc(k, sizeof(uint32_t), "clustering", f->err);
	if (!perm || !size || !wc || !nc || !touched)
		goto out;
	double total = 0;
	for (uint32_t e = 0; e < g->off[n]; e++)
		total += g->w[e];
	double mean_w = g->off[n] ? total / g->off[n] : 1.0;
	mh_state s = {g, z, size, k, n > 1 ? total / ((double)n * (n - 1)) : 0};
	*alpha_out = s.alpha;

	for (uint32_t i = 0; i < n; i++) {
		perm[i] = i;
		z[i] = -1;
	}
	shuffle(perm, n, &r);
	/* each cluster starts as a random producer and its neighbours */
	uint32_t c = 0;
	for (uint32_t t = 0; t < n && c < k; t++) {
		uint32_t i = perm[t];
		if (z[i] >= 0)
			continue;
		z[i] = (int32_t)c;
		for (uint32_t e = g->off[i]; e < g->off[i + 1]; e++)
			if (z[g->dst[e]] < 0)
				z[g->dst[e]] = (int32_t)c;
		c++;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (z[i] < 0)
			z[i] = (int32_t)mrs_rng_below(&r, k);
		size[z[i]]++;
	}

	for (int epoch = 0; epoch < SC_EPOCHS; epoch++) {
		double beta = SC_BETA_FIRST *
			      pow(SC_BETA_LAST / SC_BETA_FIRST, (double)epoch / (SC_EPOCHS - 1)) / mean_w;
		shuffle(perm, n, &r);
		for (uint32_t t = 0; t < n; t++) {
			uint32_t i = perm[t], deg = g->off[i + 1] - g->off[i];
			int32_t old = z[i], prop;
			if (deg && mrs_rng_uniform(&r) >= SC_RANDOM_PROPOSAL)
				prop = z[g->dst[g->off[i] + mrs_rng_below(&r, deg)]];
			else
				prop = (int32_t)mrs_rng_below(&r, k);
			if (prop == old)
				continue;
			double w_old = 0, w_new = 0;
			uint32_t n_old = 0, n_new = 0;
			for (uint32_t e = g->off[i]; e < g->off[i + 1]; e++) {
				int32_t cj = z[g->dst[e]];
				if (cj == old)
					w_old += g->w[e], n_old++;
				else if (cj == prop)
					w_new += g->w[e], n_new++;
			}
			double delta = mh_gain(&s, i, prop, w_new, n_new) - mh_gain(&s, i, old, w_old, n_old);
			if (delta >= 0 || mrs_rng_uniform(&r) < exp(beta * delta))
				mh_move(&s, i, prop);
		}
		if (fit_cancelled(f, "simclusters: clustering", epoch + 1, SC_EPOCHS + SC_GREEDY_EPOCHS))
			goto out;
	}
	for (int epoch = 0; epoch < SC_GREEDY_EPOCHS; epoch++) {
		uint32_t moves = 0;
		for (uint32_t t = 0; t < n; t++) {
			uint32_t i = perm[t], nt = 0;
			for (uint32_t e = g->off[i]; e < g->off[i + 1]; e++) {
				int32_t cj = z[g->dst[e]];
				if (nc[cj]++ == 0)
					touched[nt++] = (uint32_t)cj;
				wc[cj] += g->w[e];
			}
			int32_t best = z[i];
			double best_gain = mh_gain(&s, i, best, wc[best], nc[best]);
			for (uint32_t q = 0; q < nt; q++) {
				int32_t cq = (int32_t)touched[q];
				double gq = mh_gain(&s, i, cq, wc[cq], nc[cq]);
				if (cq != z[i] && gq > best_gain + 1e-12) {
					best = cq;
					best_gain = gq;
				}
			}
			for (uint32_t q = 0; q < nt; q++)
				wc[touched[q]] = 0, nc[touched[q]] = 0;
			if (best != z[i]) {
				mh_move(&s, i, best);
				moves++;
			}
		}
		if (fit_cancelled(f, "simclusters: clustering", SC_EPOCHS + epoch + 1,
				  SC_EPOCHS + SC_GREEDY_EPOCHS))
			goto out;
		if (!moves)
			break;
	}
	rc = 0;
out:
	free(perm), free(size), free(wc), free(nc), free(touched);
	return rc;
}

/* ------------------------------------------------------------------ fit */

typedef struct sc_model {
	uint32_t k;            /* non-empty clusters, numbered by size, largest first */
	int32_t *kf;           /* [n_users] */
	float *kf_score;       /* [n_users] */
	uint32_t *sizes;       /* [k] */
	uint32_t *off, *dst;   /* similarity graph by user id */
	float *w;
	double modularity, alpha;
	uint32_t known;        /* producers known for a cluster */
} sc_model;

static void model_free(sc_model *m)
{
	free(m->kf), free(m->kf_score), free(m->sizes), free(m->off), free(m->dst), free(m->w);
}

static int cmp_size_desc(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b; /* (size, old id) */
	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* KnownFor from communities: scores, producers with no similar producer inside their
 * community dropped, clusters renumbered by size; the graph re-keyed by user id. */
static int model_from_communities(sc_fit *f, const sc_graph *g, int32_t *z, uint32_t k,
				  sc_model *m)
{
	uint32_t nu = f->ds->n_users, np = g->n;
	float *score = mrs_calloc(np, sizeof(float), "known for", f->err);
	uint32_t *order = mrs_calloc(2 * (size_t)k, sizeof(uint32_t), "known for", f->err);
	uint32_t *rename = mrs_calloc(k, sizeof(uint32_t), "known for", f->err);
	m->kf = mrs_calloc(nu, sizeof(int32_t), "known for", f->err);
	m->kf_score = mrs_calloc(nu, sizeof(float), "known for", f->err);
	m->off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "known for", f->err);
	m->dst = mrs_calloc(g->off[np], sizeof(uint32_t), "known for", f->err);
	m->w = mrs_calloc(g->off[np], sizeof(float), "known for", f->err);
	int rc = -1;
	if (!score || !order || !rename || !m->kf || !m->kf_score || !m->off || !m->dst || !m->w)
		goto out;
	for (uint32_t i = 0; i < np; i++) {
		double in = 0, all = 0;
		for (uint32_t e = g->off[i]; e < g->off[i + 1]; e++) {
			all += g->w[e];
			if (z[g->dst[e]] == z[i])
				in += g->w[e];
		}
		score[i] = all > 0 ? (float)(in / all) : 0;
	}
	for (uint32_t i = 0; i < np; i++)
		if (score[i] <= 0)
			z[i] = -1;
	for (uint32_t c = 0; c < k; c++)
		order[2 * c] = 0, order[2 * c + 1] = c;
	for (uint32_t i = 0; i < np; i++)
		if (z[i] >= 0)
			order[2 * z[i]]++;
	qsort(order, k, 2 * sizeof(uint32_t), cmp_size_desc);
	m->k = 0;
	for (uint32_t c = 0; c < k; c++)
		if (order[2 * c])
			m->k++;
	if (!(m->sizes = mrs_calloc(m->k, sizeof(uint32_t), "known for", f->err)))
		goto out;
	for (uint32_t c = 0; c < m->k; c++) {
		rename[order[2 * c + 1]] = c;
		m->sizes[c] = order[2 * c];
	}
	for (uint32_t u = 0; u < nu; u++)
		m->kf[u] = -1;
	m->known = 0;
	for (uint32_t i = 0; i < np; i++) {
		if (z[i] < 0)
			continue;
		m->kf[f->pusr[i]] = (int32_t)rename[z[i]];
		m->kf_score[f->pusr[i]] = score[i];
		m->known++;
	}
	/* the similarity graph by user id: producers' rows in user order */
	for (uint32_t i = 0; i < np; i++)
		m->off[f->pusr[i] + 1] = g->off[i + 1] - g->off[i];
	for (uint32_t u = 0; u < nu; u++)
		m->off[u + 1] += m->off[u];
	for (uint32_t i = 0; i < np; i++) {
		uint32_t at = m->off[f->pusr[i]];
		for (uint32_t e = g->off[i]; e < g->off[i + 1]; e++, at++) {
			m->dst[at] = f->pusr[g->dst[e]];
			m->w[at] = g->w[e];
		}
	}
	m->modularity = modularity(nu, m->off, m->dst, m->w, m->kf, m->k);
	rc = 0;
out:
	free(score), free(order), free(rename);
	return rc;
}

static char *sc_meta_json(const mrs_dataset *ds, int64_t cut, uint32_t k, int graph)
{
	char buf[512];
	snprintf(buf, sizeof buf,
		 "{\"model\": \"simclusters\", \"version\": %d, \"k\": %u, \"n_users\": %u, "
		 "\"cut\": %lld, \"fingerprint\": \"%016llx\", \"graph\": \"%s\"}",
		 SC_FORMAT_VERSION, k, ds->n_users, (long long)cut,
		 (unsigned long long)ds->fingerprint, sc_graph_names[graph]);
	return mrs_strdup(buf, NULL);
}

static int sc_write(const sc_fit *f, const sc_model *m, const char *dir, uint64_t seed,
		    uint32_t k_max, uint32_t sim_edges, double seconds, mrs_error *err)
{
	const mrs_dataset *ds = f->ds;
	uint32_t nu = ds->n_users;
	char path[4096];
	char *meta = sc_meta_json(ds, f->cut, m->k, f->graph);
	if (!meta)
		return mrs_fail(err, MRS_ERR_NOMEM, "simclusters: out of memory");
	mrs_artifact *a = mrs_artifact_new(meta, err);
	free(meta);
	int rc = -1;
	if (!a || mrs_artifact_add(a, "known_for", MRS_ART_I32, m->kf, nu, err) ||
	    mrs_artifact_add(a, "known_for_score", MRS_ART_F32, m->kf_score, nu, err) ||
	    mrs_artifact_add(a, "sim_off", MRS_ART_U32, m->off, (size_t)nu + 1, err) ||
	    mrs_artifact_add(a, "sim_dst", MRS_ART_U32, m->dst, m->off[nu], err) ||
	    mrs_artifact_add(a, "sim_w", MRS_ART_F32, m->w, m->off[nu], err) ||
	    mrs_model_path(path, sizeof path, dir, "simclusters", "pt", err) ||
	    mrs_artifact_save(a, path, err))
		goto out;
	char fp[32];
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)ds->fingerprint);
	cJSON *card = cJSON_CreateObject(), *sizes = cJSON_CreateArray(), *params = cJSON_CreateObject();
	if (!card || !sizes || !params) {
		cJSON_Delete(card), cJSON_Delete(sizes), cJSON_Delete(params);
		mrs_fail(err, MRS_ERR_NOMEM, "simclusters: out of memory for the model card");
		goto out;
	}
	for (uint32_t c = 0; c < m->k; c++)
		cJSON_AddItemToArray(sizes, cJSON_CreateNumber(m->sizes[c]));
	cJSON_AddStringToObject(card, "model", "simclusters");
	cJSON_AddNumberToObject(card, "format_version", SC_FORMAT_VERSION);
	cJSON_AddStringToObject(card, "data_fingerprint", fp);
	if (ds->path)
		cJSON_AddStringToObject(card, "dataset", ds->path);
	cJSON_AddNumberToObject(card, "users", nu);
	cJSON_AddNumberToObject(card, "cut", (double)f->cut);
	cJSON_AddNumberToObject(card, "seed", (double)seed);
	cJSON_AddStringToObject(card, "graph",
				f->graph == SC_GRAPH_FOLLOWS
					? "follows: producers are accounts with enough followers"
					: "engagements: none of the follow graph's producers posts, so "
					  "consumers 'follow' the authors they engaged with and "
					  "producers are authors with enough engagers");
	cJSON_AddNumberToObject(card, "producers", f->np);
	cJSON_AddNumberToObject(card, "similarity_edges", sim_edges);
	cJSON_AddNumberToObject(card, "k_max", k_max);
	cJSON_AddNumberToObject(card, "clusters", m->k);
	cJSON_AddNumberToObject(card, "known_for_producers", m->known);
	cJSON_AddNumberToObject(card, "modularity", m->modularity);
	cJSON_AddItemToObject(card, "cluster_sizes", sizes);
	cJSON_AddNumberToObject(params, "min_followers", SC_MIN_FOLLOWERS);
	cJSON_AddNumberToObject(params, "min_similarity", SC_MIN_SIM);
	cJSON_AddNumberToObject(params, "max_neighbors", SC_MAX_NEIGHBORS);
	cJSON_AddNumberToObject(params, "max_consumer_followees", SC_MAX_CONSUMER_DEG);
	cJSON_AddNumberToObject(params, "alpha", m->alpha);
	cJSON_AddNumberToObject(params, "mh_epochs", SC_EPOCHS);
	cJSON_AddNumberToObject(params, "greedy_epochs", SC_GREEDY_EPOCHS);
	cJSON_AddStringToObject(params, "k_rule", "max(7, round(sqrt(producers) / 2))");
	cJSON_AddItemToObject(card, "params", params);
	cJSON_AddNumberToObject(card, "seconds", seconds);
	rc = mrs_card_write(dir, "simclusters", card, err);
	cJSON_Delete(card);
out:
	mrs_artifact_free(a);
	return rc;
}

int mrs_sc_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
	       const mrs_progress *p, mrs_error *err)
{
	double t0 = mrs_seconds();
	uint32_t nu = ds->n_users;
	sc_fit f = {.ds = ds, .cut = cut, .prog = p, .err = err};
	sc_graph g = {0};
	sc_model m = {0};
	int32_t *z = NULL;
	int rc = -1;
	f.fc = mrs_calloc(nu, sizeof(uint32_t), "simclusters", err);
	f.vdeg = mrs_calloc(nu, sizeof(uint32_t), "simclusters", err);
	f.pidx = mrs_calloc(nu, sizeof(uint32_t), "simclusters", err);
	f.pusr = mrs_calloc(nu, sizeof(uint32_t), "simclusters", err);
	if (!f.fc || !f.vdeg || !f.pidx || !f.pusr)
		goto out;
	if (fit_cancelled(&f, "simclusters: producers", 0, 1) || bipartite_build(&f))
		goto out;
	for (uint32_t u = 0; u < nu; u++) {
		f.pidx[u] = MRS_NONE;
		if (f.fc[u] >= SC_MIN_FOLLOWERS) {
			f.pidx[u] = f.np;
			f.pusr[f.np++] = u;
		}
	}
	if (!f.np) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "simclusters: no account has %d followers or engagers before the embedding "
			 "cut",
			 SC_MIN_FOLLOWERS);
		goto out;
	}
	if (build_similarity(&f, &g))
		goto out;
	uint32_t k = sc_choose_k(f.np);
	if (!(z = mrs_calloc(MRS_MAX(f.np, 1u), sizeof(int32_t), "simclusters", err)))
		goto out;
	if (k && mh_communities(&g, k, seed, z, &m.alpha, &f))
		goto out;
	if (model_from_communities(&f, &g, z, k, &m))
		goto out;
	/* a model of no cluster places nobody: the engine would refuse it, and the heavy
	 * ranker with it */
	if (!m.k) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "simclusters: the %u accounts with %d followers or engagers before the "
			 "embedding cut form no community",
			 f.np, SC_MIN_FOLLOWERS);
		goto out;
	}
	rc = sc_write(&f, &m, dir, seed, k, g.off[g.n] / 2, mrs_seconds() - t0, err);
out:
	free(f.fc), free(f.vdeg), free(f.pidx), free(f.pusr), free(z);
	bipartite_free(&f);
	graph_free(&g);
	model_free(&m);
	return rc;
}

/* ------------------------------------------------------------------ open */

/* Loads KnownFor from DIR/simclusters.pt into sc; on any problem writes why and returns -1
 * (the caller falls back to the hash mode). */
static int sc_load(struct mrs_sc *sc, const mrs_engine *e, char *path, size_t path_size,
		   char *why, size_t why_size)
{
	const mrs_dataset *ds = e->ds;
	uint32_t nu = ds->n_users;
	mrs_error lerr = {0};
	if (mrs_model_refused(e, MRS_MODEL_SIMCLUSTERS, why, why_size))
		return -1;
	if (mrs_model_path(path, path_size, e->models_dir, "simclusters", "pt", &lerr) ||
	    !(sc->art = mrs_artifact_load(path, &lerr))) {
		snprintf(why, why_size, "%s", lerr.msg);
		return -1;
	}
	cJSON *meta = cJSON_Parse(mrs_artifact_meta(sc->art));
	long long k = mrs_card_int(meta, "k"), n_users = mrs_card_int(meta, "n_users");
	long long version = mrs_card_int(meta, "version");
	/* models from before the engagement graph have no "graph": theirs is the follows */
	const cJSON *graph = cJSON_GetObjectItemCaseSensitive(meta, "graph");
	sc->graph = SC_GRAPH_FOLLOWS;
	bool bad_graph = false;
	if (cJSON_IsString(graph) && strcmp(graph->valuestring, "engagements") == 0)
		sc->graph = SC_GRAPH_ENGAGEMENTS;
	else if (graph && !(cJSON_IsString(graph) && strcmp(graph->valuestring, "follows") == 0))
		bad_graph = true;
	cJSON_Delete(meta);
	size_t n_kf = 0, n_score = 0, n_off = 0, n_dst = 0, n_w = 0;
	sc->kf = mrs_artifact_get(sc->art, "known_for", MRS_ART_I32, &n_kf, &lerr);
	sc->kf_score = sc->kf ? mrs_artifact_get(sc->art, "known_for_score", MRS_ART_F32, &n_score, &lerr) : NULL;
	sc->sim_off = sc->kf_score ? mrs_artifact_get(sc->art, "sim_off", MRS_ART_U32, &n_off, &lerr) : NULL;
	sc->sim_dst = sc->sim_off ? mrs_artifact_get(sc->art, "sim_dst", MRS_ART_U32, &n_dst, &lerr) : NULL;
	sc->sim_w = sc->sim_dst ? mrs_artifact_get(sc->art, "sim_w", MRS_ART_F32, &n_w, &lerr) : NULL;
	if (version != SC_FORMAT_VERSION)
		snprintf(why, why_size, "%s: format version %lld, expected %d", path, version,
			 SC_FORMAT_VERSION);
	else if (bad_graph)
		snprintf(why, why_size, "%s: graph is neither follows nor engagements", path);
	else if (n_users != nu)
		snprintf(why, why_size, "%s: fitted on %lld users, the dataset has %u", path, n_users, nu);
	else if (!sc->sim_w)
		snprintf(why, why_size, "%s", lerr.msg);
	else if (k <= 0 || k > 65535)
		snprintf(why, why_size, "%s: %lld clusters", path, k);
	else if (n_kf != nu || n_score != nu || n_off != (size_t)nu + 1 || n_dst != n_w ||
		 sc->sim_off[nu] != n_dst)
		snprintf(why, why_size, "%s: arrays do not match %u users", path, nu);
	else
		why[0] = '\0';
	for (uint32_t u = 0; !why[0] && u < nu; u++)
		if (sc->kf[u] < -1 || sc->kf[u] >= k || sc->sim_off[u] > sc->sim_off[u + 1])
			snprintf(why, why_size, "%s: bad entry for user %u", path, u);
	for (size_t i = 0; !why[0] && i < n_dst; i++)
		if (sc->sim_dst[i] >= nu)
			snprintf(why, why_size, "%s: bad similarity edge %zu", path, i);
	if (why[0]) {
		mrs_artifact_free(sc->art);
		sc->art = NULL;
		sc->kf = NULL, sc->kf_score = NULL, sc->sim_off = sc->sim_dst = NULL, sc->sim_w = NULL;
		return -1;
	}
	sc->k = (uint32_t)k;
	return 0;
}

static int open_cancelled(const mrs_progress *p, const char *phase, double done, double total,
			  mrs_error *err)
{
	if (mrs_progress_report(p, phase, done, total, NULL))
		return mrs_fail(err, MRS_ERR_CANCELLED, "simclusters: cancelled during %s", phase);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const mrs_sc_entry *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id; /* newer tweets, higher ids first */
}

/* Per-cluster lists from (cluster, entry) pairs: strongest first, at most keep each. */
static int build_index(uint32_t k, const uint32_t *cl, mrs_sc_entry *ent, size_t n,
		       uint32_t keep, uint32_t **off_out, mrs_sc_entry **out, mrs_error *err)
{
	uint32_t *off = mrs_calloc((size_t)k + 1, sizeof(uint32_t), "cluster index", err);
	uint32_t *fill = mrs_calloc((size_t)k + 1, sizeof(uint32_t), "cluster index", err);
	mrs_sc_entry *sorted = mrs_calloc(n, sizeof *sorted, "cluster index", err);
	if (!off || !fill || !sorted) {
		free(off), free(fill), free(sorted);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fill[cl[i] + 1]++;
	for (uint32_t c = 0; c < k; c++)
		fill[c + 1] += fill[c];
	uint32_t *at = mrs_calloc((size_t)k + 1, sizeof(uint32_t), "cluster index", err);
	if (!at) {
		free(off), free(fill), free(sorted);
		return -1;
	}
	memcpy(at, fill, sizeof(uint32_t) * (k + 1));
	for (size_t i = 0; i < n; i++)
		sorted[at[cl[i]]++] = ent[i];
	free(at);
	size_t m = 0;
	for (uint32_t c = 0; c < k; c++) {
		uint32_t len = fill[c + 1] - fill[c];
		qsort(sorted + fill[c], len, sizeof *sorted, cmp_entry);
		len = MRS_MIN(len, keep);
		memmove(sorted + m, sorted + fill[c], len * sizeof *sorted);
		off[c] = (uint32_t)m;
		m += len;
	}
	off[k] = (uint32_t)m;
	free(fill);
	*off_out = off;
	*out = sorted;
	return 0;
}

static int index_tweets(struct mrs_sc *sc, const mrs_dataset *ds, mrs_error *err)
{
	/* tweets created in [now - horizon, now): ids are in time order */
	uint32_t first = mrs_lower_bound_time(ds->tweet_time, NULL, 0, ds->n_tweets,
					      sc->now - SC_INDEX_HORIZON_S(ds));
	uint32_t last = mrs_lower_bound_time(ds->tweet_time, NULL, first, ds->n_tweets, sc->now);
	size_t n = 0;
	for (uint32_t t = first; t < last; t++)
		n += sc->tweet[t].n;
	uint32_t *cl = mrs_calloc(n, sizeof(uint32_t), "cluster index", err);
	mrs_sc_entry *ent = mrs_calloc(n, sizeof *ent, "cluster index", err);
	int rc = -1;
	if (cl && ent) {
		size_t i = 0;
		for (uint32_t t = first; t < last; t++)
			for (int j = 0; j < sc->tweet[t].n; j++, i++) {
				cl[i] = sc->tweet[t].c[j];
				ent[i] = (mrs_sc_entry){t, sc->pop[t] * sc->tweet[t].w[j]};
			}
		rc = build_index(sc->k, cl, ent, n, SC_INDEX_PER_CLUSTER, &sc->ct_off, &sc->ct, err);
	}
	free(cl), free(ent);
	return rc;
}

static int index_producers(struct mrs_sc *sc, const mrs_dataset *ds, mrs_error *err)
{
	uint32_t nu = ds->n_users;
	size_t n = 0, cap = 0, i = 0;
	for (uint32_t u = 0; u < nu; u++)
		cap += sc->mode == MRS_SC_HASH ? sc->prod[u].n : sc->kf[u] >= 0;
	uint32_t *cl = mrs_calloc(cap, sizeof(uint32_t), "producer index", err);
	mrs_sc_entry *ent = mrs_calloc(cap, sizeof *ent, "producer index", err);
	int rc = -1;
	if (!cl || !ent)
		goto out;
	for (uint32_t u = 0; u < nu; u++) {
		/* followers before now break ties (and weigh hash-mode shares) */
		uint32_t fol = 0;
		for (uint32_t k = ds->fwr_off[u]; k < ds->fwr_off[u + 1]; k++)
			fol += ds->fol_time[ds->fwr_edge[k]] < sc->now;
		if (sc->mode == MRS_SC_HASH) {
			for (int j = 0; j < sc->prod[u].n; j++, i++) {
				cl[i] = sc->prod[u].c[j];
				ent[i] = (mrs_sc_entry){u, sc->prod[u].w[j] * (float)log2(2.0 + fol)};
			}
		} else if (sc->kf[u] >= 0) {
			cl[i] = (uint32_t)sc->kf[u];
			/* KnownFor score first; followers only order equal scores */
			ent[i++] = (mrs_sc_entry){u, sc->kf_score[u] * (1.0f + 1e-6f * (float)log2(2.0 + fol))};
		}
	}
	n = i;
	rc = build_index(sc->k, cl, ent, n, SC_PRODUCERS_PER_CLUSTER, &sc->cp_off, &sc->cp, err);
out:
	free(cl), free(ent);
	return rc;
}

static int build_vectors(struct mrs_sc *sc, const mrs_engine *e, const mrs_progress *p,
			 mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	sc_acc acc = {0}, uacc = {0};
	int rc = -1;
	if (acc_init(&acc, sc->k, err) || acc_init(&uacc, sc->k, err))
		goto out;
	/* when each user's InterestedIn inputs last changed */
	for (uint32_t u = 0; u < nu; u++) {
		int64_t last = INT64_MIN;
		if (sc->mode == MRS_SC_HASH) {
			if (ds->atw_off[u + 1] > ds->atw_off[u])
				last = ds->tweet_time[ds->atw[ds->atw_off[u + 1] - 1]];
			for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++)
				if (ds->imp_actions[i] & MRS_POSITIVE_MASK)
					last = MRS_MAX(last, ds->imp_time[i]);
		} else if (sc->graph == SC_GRAPH_ENGAGEMENTS) {
			for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++)
				if (ds->imp_actions[i] & MRS_POSITIVE_MASK)
					last = MRS_MAX(last, ds->imp_time[i]);
		} else {
			for (uint32_t k = ds->fol_off[u]; k < ds->fol_off[u + 1]; k++)
				last = MRS_MAX(last, ds->fol_time[k]);
		}
		sc->last_change[u] = last;
	}
	if (sc->mode == MRS_SC_HASH) {
		for (uint32_t t = 0; t < nt; t++) {
			hash_words(mrs_tweet_text(ds, t), sc->k, &acc);
			acc_take(&acc, &sc->tweet[t]);
			if ((t & 0xffff) == 0 && open_cancelled(p, "simclusters: words", t, nt, err))
				goto out;
		}
		for (uint32_t u = 0; u < nu; u++) {
			uint32_t lo = ds->atw_off[u], hi = mrs_atw_end(ds, u, sc->now);
			for (uint32_t i = hi > lo + SC_HASH_HISTORY ? hi - SC_HASH_HISTORY : lo; i < hi; i++)
				acc_add_vec(&acc, &sc->tweet[ds->atw[i]], 1.0);
			acc_take(&acc, &sc->prod[u]);
		}
	}
	for (uint32_t u = 0; u < nu; u++) {
		user_vec_at(sc, ds, u, sc->now, &acc, &sc->user[u]);
		acc_add_vec(&uacc, &sc->user[u], 1.0);
		if ((u & 0xfff) == 0 && open_cancelled(p, "simclusters: interests", u, nu, err))
			goto out;
	}
	acc_take(&uacc, &sc->popular);
	for (uint32_t t = 0; t < nt && ds->tweet_time[t] < sc->now; t++) {
		if (sc->mode == MRS_SC_HASH)
			sc->pop[t] = tweet_popularity_at(e, t, sc->now);
		else
			tweet_vec_real(sc, e, t, sc->now, &acc, &uacc, &sc->tweet[t], &sc->pop[t]);
		if ((t & 0xffff) == 0 && open_cancelled(p, "simclusters: tweets", t, nt, err))
			goto out;
	}
	rc = 0;
out:
	acc_free(&acc), acc_free(&uacc);
	return rc;
}

int mrs_sc_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	mrs_model_status *st = &e->status[MRS_MODEL_SIMCLUSTERS];
	struct mrs_sc *sc = mrs_calloc(1, sizeof *sc, "simclusters", err);
	if (!sc)
		return -1;
	sc->now = e->now;
	char path[4096] = "", why[1200];
	if (e->sc_mode == MRS_SC_HASH) {
		sc->mode = MRS_SC_HASH;
		mrs_model_note(st, false, "hash mode requested: words hashed into %d clusters by FNV-1a",
			 SC_HASH_K);
	} else if (sc_load(sc, e, path, sizeof path, why, sizeof why) == 0) {
		sc->mode = MRS_SC_REAL;
		mrs_model_note(st, true, "loaded %s (%u clusters%s)", path, sc->k,
			       sc->graph == SC_GRAPH_ENGAGEMENTS ? ", from engagements" : "");
	} else {
		sc->mode = MRS_SC_HASH;
		e->sc_mode = MRS_SC_HASH;
		mrs_model_note(st, false, "%s; serving the hash mode (words hashed into %d clusters)", why,
			 SC_HASH_K);
	}
	if (sc->mode == MRS_SC_HASH)
		sc->k = SC_HASH_K;
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	sc->last_change = mrs_calloc(nu, sizeof(int64_t), "simclusters", err);
	sc->user = mrs_calloc(nu, sizeof(sc_vec), "simclusters", err);
	sc->tweet = mrs_calloc(nt, sizeof(sc_vec), "simclusters", err);
	sc->pop = mrs_calloc(nt, sizeof(float), "simclusters", err);
	if (sc->mode == MRS_SC_HASH)
		sc->prod = mrs_calloc(nu, sizeof(sc_vec), "simclusters", err);
	if (!sc->last_change || !sc->user || !sc->tweet || !sc->pop ||
	    (sc->mode == MRS_SC_HASH && !sc->prod) || build_vectors(sc, e, p, err) ||
	    index_tweets(sc, ds, err) || index_producers(sc, ds, err)) {
		mrs_sc_free(sc);
		return -1;
	}
	e->sc = sc;
	return 0;
}

void mrs_sc_free(struct mrs_sc *sc)
{
	if (!sc)
		return;
	mrs_artifact_free(sc->art);
	if (sc->mapped) {
		free(sc);
		return;
	}
	free(sc->last_change), free(sc->user), free(sc->prod), free(sc->tweet), free(sc->pop);
	free(sc->ct_off), free(sc->ct), free(sc->cp_off), free(sc->cp);
	free(sc);
}

/* The scalars of an open SimClusters, as its snapshot keeps them. */
typedef struct sc_head {
	int32_t mode, graph, sc_mode;
	uint32_t k;
	int64_t now;
	sc_vec popular;
} sc_head;

int mrs_sc_snap(mrs_engine *e, mrs_snap_io *io)
{
	if (!io->writing && !(e->sc = mrs_calloc(1, sizeof *e->sc, "simclusters", io->err)))
		return -1;
	struct mrs_sc *sc = e->sc;
	sc->mapped = !io->writing;
	sc_head h = {sc->mode, sc->graph, e->sc_mode, sc->k, sc->now, sc->popular};
	if (mrs_snap_value(io, "sc.head", &h, sizeof h))
		return -1;
	if (!io->writing) {
		sc->mode = h.mode, sc->graph = h.graph, e->sc_mode = h.sc_mode;
		sc->k = h.k, sc->now = h.now, sc->popular = h.popular;
	}
	size_t nu = e->ds->n_users, nt = e->ds->n_tweets, k = sc->k, sim = 0;
	mrs_snap_io *o = io;
	if (MRS_SNAP_ARRAY(o, "sc.kf", sc->kf, nu) ||
	    MRS_SNAP_ARRAY(o, "sc.kf_score", sc->kf_score, nu) ||
	    MRS_SNAP_ARRAY(o, "sc.sim_off", sc->sim_off, nu + 1))
		return -1;
	if (sc->sim_off)
		sim = sc->sim_off[nu];
	if (MRS_SNAP_ARRAY(o, "sc.sim_dst", sc->sim_dst, sim) ||
	    MRS_SNAP_ARRAY(o, "sc.sim_w", sc->sim_w, sim) ||
	    MRS_SNAP_ARRAY(o, "sc.last_change", sc->last_change, nu) ||
	    MRS_SNAP_ARRAY(o, "sc.user", sc->user, nu) ||
	    MRS_SNAP_ARRAY(o, "sc.prod", sc->prod, nu) ||
	    MRS_SNAP_ARRAY(o, "sc.tweet", sc->tweet, nt) ||
	    MRS_SNAP_ARRAY(o, "sc.pop", sc->pop, nt) ||
	    MRS_SNAP_ARRAY(o, "sc.ct_off", sc->ct_off, k + 1) ||
	    MRS_SNAP_ARRAY(o, "sc.cp_off", sc->cp_off, k + 1))
		return -1;
	if (!sc->ct_off || !sc->cp_off)
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: simclusters: no cluster index");
	if (MRS_SNAP_ARRAY(o, "sc.ct", sc->ct, sc->ct_off[k]))
		return -1;
	return MRS_SNAP_ARRAY(o, "sc.cp", sc->cp, sc->cp_off[k]);
}

/* ------------------------------------------------------------------ queries */

float mrs_sc_score(const mrs_engine *e, uint32_t viewer, uint32_t tweet, int64_t now)
{
	const struct mrs_sc *sc = e->sc;
	const mrs_dataset *ds = e->ds;
	if (!sc || viewer >= ds->n_users || tweet >= ds->n_tweets)
		return 0;
	int64_t at = MRS_MIN(now, sc->now); /* the engine knows nothing after its now */
	bool tweet_cached = sc->mode == MRS_SC_HASH || (at == sc->now && ds->tweet_time[tweet] < at);
	if (user_cached(sc, viewer, now) && tweet_cached)
		return vec_dot(&sc->user[viewer], &sc->tweet[tweet]);
	sc_acc acc, uacc;
	if (acc_init(&acc, sc->k, NULL))
		return 0;
	if (acc_init(&uacc, sc->k, NULL)) {
		acc_free(&acc);
		return 0;
	}
	sc_vec vbuf, tbuf;
	const sc_vec *v = user_vec(sc, ds, viewer, now, &uacc, &vbuf);
	const sc_vec *t = &sc->tweet[tweet];
	if (!tweet_cached && v->n) {
		tweet_vec_real(sc, e, tweet, at, &acc, &uacc, &tbuf, NULL);
		t = &tbuf;
	}
	float s = vec_dot(v, t);
	acc_free(&acc), acc_free(&uacc);
	return s;
}

float mrs_sc_producer_score(const mrs_engine *e, uint32_t u, uint32_t v)
{
	const struct mrs_sc *sc = e->sc;
	if (!sc || u >= e->ds->n_users || v >= e->ds->n_users)
		return 0;
	if (sc->mode == MRS_SC_HASH)
		return vec_dot(&sc->user[u], &sc->prod[v]);
	if (sc->kf[v] < 0)
		return 0;
	const sc_vec *iu = &sc->user[u];
	for (int i = 0; i < iu->n; i++)
		if (iu->c[i] == sc->kf[v])
			return iu->w[i]; /* cosine with a one-cluster vector */
	return 0;
}

int mrs_sc_known_for(const mrs_engine *e, uint32_t producer, float *score)
{
	const struct mrs_sc *sc = e->sc;
	if (score)
		*score = 0;
	if (!sc || sc->mode == MRS_SC_HASH || producer >= e->ds->n_users || sc->kf[producer] < 0)
		return -1;
	if (score)
		*score = sc->kf_score[producer];
	return sc->kf[producer];
}

static uint32_t vec_out(const sc_vec *v, uint32_t *clusters, float *weights, uint32_t max)
{
	uint32_t n = MRS_MIN((uint32_t)v->n, max);
	for (uint32_t i = 0; i < n; i++) {
		if (clusters)
			clusters[i] = v->c[i];
		if (weights)
			weights[i] = v->w[i];
	}
	return n;
}

uint32_t mrs_sc_interested_in(const mrs_engine *e, uint32_t user, uint32_t *clusters,
			      float *weights, uint32_t max)
{
	if (!e->sc || user >= e->ds->n_users)
		return 0;
	return vec_out(&e->sc->user[user], clusters, weights, max);
}

uint32_t mrs_sc_interested_in_at(const mrs_engine *e, uint32_t user, int64_t now,
				 uint32_t *clusters, float *weights, uint32_t max)
{
	const struct mrs_sc *sc = e->sc;
	if (!sc || user >= e->ds->n_users)
		return 0;
	if (user_cached(sc, user, now))
		return vec_out(&sc->user[user], clusters, weights, max);
	sc_acc acc;
	if (acc_init(&acc, sc->k, NULL))
		return 0;
	sc_vec v;
	user_vec_at(sc, e->ds, user, now, &acc, &v);
	acc_free(&acc);
	return vec_out(&v, clusters, weights, max);
}

uint32_t mrs_sc_n_clusters(const mrs_engine *e)
{
	return e->sc ? e->sc->k : 0;
}

uint32_t mrs_sc_popular_clusters(const mrs_engine *e, uint32_t *clusters, float *weights,
				 uint32_t max)
{
	return e->sc ? vec_out(&e->sc->popular, clusters, weights, max) : 0;
}

const mrs_sc_entry *mrs_sc_cluster_tweets(const mrs_engine *e, uint32_t cluster, uint32_t *n)
{
	*n = 0;
	if (!e->sc || cluster >= e->sc->k)
		return NULL;
	*n = e->sc->ct_off[cluster + 1] - e->sc->ct_off[cluster];
	return e->sc->ct + e->sc->ct_off[cluster];
}

const mrs_sc_entry *mrs_sc_cluster_producers(const mrs_engine *e, uint32_t cluster,
					     uint32_t *n)
{
	*n = 0;
	if (!e->sc || cluster >= e->sc->k)
		return NULL;
	*n = e->sc->cp_off[cluster + 1] - e->sc->cp_off[cluster];
	return e->sc->cp + e->sc->cp_off[cluster];
}

float mrs_sc_tweet_popularity(const mrs_engine *e, uint32_t tweet)
{
	return e->sc && tweet < e->ds->n_tweets ? e->sc->pop[tweet] : 0;
}

int mrs_sc_report(const mrs_engine *e, const mrs_truth *tr, double *mod, double *nmi_out,
		  mrs_error *err)
{
	const struct mrs_sc *sc = e->sc;
	const mrs_dataset *ds = e->ds;
	if (!sc)
		return mrs_fail(err, MRS_ERR_USAGE, "simclusters report: SimClusters is not open");
	if (mod)
		*mod = sc->mode == MRS_SC_HASH
			       ? NAN
			       : modularity(ds->n_users, sc->sim_off, sc->sim_dst, sc->sim_w, sc->kf, sc->k);
	if (!nmi_out)
		return 0;
	*nmi_out = NAN;
	if (!tr)
		return 0;
	if (tr->n_users != ds->n_users)
		return mrs_fail(err, MRS_ERR_DATA, "simclusters report: truth has %u users, dataset %u",
				tr->n_users, ds->n_users);
	uint32_t nu = ds->n_users;
	uint32_t *x = mrs_calloc(nu, sizeof(uint32_t), "report", err);
	uint32_t *y = mrs_calloc(nu, sizeof(uint32_t), "report", err);
	if (!x || !y) {
		free(x), free(y);
		return -1;
	}
	for (uint32_t u = 0; u < nu; u++) {
		x[u] = sc->user[u].n ? sc->user[u].c[0] : sc->k; /* k: no InterestedIn */
		const float *w = tr->user_interest_w + (size_t)u * MRS_N_TOPICS;
		uint32_t best = 0;
		for (uint32_t t = 1; t < MRS_N_TOPICS; t++)
			if (w[t] > w[best])
				best = t;
		y[u] = best;
	}
	*nmi_out = nmi(x, y, nu, sc->k + 1, MRS_N_TOPICS);
	free(x), free(y);
	return 0;
}
