/* cmd-undo.c: `undo`: back to the configuration before the last change (again: redo). */
#include <string.h>

#include "report.h"

static int undo_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	if (!s->has_prev_cfg)
		return mrs_fail(err, MRS_ERR_REFUSED,
				"nothing to undo: no setting or preset has changed");
	mrs_config now = s->cfg, back = s->prev_cfg;
	if (session_set_config(s, &back, err))
		return -1;
	cJSON *names = cJSON_AddArrayToObject(res, "changed");
	cJSON *before = cJSON_AddObjectToObject(res, "before");
	cJSON *after = cJSON_AddObjectToObject(res, "after");
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		char x[64], y[64];
		mrs_config_get(&now, *p, x, sizeof x);
		mrs_config_get(&s->cfg, *p, y, sizeof y);
		if (strcmp(x, y) == 0)
			continue;
		cJSON_AddItemToArray(names, cJSON_CreateString(*p));
		cJSON_AddStringToObject(before, *p, x);
		cJSON_AddStringToObject(after, *p, y);
	}
	return 0;
}

static void undo_text(out *o, const cJSON *r)
{
	const cJSON *name;
	int k = 0;
	cJSON_ArrayForEach(name, res_get(r, "changed"))
		out_printf(o, "%s%s: %s -> %s", k++ ? "; " : "undo: ", name->valuestring,
			   res_str(res_get(r, "before"), name->valuestring),
			   res_str(res_get(r, "after"), name->valuestring));
	out_printf(o, k ? "\n" : "undo: no setting differs\n");
}

const cmd_entry cmd_undo_entry = {
	"undo", NULL, "back to the configuration before the last change (undo again: redo)", NULL,
	CMD_SESSION, undo_exec, undo_text, NULL,
};
