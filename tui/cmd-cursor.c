/* cmd-cursor.c: `cursor WHERE` moves the current screen's cursor; `select` is Enter: the
 * screen's main action on the row under the cursor. */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

static const struct {
	const char *name;
	int action;
} moves[] = {
	{"up", VA_UP},		 {"down", VA_DOWN}, {"pageup", VA_PGUP}, {"pagedown", VA_PGDN},
	{"top", VA_TOP},	 {"bottom", VA_BOTTOM}, {"left", VA_LEFT}, {"right", VA_RIGHT},
};

/* Hands an action to the current view. */
static int act(ui *u, int action, long arg, mrs_error *err)
{
	view *v = &u->views[u->cur];
	if (v->gen != u->gen && v->ops->update) {
		v->ops->update(v, u); /* the cursor moves over what the screen shows now */
		v->gen = u->gen;
	}
	if (!v->ops->key)
		return VIEW_UNHANDLED;
	return v->ops->key(v, u, action, arg, err);
}

static int cursor_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	int action = 0;
	long arg = 0;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(argv[1], moves[i].name) == 0)
			action = moves[i].action;
	if (!action) {
		char *end;
		arg = strtol(argv[1], &end, 10);
		if (!*argv[1] || *end || arg < 1) {
			mrs_fail(err, MRS_ERR_USAGE,
				 "cursor: up, down, pageup, pagedown, top, bottom, left, right or a row "
				 "number");
			return CMD_USAGE;
		}
		action = VA_GOTO;
	}
	return act(u, action, arg, err) < 0 ? CMD_FAIL : CMD_OK;
}

static int select_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	int r = act(u, VA_SELECT, 0, err);
	if (r == VIEW_UNHANDLED) {
		mrs_fail(err, MRS_ERR_REFUSED, "nothing to select on the %s screen",
			 u->views[u->cur].ops->name);
		return CMD_FAIL;
	}
	return r < 0 ? CMD_FAIL : CMD_OK;
}

const cmd_entry cmd_cursor_entry = {
	"cursor", NULL, "up|down|pageup|pagedown|top|bottom|left|right|N",
	"explorer: move the cursor on the current screen (left/right: the screen's other axis, "
	"such as the source tab)",
	1, 1, cursor_exec,
};
const cmd_entry cmd_select_entry = {
	"select", NULL, "",
	"explorer: the current screen's action on the row under the cursor (pick the account, "
	"open the stage, explain the tweet, edit the tunable)",
	0, 0, select_exec,
};
