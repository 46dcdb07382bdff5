/* eval.c: offline evaluation on the temporal or the random split: the pipeline and its
 * baselines ranked against each test user's test rows, per-source recall, model metrics on
 * the test impressions, and the oracle ceiling from the ground truth. */
#include <math.h>
#include <stdio.h>

#include <cJSON.h>

#include "eval/eval.h"

static const char *const system_names[MRS_N_SYSTEMS] = {
	"pipeline", "oracle", "oracle_all", "random", "popular", "item_knn", "bpr",
	"chronological", "twhin", "seed", "twitter-2023", "x-2026",
};

/* Chosen on validation splits (README), as mrs_knn_defaults (models/coengage.c). */
const mrs_bpr_params mrs_bpr_defaults = {.factors = 64, .epochs = 400, .lr = 0.05f, .reg = 0.03f};

const char *mrs_system_name(int sys)
{
	return sys >= 0 && sys < MRS_N_SYSTEMS ? system_names[sys] : NULL;
}

struct mrs_evaluator {
	const mrs_dataset *full;
	mrs_dataset *own_full;   /* the validation split's dataset, when evaluating on it */
	mrs_dataset *train;
	uint8_t *test_row;       /* MRS_SPLIT_RANDOM: [full->n_impressions] 1 for a test row */
	unsigned row_actions;    /* the actions that make an impression a row of the log */
	mrs_ui_log log;          /* the train rows, for the baselines */
	mrs_item_knn *knn;
	mrs_bpr *bpr;
	/* the baselines' parameters as trained (after the size rules), and the rules that
	 * applied */
	mrs_knn_params knn_used;
	mrs_bpr_params bpr_used;
	char baselines_note[400];
	uint32_t test_rows, test_rows_early;
	/* MRS_SPLIT_RANDOM: the models the engine opened (the split's own, or the serving
	 * set's and why) */
	char models_dir[4200];
	char models_note[400];
	mrs_engine *engine;
	mrs_engine *serving;     /* the serving engine, when the dataset maps from its
				  * snapshot: engine borrows its safety scores */
	mrs_truth *truth;
	mrs_eval_opts o;
	int64_t now;
	uint32_t n_users;
	uint32_t *users;
	uint32_t *rel_off, *rel; /* per evaluated user: test-split positives, ascending */
	uint32_t test_users;
	mrs_request **req;       /* one per user with keep_requests, else one shared */
	mrs_request *shared;
	/* with keep_requests: each user's oracle list (oracle_n[k] tweets at oracle[k * K]),
	 * reused while the request's candidates stand (a run from after the prefilter), as
	 * in tune's searches: the truth's ranking of the same pool does not change */
	uint32_t *oracle, *oracle_n, oracle_k;
};

void mrs_evaluator_free(mrs_evaluator *ev)
{
	if (!ev)
		return;
	if (ev->req)
		for (uint32_t i = 0; i < ev->n_users; i++)
			mrs_request_free(ev->req[i]);
	free(ev->req);
	free(ev->oracle), free(ev->oracle_n);
	mrs_request_free(ev->shared);
	mrs_engine_free(ev->engine);
	mrs_engine_free(ev->serving);
	mrs_dataset_free(ev->train);
	mrs_dataset_free(ev->own_full);
	free(ev->test_row);
	mrs_ui_log_free(&ev->log);
	mrs_item_knn_free(ev->knn);
	mrs_bpr_free(ev->bpr);
	mrs_truth_free(ev->truth);
	free(ev->users), free(ev->rel_off), free(ev->rel);
	free(ev);
}

const mrs_engine *mrs_evaluator_engine(const mrs_evaluator *ev)
{
	return ev->engine;
}

const char *mrs_evaluator_models(const mrs_evaluator *ev, const char **note)
{
	if (note)
		*note = ev->models_note;
	return ev->models_dir;
}

void mrs_evaluator_period(const mrs_evaluator *ev, int64_t *from, int64_t *to)
{
	*from = ev->full->split_time;
	*to = ev->now;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Is the system asked for (and, for the oracles, is there a truth to ask)? */
static bool want(const mrs_evaluator *ev, int sys)
{
	if (sys == MRS_SYS_ORACLE || sys == MRS_SYS_ORACLE_ALL)
		if (!ev->truth)
			return false;
	return !ev->o.systems || (ev->o.systems >> sys & 1);
}

/* Is impression i of the full dataset a test row: under the temporal split a positive
 * engagement from the split time on, under the random split one the split drew. */
static bool test_row(const mrs_evaluator *ev, uint32_t i)
{
	const mrs_dataset *ds = ev->full;
	if (ev->o.split == MRS_SPLIT_RANDOM)
		return ev->test_row[i];
	return ds->imp_time[i] >= ds->split_time && (ds->imp_actions[i] & MRS_POSITIVE_MASK);
}

/* Can u be evaluated: a test row, and under the random split a train row too (the
 * published protocol scores the users that both the test and the train rows hold). */
static bool test_user(const mrs_evaluator *ev, uint32_t u)
{
	const mrs_dataset *ds = ev->full;
	bool random = ev->o.split == MRS_SPLIT_RANDOM, test = false, train = !random;
	for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1] && !(test && train); i++) {
		test |= test_row(ev, i);
		train |= random && ds->imp_actions[i] && !ev->test_row[i];
	}
	return test && train;
}

/* Test users, a fixed sample of them when asked, and each one's relevant tweets. */
static int pick_users(mrs_evaluator *ev, mrs_error *err)
{
	const mrs_dataset *ds = ev->full;
	uint32_t *all = mrs_calloc(ds->n_users, sizeof(uint32_t), "evaluation", err);
	if (!all)
		return -1;
	uint32_t n = 0;
	for (uint32_t u = 0; u < ds->n_users; u++)
		if (test_user(ev, u))
			all[n++] = u;
	ev->test_users = n;
	if (ev->o.users && ev->o.users < n) {
		/* partial Fisher-Yates with the evaluation seed, then back in id order */
		mrs_rng r;
		mrs_rng_seed(&r, ev->o.seed ^ 0xe7a1);
		for (uint32_t i = 0; i < ev->o.users; i++) {
			uint32_t j = i + mrs_rng_below(&r, n - i);
			uint32_t t = all[i];
			all[i] = all[j], all[j] = t;
		}
		n = ev->o.users;
		qsort(all, n, sizeof *all, cmp_u32);
	}
	ev->users = all;
	ev->n_users = n;
	size_t total = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t u = all[k];
		for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++)
			total += test_row(ev, i);
	}
	ev->rel_off = mrs_calloc((size_t)n + 1, sizeof(uint32_t), "evaluation", err);
	ev->rel = mrs_calloc(total, sizeof(uint32_t), "evaluation", err);
	if (!ev->rel_off || !ev->rel)
		return -1;
	uint32_t m = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t u = all[k];
		ev->rel_off[k] = m;
		for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++)
			if (test_row(ev, i))
				ev->rel[m++] = ds->imp_tweet[i];
		qsort(ev->rel + ev->rel_off[k], m - ev->rel_off[k], sizeof(uint32_t), cmp_u32);
	}
	ev->rel_off[n] = m;
	return 0;
}

mrs_dataset *mrs_eval_validation_dataset(const mrs_dataset *ds, const mrs_eval_opts *o,
					 mrs_error *err)
{
	if (o->split == MRS_SPLIT_RANDOM) {
		uint8_t *test = mrs_calloc(ds->n_impressions, 1, "validation split", err);
		if (!test || mrs_split_random(ds, o->ratio, o->seed, test, err)) {
			free(test);
			return NULL;
		}
		mrs_dataset *v = mrs_dataset_without(ds, test, err);
		free(test);
		return v;
	}
	mrs_dataset *v = mrs_dataset_before(ds, ds->split_time, err);
	if (!v)
		return NULL;
	int64_t cut = mrs_split_time(v, 0.8, err);
	if (cut == INT64_MIN) {
		mrs_dataset_free(v);
		return NULL;
	}
	v->split_time = cut;
	v->t_end = ds->split_time - 1;
	return v;
}

