/* cli-train-safety.c: `minirecsys train-safety`: train a safety text classifier on a
 * labelled text pair and report its validation metrics. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

static void print_json(const mrs_safety_report *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "macro_f1", r->macro_f1_05);
	cJSON_AddNumberToObject(o, "macro_f1_best_on_val", r->macro_f1_best);
	cJSON_AddNumberToObject(o, "best_threshold", r->best_threshold);
	cJSON_AddNumberToObject(o, "auc", r->auc);
	cJSON_AddNumberToObject(o, "pr_auc", r->pr_auc);
	cJSON_AddNumberToObject(o, "precision_at_recall_90", r->precision_at_recall_90);
	cJSON_AddNumberToObject(o, "train_rows", r->n_train);
	cJSON_AddNumberToObject(o, "val_rows", r->n_val);
	cJSON_AddNumberToObject(o, "val_positives", r->val_positives);
	cJSON_AddNumberToObject(o, "parameters", (double)r->params);
	cJSON_AddNumberToObject(o, "seconds", r->seconds);
	cJSON *l = cJSON_AddArrayToObject(o, "loss_per_epoch");
	for (int e = 0; e < r->epochs; e++)
		cJSON_AddItemToArray(l, cJSON_CreateNumber(r->epoch_loss[e]));
	text_json_print(o, false, stdout);
	cJSON_Delete(o);
}

static void print_text(const mrs_safety_report *r, const char *out)
{
	printf("trained on %u texts (%u positive) in %.1f s: %lld parameters, loss",
	       r->n_train, r->train_positives, r->seconds, (long long)r->params);
	for (int e = 0; e < r->epochs; e++)
		printf(" %.4f", r->epoch_loss[e]);
	printf("\nvalidation: %u texts, %u positive\n", r->n_val, r->val_positives);
	printf("  macro-F1  %.4f at threshold 0.5\n", r->macro_f1_05);
	printf("  macro-F1  %.4f at threshold %.3f (chosen on the validation texts themselves: "
	       "optimistic)\n",
	       r->macro_f1_best, r->best_threshold);
	printf("  AUC       %.4f\n  PR-AUC    %.4f\n  precision at 90%% recall %.4f\n", r->auc,
	       r->pr_auc, r->precision_at_recall_90);
	if (out)
		text_printf(stdout, "model written to %s\n", out);
}

int cli_train_safety(const cli_opts *o, int argc, char **argv)
{
	const char *train[2] = {NULL, NULL}, *val[2] = {NULL, NULL}, *out = NULL;
	bool json = o->json;
	mrs_safety_params prm;
	mrs_safety_params_default(&prm);
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
		} else if (strcmp(a, "--no-balance") == 0) {
			prm.balance = false;
			continue;
		} else if (strcmp(a, "--train") == 0 || strcmp(a, "--val") == 0) {
			if (i + 2 >= argc)
				return cli_usage_error("%s needs TEXT and LABELS files", a);
			const char **dst = a[2] == 't' ? train : val;
			dst[0] = argv[i + 1];
			dst[1] = argv[i + 2];
			i += 2;
			continue;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			out = v;
		} else if (strcmp(a, "--epochs") == 0) {
			bad = cli_parse_u32(a, v, 1, MRS_MAX_EPOCHS, &u);
			prm.epochs = (int)u;
		} else if (strcmp(a, "--buckets") == 0) {
			bad = cli_parse_u32(a, v, 16, 1u << 26, &prm.buckets);
		} else if (strcmp(a, "--dim") == 0) {
			bad = cli_parse_u32(a, v, 1, 1024, &u);
			prm.dim = (int)u;
		} else if (strcmp(a, "--hidden") == 0) {
			bad = cli_parse_u32(a, v, 0, 1024, &u);
			prm.hidden = (int)u;
		} else if (strcmp(a, "--char-ngrams") == 0) {
			bad = cli_parse_u32(a, v, 0, 8, &u);
			prm.char_ngrams = (int)u;
		} else if (strcmp(a, "--batch") == 0) {
			bad = cli_parse_u32(a, v, 1, 65536, &u);
			prm.batch = (int)u;
		} else if (strcmp(a, "--lr") == 0 || strcmp(a, "--weight-decay") == 0 ||
			   strcmp(a, "--dropout") == 0) {
			char *end = NULL;
			double x = v ? strtod(v, &end) : -1;
			if (!v || !*v || *end || !(x >= 0 && x < 10))
				return cli_usage_error("%s: '%s' is not a number in [0, 10)", a,
						       v ? v : "");
			*(a[2] == 'l' ? &prm.lr : a[2] == 'w' ? &prm.weight_decay : &prm.dropout) =
				(float)x;
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
	if (!va) {
		mrs_texts_free(tr);
		return cli_error(&err);
	}
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_safety_report rep;
	int rc = mrs_safety_train(tr, va, &prm, out, &prog, &rep, &err);
	cli_progress_done(&cp);
	mrs_texts_free(tr);
	mrs_texts_free(va);
	if (rc)
		return cli_error(&err);
	if (json)
		print_json(&rep);
	else
		print_text(&rep, out);
	return EXIT_OK;
}
