/* view-eval.c: evaluation: the metrics table of the last `eval` with NDCG bars, the
 * current request's final scores as a histogram per source, and each model's training
 * loss per epoch as a sparkline, read from its model card. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

#define BINS 24
#define MAX_EPOCHS 64

typedef struct loss_curve {
	int n;                   /* epochs; 0 when there is no curve */
	double v[MAX_EPOCHS];
	char note[160];          /* why there is none, or the key it came from */
} loss_curve;

typedef struct evalview {
	uint32_t hist[MRS_N_SOURCES][BINS], count[MRS_N_SOURCES];
	double lo, hi;
	loss_curve loss[MRS_N_MODELS];
} evalview;

static int eval_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(evalview));
	return v->priv ? 0 : -1;
}

static void eval_free(view *v)
{
	free(v->priv);
	v->priv = NULL;
}

/* The per-epoch losses of a model card: "loss_per_epoch", else the first array of numbers
 * whose key mentions "loss", at any depth. */
static const cJSON *find_loss(const cJSON *o, const char **key)
{
	const cJSON *best = cJSON_GetObjectItemCaseSensitive(o, "loss_per_epoch");
	if (cJSON_IsArray(best)) {
		*key = "loss_per_epoch";
		return best;
	}
	for (const cJSON *it = o ? o->child : NULL; it; it = it->next) {
		if (cJSON_IsArray(it) && it->string && strstr(it->string, "loss") &&
		    cJSON_IsNumber(cJSON_GetArrayItem(it, 0))) {
			*key = it->string;
			return it;
		}
		if (cJSON_IsObject(it)) {
			const cJSON *in = find_loss(it, key);
			if (in)
				return in;
		}
	}
	return NULL;
}

static void read_card(const char *dir, const char *name, loss_curve *lc)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	lc->n = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(lc->note, sizeof lc->note, "no model card (%.120s)", path);
		return;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = cap ? cap * 2 : 8192);
			if (!t)
				break;
			text = t;
		}
		size_t got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0 || len > (1u << 22))
			break;
	}
	fclose(f);
	if (!text) {
		snprintf(lc->note, sizeof lc->note, "out of memory");
		return;
	}
	text[len] = '\0';
	cJSON *card = cJSON_Parse(text);
	free(text);
	const char *key = NULL;
	const cJSON *arr = card ? find_loss(card, &key) : NULL;
	if (!card)
		snprintf(lc->note, sizeof lc->note, "%.120s is not JSON", path);
	else if (!arr)
		snprintf(lc->note, sizeof lc->note, "its card records no loss per epoch");
	else {
		const cJSON *x;
		cJSON_ArrayForEach(x, arr)
		{
			if (lc->n < MAX_EPOCHS && cJSON_IsNumber(x))
				lc->v[lc->n++] = x->valuedouble;
		}
		snprintf(lc->note, sizeof lc->note, "%s", key);
	}
	cJSON_Delete(card);
}

static void eval_update(view *v, ui *u)
{
	evalview *e = v->priv;
	const session *s = u->s;
	memset(e->hist, 0, sizeof e->hist);
	memset(e->count, 0, sizeof e->count);
	e->lo = INFINITY, e->hi = -INFINITY;
	if (s->has_user && s->req) {
		uint32_t n;
		const mrs_candidate *c = mrs_request_candidates(s->req, &n);
		for (uint32_t i = 0; i < n; i++)
			if (!isnan(c[i].score) && (c[i].dropped_at < 0 || c[i].dropped_at > MRS_STAGE_FUSION)) {
				e->lo = fmin(e->lo, c[i].score);
				e->hi = fmax(e->hi, c[i].score);
			}
		for (uint32_t i = 0; i < n && e->hi >= e->lo; i++) {
			if (isnan(c[i].score) || !(c[i].dropped_at < 0 || c[i].dropped_at > MRS_STAGE_FUSION))
				continue;
			double span = e->hi > e->lo ? e->hi - e->lo : 1;
			int b = (int)((c[i].score - e->lo) / span * BINS);
			b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
			e->hist[c[i].source][b]++;
			e->count[c[i].source]++;
		}
	}
	char set[4200]; /* the engine's set, or else the one current now */
	if (s->engine && mrs_engine_models_dir(s->engine)[0])
		snprintf(set, sizeof set, "%s", mrs_engine_models_dir(s->engine));
	else if (mrs_models_current(s->opts.models, set, sizeof set, NULL))
		snprintf(set, sizeof set, "%s", s->opts.models);
	for (int m = 0; m < MRS_N_MODELS; m++)
		read_card(set, mrs_model_name((mrs_model_id)m), &e->loss[m]);
}

static int eval_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	return VIEW_UNHANDLED;
}

