/* cli-generate.c: `minirecsys generate`: build a synthetic world and store it. */
#include <string.h>

#include "cli.h"
#include "text.h"

int cli_generate(const cli_opts *o, int argc, char **argv)
{
	const char *out = o->data, *scale = "default";
	paths_rule rule = o->data_rule;
	/* the scale sets the defaults that the other options then override */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
			scale = argv[i + 1];
	mrs_gen_params p;
	mrs_error err = {0};
	bool force = false, memory_check = true;
	if (mrs_gen_params_scale(&p, scale, &err))
		return cli_error(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (strcmp(a, "--force") == 0) {
			force = true;
			continue;
		}
		if (strcmp(a, "--no-memory-check") == 0) {
			memory_check = false;
			continue;
		}
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			out = v;
			rule = PATHS_OPTION;
		} else if (strcmp(a, "--scale") == 0) {
			if (!v)
				return cli_usage_error("--scale needs a value");
		} else if (strcmp(a, "--users") == 0) {
			bad = cli_parse_u32(a, v, 2, 10000000, &p.users);
		} else if (strcmp(a, "--tweets") == 0) {
			bad = cli_parse_u32(a, v, 1, 100000000, &p.tweets);
		} else if (strcmp(a, "--impressions") == 0) {
			bad = cli_parse_u32(a, v, 0, 1000000000, &p.impressions);
		} else if (strcmp(a, "--seed") == 0) {
			bad = cli_parse_u64(a, v, &p.seed);
		} else if (strcmp(a, "--days") == 0) {
			bad = cli_parse_u32(a, v, 1, 3650, &p.days);
		} else if (strcmp(a, "--set") == 0) {
			if (!v || !strchr(v, '='))
				return cli_usage_error("--set needs NAME=VALUE (a generator parameter)");
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(strchr(v, '=') - v), v);
			if (mrs_gen_params_set(&p, name, strchr(v, '=') + 1, &err))
				return cli_error(&err);
		} else {
			return cli_usage_error("generate: unknown option '%s'", a);
		}
		if (bad)
			return EXIT_USAGE;
		i++;
	}
	int st = cli_check_output(out, force, NULL, 0);
	if (st)
		return st;
	if (memory_check && cli_check_memory(&p, "; add --no-memory-check to start anyway", &err))
		return cli_error(&err);
	if (paths_make_folders(out, true, rule, &err))
		return cli_error(&err);
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_truth *truth = NULL;
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_generate(&p, &truth, &prog, &err);
	if (!ds) {
		cli_progress_done(&cp);
		return cli_error(&err);
	}
	double t1 = mrs_seconds();
	int rc = mrs_store_write(out, ds, truth, &prog, &err);
	cli_progress_done(&cp);
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	if (rc == 0 && !o->quiet)
		text_printf(stderr,
			    "generated %s: %u users, %u tweets, %u follows, %u impressions "
			    "(seed %llu) in %.2f s, written in %.2f s\n",
			    out, di.users, di.tweets, di.follows, di.impressions,
			    (unsigned long long)p.seed, t1 - t0, mrs_seconds() - t1);
	mrs_dataset_free(ds);
	mrs_truth_free(truth);
	return rc ? cli_error(&err) : EXIT_OK;
}
