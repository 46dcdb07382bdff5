/* rankmetrics.c: ranking metrics of one list (NDCG, precision, recall, reciprocal rank)
 * and the Gini coefficient of exposure. */
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

double mrs_gini(const uint32_t *counts, size_t n)
{
	if (n == 0)
		return 0;
	uint32_t *c = malloc(sizeof(uint32_t) * n);
	if (!c)
		return NAN;
	memcpy(c, counts, sizeof(uint32_t) * n);
	qsort(c, n, sizeof *c, cmp_u32);
	/* G = sum_i (2i - n - 1) x_i / (n sum x), i = 1..n over ascending x */
	double num = 0, sum = 0;
	for (size_t i = 0; i < n; i++) {
		num += (2.0 * (i + 1) - n - 1) * c[i];
		sum += c[i];
	}
	free(c);
	return sum > 0 ? num / (n * sum) : 0;
}
