/* cmd-save.c: `save weights|overlay FILE` (FILE "-": the command's own output) and
 * `load weights|overlay FILE`. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int save_exec(session *s, int argc, char **argv, mrs_error *err)
{
	bool to_output = strcmp(argv[2], "-") == 0; /* the command's own output */
	if (strcmp(argv[1], "overlay") == 0) {
		char *text = mrs_edits_to_json(s->edits, s->n_edits);
		if (!text) {
			mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
			return CMD_FAIL;
		}
		int rc = cmd_write(s, argv[2], text, "overlay", err);
		cJSON_free(text);
		if (rc)
			return cmd_status(err);
		if (to_output)
			return CMD_OK;
		out_printf(s->o, "saved %zu what-if edit%s to %s\n", s->n_edits,
			   s->n_edits == 1 ? "" : "s", argv[2]);
		cJSON_AddStringToObject(out_json(s->o), "saved", argv[2]);
		return CMD_OK;
	}
	if (strcmp(argv[1], "weights") != 0) {
		mrs_fail(err, MRS_ERR_USAGE, "save: what? (`save weights FILE` or `save overlay FILE`)");
		return CMD_USAGE;
	}
	char *text = mrs_config_to_json(&s->cfg);
	if (!text) {
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		return CMD_FAIL;
	}
	int rc = cmd_write(s, argv[2], text, "weights", err);
	cJSON_free(text);
	if (rc)
		return cmd_status(err);
	if (to_output)
		return CMD_OK;
	out_printf(s->o, "saved the configuration (%s) to %s\n", s->cfg.preset, argv[2]);
	cJSON_AddStringToObject(out_json(s->o), "saved", argv[2]);
	return CMD_OK;
}

static int load_overlay(session *s, const char *path, mrs_error *err)
{
	if (session_engine(s, err))
		return cmd_status(err);
	mrs_edit *edits;
	size_t n;
	if (mrs_edits_load(path, s->base ? s->base : s->ds, &edits, &n, err))
		return cmd_status(err);
	/* the file's edits replace the current ones */
	free(s->edits);
	s->edits = edits;
	s->n_edits = n;
	if (session_apply_edits(s, NULL, err))
		return cmd_status(err);
	out_printf(s->o, "loaded %zu what-if edit%s from %s\n", n, n == 1 ? "" : "s", path);
	cJSON_AddNumberToObject(out_json(s->o), "edits", (double)n);
	return CMD_OK;
}

static int load_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (strcmp(argv[1], "overlay") == 0)
		return load_overlay(s, argv[2], err);
	if (strcmp(argv[1], "weights") != 0) {
		mrs_fail(err, MRS_ERR_USAGE, "load: what? (`load weights FILE` or `load overlay FILE`)");
		return CMD_USAGE;
	}
	mrs_config c = s->cfg;
	if (mrs_config_load(&c, argv[2], err))
		return cmd_status(err);
	if (session_set_config(s, &c, err))
		return cmd_status(err);
	out_printf(s->o, "loaded %s (preset %s)\n", argv[2], s->cfg.preset);
	cJSON_AddStringToObject(out_json(s->o), "loaded", argv[2]);
	return CMD_OK;
}

const cmd_entry cmd_save_entry = {
	"save", NULL, "weights|overlay FILE",
	"write the configuration, or the what-if edits, as JSON", 2, 2, save_exec,
};
const cmd_entry cmd_load_entry = {
	"load", NULL, "weights|overlay FILE",
	"read a configuration or what-if edits (JSON; a bad field is named and nothing is "
	"applied)",
	2, 2,
	load_exec,
};