/* The train rows as a user-item log, and the baselines asked for trained on it. */
static int train_baselines(mrs_evaluator *ev, const mrs_progress *progress, mrs_error *err)
{
	const mrs_dataset *tv = ev->train;
	uint32_t *user = mrs_calloc(tv->n_impressions, sizeof(uint32_t), "baselines", err);
	uint32_t *item = mrs_calloc(tv->n_impressions, sizeof(uint32_t), "baselines", err);
	int rc = -1;
	if (!user || !item)
		goto out;
	size_t n = 0;
	for (uint32_t i = 0; i < tv->n_impressions; i++)
		if (tv->imp_actions[i] & ev->row_actions) {
			user[n] = tv->imp_user[i];
			item[n++] = tv->imp_tweet[i];
		}
	if (mrs_ui_log_build(&ev->log, tv->n_users, tv->n_tweets, user, item, n, err))
		goto out;
	/* under the temporal split, the co-engagement index's size rule (coengage.c): above
	 * MRS_COENG_ALL_TARGETS_MAX train rows, a few neighbours a tweet, toward the tweets
	 * the age limit lets through at the split only */
	mrs_knn_params kp = ev->o.knn;
	uint32_t first = 0;
	size_t len = 0;
	if (ev->o.split != MRS_SPLIT_RANDOM &&
	    mrs_coeng_size_rule(ev->full, ev->full->split_time, n, &kp, &first) &&
	    want(ev, MRS_SYS_ITEM_KNN))
		len += (size_t)snprintf(ev->baselines_note, sizeof ev->baselines_note,
					"item-kNN %u neighbours a tweet, toward tweets %u.. only "
					"(above %u train rows)",
					kp.neighbours, first, (unsigned)MRS_COENG_ALL_TARGETS_MAX);
	ev->knn_used = kp;
	if (want(ev, MRS_SYS_ITEM_KNN) &&
	    !(ev->knn = mrs_item_knn_train_weighted(
		      &ev->log, &kp, ev->o.knn_weights ? ev->o.knn_weights : &mrs_knn_cosine, first,
		      progress, err)))
		goto out;
	/* BPR's size rule (eval.h), over the tweets the log holds */
	mrs_bpr_params bp = ev->o.bpr;
	uint8_t *in_log = mrs_calloc(MRS_MAX(tv->n_tweets, 1u), 1, "baselines", err);
	if (!in_log)
		goto out;
	uint32_t n_known = 0;
	for (size_t e = 0; e < ev->log.off[ev->log.n_users]; e++)
		if (!in_log[ev->log.item[e]]) {
			in_log[ev->log.item[e]] = 1;
			n_known++;
		}
	free(in_log);
	if (mrs_bpr_size_rule(ev->log.off[ev->log.n_users], n_known, &bp) && want(ev, MRS_SYS_BPR))
		snprintf(ev->baselines_note + len, sizeof ev->baselines_note - len,
			 "%sBPR %u factors, %u epochs (above %g GiB of tweet factors or %zu "
			 "million triples)",
			 len ? "; " : "", bp.factors, bp.epochs,
			 (double)MRS_BPR_TABLE_MAX / (1u << 30), MRS_BPR_STEPS_MAX / 1000000u);
	ev->bpr_used = bp;
	if (want(ev, MRS_SYS_BPR) &&
	    !(ev->bpr = mrs_bpr_train(&ev->log, &bp, ev->o.seed, progress, err)))
		goto out;
	rc = 0;
out:
	free(user), free(item);
	return rc;
}

/* A number in the card of set's model (at key, inside object `in` when not NULL), or
 * def. */
static double card_number(const char *set, int model, const char *in, const char *key,
			  double def)
{
	cJSON *card = mrs_card_read(set, mrs_model_name(model), NULL);
	const cJSON *o = in ? cJSON_GetObjectItemCaseSensitive(card, in) : card;
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	double v = cJSON_IsNumber(x) && x->valuedouble >= 0 ? x->valuedouble : def;
	cJSON_Delete(card);
	return v;
}

int mrs_eval_models_like(const char *set, const mrs_dataset *ds, const char *dir,
			 const char *dataset_path, const mrs_progress *progress, char *note,
			 size_t note_size, mrs_error *err)
{
	/* kept from an earlier run: a cut view's cards name its base's fingerprint, so the
	 * view checks them */
	char have[4200];
	mrs_card_check cc[MRS_N_MODELS];
	mrs_error ignore = {0};
	if (mrs_models_current(dir, have, sizeof have, &ignore) == 0) {
		mrs_models_check(have, ds, cc);
		if (cc[MRS_MODEL_RANKER].state == MRS_CARD_THIS && !cc[MRS_MODEL_RANKER].skipped[0])
			return 0;
	}
	/* as the set was trained: its seed and safety buckets (train's own defaults without
	 * them), and the command's default cap on ranker rows */
	mrs_train_opts to = {
		.models_dir = dir,
		.seed = (uint64_t)card_number(set, MRS_MODEL_RANKER, NULL, "seed", 42),
		.max_rows = 300000,
		.safety_buckets = (uint32_t)card_number(set, MRS_MODEL_NSFW, "hyper_parameters",
							"buckets", 0),
		.dataset_path = dataset_path,
	};
	mrs_error terr = {0};
	if (!mrs_train(ds, &to, progress, &terr))
		return 1;
	if (terr.code == MRS_ERR_CANCELLED || terr.code == MRS_ERR_NOMEM) {
		if (err)
			*err = terr;
		return -1;
	}
	snprintf(note, note_size, "%s", terr.msg);
	return 2;
}

/* Under the random split, models that learnt from the train rows alone: trained on the
 * train view into SET/split-random-RATIO-SEED (-validation on the validation split),
 * kept there for the next run. The serving models learnt from every row before the split
 * time, most of the test rows among them. When no ranker of this dataset serves, or none
 * can be trained, the serving set scores and ev->models_note says why. */
static int random_models(mrs_evaluator *ev, const mrs_progress *progress, mrs_error *err)
{
	const char *dir = ev->o.models_dir && *ev->o.models_dir ? ev->o.models_dir : "models";
	char set[4096];
	if (mrs_models_current(dir, set, sizeof set, err))
		return -1;
	snprintf(ev->models_dir, sizeof ev->models_dir, "%s", set);
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(set, ev->full, cc);
	if (cc[MRS_MODEL_RANKER].state != MRS_CARD_THIS || cc[MRS_MODEL_RANKER].skipped[0]) {
		snprintf(ev->models_note, sizeof ev->models_note,
			 "no heavy ranker of this dataset serves: nothing trained for the split");
		return 0;
	}
	char own[sizeof ev->models_dir];
	if ((size_t)snprintf(own, sizeof own, "%s/split-random-%g-%llu%s", set, ev->o.ratio,
			     (unsigned long long)ev->o.seed,
			     ev->o.validation ? "-validation" : "") >= sizeof own)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", set);
	mrs_progress_report(progress, "models of the random split's train rows", 0, 1, own);
	char why[320];
	int rc = mrs_eval_models_like(set, ev->train, own, ev->full->path, progress, why,
				      sizeof why, err);
	if (rc < 0)
		return -1;
	if (rc == 2)
		snprintf(ev->models_note, sizeof ev->models_note,
			 "none could be trained on the train rows alone: %.300s", why);
	else
		snprintf(ev->models_dir, sizeof ev->models_dir, "%s", own);
	return 0;
}

