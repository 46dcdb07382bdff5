/* report-eval.c: the evaluation as a result, and its text: the table with bars. */
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
	cJSON_AddNumberToObject(o, "map", m->map);
	cJSON_AddNumberToObject(o, "coverage", m->coverage);
	cJSON_AddNumberToObject(o, "author_diversity", m->author_diversity);
	cJSON_AddNumberToObject(o, "gini", m->gini);
	return o;
}

void report_eval(const mrs_eval_result *r, cJSON *j)
{
	cJSON_AddNumberToObject(j, "k", r->k);
	cJSON_AddNumberToObject(j, "users", r->users);
	cJSON_AddNumberToObject(j, "test_users", r->test_users);
	cJSON *sp = cJSON_AddObjectToObject(j, "split");
	cJSON_AddStringToObject(sp, "kind", r->split == MRS_SPLIT_RANDOM ? "random" : "temporal");
	if (r->split == MRS_SPLIT_RANDOM) {
		cJSON_AddNumberToObject(sp, "ratio", r->ratio);
		cJSON_AddNumberToObject(sp, "test_rows", r->test_rows);
		res_add_num(sp, "test_rows_in_model_period", r->test_rows_in_model_period);
		cJSON_AddStringToObject(sp, "models", r->models_dir);
		if (r->models_note[0])
			cJSON_AddStringToObject(sp, "models_note", r->models_note);
	}
	cJSON_AddBoolToObject(sp, "validation", r->validation);
	cJSON *bl = cJSON_AddObjectToObject(j, "baselines");
	cJSON *knn = cJSON_AddObjectToObject(bl, "item_knn");
	cJSON_AddNumberToObject(knn, "neighbours", r->knn.neighbours);
	cJSON_AddNumberToObject(knn, "shrink", r->knn.shrink);
	cJSON *bpr = cJSON_AddObjectToObject(bl, "bpr");
	cJSON_AddNumberToObject(bpr, "factors", r->bpr.factors);
	cJSON_AddNumberToObject(bpr, "epochs", r->bpr.epochs);
	/* the floats as their decimals (0.05, not 0.05000000074505806) */
	cJSON_AddNumberToObject(bpr, "learning_rate", round(r->bpr.lr * 1e6) / 1e6);
	cJSON_AddNumberToObject(bpr, "regularisation", round(r->bpr.reg * 1e6) / 1e6);
	if (r->baselines_note[0])
		cJSON_AddStringToObject(bl, "size_rule", r->baselines_note);
	cJSON *sys = cJSON_AddObjectToObject(j, "systems");
	for (int s = 0; s < MRS_N_SYSTEMS; s++)
		if (r->sys[s].present)
			cJSON_AddItemToObject(sys, mrs_system_name(s), metrics_json(&r->sys[s]));
	res_add_num(j, "oracle_share", r->oracle_share);
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
		res_add_num(o, "auc_model", r->pool_auc_model[side]);
		res_add_num(o, "auc_truth", r->pool_auc_truth[side]);
		res_add_num(o, "auc_final", r->pool_auc_final[side]);
	}
	if (r->has_models) {
		cJSON *m = cJSON_AddObjectToObject(j, "models");
		cJSON_AddNumberToObject(m, "rows", r->model_rows);
		cJSON *heads = cJSON_AddObjectToObject(m, "heads");
		for (int h = 0; h < MRS_N_HEADS; h++) {
			cJSON *o = cJSON_AddObjectToObject(heads, mrs_head_name(h));
			res_add_num(o, "auc", r->head_auc[h]);
			res_add_num(o, "pr_auc", r->head_pr_auc[h]);
			res_add_num(o, "rce", r->head_rce[h]);
			res_add_num(o, "oracle_auc", r->head_oracle_auc[h]);
		}
		cJSON *sf = cJSON_AddObjectToObject(m, "safety");
		cJSON_AddNumberToObject(sf, "rows", r->safety_rows);
		res_add_num(sf, "nsfw_auc", r->nsfw_auc);
		res_add_num(sf, "nsfw_precision_at_recall_90", r->nsfw_p_at_r90);
		res_add_num(sf, "toxicity_auc", r->tox_auc);
		res_add_num(sf, "toxicity_precision_at_recall_90", r->tox_p_at_r90);
		res_add_num(sf, "nsfw_ece", r->nsfw_ece);
		res_add_num(sf, "toxicity_ece", r->tox_ece);
		cJSON_AddNumberToObject(sf, "ece_bins", MRS_ECE_BINS);
	}
	cJSON *th = cJSON_AddArrayToObject(j, "safety_thresholds");
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++) {
		const mrs_safety_share *sh = &r->safety_share[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", sh->model);
		/* the config's float, shown as its decimal (0.8, not 0.800000011920929) */
		cJSON_AddNumberToObject(o, "threshold", round(sh->threshold * 1e6) / 1e6);
		res_add_num(o, "candidates_scored_above", sh->scores);
		res_add_num(o, "candidates_latent_above", sh->latents);
		res_add_num(o, "tweets_latent_above", sh->all_latents);
		cJSON_AddItemToArray(th, o);
	}
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
static void shares_text(out *o, const cJSON *thresholds)
{
	out_printf(o, "safety thresholds over the same candidates: share scored above, share "
		      "whose latent is above\n");
	out_printf(o, "  %-16s %11s %11s %11s %7s\n", "", "scored", "latent", "all tweets",
		   "ratio");
	const cJSON *sh;
	cJSON_ArrayForEach(sh, thresholds)
	{
		char name[32];
		snprintf(name, sizeof name, "%s > %.2f", res_str(sh, "model"),
			 res_num(sh, "threshold"));
		double scores = res_num(sh, "candidates_scored_above"),
		       latents = res_num(sh, "candidates_latent_above");
		out_printf(o, "  %-16s", name);
		share_cell(o, scores);
		share_cell(o, latents);
		share_cell(o, res_num(sh, "tweets_latent_above"));
		if (latents > 0 && isfinite(scores))
			out_printf(o, " %7.2f", scores / latents);
		out_printf(o, "\n");
	}
}

void report_eval_text(out *o, const cJSON *r)
{
	const cJSON *systems = res_get(r, "systems"), *m;
	double best = 0;
	cJSON_ArrayForEach(m, systems)
		best = fmax(best, res_num(m, "ndcg"));
	out_printf(o, "evaluation at k=%u over %u of %u test users", res_u32(r, "k"),
		   res_u32(r, "users"), res_u32(r, "test_users"));
	const cJSON *sp = res_get(r, "split");
	bool random = strcmp(res_str(sp, "kind"), "random") == 0;
	if (random)
		out_printf(o, ", random split: %.0f%% of each tweet's rows in train, %.0f in test",
			   100 * res_num(sp, "ratio"), res_num(sp, "test_rows"));
	out_printf(o, "%s\n", res_bool(sp, "validation") ? " (validation split)" : "");
	double early = res_num(sp, "test_rows_in_model_period");
	if (random && isfinite(early))
		out_printf(o, "(%.1f%% of these test rows are older than the temporal split, so inside "
			      "what the trained models learned from%s%s)\n",
			   100 * early, res_has(sp, "models_note") ? ": " : "",
			   res_has(sp, "models_note") ? res_str(sp, "models_note") : "");
	else if (random)
		out_printf(o, "(the models learnt from the train rows alone: %s)\n",
			   res_str(sp, "models"));
	const cJSON *bl = res_get(r, "baselines");
	if (res_has(bl, "size_rule"))
		out_printf(o, "(baselines under their size rules: %s)\n", res_str(bl, "size_rule"));
	out_printf(o, "%-14s %7s %7s %7s %7s %7s %8s %7s %6s  %s\n", "system", "NDCG", "P", "R",
		   "MRR", "Hit", "coverage", "authors", "gini", "NDCG");
	cJSON_ArrayForEach(m, systems)
	{
		out_printf(o, "%-14s %7.4f %7.4f %7.4f %7.4f %7.4f %8.4f %7.3f %6.3f", m->string,
			   res_num(m, "ndcg"), res_num(m, "precision"), res_num(m, "recall"),
			   res_num(m, "mrr"), res_num(m, "hit_rate"), res_num(m, "coverage"),
			   res_num(m, "author_diversity"), res_num(m, "gini"));
		bar(o, res_num(m, "ndcg"), best, 20);
		out_printf(o, "\n");
	}
	double share = res_num(r, "oracle_share");
	if (isfinite(share))
		out_printf(o, "pipeline share of the oracle on the same candidates: %.1f%%\n",
			   100 * share);
	const cJSON *src = res_get(r, "sources");
	out_printf(o, "sources (recall of test engagements among what each returned):\n");
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		const cJSON *x = res_get(src, mrs_source_name(s));
		out_printf(o, "  %-13s recall %.4f  own NDCG %.4f  timeline share %.3f\n",
			   mrs_source_label(s), res_num(x, "recall"), res_num(x, "ndcg"),
			   res_num(x, "timeline_share"));
	}
	out_printf(o, "  %-13s recall %.4f\n", "union", res_num(src, "union_recall"));
	out_printf(o, "candidate pools (after the pre-scoring filters), AUC against relevance:\n");
	out_printf(o, "  %-15s %10s %9s %7s %11s %10s %11s\n", "", "candidates", "relevant", "rate",
		   "model P(any)", "true P(any)", "final score");
	for (int side = 0; side < 2; side++) {
		const cJSON *p = res_get(res_get(r, "pools"), side ? "out_of_network" : "in_network");
		double n = res_num(p, "candidates"), rel = res_num(p, "relevant");
		out_printf(o, "  %-15s %10.0f %9.0f %6.2f%% %11.4f %10.4f %11.4f\n",
			   side ? "out of network" : "in network", n, rel, n ? 100 * rel / n : 0,
			   res_num(p, "auc_model"), res_num(p, "auc_truth"), res_num(p, "auc_final"));
	}
	shares_text(o, res_get(r, "safety_thresholds"));
	const cJSON *models = res_get(r, "models");
	if (!models)
		return;
	out_printf(o, "heavy ranker on %u test impressions:\n", res_u32(models, "rows"));
	out_printf(o, "  %-8s %7s %7s %8s %10s\n", "head", "AUC", "PR-AUC", "RCE %", "oracle AUC");
	cJSON_ArrayForEach(m, res_get(models, "heads"))
		out_printf(o, "  %-8s %7.4f %7.4f %8.2f %10.4f\n", m->string, res_num(m, "auc"),
			   res_num(m, "pr_auc"), res_num(m, "rce"), res_num(m, "oracle_auc"));
	const cJSON *sf = res_get(models, "safety");
	out_printf(o, "safety on %u labelled test tweets: NSFW AUC %.4f, P@R90 %.4f, ECE %.4f; "
		      "toxicity AUC %.4f, P@R90 %.4f, ECE %.4f (ECE over %u equal-width bins)\n",
		   res_u32(sf, "rows"), res_num(sf, "nsfw_auc"),
		   res_num(sf, "nsfw_precision_at_recall_90"), res_num(sf, "nsfw_ece"),
		   res_num(sf, "toxicity_auc"), res_num(sf, "toxicity_precision_at_recall_90"),
		   res_num(sf, "toxicity_ece"), res_u32(sf, "ece_bins"));
}
