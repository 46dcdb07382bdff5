/* ui.c: the explorer's core, independent of the terminal: keys through the binding table
 * to the command language, command output to the message line or the pager, the tab bar
 * and status line around the current screen, progress of long work, and the NDCG@10
 * evaluation that waits for a quiet moment after a weight change. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "ui.h"

volatile sig_atomic_t ui_signal;

static const view_ops *const all_views[V_N] = {
	[V_ACCOUNTS] = &view_accounts_ops,   [V_PIPELINE] = &view_pipeline_ops,
	[V_CANDIDATES] = &view_candidates_ops, [V_SCORES] = &view_scores_ops,
	[V_SAFETY] = &view_safety_ops,       [V_TIMELINE] = &view_timeline_ops,
	[V_WEIGHTS] = &view_weights_ops,     [V_EVAL] = &view_eval_ops,
	[V_HELP] = &view_help_ops,           [V_SETUP] = &view_setup_ops,
	[V_COMPARE] = &view_compare_ops,
};

/* ------------------------------------------------------------------ helpers for views */

void view_list_clamp(view *v, int n, int page)
{
	if (page < 1)
		page = 1;
	if (v->cursor >= n)
		v->cursor = n - 1;
	if (v->cursor < 0)
		v->cursor = 0;
	if (v->top > v->cursor)
		v->top = v->cursor;
	if (v->cursor >= v->top + page)
		v->top = v->cursor - page + 1;
	if (v->top > n - page)
		v->top = n - page;
	if (v->top < 0)
		v->top = 0;
}

int view_list_key(view *v, int action, long arg, int n, int page)
{
	switch (action) {
	case VA_UP:
		v->cursor--;
		break;
	case VA_DOWN:
		v->cursor++;
		break;
	case VA_PGUP:
		v->cursor -= page > 1 ? page - 1 : 1;
		break;
	case VA_PGDN:
		v->cursor += page > 1 ? page - 1 : 1;
		break;
	case VA_TOP:
		v->cursor = 0;
		break;
	case VA_BOTTOM:
		v->cursor = n - 1;
		break;
	case VA_GOTO:
		v->cursor = (int)arg - 1;
		break;
	default:
		return VIEW_UNHANDLED;
	}
	view_list_clamp(v, n, page);
	return VIEW_OK;
}

bool ui_has_prev(const ui *u)
{
	const session *s = u->s;
	return s->req && (mrs_request_has_prev(s->req) || s->before);
}

uint32_t ui_prev_rank(const ui *u, uint32_t tweet)
{
	const session *s = u->s;
	if (!s->req)
		return 0;
	if (mrs_request_has_prev(s->req))
		return mrs_request_prev_rank(s->req, tweet);
	/* the first run after a what-if edit: the timeline the session kept from before it */
	for (uint32_t k = 0; s->before && k < s->n_before; k++)
		if (s->before[k] == tweet)
			return k + 1;
	return 0;
}

const char *ui_movement(const ui *u, const mrs_candidate *c, char *buf, size_t size,
			draw_style *st)
{
	*st = ST_DIM;
	buf[0] = '\0';
	if (!c->rank || !ui_has_prev(u))
		return buf;
	uint32_t prev = ui_prev_rank(u, c->tweet);
	if (!prev) {
		*st = ST_NEW;
		snprintf(buf, size, "new");
	} else if (prev == c->rank) {
		snprintf(buf, size, "=");
	} else if (prev > c->rank) {
		*st = ST_UP;
		snprintf(buf, size, "^%u", prev - c->rank);
	} else {
		*st = ST_DOWN;
		snprintf(buf, size, "v%u", c->rank - prev);
	}
	return buf;
}

const char *ui_handle(const ui *u, uint32_t user, int w, char *buf, size_t size)
{
	char h[96];
	snprintf(h, sizeof h, "@%s", mrs_handle(u->s->ds, user));
	return fmt_cut(h, w, buf, size);
}

void ui_pane_title(surface *sf, int y, int w, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	draw_rule(sf, y, 0, w, ST_HEADER, buf);
}

