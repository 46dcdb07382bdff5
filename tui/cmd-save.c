/* cmd-save.c: `save weights FILE` and `load weights FILE`. */
#include <string.h>

#include "report.h"

static int save_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (strcmp(argv[1], "weights") != 0) {
		mrs_fail(err, MRS_ERR_USAGE, "save: what? (`save weights FILE`)");
		return CMD_USAGE;
	}
	if (mrs_config_save(&s->cfg, argv[2], err))
		return CMD_FAIL;
	out_printf(s->o, "saved the configuration (%s) to %s\n", s->cfg.preset, argv[2]);
	cJSON_AddStringToObject(out_json(s->o), "saved", argv[2]);
	return CMD_OK;
}

static int load_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (strcmp(argv[1], "weights") != 0) {
		mrs_fail(err, MRS_ERR_USAGE, "load: what? (`load weights FILE`)");
		return CMD_USAGE;
	}
	mrs_config c = s->cfg;
	if (mrs_config_load(&c, argv[2], err))
		return CMD_FAIL;
	if (session_set_config(s, &c, err))
		return cmd_status(err);
	out_printf(s->o, "loaded %s (preset %s)\n", argv[2], s->cfg.preset);
	cJSON_AddStringToObject(out_json(s->o), "loaded", argv[2]);
	return CMD_OK;
}

const cmd_entry cmd_save_entry = {
	"save", NULL, "weights FILE", "write the configuration as JSON", 2, 2, save_exec,
};
const cmd_entry cmd_load_entry = {
	"load", NULL, "weights FILE",
	"read a configuration (JSON; a bad field is named and nothing is applied)", 2, 2,
	load_exec,
};
