/* test_engagement_log.c: a ratings log (engagements only, no follows, no labels; written
 * by the test in MovieLens u.data layout) imported, trained and served: the models the
 * data cannot teach are skipped with their reason and fall back, SimClusters learns from
 * the engagement graph, the heavy ranker trains on negatives sampled by the documented
 * rule, the Graph source finds co-engagers, and timelines are full. Also the negative
 * sampler's rule and the co-engagers on hand-built data. */
#include <cJSON.h>
#include <math.h>

#include "parts.h"
#include "retrieval_util.h"
#include "models_fixture.h"

#define T0 1700000000LL
#define USERS 300
#define ITEMS 240
#define GROUPS 4

static mrs_dataset *R;  /* the imported ratings log */
static char M[512];     /* its models folder */
static char MS[600];    /* the set in it */

/* USERS users in GROUPS taste groups rate 30 items each over 120 days, 80% of them from
 * their group's quarter of the items (rated 4 or 5), the rest anywhere (1 to 3). */
static void write_ratings(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	mrs_rng r;
	mrs_rng_seed(&r, 11);
	for (uint32_t u = 0; u < USERS; u++) {
		uint32_t g = u % GROUPS, seen[30];
		for (int k = 0; k < 30; k++) {
			bool own = mrs_rng_uniform(&r) < 0.8;
			uint32_t item;
			bool again;
			do {
				item = own ? g * (ITEMS / GROUPS) + mrs_rng_below(&r, ITEMS / GROUPS)
					   : mrs_rng_below(&r, ITEMS);
				again = false;
				for (int j = 0; j < k; j++)
					again |= seen[j] == item;
			} while (again);
			seen[k] = item;
			int rating = own ? 4 + (int)mrs_rng_below(&r, 2) : 1 + (int)mrs_rng_below(&r, 3);
			long long t = T0 + (long long)mrs_rng_below(&r, 120 * 24) * MRS_HOUR;
			fprintf(f, "u%u\t%u\t%d\t%lld\n", u, item, rating, t);
		}
	}
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	char path[300], db[300];
	mrs_error err = {0};
	write_ratings(tu_path(path, sizeof path, "u.data"));
	const char *files[] = {path};
	mrs_dataset *ds = mrs_import("interactions", files, 1, NULL, NULL, &err);
	if (!ds)
		fail_msg("import: %s", err.msg);
	tu_path(db, sizeof db, "ratings.db");
	assert_ok(mrs_store_write(db, ds, NULL, NULL, &err), &err);
	mrs_dataset_free(ds);
	if (!(R = mrs_dataset_load(db, NULL, &err)))
		fail_msg("load: %s", err.msg);
	assert_ok(fx_train(R, "m", NULL, NULL, &err), &err);
	tu_path(M, sizeof M, "m");
	assert_ok(mrs_models_current(M, MS, sizeof MS, &err), &err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mrs_dataset_free(R);
	tu_cleanup();
	return 0;
}

static cJSON *card(const char *name)
{
	mrs_error err = {0};
	cJSON *c = mrs_card_read(MS, name, &err);
	if (!c)
		fail_msg("%s", err.msg);
	return c;
}

static const char *card_string(const cJSON *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(c, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_skipped_models(void **state)
{
	(void)state;
	assert_true(mrs_engagements_only(R));
	assert_int_equal(R->n_follows, 0);
	static const struct {
		const char *model, *why;
	} skipped[] = {
		{"realgraph", "the dataset has no follows"},
		{"nsfw", "no moderation labels"},
		{"toxicity", "no moderation labels"},
	};
	for (size_t i = 0; i < MRS_ARRAY_LEN(skipped); i++) {
		cJSON *c = card(skipped[i].model);
		const char *why = card_string(c, "skipped");
		assert_non_null(why);
		assert_non_null(strstr(why, skipped[i].why));
		assert_non_null(card_string(c, "dataset_fingerprint"));
		cJSON_Delete(c);
		char pt[700];
		snprintf(pt, sizeof pt, "%s/%s.pt", MS, skipped[i].model);
		assert_int_not_equal(access(pt, F_OK), 0); /* no model file */
	}
	/* the set's check and the engine both say why, and the engine serves the fallback */
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(MS, R, cc);
	assert_int_equal(cc[MRS_MODEL_REALGRAPH].state, MRS_CARD_THIS);
	assert_non_null(strstr(cc[MRS_MODEL_REALGRAPH].skipped, "no follows"));
	assert_string_equal(cc[MRS_MODEL_TWHIN].skipped, "");
	mrs_error err = {0};
	mrs_engine_opts eo = {.models_dir = M};
	mrs_engine *e = mrs_engine_open(R, &eo, NULL, &err);
	if (!e)
		fail_msg("%s", err.msg);
	const mrs_model_status *rg = mrs_engine_status(e, MRS_MODEL_REALGRAPH);
	assert_false(rg->loaded);
	assert_non_null(strstr(rg->note, "skipped in training: the dataset has no follows"));
	for (int id = 0; id < MRS_N_MODELS; id++)
		if (id != MRS_MODEL_REALGRAPH && id != MRS_MODEL_NSFW && id != MRS_MODEL_TOXICITY)
			assert_true(mrs_engine_status(e, (mrs_model_id)id)->loaded);
	mrs_engine_free(e);
}

static void test_engagement_graph(void **state)
{
	(void)state;
	cJSON *c = card("simclusters");
	const char *graph = card_string(c, "graph");
	assert_non_null(graph);
	assert_true(strncmp(graph, "engagements", 11) == 0);
	cJSON_Delete(c);
	/* items of one taste group are mostly known for one cluster */
	mrs_error err = {0};
	mrs_engine_opts eo = {.models_dir = M};
	mrs_engine *e = mrs_engine_open(R, &eo, NULL, &err);
	assert_non_null(e);
	uint32_t agree = 0, known = 0;
	for (uint32_t g = 0; g < GROUPS; g++) {
		int votes[64] = {0}, best = 0;
		for (uint32_t i = 0; i < ITEMS / GROUPS; i++) {
			char h[32];
			snprintf(h, sizeof h, "@item:%u", g * (ITEMS / GROUPS) + i);
			uint32_t a = mrs_user_lookup(R, h);
			int k = a == MRS_NONE ? -1 : mrs_sc_known_for(e, a, NULL);
			if (k >= 0 && k < 64) {
				known++;
				if (++votes[k] > votes[best])
					best = k;
			}
		}
		agree += (uint32_t)votes[best];
	}
	printf("# KnownFor: %u of %u items known for a cluster, %u in their group's main one\n",
	       known, ITEMS, agree);
	assert_true(known > ITEMS / 2);
	assert_true(agree > known * 7 / 10);
	/* a rater's InterestedIn comes from the items they engaged with */
	uint32_t cl[8];
	float w[8];
	assert_true(mrs_sc_interested_in(e, mrs_user_lookup(R, "@u0"), cl, w, 8) > 0);
	mrs_engine_free(e);
}

static void test_ranker_negatives(void **state)
{
	(void)state;
	cJSON *c = card("heavy_ranker");
	const cJSON *neg = cJSON_GetObjectItem(c, "negatives");
	assert_non_null(neg);
	assert_non_null(strstr(card_string(neg, "rule"), "never engaged with"));
	double train_neg = cJSON_GetObjectItem(neg, "train_rows")->valuedouble;
	double rows = cJSON_GetObjectItem(c, "train_rows")->valuedouble;
	/* up to 4 negatives per engagement: about 4 in 5 rows */
	assert_true(train_neg > 0.7 * rows && train_neg <= 0.8 * rows);
	const cJSON *any = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "heads"), "any");
	double auc = cJSON_GetObjectItem(any, "auc")->valuedouble;
	double rce = cJSON_GetObjectItem(any, "rce")->valuedouble;
	printf("# heavy ranker, any head on the test rows: AUC %.4f, RCE %.1f%%\n", auc, rce);
	assert_true(auc > 0.6 && auc < 1);
	assert_true(rce > 0);
	/* no follows, no labels: their features carry nothing */
	const cJSON *flat = cJSON_GetObjectItem(c, "constant_features"), *f;
	bool follows = false, nsfw = false;
	cJSON_ArrayForEach(f, flat)
	{
		follows |= strcmp(f->valuestring, "pair_follows") == 0;
		nsfw |= strcmp(f->valuestring, "safety_nsfw") == 0;
	}
	assert_true(follows && nsfw);
	cJSON_Delete(c);
}

static void test_timelines(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_engine_opts eo = {.models_dir = M};
	mrs_engine *e = mrs_engine_open(R, &eo, NULL, &err);
	mrs_request *r = e ? mrs_request_new(e, &err) : NULL;
	if (!r)
		fail_msg("%s", err.msg);
	mrs_config cfg;
	assert_ok(mrs_config_preset(&cfg, "seed", &err), &err);
	mrs_config_time_scale(&cfg, &R->time_scale);
	uint32_t graph_users = 0;
	for (uint32_t u = 0; u < USERS; u += 37) {
		assert_ok(mrs_request_run(r, u, 0, &cfg, &err), &err);
		const uint32_t *order;
		uint32_t n = mrs_request_timeline(r, &order), nc;
		assert_true(n >= 10);
		const mrs_candidate *cand = mrs_request_candidates(r, &nc);
		for (uint32_t k = 0; k < nc; k++)
			if (cand[k].sources & (1u << MRS_SRC_GRAPH)) {
				graph_users++;
				assert_true(cand[k].n_proof > 0); /* engaged by co-engagers */
				break;
			}
	}
	assert_int_equal(graph_users, (USERS + 36) / 37);
	mrs_request_free(r);
	mrs_engine_free(e);
}

/* Users 1 and 2 liked tweets 0 and 1 as the viewer (0) did and user 3 liked tweet 0, at
 * T0 + 2 h; later (T0 + 5 h), 1 and 3 liked tweet 2 and 2 liked tweet 3. */
static mrs_dataset *coengagers_log(void)
{
	ru_builder b;
	ru_begin(&b, 8, 4);
	for (uint32_t t = 0; t < 4; t++)
		ru_tweet(&b, t, 4 + t, T0 + t * MRS_HOUR, "a tweet");
	uint32_t iu[] = {0, 0, 1, 1, 2, 2, 3, 1, 3, 2};
	uint32_t it[] = {0, 1, 0, 1, 0, 1, 0, 2, 2, 3};
	int64_t its[10];
	uint8_t ia[10];
	for (int i = 0; i < 10; i++) {
		its[i] = T0 + (i < 7 ? 2 : 5) * MRS_HOUR + i;
		ia[i] = 1u << MRS_ACT_LIKE;
	}
	mrs_error err = {0};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 10, &err), &err);
	mrs_dataset *ds = ru_end(&b, T0 + 10 * MRS_HOUR);
	return ds;
}

