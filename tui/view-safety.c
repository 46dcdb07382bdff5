/* view-safety.c: safety and heuristics: each multiplier and each filter with what it
 * moved or dropped in this request (from the trace events), the candidates with their
 * NSFW and toxicity scores and the penalty or verdict applied, and for the highlighted
 * one every rule that touched it, in order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

enum { N_REASONS = MRS_DROP_NOT_SELECTED + 1 };

typedef struct rule_sum {
	uint32_t count;
	float lo, hi;
} rule_sum;

typedef struct safety {
	uint32_t *order, n;
	rule_sum rules[MRS_N_RULES];
	uint32_t drops[N_REASONS];
	int rule_list[MRS_N_RULES], n_rules; /* the rules the configuration can apply */
} safety;

static int summary_rows(const safety *p)
{
	int n = p->n_rules > N_REASONS - 1 ? p->n_rules : N_REASONS - 1;
	return n + 1;
}

static int detail_rows(const view *v)
{
	return v->rows >= 20 ? 5 : 0;
}

static int list_rows(const view *v)
{
	const safety *p = v->priv;
	int n = v->rows - summary_rows(p) - 1 - detail_rows(v);
	return n > 1 ? n : 1;
}

static int safety_init(view *v, ui *u)
{
	v->priv = calloc(1, sizeof(safety));
	return v->priv ? 0 : -1;
}

static void safety_free(view *v)
{
	safety *p = v->priv;
	if (p)
		free(p->order);
	free(p);
	v->priv = NULL;
}

/* The rules the current configuration can apply, in the order they run. */
static void list_rules(safety *p, const mrs_config *cfg)
{
	p->n_rules = 0;
	if (cfg->fusion == MRS_FUSION_BLEND)
		p->rule_list[p->n_rules++] = MRS_RULE_SOURCE_MULT;
	if (cfg->safety == MRS_SAFETY_PENALTY) {
		p->rule_list[p->n_rules++] = MRS_RULE_NSFW_HIGH;
		p->rule_list[p->n_rules++] = MRS_RULE_NSFW_MID;
		p->rule_list[p->n_rules++] = MRS_RULE_TOX_HIGH;
		p->rule_list[p->n_rules++] = MRS_RULE_TOX_MID;
	} else {
		p->rule_list[p->n_rules++] = MRS_RULE_INTERSTITIAL;
	}
	p->rule_list[p->n_rules++] = MRS_RULE_OON_SCALE;
	p->rule_list[p->n_rules++] = MRS_RULE_RECENCY;
	p->rule_list[p->n_rules++] = MRS_RULE_FATIGUE;
	p->rule_list[p->n_rules++] = MRS_RULE_DIVERSITY;
	p->rule_list[p->n_rules++] = MRS_RULE_POSITION;
}

static void safety_update(view *v, ui *u)
{
	safety *p = v->priv;
	const session *s = u->s;
	free(p->order);
	p->n = ui_rank_order(u, MRS_STAGE_SAFETY, &p->order);
	memset(p->rules, 0, sizeof p->rules);
	memset(p->drops, 0, sizeof p->drops);
	list_rules(p, &s->cfg);
	if (s->has_user && s->req) {
		size_t ne;
		const mrs_event *ev = mrs_request_events(s->req, &ne);
		for (size_t k = 0; k < ne; k++) {
			if (ev[k].kind != MRS_EV_MULT || ev[k].rule >= MRS_N_RULES)
				continue;
			rule_sum *r = &p->rules[ev[k].rule];
			r->lo = r->count ? fminf(r->lo, ev[k].factor) : ev[k].factor;
			r->hi = r->count ? fmaxf(r->hi, ev[k].factor) : ev[k].factor;
			r->count++;
		}
		/* each candidate that left keeps why */
		uint32_t nc;
		const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
		for (uint32_t i = 0; i < nc; i++)
			if (c[i].dropped_at >= 0 && c[i].drop_reason < N_REASONS)
				p->drops[c[i].drop_reason]++;
	}
	ui_list_follow_selected(u, v, p->order, p->n, list_rows(v));
}

static void safety_resize(view *v, ui *u, int rows, int cols)
{
	const safety *p = v->priv;
	view_list_clamp(v, (int)p->n, list_rows(v));
}