static int draw_metrics(const ui *u, surface *sf, int y, int rows)
{
	const session *s = u->s;
	if (!s->has_eval) {
		ui_pane_title(sf, y, sf->cols, "offline metrics");
		draw_text(sf, y + 1, 1, sf->cols - 1, ST_NORMAL,
			  "Not evaluated yet: r runs `eval` (200 test users, k = 10; it takes a while).");
		return 2;
	}
	const mrs_eval_result *r = &s->last_eval;
	ui_pane_title(sf, y, sf->cols, "offline metrics at k=%u over %u of %u test users (%s)", r->k,
		      r->users, r->test_users, s->cfg.preset);
	draw_printf(sf, y + 1, 0, sf->cols, ST_HEADER, " %-13s %6s %6s %6s %6s %6s %6s  %s", "system",
		    "NDCG", "P", "R", "MRR", "Hit", "cover", "NDCG");
	double best = 1e-9;
	for (int k = 0; k < MRS_N_SYSTEMS; k++)
		if (r->sys[k].present)
			best = fmax(best, r->sys[k].ndcg);
	int line = 2;
	for (int k = 0; k < MRS_N_SYSTEMS && line < rows; k++) {
		const mrs_rank_metrics *m = &r->sys[k];
		if (!m->present)
			continue;
		int x = draw_printf(sf, y + line, 0, sf->cols, k == MRS_SYS_PIPELINE ? ST_BOLD : ST_NORMAL,
				    " %-13s %6.4f %6.4f %6.4f %6.4f %6.4f %6.4f  ", mrs_system_name(k), m->ndcg,
				    m->precision, m->recall, m->mrr, m->hit_rate, m->coverage);
		draw_bar(sf, y + line, x, sf->cols - x - 1, m->ndcg, best, ST_BAR);
		line++;
	}
	return line;
}

static int draw_histograms(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const evalview *e = v->priv;
	if (!u->s->has_user || !u->s->req) {
		ui_pane_title(sf, y, sf->cols, "final scores per source");
		draw_text(sf, y + 1, 1, sf->cols - 1, ST_DIM, "pick an account to see its scores");
		return 2;
	}
	ui_pane_title(sf, y, sf->cols, "final scores per source, this request (%.3f .. %.3f)",
		      isfinite(e->lo) ? e->lo : 0, isfinite(e->hi) ? e->hi : 0);
	int line = 1;
	for (int src = 0; src < MRS_N_SOURCES && line < rows; src++, line++) {
		double h[BINS];
		uint32_t most = 0;
		for (int b = 0; b < BINS; b++)
			most = e->hist[src][b] > most ? e->hist[src][b] : most;
		int x = draw_printf(sf, y + line, 1, sf->cols - 1, ST_NORMAL, "%-13s %4u  ",
				    mrs_source_label(src), e->count[src]);
		if (!e->count[src]) {
			draw_text(sf, y + line, 1 + x, sf->cols - 1 - x, ST_DIM, "none scored");
			continue;
		}
		/* bins scaled against their own tallest, on a common score axis */
		for (int b = 0; b < BINS; b++)
			h[b] = e->hist[src][b];
		static const char *const blocks[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
		static const char ascii[] = " .:-=+*##";
		for (int b = 0; b < BINS && 1 + x + b < sf->cols; b++) {
			int level = most ? (int)ceil(8.0 * h[b] / most) : 0;
			char a[2] = {ascii[level], '\0'};
			draw_text(sf, y + line, 1 + x + b, 1, ST_BAR, sf->unicode ? blocks[level] : a);
		}
	}
	return line;
}

static void draw_losses(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const evalview *e = v->priv;
	ui_pane_title(sf, y, sf->cols, "training loss per epoch (model cards in %s)", u->s->opts.models);
	for (int m = 0; m < MRS_N_MODELS && 1 + m < rows; m++) {
		const loss_curve *lc = &e->loss[m];
		int x = 1 + draw_printf(sf, y + 1 + m, 1, sf->cols - 1, ST_NORMAL, "%-13s ",
					mrs_model_name((mrs_model_id)m));
		if (!lc->n) {
			draw_text(sf, y + 1 + m, x, sf->cols - x, ST_DIM, lc->note);
			continue;
		}
		int w = lc->n < 24 ? lc->n : 24;
		draw_spark(sf, y + 1 + m, x, w, lc->v, lc->n, ST_BAR);
		draw_printf(sf, y + 1 + m, x + w + 1, sf->cols - x - w - 1, ST_NORMAL,
			    "%.4f -> %.4f over %d epochs", lc->v[0], lc->v[lc->n - 1], lc->n);
	}
}

static void eval_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	int used = draw_metrics(u, sf, y, rows - 12 > 4 ? rows - 12 : 4);
	used += draw_histograms(v, u, sf, y + used, 5);
	if (rows - used > 1)
		draw_losses(v, u, sf, y + used, rows - used);
}

const view_ops view_eval_ops = {
	"eval", NULL, "Eval",
	"offline metrics with bars, score histograms per source, training-loss sparklines",
	eval_init, eval_free, NULL, eval_update, eval_key, eval_draw,
};
