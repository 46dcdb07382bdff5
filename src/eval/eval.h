/* eval.h: the evaluation layer (src/eval/): offline evaluation over requests, with the
 * ground truth of a synthetic world for the oracle ceiling (the only layer that reads it). */
#ifndef MRS_EVAL_H
#define MRS_EVAL_H

#include "request/request.h"
#include "world/world.h"

/* Ranking metrics of one ranked list against a set of relevant ids (ascending), binary
 * relevance, cut at k. NDCG's ideal DCG puts min(k, n_rel) relevant items first. */
double mrs_ndcg_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		     uint32_t k);
double mrs_precision_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel,
			  uint32_t n_rel, uint32_t k);
double mrs_recall_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		       uint32_t k);
/* 1 / rank of the first relevant item within the top k, 0 if none. */
double mrs_rr_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		   uint32_t k);
/* Average precision cut at k as Microsoft Recommenders and Spark compute it: the
 * precision at the rank of each relevant item in the top k, summed, over n_rel. */
double mrs_ap_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		   uint32_t k);

/* ---- the baselines (baselines.c) and the random split (split.c) */

/* Binary user-item feedback: user u's items at item[off[u] .. off[u+1]), ascending and
 * distinct. */
typedef struct mrs_ui_log {
	uint32_t n_users, n_items;
	uint32_t *off, *item;
} mrs_ui_log;
/* Builds a log from n (user, item) pairs in any order (repeats merged). The log owns its
 * arrays (mrs_ui_log_free). Errors: MRS_ERR_NOMEM, MRS_ERR_DATA for an id out of range. */
int mrs_ui_log_build(mrs_ui_log *log, uint32_t n_users, uint32_t n_items, const uint32_t *user,
		     const uint32_t *item, size_t n, mrs_error *err);
void mrs_ui_log_free(mrs_ui_log *log);

/* Item-kNN over a log (mrs_knn_params says what it computes). The model is the caller's
 * (mrs_item_knn_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_item_knn mrs_item_knn;
mrs_item_knn *mrs_item_knn_train(const mrs_ui_log *log, const mrs_knn_params *p,
				 const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): for every item, the summed similarity to items[0 .. n). */
void mrs_item_knn_score(const mrs_item_knn *m, const uint32_t *items, uint32_t n, float *score);
void mrs_item_knn_free(mrs_item_knn *m);

/* BPR matrix factorisation over a log, deterministic for a seed (one thread, no BLAS). The
 * model is the caller's (mrs_bpr_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_bpr mrs_bpr;
mrs_bpr *mrs_bpr_train(const mrs_ui_log *log, const mrs_bpr_params *p, uint64_t seed,
		       const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): user u's score for every item; -INFINITY for items not in the log. */
void mrs_bpr_score(const mrs_bpr *m, uint32_t u, float *score);
void mrs_bpr_free(mrs_bpr *m);

/* How many of a group's n rows go to train at `ratio`: round(ratio * n), halves to even
 * (numpy's rounding, which Microsoft Recommenders' splitter uses). */
uint32_t mrs_split_train_rows(uint32_t n, double ratio);
/* MRS_SPLIT_RANDOM over ds: sets test[i] (n_impressions entries) to 1 for the impressions
 * that are test rows, 0 otherwise. Errors: MRS_ERR_USAGE for a ratio outside (0, 1),
 * MRS_ERR_NOMEM. */
int mrs_split_random(const mrs_dataset *ds, double ratio, uint64_t seed, uint8_t *test,
		     mrs_error *err);

#endif
