/* cli-import.c: `minirecsys import`: turn public data into a dataset and store it. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

static void print_summary(const cli_opts *o, const char *format, const char *out,
			  const mrs_import_opts *io, const mrs_dataset *ds, double t_read,
			  double t_write)
{
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	if (o->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "format", format);
		cJSON_AddStringToObject(j, "output", out);
		cJSON_AddNumberToObject(j, "rows", io->rows);
		cJSON_AddNumberToObject(j, "skipped", io->skipped);
		cJSON_AddNumberToObject(j, "users", di.users);
		cJSON_AddNumberToObject(j, "tweets", di.tweets);
		cJSON_AddNumberToObject(j, "follows", di.follows);
		cJSON_AddNumberToObject(j, "impressions", di.impressions);
		cJSON_AddNumberToObject(j, "texts", di.texts);
		cJSON_AddNumberToObject(j, "read_seconds", t_read);
		cJSON_AddNumberToObject(j, "write_seconds", t_write);
		text_json_print(j, false, stdout);
		cJSON_Delete(j);
		return;
	}
	if (o->quiet)
		return;
	text_printf(stdout,
		    "imported %s into %s: %u rows read, %u skipped; %u users, %u tweets, %u "
		    "follows, %u impressions, %u texts (read in %.2f s, written in %.2f s)\n",
		    format, out, io->rows, io->skipped, di.users, di.tweets, di.follows,
		    di.impressions, di.texts, t_read, t_write);
}

int cli_import(const cli_opts *o, int argc, char **argv)
{
	const char *out = o->data, *format = NULL;
	paths_rule rule = o->data_rule;
	mrs_import_opts io = {0};
	const char **files = calloc((size_t)argc, sizeof *files);
	int n = 0;
	bool options = true, force = false;
	if (!files) {
		fputs("minirecsys: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
				       strcmp(a, "--task") == 0)) {
			if (!v) {
				free(files);
				return cli_usage_error("%s needs a value", a);
			}
			if (strcmp(a, "--task") == 0)
				io.task = v;
			else
				out = v, rule = PATHS_OPTION;
			i++;
		} else if (options && strcmp(a, "--skip-bad") == 0) {
			io.skip_bad = true;
		} else if (options && strcmp(a, "--force") == 0) {
			force = true;
		} else if (options && a[0] == '-' && a[1]) {
			free(files);
			return cli_usage_error("import: unknown option '%s'", a);
		} else if (!format) {
			format = a;
		} else {
			files[n++] = a;
		}
	}
	if (!format || !n) {
		free(files);
		return cli_usage_error(
			"usage: minirecsys import FORMAT FILE... [-o DB] [--force] [--skip-bad] "
			"[--task NAME]\n  formats: edges EDGES..., activity ACTIVITY "
			"[EDGES...], interactions FILE..., lastfm FOLDER, labels TEXTS "
			"LABELS");
	}
	int st = cli_check_output(out, force, files, n);
	if (st) {
		free(files);
		return st;
	}
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_error err = {0};
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_import(format, files, n, &io, &prog, &err);
	free(files);
	if (!ds) {
		cli_progress_done(&cp);
		return cli_error(&err);
	}
	double t1 = mrs_seconds();
	int rc = paths_make_folders(out, true, rule, &err);
	if (rc == 0)
		rc = mrs_store_write(out, ds, NULL, &prog, &err);
	cli_progress_done(&cp);
	if (rc == 0)
		print_summary(o, format, out, &io, ds, t1 - t0, mrs_seconds() - t1);
	mrs_dataset_free(ds);
	return rc ? cli_error(&err) : EXIT_OK;
}
