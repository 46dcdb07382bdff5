/* view-candidates.c: candidates per source: one tab per source (InNetwork, OutOfNetwork,
 * Graph, FollowRecs) listing what it found, with the score it attached, the badges of
 * every source that found the tweet (I/O/G/F), Graph's social proof and FollowRecs' via,
 * and below, the highlighted tweet's text and fate. */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct candidates {
	int src;
	uint32_t *pool;  /* for each row: the tweet's index among the deduped candidates */
	uint32_t n;
} candidates;

enum { DETAIL_ROWS = 6 };

static int detail_rows(const view *v)
{
	return v->rows >= 16 ? DETAIL_ROWS : 0;
}

static int list_rows(const view *v)
{
	int n = v->rows - 2 - detail_rows(v);
	return n > 1 ? n : 1;
}

static int candidates_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(candidates));
	return v->priv ? 0 : -1;
}

static void candidates_free(view *v)
{
	candidates *c = v->priv;
	if (c)
		free(c->pool);
	free(c);
	v->priv = NULL;
}

static const mrs_cand_list *source_list(const ui *u, int src)
{
	const session *s = u->s;
	return s->has_user && s->req ? mrs_request_source(s->req, src) : NULL;
}

static void select_row(view *v, ui *u)
{
	const candidates *c = v->priv;
	const mrs_cand_list *l = source_list(u, c->src);
	if (l && v->cursor < (int)l->n)
		u->s->selected = l->v[v->cursor].tweet;
}

static void candidates_update(view *v, ui *u)
{
	candidates *c = v->priv;
	free(c->pool);
	c->pool = NULL;
	c->n = 0;
	const mrs_cand_list *l = source_list(u, c->src);
	if (!l)
		return;
	uint32_t np;
	const mrs_candidate *pool = mrs_request_candidates(u->s->req, &np);
	if (!(c->pool = malloc(sizeof(uint32_t) * (l->n ? l->n : 1))))
		return;
	for (uint32_t i = 0; i < l->n; i++) {
		c->pool[i] = UINT32_MAX;
		for (uint32_t k = 0; k < np; k++)
			if (pool[k].tweet == l->v[i].tweet) {
				c->pool[i] = k;
				break;
			}
	}
	c->n = l->n;
	view_list_clamp(v, (int)c->n, list_rows(v));
	select_row(v, u);
}

static void candidates_resize(view *v, ui *u, int rows, int cols)
{
	const candidates *c = v->priv;
	view_list_clamp(v, (int)c->n, list_rows(v));
}

void view_candidates_source(ui *u, int src)
{
	view *v = &u->views[V_CANDIDATES];
	candidates *c = v->priv;
	if (src < 0 || src >= MRS_N_SOURCES || src == c->src)
		return;
	c->src = src;
	v->cursor = v->top = 0;
	candidates_update(v, u);
	v->gen = u->gen;
	select_row(v, u);
}

static int candidates_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	candidates *c = v->priv;
	if (action == VA_LEFT || action == VA_RIGHT) {
		int d = action == VA_LEFT ? MRS_N_SOURCES - 1 : 1;
		view_candidates_source(u, (c->src + d) % MRS_N_SOURCES);
		return VIEW_OK;
	}
	if (action == VA_SELECT) {
		if (cmd_need_user(u->s, err))
			return -1;
		if (!c->n)
			return mrs_fail(err, MRS_ERR_REFUSED, "this source found nothing");
		select_row(v, u);
		ui_queue(u, "pager explain");
		return VIEW_OK;
	}
	int r = view_list_key(v, action, arg, (int)c->n, list_rows(v));
	select_row(v, u);
	return r;
}

/* The provenance column: what the source attached besides its score. */
static const char *provenance(const ui *u, const mrs_candidate *x, int src, char *buf,
			      size_t size)
{
	char h[64];
	switch (src) {
	case MRS_SRC_IN_NETWORK:
		snprintf(buf, size, "rg %.2f", x->rg);
		break;
	case MRS_SRC_OUT_OF_NETWORK:
		snprintf(buf, size, "sc %.2f tw %.2f", x->sc, x->twhin);
		break;
	case MRS_SRC_GRAPH:
		if (x->n_proof > 1)
			snprintf(buf, size, "by %s +%d", ui_handle(u, x->proof[0], 10, h, sizeof h),
				 x->n_proof - 1);
		else if (x->n_proof)
			snprintf(buf, size, "by %s", ui_handle(u, x->proof[0], 13, h, sizeof h));
		else
			snprintf(buf, size, "rg %.2f", x->rg);
		break;
	default:
		if (x->via != MRS_NONE)
			snprintf(buf, size, "via %s", ui_handle(u, x->via, 14, h, sizeof h));
		else
			snprintf(buf, size, "via SimClusters");
	}
	return buf;
}

static void draw_tabs(const view *v, const ui *u, surface *sf, int y)
{
	const candidates *c = v->priv;
	static const char letter[] = "IOGF";
	int x = 1;
	for (int k = 0; k < MRS_N_SOURCES; k++) {
		const mrs_cand_list *l = source_list(u, k);
		char t[64];
		snprintf(t, sizeof t, " %c %s %u ", letter[k], mrs_source_label(k), l ? l->n : 0);
		x += draw_text(sf, y, x, sf->cols - x, k == c->src ? ST_CURSOR : ST_BOLD, t);
		x += draw_text(sf, y, x, sf->cols - x, ST_NORMAL, " ");
	}
	draw_text(sf, y, x, sf->cols - x, ST_DIM, " h/l");
}

