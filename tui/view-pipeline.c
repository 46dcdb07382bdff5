/* view-pipeline.c: the pipeline stepper: the stage table (name, title, candidates in and
 * out, time), and below it the selected stage: what it mirrors, what it does, and its
 * candidates as they left it. The cursor is the session's stage (`next`, `prev`). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct pipeline {
	int stage;            /* the stage `order` was built for */
	uint32_t *order;      /* candidates still in after it (best first), then those it dropped */
	uint32_t n, n_in;
	bool drops_first;     /* list the dropped ones first */
} pipeline;

static int table_rows(const view *v)
{
	int n = v->rows - 5; /* keep room for the stage's pane */
	if (n > MRS_N_STAGES)
		n = MRS_N_STAGES;
	return n > 3 ? n : 3;
}

static int pipeline_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(pipeline));
	return v->priv ? 0 : -1;
}

static void pipeline_free(view *v)
{
	pipeline *p = v->priv;
	if (p)
		free(p->order);
	free(p);
	v->priv = NULL;
}

typedef struct by_score_ctx {
	const mrs_request *r;
	int stage;
} by_score_ctx;

static int by_score(const void *a, const void *b, void *ctx)
{
	const by_score_ctx *c = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	float sx = mrs_request_score_at(c->r, x, c->stage), sy = mrs_request_score_at(c->r, y, c->stage);
	if (isnan(sx) != isnan(sy))
		return isnan(sx) ? 1 : -1;
	if (!isnan(sx) && sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void pipeline_update(view *v, ui *u)
{
	pipeline *p = v->priv;
	session *s = u->s;
	free(p->order);
	p->order = NULL;
	p->n = p->n_in = 0;
	p->stage = s->stage;
	v->cursor = s->stage;
	view_list_clamp(v, MRS_N_STAGES, table_rows(v));
	if (!s->has_user || !s->req || s->stage <= MRS_STAGE_FOLLOW_RECS)
		return;
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	if (!(p->order = malloc(sizeof(uint32_t) * (n ? n : 1))))
		return;
	for (uint32_t i = 0; i < n; i++)
		if (c[i].dropped_at < 0 || c[i].dropped_at > s->stage)
			p->order[p->n++] = i;
	p->n_in = p->n;
	by_score_ctx ctx = {s->req, s->stage};
	qsort_r(p->order, p->n, sizeof *p->order, by_score, &ctx);
	for (uint32_t i = 0; i < n; i++)
		if (c[i].dropped_at == s->stage)
			p->order[p->n++] = i;
	/* a filter is about what it dropped: those first (selection drops most of the
	 * candidates, so there what it kept comes first) */
	p->drops_first = s->stage != MRS_STAGE_SELECT && p->n > p->n_in;
}

static void pipeline_resize(view *v, ui *u, int rows, int cols)
{
	view_list_clamp(v, MRS_N_STAGES, table_rows(v));
}

/* Enter on a stage: the screen that shows it best. */
static void drill_down(ui *u, int stage)
{
	if (stage >= MRS_STAGE_IN_NETWORK && stage <= MRS_STAGE_FOLLOW_RECS) {
		view_candidates_source(u, stage - MRS_STAGE_IN_NETWORK);
		ui_queue(u, "screen candidates");
	} else if (stage >= MRS_STAGE_FEATURES && stage <= MRS_STAGE_FUSION) {
		ui_queue(u, "screen scores");
	} else if (stage >= MRS_STAGE_SAFETY && stage <= MRS_STAGE_POSTFILTER) {
		ui_queue(u, "screen safety");
	} else if (stage == MRS_STAGE_SELECT) {
		ui_queue(u, "screen timeline");
	} else {
		ui_queue(u, "pager stage");
	}
}

static int pipeline_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	session *s = u->s;
	if (action == VA_SELECT) {
		if (cmd_need_user(s, err))
			return -1;
		drill_down(u, s->stage);
		return VIEW_OK;
	}
	v->cursor = s->stage;
	int r = view_list_key(v, action, arg, MRS_N_STAGES, table_rows(v));
	s->stage = v->cursor;
	return r;
}

/* What the candidate list shows for one candidate at a stage. */
static void stage_value(const ui *u, const mrs_candidate *c, uint32_t i, int stage, char *buf,
			size_t size)
{
	const mrs_request *r = u->s->req;
	char badges[8];
	if (stage <= MRS_STAGE_PREFILTER)
		snprintf(buf, size, "%s %7.4f", fmt_sources(c->sources, badges, sizeof badges),
			 c->source_score[c->source]);
	else if (stage == MRS_STAGE_FEATURES)
		snprintf(buf, size, "sc %.2f tw %.2f rg %.2f", c->sc, c->twhin, c->rg);
	else if (stage == MRS_STAGE_RANKER)
		snprintf(buf, size, "P(any) %.4f", c->heads[MRS_HEAD_ANY]);
	else {
		float sc = mrs_request_score_at(r, i, stage);
		if (isnan(sc))
			snprintf(buf, size, "%12s", "-");
		else
			snprintf(buf, size, "score %+.4f", sc);
	}
}

static void draw_hydrate(const ui *u, surface *sf, int y, int rows)
{
	const mrs_query *q = mrs_request_query(u->s->req);
	char h[64];
	draw_printf(sf, y, 1, sf->cols - 1, ST_NORMAL,
		    "follows %u; blocked or muted %u; seen before %u; negative feedback on %u authors",
		    q->n_followees, q->n_blocked, q->n_seen, q->n_negfb);
	if (rows < 2)
		return;
	int x = 1 + draw_text(sf, y + 1, 1, sf->cols - 1, ST_NORMAL, "strongest ties:");
	for (uint32_t k = 0; k < q->n_followees && x < sf->cols - 2; k++)
		x += draw_printf(sf, y + 1, x, sf->cols - x, ST_NORMAL, " %s %.2f",
				 ui_handle(u, q->followees[k], 16, h, sizeof h), q->followee_rg[k]);
}

static void draw_source(const ui *u, surface *sf, int y, int rows, int src)
{
	const mrs_cand_list *l = mrs_request_source(u->s->req, src);
	char h[64], age[16];
	int64_t now = mrs_request_now(u->s->req);
	for (int i = 0; i < rows && (uint32_t)i < l->n; i++) {
		const mrs_candidate *c = &l->v[i];
		int x = draw_printf(sf, y + i, 1, sf->cols - 1, ST_NORMAL, "%3d %7u %-15s %4s %8.4f  ",
				    i + 1, c->tweet, ui_handle(u, c->author, 15, h, sizeof h),
				    fmt_age(now, mrs_tweet_time(u->s->ds, c->tweet), age, sizeof age),
				    c->source_score[src]);
		draw_text(sf, y + i, 1 + x, sf->cols - 1 - x, ST_DIM, mrs_tweet_text(u->s->ds, c->tweet));
	}
	if (!l->n)
		draw_text(sf, y, 1, sf->cols - 1, ST_DIM, "this source found nothing for this account");
}

static void draw_candidates(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const pipeline *p = v->priv;
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(u->s->req, &n);
	char h[64], val[48];
	uint32_t n_out = p->n - p->n_in;
	for (int i = 0; i < rows && (uint32_t)i < p->n; i++) {
		/* the row's place in order: the dropped ones (after n_in) first when asked */
		uint32_t at = !p->drops_first ? (uint32_t)i
			      : (uint32_t)i < n_out ? p->n_in + (uint32_t)i : (uint32_t)i - n_out;
		uint32_t k = p->order[at];
		bool in = at < p->n_in;
		stage_value(u, &c[k], k, p->stage, val, sizeof val);
		int x = draw_printf(sf, y + i, 1, sf->cols - 1, in ? ST_NORMAL : ST_NEG, "%-4s",
				    in ? "in" : "out");
		x += draw_printf(sf, y + i, 1 + x, sf->cols - 1 - x, ST_NORMAL, "%7u %-15s %s  ", c[k].tweet,
				 ui_handle(u, c[k].author, 15, h, sizeof h), val);
		if (!in)
			x += draw_printf(sf, y + i, 1 + x, sf->cols - 1 - x, ST_NEG, "%s  ",
					 mrs_drop_reason_name(c[k].drop_reason));
		draw_text(sf, y + i, 1 + x, sf->cols - 1 - x, ST_DIM, mrs_tweet_text(u->s->ds, c[k].tweet));
	}
	if (!p->n)
		draw_text(sf, y, 1, sf->cols - 1, ST_DIM, "no candidate is left at this stage");
}

static void pipeline_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const session *s = u->s;
	bool req = s->has_user && s->req;
	int trows = table_rows(v);
	uint32_t most = 1;
	for (int st = 0; req && st < MRS_N_STAGES; st++) {
		const mrs_stage_stats *ss = mrs_request_stage(s->req, st);
		most = ss->in > most ? ss->in : most;
		most = ss->out > most ? ss->out : most;
	}
	draw_printf(sf, y, 0, sf->cols, ST_HEADER, "  %2s %-15s %-22s %6s %6s %9s", "#", "stage",
		    "title", "in", "out", u->deterministic ? "" : "time");
	for (int i = 0; i < trows && v->top + i < MRS_N_STAGES; i++) {
		int st = v->top + i;
		const mrs_stage_info *si = mrs_stage_info_get(st);
		bool cur = st == s->stage;
		char line[160], in[16] = "", outs[16] = "", t[16] = "";
		if (req) {
			const mrs_stage_stats *ss = mrs_request_stage(s->req, st);
			if (st > MRS_STAGE_FOLLOW_RECS)
				snprintf(in, sizeof in, "%u", ss->in);
			snprintf(outs, sizeof outs, "%u", ss->out);
			if (!ss->ran)
				snprintf(t, sizeof t, "kept");
			else if (!u->deterministic)
				snprintf(t, sizeof t, "%.2fms", ss->micros / 1000.0);
		}
		snprintf(line, sizeof line, "%c %2d %-15s %-22s %6s %6s %9s ", cur ? '>' : ' ', st + 1,
			 si->name, si->title, in, outs, t);
		draw_cell(sf, y + 1 + i, 0, sf->cols, cur ? ST_CURSOR : ST_NORMAL, line);
		int x = draw_width(line);
		if (req && x < sf->cols)
			draw_bar(sf, y + 1 + i, x, sf->cols - x - 1, mrs_request_stage(s->req, st)->out,
				 most, ST_BAR);
	}
	/* the selected stage */
	int py = y + 1 + trows, left = rows - 1 - trows;
	if (left < 2)
		return;
	const mrs_stage_info *si = mrs_stage_info_get(s->stage);
	ui_pane_title(sf, py, sf->cols, "stage %d/%d %s: %s", s->stage + 1, MRS_N_STAGES, si->name,
		      si->title);
	char m[512];
	snprintf(m, sizeof m, "mirrors %s", si->mirrors);
	int each = left >= 10 ? 2 : 1;
	int used = 1 + draw_wrapped(sf, py + 1, 1, sf->cols - 1, each, ST_DIM, m);
	used += draw_wrapped(sf, py + used, 1, sf->cols - 1, each, ST_NORMAL, si->what);
	if (!req) {
		ui_need_request(u, sf, py + used - 1, left - used + 1);
		return;
	}
	if (left - used <= 0)
		return;
	if (s->stage == MRS_STAGE_HYDRATE)
		draw_hydrate(u, sf, py + used, left - used);
	else if (s->stage <= MRS_STAGE_FOLLOW_RECS)
		draw_source(u, sf, py + used, left - used, s->stage - MRS_STAGE_IN_NETWORK);
	else
		draw_candidates(v, u, sf, py + used, left - used);
}

const view_ops view_pipeline_ops = {
	"pipeline", "stages", "Stages",
	"the pipeline stepper: every stage with its counts, and one stage's candidates",
	pipeline_init, pipeline_free, pipeline_resize, pipeline_update, pipeline_key, pipeline_draw,
};
