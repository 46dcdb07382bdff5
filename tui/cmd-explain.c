/* cmd-explain.c: `explain [TWEET]`: why a tweet is where it is in the timeline, or why it
 * is not there at all, stage by stage. The result holds the tweet as the trace shows a
 * candidate, and the trace's events of it (docs/trace.md). */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Why no source retrieved tweet t: hints, into res. */
static void explain_absent(session *s, uint32_t t, cJSON *res)
{
	const mrs_dataset *ds = s->ds;
	const mrs_query *q = mrs_request_query(s->req);
	int64_t now = mrs_request_now(s->req);
	uint32_t a = mrs_tweet_author(ds, t);
	char h[80], age[16], b[256];
	cJSON *o = cJSON_AddObjectToObject(res, "candidate");
	cJSON_AddNumberToObject(o, "tweet", t);
	cJSON_AddNumberToObject(o, "author", a);
	cJSON_AddStringToObject(o, "handle", mrs_handle(ds, a));
	cJSON_AddStringToObject(o, "text", mrs_tweet_text(ds, t));
	cJSON_AddNumberToObject(o, "created", (double)mrs_tweet_time(ds, t));
	cJSON *why = cJSON_AddArrayToObject(res, "hints");
#define HINT(...)                                                  \
	do {                                                       \
		snprintf(b, sizeof b, __VA_ARGS__);                \
		cJSON_AddItemToArray(why, cJSON_CreateString(b));  \
	} while (0)
	if (mrs_tweet_time(ds, t) >= now)
		HINT("it was created after the request time");
	else if ((double)(now - mrs_tweet_time(ds, t)) > s->cfg.max_age_hours * 3600.0)
		HINT("it is %s old, past the age limit of %.0f hours",
		     fmt_age(now, mrs_tweet_time(ds, t), age, sizeof age), s->cfg.max_age_hours);
	if (a == s->user || mrs_original_author(ds, t) == s->user)
		HINT("it is the viewer's own tweet");
	if (mrs_query_seen(q, t))
		HINT("the viewer has seen it before, so the prefilter would drop it");
	if (mrs_query_blocked(q, a) || mrs_query_blocked(q, mrs_original_author(ds, t)))
		HINT("its author is blocked or muted by the viewer");
	if (mrs_query_follows(q, a))
		HINT("the viewer follows %s, but InNetwork kept only its top %u by RealGraph "
		     "weight and recency",
		     report_handle(s, a, h, sizeof h), s->cfg.source_cap[MRS_SRC_IN_NETWORK]);
	else
		HINT("the viewer does not follow %s: only OutOfNetwork, Graph or FollowRecs could "
		     "have found it",
		     report_handle(s, a, h, sizeof h));
#undef HINT
}

/* The fusion terms that add up to the candidate's fused score. */
static void explain_fusion(session *s, const mrs_candidate *c, cJSON *res)
{
	const mrs_config *f = &s->cfg;
	report_term t[REPORT_MAX_TERMS];
	int n = report_fusion_terms(f, c, t);
	cJSON *fu = cJSON_AddObjectToObject(res, "fusion");
	cJSON_AddStringToObject(fu, "mode", f->fusion == MRS_FUSION_WEIGHTED ? "weighted" : "blend");
	cJSON *terms = cJSON_AddArrayToObject(fu, "terms");
	for (int k = 0; k < n; k++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", t[k].name);
		cJSON_AddStringToObject(o, "of", t[k].of);
		cJSON_AddNumberToObject(o, "weight", t[k].weight);
		cJSON_AddNumberToObject(o, "value", t[k].value);
		cJSON_AddNumberToObject(o, "contribution", t[k].contribution);
		cJSON_AddItemToArray(terms, o);
	}
	res_add_num(fu, "fused", c->fused);
}

/* The trace's events of the tweet, moved into res. */
static void take_events(cJSON *trace, uint32_t tweet, cJSON *res)
{
	cJSON *all = cJSON_GetObjectItemCaseSensitive(trace, "events");
	cJSON *mine = cJSON_AddArrayToObject(res, "events");
	for (cJSON *e = all ? all->child : NULL, *next; e; e = next) {
		next = e->next;
		if (res_u32(e, "tweet") == tweet && res_has(e, "tweet"))
			cJSON_AddItemToArray(mine, cJSON_DetachItemViaPointer(all, e));
	}
}

static int explain_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	uint32_t t, idx;
	const char *arg = cmd_word(a, "TWEET");
	if (!arg) {
		/* no argument: the tweet under the explorer's cursor, or the last explained */
		if (cmd_need_user(s, err))
			return -1;
		if (s->selected == MRS_NONE)
			return mrs_fail(err, MRS_ERR_REFUSED, "explain which tweet? (`explain TWEET`)");
		t = s->selected;
	} else if (session_tweet_arg(s, arg, &t, err)) {
		return -1;
	}
	if (cmd_need_user(s, err))
		return -1;
	s->selected = t;
	cJSON_AddNumberToObject(res, "viewer", s->user);
	cJSON_AddStringToObject(res, "handle", mrs_handle(s->ds, s->user));
	cJSON_AddNumberToObject(res, "now", (double)mrs_request_now(s->req));
	cJSON_AddStringToObject(res, "preset", s->cfg.preset);
	cJSON_AddNumberToObject(res, "tweet", t);
	const mrs_candidate *c = session_candidate(s, t, &idx);
	cJSON_AddBoolToObject(res, "retrieved", c != NULL);
	if (!c) {
		explain_absent(s, t, res);
		return 0;
	}
	cJSON **cand;
	cJSON *trace = report_trace(s, &cand);
	if (!trace)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	cJSON_AddItemToObject(res, "candidate", report_trace_take(s, trace, cand, idx));
	take_events(trace, t, res);
	free(cand);
	cJSON_Delete(trace);
	if (c->dropped_at < 0 || c->dropped_at >= MRS_STAGE_FUSION)
		explain_fusion(s, c, res);
	if (c->n_proof)
		report_handles(s, res, c->proof, c->n_proof);
	if (c->via != MRS_NONE)
		report_handles(s, res, &c->via, 1);
	return 0;
}

