/* cmd-find.c: `find [QUERY]` and `sort [KEY]`: the account picker's search and order. */
#include "ui.h"

static int find_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)res;
	ui *u = ui_of(s, err);
	if (!u || view_accounts_find(u, cmd_word(a, "QUERY"), err))
		return -1;
	ui_show(u, V_ACCOUNTS);
	return 0;
}

static int sort_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)res;
	ui *u = ui_of(s, err);
	if (!u || view_accounts_sort(u, cmd_word(a, "KEY"), err))
		return -1;
	ui_show(u, V_ACCOUNTS);
	return 0;
}

static const cmd_arg find_args[] = {
	{"QUERY", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "an id, part of a handle, or an interest (none: every account)"},
	{NULL},
};

static const cmd_arg sort_args[] = {
	{"KEY", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .value = "followers|following|tweets|activity|id", .help = "the order (none: the next one)"},
	{NULL},
};

const cmd_entry cmd_find_entry = {
	"find", NULL,
	"explorer: show the accounts matching an id, part of a handle or an interest (all when "
	"no QUERY)",
	find_args, CMD_SESSION | CMD_EXPLORER, find_exec, NULL, NULL,
};
const cmd_entry cmd_sort_entry = {
	"sort", NULL, "explorer: order the account picker (no KEY: the next order)", sort_args,
	CMD_SESSION | CMD_EXPLORER, sort_exec, NULL, NULL,
};
