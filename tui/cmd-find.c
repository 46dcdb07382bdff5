/* cmd-find.c: `find [QUERY]` and `sort [KEY]`: the account picker's search and order. */
#include "ui.h"

static int find_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	if (view_accounts_find(u, argc == 2 ? argv[1] : NULL, err))
		return CMD_FAIL;
	ui_show(u, V_ACCOUNTS);
	return CMD_OK;
}

static int sort_exec(session *s, int argc, char **argv, mrs_error *err)
{
	ui *u = ui_of(s, err);
	if (!u)
		return CMD_USAGE;
	if (view_accounts_sort(u, argc == 2 ? argv[1] : NULL, err))
		return CMD_USAGE;
	ui_show(u, V_ACCOUNTS);
	return CMD_OK;
}

const cmd_entry cmd_find_entry = {
	"find", NULL, "[QUERY]",
	"explorer: show the accounts matching an id, part of a handle or an interest (all when "
	"no QUERY)",
	0, 1, find_exec,
};
const cmd_entry cmd_sort_entry = {
	"sort", NULL, "[followers|following|tweets|activity|id]",
	"explorer: order the account picker (no KEY: the next order)", 0, 1, sort_exec,
};
