/* cmd-prompt.c: `prompt [TEXT]`: opens the explorer's command line with TEXT typed. */
#include "ui.h"

static int prompt_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)res;
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	const char *text = cmd_word(a, "TEXT");
	ui_prompt_open(u, text ? text : "");
	return 0;
}

static const cmd_arg prompt_args[] = {
	{"TEXT", .type = CMD_WORD, .flags = CMD_OPTIONAL, .help = "what to type at the start"},
	{NULL},
};

const cmd_entry cmd_prompt_entry = {
	"prompt", NULL, "explorer: open the command line, with TEXT already typed", prompt_args,
	CMD_SESSION | CMD_EXPLORER, prompt_exec, NULL, NULL,
};
