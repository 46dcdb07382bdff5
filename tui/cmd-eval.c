/* cmd-eval.c: `eval [--users N] [--k K]`: offline metrics of the current configuration. */
#include <string.h>

#include "report.h"

static int eval_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t users = 200, k = 10;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--users") == 0) {
			if (cmd_u32("--users", v, 0, 100000000, &users, err))
				return CMD_USAGE;
			i++;
		} else if (strcmp(argv[i], "--k") == 0) {
			if (cmd_u32("--k", v, 1, 1000, &k, err))
				return CMD_USAGE;
			i++;
		} else {
			mrs_fail(err, MRS_ERR_USAGE, "eval: unknown option '%s' (--users N, --k K)", argv[i]);
			return CMD_USAGE;
		}
	}
	if (session_dataset(s, err))
		return cmd_status(err);
	/* the evaluator (train view, engine, users) is kept while the sample stays the same */
	if (s->ev && (s->ev_users != users || s->ev_k != k)) {
		mrs_evaluator_free(s->ev);
		s->ev = NULL;
	}
	if (!s->ev) {
		mrs_eval_opts o = {.k = k, .users = users, .seed = 1, .models_dir = s->opts.models,
				   .keep_requests = true};
		if (!(s->ev = mrs_evaluator_new(s->base ? s->base : s->ds, &o, s->progress, err)))
			return cmd_status(err);
		s->ev_users = users;
		s->ev_k = k;
	}
	mrs_eval_result r;
	if (mrs_evaluator_run(s->ev, &s->cfg, &r, s->progress, err))
		return cmd_status(err);
	s->last_eval = r;
	s->has_eval = true;
	report_eval_text(s->o, &r);
	cJSON *j = report_eval_json(&r);
	cJSON_AddItemToObject(out_json(s->o), "eval", j);
	return CMD_OK;
}

const cmd_entry cmd_eval_entry = {
	"eval", NULL, "[--users N] [--k K]",
	"NDCG, precision, recall, MRR, hit rate and coverage of the current configuration and "
	"the baselines on a fixed sample of test users (200)",
	0, 4, eval_exec,
};
