/* trace.c: the request trace as JSON: stages, what each source returned, every candidate
 * with its scores stage by stage, every event, and the timeline. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>

#include "request/request.h"

static cJSON *num(double v)
{
	/* NaN and infinities are not JSON: they become null */
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static void add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddItemToObject(o, k, num(v));
}

static cJSON *sources_array(unsigned mask)
{
	cJSON *a = cJSON_CreateArray();
	for (int s = 0; s < MRS_N_SOURCES; s++)
		if (mask >> s & 1)
			cJSON_AddItemToArray(a, cJSON_CreateString(mrs_source_name(s)));
	return a;
}

static cJSON *candidate_json(const mrs_request *r, const mrs_dataset *ds, uint32_t i,
			     const mrs_candidate *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "tweet", c->tweet);
	cJSON_AddNumberToObject(o, "author", c->author);
	cJSON_AddStringToObject(o, "handle", mrs_handle(ds, c->author));
	if (c->orig_author != c->author)
		cJSON_AddNumberToObject(o, "original_author", c->orig_author);
	cJSON_AddStringToObject(o, "text", mrs_tweet_text(ds, c->tweet));
	cJSON_AddNumberToObject(o, "created", (double)ds->tweet_time[c->tweet]);
	cJSON_AddItemToObject(o, "sources", sources_array(c->sources));
	cJSON_AddStringToObject(o, "credited", mrs_source_name(c->source));
	cJSON *ss = cJSON_AddObjectToObject(o, "source_scores");
	for (int s = 0; s < MRS_N_SOURCES; s++)
		if (c->sources >> s & 1)
			add_num(ss, mrs_source_name(s), c->source_score[s]);
	if (c->n_proof) {
		cJSON *p = cJSON_AddArrayToObject(o, "social_proof");
		for (int k = 0; k < c->n_proof; k++)
			cJSON_AddItemToArray(p, cJSON_CreateNumber(c->proof[k]));
	}
	if (c->via != MRS_NONE)
		cJSON_AddNumberToObject(o, "via", c->via);
	cJSON_AddBoolToObject(o, "in_network", c->in_network);
	bool scored = c->dropped_at < 0 || c->dropped_at > MRS_STAGE_PREFILTER;
	if (scored) {
		cJSON *f = cJSON_AddObjectToObject(o, "features");
		for (int k = 0; k < MRS_N_FEATURES; k++) {
			const mrs_feature_info *fi = mrs_feature_info_get(k);
			add_num(f, fi ? fi->name : "?", c->feat[k]);
		}
		cJSON *h = cJSON_AddObjectToObject(o, "heads");
		for (int k = 0; k < MRS_N_HEADS; k++)
			add_num(h, mrs_head_name(k), c->heads[k]);
		add_num(o, "simclusters", c->sc);
		add_num(o, "twhin", c->twhin);
		add_num(o, "realgraph", c->rg);
		add_num(o, "nsfw", c->nsfw);
		add_num(o, "toxicity", c->tox);
	}
	if (c->dropped_at < 0 || c->dropped_at >= MRS_STAGE_FUSION) {
		add_num(o, "fused", c->fused);
		add_num(o, "safety_mult", c->safety_mult);
		static const char *const verdicts[] = {"allow", "interstitial", "drop"};
		cJSON_AddStringToObject(o, "verdict", verdicts[c->verdict % 3]);
		add_num(o, "heuristic_mult", c->heur_mult);
		add_num(o, "score", c->score);
	}
	cJSON *by = cJSON_AddObjectToObject(o, "score_by_stage");
	for (int s = MRS_STAGE_FUSION; s < MRS_N_STAGES; s++)
		add_num(by, mrs_stage_info_get(s)->name, mrs_request_score_at(r, i, s));
	if (c->rank)
		cJSON_AddNumberToObject(o, "rank", c->rank);
	if (c->dropped_at >= 0) {
		cJSON_AddStringToObject(o, "dropped_at", mrs_stage_info_get(c->dropped_at)->name);
		cJSON_AddStringToObject(o, "drop_reason", mrs_drop_reason_name(c->drop_reason));
	}
	return o;
}

