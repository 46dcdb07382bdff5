/* cmd-eval.c: `eval`: offline metrics of the current configuration (or of --preset,
 * --weights) beside the baselines, the oracle and every preset, and the models' own
 * metrics, under the temporal or the random split. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Is cfg the configuration `train` tuned for the serving set, as saved at path? */
static bool is_tuned(const mrs_config *cfg, const char *path)
{
	mrs_config file = *cfg;
	mrs_error ignore = {0};
	if (strcmp(cfg->preset, "tuned:seed") != 0 || mrs_config_load(&file, path, &ignore))
		return false;
	char *x = mrs_config_to_json(cfg), *y = mrs_config_to_json(&file);
	bool same = x && y && strcmp(x, y) == 0;
	cJSON_free(x), cJSON_free(y);
	return same;
}

/* Under the random split, the configuration `train` tuned for an imported log (the
 * session's, unchanged) gives way to it searched again for that split, from where it
 * stands, on a validation split of its train rows: SET/tuned-random-RATIO-SEED.json,
 * searched on first use and kept in the set. The temporal configuration was searched on
 * a later period than its train rows; the random split's test rows are spread over the
 * whole log. --preset, --weights or a change to the configuration keep theirs. */
static int random_config(session *s, const cmd_args *a, const mrs_eval_opts *o,
			 mrs_config *cfg, cJSON *res, mrs_error *err)
{
	char tuned[4400], path[4500];
	mrs_error ignore = {0};
	if (o->split != MRS_SPLIT_RANDOM || cmd_given(a, "--preset") || cmd_given(a, "--weights"))
		return 0;
	if (mrs_tuned_config(s->opts.models, s->ds, tuned, sizeof tuned, &ignore) != 2 ||
	    !is_tuned(&s->cfg, tuned))
		return 0;
	size_t dir = strlen(tuned) - strlen(MRS_TUNED_CONFIG);
	if ((size_t)snprintf(path, sizeof path, "%.*stuned-random-%g-%llu.json", (int)dir, tuned,
			     o->ratio ? o->ratio : 0.75, (unsigned long long)o->seed) >=
	    sizeof path)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", tuned);
	cJSON *j = cJSON_AddObjectToObject(res, "random_config");
	cJSON_AddStringToObject(j, "config", path);
	if (access(path, F_OK) == 0) {
		*cfg = s->cfg;
		mrs_error e = {0};
		if (mrs_config_load(cfg, path, &e))
			return mrs_fail(err, MRS_ERR_MODEL, "%s (written by eval --split random; "
					"delete it to search it again)", e.msg);
		return 0;
	}
	mrs_tune_result t;
	mrs_eval_opts eo = {.models_dir = s->opts.models, .split = MRS_SPLIT_RANDOM,
			    .ratio = o->ratio, .seed = o->seed};
	if (report_tune_seed(s, &s->cfg, &eo, REPORT_TUNE_EVALS, &t, err))
		return -1;
	int rc = mrs_config_save(&t.best, path, err);
	if (!rc) {
		*cfg = t.best;
		cJSON_AddBoolToObject(j, "searched", true);
		cJSON_AddNumberToObject(j, "validation_users", t.users);
		res_add_num(j, "start_ndcg", t.start_value);
		res_add_num(j, "best_ndcg", t.best_value);
	}
	mrs_tune_result_free(&t);
	return rc;
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
	/* the dataset first: loading it sets the session's configuration (its time scale,
	 * the configuration `train` tuned) */
	if (session_dataset(s, err))
		return -1;
	mrs_config cfg = s->cfg;
	if (random_config(s, a, &o, &cfg, res, err))
		return -1;
	mrs_evaluator *ev = session_evaluator(s, &o, err);
	mrs_eval_result r;
	if (!ev || mrs_evaluator_run(ev, &cfg, &r, s->progress, err))
		return -1;
	s->last_eval = r;
	s->has_eval = true;
	report_eval(&r, res);
	cJSON_AddStringToObject(res, "preset", cfg.preset);
	if (!s->transcript)
		cJSON_AddNumberToObject(res, "seconds", r.seconds);
	return 0;
}

static void eval_text(out *o, const cJSON *r)
{
	const cJSON *rc = res_get(r, "random_config");
	if (rc && res_has(rc, "searched"))
		out_printf(o, "searched the configuration for the random split on a validation "
			      "split of its train rows (%u users): NDCG@10 %.4f -> %.4f; kept in %s\n",
			   res_u32(rc, "validation_users"), res_num(rc, "start_ndcg"),
			   res_num(rc, "best_ndcg"), res_str(rc, "config"));
	else if (rc)
		out_printf(o, "the configuration for the random split: %s\n", res_str(rc, "config"));
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
