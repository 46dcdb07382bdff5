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

/* ---- the BPR baseline (baselines.c; item-kNN and the user-item log are in models.h) and
 * the random split (split.c) */

/* BPR matrix factorisation over a log, deterministic for a seed (one thread, no BLAS). The
 * model is the caller's (mrs_bpr_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_bpr mrs_bpr;
mrs_bpr *mrs_bpr_train(const mrs_ui_log *log, const mrs_bpr_params *p, uint64_t seed,
		       const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): user u's score for every item; -INFINITY for items not in the log. */
void mrs_bpr_score(const mrs_bpr *m, uint32_t u, float *score);
/* The same for items[0 .. n) only: score[items[k]] is set, the rest of score untouched. */
void mrs_bpr_score_items(const mrs_bpr *m, uint32_t u, const uint32_t *items, uint32_t n,
			 float *score);
/* BPR's size rule, so that a world of millions of users and tweets evaluates on one
 * machine: while the item factors would take more than MRS_BPR_TABLE_MAX bytes
 * (n_items_in_log x factors x 4), the factors are halved, down to MRS_BPR_BIG_FACTORS at
 * least; above MRS_BPR_STEPS_MAX triples in all (epochs x n_pairs), fewer epochs (at
 * least one). True when p was changed (eval then says so). The default world and the
 * real logs of the README's tables are under both limits; the large world's millions of
 * train rows get fewer epochs, the huge world's also fewer factors. */
#define MRS_BPR_TABLE_MAX (1024u * 1024u * 1024u)
#define MRS_BPR_BIG_FACTORS 16u
#define MRS_BPR_STEPS_MAX ((size_t)400000000u)
bool mrs_bpr_size_rule(size_t n_pairs, uint32_t n_items_in_log, mrs_bpr_params *p);
void mrs_bpr_free(mrs_bpr *m);

/* How many of a group's n rows go to train at `ratio`: round(ratio * n), halves to even
 * (numpy's rounding, which Microsoft Recommenders' splitter uses). */
uint32_t mrs_split_train_rows(uint32_t n, double ratio);
/* MRS_SPLIT_RANDOM over ds: sets test[i] (n_impressions entries) to 1 for the impressions
 * that are test rows, 0 otherwise. Errors: MRS_ERR_USAGE for a ratio outside (0, 1),
 * MRS_ERR_NOMEM. */
int mrs_split_random(const mrs_dataset *ds, double ratio, uint64_t seed, uint8_t *test,
		     mrs_error *err);

/* Models trained as those of the set folder `set` were (its ranker's seed and safety
 * buckets, train's cap on ranker rows) on ds into dir, unless a heavy ranker of ds's
 * dataset is already there (a new `train` makes a new set, so what is found under a set
 * is never stale). 0 when they were there, 1 when trained now, 2 when none could be
 * trained (nothing to learn from, a folder that cannot be written: why in note), -1 on a
 * cancel or a lack of memory. dataset_path goes into the cards. */
int mrs_eval_models_like(const char *set, const mrs_dataset *ds, const char *dir,
			 const char *dataset_path, const mrs_progress *progress, char *note,
			 size_t note_size, mrs_error *err);
/* The validation split's dataset (mrs_eval_opts.validation): the train part of ds alone,
 * split again the same way (temporal: at the time before which 80% of its impressions
 * fall, its clock stopped at ds's split time; random: the train rows, which an evaluator
 * splits again with another seed). The caller's (mrs_dataset_free); NULL on error. */
mrs_dataset *mrs_eval_validation_dataset(const mrs_dataset *ds, const mrs_eval_opts *o,
					 mrs_error *err);

#endif
