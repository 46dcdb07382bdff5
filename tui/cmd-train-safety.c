/* cmd-train-safety.c: `train-safety --train TEXT LABELS --val TEXT LABELS [--test TEXT
 * LABELS]`: trains a safety text classifier on a labelled text pair, calibrates it on a
 * validation pair and scores an untouched test pair. */
#include <string.h>

#include "report.h"

static const char *const pools[] = {"mean", "max", "mean-max", NULL};

static cJSON *metrics_json(const mrs_safety_metrics *m, double threshold)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rows", m->rows);
	cJSON_AddNumberToObject(o, "positives", m->positives);
	res_add_num(o, "macro_f1", m->macro_f1);
	res_add_num(o, "threshold", threshold);
	res_add_num(o, "macro_f1_at_0.5", m->macro_f1_05);
	res_add_num(o, "auc", m->auc);
	res_add_num(o, "pr_auc", m->pr_auc);
	res_add_num(o, "precision_at_recall_90", m->precision_at_recall_90);
	res_add_num(o, "ece", m->ece);
	return o;
}

/* The validation figures stay at the top level, under the names they always had
 * ("macro_f1" at 0.5, "macro_f1_best_on_val" at the chosen threshold); "val" and "test"
 * hold each split's figures under one set of names. */
static void report(const mrs_safety_report *r, const char *model_path, cJSON *o)
{
	res_add_num(o, "macro_f1", r->val.macro_f1_05);
	res_add_num(o, "macro_f1_best_on_val", r->val.macro_f1);
	res_add_num(o, "best_threshold", r->threshold);
	res_add_num(o, "auc", r->val.auc);
	res_add_num(o, "pr_auc", r->val.pr_auc);
	res_add_num(o, "precision_at_recall_90", r->val.precision_at_recall_90);
	res_add_num(o, "ece", r->val.ece);
	res_add_num(o, "ece_before_calibration", r->val_ece_raw);
	cJSON_AddNumberToObject(o, "ece_bins", MRS_ECE_BINS);
	cJSON *c = cJSON_AddObjectToObject(o, "calibration");
	cJSON_AddNumberToObject(c, "a", r->calib_a);
	cJSON_AddNumberToObject(c, "b", r->calib_b);
	cJSON_AddNumberToObject(o, "train_rows", r->n_train);
	cJSON_AddNumberToObject(o, "train_positives", r->train_positives);
	cJSON_AddNumberToObject(o, "val_rows", r->val.rows);
	cJSON_AddNumberToObject(o, "val_positives", r->val.positives);
	cJSON_AddNumberToObject(o, "parameters", (double)r->params);
	cJSON_AddNumberToObject(o, "seconds", r->seconds);
	cJSON *l = cJSON_AddArrayToObject(o, "loss_per_epoch");
	for (int e = 0; e < r->epochs; e++)
		cJSON_AddItemToArray(l, cJSON_CreateNumber(r->epoch_loss[e]));
	if (r->candidates) {
		cJSON *sel = cJSON_AddObjectToObject(o, "selection");
		res_add_num(sel, "given_val_macro_f1", r->candidate_val_f1[0]);
		res_add_num(sel, "linear_val_macro_f1", r->candidate_val_f1[1]);
		cJSON_AddStringToObject(sel, "chosen", r->chosen ? "linear" : "given");
	}
	cJSON_AddItemToObject(o, "val", metrics_json(&r->val, r->threshold));
	if (r->test.rows)
		cJSON_AddItemToObject(o, "test", metrics_json(&r->test, r->threshold));
	if (model_path)
		cJSON_AddStringToObject(o, "model", model_path);
}

/* The options given, over the defaults. The model is chosen on the validation texts
 * (prm->select) unless its shape or schedule is given. */
