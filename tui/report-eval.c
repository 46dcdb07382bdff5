/* report-eval.c: the evaluation table, as text with bars and as JSON. */
#include <math.h>
#include <string.h>

#include "report.h"

static cJSON *metrics_json(const mrs_rank_metrics *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "ndcg", m->ndcg);
	cJSON_AddNumberToObject(o, "precision", m->precision);
	cJSON_AddNumberToObject(o, "recall", m->recall);
	cJSON_AddNumberToObject(o, "mrr", m->mrr);
	cJSON_AddNumberToObject(o, "hit_rate", m->hit_rate);
	cJSON_AddNumberToObject(o, "coverage", m->coverage);
	cJSON_AddNumberToObject(o, "author_diversity", m->author_diversity);
	cJSON_AddNumberToObject(o, "gini", m->gini);
	return o;
}

void report_add_number(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

cJSON *report_eval_json(const mrs_eval_result *r)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "k", r->k);
	cJSON_AddNumberToObject(j, "users", r->users);
	cJSON_AddNumberToObject(j, "test_users", r->test_users);
	cJSON *sys = cJSON_AddObjectToObject(j, "systems");
	for (int s = 0; s < MRS_N_SYSTEMS; s++)
		if (r->sys[s].present)
			cJSON_AddItemToObject(sys, mrs_system_name(s), metrics_json(&r->sys[s]));
	report_add_number(j, "oracle_share", r->oracle_share);
	cJSON *src = cJSON_AddObjectToObject(j, "sources");
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		cJSON *o = cJSON_AddObjectToObject(src, mrs_source_name(s));
		cJSON_AddNumberToObject(o, "recall", r->source_recall[s]);
		cJSON_AddNumberToObject(o, "ndcg", r->source_ndcg[s]);
		cJSON_AddNumberToObject(o, "timeline_share", r->source_share[s]);
		cJSON *ov = cJSON_AddObjectToObject(o, "overlap");
		for (int b = 0; b < MRS_N_SOURCES; b++)
			if (b != s)
				cJSON_AddNumberToObject(ov, mrs_source_name(b), r->source_overlap[s][b]);
	}
	cJSON_AddNumberToObject(src, "union_recall", r->union_recall);
	cJSON *pools = cJSON_AddObjectToObject(j, "pools");
	for (int side = 0; side < 2; side++) {
		cJSON *o = cJSON_AddObjectToObject(pools, side ? "out_of_network" : "in_network");
		cJSON_AddNumberToObject(o, "candidates", r->pool_n[side]);
		cJSON_AddNumberToObject(o, "relevant", r->pool_relevant[side]);
		report_add_number(o, "auc_model", r->pool_auc_model[side]);
		report_add_number(o, "auc_truth", r->pool_auc_truth[side]);
		report_add_number(o, "auc_final", r->pool_auc_final[side]);
	}
	if (r->has_models) {
		cJSON *m = cJSON_AddObjectToObject(j, "models");
		cJSON_AddNumberToObject(m, "rows", r->model_rows);
		cJSON *heads = cJSON_AddObjectToObject(m, "heads");
		for (int h = 0; h < MRS_N_HEADS; h++) {
			cJSON *o = cJSON_AddObjectToObject(heads, mrs_head_name(h));
			report_add_number(o, "auc", r->head_auc[h]);
			report_add_number(o, "pr_auc", r->head_pr_auc[h]);
			report_add_number(o, "rce", r->head_rce[h]);
			report_add_number(o, "oracle_auc", r->head_oracle_auc[h]);
		}
		cJSON *sf = cJSON_AddObjectToObject(m, "safety");
		cJSON_AddNumberToObject(sf, "rows", r->safety_rows);
		report_add_number(sf, "nsfw_auc", r->nsfw_auc);
		report_add_number(sf, "nsfw_precision_at_recall_90", r->nsfw_p_at_r90);
		report_add_number(sf, "toxicity_auc", r->tox_auc);
		report_add_number(sf, "toxicity_precision_at_recall_90", r->tox_p_at_r90);
		report_add_number(sf, "nsfw_ece", r->nsfw_ece);
		report_add_number(sf, "toxicity_ece", r->tox_ece);
		cJSON_AddNumberToObject(sf, "ece_bins", MRS_ECE_BINS);
	}
	cJSON *th = cJSON_AddArrayToObject(j, "safety_thresholds");
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++) {
		const mrs_safety_share *sh = &r->safety_share[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", sh->model);
		/* the config's float, shown as its decimal (0.8, not 0.800000011920929) */
		cJSON_AddNumberToObject(o, "threshold", round(sh->threshold * 1e6) / 1e6);
		report_add_number(o, "candidates_scored_above", sh->scores);
		report_add_number(o, "candidates_latent_above", sh->latents);
		report_add_number(o, "tweets_latent_above", sh->all_latents);
		cJSON_AddItemToArray(th, o);
	}
	return j;
}

/* A bar of v against max, at most width long, after two blanks (nothing for none: no
 * line ends in blanks). */
