/* test_generate.c: the synthetic world: sizes, determinism, distributions, actions drawn
 * from the hidden model, the oracle, text, labels and the split; the feed's logging
 * policy and propensities, spread through retweets, rich-get-richer, trends. */
#include <ctype.h>
#include <math.h>

#include "testutil.h"

/* A world of the default parameters but these sizes, seed and homophily, and
 * "NAME=VALUE" settings of other parameters (NULL-terminated). */
static mrs_dataset *world_with(uint32_t users, uint32_t tweets, uint32_t imps, uint64_t seed,
			       double homophily, mrs_truth **tr, const char *const *set)
{
	mrs_gen_params p;
	mrs_error err = {0};
	assert_ok(mrs_gen_params_scale(&p, "default", &err), &err);
	p.users = users, p.tweets = tweets, p.impressions = imps, p.seed = seed;
	p.homophily = homophily;
	for (; set && *set; set++) {
		char name[64];
		const char *eq = strchr(*set, '=');
		snprintf(name, sizeof name, "%.*s", (int)(eq - *set), *set);
		assert_ok(mrs_gen_params_set(&p, name, eq + 1, &err), &err);
	}
	mrs_dataset *ds = mrs_generate(&p, tr, NULL, &err);
	if (!ds)
		fail_msg("generate: %s", err.msg);
	return ds;
}

static mrs_dataset *world(uint32_t users, uint32_t tweets, uint32_t imps, uint64_t seed,
			  double homophily, mrs_truth **tr)
{
	return world_with(users, tweets, imps, seed, homophily, tr, NULL);
}

static uint32_t originals(const mrs_dataset *ds)
{
	uint32_t n = 0;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		n += ds->tweet_rt_of[t] == MRS_NONE;
	return n;
}

/* The default world, made once for the tests that only read it. */
static mrs_dataset *W;
static mrs_truth *T;

static int setup(void **state)
{
	(void)state;
	W = world(1000, 10000, 80000, 42, 0.7, &T);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mrs_dataset_free(W);
	mrs_truth_free(T);
	tu_cleanup();
	return 0;
}

static void test_default_scale(void **state)
{
	(void)state;
	mrs_gen_params p;
	mrs_error err = {0};
	assert_ok(mrs_gen_params_scale(&p, "default", &err), &err);
	assert_int_equal(p.users, 1000);
	assert_int_equal(p.tweets, 10000);
	assert_true(p.impressions >= 50000);
	assert_int_equal(W->n_users, 1000);
	/* 10,000 originals, and the retweets and quotes people made of them */
	assert_int_equal(originals(W), 10000);
	assert_true(W->n_tweets > 10000);
	assert_true(W->n_impressions >= 50000);
	assert_ok(mrs_gen_params_scale(&p, "large", &err), &err);
	assert_int_equal(p.users, 100000);
	assert_int_equal(p.tweets, 1000000);
	assert_true(p.impressions >= 10000000);
	assert_ok(mrs_gen_params_scale(&p, "huge", &err), &err);
	assert_int_equal(p.users, 1000000);
	assert_int_equal(p.tweets, 10000000);
	assert_true(p.impressions >= 100000000);
	assert_int_equal(mrs_gen_params_scale(&p, "galactic", &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "galactic"));
}

static void test_bad_params(void **state)
{
	(void)state;
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_truth *tr = NULL;
	mrs_gen_params_scale(&p, "small", &err);
	p.users = 1;
	assert_null(mrs_generate(&p, &tr, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "users"));
	mrs_gen_params_scale(&p, "small", &err);
	p.homophily = 1.5;
	assert_null(mrs_generate(&p, &tr, NULL, &err));
	assert_non_null(strstr(err.msg, "homophily"));
	assert_null(tr);
	/* parameters by name: unknown names, non-numbers and values out of range */
	mrs_gen_params_scale(&p, "small", &err);
	assert_ok(mrs_gen_params_set(&p, "virality", "2.5", &err), &err);
	assert_true(p.virality == 2.5);
	assert_int_equal(mrs_gen_params_set(&p, "virility", "1", &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "virility"));
	assert_int_equal(mrs_gen_params_set(&p, "oon_share", "half", &err), -1);
	assert_non_null(strstr(err.msg, "not a number"));
	assert_int_equal(mrs_gen_params_set(&p, "oon_share", "1.5", &err), -1);
	assert_non_null(strstr(err.msg, "out of range"));
	const char *help = NULL;
	int named = 0;
	for (int i = 0; mrs_gen_param_name(i, &help); i++, named++)
		assert_true(help && *help);
	assert_true(named >= 10);
}

