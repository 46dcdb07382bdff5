/* test_simclusters.c: SimClusters: KnownFor on a graph with known communities, InterestedIn
 * and scores, point in time, the hash mode, fits on a generated world (modularity, NMI
 * against the hidden interests beside the hash mode's), determinism, bad model files. */
#include <cJSON.h>
#include <math.h>

#include "retrieval_util.h"

#define T0 1700000000LL

/* Two communities: producers 0-9 followed by consumers 20-29, producers 10-19 by 30-39.
 * Tweet 0 by producer 0, tweet 1 by producer 10. With `late`, consumer 30 likes tweet 0
 * at T0 + 10h and consumer 20 follows producer 10 at T0 + 20h. */
static mrs_dataset *two_groups(bool late)
{
	ru_builder b;
	ru_begin(&b, 40, 2);
	ru_tweet(&b, 0, 0, T0, "kernel compiler");
	ru_tweet(&b, 1, 10, T0 + MRS_HOUR, "goal derby");
	uint32_t src[202], dst[202];
	int64_t when[202];
	size_t n = 0;
	for (uint32_t c = 0; c < 10; c++)
		for (uint32_t p = 0; p < 10; p++) {
			src[n] = 20 + c, dst[n] = p, when[n++] = T0 - 30 * MRS_DAY;
			src[n] = 30 + c, dst[n] = 10 + p, when[n++] = T0 - 30 * MRS_DAY;
		}
	if (late)
		src[n] = 20, dst[n] = 10, when[n++] = T0 + 20 * MRS_HOUR;
	mrs_error err = {0};
	assert_ok(mrs_ds_set_follows(b.ds, src, dst, when, n, &err), &err);
	uint32_t iu[] = {30}, it[] = {0};
	int64_t its[] = {T0 + 10 * MRS_HOUR};
	uint8_t ia[] = {1u << MRS_ACT_LIKE};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, late ? 1 : 0, &err), &err);
	return ru_end(&b, T0 + 30 * MRS_HOUR);
}

static void test_known_communities(void **state)
{
	(void)state;
	char dir[300];
	mrs_error err = {0};
	mrs_dataset *ds = two_groups(false);
	ru_dir(dir, sizeof dir, "groups");
	assert_ok(mrs_sc_fit(ds, T0, dir, 1, NULL, &err), &err);
	mrs_engine *e = ru_open(ds, T0 + 30 * MRS_HOUR, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_true(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_int_equal(mrs_sc_n_clusters(e), 2);
	float score;
	int a = mrs_sc_known_for(e, 0, &score);
	assert_true(a >= 0);
	assert_float_equal(score, 1.0, 1e-6);
	for (uint32_t p = 0; p < 10; p++) {
		assert_int_equal(mrs_sc_known_for(e, p, NULL), a);
		assert_int_equal(mrs_sc_known_for(e, 10 + p, NULL), 1 - a);
	}
	for (uint32_t c = 20; c < 40; c++)
		assert_int_equal(mrs_sc_known_for(e, c, NULL), -1); /* no followers: no producer */
	uint32_t cl[8];
	float w[8];
	assert_int_equal(mrs_sc_interested_in(e, 25, cl, w, 8), 1);
	assert_int_equal(cl[0], a);
	assert_float_equal(w[0], 1.0, 1e-6);
	assert_int_equal(mrs_sc_interested_in(e, 3, cl, w, 8), 0); /* follows nobody */
	/* a fresh tweet's embedding is its author's KnownFor */
	assert_float_equal(mrs_sc_score(e, 25, 0, e->now), 1.0, 1e-6);
	assert_float_equal(mrs_sc_score(e, 25, 1, e->now), 0.0, 1e-6);
	assert_float_equal(mrs_sc_producer_score(e, 25, 7), 1.0, 1e-6);
	assert_float_equal(mrs_sc_producer_score(e, 25, 17), 0.0, 1e-6);
	double q, nmi;
	assert_ok(mrs_sc_report(e, NULL, &q, &nmi, &err), &err);
	assert_float_equal(q, 0.5, 1e-6); /* two equal disconnected cliques */
	assert_true(isnan(nmi));
	/* the per-cluster indexes hold the producers and the tweets */
	uint32_t n;
	const mrs_sc_entry *pe = mrs_sc_cluster_producers(e, (uint32_t)a, &n);
	assert_int_equal(n, 10);
	for (uint32_t i = 0; i < n; i++)
		assert_true(pe[i].id < 10);
	const mrs_sc_entry *te = mrs_sc_cluster_tweets(e, (uint32_t)a, &n);
	assert_int_equal(n, 1);
	assert_int_equal(te[0].id, 0);
	/* the card reports the modularity and the cluster sizes */
	struct cJSON *card = mrs_card_read(dir, "simclusters", &err);
	assert_non_null(card);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(card, "modularity")));
	cJSON_Delete(card);
	char path[400];
	snprintf(path, sizeof path, "%s/simclusters.json", dir);
	assert_true(ru_file_has(path, "\"modularity\":\t0.5"));
	assert_true(ru_file_has(path, "\"cluster_sizes\":\t[10, 10]"));
	ru_close(e);
	mrs_dataset_free(ds);
}

