/* test_twhin.c: TwHIN: the fit on a generated world (held-out link prediction), scores as
 * cosines of the stored tables, the fallbacks for tweets without a training edge, point in
 * time, determinism, and TwHIN scoring 0 with a note when its file is missing or wrong. */
#include <cJSON.h>
#include <math.h>

#include "retrieval_util.h"

/* A number of the card; key may be a path ("by_relation.likes.auc"). */
static double card_number(const char *dir, const char *key)
{
	mrs_error err = {0};
	cJSON *card = mrs_card_read(dir, "twhin", &err);
	if (!card)
		fail_msg("%s", err.msg);
	char k[64];
	snprintf(k, sizeof k, "%s", key);
	const cJSON *x = card;
	for (char *part = strtok(k, "."); part && x; part = strtok(NULL, "."))
		x = cJSON_GetObjectItem(x, part);
	double v = cJSON_IsNumber(x) ? x->valuedouble : NAN;
	cJSON_Delete(card);
	return v;
}

static double cosine(const float *a, const float *b, uint32_t d)
{
	double ab = 0, aa = 0, bb = 0;
	for (uint32_t i = 0; i < d; i++)
		ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static mrs_dataset *W;
static int64_t CUT;
static char DIR1[300];

static int setup(void **state)
{
	(void)state;
	mrs_error err = {0};
	W = ru_world(600, 4000, 30000, 42, NULL);
	CUT = ru_embed_cut(W);
	ru_dir(DIR1, sizeof DIR1, "tw1");
	double t = mrs_seconds();
	if (mrs_twhin_fit(W, CUT, DIR1, 3, NULL, &err))
		fail_msg("fit: %s", err.msg);
	print_message("TwHIN fit in %.1f s\n", mrs_seconds() - t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mrs_dataset_free(W);
	tu_cleanup();
	return 0;
}

static void test_link_prediction(void **state)
{
	(void)state;
	double auc = card_number(DIR1, "auc"), mrr = card_number(DIR1, "mrr");
	double hit = card_number(DIR1, "hit_at_10"), held = card_number(DIR1, "held_out_edges");
	print_message("held-out link prediction on %.0f edges, mean over relations: AUC %.3f, "
		      "MRR %.3f, Hit@10 %.3f; per edge AUC %.3f (follows %.3f, likes %.3f)\n",
		      held, auc, mrr, hit, card_number(DIR1, "edge_mean.auc"),
		      card_number(DIR1, "by_relation.follows.auc"),
		      card_number(DIR1, "by_relation.likes.auc"));
	assert_true(held > 100);
	assert_true(auc > 0.7);
	assert_true(card_number(DIR1, "by_relation.likes.auc") > 0.7);
	assert_true(mrr > 0 && mrr <= 1);
	assert_true(hit >= 0 && hit <= 1);
}

/* Below the sampling threshold every edge before the cut trains or is held out: the
 * count the rule is decided on is the count of the edges collected. */
static void test_no_sampling_below_threshold(void **state)
{
	(void)state;
	double before = card_number(DIR1, "edges_before_sampling");
	assert_true(before > 1000 && before < 8000000);
	assert_true(card_number(DIR1, "edge_keep_share") == 1);
	assert_true(before == card_number(DIR1, "training_edges") +
				      card_number(DIR1, "held_out_edges"));
	assert_true(before == card_number(DIR1, "edges.follows") + card_number(DIR1, "edges.likes") +
				      card_number(DIR1, "edges.retweets") +
				      card_number(DIR1, "edges.replies") +
				      card_number(DIR1, "edges.authored"));
}

static void test_scores(void **state)
{
	(void)state;
	mrs_error err = {0};
	char path[400];
	snprintf(path, sizeof path, "%s/twhin.pt", DIR1);
	mrs_artifact *a = mrs_artifact_load(path, &err);
	assert_non_null(a);
	size_t nu, nids, ntw;
	const float *U = mrs_artifact_get(a, "users", MRS_ART_F32, &nu, &err);
	const uint32_t *ids = mrs_artifact_get(a, "tweet_ids", MRS_ART_U32, &nids, &err);
	const float *T = mrs_artifact_get(a, "tweets", MRS_ART_F32, &ntw, &err);
	assert_non_null(U), assert_non_null(ids), assert_non_null(T);
	uint32_t d = (uint32_t)(nu / W->n_users);
	assert_int_equal(d, 128);
	assert_int_equal(ntw, nids * d);

	int64_t now = W->split_time;
	mrs_engine *e = ru_open(W, now, DIR1, MRS_SC_HASH, MRS_RG_RULE);
	assert_true(e->status[MRS_MODEL_TWHIN].loaded);
	int32_t *row = malloc(sizeof(int32_t) * W->n_tweets);
	for (uint32_t t = 0; t < W->n_tweets; t++)
		row[t] = -1;
	for (size_t i = 0; i < nids; i++)
		row[ids[i]] = (int32_t)i;
	uint32_t checked_trained = 0, checked_mean = 0, checked_author = 0;
	for (uint32_t t = 0; t < W->n_tweets; t += 7) {
		uint32_t v = (t * 31) % W->n_users;
		const float *uv = U + (size_t)v * d;
		double want;
		if (row[t] >= 0) {
			/* trained: the cosine of the stored vectors */
			want = cosine(uv, T + (size_t)row[t] * d, d);
			checked_trained++;
		} else {
			/* the mean of the latest 16 engagers before now, else the author */
			float mean[128] = {0};
			uint32_t k = 0;
			for (uint32_t i = mrs_timp_end(W, t, now); i > W->timp_off[t] && k < 16; i--) {
				uint32_t imp = W->timp[i - 1];
				if (!(W->imp_actions[imp] & MRS_POSITIVE_MASK))
					continue;
				const float *g = U + (size_t)W->imp_user[imp] * d;
				for (uint32_t j = 0; j < d; j++)
					mean[j] += g[j];
				k++;
			}
			if (k) {
				want = cosine(uv, mean, d);
				checked_mean++;
			} else {
				want = cosine(uv, U + (size_t)mrs_original_author(W, t) * d, d);
				checked_author++;
			}
		}
		assert_float_equal(mrs_twhin_score(e, v, t, now), want, 1e-4);
	}
	print_message("checked %u trained tweets, %u by engagers, %u by author\n", checked_trained,
		      checked_mean, checked_author);
	assert_true(checked_trained && checked_mean && checked_author);
	assert_float_equal(mrs_twhin_user_sim(e, 3, 5), cosine(U + 3 * d, U + 5 * d, d), 1e-5);
	assert_float_equal(mrs_twhin_user_sim(e, 3, 3), 1, 1e-5);
	free(row);
	ru_close(e);
	mrs_artifact_free(a);
}

/* The fallback sees only engagements before now: an engine over the data before t gives
 * the same scores at t as one over everything. */
static void test_point_in_time(void **state)
{
	(void)state;
	mrs_error err = {0};
	int64_t t = CUT + (W->split_time - CUT) / 2;
	mrs_dataset *early = mrs_dataset_before(W, t, &err);
	assert_non_null(early);
	mrs_engine *all = ru_open(W, W->split_time, DIR1, MRS_SC_HASH, MRS_RG_RULE);
	mrs_engine *past = ru_open(early, t, DIR1, MRS_SC_HASH, MRS_RG_RULE);
	for (uint32_t i = 0; i < 400; i++) {
		uint32_t v = (i * 13) % W->n_users, tw = W->n_tweets - 1 - (i * 17) % 2000;
		assert_float_equal(mrs_twhin_score(all, v, tw, t), mrs_twhin_score(past, v, tw, t), 1e-6);
	}
	ru_close(all), ru_close(past);
	mrs_dataset_free(early);
}

static void test_deterministic(void **state)
{
	(void)state;
	mrs_error err = {0};
	char d2[300], p1[400], p2[400];
	ru_dir(d2, sizeof d2, "tw2");
	assert_ok(mrs_twhin_fit(W, CUT, d2, 3, NULL, &err), &err);
	snprintf(p1, sizeof p1, "%s/twhin.pt", DIR1);
	snprintf(p2, sizeof p2, "%s/twhin.pt", d2);
	assert_true(ru_files_equal(p1, p2));
}

static void test_not_loaded(void **state)
{
	(void)state;
	char dir[300], path[400], good[400];
	ru_dir(dir, sizeof dir, "twbad");
	snprintf(path, sizeof path, "%s/twhin.pt", dir);
	snprintf(good, sizeof good, "%s/twhin.pt", DIR1);
	for (int k = 0; k < 4; k++) {
		const mrs_dataset *ds = W;
		mrs_dataset *other = NULL;
		if (k == 1)
			ru_write_bytes(path, "MRSARTF1 but nothing after", 26);
		if (k == 2)
			ru_copy_prefix(good, path, 5000);
		if (k == 3) {
			ru_copy_prefix(good, path, 0);
			ds = other = ru_world(100, 500, 1000, 1, NULL);
		}
		mrs_engine *e = ru_open(ds, ds->t_end, dir, MRS_SC_HASH, MRS_RG_RULE);
		assert_false(e->status[MRS_MODEL_TWHIN].loaded);
		assert_non_null(strstr(e->status[MRS_MODEL_TWHIN].note, "TwHIN scores are 0"));
		if (k == 3)
			assert_non_null(strstr(e->status[MRS_MODEL_TWHIN].note, "fitted on 600 users"));
		assert_float_equal(mrs_twhin_score(e, 1, 2, e->now), 0, 0);
		assert_float_equal(mrs_twhin_user_sim(e, 1, 2), 0, 0);
		ru_close(e);
		mrs_dataset_free(other);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_prediction),
		cmocka_unit_test(test_no_sampling_below_threshold),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_point_in_time),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_not_loaded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
