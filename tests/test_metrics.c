/* test_metrics.c: AUC (with ties), PR-AUC, RCE, precision at recall and macro-F1 against
 * values computed by hand. */
#include <math.h>

#include "testutil.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_auc(void **state)
{
	(void)state;
	/* the classic example: 3 of 4 (positive, negative) pairs ordered right */
	float s1[] = {0.1f, 0.4f, 0.35f, 0.8f};
	uint8_t l1[] = {0, 0, 1, 1};
	CLOSE(mrs_auc(s1, l1, 4), 0.75);
	/* ties count half: 0.9 beats both negatives (2), 0.5 ties both (0.5 + 0.5) */
	float s2[] = {0.5f, 0.5f, 0.5f, 0.9f};
	uint8_t l2[] = {0, 1, 0, 1};
	CLOSE(mrs_auc(s2, l2, 4), 0.75);
	/* everything tied: chance */
	float s3[] = {0.3f, 0.3f, 0.3f, 0.3f, 0.3f};
	uint8_t l3[] = {1, 0, 0, 1, 0};
	CLOSE(mrs_auc(s3, l3, 5), 0.5);
	/* perfect and reversed */
	float s4[] = {0.9f, 0.8f, 0.2f, 0.1f};
	uint8_t l4[] = {1, 1, 0, 0}, l5[] = {0, 0, 1, 1};
	CLOSE(mrs_auc(s4, l4, 4), 1.0);
	CLOSE(mrs_auc(s4, l5, 4), 0.0);
	/* undefined with one class */
	uint8_t ones[] = {1, 1, 1, 1};
	assert_true(isnan(mrs_auc(s4, ones, 4)));
	assert_true(isnan(mrs_auc(s4, ones, 0)));
}

static void test_pr_auc(void **state)
{
	(void)state;
	/* ranks: 0.8 (+), 0.4 (-), 0.35 (+), 0.1 (-): 0.5 x 1 + 0.5 x 2/3 */
	float s1[] = {0.1f, 0.4f, 0.35f, 0.8f};
	uint8_t l1[] = {0, 0, 1, 1};
	CLOSE(mrs_pr_auc(s1, l1, 4), 0.5 + 0.5 * 2.0 / 3.0);
	/* a tie is one threshold: 0.9 (+) gives 0.5 x 1; the tied pair adds 0.5 x 2/3 */
	float s2[] = {0.9f, 0.5f, 0.5f, 0.1f};
	uint8_t l2[] = {1, 1, 0, 0};
	CLOSE(mrs_pr_auc(s2, l2, 4), 0.5 + 0.5 * 2.0 / 3.0);
	uint8_t zeros[] = {0, 0, 0, 0};
	assert_true(isnan(mrs_pr_auc(s2, zeros, 4)));
}

static void test_rce(void **state)
{
	(void)state;
	float p[] = {0.8f, 0.2f};
	uint8_t l[] = {1, 0};
	/* 0.8f and 1 - 0.2f differ in the last float bits */
	assert_true(fabs(mrs_log_loss(p, l, 2) + log(0.8)) < 1e-6);
	double want = 100.0 * (1.0 - (-log(0.8)) / log(2.0));
	assert_true(fabs(mrs_rce(p, l, 2) - want) < 1e-4);
	assert_true(fabs(want - 67.807) < 1e-3);
	/* the base-rate predictor itself scores 0 */
	float base[] = {0.25f, 0.25f, 0.25f, 0.25f};
	uint8_t l2[] = {1, 0, 0, 0};
	assert_true(fabs(mrs_rce(base, l2, 4)) < 1e-6);
	/* worse than the base rate is negative */
	float bad[] = {0.1f, 0.9f, 0.9f, 0.9f};
	assert_true(mrs_rce(bad, l2, 4) < 0);
	uint8_t ones[] = {1, 1, 1, 1};
	assert_true(isnan(mrs_rce(base, ones, 4)));
}

