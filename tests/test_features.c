/* test_features.c: the feature function: training rows and serving give the same vectors,
 * no feature reads the ground truth, nothing at or after `now` counts, every feature
 * varies, the text features match the texts, the feature table is complete, and the word
 * topics recover a world's subjects. */
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>

#include "models_fixture.h"

static mrs_dataset *W;
static mrs_engine *E;
static char models[512];

static mrs_engine *open_engine(const mrs_dataset *ds)
{
	mrs_error err = {0};
	/* the co-engagement index as training builds it, at the embedding cut, so the rows
	 * from there on read it */
	mrs_engine_opts o = {.models_dir = models, .coeng_cut = true,
			     .coeng_until = mrs_embed_cut(ds, &err)};
	mrs_engine *e = mrs_engine_open(ds, &o, NULL, &err);
	if (!e)
		fail_msg("engine: %s", err.msg);
	return e;
}

static int setup(void **state)
{
	(void)state;
	mrs_error err = {0};
	W = fx_world("world.db", 300, 3000, 24000, 11);
	assert_ok(fx_train(W, "models", NULL, NULL, &err), &err);
	tu_path(models, sizeof models, "models");
	E = open_engine(W);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mrs_engine_free(E);
	mrs_dataset_free(W);
	tu_cleanup();
	return 0;
}

/* Rows: an even sample of n impressions (viewer, tweet, time). */
static size_t sample_rows(const mrs_dataset *ds, size_t n, uint32_t *v, uint32_t *t, int64_t *now)
{
	size_t k = 0;
	for (size_t j = 0; j < n; j++) {
		uint32_t i = (uint32_t)((double)j * ds->n_impressions / n);
		v[k] = ds->imp_user[i], t[k] = ds->imp_tweet[i], now[k] = ds->imp_time[i];
		k++;
	}
	return k;
}

static float *features_of(const mrs_engine *e, const uint32_t *v, const uint32_t *t,
			  const int64_t *now, size_t n)
{
	mrs_error err = {0};
	float *x = calloc(n * MRS_N_FEATURES, sizeof(float));
	assert_ok(mrs_features_rows(e, v, t, now, n, x, NULL, "test", &err), &err);
	return x;
}

/* A viewer with a long history and a time in the middle of it. */
static void busy_viewer(uint32_t *viewer, int64_t *now)
{
	uint32_t best = 0;
	for (uint32_t u = 1; u < W->n_users; u++)
		if (W->uimp_off[u + 1] - W->uimp_off[u] > W->uimp_off[best + 1] - W->uimp_off[best])
			best = u;
	*viewer = best;
	uint32_t lo = W->uimp_off[best], hi = W->uimp_off[best + 1];
	*now = W->imp_time[lo + (hi - lo) / 2];
}

