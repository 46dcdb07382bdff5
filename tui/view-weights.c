/* view-weights.c: every tunable with its value (marked when it differs from the preset),
 * changed with + and - (`nudge`) or typed (`set`); beside it the timeline, re-ranked at
 * once with its movement; below, what the change did to NDCG@10 on a fixed sample of
 * users (computed after the key, from an evaluator that only re-ranks). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct weights {
	int n;             /* tunables */
	mrs_config base;   /* the preset the configuration started from */
	bool has_base;
} weights;

enum { FOOT_ROWS = 3 };

static int list_rows(const view *v)
{
	int n = v->rows - 1 - FOOT_ROWS;
	return n > 1 ? n : 1;
}

/* The tunables' pane: the longest path (33 columns) and its value; the timeline gets
 * the rest. */
static int left_width(int cols)
{
	int w = cols - 31;
	return w > 56 ? 56 : w < 30 ? 30 : w;
}

static int weights_init(view *v, ui *u)
{
	weights *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	for (const char *const *p = mrs_config_paths(); *p; p++)
		w->n++;
	v->priv = w;
	return 0;
}

static void weights_free(view *v)
{
	free(v->priv);
	v->priv = NULL;
}

const char *view_weights_selected(const ui *u)
{
	const view *v = &u->views[V_WEIGHTS];
	const weights *w = v->priv;
	if (u->cur != V_WEIGHTS || v->cursor < 0 || v->cursor >= w->n)
		return NULL;
	return mrs_config_paths()[v->cursor];
}

static void weights_update(view *v, ui *u)
{
	weights *w = v->priv;
	const session *s = u->s;
	const char *name = s->cfg.preset;
	if (strncmp(name, "custom:", 7) == 0)
		name += 7;
	/* the preset over the dataset's time scale: a time field set by hand shows as changed */
	w->base = s->cfg;
	if (s->has_scale)
		mrs_config_time_scale(&w->base, &s->scale);
	w->has_base = mrs_config_switch_preset(&w->base, name, NULL) == 0;
	view_list_clamp(v, w->n, list_rows(v));
	/* the NDCG values this screen shows and does not have yet (after a failure, once
	 * the configuration changed) */
	if (u->ndcg_error[0] && memcmp(&u->ndcg_failed_cfg, &s->cfg, sizeof s->cfg) != 0)
		u->ndcg_error[0] = '\0';
	double x;
	if (!ui_ndcg_get(u, &s->cfg, &x) || (s->has_prev_cfg && !ui_ndcg_get(u, &s->prev_cfg, &x)))
		u->ndcg_wanted = true;
}

static void weights_resize(view *v, ui *u, int rows, int cols)
{
	const weights *w = v->priv;
	view_list_clamp(v, w->n, list_rows(v));
}

static int weights_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	const weights *w = v->priv;
	if (action == VA_SELECT) {
		const char *path = mrs_config_paths()[v->cursor];
		char val[64], line[160];
		mrs_config_get(&u->s->cfg, path, val, sizeof val);
		if (strcmp(path, "preset") == 0)
			snprintf(line, sizeof line, "preset ");
		else
			snprintf(line, sizeof line, "set %s %s", path, val);
		ui_prompt_open(u, line);
		return VIEW_OK;
	}
	return view_list_key(v, action, arg, w->n, list_rows(v));
}

static void draw_tunables(const view *v, const ui *u, surface *sf, int y, int lw)
{
	const weights *w = v->priv;
	const char *const *paths = mrs_config_paths();
	int pw = lw - 17; /* the path's column */
	draw_printf(sf, y, 0, lw, ST_HEADER, "  %-*s %12s", pw, "tunable", "value");
	int page = list_rows(v);
	for (int i = 0; i < page && v->top + i < w->n; i++) {
		int row = v->top + i;
		char val[64], base[64] = "", line[160];
		mrs_config_get(&u->s->cfg, paths[row], val, sizeof val);
		if (w->has_base)
			mrs_config_get(&w->base, paths[row], base, sizeof base);
		bool changed = w->has_base && strcmp(paths[row], "preset") && strcmp(val, base);
		bool cur = row == v->cursor;
		char path[64];
		snprintf(line, sizeof line, "%c %-*s %12s %c", cur ? '>' : ' ', pw,
			 fmt_cut(paths[row], pw, path, sizeof path), val, changed ? '*' : ' ');
		draw_cell(sf, y + 1 + i, 0, lw - 1, cur ? ST_CURSOR : changed ? ST_BOLD : ST_NORMAL, line);
	}
}

