/* cmd-export.c: `export trace FILE`: the whole trace of the current request as JSON
 * (FILE "-": the command's own output). */
#include <string.h>

#include "report.h"

static int export_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (strcmp(argv[1], "trace") != 0) {
		mrs_fail(err, MRS_ERR_USAGE, "export: what? (`export trace FILE`)");
		return CMD_USAGE;
	}
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	cJSON *t = mrs_request_to_json(s->req, &s->cfg);
	char *text = t ? cJSON_Print(t) : NULL;
	cJSON_Delete(t);
	if (!text) {
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory formatting the trace");
		return CMD_FAIL;
	}
	int rc = cmd_write(s, argv[2], text, "trace", err);
	cJSON_free(text);
	if (rc)
		return cmd_status(err);
	if (strcmp(argv[2], "-") == 0)
		return CMD_OK; /* the trace itself is the output */
	uint32_t n;
	mrs_request_candidates(s->req, &n);
	out_printf(s->o, "wrote the trace of %u candidates to %s\n", n, argv[2]);
	cJSON_AddStringToObject(out_json(s->o), "written", argv[2]);
	return CMD_OK;
}

const cmd_entry cmd_export_entry = {
	"export", NULL, "trace FILE",
	"write the whole trace of the current request as JSON (docs/trace.md)", 2, 2, export_exec,
};
