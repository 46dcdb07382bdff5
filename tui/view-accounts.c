/* view-accounts.c: the account picker: accounts found by id, handle or interest (the
 * `users` command's search), sortable, with the highlighted account's profile below;
 * Enter picks it (`user ID`) and opens the pipeline stepper. */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "ui.h"

typedef struct accounts {
	char query[128];
	int sort;
	uint32_t *ids, n;
	bool built;          /* ids hold the search for this query, order and dataset */
	unsigned epoch;
	const mrs_dataset *ds;
	char error[1024];
	bool has_profile;
	report_profile prof;
} accounts;

/* Rows: the search line, the header, the list, then the profile pane. */
enum { PROFILE_ROWS = 5 };

static int profile_rows(const view *v)
{
	return v->rows >= 14 ? PROFILE_ROWS : 0;
}

static int list_rows(const view *v)
{
	int n = v->rows - 2 - profile_rows(v);
	return n > 1 ? n : 1;
}

static int accounts_init(view *v, ui *u)
{
	accounts *a = calloc(1, sizeof *a);
	if (!a)
		return -1;
	a->sort = REPORT_SORT_FOLLOWERS;
	v->priv = a;
	return 0;
}

static void accounts_free(view *v)
{
	accounts *a = v->priv;
	if (a)
		free(a->ids);
	free(a);
	v->priv = NULL;
}

/* The profile of the account under the cursor. */
static void load_profile(view *v, ui *u)
{
	accounts *a = v->priv;
	a->has_profile = a->n > 0 && u->s->ds;
	if (a->has_profile)
		report_profile_get(u->s, a->ids[v->cursor], &a->prof);
}

static void accounts_update(view *v, ui *u)
{
	accounts *a = v->priv;
	session *s = u->s;
	if (a->built && a->epoch == s->epoch && a->ds == s->ds && s->ds) {
		load_profile(v, u); /* the search stands; the '*' and the profile may not */
		return;
	}
	a->built = s->ds != NULL;
	a->epoch = s->epoch;
	a->ds = s->ds; /* what-if edits replace it: follower counts change */
	free(a->ids);
	a->ids = NULL;
	a->n = 0;
	a->error[0] = '\0';
	if (!s->ds)
		return;
	mrs_error err = {0};
	if (report_users_find(s, a->query[0] ? a->query : NULL, a->sort, &a->ids, &a->n, &err))
		snprintf(a->error, sizeof a->error, "%s", err.msg);
	view_list_clamp(v, (int)a->n, list_rows(v));
	load_profile(v, u);
}

static void accounts_resize(view *v, ui *u, int rows, int cols)
{
	accounts *a = v->priv;
	view_list_clamp(v, (int)a->n, list_rows(v));
}

static int accounts_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	accounts *a = v->priv;
	if (action == VA_SELECT) {
		if (!a->n)
			return mrs_fail(err, MRS_ERR_REFUSED, "no account to pick");
		/* the walkthrough starts at the first stage */
		ui_queue(u, "user %u", a->ids[v->cursor]);
		ui_queue(u, "stage 1");
		ui_queue(u, "screen pipeline");
		return VIEW_OK;
	}
	int r = view_list_key(v, action, arg, (int)a->n, list_rows(v));
	load_profile(v, u);
	return r;
}

int view_accounts_find(ui *u, const char *query, mrs_error *err)
{
	view *v = &u->views[V_ACCOUNTS];
	accounts *a = v->priv;
	snprintf(a->query, sizeof a->query, "%s", query ? query : "");
	v->cursor = v->top = 0;
	a->built = false;
	accounts_update(v, u);
	v->gen = u->gen;
	if (a->error[0])
		return mrs_fail(err, MRS_ERR_REFUSED, "%s", a->error);
	return 0;
}

int view_accounts_sort(ui *u, const char *key, mrs_error *err)
{
	view *v = &u->views[V_ACCOUNTS];
	accounts *a = v->priv;
	int by = key ? report_sort_by_name(key) : (a->sort + 1) % REPORT_N_SORTS;
	if (by < 0)
		return mrs_fail(err, MRS_ERR_USAGE, "sort by followers, following, tweets, activity or id");
	a->sort = by;
	v->cursor = v->top = 0;
	a->built = false;
	accounts_update(v, u);
	v->gen = u->gen;
	return 0;
}

