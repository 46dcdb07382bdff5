/* cmd-eval.c: `eval`: offline metrics of the current configuration (or of --preset,
 * --weights) beside the baselines, the oracle and every preset, and the models' own
 * metrics, under the temporal or the random split. */
#include <math.h>
#include <stdlib.h>

#include "report.h"

static const char *const sc_modes[] = {"real", "hash", NULL};
static const char *const rg_modes[] = {"learned", "rule", NULL};
static const char *const splits[] = {"temporal", "random", NULL};

/* A baseline's hyper-parameters from the word of option `opt`: n numbers separated by
 * commas, each in [lo[i], hi[i]] and whole where whole[i], into val. -1 with a usage
 * error naming `form` when the word is not that. */
static int parse_params(const cmd_args *a, const char *opt, const char *form, int n,
			const double *lo, const double *hi, const bool *whole, double *val,
			mrs_error *err)
{
	const char *w = cmd_word(a, opt), *p = w;
	for (int i = 0; i < n; i++) {
		char *end;
		val[i] = strtod(p, &end);
		bool ok = end != p && isfinite(val[i]) && val[i] >= lo[i] && val[i] <= hi[i] &&
			  (!whole[i] || val[i] == floor(val[i]));
		if (!ok || *end != (i + 1 < n ? ',' : '\0'))
			return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not %s", opt, w, form);
		p = end + 1;
	}
	return 0;
}

/* --split, --ratio, --knn and --bpr into o. */
static int baseline_args(const cmd_args *a, mrs_eval_opts *o, mrs_error *err)
{
	o->split = cmd_choice(a, "--split") == 1 ? MRS_SPLIT_RANDOM : MRS_SPLIT_TEMPORAL;
	if (cmd_given(a, "--ratio"))
		o->ratio = cmd_real(a, "--ratio");
	double v[4];
	if (cmd_given(a, "--knn")) {
		if (parse_params(a, "--knn", "NEIGHBOURS,SHRINK (neighbours 1 to 100000, shrink 0 or "
				 "more)", 2, (double[]){1, 0}, (double[]){100000, 1e9},
				 (bool[]){true, false}, v, err))
			return -1;
		o->knn = (mrs_knn_params){(uint32_t)v[0], (float)v[1]};
	}
	if (cmd_given(a, "--bpr")) {
		if (parse_params(a, "--bpr", "FACTORS,EPOCHS,LR,REG (factors 1 to 1024, epochs 1 to "
				 "100000, a learning rate above 0 and a regularisation from 0, both "
				 "at most 10)", 4, (double[]){1, 1, 1e-9, 0}, (double[]){1024, 100000, 10, 10},
				 (bool[]){true, true, false, false}, v, err))
			return -1;
		o->bpr = (mrs_bpr_params){(uint32_t)v[0], (uint32_t)v[1], (float)v[2], (float)v[3]};
	}
	return 0;
}

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
	if (baseline_args(a, &o, err))
		return -1;
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
	 .help = "the sample, the random baseline, the random split and BPR"},
	{"--split", .type = CMD_CHOICE, .choices = splits, .def = "temporal",
	 .help = "learn from before the split time and score what came after, or Microsoft "
		 "Recommenders' random split of each tweet's rows"},
	{"--ratio", .type = CMD_REAL, .value = "R", .min = 0.01, .max = 1,
	 .help = "the random split's share of each tweet's rows in train, 0.75 unless given"},
	{"--knn", .type = CMD_WORD, .value = "N,SHRINK",
	 .help = "item-kNN's neighbours per tweet and shrink term (1000,20)"},
	{"--bpr", .type = CMD_WORD, .value = "FACTORS,EPOCHS,LR,REG",
	 .help = "BPR's factors, epochs, learning rate and regularisation (64,400,0.05,0.03)"},
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
