/* cmd-compare.c: `compare A B`: two configurations (presets or weight files) side by side:
 * the current user's two timelines with rank movement, and NDCG@10, coverage and author
 * diversity of both on a fixed sample of users. In the explorer it opens the compare
 * screen (a split screen). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "ui.h"

/* A preset name, or else a weights file (over the seed preset). */
static int config_arg(const char *arg, mrs_config *c, mrs_error *err)
{
	if (mrs_config_preset(c, arg, NULL) == 0)
		return 0;
	if (access(arg, F_OK) != 0) {
		char names[128] = "";
		for (int p = 0; p < MRS_N_PRESETS; p++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 p ? ", " : "", mrs_presets[p]);
		return mrs_fail(err, MRS_ERR_USAGE, "'%s' is neither a preset (%s) nor a weights file",
				arg, names);
	}
	mrs_config_preset(c, "seed", NULL);
	return mrs_config_load(c, arg, err);
}

uint32_t cmp_rank(const cmp_side *x, uint32_t tweet)
{
	for (uint32_t k = 0; k < x->n; k++)
		if (x->tweet[k] == tweet)
			return k + 1;
	return 0;
}

/* Runs the current user's request under c on req (a scratch request: the session's own
 * keeps its timeline and the one before it, for movement and `diff`). */
static int run_side(session *s, mrs_request *req, const char *name, const mrs_config *c,
		    cmp_side *side, mrs_error *err)
{
	if (mrs_request_run(req, s->user, 0, c, err))
		return -1;
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(req, &order), nc;
	const mrs_candidate *cand = mrs_request_candidates(req, &nc);
	snprintf(side->name, sizeof side->name, "%s", name);
	side->n = n < CMP_ROWS ? n : CMP_ROWS;
	for (uint32_t k = 0; k < side->n; k++) {
		side->tweet[k] = cand[order[k]].tweet;
		side->author[k] = cand[order[k]].author;
		side->score[k] = cand[order[k]].score;
	}
	return 0;
}

static void metrics_json(cJSON *o, const mrs_rank_metrics *m)
{
	cJSON_AddNumberToObject(o, "ndcg", m->ndcg);
	cJSON_AddNumberToObject(o, "coverage", m->coverage);
	cJSON_AddNumberToObject(o, "author_diversity", m->author_diversity);
}

/* "=", "new", "^2" or "v3": where B put a tweet against A. */
static const char *movement(const cmp_result *r, uint32_t k, char *buf, size_t size)
{
	uint32_t ra = cmp_rank(&r->a, r->b.tweet[k]);
	if (!ra)
		snprintf(buf, size, "new");
	else if (ra == k + 1)
		snprintf(buf, size, "=");
	else
		snprintf(buf, size, ra > k + 1 ? "^%u" : "v%u", ra > k + 1 ? ra - (k + 1) : (k + 1) - ra);
	return buf;
}

