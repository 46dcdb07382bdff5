/* cmd-pager.c: `pager [COMMAND...]` shows a command's output (or the last one) in the
 * explorer's pager; `pager close`; `scroll WHERE` moves through it. */
#include <string.h>

#include "ui.h"

static int pager_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	if (argc == 2 && strcmp(argv[1], "close") == 0) {
		ui_pager_close(u);
		return CMD_OK;
	}
	if (argc == 1) {
		/* the last output: kept, since this command prints nothing */
		if (!u->pager_n) {
			mrs_fail(err, MRS_ERR_REFUSED, "no output to show yet");
			return CMD_FAIL;
		}
		u->reopen_pager = true;
		return CMD_OK;
	}
	u->want_pager = true;
	return cmd_run_argv(s, argc - 1, argv + 1, err);
}

static int scroll_exec(session *s, int argc, char **argv, mrs_error *err)
{
	static const char *const names[] = {"up", "down", "pageup", "pagedown", "top", "bottom"};
	static const int actions[] = {VA_UP, VA_DOWN, VA_PGUP, VA_PGDN, VA_TOP, VA_BOTTOM};
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(argv[1], names[i]) == 0) {
			ui_pager_scroll(u, actions[i]);
			return CMD_OK;
		}
	mrs_fail(err, MRS_ERR_USAGE, "scroll: up, down, pageup, pagedown, top or bottom");
	return CMD_USAGE;
}

const cmd_entry cmd_pager_entry = {
	"pager", NULL, "[close | COMMAND...]",
	"explorer: show the output of COMMAND (or of the last command) in the pager, or close it",
	0, -1, pager_exec,
};
const cmd_entry cmd_scroll_entry = {
	"scroll", NULL, "up|down|pageup|pagedown|top|bottom", "explorer: scroll the pager", 1, 1,
	scroll_exec,
};
