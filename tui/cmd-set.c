/* cmd-set.c: `set NAME VALUE`, `get NAME`, `weights`, `preset NAME`: the configuration. */
#include <string.h>

#include "report.h"

/* After a change: how many timeline places moved. */
static void summarise_moves(session *s, cJSON *j)
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
	out_printf(s->o, "  re-ran from %s: %u moved, %u entered\n",
		   mrs_stage_info_get(first)->name, moved, entered);
	cJSON_AddStringToObject(j, "rerun_from", mrs_stage_info_get(first)->name);
	cJSON_AddNumberToObject(j, "moved", moved);
	cJSON_AddNumberToObject(j, "entered", entered);
}

static int set_exec(session *s, int argc, char **argv, mrs_error *err)
{
	mrs_config c = s->cfg;
	char before[64], after[64];
	if (!mrs_config_get(&c, argv[1], before, sizeof before)) {
		mrs_fail(err, MRS_ERR_USAGE, "no setting '%s' (see `weights`)", argv[1]);
		return CMD_FAIL;
	}
	if (mrs_config_set(&c, argv[1], argv[2], err))
		return CMD_USAGE; /* a bad value, like a bad option value of a subcommand */
	if (session_set_config(s, &c, err))
		return cmd_status(err);
	mrs_config_get(&s->cfg, argv[1], after, sizeof after);
	out_printf(s->o, "%s: %s -> %s\n", argv[1], before, after);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "name", argv[1]);
	cJSON_AddStringToObject(j, "before", before);
	cJSON_AddStringToObject(j, "after", after);
	summarise_moves(s, j);
	return CMD_OK;
}

static int get_exec(session *s, int argc, char **argv, mrs_error *err)
{
	char v[64];
	if (!mrs_config_get(&s->cfg, argv[1], v, sizeof v)) {
		mrs_fail(err, MRS_ERR_USAGE, "no setting '%s' (see `weights`)", argv[1]);
		return CMD_FAIL;
	}
	out_printf(s->o, "%s = %s\n", argv[1], v);
	cJSON_AddStringToObject(out_json(s->o), argv[1], v);
	return CMD_OK;
}

static int weights_exec(session *s, int argc, char **argv, mrs_error *err)
{
	const char *filter = argc == 2 ? argv[1] : NULL;
	cJSON *j = out_json(s->o);
	unsigned shown = 0;
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		if (filter && strncmp(*p, filter, strlen(filter)) != 0)
			continue;
		char v[64];
		mrs_config_get(&s->cfg, *p, v, sizeof v);
		out_printf(s->o, "%-36s %12s  %s\n", *p, v, mrs_config_doc(*p));
		cJSON_AddStringToObject(j, *p, v);
		shown++;
	}
	if (!shown) {
		mrs_fail(err, MRS_ERR_USAGE, "no setting starts with '%s' (`weights` lists them all)",
			 filter);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static int preset_exec(session *s, int argc, char **argv, mrs_error *err)
{
	mrs_config c;
	if (argc == 1) {
		out_printf(s->o, "preset %s (available:", s->cfg.preset);
		for (int p = 0; p < MRS_N_PRESETS; p++)
			out_printf(s->o, " %s", mrs_presets[p]);
		out_printf(s->o, ")\n");
		cJSON_AddStringToObject(out_json(s->o), "preset", s->cfg.preset);
		return CMD_OK;
	}
	c = s->cfg; /* the time fields stay: they are the dataset's (or set by hand) */
	if (mrs_config_switch_preset(&c, argv[1], err))
		return CMD_FAIL;
	if (session_set_config(s, &c, err))
		return cmd_status(err);
	out_printf(s->o, "preset %s\n", c.preset);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "preset", c.preset);
	for (int h = 0; h < MRS_N_HEADS && c.fusion == MRS_FUSION_WEIGHTED; h++)
		out_printf(s->o, "  %-7s %8.3f  %s\n", mrs_head_name(h), c.head_weight[h],
			   mrs_config_weight_note(c.preset, h));
	summarise_moves(s, j);
	return CMD_OK;
}

const cmd_entry cmd_set_entry = {
	"set", NULL, "NAME VALUE", "change a tunable (see `weights`) and re-rank at once", 2, 2,
	set_exec,
};
const cmd_entry cmd_get_entry = {
	"get", NULL, "NAME", "show one tunable", 1, 1, get_exec,
};
const cmd_entry cmd_weights_entry = {
	"weights", "w", "[PREFIX]", "every tunable with its value and what it does", 0, 1,
	weights_exec,
};
const cmd_entry cmd_preset_entry = {
	"preset", NULL, "[NAME]", "switch to seed, twitter-2023 or x-2026 (or show the current)",
	0, 1, preset_exec,
};