static void test_coengagers(void **state)
{
	(void)state;
	/* users 1 and 2 liked tweets 0 and 1 as the viewer (0) did; user 3 liked tweet 0 only;
	 * later, 1 and 3 liked tweet 2 and 2 liked tweet 3: with no follows, the Graph source
	 * reads the co-engagers (1 and 2 share two tweets with the viewer, 3 one) */
	mrs_error err = {0};
	mrs_dataset *ds = coengagers_log();
	mrs_engine *e = ru_open(ds, T0 + 10 * MRS_HOUR, NULL, MRS_SC_HASH, MRS_RG_RULE);
	mrs_query q;
	assert_ok(mrs_query_hydrate(e, 0, T0 + 10 * MRS_HOUR, &q, &err), &err);
	assert_int_equal(q.n_followees, 0);
	assert_int_equal(q.n_coengagers, 3);
	assert_int_equal(q.coengagers[0], 1);
	assert_int_equal(q.coengagers[1], 2);
	assert_int_equal(q.coengagers[2], 3);
	assert_float_equal(q.coengager_w[0], 1.0, 1e-6);
	assert_float_equal(q.coengager_w[2], 0.5, 1e-6);
	mrs_config cfg;
	ru_config(&cfg);
	mrs_cand_list out = {0};
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, e, &q, &cfg, &out, &err), &err);
	assert_int_equal(out.n, 2);
	/* tweet 2: engaged by 1 (1.0) and 3 (0.5); tweet 3 by 2 (1.0) */
	assert_int_equal(out.v[0].tweet, 2);
	assert_float_equal(out.v[0].source_score[MRS_SRC_GRAPH], 1.5, 1e-6);
	assert_int_equal(out.v[0].n_proof, 2);
	assert_int_equal(out.v[1].tweet, 3);
	mrs_cand_list_free(&out);
	mrs_query_free(&q);
	ru_close(e);
	mrs_dataset_free(ds);
}

