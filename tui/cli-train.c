/* cli-train.c: `minirecsys train`: fit every model on the train split, then summarise
 * the model cards. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"

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

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
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

static void key_metrics(const char *name, const cJSON *card, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	const cJSON *heads = cJSON_GetObjectItem(card, "heads");
	if (heads) {
		const cJSON *like = cJSON_GetObjectItem(heads, "like");
		double auc = num(like, "auc"), oracle = num(like, "oracle_auc");
		len += snprintf(buf + len, size - len, "like AUC %.4f", auc);
		if (!isnan(oracle))
			len += snprintf(buf + len, size - len, " vs oracle %.4f (%.1f%%)", oracle,
					100 * auc / oracle);
		const cJSON *any = cJSON_GetObjectItem(heads, "any");
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
			len += snprintf(buf + len, size - len, "%s%s %.4f", len ? ", " : "", keys[i], v);
	}
	if (!len)
		snprintf(buf, size, "(see %s.json)", name);
}

static void summary(const char *models, int only, bool json)
{
	char dir[4200];
	if (mrs_models_current(models, dir, sizeof dir, NULL))
		return;
	cJSON *all = json ? cJSON_CreateObject() : NULL;
	if (!json)
		printf("%-13s %9s %8s  %s\n", "model", "rows", "seconds", "test metrics");
	for (int id = 0; id < MRS_N_MODELS; id++) {
		if (only >= 0 && id != only)
			continue;
		const char *name = mrs_model_name(id);
		cJSON *card = read_card(dir, name);
		if (!card)
			continue;
		if (json) {
			cJSON_AddItemToObject(all, name, card);
			continue;
		}
		double rows = num(card, "train_rows"), secs = num(card, "training_seconds");
		if (isnan(rows))
			rows = find_num(card, "rows");
		char m[300], rb[32] = "-";
		key_metrics(name, card, m, sizeof m);
		if (!isnan(rows))
			snprintf(rb, sizeof rb, "%.0f", rows);
		printf("%-13s %9s %8.2f  %s\n", name, rb, secs, m);
		cJSON_Delete(card);
	}
	if (json) {
		text_json_print(all, true, stdout);
		cJSON_Delete(all);
	}
}

int cli_train(const cli_opts *o, int argc, char **argv)
{
	mrs_train_opts t = {.models_dir = o->models, .seed = CLI_TRAIN_SEED,
			    .max_rows = CLI_TRAIN_MAX_ROWS};
	const char *data = o->data;
	paths_rule models_rule = o->models_rule;
	bool json = o->json;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (strcmp(a, "--json") == 0) {
			json = true;
			continue;
		}
		if (strcmp(a, "--data") == 0 || strcmp(a, "--models") == 0 ||
		    strcmp(a, "--only") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			*(a[2] == 'd' ? &data : a[2] == 'm' ? &t.models_dir : &t.only) = v;
			if (a[2] == 'm')
				models_rule = PATHS_OPTION;
		} else if (strcmp(a, "--seed") == 0) {
			bad = cli_parse_u64(a, v, &t.seed);
		} else if (strcmp(a, "--max-rows") == 0) {
			bad = cli_parse_u32(a, v, 0, UINT32_MAX, &t.max_rows);
		} else if (strcmp(a, "--safety-buckets") == 0) {
			bad = cli_parse_u32(a, v, 16, 1u << 30, &t.safety_buckets);
		} else {
			return cli_usage_error("train: unknown option '%s'", a);
		}
		if (bad)
			return EXIT_USAGE;
		i++;
	}
	int only = -1;
	if (t.only && (only = mrs_model_by_name(t.only)) < 0)
		return cli_usage_error("train: unknown model '%s' (simclusters, twhin, realgraph, "
				       "nsfw, toxicity, heavy_ranker)",
				       t.only);
	t.dataset_path = data;
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(data, &prog, &err);
	if (!ds) {
		cli_progress_done(&cp);
		return cli_error(&err);
	}
	double t0 = mrs_seconds();
	int rc = paths_make_folders(t.models_dir, false, models_rule, &err);
	if (rc == 0)
		rc = mrs_train(ds, &t, &prog, &err);
	cli_progress_done(&cp);
	mrs_dataset_free(ds);
	if (rc) {
		if (err.code == MRS_ERR_CANCELLED)
			text_printf(stderr,
				    "minirecsys: train: cancelled; the previous models in %s are "
				    "unchanged\n",
				    t.models_dir);
		else
			cli_error(&err);
		return cli_exit_code(err.code);
	}
	if (!o->quiet && !json)
		text_printf(stderr, "trained %s in %.1f s into %s\n",
			    only >= 0 ? t.only : "every model", mrs_seconds() - t0, t.models_dir);
	summary(t.models_dir, only, json);
	return EXIT_OK;
}
