/* report.c: renderings of timelines, stages and candidates for commands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const char *report_handle(session *s, uint32_t u, char *buf, size_t size)
{
	snprintf(buf, size, "@%s", mrs_handle(s->ds, u));
	return buf;
}

const char *report_at(const cJSON *res, const char *key, char *buf, size_t size)
{
	snprintf(buf, size, "@%s", res_str(res, key));
	return buf;
}

void report_handles(session *s, cJSON *res, const uint32_t *ids, uint32_t n)
{
	cJSON *h = cJSON_GetObjectItemCaseSensitive(res, "handles");
	if (!h)
		h = cJSON_AddObjectToObject(res, "handles");
	for (uint32_t i = 0; i < n; i++) {
		char key[16];
		snprintf(key, sizeof key, "%u", ids[i]);
		if (!cJSON_HasObjectItem(h, key))
			cJSON_AddStringToObject(h, key, mrs_handle(s->ds, ids[i]));
	}
}

const char *report_handle_of(const cJSON *res, uint32_t id, char *buf, size_t size)
{
	char key[16];
	snprintf(key, sizeof key, "%u", id);
	const cJSON *h = res_get(res_get(res, "handles"), key);
	if (cJSON_IsString(h))
		snprintf(buf, size, "@%s", h->valuestring);
	else
		snprintf(buf, size, "#%u", id);
	return buf;
}

cJSON *report_trace(session *s, cJSON ***cand)
{
	uint32_t n;
	mrs_request_candidates(s->req, &n);
	cJSON *t = mrs_request_to_json(s->req, &s->cfg);
	*cand = calloc(n ? n : 1, sizeof **cand);
	if (!t || !*cand) {
		cJSON_Delete(t);
		free(*cand);
		*cand = NULL;
		return NULL;
	}
	const cJSON *c;
	uint32_t i = 0;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "candidates"))
		if (i < n)
			(*cand)[i++] = (cJSON *)c;
	return t;
}

cJSON *report_trace_take(session *s, cJSON *trace, cJSON **cand, uint32_t i)
{
	cJSON *o = cJSON_DetachItemViaPointer(cJSON_GetObjectItemCaseSensitive(trace, "candidates"),
					      cand[i]);
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	if (c[i].rank && mrs_request_has_prev(s->req))
		cJSON_AddNumberToObject(o, "previous_rank", mrs_request_prev_rank(s->req, c[i].tweet));
	return o;
}

void report_fallbacks(session *s, cJSON *res)
{
	cJSON *arr = NULL;
	for (int m = 0; m < MRS_N_MODELS; m++) {
		const mrs_model_status *ms = mrs_engine_status(s->engine, (mrs_model_id)m);
		if (ms->loaded)
			continue;
		if (!arr)
			arr = cJSON_AddArrayToObject(res, "fallbacks");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", mrs_model_name((mrs_model_id)m));
		cJSON_AddStringToObject(o, "note", ms->note);
		cJSON_AddItemToArray(arr, o);
	}
}

void report_fallbacks_text(out *o, const cJSON *res)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, res_get(res, "fallbacks"))
		out_printf(o, "note: %s falls back: %s\n", res_str(f, "model"), res_str(f, "note"));
}

const char *report_source_label(const char *name)
{
	int s = mrs_source_by_name(name);
	return s >= 0 ? mrs_source_label(s) : name;
}

int report_config_args(session *s, const cmd_args *a, mrs_error *err)
{
	const char *preset = cmd_word(a, "--preset"), *weights = cmd_word(a, "--weights");
	if (!preset && !weights)
		return 0;
	/* the dataset first: its time scale sets the config's time fields, which a preset
	 * keeps and the file may override */
	if (session_dataset(s, err))
		return -1;
	mrs_config c = s->cfg;
	if ((preset && mrs_config_switch_preset(&c, preset, err)) ||
	    (weights && mrs_config_load(&c, weights, err)))
		return -1;
	return session_set_config(s, &c, err);
}