static void bar(out *o, double v, double max, int width)
{
	int n = max > 0 && isfinite(v) ? (int)lround(width * fmin(v / max, 1.0)) : 0;
	if (n > 0)
		out_printf(o, "  ");
	for (int i = 0; i < n; i++)
		out_printf(o, "#");
}

/* A share as a percentage, "-" when there is none. */
static void share_cell(out *o, double v)
{
	if (isfinite(v))
		out_printf(o, " %10.2f%%", 100 * v);
	else
		out_printf(o, " %11s", "-");
}

/* The safety thresholds: how many candidates the models put above each, against how
 * many have a hidden latent above it. */
static void report_shares(out *o, const mrs_eval_result *r)
{
	out_printf(o, "safety thresholds over the same candidates: share scored above, share "
		      "whose latent is above\n");
	out_printf(o, "  %-16s %11s %11s %11s %7s\n", "", "scored", "latent", "all tweets",
		   "ratio");
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++) {
		const mrs_safety_share *sh = &r->safety_share[i];
		char name[32];
		snprintf(name, sizeof name, "%s > %.2f", sh->model, sh->threshold);
		out_printf(o, "  %-16s", name);
		share_cell(o, sh->scores);
		share_cell(o, sh->latents);
		share_cell(o, sh->all_latents);
		if (sh->latents > 0 && isfinite(sh->scores))
			out_printf(o, " %7.2f", sh->scores / sh->latents);
		out_printf(o, "\n");
	}
}

void report_eval_text(out *o, const mrs_eval_result *r)
{
	double best = 0;
	for (int s = 0; s < MRS_N_SYSTEMS; s++)
		if (r->sys[s].present)
			best = fmax(best, r->sys[s].ndcg);
	out_printf(o, "evaluation at k=%u over %u of %u test users\n", r->k, r->users, r->test_users);
	out_printf(o, "%-14s %7s %7s %7s %7s %7s %8s %7s %6s  %s\n", "system", "NDCG", "P", "R",
		   "MRR", "Hit", "coverage", "authors", "gini", "NDCG");
	for (int s = 0; s < MRS_N_SYSTEMS; s++) {
		const mrs_rank_metrics *m = &r->sys[s];
		if (!m->present)
			continue;
		out_printf(o, "%-14s %7.4f %7.4f %7.4f %7.4f %7.4f %8.4f %7.3f %6.3f", mrs_system_name(s),
			   m->ndcg, m->precision, m->recall, m->mrr, m->hit_rate, m->coverage,
			   m->author_diversity, m->gini);
		bar(o, m->ndcg, best, 20);
		out_printf(o, "\n");
	}
	if (isfinite(r->oracle_share))
		out_printf(o, "pipeline share of the oracle on the same candidates: %.1f%%\n",
			   100 * r->oracle_share);
	out_printf(o, "sources (recall of test engagements among what each returned):\n");
	for (int s = 0; s < MRS_N_SOURCES; s++)
		out_printf(o, "  %-13s recall %.4f  own NDCG %.4f  timeline share %.3f\n",
			   mrs_source_label(s), r->source_recall[s], r->source_ndcg[s], r->source_share[s]);
	out_printf(o, "  %-13s recall %.4f\n", "union", r->union_recall);
	out_printf(o, "candidate pools (after the pre-scoring filters), AUC against relevance:\n");
	out_printf(o, "  %-15s %10s %9s %7s %11s %10s %11s\n", "", "candidates", "relevant", "rate",
		   "model P(any)", "true P(any)", "final score");
	for (int side = 0; side < 2; side++)
		out_printf(o, "  %-15s %10.0f %9.0f %6.2f%% %11.4f %10.4f %11.4f\n",
			   side ? "out of network" : "in network", r->pool_n[side], r->pool_relevant[side],
			   r->pool_n[side] ? 100 * r->pool_relevant[side] / r->pool_n[side] : 0,
			   r->pool_auc_model[side], r->pool_auc_truth[side], r->pool_auc_final[side]);
	report_shares(o, r);
	if (r->has_models) {
		out_printf(o, "heavy ranker on %u test impressions:\n", r->model_rows);
		out_printf(o, "  %-8s %7s %7s %8s %10s\n", "head", "AUC", "PR-AUC", "RCE %", "oracle AUC");
		for (int h = 0; h < MRS_N_HEADS; h++)
			out_printf(o, "  %-8s %7.4f %7.4f %8.2f %10.4f\n", mrs_head_name(h), r->head_auc[h],
				   r->head_pr_auc[h], r->head_rce[h], r->head_oracle_auc[h]);
		out_printf(o, "safety on %u labelled test tweets: NSFW AUC %.4f, P@R90 %.4f, ECE %.4f; "
			      "toxicity AUC %.4f, P@R90 %.4f, ECE %.4f (ECE over %d equal-width bins)\n",
			   r->safety_rows, r->nsfw_auc, r->nsfw_p_at_r90, r->nsfw_ece, r->tox_auc,
			   r->tox_p_at_r90, r->tox_ece, MRS_ECE_BINS);
	}
}
