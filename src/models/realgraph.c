/* realgraph.c: RealGraph: P(viewer interacts with author in the next period), learned from
 * pair features of the viewer's history, or the original educational version's rule.
 *
 * Features (MRS_RG_N_FEATURES, version RG_FEATURE_VERSION) of (viewer, author, now) come
 * from the viewer's latest RG_MAX_HISTORY impressions before now (one binary search and
 * one scan of a time-sorted range per request, whatever the number of authors), the
 * follow edges before now, and a per-user index of follower times built at open: see
 * rg_feature_names. "Interacts" means a positive engagement (like, retweet, reply, click
 * or follow) with a tweet of the author; the author is the account that posted the tweet
 * (the retweeter for a retweet), as followees are.
 *
 * Periods (mrs_rg_fit, everything before `cut`): with T0 and T1 the times before which 50%
 * and 75% of the impressions before the cut fall,
 *   training rows:   features from behaviour before T0, label = interacted in [T0, T1);
 *   evaluation rows: features from behaviour before T1, label = interacted in [T1, cut).
 * The rows of a period are the viewer's followees and every author the viewer saw before
 * the period starts (the pairs RealGraph scores in production: existing edges). The AUC in
 * the card is the saved model's, on the evaluation rows, which it never trained on. Large
 * worlds use the rows of an even sample of the users (every k-th id, at most
 * RG_MAX_USERS of them per period): the default world keeps all 1,000; the large one
 * trains on 25,000 of its 100,000 (about 750,000 rows instead of 3 million).
 *
 * Rule (MRS_RG_RULE, or when no model loads): a followee weighs 1 - 0.4 x 0.7^k, k the
 * viewer's positive engagements with the author before now (0.6 with none, towards 1 with
 * more), so every followee ranks above every non-followee; anyone else 0.5 x the Jaccard
 * index of the top-3 SimClusters InterestedIn clusters of viewer and author (the original
 * used the hidden interests; we use the inferred ones).
 */
#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

#define RG_FEATURE_VERSION 1
#define RG_MAX_HISTORY 2048
/* the dataset's age limit L (Twitter's: 7 days) is the half-life of interactions and the
 * window of "recent" (mrs_time_scale) */
#define RG_HALFLIFE_S(ds) ((ds)->time_scale.age_limit_hours * MRS_HOUR)
#define RG_RULE_JACCARD_TOP 3

static const char *const rg_feature_names[MRS_RG_N_FEATURES] = {
	"follows",             /* viewer follows author (before now) */
	"mutual_follow",       /* author follows viewer too */
	"follow_age",          /* log1p(days since the follow) / 6, 0 if not following */
	"impressions",         /* log1p(viewer's impressions of the author's tweets) / 4 */
	"likes",               /* log1p(count) / 3, and the same for the next three */
	"retweets",
	"replies",
	"clicks",
	"negative",            /* log1p(negative feedback + reports) / 2 */
	"decayed_positive",    /* log1p(sum of 2^(-age / L) over positive engagements) / 3 */
	"decayed_impressions", /* log1p(the same over impressions) / 3 */
	"last_positive",       /* exp(-time since the last positive engagement / L), 0 if none */
	"last_impression",     /* exp(-time since the last impression / L), 0 if none */
	"positive_rate",       /* (engaged impressions + 0.1) / (impressions + 1) */
	"author_followers",    /* log1p(author's followers before now) / 8 */
	"author_recent_tweets",/* log1p(author's tweets in the L before now) / 4 */
	"viewer_impressions",  /* log1p(viewer's impressions before now) / 8 */
	"viewer_followees",    /* log1p(viewer's followees before now) / 6 */
	"viewer_positive_rate",/* the viewer's (engaged + 0.1) / (impressions + 1) overall */
};

const char *mrs_rg_feature_name(int i)
{
	return i >= 0 && i < MRS_RG_N_FEATURES ? rg_feature_names[i] : NULL;
}

/* Follower times per user, ascending: followers of v before t = lower_bound(t). */
typedef struct rg_index {
	int64_t *fwr_time; /* [n_follows] in fwr_off order, sorted within each user */
} rg_index;

