/* cmd-generate.c: `generate [--scale S] [--seed N] [--force]`: a new synthetic world
 * written to the session's dataset path (the explorer's first run offers it). */
#include <string.h>
#include <unistd.h>

#include "report.h"

static int generate_exec(session *s, int argc, char **argv, mrs_error *err)
{
	const char *scale = "default";
	uint64_t seed = 0;
	bool force = false, has_seed = false;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--scale") == 0 && v) {
			scale = v;
			i++;
		} else if (strcmp(argv[i], "--seed") == 0 && v) {
			uint32_t x;
			if (cmd_u32("--seed", v, 0, UINT32_MAX, &x, err))
				return CMD_USAGE;
			seed = x, has_seed = true;
			i++;
		} else if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else {
			mrs_fail(err, MRS_ERR_USAGE, "generate: unknown option '%s' (--scale S, --seed N, --force)",
				 argv[i]);
			return CMD_USAGE;
		}
	}
	mrs_gen_params p;
	if (mrs_gen_params_scale(&p, scale, err))
		return CMD_USAGE;
	if (has_seed)
		p.seed = seed;
	const char *path = s->opts.data;
	if (!force && access(path, F_OK) == 0) {
		mrs_fail(err, MRS_ERR_USAGE, "%s exists: add --force to replace it", path);
		return CMD_FAIL;
	}
	if (cli_check_memory(&p, "", err))
		return CMD_FAIL;
	if (paths_make_folders(path, true, s->opts.data_rule, err))
		return cmd_status(err);
	mrs_truth *truth = NULL;
	mrs_dataset *ds = mrs_generate(&p, &truth, s->progress, err);
	if (!ds)
		return cmd_status(err);
	int rc = mrs_store_write(path, ds, truth, s->progress, err);
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	uint32_t users = di.users, tweets = di.tweets, imps = di.impressions;
	mrs_dataset_free(ds);
	mrs_truth_free(truth);
	if (rc)
		return cmd_status(err);
	/* a new world: the old ids mean nothing in it */
	session_reset(s);
	s->has_user = false;
	s->selected = MRS_NONE;
	if (session_dataset(s, err))
		return cmd_status(err);
	out_printf(s->o, "generated %s: %u users, %u tweets, %u impressions (seed %llu)\n", path,
		   users, tweets, imps, (unsigned long long)p.seed);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "path", path);
	cJSON_AddNumberToObject(j, "users", users);
	return CMD_OK;
}

const cmd_entry cmd_generate_entry = {
	"generate", NULL, "[--scale small|default|large] [--seed N] [--force]",
	"make a synthetic world at the dataset path (--force replaces one that exists)", 0, 5,
	generate_exec,
};
