/* safety.c: the NSFW and toxicity models: hashed word n-grams -> embedding bag -> MLP. */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

/* Version of the tokeniser below and of what a model's score means, stored in every safety
 * model and checked at load (3: calibrated probabilities, no class balancing by default,
 * mean-max pooling). */
#define SAFETY_VERSION 3
#define MAX_TOKENS 2048

struct mrs_safety {
	mrs_tmodel *m;
	float *score; /* [n_tweets] probability of every tweet, computed at open */
	bool mapped;  /* score is not the part's own: it lives in a snapshot (and m is NULL:
			 it is not needed) or is another engine's (mrs_engine_opts.texts_from) */
};

void mrs_safety_params_default(mrs_safety_params *prm)
{
	*prm = (mrs_safety_params){
		.buckets = 1u << 18,
		.dim = 32,
		.hidden = 32,
		.bigrams = true,
		.char_ngrams = 5,
		.char_min = 3,
		.pool = MRS_SAFETY_POOL_MEAN_MAX,
		.epochs = 3,
		.batch = 128,
		.lr = 0.005f,
		.weight_decay = 0.0f,
		.dropout = 0.3f,
		.id_dropout = 0.0f,
		.lr_decay = false,
		.balance = false,
		.calibrate = true,
		.select = false,
		.seed = 42,
	};
}

/* ------------------------------------------------------------------ tokens */

static bool word_byte(unsigned char c)
{
	return (c < 0x80 && isalnum(c)) || c == '_' || c == '\'';
}

static bool starts_url(const char *s)
{
	char c = *s;
	if (c != 'h' && c != 'H' && c != 'w' && c != 'W')
		return false;
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	       strncasecmp(s, "www.", 4) == 0;
}

/* The tokeniser hashes millions of short pieces when an engine scores every tweet: FNV-1a
 * runs inline here (mrs_fnv1a's steps, the same values). */
static inline uint64_t fnv_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * MRS_FNV_PRIME;
}

static uint64_t fnv_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = fnv_byte(h, (unsigned char)s[i]);
	return h;
}

#define PIECE_END 0x1f /* separator after a piece, so "ab"+"c" differs from "a"+"bc" */

static uint64_t hash_piece(uint64_t h, const char *s, size_t n)
{
	return fnv_byte(fnv_bytes(h, s, n), PIECE_END);
}

static int64_t bucket(uint64_t h, uint32_t buckets)
{
	return (int64_t)(mrs_hash64(h) % buckets);
}

typedef struct tok_out {
	int64_t *v;
	size_t n, cap;
	uint32_t buckets;
	uint64_t word_seed, bigram_seed, gram_seed; /* hash_piece of "w", "b" and "c" */
} tok_out;

static void emit(tok_out *o, uint64_t h)
{
	if (o->n < o->cap)
		o->v[o->n++] = bucket(h, o->buckets);
}

#define MAX_GRAM 8
#define WORD_MAX 63

/* Character n-grams of lengths min .. max of "<word>", the shortest first, then longer...
 * The hashes of every length up to MAX_GRAM at one start come from one pass over its
 * bytes (a longer gram's hash continues the shorter one's), then go out in that order. */
static void emit_grams(tok_out *o, const char *w, size_t len, int min, int max)
{
	char padded[WORD_MAX + 3];
	uint64_t h[MAX_GRAM + 1][WORD_MAX + 3];
	size_t pl = 0;
	padded[pl++] = '<';
	memcpy(padded + pl, w, len);
	pl += len;
	padded[pl++] = '>';
	for (size_t i = 0; i + (size_t)min <= pl; i++) {
		uint64_t x = o->gram_seed;
		for (int g = 1; g <= MRS_MIN(max, MAX_GRAM) && i + (size_t)g <= pl; g++) {
			x = fnv_byte(x, (unsigned char)padded[i + (size_t)g - 1]);
			if (g >= min)
				h[g][i] = fnv_byte(x, PIECE_END);
		}
	}
	for (int g = min; g <= max; g++)
		for (size_t i = 0; i + (size_t)g <= pl; i++)
			emit(o, g <= MAX_GRAM ? h[g][i] : hash_piece(o->gram_seed, padded + i, (size_t)g));
}

/* Emits the ids of one word: its unigram, the bigram with the word before it, and its
 * character n-grams (not for the special words "<url>", "<@>" and single symbols). */
