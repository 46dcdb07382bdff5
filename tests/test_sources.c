/* test_sources.c: query hydration and the four candidate sources on a hand-built graph with
 * known answers (which tweets, in which order, with which proof and via), the merge,
 * cold start, point in time, determinism, and the sources' invariants on a generated world. */
#include <ctype.h>
#include <math.h>

#include "retrieval_util.h"

#define T0 1700000000LL
#define H(x) (T0 + (int64_t)(x) * MRS_HOUR)
#define NOW H(100)

enum { V, A, B, C, D, E, F, G, N_USERS };

/* V follows A and B; A follows C and G, B follows C; V follows G only later (after now).
 * V blocked D (before now) and G (after now). Tweets t0..t11 in time order. */
static mrs_dataset *tiny(void)
{
	ru_builder b;
	ru_begin(&b, N_USERS, 12);
	ru_tweet(&b, 0, A, H(0), "goal goal");
	ru_tweet(&b, 1, B, H(10), "pasta recipe");
	ru_tweet(&b, 2, C, H(20), "goal match");
	ru_tweet(&b, 3, D, H(30), "goal derby");
	ru_tweet(&b, 4, A, H(40), "code compiler");
	ru_tweet(&b, 5, F, H(50), "goal stadium");
	ru_tweet(&b, 6, G, H(60), "pasta night");
	ru_tweet(&b, 7, V, H(70), "my goal");
	ru_tweet(&b, 8, B, H(80), "goal again");
	ru_tweet(&b, 9, A, H(95), "fresh goal");
	ru_tweet(&b, 10, C, H(99), "RT @user7: my goal");
	ru_tweet(&b, 11, C, H(150), "goal tomorrow");
	b.ds->tweet_rt_of[10] = 7; /* a retweet of the viewer's own tweet */
	mrs_error err = {0};
	uint32_t fs[] = {V, V, A, A, B, V}, fd[] = {A, B, C, G, C, G};
	int64_t ft[] = {T0 - MRS_DAY, T0 - MRS_DAY, T0 - MRS_DAY, T0 - MRS_DAY, T0 - MRS_DAY, H(150)};
	assert_ok(mrs_ds_set_follows(b.ds, fs, fd, ft, 6, &err), &err);
	const uint8_t like = 1u << MRS_ACT_LIKE, negfb = 1u << MRS_ACT_NEGFB;
	uint32_t iu[] = {V, V, A, B, B, A, V, F};
	uint32_t it[] = {0, 1, 5, 5, 6, 2, 8, 9};
	int64_t its[] = {H(1), H(11), H(90), H(91), H(92), H(40), H(120), H(96)};
	uint8_t ia[] = {like, negfb, like, like, like, like, like, like};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 8, &err), &err);
	uint32_t bs[] = {V, V}, bd[] = {D, G};
	uint8_t bk[] = {MRS_BLOCK, MRS_MUTE};
	int64_t bt[] = {H(1), H(200)};
	assert_ok(mrs_ds_set_blocks(b.ds, bs, bd, bk, bt, 2, &err), &err);
	return ru_end(&b, H(110));
}

static mrs_dataset *DS;
static mrs_engine *ENG;