/* Issue 13, point 8: the memory a world needs is estimated before it is built. The
 * estimate grows with every size, covers the measured peaks of the scales (docs and
 * generate.c), lets the planned 1,000,000-user world run on a 24 GiB machine and names
 * the largest world the options allow as far beyond one. */
static void test_memory_estimate(void **state)
{
	(void)state;
	mrs_gen_params p;
	mrs_error err = {0};
	const double mib = 1024.0 * 1024, gib = 1024 * mib;
	assert_ok(mrs_gen_params_scale(&p, "small", &err), &err);
	assert_true(mrs_gen_memory_estimate(&p) >= 163 * mib); /* measured peak RSS */
	assert_ok(mrs_gen_params_scale(&p, "large", &err), &err);
	double large = (double)mrs_gen_memory_estimate(&p);
	assert_true(large >= 1293 * mib && large <= 1.3 * 1293 * mib);
	mrs_gen_params q = p;
	q.users *= 2;
	assert_true(mrs_gen_memory_estimate(&q) > large);
	q = p, q.tweets *= 2;
	assert_true(mrs_gen_memory_estimate(&q) > large);
	q = p, q.impressions *= 2;
	assert_true(mrs_gen_memory_estimate(&q) > large);
	p.users = 1000000, p.tweets = 10000000, p.impressions = 100000000;
	assert_true((double)mrs_gen_memory_estimate(&p) < 12 * gib);
	p.users = 10000000, p.tweets = 100000000, p.impressions = 1000000000;
	assert_true((double)mrs_gen_memory_estimate(&p) > 64 * gib);
}

static void test_deterministic(void **state)
{
	(void)state;
	mrs_truth *t1, *t2, *t3;
	mrs_dataset *a = world(300, 3000, 15000, 7, 0.7, &t1);
	mrs_dataset *b = world(300, 3000, 15000, 7, 0.7, &t2);
	mrs_dataset *c = world(300, 3000, 15000, 8, 0.7, &t3);
	assert_int_equal(a->fingerprint, b->fingerprint);
	assert_int_not_equal(a->fingerprint, c->fingerprint);
	assert_int_equal(a->n_impressions, b->n_impressions);
	assert_memory_equal(a->imp_actions, b->imp_actions, a->n_impressions);
	assert_memory_equal(a->blk_dst, b->blk_dst, sizeof(uint32_t) * a->n_blocks);
	assert_memory_equal(a->label_toxic, b->label_toxic, a->n_tweets);
	for (uint32_t t = 0; t < a->n_tweets; t++)
		assert_string_equal(mrs_tweet_text(a, t), mrs_tweet_text(b, t));
	for (uint32_t u = 0; u < a->n_users; u++)
		assert_string_equal(mrs_handle(a, u), mrs_handle(b, u));
	assert_memory_equal(t1->imp_prob, t2->imp_prob,
			    sizeof(float) * a->n_impressions * MRS_N_ACTIONS);
	assert_memory_equal(t1->tweet_toxicity, t2->tweet_toxicity, sizeof(float) * a->n_tweets);
	/* and the stored files hold the same content */
	char p1[300], p2[300];
	mrs_error err = {0};
	assert_ok(mrs_store_write(tu_path(p1, sizeof p1, "a.db"), a, t1, NULL, &err), &err);
	assert_ok(mrs_store_write(tu_path(p2, sizeof p2, "b.db"), b, t2, NULL, &err), &err);
	mrs_dataset *la = mrs_dataset_load(p1, NULL, &err), *lb = mrs_dataset_load(p2, NULL, &err);
	assert_non_null(la);
	assert_non_null(lb);
	assert_int_equal(la->fingerprint, a->fingerprint);
	assert_int_equal(lb->fingerprint, a->fingerprint);
	assert_string_equal(la->params_json, lb->params_json);
	mrs_dataset_free(la), mrs_dataset_free(lb);
	mrs_dataset_free(a), mrs_dataset_free(b), mrs_dataset_free(c);
	mrs_truth_free(t1), mrs_truth_free(t2), mrs_truth_free(t3);
}