static int by_rank_then_score(const void *a, const void *b, void *ctx)
{
	const mrs_candidate *c = ctx;
	const mrs_candidate *x = &c[*(const uint32_t *)a], *y = &c[*(const uint32_t *)b];
	if ((x->rank != 0) != (y->rank != 0))
		return x->rank ? -1 : 1;
	if (x->rank)
		return x->rank < y->rank ? -1 : 1;
	if (isnan(x->score) != isnan(y->score))
		return isnan(x->score) ? 1 : -1;
	if (!isnan(x->score) && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x < y ? -1 : x > y;
}

uint32_t ui_rank_order(const ui *u, int stage, uint32_t **res)
{
	const session *s = u->s;
	*res = NULL;
	if (!s->has_user || !s->req)
		return 0;
	uint32_t n, k = 0;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	uint32_t *o = malloc(sizeof(uint32_t) * (n ? n : 1));
	if (!o)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (c[i].dropped_at < 0 || c[i].dropped_at >= stage)
			o[k++] = i;
	qsort_r(o, k, sizeof *o, by_rank_then_score, (void *)c);
	*res = o;
	return k;
}

void ui_select_candidate(ui *u, const uint32_t *order, uint32_t n, int cursor)
{
	session *s = u->s;
	if (!order || cursor < 0 || (uint32_t)cursor >= n || !s->req)
		return;
	uint32_t nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	s->selected = c[order[cursor]].tweet;
}

void ui_list_follow_selected(ui *u, view *v, const uint32_t *order, uint32_t n, int page)
{
	uint32_t nc;
	const mrs_candidate *c = u->s->req ? mrs_request_candidates(u->s->req, &nc) : NULL;
	for (uint32_t i = 0; c && i < n; i++)
		if (c[order[i]].tweet == u->s->selected)
			v->cursor = (int)i;
	view_list_clamp(v, (int)n, page);
	ui_select_candidate(u, order, n, v->cursor);
}

int ui_list_key(ui *u, view *v, int action, long arg, const uint32_t *order, uint32_t n,
		int page, const char *empty, mrs_error *err)
{
	if (action == VA_SELECT) {
		if (cmd_need_user(u->s, err))
			return -1;
		if (!n && empty)
			return mrs_fail(err, MRS_ERR_REFUSED, "%s", empty);
		ui_select_candidate(u, order, n, v->cursor);
		ui_queue(u, "pager explain");
		return VIEW_OK;
	}
	int r = view_list_key(v, action, arg, (int)n, page);
	ui_select_candidate(u, order, n, v->cursor);
	return r;
}

bool ui_need_request(const ui *u, surface *sf, int y, int rows)
{
	const session *s = u->s;
	if (s->has_user && s->req)
		return true;
	if (rows > 1) {
		draw_text(sf, y + 1, 2, sf->cols - 4, ST_NORMAL,
			  "No account chosen yet. Pick one on the Accounts screen (1, then Enter),");
		draw_text(sf, y + 2, 2, sf->cols - 4, ST_NORMAL, "or type :user ID (or :user @handle).");
	}
	return false;
}

/* ------------------------------------------------------------------ progress */

static void draw_message_line(ui *u);

static int ui_progress_cb(void *ud, const char *phase, double done, double total,
			  const char *detail)
{
	ui *u = ud;
	if (ui_signal) {
		u->cancelled = true;
		return 1;
	}
	u->busy = true;
	snprintf(u->busy_phase, sizeof u->busy_phase, "%s", phase ? phase : "");
	snprintf(u->busy_detail, sizeof u->busy_detail, "%s", detail ? detail : "");
	u->busy_done = done;
	u->busy_total = total;
	if (u->deterministic)
		return 0;
	double t = mrs_seconds();
	if (t - u->busy_drawn < 0.1)
		return 0;
	u->busy_drawn = t;
	/* the setup screen shows the work itself; elsewhere only the message line changes,
	 * since the session is half-way through a change the views would read */
	if (u->cur == V_SETUP && !ui_too_small(u)) {
		ui_draw(u);
	} else if (!ui_too_small(u)) {
		draw_message_line(u);
		u->sf->ops->flush(u->sf, -1, 0);
	}
	return 0;
}

/* ------------------------------------------------------------------ set-up */

ui *ui_of(session *s, mrs_error *err)
{
	if (!s->ui)
		mrs_fail(err, MRS_ERR_USAGE, "only in the explorer (minirecsys explore)");
	return s->ui;
}

int ui_screen_by_name(const char *name)
{
	for (int v = 0; v < V_N; v++)
		if (strcmp(all_views[v]->name, name) == 0 ||
		    (all_views[v]->alias && strcmp(all_views[v]->alias, name) == 0))
			return v;
	return -1;
}

static int view_rows(const ui *u)
{
	return u->sf->rows - 3; /* the tab bar, the status bar, the message line */
}

void ui_show(ui *u, int v)
{
	if (v < 0 || v >= V_N)
		return;
	u->cur = v;
	view *w = &u->views[v];
	w->gen = u->gen - 1; /* bring it up to date before it is drawn */
}

int ui_init(ui *u, session *s, surface *sf)
{
	memset(u, 0, sizeof *u);
	u->s = s;
	u->sf = sf;
	out_init(&u->sink, OUT_KEEP, NULL);
	u->progress = (mrs_progress){ui_progress_cb, u};
	s->o = &u->sink;
	s->progress = &u->progress;
	s->ui = u;
	u->gen = 1;
	for (int v = 0; v < V_N; v++)
		u->views[v].ops = all_views[v];
	for (int v = 0; v < V_N; v++)
		if (all_views[v]->init && all_views[v]->init(&u->views[v], u))
			return -1;
	u->cur = access(s->opts.data, F_OK) == 0 ? V_ACCOUNTS : V_SETUP;
	ui_resize(u);
	snprintf(u->msg, sizeof u->msg, "%s",
		 u->cur == V_SETUP ? "" : "Enter picks an account, / searches, ? lists the keys");
	return 0;
}

void ui_free(ui *u)
{
	for (int v = 0; v < V_N; v++)
		if (u->views[v].ops && u->views[v].ops->free)
			u->views[v].ops->free(&u->views[v]);
	for (size_t i = 0; i < u->pager_n; i++)
		free(u->pager_lines[i]);
	free(u->pager_lines);
	lineedit_free(&u->le);
	mrs_evaluator_free(u->ndcg_ev);
	u->s->ui = NULL;
	u->s->o = NULL;
	u->s->progress = NULL;
	out_free(&u->sink);
}

bool ui_too_small(const ui *u)
{
	return u->sf->rows < UI_MIN_ROWS || u->sf->cols < UI_MIN_COLS;
}

void ui_resize(ui *u)
{
	int rows = view_rows(u);
	for (int v = 0; v < V_N; v++) {
		view *w = &u->views[v];
		w->rows = rows > 0 ? rows : 0;
		w->cols = u->sf->cols;
		if (w->ops->resize && !ui_too_small(u))
			w->ops->resize(w, u, w->rows, w->cols);
	}
	if (u->pager)
		ui_pager_scroll(u, 0);
}

/* ------------------------------------------------------------------ commands */

void ui_queue(ui *u, const char *fmt, ...)
{
	if (u->n_pending >= (int)(sizeof u->pending / sizeof u->pending[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->pending[u->n_pending++], sizeof u->pending[0], fmt, ap);
	va_end(ap);
}

void ui_prompt_open(ui *u, const char *text)
{
	u->prompting = true;
	lineedit_reset(&u->le, text);
}

void ui_pager_close(ui *u)
{
	u->pager = false;
}

int ui_pager_open(ui *u)
{
	if (!u->pager_n)
		return -1;
	u->pager = true;
	u->pager_top = 0;
	return 0;
}

/* Rows a pager line takes at the surface's width: long lines wrap at spaces. */
static size_t pager_line_rows(const ui *u, const char *line)
{
	size_t rows = 1;
	for (;;) {
		line += draw_fit_words(line, u->sf->cols);
		line += strspn(line, " ");
		if (!*line)
			return rows;
		rows++;
	}
}

static size_t pager_rows(const ui *u)
{
	size_t n = 0;
	for (size_t i = 0; i < u->pager_n; i++)
		n += pager_line_rows(u, u->pager_lines[i]);
	return n;
}

void ui_pager_scroll(ui *u, int action)
{
	long page = view_rows(u) - 1, top = (long)u->pager_top;
	long max = (long)pager_rows(u) - page;
	switch (action) {
	case VA_UP:
		top--;
		break;
	case VA_DOWN:
		top++;
		break;
	case VA_PGUP:
		top -= page;
		break;
	case VA_PGDN:
		top += page;
		break;
	case VA_TOP:
		top = 0;
		break;
	case VA_BOTTOM:
		top = max;
		break;
	}
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	u->pager_top = (size_t)top;
}

/* Takes what the commands printed: keeps it for the pager (`o` shows it again) when
 * there is any, and says what happened on the message line. */
static void take_output(ui *u, const char *line, int status, bool typed)
{
	bool printed = u->sink.n_lines > 0;
	if (printed) {
		for (size_t i = 0; i < u->pager_n; i++)
			free(u->pager_lines[i]);
		free(u->pager_lines);
		u->pager_lines = u->sink.lines;
		u->pager_n = u->sink.n_lines;
		u->sink.lines = NULL;
		u->sink.n_lines = u->sink.cap_lines = 0;
		snprintf(u->pager_title, sizeof u->pager_title, "%s", line);
		u->pager = false;
	}
	out_clear(&u->sink);
	u->msg_error = status != CMD_OK;
	if (u->msg_error) {
		snprintf(u->msg, sizeof u->msg, "%s", cmd_last_error());
		return;
	}
	if (!printed) {
		u->msg[0] = '\0';
		if (u->reopen_pager)
			ui_pager_open(u);
		return;
	}
	if ((typed && u->pager_n > 1) || u->want_pager) {
		ui_pager_open(u);
		u->msg[0] = '\0';
		return;
	}
	/* as many lines as fit on the message line, joined; `o` shows them all */
	size_t n = 0, shown = 0;
	char more[48];
	snprintf(more, sizeof more, "  (o: all %zu lines)", u->pager_n);
	int room = u->sf->cols - draw_width(more);
	u->msg[0] = '\0';
	for (size_t i = 0; i < u->pager_n; i++) {
		const char *l = u->pager_lines[i] + strspn(u->pager_lines[i], " ");
		if (!*l) {
			shown++;
			continue;
		}
		if (n && draw_width(u->msg) + 2 + draw_width(l) > room)
			break;
		n += (size_t)snprintf(u->msg + n, sizeof u->msg - (n < sizeof u->msg ? n : sizeof u->msg),
				      "%s%s", n ? "; " : "", l);
		if (n >= sizeof u->msg)
			break;
		shown++;
	}
	if (shown < u->pager_n && n < sizeof u->msg)
		snprintf(u->msg + n, sizeof u->msg - n, "%s", more);
}

int ui_run(ui *u, const char *line, bool typed)
{
	session *s = u->s;
	u->want_pager = u->reopen_pager = false;
	u->n_pending = 0;
	int status = cmd_run_line(s, line, 0);
	/* commands a view queued (Enter on an account runs `user ID`) */
	for (int i = 0; i < u->n_pending && status == CMD_OK && !s->quit; i++) {
		int st = cmd_run_line(s, u->pending[i], 0);
		if (st > status)
			status = st;
	}
	u->n_pending = 0;
	u->busy = false;
	u->gen++;
	take_output(u, line, status, typed);
	if (s->quit)
		u->quit = true;
	return status;
}

/* ------------------------------------------------------------------ keys */

static void key_too_small(ui *u, ukey k)
{
	if (k == 'q' || k == UK_CTRL('c'))
		u->quit = true;
}

void ui_key(ui *u, ukey k)
{
	if (k == UK_RESIZE) {
		ui_resize(u);
		return;
	}
	if (ui_too_small(u)) {
		key_too_small(u, k);
		return;
	}
	if (u->prompting) {
		int r = lineedit_key(&u->le, k);
		if (r < 0) {
			u->prompting = false;
		} else if (r > 0) {
			char line[sizeof u->le.buf];
			snprintf(line, sizeof line, "%s", u->le.buf);
			u->prompting = false;
			lineedit_history_add(&u->le, line);
			if (line[strspn(line, " ")])
				ui_run(u, line, true);
		}
		return;
	}
	const char *cmd = NULL;
	if (u->pager && !(cmd = ui_binding_find("pager", k)))
		ui_pager_close(u);
	if (!cmd)
		cmd = ui_binding_find(u->views[u->cur].ops->name, k);
	if (!cmd) {
		char b[16];
		snprintf(u->msg, sizeof u->msg, "%s is not bound to anything here (? lists the keys)",
			 ui_key_name(k, b, sizeof b));
		u->msg_error = false;
		return;
	}
	ui_run(u, cmd, false);
}

/* ------------------------------------------------------------------ NDCG on a sample */

bool ui_ndcg_get(const ui *u, const mrs_config *cfg, double *ndcg)
{
	for (int i = 0; i < u->ndcg_n; i++)
		if (memcmp(&u->ndcg_cache[i].cfg, cfg, sizeof *cfg) == 0) {
			*ndcg = u->ndcg_cache[i].ndcg;
			return true;
		}
	return false;
}

static int ndcg_compute(ui *u, const mrs_config *cfg, mrs_error *err)
{
	session *s = u->s;
	double have;
	if (ui_ndcg_get(u, cfg, &have))
		return 0;
	if (!u->ndcg_ev) {
		if (session_dataset(s, err))
			return -1;
		/* a fixed sample, only the pipeline: later runs re-rank the kept requests */
		mrs_eval_opts o = {.k = 10, .users = UI_NDCG_USERS, .seed = 1,
				   .models_dir = s->opts.models,
				   .systems = 1u << MRS_SYS_PIPELINE, .keep_requests = true};
		snprintf(u->busy_phase, sizeof u->busy_phase, "NDCG sample");
		/* the dataset as loaded, which outlives what-if edits (it borrows it) */
		if (!(u->ndcg_ev = mrs_evaluator_new(s->base ? s->base : s->ds, &o, &u->progress, err)))
			return -1;
	}
	mrs_eval_result r;
	if (mrs_evaluator_run(u->ndcg_ev, cfg, &r, &u->progress, err))
		return -1;
	ui_ndcg *slot = &u->ndcg_cache[u->ndcg_next];
	slot->cfg = *cfg;
	slot->ndcg = r.sys[MRS_SYS_PIPELINE].ndcg;
	u->ndcg_next = (u->ndcg_next + 1) % UI_NDCG_CACHE;
	if (u->ndcg_n < UI_NDCG_CACHE)
		u->ndcg_n++;
	return 0;
}

/* Drops what was built over a dataset or engine the session has since replaced. */
static void ui_sync_epoch(ui *u)
{
	if (u->epoch == u->s->epoch)
		return;
	u->epoch = u->s->epoch;
	mrs_evaluator_free(u->ndcg_ev);
	u->ndcg_ev = NULL;
	u->ndcg_n = u->ndcg_next = 0;
	u->ndcg_error[0] = '\0';
}

/* Opens the dataset and the engine, with progress, on the first quiet moment. */
static void ui_open(ui *u)
{
	session *s = u->s;
	mrs_error err = {0};
	u->opened = true;
	if (u->cur == V_SETUP)
		return;
	if (session_engine(s, &err)) {
		u->busy = false;
		snprintf(u->msg, sizeof u->msg, "%s", err.code == MRS_ERR_CANCELLED ? "cancelled" : err.msg);
		u->msg_error = true;
		ui_show(u, V_SETUP);
		return;
	}
	u->busy = false;
	u->gen++;
	/* no trained model at all: say how to make them */
	int fallbacks = 0;
	for (int m = 0; m < MRS_N_MODELS; m++)
		fallbacks += !mrs_engine_status(s->engine, (mrs_model_id)m)->loaded;
	if (fallbacks == MRS_N_MODELS && cmd_find("train") && u->cur == V_ACCOUNTS)
		snprintf(u->msg, sizeof u->msg,
			 "Enter picks an account, / searches, ? lists the keys. No models yet: :train");
}

bool ui_idle(ui *u)
{
	ui_sync_epoch(u);
	if (!u->opened) {
		ui_open(u);
		return true;
	}
	if (!u->ndcg_wanted || u->cur != V_WEIGHTS || u->ndcg_error[0])
		return false;
	u->ndcg_wanted = false;
	session *s = u->s;
	mrs_error err = {0};
	if (ndcg_compute(u, &s->cfg, &err) ||
	    (s->has_prev_cfg && ndcg_compute(u, &s->prev_cfg, &err)) ||
	    (u->ndcg_start_set && ndcg_compute(u, &u->ndcg_start, &err))) {
		/* not again for this configuration: the next change tries again */
		snprintf(u->ndcg_error, sizeof u->ndcg_error, "%s",
			 err.code == MRS_ERR_CANCELLED ? "cancelled" : err.msg);
		u->ndcg_failed_cfg = s->cfg;
	}
	if (!u->ndcg_start_set && !u->ndcg_error[0]) {
		u->ndcg_start = s->cfg;
		u->ndcg_start_set = true;
	}
	u->busy = false;
	u->gen++;
	return true;
}

/* ------------------------------------------------------------------ drawing */

static void draw_tabs(ui *u)
{
	surface *sf = u->sf;
	draw_fill(sf, 0, 0, sf->cols, ST_TITLE);
	int x = 0;
	bool wide = sf->cols >= 110;
	if (wide)
		x += draw_text(sf, 0, x, sf->cols - x, ST_TITLE, " minirecsys ");
	for (int v = 0; v <= V_HELP; v++) {
		char label[48];
		const view_ops *o = all_views[v];
		snprintf(label, sizeof label, "%c %s ", v == V_HELP ? '?' : '1' + v, o->label);
		draw_style st = v == u->cur ? ST_TAB : ST_TITLE;
		x += draw_text(sf, 0, x, sf->cols - x, st, label);
	}
}

static void draw_status(ui *u)
{
	surface *sf = u->sf;
	session *s = u->s;
	int y = sf->rows - 2;
	char buf[512], h[64];
	size_t n = 0;
	draw_fill(sf, y, 0, sf->cols, ST_STATUS);
	if (s->has_user && s->ds)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " %s (%u)",
				      ui_handle(u, s->user, 20, h, sizeof h), s->user);
	else
		n += (size_t)snprintf(buf + n, sizeof buf - n, " no account");
	const mrs_stage_info *si = mrs_stage_info_get(s->stage);
	n += (size_t)snprintf(buf + n, sizeof buf - n, " | stage %d/%d %s | %s", s->stage + 1,
			      MRS_N_STAGES, si ? si->name : "?", s->cfg.preset);
	if (s->engine) {
		int fb = 0, other = 0;
		for (int m = 0; m < MRS_N_MODELS; m++) {
			const mrs_model_status *ms = mrs_engine_status(s->engine, (mrs_model_id)m);
			fb += !ms->loaded;
			other += ms->other_dataset;
		}
		if (fb)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " | %sfallbacks %d/%d",
					      other ? "other dataset: " : "", fb,
					      MRS_N_MODELS);
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, " | models loaded");
	}
	if (s->n_edits)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " | what-if: %zu edit%s", s->n_edits,
				      s->n_edits == 1 ? "" : "s");
	int used = draw_text(sf, y, 0, sf->cols, ST_STATUS, buf);
	const char *right = "? help  : command ";
	int rw = draw_width(right);
	if (sf->cols - used > rw + 1)
		draw_text(sf, y, sf->cols - rw, rw, ST_STATUS, right);
}

