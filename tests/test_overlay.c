/* test_overlay.c: what-if edits applied to a copy; the base dataset stays as it was. */
#include "testutil.h"

static mrs_dataset *base(void)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(4, 4, &err);
	for (uint32_t t = 0; t < 4; t++) {
		ds->tweet_author[t] = t % 4;
		ds->tweet_time[t] = 100 + t;
	}
	uint32_t fs[] = {0, 1}, fd[] = {1, 2};
	int64_t ft[] = {10, 20};
	assert_ok(mrs_ds_set_follows(ds, fs, fd, ft, 2, &err), &err);
	uint32_t iu[] = {2}, it[] = {0};
	int64_t its[] = {150};
	uint8_t ia[] = {1};
	float ip[] = {0.25f};
	assert_ok(mrs_ds_set_impressions(ds, iu, it, its, ia, ip, 1, &err), &err);
	ds->split_time = 200;
	ds->kind = mrs_strdup("synthetic", &err);
	ds->params_json = mrs_strdup("{}", &err);
	assert_ok(mrs_dataset_index(ds, &err), &err);
	return ds;
}

static void test_apply(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *b = base();
	uint64_t fp = b->fingerprint;
	mrs_edit e[] = {
		{MRS_EDIT_FOLLOW, 0, 3}, {MRS_EDIT_UNFOLLOW, 0, 1}, {MRS_EDIT_BLOCK, 2, 1},
		{MRS_EDIT_MUTE, 2, 3},   {MRS_EDIT_LIKE, 3, 1},     {MRS_EDIT_HIDE, 3, 2},
	};
	mrs_dataset *d = mrs_dataset_with_edits(b, e, 6, 500, &err);
	if (!d)
		fail_msg("%s", err.msg);
	assert_true(mrs_follows(d, 0, 3));
	assert_false(mrs_follows(d, 0, 1));
	assert_true(mrs_follows(d, 1, 2));
	for (uint32_t k = d->fol_off[0]; k < d->fol_off[1]; k++)
		if (d->fol_dst[k] == 3)
			assert_int_equal(d->fol_time[k], 500);
	assert_int_equal(mrs_blocked(d, 2, 1), MRS_BLOCK);
	assert_int_equal(mrs_blocked(d, 2, 3), MRS_MUTE);
	assert_int_equal(d->n_impressions, 3);
	uint32_t likes = 0, hides = 0;
	for (uint32_t i = d->uimp_off[3]; i < d->uimp_off[4]; i++) {
		assert_int_equal(d->imp_time[i], 500);
		assert_true(d->imp_propensity[i] == 0); /* an edit's propensity is unknown */
		likes += d->imp_tweet[i] == 1 && d->imp_actions[i] == (1u << MRS_ACT_LIKE);
		hides += d->imp_tweet[i] == 2 && d->imp_actions[i] == (1u << MRS_ACT_NEGFB);
	}
	assert_int_equal(likes, 1);
	assert_int_equal(hides, 1);
	assert_true(d->imp_propensity[d->uimp_off[2]] == 0.25f); /* the logged one keeps its own */
	/* the base is untouched */
	assert_int_equal(b->fingerprint, fp);
	assert_true(mrs_follows(b, 0, 1));
	assert_false(mrs_follows(b, 0, 3));
	assert_int_equal(b->n_impressions, 1);
	/* a follow undone later in the list leaves no edge */
	mrs_edit undo[] = {{MRS_EDIT_FOLLOW, 3, 0}, {MRS_EDIT_UNFOLLOW, 3, 0}};
	mrs_dataset *d2 = mrs_dataset_with_edits(b, undo, 2, 500, &err);
	assert_false(mrs_follows(d2, 3, 0));
	mrs_dataset_free(d2);
	mrs_dataset_free(d);
	mrs_dataset_free(b);
}

static void test_bad_edits(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *b = base();
	mrs_edit self = {MRS_EDIT_FOLLOW, 1, 1}, nouser = {MRS_EDIT_BLOCK, 0, 9},
		 notweet = {MRS_EDIT_LIKE, 0, 9}, nokind = {42, 0, 1};
	assert_null(mrs_dataset_with_edits(b, &self, 1, 500, &err));
	assert_non_null(strstr(err.msg, "themselves"));
	assert_null(mrs_dataset_with_edits(b, &nouser, 1, 500, &err));
	assert_non_null(strstr(err.msg, "user 9 does not exist"));
	assert_null(mrs_dataset_with_edits(b, &notweet, 1, 500, &err));
	assert_non_null(strstr(err.msg, "tweet 9 does not exist"));
	assert_int_equal(mrs_edit_check(b, &nokind, &err), -1);
	mrs_dataset_free(b);
}

static void test_save_load(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *b = base();
	char path[300];
	mrs_edit e[] = {{MRS_EDIT_FOLLOW, 0, 3}, {MRS_EDIT_LIKE, 3, 1}};
	tu_path(path, sizeof path, "edits.json");
	assert_ok(mrs_edits_save(path, e, 2, &err), &err);
	mrs_edit *back;
	size_t n;
	assert_ok(mrs_edits_load(path, b, &back, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_memory_equal(back, e, sizeof e);
	free(back);
	tu_write(path, sizeof path, "bad.json", "{\"edits\": [{\"kind\": \"follow\", \"user\": 0, "
						 "\"target\": 0}]}");
	assert_int_equal(mrs_edits_load(path, b, &back, &n, &err), -1);
	assert_non_null(strstr(err.msg, "edits[0]"));
	assert_non_null(strstr(err.msg, "bad.json"));
	tu_write(path, sizeof path, "worse.json", "[1, 2]");
	assert_int_equal(mrs_edits_load(path, b, &back, &n, &err), -1);
	assert_int_equal(err.code, MRS_ERR_DATA);
	mrs_dataset_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_bad_edits),
		cmocka_unit_test(test_save_load),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