/* The train view: the dataset before its split time, or without the random split's test
 * rows (whose count, and how many are older than the split time, the result reports). */
static int make_train_view(mrs_evaluator *ev, mrs_error *err)
{
	const mrs_dataset *ds = ev->full;
	if (ev->o.split != MRS_SPLIT_RANDOM) {
		ev->row_actions = MRS_POSITIVE_MASK;
		ev->train = mrs_dataset_before(ds, ds->split_time, err);
		return ev->train ? 0 : -1;
	}
	ev->row_actions = 0xff;
	/* the validation dataset was made with the seed: split it again with another */
	uint64_t seed = ev->o.validation ? mrs_hash64(ev->o.seed) : ev->o.seed;
	ev->test_row = mrs_calloc(ds->n_impressions, 1, "random split", err);
	if (!ev->test_row || mrs_split_random(ds, ev->o.ratio, seed, ev->test_row, err))
		return -1;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		ev->test_rows += ev->test_row[i];
		ev->test_rows_early += ev->test_row[i] && ds->imp_time[i] < ds->split_time;
	}
	ev->train = mrs_dataset_without(ds, ev->test_row, err);
	return ev->train ? 0 : -1;
}

mrs_evaluator *mrs_evaluator_new(const mrs_dataset *ds, const mrs_eval_opts *o,
				 const mrs_progress *progress, mrs_error *err)
{
	mrs_evaluator *ev = mrs_calloc(1, sizeof *ev, "evaluator", err);
	if (!ev)
		return NULL;
	ev->o = *o;
	if (!ev->o.k)
		ev->o.k = 10;
	if (!ev->o.model_rows)
		ev->o.model_rows = 50000;
	if (ev->o.split == MRS_SPLIT_TEMPORAL && ev->o.ratio) {
		mrs_fail(err, MRS_ERR_USAGE, "a train ratio applies to the random split only");
		goto fail;
	}
	if (!ev->o.ratio)
		ev->o.ratio = 0.75;
	if (!ev->o.knn.neighbours)
		ev->o.knn = mrs_knn_defaults;
	if (!ev->o.bpr.factors)
		ev->o.bpr = mrs_bpr_defaults;
	if (ev->o.split == MRS_SPLIT_RANDOM && !(ev->o.ratio > 0 && ev->o.ratio < 1)) {
		mrs_fail(err, MRS_ERR_USAGE, "the train ratio must be between 0 and 1, not %g",
			 ev->o.ratio);
		goto fail;
	}
	if (ev->o.split == MRS_SPLIT_TEMPORAL &&
	    (ds->split_time <= ds->t_begin || ds->split_time > ds->t_end)) {
		mrs_fail(err, MRS_ERR_DATA, "%s: the dataset has no test split to evaluate on",
			 ds->path ? ds->path : "dataset");
		goto fail;
	}
	/* the ground truth is the world's, loaded against the file's dataset whichever period
	 * is scored (its impressions' probabilities serve the model metrics alone, which
	 * the validation split does not compute) */
	const mrs_dataset *file = ds;
	if (ev->o.validation && !(ds = ev->own_full = mrs_eval_validation_dataset(ds, &ev->o, err)))
		goto fail;
	ev->full = ds;
	ev->now = ds->t_end + 1;
	mrs_progress_report(progress, "train view", 0, 1, NULL);
	if (make_train_view(ev, err))
		goto fail;
	if (ev->o.split == MRS_SPLIT_RANDOM && random_models(ev, progress, err))
		goto fail;
	/* a dataset mapped from its serving snapshot opens its serving engine at once; the
	 * train view's engine then borrows the safety scores of every text from it instead
	 * of computing them again (it ignores them when its models are another set) */
	if (file->snap) {
		mrs_error serr = {0};
		mrs_engine_opts so = {.models_dir = o->models_dir, .snapshot_only = true};
		ev->serving = mrs_engine_open(file, &so, NULL, &serr);
		if (!ev->serving && serr.code == MRS_ERR_NOMEM) {
			mrs_fail(err, MRS_ERR_NOMEM, "%s", serr.msg);
			goto fail;
		}
	}
	mrs_engine_opts eo = {.models_dir = ev->o.split == MRS_SPLIT_RANDOM ? ev->models_dir
									    : o->models_dir,
			      .now = ev->now, .sc_mode = o->sc_mode, .rg_mode = o->rg_mode,
			      .texts_from = ev->serving};
	if (!(ev->engine = mrs_engine_open(ev->train, &eo, progress, err)))
		goto fail;
	if (file->has_truth && file->path) {
		if (!(ev->truth = mrs_truth_load(file->path, file, err)))
			goto fail;
	}
	if (pick_users(ev, err))
		goto fail;
	if ((want(ev, MRS_SYS_ITEM_KNN) || want(ev, MRS_SYS_BPR)) &&
	    train_baselines(ev, progress, err))
		goto fail;
	if (ev->o.keep_requests) {
		ev->req = mrs_calloc(ev->n_users ? ev->n_users : 1, sizeof *ev->req, "evaluator", err);
		if (!ev->req)
			goto fail;
		for (uint32_t i = 0; i < ev->n_users; i++)
			if (!(ev->req[i] = mrs_request_new(ev->engine, err)))
				goto fail;
		ev->oracle_k = ev->o.k;
		ev->oracle = mrs_calloc((size_t)MRS_MAX(ev->n_users, 1u) * ev->o.k,
					sizeof *ev->oracle, "evaluator", err);
		ev->oracle_n = mrs_calloc(MRS_MAX(ev->n_users, 1u), sizeof *ev->oracle_n,
					  "evaluator", err);
		if (!ev->oracle || !ev->oracle_n)
			goto fail;
		for (uint32_t i = 0; i < ev->n_users; i++)
			ev->oracle_n[i] = MRS_NONE;
	} else if (!(ev->shared = mrs_request_new(ev->engine, err))) {
		goto fail;
	}
	return ev;
fail:
	mrs_evaluator_free(ev);
	return NULL;
}

/* ------------------------------------------------------------ accumulation */

typedef struct acc {
	double ndcg, precision, recall, rr, hit, ap, diversity, length;
	uint32_t lists;
	uint32_t *exposure; /* per eligible tweet (elig_pos) */
} acc;

typedef struct run_ctx {
	mrs_evaluator *ev;
	const mrs_config *cfg;
	uint32_t k;
	uint32_t lo, hi;      /* eligible tweets have ids in [lo, hi): younger than the age
			       * limit (temporal split), or any (random split) ... */
	uint32_t *elig;       /* ... and are these, ascending (random split: with a train row) */
	uint32_t n_elig;
	uint32_t *elig_pos;   /* [n_tweets] index in elig, or MRS_NONE */
	uint8_t *seen;        /* [n_tweets] the user's train impressions, while ranking for one */
	float *item_score;    /* [n_tweets] a baseline's scores for one user */
	mrs_scored *top;      /* [k + 1] scratch for rank_scores */
	acc a[MRS_N_SYSTEMS];
	bool want[MRS_N_SYSTEMS];
	uint32_t *list;       /* scratch: a ranked list */
	float *score;         /* scratch */
	uint32_t *idx;        /* scratch */
	size_t scratch;
	uint32_t *popular;    /* eligible tweets by train engagements */
	uint32_t n_popular;
	/* sources */
	double src_hits[MRS_N_SOURCES], src_found[MRS_N_SOURCES], src_both[MRS_N_SOURCES][MRS_N_SOURCES];
	double union_hits, rel_total, share[MRS_N_SOURCES], share_total, src_ndcg[MRS_N_SOURCES];
	mrs_rng rng;
	/* pool scores by network side, for the gap analysis */
	float *pool_model[2], *pool_truth[2], *pool_final[2];
	uint8_t *pool_rel[2];
	size_t pool_n[2], pool_cap[2];
	/* the safety thresholds, and how many of the pools' candidates have a score, a
	 * latent above each */
	mrs_safety_share thr[MRS_N_SAFETY_SHARES];
	double share_score[MRS_N_SAFETY_SHARES], share_latent[MRS_N_SAFETY_SHARES];
} run_ctx;

