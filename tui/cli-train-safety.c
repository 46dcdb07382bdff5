/* cli-train-safety.c: `minirecsys train-safety`: train a safety text classifier on a
 * labelled text pair, calibrate it on a validation pair and score an untouched test pair. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "text.h"

static cJSON *metrics_json(const mrs_safety_metrics *m, double threshold)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rows", m->rows);
	cJSON_AddNumberToObject(o, "positives", m->positives);
	report_add_number(o, "macro_f1", m->macro_f1);
	report_add_number(o, "threshold", threshold);
	report_add_number(o, "macro_f1_at_0.5", m->macro_f1_05);
	report_add_number(o, "auc", m->auc);
	report_add_number(o, "pr_auc", m->pr_auc);
	report_add_number(o, "precision_at_recall_90", m->precision_at_recall_90);
	report_add_number(o, "ece", m->ece);
	return o;
}

/* The validation figures stay at the top level, under the names they always had
 * ("macro_f1" at 0.5, "macro_f1_best_on_val" at the chosen threshold); "val" and "test"
 * hold each split's figures under one set of names. */
static void print_json(const mrs_safety_report *r)
{
	cJSON *o = cJSON_CreateObject();
	report_add_number(o, "macro_f1", r->val.macro_f1_05);
	report_add_number(o, "macro_f1_best_on_val", r->val.macro_f1);
	report_add_number(o, "best_threshold", r->threshold);
	report_add_number(o, "auc", r->val.auc);
	report_add_number(o, "pr_auc", r->val.pr_auc);
	report_add_number(o, "precision_at_recall_90", r->val.precision_at_recall_90);
	report_add_number(o, "ece", r->val.ece);
	report_add_number(o, "ece_before_calibration", r->val_ece_raw);
	cJSON_AddNumberToObject(o, "ece_bins", MRS_ECE_BINS);
	cJSON *c = cJSON_AddObjectToObject(o, "calibration");
	cJSON_AddNumberToObject(c, "a", r->calib_a);
	cJSON_AddNumberToObject(c, "b", r->calib_b);
	cJSON_AddNumberToObject(o, "train_rows", r->n_train);
	cJSON_AddNumberToObject(o, "val_rows", r->val.rows);
	cJSON_AddNumberToObject(o, "val_positives", r->val.positives);
	cJSON_AddNumberToObject(o, "parameters", (double)r->params);
	cJSON_AddNumberToObject(o, "seconds", r->seconds);
	cJSON *l = cJSON_AddArrayToObject(o, "loss_per_epoch");
	for (int e = 0; e < r->epochs; e++)
		cJSON_AddItemToArray(l, cJSON_CreateNumber(r->epoch_loss[e]));
	if (r->candidates) {
		cJSON *s = cJSON_AddObjectToObject(o, "selection");
		report_add_number(s, "given_val_macro_f1", r->candidate_val_f1[0]);
		report_add_number(s, "linear_val_macro_f1", r->candidate_val_f1[1]);
		cJSON_AddStringToObject(s, "chosen", r->chosen ? "linear" : "given");
	}
	cJSON_AddItemToObject(o, "val", metrics_json(&r->val, r->threshold));
	if (r->test.rows)
		cJSON_AddItemToObject(o, "test", metrics_json(&r->test, r->threshold));
	text_json_print(o, false, stdout);
	cJSON_Delete(o);
}

static void print_metrics(const mrs_safety_metrics *m)
{
	printf("  AUC       %.4f\n  PR-AUC    %.4f\n  precision at 90%% recall %.4f\n", m->auc,
	       m->pr_auc, m->precision_at_recall_90);
}

static void print_text(const mrs_safety_report *r, const char *model_path)
{
	printf("trained on %u texts (%u positive) in %.1f s: %lld parameters, loss",
	       r->n_train, r->train_positives, r->seconds, (long long)r->params);
	for (int e = 0; e < r->epochs; e++)
		printf(" %.4f", r->epoch_loss[e]);
	printf("\n");
	if (r->candidates)
		printf("model: %s (validation macro-F1: with the hidden layer %.4f, linear %.4f)\n",
		       r->chosen ? "linear, 2 epochs" : "with the hidden layer", r->candidate_val_f1[0],
		       r->candidate_val_f1[1]);
	printf("validation: %u texts, %u positive (the %scalibration and the threshold are "
	       "chosen here: optimistic)\n",
	       r->val.rows, r->val.positives, r->candidates ? "model, the " : "");
	if (r->calib_a != 1 || r->calib_b != 0)
		printf("  calibration: Platt scaling sigmoid(%.4f z %+.4f), ECE %.4f before\n",
		       r->calib_a, r->calib_b, r->val_ece_raw);
	printf("  macro-F1  %.4f at threshold %.3f (chosen to maximise it)\n", r->val.macro_f1,
	       r->threshold);
	printf("  macro-F1  %.4f at threshold 0.5\n", r->val.macro_f1_05);
	print_metrics(&r->val);
	printf("  ECE       %.4f (%d equal-width bins)\n", r->val.ece, MRS_ECE_BINS);
	if (r->test.rows) {
		printf("test: %u texts, %u positive (scored after training; no choice looks at "
		       "them)\n",
		       r->test.rows, r->test.positives);
		printf("  macro-F1  %.4f at threshold %.3f\n", r->test.macro_f1, r->threshold);
		printf("  macro-F1  %.4f at threshold 0.5\n", r->test.macro_f1_05);
		print_metrics(&r->test);
		printf("  ECE       %.4f (%d equal-width bins)\n", r->test.ece, MRS_ECE_BINS);
	}
	if (model_path)
		text_printf(stdout, "model written to %s\n", model_path);
}