static void test_train_serve_identity(void **state)
{
	(void)state;
	uint32_t v;
	int64_t now;
	busy_viewer(&v, &now);
	/* serving: 300 candidates created before now, one call */
	enum { N = 300 };
	uint32_t cand[N];
	uint32_t last = 0;
	while (last + 1 < W->n_tweets && W->tweet_time[last + 1] < now)
		last++;
	for (uint32_t i = 0; i < N; i++)
		cand[i] = last - i * 3 % (last + 1);
	float *serve = calloc((size_t)N * MRS_N_FEATURES, sizeof(float));
	mrs_error err = {0};
	assert_ok(mrs_features(E, v, cand, N, now, serve, &err), &err);
	/* training rows: the same (viewer, tweet, now) interleaved with other viewers' rows,
	 * so each is computed on its own */
	uint32_t rv[2 * N], rt[2 * N];
	int64_t rn[2 * N];
	for (uint32_t i = 0; i < N; i++) {
		rv[2 * i] = v, rt[2 * i] = cand[i], rn[2 * i] = now;
		uint32_t j = (i * 7919u) % W->n_impressions;
		rv[2 * i + 1] = W->imp_user[j] == v ? (v + 1) % W->n_users : W->imp_user[j];
		rt[2 * i + 1] = W->imp_tweet[j], rn[2 * i + 1] = W->imp_time[j];
	}
	float *rows = features_of(E, rv, rt, rn, 2 * N);
	for (uint32_t i = 0; i < N; i++)
		assert_memory_equal(serve + (size_t)i * MRS_N_FEATURES,
				    rows + (size_t)2 * i * MRS_N_FEATURES,
				    sizeof(float) * MRS_N_FEATURES);
	/* and one candidate at a time */
	float one[MRS_N_FEATURES];
	for (uint32_t i = 0; i < N; i += 37) {
		assert_ok(mrs_features(E, v, &cand[i], 1, now, one, &err), &err);
		assert_memory_equal(one, serve + (size_t)i * MRS_N_FEATURES, sizeof one);
	}
	free(serve), free(rows);
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, &msg))
		fail_msg("%s: %s", path, msg ? msg : sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void test_no_ground_truth_reads(void **state)
{
	(void)state;
	char path[512];
	tu_path(path, sizeof path, "scrambled.db");
	copy_file(W->path, path);
	exec_sql(path,
		 "UPDATE truth_users SET propensity = 5.0 - propensity, interests = 127 - interests,"
		 " w_tech = w_food, w_food = w_tech, w_music = 1.0 - w_music;"
		 "UPDATE truth_tweets SET topic = (topic + 3) % 7, quality = 1.0 - quality,"
		 " nsfw = 1.0 - nsfw, toxicity = 1.0 - toxicity;"
		 "UPDATE truth_impressions SET p_like = 1.0 - p_like, p_retweet = 0.5,"
		 " p_reply = p_click, p_follow = 0, p_negfb = 1, p_report = 1;");
	mrs_error err = {0};
	mrs_dataset *w2 = mrs_dataset_load(path, NULL, &err);
	assert_non_null(w2);
	/* the truth really changed */
	mrs_truth *a = mrs_truth_load(W->path, W, &err), *b = mrs_truth_load(path, w2, &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a->tweet_quality[0] != b->tweet_quality[0]);
	mrs_truth_free(a), mrs_truth_free(b);
	mrs_engine *e2 = open_engine(w2);
	enum { N = 2000 };
	uint32_t v[N], t[N];
	int64_t now[N];
	size_t n = sample_rows(W, N, v, t, now);
	float *x1 = features_of(E, v, t, now, n), *x2 = features_of(e2, v, t, now, n);
	assert_memory_equal(x1, x2, n * MRS_N_FEATURES * sizeof(float));
	free(x1), free(x2);
	mrs_engine_free(e2);
	mrs_dataset_free(w2);
}

static void test_point_in_time(void **state)
{
	(void)state;
	mrs_error err = {0};
	int64_t now = W->t_begin + (W->t_end - W->t_begin) * 3 / 5;
	/* every engagement at or after now flipped: nothing may change */
	mrs_dataset *flipped = mrs_dataset_before(W, INT64_MAX, &err);
	assert_non_null(flipped);
	uint32_t changed = 0;
	for (uint32_t i = 0; i < flipped->n_impressions; i++)
		if (flipped->imp_time[i] >= now) {
			flipped->imp_actions[i] ^= 0x7f;
			changed++;
		}
	assert_true(changed > 1000);
	mrs_engine *e2 = open_engine(flipped);
	enum { N = 1500 };
	uint32_t v[N], t[N];
	int64_t at[N];
	size_t n = 0;
	for (uint32_t j = 0; n < N && j < W->n_impressions; j += 7) {
		uint32_t i = j % W->n_impressions;
		if (W->tweet_time[W->imp_tweet[i]] >= now)
			continue;
		v[n] = W->imp_user[i], t[n] = W->imp_tweet[i], at[n] = now;
		n++;
	}
	float *x1 = features_of(E, v, t, at, n), *x2 = features_of(e2, v, t, at, n);
	assert_memory_equal(x1, x2, n * MRS_N_FEATURES * sizeof(float));
	/* and the whole future removed (follows, impressions, blocks): the counters agree */
	mrs_dataset *past = mrs_dataset_before(W, now, &err);
	mrs_engine *e3 = open_engine(past);
	float *x3 = features_of(e3, v, t, at, n);
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < MRS_N_FEATURES; f++) {
			if (f == F_PAIR_REALGRAPH || f == F_EMB_SIMCLUSTERS || f == F_EMB_TWHIN ||
			    f == F_EMB_TWHIN_AUTHOR || f == F_PAIR_COENGAGEMENT)
				continue; /* the embeddings and the co-engagement index hold what
					   their engine sees at open */
			if (x1[i * MRS_N_FEATURES + f] != x3[i * MRS_N_FEATURES + f])
				fail_msg("row %zu: %s differs without the future (%g vs %g)", i,
					 mrs_feature_info_get(f)->name, x1[i * MRS_N_FEATURES + f],
					 x3[i * MRS_N_FEATURES + f]);
		}
	free(x1), free(x2), free(x3);
	mrs_engine_free(e2), mrs_engine_free(e3);
	mrs_dataset_free(flipped), mrs_dataset_free(past);
}

