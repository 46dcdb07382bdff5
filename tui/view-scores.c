/* view-scores.c: the ranker's heads and the fusion: every scored candidate in rank order,
 * and for the highlighted one each head's probability as a bar beside its weighted
 * contribution (weighted presets) or the blend's parts (seed), then the multipliers that
 * took the fused score to the final one: "why is this #3" at a glance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct scores {
	uint32_t *order, n;
} scores;

enum { DETAIL_ROWS = 11 }; /* title, 8 heads, 2 lines from fused to final */

static int detail_rows(const view *v)
{
	return v->rows >= 18 ? DETAIL_ROWS : 0;
}

static int list_rows(const view *v)
{
	int n = v->rows - 1 - detail_rows(v);
	return n > 1 ? n : 1;
}

static int scores_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(scores));
	return v->priv ? 0 : -1;
}

static void scores_free(view *v)
{
	scores *p = v->priv;
	if (p)
		free(p->order);
	free(p);
	v->priv = NULL;
}

static void scores_update(view *v, ui *u)
{
	scores *p = v->priv;
	free(p->order);
	p->n = ui_rank_order(u, MRS_STAGE_FEATURES, &p->order);
	/* keep the selected tweet under the cursor when the order changes */
	ui_list_follow_selected(u, v, p->order, p->n, list_rows(v));
}

static void scores_resize(view *v, ui *u, int rows, int cols)
{
	const scores *p = v->priv;
	view_list_clamp(v, (int)p->n, list_rows(v));
}

static int scores_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	scores *p = v->priv;
	return ui_list_key(u, v, action, arg, p->order, p->n, list_rows(v), NULL, err);
}

/* A bar from the middle column: right for positive values, left for negative ones. */
static void signed_bar(surface *sf, int y, int x, int w, double v, double max)
{
	int half = w / 2;
	draw_text(sf, y, x + half, 1, ST_DIM, "|");
	if (v >= 0)
		draw_bar(sf, y, x + half + 1, w - half - 1, v, max, ST_BAR);
	else {
		/* drawn from its left end: as long as the positive bar would be */
		int n = (int)lround(half * fmin(-v / max, 1.0));
		for (int i = 0; i < n; i++)
			draw_text(sf, y, x + half - n + i, 1, ST_NEG, sf->unicode ? "█" : "#");
	}
}

/* The product of the multipliers candidate i received at a stage, from the trace. */
static double stage_factor(const mrs_request *r, uint32_t i, int stage, int *count)
{
	size_t n;
	const mrs_event *ev = mrs_request_events(r, &n);
	double f = 1;
	*count = 0;
	for (size_t k = 0; k < n; k++)
		if (ev[k].cand == i && ev[k].stage == stage && ev[k].kind == MRS_EV_MULT) {
			f *= ev[k].factor;
			(*count)++;
		}
	return f;
}

static void draw_heads(const ui *u, surface *sf, int y, const mrs_candidate *c, bool weighted,
		       int w)
{
	const mrs_config *cfg = &u->s->cfg;
	report_term t[REPORT_MAX_TERMS];
	int nt = report_fusion_terms(cfg, c, t);
	double most = 1e-9;
	for (int k = 0; k < nt; k++)
		most = fmax(most, fabs(t[k].contribution));
	int bw = w >= 100 ? 20 : 10;
	for (int h = 0; h < MRS_N_HEADS; h++) {
		int x = draw_printf(sf, y + h, 1, sf->cols - 1, ST_NORMAL, "%-8s %6.4f ",
				    mrs_head_name(h), c->heads[h]);
		draw_bar(sf, y + h, 1 + x, bw, c->heads[h], 1.0, ST_BAR);
		if (!weighted)
			continue;
		x += 1 + bw + 1;
		if (cfg->head_weight[h] == 0) {
			draw_text(sf, y + h, x, sf->cols - x, ST_DIM, "x 0 (no weight)");
			continue;
		}
		double contrib = cfg->head_weight[h] * c->heads[h];
		x += draw_printf(sf, y + h, x, sf->cols - x, ST_NORMAL, "x %8.2f = %+8.4f ",
				 cfg->head_weight[h], contrib);
		if (sf->cols - x > 6)
			signed_bar(sf, y + h, x, sf->cols - x - 1, contrib, most);
	}
	if (weighted)
		return;
	/* the blend: its parts on the right of the heads */
	int x = 1 + 16 + bw + 2;
	for (int k = 0; k < nt; k++) {
		int cx = x + draw_printf(sf, y + k, x, sf->cols - x, ST_NORMAL, "%-10s %.2f x %-10s %.4f = %+.4f ",
					 t[k].name, t[k].weight, t[k].of, t[k].value,
					 t[k].contribution);
		if (sf->cols - cx > 4)
			draw_bar(sf, y + k, cx, sf->cols - cx - 1, t[k].contribution, most, ST_BAR);
	}
	draw_printf(sf, y + nt, x + 2, sf->cols - x - 2, ST_DIM,
		    "mix of SimClusters %.2f, TwHIN %.2f, RealGraph %.2f", c->sc, c->twhin, c->rg);
	draw_printf(sf, y + nt + 1, x, sf->cols - x, ST_BOLD, "%-10s %+.4f", "fused", c->fused);
}