/* A later engagement or follow never changes a score computed at an earlier time. */
static void test_point_in_time(void **state)
{
	(void)state;
	char dir[300];
	mrs_error err = {0};
	mrs_dataset *before = two_groups(false), *after = two_groups(true);
	ru_dir(dir, sizeof dir, "pit");
	assert_ok(mrs_sc_fit(before, T0, dir, 1, NULL, &err), &err);
	int64_t end = T0 + 30 * MRS_HOUR, early = T0 + 5 * MRS_HOUR;
	mrs_engine *a = ru_open(before, end, dir, MRS_SC_REAL, MRS_RG_RULE);
	mrs_engine *b = ru_open(after, end, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_true(b->status[MRS_MODEL_SIMCLUSTERS].loaded);
	for (uint32_t v = 20; v < 40; v++)
		for (uint32_t t = 0; t < 2; t++)
			assert_float_equal(mrs_sc_score(a, v, t, early), mrs_sc_score(b, v, t, early), 0);
	/* ... while at the end they see the like and the follow */
	assert_true(mrs_sc_score(b, 25, 0, end) < 0.999f);
	uint32_t cl[8];
	assert_int_equal(mrs_sc_interested_in_at(b, 20, early, cl, NULL, 8), 1);
	assert_int_equal(mrs_sc_interested_in(b, 20, cl, NULL, 8), 2);
	assert_true(mrs_sc_score(b, 20, 1, end) > 0);
	assert_float_equal(mrs_sc_score(b, 20, 1, early), 0, 0);
	ru_close(a), ru_close(b);
	mrs_dataset_free(before), mrs_dataset_free(after);
}

static uint32_t word_cluster(const char *w)
{
	return (uint32_t)(mrs_fnv1a(MRS_FNV_START, w, strlen(w)) % 16);
}

/* Hash mode: words hashed into 16 clusters by FNV-1a; retweets carry their original's
 * words; links, handles and "RT" are not words. */
static void test_hash_mode(void **state)
{
	(void)state;
	ru_builder b;
	ru_begin(&b, 3, 3);
	ru_tweet(&b, 0, 0, T0, "Goal GOAL! #goal https://t.co/AbC123");
	ru_tweet(&b, 1, 2, T0 + MRS_HOUR, "RT @user0: Goal GOAL! #goal https://t.co/AbC123");
	ru_tweet(&b, 2, 0, T0 + 2 * MRS_HOUR, "pasta");
	b.ds->tweet_rt_of[1] = 0;
	mrs_error err = {0};
	uint32_t iu[] = {1}, it[] = {0};
	int64_t its[] = {T0 + 30 * 60};
	uint8_t ia[] = {1u << MRS_ACT_LIKE};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 1, &err), &err);
	mrs_dataset *ds = ru_end(&b, T0 + MRS_DAY);
	mrs_engine *e = ru_open(ds, T0 + MRS_DAY, NULL, MRS_SC_HASH, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "hash mode"));
	assert_int_equal(mrs_sc_n_clusters(e), 16);
	uint32_t cl[8];
	float w[8];
	assert_int_equal(mrs_sc_interested_in(e, 1, cl, w, 8), 1);
	assert_int_equal(cl[0], word_cluster("goal"));
	assert_float_equal(w[0], 1.0, 1e-6);
	assert_float_equal(mrs_sc_score(e, 1, 1, e->now), 1.0, 1e-6); /* the retweet */
	assert_float_equal(mrs_sc_score(e, 1, 2, e->now),
			   word_cluster("pasta") == word_cluster("goal") ? 1.0 : 0.0, 1e-6);
	/* user 0 wrote about goals and pasta; user 2 only retweeted (their own tweet) */
	assert_true(mrs_sc_interested_in(e, 0, cl, w, 8) >= 1);
	assert_true(mrs_sc_producer_score(e, 1, 0) > 0.5f);
	assert_int_equal(mrs_sc_known_for(e, 0, NULL), -1);
	double q, nmi;
	assert_ok(mrs_sc_report(e, NULL, &q, &nmi, &err), &err);
	assert_true(isnan(q));
	/* at a time before the like, user 1 has no interests yet */
	assert_int_equal(mrs_sc_interested_in_at(e, 1, T0 + 60, cl, w, 8), 0);
	assert_float_equal(mrs_sc_score(e, 1, 0, T0 + 60), 0, 0);
	ru_close(e);
	mrs_dataset_free(ds);
}

