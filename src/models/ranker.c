/* ranker.c: the heavy ranker: a shared tower and one head per action, or a hand-set
 * heuristic when no matching trained model is loaded. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

struct mrs_ranker {
	mrs_tmodel *m;
	float mean[MRS_N_FEATURES];
	float inv_std[MRS_N_FEATURES];
};

void mrs_ranker_params_default(mrs_ranker_params *rp)
{
	*rp = (mrs_ranker_params){
		.hidden = {128, 64},
		.norm = MRS_TNORM_LAYER,
		.dropout = 0.1f,
		.head_hidden = 0,
		.epochs = 16,
		.batch = 256,
		.lr = 0.001f,
		.weight_decay = 1e-5f,
		.seed = 42,
	};
}

/* ------------------------------------------------------------------ heuristic */

static float sigmoid(double z)
{
	return (float)(1.0 / (1.0 + exp(-z)));
}

/*
 * The fallback when no trained ranker matches this build: a hand-set logistic score
 * over a few features (weights chosen by hand, not fitted):
 *   z = -3.2 + 1.0 follows + 2.0 realgraph + 1.5 simclusters + 1.0 twhin
 *       + 4.0 (author_engagement_rate - 0.1) + 0.8 pair_engagements - 0.5 tweet_age
 *       - 1.5 toxicity - 1.0 nsfw
 * like = s(z), retweet = s(z - 1.5), reply = s(z - 2.2), click = s(z - 0.3 + 0.8 link),
 * follow = 0 if already following else s(z - 3 + 1.5 simclusters),
 * negfb = s(-4.5 + 2.5 toxicity + 2.5 nsfw + 1.5 pair_negative - 0.8 follows),
 * report = s(-7 + 4 toxicity + 3 nsfw), any = 1 - prod over positive heads of (1 - p).
 */
void mrs_ranker_heuristic(const float *features, uint32_t n, float *heads)
{
	for (uint32_t i = 0; i < n; i++) {
		const float *f = features + (size_t)i * MRS_N_FEATURES;
		float *h = heads + (size_t)i * MRS_N_HEADS;
		double z = -3.2 + 1.0 * f[F_PAIR_FOLLOWS] + 2.0 * f[F_PAIR_REALGRAPH] +
			   1.5 * f[F_EMB_SIMCLUSTERS] + 1.0 * f[F_EMB_TWHIN] +
			   4.0 * (f[F_AUTHOR_ENG_RATE] - 0.1) + 0.8 * f[F_PAIR_ENGAGEMENTS] -
			   0.5 * f[F_TWEET_AGE] - 1.5 * f[F_SAFETY_TOXICITY] - 1.0 * f[F_SAFETY_NSFW];
		h[MRS_ACT_LIKE] = sigmoid(z);
		h[MRS_ACT_RETWEET] = sigmoid(z - 1.5);
		h[MRS_ACT_REPLY] = sigmoid(z - 2.2);
		h[MRS_ACT_CLICK] = sigmoid(z - 0.3 + 0.8 * f[F_TWEET_LINK]);
		h[MRS_ACT_FOLLOW] =
			f[F_PAIR_FOLLOWS] > 0.5f ? 0.0f : sigmoid(z - 3.0 + 1.5 * f[F_EMB_SIMCLUSTERS]);
		h[MRS_ACT_NEGFB] = sigmoid(-4.5 + 2.5 * f[F_SAFETY_TOXICITY] + 2.5 * f[F_SAFETY_NSFW] +
					   1.5 * f[F_PAIR_NEGATIVE] - 0.8 * f[F_PAIR_FOLLOWS]);
		h[MRS_ACT_REPORT] = sigmoid(-7.0 + 4.0 * f[F_SAFETY_TOXICITY] + 3.0 * f[F_SAFETY_NSFW]);
		double none = 1.0;
		for (int a = 0; a < MRS_N_ACTIONS; a++)
			if (MRS_POSITIVE_MASK & (1u << a))
				none *= 1.0 - h[a];
		h[MRS_HEAD_ANY] = (float)(1.0 - none);
	}
}

/* ------------------------------------------------------------------ training */

