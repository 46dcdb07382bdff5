/* cmd-eval.c: `eval [--users N] [--k K] [--split temporal|random] [--ratio R]`: offline
 * metrics of the current configuration. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

int cmd_eval_split_option(const char *a, const char *v, mrs_eval_opts *o, mrs_error *err)
{
	if (strcmp(a, "--split") == 0) {
		if (!v || (strcmp(v, "temporal") && strcmp(v, "random")))
			return mrs_fail(err, MRS_ERR_USAGE, "--split: temporal or random");
		o->split = strcmp(v, "random") == 0 ? MRS_SPLIT_RANDOM : MRS_SPLIT_TEMPORAL;
		return 1;
	}
	if (strcmp(a, "--ratio") != 0)
		return 0;
	if (!v)
		return mrs_fail(err, MRS_ERR_USAGE, "--ratio needs a value");
	char *end;
	double r = strtod(v, &end);
	if (end == v || *end || !(r > 0 && r < 1))
		return mrs_fail(err, MRS_ERR_USAGE,
				"--ratio: '%s' is not a share of train rows between 0 and 1", v);
	o->ratio = r;
	return 1;
}

static int eval_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t users = 200, k = 10;
	mrs_eval_opts o = {.seed = 1, .models_dir = s->opts.models, .keep_requests = true};
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int split = cmd_eval_split_option(argv[i], v, &o, err);
		if (split < 0)
			return CMD_USAGE;
		if (split) {
			i++;
		} else if (strcmp(argv[i], "--users") == 0) {
			if (cmd_u32("--users", v, 0, 100000000, &users, err))
				return CMD_USAGE;
			i++;
		} else if (strcmp(argv[i], "--k") == 0) {
			if (cmd_u32("--k", v, 1, 1000, &k, err))
				return CMD_USAGE;
			i++;
		} else {
			mrs_fail(err, MRS_ERR_USAGE,
				 "eval: unknown option '%s' (--users N, --k K, --split S, --ratio R)",
				 argv[i]);
			return CMD_USAGE;
		}
	}
	if (session_dataset(s, err))
		return cmd_status(err);
	/* the evaluator (train view, engine, users) is kept while the sample stays the same */
	if (s->ev && (s->ev_users != users || s->ev_k != k || s->ev_split != o.split ||
		      s->ev_ratio != o.ratio)) {
		mrs_evaluator_free(s->ev);
		s->ev = NULL;
	}
	if (!s->ev) {
		o.k = k;
		o.users = users;
		if (!(s->ev = mrs_evaluator_new(s->base ? s->base : s->ds, &o, s->progress, err)))
			return cmd_status(err);
		s->ev_users = users;
		s->ev_k = k;
		s->ev_split = o.split;
		s->ev_ratio = o.ratio;
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
	"eval", NULL, "[--users N] [--k K] [--split temporal|random] [--ratio R]",
	"NDCG, precision, recall, MRR, hit rate and coverage of the current configuration and "
	"the baselines on a fixed sample of test users (200)",
	0, 8, eval_exec,
};
