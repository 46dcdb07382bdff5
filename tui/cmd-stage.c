/* cmd-stage.c: `stage [NAME|N]`, `next`, `prev`: step through the pipeline. */
#include <stdlib.h>

#include "report.h"

static int stage_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	if (argc == 2) {
		int st = mrs_stage_by_name(argv[1]);
		if (st < 0) {
			char *end;
			long v = strtol(argv[1], &end, 10);
			if (*argv[1] && !*end && v >= 1 && v <= MRS_N_STAGES)
				st = (int)v - 1;
		}
		if (st < 0) {
			mrs_fail(err, MRS_ERR_REFUSED, "no stage '%s' (1 .. %d, or a name such as %s)",
				 argv[1], MRS_N_STAGES, mrs_stage_info_get(MRS_STAGE_FUSION)->name);
			return CMD_FAIL;
		}
		s->stage = st;
	} else if (argc == 1) {
		/* no argument: the stage list with counts */
		cJSON *arr = cJSON_AddArrayToObject(out_json(s->o), "stages");
		for (int st = 0; st < MRS_N_STAGES; st++) {
			const mrs_stage_info *si = mrs_stage_info_get(st);
			const mrs_stage_stats *ss = mrs_request_stage(s->req, st);
			out_printf(s->o, "%s%2d %-15s %-22s in %5u  out %5u\n",
				   st == s->stage ? ">" : " ", st + 1, si->name, si->title, ss->in, ss->out);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", si->name);
			cJSON_AddNumberToObject(o, "in", ss->in);
			cJSON_AddNumberToObject(o, "out", ss->out);
			cJSON_AddItemToArray(arr, o);
		}
		return CMD_OK;
	}
	report_stage(s, s->stage, 20);
	return CMD_OK;
}

static int step(session *s, int delta, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	int st = s->stage + delta;
	if (st < 0 || st >= MRS_N_STAGES) {
		mrs_fail(err, MRS_ERR_REFUSED, "already at the %s stage", delta < 0 ? "first" : "last");
		return CMD_FAIL;
	}
	s->stage = st;
	report_stage(s, s->stage, 20);
	return CMD_OK;
}

static int next_exec(session *s, int argc, char **argv, mrs_error *err)
{
	return step(s, +1, err);
}

static int prev_exec(session *s, int argc, char **argv, mrs_error *err)
{
	return step(s, -1, err);
}

const cmd_entry cmd_stage_entry = {
	"stage", NULL, "[NAME|N]", "list the stages with counts, or show one stage", 0, 1,
	stage_exec,
};
const cmd_entry cmd_next_entry = {
	"next", "n", "", "show the next stage", 0, 0, next_exec,
};
const cmd_entry cmd_prev_entry = {
	"prev", "p", "", "show the previous stage", 0, 0, prev_exec,
};
