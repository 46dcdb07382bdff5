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

/* Prints what moved between s->before and the current timeline (reset: after `reset`). */
static void report_moves(session *s, bool reset)
{
	cJSON *j = out_json(s->o);
	cJSON *entered = cJSON_AddArrayToObject(j, "entered");
	cJSON *left = cJSON_AddArrayToObject(j, "left");
	cJSON *moved = cJSON_AddArrayToObject(j, "moved");
	if (!s->has_user || !s->req)
		return;
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc, changes = 0;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	char why[256], h[80], b[64];
	for (uint32_t k = 0; k < n; k++) {
		const mrs_candidate *x = &c[order[k]];
		uint32_t prev;
		if (!was_before(s, x->tweet, &prev)) {
			why_entered(s, x, why, sizeof why);
			out_printf(s->o, "  entered %3u %7u %s %s\n", k + 1, x->tweet,
				   fmt_col(report_handle(s, x->author, h, sizeof h), 14, b, sizeof b), why);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "tweet", x->tweet);
			cJSON_AddNumberToObject(o, "rank", k + 1);
			cJSON_AddStringToObject(o, "why", why);
			cJSON_AddItemToArray(entered, o);
			changes++;
		} else if (prev != k + 1) {
			out_printf(s->o, "  moved   %3u <- %-3u %7u %s\n", k + 1, prev, x->tweet,
				   fmt_cut(report_handle(s, x->author, h, sizeof h), 14, b, sizeof b));
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "tweet", x->tweet);
			cJSON_AddNumberToObject(o, "rank", k + 1);
			cJSON_AddNumberToObject(o, "previous_rank", prev);
			cJSON_AddItemToArray(moved, o);
			changes++;
		}
	}
	for (uint32_t k = 0; k < s->n_before; k++) {
		uint32_t t = s->before[k], idx;
		const mrs_candidate *x = session_candidate(s, t, &idx);
		if (x && x->rank)
			continue;
		why_left(s, t, reset, why, sizeof why);
		out_printf(s->o, "  left    --- <- %-3u %7u %s %s\n", k + 1, t,
			   fmt_col(report_handle(s, mrs_tweet_author(s->ds, t), h, sizeof h), 14, b, sizeof b),
			   why);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", t);
		cJSON_AddNumberToObject(o, "previous_rank", k + 1);
		cJSON_AddStringToObject(o, "why", why);
		cJSON_AddItemToArray(left, o);
		changes++;
	}
	if (!changes)
		out_printf(s->o, "  the timeline did not change\n");
	cJSON_AddNumberToObject(j, "changes", changes);
}

static int edit_exec(session *s, int argc, char **argv, mrs_error *err)
{
	int kind = mrs_edit_by_name(argv[0]);
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	mrs_edit e = {kind, s->user, 0};
	if (kind == MRS_EDIT_LIKE || kind == MRS_EDIT_HIDE) {
		if (session_tweet_arg(s, argv[1], &e.target, err))
			return cmd_status(err);
	} else if (session_user_arg(s, argv[1], &e.target, err)) {
		return cmd_status(err);
	}
	char h1[80], h2[80];
	report_handle(s, s->user, h1, sizeof h1);
	if (kind == MRS_EDIT_LIKE || kind == MRS_EDIT_HIDE)
		snprintf(h2, sizeof h2, "tweet %u", e.target);
	else
		report_handle(s, e.target, h2, sizeof h2);
	bool follows = kind != MRS_EDIT_LIKE && kind != MRS_EDIT_HIDE &&
		       mrs_query_follows(mrs_request_query(s->req), e.target);
	if (kind == MRS_EDIT_UNFOLLOW && !follows) {
		mrs_fail(err, MRS_ERR_USAGE, "%s does not follow %s", h1, h2);
		return CMD_FAIL;
	}
	if (kind == MRS_EDIT_FOLLOW && follows) {
		mrs_fail(err, MRS_ERR_USAGE, "%s already follows %s", h1, h2);
		return CMD_FAIL;
	}
	if (session_apply_edits(s, &e, err))
		return cmd_status(err);
	/* "@ada follows @bob (what-if: ...)", "@ada hides tweet 42 (what-if: ...)" */
	out_printf(s->o, "%s %ss %s (what-if: %zu edit%s, the dataset file is unchanged)\n", h1,
		   argv[0], h2, s->n_edits, s->n_edits == 1 ? "" : "s");
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "edit", argv[0]);
	cJSON_AddNumberToObject(j, "target", e.target);
	cJSON_AddNumberToObject(j, "edits", (double)s->n_edits);
	report_moves(s, false);
	return CMD_OK;
}

static int reset_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (!s->n_edits) {
		out_printf(s->o, "no what-if edits to drop\n");
		cJSON_AddNumberToObject(out_json(s->o), "dropped", 0);
		return CMD_OK;
	}
	size_t n = s->n_edits;
	s->n_edits = 0;
	if (session_apply_edits(s, NULL, err))
		return cmd_status(err);
	out_printf(s->o, "dropped %zu what-if edit%s: back to %s as loaded\n", n, n == 1 ? "" : "s",
		   mrs_dataset_info_get(s->ds).path);
	cJSON_AddNumberToObject(out_json(s->o), "dropped", (double)n);
	report_moves(s, true);
	return CMD_OK;
}

#define EDIT_ENTRY(NAME, ARG, HELP) \
	const cmd_entry cmd_##NAME##_entry = {#NAME, NULL, ARG, HELP, 1, 1, edit_exec}

EDIT_ENTRY(follow, "USER", "what if the current user followed USER (scratch copy; see `reset`)");
EDIT_ENTRY(unfollow, "USER", "what if the current user stopped following USER");
EDIT_ENTRY(block, "USER", "what if the current user blocked USER");
EDIT_ENTRY(mute, "USER", "what if the current user muted USER");
EDIT_ENTRY(like, "TWEET", "what if the current user liked TWEET");
EDIT_ENTRY(hide, "TWEET", "what if the current user hid TWEET (negative feedback)");

const cmd_entry cmd_reset_entry = {
	"reset", NULL, "", "drop every what-if edit: back to the dataset as loaded", 0, 0,
	reset_exec,
};
