/* cmd-timeline.c: `timeline [USER] [-n N] [--preset P] [--weights FILE]`: the final ordering
 * of an account's timeline, each tweet as the trace shows a candidate (docs/trace.md). */
#include <stdlib.h>

#include "report.h"

static int timeline_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	/* the configuration first: a new account's request then runs once */
	if (report_config_args(s, a, err))
		return -1;
	const char *who = cmd_word(a, "USER");
	if (!who && s->once) /* no account is chosen before a command run once */
		return cmd_usage_error(a->entry, true, err);
	uint32_t u;
	if (who && (session_user_arg(s, who, &u, err) || session_set_user(s, u, err)))
		return -1;
	if (!s->req || !s->has_user)
		return mrs_fail(err, MRS_ERR_REFUSED,
				"no user chosen: `timeline USER`, or `user USER` first");
	report_fallbacks(s, res);
	uint32_t n = (uint32_t)cmd_uint(a, "-n");
	const uint32_t *order;
	uint32_t total = mrs_request_timeline(s->req, &order);
	cJSON **cand;
	cJSON *trace = report_trace(s, &cand);
	if (!trace)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	cJSON_AddNumberToObject(res, "viewer", s->user);
	cJSON_AddStringToObject(res, "handle", mrs_handle(s->ds, s->user));
	cJSON_AddNumberToObject(res, "now", (double)mrs_request_now(s->req));
	cJSON_AddStringToObject(res, "preset", s->cfg.preset);
	cJSON_AddNumberToObject(res, "total", total);
	cJSON *arr = cJSON_AddArrayToObject(res, "timeline");
	uint32_t by[MRS_N_SOURCES] = {0}, nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	for (uint32_t k = 0; k < total; k++) {
		by[c[order[k]].source]++;
		if (k < n)
			cJSON_AddItemToArray(arr, report_trace_take(s, trace, cand, order[k]));
	}
	cJSON *dist = cJSON_AddObjectToObject(res, "sources");
	for (int k = 0; k < MRS_N_SOURCES; k++)
		cJSON_AddNumberToObject(dist, mrs_source_name(k), by[k]);
	free(cand);
	cJSON_Delete(trace);
	return 0;
}

/* "=", "^3", "v2", "new", or "" when there is no timeline before. */
static const char *movement(const cJSON *c, char *buf, size_t size)
{
	if (!res_has(c, "previous_rank"))
		return "";
	uint32_t prev = res_u32(c, "previous_rank"), rank = res_u32(c, "rank");
	if (!prev)
		snprintf(buf, size, "new");
	else if (prev == rank)
		snprintf(buf, size, "=");
	else if (prev > rank)
		snprintf(buf, size, "^%u", prev - rank);
	else
		snprintf(buf, size, "v%u", rank - prev);
	return buf;
}

static void timeline_text(out *o, const cJSON *r)
{
	report_fallbacks_text(o, r);
	const cJSON *tl = res_get(r, "timeline"), *x;
	char b1[64], b2[64], b3[64];
	out_printf(o, "timeline of @%s (user %u) at %s UTC, preset %s: %d of %u\n",
		   res_str(r, "handle"), res_u32(r, "viewer"),
		   fmt_time((int64_t)res_num(r, "now"), b2, sizeof b2), res_str(r, "preset"),
		   cJSON_GetArraySize(tl), res_u32(r, "total"));
	out_printf(o, "%3s %-5s %7s %-14s %-12s %8s %5s %5s %5s %5s %5s %5s %5s %5s %5s %5s %4s %4s %5s\n",
		   "#", "move", "tweet", "author", "source", "score", "like", "rt", "reply", "click",
		   "fol", "neg", "rep", "sc", "twhin", "rg", "nsfw", "tox", "mult");
	cJSON_ArrayForEach(x, tl)
	{
		const cJSON *h = res_get(x, "heads");
		snprintf(b1, sizeof b1, "@%s", res_str(x, "handle"));
		out_printf(o,
			   "%3u %-5s %7u %s %-12s %8.4f %5.3f %5.3f %5.3f %5.3f %5.3f %5.3f %5.3f %5.2f "
			   "%5.2f %5.2f %4.2f %4.2f %5.2f\n",
			   res_u32(x, "rank"), movement(x, b3, sizeof b3), res_u32(x, "tweet"),
			   fmt_col(b1, 14, b2, sizeof b2), report_source_label(res_str(x, "credited")),
			   res_num(x, "score"), res_num(h, mrs_head_name(MRS_ACT_LIKE)),
			   res_num(h, mrs_head_name(MRS_ACT_RETWEET)),
			   res_num(h, mrs_head_name(MRS_ACT_REPLY)),
			   res_num(h, mrs_head_name(MRS_ACT_CLICK)),
			   res_num(h, mrs_head_name(MRS_ACT_FOLLOW)),
			   res_num(h, mrs_head_name(MRS_ACT_NEGFB)),
			   res_num(h, mrs_head_name(MRS_ACT_REPORT)), res_num(x, "simclusters"),
			   res_num(x, "twhin"), res_num(x, "realgraph"), res_num(x, "nsfw"),
			   res_num(x, "toxicity"),
			   (double)((float)res_num(x, "safety_mult") * (float)res_num(x, "heuristic_mult")));
		char text[256];
		out_printf(o, "%9s %s\n", "", fmt_cut(res_str(x, "text"), 100, text, sizeof text));
	}
	out_printf(o, "sources:");
	const cJSON *dist = res_get(r, "sources");
	for (int k = 0; k < MRS_N_SOURCES; k++)
		out_printf(o, " %s %u%s", mrs_source_label(k), res_u32(dist, mrs_source_name(k)),
			   k + 1 < MRS_N_SOURCES ? "," : "\n");
}

static const cmd_arg timeline_args[] = {
	{"USER", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "the account (id or @handle), chosen as `user` does; else the current one"},
	{"-n", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 100000, .def = "10",
	 .help = "how many tweets to show"},
	{"--preset", .type = CMD_WORD, .value = "P",
	 .help = "switch to this preset first, as `preset` does"},
	{"--weights", .type = CMD_WORD, .value = "FILE",
	 .help = "load this configuration first (over the preset), as `load weights` does"},
	{NULL},
};

const cmd_entry cmd_timeline_entry = {
	"timeline", "t",
	"an account's timeline: the top N (10) with source, score, heads, embeddings, safety "
	"and rank movement",
	timeline_args, CMD_ANYWHERE, timeline_exec, timeline_text, NULL,
};
