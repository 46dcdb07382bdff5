/* safety.c: the NSFW and toxicity models: hashed word n-grams -> embedding bag -> MLP. */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

/* Version of the tokeniser below; stored in every safety model and checked at load. */
#define SAFETY_TOKENIZER 2
#define MAX_TOKENS 2048

struct mrs_safety {
	mrs_tmodel *m;
	float *score; /* [n_tweets] probability of every tweet, computed at open */
};

void mrs_safety_params_default(mrs_safety_params *prm)
{
	*prm = (mrs_safety_params){
		.buckets = 1u << 18,
		.dim = 32,
		.hidden = 32,
		.bigrams = true,
		.char_ngrams = 5,
		.epochs = 3,
		.batch = 128,
		.lr = 0.005f,
		.weight_decay = 0.0f,
		.dropout = 0.3f,
		.balance = true,
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

/* Character n-grams of lengths 3 .. max of "<word>", all 3-grams first, then 4-grams...
 * The hashes of every length up to MAX_GRAM at one start come from one pass over its
 * bytes (a longer gram's hash continues the shorter one's), then go out in that order. */
static void emit_grams(tok_out *o, const char *w, size_t len, int max)
{
	char padded[WORD_MAX + 3];
	uint64_t h[MAX_GRAM + 1][WORD_MAX + 3];
	size_t pl = 0;
	padded[pl++] = '<';
	memcpy(padded + pl, w, len);
	pl += len;
	padded[pl++] = '>';
	for (size_t i = 0; i + 3 <= pl; i++) {
		uint64_t x = o->gram_seed;
		for (int g = 1; g <= MRS_MIN(max, MAX_GRAM) && i + (size_t)g <= pl; g++) {
			x = fnv_byte(x, (unsigned char)padded[i + (size_t)g - 1]);
			if (g >= 3)
				h[g][i] = fnv_byte(x, PIECE_END);
		}
	}
	for (int g = 3; g <= max; g++)
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
	if (grams && prm->char_ngrams >= 3)
		emit_grams(o, w, len, prm->char_ngrams);
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

static char *safety_meta(const mrs_safety_params *prm)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "kind", "safety");
	cJSON_AddNumberToObject(m, "tokenizer", SAFETY_TOKENIZER);
	cJSON_AddNumberToObject(m, "buckets", prm->buckets);
	cJSON_AddBoolToObject(m, "bigrams", prm->bigrams);
	cJSON_AddNumberToObject(m, "char_ngrams", prm->char_ngrams);
	char *s = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return s;
}

static void add_params(cJSON *card, const mrs_safety_params *prm)
{
	cJSON *h = cJSON_AddObjectToObject(card, "hyper_parameters");
	cJSON_AddNumberToObject(h, "buckets", prm->buckets);
	cJSON_AddNumberToObject(h, "dim", prm->dim);
	cJSON_AddNumberToObject(h, "hidden", prm->hidden);
	cJSON_AddBoolToObject(h, "bigrams", prm->bigrams);
	cJSON_AddNumberToObject(h, "char_ngrams", prm->char_ngrams);
	cJSON_AddNumberToObject(h, "epochs", prm->epochs);
	cJSON_AddNumberToObject(h, "batch", prm->batch);
	cJSON_AddNumberToObject(h, "lr", prm->lr);
	cJSON_AddNumberToObject(h, "weight_decay", prm->weight_decay);
	cJSON_AddNumberToObject(h, "dropout", prm->dropout);
	cJSON_AddBoolToObject(h, "balance", prm->balance);
	cJSON_AddNumberToObject(h, "seed", (double)prm->seed);
}

static int check_params(const mrs_safety_params *prm, mrs_error *err)
{
	if (prm->buckets < 16 || prm->dim < 1 || prm->dim > 4096 || prm->hidden < 0 ||
	    prm->epochs < 1 || prm->epochs > MRS_MAX_EPOCHS || prm->batch < 1 ||
	    !(prm->lr > 0) || prm->char_ngrams < 0 || prm->char_ngrams > 8)
		return mrs_fail(err, MRS_ERR_USAGE,
				"safety model: parameters out of range (buckets >= 16, epochs "
				"1..%d, dim, batch and lr positive, char n-grams 0..8)",
				MRS_MAX_EPOCHS);
	return 0;
}

/* Scores rows in chunks through forward_bag. */
static int score_texts(mrs_tmodel *m, const char *const *texts, size_t n,
		       const mrs_safety_params *prm, float *out, mrs_error *err)
{
	for (size_t lo = 0; lo < n; lo += 4096) {
		size_t k = MRS_MIN(n - lo, (size_t)4096);
		int64_t *ids, *off;
		if (tokenize_all(texts + lo, k, prm, &ids, &off, err))
			return -1;
		int rc = mrs_tmodel_forward_bag(m, ids, off, (int64_t)k, out + lo);
		free(ids), free(off);
		if (rc)
			return mrs_torch_fail(err, rc, "safety model");
	}
	return 0;
}

static void evaluate(const float *score, const uint8_t *label, size_t n, mrs_safety_report *rep)
{
	rep->auc = mrs_auc(score, label, n);
	rep->pr_auc = mrs_pr_auc(score, label, n);
	rep->precision_at_recall_90 = mrs_precision_at_recall(score, label, n, 0.9);
	rep->macro_f1_05 = mrs_macro_f1(score, label, n, 0.5);
	rep->macro_f1_best = mrs_macro_f1_best(score, label, n, &rep->best_threshold);
}

static void add_report(cJSON *card, const mrs_safety_report *rep)
{
	cJSON_AddNumberToObject(card, "train_rows", rep->n_train);
	cJSON_AddNumberToObject(card, "train_positives", rep->train_positives);
	cJSON_AddNumberToObject(card, "parameters", (double)rep->params);
	cJSON_AddNumberToObject(card, "training_seconds", rep->seconds);
	mrs_card_add_floats(card, "loss_per_epoch", rep->epoch_loss, (size_t)rep->epochs);
	cJSON *m = cJSON_AddObjectToObject(card, "metrics");
	cJSON_AddNumberToObject(m, "rows", rep->n_val);
	cJSON_AddNumberToObject(m, "positives", rep->val_positives);
	mrs_card_add_number(m, "auc", rep->auc);
	mrs_card_add_number(m, "pr_auc", rep->pr_auc);
	mrs_card_add_number(m, "precision_at_recall_90", rep->precision_at_recall_90);
	mrs_card_add_number(m, "macro_f1_at_0.5", rep->macro_f1_05);
	mrs_card_add_number(m, "macro_f1_best", rep->macro_f1_best);
	mrs_card_add_number(m, "best_threshold", rep->best_threshold);
	cJSON_AddStringToObject(m, "note",
				"macro_f1_best uses the threshold that maximises it on these "
				"same rows (optimistic); macro_f1_at_0.5 does not");
}

int mrs_safety_fit(const char *const *texts, const uint8_t *labels, size_t n,
		   const char *const *val_texts, const uint8_t *val_labels, size_t nv,
		   const mrs_safety_params *prm, const char *dir, const char *name,
		   const char *source, const mrs_progress *p, mrs_safety_report *rep,
		   cJSON **card_out, mrs_error *err)
{
	memset(rep, 0, sizeof *rep);
	rep->auc = rep->pr_auc = rep->precision_at_recall_90 = NAN;
	rep->macro_f1_05 = rep->macro_f1_best = rep->best_threshold = NAN;
	if (check_params(prm, err))
		return -1;
	size_t pos = 0;
	for (size_t i = 0; i < n; i++)
		pos += labels[i] != 0;
	if (!pos || pos == n)
		return mrs_fail(err, MRS_ERR_DATA,
				"%s: the training texts need both labels (%zu of %zu positive)", name,
				pos, n);
	double t0 = mrs_seconds();
	int rc = -1;
	int64_t *ids = NULL, *off = NULL;
	float *y = mrs_calloc(n, sizeof(float), "safety labels", err);
	float *vs = mrs_calloc(nv ? nv : 1, sizeof(float), "safety scores", err);
	char *meta = NULL;
	mrs_tmodel *m = NULL;
	if (!y || !vs || tokenize_all(texts, n, prm, &ids, &off, err))
		goto out;
	for (size_t i = 0; i < n; i++)
		y[i] = labels[i] ? 1.0f : 0.0f;
	mrs_tspec spec = {
		.kind = MRS_TK_BAG,
		.n_buckets = prm->buckets,
		.bag_dim = prm->dim,
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
	};
	if ((st = mrs_tmodel_train(m, &t))) {
		mrs_torch_fail(err, st, name);
		goto out;
	}
	rep->seconds = mrs_seconds() - t0;
	rep->n_train = (uint32_t)n;
	rep->train_positives = (uint32_t)pos;
	rep->epochs = prm->epochs;
	rep->params = mrs_tmodel_param_count(m);
	if (nv) {
		if (score_texts(m, val_texts, nv, prm, vs, err))
			goto out;
		rep->n_val = (uint32_t)nv;
		for (size_t i = 0; i < nv; i++)
			rep->val_positives += val_labels[i] != 0;
		evaluate(vs, val_labels, nv, rep);
	}
	if (dir) {
		char path[4096];
		if (mrs_model_path(path, sizeof path, dir, name, "pt", err) ||
		    !(meta = safety_meta(prm)))
			goto out;
		if ((st = mrs_tmodel_save(m, path, meta))) {
			mrs_torch_fail(err, st, path);
			goto out;
		}
		cJSON *card = mrs_card_new(name, "safety");
		cJSON_AddStringToObject(card, "source", source ? source : "");
		add_params(card, prm);
		add_report(card, rep);
		if (card_out) {
			*card_out = card;
		} else {
			int wrc = mrs_card_write(dir, name, card, err);
			cJSON_Delete(card);
			if (wrc)
				goto out;
		}
	}
	rc = 0;
out:
	free(ids), free(off), free(y), free(vs), free(meta);
	mrs_tmodel_free(m);
	return rc;
}

int mrs_safety_train(const mrs_texts *train, const mrs_texts *val,
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
	return mrs_safety_fit((const char *const *)train->text, train->label, train->n,
			      val ? (const char *const *)val->text : NULL, val ? val->label : NULL,
			      val ? val->n : 0, prm, path ? dir : NULL, name, "labelled text files",
			      progress, rep, NULL, err);
}

/* ------------------------------------------------------------------ the engine part */

void mrs_safety_free(struct mrs_safety *s)
{
	if (!s)
		return;
	mrs_tmodel_free(s->m);
	free(s->score);
	free(s);
}

/* Tokeniser parameters from a model's meta; -1 when they are not ours. */
static int meta_params(const char *meta, mrs_safety_params *prm)
{
	cJSON *m = meta ? cJSON_Parse(meta) : NULL;
	const cJSON *kind = cJSON_GetObjectItem(m, "kind"), *tok = cJSON_GetObjectItem(m, "tokenizer");
	const cJSON *b = cJSON_GetObjectItem(m, "buckets"), *bi = cJSON_GetObjectItem(m, "bigrams");
	const cJSON *cg = cJSON_GetObjectItem(m, "char_ngrams");
	int rc = -1;
	if (cJSON_IsString(kind) && strcmp(kind->valuestring, "safety") == 0 &&
	    cJSON_IsNumber(tok) && tok->valueint == SAFETY_TOKENIZER && cJSON_IsNumber(b) &&
	    b->valuedouble >= 1 && cJSON_IsBool(bi) && cJSON_IsNumber(cg)) {
		mrs_safety_params_default(prm);
		prm->buckets = (uint32_t)b->valuedouble;
		prm->bigrams = cJSON_IsTrue(bi);
		prm->char_ngrams = cg->valueint;
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
	if (!e->models_dir[0]) {
		snprintf(st->note, sizeof st->note,
			 "no models folder: %s score 0 for every tweet (no penalty)", name);
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
	int bad = meta_params(meta, prm);
	free(meta);
	if (bad) {
		snprintf(st->note, sizeof st->note,
			 "%.200s: not a safety model of this version; %s score 0 (no penalty)",
			 path, name);
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
	       a->char_ngrams == b->char_ngrams;
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
	int rc;
	if (e->nsfw && e->tox && same_tokens(&pn, &pt)) {
		struct mrs_safety *both[2] = {e->nsfw, e->tox};
		rc = score_tweets(e, both, 2, &pn, "nsfw and toxicity scores", p, err);
	} else {
		rc = e->nsfw ? score_tweets(e, &e->nsfw, 1, &pn, "nsfw scores", p, err) : 0;
		rc = !rc && e->tox ? score_tweets(e, &e->tox, 1, &pt, "toxicity scores", p, err) : rc;
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