/* The thresholds of the safety stage: model 0 is NSFW, 1 toxicity. */
static void share_thresholds(const mrs_config *cfg, mrs_safety_share *sh)
{
	const float thr[MRS_N_SAFETY_SHARES] = {cfg->nsfw_high, cfg->nsfw_mid, cfg->tox_high,
						cfg->tox_mid};
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++)
		sh[i] = (mrs_safety_share){i < 2 ? "nsfw" : "toxicity", thr[i], NAN, NAN, NAN};
}

/* The shares of the candidates counted, and of every tweet's latent, above each threshold. */
static void finish_shares(const run_ctx *x, mrs_eval_result *out)
{
	const mrs_truth *tr = x->ev->truth;
	const mrs_dataset *ds = x->ev->full;
	double n = x->pool_n[0] + x->pool_n[1];
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++) {
		mrs_safety_share *sh = &out->safety_share[i];
		*sh = x->thr[i];
		if (n > 0)
			sh->scores = x->share_score[i] / n;
		if (!tr)
			continue;
		if (n > 0)
			sh->latents = x->share_latent[i] / n;
		const float *lat = i < 2 ? tr->tweet_nsfw : tr->tweet_toxicity;
		uint32_t above = 0;
		for (uint32_t t = 0; t < ds->n_tweets; t++)
			above += lat[t] > sh->threshold;
		sh->all_latents = ds->n_tweets ? (double)above / ds->n_tweets : NAN;
	}
}

/* One candidate's safety scores and latents against the thresholds. */
static void count_shares(run_ctx *x, const mrs_candidate *c)
{
	const mrs_truth *tr = x->ev->truth;
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++) {
		bool nsfw = i < 2;
		double thr = x->thr[i].threshold;
		x->share_score[i] += (nsfw ? c->nsfw : c->tox) > thr;
		if (tr)
			x->share_latent[i] +=
				(nsfw ? tr->tweet_nsfw : tr->tweet_toxicity)[c->tweet] > thr;
	}
}

static int pool_add(run_ctx *x, int side, float model, float truth, float final, uint8_t rel)
{
	if (x->pool_n[side] == x->pool_cap[side]) {
		size_t cap = x->pool_cap[side] ? 2 * x->pool_cap[side] : 4096;
		float *a = realloc(x->pool_model[side], cap * sizeof(float));
		if (a)
			x->pool_model[side] = a;
		float *b = a ? realloc(x->pool_truth[side], cap * sizeof(float)) : NULL;
		if (b)
			x->pool_truth[side] = b;
		float *c = b ? realloc(x->pool_final[side], cap * sizeof(float)) : NULL;
		if (c)
			x->pool_final[side] = c;
		uint8_t *d = c ? realloc(x->pool_rel[side], cap) : NULL;
		if (!d)
			return -1;
		x->pool_rel[side] = d;
		x->pool_cap[side] = cap;
	}
	size_t i = x->pool_n[side]++;
	x->pool_model[side][i] = model;
	x->pool_truth[side][i] = truth;
	x->pool_final[side][i] = final;
	x->pool_rel[side][i] = rel;
	return 0;
}

/* Every eligible candidate of the pool, with the three scores the gap analysis compares. */
static int collect_pool(run_ctx *x, const mrs_request *r, uint32_t u, const uint32_t *rel,
			uint32_t n_rel)
{
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(r, &n);
	float p[MRS_N_ACTIONS];
	for (uint32_t i = 0; i < n; i++) {
		if (c[i].dropped_at >= 0 && c[i].dropped_at <= MRS_STAGE_PREFILTER)
			continue;
		float truth = x->ev->truth ? (float)mrs_truth_pair_probs(x->ev->truth, x->ev->full, u,
									  c[i].tweet, x->ev->now, p)
					   : NAN;
		/* the score it ended with; a visibility drop ranks below everything */
		float final = c[i].dropped_at == MRS_STAGE_SAFETY ? -INFINITY : c[i].score;
		count_shares(x, &c[i]);
		if (pool_add(x, c[i].in_network ? 0 : 1, c[i].heads[MRS_HEAD_ANY], truth, final,
			     mrs_sorted_has(rel, n_rel, c[i].tweet)))
			return -1;
	}
	return 0;
}


static void add_list(run_ctx *x, int sys, const uint32_t *list, uint32_t n, const uint32_t *rel,
		     uint32_t n_rel)
{
	acc *a = &x->a[sys];
	uint32_t k = x->k;
	a->ndcg += mrs_ndcg_at_k(list, n, rel, n_rel, k);
	a->precision += mrs_precision_at_k(list, n, rel, n_rel, k);
	a->recall += mrs_recall_at_k(list, n, rel, n_rel, k);
	double rr = mrs_rr_at_k(list, n, rel, n_rel, k);
	a->rr += rr;
	a->hit += rr > 0;
	a->ap += mrs_ap_at_k(list, n, rel, n_rel, k);
	a->length += n;
	a->lists++;
	uint32_t m = MRS_MIN(n, k), distinct = 0;
	const mrs_dataset *ds = x->ev->full;
	for (uint32_t i = 0; i < m; i++) {
		uint32_t au = mrs_ds_original_author(ds, list[i]);
		bool dup = false;
		for (uint32_t j = 0; j < i && !dup; j++)
			dup = mrs_ds_original_author(ds, list[j]) == au;
		distinct += !dup;
		if (x->elig_pos[list[i]] != MRS_NONE)
			a->exposure[x->elig_pos[list[i]]]++;
	}
	a->diversity += m ? (double)distinct / m : 0;
}

static void finish(run_ctx *x, int sys, mrs_rank_metrics *m)
{
	acc *a = &x->a[sys];
	memset(m, 0, sizeof *m);
	if (!a->lists)
		return;
	m->present = true;
	double n = a->lists;
	m->ndcg = a->ndcg / n;
	m->length = a->length / n;
	m->precision = a->precision / n;
	m->recall = a->recall / n;
	m->mrr = a->rr / n;
	m->hit_rate = a->hit / n;
	m->map = a->ap / n;
	m->author_diversity = a->diversity / n;
	/* a system with lists was wanted, so it has its exposure counts */
	uint32_t elig = x->n_elig, covered = 0;
	for (uint32_t i = 0; i < elig; i++)
		covered += a->exposure[i] > 0;
	m->coverage = elig ? (double)covered / elig : 0;
	m->gini = mrs_gini(a->exposure, elig);
}

/* ------------------------------------------------------------ the systems */

static bool seen_or_own(const mrs_dataset *tv, uint32_t u, uint32_t t)
{
	if (tv->tweet_author[t] == u || mrs_ds_original_author(tv, t) == u)
		return true;
	for (uint32_t i = tv->uimp_off[u]; i < tv->uimp_off[u + 1]; i++)
		if (tv->imp_tweet[i] == t)
			return true;
	return false;
}

/* Would a score v enter the best-first top list s of n entries (at most k)? */
static bool top_k_wants(const mrs_scored *s, uint32_t n, uint32_t k, float v)
{
	return n < k || v > s[n - 1].score;
}

/* Puts (v, tweet) into the top list s of n entries (at most k), after the entries with an
 * equal score; returns the new length. */
