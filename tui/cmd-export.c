/* cmd-export.c: `export trace FILE [USER]`: the whole trace of the current request (or of
 * USER's, chosen as `user` does) as JSON (FILE "-": the command's own output). */
#include <string.h>

#include "report.h"

static const char *const things[] = {"trace", NULL};

static int export_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *path = cmd_word(a, "FILE"), *who = cmd_word(a, "USER");
	if (!who && s->once) /* no account is chosen before a command run once */
		return cmd_usage_error(a->entry, true, err);
	uint32_t u;
	if (who && (session_user_arg(s, who, &u, err) || session_set_user(s, u, err)))
		return -1;
	if (cmd_need_user(s, err))
		return -1;
	cJSON *t = mrs_request_to_json(s->req, &s->cfg);
	if (cmd_write(path, t, res, "trace", err))
		return -1;
	if (strcmp(path, "-") == 0)
		return 0; /* the trace itself is the output */
	uint32_t n;
	mrs_request_candidates(s->req, &n);
	cJSON_AddStringToObject(res, "written", path);
	cJSON_AddNumberToObject(res, "candidates", n);
	return 0;
}

static void export_text(out *o, const cJSON *r)
{
	if (res_has(r, "trace"))
		out_json_doc(o, res_get(r, "trace"));
	else
		out_printf(o, "wrote the trace of %u candidates to %s\n", res_u32(r, "candidates"),
			   res_str(r, "written"));
}

static const cmd_arg export_args[] = {
	{"KIND", .type = CMD_CHOICE, .what = "kind", .choices = things,
	 .help = "what to write: the trace (docs/trace.md)"},
	{"FILE", .type = CMD_WORD, .help = "a JSON file, or - for the command's own output"},
	{"USER", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "the account, chosen as `user` does (else the current one)"},
	{NULL},
};

const cmd_entry cmd_export_entry = {
	"export", NULL,
	"write the whole trace of the current request (or USER's) as JSON (docs/trace.md)",
	export_args, CMD_ANYWHERE, export_exec, export_text, NULL,
};
