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

void report_candidate_json(session *s, cJSON *o, const mrs_candidate *c, uint32_t i)
{
	cJSON_AddNumberToObject(o, "tweet", c->tweet);
	cJSON_AddNumberToObject(o, "author", c->author);
	cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, c->author));
	cJSON_AddStringToObject(o, "text", mrs_tweet_text(s->ds, c->tweet));
	cJSON_AddStringToObject(o, "source", mrs_source_name(c->source));
	cJSON *src = cJSON_AddArrayToObject(o, "sources");
	for (int k = 0; k < MRS_N_SOURCES; k++)
		if (c->sources >> k & 1)
			cJSON_AddItemToArray(src, cJSON_CreateString(mrs_source_name(k)));
	if (isfinite(c->score))
		cJSON_AddNumberToObject(o, "score", c->score);
	cJSON *h = cJSON_AddObjectToObject(o, "heads");
	for (int k = 0; k < MRS_N_HEADS; k++)
		cJSON_AddNumberToObject(h, mrs_head_name(k), c->heads[k]);
	cJSON_AddNumberToObject(o, "simclusters", c->sc);
	cJSON_AddNumberToObject(o, "twhin", c->twhin);
	cJSON_AddNumberToObject(o, "realgraph", c->rg);
	cJSON_AddNumberToObject(o, "nsfw", c->nsfw);
	cJSON_AddNumberToObject(o, "toxicity", c->tox);
	cJSON_AddNumberToObject(o, "safety_mult", c->safety_mult);
	cJSON_AddNumberToObject(o, "heuristic_mult", c->heur_mult);
	if (c->rank) {
		cJSON_AddNumberToObject(o, "rank", c->rank);
		uint32_t prev = mrs_request_prev_rank(s->req, c->tweet);
		if (mrs_request_has_prev(s->req))
			cJSON_AddNumberToObject(o, "previous_rank", prev);
	}
	(void)i;
}

/* "=", "^3", "v2" or "new" against the previous timeline. */
static const char *movement(session *s, const mrs_candidate *c, char *buf, size_t size)
{
	if (!mrs_request_has_prev(s->req))
		return "";
	uint32_t prev = mrs_request_prev_rank(s->req, c->tweet);
	if (!prev)
		snprintf(buf, size, "new");
	else if (prev == c->rank)
		snprintf(buf, size, "=");
	else if (prev > c->rank)
		snprintf(buf, size, "^%u", prev - c->rank);
	else
		snprintf(buf, size, "v%u", c->rank - prev);
	return buf;
}

void report_timeline(session *s, uint32_t n)
{
	const uint32_t *order;
	uint32_t total = mrs_request_timeline(s->req, &order), nc;
	const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
	char b1[64], b2[64], b3[64];
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "user", s->user);
	cJSON_AddStringToObject(j, "handle", mrs_handle(s->ds, s->user));
	cJSON_AddStringToObject(j, "preset", s->cfg.preset);
	cJSON *arr = cJSON_AddArrayToObject(j, "timeline");
	out_printf(s->o, "timeline of %s (user %u) at %s UTC, preset %s: %u of %u\n",
		   report_handle(s, s->user, b1, sizeof b1), s->user,
		   fmt_time(mrs_request_now(s->req), b2, sizeof b2), s->cfg.preset,
		   n < total ? n : total, total);
	out_printf(s->o, "%3s %-5s %7s %-14s %-12s %8s %5s %5s %5s %5s %5s %5s %5s %5s %5s %5s %4s %4s %5s\n",
		   "#", "move", "tweet", "author", "source", "score", "like", "rt", "reply", "click",
		   "fol", "neg", "rep", "sc", "twhin", "rg", "nsfw", "tox", "mult");
	for (uint32_t k = 0; k < total && k < n; k++) {
		const mrs_candidate *x = &c[order[k]];
		out_printf(s->o,
			   "%3u %-5s %7u %s %-12s %8.4f %5.3f %5.3f %5.3f %5.3f %5.3f %5.3f %5.3f %5.2f "
			   "%5.2f %5.2f %4.2f %4.2f %5.2f\n",
			   x->rank, movement(s, x, b3, sizeof b3), x->tweet,
			   fmt_col(report_handle(s, x->author, b1, sizeof b1), 14, b2, sizeof b2),
			   mrs_source_label(x->source), x->score, x->heads[MRS_ACT_LIKE],
			   x->heads[MRS_ACT_RETWEET], x->heads[MRS_ACT_REPLY], x->heads[MRS_ACT_CLICK],
			   x->heads[MRS_ACT_FOLLOW], x->heads[MRS_ACT_NEGFB], x->heads[MRS_ACT_REPORT],
			   x->sc, x->twhin, x->rg, x->nsfw, x->tox, x->safety_mult * x->heur_mult);
		char text[256];
		out_printf(s->o, "%9s %s\n", "", fmt_cut(mrs_tweet_text(s->ds, x->tweet), 100, text,
							    sizeof text));
		cJSON *o = cJSON_CreateObject();
		report_candidate_json(s, o, x, order[k]);
		cJSON_AddItemToArray(arr, o);
	}
	uint32_t by[MRS_N_SOURCES] = {0};
	for (uint32_t k = 0; k < total; k++)
		by[c[order[k]].source]++;
	cJSON *dist = cJSON_AddObjectToObject(j, "sources");
	out_printf(s->o, "sources:");
	for (int k = 0; k < MRS_N_SOURCES; k++) {
		out_printf(s->o, " %s %u%s", mrs_source_label(k), by[k], k + 1 < MRS_N_SOURCES ? "," : "\n");
		cJSON_AddNumberToObject(dist, mrs_source_name(k), by[k]);
	}
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

