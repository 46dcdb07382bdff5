/* cmd-screen.c: `screen [NAME|next|prev]` switches the explorer's screen; `redraw`
 * repaints the terminal. */
#include <string.h>

#include "ui.h"

static int screen_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	if (argc == 1) {
		for (int v = 0; v < V_N; v++) {
			const view_ops *o = u->views[v].ops;
			out_printf(s->o, "%s%-11s %s\n", v == u->cur ? "*" : " ", o->name, o->title);
		}
		return CMD_OK;
	}
	int v = -1;
	if (strcmp(argv[1], "next") == 0 || strcmp(argv[1], "prev") == 0) {
		/* the tabs: every screen but the first-run one */
		int d = argv[1][0] == 'n' ? 1 : V_HELP;
		v = u->cur >= V_HELP + 1 ? 0 : (u->cur + d) % (V_HELP + 1);
	} else {
		v = ui_screen_by_name(argv[1]);
	}
	if (v < 0) {
		mrs_fail(err, MRS_ERR_USAGE,
			 "no screen '%s' (accounts, pipeline, candidates, scores, safety, timeline, "
			 "weights, eval, help, next, prev)",
			 argv[1]);
		return CMD_USAGE;
	}
	ui_show(u, v);
	return CMD_OK;
}

static int redraw_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	u->redraw_all = true;
	return CMD_OK;
}

const cmd_entry cmd_screen_entry = {
	"screen", NULL, "[NAME|next|prev]",
	"explorer: switch to a screen (accounts, pipeline, candidates, scores, safety, timeline, "
	"weights, eval, help), or list them",
	0, 1, screen_exec,
};
const cmd_entry cmd_redraw_entry = {
	"redraw", NULL, "", "explorer: repaint the whole terminal", 0, 0, redraw_exec,
};
