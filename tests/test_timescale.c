/* test_timescale.c: a dataset's time scale: Twitter's for generated worlds and old files,
 * derived from engagement ages for imports (the percentile, whole-period and floor rules),
 * stored and loaded back, and bound into the config under the user's own values. */
#include <math.h>
#include <sqlite3.h>

#include "retrieval_util.h"

#define T0 1700000000LL

/* n_tweets tweets, one an hour from T0 by user 0; then each user 1..users-1 engages
 * (like) with tweet t at T0 + t hours + age(t) for the ages given, in turn. The split
 * falls after every engagement unless `split` says otherwise. */
static mrs_dataset *aged(uint32_t n_tweets, const int64_t *ages, size_t n_ages, uint32_t users,
			 int64_t split)
{
	ru_builder b;
	ru_begin(&b, users, n_tweets);
	for (uint32_t t = 0; t < n_tweets; t++)
		ru_tweet(&b, t, 0, T0 + t * MRS_HOUR, "a tweet");
	size_t n = (size_t)(users - 1) * n_tweets;
	uint32_t *iu = calloc(n, sizeof *iu), *it = calloc(n, sizeof *it);
	int64_t *its = calloc(n, sizeof *its);
	uint8_t *ia = calloc(n, 1);
	size_t k = 0;
	for (uint32_t u = 1; u < users; u++)
		for (uint32_t t = 0; t < n_tweets; t++, k++) {
			iu[k] = u, it[k] = t, ia[k] = 1u << MRS_ACT_LIKE;
			its[k] = T0 + t * MRS_HOUR + ages[k % n_ages];
		}
	mrs_error err = {0};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, n, &err), &err);
	free(iu), free(it), free(its), free(ia);
	return ru_end(&b, split);
}

static void test_twitter_scale(void **state)
{
	(void)state;
	mrs_time_scale ts;
	mrs_time_scale_twitter(&ts);
	assert_float_equal(ts.age_limit_hours, 168, 0);
	assert_float_equal(ts.halflife_hours, 24, 0);
	assert_float_equal(ts.graph_window_hours, 48, 0);
	assert_float_equal(ts.fatigue_days, 14, 0);
	assert_string_equal(ts.basis, "twitter");
	/* a generated world has it, so its windows are the ones it always had */
	mrs_dataset *ds = ru_world(200, 1000, 5000, 3, NULL);
	assert_string_equal(ds->time_scale.basis, "twitter");
	assert_float_equal(ds->time_scale.age_limit_hours, 168, 0);
	/* and a config bound to it is the preset's own */
	mrs_config a, b;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&a, "seed", &err), &err);
	b = a;
	mrs_config_time_scale(&b, &ds->time_scale);
	assert_memory_equal(&a, &b, sizeof a);
	mrs_dataset_free(ds);
}

static void test_percentile_rule(void **state)
{
	(void)state;
	/* 400 tweets an hour apart, each engaged by 2 users at ages of 1 h (60%), 5 h (39%)
	 * and 10 h (1%): the median is 1 h and the 99th percentile (the value at rank
	 * floor(0.99 (n - 1)) of the sorted ages, 791 of 800) 5 h; the window (999 h) is far
	 * longer, but the floor (the time 1,100 tweets take: all 399 h of these) is longer
	 * still: L = 399 h */
	int64_t ages[100];
	for (int i = 0; i < 100; i++)
		ages[i] = i < 60 ? MRS_HOUR : i < 99 ? 5 * MRS_HOUR : 10 * MRS_HOUR;
	mrs_dataset *ds = aged(400, ages, 100, 3, T0 + 1000 * MRS_HOUR);
	mrs_time_scale ts;
	mrs_error err = {0};
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ts, &err), &err);
	assert_string_equal(ts.basis, "derived");
	assert_int_equal(ts.engagements, 800);
	assert_float_equal(ts.age_p50_hours, 1, 1e-9);
	assert_float_equal(ts.age_p99_hours, 5, 1e-9);
	assert_float_equal(ts.age_limit_hours, 399, 0); /* the floor */
	assert_non_null(strstr(ts.rule, "the floor"));
	mrs_dataset_free(ds);

	/* many tweets a short time apart lower the floor under the percentile */
	ru_builder b;
	ru_begin(&b, 3, 3000);
	for (uint32_t t = 0; t < 3000; t++) /* 3,000 tweets in 30 h: 1,100 of them in 11 h */
		ru_tweet(&b, t, 0, T0 + (int64_t)t * 36, "a tweet");
	uint32_t iu[400], it[400];
	int64_t its[400];
	uint8_t ia[400];
	for (int k = 0; k < 400; k++) {
		iu[k] = 1 + k % 2, it[k] = (uint32_t)k, ia[k] = 1u << MRS_ACT_LIKE;
		its[k] = T0 + k * 36 +
			 (k % 100 < 60 ? MRS_HOUR : k % 100 < 99 ? 20 * MRS_HOUR : 40 * MRS_HOUR);
	}
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 400, &err), &err);
	ds = ru_end(&b, T0 + 400 * MRS_HOUR);
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ts, &err), &err);
	/* 240 ages of 1 h, 156 of 20 h, 4 of 40 h: the 99th percentile (rank 395 of 400) is
	 * 20 h, over the floor (1,100 of the tweets 36 s apart: 11 h) */
	assert_float_equal(ts.age_p99_hours, 20, 1e-9);
	assert_float_equal(ts.age_limit_hours, 20, 0);
	assert_non_null(strstr(ts.rule, "age limit: the 99th percentile"));
	/* H: the median (1 h) is under L / 7, so L / 7 rounded up to whole hours */
	assert_float_equal(ts.halflife_hours, 3, 0);
	assert_float_equal(ts.graph_window_hours, 6, 0);
	assert_float_equal(ts.fatigue_days, 40.0 / 24, 1e-12);
	mrs_dataset_free(ds);
}

