/* cmd-nudge.c: `nudge [NAME] up|down`: steps a numeric tunable by about a tenth of its
 * value (the weights screen's + and - keys), then re-ranks as `set` does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The largest of 1, 2 or 5 times a power of ten that is at most x (x > 0). */
static double nice_step(double x)
{
	double p = pow(10, floor(log10(x)));
	return x >= 5 * p ? 5 * p : x >= 2 * p ? 2 * p : p;
}

/* Is the tunable a whole number? Only whole values are accepted on either side. */
static bool whole_only(const mrs_config *cfg, const char *path, double v, const char *text)
{
	if (strpbrk(text, ".eE"))
		return false;
	mrs_config probe = *cfg;
	char a[64], b[64];
	snprintf(a, sizeof a, "%.1f", v + 0.5);
	snprintf(b, sizeof b, "%.1f", v - 0.5);
	return mrs_config_set(&probe, path, a, NULL) != 0 && mrs_config_set(&probe, path, b, NULL) != 0;
}

static int nudge_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *path = cmd_word(a, "NAME");
	bool up = cmd_choice(a, "DIRECTION") == 0;
	if (!path) {
		ui *u = s->ui;
		if (!u || !(path = view_weights_selected(u)))
			return mrs_fail(err, MRS_ERR_USAGE,
					"nudge which tunable? (`nudge NAME up|down`)");
	}
	char text[64];
	if (!mrs_config_get(&s->cfg, path, text, sizeof text))
		return mrs_fail(err, MRS_ERR_REFUSED, "no setting '%s' (see `weights`)", path);
	char *end;
	double v = strtod(text, &end);
	if (!*text || *end) {
		/* a name (preset, fusion or safety mode): there is no step, so ask for a value */
		if (s->ui) {
			char line[128];
			snprintf(line, sizeof line, "%s %s ", strcmp(path, "preset") == 0 ? "preset" : "set",
				 strcmp(path, "preset") == 0 ? "" : path);
			ui_prompt_open(s->ui, line);
			return 0;
		}
		return mrs_fail(err, MRS_ERR_REFUSED, "%s is '%s', not a number: use `set %s VALUE`",
				path, text, path);
	}
	bool whole = whole_only(&s->cfg, path, v, text);
	double step = v != 0 ? nice_step(fabs(v) * 0.1) : whole ? 1 : 0.1;
	if (whole && step < 1)
		step = 1;
	double nv = up ? v + step : v - step;
	char value[64];
	snprintf(value, sizeof value, whole ? "%.0f" : "%.6g", nv);
	char *set_argv[] = {"set", (char *)path, value, NULL};
	return cmd_run_argv(s, 3, set_argv, res, err) == CMD_OK ? 0 : -1;
}

static const char *const directions[] = {"up", "down", NULL};

static const cmd_arg nudge_args[] = {
	{"NAME", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "a numeric tunable (else the one under the weights screen's cursor)"},
	{"DIRECTION", .type = CMD_CHOICE, .what = "direction", .choices = directions,
	 .help = "up or down"},
	{NULL},
};

const cmd_entry cmd_nudge_entry = {
	"nudge", NULL,
	"step a numeric tunable by about a tenth of its value and re-rank (no NAME: the one under "
	"the weights screen's cursor)",
	nudge_args, CMD_SESSION, nudge_exec, NULL, NULL,
};
