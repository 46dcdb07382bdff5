/* cli-eval.c: `minirecsys eval [--users N] [--k K] [--seed S] [--split temporal|random]
 * [--ratio R] [--knn N,SHRINK] [--bpr FACTORS,EPOCHS,LR,REG] [--preset P] [--weights FILE]
 * [--sc-mode real|hash] [--rg-mode learned|rule] [--no-model-metrics] [--json]`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "text.h"

/* A baseline's hyper-parameters into val: n numbers separated by commas, each in
 * [lo[i], hi[i]] and whole where whole[i]. Returns -1 after a usage error. */
static int parse_params(const char *opt, const char *v, int n, const double *lo,
			const double *hi, const bool *whole, double *val)
{
	if (!v)
		return cli_usage_error("%s needs a value", opt), -1;
	const char *p = v;
	for (int i = 0; i < n; i++) {
		char *end;
		val[i] = strtod(p, &end);
		bool ok = end != p && isfinite(val[i]) && val[i] >= lo[i] && val[i] <= hi[i] &&
			  (!whole[i] || val[i] == floor(val[i]));
		if (!ok || *end != (i + 1 < n ? ',' : '\0'))
			return cli_usage_error("%s: '%s' is not %s", opt, v,
					       n == 2 ? "NEIGHBOURS,SHRINK (neighbours 1 to 100000, "
							"shrink 0 or more)"
						      : "FACTORS,EPOCHS,LR,REG (factors 1 to 1024, "
							"epochs 1 to 100000, a learning rate above 0 "
							"and a regularisation from 0, both at most 10)"),
			       -1;
		p = end + 1;
	}
	return 0;
}

int cli_eval(const cli_opts *o, int argc, char **argv)
{
	mrs_eval_opts eo = {.k = 10, .seed = 1, .models_dir = o->models, .models = true};
	const char *preset = NULL, *weights = NULL;
	bool json = o->json;
	mrs_error err = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int split = cmd_eval_split_option(a, v, &eo, &err);
		if (split < 0)
			return cli_error(&err);
		if (split) {
			i++;
		} else if (strcmp(a, "--knn") == 0) {
			double x[2];
			if (parse_params(a, v, 2, (double[]){1, 0}, (double[]){100000, 1e9},
					 (bool[]){true, false}, x))
				return EXIT_USAGE;
			eo.knn = (mrs_knn_params){(uint32_t)x[0], (float)x[1]};
			i++;
		} else if (strcmp(a, "--bpr") == 0) {
			double x[4];
			if (parse_params(a, v, 4, (double[]){1, 1, 1e-9, 0},
					 (double[]){1024, 100000, 10, 10},
					 (bool[]){true, true, false, false}, x))
				return EXIT_USAGE;
			eo.bpr = (mrs_bpr_params){(uint32_t)x[0], (uint32_t)x[1], (float)x[2], (float)x[3]};
			i++;
		} else if (strcmp(a, "--users") == 0) {
			if (cli_parse_u32(a, v, 0, 100000000, &eo.users))
				return EXIT_USAGE;
			i++;
		} else if (strcmp(a, "--k") == 0) {
			if (cli_parse_u32(a, v, 1, 1000, &eo.k))
				return EXIT_USAGE;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			if (cli_parse_u64(a, v, &eo.seed))
				return EXIT_USAGE;
			i++;
		} else if (strcmp(a, "--preset") == 0 || strcmp(a, "--weights") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			*(a[2] == 'p' ? &preset : &weights) = v;
			i++;
		} else if (strcmp(a, "--sc-mode") == 0) {
			if (!v || (strcmp(v, "real") && strcmp(v, "hash")))
				return cli_usage_error("--sc-mode: real or hash");
			eo.sc_mode = strcmp(v, "hash") == 0 ? MRS_SC_HASH : MRS_SC_REAL;
			i++;
		} else if (strcmp(a, "--rg-mode") == 0) {
			if (!v || (strcmp(v, "learned") && strcmp(v, "rule")))
				return cli_usage_error("--rg-mode: learned or rule");
			eo.rg_mode = strcmp(v, "rule") == 0 ? MRS_RG_RULE : MRS_RG_LEARNED;
			i++;
		} else if (strcmp(a, "--no-model-metrics") == 0) {
			eo.models = false;
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else {
			return cli_usage_error("eval: unknown option '%s'", a);
		}
	}
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	if ((preset && mrs_config_preset(&cfg, preset, &err)) ||
	    (weights && mrs_config_load(&cfg, weights, &err)))
		return cli_error(&err);
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_dataset *ds = mrs_dataset_load(o->data, &prog, &err);
	if (!ds) {
		cli_progress_done(&cp);
		return cli_error(&err);
	}
	mrs_eval_result r;
	int rc = mrs_eval(ds, &cfg, &eo, &r, &prog, &err);
	cli_progress_done(&cp);
	if (rc) {
		mrs_dataset_free(ds);
		return cli_error(&err);
	}
	out sink;
	out_init(&sink, OUT_TEXT, stdout);
	if (json) {
		cJSON *j = report_eval_json(&r);
		cJSON_AddStringToObject(j, "preset", cfg.preset);
		cJSON_AddNumberToObject(j, "seconds", r.seconds);
		if (text_json_print(j, true, stdout))
			puts("{}");
		cJSON_Delete(j);
	} else {
		report_eval_text(&sink, &r);
		text_printf(stdout, "(%s, %.1f s)\n", cfg.preset, r.seconds);
	}
	out_free(&sink);
	mrs_dataset_free(ds);
	return EXIT_OK;
}