static void emit_word(tok_out *o, const mrs_safety_params *prm, const char *w, size_t len,
		      bool grams, char *prev, size_t *prev_len)
{
	emit(o, hash_piece(o->word_seed, w, len));
	if (prm->bigrams && *prev_len)
		emit(o, hash_piece(hash_piece(o->bigram_seed, prev, *prev_len), w, len));
	if (grams && prm->char_ngrams >= prm->char_min)
		emit_grams(o, w, len, prm->char_min, prm->char_ngrams);
	memcpy(prev, w, len);
	*prev_len = len;
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * Words are runs of ASCII letters, digits, '_' and inner apostrophes, lower-cased; a
 * link becomes "<url>", a mention "<@>", and every other non-ASCII character (emoji,
 * symbols, letters of other scripts) is a word of its own.
 */
size_t mrs_safety_tokens(const char *text, const mrs_safety_params *prm, int64_t *out,
			 size_t cap)
{
	tok_out o = {out, 0, cap, prm->buckets ? prm->buckets : 1,
		     hash_piece(MRS_FNV_START, "w", 1), hash_piece(MRS_FNV_START, "b", 1),
		     hash_piece(MRS_FNV_START, "c", 1)};
	emit(&o, hash_piece(MRS_FNV_START, "<s>", 3)); /* every text has at least one id */
	char prev[64] = "", word[64];
	size_t prev_len = 0;
	const char *s = text;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (starts_url(s)) {
			while (*s && !isspace((unsigned char)*s))
				s++;
			emit_word(&o, prm, "<url>", 5, false, prev, &prev_len);
		} else if (c == '@' && word_byte((unsigned char)s[1])) {
			for (s++; *s && word_byte((unsigned char)*s); s++)
				;
			emit_word(&o, prm, "<@>", 3, false, prev, &prev_len);
		} else if (c >= 0x80) {
			size_t n = utf8_len(c), k = 1;
			while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
				k++;
			emit_word(&o, prm, s, k, false, prev, &prev_len);
			s += k;
		} else if (word_byte(c)) {
			size_t len = 0;
			for (; *s && word_byte((unsigned char)*s); s++)
				if (len < sizeof word - 1)
					word[len++] = (char)tolower((unsigned char)*s);
			/* apostrophes only join words: drop them at either end */
			size_t a = 0;
			while (a < len && word[a] == '\'')
				a++;
			while (len > a && word[len - 1] == '\'')
				len--;
			if (len > a)
				emit_word(&o, prm, word + a, len - a, true, prev, &prev_len);
		} else {
			s++;
		}
	}
	return o.n;
}

/* ids and offsets of n texts, as the shim's bag models take them. */
static int tokenize_all(const char *const *texts, size_t n, const mrs_safety_params *prm,
			int64_t **ids_out, int64_t **off_out, mrs_error *err)
{
	size_t cap = 0, len = 0;
	int64_t *ids = NULL, *off = mrs_calloc(n + 1, sizeof(int64_t), "safety tokens", err);
	int64_t *tmp = mrs_calloc(MAX_TOKENS, sizeof(int64_t), "safety tokens", err);
	if (!off || !tmp)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		size_t k = mrs_safety_tokens(texts[i], prm, tmp, MAX_TOKENS);
		if (mrs_grow((void **)&ids, &cap, len + k, sizeof(int64_t), "safety tokens", err))
			goto fail;
		memcpy(ids + len, tmp, k * sizeof(int64_t));
		len += k;
		off[i + 1] = (int64_t)len;
	}
	free(tmp);
	*ids_out = ids;
	*off_out = off;
	return 0;
fail:
	free(ids), free(off), free(tmp);
	return -1;
}

/* ------------------------------------------------------------------ labelled texts */

void mrs_texts_free(mrs_texts *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		free(t->text[i]);
	free(t->text), free(t->label);
	free(t);
}

/* The lines of a file (without their "\n" or "\r\n"); a last line without a newline
 * counts, an empty file has none. */
static char **read_lines(const char *path, uint32_t *n_out, mrs_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char **lines = NULL, *line = NULL;
	size_t cap = 0, n = 0, lcap = 0;
	ssize_t got;
	while ((got = getline(&line, &lcap, f)) >= 0) {
		size_t len = (size_t)got;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		line[len] = '\0';
		if (n >= UINT32_MAX - 1 ||
		    mrs_grow((void **)&lines, &cap, n + 1, sizeof(char *), "lines", err) ||
		    !(lines[n] = mrs_strdup(line, err)))
			goto fail;
		n++;
	}
	if (ferror(f)) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	*n_out = (uint32_t)n;
	if (!lines)
		lines = mrs_calloc(1, sizeof(char *), "lines", err);
	return lines;
fail:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines), free(line);
	fclose(f);
	return NULL;
}

mrs_texts *mrs_texts_read(const char *text_path, const char *label_path, mrs_error *err)
{
	uint32_t nl = 0;
	mrs_texts *t = mrs_calloc(1, sizeof *t, "texts", err);
	char **labels = NULL;
	if (!t || !(t->text = read_lines(text_path, &t->n, err)) ||
	    !(labels = read_lines(label_path, &nl, err)))
		goto fail;
	if (nl != t->n) {
		mrs_fail(err, MRS_ERR_DATA, "%s has %u lines but %s has %u", text_path, t->n,
			 label_path, nl);
		goto fail;
	}
	if (!(t->label = mrs_calloc(t->n, 1, "labels", err)))
		goto fail;
	for (uint32_t i = 0; i < nl; i++) {
		const char *s = labels[i];
		while (isspace((unsigned char)*s))
			s++;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		if (len != 1 || (s[0] != '0' && s[0] != '1')) {
			mrs_fail(err, MRS_ERR_DATA, "%s:%u: label '%s' is not 0 or 1", label_path,
				 i + 1, labels[i]);
			goto fail;
		}
		t->label[i] = (uint8_t)(s[0] - '0');
	}
	for (uint32_t i = 0; i < nl; i++)
		free(labels[i]);
	free(labels);
	return t;
fail:
	if (labels)
		for (uint32_t i = 0; i < nl; i++)
			free(labels[i]);
	free(labels);
	mrs_texts_free(t);
	return NULL;
}

