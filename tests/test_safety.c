/* test_safety.c: the safety models: deterministic hashing, learning a toxic lexicon,
 * reading labelled text pairs, and train-safety's metrics on a small fixture pair. */
#include <cJSON.h>
#include <math.h>
#include <sys/stat.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdbool.h>

#include "mrs_torch.h"
#include "testutil.h"

/* ids of "<s>" and "idiot" with 2^18 buckets, as the tokeniser gives them */
#define SAFETY_PINNED_START 235327
#define SAFETY_PINNED_IDIOT 48759

static mrs_safety_params params(void)
{
	mrs_safety_params p;
	mrs_safety_params_default(&p);
	return p;
}

static size_t tokens(const char *text, const mrs_safety_params *p, int64_t *out)
{
	return mrs_safety_tokens(text, p, out, 256);
}

static void test_hashing_is_deterministic(void **state)
{
	(void)state;
	mrs_safety_params p = params();
	p.bigrams = true;
	p.char_ngrams = 0;
	int64_t a[256], b[256], c[256];
	size_t na = tokens("Hello World hello", &p, a);
	size_t nb = tokens("Hello World hello", &p, b);
	/* <s>, hello, world, "hello world", hello, "world hello" */
	assert_int_equal(na, 6);
	assert_int_equal(nb, na);
	assert_memory_equal(a, b, na * sizeof(int64_t));
	/* lower-cased: "Hello" and "hello" are one unigram */
	assert_true(a[1] == a[4]);
	for (size_t i = 0; i < na; i++)
		assert_true(a[i] >= 0 && a[i] < (int64_t)p.buckets);
	/* the same words in another order share unigrams, not bigrams */
	size_t nc = tokens("world hello", &p, c);
	assert_int_equal(nc, 4);
	assert_true(c[1] == a[2] && c[2] == a[1]);
	assert_true(c[3] == a[5] && c[3] != a[3]);
	/* unsalted: the same ids in every process and on every machine */
	int64_t s[4];
	assert_int_equal(mrs_safety_tokens("idiot", &p, s, 4), 2);
	int64_t again[4];
	mrs_safety_tokens("IDIOT!", &p, again, 4);
	assert_true(s[1] == again[1]);
	/* urls collapse to one token; punctuation splits words */
	size_t nu = tokens("see https://t.co/abc123 now", &p, a);
	size_t nv = tokens("see https://t.co/zzz999 now", &p, b);
	assert_int_equal(nu, nv);
	assert_memory_equal(a, b, nu * sizeof(int64_t));
	/* character n-grams add ids; the cap is respected */
	p.char_ngrams = 4;
	assert_true(tokens("hello", &p, a) > 2);
	assert_int_equal(mrs_safety_tokens("one two three four five", &p, a, 3), 3);
	/* an empty text still has its start id */
	assert_int_equal(tokens("", &p, a), 1);
}