static int setup(void **state)
{
	(void)state;
	DS = tiny();
	ENG = ru_open(DS, NOW, NULL, MRS_SC_HASH, MRS_RG_RULE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ru_close(ENG);
	mrs_dataset_free(DS);
	tu_cleanup();
	return 0;
}

static void run(int source, const mrs_query *q, mrs_cand_list *out)
{
	mrs_config cfg;
	mrs_error err = {0};
	ru_config(&cfg);
	assert_ok(mrs_source_run(source, ENG, q, &cfg, out, &err), &err);
}

static void assert_tweets(const mrs_cand_list *l, const uint32_t *want, uint32_t n)
{
	if (l->n != n) {
		char got[256] = "";
		for (uint32_t i = 0; i < l->n; i++)
			snprintf(got + strlen(got), sizeof got - strlen(got), " t%u", l->v[i].tweet);
		fail_msg("%u candidates (%s), want %u", l->n, got, n);
	}
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(l->v[i].tweet, want[i]);
}

static void test_query_hydration(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	/* A: followed, one like (1 - 0.4 x 0.7); B: followed, no positive engagement (0.6);
	 * G is followed only after now */
	assert_int_equal(q.n_followees, 2);
	assert_int_equal(q.followees[0], A);
	assert_int_equal(q.followees[1], B);
	assert_float_equal(q.followee_rg[0], 0.72, 1e-6);
	assert_float_equal(q.followee_rg[1], 0.6, 1e-6);
	assert_true(mrs_query_follows(&q, A) && mrs_query_follows(&q, B));
	assert_false(mrs_query_follows(&q, G));
	/* D blocked before now; G's mute comes later */
	assert_int_equal(q.n_blocked, 1);
	assert_true(mrs_query_blocked(&q, D));
	assert_false(mrs_query_blocked(&q, G));
	/* seen before now: t0 and t1 (t8 is shown later) */
	assert_int_equal(q.n_seen, 2);
	assert_true(mrs_query_seen(&q, 0) && mrs_query_seen(&q, 1));
	assert_false(mrs_query_seen(&q, 8));
	assert_int_equal(q.n_negfb, 1);
	assert_int_equal(q.negfb_authors[0], B);
	mrs_query_free(&q);
	mrs_query_free(&q); /* twice is harmless */
	assert_int_equal(mrs_query_hydrate(ENG, N_USERS, NOW, &q, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
}

static void test_in_network(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	run(MRS_SRC_IN_NETWORK, &q, &l);
	/* followees' tweets not yet seen: RealGraph weight x 2^(-age / 24h) */
	const uint32_t want[] = {9, 8, 4};
	assert_tweets(&l, want, 3);
	const float score[] = {0.72f * exp2f(-5.0f / 24), 0.6f * exp2f(-20.0f / 24),
			       0.72f * exp2f(-60.0f / 24)};
	for (uint32_t i = 0; i < 3; i++) {
		const mrs_candidate *c = &l.v[i];
		assert_float_equal(c->source_score[MRS_SRC_IN_NETWORK], score[i], 1e-5);
		assert_int_equal(c->sources, 1u << MRS_SRC_IN_NETWORK);
		assert_int_equal(c->source, MRS_SRC_IN_NETWORK);
		assert_int_equal(c->dropped_at, -1);
	}
	assert_float_equal(l.v[0].rg, 0.72, 1e-6);
	assert_float_equal(l.v[1].rg, 0.6, 1e-6);
	/* the cap keeps the best */
	mrs_config cfg;
	ru_config(&cfg);
	cfg.source_cap[MRS_SRC_IN_NETWORK] = 2;
	mrs_cand_list_free(&l);
	assert_ok(mrs_source_run(MRS_SRC_IN_NETWORK, ENG, &q, &cfg, &l, &err), &err);
	assert_tweets(&l, want, 2);
	/* and the age window drops what is older */
	cfg.source_cap[MRS_SRC_IN_NETWORK] = 200;
	cfg.max_age_hours = 30;
	mrs_cand_list_free(&l);
	assert_ok(mrs_source_run(MRS_SRC_IN_NETWORK, ENG, &q, &cfg, &l, &err), &err);
	assert_tweets(&l, want, 2);
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
}

static void test_graph(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	run(MRS_SRC_GRAPH, &q, &l);
	/* liked in the last 48 hours by A and B (t5), by B (t6); A's like of t2 is older */
	const uint32_t want[] = {5, 6};
	assert_tweets(&l, want, 2);
	assert_float_equal(l.v[0].source_score[MRS_SRC_GRAPH], 0.72 + 0.6, 1e-5);
	assert_int_equal(l.v[0].n_proof, 2);
	assert_int_equal(l.v[0].proof[0], A); /* strongest first */
	assert_int_equal(l.v[0].proof[1], B);
	assert_float_equal(l.v[1].source_score[MRS_SRC_GRAPH], 0.6, 1e-5);
	assert_int_equal(l.v[1].n_proof, 1);
	assert_int_equal(l.v[1].proof[0], B);
	assert_int_equal(l.v[0].source, MRS_SRC_GRAPH);
	/* a narrower window keeps only the most recent engagements */
	mrs_config cfg;
	ru_config(&cfg);
	cfg.graph_window_hours = 9.5;
	mrs_cand_list_free(&l);
	assert_ok(mrs_source_run(MRS_SRC_GRAPH, ENG, &q, &cfg, &l, &err), &err);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].n_proof, 1); /* A's like at 90h is out, B's at 91h is in */
	assert_int_equal(l.v[0].proof[0], B);
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
}

/* The hash mode's InterestedIn and embeddings, recomputed here from the definition. */
typedef struct hvec {
	double w[16];
} hvec;

static void add_words(hvec *v, const char *text, double scale)
{
	hvec t = {{0}};
	char buf[256];
	snprintf(buf, sizeof buf, "%s", text);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		if (tok[0] == '@' || strcmp(tok, "RT") == 0)
			continue;
		char w[64];
		size_t n = 0;
		for (const char *p = tok; *p; p++)
			if (isalnum((unsigned char)*p))
				w[n++] = (char)tolower((unsigned char)*p);
		t.w[mrs_fnv1a(MRS_FNV_START, w, n) % 16] += 1;
	}
	double s = 0;
	for (int i = 0; i < 16; i++)
		s += t.w[i] * t.w[i];
	for (int i = 0; i < 16; i++)
		v->w[i] += scale * t.w[i] / sqrt(s);
}