static void test_whole_period_rule(void **state)
{
	(void)state;
	/* items still engaged at ages over half the train window: no age limit short of the
	 * whole period (t_end - t_begin), and H is the median age */
	int64_t ages[100];
	for (int i = 0; i < 100; i++)
		ages[i] = (int64_t)(100 + i) * MRS_HOUR;
	mrs_dataset *ds = aged(200, ages, 100, 3, T0 + 400 * MRS_HOUR);
	mrs_time_scale ts;
	mrs_error err = {0};
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ts, &err), &err);
	/* the 99th percentile, 198 h, passes half the 300 h from the first engagement to the
	 * split */
	assert_float_equal(ts.age_p99_hours, 198, 1e-9);
	assert_float_equal(ts.window_hours, 300, 1e-9);
	assert_non_null(strstr(ts.rule, "the whole period"));
	/* and the first item still live a second after the last row: the span here is whole
	 * hours, so one hour more */
	int64_t span = ds->t_end - ds->t_begin;
	assert_int_equal(span % MRS_HOUR, 0);
	assert_float_equal(ts.age_limit_hours, (double)span / 3600 + 1, 0);
	assert_true((double)(ds->t_end + 1 - ds->t_begin) <= ts.age_limit_hours * 3600);
	assert_float_equal(ts.halflife_hours, 149, 0); /* the median age */
	assert_non_null(strstr(ts.rule, "half-life: the median"));
	mrs_dataset_free(ds);
}

static void test_too_few_and_undated(void **state)
{
	(void)state;
	int64_t ages[] = {MRS_HOUR};
	/* 49 tweets x 2 users: 98 engagements, fewer than MRS_TS_MIN_ENGAGEMENTS */
	mrs_dataset *ds = aged(49, ages, 1, 3, T0 + 1000 * MRS_HOUR);
	mrs_time_scale ts;
	mrs_error err = {0};
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ts, &err), &err);
	assert_string_equal(ts.basis, "twitter");
	assert_int_equal(ts.engagements, 98);
	assert_non_null(strstr(ts.rule, "too few"));
	mrs_dataset_free(ds);
	/* engagements at the import's stand-in time for undated rows are not measured, nor
	 * those of the test split */
	ds = aged(100, ages, 1, 3, T0 + 1000 * MRS_HOUR);
	assert_ok(mrs_time_scale_derive(ds, T0 + MRS_HOUR, &ts, &err), &err);
	assert_int_equal(ts.engagements, 198);
	mrs_dataset_free(ds);
	ds = aged(100, ages, 1, 3, T0 + 50 * MRS_HOUR);
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ts, &err), &err);
	assert_int_equal(ts.engagements, 98); /* tweets 0..48 engaged before the split */
	mrs_dataset_free(ds);
}

