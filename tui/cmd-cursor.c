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

static int cursor_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)res;
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	const char *where = cmd_word(a, "WHERE");
	int action = 0;
	long arg = 0;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(where, moves[i].name) == 0)
			action = moves[i].action;
	if (!action) {
		char *end;
		arg = strtol(where, &end, 10);
		if (!*where || *end || arg < 1)
			return mrs_fail(err, MRS_ERR_USAGE,
					"cursor: up, down, pageup, pagedown, top, bottom, left, right or "
					"a row number");
		action = VA_GOTO;
	}
	return act(u, action, arg, err) < 0 ? -1 : 0;
}

static int select_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a, (void)res;
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	int r = act(u, VA_SELECT, 0, err);
	if (r == VIEW_UNHANDLED)
		return mrs_fail(err, MRS_ERR_REFUSED, "nothing to select on the %s screen",
				u->views[u->cur].ops->name);
	return r < 0 ? -1 : 0;
}

static const cmd_arg cursor_args[] = {
	{"WHERE", .type = CMD_WORD, .value = "up|down|pageup|pagedown|top|bottom|left|right|N",
	 .help = "a move, or a row number"},
	{NULL},
};

const cmd_entry cmd_cursor_entry = {
	"cursor", NULL,
	"explorer: move the cursor on the current screen (left/right: the screen's other axis, "
	"such as the source tab)",
	cursor_args, CMD_SESSION | CMD_EXPLORER, cursor_exec, NULL, NULL,
};
const cmd_entry cmd_select_entry = {
	"select", NULL,
	"explorer: the current screen's action on the row under the cursor (pick the account, "
	"open the stage, explain the tweet, edit the tunable)",
	NULL, CMD_SESSION | CMD_EXPLORER, select_exec, NULL, NULL,
};