/* A user with no follows and no history: nothing to score, nothing breaks. */
static void test_cold_start(void **state)
{
	(void)state;
	char dir[300];
	mrs_error err = {0};
	mrs_dataset *ds = two_groups(false);
	ru_dir(dir, sizeof dir, "cold");
	assert_ok(mrs_sc_fit(ds, T0, dir, 1, NULL, &err), &err);
	for (int mode = MRS_SC_REAL; mode <= MRS_SC_HASH; mode++) {
		mrs_engine *e = ru_open(ds, T0 + 30 * MRS_HOUR, dir, mode, MRS_RG_RULE);
		uint32_t cl[8];
		assert_int_equal(mrs_sc_interested_in(e, 5, cl, NULL, 8), 0);
		assert_float_equal(mrs_sc_score(e, 5, 0, e->now), 0, 0);
		assert_float_equal(mrs_sc_producer_score(e, 5, 0), 0, 0);
		ru_close(e);
	}
	mrs_dataset_free(ds);
}

/* The fit on a generated world, and its quality beside the hash mode. */
static void test_generated_world(void **state)
{
	(void)state;
	mrs_truth *tr = NULL;
	mrs_error err = {0};
	mrs_dataset *ds = ru_world(1000, 6000, 40000, 42, &tr);
	int64_t cut = ru_embed_cut(ds);
	char d1[300], d2[300], p1[400], p2[400];
	ru_dir(d1, sizeof d1, "world1");
	ru_dir(d2, sizeof d2, "world2");
	assert_ok(mrs_sc_fit(ds, cut, d1, 7, NULL, &err), &err);
	assert_ok(mrs_sc_fit(ds, cut, d2, 7, NULL, &err), &err);
	snprintf(p1, sizeof p1, "%s/simclusters.pt", d1);
	snprintf(p2, sizeof p2, "%s/simclusters.pt", d2);
	assert_true(ru_files_equal(p1, p2)); /* same seed, same KnownFor */

	mrs_engine *real = ru_open(ds, ds->split_time, d1, MRS_SC_REAL, MRS_RG_RULE);
	mrs_engine *hash = ru_open(ds, ds->split_time, d1, MRS_SC_HASH, MRS_RG_RULE);
	assert_true(real->status[MRS_MODEL_SIMCLUSTERS].loaded);
	double q_real, nmi_real, q_hash, nmi_hash;
	assert_ok(mrs_sc_report(real, tr, &q_real, &nmi_real, &err), &err);
	assert_ok(mrs_sc_report(hash, tr, &q_hash, &nmi_hash, &err), &err);
	print_message("KnownFor: %u clusters, modularity %.3f; NMI with the hidden interests: "
		      "real %.3f, hash %.3f\n",
		      mrs_sc_n_clusters(real), q_real, nmi_real, nmi_hash);
	assert_true(q_real > 0.2);
	assert_true(isnan(q_hash));
	assert_true(nmi_real > nmi_hash + 0.1);
	assert_true(mrs_sc_n_clusters(real) >= 2);

	/* InterestedIn is sparse and normalised; scores are cosines */
	for (uint32_t u = 0; u < ds->n_users; u++) {
		uint32_t cl[8];
		float w[8];
		uint32_t n = mrs_sc_interested_in(real, u, cl, w, 8);
		double s = 0;
		for (uint32_t i = 0; i < n; i++) {
			assert_true(cl[i] < mrs_sc_n_clusters(real));
			assert_true(i == 0 || w[i] <= w[i - 1]);
			s += (double)w[i] * w[i];
		}
		assert_true(n == 0 || fabs(s - 1) < 1e-4);
	}
	for (uint32_t t = 0; t < ds->n_tweets; t += 97) {
		float s = mrs_sc_score(real, 3, t, real->now);
		assert_true(s >= 0 && s <= 1.0001f);
	}
	/* point in time on real data: a score at an earlier time equals the one an engine
	 * built on the data before that time gives */
	int64_t mid = cut + (ds->split_time - cut) / 2;
	mrs_dataset *early = mrs_dataset_before(ds, mid, &err);
	assert_non_null(early);
	mrs_engine *past = ru_open(early, mid, d1, MRS_SC_REAL, MRS_RG_RULE);
	for (uint32_t i = 0; i < 200; i++) {
		uint32_t v = (i * 37) % ds->n_users, t = (i * 7919) % ds->n_tweets;
		if (ds->tweet_time[t] >= mid)
			continue;
		assert_float_equal(mrs_sc_score(real, v, t, mid), mrs_sc_score(past, v, t, mid), 1e-5);
	}
	ru_close(past);
	mrs_dataset_free(early);

	/* the card */
	snprintf(p1, sizeof p1, "%s/simclusters.json", d1);
	assert_true(ru_file_has(p1, "\"modularity\""));
	assert_true(ru_file_has(p1, "\"cluster_sizes\""));
	ru_close(real), ru_close(hash);
	mrs_dataset_free(ds);
	mrs_truth_free(tr);
}

