/* cmd-stage.c: `stage [NAME|N]`, `next`, `prev`: step through the pipeline. */
#include <stdlib.h>

#include "report.h"

/* The stage table with counts: the result of `stage` without an argument. */
static void stage_list(session *s, cJSON *res)
{
	cJSON *arr = cJSON_AddArrayToObject(res, "stages");
	for (int st = 0; st < MRS_N_STAGES; st++) {
		const mrs_stage_info *si = mrs_stage_info_get(st);
		const mrs_stage_stats *ss = mrs_request_stage(s->req, st);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", si->name);
		cJSON_AddStringToObject(o, "title", si->title);
		cJSON_AddNumberToObject(o, "in", ss->in);
		cJSON_AddNumberToObject(o, "out", ss->out);
		if (st == s->stage)
			cJSON_AddBoolToObject(o, "current", true);
		cJSON_AddItemToArray(arr, o);
	}
}

static int stage_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return -1;
	const char *name = cmd_word(a, "STAGE");
	if (!name) {
		stage_list(s, res);
		return 0;
	}
	int st = mrs_stage_by_name(name);
	if (st < 0) {
		char *end;
		long v = strtol(name, &end, 10);
		if (*name && !*end && v >= 1 && v <= MRS_N_STAGES)
			st = (int)v - 1;
	}
	if (st < 0)
		return mrs_fail(err, MRS_ERR_REFUSED, "no stage '%s' (1 .. %d, or a name such as %s)",
				name, MRS_N_STAGES, mrs_stage_info_get(MRS_STAGE_FUSION)->name);
	s->stage = st;
	return report_stage(s, s->stage, 20, res, err);
}

static void stage_text(out *o, const cJSON *r)
{
	const cJSON *stages = res_get(r, "stages"), *x;
	if (!stages) {
		report_stage_text(o, r);
		return;
	}
	int k = 0;
	cJSON_ArrayForEach(x, stages)
		out_printf(o, "%s%2d %-15s %-22s in %5u  out %5u\n", res_bool(x, "current") ? ">" : " ",
			   ++k, res_str(x, "name"), res_str(x, "title"), res_u32(x, "in"),
			   res_u32(x, "out"));
}

static int step(session *s, int delta, cJSON *res, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return -1;
	int st = s->stage + delta;
	if (st < 0 || st >= MRS_N_STAGES)
		return mrs_fail(err, MRS_ERR_REFUSED, "already at the %s stage",
				delta < 0 ? "first" : "last");
	s->stage = st;
	return report_stage(s, s->stage, 20, res, err);
}

static int next_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	return step(s, +1, res, err);
}

static int prev_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	return step(s, -1, res, err);
}

static const cmd_arg stage_args[] = {
	{"STAGE", .type = CMD_WORD, .flags = CMD_OPTIONAL, .value = "NAME|N",
	 .help = "a stage's name (hydrate, ..., select) or number (1 .. 14)"},
	{NULL},
};

const cmd_entry cmd_stage_entry = {
	"stage", NULL, "list the stages with counts, or show one stage", stage_args, CMD_SESSION,
	stage_exec, stage_text, NULL,
};
const cmd_entry cmd_next_entry = {
	"next", "n", "show the next stage", NULL, CMD_SESSION, next_exec, report_stage_text, NULL,
};
const cmd_entry cmd_prev_entry = {
	"prev", "p", "show the previous stage", NULL, CMD_SESSION, prev_exec, report_stage_text, NULL,
};