struct mrs_rg {
	int mode;
	mrs_tmodel *model;
	rg_index idx;
	bool mapped;   /* idx lives in a snapshot */
};

static int rg_open_model(mrs_engine *e, struct mrs_rg *rg);

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int rg_index_build(rg_index *x, const mrs_dataset *ds, mrs_error *err)
{
	x->fwr_time = mrs_calloc(ds->n_follows, sizeof(int64_t), "realgraph", err);
	if (!x->fwr_time)
		return -1;
	for (uint32_t k = 0; k < ds->n_follows; k++)
		x->fwr_time[k] = ds->fol_time[ds->fwr_edge[k]];
	for (uint32_t v = 0; v < ds->n_users; v++)
		qsort(x->fwr_time + ds->fwr_off[v], ds->fwr_off[v + 1] - ds->fwr_off[v],
		      sizeof(int64_t), cmp_i64);
	return 0;
}

static uint32_t followers_before(const rg_index *x, const mrs_dataset *ds, uint32_t v,
				 int64_t t)
{
	uint32_t lo = ds->fwr_off[v];
	return mrs_lower_bound_time(x->fwr_time, NULL, lo, ds->fwr_off[v + 1], t) - lo;
}

/* ------------------------------------------------------------------ pair statistics */

typedef struct rg_stat {
	uint32_t imps, pos, likes, rts, replies, clicks, neg;
	double dpos, dimp;
	int64_t last_pos, last_imp;
} rg_stat;

typedef struct rg_pairs {
	mrs_idmap map;
	uint32_t *slot;  /* [n] slot of authors[i] */
	rg_stat *st;     /* [slots] */
	uint32_t imps, pos; /* viewer's totals over the scanned history */
	size_t cap;
} rg_pairs;

static void pairs_free(rg_pairs *p)
{
	mrs_idmap_free(&p->map);
	free(p->slot), free(p->st);
}

/* Scans the viewer's history before now once and gathers statistics for the authors. */
static int pairs_collect(rg_pairs *p, const mrs_dataset *ds, uint32_t viewer,
			 const uint32_t *authors, uint32_t n, int64_t now, mrs_error *err)
{
	if (n > p->cap) {
		free(p->slot), free(p->st);
		p->slot = mrs_calloc(n, sizeof(uint32_t), "realgraph", err);
		p->st = mrs_calloc(n, sizeof(rg_stat), "realgraph", err);
		if (!p->slot || !p->st)
			return -1;
		p->cap = n;
	}
	if (mrs_idmap_reset(&p->map, n, err))
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if ((p->slot[i] = mrs_idmap_put(&p->map, authors[i], NULL, err)) == MRS_NONE)
			return -1;
	memset(p->st, 0, sizeof(rg_stat) * p->map.n);
	for (uint32_t s = 0; s < p->map.n; s++)
		p->st[s].last_pos = p->st[s].last_imp = INT64_MIN;
	uint32_t end = mrs_uimp_end(ds, viewer, now);
	uint32_t start = end - MRS_MIN(end - ds->uimp_off[viewer], (uint32_t)RG_MAX_HISTORY);
	p->imps = p->pos = 0;
	for (uint32_t i = start; i < end; i++) {
		uint8_t acts = ds->imp_actions[i];
		bool positive = acts & MRS_POSITIVE_MASK;
		p->imps++;
		p->pos += positive;
		uint32_t s = mrs_idmap_get(&p->map, ds->tweet_author[ds->imp_tweet[i]]);
		if (s == MRS_NONE)
			continue;
		rg_stat *x = &p->st[s];
		double d = mrs_decay((double)(now - ds->imp_time[i]), RG_HALFLIFE_S(ds));
		x->imps++;
		x->dimp += d;
		x->last_imp = ds->imp_time[i];
		x->likes += (acts >> MRS_ACT_LIKE) & 1;
		x->rts += (acts >> MRS_ACT_RETWEET) & 1;
		x->replies += (acts >> MRS_ACT_REPLY) & 1;
		x->clicks += (acts >> MRS_ACT_CLICK) & 1;
		x->neg += ((acts >> MRS_ACT_NEGFB) & 1) + ((acts >> MRS_ACT_REPORT) & 1);
		if (positive) {
			x->pos++;
			x->dpos += d;
			x->last_pos = ds->imp_time[i];
		}
	}
	return 0;
}

