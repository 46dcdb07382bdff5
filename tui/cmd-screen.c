/* cmd-screen.c: `screen [NAME|next|prev]` switches the explorer's screen; `redraw`
 * repaints the terminal. */
#include <string.h>

#include "ui.h"

static int screen_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	const char *name = cmd_word(a, "NAME");
	if (!name) {
		cJSON *arr = cJSON_AddArrayToObject(res, "screens");
		for (int v = 0; v < V_N; v++) {
			const view_ops *o = u->views[v].ops;
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "name", o->name);
			cJSON_AddStringToObject(x, "title", o->title);
			cJSON_AddBoolToObject(x, "current", v == u->cur);
			cJSON_AddItemToArray(arr, x);
		}
		return 0;
	}
	int v = -1;
	if (strcmp(name, "next") == 0 || strcmp(name, "prev") == 0) {
		/* the tabs: every screen but the first-run one */
		int d = name[0] == 'n' ? 1 : V_HELP;
		v = u->cur >= V_HELP + 1 ? 0 : (u->cur + d) % (V_HELP + 1);
	} else {
		v = ui_screen_by_name(name);
	}
	if (v < 0)
		return mrs_fail(err, MRS_ERR_USAGE,
				"no screen '%s' (accounts, pipeline, candidates, scores, safety, "
				"timeline, weights, eval, help, next, prev)",
				name);
	ui_show(u, v);
	return 0;
}

static void screen_text(out *o, const cJSON *r)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, res_get(r, "screens"))
		out_printf(o, "%s%-11s %s\n", res_bool(x, "current") ? "*" : " ", res_str(x, "name"),
			   res_str(x, "title"));
}

static int redraw_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a, (void)res;
	ui *u = ui_of(s, err);
	if (!u)
		return -1;
	u->redraw_all = true;
	return 0;
}

static const cmd_arg screen_args[] = {
	{"NAME", .type = CMD_WORD, .flags = CMD_OPTIONAL, .value = "NAME|next|prev",
	 .help = "a screen, or the next or previous tab (none: list them)"},
	{NULL},
};

const cmd_entry cmd_screen_entry = {
	"screen", NULL,
	"explorer: switch to a screen (accounts, pipeline, candidates, scores, safety, timeline, "
	"weights, eval, help), or list them",
	screen_args, CMD_SESSION | CMD_EXPLORER, screen_exec, screen_text, NULL,
};
const cmd_entry cmd_redraw_entry = {
	"redraw", NULL, "explorer: repaint the whole terminal", NULL, CMD_SESSION | CMD_EXPLORER,
	redraw_exec, NULL, NULL,
};