static char *ranker_meta(const float *mean, const float *std)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "kind", "heavy_ranker");
	cJSON_AddNumberToObject(m, "feature_spec_version", MRS_FEATURE_SPEC_VERSION);
	cJSON_AddNumberToObject(m, "n_features", MRS_N_FEATURES);
	cJSON_AddNumberToObject(m, "n_heads", MRS_N_HEADS);
	mrs_card_add_floats(m, "mean", mean, MRS_N_FEATURES);
	mrs_card_add_floats(m, "std", std, MRS_N_FEATURES);
	char *s = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return s;
}

int mrs_ranker_fit(const float *x, const float *y, size_t n, const mrs_ranker_params *rp,
		   const char *path, const mrs_progress *p, float *epoch_loss,
		   int64_t *param_count, mrs_error *err)
{
	if (!n)
		return mrs_fail(err, MRS_ERR_DATA, "heavy_ranker: no training rows");
	float mean[MRS_N_FEATURES], std[MRS_N_FEATURES];
	for (int j = 0; j < MRS_N_FEATURES; j++) {
		double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++) {
			double v = x[i * MRS_N_FEATURES + j];
			s += v;
			ss += v * v;
		}
		double mu = s / (double)n, var = ss / (double)n - mu * mu;
		mean[j] = (float)mu;
		std[j] = var > 1e-12 ? (float)sqrt(var) : 1.0f;
	}
	float *xs = mrs_calloc(n * MRS_N_FEATURES, sizeof(float), "ranker rows", err);
	if (!xs)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < MRS_N_FEATURES; j++)
			xs[i * MRS_N_FEATURES + j] = (x[i * MRS_N_FEATURES + j] - mean[j]) / std[j];
	mrs_tspec spec = {
		.kind = MRS_TK_MLP,
		.n_in = MRS_N_FEATURES,
		.n_layers = 2,
		.hidden = {rp->hidden[0], rp->hidden[1]},
		.norm = rp->norm,
		.dropout = rp->dropout,
		.n_heads = MRS_N_HEADS,
		.head_hidden = rp->head_hidden,
		.seed = rp->seed,
	};
	mrs_tmodel *m = NULL;
	char *meta = NULL;
	int rc = -1, st = mrs_tmodel_new(&spec, &m);
	if (st) {
		mrs_torch_fail(err, st, "heavy_ranker");
		goto out;
	}
	mrs_tprog tp;
	mrs_tprog_init(&tp, p, "heavy_ranker");
	mrs_ttrain t = {
		.x = xs,
		.n = (int64_t)n,
		.y = y,
		.epochs = rp->epochs,
		.batch = rp->batch,
		.lr = rp->lr,
		.weight_decay = rp->weight_decay,
		.progress = mrs_tprog_fn,
		.ud = &tp,
		.report_every = 8192,
		.epoch_loss = epoch_loss,
	};
	if ((st = mrs_tmodel_train(m, &t))) {
		mrs_torch_fail(err, st, "heavy_ranker");
		goto out;
	}
	if (!(meta = ranker_meta(mean, std))) {
		mrs_fail(err, MRS_ERR_NOMEM, "heavy_ranker: out of memory");
		goto out;
	}
	if (mrs_torch_save(m, path, meta, err))
		goto out;
	if (param_count)
		*param_count = mrs_tmodel_param_count(m);
	rc = 0;
out:
	free(xs), free(meta);
	mrs_tmodel_free(m);
	return rc;
}

/* ------------------------------------------------------------------ the engine part */

void mrs_ranker_free(struct mrs_ranker *rk)
{
	if (!rk)
		return;
	mrs_tmodel_free(rk->m);
	free(rk);
}

/* Checks a card or meta object against this build's feature spec; fills why on a
 * mismatch. */