static double shared_interest_share(const mrs_dataset *ds, const mrs_truth *tr, int64_t before)
{
	uint32_t shared = 0, n = 0;
	for (uint32_t u = 0; u < ds->n_users; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
			if (ds->fol_time[e] >= before)
				continue; /* follows made by follow actions are not the base graph */
			n++;
			shared += (tr->user_interests[u] & tr->user_interests[ds->fol_dst[e]]) != 0;
		}
	return (double)shared / n;
}

static void test_homophily(void **state)
{
	(void)state;
	mrs_truth *t0;
	mrs_dataset *none = world(1000, 2000, 1000, 42, 0.0, &t0);
	double base = shared_interest_share(none, t0, none->t_begin);
	double got = shared_interest_share(W, T, W->t_begin);
	/* 70% of follows are drawn within a shared interest, the rest share one by chance */
	double want = 0.7 + 0.3 * base;
	if (fabs(got - want) > 0.03)
		fail_msg("shared-interest share %.3f, expected %.3f (chance %.3f)", got, want, base);
	assert_true(base < 0.75);
	mrs_dataset_free(none);
	mrs_truth_free(t0);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void test_heavy_tails(void **state)
{
	(void)state;
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(W, &st);
	/* Pareto popularity: a few accounts have far more followers than the median */
	assert_true(st.followers_max > 20 * st.followers_median);
	assert_true(st.followers_p99 > 5 * st.followers_median);
	/* Hill estimate of the out-degree tail (Pareto shape 1.8 from 8 followees) */
	uint32_t *deg = malloc(sizeof(uint32_t) * W->n_users);
	for (uint32_t u = 0; u < W->n_users; u++) {
		deg[u] = 0;
		for (uint32_t e = W->fol_off[u]; e < W->fol_off[u + 1]; e++)
			deg[u] += W->fol_time[e] < W->t_begin;
	}
	qsort(deg, W->n_users, sizeof *deg, cmp_u32);
	double xmin = 16, s = 0;
	int k = 0;
	for (uint32_t u = 0; u < W->n_users; u++)
		if (deg[u] >= xmin) {
			s += log(deg[u] / xmin);
			k++;
		}
	double alpha = k / s;
	if (fabs(alpha - 1.8) > 0.35)
		fail_msg("out-degree tail shape %.2f from %d users, expected about 1.8", alpha, k);
	free(deg);
}

static void test_actions_follow_the_hidden_model(void **state)
{
	(void)state;
	double p[MRS_N_ACTIONS] = {0};
	uint32_t seen[MRS_N_ACTIONS] = {0}, none = 0;
	uint32_t n = W->n_impressions;
	for (uint32_t i = 0; i < n; i++) {
		for (int a = 0; a < MRS_N_ACTIONS; a++) {
			p[a] += T->imp_prob[(size_t)i * MRS_N_ACTIONS + a];
			seen[a] += (W->imp_actions[i] >> a) & 1;
		}
		none += W->imp_actions[i] == 0;
	}
	for (int a = 0; a < MRS_N_ACTIONS; a++) {
		double mean = p[a] / n, rate = (double)seen[a] / n;
		double tol = 4 * sqrt(mean * (1 - mean) / n) + 1e-4;
		if (fabs(rate - mean) > tol)
			fail_msg("%s: observed rate %.4f, hidden model %.4f", mrs_action_name(a), rate,
				 mean);
		assert_true(seen[a] > 0);
	}
	/* impressions without engagement are the majority: negatives exist */
	assert_true(none > n / 2);
	double like = (double)seen[MRS_ACT_LIKE] / n;
	assert_true(like > 0.03 && like < 0.3);
}

static void test_safety_latents_drive_negatives(void **state)
{
	(void)state;
	uint32_t n_hi = 0, n_lo = 0, rep_hi = 0, rep_lo = 0, neg_hi = 0, neg_lo = 0;
	for (uint32_t i = 0; i < W->n_impressions; i++) {
		uint32_t t = W->imp_tweet[i];
		float risk = fmaxf(T->tweet_toxicity[t], T->tweet_nsfw[t]);
		unsigned a = W->imp_actions[i];
		if (risk > 0.5) {
			n_hi++;
			rep_hi += (a >> MRS_ACT_REPORT) & 1;
			neg_hi += (a >> MRS_ACT_NEGFB) & 1;
		} else if (risk < 0.2) {
			n_lo++;
			rep_lo += (a >> MRS_ACT_REPORT) & 1;
			neg_lo += (a >> MRS_ACT_NEGFB) & 1;
		}
	}
	assert_true(n_hi > 500 && n_lo > 500);
	assert_true((double)rep_hi / n_hi > 5 * (double)rep_lo / n_lo);
	assert_true((double)neg_hi / n_hi > 3 * (double)neg_lo / n_lo);
}

/* Does text hold word (or phrase) at p, case aside? */
static bool matches_at(const char *p, const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (tolower((unsigned char)p[i]) != tolower((unsigned char)word[i]))
			return false;
	return true;
}

/* Does text hold one of the words (or phrases) as a whole, case aside? */
static bool has_word(const char *text, const char *const *words, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		for (const char *p = text; *p; p++)
			if ((p == text || !isalnum((unsigned char)p[-1])) && matches_at(p, words[i], len) &&
			    !isalnum((unsigned char)p[len]))
				return true;
	}
	return false;
}