static void draw_timeline(const ui *u, surface *sf, int y, int x, int w, int rows)
{
	const session *s = u->s;
	bool authors = w >= 40;
	draw_printf(sf, y, x, w, ST_HEADER, "%3s %-4s %7s %8s %s", "#", "move", "tweet", "score",
		    authors ? "author" : "");
	if (!s->has_user || !s->req) {
		draw_text(sf, y + 1, x, w, ST_DIM, "pick an account to see its");
		draw_text(sf, y + 2, x, w, ST_DIM, "timeline re-rank here");
		return;
	}
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	for (int i = 0; i < rows && (uint32_t)i < n; i++) {
		const mrs_candidate *t = &c[order[i]];
		char mv[16], h[64];
		draw_style st;
		ui_movement(u, t, mv, sizeof mv, &st);
		int cx = x + draw_printf(sf, y + 1 + i, x, w, t->tweet == s->selected ? ST_BOLD : ST_NORMAL,
					 "%3u ", t->rank);
		cx += draw_printf(sf, y + 1 + i, cx, w - (cx - x), st, "%-4s ", mv);
		draw_printf(sf, y + 1 + i, cx, w - (cx - x), ST_NORMAL, "%7u %+8.4f %s", t->tweet, t->score,
			    authors ? ui_handle(u, t->author, 16, h, sizeof h) : "");
	}
}

static void draw_ndcg(const ui *u, surface *sf, int y)
{
	const session *s = u->s;
	if (u->ndcg_error[0]) {
		draw_printf(sf, y, 1, sf->cols - 1, ST_ERROR, "NDCG@10: %s", u->ndcg_error);
		return;
	}
	double now, before, start;
	int x = 1 + draw_printf(sf, y, 1, sf->cols - 1, ST_NORMAL, "NDCG@10 (%d users): ",
				UI_NDCG_USERS);
	if (!ui_ndcg_get(u, &s->cfg, &now)) {
		draw_text(sf, y, x, sf->cols - x, ST_DIM, "computing...");
		return;
	}
	x += draw_printf(sf, y, x, sf->cols - x, ST_BOLD, "%.4f", now);
	if (s->has_prev_cfg && ui_ndcg_get(u, &s->prev_cfg, &before)) {
		double d = now - before;
		x += draw_printf(sf, y, x, sf->cols - x, ST_NORMAL, ", was %.4f ", before);
		x += draw_printf(sf, y, x, sf->cols - x, d > 0 ? ST_UP : d < 0 ? ST_DOWN : ST_NORMAL,
				 "(%+.4f)", d);
	}
	if (u->ndcg_start_set && memcmp(&u->ndcg_start, &s->cfg, sizeof s->cfg) != 0 &&
	    ui_ndcg_get(u, &u->ndcg_start, &start))
		draw_printf(sf, y, x, sf->cols - x, ST_NORMAL, "; since %s %+.4f", u->ndcg_start.preset,
			    now - start);
}

static void weights_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	int lw = left_width(sf->cols);
	draw_tunables(v, u, sf, y, lw);
	draw_timeline(u, sf, y, lw + 1, sf->cols - lw - 1, list_rows(v));
	const char *path = mrs_config_paths()[v->cursor];
	int fy = y + 1 + list_rows(v);
	ui_pane_title(sf, fy, sf->cols, "%s", path);
	int x = 1 + draw_text(sf, fy + 1, 1, sf->cols - 1, ST_NORMAL, mrs_config_doc(path));
	draw_text(sf, fy + 1, x, sf->cols - x, ST_DIM, "   (+/- step, Enter types a value, u undoes)");
	draw_ndcg(u, sf, fy + 2);
}

const view_ops view_weights_ops = {
	"weights", NULL, "Weights",
	"every tunable: change one and see the timeline re-rank and NDCG@10 move",
	weights_init, weights_free, weights_resize, weights_update, weights_key, weights_draw,
};