static void draw_message_line(ui *u)
{
	surface *sf = u->sf;
	int y = sf->rows - 1;
	draw_fill(sf, y, 0, sf->cols, ST_NORMAL);
	if (u->busy) {
		char pct[16] = "";
		int x = draw_printf(sf, y, 0, sf->cols, ST_BOLD, "%s ", u->busy_phase);
		int bw = sf->cols / 4;
		if (u->busy_total > 0) {
			draw_text(sf, y, x, 1, ST_NORMAL, "[");
			draw_bar(sf, y, x + 1, bw, u->busy_done, u->busy_total, ST_BAR);
			draw_text(sf, y, x + 1 + bw, 1, ST_NORMAL, "]");
			snprintf(pct, sizeof pct, " %3.0f%%",
				 100.0 * fmin(1.0, u->busy_done / u->busy_total));
			x += bw + 2;
		}
		x += draw_text(sf, y, x, sf->cols - x, ST_NORMAL, pct);
		draw_printf(sf, y, x, sf->cols - x, ST_DIM, "  %s  (Ctrl-C cancels)", u->busy_detail);
		return;
	}
	if (u->msg[0])
		draw_text(sf, y, 0, sf->cols, u->msg_error ? ST_ERROR : ST_NORMAL, u->msg);
}

static void draw_pager(ui *u, int y, int rows)
{
	surface *sf = u->sf;
	char title[200];
	snprintf(title, sizeof title, ":%s  (%zu lines; q closes, j/k/Space scroll)", u->pager_title,
		 u->pager_n);
	draw_rule(sf, y, 0, sf->cols, ST_HEADER, title);
	/* rows are pieces of lines as wide as the screen; skip pager_top of them */
	size_t skip = u->pager_top;
	int row = 1;
	for (size_t i = 0; i < u->pager_n && row < rows; i++) {
		const char *p = u->pager_lines[i];
		do {
			size_t n = draw_fit_words(p, sf->cols);
			if (skip) {
				skip--;
			} else {
				char piece[1024];
				snprintf(piece, sizeof piece, "%.*s", (int)n, p);
				draw_text(sf, y + row++, 0, sf->cols, ST_NORMAL, piece);
			}
			p += n;
			p += strspn(p, " "); /* a wrapped line goes on at its next word */
		} while (*p && row < rows);
	}
}

