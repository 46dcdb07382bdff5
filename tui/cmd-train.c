/* cmd-train.c: `train [--only NAME] [--max-rows N] [--safety-buckets N]`: fits the models on the current
 * dataset's train split into the model folder, then serves them. */
#include <string.h>

#include "report.h"

static int train_exec(session *s, int argc, char **argv, mrs_error *err)
{
	mrs_train_opts o = {.models_dir = s->opts.models, .seed = CLI_TRAIN_SEED,
			    .max_rows = CLI_TRAIN_MAX_ROWS, .dataset_path = s->opts.data};
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--only") == 0 && v) {
			if (mrs_model_by_name(v) < 0) {
				mrs_fail(err, MRS_ERR_USAGE, "no model '%s' (simclusters, twhin, realgraph, "
							     "nsfw, toxicity, heavy_ranker)", v);
				return CMD_USAGE;
			}
			o.only = v;
			i++;
		} else if (strcmp(argv[i], "--max-rows") == 0) {
			if (cmd_u32("--max-rows", v, 0, UINT32_MAX, &o.max_rows, err))
				return CMD_USAGE;
			i++;
		} else if (strcmp(argv[i], "--safety-buckets") == 0) {
			if (cmd_u32("--safety-buckets", v, 16, 1u << 30, &o.safety_buckets, err))
				return CMD_USAGE;
			i++;
		} else {
			mrs_fail(err, MRS_ERR_USAGE,
				 "train: unknown option '%s' (--only NAME, --max-rows N, "
				 "--safety-buckets N)",
				 argv[i]);
			return CMD_USAGE;
		}
	}
	if (session_dataset(s, err))
		return cmd_status(err);
	if (s->n_edits) {
		mrs_fail(err, MRS_ERR_REFUSED, "what-if edits are active: `reset` them before training");
		return CMD_FAIL;
	}
	if (paths_make_folders(s->opts.models, false, s->opts.models_rule, err))
		return cmd_status(err);
	double t0 = mrs_seconds();
	if (mrs_train(s->ds, &o, s->progress, err))
		return cmd_status(err);
	/* serve the new models: reopen the engine, and make the timeline again */
	mrs_dataset *keep = s->ds;
	s->ds = NULL;
	session_reset(s);
	s->ds = keep;
	if (s->has_user && session_run(s, err))
		return cmd_status(err);
	out_printf(s->o, "trained %s into %s", o.only ? o.only : "every model", s->opts.models);
	if (!s->transcript)
		out_printf(s->o, " in %.1f s", mrs_seconds() - t0);
	out_printf(s->o, "\n");
	cJSON_AddStringToObject(out_json(s->o), "models", s->opts.models);
	return CMD_OK;
}

const cmd_entry cmd_train_entry = {
	"train", NULL, "[--only NAME] [--max-rows N] [--safety-buckets N]",
	"fit the models on the dataset's train split into the model folder, then use them", 0, 6,
	train_exec,
};