static void test_precision_at_recall(void **state)
{
	(void)state;
	/* thresholds: 0.9 R 1/3 P 1; 0.8 R 1/3 P 1/2; 0.7 R 2/3 P 2/3; 0.6 R 2/3 P 1/2;
	 * 0.5 R 1 P 3/5 */
	float s[] = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
	uint8_t l[] = {1, 0, 1, 0, 1};
	CLOSE(mrs_precision_at_recall(s, l, 5, 0.3), 1.0);
	CLOSE(mrs_precision_at_recall(s, l, 5, 0.5), 2.0 / 3.0);
	CLOSE(mrs_precision_at_recall(s, l, 5, 0.9), 0.6);
	CLOSE(mrs_precision_at_recall(s, l, 5, 1.0), 0.6);
	/* recall 0.9 of 10 positives is reached at the 9th */
	float s2[20];
	uint8_t l2[20];
	for (int i = 0; i < 20; i++) {
		s2[i] = (float)(20 - i);
		l2[i] = i < 9 || i == 19; /* 9 positives on top, the 10th last */
	}
	CLOSE(mrs_precision_at_recall(s2, l2, 20, 0.9), 1.0);
	CLOSE(mrs_precision_at_recall(s2, l2, 20, 1.0), 0.5);
}

static void test_macro_f1(void **state)
{
	(void)state;
	float s[] = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
	uint8_t l[] = {1, 0, 1, 0, 1};
	/* all predicted positive: F1(1) = 6/8, F1(0) = 0 */
	CLOSE(mrs_macro_f1(s, l, 5, 0.5), 0.375);
	/* top three positive: tp 2 fp 1 fn 1 tn 1: F1(1) = 4/6, F1(0) = 2/4 */
	CLOSE(mrs_macro_f1(s, l, 5, 0.65), (4.0 / 6.0 + 0.5) / 2.0);
	/* nothing predicted positive: F1(1) = 0, F1(0) = 4/7 */
	CLOSE(mrs_macro_f1(s, l, 5, 0.95), (4.0 / 7.0) / 2.0);
	double thr = 0;
	/* best 7/12, first reached at the top score (tied later at 0.7) */
	CLOSE(mrs_macro_f1_best(s, l, 5, &thr), 7.0 / 12.0);
	CLOSE(thr, (double)0.9f);
	CLOSE(mrs_macro_f1(s, l, 5, thr), 7.0 / 12.0);
}

static void test_ece(void **state)
{
	(void)state;
	/* bin [0.7, 0.8): p 0.75, 0.75 against 1 positive of 2: |1.5 - 1| / 4;
	 * bin [0.2, 0.3): p 0.25, 0.25 against 0 of 2: |0.5 - 0| / 4 */
	float p[] = {0.75f, 0.75f, 0.25f, 0.25f};
	uint8_t l[] = {1, 0, 0, 0};
	CLOSE(mrs_ece(p, l, 4), (0.5 + 0.5) / 4);
	/* calibrated within each bin: 0 */
	float q[] = {0.25f, 0.25f, 0.25f, 0.25f, 1.0f, 0.0f};
	uint8_t m[] = {1, 0, 0, 0, 1, 0};
	CLOSE(mrs_ece(q, m, 6), 0.0);
	/* 1.0 falls in the last bin, with 0.9375; 0.0625 in the first: |1.9375 - 1| + 0.0625 */
	float r[] = {1.0f, 0.9375f, 0.0625f};
	uint8_t k[] = {1, 0, 0};
	CLOSE(mrs_ece(r, k, 3), (0.9375 + 0.0625) / 3);
	assert_true(isnan(mrs_ece(p, l, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auc),
		cmocka_unit_test(test_pr_auc),
		cmocka_unit_test(test_rce),
		cmocka_unit_test(test_precision_at_recall),
		cmocka_unit_test(test_macro_f1),
		cmocka_unit_test(test_ece),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
