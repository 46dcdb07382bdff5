/* train.c: `train`: fits every model on the train split in dependency order, evaluates
 * each on the test split, and commits the model files and cards together. */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/models.h"
#include "mrs_torch.h"

/*
 * Atomicity: a run writes a new set folder DIR/set-N (the models folder's layout is in
 * minirecsys.h; each file itself through a temporary file and a rename), carries over
 * from the current set the models it does not fit (train --only), and only then switches
 * DIR/CURRENT to the new set: one rename, the only one that changes what serves. A
 * cancel, a failure or a kill before it leaves CURRENT naming the previous set, whole.
 * A run holds DIR/.lock throughout (a second run fails with MRS_ERR_BUSY) and first
 * removes every set folder but the current one: what killed runs left, and the set the
 * previous run replaced (kept until now so that a reader that resolved CURRENT just
 * before the switch could still read its files).
 */

#define SAFETY_MAX_ROWS 50000u
/* Optimizer steps a safety model takes at least on a small corpus. */
#define SAFETY_MIN_STEPS 400u

typedef struct trainer {
	const mrs_dataset *ds;
	const mrs_train_opts *o;
	const mrs_progress *p;
	mrs_error *err;
	const char *dir;       /* the models folder */
	char current[4096];    /* the current set's folder (DIR itself without CURRENT) */
	char set[32];          /* the new set's name, "set-N" */
	char stage[4200];      /* the new set's folder, DIR/set-N */
	const char *deps_dir;  /* where the models a fit depends on are read from */
	int64_t cut;
	mrs_truth *truth;      /* evaluation only: oracle AUCs; NULL when there is none, and
				  once the heavy ranker's test rows have their oracle */
	char truth_note[300];
	char fp[20];
	const char *ds_path;
} trainer;

/* ------------------------------------------------------------------ model sets */

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char path[4400];
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Removes every set folder but the current one (and the staging folders ".train-*" of
 * older versions); returns the largest set number left (0: none). Called with the models
 * folder's lock held, so no other run is writing one. */
