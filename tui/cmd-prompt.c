/* cmd-prompt.c: `prompt [TEXT]`: opens the explorer's command line with TEXT typed. */
#include "ui.h"

static int prompt_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	ui_prompt_open(u, argc == 2 ? argv[1] : "");
	return CMD_OK;
}

const cmd_entry cmd_prompt_entry = {
	"prompt", NULL, "[TEXT]", "explorer: open the command line, with TEXT already typed", 0, 1,
	prompt_exec,
};