static void draw_detail(const view *v, const ui *u, surface *sf, int y)
{
	const candidates *c = v->priv;
	const session *s = u->s;
	const mrs_cand_list *l = source_list(u, c->src);
	const mrs_candidate *x = &l->v[v->cursor];
	char h[64], age[16], b[64];
	ui_pane_title(sf, y, sf->cols, "tweet %u by %s, %s old", x->tweet,
		      ui_handle(u, x->author, 30, h, sizeof h),
		      fmt_age(mrs_request_now(s->req), mrs_tweet_time(s->ds, x->tweet), age, sizeof age));
	draw_wrapped(sf, y + 1, 1, sf->cols - 2, 2, ST_NORMAL, mrs_tweet_text(s->ds, x->tweet));
	uint32_t np;
	const mrs_candidate *pool = mrs_request_candidates(s->req, &np);
	uint32_t k = c->pool[v->cursor];
	const mrs_candidate *d = k < np ? &pool[k] : x;
	int cx = 1 + draw_text(sf, y + 3, 1, sf->cols - 1, ST_NORMAL, "found by:");
	for (int src = 0; src < MRS_N_SOURCES; src++)
		if (d->sources >> src & 1)
			cx += draw_printf(sf, y + 3, cx, sf->cols - cx, src == d->source ? ST_BOLD : ST_NORMAL,
					  " %s %.4f%s", mrs_source_label(src), d->source_score[src],
					  src == d->source ? " (credited)" : "");
	cx = 1;
	if (x->n_proof) {
		cx += draw_text(sf, y + 4, cx, sf->cols - cx, ST_NORMAL, "social proof: engaged by");
		for (int p = 0; p < x->n_proof; p++)
			cx += draw_printf(sf, y + 4, cx, sf->cols - cx, ST_NORMAL, " %s",
					  ui_handle(u, x->proof[p], 20, h, sizeof h));
		cx += draw_text(sf, y + 4, cx, sf->cols - cx, ST_NORMAL, ";  ");
	}
	if (c->src == MRS_SRC_FOLLOW_RECS)
		cx += draw_printf(sf, y + 4, cx, sf->cols - cx, ST_NORMAL, "%s;  ",
				  provenance(u, x, c->src, b, sizeof b));
	if (k >= np)
		return;
	if (d->rank) {
		draw_printf(sf, y + 4, cx, sf->cols - cx, ST_UP, "in the timeline at #%u", d->rank);
	} else if (d->dropped_at >= 0) {
		draw_printf(sf, y + 4, cx, sf->cols - cx, ST_NEG, "dropped at %s: %s",
			    mrs_stage_info_get(d->dropped_at)->name, mrs_drop_reason_name(d->drop_reason));
	}
}

static void candidates_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const candidates *c = v->priv;
	if (!ui_need_request(u, sf, y, rows))
		return;
	const session *s = u->s;
	draw_tabs(v, u, sf, y);
	draw_printf(sf, y + 1, 0, sf->cols, ST_HEADER, "  %3s %7s %-14s %4s %-4s %7s  %-16s %s", "#",
		    "tweet", "author", "age", "srcs", "score", "provenance", "text");
	const mrs_cand_list *l = source_list(u, c->src);
	uint32_t np;
	const mrs_candidate *pool = mrs_request_candidates(s->req, &np);
	int64_t now = mrs_request_now(s->req);
	int page = list_rows(v);
	for (int i = 0; i < page && v->top + i < (int)c->n; i++) {
		int row = v->top + i;
		const mrs_candidate *x = &l->v[row];
		uint32_t k = c->pool[row];
		char h[64], age[16], badges[8], prov[64], line[512];
		fmt_sources(k < np ? pool[k].sources : x->sources, badges, sizeof badges);
		snprintf(line, sizeof line, "%c %3d %7u %-14s %4s %-4s %7.4f  %-16s ", row == v->cursor ? '>' : ' ',
			 row + 1, x->tweet, ui_handle(u, x->author, 14, h, sizeof h),
			 fmt_age(now, mrs_tweet_time(s->ds, x->tweet), age, sizeof age), badges,
			 x->source_score[c->src], provenance(u, x, c->src, prov, sizeof prov));
		bool cur = row == v->cursor;
		draw_cell(sf, y + 2 + i, 0, sf->cols, cur ? ST_CURSOR : ST_NORMAL, line);
		int w = draw_width(line);
		draw_text(sf, y + 2 + i, w, sf->cols - w, cur ? ST_CURSOR : ST_DIM,
			  mrs_tweet_text(s->ds, x->tweet));
	}
	if (!c->n)
		draw_text(sf, y + 2, 2, sf->cols - 2, ST_DIM, "this source found nothing for this account");
	else if (detail_rows(v))
		draw_detail(v, u, sf, y + 2 + page);
}

const view_ops view_candidates_ops = {
	"candidates", "sources", "Sources",
	"candidates per source, with the scores, social proof and provenance each attached",
	candidates_init, candidates_free, candidates_resize, candidates_update, candidates_key,
	candidates_draw,
};