static float recency(const mrs_dataset *ds, int64_t now, int64_t last)
{
	return last == INT64_MIN ? 0.0f : (float)exp(-(double)(now - last) / RG_HALFLIFE_S(ds));
}

/* Feature rows for the collected pairs. */
static void pairs_features(const rg_pairs *p, const rg_index *x, const mrs_dataset *ds,
			   uint32_t viewer, const uint32_t *authors, uint32_t n, int64_t now,
			   float *out)
{
	uint32_t followees = 0;
	for (uint32_t e = ds->fol_off[viewer]; e < ds->fol_off[viewer + 1]; e++)
		followees += ds->fol_time[e] < now;
	float viewer_imps = (float)(log1p(mrs_uimp_end(ds, viewer, now) - ds->uimp_off[viewer]) / 8);
	float viewer_rate = (float)((p->pos + 0.1) / (p->imps + 1.0));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = authors[i];
		const rg_stat *s = &p->st[p->slot[i]];
		float *f = out + (size_t)i * MRS_RG_N_FEATURES;
		uint32_t e = mrs_follow_edge(ds, viewer, a);
		bool follows = e != MRS_NONE && ds->fol_time[e] < now;
		f[0] = follows;
		f[1] = mrs_follows_before(ds, a, viewer, now);
		f[2] = follows ? (float)(log1p((double)(now - ds->fol_time[e]) / MRS_DAY) / 6) : 0;
		f[3] = (float)(log1p(s->imps) / 4);
		f[4] = (float)(log1p(s->likes) / 3);
		f[5] = (float)(log1p(s->rts) / 3);
		f[6] = (float)(log1p(s->replies) / 3);
		f[7] = (float)(log1p(s->clicks) / 3);
		f[8] = (float)(log1p(s->neg) / 2);
		f[9] = (float)(log1p(s->dpos) / 3);
		f[10] = (float)(log1p(s->dimp) / 3);
		f[11] = recency(ds, now, s->last_pos);
		f[12] = recency(ds, now, s->last_imp);
		f[13] = (float)((s->pos + 0.1) / (s->imps + 1.0));
		f[14] = (float)(log1p(followers_before(x, ds, a, now)) / 8);
		uint32_t recent = mrs_atw_end(ds, a, now) -
				  mrs_atw_end(ds, a, now - (int64_t)RG_HALFLIFE_S(ds));
		f[15] = (float)(log1p(recent) / 4);
		f[16] = viewer_imps;
		f[17] = (float)(log1p(followees) / 6);
		f[18] = viewer_rate;
	}
}

/* ------------------------------------------------------------------ rule */

static float rule_weight(const mrs_engine *e, const rg_stat *s, uint32_t viewer, uint32_t a,
			 int64_t now, const uint32_t *vc, uint32_t nv)
{
	if (mrs_follows_before(e->ds, viewer, a, now))
		return (float)(1.0 - 0.4 * pow(0.7, s->pos));
	if (!nv)
		return 0;
	uint32_t ac[RG_RULE_JACCARD_TOP];
	uint32_t na = mrs_sc_interested_in_at(e, a, now, ac, NULL, RG_RULE_JACCARD_TOP);
	if (!na)
		return 0;
	uint32_t both = 0;
	for (uint32_t i = 0; i < nv; i++)
		for (uint32_t j = 0; j < na; j++)
			both += vc[i] == ac[j];
	return 0.5f * (float)both / (float)(nv + na - both);
}

/* ------------------------------------------------------------------ serving */