static void test_every_feature_varies(void **state)
{
	(void)state;
	enum { N = 4000 };
	uint32_t v[N], t[N];
	int64_t now[N];
	size_t n = sample_rows(W, N, v, t, now);
	float *x = features_of(E, v, t, now, n);
	for (int f = 0; f < MRS_N_FEATURES; f++) {
		float lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < n; i++) {
			float y = x[i * MRS_N_FEATURES + f];
			if (!isfinite(y))
				fail_msg("%s: not finite in row %zu", mrs_feature_info_get(f)->name, i);
			lo = fminf(lo, y), hi = fmaxf(hi, y);
		}
		print_message("%-24s [%8.4f, %8.4f]\n", mrs_feature_info_get(f)->name, lo, hi);
		if (!(hi - lo > 1e-6))
			fail_msg("%s is constant (%g)", mrs_feature_info_get(f)->name, lo);
		/* the range the table documents holds: "[a, b]" or "{a, b}" */
		const char *range = mrs_feature_info_get(f)->range;
		float a, b;
		if (sscanf(range + 1, "%f, %f", &a, &b) != 2)
			fail_msg("%s: range '%s' does not parse", mrs_feature_info_get(f)->name, range);
		if (lo < a - 1e-6f || hi > b + 1e-6f)
			fail_msg("%s: values [%g, %g] outside the documented %s",
				 mrs_feature_info_get(f)->name, lo, hi, range);
	}
	free(x);
}

/* The text features read the lengths and hashtag counts the engine keeps (a candidate's
 * text is not read per request): they are what the text itself gives, for every tweet
 * (a hashtag: '#' first or after a space, then a letter, a digit or a non-ASCII byte). */
static int feature_named(const char *name)
{
	for (int f = 0; f < MRS_N_FEATURES; f++)
		if (strcmp(mrs_feature_info_get(f)->name, name) == 0)
			return f;
	fail_msg("no feature %s", name);
	return -1;
}

static unsigned tags_in(const char *s)
{
	unsigned n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '#' && (p == s || p[-1] == ' ') &&
		     ((unsigned char)p[1] >= 0x80 || isalnum((unsigned char)p[1]));
	return n;
}

static void test_text_features_match_texts(void **state)
{
	(void)state;
	int fl = feature_named("tweet_text_length"), fh = feature_named("tweet_hashtags");
	uint32_t viewer = 0, n = W->n_tweets;
	uint32_t *t = calloc(n, sizeof(uint32_t));
	float *x = calloc((size_t)n * MRS_N_FEATURES, sizeof(float));
	assert_non_null(t), assert_non_null(x);
	for (uint32_t i = 0; i < n; i++)
		t[i] = i;
	mrs_error err = {0};
	assert_ok(mrs_features(E, viewer, t, n, mrs_engine_now(E), x, &err), &err);
	unsigned with_tags = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *text = mrs_tweet_text(W, i);
		size_t len = strlen(text);
		unsigned tags = tags_in(text);
		with_tags += tags > 0;
		assert_float_equal(x[(size_t)i * MRS_N_FEATURES + fl],
				   (float)(len > 560 ? 560 : len) / 280.0f, 0);
		assert_float_equal(x[(size_t)i * MRS_N_FEATURES + fh],
				   (float)(tags > 4 ? 4 : tags) / 4.0f, 0);
	}
	assert_true(with_tags > n / 100); /* the world's texts do carry hashtags */
	free(t), free(x);
}