/* --pool mean|max|mean-max */
static int parse_pool(const char *opt, const char *v, int *pool)
{
	for (int i = MRS_SAFETY_POOL_MEAN; v && i <= MRS_SAFETY_POOL_MEAN_MAX; i++)
		if (strcmp(v, mrs_safety_pool_name(i)) == 0) {
			*pool = i;
			return 0;
		}
	cli_usage_error("%s: '%s' is not mean, max or mean-max", opt, v ? v : "");
	return -1;
}

int cli_train_safety(const cli_opts *o, int argc, char **argv)
{
	const char *train[2] = {NULL, NULL}, *val[2] = {NULL, NULL}, *test[2] = {NULL, NULL};
	const char *model_path = NULL;
	bool json = o->json;
	mrs_safety_params prm;
	mrs_safety_params_default(&prm);
	prm.select = true; /* unless the model's shape or schedule is given */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t u = 0;
		int bad = 0;
		if (strcmp(a, "--json") == 0) {
			json = true;
			continue;
		} else if (strcmp(a, "--no-bigrams") == 0) {
			prm.bigrams = false;
			continue;
		} else if (strcmp(a, "--balance") == 0 || strcmp(a, "--no-balance") == 0) {
			prm.balance = a[2] == 'b';
			continue;
		} else if (strcmp(a, "--no-select") == 0) {
			prm.select = false;
			continue;
		} else if (strcmp(a, "--no-calibrate") == 0) {
			prm.calibrate = false;
			continue;
		} else if (strcmp(a, "--lr-decay") == 0 || strcmp(a, "--no-lr-decay") == 0) {
			prm.lr_decay = a[2] == 'l';
			continue;
		} else if (strcmp(a, "--train") == 0 || strcmp(a, "--val") == 0 ||
			   strcmp(a, "--test") == 0) {
			if (i + 2 >= argc)
				return cli_usage_error("%s needs TEXT and LABELS files", a);
			const char **dst = a[3] == 'r' ? train : a[3] == 'a' ? val : test;
			dst[0] = argv[i + 1];
			dst[1] = argv[i + 2];
			i += 2;
			continue;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			model_path = v;
		} else if (strcmp(a, "--epochs") == 0) {
			bad = cli_parse_u32(a, v, 1, MRS_MAX_EPOCHS, &u);
			prm.epochs = (int)u;
			prm.select = false;
		} else if (strcmp(a, "--buckets") == 0) {
			bad = cli_parse_u32(a, v, 16, 1u << 26, &prm.buckets);
		} else if (strcmp(a, "--dim") == 0) {
			bad = cli_parse_u32(a, v, 1, 1024, &u);
			prm.dim = (int)u;
		} else if (strcmp(a, "--hidden") == 0) {
			bad = cli_parse_u32(a, v, 0, 1024, &u);
			prm.hidden = (int)u;
			prm.select = false;
		} else if (strcmp(a, "--char-ngrams") == 0) {
			bad = cli_parse_u32(a, v, 0, 8, &u);
			prm.char_ngrams = (int)u;
		} else if (strcmp(a, "--char-min") == 0) {
			bad = cli_parse_u32(a, v, 2, 3, &u);
			prm.char_min = (int)u;
		} else if (strcmp(a, "--batch") == 0) {
			bad = cli_parse_u32(a, v, 1, 65536, &u);
			prm.batch = (int)u;
		} else if (strcmp(a, "--pool") == 0) {
			if (parse_pool(a, v, &prm.pool))
				return EXIT_USAGE;
		} else if (strcmp(a, "--lr") == 0 || strcmp(a, "--weight-decay") == 0 ||
			   strcmp(a, "--dropout") == 0 || strcmp(a, "--id-dropout") == 0) {
			char *end = NULL;
			double x = v ? strtod(v, &end) : -1;
			double max = a[2] == 'l' || a[2] == 'w' ? 10 : 1;
			if (!v || !*v || *end || !(x >= 0 && x < max))
				return cli_usage_error("%s: '%s' is not a number in [0, %g)", a,
						       v ? v : "", max);
			prm.select = prm.select && a[2] != 'l';
			*(a[2] == 'l'	? &prm.lr
			  : a[2] == 'w' ? &prm.weight_decay
			  : a[2] == 'd' ? &prm.dropout
					: &prm.id_dropout) = (float)x;
		} else if (strcmp(a, "--seed") == 0) {
			bad = cli_parse_u64(a, v, &prm.seed);
		} else {
			return cli_usage_error("train-safety: unknown option '%s'", a);
		}
		if (bad)
			return EXIT_USAGE;
		i++;
	}
	if (!train[0] || !val[0])
		return cli_usage_error("train-safety needs --train TEXT LABELS and --val TEXT LABELS");
	mrs_error err = {0};
	mrs_texts *tr = mrs_texts_read(train[0], train[1], &err);
	mrs_texts *va = tr ? mrs_texts_read(val[0], val[1], &err) : NULL;
	mrs_texts *te = va && test[0] ? mrs_texts_read(test[0], test[1], &err) : NULL;
	if (!va || (test[0] && !te)) {
		mrs_texts_free(tr), mrs_texts_free(va);
		return cli_error(&err);
	}
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_safety_report rep;
	int rc = mrs_safety_train(tr, va, te, &prm, model_path, &prog, &rep, &err);
	cli_progress_done(&cp);
	mrs_texts_free(tr), mrs_texts_free(va), mrs_texts_free(te);
	if (rc)
		return cli_error(&err);
	if (json)
		print_json(&rep);
	else
		print_text(&rep, model_path);
	return EXIT_OK;
}
