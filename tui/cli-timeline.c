/* cli-timeline.c: `minirecsys timeline USER [--preset P] [--weights FILE] [-n N] [--json]`. */
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "text.h"

int cli_timeline(const cli_opts *o, int argc, char **argv)
{
	const char *user = NULL, *preset = NULL, *weights = NULL;
	uint32_t n = 10;
	bool json = o->json;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--preset") == 0 || strcmp(a, "--weights") == 0) {
			if (!v)
				return cli_usage_error("%s needs a value", a);
			*(a[2] == 'p' ? &preset : &weights) = v;
			i++;
		} else if (strcmp(a, "-n") == 0) {
			if (cli_parse_u32(a, v, 1, 100000, &n))
				return EXIT_USAGE;
			i++;
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("timeline: unknown option '%s'", a);
		} else if (!user) {
			user = a;
		} else {
			return cli_usage_error("timeline: one user at a time ('%s' is extra)", a);
		}
	}
	if (!user)
		return cli_usage_error("usage: minirecsys timeline USER [--preset P] [--weights FILE] [-n N] [--json]");
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	out sink;
	out_init(&sink, json ? OUT_KEEP : OUT_TEXT, stdout);
	session s;
	session_init(&s, o, &sink, &prog);
	mrs_error err = {0};
	int rc = EXIT_OK;
	uint32_t u;
	if ((preset && mrs_config_preset(&s.cfg, preset, &err)) ||
	    (weights && mrs_config_load(&s.cfg, weights, &err)) ||
	    session_user_arg(&s, user, &u, &err) || session_set_user(&s, u, &err)) {
		cli_progress_done(&cp);
		rc = cli_error(&err);
		goto out;
	}
	cli_progress_done(&cp);
	if (json) {
		/* the full trace (docs/trace.md) */
		cJSON *t = mrs_request_to_json(s.req, &s.cfg);
		rc = text_json_print(t, true, stdout) ? EXIT_FAILED : EXIT_OK;
		cJSON_Delete(t);
		goto out;
	}
	for (int m = 0; m < MRS_N_MODELS; m++) {
		const mrs_model_status *ms = mrs_engine_status(s.engine, (mrs_model_id)m);
		if (!ms->loaded)
			text_printf(stdout, "note: %s falls back: %s\n",
				    mrs_model_name((mrs_model_id)m), ms->note);
	}
	report_timeline(&s, n);
out:
	session_free(&s);
	out_free(&sink);
	return rc;
}
