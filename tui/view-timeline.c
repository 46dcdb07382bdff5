/* view-timeline.c: the final timeline: rank, movement against the timeline before the
 * last change (^3, v2, new), score, sources, author, age and text; what left it; and the
 * highlighted tweet's text and how its score was made. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct timeline {
	uint32_t n_left;   /* tweets of the previous timeline that are no longer in it */
	uint32_t left[3];  /* the first few, as candidate indexes */
} timeline;

static int detail_rows(const view *v)
{
	return v->rows >= 16 ? 5 : 0;
}

static int list_rows(const view *v)
{
	int n = v->rows - 2 - detail_rows(v);
	return n > 1 ? n : 1;
}

static uint32_t get_order(const ui *u, const uint32_t **order)
{
	*order = NULL;
	if (!u->s->has_user || !u->s->req)
		return 0;
	return mrs_request_timeline(u->s->req, order);
}

static int timeline_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(timeline));
	return v->priv ? 0 : -1;
}

static void timeline_free(view *v)
{
	free(v->priv);
	v->priv = NULL;
}

static void timeline_update(view *v, ui *u)
{
	timeline *t = v->priv;
	const session *s = u->s;
	const uint32_t *order;
	uint32_t n = get_order(u, &order);
	t->n_left = 0;
	if (!n && !(s->has_user && s->req))
		return;
	uint32_t nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	for (uint32_t i = 0; i < nc; i++)
		if (!c[i].rank && ui_prev_rank(u, c[i].tweet)) {
			if (t->n_left < 3)
				t->left[t->n_left] = i;
			t->n_left++;
		}
	ui_list_follow_selected(u, v, order, n, list_rows(v));
}

static void timeline_resize(view *v, ui *u, int rows, int cols)
{
	const uint32_t *order;
	view_list_clamp(v, (int)get_order(u, &order), list_rows(v));
}

static int timeline_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	const uint32_t *order;
	uint32_t n = get_order(u, &order);
	return ui_list_key(u, v, action, arg, order, n, list_rows(v), "the timeline is empty", err);
}

static void draw_detail(const ui *u, surface *sf, int y, const mrs_candidate *c)
{
	const session *s = u->s;
	char h[64], badges[8];
	ui_pane_title(sf, y, sf->cols, "#%u: tweet %u by %s, credited to %s (found by %s)", c->rank,
		      c->tweet, ui_handle(u, c->author, 20, h, sizeof h), mrs_source_label(c->source),
		      fmt_sources(c->sources, badges, sizeof badges));
	draw_wrapped(sf, y + 1, 1, sf->cols - 2, 2, ST_NORMAL, mrs_tweet_text(s->ds, c->tweet));
	int x = 1 + draw_text(sf, y + 3, 1, sf->cols - 1, ST_DIM, "heads:");
	for (int k = 0; k < MRS_N_HEADS; k++)
		x += draw_printf(sf, y + 3, x, sf->cols - x, ST_DIM, " %s %.3f", mrs_head_name(k),
				 c->heads[k]);
	draw_printf(sf, y + 4, 1, sf->cols - 1, ST_NORMAL,
		    "fused %+.4f, safety x%.3f (NSFW %.2f, toxic %.2f), heuristics x%.3f: final %+.4f",
		    c->fused, c->safety_mult, c->nsfw, c->tox, c->heur_mult, c->score);
}

static void timeline_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const timeline *t = v->priv;
	if (!ui_need_request(u, sf, y, rows))
		return;
	const session *s = u->s;
	const uint32_t *order;
	uint32_t n = get_order(u, &order), nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	int64_t now = mrs_request_now(s->req);
	draw_printf(sf, y, 0, sf->cols, ST_HEADER, "  %3s %-4s %8s %-4s %-12s %-14s %4s  %s", "#", "move",
		    "score", "srcs", "credited", "author", "age", "text");
	int page = list_rows(v);
	for (int i = 0; i < page && v->top + i < (int)n; i++) {
		int row = v->top + i;
		const mrs_candidate *x = &c[order[row]];
		bool cur = row == v->cursor;
		char mv[16], h[64], age[16], badges[8], line[256];
		draw_style mst;
		ui_movement(u, x, mv, sizeof mv, &mst);
		snprintf(line, sizeof line, "%c %3u %-4s %+8.4f %-4s %-12s %-14s %4s  ", cur ? '>' : ' ',
			 x->rank, mv, x->score, fmt_sources(x->sources, badges, sizeof badges),
			 mrs_source_label(x->source), ui_handle(u, x->author, 14, h, sizeof h),
			 fmt_age(now, mrs_tweet_time(s->ds, x->tweet), age, sizeof age));
		draw_cell(sf, y + 1 + i, 0, sf->cols, cur ? ST_CURSOR : ST_NORMAL, line);
		if (!cur && mv[0])
			draw_text(sf, y + 1 + i, 6, 4, mst, mv);
		int w = draw_width(line);
		draw_text(sf, y + 1 + i, w, sf->cols - w, cur ? ST_CURSOR : ST_DIM,
			  mrs_tweet_text(s->ds, x->tweet));
	}
	if (!n)
		draw_text(sf, y + 1, 2, sf->cols - 2, ST_DIM,
			  "the timeline is empty: see the Safety screen for what dropped the candidates");
	/* what left, since the last change */
	int fy = y + 1 + page;
	if (t->n_left) {
		char h[64];
		int x = draw_printf(sf, fy, 1, sf->cols - 1, ST_DOWN, "%u left since the last change:",
				    t->n_left);
		for (uint32_t k = 0; k < t->n_left && k < 3; k++) {
			const mrs_candidate *x2 = &c[t->left[k]];
			x += draw_printf(sf, fy, 1 + x, sf->cols - 1 - x, ST_DOWN, " %u %s (was #%u, %s)",
					 x2->tweet, ui_handle(u, x2->author, 14, h, sizeof h),
					 ui_prev_rank(u, x2->tweet),
					 mrs_drop_reason_name(x2->drop_reason));
		}
	} else if (ui_has_prev(u)) {
		draw_text(sf, fy, 1, sf->cols - 1, ST_DIM, "the same tweets as before the last change (d: diff)");
	}
	if (detail_rows(v) && n)
		draw_detail(u, sf, fy + 1, &c[order[v->cursor]]);
}

const view_ops view_timeline_ops = {
	"timeline", NULL, "Timeline",
	"the final timeline with rank movement against the one before the last change",
	timeline_init, timeline_free, timeline_resize, timeline_update, timeline_key,
	timeline_draw,
};