/* Loads DIR/realgraph.pt; on any problem writes why and returns NULL. */
static mrs_tmodel *rg_load(const mrs_engine *e, char *path, size_t path_size, char *why,
			   size_t why_size)
{
	mrs_error lerr = {0};
	if (mrs_model_refused(e, MRS_MODEL_REALGRAPH, why, why_size))
		return NULL;
	if (mrs_model_path(path, path_size, e->models_dir, "realgraph", "pt", &lerr)) {
		snprintf(why, why_size, "%s", lerr.msg);
		return NULL;
	}
	mrs_tmodel *m = NULL;
	char *meta = NULL;
	if (mrs_tmodel_load(path, &m, &meta) != MRS_T_OK) {
		snprintf(why, why_size, "%s", mrs_torch_last_error());
		return NULL;
	}
	cJSON *j = cJSON_Parse(meta ? meta : "");
	mrs_tspec spec;
	mrs_tmodel_get_spec(m, &spec);
	why[0] = '\0';
	if (mrs_card_int(j, "feature_version") != RG_FEATURE_VERSION ||
	    mrs_card_int(j, "features") != MRS_RG_N_FEATURES)
		snprintf(why, why_size, "%s: made for other features (want version %d, %d features)",
			 path, RG_FEATURE_VERSION, MRS_RG_N_FEATURES);
	else if (spec.kind != MRS_TK_MLP || spec.n_in != MRS_RG_N_FEATURES || spec.n_heads != 1)
		snprintf(why, why_size, "%s: not a RealGraph model", path);
	cJSON_Delete(j);
	free(meta);
	if (why[0]) {
		mrs_tmodel_free(m);
		return NULL;
	}
	return m;
}

int mrs_rg_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	struct mrs_rg *rg = mrs_calloc(1, sizeof *rg, "realgraph", err);
	if (!rg)
		return -1;
	if (mrs_progress_report(p, "realgraph", 0, 1, NULL)) {
		free(rg);
		return mrs_fail(err, MRS_ERR_CANCELLED, "realgraph: cancelled");
	}
	if (rg_index_build(&rg->idx, e->ds, err)) {
		free(rg);
		return -1;
	}
	return rg_open_model(e, rg);
}

int mrs_rg_snap(mrs_engine *e, mrs_snap_io *io)
{
	if (!io->writing && !(e->rg = mrs_calloc(1, sizeof *e->rg, "realgraph", io->err)))
		return -1;
	struct mrs_rg *rg = e->rg;
	rg->mapped = !io->writing;
	if (MRS_SNAP_ARRAY(io, "rg.fwr_time", rg->idx.fwr_time, e->ds->n_follows))
		return -1;
	return io->writing ? 0 : rg_open_model(e, rg);
}

/* Loads the learned model into rg (or serves the rule, saying why) and gives rg to e. */
static int rg_open_model(mrs_engine *e, struct mrs_rg *rg)
{
	mrs_model_status *st = &e->status[MRS_MODEL_REALGRAPH];
	char path[4096] = "", why[1200];
	if (e->rg_mode == MRS_RG_RULE) {
		rg->mode = MRS_RG_RULE;
		mrs_model_note(st, false, "rule requested: followees 1 - 0.4 x 0.7^engagements, others "
				    "0.5 x InterestedIn Jaccard");
	} else if ((rg->model = rg_load(e, path, sizeof path, why, sizeof why))) {
		rg->mode = MRS_RG_LEARNED;
		mrs_model_note(st, true, "loaded %s", path);
	} else {
		rg->mode = MRS_RG_RULE;
		e->rg_mode = MRS_RG_RULE;
		mrs_model_note(st, false, "%s; serving the rule (followees by engagement count, others by "
				    "InterestedIn Jaccard)", why);
	}
	e->rg = rg;
	return 0;
}

void mrs_rg_free(struct mrs_rg *rg)
{
	if (!rg)
		return;
	mrs_tmodel_free(rg->model);
	if (!rg->mapped)
		free(rg->idx.fwr_time);
	free(rg);
}

static int check_ids(const mrs_engine *e, uint32_t viewer, const uint32_t *authors, uint32_t n,
		     mrs_error *err)
{
	if (viewer >= e->ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "realgraph: viewer %u out of range", viewer);
	for (uint32_t i = 0; i < n; i++)
		if (authors[i] >= e->ds->n_users)
			return mrs_fail(err, MRS_ERR_USAGE, "realgraph: author %u out of range",
					authors[i]);
	return 0;
}

