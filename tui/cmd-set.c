/* cmd-set.c: `set NAME VALUE`, `get NAME`, `weights`, `preset NAME`: the configuration. */
#include <string.h>

#include "report.h"

/* After a change: how many timeline places moved. */
static void summarise_moves(session *s, cJSON *res)
{
	if (!s->req || !s->has_user)
		return;
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc, moved = 0, entered = 0;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t prev = mrs_request_prev_rank(s->req, c[order[k]].tweet);
		moved += prev && prev != k + 1;
		entered += !prev;
	}
	int first = mrs_request_first_stage(s->req);
	cJSON_AddStringToObject(res, "rerun_from", mrs_stage_info_get(first)->name);
	cJSON_AddNumberToObject(res, "moved", moved);
	cJSON_AddNumberToObject(res, "entered", entered);
}

static void moves_text(out *o, const cJSON *r)
{
	if (res_has(r, "rerun_from"))
		out_printf(o, "  re-ran from %s: %u moved, %u entered\n", res_str(r, "rerun_from"),
			   res_u32(r, "moved"), res_u32(r, "entered"));
}

static int set_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *name = cmd_word(a, "NAME");
	mrs_config c = s->cfg;
	char before[64], after[64];
	if (!mrs_config_get(&c, name, before, sizeof before))
		return mrs_fail(err, MRS_ERR_REFUSED, "no setting '%s' (see `weights`)", name);
	/* a bad value is a usage error (MRS_ERR_USAGE), as a bad option value is */
	if (mrs_config_set(&c, name, cmd_word(a, "VALUE"), err) || session_set_config(s, &c, err))
		return -1;
	mrs_config_get(&s->cfg, name, after, sizeof after);
	cJSON_AddStringToObject(res, "name", name);
	cJSON_AddStringToObject(res, "before", before);
	cJSON_AddStringToObject(res, "after", after);
	summarise_moves(s, res);
	return 0;
}

static void set_text(out *o, const cJSON *r)
{
	out_printf(o, "%s: %s -> %s\n", res_str(r, "name"), res_str(r, "before"), res_str(r, "after"));
	moves_text(o, r);
}

static int get_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *name = cmd_word(a, "NAME");
	char v[64];
	if (!mrs_config_get(&s->cfg, name, v, sizeof v))
		return mrs_fail(err, MRS_ERR_REFUSED, "no setting '%s' (see `weights`)", name);
	cJSON_AddStringToObject(res, name, v);
	return 0;
}

static void get_text(out *o, const cJSON *r)
{
	if (r->child)
		out_printf(o, "%s = %s\n", r->child->string, r->child->valuestring);
}

static int weights_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *filter = cmd_word(a, "PREFIX");
	unsigned shown = 0;
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		if (filter && strncmp(*p, filter, strlen(filter)) != 0)
			continue;
		char v[64];
		mrs_config_get(&s->cfg, *p, v, sizeof v);
		cJSON_AddStringToObject(res, *p, v);
		shown++;
	}
	if (!shown)
		return mrs_fail(err, MRS_ERR_REFUSED,
				"no setting starts with '%s' (`weights` lists them all)", filter);
	return 0;
}

static void weights_text(out *o, const cJSON *r)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, r)
		out_printf(o, "%-36s %12s  %s\n", x->string, x->valuestring, mrs_config_doc(x->string));
}

static int preset_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *name = cmd_word(a, "NAME");
	if (!name) {
		cJSON_AddStringToObject(res, "preset", s->cfg.preset);
		cJSON *all = cJSON_AddArrayToObject(res, "available");
		for (int p = 0; p < MRS_N_PRESETS; p++)
			cJSON_AddItemToArray(all, cJSON_CreateString(mrs_presets[p]));
		return 0;
	}
	mrs_config c;
	if (mrs_config_preset(&c, name, err)) {
		err->code = MRS_ERR_REFUSED; /* a preset that does not exist, as a setting */
		return -1;
	}
	if (session_set_config(s, &c, err))
		return -1;
	cJSON_AddStringToObject(res, "preset", c.preset);
	if (c.fusion == MRS_FUSION_WEIGHTED) {
		cJSON *w = cJSON_AddObjectToObject(res, "weights");
		for (int h = 0; h < MRS_N_HEADS; h++)
			cJSON_AddNumberToObject(w, mrs_head_name(h), c.head_weight[h]);
	}
	summarise_moves(s, res);
	return 0;
}

static void preset_text(out *o, const cJSON *r)
{
	const char *preset = res_str(r, "preset");
	const cJSON *x;
	if (res_has(r, "available")) {
		out_printf(o, "preset %s (available:", preset);
		cJSON_ArrayForEach(x, res_get(r, "available"))
			out_printf(o, " %s", x->valuestring);
		out_printf(o, ")\n");
		return;
	}
	out_printf(o, "preset %s\n", preset);
	int h = 0;
	cJSON_ArrayForEach(x, res_get(r, "weights"))
		out_printf(o, "  %-7s %8.3f  %s\n", x->string, res_value(x),
			   mrs_config_weight_note(preset, h++));
	moves_text(o, r);
}

static const cmd_arg set_args[] = {
	{"NAME", .type = CMD_WORD, .help = "a tunable (`weights` lists them)"},
	{"VALUE", .type = CMD_WORD, .help = "its new value"},
	{NULL},
};
static const cmd_arg get_args[] = {
	{"NAME", .type = CMD_WORD, .help = "a tunable (`weights` lists them)"},
	{NULL},
};
static const cmd_arg weights_args[] = {
	{"PREFIX", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "only the tunables whose name starts with it"},
	{NULL},
};
static const cmd_arg preset_args[] = {
	{"NAME", .type = CMD_WORD, .flags = CMD_OPTIONAL, .help = "seed, twitter-2023 or x-2026"},
	{NULL},
};

const cmd_entry cmd_set_entry = {
	"set", NULL, "change a tunable (see `weights`) and re-rank at once", set_args,
	CMD_SESSION, set_exec, set_text, NULL,
};
const cmd_entry cmd_get_entry = {
	"get", NULL, "show one tunable", get_args, CMD_SESSION, get_exec, get_text, NULL,
};
const cmd_entry cmd_weights_entry = {
	"weights", "w", "every tunable with its value and what it does", weights_args,
	CMD_SESSION, weights_exec, weights_text, NULL,
};
const cmd_entry cmd_preset_entry = {
	"preset", NULL, "switch to seed, twitter-2023 or x-2026 (or show the current)",
	preset_args, CMD_SESSION, preset_exec, preset_text, NULL,
};