/* The co-engagement index over test_coengagers' log, and the Graph source's tweet-based
 * path reading it: tweets 0 {users 0, 1, 2, 3} and 1 {0, 1, 2} were liked at T0 + 2 h, then
 * tweets 2 {1, 3} and 3 {2} at T0 + 5 h; users 0 and 3 liked 2 tweets, 1 and 2 liked 3.
 * Each co-engager weighs n_u^-0.5, over n_i^0.6 n_j^0.5 + 20 (mrs_coeng_weights, the
 * default shrink): sim(0, 2) = (3^-0.5 + 2^-0.5) / (4^0.6 sqrt(2) + 20),
 * sim(1, 2) = 3^-0.5 / (3^0.6 sqrt(2) + 20), sim(0, 3) = 3^-0.5 / (4^0.6 + 20),
 * sim(1, 3) = 3^-0.5 / (3^0.6 + 20). */
static void test_coengaged_tweets(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = coengagers_log();
	int64_t now = T0 + 10 * MRS_HOUR;
	mrs_engine *e = ru_open(ds, now, NULL, MRS_SC_HASH, MRS_RG_RULE);
	assert_ok(mrs_coeng_open(e, now, NULL, &err), &err);
	assert_non_null(e->coeng);
	/* it holds everything before the latest engagement's next second */
	assert_int_equal(e->coeng_until, T0 + 5 * MRS_HOUR + 9 + 1);
	uint32_t hist[MRS_COENG_HISTORY];
	assert_int_equal(mrs_coeng_history(e, 0, now, hist, MRS_COENG_HISTORY), 2);
	assert_int_equal(hist[0], 0);
	assert_int_equal(hist[1], 1);
	/* at most the latest max: the viewer's latest like is of tweet 1 */
	assert_int_equal(mrs_coeng_history(e, 0, now, hist, 1), 1);
	assert_int_equal(hist[0], 1);
	assert_float_equal(mrs_coeng_weights.source, 0.6, 1e-7);
	assert_float_equal(mrs_coeng_weights.target, 0.5, 1e-7);
	assert_float_equal(mrs_coeng_weights.user, 0.5, 1e-7);
	double w2 = 1 / sqrt(2.0), w3 = 1 / sqrt(3.0);
	double s2 = (w3 + w2) / (pow(4, 0.6) * sqrt(2.0) + 20) + w3 / (pow(3, 0.6) * sqrt(2.0) + 20);
	double s3 = w3 / (pow(4, 0.6) + 20) + w3 / (pow(3, 0.6) + 20);
	uint32_t mine[] = {0, 1};
	assert_float_equal(mrs_coeng_score(e, mine, 2, 2, now), s2, 1e-6);
	assert_float_equal(mrs_coeng_score(e, mine, 2, 3, now), s3, 1e-6);
	/* a moment the index knows the future of reads nothing from it */
	assert_float_equal(mrs_coeng_score(e, mine, 2, 2, T0 + 5 * MRS_HOUR + 9), 0, 0);
	assert_float_equal(mrs_coeng_score(e, mine, 2, 2, e->coeng_until), s2, 1e-6);
	/* the batch form: the same sums, bit for bit, whatever the order and repeats */
	const uint32_t some[] = {3, 2, 0, 2, 1};
	uint64_t key[5];
	float batch[5];
	mrs_coeng_scores(e, mine, 2, some, 5, now, key, batch);
	for (int i = 0; i < 5; i++) {
		float one = mrs_coeng_score(e, mine, 2, some[i], now);
		assert_memory_equal(&batch[i], &one, sizeof one);
	}
	assert_true(batch[1] > 0 && batch[0] > 0);
	mrs_coeng_scores(e, mine, 2, some, 5, T0 + 5 * MRS_HOUR + 9, key, batch);
	for (int i = 0; i < 5; i++)
		assert_true(batch[i] == 0);

	/* the Graph source with its engagers' path off: the tweets co-engaged with the
	 * viewer's likes, most similar first, scored by their summed similarity */
	mrs_query q;
	assert_ok(mrs_query_hydrate(e, 0, now, &q, &err), &err);
	mrs_config cfg;
	ru_config(&cfg);
	cfg.source_cap[MRS_SRC_GRAPH] = 0;
	cfg.graph_similar = 10;
	mrs_cand_list out = {0};
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, e, &q, &cfg, &out, &err), &err);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.v[0].tweet, 2);
	assert_float_equal(out.v[0].source_score[MRS_SRC_GRAPH], s2, 1e-6);
	assert_int_equal(out.v[0].source, MRS_SRC_GRAPH);
	assert_int_equal(out.v[1].tweet, 3);
	assert_float_equal(out.v[1].source_score[MRS_SRC_GRAPH], s3, 1e-6);
	mrs_cand_list_free(&out);
	/* graph_similar caps the path; both paths on: the engagers' tweets (2: 1.5, 3: 1.0)
	 * come first and the path adds only what they did not find (nothing here) */
	cfg.graph_similar = 1;
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, e, &q, &cfg, &out, &err), &err);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.v[0].tweet, 2);
	mrs_cand_list_free(&out);
	cfg.source_cap[MRS_SRC_GRAPH] = 1;
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, e, &q, &cfg, &out, &err), &err);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.v[0].tweet, 2);
	assert_float_equal(out.v[0].source_score[MRS_SRC_GRAPH], 1.5, 1e-6);
	assert_int_equal(out.v[1].tweet, 3);
	assert_float_equal(out.v[1].source_score[MRS_SRC_GRAPH], s3, 1e-6);
	mrs_cand_list_free(&out);
	/* a request before the index's time: the path reads nothing */
	mrs_query_free(&q);
	assert_ok(mrs_query_hydrate(e, 0, T0 + 5 * MRS_HOUR, &q, &err), &err);
	cfg.source_cap[MRS_SRC_GRAPH] = 0;
	cfg.graph_similar = 10;
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, e, &q, &cfg, &out, &err), &err);
	assert_int_equal(out.n, 0);
	mrs_cand_list_free(&out);
	mrs_query_free(&q);
	ru_close(e);

	/* an index as of T0 + 3 h (training's embedding cut) holds the first seven likes:
	 * tweets 2 and 3 have no engagers in it; users 0, 1 and 2 liked both of 0 and 1 */
	e = ru_open(ds, now, NULL, MRS_SC_HASH, MRS_RG_RULE);
	assert_ok(mrs_coeng_open(e, T0 + 3 * MRS_HOUR, NULL, &err), &err);
	assert_int_equal(e->coeng_until, T0 + 2 * MRS_HOUR + 6 + 1);
	assert_float_equal(mrs_coeng_score(e, mine, 2, 2, now), 0, 0);
	assert_float_equal(mrs_coeng_score(e, mine, 1, 1, now),
			   3 * w2 / (pow(4, 0.6) * sqrt(3.0) + 20), 1e-6);
	ru_close(e);
	/* no positive engagement before the time: no index */
	e = ru_open(ds, now, NULL, MRS_SC_HASH, MRS_RG_RULE);
	assert_ok(mrs_coeng_open(e, T0, NULL, &err), &err);
	assert_null(e->coeng);
	assert_float_equal(mrs_coeng_score(e, mine, 2, 2, now), 0, 0);
	ru_close(e);
	mrs_dataset_free(ds);
}