static void test_import_derives(void **state)
{
	(void)state;
	/* a ratings log whose items are rated for a week each, over a year */
	char path[300];
	tu_path(path, sizeof path, "u.data");
	FILE *f = fopen(path, "w");
	for (int item = 0; item < 300; item++)
		for (int u = 0; u < 5; u++)
			fprintf(f, "%d\t%d\t5\t%lld\n", u, item,
				(long long)(T0 + item * MRS_DAY + u * 36 * MRS_HOUR));
	fclose(f);
	const char *files[] = {path};
	mrs_error err = {0};
	mrs_dataset *ds = mrs_import("interactions", files, 1, NULL, NULL, &err);
	if (!ds)
		fail_msg("%s", err.msg);
	const mrs_time_scale *ts = &ds->time_scale;
	assert_string_equal(ts->basis, "derived");
	assert_float_equal(ts->age_p99_hours, 144, 1e-9);
	/* the 1,100-tweet floor is the whole span of its 300 tweets: 299 days */
	assert_float_equal(ts->age_limit_hours, 299 * 24, 0);
	assert_float_equal(ts->halflife_hours, ceil(299 * 24 / 7.0), 0);
	mrs_dataset_free(ds);
}

static void test_store_round_trip(void **state)
{
	(void)state;
	int64_t ages[100];
	for (int i = 0; i < 100; i++)
		ages[i] = (int64_t)(1 + i % 7) * MRS_HOUR;
	mrs_dataset *ds = aged(300, ages, 100, 3, T0 + 1000 * MRS_HOUR);
	mrs_error err = {0};
	assert_ok(mrs_time_scale_derive(ds, INT64_MIN, &ds->time_scale, &err), &err);
	char path[300];
	tu_path(path, sizeof path, "scale.db");
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	if (!back)
		fail_msg("%s", err.msg);
	assert_memory_equal(&back->time_scale, &ds->time_scale, sizeof ds->time_scale);
	mrs_dataset_free(back);

	/* a file written before datasets had a time scale: Twitter's */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM meta WHERE key = 'time_scale'", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	back = mrs_dataset_load(path, NULL, &err);
	assert_non_null(back);
	assert_string_equal(back->time_scale.basis, "twitter");
	mrs_dataset_free(back);

	/* a broken one names the field */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "INSERT INTO meta VALUES ('time_scale', '{\"basis\": \"derived\", "
			     "\"rule\": \"\", \"age_limit_hours\": -5}')",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	assert_null(mrs_dataset_load(path, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "time_scale.age_limit_hours"));
	mrs_dataset_free(ds);
}

static void test_config_binding(void **state)
{
	(void)state;
	mrs_time_scale ts;
	mrs_time_scale_twitter(&ts);
	ts.age_limit_hours = 5000, ts.halflife_hours = 700;
	ts.graph_window_hours = 1400, ts.fatigue_days = 5000.0 / 12;
	mrs_config c;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&c, "seed", &err), &err);
	mrs_config_time_scale(&c, &ts);
	assert_float_equal(c.max_age_hours, 5000, 0);
	assert_float_equal(c.in_network_halflife_hours, 700, 0);
	assert_float_equal(c.recency_halflife_hours, 700, 0);
	assert_float_equal(c.graph_window_hours, 1400, 0);
	assert_float_equal(c.fatigue_days, 5000.0f / 12, 1e-3);
	/* a preset weighs heads and sources: the time fields stay */
	assert_ok(mrs_config_switch_preset(&c, "x-2026", &err), &err);
	assert_string_equal(c.preset, "x-2026");
	assert_float_equal(c.max_age_hours, 5000, 0);
	assert_float_equal(c.recency_halflife_hours, 700, 0);
	assert_int_equal(mrs_config_switch_preset(&c, "nope", &err), -1);
	assert_string_equal(c.preset, "x-2026");
	/* a config file's preset key too; its own time values win */
	assert_ok(mrs_config_parse(&c, "{\"preset\": \"twitter-2023\"}", &err), &err);
	assert_float_equal(c.max_age_hours, 5000, 0);
	assert_ok(mrs_config_parse(&c, "{\"preset\": \"seed\", \"sources\": {\"max_age_hours\": 12}}",
				   &err),
		  &err);
	assert_float_equal(c.max_age_hours, 12, 0);
	assert_float_equal(c.graph_window_hours, 1400, 0);
	/* a fatigue as long as a whole-period scale asks for is in range */
	assert_ok(mrs_config_set(&c, "heuristics.fatigue_days", "4214", &err), &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twitter_scale),
		cmocka_unit_test(test_percentile_rule),
		cmocka_unit_test(test_whole_period_rule),
		cmocka_unit_test(test_too_few_and_undated),
		cmocka_unit_test(test_import_derives),
		cmocka_unit_test(test_store_round_trip),
		cmocka_unit_test(test_config_binding),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