/* ------------------------------------------------------------------ training */

static char *safety_meta(const mrs_safety_params *prm, double threshold)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "kind", "safety");
	cJSON_AddNumberToObject(m, "version", SAFETY_VERSION);
	cJSON_AddNumberToObject(m, "buckets", prm->buckets);
	cJSON_AddBoolToObject(m, "bigrams", prm->bigrams);
	cJSON_AddNumberToObject(m, "char_ngrams", prm->char_ngrams);
	cJSON_AddNumberToObject(m, "char_min", prm->char_min);
	cJSON_AddNumberToObject(m, "decision_threshold", threshold);
	char *s = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return s;
}

const char *mrs_safety_pool_name(int pool)
{
	static const char *const names[] = {"mean", "max", "mean-max"};
	return pool >= MRS_SAFETY_POOL_MEAN && pool <= MRS_SAFETY_POOL_MEAN_MAX ? names[pool] : NULL;
}

static void add_params(cJSON *card, const mrs_safety_params *prm)
{
	cJSON *h = cJSON_AddObjectToObject(card, "hyper_parameters");
	cJSON_AddNumberToObject(h, "buckets", prm->buckets);
	cJSON_AddNumberToObject(h, "dim", prm->dim);
	cJSON_AddNumberToObject(h, "hidden", prm->hidden);
	cJSON_AddBoolToObject(h, "bigrams", prm->bigrams);
	cJSON_AddNumberToObject(h, "char_ngrams", prm->char_ngrams);
	cJSON_AddNumberToObject(h, "char_min", prm->char_min);
	cJSON_AddStringToObject(h, "pool", mrs_safety_pool_name(prm->pool));
	cJSON_AddNumberToObject(h, "epochs", prm->epochs);
	cJSON_AddNumberToObject(h, "batch", prm->batch);
	cJSON_AddNumberToObject(h, "lr", prm->lr);
	cJSON_AddBoolToObject(h, "lr_decay", prm->lr_decay);
	cJSON_AddNumberToObject(h, "weight_decay", prm->weight_decay);
	cJSON_AddNumberToObject(h, "dropout", prm->dropout);
	cJSON_AddNumberToObject(h, "id_dropout", prm->id_dropout);
	cJSON_AddBoolToObject(h, "balance", prm->balance);
	cJSON_AddBoolToObject(h, "calibrate", prm->calibrate);
	cJSON_AddNumberToObject(h, "seed", (double)prm->seed);
}

static int check_params(const mrs_safety_params *prm, mrs_error *err)
{
	if (prm->buckets < 16 || prm->dim < 1 || prm->dim > 4096 || prm->hidden < 0 ||
	    prm->epochs < 1 || prm->epochs > MRS_MAX_EPOCHS || prm->batch < 1 ||
	    !(prm->lr > 0) || prm->char_ngrams < 0 || prm->char_ngrams > 8 ||
	    prm->char_min < 2 || prm->char_min > 3 ||
	    prm->pool < MRS_SAFETY_POOL_MEAN || prm->pool > MRS_SAFETY_POOL_MEAN_MAX ||
	    !(prm->id_dropout >= 0 && prm->id_dropout < 1))
		return mrs_fail(err, MRS_ERR_USAGE,
				"safety model: parameters out of range (buckets >= 16, epochs "
				"1..%d, dim, batch and lr positive, char n-grams 0..8 from 2 or 3, "
				"id dropout in [0, 1))",
				MRS_MAX_EPOCHS);
	return 0;
}

/* Scores rows in chunks through forward_bag. */
static int score_texts(mrs_tmodel *m, const mrs_labelled *set, const mrs_safety_params *prm,
		       float *out, mrs_error *err)
{
	for (size_t lo = 0; lo < set->n; lo += 4096) {
		size_t k = MRS_MIN(set->n - lo, (size_t)4096);
		int64_t *ids, *off;
		if (tokenize_all(set->text + lo, k, prm, &ids, &off, err))
			return -1;
		int rc = mrs_tmodel_forward_bag(m, ids, off, (int64_t)k, out + lo);
		free(ids), free(off);
		if (rc)
			return mrs_torch_fail(err, rc, "safety model");
	}
	return 0;
}

static void metrics_none(mrs_safety_metrics *m)
{
	*m = (mrs_safety_metrics){0, 0, NAN, NAN, NAN, NAN, NAN, NAN};
}

static void evaluate(const float *score, const mrs_labelled *set, double threshold,
		     mrs_safety_metrics *m)
{
	const uint8_t *label = set->label;
	size_t n = set->n;
	m->rows = (uint32_t)n;
	m->positives = 0;
	for (size_t i = 0; i < n; i++)
		m->positives += label[i] != 0;
	m->auc = mrs_auc(score, label, n);
	m->pr_auc = mrs_pr_auc(score, label, n);
	m->precision_at_recall_90 = mrs_precision_at_recall(score, label, n, 0.9);
	m->macro_f1_05 = mrs_macro_f1(score, label, n, 0.5);
	m->macro_f1 = mrs_macro_f1(score, label, n, threshold);
	m->ece = mrs_ece(score, label, n);
}