static void draw_profile(const view *v, const ui *u, surface *sf, int y)
{
	const accounts *a = v->priv;
	const report_profile *p = &a->prof;
	char h[64], t[32];
	ui_pane_title(sf, y, sf->cols, "%s (user %u)%s", ui_handle(u, p->id, 30, h, sizeof h), p->id,
		      p->verified ? ", verified" : "");
	draw_printf(sf, y + 1, 1, sf->cols - 1, ST_NORMAL,
		    "joined %s; follows %u, followed by %u, %u tweets", fmt_time(p->created, t, sizeof t),
		    p->following, p->followers, p->tweets);
	draw_printf(sf, y + 2, 1, sf->cols - 1, ST_NORMAL,
		    "activity: shown %u tweets, engaged with %u, negative feedback or reports on %u",
		    p->impressions, p->engaged, p->negative);
	if (!p->has_interests) {
		draw_text(sf, y + 3, 1, sf->cols - 1, ST_DIM, "interests: unknown (not a synthetic world)");
		return;
	}
	int x = 1 + draw_text(sf, y + 3, 1, sf->cols - 1, ST_NORMAL, "interests (hidden truth):");
	for (int k = 0; k < MRS_N_TOPICS && x < sf->cols; k++) {
		if (p->interest[k] <= 0)
			continue;
		x += draw_printf(sf, y + 3, x, sf->cols - x, ST_BOLD, " %s", mrs_topic_name(k));
		x += draw_printf(sf, y + 3, x, sf->cols - x, ST_NORMAL, " %.2f", p->interest[k]);
	}
	draw_text(sf, y + 4, 1, sf->cols - 1, ST_DIM,
		  "(the generator's truth: no model or feature ever reads it)");
}

static void accounts_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const accounts *a = v->priv;
	const session *s = u->s;
	if (!s->ds) {
		draw_text(sf, y + 1, 2, sf->cols - 2, ST_NORMAL, "No dataset loaded.");
		return;
	}
	int x = draw_printf(sf, y, 0, sf->cols, ST_BOLD, " find: %s", a->query[0] ? a->query : "(all)");
	draw_printf(sf, y, x, sf->cols - x, ST_DIM, "   %u of %u accounts, by %s   (/ find, s sort, Enter pick)",
		    a->n, mrs_dataset_info_get(s->ds).users, report_sort_name(a->sort));
	if (a->error[0]) {
		draw_text(sf, y + 1, 1, sf->cols - 1, ST_ERROR, a->error);
		return;
	}
	draw_printf(sf, y + 1, 0, sf->cols, ST_HEADER, "  %7s %-20s %9s %9s %6s %8s", "id", "handle",
		    "followers", "following", "tweets", "activity");
	int page = list_rows(v);
	for (int i = 0; i < page && v->top + i < (int)a->n; i++) {
		int row = v->top + i;
		uint32_t id = a->ids[row];
		bool cur = row == v->cursor;
		char h[64];
		const mrs_dataset *ds = s->ds;
		char line[256];
		snprintf(line, sizeof line, "%c%c%7u %-20s %9u %9u %6u %8u", cur ? '>' : ' ',
			 s->has_user && s->user == id ? '*' : ' ', id, ui_handle(u, id, 20, h, sizeof h),
			 mrs_n_followers(ds, id), mrs_n_followees(ds, id),
			 mrs_n_tweets_of(ds, id), mrs_n_impressions_of(ds, id));
		draw_cell(sf, y + 2 + i, 0, sf->cols, cur ? ST_CURSOR : ST_NORMAL, line);
	}
	if (!a->n)
		draw_text(sf, y + 2, 2, sf->cols - 2, ST_DIM, "no account matches");
	if (profile_rows(v) && a->has_profile)
		draw_profile(v, u, sf, y + 2 + page);
}

const view_ops view_accounts_ops = {
	"accounts", "users", "Users", "the account picker: find, sort and pick an account",
	accounts_init, accounts_free, accounts_resize, accounts_update, accounts_key, accounts_draw,
};