/* The sources that found it, the one credited marked. */
static void found_text(out *o, const cJSON *c, const cJSON *r)
{
	const cJSON *src, *scores = res_get(c, "source_scores");
	char h[80];
	out_printf(o, "found by:");
	cJSON_ArrayForEach(src, res_get(c, "sources"))
		out_printf(o, " %s (%.4f)%s", report_source_label(src->valuestring),
			   res_num(scores, src->valuestring),
			   strcmp(src->valuestring, res_str(c, "credited")) == 0 ? " [credited]" : "");
	out_printf(o, "\n");
	const cJSON *proof = res_get(c, "social_proof"), *p;
	if (proof) {
		out_printf(o, "social proof: engaged by");
		cJSON_ArrayForEach(p, proof)
			out_printf(o, " %s", report_handle_of(r, (uint32_t)p->valuedouble, h, sizeof h));
		out_printf(o, "\n");
	}
	if (res_has(c, "via"))
		out_printf(o, "recommended through %s (followed by the viewer, following the author)\n",
			   report_handle_of(r, res_u32(c, "via"), h, sizeof h));
}

static void fusion_text(out *o, const cJSON *c, const cJSON *r)
{
	const cJSON *fu = res_get(r, "fusion"), *t;
	bool weighted = strcmp(res_str(fu, "mode"), "weighted") == 0;
	out_printf(o, "fusion (%s, %s):\n", weighted ? "weighted sum" : "blend", res_str(r, "preset"));
	cJSON_ArrayForEach(t, res_get(fu, "terms"))
		out_printf(o, "  %-10s %8.3f x %-13s %.4f = %+9.4f\n", res_str(t, "name"),
			   res_num(t, "weight"), res_str(t, "of"), res_num(t, "value"),
			   res_num(t, "contribution"));
	if (!weighted)
		out_printf(o, "  (embedding mix of SimClusters %.3f, TwHIN %.3f, RealGraph %.3f)\n",
			   res_num(c, "simclusters"), res_num(c, "twhin"), res_num(c, "realgraph"));
	out_printf(o, "  fused score %.4f\n", res_num(fu, "fused"));
}

static void explain_text(out *o, const cJSON *r)
{
	const cJSON *c = res_get(r, "candidate");
	char h[80], age[16];
	out_printf(o, "tweet %u by %s, %s old: %s\n", res_u32(c, "tweet"),
		   report_at(c, "handle", h, sizeof h),
		   fmt_age((int64_t)res_num(r, "now"), (int64_t)res_num(c, "created"), age, sizeof age),
		   res_str(c, "text"));
	if (!res_bool(r, "retrieved")) {
		const cJSON *hint;
		out_printf(o, "not a candidate: no source retrieved it for %s.\n",
			   report_at(r, "handle", h, sizeof h));
		cJSON_ArrayForEach(hint, res_get(r, "hints"))
			out_printf(o, "  - %s\n", hint->valuestring);
		return;
	}
	found_text(o, c, r);
	const cJSON *heads = res_get(c, "heads"), *x;
	if (!heads) { /* dropped before the ranker scored it */
		out_printf(o, "dropped at %s: %s\n", res_str(c, "dropped_at"), res_str(c, "drop_reason"));
		return;
	}
	out_printf(o, "heads:");
	cJSON_ArrayForEach(x, heads)
		out_printf(o, " %s %.4f", x->string, res_value(x));
	out_printf(o, "\n");
	fusion_text(o, c, r);
	out_printf(o, "safety: NSFW %.3f, toxicity %.3f\n", res_num(c, "nsfw"), res_num(c, "toxicity"));
	/* every rule that moved the score, in order */
	cJSON_ArrayForEach(x, res_get(r, "events"))
	{
		const char *kind = res_str(x, "kind");
		if (strcmp(kind, "multiply") == 0)
			out_printf(o, "  %-10s x%.3f %-22s %.4f -> %.4f\n", res_str(x, "stage"),
				   res_num(x, "factor"), res_str(x, "rule"), res_num(x, "before"),
				   res_num(x, "after"));
		else if (strcmp(kind, "drop") == 0)
			out_printf(o, "  %-10s dropped: %s\n", res_str(x, "stage"), res_str(x, "reason"));
	}
	if (res_has(c, "rank")) {
		out_printf(o, "final score %.4f: rank %u", res_num(c, "score"), res_u32(c, "rank"));
		if (res_has(c, "previous_rank")) {
			uint32_t prev = res_u32(c, "previous_rank");
			out_printf(o, prev ? " (was %u)" : " (new)", prev);
		}
		out_printf(o, "\n");
	} else {
		out_printf(o, "not in the timeline: %s at %s\n", res_str(c, "drop_reason"),
			   res_str(c, "dropped_at"));
	}
}

static const cmd_arg explain_args[] = {
	{"TWEET", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "a tweet id, with or without # (else the one last explained, or under the "
		 "explorer's cursor)"},
	{NULL},
};

const cmd_entry cmd_explain_entry = {
	"explain", "x",
	"why a tweet is where it is: sources, heads, fusion, every multiplier, its rank (no "
	"TWEET: the one last explained, or under the explorer's cursor)",
	explain_args, CMD_SESSION, explain_exec, explain_text, NULL,
};