static bool spec_matches(const cJSON *o, const char *what, char *why, size_t size)
{
	const cJSON *v = cJSON_GetObjectItem(o, "feature_spec_version");
	const cJSON *nf = cJSON_GetObjectItem(o, "n_features");
	if (!cJSON_IsNumber(v) || !cJSON_IsNumber(nf)) {
		snprintf(why, size, "%s has no feature spec", what);
		return false;
	}
	long long version = mrs_card_int(o, "feature_spec_version");
	long long n = mrs_card_int(o, "n_features");
	if (version < 0 || n < 0) {
		snprintf(why, size,
			 "%s: feature_spec_version %.17g or n_features %.17g is not a whole number",
			 what, v->valuedouble, nf->valuedouble);
		return false;
	}
	if (version != MRS_FEATURE_SPEC_VERSION || n != MRS_N_FEATURES) {
		snprintf(why, size,
			 "%s is for feature spec version %lld with %lld features, this build has "
			 "version %d with %d",
			 what, version, n, MRS_FEATURE_SPEC_VERSION, MRS_N_FEATURES);
		return false;
	}
	return true;
}

static bool read_floats(const cJSON *o, const char *name, float *out)
{
	const cJSON *a = cJSON_GetObjectItem(o, name);
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != MRS_N_FEATURES)
		return false;
	int i = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, a)
	{
		if (!cJSON_IsNumber(x))
			return false;
		out[i++] = (float)x->valuedouble;
	}
	return true;
}

#define HEURISTIC "the hand-set heuristic ranks instead"

/* Loads DIR/heavy_ranker.pt after checking its meta and (when check_card) its card
 * against this build. On a mismatch or a missing file: 0 with *out NULL and the reason in
 * why; -1 only when memory runs out. */
static int ranker_load(const char *dir, bool check_card, struct mrs_ranker **out, char *why,
		       size_t size, mrs_error *err)
{
	*out = NULL;
	char path[4096];
	if (mrs_model_path(path, sizeof path, dir, "heavy_ranker", "pt", err))
		return -1;
	bool ok = true;
	if (check_card) {
		mrs_error cerr = {0};
		char card_path[4096];
		cJSON *card = mrs_card_read(dir, "heavy_ranker", &cerr);
		if (!card) {
			snprintf(why, size, "%.200s", cerr.msg);
			return 0;
		}
		if (mrs_model_path(card_path, sizeof card_path, dir, "heavy_ranker", "json", err)) {
			cJSON_Delete(card);
			return -1;
		}
		ok = spec_matches(card, card_path, why, size);
		cJSON_Delete(card);
		if (!ok)
			return 0;
	}
	mrs_tmodel *m = NULL;
	char *meta_text = NULL;
	if (mrs_tmodel_load(path, &m, &meta_text)) {
		snprintf(why, size, "%.200s", mrs_torch_last_error());
		return 0;
	}
	cJSON *meta = cJSON_Parse(meta_text ? meta_text : "");
	free(meta_text);
	struct mrs_ranker *rk = mrs_calloc(1, sizeof *rk, "ranker", err);
	float std[MRS_N_FEATURES];
	mrs_tspec spec;
	mrs_tmodel_get_spec(m, &spec);
	if (!rk) {
		ok = false;
	} else if (!spec_matches(meta, path, why, size)) {
		ok = false;
	} else if (!read_floats(meta, "mean", rk->mean) || !read_floats(meta, "std", std) ||
		   spec.kind != MRS_TK_MLP || spec.n_in != MRS_N_FEATURES ||
		   spec.n_heads != MRS_N_HEADS) {
		snprintf(why, size, "%.200s: not a heavy ranker of this shape", path);
		ok = false;
	}
	cJSON_Delete(meta);
	if (!ok) {
		bool nomem = !rk;
		mrs_tmodel_free(m);
		free(rk);
		return nomem ? -1 : 0;
	}
	for (int j = 0; j < MRS_N_FEATURES; j++)
		rk->inv_std[j] = std[j] > 0 ? 1.0f / std[j] : 1.0f;
	rk->m = m;
	*out = rk;
	return 0;
}

/* Engagements in [now - L, now) of the tweets that have one there, over their number (the
 * negative sampler's window, negatives.c), at the engine's now; 0 without any. */