static void test_text_carries_the_latents(void **state)
{
	(void)state;
	uint32_t hi = 0, hi_word = 0, lo = 0, lo_word = 0, nh = 0, nh_word = 0;
	for (uint32_t t = 0; t < W->n_tweets; t++) {
		const char *s = mrs_tweet_text(W, t);
		assert_true(strlen(s) > 10);
		if (T->tweet_toxicity[t] > 0.6) {
			hi++;
			hi_word += has_word(s, mrs_lex_toxic, mrs_lex_n_toxic);
		} else if (T->tweet_toxicity[t] < 0.1) {
			lo++;
			lo_word += has_word(s, mrs_lex_toxic, mrs_lex_n_toxic);
		}
		if (T->tweet_nsfw[t] > 0.6) {
			nh++;
			nh_word += has_word(s, mrs_lex_nsfw, mrs_lex_n_nsfw);
		}
		if (W->tweet_rt_of[t] != MRS_NONE)
			assert_true(strncmp(s, "RT @", 4) == 0 || strstr(s, " QT @"));
	}
	assert_true(hi > 50 && nh > 20);
	assert_true((double)hi_word / hi > 0.6);
	assert_true((double)lo_word / lo < 0.1);
	assert_true((double)nh_word / nh > 0.6);
}

static void test_labels_are_noisy_reviews(void **state)
{
	(void)state;
	/* reviewers miss 10% of true positives and flag 2% of true negatives; they review
	 * originals (a report on a retweet reports its original), never retweets */
	uint32_t pos = 0, pos_flagged = 0, neg = 0, neg_flagged = 0, n = 0, reviewed_reported = 0;
	uint32_t reported_total = 0;
	uint8_t *reported = calloc(W->n_tweets, 1);
	for (uint32_t i = 0; i < W->n_impressions; i++)
		if (W->imp_actions[i] >> MRS_ACT_REPORT & 1) {
			uint32_t t = W->imp_tweet[i];
			reported[W->tweet_rt_of[t] == MRS_NONE ? t : W->tweet_rt_of[t]] = 1;
		}
	for (uint32_t t = 0; t < W->n_tweets; t++) {
		if (W->tweet_rt_of[t] != MRS_NONE) {
			assert_int_equal(W->label_toxic[t], -1);
			assert_int_equal(W->label_nsfw[t], -1);
			continue;
		}
		reported_total += reported[t];
		if (W->label_toxic[t] < 0)
			continue;
		n++;
		reviewed_reported += reported[t];
		if (T->tweet_toxicity[t] > 0.5) {
			pos++;
			pos_flagged += W->label_toxic[t] == 1;
		} else {
			neg++;
			neg_flagged += W->label_toxic[t] == 1;
		}
	}
	free(reported);
	assert_true(pos > 100 && neg > 1000);
	if (fabs((double)pos_flagged / pos - 0.9) > 0.05)
		fail_msg("reviewers caught %.3f of toxic tweets, expected 0.9", (double)pos_flagged / pos);
	if (fabs((double)neg_flagged / neg - 0.02) > 0.01)
		fail_msg("reviewers flagged %.3f of clean tweets, expected 0.02", (double)neg_flagged / neg);
	/* most reported tweets are reviewed, a fifth of the rest */
	assert_true((double)reviewed_reported / reported_total > 0.7);
	double unreported = (double)(n - reviewed_reported) / (originals(W) - reported_total);
	assert_true(fabs(unreported - 0.2) < 0.02);
}