static void read_params(const cmd_args *a, mrs_safety_params *prm)
{
	mrs_safety_params_default(prm);
	prm->select = !cmd_flag(a, "--no-select") && !cmd_given(a, "--epochs") &&
		      !cmd_given(a, "--hidden") && !cmd_given(a, "--lr");
	if (cmd_given(a, "--epochs"))
		prm->epochs = (int)cmd_uint(a, "--epochs");
	if (cmd_given(a, "--buckets"))
		prm->buckets = (uint32_t)cmd_uint(a, "--buckets");
	if (cmd_given(a, "--dim"))
		prm->dim = (int)cmd_uint(a, "--dim");
	if (cmd_given(a, "--hidden"))
		prm->hidden = (int)cmd_uint(a, "--hidden");
	if (cmd_given(a, "--char-ngrams"))
		prm->char_ngrams = (int)cmd_uint(a, "--char-ngrams");
	if (cmd_given(a, "--char-min"))
		prm->char_min = (int)cmd_uint(a, "--char-min");
	if (cmd_given(a, "--pool"))
		prm->pool = MRS_SAFETY_POOL_MEAN + cmd_choice(a, "--pool");
	if (cmd_given(a, "--batch"))
		prm->batch = (int)cmd_uint(a, "--batch");
	if (cmd_given(a, "--lr"))
		prm->lr = (float)cmd_real(a, "--lr");
	if (cmd_given(a, "--weight-decay"))
		prm->weight_decay = (float)cmd_real(a, "--weight-decay");
	if (cmd_given(a, "--dropout"))
		prm->dropout = (float)cmd_real(a, "--dropout");
	if (cmd_given(a, "--id-dropout"))
		prm->id_dropout = (float)cmd_real(a, "--id-dropout");
	if (cmd_given(a, "--seed"))
		prm->seed = cmd_uint(a, "--seed");
	if (cmd_flag(a, "--lr-decay"))
		prm->lr_decay = true;
	if (cmd_flag(a, "--no-bigrams"))
		prm->bigrams = false;
	if (cmd_flag(a, "--balance"))
		prm->balance = true;
	if (cmd_flag(a, "--no-calibrate"))
		prm->calibrate = false;
}

static int train_safety_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const cmd_value *train = cmd_value_of(a, "--train"), *val = cmd_value_of(a, "--val"),
			*test = cmd_value_of(a, "--test");
	const char *model_path = cmd_word(a, "--output");
	mrs_safety_params prm;
	read_params(a, &prm);
	mrs_texts *tr = mrs_texts_read(train->word, train->word2, err);
	mrs_texts *va = tr ? mrs_texts_read(val->word, val->word2, err) : NULL;
	mrs_texts *te = va && test->given ? mrs_texts_read(test->word, test->word2, err) : NULL;
	int rc = -1;
	mrs_safety_report rep;
	if (va && (!test->given || te))
		rc = mrs_safety_train(tr, va, te, &prm, model_path, s->progress, &rep, err);
	mrs_texts_free(tr), mrs_texts_free(va), mrs_texts_free(te);
	if (rc == 0)
		report(&rep, model_path, res);
	return rc;
}

/* One split's figures; note follows the first line (how the threshold was chosen). */
static void metrics_text(out *o, const cJSON *m, const char *note, uint32_t bins)
{
	out_printf(o, "  macro-F1  %.4f at threshold %.3f%s\n", res_num(m, "macro_f1"),
		   res_num(m, "threshold"), note);
	out_printf(o, "  macro-F1  %.4f at threshold 0.5\n", res_num(m, "macro_f1_at_0.5"));
	out_printf(o, "  AUC       %.4f\n  PR-AUC    %.4f\n  precision at 90%% recall %.4f\n",
		   res_num(m, "auc"), res_num(m, "pr_auc"), res_num(m, "precision_at_recall_90"));
	out_printf(o, "  ECE       %.4f (%u equal-width bins)\n", res_num(m, "ece"), bins);
}

static void train_safety_text(out *o, const cJSON *r)
{
	const cJSON *x, *val = res_get(r, "val"), *test = res_get(r, "test");
	out_printf(o, "trained on %u texts (%u positive) in %.1f s: %.0f parameters, loss",
		   res_u32(r, "train_rows"), res_u32(r, "train_positives"), res_num(r, "seconds"),
		   res_num(r, "parameters"));
	cJSON_ArrayForEach(x, res_get(r, "loss_per_epoch"))
		out_printf(o, " %.4f", res_value(x));
	out_printf(o, "\n");
	const cJSON *sel = res_get(r, "selection");
	bool linear = sel && strcmp(res_str(sel, "chosen"), "linear") == 0;
	if (sel)
		out_printf(o, "model: %s (validation macro-F1: with the hidden layer %.4f, linear %.4f)\n",
			   linear ? "linear, 2 epochs" : "with the hidden layer",
			   res_num(sel, "given_val_macro_f1"), res_num(sel, "linear_val_macro_f1"));
	out_printf(o, "validation: %u texts, %u positive (the %scalibration and the threshold are "
		      "chosen here: optimistic)\n",
		   res_u32(val, "rows"), res_u32(val, "positives"), sel ? "model, the " : "");
	const cJSON *c = res_get(r, "calibration");
	if (res_num(c, "a") != 1 || res_num(c, "b") != 0)
		out_printf(o, "  calibration: Platt scaling sigmoid(%.4f z %+.4f), ECE %.4f before\n",
			   res_num(c, "a"), res_num(c, "b"), res_num(r, "ece_before_calibration"));
	metrics_text(o, val, " (chosen to maximise it)", res_u32(r, "ece_bins"));
	if (test) {
		out_printf(o, "test: %u texts, %u positive (scored after training; no choice looks "
			      "at them)\n",
			   res_u32(test, "rows"), res_u32(test, "positives"));
		metrics_text(o, test, "", res_u32(r, "ece_bins"));
	}
	if (res_has(r, "model"))
		out_printf(o, "model written to %s\n", res_str(r, "model"));
}