static double window_mean(const mrs_engine *e)
{
	const mrs_dataset *ds = e->ds;
	int64_t from = e->now - (int64_t)(ds->time_scale.age_limit_hours * MRS_HOUR);
	double total = 0, tweets = 0;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		uint32_t k = mrs_counts_timp_end(e, t, e->now) - mrs_counts_timp_end(e, t, from);
		total += k;
		tweets += k > 0;
	}
	return tweets > 0 ? total / tweets : 0;
}

void mrs_ranker_sampling_correct(const mrs_engine *e, const uint32_t *tweets, uint32_t n,
				 int64_t now, float *heads)
{
	if (!(e->neg_mean > 0))
		return;
	const mrs_dataset *ds = e->ds;
	int64_t from = now - (int64_t)(ds->time_scale.age_limit_hours * MRS_HOUR);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = tweets[i];
		uint32_t k = mrs_counts_timp_end(e, t, now) - mrs_counts_timp_end(e, t, from);
		double m = (k + 1.0) / (e->neg_mean + 1.0);
		float *h = heads + (size_t)i * MRS_N_HEADS;
		for (int a = 0; a < MRS_N_HEADS; a++) {
			if (a < MRS_N_ACTIONS && !(MRS_POSITIVE_MASK & (1u << a)))
				continue;
			double p = fmin(fmax((double)h[a], 1e-7), 1 - 1e-7), odds = p / (1 - p) * m;
			h[a] = (float)(odds / (1 + odds));
		}
	}
}

int mrs_ranker_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	mrs_model_status *st = &e->status[MRS_MODEL_RANKER];
	st->loaded = false;
	char why[256];
	if (mrs_model_refused(e, MRS_MODEL_RANKER, why, sizeof why)) {
		snprintf(st->note, sizeof st->note, "%s: " HEURISTIC, why);
		return 0;
	}
	if (ranker_load(e->models_dir, true, &e->rk, why, sizeof why, err))
		return -1;
	if (!e->rk) {
		snprintf(st->note, sizeof st->note, "%.200s; " HEURISTIC, why);
		return 0;
	}
	st->loaded = true;
	snprintf(st->note, sizeof st->note, "loaded %.200s/heavy_ranker.pt", e->models_dir);
	if (mrs_engagements_only(e->ds))
		e->neg_mean = window_mean(e);
	return mrs_progress_report(p, "heavy ranker", 1, 1, NULL)
		       ? mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled")
		       : 0;
}

/* Standardises the rows and runs one batched forward. */
static int ranker_forward(const struct mrs_ranker *rk, const float *features, size_t n,
			  float *heads, mrs_error *err)
{
	float *xs = mrs_calloc(n * MRS_N_FEATURES, sizeof(float), "ranker input", err);
	if (!xs)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < MRS_N_FEATURES; j++)
			xs[i * MRS_N_FEATURES + j] =
				(features[i * MRS_N_FEATURES + j] - rk->mean[j]) * rk->inv_std[j];
	int st = mrs_tmodel_forward(rk->m, xs, (int64_t)n, heads);
	free(xs);
	return st ? mrs_torch_fail(err, st, "heavy_ranker") : 0;
}

int mrs_ranker_eval_dir(const char *dir, const float *features, size_t n, float *heads,
			mrs_error *err)
{
	struct mrs_ranker *rk;
	char why[256];
	if (ranker_load(dir, false, &rk, why, sizeof why, err))
		return -1;
	if (!rk)
		return mrs_fail(err, MRS_ERR_MODEL, "%s", why);
	int rc = 0;
	for (size_t lo = 0; lo < n && !rc; lo += 8192) {
		size_t k = MRS_MIN(n - lo, (size_t)8192);
		rc = ranker_forward(rk, features + lo * MRS_N_FEATURES, k, heads + lo * MRS_N_HEADS,
				    err);
	}
	mrs_ranker_free(rk);
	return rc;
}

int mrs_ranker_predict(const mrs_engine *e, const float *features, uint32_t n, float *heads,
		       mrs_error *err)
{
	if (!n)
		return 0;
	if (!e->rk) {
		mrs_ranker_heuristic(features, n, heads);
		return 0;
	}
	return ranker_forward(e->rk, features, n, heads, err);
}
