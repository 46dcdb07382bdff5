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

#endif