cJSON *mrs_request_to_json(const mrs_request *r, const mrs_config *cfg)
{
	const mrs_query *q = mrs_request_query(r);
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(r, &n);
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	uint32_t viewer = mrs_request_viewer(r);
	cJSON_AddNumberToObject(root, "schema", 1);
	cJSON_AddNumberToObject(root, "viewer", viewer);
	cJSON_AddNumberToObject(root, "now", (double)mrs_request_now(r));
	cJSON_AddStringToObject(root, "preset", cfg->preset);
	cJSON_AddNumberToObject(root, "first_stage_run", mrs_request_first_stage(r));
	cJSON *st = cJSON_AddArrayToObject(root, "stages");
	for (int s = 0; s < MRS_N_STAGES; s++) {
		const mrs_stage_info *si = mrs_stage_info_get(s);
		const mrs_stage_stats *ss = mrs_request_stage(r, s);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", si->name);
		cJSON_AddStringToObject(o, "title", si->title);
		cJSON_AddStringToObject(o, "mirrors", si->mirrors);
		cJSON_AddNumberToObject(o, "in", ss->in);
		cJSON_AddNumberToObject(o, "out", ss->out);
		cJSON_AddBoolToObject(o, "ran", ss->ran);
		cJSON_AddNumberToObject(o, "micros", round(ss->micros * 10) / 10);
		cJSON_AddItemToArray(st, o);
	}
	cJSON *qo = cJSON_AddObjectToObject(root, "query");
	cJSON_AddNumberToObject(qo, "followees", q->n_followees);
	cJSON_AddNumberToObject(qo, "blocked_or_muted", q->n_blocked);
	cJSON_AddNumberToObject(qo, "seen", q->n_seen);
	cJSON *src = cJSON_AddObjectToObject(root, "sources");
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		const mrs_cand_list *l = mrs_request_source(r, s);
		cJSON *a = cJSON_AddArrayToObject(src, mrs_source_name(s));
		for (uint32_t i = 0; i < l->n; i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "tweet", l->v[i].tweet);
			add_num(o, "score", l->v[i].source_score[s]);
			cJSON_AddItemToArray(a, o);
		}
	}
	cJSON *ca = cJSON_AddArrayToObject(root, "candidates");
	for (uint32_t i = 0; i < n; i++)
		cJSON_AddItemToArray(ca, candidate_json(r, mrs_engine_dataset(mrs_request_engine(r)), i, &c[i]));
	size_t ne;
	const mrs_event *ev = mrs_request_events(r, &ne);
	cJSON *ea = cJSON_AddArrayToObject(root, "events");
	static const char *const kinds[] = {"?", "drop", "score", "multiply", "rank"};
	for (size_t i = 0; i < ne; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "stage", mrs_stage_info_get(ev[i].stage)->name);
		cJSON_AddStringToObject(o, "kind", kinds[ev[i].kind % 5]);
		cJSON_AddNumberToObject(o, "tweet", c[ev[i].cand].tweet);
		if (ev[i].kind == MRS_EV_DROP) {
			cJSON_AddStringToObject(o, "reason", mrs_drop_reason_name(ev[i].reason));
		} else if (ev[i].kind == MRS_EV_RANK) {
			cJSON_AddNumberToObject(o, "rank", ev[i].after);
		} else {
			cJSON_AddStringToObject(o, "rule", mrs_rule_name(ev[i].rule));
			add_num(o, "before", ev[i].before);
			add_num(o, "after", ev[i].after);
			if (ev[i].kind == MRS_EV_MULT)
				add_num(o, "factor", ev[i].factor);
		}
		cJSON_AddItemToArray(ea, o);
	}
	const uint32_t *order;
	uint32_t nt = mrs_request_timeline(r, &order);
	cJSON *tl = cJSON_AddArrayToObject(root, "timeline");
	for (uint32_t k = 0; k < nt; k++)
		cJSON_AddItemToArray(tl, cJSON_CreateNumber(c[order[k]].tweet));
	return root;
}