static void test_consistency(void **state)
{
	(void)state;
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(W, &st);
	double train = (double)st.train_impressions / st.impressions;
	assert_true(fabs(train - 0.8) < 0.01);
	for (uint32_t i = 0; i < W->n_impressions; i++) {
		uint32_t u = W->imp_user[i], t = W->imp_tweet[i];
		assert_true(W->imp_time[i] >= W->tweet_time[t]);
		assert_int_not_equal(W->tweet_author[t], u);
		/* never shown an author after blocking or muting them */
		for (uint32_t e = W->blk_off[u]; e < W->blk_off[u + 1]; e++)
			if (W->blk_dst[e] == W->tweet_author[t])
				assert_true(W->imp_time[i] <= W->blk_time[e]);
	}
	assert_true(st.blocks > 0 && st.mutes > 0 && st.retweets > 0);
	assert_true(W->t_end - W->t_begin <= 30 * 86400);
}

static void test_oracle_reproduces_the_generator(void **state)
{
	(void)state;
	float p[MRS_N_ACTIONS];
	for (uint32_t i = 0; i < W->n_impressions; i += 7) {
		double any = mrs_truth_pair_probs(T, W, W->imp_user[i], W->imp_tweet[i],
						  W->imp_time[i], p);
		for (int a = 0; a < MRS_N_ACTIONS; a++)
			assert_float_equal(p[a], T->imp_prob[(size_t)i * MRS_N_ACTIONS + a], 1e-6);
		assert_true(any > p[MRS_ACT_LIKE] - 1e-6 && any < 1);
	}
}


/* The feed's logging policy: about half the impressions out of network, engagement out of
 * network at least a third of the rate in network, and the oon_share knob moving the mix. */
static void test_logging_policy_mix(void **state)
{
	(void)state;
	mrs_world_stats w;
	mrs_error err = {0};
	assert_ok(mrs_world_stats_compute(W, &w, &err), &err);
	if (w.oon_impression_share < 0.4 || w.oon_impression_share > 0.6)
		fail_msg("out-of-network share %.3f, expected 0.4 to 0.6", w.oon_impression_share);
	if (w.oon_engagement_rate < w.in_network_engagement_rate / 3)
		fail_msg("engagement rate %.3f out of network, %.3f in network",
			 w.oon_engagement_rate, w.in_network_engagement_rate);
	const char *mostly_in[] = {"oon_share=0.2", NULL}, *mostly_out[] = {"oon_share=0.8", NULL};
	mrs_truth *t1, *t2;
	mrs_dataset *a = world_with(300, 3000, 15000, 5, 0.7, &t1, mostly_in);
	mrs_dataset *b = world_with(300, 3000, 15000, 5, 0.7, &t2, mostly_out);
	mrs_world_stats wa, wb;
	assert_ok(mrs_world_stats_compute(a, &wa, &err), &err);
	assert_ok(mrs_world_stats_compute(b, &wb, &err), &err);
	assert_true(wa.oon_impression_share < 0.35);
	assert_true(wb.oon_impression_share > 0.7);
	mrs_dataset_free(a), mrs_dataset_free(b);
	mrs_truth_free(t1), mrs_truth_free(t2);
}

