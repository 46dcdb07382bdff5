/* cmd-tune.c: `tune [-o FILE]`: the fusion weights and the heuristics' parameters of the
 * configuration (or of --preset, --weights) searched on the validation period at the end
 * of the train split; the best becomes the configuration in use, and FILE's. */
#include <math.h>
#include <string.h>

#include "report.h"

static const char *const stops[] = {"", "converged", "evaluations", "seconds"};

/* The fields whose values differ between a and b: [{path, from, to}]. */
static cJSON *changes_json(const mrs_config *a, const mrs_config *b)
{
	cJSON *arr = cJSON_CreateArray();
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		char x[64], y[64];
		mrs_config_get(a, *p, x, sizeof x);
		mrs_config_get(b, *p, y, sizeof y);
		if (strcmp(*p, "preset") == 0 || strcmp(x, y) == 0)
			continue;
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "path", *p);
		cJSON_AddStringToObject(c, "from", x);
		cJSON_AddStringToObject(c, "to", y);
		cJSON_AddItemToArray(arr, c);
	}
	return arr;
}

static cJSON *curve_json(const mrs_tune_result *t)
{
	cJSON *arr = cJSON_CreateArray();
	for (uint32_t i = 0; i < t->evals; i++) {
		const mrs_tune_point *p = &t->curve[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "eval", p->eval);
		res_add_num(o, "ndcg", p->value);
		res_add_num(o, "share", p->share);
		res_add_num(o, "best", p->best);
		if (p->path) {
			cJSON_AddStringToObject(o, "path", p->path);
			res_add_num(o, "value", p->x);
		}
		cJSON_AddBoolToObject(o, "improved", p->improved);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void report(const mrs_tune_result *t, const mrs_config *start, uint32_t k, cJSON *res)
{
	cJSON *v = cJSON_AddObjectToObject(res, "validation");
	cJSON_AddNumberToObject(v, "from", (double)t->valid_from);
	cJSON_AddNumberToObject(v, "to", (double)t->valid_to);
	cJSON_AddNumberToObject(v, "users", t->users);
	cJSON_AddStringToObject(v, "split", t->split == MRS_SPLIT_RANDOM ? "random" : "temporal");
	if (t->split == MRS_SPLIT_RANDOM)
		cJSON_AddNumberToObject(v, "ratio", t->ratio);
	cJSON_AddNumberToObject(res, "k", k);
	cJSON_AddStringToObject(res, "start_preset", start->preset);
	cJSON_AddNumberToObject(res, "searched", t->searched);
	cJSON *a = cJSON_AddObjectToObject(res, "start");
	res_add_num(a, "ndcg", t->start_value);
	res_add_num(a, "share", t->start_share);
	cJSON *b = cJSON_AddObjectToObject(res, "best");
	res_add_num(b, "ndcg", t->best_value);
	res_add_num(b, "share", t->best_share);
	cJSON_AddNumberToObject(res, "evaluations", t->evals);
	cJSON_AddNumberToObject(res, "rounds", t->rounds);
	cJSON_AddStringToObject(res, "stopped", stops[t->stop]);
	cJSON_AddItemToObject(res, "changed", changes_json(start, &t->best));
	cJSON_AddItemToObject(res, "curve", curve_json(t));
	cJSON_AddStringToObject(res, "preset", t->best.preset);
	cJSON *m = cJSON_AddObjectToObject(res, "models");
	cJSON_AddStringToObject(m, "scored_with", t->models_serving ? "serving" : "validation");
	cJSON_AddStringToObject(m, "dir", t->models_dir);
	if (t->models_serving)
		cJSON_AddStringToObject(m, "why", t->models_note);
}

static int tune_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *path = cmd_word(a, "--output");
	if (report_config_args(s, a, err) || session_dataset(s, err))
		return -1;
	bool to_stdout = path && strcmp(path, "-") == 0;
	/* an existing FILE only with --force, the dataset never */
	const char *data = mrs_dataset_info_get(s->base ? s->base : s->ds).path;
	if (path && !to_stdout &&
	    cli_check_output(path, cmd_flag(a, "--force"), &data, data ? 1 : 0, err))
		return -1;
	mrs_tune_opts o = {
		.eval = {.k = (uint32_t)cmd_uint(a, "--k"),
			 .users = (uint32_t)cmd_uint(a, "--users"),
			 .seed = cmd_uint(a, "--seed"),
			 .models_dir = s->opts.models,
			 .split = cmd_choice(a, "--split") == 1 ? MRS_SPLIT_RANDOM
								 : MRS_SPLIT_TEMPORAL,
			 .ratio = cmd_given(a, "--ratio") ? cmd_real(a, "--ratio") : 0},
		.max_evals = (uint32_t)cmd_uint(a, "--evals"),
		.max_seconds = cmd_real(a, "--seconds"),
		.seed = cmd_uint(a, "--seed"),
	};
	mrs_config start = s->cfg;
	mrs_tune_result t;
	/* the dataset as loaded: what-if edits are not part of what it learns from */
	if (mrs_tune(s->base ? s->base : s->ds, &start, &o, &t, s->progress, err))
		return -1;
	int rc = -1;
	report(&t, &start, o.eval.k, res);
	if (!s->transcript)
		cJSON_AddNumberToObject(res, "seconds", t.seconds);
	if (path) {
		char *text = mrs_config_to_json(&t.best);
		cJSON *doc = text ? cJSON_Parse(text) : NULL;
		cJSON_free(text);
		if (cmd_write(path, doc, res, "weights", err))
			goto out;
	}
	if (path && !to_stdout)
		cJSON_AddStringToObject(res, "saved", path);
	rc = session_set_config(s, &t.best, err);
out:
	mrs_tune_result_free(&t);
	return rc;
}

static void tune_text(out *o, const cJSON *r)
{
	const cJSON *v = res_get(r, "validation"), *a = res_get(r, "start"), *b = res_get(r, "best");
	char from[32], to[32];
	uint32_t k = res_u32(r, "k");
	bool random = strcmp(res_str(v, "split"), "random") == 0;
	if (random)
		out_printf(o, "tuned %u fields of %s for the random split on a validation split of "
			      "its train rows (%.0f%% of each tweet's in train again; %u users, "
			      "NDCG@%u; the test split is not read)\n",
			   res_u32(r, "searched"), res_str(r, "start_preset"),
			   100 * res_num(v, "ratio"), res_u32(v, "users"), k);
	else
		out_printf(o, "tuned %u fields of %s on the validation period %s to %s (%u users, "
			      "NDCG@%u; the test split is not read)\n",
			   res_u32(r, "searched"), res_str(r, "start_preset"),
			   fmt_time((int64_t)res_num(v, "from"), from, sizeof from),
			   fmt_time((int64_t)res_num(v, "to"), to, sizeof to), res_u32(v, "users"), k);
	const cJSON *m = res_get(r, "models");
	if (strcmp(res_str(m, "scored_with"), "serving") == 0)
		out_printf(o, "  the serving set scores it (%s)\n", res_str(m, "why"));
	else if (random)
		out_printf(o, "  models trained on the validation split's train rows score it "
			      "(%s)\n",
			   res_str(m, "dir"));
	else
		out_printf(o, "  models trained before the validation period score it "
			      "(SET/validation)\n");
	out_printf(o, "  start  NDCG@%u %.4f, %.1f%% of the oracle on the same candidates\n", k,
		   res_num(a, "ndcg"), 100 * res_num(a, "share"));
	out_printf(o, "  best   NDCG@%u %.4f, %.1f%% of the oracle on the same candidates\n", k,
		   res_num(b, "ndcg"), 100 * res_num(b, "share"));
	uint32_t rounds = res_u32(r, "rounds");
	out_printf(o, "  %u evaluations in %u round%s; stopped: %s\n", res_u32(r, "evaluations"),
		   rounds, rounds == 1 ? "" : "s", res_str(r, "stopped"));
	/* the curve: each improvement, with a bar from the start's NDCG (1) to the best (30) */
	out_printf(o, "best so far (each improvement):\n   eval  NDCG@%-3u %-30s  field\n", k,
		   "gain");
	double lo = res_num(a, "ndcg"), span = res_num(b, "ndcg") - lo;
	const cJSON *x;
	cJSON_ArrayForEach(x, res_get(r, "curve")) {
		if (!res_bool(x, "improved"))
			continue;
		char bar[31];
		int n = 1 + (span > 0 ? (int)lround(29 * (res_num(x, "ndcg") - lo) / span) : 0);
		memset(bar, '#', (size_t)n);
		bar[n] = '\0';
		if (res_has(x, "path"))
			out_printf(o, "  %5u  %.4f   %-30s  %s %g\n", res_u32(x, "eval"),
				   res_num(x, "ndcg"), bar, res_str(x, "path"), res_num(x, "value"));
		else
			out_printf(o, "  %5u  %.4f   %-30s  (start)\n", res_u32(x, "eval"),
				   res_num(x, "ndcg"), bar);
	}
	const cJSON *changed = res_get(r, "changed");
	out_printf(o, "changed (%d):\n", cJSON_GetArraySize(changed));
	cJSON_ArrayForEach(x, changed)
		out_printf(o, "  %-36s %12s -> %s\n", res_str(x, "path"), res_str(x, "from"),
			   res_str(x, "to"));
	if (res_has(r, "weights"))
		out_json_doc(o, res_get(r, "weights"));
	if (res_has(r, "saved"))
		out_printf(o, "saved the configuration (%s) to %s\n", res_str(r, "preset"),
			   res_str(r, "saved"));
	if (res_has(r, "seconds"))
		out_printf(o, "(%.1f s)\n", res_num(r, "seconds"));
}

static const char *const splits[] = {"temporal", "random", NULL};

static const cmd_arg tune_args[] = {
	{"--output", "-o", CMD_WORD, .value = "FILE",
	 .help = "write the tuned configuration there (- for the command's own output)"},
	{"--force", .type = CMD_FLAG, .help = "replace FILE if it exists"},
	{"--evals", .type = CMD_UINT, .value = "N", .hi = 1000000, .def = "300",
	 .help = "evaluations at most, the start's included (0: until converged)"},
	{"--seconds", .type = CMD_REAL, .value = "S", .min = 0, .max = 1e9, .def = "0",
	 .help = "start no evaluation after this long (0: no limit)"},
	{"--users", .type = CMD_UINT, .value = "N", .hi = 100000000, .def = "0",
	 .help = "a fixed sample of this many validation users, 0 for every one"},
	{"--k", .type = CMD_UINT, .value = "K", .lo = 1, .hi = 1000, .def = "10",
	 .help = "the cut-off of the NDCG searched"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX, .def = "1",
	 .help = "the user sample, the random split and the orders the fields are visited in "
		 "(S, S+1, S+2)"},
	{"--split", .type = CMD_CHOICE, .choices = splits, .def = "temporal",
	 .help = "search for `eval`'s temporal split (a validation period at the end of its "
		 "train split) or its random split (a random split of its train part)"},
	{"--ratio", .type = CMD_REAL, .value = "R", .min = 0.01, .max = 1,
	 .help = "the random split's share of each tweet's rows in train, 0.75 unless given"},
	{"--preset", .type = CMD_WORD, .value = "P",
	 .help = "start from this preset, as `preset` does"},
	{"--weights", .type = CMD_WORD, .value = "FILE",
	 .help = "start from this configuration (over the preset), as `load weights` does"},
	{NULL},
};

const cmd_entry cmd_tune_entry = {
	"tune", NULL,
	"search the fusion weights and the heuristics' parameters on a validation period cut "
	"from the end of the train split; the best becomes the configuration (and FILE's)",
	tune_args, CMD_ANYWHERE, tune_exec, tune_text, NULL,
};