int report_tune_seed(session *s, const mrs_config *from, const mrs_eval_opts *eo,
		     uint32_t max_evals, mrs_tune_result *t, mrs_error *err)
{
	mrs_config start;
	if (from) {
		start = *from;
	} else {
		mrs_config_preset(&start, "seed", NULL);
		mrs_time_scale ts = mrs_dataset_info_get(s->ds).time_scale;
		mrs_config_time_scale(&start, &ts);
	}
	/* by default until the searches converge, at most 1,000 evaluations: it runs once
	 * for a model set, and longer searches still gain on validation */
	mrs_tune_opts o = {.eval = *eo, .max_evals = max_evals};
	if (mrs_tune(s->ds, &start, &o, t, s->progress, err))
		return -1;
	snprintf(t->best.preset, sizeof t->best.preset, "tuned:seed");
	return 0;
}

/* The order of report_stage's list: in before dropped, then by score at the stage
 * (highest first, none last), then by candidate. */
typedef struct stage_order {
	const mrs_candidate *c;
	const float *score;
	int stage;
} stage_order;

static int cmp_at_stage(const void *a, const void *b, void *ctx)
{
	const stage_order *o = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	bool xin = o->c[x].dropped_at != o->stage, yin = o->c[y].dropped_at != o->stage;
	if (xin != yin)
		return xin ? -1 : 1;
	float sx = o->score[x], sy = o->score[y];
	if (isnan(sx) != isnan(sy))
		return isnan(sx) ? 1 : -1;
	if (!isnan(sx) && sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* A stage's candidate row: the tweet, its author and its text. */
static cJSON *stage_row(session *s, const mrs_candidate *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "tweet", c->tweet);
	cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, c->author));
	cJSON_AddStringToObject(o, "text", mrs_tweet_text(s->ds, c->tweet));
	return o;
}