/* A request at the engine's now reads each young tweet's features from its record, and a
 * fresh tweet's TwHIN vector from the sums kept at open: the same floats as computing them.
 * An engine whose now is a second later computes them for that earlier time. */
static void test_records_match_computing(void **state)
{
	(void)state;
	mrs_error err = {0};
	int64_t now = mrs_engine_now(E);
	mrs_engine_opts o = {.models_dir = models, .coeng_cut = true,
			     .coeng_until = mrs_embed_cut(W, &err), .now = now + 1};
	mrs_engine *later = mrs_engine_open(W, &o, NULL, &err);
	assert_ok(later ? 0 : -1, &err);
	uint32_t n = W->n_tweets, young = 0;
	uint32_t *t = calloc(n, sizeof(uint32_t));
	float *x = calloc((size_t)n * MRS_N_FEATURES, sizeof(float));
	float *y = calloc((size_t)n * MRS_N_FEATURES, sizeof(float));
	assert_non_null(t), assert_non_null(x), assert_non_null(y);
	int64_t from = now - (int64_t)(W->time_scale.age_limit_hours * MRS_HOUR);
	for (uint32_t i = 0; i < n; i++) {
		t[i] = i;
		young += W->tweet_time[i] >= from;
	}
	assert_true(young > 100 && young < n); /* records for some tweets, not all */
	uint32_t differ[MRS_N_FEATURES] = {0};
	for (uint32_t v = 0; v < W->n_users; v += 37) {
		assert_ok(mrs_features(E, v, t, n, now, x, &err), &err);
		assert_ok(mrs_features(later, v, t, n, now, y, &err), &err);
		for (size_t i = 0; i < (size_t)n * MRS_N_FEATURES; i++)
			differ[i % MRS_N_FEATURES] += memcmp(&x[i], &y[i], sizeof(float)) != 0;
	}
	for (int f = 0; f < MRS_N_FEATURES; f++)
		if (differ[f])
			fail_msg("%s: %u values differ", mrs_feature_info_get(f)->name, differ[f]);
	mrs_engine_free(later);
	free(t), free(x), free(y);
}

/* The word topics of the default world (seed 42) against its hidden topics: each hidden
 * topic's tweets fall mostly in one community, a different one for each (with a PMI cut of
 * 0.5 and a text's topic by its most frequent community, technology and music shared one
 * and 80.8% of the tweets were in their topic's community; with a word kept at a fifth of
 * its community's strongest word's weight instead of a tenth, 97.3%; now 99.4%). */