static uint32_t top_k_add(mrs_scored *s, uint32_t n, uint32_t k, float v, uint32_t tweet)
{
	uint32_t j = n < k ? n++ : n - 1;
	while (j > 0 && s[j - 1].score < v) {
		s[j] = s[j - 1];
		j--;
	}
	s[j] = (mrs_scored){v, tweet, 0};
	return n;
}

/* Ranks the pool's eligible candidates (alive after the prefilter) by a score. */
static uint32_t rank_pool(run_ctx *x, const mrs_request *r, int by_truth, uint32_t u)
{
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(r, &n);
	mrs_scored *s = malloc(sizeof *s * (n ? n : 1));
	if (!s)
		return 0;
	uint32_t m = 0;
	float p[MRS_N_ACTIONS];
	for (uint32_t i = 0; i < n; i++) {
		if (c[i].dropped_at >= 0 && c[i].dropped_at <= MRS_STAGE_PREFILTER)
			continue;
		float v = by_truth ? (float)mrs_truth_pair_probs(x->ev->truth, x->ev->full, u,
								   c[i].tweet, x->ev->now, p)
				   : c[i].twhin;
		s[m++] = (mrs_scored){v, c[i].tweet, 0};
	}
	qsort(s, m, sizeof *s, mrs_scored_cmp);
	uint32_t k = MRS_MIN(m, x->k);
	for (uint32_t i = 0; i < k; i++)
		x->list[i] = s[i].tweet;
	free(s);
	return k;
}

static uint32_t rank_random(run_ctx *x, uint32_t u)
{
	const mrs_dataset *tv = x->ev->train;
	uint32_t n = 0, elig = x->n_elig;
	for (uint32_t tries = 0; n < x->k && elig && tries < 20 * x->k; tries++) {
		uint32_t t = x->elig[mrs_rng_below(&x->rng, elig)];
		bool dup = false;
		for (uint32_t j = 0; j < n && !dup; j++)
			dup = x->list[j] == t;
		if (!dup && !seen_or_own(tv, u, t))
			x->list[n++] = t;
	}
	return n;
}

static uint32_t rank_popular(run_ctx *x, uint32_t u)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < x->n_popular && n < x->k; i++)
		if (!seen_or_own(x->ev->train, u, x->popular[i]))
			x->list[n++] = x->popular[i];
	return n;
}

/* The top k of the eligible tweets by x->item_score, leaving out u's own tweets and those
 * u has a train impression of (x->seen); ties go to the newer tweet. */
static uint32_t rank_scores(run_ctx *x, uint32_t u)
{
	const mrs_dataset *tv = x->ev->train;
	mrs_scored *s = x->top;
	uint32_t n = 0;
	for (uint32_t e = x->n_elig; e > 0; e--) {
		uint32_t t = x->elig[e - 1];
		float v = x->item_score[t];
		if (top_k_wants(s, n, x->k, v) && !x->seen[t] && tv->tweet_author[t] != u &&
		    mrs_ds_original_author(tv, t) != u)
			n = top_k_add(s, n, x->k, v, t);
	}
	for (uint32_t i = 0; i < n; i++)
		x->list[i] = s[i].tweet;
	return n;
}

/* u's train impressions in x->seen (on) or out of it (off). */
static void mark_seen(run_ctx *x, uint32_t u, uint8_t on)
{
	const mrs_dataset *tv = x->ev->train;
	for (uint32_t i = tv->uimp_off[u]; i < tv->uimp_off[u + 1]; i++)
		x->seen[tv->imp_tweet[i]] = on;
}

static uint32_t rank_item_knn(run_ctx *x, uint32_t u)
{
	const mrs_ui_log *log = &x->ev->log;
	mrs_item_knn_score(x->ev->knn, log->item + log->off[u], log->off[u + 1] - log->off[u],
			   x->item_score);
	return rank_scores(x, u);
}

static uint32_t rank_bpr(run_ctx *x, uint32_t u)
{
	mrs_bpr_score_items(x->ev->bpr, u, x->elig, x->n_elig, x->item_score);
	return rank_scores(x, u);
}

static uint32_t rank_chronological(run_ctx *x, uint32_t u)
{
	const mrs_dataset *tv = x->ev->train;
	uint32_t n = 0;
	for (uint32_t e = tv->fol_off[u]; e < tv->fol_off[u + 1]; e++) {
		uint32_t a = tv->fol_dst[e];
		for (uint32_t i = tv->atw_off[a + 1]; i > tv->atw_off[a]; i--) {
			uint32_t t = tv->atw[i - 1];
			if (t >= x->hi)
				continue;
			if (t < x->lo)
				break;
			if (n < x->scratch)
				x->idx[n++] = t;
		}
	}
	/* newest first: tweet ids are in time order */
	qsort(x->idx, n, sizeof(uint32_t), cmp_u32);
	uint32_t m = 0;
	for (uint32_t i = n; i > 0 && m < x->k; i--)
		if (!seen_or_own(tv, u, x->idx[i - 1]))
			x->list[m++] = x->idx[i - 1];
	return m;
}

static uint32_t rank_oracle_all(run_ctx *x, uint32_t u)
{
	const mrs_dataset *ds = x->ev->full;
	float p[MRS_N_ACTIONS];
	uint32_t n = 0;
	mrs_scored *s = malloc(sizeof *s * (x->k + 1));
	if (!s)
		return 0;
	for (uint32_t e = 0; e < x->n_elig; e++) {
		uint32_t t = x->elig[e];
		if (ds->tweet_author[t] == u || mrs_ds_original_author(ds, t) == u)
			continue;
		float v = (float)mrs_truth_pair_probs(x->ev->truth, ds, u, t, x->ev->now, p);
		if (top_k_wants(s, n, x->k, v) && !seen_or_own(x->ev->train, u, t))
			n = top_k_add(s, n, x->k, v, t);
	}
	for (uint32_t i = 0; i < n; i++)
		x->list[i] = s[i].tweet;
	free(s);
	return n;
}

static uint32_t timeline_list(run_ctx *x, const mrs_request *r)
{
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(r, &order), cn;
	const mrs_candidate *c = mrs_request_candidates(r, &cn);
	n = MRS_MIN(n, x->k);
	for (uint32_t i = 0; i < n; i++)
		x->list[i] = c[order[i]].tweet;
	return n;
}

static void count_sources(run_ctx *x, const mrs_request *r, const uint32_t *rel, uint32_t n_rel)
{
	x->rel_total += n_rel;
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		const mrs_cand_list *l = mrs_request_source(r, s);
		for (uint32_t i = 0; i < l->n; i++) {
			x->src_found[s]++;
			x->src_hits[s] += mrs_sorted_has(rel, n_rel, l->v[i].tweet);
			x->list[MRS_MIN(i, x->scratch - 1)] = l->v[i].tweet;
		}
		x->src_ndcg[s] += mrs_ndcg_at_k(x->list, MRS_MIN(l->n, (uint32_t)x->scratch), rel,
						n_rel, x->k);
	}
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(r, &n);
	for (uint32_t i = 0; i < n; i++) {
		x->union_hits += mrs_sorted_has(rel, n_rel, c[i].tweet);
		for (int a = 0; a < MRS_N_SOURCES; a++)
			for (int b = 0; b < MRS_N_SOURCES; b++)
				if ((c[i].sources >> a & 1) && (c[i].sources >> b & 1))
					x->src_both[a][b]++;
		if (c[i].rank) {
			x->share[c[i].source]++;
			x->share_total++;
		}
	}
}

/* A tweet's train rows. */
static uint32_t train_rows(const mrs_evaluator *ev, uint32_t t)
{
	const mrs_dataset *tv = ev->train;
	uint32_t n = 0;
	for (uint32_t j = tv->timp_off[t]; j < tv->timp_off[t + 1]; j++)
		n += (tv->imp_actions[tv->timp[j]] & ev->row_actions) != 0;
	return n;
}

