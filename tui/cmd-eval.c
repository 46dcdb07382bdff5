/* cmd-eval.c: `eval`: offline metrics of the current configuration (or of --preset,
 * --weights) beside the baselines, the oracle and every preset, and the models' own
 * metrics. */
#include "report.h"

static const char *const sc_modes[] = {"real", "hash", NULL};
static const char *const rg_modes[] = {"learned", "rule", NULL};

static int eval_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	if (report_config_args(s, a, err))
		return -1;
	mrs_eval_opts o = {
		.k = (uint32_t)cmd_uint(a, "--k"),
		.users = (uint32_t)cmd_uint(a, "--users"),
		.seed = cmd_uint(a, "--seed"),
		.sc_mode = cmd_choice(a, "--sc-mode") == 1 ? MRS_SC_HASH : MRS_SC_REAL,
		.rg_mode = cmd_choice(a, "--rg-mode") == 1 ? MRS_RG_RULE : MRS_RG_LEARNED,
		.models = !cmd_flag(a, "--no-model-metrics"),
	};
	mrs_evaluator *ev = session_evaluator(s, &o, err);
	mrs_eval_result r;
	if (!ev || mrs_evaluator_run(ev, &s->cfg, &r, s->progress, err))
		return -1;
	s->last_eval = r;
	s->has_eval = true;
	report_eval(&r, res);
	cJSON_AddStringToObject(res, "preset", s->cfg.preset);
	if (!s->transcript)
		cJSON_AddNumberToObject(res, "seconds", r.seconds);
	return 0;
}

static void eval_text(out *o, const cJSON *r)
{
	report_eval_text(o, r);
	if (res_has(r, "seconds"))
		out_printf(o, "(%s, %.1f s)\n", res_str(r, "preset"), res_num(r, "seconds"));
}

static const cmd_arg eval_args[] = {
	{"--users", .type = CMD_UINT, .value = "N", .hi = 100000000, .def = "200",
	 .help = "a fixed sample of this many test users, 0 for every one"},
	{"--k", .type = CMD_UINT, .value = "K", .lo = 1, .hi = 1000, .def = "10",
	 .help = "the cut-off of the ranking metrics"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX, .def = "1",
	 .help = "the sample and the random baseline"},
	{"--preset", .type = CMD_WORD, .value = "P",
	 .help = "switch to this preset first, as `preset` does"},
	{"--weights", .type = CMD_WORD, .value = "FILE",
	 .help = "load this configuration first (over the preset), as `load weights` does"},
	{"--sc-mode", .type = CMD_CHOICE, .choices = sc_modes,
	 .def = "real", .help = "SimClusters from the trained model, or words hashed into clusters"},
	{"--rg-mode", .type = CMD_CHOICE, .choices = rg_modes,
	 .def = "learned", .help = "RealGraph from the trained model, or the rule"},
	{"--no-model-metrics", .type = CMD_FLAG,
	 .help = "leave out the heavy ranker's and the safety models' own metrics"},
	{NULL},
};

const cmd_entry cmd_eval_entry = {
	"eval", NULL,
	"NDCG, precision, recall, MRR, hit rate and coverage of the configuration beside the "
	"baselines, the oracle and every preset on a fixed sample of test users (200); the "
	"models' own metrics",
	eval_args, CMD_ANYWHERE, eval_exec, eval_text, NULL,
};