static void test_word_topics_recover_subjects(void **state)
{
	(void)state;
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_truth *tr = NULL;
	assert_ok(mrs_gen_params_scale(&p, "default", &err), &err);
	p.seed = 42;
	mrs_dataset *ds = mrs_generate(&p, &tr, NULL, &err);
	if (!ds)
		fail_msg("generate: %s", err.msg);
	mrs_topics *t = mrs_topics_build(ds, &err);
	if (!t)
		fail_msg("topics: %s", err.msg);
	uint32_t k = mrs_topics_count(t);
	assert_true(k >= MRS_N_TOPICS && k < 64);
	static uint32_t count[MRS_N_TOPICS][64];
	memset(count, 0, sizeof count);
	uint64_t w[64];
	for (uint32_t i = 0; i < ds->n_tweets; i++) {
		int32_t c = mrs_topic_of_text(t, w, mrs_text_words(mrs_tweet_text(ds, i), w, 64));
		assert_true(c >= -1 && c < (int32_t)k);
		if (c >= 0)
			count[tr->tweet_topic[i]][c]++;
	}
	uint32_t in_own = 0, best[MRS_N_TOPICS];
	for (int h = 0; h < MRS_N_TOPICS; h++) {
		best[h] = 0;
		for (uint32_t c = 1; c < k; c++)
			if (count[h][c] > count[h][best[h]])
				best[h] = c;
		in_own += count[h][best[h]];
		for (int g = 0; g < h; g++)
			if (best[g] == best[h])
				fail_msg("hidden topics %s and %s share word community %u",
					 mrs_topic_name(g), mrs_topic_name(h), best[h]);
	}
	double share = (double)in_own / ds->n_tweets;
	print_message("%u communities; %.1f%% of the tweets in their topic's community\n", k,
		      100 * share);
	assert_true(share > 0.99);
	mrs_topics_free(t);
	mrs_truth_free(tr);
	mrs_dataset_free(ds);
}

/* pair_coengagement: log1p below 1.5 (the values the default world's rows take, so its
 * ranker is unchanged), then still rising toward 2: sums of 10, 50 and 250 stay ordered
 * (a cut at 2 made every sum above e^2 - 1 tie). */
static void test_coengagement_scale(void **state)
{
	(void)state;
	assert_float_equal(mrs_feature_coeng_scale(0), 0, 0);
	assert_float_equal(mrs_feature_coeng_scale(-1), 0, 0);
	assert_float_equal(mrs_feature_coeng_scale(2), (float)log1p(2), 0);
	double at = expm1(1.5);
	assert_float_equal(mrs_feature_coeng_scale(at), 1.5f, 1e-6);
	float prev = mrs_feature_coeng_scale(at);
	for (double x = at * 1.01; x < 1e6; x *= 1.3) {
		float v = mrs_feature_coeng_scale(x);
		assert_true(v > prev);
		assert_true(v < 2.0f);
		prev = v;
	}
	assert_true(mrs_feature_coeng_scale(10) < mrs_feature_coeng_scale(50));
	assert_true(mrs_feature_coeng_scale(50) < mrs_feature_coeng_scale(250));
	/* no jump at 1.5: the slope just above matches log1p's just below, to 1% */
	double h = 1e-4, below = (log1p(at) - log1p(at - h)) / h,
	       above = (mrs_feature_coeng_scale(at * 1.0001 + h) - mrs_feature_coeng_scale(at * 1.0001)) / h;
	assert_true(fabs(above / below - 1) < 0.05);
}

static void test_feature_info(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/docs/features.md", MRS_SRCDIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char doc[65536];
	size_t len = fread(doc, 1, sizeof doc - 1, f);
	doc[len] = '\0';
	fclose(f);
	for (int i = 0; i < MRS_N_FEATURES; i++) {
		const mrs_feature_info *fi = mrs_feature_info_get(i);
		assert_non_null(fi);
		assert_true(fi->name && *fi->name && fi->formula && *fi->formula && fi->range &&
			    *fi->range);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(fi->name, mrs_feature_info_get(j)->name);
		char row[128];
		snprintf(row, sizeof row, "| %d | `%s` |", i, fi->name);
		if (!strstr(doc, row))
			fail_msg("docs/features.md has no row \"%s\"", row);
	}
	assert_null(mrs_feature_info_get(-1));
	assert_null(mrs_feature_info_get(MRS_N_FEATURES));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feature_info),
		cmocka_unit_test(test_coengagement_scale),
		cmocka_unit_test(test_train_serve_identity),
		cmocka_unit_test(test_no_ground_truth_reads),
		cmocka_unit_test(test_point_in_time),
		cmocka_unit_test(test_every_feature_varies),
		cmocka_unit_test(test_text_features_match_texts),
		cmocka_unit_test(test_records_match_computing),
		cmocka_unit_test(test_word_topics_recover_subjects),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
