/* cmd-help.c: `help [COMMAND]` and `quit`. */
#include <string.h>

#include "cmd.h"

static int help_exec(session *s, int argc, char **argv, mrs_error *err)
{
	cJSON *j = out_json(s->o);
	if (argc == 2) {
		const cmd_entry *c = cmd_find(argv[1]);
		if (!c) {
			mrs_fail(err, MRS_ERR_USAGE, "no command '%s' (try `help`)", argv[1]);
			return CMD_USAGE;
		}
		out_printf(s->o, "%s%s%s\n  %s\n", c->name, c->args[0] ? " " : "", c->args, c->help);
		if (c->alias)
			out_printf(s->o, "  alias: %s\n", c->alias);
		cJSON_AddStringToObject(j, "name", c->name);
		cJSON_AddStringToObject(j, "usage", c->args);
		cJSON_AddStringToObject(j, "help", c->help);
		return CMD_OK;
	}
	cJSON *arr = cJSON_AddArrayToObject(j, "commands");
	out_printf(s->o, "commands (`help COMMAND` for one):\n");
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		char usage[96];
		snprintf(usage, sizeof usage, "%s%s%s", (*c)->name, (*c)->args[0] ? " " : "", (*c)->args);
		/* a usage too long for its column has the line to itself */
		if (strlen(usage) > 34)
			out_printf(s->o, "  %s\n  %-34s %s\n", usage, "", (*c)->help);
		else
			out_printf(s->o, "  %-34s %s\n", usage, (*c)->help);
		cJSON_AddItemToArray(arr, cJSON_CreateString((*c)->name));
	}
	return CMD_OK;
}

const cmd_entry cmd_help_entry = {
	"help", "?", "[COMMAND]", "list the commands, or explain one", 0, 1, help_exec,
};

static int quit_exec(session *s, int argc, char **argv, mrs_error *err)
{
	s->quit = true;
	return CMD_OK;
}

const cmd_entry cmd_quit_entry = {
	"quit", "q", "", "leave (the explorer, the shell, or the rest of a batch script)", 0, 0,
	quit_exec,
};