/* char_min 2 adds the 2-grams of "<word>" before the longer grams, which keep their ids. */
static void test_char_min(void **state)
{
	(void)state;
	mrs_safety_params p = params();
	p.bigrams = false;
	p.char_ngrams = 3;
	int64_t a[32], b[32];
	/* <s>, ab, then "<ab" and "ab>" */
	assert_int_equal(tokens("ab", &p, a), 4);
	p.char_min = 2;
	/* <s>, ab, then "<a", "ab", "b>", then "<ab" and "ab>" */
	assert_int_equal(tokens("ab", &p, b), 7);
	assert_true(a[0] == b[0] && a[1] == b[1]);
	assert_true(a[2] == b[5] && a[3] == b[6]);
	assert_true(b[2] != a[2] && b[3] != a[2] && b[4] != a[3]);
	/* a one-letter word has 2-grams too ("<a", "a>"), and no 3-gram but "<a>" */
	assert_int_equal(tokens("a", &p, b), 2 + 2 + 1);
	/* out of range: refused before training */
	p.char_min = 1;
	mrs_safety_report rep;
	mrs_error err = {0};
	const char *t[2] = {"x", "y"};
	uint8_t l[2] = {0, 1};
	mrs_labelled set = {t, l, 2};
	assert_int_equal(mrs_safety_fit(&set, NULL, NULL, &p, NULL, "toxicity", "test", NULL, &rep,
					NULL, &err),
			 -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
}

/* The pinned id of "idiot" with the default buckets: changing the tokeniser or the hash
 * changes every trained model, so it must be a deliberate change of this number too. */
static void test_hash_is_pinned(void **state)
{
	(void)state;
	mrs_safety_params p = params();
	int64_t s[4];
	mrs_safety_tokens("idiot", &p, s, 4);
	print_message("id of 'idiot': %lld, of <s>: %lld\n", (long long)s[1], (long long)s[0]);
	assert_int_equal(s[0], SAFETY_PINNED_START);
	assert_int_equal(s[1], SAFETY_PINNED_IDIOT);
}

/* Texts of filler words, with a word of a toxic lexicon in the positives. */
static void lexicon_texts(uint32_t n, uint64_t seed, char ***texts, uint8_t **labels)
{
	static const char *const filler[] = {"the", "match", "album", "coffee", "today", "great",
					     "thread", "city", "new", "code", "garden", "train"};
	static const char *const toxic[] = {"idiot", "moron", "scum", "loser", "clown"};
	mrs_rng r;
	mrs_rng_seed(&r, seed);
	*texts = calloc(n, sizeof(char *));
	*labels = calloc(n, 1);
	for (uint32_t i = 0; i < n; i++) {
		char buf[256] = "";
		size_t len = 0;
		bool pos = mrs_rng_uniform(&r) < 0.3;
		unsigned words = 5 + mrs_rng_below(&r, 6), bad = mrs_rng_below(&r, words);
		for (unsigned w = 0; w < words; w++) {
			const char *word = pos && w == bad ? toxic[mrs_rng_below(&r, 5)]
							   : filler[mrs_rng_below(&r, 12)];
			len += snprintf(buf + len, sizeof buf - len, "%s%s", w ? " " : "", word);
		}
		(*texts)[i] = strdup(buf);
		(*labels)[i] = pos;
	}
}

static void free_texts(char **texts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
}

static void test_learns_a_toxic_lexicon(void **state)
{
	(void)state;
	char **tr, **va;
	uint8_t *ltr, *lva;
	lexicon_texts(600, 1, &tr, &ltr);
	lexicon_texts(200, 2, &va, &lva);
	mrs_safety_params p = params();
	p.epochs = 10;
	mrs_safety_report rep;
	mrs_error err = {0};
	mrs_labelled train = {(const char *const *)tr, ltr, 600};
	mrs_labelled val = {(const char *const *)va, lva, 200};
	assert_ok(mrs_safety_fit(&train, &val, NULL, &p, NULL, "toxicity", "test", NULL, &rep, NULL,
				 &err),
		  &err);
	print_message("lexicon: AUC %.4f macro-F1 %.4f loss %.4f -> %.4f\n", rep.val.auc,
		      rep.val.macro_f1_05, rep.epoch_loss[0], rep.epoch_loss[rep.epochs - 1]);
	assert_true(rep.val.auc > 0.95);
	assert_true(rep.val.macro_f1_05 > 0.85);
	assert_true(rep.epoch_loss[rep.epochs - 1] < rep.epoch_loss[0]);
	assert_int_equal(rep.n_train, 600);
	assert_int_equal(rep.val.rows, 200);
	assert_int_equal(rep.test.rows, 0);
	assert_true(isnan(rep.test.auc));
	free_texts(tr, 600), free_texts(va, 200);
	free(ltr), free(lva);
}

/* Class-balanced training inflates the probabilities; Platt scaling on the validation
 * texts brings them back, and it is folded into the file: the model loaded back scores
 * the validation texts with the calibrated probabilities, whose mean is the (smoothed)
 * share of positives, as Platt's fit makes it. */
static void test_calibration(void **state)
{
	(void)state;
	char **tr, **va;
	uint8_t *ltr, *lva;
	lexicon_texts(600, 3, &tr, &ltr);
	lexicon_texts(300, 4, &va, &lva);
	mrs_safety_params p = params();
	p.balance = true;
	p.buckets = 4096;
	mrs_safety_report rep;
	mrs_error err = {0};
	mrs_labelled train = {(const char *const *)tr, ltr, 600};
	mrs_labelled val = {(const char *const *)va, lva, 300};
	char dir[512];
	tu_path(dir, sizeof dir, "calibrated");
	mkdir(dir, 0777);
	assert_ok(mrs_safety_fit(&train, &val, NULL, &p, dir, "toxicity", "test", NULL, &rep, NULL,
				 &err),
		  &err);
	print_message("calibration: ECE %.4f -> %.4f, a %.4f b %.4f, threshold %.3f\n",
		      rep.val_ece_raw, rep.val.ece, rep.calib_a, rep.calib_b, rep.threshold);
	assert_true(rep.calib_a != 1 || rep.calib_b != 0);
	assert_true(rep.val.ece < rep.val_ece_raw);

	char path[600];
	snprintf(path, sizeof path, "%s/toxicity.pt", dir);
	mrs_tmodel *m = NULL;
	char *meta = NULL;
	assert_int_equal(mrs_tmodel_load(path, &m, &meta), MRS_T_OK);
	assert_non_null(strstr(meta, "\"version\":3"));
	int64_t *ids = malloc(300 * 256 * sizeof *ids), off[301] = {0};
	for (int i = 0; i < 300; i++)
		off[i + 1] = off[i] + (int64_t)mrs_safety_tokens(va[i], &p, ids + off[i], 256);
	float prob[300];
	assert_int_equal(mrs_tmodel_forward_bag(m, ids, off, 300, prob), MRS_T_OK);
	assert_true(fabs(mrs_ece(prob, lva, 300) - rep.val.ece) < 1e-12);
	double mean = 0, pos = 0;
	for (int i = 0; i < 300; i++)
		mean += prob[i], pos += lva[i];
	double hi = (pos + 1) / (pos + 2), lo = 1 / (300 - pos + 2);
	double want = (pos * hi + (300 - pos) * lo) / 300;
	print_message("mean probability %.6f, smoothed share of positives %.6f\n", mean / 300, want);
	assert_true(fabs(mean / 300 - want) < 1e-3);
	free(ids), free(meta);
	mrs_tmodel_free(m);
	free_texts(tr, 600), free_texts(va, 300);
	free(ltr), free(lva);
}

static void test_read_errors(void **state)
{
	(void)state;
	char t[512], l[512];
	mrs_error err = {0};
	tu_write(t, sizeof t, "t.txt", "one\ntwo\r\nthree");
	tu_write(l, sizeof l, "l.txt", "0\n1\n1\n");
	mrs_texts *x = mrs_texts_read(t, l, &err);
	assert_non_null(x);
	assert_int_equal(x->n, 3);
	assert_string_equal(x->text[1], "two");
	assert_string_equal(x->text[2], "three");
	assert_int_equal(x->label[1], 1);
	mrs_texts_free(x);
	tu_write(l, sizeof l, "l.txt", "0\n1\n");
	assert_null(mrs_texts_read(t, l, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "lines"));
	tu_write(l, sizeof l, "l.txt", "0\nyes\n1\n");
	assert_null(mrs_texts_read(t, l, &err));
	assert_non_null(strstr(err.msg, "l.txt:2"));
	assert_null(mrs_texts_read("/nonexistent/t.txt", l, &err));
	assert_int_equal(err.code, MRS_ERR_IO);
}

/* A small labelled set in TweetEval's layout (a text file and a labels file, a line
 * each), made from templates: insults wrapped around everyday topics are offensive (1),
 * plain remarks on the same topics are not (0). About 40% offensive, one label in 20
 * flipped; the same every run. */
static mrs_texts *fixture(const char *which)
{
	static const char *topic[] = {"the library", "that movie", "her talk", "my morning run",
				      "the weather", "our garden", "this recipe", "the new album",
				      "the match last night", "the city council"};
	static const char *remark[] = {"is worth a look", "looks great", "went better than expected",
				       "is a nice surprise", "made my day", "deserves more attention",
				       "was lovely", "was fun to watch"};
	static const char *insult[] = {"pathetic", "jerk", "loser", "stupid", "moron", "garbage",
				       "clown", "idiot"};
	static const char *pre[] = {"what a ", "shut up you ", "go away, ", "you are a total "};
	static const char *post[] = {", honestly.", ".", ".", "."};
	bool train = strcmp(which, "train") == 0;
	unsigned n = train ? 160 : 60;
	uint32_t x = train ? 12345u : 54321u;
#define NEXT(k) ((x = x * 1664525u + 1013904223u), (x >> 8) % (k))
	size_t cap = (size_t)n * 128;
	char *text = malloc(cap), *labels = malloc((size_t)n * 2 + 1);
	size_t tl = 0, ll = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *t = topic[NEXT(10)];
		const char *r = remark[NEXT(8)];
		unsigned form = NEXT(4), word = NEXT(8), tag = NEXT(4);
		const char *at = NEXT(2) ? "@user " : "";
		bool bad = NEXT(10) < 4;
		if (bad)
			tl += (size_t)snprintf(text + tl, cap - tl, "%s%s%s%s %s %s but whatever", at,
					       pre[form], insult[word], post[form], t, r);
		else
			tl += (size_t)snprintf(text + tl, cap - tl, "%s%s %s%s", at, t, r,
					       tag == 0 ? " #weekend" : "");
		/* one label in 20 is wrong, as in any labelled set */
		bool label = NEXT(20) == 0 ? !bad : bad;
		text[tl++] = '\n';
		labels[ll++] = label ? '1' : '0';
		labels[ll++] = '\n';
	}
#undef NEXT
	text[tl] = labels[ll] = '\0';
	char t[512], l[512], name[64];
	snprintf(name, sizeof name, "%s_text.txt", which);
	tu_write(t, sizeof t, name, text);
	snprintf(name, sizeof name, "%s_labels.txt", which);
	tu_write(l, sizeof l, name, labels);
	free(text), free(labels);
	mrs_error err = {0};
	mrs_texts *set = mrs_texts_read(t, l, &err);
	if (!set)
		fail_msg("%s", err.msg);
	return set;
}