/* Each impression's propensity is a probability, and its parts add up as the policy's
 * mixture says: a retweet can only come from the in-network source and an out-of-network
 * tweet only from the out-of-network ones, so neither exceeds that side's share. */
static void test_propensities(void **state)
{
	(void)state;
	const double oon = 0.5; /* the default oon_share */
	uint32_t rt = 0, out = 0;
	for (uint32_t i = 0; i < W->n_impressions; i++) {
		float p = W->imp_propensity[i];
		uint32_t t = W->imp_tweet[i];
		assert_true(p > 0 && p <= 1);
		if (W->tweet_rt_of[t] != MRS_NONE) {
			rt++;
			assert_true(p <= 1 - oon + 1e-6);
		}
		if (!mrs_follows_before(W, W->imp_user[i], W->tweet_author[t], W->imp_time[i])) {
			out++;
			assert_true(p <= oon + 1e-6);
		}
	}
	assert_true(rt > 1000 && out > 10000);
}

/* Spread: every retweet or quote is a retweet action of its author on the original (or
 * on a retweet of it) at that moment, and every retweet action made one, unless the
 * account had retweeted that original before. */
static void test_retweets_come_from_retweet_actions(void **state)
{
	(void)state;
	uint32_t made = 0;
	for (uint32_t i = 0; i < W->n_impressions; i++) {
		if (!(W->imp_actions[i] >> MRS_ACT_RETWEET & 1))
			continue;
		uint32_t u = W->imp_user[i], t = W->imp_tweet[i];
		uint32_t o = W->tweet_rt_of[t] == MRS_NONE ? t : W->tweet_rt_of[t];
		uint32_t found = MRS_NONE;
		for (uint32_t k = W->atw_off[u]; k < W->atw_off[u + 1]; k++)
			if (W->tweet_rt_of[W->atw[k]] == o)
				found = W->atw[k];
		assert_int_not_equal(found, MRS_NONE);
		assert_true(W->tweet_time[found] <= W->imp_time[i]);
		made += W->tweet_time[found] == W->imp_time[i];
	}
	uint32_t retweets = 0;
	for (uint32_t r = 0; r < W->n_tweets; r++) {
		uint32_t o = W->tweet_rt_of[r], u = W->tweet_author[r];
		if (o == MRS_NONE)
			continue;
		retweets++;
		bool acted = false;
		for (uint32_t i = W->uimp_off[u]; i < W->uimp_off[u + 1] && !acted; i++) {
			uint32_t t = W->imp_tweet[i];
			acted = W->imp_time[i] == W->tweet_time[r] && (t == o || W->tweet_rt_of[t] == o) &&
				(W->imp_actions[i] >> MRS_ACT_RETWEET & 1);
		}
		assert_true(acted);
	}
	assert_int_equal(made, retweets);
	assert_true(retweets > 1000);
}

/* Rich get richer: engagements concentrate on few tweets (the top 1% hold at least a
 * tenth), far more than when engagement brings no extra reach. */
static void test_engagement_brings_reach(void **state)
{
	(void)state;
	mrs_world_stats w, flat;
	mrs_error err = {0};
	assert_ok(mrs_world_stats_compute(W, &w, &err), &err);
	if (w.top1pct_engagement_share < 0.1)
		fail_msg("top 1%% of tweets hold %.3f of the engagements", w.top1pct_engagement_share);
	const char *none[] = {"virality=0", NULL};
	mrs_truth *t0;
	mrs_dataset *d = world_with(1000, 10000, 80000, 42, 0.7, &t0, none);
	assert_ok(mrs_world_stats_compute(d, &flat, &err), &err);
	assert_true(w.engagement_gini > flat.engagement_gini + 0.03);
	assert_true(w.top1pct_engagement_share > 1.3 * flat.top1pct_engagement_share);
	/* retweets carried one tweet to many: more impressions through its retweets than its
	 * author has followers */
	assert_true(w.largest_cascade_retweets > 0);
	assert_true(w.largest_cascade > mrs_n_followers(W, W->tweet_author[w.largest_cascade_tweet]));
	mrs_dataset_free(d);
	mrs_truth_free(t0);
}

