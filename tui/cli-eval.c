/* cli-eval.c: `minirecsys eval [--users N] [--k K] [--preset P] [--weights FILE]
 * [--sc-mode real|hash] [--rg-mode learned|rule] [--no-models] [--json]`. */
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "text.h"

int cli_eval(const cli_opts *o, int argc, char **argv)
{
	mrs_eval_opts eo = {.k = 10, .seed = 1, .models_dir = o->models, .models = true};
	const char *preset = NULL, *weights = NULL;
	bool json = o->json;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--users") == 0) {
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
	mrs_error err = {0};
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