static int popular_list(run_ctx *x, mrs_error *err)
{
	uint32_t n = x->n_elig;
	mrs_scored *s = mrs_calloc(n ? n : 1, sizeof *s, "popular", err);
	x->popular = mrs_calloc(n ? n : 1, sizeof(uint32_t), "popular", err);
	if (!s || !x->popular) {
		free(s);
		return -1;
	}
	for (uint32_t e = 0; e < n; e++)
		s[e] = (mrs_scored){(float)train_rows(x->ev, x->elig[e]), x->elig[e], 0};
	qsort(s, n, sizeof *s, mrs_scored_cmp);
	for (uint32_t i = 0; i < n; i++)
		x->popular[i] = s[i].tweet;
	x->n_popular = n;
	free(s);
	return 0;
}

/* The eligible tweets: those created in [lo, hi) and, under the random split, with a
 * train row (the published protocol ranks the items the train rows know). */
static int eligible_tweets(run_ctx *x, mrs_error *err)
{
	const mrs_dataset *ds = x->ev->full;
	bool random = x->ev->o.split == MRS_SPLIT_RANDOM;
	x->elig = mrs_calloc(x->hi - x->lo + 1, sizeof(uint32_t), "eligible tweets", err);
	x->elig_pos = mrs_calloc(ds->n_tweets + 1, sizeof(uint32_t), "eligible tweets", err);
	if (!x->elig || !x->elig_pos)
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		x->elig_pos[t] = MRS_NONE;
	for (uint32_t t = x->lo; t < x->hi; t++)
		if (!random || train_rows(x->ev, t)) {
			x->elig_pos[t] = x->n_elig;
			x->elig[x->n_elig++] = t;
		}
	return 0;
}

/* First tweet id created at or after t. */
static uint32_t first_tweet_at(const mrs_dataset *ds, int64_t t)
{
	return mrs_lower_bound_time(ds->tweet_time, NULL, 0, ds->n_tweets, t);
}

/* ------------------------------------------------------------ model metrics */

/* The rows model metrics score: test impressions, and for a log of engagements only the
 * negatives training samples by the same rule (negatives.c), with the same exclusion of
 * engagements at their tweet's creation time. imp is MRS_NONE for a sampled negative. */
typedef struct mm_rows {
	uint32_t n, *user, *tweet, *imp;
	int64_t *time;
	uint8_t *acts;
} mm_rows;

static void mm_rows_free(mm_rows *r)
{
	free(r->user), free(r->tweet), free(r->imp), free(r->time), free(r->acts);
}

static bool mm_is_row(const mrs_dataset *ds, bool neg, uint32_t i)
{
	return ds->imp_time[i] >= ds->split_time && !(neg && mrs_neg_at_creation(ds, i));
}

static int mm_rows_select(mrs_evaluator *ev, mm_rows *r, mrs_error *err)
{
	const mrs_dataset *ds = ev->full;
	mrs_neg_sampler *neg = NULL;
	if (mrs_engagements_only(ds) && !(neg = mrs_neg_sampler_new(ds, ev->o.seed, err)))
		return -1;
	uint32_t n_test = 0, per = neg ? 1 + MRS_NEG_PER_ROW : 1;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n_test += mm_is_row(ds, neg, i);
	uint32_t want = MRS_MIN(n_test, MRS_MAX(ev->o.model_rows / per, 1u));
	size_t cap = (size_t)want * per + 1;
	r->user = mrs_calloc(cap, sizeof(uint32_t), "model metrics", err);
	r->tweet = mrs_calloc(cap, sizeof(uint32_t), "model metrics", err);
	r->imp = mrs_calloc(cap, sizeof(uint32_t), "model metrics", err);
	r->time = mrs_calloc(cap, sizeof(int64_t), "model metrics", err);
	r->acts = mrs_calloc(cap, 1, "model metrics", err);
	int rc = -1;
	if (!r->user || !r->tweet || !r->imp || !r->time || !r->acts)
		goto out;
	/* every stride-th test impression, in dataset order */
	double stride = want ? (double)n_test / want : 1, next = 0;
	uint32_t k = 0, seen = 0;
	for (uint32_t i = 0; i < ds->n_impressions && k < want; i++) {
		if (!mm_is_row(ds, neg, i) || seen++ < (uint32_t)next)
			continue;
		next += stride;
		k++;
		uint32_t j = r->n++, got = 0;
		r->user[j] = ds->imp_user[i], r->tweet[j] = ds->imp_tweet[i];
		r->imp[j] = i, r->time[j] = ds->imp_time[i], r->acts[j] = ds->imp_actions[i];
		if (neg && mrs_neg_sample(neg, ds->imp_user[i], ds->imp_time[i], MRS_NEG_PER_ROW,
					  r->tweet + r->n, &got, err))
			goto out;
		for (uint32_t g = 0; g < got; g++, r->n++) {
			r->user[r->n] = ds->imp_user[i], r->imp[r->n] = MRS_NONE;
			r->time[r->n] = ds->imp_time[i], r->acts[r->n] = 0;
		}
	}
	rc = 0;
out:
	mrs_neg_sampler_free(neg);
	return rc;
}

static int model_metrics(mrs_evaluator *ev, mrs_eval_result *out, const mrs_progress *p,
			 mrs_error *err)
{
	const mrs_dataset *ds = ev->full;
	mm_rows rw = {0};
	float *feat = NULL, *heads = NULL, *score = NULL;
	uint8_t *label = NULL;
	int rc = -1;
	if (mm_rows_select(ev, &rw, err))
		goto out;
	uint32_t rows = rw.n;
	if (!rows) {
		rc = 0;
		goto out;
	}
	feat = mrs_calloc((size_t)rows * MRS_N_FEATURES, sizeof(float), "model metrics", err);
	heads = mrs_calloc((size_t)rows * MRS_N_HEADS, sizeof(float), "model metrics", err);
	score = mrs_calloc(rows, sizeof(float), "model metrics", err);
	label = mrs_calloc(rows, 1, "model metrics", err);
	if (!feat || !heads || !score || !label)
		goto out;
	for (uint32_t r = 0; r < rows; r++) {
		if (mrs_features(ev->engine, rw.user[r], &rw.tweet[r], 1, rw.time[r],
				 feat + (size_t)r * MRS_N_FEATURES, err))
			goto out;
		if ((r & 1023) == 0 && mrs_progress_report(p, "model metrics", r, rows, NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "evaluation cancelled");
			goto out;
		}
	}
	if (mrs_ranker_predict(ev->engine, feat, rows, heads, err))
		goto out;
	for (int h = 0; h < MRS_N_HEADS; h++) {
		uint32_t m = 0;
		for (uint32_t r = 0; r < rows; r++) {
			unsigned acts = rw.acts[r];
			/* the follow head is only asked about authors not yet followed */
			if (h == MRS_ACT_FOLLOW &&
			    mrs_follows_before(ds, rw.user[r], ds->tweet_author[rw.tweet[r]], rw.time[r]))
				continue;
			score[m] = heads[(size_t)r * MRS_N_HEADS + h];
			label[m] = h == MRS_HEAD_ANY ? (acts & MRS_POSITIVE_MASK) != 0 : (acts >> h) & 1;
			m++;
		}
		out->head_auc[h] = mrs_auc(score, label, m);
		out->head_pr_auc[h] = mrs_pr_auc(score, label, m);
		out->head_rce[h] = mrs_rce(score, label, m);
		out->head_oracle_auc[h] = NAN;
		if (ev->truth) {
			m = 0;
			for (uint32_t r = 0; r < rows; r++) {
				if (rw.imp[r] == MRS_NONE)
					continue;
				const float *tp = ev->truth->imp_prob + (size_t)rw.imp[r] * MRS_N_ACTIONS;
				if (h == MRS_ACT_FOLLOW && tp[MRS_ACT_FOLLOW] == 0)
					continue; /* already following: the truth says impossible */
				float v;
				if (h == MRS_HEAD_ANY) {
					double none = 1;
					for (int a = 0; a < MRS_N_ACTIONS; a++)
						if (MRS_POSITIVE_MASK & (1u << a))
							none *= 1 - tp[a];
					v = (float)(1 - none);
				} else {
					v = tp[h];
				}
				unsigned acts = rw.acts[r];
				score[m] = v;
				label[m] = h == MRS_HEAD_ANY ? (acts & MRS_POSITIVE_MASK) != 0 : (acts >> h) & 1;
				m++;
			}
			out->head_oracle_auc[h] = mrs_auc(score, label, m);
		}
	}
	out->has_models = true;
	out->model_rows = rows;
	rc = 0;
out:
	mm_rows_free(&rw);
	free(feat), free(heads), free(score), free(label);
	return rc;
}

