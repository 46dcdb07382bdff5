/* cmd-diff.c: `diff`: the timeline against the one before the last change. */
#include "report.h"

static int diff_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	if (cmd_need_user(s, err))
		return -1;
	if (!mrs_request_has_prev(s->req))
		return mrs_fail(err, MRS_ERR_REFUSED,
				"nothing to compare: change a setting or preset first");
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	cJSON *moves = cJSON_AddArrayToObject(res, "moves");
	uint32_t changed = 0;
	for (uint32_t k = 0; k < n; k++) {
		const mrs_candidate *x = &c[order[k]];
		uint32_t prev = mrs_request_prev_rank(s->req, x->tweet);
		if (prev == k + 1)
			continue;
		changed++;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", x->tweet);
		cJSON_AddNumberToObject(o, "rank", k + 1);
		cJSON_AddNumberToObject(o, "previous_rank", prev);
		cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, x->author));
		cJSON_AddItemToArray(moves, o);
	}
	/* tweets that left */
	cJSON *left = cJSON_AddArrayToObject(res, "left");
	for (uint32_t i = 0; i < nc; i++) {
		uint32_t prev = mrs_request_prev_rank(s->req, c[i].tweet);
		if (!prev || c[i].rank)
			continue;
		changed++;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", c[i].tweet);
		cJSON_AddNumberToObject(o, "previous_rank", prev);
		cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, c[i].author));
		cJSON_AddStringToObject(o, "reason", mrs_drop_reason_name(c[i].drop_reason));
		cJSON_AddItemToArray(left, o);
	}
	cJSON_AddNumberToObject(res, "changed", changed);
	cJSON_AddNumberToObject(res, "timeline", n);
	return 0;
}

static void diff_text(out *o, const cJSON *r)
{
	const cJSON *x;
	char h[80], b[64];
	cJSON_ArrayForEach(x, res_get(r, "moves"))
	{
		uint32_t rank = res_u32(x, "rank"), prev = res_u32(x, "previous_rank");
		report_at(x, "handle", h, sizeof h);
		if (prev)
			out_printf(o, "  %3u <- %-3u %7u %s %s\n", rank, prev, res_u32(x, "tweet"),
				   fmt_col(h, 14, b, sizeof b), prev > rank ? "up" : "down");
		else
			out_printf(o, "  %3u <- new %7u %s entered\n", rank, res_u32(x, "tweet"),
				   fmt_col(h, 14, b, sizeof b));
	}
	cJSON_ArrayForEach(x, res_get(r, "left"))
		out_printf(o, "  --- <- %-3u %7u %s left (%s)\n", res_u32(x, "previous_rank"),
			   res_u32(x, "tweet"), fmt_col(report_at(x, "handle", h, sizeof h), 14, b, sizeof b),
			   res_str(x, "reason"));
	if (!res_u32(r, "changed"))
		out_printf(o, "no change: the same %u tweets in the same order\n", res_u32(r, "timeline"));
}

const cmd_entry cmd_diff_entry = {
	"diff", NULL, "the ranking against the one before the last change", NULL, CMD_SESSION,
	diff_exec, diff_text, NULL,
};
