/* test_cut.c: the embedding cut (models.h's time rules): the 40% quantile of the
 * train-split impression times (the next time when nothing is before it, as for a split),
 * and an error, never another cut, when memory runs short.
 * Linked with -Wl,--wrap=calloc so that a test can make the library's next allocation
 * fail. */
#include "testutil.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool fail_next_calloc;

void *__wrap_calloc(size_t n, size_t size)
{
	if (fail_next_calloc) {
		fail_next_calloc = false;
		return NULL;
	}
	return __real_calloc(n, size);
}

static mrs_dataset *world(uint64_t seed)
{
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_truth *tr = NULL;
	assert_ok(mrs_gen_params_scale(&p, "small", &err), &err);
	p.users = 100, p.tweets = 800, p.impressions = 4000, p.seed = seed;
	mrs_dataset *ds = mrs_generate(&p, &tr, NULL, &err);
	if (!ds)
		fail_msg("generate: %s", err.msg);
	mrs_truth_free(tr);
	return ds;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The definition, by sorting every train-split impression time. */
static int64_t sorted_cut(const mrs_dataset *ds)
{
	int64_t *t = malloc(sizeof(int64_t) * (ds->n_impressions + 1));
	uint32_t n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (ds->imp_time[i] < ds->split_time)
			t[n++] = ds->imp_time[i];
	qsort(t, n, sizeof *t, cmp_i64);
	int64_t cut = n ? t[(uint32_t)((n - 1) * 0.4)] : ds->split_time;
	free(t);
	return cut;
}

static void test_cut_is_the_quantile(void **state)
{
	(void)state;
	mrs_error err = {0};
	for (uint64_t seed = 1; seed <= 3; seed++) {
		mrs_dataset *ds = world(seed);
		int64_t cut = mrs_embed_cut(ds, &err);
		assert_int_equal(cut, sorted_cut(ds));
		assert_true(cut > ds->t_begin && cut < ds->split_time);
		/* with nothing before the split, the split itself */
		ds->split_time = ds->t_begin;
		assert_int_equal(mrs_embed_cut(ds, &err), ds->t_begin);
		mrs_dataset_free(ds);
	}
}

static void test_no_memory_is_an_error(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = world(1);
	fail_next_calloc = true;
	assert_true(mrs_embed_cut(ds, &err) == INT64_MIN);
	assert_false(fail_next_calloc);
	assert_int_equal(err.code, MRS_ERR_NOMEM);
	assert_non_null(strstr(err.msg, "embedding cut"));
	/* and with memory again, the cut */
	assert_int_equal(mrs_embed_cut(ds, &err), sorted_cut(ds));
	mrs_dataset_free(ds);
}

static void test_past_undated_rows(void **state)
{
	(void)state;
	/* half of the train impressions share the first time (an import's undated history):
	 * the 40% quantile is that time, with nothing before it, so the cut moves to the next
	 * time, and the embeddings learn from the block, the ranker from what follows */
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(20, 10, &err);
	assert_non_null(ds);
	const int64_t t0 = 1700000000;
	for (uint32_t t = 0; t < 10; t++)
		ds->tweet_author[t] = 19, ds->tweet_time[t] = t0;
	uint32_t iu[20], it[20];
	int64_t its[20];
	uint8_t ia[20];
	for (uint32_t i = 0; i < 20; i++) {
		iu[i] = i % 19, it[i] = i % 10, ia[i] = 1u << MRS_ACT_CLICK;
		its[i] = i < 10 ? t0 : t0 + (int64_t)i * MRS_HOUR;
	}
	assert_ok(mrs_ds_set_impressions(ds, iu, it, its, ia, NULL, 20, &err), &err);
	ds->split_time = t0 + 100 * MRS_HOUR;
	assert_ok(mrs_dataset_index(ds, &err), &err);
	assert_int_equal(sorted_cut(ds), t0);
	assert_int_equal(mrs_embed_cut(ds, &err), t0 + 10 * MRS_HOUR);
	/* a split (eval's validation split of such a train part): at the quantile when rows
	 * are before it, else at the quantile of the rows after the block (40% of the ten at
	 * t0 + 10 .. 19 h: the fourth, t0 + 13 h), not at their first */
	assert_int_equal(mrs_split_time(ds, 0.8, &err), t0 + 15 * MRS_HOUR);
	assert_int_equal(mrs_split_time(ds, 0.4, &err), t0 + 13 * MRS_HOUR);
	assert_int_equal(mrs_split_time(ds, 0.5, &err), t0 + 14 * MRS_HOUR);
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_is_the_quantile),
		cmocka_unit_test(test_no_memory_is_an_error),
		cmocka_unit_test(test_past_undated_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
