/* cmd-generate.c: `generate [-o DB] [--force] [--scale S] [--users N] ... [--set
 * NAME=VALUE]...`: a synthetic world written to the dataset path (or -o), which a session
 * then uses (the explorer's first run offers it). */
#include <string.h>

#include "report.h"

static const char *const scales[] = {"small", "default", "large", "huge", NULL};

/* The scale's parameters, then the options given over them. */
static int gen_params(const cmd_args *a, mrs_gen_params *p, mrs_error *err)
{
	if (mrs_gen_params_scale(p, scales[cmd_choice(a, "--scale")], err))
		return -1;
	if (cmd_given(a, "--users"))
		p->users = (uint32_t)cmd_uint(a, "--users");
	if (cmd_given(a, "--tweets"))
		p->tweets = (uint32_t)cmd_uint(a, "--tweets");
	if (cmd_given(a, "--impressions"))
		p->impressions = (uint32_t)cmd_uint(a, "--impressions");
	if (cmd_given(a, "--days"))
		p->days = (uint32_t)cmd_uint(a, "--days");
	if (cmd_given(a, "--seed"))
		p->seed = cmd_uint(a, "--seed");
	const cmd_value *set = cmd_value_of(a, "--set");
	for (int i = 0; i < set->n_all; i++) {
		const char *eq = strchr(set->all[i], '=');
		if (!eq || eq == set->all[i])
			return mrs_fail(err, MRS_ERR_USAGE, "--set needs NAME=VALUE (a generator "
					"parameter), not '%s'", set->all[i]);
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(eq - set->all[i]), set->all[i]);
		if (mrs_gen_params_set(p, name, eq + 1, err))
			return -1;
	}
	return 0;
}

static int generate_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	mrs_gen_params p;
	if (gen_params(a, &p, err))
		return -1;
	const char *path = cmd_word(a, "--output");
	paths_rule rule = PATHS_OPTION;
	if (!path)
		path = s->opts.data, rule = s->opts.data_rule;
	if (cli_check_output(path, cmd_flag(a, "--force"), NULL, 0, err))
		return -1;
	if (!cmd_flag(a, "--no-memory-check") &&
	    cli_check_memory(&p, "; add --no-memory-check to start anyway", err))
		return -1;
	if (paths_make_folders(path, true, rule, err))
		return -1;
	mrs_truth *truth = NULL;
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_generate(&p, &truth, s->progress, err);
	if (!ds)
		return -1;
	double t1 = mrs_seconds();
	int rc = mrs_store_write(path, ds, truth, s->progress, err);
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	cJSON_AddStringToObject(res, "path", path);
	cJSON_AddNumberToObject(res, "users", di.users);
	cJSON_AddNumberToObject(res, "tweets", di.tweets);
	cJSON_AddNumberToObject(res, "follows", di.follows);
	cJSON_AddNumberToObject(res, "impressions", di.impressions);
	res_add_u64(res, "seed", p.seed);
	if (!s->transcript) {
		cJSON_AddNumberToObject(res, "generate_seconds", t1 - t0);
		cJSON_AddNumberToObject(res, "write_seconds", mrs_seconds() - t1);
	}
	mrs_dataset_free(ds);
	mrs_truth_free(truth);
	if (rc || strcmp(path, s->opts.data) != 0)
		return rc;
	/* the session's own dataset is new: the old ids mean nothing in it */
	session_reset(s);
	s->has_user = false;
	s->selected = MRS_NONE;
	return s->once ? 0 : session_dataset(s, err);
}

static void generate_text(out *o, const cJSON *r)
{
	out_printf(o, "generated %s: %u users, %u tweets, %u impressions (seed %llu)",
		   res_str(r, "path"), res_u32(r, "users"), res_u32(r, "tweets"),
		   res_u32(r, "impressions"), (unsigned long long)res_u64(r, "seed"));
	if (res_has(r, "generate_seconds"))
		out_printf(o, " in %.2f s, written in %.2f s", res_num(r, "generate_seconds"),
			   res_num(r, "write_seconds"));
	out_printf(o, "\n");
}

static const cmd_arg generate_args[] = {
	{"--output", "-o", CMD_WORD, .value = "DB",
	 .help = "the file to write (else the dataset path: --data, or the rule of minirecsys(1))"},
	{"--force", .type = CMD_FLAG, .help = "replace a file that exists"},
	{"--scale", .type = CMD_CHOICE, .what = "scale", .choices = scales, .def = "default",
	 .help = "the size the other options start from"},
	{"--users", .type = CMD_UINT, .value = "N", .lo = 2, .hi = 10000000, .help = "accounts"},
	{"--tweets", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 100000000, .help = "tweets"},
	{"--impressions", .type = CMD_UINT, .value = "N", .hi = 1000000000,
	 .help = "tweets shown to users, engaged with or not"},
	{"--days", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 3650,
	 .help = "the period the world covers"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX,
	 .help = "the same seed and sizes make the same world"},
	{"--set", .type = CMD_WORD, .flags = CMD_REPEAT, .value = "NAME=VALUE",
	 .help = "one of the generator's parameters (docs/world.md; an unknown NAME lists "
		 "them), again for another"},
	{"--no-memory-check", .type = CMD_FLAG,
	 .help = "start even when the world needs more memory than the machine has free"},
	{NULL},
};

const cmd_entry cmd_generate_entry = {
	"generate", NULL,
	"make a synthetic world (with a hidden ground truth that only evaluation reads) at the "
	"dataset path",
	generate_args, CMD_ANYWHERE, generate_exec, generate_text, NULL,
};
