/* cmd-train.c: `train [--only NAME] [--seed S] [--max-rows N] [--safety-buckets N]
 * [--tune | --no-tune]`: fits the models on the dataset's train split into the model
 * folder (an imported log's configuration tuned after), then serves them; the result
 * summarises the model cards. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The card of model name in folder dir, or NULL. */
static cJSON *read_card(const char *dir, const char *name)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[8192];
	size_t got;
	while (mem && (got = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, got, mem);
	fclose(f);
	if (mem)
		fclose(mem);
	cJSON *card = text ? cJSON_Parse(text) : NULL;
	free(text);
	return card;
}

/* The cards of the models just trained (only, or every one), under "cards". */
static void add_cards(const char *models, int only, cJSON *res)
{
	char dir[4200];
	if (mrs_models_current(models, dir, sizeof dir, NULL))
		return;
	cJSON *cards = cJSON_AddObjectToObject(res, "cards");
	for (int id = 0; id < MRS_N_MODELS; id++) {
		cJSON *card = only < 0 || id == only ? read_card(dir, mrs_model_name(id)) : NULL;
		if (card)
			cJSON_AddItemToObject(cards, mrs_model_name(id), card);
	}
}

/* Fails with "unknown model" unless name is a model's. */
static int model_arg(const char *name, int *id, mrs_error *err)
{
	if ((*id = mrs_model_by_name(name)) >= 0)
		return 0;
	char names[200] = "";
	for (int m = 0; m < MRS_N_MODELS; m++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m ? ", " : "",
			 mrs_model_name(m));
	return mrs_fail(err, MRS_ERR_USAGE, "unknown model '%s' (%s)", name, names);
}

/* After training an imported log (or with --tune; never with --no-tune): the seed preset
 * on the data's time scale, tuned on the validation period (mrs_tune), kept
 * in the new set as tuned.json; the session serves it from now on. The presets weigh a
 * Twitter-shaped feed; an imported log's shape is its own (on Last.fm the seed preset
 * ranks below item-kNN, its tuned configuration above). */
static int tune_set(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *kind = mrs_dataset_info_get(s->ds).kind;
	bool imported = kind && strcmp(kind, "synthetic") != 0;
	if (cmd_flag(a, "--no-tune") || !(imported || cmd_flag(a, "--tune")))
		return 0;
	char path[4400];
	int have = mrs_tuned_config(s->opts.models, s->ds, path, sizeof path, err);
	if (have < 0)
		return -1;
	if (have == 0) {
		cJSON_AddStringToObject(res, "not_tuned", "no heavy ranker trained on this dataset");
		return 0;
	}
	mrs_tune_result t;
	mrs_eval_opts eo = {.models_dir = s->opts.models};
	if (report_tune_seed(s, NULL, &eo, (uint32_t)cmd_uint(a, "--tune-evals"), &t, err)) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		return mrs_fail(err, err->code,
				"train: the models are trained and serve from %s; tuning the "
				"configuration stopped (%s): the seed preset serves until `train` "
				"runs again",
				s->opts.models, msg);
	}
	int rc = mrs_config_save(&t.best, path, err);
	if (!rc) {
		cJSON *j = cJSON_AddObjectToObject(res, "tuned");
		cJSON_AddStringToObject(j, "config", path);
		cJSON_AddStringToObject(j, "preset", t.best.preset);
		cJSON_AddNumberToObject(j, "validation_users", t.users);
		cJSON_AddNumberToObject(j, "evaluations", t.evals);
		res_add_num(j, "start_ndcg", t.start_value);
		res_add_num(j, "best_ndcg", t.best_value);
		cJSON_AddStringToObject(j, "scored_with", t.models_serving ? "serving" : "validation");
		s->cfg = t.best;
	}
	mrs_tune_result_free(&t);
	return rc;
}