/* Missing, corrupt, truncated or mismatched KnownFor: the hash mode serves, with a note. */
static void test_bad_model_files(void **state)
{
	(void)state;
	char dir[300], path[400], good[400];
	mrs_error err = {0};
	mrs_dataset *ds = two_groups(false);
	ru_dir(dir, sizeof dir, "bad");
	snprintf(path, sizeof path, "%s/simclusters.pt", dir);
	/* missing */
	mrs_engine *e = ru_open(ds, T0 + MRS_DAY, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "hash mode"));
	assert_int_equal(e->sc_mode, MRS_SC_HASH);
	ru_close(e);
	/* no folder at all */
	e = ru_open(ds, T0 + MRS_DAY, NULL, MRS_SC_REAL, MRS_RG_RULE);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "no models folder"));
	ru_close(e);
	/* garbage */
	ru_write_bytes(path, "not a model at all, just words", 30);
	e = ru_open(ds, T0 + MRS_DAY, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "not a minirecsys model"));
	ru_close(e);
	/* truncated */
	char gdir[300];
	ru_dir(gdir, sizeof gdir, "good");
	assert_ok(mrs_sc_fit(ds, T0, gdir, 1, NULL, &err), &err);
	snprintf(good, sizeof good, "%s/simclusters.pt", gdir);
	ru_copy_prefix(good, path, 200);
	e = ru_open(ds, T0 + MRS_DAY, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "simclusters.pt"));
	ru_close(e);
	/* fitted on another dataset */
	ru_copy_prefix(good, path, 0);
	mrs_dataset *other = ru_world(50, 100, 200, 3, NULL);
	e = ru_open(other, other->t_end, dir, MRS_SC_REAL, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_SIMCLUSTERS].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_SIMCLUSTERS].note, "fitted on 40 users"));
	ru_close(e);
	mrs_dataset_free(other);
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_communities),
		cmocka_unit_test(test_point_in_time),
		cmocka_unit_test(test_hash_mode),
		cmocka_unit_test(test_cold_start),
		cmocka_unit_test(test_generated_world),
		cmocka_unit_test(test_bad_model_files),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