static void draw_detail(const view *v, const ui *u, surface *sf, int y)
{
	const scores *p = v->priv;
	const session *s = u->s;
	uint32_t nc, i = p->order[v->cursor];
	const mrs_candidate *c = &mrs_request_candidates(s->req, &nc)[i];
	bool weighted = s->cfg.fusion == MRS_FUSION_WEIGHTED;
	char h[64], rank[32];
	if (c->rank)
		snprintf(rank, sizeof rank, "#%u", c->rank);
	else
		snprintf(rank, sizeof rank, "not shown (%s)", mrs_drop_reason_name(c->drop_reason));
	ui_pane_title(sf, y, sf->cols, "why %s: tweet %u by %s", rank, c->tweet,
		      ui_handle(u, c->author, 20, h, sizeof h));
	draw_heads(u, sf, y + 1, c, weighted, sf->cols);
	/* fused -> every multiplier -> final */
	int fc = 0, sc = 0, hc = 0, yy = y + 1 + MRS_N_HEADS;
	double src = stage_factor(s->req, i, MRS_STAGE_FUSION, &fc);
	double saf = stage_factor(s->req, i, MRS_STAGE_SAFETY, &sc);
	double heu = stage_factor(s->req, i, MRS_STAGE_HEURISTICS, &hc);
	int x = 1 + draw_printf(sf, yy, 1, sf->cols - 1, ST_NORMAL, "fused %+.4f", c->fused);
	float after_fusion = mrs_request_score_at(s->req, i, MRS_STAGE_FUSION);
	if (!weighted && !isnan(after_fusion) && after_fusion != c->fused)
		x += draw_printf(sf, yy, x, sf->cols - x, ST_NORMAL,
				 " -> calibration and %s source x%.2f -> %+.4f", mrs_source_label(c->source),
				 src, after_fusion);
	yy++;
	x = 1 + draw_printf(sf, yy, 1, sf->cols - 1, sc ? ST_NEG : ST_NORMAL, "-> safety x%.3f", saf);
	x += draw_printf(sf, yy, x, sf->cols - x, hc ? ST_NORMAL : ST_DIM, " -> heuristics x%.3f", heu);
	if (!isnan(c->score))
		x += draw_printf(sf, yy, x, sf->cols - x, ST_BOLD, " = final %+.4f", c->score);
	char mv[16];
	draw_style mst;
	ui_movement(u, c, mv, sizeof mv, &mst);
	if (c->rank)
		x += draw_printf(sf, yy, x, sf->cols - x, ST_BOLD, " -> #%u ", c->rank);
	else if (c->dropped_at >= 0)
		x += draw_printf(sf, yy, x, sf->cols - x, ST_NEG, " -> dropped at %s ",
				 mrs_stage_info_get(c->dropped_at)->name);
	draw_text(sf, yy, x, sf->cols - x, mst, mv);
}

static void scores_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const scores *p = v->priv;
	if (!ui_need_request(u, sf, y, rows))
		return;
	const session *s = u->s;
	uint32_t nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	draw_printf(sf, y, 0, sf->cols, ST_HEADER, "  %-4s %-4s %7s %-14s %-4s %8s %8s %6s %6s",
		    "rank", "move", "tweet", "author", "srcs", "fused", "final", "P(any)", "P(neg)");
	int page = list_rows(v);
	double most = 1e-9;
	for (uint32_t k = 0; k < p->n; k++)
		if (!isnan(c[p->order[k]].score))
			most = fmax(most, fabs(c[p->order[k]].score));
	for (int i = 0; i < page && v->top + i < (int)p->n; i++) {
		int row = v->top + i;
		const mrs_candidate *x = &c[p->order[row]];
		bool cur = row == v->cursor;
		char rk[12] = "-", mv[16], h[64], badges[8], fin[16] = "       -", line[256];
		draw_style mst;
		if (x->rank)
			snprintf(rk, sizeof rk, "%u", x->rank);
		if (!isnan(x->score))
			snprintf(fin, sizeof fin, "%+8.4f", x->score);
		ui_movement(u, x, mv, sizeof mv, &mst);
		snprintf(line, sizeof line, "%c %4s %-4s %7u %-14s %-4s %+8.4f %8s %6.4f %6.4f  ",
			 cur ? '>' : ' ', rk, mv, x->tweet, ui_handle(u, x->author, 14, h, sizeof h),
			 fmt_sources(x->sources, badges, sizeof badges), x->fused, fin,
			 x->heads[MRS_HEAD_ANY], x->heads[MRS_ACT_NEGFB]);
		draw_cell(sf, y + 1 + i, 0, sf->cols, cur ? ST_CURSOR : x->rank ? ST_NORMAL : ST_DIM, line);
		if (!cur && x->rank && mv[0])
			draw_text(sf, y + 1 + i, 7, 4, mst, mv);
		int w = draw_width(line);
		if (!isnan(x->score) && w < sf->cols)
			draw_bar(sf, y + 1 + i, w, sf->cols - w - 1, fabs(x->score), most,
				 x->score < 0 ? ST_NEG : ST_BAR);
	}
	if (!p->n)
		draw_text(sf, y + 1, 2, sf->cols - 2, ST_DIM, "no candidate reached the ranker");
	else if (detail_rows(v))
		draw_detail(v, u, sf, y + 1 + page);
}

const view_ops view_scores_ops = {
	"scores", NULL, "Scores",
	"the heads' probabilities and each one's part in the fused score, candidate by candidate",
	scores_init, scores_free, scores_resize, scores_update, scores_key, scores_draw,
};
