/* cmd-import.c: `import FORMAT FILE... [-o DB]`: public data (edge lists, activity logs,
 * user-item-time logs, Last.fm, labelled texts) turned into a dataset and stored. */
#include "report.h"

static int import_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *format = cmd_word(a, "FORMAT"), *path = cmd_word(a, "--output");
	paths_rule rule = PATHS_OPTION;
	if (!path)
		path = s->opts.data, rule = s->opts.data_rule;
	const char *const *files = (const char *const *)a->rest;
	mrs_import_opts io = {.skip_bad = cmd_flag(a, "--skip-bad"), .task = cmd_word(a, "--task")};
	if (cli_check_output(path, cmd_flag(a, "--force"), files, a->n_rest, err))
		return -1;
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_import(format, files, a->n_rest, &io, s->progress, err);
	if (!ds)
		return -1;
	double t1 = mrs_seconds();
	int rc = paths_make_folders(path, true, rule, err);
	if (rc == 0)
		rc = mrs_store_write(path, ds, NULL, s->progress, err);
	if (rc == 0) {
		mrs_dataset_info di = mrs_dataset_info_get(ds);
		cJSON_AddStringToObject(res, "format", format);
		cJSON_AddStringToObject(res, "output", path);
		cJSON_AddNumberToObject(res, "rows", io.rows);
		cJSON_AddNumberToObject(res, "skipped", io.skipped);
		cJSON_AddNumberToObject(res, "users", di.users);
		cJSON_AddNumberToObject(res, "tweets", di.tweets);
		cJSON_AddNumberToObject(res, "follows", di.follows);
		cJSON_AddNumberToObject(res, "impressions", di.impressions);
		cJSON_AddNumberToObject(res, "texts", di.texts);
		if (!s->transcript) {
			cJSON_AddNumberToObject(res, "read_seconds", t1 - t0);
			cJSON_AddNumberToObject(res, "write_seconds", mrs_seconds() - t1);
		}
	}
	mrs_dataset_free(ds);
	return rc;
}

static void import_text(out *o, const cJSON *r)
{
	out_printf(o,
		   "imported %s into %s: %u rows read, %u skipped; %u users, %u tweets, %u follows, "
		   "%u impressions, %u texts",
		   res_str(r, "format"), res_str(r, "output"), res_u32(r, "rows"),
		   res_u32(r, "skipped"), res_u32(r, "users"), res_u32(r, "tweets"),
		   res_u32(r, "follows"), res_u32(r, "impressions"), res_u32(r, "texts"));
	if (res_has(r, "read_seconds"))
		out_printf(o, " (read in %.2f s, written in %.2f s)", res_num(r, "read_seconds"),
			   res_num(r, "write_seconds"));
	out_printf(o, "\n");
}

static const cmd_arg import_args[] = {
	{"FORMAT", .type = CMD_WORD,
	 .help = "edges EDGES..., activity ACTIVITY [EDGES...], interactions FILE..., lastfm "
		 "FOLDER, or labels TEXTS LABELS"},
	{"FILE", .type = CMD_WORD, .flags = CMD_REST, .help = "the files the format reads"},
	{"--output", "-o", CMD_WORD, .value = "DB",
	 .help = "the file to write (else the dataset path: --data, or the rule of minirecsys(1))"},
	{"--force", .type = CMD_FLAG, .help = "replace a file that exists"},
	{"--skip-bad", .type = CMD_FLAG, .help = "skip malformed rows (counted) instead of failing"},
	{"--task", .type = CMD_WORD, .value = "NAME",
	 .help = "labels: the task's name (else the text file's folder name)"},
	{NULL},
};

const cmd_entry cmd_import_entry = {
	"import", NULL, "turn public data into a dataset and store it", import_args, CMD_ONCE,
	import_exec, import_text, NULL,
};
