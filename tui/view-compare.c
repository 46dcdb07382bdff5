/* view-compare.c: the split screen of `compare A B`: configuration A's timeline on the
 * left, B's on the right with each tweet's movement against A, and both configurations'
 * NDCG@10, coverage and author diversity on the fixed sample below. */
#include <stdio.h>

#include "report.h"
#include "ui.h"

static int list_rows(const view *v)
{
	int n = v->rows - 6;
	return n > 1 ? n : 1;
}

static int compare_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	const cmp_result *r = u->s->cmp;
	int n = r ? (int)(r->a.n > r->b.n ? r->a.n : r->b.n) : 0;
	return view_list_key(v, action, arg, n, list_rows(v));
}

static void draw_side(const ui *u, surface *sf, int y, int x, int w, const cmp_result *r,
		      const cmp_side *side, bool right, int row, bool cursor)
{
	char h[80], line[128], move[16] = "";
	if ((uint32_t)row >= side->n) {
		draw_fill(sf, y, x, w, cursor ? ST_CURSOR : ST_NORMAL);
		return;
	}
	draw_style st = cursor ? ST_CURSOR : ST_NORMAL;
	if (right) {
		uint32_t ra = cmp_rank(&r->a, side->tweet[row]);
		if (!ra)
			snprintf(move, sizeof move, "new"), st = cursor ? st : ST_NEW;
		else if (ra > (uint32_t)row + 1)
			snprintf(move, sizeof move, "^%u", ra - row - 1), st = cursor ? st : ST_UP;
		else if (ra < (uint32_t)row + 1)
			snprintf(move, sizeof move, "v%u", row + 1 - ra), st = cursor ? st : ST_DOWN;
		else
			snprintf(move, sizeof move, "=");
	}
	if (right)
		snprintf(line, sizeof line, "%3d %-4s %7u %-14s %8.4f", row + 1, move,
			 side->tweet[row], ui_handle(u, side->author[row], 14, h, sizeof h),
			 side->score[row]);
	else
		snprintf(line, sizeof line, "%3d %7u %-14s %8.4f", row + 1, side->tweet[row],
			 ui_handle(u, side->author[row], 14, h, sizeof h), side->score[row]);
	draw_cell(sf, y, x, w, st, line);
}

static void compare_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const cmp_result *r = u->s->cmp;
	int w = sf->cols;
	if (!r) {
		draw_text(sf, y + 1, 2, w - 4, ST_DIM,
			  "No comparison yet: type  :compare seed x-2026  (presets or weight files).");
		return;
	}
	int half = (w - 1) / 2;
	char h[80];
	char title[128];
	snprintf(title, sizeof title, "A: %s", r->a.name);
	draw_rule(sf, y, 0, half, ST_HEADER, title);
	snprintf(title, sizeof title, "B: %s, movement against A", r->b.name);
	draw_rule(sf, y, half + 1, w - half - 1, ST_HEADER, title);
	draw_printf(sf, y + 1, 0, w, ST_DIM, "  timelines of %s", ui_handle(u, r->user, 30, h,
									   sizeof h));
	int page = list_rows(v);
	for (int i = 0; i < page && i < rows - 6; i++) {
		int row = v->top + i;
		bool cur = row == v->cursor;
		draw_side(u, sf, y + 2 + i, 0, half, r, &r->a, false, row, cur);
		draw_text(sf, y + 2 + i, half, 1, ST_DIM, "|");
		draw_side(u, sf, y + 2 + i, half + 1, w - half - 1, r, &r->b, true, row, cur);
	}
	int m = y + rows - 4;
	draw_rule(sf, m, 0, w, ST_HEADER, "on the fixed sample");
	draw_printf(sf, m + 1, 2, w - 4, ST_NORMAL, "%-14s %8s %9s %8s", "", "NDCG@10",
		    "coverage", "authors");
	draw_printf(sf, m + 2, 2, w - 4, ST_NORMAL, "%-14.14s %8.4f %9.4f %8.3f", r->a.name,
		    r->a.m.ndcg, r->a.m.coverage, r->a.m.author_diversity);
	draw_printf(sf, m + 3, 2, w - 4, ST_NORMAL, "%-14.14s %8.4f %9.4f %8.3f  (%u users)",
		    r->b.name, r->b.m.ndcg, r->b.m.coverage, r->b.m.author_diversity, r->users);
}

const view_ops view_compare_ops = {
	"compare", NULL, "Compare",
	"two configurations side by side: timelines with movement, metrics on a fixed sample",
	NULL, NULL, NULL, NULL, compare_key, compare_draw,
};
