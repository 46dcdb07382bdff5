/* cmd-candidates.c: `candidates [SOURCE]`: what each source found, with the scores it
 * attached and its provenance. The result holds them under "sources" as the trace does
 * (docs/trace.md), each entry with more of the candidate. */
#include "report.h"

/* Source src's list into sources; the handles of the users it names into res. */
static void list_source(session *s, int src, cJSON *sources, cJSON *res)
{
	const mrs_cand_list *l = mrs_request_source(s->req, src);
	cJSON *arr = cJSON_AddArrayToObject(sources, mrs_source_name(src));
	for (uint32_t i = 0; i < l->n; i++) {
		const mrs_candidate *c = &l->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", c->tweet);
		cJSON_AddNumberToObject(o, "author", c->author);
		cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, c->author));
		cJSON_AddNumberToObject(o, "created", (double)mrs_tweet_time(s->ds, c->tweet));
		cJSON_AddStringToObject(o, "text", mrs_tweet_text(s->ds, c->tweet));
		cJSON_AddNumberToObject(o, "score", c->source_score[src]);
		if (src == MRS_SRC_IN_NETWORK || src == MRS_SRC_GRAPH)
			cJSON_AddNumberToObject(o, "realgraph", c->rg);
		if (src == MRS_SRC_OUT_OF_NETWORK) {
			cJSON_AddNumberToObject(o, "simclusters", c->sc);
			cJSON_AddNumberToObject(o, "twhin", c->twhin);
		}
		if (c->n_proof) {
			res_add_ids(o, "social_proof", c->proof, c->n_proof);
			report_handles(s, res, c->proof, c->n_proof);
		}
		if (c->via != MRS_NONE) {
			cJSON_AddNumberToObject(o, "via", c->via);
			report_handles(s, res, &c->via, 1);
		}
		cJSON_AddItemToArray(arr, o);
	}
}

static int candidates_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return -1;
	const char *name = cmd_word(a, "SOURCE");
	int src = name ? mrs_source_by_name(name) : -1;
	if (name && src < 0)
		return mrs_fail(err, MRS_ERR_REFUSED,
				"no source '%s' (in_network, out_of_network, graph, follow_recs)", name);
	cJSON_AddNumberToObject(res, "viewer", s->user);
	cJSON_AddNumberToObject(res, "now", (double)mrs_request_now(s->req));
	cJSON *sources = cJSON_AddObjectToObject(res, "sources");
	for (int k = 0; k < MRS_N_SOURCES; k++)
		if (!name || k == src)
			list_source(s, k, sources, res);
	return 0;
}

static void source_text(out *o, const cJSON *r, int src)
{
	const cJSON *arr = res_get(res_get(r, "sources"), mrs_source_name(src)), *c;
	if (!arr)
		return;
	int64_t now = (int64_t)res_num(r, "now");
	char b1[64], b2[64], age[16], text[256];
	out_printf(o, "%s: %d candidates\n", mrs_source_label(src), cJSON_GetArraySize(arr));
	int i = 0;
	cJSON_ArrayForEach(c, arr)
	{
		out_printf(o, "  %3d %7u %s %5s %8.4f", ++i, res_u32(c, "tweet"),
			   fmt_col(report_at(c, "handle", b1, sizeof b1), 14, b2, sizeof b2),
			   fmt_age(now, (int64_t)res_num(c, "created"), age, sizeof age),
			   res_num(c, "score"));
		if (res_has(c, "realgraph"))
			out_printf(o, " rg %.2f", res_num(c, "realgraph"));
		if (res_has(c, "simclusters"))
			out_printf(o, " sc %.2f twhin %.2f", res_num(c, "simclusters"), res_num(c, "twhin"));
		const cJSON *proof = res_get(c, "social_proof"), *p;
		if (proof) {
			out_printf(o, " liked by");
			cJSON_ArrayForEach(p, proof)
				out_printf(o, " %s", report_handle_of(r, (uint32_t)p->valuedouble, b1, sizeof b1));
		}
		if (res_has(c, "via"))
			out_printf(o, " via %s", report_handle_of(r, res_u32(c, "via"), b1, sizeof b1));
		else if (src == MRS_SRC_FOLLOW_RECS)
			out_printf(o, " via SimClusters");
		out_printf(o, "\n        %s\n", fmt_cut(res_str(c, "text"), 90, text, sizeof text));
	}
}

static void candidates_text(out *o, const cJSON *r)
{
	for (int src = 0; src < MRS_N_SOURCES; src++)
		source_text(o, r, src);
}

static const cmd_arg candidates_args[] = {
	{"SOURCE", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "in_network, out_of_network, graph or follow_recs (else every source)"},
	{NULL},
};

const cmd_entry cmd_candidates_entry = {
	"candidates", "c",
	"what each source (or one) found, with its scores, social proof and provenance",
	candidates_args, CMD_SESSION, candidates_exec, candidates_text, NULL,
};