int mrs_rg_features(const mrs_engine *e, uint32_t viewer, const uint32_t *authors, uint32_t n,
		    int64_t now, float *out, mrs_error *err)
{
	if (!e->rg)
		return mrs_fail(err, MRS_ERR_USAGE, "realgraph: not open");
	if (check_ids(e, viewer, authors, n, err))
		return -1;
	rg_pairs p = {0};
	int rc = pairs_collect(&p, e->ds, viewer, authors, n, now, err);
	if (!rc)
		pairs_features(&p, &e->rg->idx, e->ds, viewer, authors, n, now, out);
	pairs_free(&p);
	return rc;
}

/* The learned model's forward over rows x [n, MRS_RG_N_FEATURES] in blocks of `block`
 * rows, the last one padded by repeating its last row. */
static int forward_blocks(const struct mrs_rg *rg, const float *x, uint32_t n, uint32_t block,
			  float *out, mrs_error *err)
{
	const size_t row = MRS_RG_N_FEATURES;
	float *bx = mrs_calloc((size_t)block * row, sizeof(float), "realgraph", err);
	float *by = mrs_calloc(block, sizeof(float), "realgraph", err);
	int rc = bx && by ? 0 : -1;
	for (uint32_t lo = 0; lo < n && !rc; lo += block) {
		uint32_t k = MRS_MIN(n - lo, block);
		memcpy(bx, x + (size_t)lo * row, sizeof(float) * k * row);
		for (uint32_t i = k; i < block; i++)
			memcpy(bx + (size_t)i * row, x + (size_t)(lo + k - 1) * row, sizeof(float) * row);
		if (mrs_tmodel_forward(rg->model, bx, block, by) != MRS_T_OK)
			rc = mrs_fail(err, MRS_ERR_MODEL, "realgraph: %s", mrs_torch_last_error());
		else
			memcpy(out + lo, by, sizeof(float) * k);
	}
	free(bx), free(by);
	return rc;
}

int mrs_rg_scores_blocked(const mrs_engine *e, uint32_t viewer, const uint32_t *authors,
			  uint32_t n, int64_t now, uint32_t block, float *out, mrs_error *err)
{
	if (n == 0)
		return 0;
	if (check_ids(e, viewer, authors, n, err))
		return -1;
	rg_pairs p = {0};
	float *x = NULL;
	int rc = -1;
	if (pairs_collect(&p, e->ds, viewer, authors, n, now, err))
		goto out;
	if (e->rg && e->rg->mode == MRS_RG_LEARNED) {
		if (!(x = mrs_calloc((size_t)n * MRS_RG_N_FEATURES, sizeof(float), "realgraph", err)))
			goto out;
		pairs_features(&p, &e->rg->idx, e->ds, viewer, authors, n, now, x);
		if (forward_blocks(e->rg, x, n, block ? block : n, out, err))
			goto out;
	} else {
		uint32_t vc[RG_RULE_JACCARD_TOP];
		uint32_t nv = mrs_sc_interested_in_at(e, viewer, now, vc, NULL, RG_RULE_JACCARD_TOP);
		for (uint32_t i = 0; i < n; i++)
			out[i] = rule_weight(e, &p.st[p.slot[i]], viewer, authors[i], now, vc, nv);
	}
	rc = 0;
out:
	free(x);
	pairs_free(&p);
	return rc;
}

int mrs_rg_scores(const mrs_engine *e, uint32_t viewer, const uint32_t *authors, uint32_t n,
		  int64_t now, float *out, mrs_error *err)
{
	return mrs_rg_scores_blocked(e, viewer, authors, n, now, n, out, err);
}

/* ------------------------------------------------------------------ fit */

#define RG_EPOCHS 10
#define RG_BATCH 256
#define RG_LR 3e-3f
#define RG_MAX_USERS 25000

typedef struct rg_rows {
	float *x;    /* [n, MRS_RG_N_FEATURES] */
	uint8_t *y;  /* [n] */
	size_t n, cap;
	uint32_t pos;
} rg_rows;

static void rows_free(rg_rows *r)
{
	free(r->x), free(r->y);
}