static long remove_old_sets(const char *dir, const char *current)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	char path[4400];
	long largest = 0;
	while ((de = readdir(d))) {
		long n = mrs_models_set_number(de->d_name);
		if (n > 0 && strcmp(de->d_name, current) == 0) {
			largest = MRS_MAX(largest, n);
			continue;
		}
		if (n < 0 && strncmp(de->d_name, ".train-", 7) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		/* a link under a set's name is removed, never followed into what it names */
		struct stat sb;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	return largest;
}

/* Makes the new set's folder DIR/set-N, N one past the largest in use. */
static int make_set(trainer *tr, long largest)
{
	for (long n = largest + 1; n < largest + 100; n++) {
		snprintf(tr->set, sizeof tr->set, "set-%ld", n);
		snprintf(tr->stage, sizeof tr->stage, "%s/%s", tr->dir, tr->set);
		if (mkdir(tr->stage, 0777) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	return mrs_fail(tr->err, MRS_ERR_IO, "%s: cannot create a model set folder: %s",
			tr->dir, strerror(errno));
}

/* A file of the current set into the new one: a hard link (sets are never changed once
 * written), or a copy where links are not allowed. Missing files are skipped. */
static int carry_file(trainer *tr, const char *name, const char *ext)
{
	char from[4400], to[4400];
	snprintf(from, sizeof from, "%s/%s.%s", tr->current, name, ext);
	snprintf(to, sizeof to, "%s/%s.%s", tr->stage, name, ext);
	if (link(from, to) == 0 || errno == ENOENT)
		return 0;
	FILE *in = fopen(from, "rb");
	if (!in)
		return mrs_fail(tr->err, MRS_ERR_IO, "%s: cannot read: %s", from, strerror(errno));
	mrs_tmp t;
	if (mrs_tmp_open(&t, to, tr->err)) {
		fclose(in);
		return -1;
	}
	char buf[1 << 16];
	size_t got;
	int e = 0;
	while (!e && (got = fread(buf, 1, sizeof buf, in)) > 0)
		if (write(t.fd, buf, got) != (ssize_t)got)
			e = errno ? errno : EIO;
	if (!e && ferror(in))
		e = EIO;
	fclose(in);
	if (e) {
		mrs_tmp_discard(&t);
		return mrs_fail(tr->err, MRS_ERR_IO, "%s: cannot write: %s", to,
				e == ENOSPC ? "disk full" : strerror(e));
	}
	return mrs_tmp_commit(&t, tr->err);
}

/* train --only: every other model of the current set goes into the new one unchanged. */
static int carry_over(trainer *tr, int only)
{
	for (int id = 0; id < MRS_N_MODELS; id++)
		if (id != only && (carry_file(tr, mrs_model_name(id), "pt") ||
				   carry_file(tr, mrs_model_name(id), "json")))
			return -1;
	return 0;
}

/* The switch: DIR/CURRENT names the new set (a temporary file renamed over it). */
static int switch_to_set(trainer *tr)
{
	char path[4200], line[40];
	snprintf(path, sizeof path, "%s/CURRENT", tr->dir);
	snprintf(line, sizeof line, "%s", tr->set);
	return mrs_file_write_text(path, line, tr->err);
}

static bool model_exists(const char *dir, mrs_model_id id)
{
	char path[4096];
	if (mrs_model_path(path, sizeof path, dir, mrs_model_name(id), "pt", NULL))
		return false;
	return access(path, R_OK) == 0;
}

/* ------------------------------------------------------------------ cards */

static void card_common(trainer *tr, cJSON *card, double seconds)
{
	cJSON_DeleteItemFromObject(card, "dataset_fingerprint");
	cJSON_DeleteItemFromObject(card, "dataset_path");
	cJSON_AddStringToObject(card, "dataset_fingerprint", tr->fp);
	cJSON_AddStringToObject(card, "dataset_path", tr->ds_path ? tr->ds_path : "");
	cJSON_DeleteItemFromObject(card, "embed_cut_time");
	cJSON_DeleteItemFromObject(card, "split_time");
	cJSON_AddNumberToObject(card, "embed_cut_time", (double)tr->cut);
	cJSON_AddNumberToObject(card, "split_time", (double)tr->ds->split_time);
	if (!cJSON_GetObjectItem(card, "training_seconds"))
		cJSON_AddNumberToObject(card, "training_seconds", seconds);
	if (!cJSON_GetObjectItem(card, "seed"))
		cJSON_AddNumberToObject(card, "seed", (double)tr->o->seed);
}

/* Adds the dataset fields to a card another part wrote into the staging folder. */
static int card_amend(trainer *tr, const char *name, double seconds)
{
	mrs_error cerr = {0};
	cJSON *card = mrs_card_read(tr->stage, name, &cerr);
	if (!card) {
		/* the fit wrote none: make a minimal one so every model has a card */
		card = mrs_card_new(name, "embedding");
		if (!card)
			return mrs_fail(tr->err, MRS_ERR_NOMEM, "%s: out of memory", name);
	}
	card_common(tr, card, seconds);
	int rc = mrs_card_write(tr->stage, name, card, tr->err);
	cJSON_Delete(card);
	return rc;
}

/* A model the data gives nothing to learn from: no model file, a card that says why
 * (the engine then refuses it with that reason and serves its fallback). */
static int write_skip_card(trainer *tr, mrs_model_id id, const char *why)
{
	const char *name = mrs_model_name(id);
	cJSON *card = mrs_card_new(name, "skipped");
	if (!card || !cJSON_AddStringToObject(card, "skipped", why)) {
		cJSON_Delete(card);
		return mrs_fail(tr->err, MRS_ERR_NOMEM, "%s: out of memory", name);
	}
	card_common(tr, card, 0);
	int rc = mrs_card_write(tr->stage, name, card, tr->err);
	cJSON_Delete(card);
	return rc;
}

/* ------------------------------------------------------------------ embeddings */

typedef int (*fit_fn)(const mrs_dataset *, int64_t, const char *, uint64_t,
		      const mrs_progress *, mrs_error *);

static int fit_embedding(trainer *tr, mrs_model_id id, fit_fn fit)
{
	const char *name = mrs_model_name(id);
	double t0 = mrs_seconds();
	if (fit(tr->ds, tr->cut, tr->stage, tr->o->seed, tr->p, tr->err)) {
		size_t len = strlen(name); /* most fits name themselves already */
		if (tr->err && (strncmp(tr->err->msg, name, len) != 0 || tr->err->msg[len] != ':'))
			mrs_error_prefix(tr->err, "%s", name);
		return -1;
	}
	return card_amend(tr, name, mrs_seconds() - t0);
}

/* ------------------------------------------------------------------ safety */

static int fit_safety(trainer *tr, mrs_model_id id)
{
	const mrs_dataset *ds = tr->ds;
	const char *name = mrs_model_name(id);
	const int8_t *lab = id == MRS_MODEL_NSFW ? ds->label_nsfw : ds->label_toxic;
	size_t n = 0, nt = 0, pos = 0;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		if (lab[t] >= 0 && ds->tweet_time[t] < ds->split_time) {
			n++;
			pos += lab[t] == 1;
		} else if (lab[t] >= 0) {
			nt++;
		}
	if (!n || !pos || pos == n)
		return mrs_fail(tr->err, MRS_ERR_NODATA,
				"%s: %s (train-safety trains one on labelled texts)", name,
				!n ? "the dataset has no moderation labels before the split"
				   : "the moderation labels before the split are all one class");
	const char **texts = mrs_calloc(n + nt + 1, sizeof(char *), name, tr->err);
	uint8_t *labels = mrs_calloc(n + nt + 1, 1, name, tr->err);
	uint32_t *test_ids = mrs_calloc(nt + 1, sizeof(uint32_t), name, tr->err);
	float *oracle = mrs_calloc(nt + 1, sizeof(float), name, tr->err);
	cJSON *card = NULL;
	int rc = -1;
	if (!texts || !labels || !test_ids || !oracle)
		goto out;
	/* the train split's texts first (in time order), then the test split's */
	size_t a = 0, b = n;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		if (lab[t] < 0)
			continue;
		size_t k = ds->tweet_time[t] < ds->split_time ? a++ : b++;
		texts[k] = mrs_tweet_text(ds, t);
		labels[k] = (uint8_t)lab[t];
		if (k >= n)
			test_ids[k - n] = t;
	}
	/* an even sample of the training texts when a cap is set: at most max_rows, and at
	 * most SAFETY_MAX_ROWS (the labels are noisy; more rows cost time and add little) */
	size_t cap = tr->o->max_rows ? MRS_MIN(tr->o->max_rows, SAFETY_MAX_ROWS) : n;
	size_t keep = MRS_MIN(n, cap);
	for (size_t k = 0; k < keep && keep < n; k++) {
		size_t from = (size_t)((double)k * (double)n / (double)keep);
		texts[k] = texts[from];
		labels[k] = labels[from];
	}
	mrs_safety_params prm;
	mrs_safety_params_default(&prm);
	prm.seed = tr->o->seed;
	if (tr->o->safety_buckets)
		prm.buckets = tr->o->safety_buckets;
	/* a small corpus: more, smaller steps, and at least SAFETY_MIN_STEPS of them (without
	 * class balancing, the few positives of a small world move a model that takes fewer
	 * steps too little: it scores every text near the base rate) */
	if (keep < 20000) {
		size_t per_epoch = MRS_MAX((keep + 31) / 32, (size_t)1);
		prm.batch = 32;
		prm.epochs = (int)MRS_MIN((SAFETY_MIN_STEPS + per_epoch - 1) / per_epoch,
					  (size_t)MRS_MAX_EPOCHS);
		prm.epochs = MRS_MAX(prm.epochs, 8);
	}
	mrs_safety_report rep;
	char source[200];
	snprintf(source, sizeof source,
		 "moderation labels of tweets created before the split (%s); metrics on the "
		 "labelled tweets created at or after it",
		 id == MRS_MODEL_NSFW ? "nsfw" : "toxic");
	/* No validation rows, so no Platt scaling: the world's labelled sample is small and
	 * its positives few (tens), too few to fit a calibration on a share of them; the
	 * model trains on all of them without class balancing, so its log loss fits its
	 * probabilities to the labels' own rate. */
	prm.calibrate = false;
	mrs_labelled train = {texts, labels, keep}, test = {texts + n, labels + n, nt};
	if (mrs_safety_fit(&train, NULL, &test, &prm, tr->stage, name, source, tr->p, &rep, &card,
			   tr->err))
		goto out;
	card_common(tr, card, rep.seconds);
	if (keep < n)
		cJSON_AddNumberToObject(card, "train_rows_available", (double)n);
	cJSON *m = cJSON_GetObjectItem(card, "metrics");
	if (tr->truth && nt) {
		const float *lat = id == MRS_MODEL_NSFW ? tr->truth->tweet_nsfw
							: tr->truth->tweet_toxicity;
		for (size_t i = 0; i < nt; i++)
			oracle[i] = lat[test_ids[i]];
		mrs_card_add_number(m, "oracle_auc", mrs_auc(oracle, labels + n, nt));
	} else {
		cJSON_AddNullToObject(m, "oracle_auc");
	}
	rc = mrs_card_write(tr->stage, name, card, tr->err);
out:
	cJSON_Delete(card);
	free(texts), free(labels), free(test_ids), free(oracle);
	return rc;
}

/* ------------------------------------------------------------------ heavy ranker */

typedef struct rows {
	size_t n;
	uint32_t *imp;   /* impression index in tr->ds, MRS_NONE for a sampled negative */
	uint32_t *user, *tweet;
	int64_t *time;
	float *x;        /* [n, MRS_N_FEATURES] */
	float *y;        /* [n, MRS_N_HEADS] */
	float *oracle;   /* [n, MRS_N_HEADS] the ground truth's probabilities (test rows of a
			    dataset with a truth; NULL otherwise) */
	size_t negatives; /* sampled negatives among the rows */
} rows;

static void rows_free(rows *r)
{
	free(r->imp), free(r->user), free(r->tweet), free(r->time), free(r->x), free(r->y);
	free(r->oracle);
	memset(r, 0, sizeof *r);
}

static int rows_alloc(trainer *tr, rows *r, size_t n)
{
	r->imp = mrs_calloc(n + 1, sizeof(uint32_t), "ranker rows", tr->err);
	r->user = mrs_calloc(n + 1, sizeof(uint32_t), "ranker rows", tr->err);
	r->tweet = mrs_calloc(n + 1, sizeof(uint32_t), "ranker rows", tr->err);
	r->time = mrs_calloc(n + 1, sizeof(int64_t), "ranker rows", tr->err);
	r->x = mrs_calloc((n + 1) * MRS_N_FEATURES, sizeof(float), "ranker rows", tr->err);
	r->y = mrs_calloc((n + 1) * MRS_N_HEADS, sizeof(float), "ranker rows", tr->err);
	return r->imp && r->user && r->tweet && r->time && r->x && r->y ? 0 : -1;
}

/* Row j's labels: the impression's actions (none for a sampled negative); no follow label
 * where the viewer already followed the author. */
static void row_labels(const mrs_dataset *ds, rows *r, size_t j, uint8_t acts)
{
	float *y = r->y + j * MRS_N_HEADS;
	for (int a = 0; a < MRS_N_ACTIONS; a++)
		y[a] = (acts >> a) & 1u ? 1.0f : 0.0f;
	y[MRS_HEAD_ANY] = (acts & MRS_POSITIVE_MASK) ? 1.0f : 0.0f;
	if (mrs_follows_before(ds, r->user[j], ds->tweet_author[r->tweet[j]], r->time[j]))
		y[MRS_ACT_FOLLOW] = NAN; /* no follow head where the follow exists */
}

/* Is impression i a row of [lo, hi)? In a log of engagements only (neg), not when it is
 * at its tweet's creation time (mrs_neg_at_creation). */
static bool is_row(const mrs_dataset *ds, bool neg, uint32_t i, int64_t lo, int64_t hi)
{
	return ds->imp_time[i] >= lo && ds->imp_time[i] < hi &&
	       !(neg && mrs_neg_at_creation(ds, i));
}

/* Impressions with lo <= time < hi, an even sample of at most cap of them (0: all). When
 * ds holds engagements only, each is followed by up to MRS_NEG_PER_ROW sampled negatives
 * at its time (same viewer), and cap counts both. */
static int select_rows(trainer *tr, mrs_neg_sampler *neg, int64_t lo, int64_t hi, size_t cap,
		       rows *r)
{
	const mrs_dataset *ds = tr->ds;
	size_t n = 0, per = neg ? 1 + MRS_NEG_PER_ROW : 1;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n += is_row(ds, neg, i, lo, hi);
	if (cap)
		cap = MRS_MAX(cap / per, (size_t)1);
	size_t keep = cap && cap < n ? cap : n;
	if (rows_alloc(tr, r, keep * per))
		return -1;
	/* row k of the sample is the floor(k n / keep)-th matching impression, so the
	 * sample keeps the (user, time) order and spreads evenly over users and time */
	size_t seen = 0, k = 0, j = 0;
	for (uint32_t i = 0; i < ds->n_impressions && k < keep; i++) {
		if (!is_row(ds, neg, i, lo, hi))
			continue;
		if (seen++ != (size_t)((double)k * (double)n / (double)keep))
			continue;
		k++;
		r->imp[j] = i;
		r->user[j] = ds->imp_user[i];
		r->tweet[j] = ds->imp_tweet[i];
		r->time[j] = ds->imp_time[i];
		row_labels(ds, r, j, ds->imp_actions[i]);
		j++;
		if (!neg)
			continue;
		uint32_t got;
		if (mrs_neg_sample(neg, ds->imp_user[i], ds->imp_time[i], MRS_NEG_PER_ROW,
				   r->tweet + j, &got, tr->err))
			return -1;
		for (uint32_t g = 0; g < got; g++, j++) {
			r->imp[j] = MRS_NONE;
			r->user[j] = ds->imp_user[i];
			r->time[j] = ds->imp_time[i];
			row_labels(ds, r, j, 0);
		}
		r->negatives += got;
	}
	r->n = j;
	return 0;
}

static int row_features(trainer *tr, const mrs_engine *e, rows *r, const char *phase)
{
	return mrs_features_rows(e, r->user, r->tweet, r->time, r->n, r->x, tr->p, phase, tr->err);
}

/* The ground truth's probability of each head for the rows that are impressions (a sampled
 * negative has none: 0); the truth itself can then go before the engine opens (its
 * per-impression probabilities are the largest array of a large world's training). */
static int rows_oracle(trainer *tr, rows *r)
{
	if (!(r->oracle = mrs_calloc((r->n + 1) * MRS_N_HEADS, sizeof(float), "ranker eval",
				     tr->err)))
		return -1;
	for (size_t j = 0; j < r->n; j++) {
		if (r->imp[j] == MRS_NONE)
			continue;
		const float *p = tr->truth->imp_prob + (size_t)r->imp[j] * MRS_N_ACTIONS;
		float *o = r->oracle + j * MRS_N_HEADS;
		double none = 1;
		for (int a = 0; a < MRS_N_ACTIONS; a++) {
			o[a] = p[a];
			if (MRS_POSITIVE_MASK & (1u << a))
				none *= 1 - p[a];
		}
		o[MRS_HEAD_ANY] = (float)(1 - none);
	}
	return 0;
}

/* Per-head test metrics of the trained ranker beside the oracle and the heuristic. */
static int ranker_metrics(trainer *tr, const rows *te, cJSON *card)
{
	size_t n = te->n;
	float *pred = mrs_calloc((n + 1) * MRS_N_HEADS, sizeof(float), "ranker eval", tr->err);
	float *heur = mrs_calloc((n + 1) * MRS_N_HEADS, sizeof(float), "ranker eval", tr->err);
	float *s = mrs_calloc(n + 1, sizeof(float), "ranker eval", tr->err);
	float *o = mrs_calloc(n + 1, sizeof(float), "ranker eval", tr->err);
	float *h = mrs_calloc(n + 1, sizeof(float), "ranker eval", tr->err);
	uint8_t *l = mrs_calloc(n + 1, 1, "ranker eval", tr->err);
	int rc = -1;
	if (!pred || !heur || !s || !o || !h || !l ||
	    mrs_ranker_eval_dir(tr->stage, te->x, n, pred, tr->err))
		goto out;
	mrs_ranker_heuristic(te->x, (uint32_t)n, heur);
	cJSON *heads = cJSON_AddObjectToObject(card, "heads");
	for (int k = 0; k < MRS_N_HEADS; k++) {
		size_t m = 0;
		for (size_t j = 0; j < n; j++) {
			float y = te->y[j * MRS_N_HEADS + k];
			if (isnan(y))
				continue;
			s[m] = pred[j * MRS_N_HEADS + k];
			h[m] = heur[j * MRS_N_HEADS + k];
			l[m] = y > 0.5f;
			if (te->oracle && te->imp[j] != MRS_NONE)
				o[m] = te->oracle[j * MRS_N_HEADS + k];
			m++;
		}
		size_t pos = 0;
		double mean = 0;
		for (size_t j = 0; j < m; j++) {
			pos += l[j];
			mean += s[j];
		}
		cJSON *hd = cJSON_AddObjectToObject(heads, mrs_head_name(k));
		cJSON_AddNumberToObject(hd, "rows", (double)m);
		cJSON_AddNumberToObject(hd, "positives", (double)pos);
		mrs_card_add_number(hd, "auc", mrs_auc(s, l, m));
		mrs_card_add_number(hd, "pr_auc", mrs_pr_auc(s, l, m));
		mrs_card_add_number(hd, "rce", mrs_rce(s, l, m));
		mrs_card_add_number(hd, "oracle_auc", te->oracle ? mrs_auc(o, l, m) : NAN);
		mrs_card_add_number(hd, "oracle_rce", te->oracle ? mrs_rce(o, l, m) : NAN);
		mrs_card_add_number(hd, "heuristic_auc", mrs_auc(h, l, m));
		mrs_card_add_number(hd, "base_rate", m ? (double)pos / (double)m : NAN);
		mrs_card_add_number(hd, "mean_prediction", m ? mean / (double)m : NAN);
	}
	rc = 0;
out:
	free(pred), free(heur), free(s), free(o), free(h), free(l);
	return rc;
}

static void ranker_card_params(cJSON *card, const mrs_ranker_params *rp)
{
	cJSON *hp = cJSON_AddObjectToObject(card, "hyper_parameters");
	cJSON *hid = cJSON_AddArrayToObject(hp, "hidden");
	cJSON_AddItemToArray(hid, cJSON_CreateNumber(rp->hidden[0]));
	cJSON_AddItemToArray(hid, cJSON_CreateNumber(rp->hidden[1]));
	cJSON_AddStringToObject(hp, "norm", rp->norm == MRS_TNORM_LAYER   ? "layer"
					    : rp->norm == MRS_TNORM_BATCH ? "batch"
									  : "none");
	cJSON_AddNumberToObject(hp, "dropout", rp->dropout);
	cJSON_AddNumberToObject(hp, "head_hidden", rp->head_hidden);
	cJSON_AddNumberToObject(hp, "epochs", rp->epochs);
	cJSON_AddNumberToObject(hp, "batch", rp->batch);
	cJSON_AddNumberToObject(hp, "lr", rp->lr);
	cJSON_AddNumberToObject(hp, "weight_decay", rp->weight_decay);
	cJSON_AddStringToObject(hp, "loss", "mean BCE over heads; follow head masked where the "
					    "viewer already followed the author");
}

static int fit_ranker(trainer *tr)
{
	const mrs_dataset *ds = tr->ds;
	mrs_dataset *view = NULL;
	mrs_engine *e = NULL;
	mrs_neg_sampler *neg = NULL;
	rows trn = {0}, te = {0};
	cJSON *card = NULL;
	int rc = -1;
	double t0 = mrs_seconds();
	if (mrs_progress_report(tr->p, "heavy_ranker: opening the train-view engine", 0, 1, NULL)) {
		mrs_fail(tr->err, MRS_ERR_CANCELLED, "heavy_ranker: cancelled");
		goto out;
	}
	/* the rows first: they come from the whole dataset, and their oracle probabilities
	 * from the ground truth, which is then freed before the engine opens */
	size_t cap = tr->o->max_rows;
	/* a log of engagements only: negatives sampled by one rule (negatives.c), for the
	 * train and the test rows alike */
	if (mrs_engagements_only(ds) && !(neg = mrs_neg_sampler_new(ds, tr->o->seed, tr->err)))
		goto out;
	if (select_rows(tr, neg, tr->cut, ds->split_time, cap, &trn) ||
	    select_rows(tr, neg, ds->split_time, INT64_MAX, cap ? MRS_MAX(cap / 4, 1) : 0, &te))
		goto out;
	if (!trn.n || !te.n) {
		mrs_fail(tr->err, MRS_ERR_DATA,
			 "heavy_ranker: %zu training and %zu test impressions: need both", trn.n,
			 te.n);
		goto out;
	}
	if (tr->truth) {
		if (rows_oracle(tr, &te))
			goto out;
		mrs_truth_free(tr->truth);
		tr->truth = NULL;
	}
	if (!(view = mrs_dataset_before(ds, ds->split_time, tr->err)))
		goto out;
	/* the co-engagement index as of the embedding cut, as the embeddings: the rows, from
	 * the cut on, never saw their own labels through it */
	mrs_engine_opts eo = {.models_dir = tr->deps_dir, .coeng_cut = true,
			      .coeng_until = tr->cut, .rows_only = true};
	if (!(e = mrs_engine_open(view, &eo, tr->p, tr->err)))
		goto out;
	/* every model it depends on serves, or was skipped for want of data (its features
	 * then come from its fallback, at training as at serving) */
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(tr->deps_dir, ds, cc);
	for (int id = 0; id < MRS_MODEL_RANKER; id++)
		if (!e->status[id].loaded &&
		    !(cc[id].skipped[0] && cc[id].state == MRS_CARD_THIS)) {
			mrs_fail(tr->err, MRS_ERR_MODEL, "heavy_ranker needs %s: %s",
				 mrs_model_name(id), e->status[id].note);
			goto out;
		}
	double tf = mrs_seconds();
	if (row_features(tr, e, &trn, "heavy_ranker: features of training rows") ||
	    row_features(tr, e, &te, "heavy_ranker: features of test rows"))
		goto out;
	double feat_s = mrs_seconds() - tf;

	mrs_ranker_params rp;
	mrs_ranker_params_default(&rp);
	rp.seed = tr->o->seed;
	/* many rows need fewer passes: the default epochs up to 50,000 rows, then fewer in
	 * proportion, at least 6 */
	if (trn.n > 50000)
		rp.epochs = MRS_MAX(6, (int)((double)rp.epochs * 50000.0 / (double)trn.n + 0.5));
	float loss[MRS_MAX_EPOCHS];
	int64_t params = 0;
	char path[4096];
	double tt = mrs_seconds();
	if (mrs_model_path(path, sizeof path, tr->stage, "heavy_ranker", "pt", tr->err) ||
	    mrs_ranker_fit(trn.x, trn.y, trn.n, &rp, path, tr->p, loss, &params, tr->err))
		goto out;
	double train_s = mrs_seconds() - tt;

	card = mrs_card_new("heavy_ranker", "heavy_ranker");
	card_common(tr, card, 0);
	cJSON_ReplaceItemInObject(card, "training_seconds", cJSON_CreateNumber(train_s));
	cJSON_AddNumberToObject(card, "feature_seconds", feat_s);
	cJSON_AddNumberToObject(card, "feature_spec_version", MRS_FEATURE_SPEC_VERSION);
	cJSON_AddNumberToObject(card, "n_features", MRS_N_FEATURES);
	cJSON *names = cJSON_AddArrayToObject(card, "features");
	for (int j = 0; j < MRS_N_FEATURES; j++)
		cJSON_AddItemToArray(names, cJSON_CreateString(mrs_feature_info_get(j)->name));
	cJSON *hn = cJSON_AddArrayToObject(card, "head_names");
	for (int k = 0; k < MRS_N_HEADS; k++)
		cJSON_AddItemToArray(hn, cJSON_CreateString(mrs_head_name(k)));
	cJSON_AddNumberToObject(card, "train_rows", (double)trn.n);
	cJSON *tp = cJSON_AddObjectToObject(card, "train_positives");
	for (int k = 0; k < MRS_N_HEADS; k++) {
		double pos = 0, masked = 0;
		for (size_t j = 0; j < trn.n; j++) {
			float y = trn.y[j * MRS_N_HEADS + k];
			masked += isnan(y);
			pos += y > 0.5f;
		}
		cJSON_AddNumberToObject(tp, mrs_head_name(k), pos);
		if (masked)
			cJSON_AddNumberToObject(card, "train_rows_masked_for_follow", masked);
	}
	cJSON_AddNumberToObject(card, "test_rows", (double)te.n);
	if (neg) {
		cJSON *ng = cJSON_AddObjectToObject(card, "negatives");
		cJSON_AddStringToObject(
			ng, "rule",
			"the dataset holds engagements only: each engagement (viewer, time) is "
			"followed by up to 4 tweets live at that time (created within the age "
			"limit before it) that the viewer never engaged with, drawn as often as "
			"they were engaged with in that window; all their labels are 0. "
			"Engagements at their tweet's creation time (the one that brought it "
			"into the log) are not rows");
		cJSON_AddNumberToObject(ng, "per_engagement", MRS_NEG_PER_ROW);
		cJSON_AddNumberToObject(ng, "train_rows", (double)trn.negatives);
		cJSON_AddNumberToObject(ng, "test_rows", (double)te.negatives);
	}
	/* the features that exist: a column with one value over the training rows carries
	 * nothing (standardised, it is 0 for every row); a data set without follows, labels
	 * or a model leaves some such */
	cJSON *flat = cJSON_AddArrayToObject(card, "constant_features");
	for (int f = 0; f < MRS_N_FEATURES; f++) {
		bool same = true;
		for (size_t j = 1; j < trn.n && same; j++)
			same = trn.x[j * MRS_N_FEATURES + f] == trn.x[f];
		if (same)
			cJSON_AddItemToArray(flat,
					     cJSON_CreateString(mrs_feature_info_get(f)->name));
	}
	cJSON_AddStringToObject(card, "rows",
				cap ? "an even sample (every n/max_rows-th impression in (user, "
				      "time) order) of the train impressions from the embedding cut "
				      "to the split, and of the test impressions (max_rows / 4)"
				    : "every train impression from the embedding cut to the split; "
				      "every test impression at or after the split");
	cJSON_AddStringToObject(card, "features_from",
				"an engine over the dataset before the split with the embedding "
				"and safety models of this run; each row at its impression's time");
	char coeng[400];
	mrs_coeng_describe(e, coeng, sizeof coeng);
	cJSON_AddStringToObject(card, "coengagement_index", coeng);
	cJSON_AddNumberToObject(card, "parameters", (double)params);
	ranker_card_params(card, &rp);
	mrs_card_add_floats(card, "loss_per_epoch", loss, (size_t)rp.epochs);
	if (ranker_metrics(tr, &te, card))
		goto out;
	if (!te.oracle)
		cJSON_AddStringToObject(card, "oracle_note", tr->truth_note);
	cJSON_AddNumberToObject(card, "total_seconds", mrs_seconds() - t0);
	rc = mrs_card_write(tr->stage, "heavy_ranker", card, tr->err);
out:
	cJSON_Delete(card);
	rows_free(&trn), rows_free(&te);
	mrs_neg_sampler_free(neg);
	mrs_engine_free(e);
	mrs_dataset_free(view);
	return rc;
}

/* ------------------------------------------------------------------ mrs_train */

static int make_dir(const char *dir, mrs_error *err)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	return mrs_fail(err, MRS_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
}

static int run(trainer *tr, int only)
{
	static const fit_fn emb[] = {mrs_sc_fit, mrs_twhin_fit, mrs_rg_fit};
	for (int id = 0; id < MRS_N_MODELS; id++) {
		if (only >= 0 && id != only)
			continue;
		char phase[64];
		snprintf(phase, sizeof phase, "model %s", mrs_model_name(id));
		if (mrs_progress_report(tr->p, phase, id, MRS_N_MODELS, NULL))
			return mrs_fail(tr->err, MRS_ERR_CANCELLED, "train: cancelled");
		int rc;
		if (id <= MRS_MODEL_REALGRAPH)
			rc = fit_embedding(tr, id, emb[id]);
		else if (id == MRS_MODEL_NSFW || id == MRS_MODEL_TOXICITY)
			rc = fit_safety(tr, id);
		else
			rc = fit_ranker(tr);
		/* a model the data gives nothing to learn from is skipped, saying why; the
		 * heavy ranker is what `train` is for: without it the run fails */
		if (rc && id != MRS_MODEL_RANKER && tr->err->code == MRS_ERR_NODATA) {
			const char *why = tr->err->msg;
			size_t len = strlen(mrs_model_name(id));
			if (strncmp(why, mrs_model_name(id), len) == 0 && why[len] == ':')
				why += len + 2;
			char reason[sizeof tr->err->msg];
			snprintf(reason, sizeof reason, "%s", why);
			snprintf(phase, sizeof phase, "model %s: skipped", mrs_model_name(id));
			mrs_progress_report(tr->p, phase, id, MRS_N_MODELS, reason);
			rc = write_skip_card(tr, id, reason);
		}
		if (rc)
			return -1;
	}
	return 0;
}

int mrs_train(const mrs_dataset *ds, const mrs_train_opts *o, const mrs_progress *progress,
	      mrs_error *err)
{
	const char *dir = o->models_dir && *o->models_dir ? o->models_dir : "models";
	int only = -1;
	if (o->only && *o->only && (only = mrs_model_by_name(o->only)) < 0)
		return mrs_fail(err, MRS_ERR_USAGE,
				"unknown model '%s' (simclusters, twhin, realgraph, nsfw, toxicity, "
				"heavy_ranker)",
				o->only);
	mrs_error local = {0}; /* a skip is told by the error's code: keep one */
	if (!err)
		err = &local;
	trainer tr = {.ds = ds, .o = o, .p = progress, .err = err, .dir = dir};
	char current[32];
	if (mrs_models_current_name(dir, current, sizeof current, err) ||
	    mrs_models_current(dir, tr.current, sizeof tr.current, err)) {
		mrs_error_suffix(err, "; remove it to train a new set");
		return -1;
	}
	if (only == MRS_MODEL_RANKER) { /* before anything is made: nothing to fit it from */
		mrs_card_check cc[MRS_N_MODELS];
		mrs_models_check(tr.current, ds, cc);
		for (int id = 0; id < MRS_MODEL_RANKER; id++)
			if (!model_exists(tr.current, id) &&
			    !(cc[id].skipped[0] && cc[id].state == MRS_CARD_THIS))
				return mrs_fail(err, MRS_ERR_MODEL,
						"heavy_ranker needs %s/%s.pt: train it first "
						"(train without --only trains everything)",
						tr.current, mrs_model_name(id));
	}
	if (make_dir(dir, err))
		return -1;
	/* one run at a time per folder: two would race for the pointer; the current set is
	 * read again under the lock (a run that held it may have switched) */
	char lock_path[4200];
	int lock;
	snprintf(lock_path, sizeof lock_path, "%s/.lock", dir);
	if (mrs_file_lock(lock_path, dir, &lock, err))
		return -1;
	if (mrs_models_current_name(dir, current, sizeof current, err) ||
	    mrs_models_current(dir, tr.current, sizeof tr.current, err)) {
		mrs_file_unlock(lock);
		return -1;
	}
	if (make_set(&tr, remove_old_sets(dir, current))) {
		mrs_file_unlock(lock);
		return -1;
	}
	tr.ds_path = o->dataset_path ? o->dataset_path : ds->path;
	snprintf(tr.fp, sizeof tr.fp, "%016llx", (unsigned long long)ds->source_fingerprint);
	if ((tr.cut = mrs_embed_cut(ds, err)) == INT64_MIN) {
		remove_tree(tr.stage);
		mrs_file_unlock(lock);
		return -1;
	}
	tr.deps_dir = only >= 0 ? tr.current : tr.stage;
	snprintf(tr.truth_note, sizeof tr.truth_note, "no ground truth: oracle AUCs are null");
	if (ds->has_truth && tr.ds_path) {
		mrs_error terr = {0};
		if (!(tr.truth = mrs_truth_load(tr.ds_path, ds, &terr)))
			snprintf(tr.truth_note, sizeof tr.truth_note, "%.280s", terr.msg);
	}
	int rc = run(&tr, only);
	if (!rc && only >= 0)
		rc = carry_over(&tr, only);
	if (!rc)
		rc = switch_to_set(&tr);
	if (rc)
		remove_tree(tr.stage);
	if (rc && err && err->code == MRS_ERR_IO) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		mrs_fail(err, MRS_ERR_IO,
			 "%s: cannot write the new model set (%.900s); nothing was changed", dir,
			 why);
	}
	mrs_file_unlock(lock);
	mrs_truth_free(tr.truth);
	if (!rc)
		mrs_progress_report(progress, "done", 1, 1, NULL);
	return rc;
}