/* The log loss of sigmoid(a z_i + b) against targets t_i, summed (stable for any sign). */
static double platt_loss(const double *z, const double *t, size_t n, double a, double b)
{
	double f = 0;
	for (size_t i = 0; i < n; i++) {
		double x = a * z[i] + b;
		f += x >= 0 ? (1 - t[i]) * x + log1p(exp(-x)) : -t[i] * x + log1p(exp(x));
	}
	return f;
}

/*
 * Platt scaling: a and b minimising the log loss of sigmoid(a z + b) against the labels,
 * z the logit of each score, by Newton's method with a backtracking line search (Lin,
 * Lin and Weng's "A note on Platt's probabilistic outputs", 2007). Targets are Platt's
 * smoothed (pos + 1) / (pos + 2) and 1 / (neg + 2) rather than 1 and 0, so rows that are
 * perfectly separated do not send a to infinity. Leaves a = 1, b = 0 if it cannot improve
 * on them. z and t are scratch [n].
 */
static void platt_fit(const float *score, const uint8_t *label, size_t n, double *z, double *t,
		      double *a_out, double *b_out)
{
	double pos = 0;
	for (size_t i = 0; i < n; i++)
		pos += label[i] != 0;
	double hi = (pos + 1) / (pos + 2), lo = 1 / ((double)n - pos + 2);
	for (size_t i = 0; i < n; i++) {
		double p = score[i] < 1e-7 ? 1e-7 : score[i] > 1 - 1e-7 ? 1 - 1e-7 : score[i];
		z[i] = log(p / (1 - p));
		t[i] = label[i] ? hi : lo;
	}
	double a = 1, b = 0, f = platt_loss(z, t, n, a, b);
	for (int it = 0; it < 100; it++) {
		double g1 = 0, g2 = 0, h11 = 1e-12, h12 = 0, h22 = 1e-12;
		for (size_t i = 0; i < n; i++) {
			double q = 1 / (1 + exp(-(a * z[i] + b))), d = q - t[i], w = q * (1 - q);
			g1 += d * z[i], g2 += d;
			h11 += w * z[i] * z[i], h12 += w * z[i], h22 += w;
		}
		if (fabs(g1) < 1e-6 && fabs(g2) < 1e-6)
			break;
		double det = h11 * h22 - h12 * h12;
		double da = -(h22 * g1 - h12 * g2) / det, db = -(h11 * g2 - h12 * g1) / det;
		double slope = g1 * da + g2 * db, step = 1;
		for (; step >= 1e-10; step /= 2) {
			double f2 = platt_loss(z, t, n, a + step * da, b + step * db);
			if (f2 < f + 1e-4 * step * slope) {
				a += step * da, b += step * db, f = f2;
				break;
			}
		}
		if (step < 1e-10)
			break;
	}
	*a_out = a, *b_out = b;
}

static void add_metrics(cJSON *o, const mrs_safety_metrics *m)
{
	cJSON_AddNumberToObject(o, "rows", m->rows);
	cJSON_AddNumberToObject(o, "positives", m->positives);
	mrs_card_add_number(o, "auc", m->auc);
	mrs_card_add_number(o, "pr_auc", m->pr_auc);
	mrs_card_add_number(o, "ece", m->ece);
	mrs_card_add_number(o, "precision_at_recall_90", m->precision_at_recall_90);
	mrs_card_add_number(o, "macro_f1_at_0.5", m->macro_f1_05);
	mrs_card_add_number(o, "macro_f1", m->macro_f1);
}

/* The card's metrics: "metrics" holds the test texts' (the validation texts' when there
 * are none), "validation" the validation texts'. */
static void add_report(cJSON *card, const mrs_safety_report *rep)
{
	cJSON_AddNumberToObject(card, "train_rows", rep->n_train);
	cJSON_AddNumberToObject(card, "train_positives", rep->train_positives);
	cJSON_AddNumberToObject(card, "parameters", (double)rep->params);
	cJSON_AddNumberToObject(card, "training_seconds", rep->seconds);
	mrs_card_add_floats(card, "loss_per_epoch", rep->epoch_loss, (size_t)rep->epochs);
	cJSON *m = cJSON_AddObjectToObject(card, "metrics");
	add_metrics(m, rep->test.rows ? &rep->test : &rep->val);
	cJSON_AddStringToObject(m, "split", rep->test.rows ? "test" : "validation");
	if (rep->val.rows) {
		cJSON *v = cJSON_AddObjectToObject(card, "validation");
		add_metrics(v, &rep->val);
		mrs_card_add_number(v, "ece_before_calibration", rep->val_ece_raw);
		cJSON_AddStringToObject(v, "note",
					"the calibration and the decision threshold are fit on these "
					"rows: their ECE and macro_f1 are optimistic");
	}
	cJSON *c = cJSON_AddObjectToObject(card, "calibration");
	cJSON_AddStringToObject(c, "method", rep->calib_a == 1 && rep->calib_b == 0
						     ? "none"
						     : "Platt scaling on the validation rows, "
						       "folded into the output layer");
	cJSON_AddNumberToObject(c, "a", rep->calib_a);
	cJSON_AddNumberToObject(c, "b", rep->calib_b);
	cJSON_AddNumberToObject(c, "ece_bins", MRS_ECE_BINS);
	mrs_card_add_number(card, "decision_threshold", rep->threshold);
}