static int safety_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	safety *p = v->priv;
	return ui_list_key(u, v, action, arg, p->order, p->n, list_rows(v), NULL, err);
}

/* A rule with the thresholds and factors the configuration gives it. */
static const char *rule_label(const mrs_config *f, int rule, char *buf, size_t size)
{
	switch (rule) {
	case MRS_RULE_NSFW_HIGH:
		snprintf(buf, size, "NSFW > %.2f: x%.2f", f->nsfw_high, f->nsfw_high_mult);
		break;
	case MRS_RULE_NSFW_MID:
		snprintf(buf, size, "NSFW > %.2f: x%.2f", f->nsfw_mid, f->nsfw_mid_mult);
		break;
	case MRS_RULE_TOX_HIGH:
		snprintf(buf, size, "toxic > %.2f: x%.2f", f->tox_high, f->tox_high_mult);
		break;
	case MRS_RULE_TOX_MID:
		snprintf(buf, size, "toxic > %.2f: x%.2f", f->tox_mid, f->tox_mid_mult);
		break;
	case MRS_RULE_INTERSTITIAL:
		snprintf(buf, size, "warn >= %.2f: x%.2f", f->verdict_interstitial,
			 f->interstitial_mult);
		break;
	case MRS_RULE_OON_SCALE:
		snprintf(buf, size, "out of network: x%.2f", f->oon_scale);
		break;
	case MRS_RULE_RECENCY:
		snprintf(buf, size, "recency: %.0fh", f->recency_halflife_hours);
		break;
	case MRS_RULE_FATIGUE:
		snprintf(buf, size, "fatigue: x%.2f", f->fatigue_mult);
		break;
	case MRS_RULE_DIVERSITY:
		snprintf(buf, size, "author diversity %.2f", f->diversity_decay);
		break;
	case MRS_RULE_POSITION:
		snprintf(buf, size, "author position: %.0f", f->position_halflife);
		break;
	default:
		snprintf(buf, size, "%s", mrs_rule_name(rule));
	}
	return buf;
}

static const char *filter_label(const mrs_config *f, int reason, char *buf, size_t size)
{
	switch (reason) {
	case MRS_DROP_AGE:
		snprintf(buf, size, "older than %.0fh", f->max_age_hours);
		break;
	case MRS_DROP_SAFETY:
		snprintf(buf, size, "verdict DROP >= %.2f", f->verdict_drop);
		break;
	case MRS_DROP_SCORE:
		snprintf(buf, size, "score below %g", f->min_score);
		break;
	case MRS_DROP_OON_CAP:
		snprintf(buf, size, "out-of-network > %.0f%%", 100 * f->max_oon_share);
		break;
	case MRS_DROP_NOT_SELECTED:
		snprintf(buf, size, "below the top %u", f->k);
		break;
	default:
		snprintf(buf, size, "%s", mrs_drop_reason_name(reason));
	}
	return buf;
}

static void draw_summary(const safety *p, const ui *u, surface *sf, int y)
{
	const mrs_config *f = &u->s->cfg;
	int half = sf->cols / 2;
	draw_printf(sf, y, 0, half, ST_HEADER, " %-21s %5s %s", "multiplier", "moved", "factor");
	draw_printf(sf, y, half, sf->cols - half, ST_HEADER, " %-24s %7s", "filter", "dropped");
	char b[64], range[32];
	for (int i = 0; i < p->n_rules; i++) {
		const rule_sum *r = &p->rules[p->rule_list[i]];
		if (!r->count)
			snprintf(range, sizeof range, "-");
		else if (r->lo == r->hi)
			snprintf(range, sizeof range, "x%.2f", r->lo);
		else
			snprintf(range, sizeof range, "x%.2f..%.2f", r->lo, r->hi);
		draw_printf(sf, y + 1 + i, 0, half, r->count ? ST_NORMAL : ST_DIM, " %-21s %5u %s",
			    rule_label(f, p->rule_list[i], b, sizeof b), r->count, range);
	}
	for (int reason = 1; reason < N_REASONS; reason++)
		draw_printf(sf, y + reason, half, sf->cols - half, p->drops[reason] ? ST_NORMAL : ST_DIM,
			    " %-24s %7u", filter_label(f, reason, b, sizeof b), p->drops[reason]);
}