static double hcos(const hvec *a, const hvec *b)
{
	double d = 0, na = 0, nb = 0;
	for (int i = 0; i < 16; i++)
		d += a->w[i] * b->w[i], na += a->w[i] * a->w[i], nb += b->w[i] * b->w[i];
	return na > 0 && nb > 0 ? d / sqrt(na * nb) : 0;
}

static void test_out_of_network(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	run(MRS_SRC_OUT_OF_NETWORK, &q, &l);
	/* V's InterestedIn: the words of what V wrote (t7) and liked (t0) */
	hvec viewer = {{0}};
	add_words(&viewer, "my goal", 1);
	add_words(&viewer, "goal goal", 1);
	/* eligible out-of-network tweets: by neither followee, not seen, not blocked (D), not
	 * the viewer's own or a retweet of it (t10), created before now (not t11) */
	const uint32_t eligible[] = {2, 5, 6};
	const char *text[] = {"goal match", "goal stadium", "pasta night"};
	double want[3];
	for (int i = 0; i < 3; i++) {
		hvec t = {{0}};
		add_words(&t, text[i], 1);
		want[i] = hcos(&viewer, &t);
	}
	assert_true(l.n >= 2);
	for (uint32_t i = 0; i < l.n; i++) {
		const mrs_candidate *c = &l.v[i];
		int k = -1;
		for (int j = 0; j < 3; j++)
			if (eligible[j] == c->tweet)
				k = j;
		if (k < 0)
			fail_msg("t%u is not an eligible out-of-network tweet", c->tweet);
		assert_float_equal(c->sc, want[k], 1e-5);
		assert_float_equal(c->source_score[MRS_SRC_OUT_OF_NETWORK], c->sc, 1e-6);
		assert_float_equal(c->twhin, 0, 0); /* TwHIN is not loaded here */
		assert_int_equal(c->source, MRS_SRC_OUT_OF_NETWORK);
		if (i)
			assert_true(c->sc <= l.v[i - 1].sc);
	}
	/* both goal tweets are found; pasta only if its words share a cluster with V's */
	bool got2 = false, got5 = false;
	for (uint32_t i = 0; i < l.n; i++)
		got2 |= l.v[i].tweet == 2, got5 |= l.v[i].tweet == 5;
	assert_true(got2 && got5);
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
}

static void test_follow_recs(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	run(MRS_SRC_FOLLOW_RECS, &q, &l);
	/* C (followed by A and B) and G (by A) two hops away, via A, the stronger; F through
	 * SimClusters producer similarity (it writes about goals), via nobody. D is blocked,
	 * A and B followed, V is the viewer. */
	bool seen[12] = {false};
	for (uint32_t i = 0; i < l.n; i++) {
		const mrs_candidate *c = &l.v[i];
		seen[c->tweet] = true;
		assert_int_equal(c->source, MRS_SRC_FOLLOW_RECS);
		assert_true(c->author == C || c->author == G || c->author == F);
		assert_int_equal(c->via, c->author == F ? MRS_NONE : A);
		if (i)
			assert_true(c->source_score[MRS_SRC_FOLLOW_RECS] <=
				    l.v[i - 1].source_score[MRS_SRC_FOLLOW_RECS]);
	}
	assert_true(seen[2] && seen[6] && seen[5]);
	assert_false(seen[10]); /* C's retweet of the viewer's own tweet */
	assert_false(seen[11]); /* not yet written */
	/* C's account score: two-hop 1.32 / 2.32 plus its SimClusters similarity */
	for (uint32_t i = 0; i < l.n; i++)
		if (l.v[i].tweet == 2) {
			float acct = 1.32f / 2.32f + mrs_sc_producer_score(ENG, V, C);
			assert_float_equal(l.v[i].source_score[MRS_SRC_FOLLOW_RECS],
					   acct * exp2f(-80.0f / 24), 1e-5);
		}
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
}