/* Calibrates m on the validation rows (when asked), chooses the decision threshold there
 * and fills rep->val; vs is scratch [val->n]. */
static int fit_on_val(mrs_tmodel *m, const mrs_labelled *val, const mrs_safety_params *prm,
		      float *vs, mrs_safety_report *rep, mrs_error *err)
{
	if (score_texts(m, val, prm, vs, err))
		return -1;
	rep->val_ece_raw = mrs_ece(vs, val->label, val->n);
	if (prm->calibrate) {
		double *z = mrs_calloc(2 * val->n, sizeof(double), "safety calibration", err);
		if (!z)
			return -1;
		platt_fit(vs, val->label, val->n, z, z + val->n, &rep->calib_a, &rep->calib_b);
		free(z);
		int st = mrs_tmodel_scale_logit(m, 0, (float)rep->calib_a, (float)rep->calib_b);
		if (st || score_texts(m, val, prm, vs, err))
			return st ? mrs_torch_fail(err, st, "safety calibration") : -1;
	}
	double thr = 0.5;
	if (!isnan(mrs_macro_f1_best(vs, val->label, val->n, &thr)) && isfinite(thr))
		rep->threshold = thr;
	evaluate(vs, val, rep->threshold, &rep->val);
	return 0;
}

/* Trains a model on train and calibrates it on val (when it has rows) into *out, filling
 * the training and validation parts of rep. */
static int fit_model(const mrs_labelled *train, const mrs_labelled *val,
		     const mrs_safety_params *prm, const char *name, const mrs_progress *p,
		     mrs_safety_report *rep, mrs_tmodel **out, mrs_error *err)
{
	memset(rep, 0, sizeof *rep);
	metrics_none(&rep->val);
	metrics_none(&rep->test);
	rep->val_ece_raw = NAN;
	rep->calib_a = 1, rep->calib_b = 0, rep->threshold = 0.5;
	*out = NULL;
	if (check_params(prm, err))
		return -1;
	size_t n = train->n, pos = 0;
	for (size_t i = 0; i < n; i++)
		pos += train->label[i] != 0;
	if (!pos || pos == n)
		return mrs_fail(err, MRS_ERR_DATA,
				"%s: the training texts need both labels (%zu of %zu positive)", name,
				pos, n);
	size_t nv = val ? val->n : 0;
	double t0 = mrs_seconds();
	int rc = -1;
	int64_t *ids = NULL, *off = NULL;
	float *y = mrs_calloc(n, sizeof(float), "safety labels", err);
	float *vs = mrs_calloc(nv + 1, sizeof(float), "safety scores", err);
	mrs_tmodel *m = NULL;
	if (!y || !vs || tokenize_all(train->text, n, prm, &ids, &off, err))
		goto out;
	for (size_t i = 0; i < n; i++)
		y[i] = train->label[i] ? 1.0f : 0.0f;
	static const int pools[] = {MRS_TPOOL_MEAN, MRS_TPOOL_MAX, MRS_TPOOL_MEAN_MAX};
	mrs_tspec spec = {
		.kind = MRS_TK_BAG,
		.n_buckets = prm->buckets,
		.bag_dim = prm->dim,
		.pool = pools[prm->pool],
		.n_layers = prm->hidden > 0 ? 1 : 0,
		.hidden = {prm->hidden},
		.norm = MRS_TNORM_NONE,
		.dropout = prm->dropout,
		.n_heads = 1,
		.seed = prm->seed,
	};
	int st = mrs_tmodel_new(&spec, &m);
	if (st) {
		mrs_torch_fail(err, st, name);
		goto out;
	}
	float pw = prm->balance ? (float)(n - pos) / (float)pos : 1.0f;
	mrs_tprog tp;
	mrs_tprog_init(&tp, p, name);
	mrs_ttrain t = {
		.ids = ids,
		.offsets = off,
		.n = (int64_t)n,
		.y = y,
		.pos_weight = &pw,
		.epochs = prm->epochs,
		.batch = prm->batch,
		.lr = prm->lr,
		.weight_decay = prm->weight_decay,
		.progress = mrs_tprog_fn,
		.ud = &tp,
		.report_every = 2048,
		.epoch_loss = rep->epoch_loss,
		.id_dropout = prm->id_dropout,
		.lr_decay = prm->lr_decay,
	};
	if ((st = mrs_tmodel_train(m, &t))) {
		mrs_torch_fail(err, st, name);
		goto out;
	}
	rep->n_train = (uint32_t)n;
	rep->train_positives = (uint32_t)pos;
	rep->epochs = prm->epochs;
	rep->params = mrs_tmodel_param_count(m);
	if (nv && fit_on_val(m, val, prm, vs, rep, err))
		goto out;
	rep->seconds = mrs_seconds() - t0;
	*out = m;
	m = NULL;
	rc = 0;
out:
	free(ids), free(off), free(y), free(vs);
	mrs_tmodel_free(m);
	return rc;
}

