/* cmd-candidates.c: `candidates [SOURCE]`: what each source found, with the scores it
 * attached and its provenance. */
#include "report.h"

static void list_source(session *s, int src, cJSON *into)
{
	const mrs_cand_list *l = mrs_request_source(s->req, src);
	int64_t now = mrs_request_now(s->req);
	char b1[64], b2[64], age[16], text[256];
	out_printf(s->o, "%s: %u candidates\n", mrs_source_label(src), l->n);
	cJSON *arr = cJSON_AddArrayToObject(into, mrs_source_name(src));
	for (uint32_t i = 0; i < l->n; i++) {
		const mrs_candidate *c = &l->v[i];
		out_printf(s->o, "  %3u %7u %s %5s %8.4f", i + 1, c->tweet,
			   fmt_col(report_handle(s, c->author, b1, sizeof b1), 14, b2, sizeof b2),
			   fmt_age(now, mrs_tweet_time(s->ds, c->tweet), age, sizeof age),
			   c->source_score[src]);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", c->tweet);
		cJSON_AddNumberToObject(o, "author", c->author);
		cJSON_AddNumberToObject(o, "score", c->source_score[src]);
		if (src == MRS_SRC_IN_NETWORK || src == MRS_SRC_GRAPH) {
			out_printf(s->o, " rg %.2f", c->rg);
			cJSON_AddNumberToObject(o, "realgraph", c->rg);
		}
		if (src == MRS_SRC_OUT_OF_NETWORK) {
			out_printf(s->o, " sc %.2f twhin %.2f", c->sc, c->twhin);
			cJSON_AddNumberToObject(o, "simclusters", c->sc);
			cJSON_AddNumberToObject(o, "twhin", c->twhin);
		}
		if (c->n_proof) {
			out_printf(s->o, " liked by");
			cJSON *p = cJSON_AddArrayToObject(o, "social_proof");
			for (int k = 0; k < c->n_proof; k++) {
				out_printf(s->o, " %s", report_handle(s, c->proof[k], b1, sizeof b1));
				cJSON_AddItemToArray(p, cJSON_CreateNumber(c->proof[k]));
			}
		}
		if (c->via != MRS_NONE) {
			out_printf(s->o, " via %s", report_handle(s, c->via, b1, sizeof b1));
			cJSON_AddNumberToObject(o, "via", c->via);
		} else if (src == MRS_SRC_FOLLOW_RECS) {
			out_printf(s->o, " via SimClusters");
		}
		out_printf(s->o, "\n        %s\n", fmt_cut(mrs_tweet_text(s->ds, c->tweet), 90, text,
							 sizeof text));
		cJSON_AddItemToArray(arr, o);
	}
}

static int candidates_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	cJSON *j = out_json(s->o);
	if (argc == 2) {
		int src = mrs_source_by_name(argv[1]);
		if (src < 0) {
			mrs_fail(err, MRS_ERR_USAGE,
				 "no source '%s' (in_network, out_of_network, graph, follow_recs)", argv[1]);
			return CMD_FAIL;
		}
		list_source(s, src, j);
		return CMD_OK;
	}
	for (int src = 0; src < MRS_N_SOURCES; src++)
		list_source(s, src, j);
	return CMD_OK;
}

const cmd_entry cmd_candidates_entry = {
	"candidates", "c", "[SOURCE]",
	"what each source (or one) found, with its scores, social proof and provenance", 0, 1,
	candidates_exec,
};