static int safety_metrics(mrs_evaluator *ev, mrs_eval_result *out, mrs_error *err)
{
	const mrs_dataset *ds = ev->full;
	uint32_t lo = first_tweet_at(ds, ds->split_time), n = 0;
	for (uint32_t t = lo; t < ds->n_tweets; t++)
		n += ds->label_nsfw[t] >= 0 || ds->label_toxic[t] >= 0;
	out->nsfw_auc = out->tox_auc = out->nsfw_p_at_r90 = out->tox_p_at_r90 = NAN;
	out->nsfw_ece = out->tox_ece = NAN;
	if (!n)
		return 0;
	uint32_t *tw = mrs_calloc(n, sizeof(uint32_t), "safety metrics", err);
	float *ns = mrs_calloc(n, sizeof(float), "safety metrics", err);
	float *tx = mrs_calloc(n, sizeof(float), "safety metrics", err);
	float *sc = mrs_calloc(n, sizeof(float), "safety metrics", err);
	uint8_t *lb = mrs_calloc(n, 1, "safety metrics", err);
	int rc = -1;
	if (!tw || !ns || !tx || !sc || !lb)
		goto out;
	n = 0;
	for (uint32_t t = lo; t < ds->n_tweets; t++)
		if (ds->label_nsfw[t] >= 0 || ds->label_toxic[t] >= 0)
			tw[n++] = t;
	if (mrs_safety_scores(ev->engine, tw, n, ns, tx, err))
		goto out;
	for (int which = 0; which < 2; which++) {
		const int8_t *labels = which ? ds->label_toxic : ds->label_nsfw;
		const float *s = which ? tx : ns;
		uint32_t m = 0;
		for (uint32_t i = 0; i < n; i++)
			if (labels[tw[i]] >= 0) {
				sc[m] = s[i];
				lb[m++] = (uint8_t)labels[tw[i]];
			}
		double auc = mrs_auc(sc, lb, m), p90 = mrs_precision_at_recall(sc, lb, m, 0.9);
		double ece = mrs_ece(sc, lb, m);
		if (which)
			out->tox_auc = auc, out->tox_p_at_r90 = p90, out->tox_ece = ece;
		else
			out->nsfw_auc = auc, out->nsfw_p_at_r90 = p90, out->nsfw_ece = ece;
	}
	out->safety_rows = n;
	rc = 0;
out:
	free(tw), free(ns), free(tx), free(sc), free(lb);
	return rc;
}

/* ------------------------------------------------------------ the run */

/* The lists that come from u's request: the pipeline's timeline (with what its sources
 * found and its candidate pools), its candidates ranked by the truth and by TwHIN alone,
 * and the timeline under each preset asked for. */
/* The oracle's list of user index k's pool into x->list, kept for the next run with
 * keep_requests; returns its length. */
static uint32_t oracle_list(run_ctx *x, const mrs_request *r, uint32_t k, uint32_t u)
{
	mrs_evaluator *ev = x->ev;
	/* a preset's run in between may change the pool: then nothing is kept */
	bool kept = ev->oracle && ev->oracle_k == x->k && !x->want[MRS_SYS_SEED] &&
		    !x->want[MRS_SYS_SEED + 1] && !x->want[MRS_SYS_SEED + 2];
	uint32_t *slot = kept ? ev->oracle + (size_t)k * x->k : NULL;
	if (kept && ev->oracle_n[k] != MRS_NONE &&
	    mrs_request_first_stage(r) > MRS_STAGE_PREFILTER) {
		memcpy(x->list, slot, sizeof *slot * ev->oracle_n[k]);
		return ev->oracle_n[k];
	}
	uint32_t n = rank_pool(x, r, 1, u);
	if (kept) {
		memcpy(slot, x->list, sizeof *slot * n);
		ev->oracle_n[k] = n;
	}
	return n;
}

static int request_lists(run_ctx *x, mrs_request *r, uint32_t k, uint32_t u,
			 const uint32_t *rel, uint32_t n_rel, const mrs_config *presets,
			 mrs_error *err)
{
	const mrs_evaluator *ev = x->ev;
	if (mrs_request_run(r, u, ev->now, x->cfg, err))
		return -1;
	uint32_t n = timeline_list(x, r);
	if (x->want[MRS_SYS_PIPELINE])
		add_list(x, MRS_SYS_PIPELINE, x->list, n, rel, n_rel);
	if (!ev->o.lists_only) {
		count_sources(x, r, rel, n_rel);
		if (collect_pool(x, r, u, rel, n_rel))
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for the candidate pools");
	}
	if (x->want[MRS_SYS_ORACLE]) {
		n = oracle_list(x, r, k, u);
		add_list(x, MRS_SYS_ORACLE, x->list, n, rel, n_rel);
	}
	if (x->want[MRS_SYS_TWHIN]) {
		n = rank_pool(x, r, 0, u);
		add_list(x, MRS_SYS_TWHIN, x->list, n, rel, n_rel);
	}
	for (int p = 0; p < 3; p++) {
		if (!x->want[MRS_SYS_SEED + p])
			continue;
		if (mrs_request_run(r, u, ev->now, &presets[p], err))
			return -1;
		n = timeline_list(x, r);
		add_list(x, MRS_SYS_SEED + p, x->list, n, rel, n_rel);
	}
	return 0;
}

/* The lists of the systems that rank on their own: the oracle over every eligible
 * tweet, random, popular, item-kNN, BPR and chronological. */
static void other_lists(run_ctx *x, uint32_t u, const uint32_t *rel, uint32_t n_rel)
{
	uint32_t (*const rank[])(run_ctx *, uint32_t) = {
		[MRS_SYS_ORACLE_ALL] = rank_oracle_all, [MRS_SYS_RANDOM] = rank_random,
		[MRS_SYS_POPULAR] = rank_popular,       [MRS_SYS_ITEM_KNN] = rank_item_knn,
		[MRS_SYS_BPR] = rank_bpr,               [MRS_SYS_CHRONOLOGICAL] = rank_chronological,
	};
	mark_seen(x, u, 1);
	for (int s = 0; s < (int)MRS_ARRAY_LEN(rank); s++)
		if (rank[s] && x->want[s])
			add_list(x, s, x->list, rank[s](x, u), rel, n_rel);
	mark_seen(x, u, 0);
}