/* Scores test with the fitted model m and, when dir is not NULL, writes it and its card
 * (or hands the card to card_out). */
static int finish_model(mrs_tmodel *m, const mrs_labelled *test, const mrs_safety_params *prm,
			const char *dir, const char *name, const char *source,
			mrs_safety_report *rep, cJSON **card_out, mrs_error *err)
{
	size_t nt = test ? test->n : 0;
	if (nt) {
		float *ts = mrs_calloc(nt, sizeof(float), "safety scores", err);
		if (!ts || score_texts(m, test, prm, ts, err)) {
			free(ts);
			return -1;
		}
		evaluate(ts, test, rep->threshold, &rep->test);
		free(ts);
	}
	if (!dir)
		return 0;
	char path[4096];
	char *meta = NULL;
	if (mrs_model_path(path, sizeof path, dir, name, "pt", err) ||
	    !(meta = safety_meta(prm, rep->threshold)))
		return -1;
	int rc = mrs_torch_save(m, path, meta, err);
	free(meta);
	if (rc)
		return -1;
	cJSON *card = mrs_card_new(name, "safety");
	cJSON_AddStringToObject(card, "source", source ? source : "");
	add_params(card, prm);
	add_report(card, rep);
	if (card_out) {
		*card_out = card;
		return 0;
	}
	rc = mrs_card_write(dir, name, card, err);
	cJSON_Delete(card);
	return rc;
}

int mrs_safety_fit(const mrs_labelled *train, const mrs_labelled *val, const mrs_labelled *test,
		   const mrs_safety_params *prm, const char *dir, const char *name,
		   const char *source, const mrs_progress *p, mrs_safety_report *rep,
		   cJSON **card_out, mrs_error *err)
{
	mrs_tmodel *m = NULL;
	int rc = fit_model(train, val, prm, name, p, rep, &m, err) ||
			 finish_model(m, test, prm, dir, name, source, rep, card_out, err)
		     ? -1
		     : 0;
	mrs_tmodel_free(m);
	return rc;
}

static mrs_labelled borrow(const mrs_texts *t)
{
	return t ? (mrs_labelled){(const char *const *)t->text, t->label, t->n}
		 : (mrs_labelled){NULL, NULL, 0};
}

int mrs_safety_train(const mrs_texts *train, const mrs_texts *val, const mrs_texts *test,
		     const mrs_safety_params *prm, const char *path,
		     const mrs_progress *progress, mrs_safety_report *rep, mrs_error *err)
{
	mrs_safety_params def;
	if (!prm) {
		mrs_safety_params_default(&def);
		prm = &def;
	}
	char dir[4096] = ".", name[256] = "safety";
	if (path) {
		size_t len = strlen(path);
		if (len < 4 || strcmp(path + len - 3, ".pt") != 0)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: a model file name must end in .pt",
					path);
		const char *slash = strrchr(path, '/');
		const char *base = slash ? slash + 1 : path;
		if (slash)
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
		if (slash == path)
			snprintf(dir, sizeof dir, "/");
		snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - 3), base);
	}
	mrs_labelled tr = borrow(train), va = borrow(val), te = borrow(test);
	const char *src = "labelled text files";
	if (!prm->select || !va.n)
		return mrs_safety_fit(&tr, &va, &te, prm, path ? dir : NULL, name, src, progress,
				      rep, NULL, err);
	/* Model selection on the validation texts alone: both candidates are fit and
	 * calibrated without the test texts; only the one kept is scored on them. */
	mrs_safety_params cand[2] = {*prm, *prm};
	cand[0].select = cand[1].select = false;
	cand[1].hidden = 0;
	cand[1].epochs = MRS_SAFETY_LINEAR_EPOCHS;
	cand[1].lr = MRS_SAFETY_LINEAR_LR;
	mrs_safety_report r[2];
	mrs_tmodel *m[2] = {NULL, NULL};
	double t0 = mrs_seconds();
	int rc = -1;
	cJSON *card = NULL;
	if (fit_model(&tr, &va, &cand[0], name, progress, &r[0], &m[0], err) ||
	    fit_model(&tr, &va, &cand[1], name, progress, &r[1], &m[1], err))
		goto out;
	int chosen = r[1].val.macro_f1 > r[0].val.macro_f1 ? 1 : 0;
	*rep = r[chosen];
	rep->seconds = mrs_seconds() - t0; /* both fits */
	rep->candidates = 2;
	rep->chosen = chosen;
	rep->candidate_val_f1[0] = r[0].val.macro_f1, rep->candidate_val_f1[1] = r[1].val.macro_f1;
	if (finish_model(m[chosen], &te, &cand[chosen], path ? dir : NULL, name, src, rep,
			 path ? &card : NULL, err))
		goto out;
	rc = 0;
	if (card) {
		cJSON *o = cJSON_AddObjectToObject(card, "selection");
		cJSON_AddStringToObject(o, "rule",
					"the higher validation macro-F1 of the given model and the "
					"linear one");
		mrs_card_add_number(o, "given_val_macro_f1", r[0].val.macro_f1);
		mrs_card_add_number(o, "linear_val_macro_f1", r[1].val.macro_f1);
		cJSON_AddStringToObject(o, "chosen", chosen ? "linear" : "given");
		rc = mrs_card_write(dir, name, card, err);
	}