static void draw_events(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const safety *p = v->priv;
	const session *s = u->s;
	uint32_t nc, i = p->order[v->cursor];
	const mrs_candidate *c = &mrs_request_candidates(s->req, &nc)[i];
	ui_pane_title(sf, y, sf->cols, "tweet %u: the rules that moved it, in order (fused %+.4f)",
		      c->tweet, c->fused);
	size_t ne;
	const mrs_event *ev = mrs_request_events(s->req, &ne);
	int line = 1;
	for (size_t k = 0; k < ne && line < rows; k++) {
		if (ev[k].cand != i || ev[k].stage < MRS_STAGE_FUSION)
			continue;
		const char *stage = mrs_stage_info_get(ev[k].stage)->name;
		if (ev[k].kind == MRS_EV_MULT)
			draw_printf(sf, y + line++, 1, sf->cols - 1, ev[k].factor < 1 ? ST_NEG : ST_UP,
				    "%-11s %-22s x%.3f   %+.4f -> %+.4f", stage, mrs_rule_name(ev[k].rule),
				    ev[k].factor, ev[k].before, ev[k].after);
		else if (ev[k].kind == MRS_EV_DROP)
			draw_printf(sf, y + line++, 1, sf->cols - 1, ST_NEG, "%-11s dropped: %s", stage,
				    mrs_drop_reason_name(ev[k].reason));
		else if (ev[k].kind == MRS_EV_RANK)
			draw_printf(sf, y + line++, 1, sf->cols - 1, ST_BOLD, "%-11s rank #%.0f", stage,
				    ev[k].after);
	}
	if (line == 1)
		draw_text(sf, y + 1, 1, sf->cols - 1, ST_DIM, "no rule changed its score");
}

static void safety_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const safety *p = v->priv;
	if (!ui_need_request(u, sf, y, rows))
		return;
	const session *s = u->s;
	draw_summary(p, u, sf, y);
	int ly = y + summary_rows(p);
	static const char *const verdicts[] = {"allow", "inter", "drop"};
	draw_printf(sf, ly, 0, sf->cols, ST_HEADER, "  %-4s %7s %-14s %5s %5s %-5s %7s %7s %8s  %s",
		    "rank", "tweet", "author", "nsfw", "toxic", "verd", "safety", "heur", "final", "text");
	uint32_t nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	int page = list_rows(v);
	for (int i = 0; i < page && v->top + i < (int)p->n; i++) {
		int row = v->top + i;
		const mrs_candidate *x = &c[p->order[row]];
		bool cur = row == v->cursor;
		char rk[12] = "-", h[64], fin[16] = "       -", line[256];
		if (x->rank)
			snprintf(rk, sizeof rk, "%u", x->rank);
		if (!isnan(x->score))
			snprintf(fin, sizeof fin, "%+8.4f", x->score);
		snprintf(line, sizeof line, "%c %4s %7u %-14s %5.3f %5.3f %-5s x%5.3f  x%5.3f %8s  ",
			 cur ? '>' : ' ', rk, x->tweet, ui_handle(u, x->author, 14, h, sizeof h), x->nsfw,
			 x->tox, s->cfg.safety == MRS_SAFETY_VERDICT ? verdicts[x->verdict % 3] : "-",
			 x->safety_mult, x->heur_mult, fin);
		draw_style st = cur ? ST_CURSOR : x->safety_mult < 1 || x->dropped_at == MRS_STAGE_SAFETY ? ST_NEG
					       : x->rank ? ST_NORMAL : ST_DIM;
		draw_cell(sf, ly + 1 + i, 0, sf->cols, st, line);
		int w = draw_width(line);
		draw_text(sf, ly + 1 + i, w, sf->cols - w, cur ? ST_CURSOR : ST_DIM,
			  mrs_tweet_text(s->ds, x->tweet));
	}
	if (!p->n)
		draw_text(sf, ly + 1, 2, sf->cols - 2, ST_DIM, "no candidate reached the safety stage");
	else if (detail_rows(v))
		draw_events(v, u, sf, ly + 1 + page, detail_rows(v));
}

const view_ops view_safety_ops = {
	"safety", "heuristics", "Safety",
	"safety and heuristics: every multiplier and filter, what each moved or dropped",
	safety_init, safety_free, safety_resize, safety_update, safety_key, safety_draw,
};
