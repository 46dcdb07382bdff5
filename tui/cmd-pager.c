/* cmd-pager.c: `pager [COMMAND...]` shows a command's output (or the last one) in the
 * explorer's pager; `pager close`; `scroll WHERE` moves through it. */
#include <string.h>

#include "ui.h"

static int pager_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	if (a->n_rest == 1 && strcmp(a->rest[0], "close") == 0) {
		ui_pager_close(u);
		return 0;
	}
	if (!a->n_rest) {
		/* the last output: kept, since this command prints nothing */
		if (!u->pager_n)
			return mrs_fail(err, MRS_ERR_REFUSED, "no output to show yet");
		u->reopen_pager = true;
		return 0;
	}
	u->want_pager = true;
	return cmd_run_argv(s, a->n_rest, a->rest, res, err) == CMD_OK ? 0 : -1;
}

static int scroll_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)res;
	static const char *const names[] = {"up", "down", "pageup", "pagedown", "top", "bottom"};
	static const int actions[] = {VA_UP, VA_DOWN, VA_PGUP, VA_PGDN, VA_TOP, VA_BOTTOM};
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	const char *where = cmd_word(a, "WHERE");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(where, names[i]) == 0) {
			ui_pager_scroll(u, actions[i]);
			return 0;
		}
	return mrs_fail(err, MRS_ERR_USAGE, "scroll: up, down, pageup, pagedown, top or bottom");
}

static const cmd_arg pager_args[] = {
	{"COMMAND", .type = CMD_WORD, .flags = CMD_OPTIONAL | CMD_REST | CMD_RAW,
	 .value = "close | COMMAND...",
	 .help = "a command whose output to show, or close (none: the last output)"},
	{NULL},
};

static const cmd_arg scroll_args[] = {
	{"WHERE", .type = CMD_WORD, .value = "up|down|pageup|pagedown|top|bottom",
	 .help = "how far"},
	{NULL},
};

const cmd_entry cmd_pager_entry = {
	"pager", NULL,
	"explorer: show the output of COMMAND (or of the last command) in the pager, or close it",
	pager_args, CMD_SESSION | CMD_EXPLORER, pager_exec, NULL, NULL,
};
const cmd_entry cmd_scroll_entry = {
	"scroll", NULL, "explorer: scroll the pager", scroll_args, CMD_SESSION | CMD_EXPLORER,
	scroll_exec, NULL, NULL,
};
