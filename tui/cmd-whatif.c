/* cmd-whatif.c: `follow`, `unfollow`, `block`, `mute`, `like`, `hide` and `reset`: what-if
 * edits on a scratch copy of the dataset (the file is never written), then what moved in
 * the timeline and which stage caused it. */
#include <string.h>

#include "report.h"

static bool was_before(const session *s, uint32_t tweet, uint32_t *rank)
{
	for (uint32_t k = 0; k < s->n_before; k++)
		if (s->before[k] == tweet) {
			*rank = k + 1;
			return true;
		}
	return false;
}

/* Why a tweet entered: the source that found it, and the edit that made it possible. */
static void why_entered(session *s, const mrs_candidate *c, char *buf, size_t size)
{
	char h1[80], h2[80];
	int src = c->source;
	for (size_t i = s->n_edits; i-- > 0;) {
		const mrs_edit *e = &s->edits[i];
		if (e->user != s->user)
			continue;
		if (e->kind == MRS_EDIT_FOLLOW && e->target == c->author && (c->sources & 1)) {
			snprintf(buf, size, "via InNetwork because %s now follows %s",
				 report_handle(s, s->user, h1, sizeof h1),
				 report_handle(s, e->target, h2, sizeof h2));
			return;
		}
		if (e->kind == MRS_EDIT_FOLLOW && c->n_proof && c->proof[0] == e->target) {
			snprintf(buf, size, "via Graph: %s, now followed, engaged with it",
				 report_handle(s, e->target, h1, sizeof h1));
			return;
		}
	}
	snprintf(buf, size, "via %s", mrs_source_label(src));
}

/* Why a tweet left: where it was dropped now, or that no source found it any more (and
 * the edit that rules it out, or that the edits which brought it were dropped). */
static void why_left(session *s, uint32_t tweet, bool reset, char *buf, size_t size)
{
	uint32_t idx;
	const mrs_candidate *c = session_candidate(s, tweet, &idx);
	if (!c) {
		/* the latest edit of the viewer's that rules the tweet out, if one does */
		char h[80];
		uint32_t a = mrs_tweet_author(s->ds, tweet), o = mrs_original_author(s->ds, tweet);
		for (size_t i = s->n_edits; i-- > 0;) {
			const mrs_edit *e = &s->edits[i];
			if (e->user != s->user)
				continue;
			if ((e->kind == MRS_EDIT_HIDE || e->kind == MRS_EDIT_LIKE) && e->target == tweet) {
				snprintf(buf, size, "no longer retrieved: %s, so it counts as seen",
					 e->kind == MRS_EDIT_HIDE ? "hidden" : "liked");
				return;
			}
			if (e->kind == MRS_EDIT_UNFOLLOW && e->target == a) {
				snprintf(buf, size, "no longer retrieved: %s is unfollowed",
					 report_handle(s, a, h, sizeof h));
				return;
			}
			if ((e->kind == MRS_EDIT_BLOCK || e->kind == MRS_EDIT_MUTE) &&
			    (e->target == a || e->target == o)) {
				snprintf(buf, size, "no longer retrieved: %s is %s",
					 report_handle(s, e->target, h, sizeof h),
					 e->kind == MRS_EDIT_BLOCK ? "blocked" : "muted");
				return;
			}
		}
		snprintf(buf, size, reset ? "no longer retrieved without the edits"
					  : "no longer retrieved by any source");
		return;
	}
	snprintf(buf, size, "%s at %s", mrs_drop_reason_name(c->drop_reason),
		 mrs_stage_info_get(c->dropped_at)->name);
}

/* What moved between s->before and the current timeline (reset: after `reset`). */
static void report_moves(session *s, bool reset, cJSON *res)
{
	cJSON *entered = cJSON_AddArrayToObject(res, "entered");
	cJSON *left = cJSON_AddArrayToObject(res, "left");
	cJSON *moved = cJSON_AddArrayToObject(res, "moved");
	if (!s->has_user || !s->req)
		return;
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc, changes = 0;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	char why[256];
	for (uint32_t k = 0; k < n; k++) {
		const mrs_candidate *x = &c[order[k]];
		uint32_t prev;
		bool was = was_before(s, x->tweet, &prev);
		if (was && prev == k + 1)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", x->tweet);
		cJSON_AddNumberToObject(o, "rank", k + 1);
		cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, x->author));
		if (was) {
			cJSON_AddNumberToObject(o, "previous_rank", prev);
			cJSON_AddItemToArray(moved, o);
		} else {
			why_entered(s, x, why, sizeof why);
			cJSON_AddStringToObject(o, "why", why);
			cJSON_AddItemToArray(entered, o);
		}
		changes++;
	}
	for (uint32_t k = 0; k < s->n_before; k++) {
		uint32_t t = s->before[k], idx;
		const mrs_candidate *x = session_candidate(s, t, &idx);
		if (x && x->rank)
			continue;
		why_left(s, t, reset, why, sizeof why);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", t);
		cJSON_AddNumberToObject(o, "previous_rank", k + 1);
		cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, mrs_tweet_author(s->ds, t)));
		cJSON_AddStringToObject(o, "why", why);
		cJSON_AddItemToArray(left, o);
		changes++;
	}
	cJSON_AddNumberToObject(res, "changes", changes);
}