int report_stage(session *s, int stage, uint32_t limit, cJSON *res, mrs_error *err)
{
	const mrs_stage_info *si = mrs_stage_info_get(stage);
	const mrs_stage_stats *st = mrs_request_stage(s->req, stage);
	cJSON_AddNumberToObject(res, "index", stage);
	cJSON_AddStringToObject(res, "stage", si->name);
	cJSON_AddStringToObject(res, "title", si->title);
	cJSON_AddStringToObject(res, "mirrors", si->mirrors);
	cJSON_AddStringToObject(res, "what", si->what);
	cJSON_AddNumberToObject(res, "in", st->in);
	cJSON_AddNumberToObject(res, "out", st->out);
	if (stage == MRS_STAGE_HYDRATE) {
		const mrs_query *q = mrs_request_query(s->req);
		cJSON_AddNumberToObject(res, "followees", q->n_followees);
		cJSON_AddNumberToObject(res, "blocked_or_muted", q->n_blocked);
		cJSON_AddNumberToObject(res, "seen", q->n_seen);
		cJSON_AddNumberToObject(res, "negative_feedback_authors", q->n_negfb);
		return 0;
	}
	cJSON *arr = cJSON_AddArrayToObject(res, "candidates");
	if (stage <= MRS_STAGE_FOLLOW_RECS) {
		int src = stage - MRS_STAGE_IN_NETWORK;
		const mrs_cand_list *l = mrs_request_source(s->req, src);
		for (uint32_t i = 0; i < l->n && i < limit; i++) {
			cJSON *o = stage_row(s, &l->v[i]);
			res_add_num(o, "score", l->v[i].source_score[src]);
			cJSON_AddItemToArray(arr, o);
		}
		return 0;
	}
	/* later stages: candidates still in after the stage, best score at it first, then
	 * those it dropped */
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	uint32_t *idx = malloc(sizeof(uint32_t) * (n ? n : 1)), m = 0, dropped = 0;
	float *score = malloc(sizeof(float) * (n ? n : 1));
	if (!idx || !score) {
		free(idx), free(score);
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < n; i++) {
		score[i] = mrs_request_score_at(s->req, i, stage);
		dropped += c[i].dropped_at == stage;
		if (c[i].dropped_at < 0 || c[i].dropped_at >= stage)
			idx[m++] = i;
	}
	stage_order ord = {c, score, stage};
	qsort_r(idx, m, sizeof *idx, cmp_at_stage, &ord);
	for (uint32_t k = 0; k < m && k < limit; k++) {
		uint32_t i = idx[k];
		bool in = c[i].dropped_at != stage;
		cJSON *o = stage_row(s, &c[i]);
		cJSON_AddBoolToObject(o, "in", in);
		if (!isnan(score[i]))
			cJSON_AddNumberToObject(o, "score", score[i]);
		if (!in)
			cJSON_AddStringToObject(o, "dropped", mrs_drop_reason_name(c[i].drop_reason));
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(res, "dropped", dropped);
	cJSON_AddNumberToObject(res, "listed", m);
	free(idx), free(score);
	return 0;
}

void report_stage_text(out *o, const cJSON *r)
{
	int stage = (int)res_num(r, "index");
	out_printf(o, "stage %d/%d %s: %s\n", stage + 1, MRS_N_STAGES, res_str(r, "stage"),
		   res_str(r, "title"));
	char mirrors[512];
	snprintf(mirrors, sizeof mirrors, "mirrors: %s", res_str(r, "mirrors"));
	out_wrap(o, "  ", mirrors, 90);
	out_wrap(o, "  ", res_str(r, "what"), 90);
	if (stage == MRS_STAGE_HYDRATE) {
		out_printf(o, "  followees %u, blocked or muted %u, seen %u, negative feedback on %u "
			      "authors\n",
			   res_u32(r, "followees"), res_u32(r, "blocked_or_muted"), res_u32(r, "seen"),
			   res_u32(r, "negative_feedback_authors"));
		return;
	}
	out_printf(o, "  in %u, out %u\n", res_u32(r, "in"), res_u32(r, "out"));
	const cJSON *arr = res_get(r, "candidates"), *x;
	char b1[64], b2[64], text[256];
	int k = 0;
	cJSON_ArrayForEach(x, arr)
	{
		report_at(x, "handle", b1, sizeof b1);
		if (stage <= MRS_STAGE_FOLLOW_RECS) {
			out_printf(o, "  %3d %7u %s %8.4f  %s\n", ++k, res_u32(x, "tweet"),
				   fmt_col(b1, 14, b2, sizeof b2), res_num(x, "score"),
				   fmt_cut(res_str(x, "text"), 60, text, sizeof text));
			continue;
		}
		bool in = res_bool(x, "in");
		char sbuf[16];
		if (res_has(x, "score"))
			snprintf(sbuf, sizeof sbuf, "%8.4f", res_num(x, "score"));
		else
			snprintf(sbuf, sizeof sbuf, "%8s", "-");
		out_printf(o, "  %-4s %7u %s %s %-24s %s\n", in ? "in" : "out", res_u32(x, "tweet"),
			   fmt_col(b1, 14, b2, sizeof b2), sbuf, in ? "" : res_str(x, "dropped"),
			   fmt_cut(res_str(x, "text"), 40, text, sizeof text));
	}
	int shown = cJSON_GetArraySize(arr);
	if (res_has(r, "listed") && res_u32(r, "listed") > (uint32_t)shown)
		out_printf(o, "  (first %d of %u shown)\n", shown, res_u32(r, "listed"));
}

/* ------------------------------------------------------------ accounts */

static const char *const sort_names[REPORT_N_SORTS] = {"followers", "following", "tweets",
						       "activity", "id"};

const char *report_sort_name(int by)
{
	return by >= 0 && by < REPORT_N_SORTS ? sort_names[by] : NULL;
}

int report_sort_by_name(const char *name)
{
	for (int k = 0; name && k < REPORT_N_SORTS; k++)
		if (strcmp(name, sort_names[k]) == 0)
			return k;
	return -1;
}

static uint32_t sort_key(const mrs_dataset *ds, uint32_t u, int by)
{
	switch (by) {
	case REPORT_SORT_FOLLOWERS:
		return mrs_n_followers(ds, u);
	case REPORT_SORT_FOLLOWING:
		return mrs_n_followees(ds, u);
	case REPORT_SORT_TWEETS:
		return mrs_n_tweets_of(ds, u);
	case REPORT_SORT_ACTIVITY:
		return mrs_n_impressions_of(ds, u);
	default:
		return UINT32_MAX - u;
	}
}

typedef struct sort_ctx {
	const mrs_dataset *ds;
	int by;
} sort_ctx;

static int cmp_users(const void *a, const void *b, void *ctx)
{
	const sort_ctx *sc = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t kx = sort_key(sc->ds, x, sc->by), ky = sort_key(sc->ds, y, sc->by);
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Does user u match the query (id, part of the handle, or a hidden interest)? */
static bool user_matches(session *s, uint32_t u, const char *q, int topic)
{
	if (!q)
		return true;
	if (topic >= 0) {
		const mrs_truth *tr = session_truth(s);
		return tr && (tr->user_interests[u] >> topic & 1);
	}
	char id[16];
	snprintf(id, sizeof id, "%u", u);
	return strcmp(id, q) == 0 || strstr(mrs_handle(s->ds, u), q[0] == '@' ? q + 1 : q);
}

int report_users_find(session *s, const char *query, int by, uint32_t **ids_out, uint32_t *n_out,
		      mrs_error *err)
{
	if (session_dataset(s, err))
		return -1;
	const mrs_dataset *ds = s->ds;
	if (query && !*query)
		query = NULL;
	int topic = query ? mrs_topic_by_name(query) : -1;
	if (topic >= 0 && !session_truth(s))
		return mrs_fail(err, MRS_ERR_REFUSED,
				"searching by interest needs a synthetic world's truth");
	uint32_t users = mrs_dataset_info_get(ds).users;
	uint32_t *ids = malloc(sizeof(uint32_t) * (users ? users : 1)), n = 0;
	if (!ids)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	for (uint32_t u = 0; u < users; u++)
		if (user_matches(s, u, query, topic))
			ids[n++] = u;
	sort_ctx sc = {ds, by};
	qsort_r(ids, n, sizeof *ids, cmp_users, &sc);
	*ids_out = ids;
	*n_out = n;
	return 0;
}

void report_profile_get(session *s, uint32_t u, report_profile *p)
{
	const mrs_dataset *ds = s->ds;
	memset(p, 0, sizeof *p);
	p->id = u;
	p->following = mrs_n_followees(ds, u);
	p->followers = mrs_n_followers(ds, u);
	p->tweets = mrs_n_tweets_of(ds, u);
	p->verified = mrs_user_verified(ds, u);
	p->created = mrs_user_created(ds, u);
	p->impressions = mrs_n_impressions_of(ds, u);
	for (uint32_t k = 0; k < p->impressions; k++) {
		unsigned acts = mrs_impression_actions(ds, u, k);
		p->engaged += (acts & MRS_POSITIVE_MASK) != 0;
		p->negative += (acts >> MRS_ACT_NEGFB & 1) || (acts >> MRS_ACT_REPORT & 1);
	}
	const mrs_truth *tr = session_truth(s);
	if (tr) {
		p->has_interests = true;
		for (int t = 0; t < MRS_N_TOPICS; t++)
			p->interest[t] = tr->user_interest_w[(size_t)u * MRS_N_TOPICS + t];
	}
}

/* ------------------------------------------------------------ fusion */

int report_fusion_terms(const mrs_config *f, const mrs_candidate *c,
			report_term terms[REPORT_MAX_TERMS])
{
	static const char *const prob[MRS_N_HEADS] = {"P(like)",   "P(retweet)", "P(reply)",
						      "P(click)",  "P(follow)",  "P(negfb)",
						      "P(report)", "P(any)"};
	int n = 0;
	if (f->fusion == MRS_FUSION_WEIGHTED) {
		for (int h = 0; h < MRS_N_HEADS; h++) {
			if (f->head_weight[h] == 0)
				continue;
			terms[n++] = (report_term){mrs_head_name(h), prob[h], f->head_weight[h],
						   c->heads[h], f->head_weight[h] * c->heads[h]};
		}
		return n;
	}
	/* the blend, as the fusion stage computes it (stages.c) */
	float tot = f->emb_simclusters + f->emb_twhin + f->emb_realgraph;
	double emb = tot > 0 ? (f->emb_simclusters * fmaxf(c->sc, 0) + f->emb_twhin * fmaxf(c->twhin, 0) +
				f->emb_realgraph * fmaxf(c->rg, 0)) /
				       tot
			     : 0;
	terms[n++] = (report_term){"engagement", prob[MRS_HEAD_ANY], f->blend_engagement,
				   c->heads[MRS_HEAD_ANY],
				   f->blend_engagement * c->heads[MRS_HEAD_ANY]};
	terms[n++] = (report_term){"follow", prob[MRS_ACT_FOLLOW], f->blend_follow,
				   c->heads[MRS_ACT_FOLLOW], f->blend_follow * c->heads[MRS_ACT_FOLLOW]};
	terms[n++] = (report_term){"embedding", "mix", f->blend_embedding, emb,
				   f->blend_embedding * emb};
	return n;
}