/* Serving a ranker trained on sampled negatives: each positive head's odds times
 * (n_t + 1) / (neg_mean + 1), n_t the tweet's engagements in the age limit before now;
 * negative feedback and report untouched; nothing without neg_mean. */
static void test_sampling_correction(void **state)
{
	(void)state;
	ru_builder b;
	ru_begin(&b, 8, 3);
	for (uint32_t t = 0; t < 3; t++)
		ru_tweet(&b, t, 4 + t, T0, "a tweet");
	/* tweet 0: 3 likes, tweet 1: 1, tweet 2: none */
	uint32_t iu[] = {0, 1, 2, 3}, it[] = {0, 0, 0, 1};
	int64_t its[] = {T0 + 10, T0 + 11, T0 + 12, T0 + 13};
	uint8_t ia[4];
	for (int i = 0; i < 4; i++)
		ia[i] = 1u << MRS_ACT_LIKE;
	mrs_error err = {0};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 4, &err), &err);
	mrs_dataset *ds = ru_end(&b, T0 + MRS_HOUR);
	ds->time_scale.age_limit_hours = 1;
	mrs_engine *e = ru_open(ds, T0 + MRS_HOUR, NULL, MRS_SC_HASH, MRS_RG_RULE);
	uint32_t tw[] = {0, 1, 2};
	float h[3 * MRS_N_HEADS], h0[3 * MRS_N_HEADS];
	for (int i = 0; i < 3 * MRS_N_HEADS; i++)
		h[i] = h0[i] = 0.2f;
	mrs_ranker_sampling_correct(e, tw, 3, T0 + MRS_HOUR, h);
	assert_memory_equal(h, h0, sizeof h); /* neg_mean 0: a log with impressions */
	e->neg_mean = 2;
	mrs_ranker_sampling_correct(e, tw, 3, T0 + MRS_HOUR, h);
	const double n[] = {3, 1, 0};
	for (int i = 0; i < 3; i++)
		for (int a = 0; a < MRS_N_HEADS; a++) {
			double odds = 0.25 * (n[i] + 1) / 3, want = odds / (1 + odds);
			if (a == MRS_ACT_NEGFB || a == MRS_ACT_REPORT)
				want = 0.2;
			assert_float_equal(h[i * MRS_N_HEADS + a], want, 1e-6);
		}
	/* engagements older than the age limit do not count: an hour later, none does */
	for (int i = 0; i < 3 * MRS_N_HEADS; i++)
		h[i] = 0.2f;
	mrs_ranker_sampling_correct(e, tw, 3, T0 + 2 * MRS_HOUR + 13, h);
	assert_float_equal(h[MRS_HEAD_ANY], (0.25 / 3) / (1 + 0.25 / 3), 1e-6);
	ru_close(e);
	mrs_dataset_free(ds);
}

