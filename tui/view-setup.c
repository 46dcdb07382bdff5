/* view-setup.c: the first run: with no dataset, offers to generate one (`generate`), then
 * to train the models (`train`), with the work's progress on screen; Enter opens the
 * explorer. Shown too when the dataset cannot be loaded, with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

typedef struct setup {
	bool has_data, has_models;
} setup;

static int setup_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(setup));
	return v->priv ? 0 : -1;
}

static void setup_free(view *v)
{
	free(v->priv);
	v->priv = NULL;
}

/* Is there any model file in the folder's current set? */
static bool any_model(const char *dir)
{
	char set[4200];
	if (mrs_models_current(dir, set, sizeof set, NULL))
		return false;
	for (int m = 0; m < MRS_N_MODELS; m++) {
		char path[4300];
		snprintf(path, sizeof path, "%s/%s.pt", set, mrs_model_name((mrs_model_id)m));
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void setup_update(view *v, ui *u)
{
	setup *p = v->priv;
	p->has_data = access(u->s->opts.data, F_OK) == 0;
	p->has_models = any_model(u->s->opts.models);
}

static int setup_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	const setup *p = v->priv;
	if (action != VA_SELECT)
		return VIEW_UNHANDLED;
	if (!p->has_data)
		return mrs_fail(err, MRS_ERR_REFUSED, "no dataset yet: g generates one");
	u->opened = false; /* open the dataset and engine on the next quiet moment */
	ui_queue(u, "screen accounts");
	return VIEW_OK;
}

static void line(surface *sf, int *y, int x, draw_style st, const char *key, const char *text)
{
	int k = draw_text(sf, *y, x, sf->cols - x, ST_KEY, key);
	draw_text(sf, *y, x + (k > 8 ? k : 8), sf->cols - x - 8, st, text);
	(*y)++;
}

static void setup_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const setup *p = v->priv;
	const session *s = u->s;
	int yy = y + 1, x = 2;
	draw_text(sf, yy++, x, sf->cols - x, ST_BOLD, "minirecsys: a For You timeline, stage by stage");
	yy++;
	if (u->busy) {
		draw_printf(sf, yy++, x, sf->cols - x, ST_NORMAL, "Working: %s %s", u->busy_phase,
			    u->busy_detail);
		if (u->busy_total > 0) {
			int w = sf->cols - 2 * x - 8;
			draw_text(sf, yy, x, 1, ST_NORMAL, "[");
			draw_bar(sf, yy, x + 1, w, u->busy_done, u->busy_total, ST_BAR);
			draw_printf(sf, yy, x + 1 + w, 8, ST_NORMAL, "] %3.0f%%",
				    100.0 * (u->busy_done < u->busy_total ? u->busy_done / u->busy_total : 1));
		}
		yy += 2;
		draw_text(sf, yy, x, sf->cols - x, ST_DIM, "Ctrl-C cancels; nothing half-written is kept.");
		return;
	}
	if (!p->has_data) {
		draw_printf(sf, yy++, x, sf->cols - x, ST_NORMAL, "There is no dataset at %s yet.",
			    s->opts.data);
		draw_text(sf, yy++, x, sf->cols - x, ST_NORMAL,
			  "Make a synthetic world to explore (users, follows, tweets, engagements):");
		yy++;
		line(sf, &yy, x, ST_NORMAL, "g", "a small world: 200 users, 2,000 tweets (a second)");
		line(sf, &yy, x, ST_NORMAL, "G", "the default world: 1,000 users, 10,000 tweets");
		line(sf, &yy, x, ST_NORMAL, "q", "quit");
		yy++;
		draw_text(sf, yy, x, sf->cols - x, ST_DIM,
			  "(the same as `minirecsys generate`; :generate --scale large for 100,000 users)");
		return;
	}
	draw_printf(sf, yy++, x, sf->cols - x, ST_NORMAL, "Dataset: %s", s->opts.data);
	if (s->ds) {
		mrs_dataset_info di = mrs_dataset_info_get(s->ds);
		draw_printf(sf, yy++, x, sf->cols - x, ST_NORMAL, "  %u users, %u tweets, %u impressions",
			    di.users, di.tweets, di.impressions);
	}
	draw_printf(sf, yy++, x, sf->cols - x, ST_NORMAL, "Models: %s",
		    p->has_models ? "found" : "none yet: every learned part serves its fallback");
	yy++;
	if (cmd_find("train"))
		line(sf, &yy, x, ST_NORMAL, "t", p->has_models ? "train the models again"
							      : "train the models now (`train`)");
	line(sf, &yy, x, ST_NORMAL, "Enter", "open the explorer");
	line(sf, &yy, x, ST_NORMAL, "q", "quit");
}

const view_ops view_setup_ops = {
	"setup", NULL, "Setup", "the first run: make a dataset and models", setup_init, setup_free,
	NULL, setup_update, setup_key, setup_draw,
};
