/* cmd-diff.c: `diff`: the timeline against the one before the last change. */
#include "report.h"

static int diff_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	if (!mrs_request_has_prev(s->req)) {
		mrs_fail(err, MRS_ERR_USAGE, "nothing to compare: change a setting or preset first");
		return CMD_FAIL;
	}
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	cJSON *j = out_json(s->o);
	cJSON *moves = cJSON_AddArrayToObject(j, "moves");
	char h[80], b[64];
	uint32_t changed = 0;
	for (uint32_t k = 0; k < n; k++) {
		const mrs_candidate *x = &c[order[k]];
		uint32_t prev = mrs_request_prev_rank(s->req, x->tweet);
		if (prev == k + 1)
			continue;
		changed++;
		if (prev)
			out_printf(s->o, "  %3u <- %-3u %7u %s %s\n", k + 1, prev, x->tweet,
				   fmt_col(report_handle(s, x->author, h, sizeof h), 14, b, sizeof b),
				   prev > k + 1 ? "up" : "down");
		else
			out_printf(s->o, "  %3u <- new %7u %s entered\n", k + 1, x->tweet,
				   fmt_col(report_handle(s, x->author, h, sizeof h), 14, b, sizeof b));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", x->tweet);
		cJSON_AddNumberToObject(o, "rank", k + 1);
		cJSON_AddNumberToObject(o, "previous_rank", prev);
		cJSON_AddItemToArray(moves, o);
	}
	/* tweets that left */
	cJSON *left = cJSON_AddArrayToObject(j, "left");
	for (uint32_t i = 0; i < nc; i++) {
		uint32_t prev = mrs_request_prev_rank(s->req, c[i].tweet);
		if (!prev || c[i].rank)
			continue;
		changed++;
		out_printf(s->o, "  --- <- %-3u %7u %s left (%s)\n", prev, c[i].tweet,
			   fmt_col(report_handle(s, c[i].author, h, sizeof h), 14, b, sizeof b),
			   mrs_drop_reason_name(c[i].drop_reason));
		cJSON_AddItemToArray(left, cJSON_CreateNumber(c[i].tweet));
	}
	if (!changed)
		out_printf(s->o, "no change: the same %u tweets in the same order\n", n);
	cJSON_AddNumberToObject(j, "changed", changed);
	return CMD_OK;
}

const cmd_entry cmd_diff_entry = {
	"diff", NULL, "", "the ranking against the one before the last change", 0, 0, diff_exec,
};
