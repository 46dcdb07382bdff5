/* test_rankmetrics.c: NDCG, precision, recall, reciprocal rank and Gini against values
 * computed by hand. */
#include <math.h>

#include "testutil.h"

static void test_ndcg(void **state)
{
	(void)state;
	uint32_t ranked[5] = {10, 20, 30, 40, 50};
	uint32_t rel[2] = {20, 50};
	/* DCG = 1/log2(3) + 1/log2(6); IDCG = 1 + 1/log2(3) */
	double dcg = 1 / log2(3.0) + 1 / log2(6.0), idcg = 1 + 1 / log2(3.0);
	assert_float_equal(mrs_ndcg_at_k(ranked, 5, rel, 2, 5), dcg / idcg, 1e-12);
	/* cut at 3: only the hit at rank 2 counts */
	assert_float_equal(mrs_ndcg_at_k(ranked, 5, rel, 2, 3), (1 / log2(3.0)) / idcg, 1e-12);
	/* perfect order */
	uint32_t best[3] = {20, 50, 10};
	assert_float_equal(mrs_ndcg_at_k(best, 3, rel, 2, 3), 1.0, 1e-12);
	/* more relevant than k: the ideal is k hits */
	uint32_t many[4] = {1, 2, 3, 4};
	assert_float_equal(mrs_ndcg_at_k(many, 2, many, 4, 2), 1.0, 1e-12);
	assert_float_equal(mrs_ndcg_at_k(ranked, 5, rel, 0, 5), 0.0, 0);
	/* a short list is not padded with hits */
	assert_float_equal(mrs_ndcg_at_k(ranked, 1, rel, 2, 5), 0.0, 0);
}

static void test_precision_recall_rr(void **state)
{
	(void)state;
	uint32_t ranked[4] = {7, 3, 9, 1};
	uint32_t rel[3] = {1, 3, 8};
	assert_float_equal(mrs_precision_at_k(ranked, 4, rel, 3, 4), 0.5, 1e-12);
	assert_float_equal(mrs_precision_at_k(ranked, 4, rel, 3, 10), 0.2, 1e-12); /* P@k counts k */
	assert_float_equal(mrs_recall_at_k(ranked, 4, rel, 3, 4), 2.0 / 3, 1e-12);
	assert_float_equal(mrs_recall_at_k(ranked, 4, rel, 3, 1), 0.0, 0);
	assert_float_equal(mrs_rr_at_k(ranked, 4, rel, 3, 4), 0.5, 1e-12);
	assert_float_equal(mrs_rr_at_k(ranked, 4, rel, 3, 1), 0.0, 0);
}

static void test_average_precision(void **state)
{
	(void)state;
	uint32_t ranked[5] = {10, 20, 30, 40, 50};
	uint32_t rel[3] = {20, 50, 60};
	/* hits at ranks 2 and 5: (1/2 + 2/5) over the 3 relevant (Spark's and Microsoft
	 * Recommenders' MAP divide by every relevant item, not by the hits) */
	assert_float_equal(mrs_ap_at_k(ranked, 5, rel, 3, 5), (0.5 + 0.4) / 3, 1e-12);
	assert_float_equal(mrs_ap_at_k(ranked, 5, rel, 3, 4), 0.5 / 3, 1e-12);
	uint32_t best[2] = {20, 50};
	assert_float_equal(mrs_ap_at_k(best, 2, best, 2, 10), 1.0, 1e-12);
	assert_float_equal(mrs_ap_at_k(ranked, 5, rel, 0, 5), 0.0, 0);
}

static void test_gini(void **state)
{
	(void)state;
	uint32_t equal[4] = {3, 3, 3, 3};
	assert_float_equal(mrs_gini(equal, 4), 0.0, 1e-12);
	uint32_t one[4] = {0, 0, 0, 8};
	assert_float_equal(mrs_gini(one, 4), 0.75, 1e-12); /* (n-1)/n when one item takes all */
	uint32_t mixed[3] = {1, 2, 3};
	/* sorted 1,2,3: sum (2i-n-1) x_i = -2*1 + 0*2 + 2*3 = 4; / (3 * 6) */
	assert_float_equal(mrs_gini(mixed, 3), 4.0 / 18, 1e-12);
	uint32_t none[2] = {0, 0};
	assert_float_equal(mrs_gini(none, 2), 0.0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ndcg),
		cmocka_unit_test(test_precision_recall_rr),
		cmocka_unit_test(test_average_precision),
		cmocka_unit_test(test_gini),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