static void test_dedup(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list lists[MRS_N_SOURCES] = {{0}}, out = {0};
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	uint32_t total = 0;
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		run(s, &q, &lists[s]);
		total += lists[s].n;
	}
	assert_ok(mrs_candidates_dedup(lists, &out, &err), &err);
	assert_true(out.n < total);
	for (uint32_t i = 0; i < out.n; i++)
		for (uint32_t j = i + 1; j < out.n; j++)
			assert_int_not_equal(out.v[i].tweet, out.v[j].tweet);
	/* every finding source is kept; the first in source order is credited */
	for (uint32_t i = 0; i < out.n; i++) {
		const mrs_candidate *c = &out.v[i];
		uint8_t found = 0;
		for (int s = 0; s < MRS_N_SOURCES; s++)
			for (uint32_t k = 0; k < lists[s].n; k++)
				if (lists[s].v[k].tweet == c->tweet) {
					found |= 1u << s;
					assert_float_equal(c->source_score[s], lists[s].v[k].source_score[s], 0);
				}
		assert_int_equal(c->sources, found);
		int first = 0;
		while (!(found & (1u << first)))
			first++;
		assert_int_equal(c->source, first);
		if (c->tweet == 5) {
			/* t5: OutOfNetwork, Graph and FollowRecs; Graph's proof survives */
			assert_int_equal(found, (1u << MRS_SRC_OUT_OF_NETWORK) | (1u << MRS_SRC_GRAPH) |
							(1u << MRS_SRC_FOLLOW_RECS));
			assert_int_equal(c->source, MRS_SRC_OUT_OF_NETWORK);
			assert_int_equal(c->n_proof, 2);
			assert_int_equal(c->proof[0], A);
			assert_true(c->sc > 0);
		}
		if (c->tweet == 6) {
			assert_true(found & (1u << MRS_SRC_GRAPH));
			assert_true(found & (1u << MRS_SRC_FOLLOW_RECS));
			assert_int_equal(c->n_proof, 1);
			assert_int_equal(c->via, A); /* FollowRecs' via, kept beside Graph's proof */
		}
	}
	/* the order: InNetwork's first, then new tweets of each next source */
	assert_int_equal(out.v[0].tweet, lists[MRS_SRC_IN_NETWORK].v[0].tweet);
	for (int s = 0; s < MRS_N_SOURCES; s++)
		mrs_cand_list_free(&lists[s]);
	mrs_cand_list_free(&out);
	mrs_query_free(&q);
}

/* A viewer with no follows and no history gets what can answer: popular clusters. */
static void test_cold_start(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	assert_ok(mrs_query_hydrate(ENG, E, NOW, &q, &err), &err);
	assert_int_equal(q.n_followees, 0);
	assert_int_equal(q.n_seen, 0);
	mrs_cand_list l[MRS_N_SOURCES] = {{0}};
	for (int s = 0; s < MRS_N_SOURCES; s++)
		run(s, &q, &l[s]);
	assert_int_equal(l[MRS_SRC_IN_NETWORK].n, 0);
	assert_int_equal(l[MRS_SRC_GRAPH].n, 0);
	assert_true(l[MRS_SRC_OUT_OF_NETWORK].n > 0);
	assert_true(l[MRS_SRC_FOLLOW_RECS].n > 0);
	for (uint32_t i = 0; i < l[MRS_SRC_OUT_OF_NETWORK].n; i++) {
		assert_float_equal(l[MRS_SRC_OUT_OF_NETWORK].v[i].sc, 0, 0);
		assert_true(l[MRS_SRC_OUT_OF_NETWORK].v[i].source_score[MRS_SRC_OUT_OF_NETWORK] > 0);
	}
	for (uint32_t i = 0; i < l[MRS_SRC_FOLLOW_RECS].n; i++)
		assert_int_equal(l[MRS_SRC_FOLLOW_RECS].v[i].via, MRS_NONE);
	for (int s = 0; s < MRS_N_SOURCES; s++)
		mrs_cand_list_free(&l[s]);
	mrs_query_free(&q);
	/* the same with real SimClusters that has no model: the hash mode answers */
	mrs_engine *e = ru_open(DS, NOW, "/nonexistent", MRS_SC_REAL, MRS_RG_LEARNED);
	assert_int_equal(e->rg_mode, MRS_RG_RULE);
	assert_ok(mrs_query_hydrate(e, E, NOW, &q, &err), &err);
	mrs_cand_list x = {0};
	mrs_config cfg;
	ru_config(&cfg);
	for (int s = 0; s < MRS_N_SOURCES; s++)
		assert_ok(mrs_source_run(s, e, &q, &cfg, &x, &err), &err);
	mrs_cand_list_free(&x);
	mrs_query_free(&q);
	ru_close(e);
}

