/* cmd-export.c: `export trace FILE`: the whole trace of the current request as JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", argv[2], (long)getpid());
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	int e = errno;
	if (f && fclose(f) != 0)
		ok = false;
	cJSON_free(text);
	if (!ok || rename(tmp, argv[2]) != 0) {
		e = e ? e : errno;
		unlink(tmp);
		mrs_fail(err, MRS_ERR_IO, "%s: cannot write: %s", argv[2], strerror(e));
		return cmd_status(err);
	}
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