/* The moves as text, in the order they were found: entered and moved by rank, then left. */
static void moves_text(out *o, const cJSON *r)
{
	if (!res_has(r, "changes"))
		return;
	const cJSON *entered = res_get(r, "entered"), *moved = res_get(r, "moved"), *x;
	const cJSON *e = entered ? entered->child : NULL, *m = moved ? moved->child : NULL;
	char h[80], b[64];
	while (e || m) {
		/* the two lists are each in rank order: merge them */
		bool take_e = e && (!m || res_u32(e, "rank") < res_u32(m, "rank"));
		x = take_e ? e : m;
		report_at(x, "handle", h, sizeof h);
		if (take_e) {
			out_printf(o, "  entered %3u %7u %s %s\n", res_u32(x, "rank"), res_u32(x, "tweet"),
				   fmt_col(h, 14, b, sizeof b), res_str(x, "why"));
			e = e->next;
		} else {
			out_printf(o, "  moved   %3u <- %-3u %7u %s\n", res_u32(x, "rank"),
				   res_u32(x, "previous_rank"), res_u32(x, "tweet"),
				   fmt_cut(h, 14, b, sizeof b));
			m = m->next;
		}
	}
	cJSON_ArrayForEach(x, res_get(r, "left"))
		out_printf(o, "  left    --- <- %-3u %7u %s %s\n", res_u32(x, "previous_rank"),
			   res_u32(x, "tweet"), fmt_col(report_at(x, "handle", h, sizeof h), 14, b, sizeof b),
			   res_str(x, "why"));
	if (!res_u32(r, "changes"))
		out_printf(o, "  the timeline did not change\n");
}

static int edit_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *verb = a->entry->name, *arg = cmd_word(a, "TARGET");
	int kind = mrs_edit_by_name(verb);
	if (cmd_need_user(s, err))
		return -1;
	mrs_edit e = {kind, s->user, 0};
	bool tweet = kind == MRS_EDIT_LIKE || kind == MRS_EDIT_HIDE;
	if (tweet ? session_tweet_arg(s, arg, &e.target, err)
		  : session_user_arg(s, arg, &e.target, err))
		return -1;
	char h1[80], h2[80];
	report_handle(s, s->user, h1, sizeof h1);
	if (tweet)
		snprintf(h2, sizeof h2, "tweet %u", e.target);
	else
		report_handle(s, e.target, h2, sizeof h2);
	bool follows = !tweet && mrs_query_follows(mrs_request_query(s->req), e.target);
	if (kind == MRS_EDIT_UNFOLLOW && !follows)
		return mrs_fail(err, MRS_ERR_REFUSED, "%s does not follow %s", h1, h2);
	if (kind == MRS_EDIT_FOLLOW && follows)
		return mrs_fail(err, MRS_ERR_REFUSED, "%s already follows %s", h1, h2);
	/* an edit the dataset rules out (a user following themselves) names nothing to do */
	if (mrs_edit_check(s->base ? s->base : s->ds, &e, err)) {
		err->code = MRS_ERR_REFUSED;
		return -1;
	}
	if (session_apply_edits(s, &e, err))
		return -1;
	cJSON_AddStringToObject(res, "edit", verb);
	cJSON_AddNumberToObject(res, "target", e.target);
	cJSON_AddNumberToObject(res, "edits", (double)s->n_edits);
	cJSON_AddStringToObject(res, "viewer", h1 + 1);
	cJSON_AddStringToObject(res, "what", tweet ? h2 : h2 + 1);
	report_moves(s, false, res);
	return 0;
}

static void edit_text(out *o, const cJSON *r)
{
	/* "@ada follows @bob (what-if: ...)", "@ada hides tweet 42 (what-if: ...)" */
	const char *verb = res_str(r, "edit");
	uint32_t n = res_u32(r, "edits");
	bool tweet = strcmp(verb, "like") == 0 || strcmp(verb, "hide") == 0;
	out_printf(o, "@%s %ss %s%s (what-if: %u edit%s, the dataset file is unchanged)\n",
		   res_str(r, "viewer"), verb, tweet ? "" : "@", res_str(r, "what"), n,
		   n == 1 ? "" : "s");
	moves_text(o, r);
}

static int reset_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	size_t n = s->n_edits;
	cJSON_AddNumberToObject(res, "dropped", (double)n);
	if (!n)
		return 0;
	s->n_edits = 0;
	if (session_apply_edits(s, NULL, err))
		return -1;
	cJSON_AddStringToObject(res, "path", mrs_dataset_info_get(s->ds).path);
	report_moves(s, true, res);
	return 0;
}

static void reset_text(out *o, const cJSON *r)
{
	uint32_t n = res_u32(r, "dropped");
	if (!n) {
		out_printf(o, "no what-if edits to drop\n");
		return;
	}
	out_printf(o, "dropped %u what-if edit%s: back to %s as loaded\n", n, n == 1 ? "" : "s",
		   res_str(r, "path"));
	moves_text(o, r);
}

static const cmd_arg user_target[] = {
	{"TARGET", .type = CMD_WORD, .value = "USER", .help = "an account id or @handle"},
	{NULL},
};
static const cmd_arg tweet_target[] = {
	{"TARGET", .type = CMD_WORD, .value = "TWEET", .help = "a tweet id"},
	{NULL},
};

#define EDIT_ENTRY(NAME, ARGS, HELP) \
	const cmd_entry cmd_##NAME##_entry = {#NAME, NULL, HELP, ARGS, CMD_SESSION, edit_exec, edit_text, NULL}

EDIT_ENTRY(follow, user_target, "what if the current user followed USER (scratch copy; see `reset`)");
EDIT_ENTRY(unfollow, user_target, "what if the current user stopped following USER");
EDIT_ENTRY(block, user_target, "what if the current user blocked USER");
EDIT_ENTRY(mute, user_target, "what if the current user muted USER");
EDIT_ENTRY(like, tweet_target, "what if the current user liked TWEET");
EDIT_ENTRY(hide, tweet_target, "what if the current user hid TWEET (negative feedback)");

const cmd_entry cmd_reset_entry = {
	"reset", NULL, "drop every what-if edit: back to the dataset as loaded", NULL, CMD_SESSION,
	reset_exec, reset_text, NULL,
};