static int rows_grow(rg_rows *r, size_t add, mrs_error *err)
{
	if (r->n + add <= r->cap)
		return 0;
	size_t cap = r->cap, cap2 = r->cap;
	if (mrs_grow((void **)&r->y, &cap, r->n + add, 1, "realgraph rows", err))
		return -1;
	if (mrs_grow((void **)&r->x, &cap2, r->n + add, sizeof(float) * MRS_RG_N_FEATURES,
		     "realgraph rows", err))
		return -1;
	r->cap = MRS_MIN(cap, cap2);
	return 0;
}

/* One period's rows: each viewer's followees and seen authors before t, with features at
 * t and labels from the viewer's positive engagements in [t, t_end); viewers are every
 * stride-th user. */
static int build_rows(const mrs_dataset *ds, const rg_index *idx, int64_t t, int64_t t_end,
		      uint32_t stride, rg_rows *r, const mrs_progress *p, const char *phase,
		      mrs_error *err)
{
	mrs_idmap cand = {0}, lab = {0};
	rg_pairs pairs = {0};
	int rc = -1;
	for (uint32_t u = 0, k = 0; u < ds->n_users; u += stride, k++) {
		if (mrs_idmap_reset(&cand, 64, err) || mrs_idmap_reset(&lab, 16, err))
			goto out;
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++)
			if (ds->fol_time[e] < t && mrs_idmap_put(&cand, ds->fol_dst[e], NULL, err) == MRS_NONE)
				goto out;
		uint32_t end = mrs_uimp_end(ds, u, t);
		uint32_t start = end - MRS_MIN(end - ds->uimp_off[u], (uint32_t)RG_MAX_HISTORY);
		for (uint32_t i = start; i < end; i++) {
			uint32_t a = ds->tweet_author[ds->imp_tweet[i]];
			if (a != u && mrs_idmap_put(&cand, a, NULL, err) == MRS_NONE)
				goto out;
		}
		if (!cand.n)
			continue;
		for (uint32_t i = end, stop = mrs_uimp_end(ds, u, t_end); i < stop; i++)
			if ((ds->imp_actions[i] & MRS_POSITIVE_MASK) &&
			    mrs_idmap_put(&lab, ds->tweet_author[ds->imp_tweet[i]], NULL, err) == MRS_NONE)
				goto out;
		if (pairs_collect(&pairs, ds, u, cand.ids, cand.n, t, err) ||
		    rows_grow(r, cand.n, err))
			goto out;
		pairs_features(&pairs, idx, ds, u, cand.ids, cand.n, t,
			       r->x + r->n * MRS_RG_N_FEATURES);
		for (uint32_t i = 0; i < cand.n; i++) {
			r->y[r->n + i] = mrs_idmap_get(&lab, cand.ids[i]) != MRS_NONE;
			r->pos += r->y[r->n + i];
		}
		r->n += cand.n;
		if ((k & 0xff) == 0 && mrs_progress_report(p, phase, u, ds->n_users, NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "realgraph: cancelled during %s", phase);
			goto out;
		}
	}
	rc = 0;
out:
	mrs_idmap_free(&cand), mrs_idmap_free(&lab);
	pairs_free(&pairs);
	return rc;
}

static int64_t quantile_time(const mrs_dataset *ds, int64_t cut, double q, mrs_error *err,
			     int64_t *t1, double q1)
{
	size_t n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n += ds->imp_time[i] < cut;
	if (n < 2) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "realgraph: %zu impressions before the embedding cut: nothing to learn from",
			 n);
		return INT64_MIN;
	}
	int64_t *t = mrs_calloc(n, sizeof(int64_t), "realgraph", err);
	if (!t)
		return INT64_MIN;
	size_t k = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < cut)
			t[k++] = ds->imp_time[i];
	qsort(t, n, sizeof *t, cmp_i64);
	int64_t t0 = t[(size_t)((n - 1) * q)];
	*t1 = t[(size_t)((n - 1) * q1)];
	free(t);
	return t0;
}

static double rows_auc(const float *score, const rg_rows *r)
{
	return mrs_auc(score, r->y, r->n);
}

