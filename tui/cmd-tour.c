/* cmd-tour.c: `tour [start|next|prev|stop|STEP]`: the guided tour through every stage,
 * each step saying what the stage does and which published component it mirrors. */
#include <string.h>

#include "report.h"
#include "tour.h"

static int show_step(session *s, cJSON *res, mrs_error *err)
{
	const tour_step *st = &s->tour->steps[s->tour_pos];
	int stage = tour_step_stage(st);
	cJSON_AddNumberToObject(res, "step", s->tour_pos + 1);
	cJSON_AddNumberToObject(res, "steps", s->tour->n);
	cJSON_AddStringToObject(res, "name", st->name);
	cJSON_AddStringToObject(res, "title",
				stage >= 0 ? mrs_stage_info_get(stage)->title : "Introduction");
	cJSON_AddStringToObject(res, "mirrors", st->mirrors);
	cJSON_AddStringToObject(res, "text", st->text);
	cJSON_AddStringToObject(res, "look", st->look);
	if (stage < 0)
		return 0;
	s->stage = stage;
	if (!s->req || !s->has_user)
		return 0;
	return report_stage(s, stage, 10, cJSON_AddObjectToObject(res, "stage"), err);
}

static void tour_text(out *o, const cJSON *r)
{
	if (res_bool(r, "stopped")) {
		out_printf(o, "tour stopped\n");
		return;
	}
	out_printf(o, "tour %u/%u: %s\n", res_u32(r, "step"), res_u32(r, "steps"),
		   res_str(r, "title"));
	/* wrapped in text; the explorer wraps them to its own width */
	char mirrors[1024], look[1024];
	snprintf(mirrors, sizeof mirrors, "mirrors: %s", res_str(r, "mirrors"));
	snprintf(look, sizeof look, "look at: %s", res_str(r, "look"));
	out_wrap(o, "  ", mirrors, 80);
	out_printf(o, "\n");
	out_wrap(o, "", res_str(r, "text"), 80);
	out_printf(o, "\n");
	out_wrap(o, "  ", look, 80);
	if (res_has(r, "stage")) {
		out_printf(o, "\n");
		report_stage_text(o, res_get(r, "stage"));
	}
}

static int tour_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *what = cmd_word(a, "STEP");
	if (!what)
		what = s->tour_pos < 0 ? "start" : "next";
	if (!s->tour && !(s->tour = tour_load(NULL, err)))
		return -1;
	if (strcmp(what, "stop") == 0) {
		s->tour_pos = -1;
		cJSON_AddBoolToObject(res, "stopped", true);
		return 0;
	}
	int pos;
	if (strcmp(what, "start") == 0) {
		pos = 0;
	} else if (strcmp(what, "next") == 0 || strcmp(what, "prev") == 0) {
		pos = s->tour_pos + (what[0] == 'n' ? 1 : -1);
		if (s->tour_pos < 0)
			pos = 0;
		if (pos < 0 || pos >= s->tour->n)
			return mrs_fail(err, MRS_ERR_REFUSED,
					"the tour has no %s step (`tour stop` ends it)",
					what[0] == 'n' ? "next" : "previous");
	} else {
		const tour_step *st = tour_find(s->tour, what);
		if (!st)
			return mrs_fail(err, MRS_ERR_REFUSED,
					"no tour step '%s' (steps are named after stages)", what);
		pos = (int)(st - s->tour->steps);
	}
	s->tour_pos = pos;
	return show_step(s, res, err);
}

static const cmd_arg tour_args[] = {
	{"STEP", .type = CMD_WORD, .flags = CMD_OPTIONAL, .value = "start|next|prev|stop|STEP",
	 .help = "start, next, prev, stop, or a step's name (a stage, or intro); else the next"},
	{NULL},
};

const cmd_entry cmd_tour_entry = {
	"tour", NULL,
	"the guided tour: each stage, the published component it mirrors, what to look at",
	tour_args, CMD_SESSION, tour_exec, tour_text, NULL,
};