int mrs_evaluator_run(mrs_evaluator *ev, const mrs_config *cfg, mrs_eval_result *out,
		      const mrs_progress *progress, mrs_error *err)
{
	double t0 = mrs_seconds();
	memset(out, 0, sizeof *out);
	out->k = ev->o.k;
	out->users = ev->n_users;
	out->test_users = ev->test_users;
	out->split = ev->o.split;
	out->ratio = ev->o.split == MRS_SPLIT_RANDOM ? ev->o.ratio : NAN;
	out->validation = ev->o.validation;
	out->test_rows = ev->test_rows;
	bool own = ev->o.split == MRS_SPLIT_RANDOM && !ev->models_note[0];
	out->test_rows_in_model_period = ev->test_rows && !own
						 ? (double)ev->test_rows_early / ev->test_rows
						 : NAN;
	snprintf(out->models_dir, sizeof out->models_dir, "%s", ev->models_dir);
	snprintf(out->models_note, sizeof out->models_note, "%s", ev->models_note);
	out->knn = ev->knn_used;
	out->bpr = ev->bpr_used;
	snprintf(out->baselines_note, sizeof out->baselines_note, "%s", ev->baselines_note);
	const mrs_dataset *ds = ev->full;
	/* under the random split time plays no part in what is a candidate (every tweet with a
	 * train row, whatever its age, as for the baselines): the pipeline's age limit is
	 * lifted to the whole log (on Higgs, whose tweets live 7 hours, its NDCG@10 was 0) */
	mrs_config lifted;
	if (ev->o.split == MRS_SPLIT_RANDOM) {
		lifted = *cfg;
		double whole = ceil((double)(ev->now - ds->t_begin) / MRS_HOUR) + 1;
		lifted.max_age_hours = (float)fmax(lifted.max_age_hours, whole);
		cfg = &lifted;
	}
	run_ctx x = {.ev = ev, .cfg = cfg, .k = ev->o.k};
	mrs_rng_seed(&x.rng, ev->o.seed ^ 0x5eed);
	if (ev->o.split == MRS_SPLIT_RANDOM) {
		x.lo = 0;
		x.hi = ds->n_tweets;
	} else {
		x.lo = first_tweet_at(ds, ev->now - (int64_t)((double)cfg->max_age_hours * MRS_HOUR));
		x.hi = first_tweet_at(ds, ev->now);
	}
	share_thresholds(cfg, x.thr);
	int rc = -1;
	x.scratch = MRS_MAX((size_t)cfg->k, (size_t)ev->o.k) + ds->n_tweets + 1;
	x.list = mrs_calloc(x.scratch, sizeof(uint32_t), "evaluation", err);
	x.idx = mrs_calloc(x.scratch, sizeof(uint32_t), "evaluation", err);
	x.seen = mrs_calloc(ds->n_tweets + 1, 1, "evaluation", err);
	x.item_score = mrs_calloc(ds->n_tweets + 1, sizeof(float), "evaluation", err);
	x.top = mrs_calloc((size_t)x.k + 1, sizeof *x.top, "evaluation", err);
	if (!x.list || !x.idx || !x.seen || !x.item_score || !x.top || eligible_tweets(&x, err))
		goto out;
	for (int s = 0; s < MRS_N_SYSTEMS; s++) {
		x.want[s] = want(ev, s);
		if (x.want[s] && !(x.a[s].exposure = mrs_calloc(x.n_elig + 1, sizeof(uint32_t),
								"exposure", err)))
			goto out;
	}
	/* oracle over every tweet costs tweets x users truth lookups: skip it when huge */
	if ((double)x.n_elig * ev->n_users > 3e7)
		x.want[MRS_SYS_ORACLE_ALL] = false;
	if (x.want[MRS_SYS_POPULAR] && popular_list(&x, err))
		goto out;
	mrs_config presets[3]; /* each with the time fields of cfg (the dataset's or the user's) */
	for (int p = 0; p < 3; p++) {
		presets[p] = *cfg;
		if (mrs_config_switch_preset(&presets[p], mrs_presets[p], err))
			goto out;
	}
	/* the request's systems: the pipeline, what its candidates give, the presets */
	bool request = x.want[MRS_SYS_PIPELINE] || x.want[MRS_SYS_ORACLE] || x.want[MRS_SYS_TWHIN];
	for (int p = 0; p < 3; p++)
		request |= x.want[MRS_SYS_SEED + p];
	for (uint32_t k = 0; k < ev->n_users; k++) {
		uint32_t u = ev->users[k];
		const uint32_t *rel = ev->rel + ev->rel_off[k];
		uint32_t n_rel = ev->rel_off[k + 1] - ev->rel_off[k];
		mrs_request *r = ev->req ? ev->req[k] : ev->shared;
		if (request && request_lists(&x, r, k, u, rel, n_rel, presets, err))
			goto out;
		other_lists(&x, u, rel, n_rel);
		if ((k & 15) == 0 && mrs_progress_report(progress, "evaluating users", k, ev->n_users,
							 NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "evaluation cancelled");
			goto out;
		}
	}
	for (int s = 0; s < MRS_N_SYSTEMS; s++)
		finish(&x, s, &out->sys[s]);
	if (out->sys[MRS_SYS_ORACLE].present && out->sys[MRS_SYS_ORACLE].ndcg > 0)
		out->oracle_share = out->sys[MRS_SYS_PIPELINE].ndcg / out->sys[MRS_SYS_ORACLE].ndcg;
	else
		out->oracle_share = NAN;
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		out->source_recall[s] = x.rel_total ? x.src_hits[s] / x.rel_total : 0;
		out->source_share[s] = x.share_total ? x.share[s] / x.share_total : 0;
		out->source_ndcg[s] = ev->n_users ? x.src_ndcg[s] / ev->n_users : 0;
		for (int b = 0; b < MRS_N_SOURCES; b++)
			out->source_overlap[s][b] = x.src_both[s][s] ? x.src_both[s][b] / x.src_both[s][s] : 0;
	}
	out->union_recall = x.rel_total ? x.union_hits / x.rel_total : 0;
	for (int side = 0; side < 2; side++) {
		size_t n = x.pool_n[side], pos = 0;
		for (size_t i = 0; i < n; i++)
			pos += x.pool_rel[side][i];
		out->pool_n[side] = (double)n;
		out->pool_relevant[side] = (double)pos;
		out->pool_auc_model[side] = n ? mrs_auc(x.pool_model[side], x.pool_rel[side], n) : NAN;
		out->pool_auc_truth[side] =
			n && ev->truth ? mrs_auc(x.pool_truth[side], x.pool_rel[side], n) : NAN;
		out->pool_auc_final[side] = n ? mrs_auc(x.pool_final[side], x.pool_rel[side], n) : NAN;
	}
	finish_shares(&x, out);
	out->modularity = out->nmi = NAN;
	/* the models' own metrics belong to the temporal split they were trained on */
	if (ev->o.models && ev->o.split == MRS_SPLIT_TEMPORAL && !ev->o.validation &&
	    (model_metrics(ev, out, progress, err) || safety_metrics(ev, out, err)))
		goto out;
	out->seconds = mrs_seconds() - t0;
	rc = 0;
out:
	for (int s = 0; s < MRS_N_SYSTEMS; s++)
		free(x.a[s].exposure);
	free(x.list), free(x.idx), free(x.popular), free(x.seen), free(x.item_score), free(x.top);
	free(x.elig), free(x.elig_pos);
	for (int side = 0; side < 2; side++) {
		free(x.pool_model[side]), free(x.pool_truth[side]), free(x.pool_final[side]);
		free(x.pool_rel[side]);
	}
	return rc;
}

int mrs_eval(const mrs_dataset *ds, const mrs_config *cfg, const mrs_eval_opts *o,
	     mrs_eval_result *out, const mrs_progress *progress, mrs_error *err)
{
	mrs_evaluator *ev = mrs_evaluator_new(ds, o, progress, err);
	if (!ev)
		return -1;
	int rc = mrs_evaluator_run(ev, cfg, out, progress, err);
	mrs_evaluator_free(ev);
	return rc;
}
