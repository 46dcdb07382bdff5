/* rankmetrics.c: ranking metrics of one list (NDCG, precision, recall, reciprocal rank,
 * average precision); the Gini coefficient of exposure is dataset/stats.c's. */
#include <math.h>

#include "eval/eval.h"

static uint32_t hits(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		     uint32_t k)
{
	uint32_t h = 0;
	for (uint32_t i = 0; i < n && i < k; i++)
		h += mrs_sorted_has(rel, n_rel, ranked[i]);
	return h;
}

double mrs_ndcg_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		     uint32_t k)
{
	if (!n_rel || !k)
		return 0;
	double dcg = 0, idcg = 0;
	for (uint32_t i = 0; i < n && i < k; i++)
		if (mrs_sorted_has(rel, n_rel, ranked[i]))
			dcg += 1.0 / log2(i + 2.0);
	for (uint32_t i = 0; i < n_rel && i < k; i++)
		idcg += 1.0 / log2(i + 2.0);
	return dcg / idcg;
}

double mrs_precision_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel,
			  uint32_t n_rel, uint32_t k)
{
	return k ? (double)hits(ranked, n, rel, n_rel, k) / k : 0;
}

double mrs_recall_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		       uint32_t k)
{
	return n_rel ? (double)hits(ranked, n, rel, n_rel, k) / n_rel : 0;
}

double mrs_rr_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		   uint32_t k)
{
	for (uint32_t i = 0; i < n && i < k; i++)
		if (mrs_sorted_has(rel, n_rel, ranked[i]))
			return 1.0 / (i + 1);
	return 0;
}

double mrs_ap_at_k(const uint32_t *ranked, uint32_t n, const uint32_t *rel, uint32_t n_rel,
		   uint32_t k)
{
	if (!n_rel)
		return 0;
	double sum = 0;
	uint32_t h = 0;
	for (uint32_t i = 0; i < n && i < k; i++)
		if (mrs_sorted_has(rel, n_rel, ranked[i]))
			sum += (double)++h / (i + 1);
	return sum / n_rel;
}