out:
	cJSON_Delete(card);
	mrs_tmodel_free(m[0]), mrs_tmodel_free(m[1]);
	return rc;
}

/* ------------------------------------------------------------------ the engine part */

void mrs_safety_free(struct mrs_safety *s)
{
	if (!s)
		return;
	mrs_tmodel_free(s->m);
	if (!s->mapped)
		free(s->score);
	free(s);
}

/* One safety model's scores, when it is loaded. */
static int safety_snap_one(mrs_engine *e, struct mrs_safety **s, const char *name,
			   mrs_snap_io *io)
{
	uint32_t present = *s != NULL;
	char head[64];
	snprintf(head, sizeof head, "%s.head", name);
	if (mrs_snap_value(io, head, &present, sizeof present))
		return -1;
	if (!present)
		return 0;
	if (!io->writing && !(*s = mrs_calloc(1, sizeof **s, "safety", io->err)))
		return -1;
	(*s)->mapped = !io->writing;
	snprintf(head, sizeof head, "%s.score", name);
	return MRS_SNAP_ARRAY(io, head, (*s)->score, e->ds->n_tweets);
}

int mrs_safety_snap(mrs_engine *e, mrs_snap_io *io)
{
	return safety_snap_one(e, &e->nsfw, "nsfw", io) || safety_snap_one(e, &e->tox, "tox", io)
		       ? -1
		       : 0;
}

/* Tokeniser parameters from a model's meta. Returns 0 for a safety model of this version,
 * else -1 with *version set to the version found (0: not a safety model; files before
 * version 3 stored it as "tokenizer"). */
static int meta_params(const char *meta, mrs_safety_params *prm, int *version)
{
	cJSON *m = meta ? cJSON_Parse(meta) : NULL;
	const cJSON *kind = cJSON_GetObjectItem(m, "kind"), *bi = cJSON_GetObjectItem(m, "bigrams");
	long long buckets = mrs_card_int(m, "buckets");
	long long char_ngrams = mrs_card_int(m, "char_ngrams");
	long long char_min = mrs_card_int(m, "char_min"); /* absent before: 3 */
	if (char_min < 0)
		char_min = 3;
	int rc = -1;
	*version = 0;
	if (cJSON_IsString(kind) && strcmp(kind->valuestring, "safety") == 0) {
		long long v = mrs_card_int(m, "version");
		if (v < 0) /* before version 3 it was stored as "tokenizer" */
			v = mrs_card_int(m, "tokenizer");
		*version = v > 0 && v < 1000 ? (int)v : 0;
	}
	if (*version == SAFETY_VERSION && buckets >= 1 && buckets <= UINT32_MAX && cJSON_IsBool(bi) &&
	    char_ngrams >= 0 && char_ngrams <= 64 && char_min >= 2 && char_min <= 3) {
		mrs_safety_params_default(prm);
		prm->buckets = (uint32_t)buckets;
		prm->bigrams = cJSON_IsTrue(bi);
		prm->char_ngrams = (int)char_ngrams;
		prm->char_min = (int)char_min;
		rc = 0;
	}
	cJSON_Delete(m);
	return rc;
}

/* Loads DIR/NAME.pt into *out (prm: its tokeniser). A missing or foreign model is not an
 * error: the status says so, *out stays NULL and the fallback (score 0) serves. */
static int safety_load(mrs_engine *e, mrs_model_id id, struct mrs_safety **out,
		       mrs_safety_params *prm, mrs_error *err)
{
	const char *name = mrs_model_name(id);
	mrs_model_status *st = &e->status[id];
	st->loaded = false;
	char why[256];
	if (mrs_model_refused(e, id, why, sizeof why)) {
		snprintf(st->note, sizeof st->note, "%s: %s score 0 for every tweet (no penalty)",
			 why, name);
		return 0;
	}
	char path[4096];
	if (mrs_model_path(path, sizeof path, e->models_dir, name, "pt", err))
		return -1;
	mrs_tmodel *m = NULL;
	char *meta = NULL;
	if (mrs_tmodel_load(path, &m, &meta)) {
		snprintf(st->note, sizeof st->note, "%s; %s score 0 for every tweet (no penalty)",
			 mrs_torch_last_error(), name);
		return 0;
	}
	int version;
	int bad = meta_params(meta, prm, &version);
	free(meta);
	if (bad && version > 0 && version != SAFETY_VERSION) {
		snprintf(st->note, sizeof st->note,
			 "%.150s: a safety model of version %d, this build reads version %d "
			 "(retrain with `minirecsys train`); %s score 0 (no penalty)",
			 path, version, SAFETY_VERSION, name);
	} else if (bad) {
		snprintf(st->note, sizeof st->note,
			 "%.200s: not a safety model; %s score 0 (no penalty)", path, name);
	}
	if (bad) {
		mrs_tmodel_free(m);
		return 0;
	}
	struct mrs_safety *s = mrs_calloc(1, sizeof *s, "safety model", err);
	float *score = mrs_calloc(e->ds->n_tweets ? e->ds->n_tweets : 1, sizeof(float), name, err);
	if (!s || !score) {
		free(s), free(score);
		mrs_tmodel_free(m);
		return -1;
	}
	s->m = m;
	s->score = score;
	*out = s;
	snprintf(st->note, sizeof st->note, "loaded %.280s", path);
	return 0;
}