static void test_negative_rule(void **state)
{
	(void)state;
	/* 40 tweets an hour apart by users 10..49; every user 0..9 likes tweets; L = 5 h */
	ru_builder b;
	ru_begin(&b, 50, 40);
	for (uint32_t t = 0; t < 40; t++)
		ru_tweet(&b, t, 10 + t, T0 + t * MRS_HOUR, "a tweet");
	uint32_t iu[400], it[400];
	int64_t its[400];
	uint8_t ia[400];
	size_t n = 0;
	for (uint32_t u = 0; u < 10; u++)
		for (uint32_t t = u % 2; t < 40; t += 2, n++)
			iu[n] = u, it[n] = t, its[n] = T0 + t * MRS_HOUR + 60 * (1 + u),
			ia[n] = 1u << MRS_ACT_LIKE;
	mrs_error err = {0};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, n, &err), &err);
	mrs_dataset *ds = ru_end(&b, T0 + 100 * MRS_HOUR);
	ds->time_scale.age_limit_hours = 5;
	assert_true(mrs_engagements_only(ds));
	mrs_neg_sampler *s = mrs_neg_sampler_new(ds, 3, &err);
	assert_non_null(s);
	uint32_t out[8], got, total = 0;
	for (uint32_t u = 0; u < 10; u++) {
		int64_t now = T0 + 20 * MRS_HOUR + 60 * (1 + u);
		assert_ok(mrs_neg_sample(s, u, now, 4, out, &got, &err), &err);
		assert_true(got <= 4);
		total += got;
		for (uint32_t k = 0; k < got; k++) {
			uint32_t t = out[k];
			/* live at now: created within L before it */
			assert_true(ds->tweet_time[t] <= now && ds->tweet_time[t] >= now - 5 * MRS_HOUR);
			/* never engaged by u: u likes the tweets of its parity */
			assert_int_not_equal(t % 2, u % 2);
			for (uint32_t j = 0; j < k; j++)
				assert_int_not_equal(out[j], t);
		}
	}
	assert_true(total >= 20);
	mrs_neg_sampler_free(s);
	/* the same seed draws the same */
	mrs_neg_sampler *s1 = mrs_neg_sampler_new(ds, 9, &err), *s2 = mrs_neg_sampler_new(ds, 9, &err);
	uint32_t a[4], bb[4], na, nb;
	assert_ok(mrs_neg_sample(s1, 3, T0 + 30 * MRS_HOUR, 4, a, &na, &err), &err);
	assert_ok(mrs_neg_sample(s2, 3, T0 + 30 * MRS_HOUR, 4, bb, &nb, &err), &err);
	assert_int_equal(na, nb);
	assert_memory_equal(a, bb, na * sizeof *a);
	/* nothing engaged in the window: nothing to draw */
	assert_ok(mrs_neg_sample(s1, 3, T0 - MRS_DAY, 4, a, &na, &err), &err);
	assert_int_equal(na, 0);
	mrs_neg_sampler_free(s1), mrs_neg_sampler_free(s2);
	/* a log with impressions without engagement needs none */
	ia[0] = 0;
	assert_ok(mrs_ds_set_impressions(ds, iu, it, its, ia, NULL, n, &err), &err);
	assert_false(mrs_engagements_only(ds));
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_rule),
		cmocka_unit_test(test_coengagers),
		cmocka_unit_test(test_coengaged_tweets),
		cmocka_unit_test(test_sampling_correction),
		cmocka_unit_test(test_skipped_models),
		cmocka_unit_test(test_engagement_graph),
		cmocka_unit_test(test_ranker_negatives),
		cmocka_unit_test(test_timelines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
