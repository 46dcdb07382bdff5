/* cmd-explain.c: `explain [TWEET]`: why a tweet is where it is in the timeline, or why it
 * is not there at all, stage by stage. */

#include "report.h"

static void explain_absent(session *s, uint32_t t, cJSON *j)
{
	const mrs_dataset *ds = s->ds;
	const mrs_query *q = mrs_request_query(s->req);
	int64_t now = mrs_request_now(s->req);
	uint32_t a = mrs_tweet_author(ds, t);
	char h[80], age[16];
	out_printf(s->o, "not a candidate: no source retrieved it for %s.\n",
		   report_handle(s, s->user, h, sizeof h));
	cJSON_AddBoolToObject(j, "candidate", false);
	cJSON *why = cJSON_AddArrayToObject(j, "hints");
#define HINT(...)                                                                  \
	do {                                                                       \
		char _b[256];                                                      \
		snprintf(_b, sizeof _b, __VA_ARGS__);                              \
		out_printf(s->o, "  - %s\n", _b);                                  \
		cJSON_AddItemToArray(why, cJSON_CreateString(_b));                 \
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

static void explain_fusion(session *s, const mrs_candidate *c, cJSON *j)
{
	const mrs_config *f = &s->cfg;
	cJSON *fu = cJSON_AddObjectToObject(j, "fusion");
	report_term t[REPORT_MAX_TERMS];
	int n = report_fusion_terms(f, c, t);
	bool weighted = f->fusion == MRS_FUSION_WEIGHTED;
	out_printf(s->o, "fusion (%s, %s):\n", weighted ? "weighted sum" : "blend", f->preset);
	cJSON *parts = weighted ? cJSON_AddObjectToObject(fu, "contributions") : fu;
	for (int k = 0; k < n; k++) {
		out_printf(s->o, "  %-10s %8.3f x %-13s %.4f = %+9.4f\n", t[k].name, t[k].weight,
			   t[k].of, t[k].value, t[k].contribution);
		cJSON_AddNumberToObject(parts, t[k].name, t[k].contribution);
	}
	if (!weighted)
		out_printf(s->o, "  (embedding mix of SimClusters %.3f, TwHIN %.3f, RealGraph %.3f)\n",
			   c->sc, c->twhin, c->rg);
	out_printf(s->o, "  fused score %.4f\n", c->fused);
	cJSON_AddNumberToObject(fu, "fused", c->fused);
}

static int explain_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t t, idx;
	if (argc == 1) {
		/* no argument: the tweet under the explorer's cursor, or the last explained */
		if (cmd_need_user(s, err))
			return CMD_FAIL;
		if (s->selected == MRS_NONE) {
			mrs_fail(err, MRS_ERR_USAGE, "explain which tweet? (`explain TWEET`)");
			return CMD_FAIL;
		}
		t = s->selected;
	} else if (session_tweet_arg(s, argv[1], &t, err)) {
		return cmd_status(err);
	}
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	s->selected = t;
	const mrs_dataset *ds = s->ds;
	int64_t now = mrs_request_now(s->req);
	char h[80], age[16];
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "tweet", t);
	cJSON_AddNumberToObject(j, "author", mrs_tweet_author(ds, t));
	out_printf(s->o, "tweet %u by %s, %s old: %s\n", t,
		   report_handle(s, mrs_tweet_author(ds, t), h, sizeof h),
		   fmt_age(now, mrs_tweet_time(ds, t), age, sizeof age), mrs_tweet_text(ds, t));
	const mrs_candidate *c = session_candidate(s, t, &idx);
	if (!c) {
		explain_absent(s, t, j);
		return CMD_OK;
	}
	cJSON_AddBoolToObject(j, "candidate", true);
	out_printf(s->o, "found by:");
	cJSON *found = cJSON_AddArrayToObject(j, "found_by");
	for (int k = 0; k < MRS_N_SOURCES; k++) {
		if (!(c->sources >> k & 1))
			continue;
		out_printf(s->o, " %s (%.4f)%s", mrs_source_label(k), c->source_score[k],
			   k == c->source ? " [credited]" : "");
		cJSON_AddItemToArray(found, cJSON_CreateString(mrs_source_name(k)));
	}
	out_printf(s->o, "\n");
	if (c->n_proof) {
		out_printf(s->o, "social proof: engaged by");
		for (int k = 0; k < c->n_proof; k++)
			out_printf(s->o, " %s", report_handle(s, c->proof[k], h, sizeof h));
		out_printf(s->o, "\n");
	}
	if (c->via != MRS_NONE)
		out_printf(s->o, "recommended through %s (followed by the viewer, following the author)\n",
			   report_handle(s, c->via, h, sizeof h));
	if (c->dropped_at >= 0 && c->dropped_at <= MRS_STAGE_PREFILTER) {
		out_printf(s->o, "dropped at %s: %s\n", mrs_stage_info_get(c->dropped_at)->name,
			   mrs_drop_reason_name(c->drop_reason));
		cJSON_AddStringToObject(j, "dropped_at", mrs_stage_info_get(c->dropped_at)->name);
		cJSON_AddStringToObject(j, "reason", mrs_drop_reason_name(c->drop_reason));
		return CMD_OK;
	}
	out_printf(s->o, "heads:");
	cJSON *hj = cJSON_AddObjectToObject(j, "heads");
	for (int k = 0; k < MRS_N_HEADS; k++) {
		out_printf(s->o, " %s %.4f", mrs_head_name(k), c->heads[k]);
		cJSON_AddNumberToObject(hj, mrs_head_name(k), c->heads[k]);
	}
	out_printf(s->o, "\n");
	explain_fusion(s, c, j);
	out_printf(s->o, "safety: NSFW %.3f, toxicity %.3f\n", c->nsfw, c->tox);
	/* every rule that moved the score, in order */
	size_t ne;
	const mrs_event *ev = mrs_request_events(s->req, &ne);
	cJSON *steps = cJSON_AddArrayToObject(j, "steps");
	for (size_t i = 0; i < ne; i++) {
		if (ev[i].cand != idx || ev[i].stage < MRS_STAGE_FUSION)
			continue;
		const char *stage = mrs_stage_info_get(ev[i].stage)->name;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "stage", stage);
		if (ev[i].kind == MRS_EV_MULT) {
			out_printf(s->o, "  %-10s x%.3f %-22s %.4f -> %.4f\n", stage, ev[i].factor,
				   mrs_rule_name(ev[i].rule), ev[i].before, ev[i].after);
			cJSON_AddStringToObject(o, "rule", mrs_rule_name(ev[i].rule));
			cJSON_AddNumberToObject(o, "factor", ev[i].factor);
			cJSON_AddNumberToObject(o, "after", ev[i].after);
		} else if (ev[i].kind == MRS_EV_DROP) {
			out_printf(s->o, "  %-10s dropped: %s\n", stage, mrs_drop_reason_name(ev[i].reason));
			cJSON_AddStringToObject(o, "dropped", mrs_drop_reason_name(ev[i].reason));
		} else {
			cJSON_Delete(o);
			continue;
		}
		cJSON_AddItemToArray(steps, o);
	}
	if (c->rank) {
		uint32_t prev = mrs_request_prev_rank(s->req, t);
		out_printf(s->o, "final score %.4f: rank %u", c->score, c->rank);
		if (mrs_request_has_prev(s->req))
			out_printf(s->o, prev ? " (was %u)" : " (new)", prev);
		out_printf(s->o, "\n");
		cJSON_AddNumberToObject(j, "rank", c->rank);
	} else {
		out_printf(s->o, "not in the timeline: %s at %s\n", mrs_drop_reason_name(c->drop_reason),
			   mrs_stage_info_get(c->dropped_at)->name);
		cJSON_AddStringToObject(j, "reason", mrs_drop_reason_name(c->drop_reason));
	}
	cJSON_AddNumberToObject(j, "score", c->score);
	return CMD_OK;
}

const cmd_entry cmd_explain_entry = {
	"explain", "x", "[TWEET]",
	"why a tweet is where it is: sources, heads, fusion, every multiplier, its rank (no "
	"TWEET: the one last explained, or under the explorer's cursor)",
	0, 1,
	explain_exec,
};