static void report(session *s, const cmp_result *r)
{
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "a", r->a.name);
	cJSON_AddStringToObject(j, "b", r->b.name);
	char h[80], hb[64], h2[80], hb2[64], move[16];
	uint32_t rows = r->a.n > r->b.n ? r->a.n : r->b.n, same = 0, moved = 0;
	out_printf(s->o, "%-4s %-31s | %-31s %s\n", "#", r->a.name, r->b.name, "B vs A");
	cJSON *ta = cJSON_AddArrayToObject(j, "timeline_a"), *tb = cJSON_AddArrayToObject(j, "timeline_b");
	for (uint32_t k = 0; k < rows; k++) {
		if (k < r->a.n)
			cJSON_AddItemToArray(ta, cJSON_CreateNumber(r->a.tweet[k]));
		if (k < r->b.n) {
			cJSON_AddItemToArray(tb, cJSON_CreateNumber(r->b.tweet[k]));
			moved += cmp_rank(&r->a, r->b.tweet[k]) != k + 1;
		}
		same += k < r->a.n && k < r->b.n && r->a.tweet[k] == r->b.tweet[k];
		if (k >= 10)
			continue;
		char left[128] = "", right[128] = "";
		if (k < r->a.n)
			snprintf(left, sizeof left, "%7u %s %8.4f", r->a.tweet[k],
				 fmt_col(report_handle(s, r->a.author[k], h, sizeof h), 14, hb, sizeof hb),
				 r->a.score[k]);
		if (k < r->b.n)
			snprintf(right, sizeof right, "%7u %s %8.4f", r->b.tweet[k],
				 fmt_col(report_handle(s, r->b.author[k], h2, sizeof h2), 14, hb2, sizeof hb2),
				 r->b.score[k]);
		out_printf(s->o, "%-4u %-31s | %-31s %s\n", k + 1, left, right,
			   k < r->b.n ? movement(r, k, move, sizeof move) : "");
	}
	out_printf(s->o, "%u of %u places hold the same tweet; %u of B's tweets moved or are new\n",
		   same, rows, moved);
	out_printf(s->o, "on %u users: NDCG@%u %.4f | %.4f, coverage %.4f | %.4f, author "
			 "diversity %.3f | %.3f\n",
		   r->users, r->k, r->a.m.ndcg, r->b.m.ndcg, r->a.m.coverage, r->b.m.coverage,
		   r->a.m.author_diversity, r->b.m.author_diversity);
	cJSON_AddNumberToObject(j, "same_places", same);
	cJSON_AddNumberToObject(j, "moved", moved);
	metrics_json(cJSON_AddObjectToObject(j, "metrics_a"), &r->a.m);
	metrics_json(cJSON_AddObjectToObject(j, "metrics_b"), &r->b.m);
	cJSON_AddNumberToObject(j, "users", r->users);
}

static int compare_exec(session *s, int argc, char **argv, mrs_error *err)
{
	mrs_config a, b;
	if (config_arg(argv[1], &a, err) || config_arg(argv[2], &b, err))
		return cmd_status(err);
	if (cmd_need_user(s, err))
		return CMD_FAIL;
	cmp_result *r = calloc(1, sizeof *r);
	if (!r) {
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		return CMD_FAIL;
	}
	r->user = s->user;
	mrs_request *scratch = mrs_request_new(s->engine, err);
	int rc = -1;
	if (scratch && run_side(s, scratch, argv[1], &a, &r->a, err) == 0 &&
	    run_side(s, scratch, argv[2], &b, &r->b, err) == 0)
		rc = 0;
	mrs_request_free(scratch);
	/* offline metrics of both on the fixed sample: 100 test users, NDCG@10 (an evaluator
	 * `eval` built for another sample or cut-off is replaced) */
	if (!rc && s->ev && (s->ev_users != 100 || s->ev_k != 10)) {
		mrs_evaluator_free(s->ev);
		s->ev = NULL;
	}
	if (!rc && !s->ev) {
		mrs_eval_opts o = {.k = 10, .users = 100, .seed = 1, .models_dir = s->opts.models,
				   .keep_requests = true};
		if (!(s->ev = mrs_evaluator_new(s->base ? s->base : s->ds, &o, s->progress, err)))
			rc = -1;
		else
			s->ev_users = 100, s->ev_k = 10;
	}
	mrs_eval_result ra, rb;
	if (!rc && (mrs_evaluator_run(s->ev, &a, &ra, s->progress, err) ||
		    mrs_evaluator_run(s->ev, &b, &rb, s->progress, err)))
		rc = -1;
	if (rc) {
		free(r);
		return cmd_status(err);
	}
	r->a.m = ra.sys[MRS_SYS_PIPELINE];
	r->b.m = rb.sys[MRS_SYS_PIPELINE];
	r->users = ra.users;
	r->k = ra.k;
	free(s->cmp);
	s->cmp = r;
	if (s->ui) {
		/* the explorer shows the split screen; its message line gets one line */
		out_printf(s->o, "compare %s | %s: NDCG@%u %.4f | %.4f on %u users\n", r->a.name,
			   r->b.name, r->k, r->a.m.ndcg, r->b.m.ndcg, r->users);
		ui_show(s->ui, V_COMPARE);
	} else {
		report(s, r);
	}
	return CMD_OK;
}

const cmd_entry cmd_compare_entry = {
	"compare", NULL, "A B",
	"two presets or weight files side by side: timelines with rank movement, and NDCG@10, "
	"coverage and author diversity on a fixed sample",
	2, 2, compare_exec,
};
