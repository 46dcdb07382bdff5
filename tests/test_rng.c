/* test_rng.c: random numbers: determinism, distributions, alias tables, hashes, and the
 * id map built on them. */
#include <math.h>

#include "testutil.h"

static void test_same_seed_same_stream(void **state)
{
	(void)state;
	mrs_rng a, b, c;
	mrs_rng_seed(&a, 7);
	mrs_rng_seed(&b, 7);
	mrs_rng_seed(&c, 8);
	int differ = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = mrs_rng_u64(&a), y = mrs_rng_u64(&b), z = mrs_rng_u64(&c);
		assert_int_equal(x, y);
		differ += x != z;
	}
	assert_true(differ > 990);
}

static void test_streams_independent(void **state)
{
	(void)state;
	mrs_rng a, b, a2;
	mrs_rng_seed_stream(&a, 1, 0);
	mrs_rng_seed_stream(&b, 1, 1);
	mrs_rng_seed_stream(&a2, 1, 0);
	int same = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t x = mrs_rng_u64(&a);
		same += x == mrs_rng_u64(&b);
		assert_int_equal(x, mrs_rng_u64(&a2));
	}
	assert_int_equal(same, 0);
}

static void test_splitmix_vector(void **state)
{
	(void)state;
	/* splitmix64's first output from state 0 (its published reference sequence) */
	assert_int_equal(mrs_hash64(0), 0xe220a8397b1dcdafULL);
	assert_int_not_equal(mrs_hash64(1), mrs_hash64(2));
	/* FNV-1a of "a" (published test vector) */
	assert_int_equal(mrs_fnv1a(MRS_FNV_START, "a", 1), 0xaf63dc4c8601ec8cULL);
}

static void test_uniform_and_below(void **state)
{
	(void)state;
	mrs_rng r;
	mrs_rng_seed(&r, 3);
	double sum = 0;
	int counts[10] = {0};
	const int n = 200000;
	for (int i = 0; i < n; i++) {
		double u = mrs_rng_uniform(&r);
		assert_true(u >= 0 && u < 1);
		sum += u;
		uint32_t k = mrs_rng_below(&r, 10);
		assert_true(k < 10);
		counts[k]++;
	}
	assert_true(fabs(sum / n - 0.5) < 0.005);
	double chi2 = 0;
	for (int k = 0; k < 10; k++)
		chi2 += pow(counts[k] - n / 10.0, 2) / (n / 10.0);
	assert_true(chi2 < 27.9); /* p = 0.001 at 9 degrees of freedom */
	assert_int_equal(mrs_rng_below(&r, 1), 0);
}

static void test_distributions(void **state)
{
	(void)state;
	mrs_rng r;
	mrs_rng_seed(&r, 11);
	const int n = 200000;
	double s = 0, s2 = 0, e = 0, b = 0, g = 0, p = 0;
	int tail = 0;
	for (int i = 0; i < n; i++) {
		double x = mrs_rng_normal(&r);
		s += x, s2 += x * x;
		e += mrs_rng_exponential(&r, 3.0);
		b += mrs_rng_beta(&r, 2.0, 5.0);
		g += mrs_rng_gamma(&r, 0.5);
		double par = mrs_rng_pareto(&r, 2.0, 1.5);
		assert_true(par >= 2.0);
		tail += par > 8.0;
		p += mrs_rng_poisson(&r, 4.0);
	}
	assert_true(fabs(s / n) < 0.01);
	assert_true(fabs(s2 / n - 1.0) < 0.02);
	assert_true(fabs(e / n - 3.0) < 0.05);
	assert_true(fabs(b / n - 2.0 / 7.0) < 0.005);
	assert_true(fabs(g / n - 0.5) < 0.01);
	assert_true(fabs(p / n - 4.0) < 0.03);
	/* P(X > 8) = (2/8)^1.5 = 0.125 */
	assert_true(fabs((double)tail / n - 0.125) < 0.004);
}

static void test_alias(void **state)
{
	(void)state;
	double w[4] = {1, 0, 3, 6};
	mrs_error err = {0};
	mrs_alias *a = mrs_alias_new(w, 4, &err);
	assert_non_null(a);
	mrs_rng r;
	mrs_rng_seed(&r, 5);
	int counts[4] = {0};
	const int n = 100000;
	for (int i = 0; i < n; i++)
		counts[mrs_alias_sample(a, &r)]++;
	assert_int_equal(counts[1], 0);
	assert_true(fabs(counts[0] / (double)n - 0.1) < 0.005);
	assert_true(fabs(counts[2] / (double)n - 0.3) < 0.008);
	assert_true(fabs(counts[3] / (double)n - 0.6) < 0.008);
	mrs_alias_free(a);
	double zero[2] = {0, 0}, neg[2] = {1, -1};
	assert_null(mrs_alias_new(zero, 2, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_null(mrs_alias_new(neg, 2, &err));
	assert_non_null(strstr(err.msg, "weight 1"));
	mrs_alias_free(NULL);
}

/* The id map hands out slots in insertion order; reserve makes room without moving a
 * slot, and what it reserved is put without another rehash. */
static void test_idmap_slots_and_reserve(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_idmap m = {0};
	assert_ok(mrs_idmap_reset(&m, 4, &err), &err);
	for (uint32_t i = 0; i < 100; i++) {
		bool added = false;
		assert_int_equal(mrs_idmap_put(&m, 7919 * i + 3, &added, &err), i);
		assert_true(added);
	}
	bool added = true;
	assert_int_equal(mrs_idmap_put(&m, 7919 * 42 + 3, &added, &err), 42);
	assert_false(added);
	assert_int_equal(mrs_idmap_get(&m, 5), MRS_NONE);
	assert_ok(mrs_idmap_reserve(&m, 5000, &err), &err);
	uint32_t mask = m.mask;
	assert_true(2 * (uint64_t)(m.n + 5000) <= (uint64_t)mask + 1);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(mrs_idmap_get(&m, 7919 * i + 3), i);
	for (uint32_t i = 100; i < 5100; i++)
		assert_int_equal(mrs_idmap_put(&m, 7919 * i + 3, NULL, &err), i);
	assert_int_equal(m.mask, mask); /* no rehash while putting what was reserved */
	for (uint32_t i = 0; i < 5100; i++) {
		assert_int_equal(mrs_idmap_get(&m, 7919 * i + 3), i);
		assert_int_equal(m.ids[i], 7919 * i + 3);
	}
	assert_ok(mrs_idmap_reset(&m, 4, &err), &err);
	assert_int_equal(m.n, 0);
	assert_int_equal(mrs_idmap_get(&m, 3), MRS_NONE);
	mrs_idmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_stream),
		cmocka_unit_test(test_streams_independent),
		cmocka_unit_test(test_splitmix_vector),
		cmocka_unit_test(test_uniform_and_below),
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_idmap_slots_and_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