static const cmd_arg train_safety_args[] = {
	{"--train", .type = CMD_WORD, .flags = CMD_REQUIRED | CMD_PAIR, .value = "TEXT LABELS",
	 .help = "the texts (one a line) and their 0/1 labels to train on"},
	{"--val", .type = CMD_WORD, .flags = CMD_REQUIRED | CMD_PAIR, .value = "TEXT LABELS",
	 .help = "the validation pair: the calibration and the threshold are chosen on it"},
	{"--test", .type = CMD_WORD, .flags = CMD_PAIR, .value = "TEXT LABELS",
	 .help = "a pair scored after training, which no choice looks at"},
	{"--output", "-o", CMD_WORD, .value = "FILE.pt", .help = "write the model there"},
	{"--epochs", .type = CMD_UINT, .value = "N", .lo = 1, .hi = MRS_MAX_EPOCHS,
	 .help = "passes over the training texts"},
	{"--buckets", .type = CMD_UINT, .value = "N", .lo = 16, .hi = 1u << 26,
	 .help = "hashed n-gram buckets"},
	{"--dim", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 1024, .help = "embedding width"},
	{"--hidden", .type = CMD_UINT, .value = "N", .hi = 1024,
	 .help = "the layer after the bag (0: none)"},
	{"--char-ngrams", .type = CMD_UINT, .value = "N", .hi = 8,
	 .help = "character n-grams of lengths --char-min .. N (0: none)"},
	{"--char-min", .type = CMD_UINT, .value = "N", .lo = 2, .hi = 3,
	 .help = "the shortest character n-gram (3)"},
	{"--pool", .type = CMD_CHOICE, .choices = pools,
	 .help = "how the n-gram embeddings are pooled (mean-max)"},
	{"--batch", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 65536,
	 .help = "texts per optimizer step"},
	{"--lr", .type = CMD_REAL, .value = "X", .min = 0, .max = 10, .help = "learning rate"},
	{"--lr-decay", .type = CMD_FLAG, .help = "the learning rate falls linearly to 0"},
	{"--weight-decay", .type = CMD_REAL, .value = "X", .min = 0, .max = 10,
	 .help = "L2 penalty of the optimizer"},
	{"--dropout", .type = CMD_REAL, .value = "X", .min = 0, .max = 1,
	 .help = "dropout after the bag"},
	{"--id-dropout", .type = CMD_REAL, .value = "X", .min = 0, .max = 1,
	 .help = "share of a text's n-grams left out, afresh each epoch"},
	{"--no-bigrams", .type = CMD_FLAG, .help = "no word bigrams"},
	{"--balance", .type = CMD_FLAG,
	 .help = "weight the positives by the class ratio (inflated probabilities)"},
	{"--no-calibrate", .type = CMD_FLAG, .help = "no Platt scaling on the validation texts"},
	{"--no-select", .type = CMD_FLAG,
	 .help = "keep the model given (as --epochs, --hidden and --lr do): no linear one "
		 "is compared on the validation texts"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX,
	 .help = "the initial weights and the order of the texts"},
	{NULL},
};

const cmd_entry cmd_train_safety_entry = {
	"train-safety", NULL,
	"train a safety text classifier on labelled texts, calibrate it on a validation pair "
	"and score a test pair",
	train_safety_args, CMD_ONCE, train_safety_exec, train_safety_text, NULL,
};
