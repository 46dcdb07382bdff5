/* test_stats.c: the world statistics (mrs_world_stats_compute) on a dataset built by hand,
 * each figure worked out below from the impressions. */
#include <math.h>

#include "testutil.h"

/* a and b agree to 1e-12 (cmocka's assert_float_equal compares floats) */
#define assert_close(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-12)

/*
 * Users 0..3. User 0 follows 1 from time 100 and 2 from time 500; user 1 follows 2 from
 * time 50. Tweets: 0 by 1, 1 by 2, 2 by 3, 3 a retweet of 0 by 2, 4 by 3.
 * Impressions (user, tweet, time, actions), in or out of network at that time:
 *   0 t0 200 like      in  (0 follows 1 since 100)
 *   0 t1 300 -         out (0 follows 2 only from 500)
 *   0 t3 600 like      in  (the retweeter 2 is followed by then)
 *   1 t3 200 click     in
 *   1 t2 210 negfb     out, not engaged (negative feedback is not positive)
 *   3 t0 220 retweet   out
 *   2 t0 230 -         out
 *   0 t4 240 like      out
 */
static mrs_dataset *hand_built(void)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(4, 5, &err);
	assert_non_null(ds);
	mrs_pool hp = {0}, tp = {0};
	for (uint32_t u = 0; u < 4; u++) {
		char h[8];
		snprintf(h, sizeof h, "u%u", u);
		ds->handle_off[u] = mrs_pool_add(&hp, h, strlen(h), &err);
	}
	uint32_t authors[5] = {1, 2, 3, 2, 3};
	for (uint32_t t = 0; t < 5; t++) {
		ds->text_off[t] = mrs_pool_add(&tp, "text", 4, &err);
		ds->tweet_author[t] = authors[t];
		ds->tweet_time[t] = 10 * (t + 1);
	}
	ds->tweet_rt_of[3] = 0;
	free(ds->handle_pool), free(ds->text_pool);
	ds->handle_pool = hp.data;
	ds->text_pool = tp.data;
	uint32_t fs[] = {0, 0, 1}, fd[] = {1, 2, 2};
	int64_t ft[] = {100, 500, 50};
	assert_ok(mrs_ds_set_follows(ds, fs, fd, ft, 3, &err), &err);
	uint32_t iu[] = {0, 0, 0, 1, 1, 3, 2, 0}, it[] = {0, 1, 3, 3, 2, 0, 0, 4};
	int64_t its[] = {200, 300, 600, 200, 210, 220, 230, 240};
	uint8_t ia[] = {1u << MRS_ACT_LIKE, 0, 1u << MRS_ACT_LIKE, 1u << MRS_ACT_CLICK,
			1u << MRS_ACT_NEGFB, 1u << MRS_ACT_RETWEET, 0, 1u << MRS_ACT_LIKE};
	assert_ok(mrs_ds_set_impressions(ds, iu, it, its, ia, NULL, 8, &err), &err);
	ds->split_time = 400;
	ds->kind = mrs_strdup("synthetic", &err);
	assert_ok(mrs_dataset_index(ds, &err), &err);
	return ds;
}

static void test_world_stats(void **state)
{
	(void)state;
	mrs_dataset *ds = hand_built();
	mrs_world_stats w;
	mrs_error err = {0};
	assert_ok(mrs_world_stats_compute(ds, &w, &err), &err);
	assert_int_equal(w.impressions, 8);
	assert_int_equal(w.oon_impressions, 5);
	assert_int_equal(w.engaged, 5);
	assert_int_equal(w.oon_engaged, 2);
	assert_close(w.oon_impression_share, 5.0 / 8);
	assert_close(w.oon_engagement_share, 2.0 / 5);
	assert_close(w.in_network_engagement_rate, 1.0);
	assert_close(w.oon_engagement_rate, 2.0 / 5);
	/* engaged impressions per tweet: 2, 0, 0, 2, 1; sorted 0 0 1 2 2: Gini
	 * sum (2i - n - 1) x_i / (n sum x) = (0 + 2 x 2 + 4 x 2) / (5 x 5) */
	assert_close(w.engagement_gini, 12.0 / 25);
	/* five tweets: the top 1% is one tweet, with 2 of the 5 */
	assert_close(w.top1pct_engagement_share, 2.0 / 5);
	/* tweet 0 reached two impressions through its retweet (tweet 3); its own three
	 * impressions are not the cascade's */
	assert_int_equal(w.largest_cascade, 2);
	assert_int_equal(w.largest_cascade_tweet, 0);
	assert_int_equal(w.largest_cascade_retweets, 1);
	mrs_dataset_free(ds);
}

static void test_world_stats_empty(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(2, 0, &err);
	assert_non_null(ds);
	ds->kind = mrs_strdup("edges", &err);
	assert_ok(mrs_dataset_index(ds, &err), &err);
	mrs_world_stats w;
	assert_ok(mrs_world_stats_compute(ds, &w, &err), &err);
	assert_int_equal(w.impressions, 0);
	assert_true(isnan(w.oon_impression_share));
	assert_true(isnan(w.oon_engagement_rate));
	assert_true(isnan(w.top1pct_engagement_share));
	assert_int_equal(w.largest_cascade, 0);
	assert_int_equal(w.largest_cascade_tweet, MRS_NONE);
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_world_stats),
		cmocka_unit_test(test_world_stats_empty),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