static bool same_tokens(const mrs_safety_params *a, const mrs_safety_params *b)
{
	return a->buckets == b->buckets && a->bigrams == b->bigrams &&
	       a->char_ngrams == b->char_ngrams && a->char_min == b->char_min;
}

/* Scores every tweet's text with n models that share one tokeniser: each chunk of texts
 * is tokenised once and goes through every model. */
static int score_tweets(mrs_engine *e, struct mrs_safety *const *models, int n,
			const mrs_safety_params *prm, const char *phase, const mrs_progress *p,
			mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	const char **texts = mrs_calloc(4096, sizeof(char *), phase, err);
	int rc = texts ? 0 : -1;
	for (uint32_t lo = 0; lo < ds->n_tweets && !rc; lo += 4096) {
		uint32_t k = MRS_MIN(ds->n_tweets - lo, 4096u);
		if (mrs_progress_report(p, phase, lo, ds->n_tweets, NULL)) {
			rc = mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled while computing %s",
				      phase);
			break;
		}
		for (uint32_t i = 0; i < k; i++)
			texts[i] = mrs_tweet_text(ds, lo + i);
		int64_t *ids, *off;
		if ((rc = tokenize_all(texts, k, prm, &ids, &off, err)))
			break;
		for (int j = 0; j < n && !rc; j++) {
			int st = mrs_tmodel_forward_bag(models[j]->m, ids, off, k, models[j]->score + lo);
			if (st)
				rc = mrs_torch_fail(err, st, phase);
		}
		free(ids), free(off);
	}
	free(texts);
	return rc;
}

/* Opens both safety models and scores every tweet's text with each, once: the
 * tokenisation is shared when the two models tokenise alike (the defaults do). */
int mrs_safety_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	mrs_safety_params pn, pt;
	if (safety_load(e, MRS_MODEL_NSFW, &e->nsfw, &pn, err) ||
	    safety_load(e, MRS_MODEL_TOXICITY, &e->tox, &pt, err))
		return -1;
	/* scores of the same texts by the same models, in another engine */
	const mrs_engine *d = e->texts_from;
	if (d && d->ds->n_tweets == e->ds->n_tweets && strcmp(d->models_dir, e->models_dir) == 0) {
		struct mrs_safety *mine[2] = {e->nsfw, e->tox};
		const struct mrs_safety *theirs[2] = {d->nsfw, d->tox};
		for (int i = 0; i < 2; i++)
			if (mine[i] && theirs[i]) {
				free(mine[i]->score);
				mine[i]->score = theirs[i]->score;
				mine[i]->mapped = true;
			}
	}
	bool own_n = e->nsfw && !e->nsfw->mapped, own_t = e->tox && !e->tox->mapped;
	int rc;
	if (own_n && own_t && same_tokens(&pn, &pt)) {
		struct mrs_safety *both[2] = {e->nsfw, e->tox};
		rc = score_tweets(e, both, 2, &pn, "nsfw and toxicity scores", p, err);
	} else {
		rc = own_n ? score_tweets(e, &e->nsfw, 1, &pn, "nsfw scores", p, err) : 0;
		rc = !rc && own_t ? score_tweets(e, &e->tox, 1, &pt, "toxicity scores", p, err) : rc;
	}
	if (rc) {
		mrs_safety_free(e->nsfw), mrs_safety_free(e->tox);
		e->nsfw = e->tox = NULL;
		return -1;
	}
	e->status[MRS_MODEL_NSFW].loaded = e->nsfw != NULL;
	e->status[MRS_MODEL_TOXICITY].loaded = e->tox != NULL;
	return 0;
}

int mrs_safety_scores(const mrs_engine *e, const uint32_t *tweets, uint32_t n, float *nsfw,
		      float *tox, mrs_error *err)
{
	for (uint32_t i = 0; i < n; i++) {
		if (tweets[i] >= e->ds->n_tweets)
			return mrs_fail(err, MRS_ERR_USAGE, "safety: no tweet %u", tweets[i]);
		if (nsfw)
			nsfw[i] = e->nsfw ? e->nsfw->score[tweets[i]] : 0.0f;
		if (tox)
			tox[i] = e->tox ? e->tox->score[tweets[i]] : 0.0f;
	}
	return 0;
}