/* Sources see nothing at or after now: an earlier request sees an earlier world. */
static void test_point_in_time(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	assert_ok(mrs_query_hydrate(ENG, V, H(85), &q, &err), &err);
	run(MRS_SRC_IN_NETWORK, &q, &l);
	const uint32_t want[] = {8, 4}; /* t9 is not written yet */
	assert_tweets(&l, want, 2);
	mrs_cand_list_free(&l);
	run(MRS_SRC_GRAPH, &q, &l);
	/* the likes of t5 and t6 come later; A's like of t2 (at 40h) is inside the window */
	const uint32_t graph[] = {2};
	assert_tweets(&l, graph, 1);
	assert_int_equal(l.v[0].proof[0], A);
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	mrs_query q;
	mrs_error err = {0};
	mrs_cand_list l = {0};
	mrs_config cfg;
	ru_config(&cfg);
	assert_ok(mrs_query_hydrate(ENG, V, NOW, &q, &err), &err);
	assert_int_equal(mrs_source_run(MRS_N_SOURCES, ENG, &q, &cfg, &l, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	memset(cfg.source_cap, 0, sizeof cfg.source_cap);
	for (int s = 0; s < MRS_N_SOURCES; s++)
		assert_ok(mrs_source_run(s, ENG, &q, &cfg, &l, &err), &err);
	assert_int_equal(l.n, 0);
	mrs_query_free(&q);
}

/* On a generated world: caps, order, exclusions, provenance and determinism. */
static void test_generated_world(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = ru_world(1000, 6000, 40000, 11, NULL);
	char dir[300];
	ru_dir(dir, sizeof dir, "world");
	assert_ok(mrs_sc_fit(ds, ru_embed_cut(ds), dir, 1, NULL, &err), &err);
	mrs_engine *e = ru_open(ds, ds->split_time, dir, MRS_SC_REAL, MRS_RG_RULE);
	mrs_config cfg;
	ru_config(&cfg);
	uint32_t found[MRS_N_SOURCES] = {0};
	for (uint32_t v = 0; v < ds->n_users; v += 23) {
		mrs_query q;
		assert_ok(mrs_query_hydrate(e, v, e->now, &q, &err), &err);
		for (uint32_t i = 1; i < q.n_followees; i++)
			assert_true(q.followee_rg[i] <= q.followee_rg[i - 1]);
		for (int s = 0; s < MRS_N_SOURCES; s++) {
			mrs_cand_list a = {0}, b = {0};
			assert_ok(mrs_source_run(s, e, &q, &cfg, &a, &err), &err);
			assert_ok(mrs_source_run(s, e, &q, &cfg, &b, &err), &err);
			assert_int_equal(a.n, b.n);
			if (a.n)
				assert_memory_equal(a.v, b.v, sizeof *a.v * a.n);
			assert_true(a.n <= cfg.source_cap[s]);
			found[s] += a.n;
			for (uint32_t i = 0; i < a.n; i++) {
				const mrs_candidate *c = &a.v[i];
				assert_true(ds->tweet_time[c->tweet] < e->now);
				assert_true(ds->tweet_time[c->tweet] >= e->now - 168 * MRS_HOUR);
				assert_true(c->author != v && c->orig_author != v);
				assert_false(mrs_query_seen(&q, c->tweet));
				assert_false(mrs_query_blocked(&q, c->author));
				assert_int_equal(c->sources, 1u << s);
				if (i)
					assert_true(c->source_score[s] <= a.v[i - 1].source_score[s]);
				if (s == MRS_SRC_IN_NETWORK)
					assert_true(mrs_query_follows(&q, c->author));
				if (s == MRS_SRC_OUT_OF_NETWORK)
					assert_false(mrs_query_follows(&q, c->author));
				for (uint8_t k = 0; k < c->n_proof; k++)
					assert_true(mrs_query_follows(&q, c->proof[k]));
				if (s == MRS_SRC_FOLLOW_RECS) {
					assert_false(mrs_query_follows(&q, c->author));
					assert_true(c->via == MRS_NONE || mrs_query_follows(&q, c->via));
				}
			}
			mrs_cand_list_free(&a), mrs_cand_list_free(&b);
		}
		mrs_query_free(&q);
	}
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		print_message("%s: %u candidates over 44 viewers\n", mrs_source_label(s), found[s]);
		assert_true(found[s] > 0);
	}
	ru_close(e);
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_hydration),
		cmocka_unit_test(test_in_network),
		cmocka_unit_test(test_graph),
		cmocka_unit_test(test_out_of_network),
		cmocka_unit_test(test_follow_recs),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_cold_start),
		cmocka_unit_test(test_point_in_time),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_generated_world),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