static void test_train_safety_on_fixture(void **state)
{
	(void)state;
	mrs_texts *tr = fixture("train"), *va = fixture("val");
	char path[512], card[512];
	tu_path(path, sizeof path, "offensive.pt");
	mrs_safety_report rep;
	mrs_error err = {0};
	mrs_safety_params p = params();
	p.epochs = 8, p.batch = 16; /* a tiny fixture: more, smaller steps */
	/* the validation texts again as the test texts: the test figures must be the
	 * validation ones, scored by the calibrated model at the chosen threshold */
	assert_ok(mrs_safety_train(tr, va, va, &p, path, NULL, &rep, &err), &err);
	print_message("fixture: macro-F1 %.4f at %.3f (%.4f at 0.5) AUC %.4f PR-AUC %.4f P@R90 "
		      "%.4f ECE %.4f (before calibration %.4f)\n",
		      rep.val.macro_f1, rep.threshold, rep.val.macro_f1_05, rep.val.auc,
		      rep.val.pr_auc, rep.val.precision_at_recall_90, rep.val.ece, rep.val_ece_raw);
	assert_int_equal(rep.n_train, tr->n);
	assert_int_equal(rep.val.rows, va->n);
	assert_true(rep.val.auc > 0.9 && rep.val.auc <= 1.0);
	assert_true(rep.val.pr_auc > 0.8 && rep.val.pr_auc <= 1.0);
	assert_true(rep.val.precision_at_recall_90 > 0.5);
	assert_true(rep.val.macro_f1_05 > 0.8);
	assert_true(rep.val.macro_f1 >= rep.val.macro_f1_05);
	assert_true(rep.val.ece >= 0 && rep.val.ece < 0.2);
	assert_true(rep.params > 0);
	assert_int_equal(rep.test.rows, va->n);
	assert_true(rep.test.auc == rep.val.auc && rep.test.ece == rep.val.ece);
	assert_true(rep.test.macro_f1 == rep.val.macro_f1);
	/* the model and its card are written */
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	cJSON *c = mrs_card_read(tu_tmpdir(), "offensive", &err);
	assert_non_null(c);
	cJSON *m = cJSON_GetObjectItem(c, "metrics");
	assert_true(fabs(cJSON_GetObjectItem(m, "auc")->valuedouble - rep.test.auc) < 1e-9);
	assert_string_equal(cJSON_GetObjectItem(m, "split")->valuestring, "test");
	assert_non_null(cJSON_GetObjectItem(c, "validation"));
	assert_non_null(cJSON_GetObjectItem(c, "calibration"));
	assert_non_null(cJSON_GetObjectItem(c, "hyper_parameters"));
	assert_non_null(cJSON_GetObjectItem(c, "loss_per_epoch"));
	cJSON_Delete(c);
	/* a bad output name is refused before training */
	snprintf(card, sizeof card, "%s/model.bin", tu_tmpdir());
	assert_int_equal(mrs_safety_train(tr, va, NULL, &p, card, NULL, &rep, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	mrs_texts_free(tr);
	mrs_texts_free(va);
}

/* select: both candidates are fit on the training texts and the one with the higher
 * validation macro-F1 is kept; fitting it again gives the model it was chosen for. */
static void test_selection_on_validation(void **state)
{
	(void)state;
	mrs_texts tr = {0}, va = {0};
	lexicon_texts(600, 3, &tr.text, &tr.label);
	lexicon_texts(200, 4, &va.text, &va.label);
	tr.n = 600, va.n = 200;
	mrs_safety_params p = params();
	p.select = true;
	/* a given model that barely trains: the linear candidate (2 epochs at 0.01) wins */
	p.epochs = 1, p.lr = 1e-5f;
	char path[512];
	tu_path(path, sizeof path, "selected.pt");
	mrs_safety_report rep;
	mrs_error err = {0};
	assert_ok(mrs_safety_train(&tr, &va, &va, &p, path, NULL, &rep, &err), &err);
	print_message("selection: given %.4f, linear %.4f, chose %d\n", rep.candidate_val_f1[0],
		      rep.candidate_val_f1[1], rep.chosen);
	assert_int_equal(rep.candidates, 2);
	assert_true(rep.candidate_val_f1[1] > rep.candidate_val_f1[0]);
	assert_int_equal(rep.chosen, 1);
	assert_true(rep.val.macro_f1 == rep.candidate_val_f1[rep.chosen]);
	assert_int_equal(rep.epochs, MRS_SAFETY_LINEAR_EPOCHS);
	cJSON *c = mrs_card_read(tu_tmpdir(), "selected", &err);
	assert_non_null(c);
	cJSON *sel = cJSON_GetObjectItem(c, "selection");
	assert_non_null(sel);
	assert_string_equal(cJSON_GetObjectItem(sel, "chosen")->valuestring, "linear");
	cJSON *h = cJSON_GetObjectItem(c, "hyper_parameters");
	assert_int_equal(cJSON_GetObjectItem(h, "hidden")->valueint, 0);
	cJSON_Delete(c);
	/* without validation texts there is nothing to choose on: the given model */
	assert_ok(mrs_safety_train(&tr, NULL, NULL, &p, NULL, NULL, &rep, &err), &err);
	assert_int_equal(rep.candidates, 0);
	assert_int_equal(rep.epochs, 1);
	free_texts(tr.text, 600), free_texts(va.text, 200);
	free(tr.label), free(va.label);
}

/* The model written above serves as the engine's toxicity model, scoring every tweet. */
static void test_engine_scores_tweets(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_texts *tr = fixture("train");
	char dir[512], path[600];
	tu_path(dir, sizeof dir, "engine");
	mkdir(dir, 0777);
	snprintf(path, sizeof path, "%s/toxicity.pt", dir);
	mrs_safety_report rep;
	mrs_safety_params p = params();
	p.epochs = 8, p.batch = 16;
	assert_ok(mrs_safety_train(tr, NULL, NULL, &p, path, NULL, &rep, &err), &err);
	assert_true(isnan(rep.val.auc));
	assert_true(rep.calib_a == 1 && rep.calib_b == 0 && rep.threshold == 0.5);
	/* a two-tweet dataset: one insult, one kind word */
	mrs_dataset *ds = mrs_ds_alloc(2, 2, &err);
	mrs_pool pool = {0};
	ds->text_off[0] = mrs_pool_add(&pool, "you are a total idiot", 21, &err);
	ds->text_off[1] = mrs_pool_add(&pool, "the museum was lovely", 21, &err);
	free(ds->text_pool);
	ds->text_pool = pool.data;
	ds->tweet_time[0] = 1, ds->tweet_time[1] = 2;
	ds->tweet_author[1] = 1;
	assert_ok(mrs_dataset_index(ds, &err), &err);
	mrs_engine_opts o = {.models_dir = dir};
	mrs_engine *e = mrs_engine_open(ds, &o, NULL, &err);
	assert_non_null(e);
	assert_true(mrs_engine_status(e, MRS_MODEL_TOXICITY)->loaded);
	assert_false(mrs_engine_status(e, MRS_MODEL_NSFW)->loaded);
	assert_non_null(strstr(mrs_engine_status(e, MRS_MODEL_NSFW)->note, "score 0"));
	uint32_t t[2] = {0, 1};
	float nsfw[2], tox[2];
	assert_ok(mrs_safety_scores(e, t, 2, nsfw, tox, &err), &err);
	assert_true(tox[0] > 0.5f && tox[1] < 0.5f);
	assert_true(nsfw[0] == 0.0f && nsfw[1] == 0.0f);
	mrs_engine_free(e);

	/* a safety model of the previous version (uncalibrated scores) is refused by name */
	mrs_tspec spec = {.kind = MRS_TK_BAG, .n_buckets = 64, .bag_dim = 4, .n_heads = 1};
	mrs_tmodel *old = NULL;
	assert_int_equal(mrs_tmodel_new(&spec, &old), MRS_T_OK);
	snprintf(path, sizeof path, "%s/nsfw.pt", dir);
	assert_ok(mrs_torch_save(old, path,
				 "{\"kind\":\"safety\",\"tokenizer\":2,\"buckets\":64,"
				 "\"bigrams\":true,\"char_ngrams\":5}",
				 &err),
		  &err);
	mrs_tmodel_free(old);
	assert_non_null(e = mrs_engine_open(ds, &o, NULL, &err));
	const mrs_model_status *st = mrs_engine_status(e, MRS_MODEL_NSFW);
	print_message("%s\n", st->note);
	assert_false(st->loaded);
	assert_non_null(strstr(st->note, "a safety model of version 2, this build reads version 3"));
	assert_true(mrs_engine_status(e, MRS_MODEL_TOXICITY)->loaded);
	mrs_engine_free(e);
	mrs_dataset_free(ds);
	mrs_texts_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashing_is_deterministic),
		cmocka_unit_test(test_hash_is_pinned),
		cmocka_unit_test(test_char_min),
		cmocka_unit_test(test_learns_a_toxic_lexicon),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_train_safety_on_fixture),
		cmocka_unit_test(test_selection_on_validation),
		cmocka_unit_test(test_engine_scores_tweets),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_cleanup();
	return rc;
}