void report_stage(session *s, int stage, uint32_t limit)
{
	const mrs_stage_info *si = mrs_stage_info_get(stage);
	const mrs_stage_stats *st = mrs_request_stage(s->req, stage);
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "index", stage);
	cJSON_AddStringToObject(j, "stage", si->name);
	cJSON_AddStringToObject(j, "title", si->title);
	cJSON_AddStringToObject(j, "mirrors", si->mirrors);
	cJSON_AddNumberToObject(j, "in", st->in);
	cJSON_AddNumberToObject(j, "out", st->out);
	out_printf(s->o, "stage %d/%d %s: %s\n", stage + 1, MRS_N_STAGES, si->name, si->title);
	char mirrors[512];
	snprintf(mirrors, sizeof mirrors, "mirrors: %s", si->mirrors);
	out_wrap(s->o, "  ", mirrors, 90);
	out_wrap(s->o, "  ", si->what, 90);
	if (stage == MRS_STAGE_HYDRATE) {
		const mrs_query *q = mrs_request_query(s->req);
		out_printf(s->o, "  followees %u, blocked or muted %u, seen %u, negative feedback on %u authors\n",
			   q->n_followees, q->n_blocked, q->n_seen, q->n_negfb);
		cJSON_AddNumberToObject(j, "followees", q->n_followees);
		return;
	}
	out_printf(s->o, "  in %u, out %u\n", st->in, st->out);
	cJSON *arr = cJSON_AddArrayToObject(j, "candidates");
	char b1[64], b2[64], text[256];
	if (stage <= MRS_STAGE_FOLLOW_RECS) {
		int src = stage - MRS_STAGE_IN_NETWORK;
		const mrs_cand_list *l = mrs_request_source(s->req, src);
		for (uint32_t i = 0; i < l->n && i < limit; i++) {
			const mrs_candidate *x = &l->v[i];
			out_printf(s->o, "  %3u %7u %s %8.4f  %s\n", i + 1, x->tweet,
				   fmt_col(report_handle(s, x->author, b1, sizeof b1), 14, b2, sizeof b2),
				   x->source_score[src],
				   fmt_cut(mrs_tweet_text(s->ds, x->tweet), 60, text, sizeof text));
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "tweet", x->tweet);
			cJSON_AddNumberToObject(o, "score", x->source_score[src]);
			cJSON_AddItemToArray(arr, o);
		}
		return;
	}
	/* later stages: candidates still in after the stage, best score at it first, then
	 * those it dropped */
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	uint32_t *idx = malloc(sizeof(uint32_t) * (n ? n : 1)), m = 0, dropped = 0;
	float *score = malloc(sizeof(float) * (n ? n : 1));
	if (!idx || !score) {
		free(idx), free(score);
		return;
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
		char sbuf[16];
		if (isnan(score[i]))
			snprintf(sbuf, sizeof sbuf, "%8s", "-");
		else
			snprintf(sbuf, sizeof sbuf, "%8.4f", score[i]);
		out_printf(s->o, "  %-4s %7u %s %s %-24s %s\n", in ? "in" : "out", c[i].tweet,
			   fmt_col(report_handle(s, c[i].author, b1, sizeof b1), 14, b2, sizeof b2),
			   sbuf, in ? "" : mrs_drop_reason_name(c[i].drop_reason),
			   fmt_cut(mrs_tweet_text(s->ds, c[i].tweet), 40, text, sizeof text));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tweet", c[i].tweet);
		cJSON_AddBoolToObject(o, "in", in);
		if (!isnan(score[i]))
			cJSON_AddNumberToObject(o, "score", score[i]);
		if (!in)
			cJSON_AddStringToObject(o, "dropped", mrs_drop_reason_name(c[i].drop_reason));
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(j, "dropped", dropped);
	if (m > limit)
		out_printf(s->o, "  (first %u of %u shown)\n", limit, m);
	free(idx), free(score);
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
		return mrs_fail(err, MRS_ERR_USAGE,
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
