/* cmd-tour.c: `tour [start|next|prev|stop|STEP]`: the guided tour through every stage,
 * each step saying what the stage does and which published component it mirrors. */
#include <string.h>

#include "report.h"
#include "tour.h"

static void show_step(session *s)
{
	const tour_step *st = &s->tour->steps[s->tour_pos];
	int stage = tour_step_stage(st);
	out_printf(s->o, "tour %d/%d: %s\n", s->tour_pos + 1, s->tour->n,
		   stage >= 0 ? mrs_stage_info_get(stage)->title : "Introduction");
	/* wrapped in text; the explorer wraps them to its own width */
	char mirrors[1024], look[1024];
	snprintf(mirrors, sizeof mirrors, "mirrors: %s", st->mirrors);
	snprintf(look, sizeof look, "look at: %s", st->look);
	out_wrap(s->o, "  ", mirrors, 80);
	out_printf(s->o, "\n");
	out_wrap(s->o, "", st->text, 80);
	out_printf(s->o, "\n");
	out_wrap(s->o, "  ", look, 80);
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "step", s->tour_pos + 1);
	cJSON_AddNumberToObject(j, "steps", s->tour->n);
	cJSON_AddStringToObject(j, "name", st->name);
	cJSON_AddStringToObject(j, "mirrors", st->mirrors);
	cJSON_AddStringToObject(j, "text", st->text);
	cJSON_AddStringToObject(j, "look", st->look);
	if (stage >= 0) {
		s->stage = stage;
		if (s->req && s->has_user) {
			out_printf(s->o, "\n");
			cJSON *keep = s->o->result;
			s->o->result = NULL;
			report_stage(s, stage, 10);
			cJSON_AddItemToObject(keep, "stage", s->o->result);
			s->o->result = keep;
		}
	}
}

static int tour_exec(session *s, int argc, char **argv, mrs_error *err)
{
	const char *what = argc == 2 ? argv[1] : (s->tour_pos < 0 ? "start" : "next");
	if (!s->tour && !(s->tour = tour_load(NULL, err)))
		return CMD_USAGE;
	if (strcmp(what, "stop") == 0) {
		s->tour_pos = -1;
		out_printf(s->o, "tour stopped\n");
		return CMD_OK;
	}
	int pos;
	if (strcmp(what, "start") == 0) {
		pos = 0;
	} else if (strcmp(what, "next") == 0 || strcmp(what, "prev") == 0) {
		pos = s->tour_pos + (what[0] == 'n' ? 1 : -1);
		if (s->tour_pos < 0)
			pos = 0;
		if (pos < 0 || pos >= s->tour->n) {
			mrs_fail(err, MRS_ERR_REFUSED, "the tour has no %s step (`tour stop` ends it)",
				 what[0] == 'n' ? "next" : "previous");
			return CMD_FAIL;
		}
	} else {
		const tour_step *st = tour_find(s->tour, what);
		if (!st) {
			mrs_fail(err, MRS_ERR_REFUSED, "no tour step '%s' (steps are named after stages)", what);
			return CMD_FAIL;
		}
		pos = (int)(st - s->tour->steps);
	}
	s->tour_pos = pos;
	show_step(s);
	return CMD_OK;
}

const cmd_entry cmd_tour_entry = {
	"tour", NULL, "[start|next|prev|stop|STEP]",
	"the guided tour: each stage, the published component it mirrors, what to look at", 0, 1,
	tour_exec,
};