static void draw_too_small(ui *u)
{
	surface *sf = u->sf;
	char a[64], b[64];
	snprintf(a, sizeof a, "Too small: %dx%d.", sf->cols, sf->rows);
	snprintf(b, sizeof b, "Need %dx%d.", UI_MIN_COLS, UI_MIN_ROWS);
	const char *lines[] = {a, b, "Resize, or q to quit."};
	int top = sf->rows > 3 ? (sf->rows - 3) / 2 : 0;
	for (int i = 0; i < 3 && top + i < sf->rows; i++) {
		int w = draw_width(lines[i]);
		int x = sf->cols > w ? (sf->cols - w) / 2 : 0;
		draw_text(sf, top + i, x, sf->cols, i == 0 ? ST_BOLD : ST_NORMAL, lines[i]);
	}
}

void ui_draw(ui *u)
{
	surface *sf = u->sf;
	sf->ops->clear(sf);
	if (ui_too_small(u)) {
		draw_too_small(u);
		sf->ops->flush(sf, -1, 0);
		return;
	}
	view *v = &u->views[u->cur];
	ui_sync_epoch(u);
	if (v->gen != u->gen && !u->busy) {
		if (v->ops->update)
			v->ops->update(v, u);
		v->gen = u->gen;
	}
	draw_tabs(u);
	int rows = view_rows(u);
	if (u->pager)
		draw_pager(u, 1, rows);
	else if (!u->busy || u->cur == V_SETUP)
		v->ops->draw(v, u, sf, 1, rows);
	draw_status(u);
	int cx = -1;
	if (u->prompting) {
		draw_fill(sf, sf->rows - 1, 0, sf->cols, ST_NORMAL);
		cx = lineedit_draw(&u->le, sf, sf->rows - 1, ":");
	} else {
		draw_message_line(u);
	}
	sf->ops->flush(sf, cx >= 0 ? sf->rows - 1 : -1, cx);
}