static int rg_write(const mrs_dataset *ds, const mrs_tmodel *m, const char *dir, int64_t cut,
		    int64_t t0, int64_t t1, uint64_t seed, uint32_t stride, const rg_rows *tr,
		    const rg_rows *ev,
		    double auc, double train_auc, double base_auc, const float *loss,
		    double seconds, mrs_error *err)
{
	char path[4096], meta[256], fp[32];
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)ds->fingerprint);
	snprintf(meta, sizeof meta,
		 "{\"model\": \"realgraph\", \"feature_version\": %d, \"features\": %d, "
		 "\"fingerprint\": \"%s\"}",
		 RG_FEATURE_VERSION, MRS_RG_N_FEATURES, fp);
	if (mrs_model_path(path, sizeof path, dir, "realgraph", "pt", err))
		return -1;
	if (mrs_torch_save(m, path, meta, err))
		return -1;
	cJSON *card = cJSON_CreateObject(), *periods = cJSON_CreateObject();
	cJSON *names = cJSON_CreateArray(), *losses = cJSON_CreateArray();
	if (!card || !periods || !names || !losses) {
		cJSON_Delete(card), cJSON_Delete(periods), cJSON_Delete(names), cJSON_Delete(losses);
		return mrs_fail(err, MRS_ERR_NOMEM, "realgraph: out of memory for the model card");
	}
	for (int i = 0; i < MRS_RG_N_FEATURES; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(rg_feature_names[i]));
	for (int i = 0; i < RG_EPOCHS; i++)
		cJSON_AddItemToArray(losses, cJSON_CreateNumber(loss[i]));
	cJSON_AddStringToObject(card, "model", "realgraph");
	cJSON_AddStringToObject(card, "data_fingerprint", fp);
	if (ds->path)
		cJSON_AddStringToObject(card, "dataset", ds->path);
	cJSON_AddNumberToObject(card, "feature_version", RG_FEATURE_VERSION);
	cJSON_AddItemToObject(card, "features", names);
	cJSON_AddNumberToObject(card, "seed", (double)seed);
	cJSON_AddNumberToObject(periods, "train_features_before", (double)t0);
	cJSON_AddNumberToObject(periods, "train_labels_until", (double)t1);
	cJSON_AddNumberToObject(periods, "eval_features_before", (double)t1);
	cJSON_AddNumberToObject(periods, "eval_labels_until", (double)cut);
	cJSON_AddStringToObject(periods, "rule", "T0, T1: times before which 50% and 75% of the "
						 "impressions before the cut fall");
	cJSON_AddItemToObject(card, "periods", periods);
	cJSON_AddNumberToObject(card, "user_stride", stride);
	cJSON_AddStringToObject(card, "rows", "the pairs of every user_stride-th user (ids 0, "
					      "stride, 2 stride, ...): at most 25,000 users per period");
	cJSON_AddNumberToObject(card, "train_rows", (double)tr->n);
	cJSON_AddNumberToObject(card, "train_positives", tr->pos);
	cJSON_AddNumberToObject(card, "eval_rows", (double)ev->n);
	cJSON_AddNumberToObject(card, "eval_positives", ev->pos);
	cJSON_AddNumberToObject(card, "auc", auc);
	cJSON_AddNumberToObject(card, "train_auc", train_auc);
	cJSON_AddNumberToObject(card, "baseline_auc_follow_rule", base_auc);
	cJSON_AddItemToObject(card, "epoch_loss", losses);
	cJSON_AddStringToObject(card, "architecture", "MLP 19 -> 32 -> 16 -> 1, ReLU, sigmoid");
	cJSON_AddNumberToObject(card, "seconds", seconds);
	int rc = mrs_card_write(dir, "realgraph", card, err);
	cJSON_Delete(card);
	return rc;
}