static int train_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	mrs_train_opts o = {
		.models_dir = s->opts.models,
		.only = cmd_word(a, "--only"),
		.seed = cmd_uint(a, "--seed"),
		.max_rows = (uint32_t)cmd_uint(a, "--max-rows"),
		.safety_buckets = (uint32_t)cmd_uint(a, "--safety-buckets"),
		.dataset_path = s->opts.data,
	};
	int only = -1;
	if (o.only && model_arg(o.only, &only, err))
		return -1;
	if (session_dataset(s, err))
		return -1;
	if (s->n_edits)
		return mrs_fail(err, MRS_ERR_REFUSED,
				"what-if edits are active: `reset` them before training");
	if (paths_make_folders(s->opts.models, false, s->opts.models_rule, err))
		return -1;
	double t0 = mrs_seconds();
	if (mrs_train(s->ds, &o, s->progress, err)) {
		if (err->code == MRS_ERR_CANCELLED)
			mrs_fail(err, MRS_ERR_CANCELLED,
				 "train: cancelled; the previous models in %s are unchanged",
				 s->opts.models);
		return -1;
	}
	cJSON_AddStringToObject(res, "trained", o.only ? o.only : "every model");
	cJSON_AddStringToObject(res, "models", s->opts.models);
	if (tune_set(s, a, res, err))
		return -1;
	/* the time, and the models' test metrics, differ from run to run and machine to
	 * machine: not in transcripts */
	if (!s->transcript) {
		cJSON_AddNumberToObject(res, "seconds", mrs_seconds() - t0);
		add_cards(s->opts.models, only, res);
	}
	if (s->once)
		return 0;
	/* serve the new models: reopen the engine, and make the timeline again */
	mrs_dataset *keep = s->ds;
	s->ds = NULL;
	session_reset(s);
	s->ds = keep;
	return s->has_user ? session_run(s, err) : 0;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = res_get(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The first number called key in o or in one of its objects (depth 2). */
static double find_num(const cJSON *o, const char *key)
{
	double v = num(o, key);
	const cJSON *c;
	cJSON_ArrayForEach(c, o)
	{
		if (!isnan(v))
			break;
		if (cJSON_IsObject(c))
			v = num(c, key);
	}
	return v;
}

/* A card's headline test metrics, in words. */
static void key_metrics(const char *name, const cJSON *card, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	const cJSON *heads = res_get(card, "heads");
	if (heads) {
		const cJSON *like = res_get(heads, "like");
		double auc = num(like, "auc"), oracle = num(like, "oracle_auc");
		len += (size_t)snprintf(buf + len, size - len, "like AUC %.4f", auc);
		if (!isnan(oracle))
			len += (size_t)snprintf(buf + len, size - len, " vs oracle %.4f (%.1f%%)",
						oracle, 100 * auc / oracle);
		const cJSON *any = res_get(heads, "any");
		if (any && len < size)
			snprintf(buf + len, size - len, ", any AUC %.4f RCE %.1f%%", num(any, "auc"),
				 num(any, "rce"));
		return;
	}
	static const char *const keys[] = {"auc", "oracle_auc", "pr_auc", "ece", "macro_f1_at_0.5",
					   "modularity", "mrr", "hit_at_10", "nmi"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && len < size; i++) {
		double v = find_num(card, keys[i]);
		if (!isnan(v))
			len += (size_t)snprintf(buf + len, size - len, "%s%s %.4f", len ? ", " : "",
						keys[i], v);
	}
	if (!len)
		snprintf(buf, size, "(see %s.json)", name);
}

static void train_text(out *o, const cJSON *r)
{
	out_printf(o, "trained %s into %s", res_str(r, "trained"), res_str(r, "models"));
	if (res_has(r, "seconds"))
		out_printf(o, " in %.1f s", res_num(r, "seconds"));
	out_printf(o, "\n");
	const cJSON *cards = res_get(r, "cards"), *card;
	if (cards)
		out_printf(o, "%-13s %9s %8s  %s\n", "model", "rows", "seconds", "test metrics");
	cJSON_ArrayForEach(card, cards)
	{
		if (res_has(card, "skipped")) {
			out_printf(o, "%-13s %9s %8s  skipped: %s\n", card->string, "-", "-",
				   res_str(card, "skipped"));
			continue;
		}
		double rows = num(card, "train_rows");
		if (isnan(rows))
			rows = find_num(card, "rows");
		char m[300], rb[32] = "-";
		key_metrics(card->string, card, m, sizeof m);
		if (!isnan(rows))
			snprintf(rb, sizeof rb, "%.0f", rows);
		out_printf(o, "%-13s %9s %8.2f  %s\n", card->string, rb,
			   num(card, "training_seconds"), m);
	}
	if (res_has(r, "not_tuned"))
		out_printf(o, "the configuration was not tuned: %s (the seed preset serves)\n",
			   res_str(r, "not_tuned"));
	const cJSON *t = res_get(r, "tuned");
	if (t)
		out_printf(o, "tuned the configuration on the validation period (%u users, %s "
			      "models): NDCG@10 %.4f -> %.4f; %s, which timeline, eval and the "
			      "explorer now use (%s)\n",
			   res_u32(t, "validation_users"), res_str(t, "scored_with"),
			   res_num(t, "start_ndcg"), res_num(t, "best_ndcg"), res_str(t, "config"),
			   res_str(t, "preset"));
}

static const cmd_arg train_args[] = {
	{"--only", .type = CMD_WORD, .value = "NAME",
	 .help = "one model (simclusters, twhin, realgraph, nsfw, toxicity or heavy_ranker), "
		 "and what it needs"},
	{"--seed", .type = CMD_UINT, .value = "S", .hi = UINT64_MAX, .def = "42",
	 .help = "the seed of every model's training"},
	{"--max-rows", .type = CMD_UINT, .value = "N", .hi = UINT32_MAX, .def = "300000",
	 .help = "heavy-ranker rows, sampled evenly down to N (0: all)"},
	{"--safety-buckets", .type = CMD_UINT, .value = "N", .lo = 16, .hi = 1u << 30,
	 .help = "the safety models' hashed n-gram buckets (else 262144)"},
	{"--tune", .type = CMD_FLAG,
	 .help = "tune the configuration afterwards even for a generated world (an imported "
		 "log is tuned without it): SET/tuned.json, used instead of the seed preset"},
	{"--no-tune", .type = CMD_FLAG, .help = "do not tune the configuration afterwards"},
	{"--tune-evals", .type = CMD_UINT, .value = "N", .hi = UINT32_MAX, .def = "1000",
	 .help = "the tuning search's evaluations at most (0: until it converges)"},
	{NULL},
};

const cmd_entry cmd_train_entry = {
	"train", NULL,
	"fit every model on the dataset's train split into the model folder, then use them",
	train_args, CMD_ANYWHERE, train_exec, train_text, NULL,
};
