/* cmd-compare.c: `compare A B`: two configurations (presets or weight files) side by side:
 * the current user's two timelines with rank movement, and NDCG@10, coverage and author
 * diversity of both on a fixed sample of users. */
#include <math.h>
#include <string.h>

#include "report.h"

/* A preset name, or else a weights file. */
static int config_arg(const char *arg, mrs_config *c, mrs_error *err)
{
	if (mrs_config_preset(c, arg, NULL) == 0)
		return 0;
	mrs_config_preset(c, "seed", NULL);
	return mrs_config_load(c, arg, err);
}

typedef struct side {
	uint32_t tweet[64], author[64];
	float score[64];
	uint32_t n;
} side;

static int run_side(session *s, const mrs_config *c, side *res, mrs_error *err)
{
	if (mrs_request_run(s->req, s->user, 0, c, err))
		return -1;
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order), nc;
	const mrs_candidate *cand = mrs_request_candidates(s->req, &nc);
	res->n = n < 64 ? n : 64;
	for (uint32_t k = 0; k < res->n; k++) {
		res->tweet[k] = cand[order[k]].tweet;
		res->author[k] = cand[order[k]].author;
		res->score[k] = cand[order[k]].score;
	}
	return 0;
}

static uint32_t rank_in(const side *x, uint32_t tweet)
{
	for (uint32_t k = 0; k < x->n; k++)
		if (x->tweet[k] == tweet)
			return k + 1;
	return 0;
}

static void metrics_json(cJSON *o, const mrs_rank_metrics *m)
{
	cJSON_AddNumberToObject(o, "ndcg", m->ndcg);
	cJSON_AddNumberToObject(o, "coverage", m->coverage);
	cJSON_AddNumberToObject(o, "author_diversity", m->author_diversity);
}

static int compare_exec(session *s, int argc, char **argv, mrs_error *err)
{
	mrs_config a, b;
	if (config_arg(argv[1], &a, err) || config_arg(argv[2], &b, err))
		return CMD_FAIL;
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	side sa, sb;
	int rc = run_side(s, &a, &sa, err) || run_side(s, &b, &sb, err) ? -1 : 0;
	/* leave the request as the session's own configuration had it */
	mrs_error ignore;
	mrs_request_run(s->req, s->user, 0, &s->cfg, &ignore);
	if (rc)
		return cmd_status(err);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "a", argv[1]);
	cJSON_AddStringToObject(j, "b", argv[2]);
	char h[80], hb[40], h2[80], hb2[40];
	uint32_t rows = sa.n > sb.n ? sa.n : sb.n, shown = rows < 10 ? rows : 10, same = 0;
	out_printf(s->o, "%-4s %-31s | %-31s %s\n", "#", argv[1], argv[2], "B vs A");
	cJSON *ta = cJSON_AddArrayToObject(j, "timeline_a"), *tb = cJSON_AddArrayToObject(j, "timeline_b");
	for (uint32_t k = 0; k < rows; k++) {
		if (k < sa.n)
			cJSON_AddItemToArray(ta, cJSON_CreateNumber(sa.tweet[k]));
		if (k < sb.n)
			cJSON_AddItemToArray(tb, cJSON_CreateNumber(sb.tweet[k]));
		same += k < sa.n && k < sb.n && sa.tweet[k] == sb.tweet[k];
		if (k >= shown)
			continue;
		char left[64] = "", right[64] = "", move[16] = "";
		if (k < sa.n)
			snprintf(left, sizeof left, "%7u %-14s %8.4f", sa.tweet[k],
				 fmt_cut(report_handle(s, sa.author[k], h, sizeof h), 14, hb, sizeof hb),
				 sa.score[k]);
		if (k < sb.n) {
			snprintf(right, sizeof right, "%7u %-14s %8.4f", sb.tweet[k],
				 fmt_cut(report_handle(s, sb.author[k], h2, sizeof h2), 14, hb2, sizeof hb2),
				 sb.score[k]);
			uint32_t ra = rank_in(&sa, sb.tweet[k]);
			if (!ra)
				snprintf(move, sizeof move, "new");
			else if (ra == k + 1)
				snprintf(move, sizeof move, "=");
			else
				snprintf(move, sizeof move, ra > k + 1 ? "^%u" : "v%u",
					 ra > k + 1 ? ra - (k + 1) : (k + 1) - ra);
		}
		out_printf(s->o, "%-4u %-31s | %-31s %s\n", k + 1, left, right, move);
	}
	out_printf(s->o, "%u of %u places hold the same tweet\n", same, rows);
	cJSON_AddNumberToObject(j, "same_places", same);
	/* offline metrics of both on the evaluator's fixed sample */
	if (!s->ev) {
		mrs_eval_opts o = {.k = 10, .users = 100, .seed = 1, .models_dir = s->opts.models,
				   .keep_requests = true};
		if (!(s->ev = mrs_evaluator_new(s->base ? s->base : s->ds, &o, s->progress, err)))
			return cmd_status(err);
		s->ev_users = 100, s->ev_k = 10;
	}
	mrs_eval_result ra, rb;
	if (mrs_evaluator_run(s->ev, &a, &ra, s->progress, err) ||
	    mrs_evaluator_run(s->ev, &b, &rb, s->progress, err))
		return cmd_status(err);
	const mrs_rank_metrics *ma = &ra.sys[MRS_SYS_PIPELINE], *mb = &rb.sys[MRS_SYS_PIPELINE];
	out_printf(s->o, "on %u users: NDCG@%u %.4f | %.4f, coverage %.4f | %.4f, author "
			 "diversity %.3f | %.3f\n",
		   ra.users, ra.k, ma->ndcg, mb->ndcg, ma->coverage, mb->coverage,
		   ma->author_diversity, mb->author_diversity);
	metrics_json(cJSON_AddObjectToObject(j, "metrics_a"), ma);
	metrics_json(cJSON_AddObjectToObject(j, "metrics_b"), mb);
	cJSON_AddNumberToObject(j, "users", ra.users);
	return CMD_OK;
}

const cmd_entry cmd_compare_entry = {
	"compare", NULL, "A B",
	"two presets or weight files side by side: timelines with rank movement, and NDCG@10, "
	"coverage and author diversity on a fixed sample",
	2, 2, compare_exec,
};
