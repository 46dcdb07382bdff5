/* cmd-undo.c: `undo`: back to the configuration before the last change (again: redo). */
#include <string.h>

#include "report.h"

static int undo_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (!s->has_prev_cfg) {
		mrs_fail(err, MRS_ERR_REFUSED, "nothing to undo: no setting or preset has changed");
		return CMD_FAIL;
	}
	mrs_config now = s->cfg, back = s->prev_cfg;
	if (session_set_config(s, &back, err))
		return cmd_status(err);
	cJSON *arr = cJSON_AddArrayToObject(out_json(s->o), "changed");
	unsigned changed = 0;
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		char a[64], b[64];
		mrs_config_get(&now, *p, a, sizeof a);
		mrs_config_get(&s->cfg, *p, b, sizeof b);
		if (strcmp(a, b) == 0)
			continue;
		out_printf(s->o, "%s%s: %s -> %s", changed++ ? "; " : "undo: ", *p, a, b);
		cJSON_AddItemToArray(arr, cJSON_CreateString(*p));
	}
	out_printf(s->o, changed ? "\n" : "undo: no setting differs\n");
	return CMD_OK;
}

const cmd_entry cmd_undo_entry = {
	"undo", NULL, "", "back to the configuration before the last change (undo again: redo)",
	0, 0, undo_exec,
};
