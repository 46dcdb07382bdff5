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
		return mrs_fail(err, MRS_ERR_REFUSED, "'%s' is neither a preset (%s) nor a weights file",
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

/* One side's k-th place, for the text: the tweet, its author and its score. */
static cJSON *place(session *s, const cmp_side *x, uint32_t k)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "tweet", x->tweet[k]);
	cJSON_AddStringToObject(o, "handle", mrs_handle(s->ds, x->author[k]));
	cJSON_AddNumberToObject(o, "score", x->score[k]);
	return o;
}

static void report(session *s, const cmp_result *r, cJSON *res)
{
	cJSON_AddStringToObject(res, "a", r->a.name);
	cJSON_AddStringToObject(res, "b", r->b.name);
	uint32_t rows = r->a.n > r->b.n ? r->a.n : r->b.n, same = 0, moved = 0;
	cJSON *ta = cJSON_AddArrayToObject(res, "timeline_a");
	cJSON *tb = cJSON_AddArrayToObject(res, "timeline_b");
	cJSON *first = cJSON_AddArrayToObject(res, "rows");
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
		cJSON *row = cJSON_CreateObject();
		if (k < r->a.n)
			cJSON_AddItemToObject(row, "a", place(s, &r->a, k));
		if (k < r->b.n) {
			char move[16];
			cJSON *b = place(s, &r->b, k);
			cJSON_AddStringToObject(b, "move", movement(r, k, move, sizeof move));
			cJSON_AddItemToObject(row, "b", b);
		}
		cJSON_AddItemToArray(first, row);
	}
	cJSON_AddNumberToObject(res, "places", rows);
	cJSON_AddNumberToObject(res, "same_places", same);
	cJSON_AddNumberToObject(res, "moved", moved);
	metrics_json(cJSON_AddObjectToObject(res, "metrics_a"), &r->a.m);
	metrics_json(cJSON_AddObjectToObject(res, "metrics_b"), &r->b.m);
	cJSON_AddNumberToObject(res, "users", r->users);
	cJSON_AddNumberToObject(res, "k", r->k);
}

/* "  tweet @handle    score" of one side of a row, or "" */
static void side_text(const cJSON *x, char *buf, size_t size)
{
	char h[80], hb[64];
	buf[0] = '\0';
	if (x)
		snprintf(buf, size, "%7u %s %8.4f", res_u32(x, "tweet"),
			 fmt_col(report_at(x, "handle", h, sizeof h), 14, hb, sizeof hb),
			 res_num(x, "score"));
}

static void compare_text(out *o, const cJSON *r)
{
	const cJSON *ma = res_get(r, "metrics_a"), *mb = res_get(r, "metrics_b"), *row;
	if (out_on_screen(o)) {
		/* the explorer shows the split screen; its message line gets one line */
		out_printf(o, "compare %s | %s: NDCG@%u %.4f | %.4f on %u users\n", res_str(r, "a"),
			   res_str(r, "b"), res_u32(r, "k"), res_num(ma, "ndcg"), res_num(mb, "ndcg"),
			   res_u32(r, "users"));
		return;
	}
	out_printf(o, "%-4s %-31s | %-31s %s\n", "#", res_str(r, "a"), res_str(r, "b"), "B vs A");
	int k = 0;
	cJSON_ArrayForEach(row, res_get(r, "rows"))
	{
		char left[128], right[128];
		side_text(res_get(row, "a"), left, sizeof left);
		side_text(res_get(row, "b"), right, sizeof right);
		out_printf(o, "%-4d %-31s | %-31s %s\n", ++k, left, right,
			   res_str(res_get(row, "b"), "move"));
	}
	out_printf(o, "%u of %u places hold the same tweet; %u of B's tweets moved or are new\n",
		   res_u32(r, "same_places"), res_u32(r, "places"), res_u32(r, "moved"));
	out_printf(o, "on %u users: NDCG@%u %.4f | %.4f, coverage %.4f | %.4f, author "
		      "diversity %.3f | %.3f\n",
		   res_u32(r, "users"), res_u32(r, "k"), res_num(ma, "ndcg"), res_num(mb, "ndcg"),
		   res_num(ma, "coverage"), res_num(mb, "coverage"), res_num(ma, "author_diversity"),
		   res_num(mb, "author_diversity"));
}

static int compare_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *na = cmd_word(a, "A"), *nb = cmd_word(a, "B");
	mrs_config ca, cb;
	if (config_arg(na, &ca, err) || config_arg(nb, &cb, err) || cmd_need_user(s, err))
		return -1;
	cmp_result *r = calloc(1, sizeof *r);
	if (!r)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	r->user = s->user;
	mrs_request *scratch = mrs_request_new(s->engine, err);
	int rc = -1;
	if (scratch && run_side(s, scratch, na, &ca, &r->a, err) == 0 &&
	    run_side(s, scratch, nb, &cb, &r->b, err) == 0)
		rc = 0;
	mrs_request_free(scratch);
	/* offline metrics of both on the fixed sample: 100 test users, NDCG@10 */
	mrs_eval_opts o = {.k = 10, .users = 100, .seed = 1};
	mrs_evaluator *ev = rc ? NULL : session_evaluator(s, &o, err);
	mrs_eval_result ra, rb;
	if (!ev || mrs_evaluator_run(ev, &ca, &ra, s->progress, err) ||
	    mrs_evaluator_run(ev, &cb, &rb, s->progress, err)) {
		free(r);
		return -1;
	}
	r->a.m = ra.sys[MRS_SYS_PIPELINE];
	r->b.m = rb.sys[MRS_SYS_PIPELINE];
	r->users = ra.users;
	r->k = ra.k;
	free(s->cmp);
	s->cmp = r;
	report(s, r, res);
	if (s->ui)
		ui_show(s->ui, V_COMPARE);
	return 0;
}

static const cmd_arg compare_args[] = {
	{"A", .type = CMD_WORD, .help = "a preset or a weights file"},
	{"B", .type = CMD_WORD, .help = "a preset or a weights file"},
	{NULL},
};

const cmd_entry cmd_compare_entry = {
	"compare", NULL,
	"two presets or weight files side by side: timelines with rank movement, and NDCG@10, "
	"coverage and author diversity on a fixed sample",
	compare_args, CMD_SESSION, compare_exec, compare_text, NULL,
};