static int event_tag_topic(const char *text)
{
	for (int k = 0; k < MRS_N_TOPICS; k++)
		if (has_word(text, mrs_lex_event_tags[k], MRS_LEX_EVENT_TAGS))
			return k;
	return -1;
}

/* Trends: trending events put their hashtag on tweets of their topic, in bursts; a world
 * without trends has none. */
static void test_trends(void **state)
{
	(void)state;
	uint32_t tagged = 0, same_topic = 0;
	for (uint32_t t = 0; t < W->n_tweets; t++) {
		if (W->tweet_rt_of[t] != MRS_NONE)
			continue;
		int k = event_tag_topic(mrs_tweet_text(W, t));
		if (k < 0)
			continue;
		tagged++;
		same_topic += k == T->tweet_topic[t];
	}
	assert_true(tagged > 100);
	assert_int_equal(same_topic, tagged);
	const char *calm[] = {"trend_rate=0", NULL};
	mrs_truth *t0;
	mrs_dataset *d = world_with(300, 3000, 15000, 42, 0.7, &t0, calm);
	for (uint32_t t = 0; t < d->n_tweets; t++)
		assert_int_equal(event_tag_topic(mrs_tweet_text(d, t)), -1);
	mrs_dataset_free(d);
	mrs_truth_free(t0);
}

/* Readable text: every original names something of its own topic (a thing, an account or
 * a hashtag of it), so a reader tells the topic at a glance. */
static void test_text_names_its_topic(void **state)
{
	(void)state;
	for (uint32_t t = 0; t < W->n_tweets; t++) {
		if (W->tweet_rt_of[t] != MRS_NONE)
			continue;
		const char *s = mrs_tweet_text(W, t);
		int k = T->tweet_topic[t];
		if (!has_word(s, mrs_lex_topic[k], MRS_LEX_TOPIC_WORDS) &&
		    !has_word(s, mrs_lex_entities[k], MRS_LEX_ENTITIES) &&
		    !has_word(s, mrs_lex_tags[k], MRS_LEX_TAGS))
			fail_msg("tweet %u (%s) does not name its topic: %s", t, mrs_topic_name(k), s);
	}
}

/* A short memory (out-of-network weights halving every hour) rebases the weights many
 * times: every propensity stays a probability and the oracle still reproduces the
 * generator. */
static void test_short_memory(void **state)
{
	(void)state;
	const char *set[] = {"fresh_hours=0.5", NULL};
	mrs_truth *tr;
	mrs_dataset *d = world_with(200, 2000, 8000, 3, 0.7, &tr, set);
	float p[MRS_N_ACTIONS];
	for (uint32_t i = 0; i < d->n_impressions; i++) {
		assert_true(d->imp_propensity[i] > 0 && d->imp_propensity[i] <= 1);
		mrs_truth_pair_probs(tr, d, d->imp_user[i], d->imp_tweet[i], d->imp_time[i], p);
		assert_float_equal(p[MRS_ACT_LIKE], tr->imp_prob[(size_t)i * MRS_N_ACTIONS], 1e-6);
	}
	assert_true(d->n_impressions > 6000);
	mrs_dataset_free(d);
	mrs_truth_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_scale),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_memory_estimate),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_homophily),
		cmocka_unit_test(test_heavy_tails),
		cmocka_unit_test(test_actions_follow_the_hidden_model),
		cmocka_unit_test(test_safety_latents_drive_negatives),
		cmocka_unit_test(test_text_carries_the_latents),
		cmocka_unit_test(test_labels_are_noisy_reviews),
		cmocka_unit_test(test_consistency),
		cmocka_unit_test(test_oracle_reproduces_the_generator),
		cmocka_unit_test(test_logging_policy_mix),
		cmocka_unit_test(test_propensities),
		cmocka_unit_test(test_retweets_come_from_retweet_actions),
		cmocka_unit_test(test_engagement_brings_reach),
		cmocka_unit_test(test_trends),
		cmocka_unit_test(test_text_names_its_topic),
		cmocka_unit_test(test_short_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