int mrs_rg_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
	       const mrs_progress *p, mrs_error *err)
{
	double start = mrs_seconds();
	rg_index idx = {0};
	rg_rows tr = {0}, ev = {0};
	mrs_tmodel *m = NULL;
	float *score = NULL, *y = NULL;
	float loss[RG_EPOCHS] = {0};
	int rc = -1;
	uint32_t follows = 0;
	for (uint32_t e = 0; e < ds->n_follows; e++)
		follows += ds->fol_time[e] < cut;
	if (!follows)
		return mrs_fail(err, MRS_ERR_NODATA,
				"realgraph: the dataset has no follows before the embedding cut");
	int64_t t1 = 0, t0 = quantile_time(ds, cut, 0.5, err, &t1, 0.75);
	if (t0 == INT64_MIN || rg_index_build(&idx, ds, err))
		goto out;
	uint32_t stride = (ds->n_users + RG_MAX_USERS - 1) / RG_MAX_USERS;
	if (build_rows(ds, &idx, t0, t1, stride, &tr, p, "realgraph: training rows", err) ||
	    build_rows(ds, &idx, t1, cut, stride, &ev, p, "realgraph: evaluation rows", err))
		goto out;
	if (tr.n == 0) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "realgraph: its training period (from the time before which half the "
			 "impressions before the embedding cut fall, to three quarters) holds no "
			 "viewer and account they follow or saw before");
		goto out;
	}
	if (tr.pos == 0 || tr.pos == tr.n) {
		mrs_fail(err, MRS_ERR_NODATA,
			 "realgraph: the training period has %u positive rows of %zu (no viewer "
			 "engaged with an account they follow or saw before, or all did)",
			 tr.pos, tr.n);
		goto out;
	}
	mrs_torch_init(1);
	mrs_tspec spec = {.kind = MRS_TK_MLP, .n_in = MRS_RG_N_FEATURES, .n_layers = 2,
			  .hidden = {32, 16}, .norm = MRS_TNORM_NONE, .n_heads = 1, .seed = seed};
	if (!(y = mrs_calloc(tr.n, sizeof(float), "realgraph", err)))
		goto out;
	for (size_t i = 0; i < tr.n; i++)
		y[i] = tr.y[i];
	mrs_tprog rp;
	mrs_tprog_init(&rp, p, "realgraph");
	mrs_ttrain t = {.x = tr.x, .n = (int64_t)tr.n, .y = y, .epochs = RG_EPOCHS,
			.batch = RG_BATCH, .lr = RG_LR, .weight_decay = 1e-5f,
			.progress = mrs_tprog_fn, .ud = &rp, .epoch_loss = loss};
	if (mrs_tmodel_new(&spec, &m) != MRS_T_OK) {
		mrs_fail(err, MRS_ERR_MODEL, "realgraph: %s", mrs_torch_last_error());
		goto out;
	}
	int trc = mrs_tmodel_train(m, &t);
	if (trc == MRS_T_CANCELLED) {
		mrs_fail(err, MRS_ERR_CANCELLED, "realgraph: cancelled during training");
		goto out;
	}
	if (trc != MRS_T_OK) {
		mrs_fail(err, MRS_ERR_MODEL, "realgraph: %s", mrs_torch_last_error());
		goto out;
	}
	size_t most = MRS_MAX(tr.n, ev.n);
	if (!(score = mrs_calloc(most, sizeof(float), "realgraph", err)))
		goto out;
	double train_auc = NAN, auc = NAN, base_auc = NAN;
	if (mrs_tmodel_forward(m, tr.x, (int64_t)tr.n, score) != MRS_T_OK)
		goto torch_fail;
	train_auc = rows_auc(score, &tr);
	if (ev.n) {
		if (mrs_tmodel_forward(m, ev.x, (int64_t)ev.n, score) != MRS_T_OK)
			goto torch_fail;
		auc = rows_auc(score, &ev);
		/* the rule's followee part, for comparison: follows, then engagement count */
		for (size_t i = 0; i < ev.n; i++) {
			const float *f = ev.x + i * MRS_RG_N_FEATURES;
			score[i] = f[0] + 0.01f * (f[4] + f[5] + f[6] + f[7]);
		}
		base_auc = rows_auc(score, &ev);
	}
	rc = rg_write(ds, m, dir, cut, t0, t1, seed, stride, &tr, &ev, auc, train_auc, base_auc, loss,
		      mrs_seconds() - start, err);
	goto out;
torch_fail:
	mrs_fail(err, MRS_ERR_MODEL, "realgraph: %s", mrs_torch_last_error());
out:
	mrs_tmodel_free(m);
	free(idx.fwr_time), free(score), free(y);
	rows_free(&tr), rows_free(&ev);
	return rc;
}
