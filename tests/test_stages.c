/* test_stages.c: fusion, safety, heuristics, filters and selection on hand-built
 * candidates with known results, and the trace they leave. */
#include <math.h>

#include "testutil.h"

#define HOUR 3600
#define NOW 1000000

/* 6 users, 8 tweets; tweet t by author t % 4 + 1 (user 0 is the viewer), t hours old,
 * except tweet 7, a retweet by user 5 of tweet 1 (author 2). */
static mrs_dataset *world(void)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(6, 8, &err);
	for (uint32_t t = 0; t < 8; t++) {
		ds->tweet_author[t] = t % 4 + 1;
		ds->tweet_time[t] = NOW - (8 - t) * HOUR;
	}
	ds->tweet_author[7] = 5;
	ds->tweet_rt_of[7] = 1;
	assert_ok(mrs_dataset_index(ds, &err), &err);
	return ds;
}

typedef struct fixture {
	mrs_dataset *ds;
	mrs_config cfg;
	mrs_candidate c[8];
	uint32_t order[8];
	mrs_stage_ctx x;
} fixture;

static void setup_fixture(fixture *f, const char *preset)
{
	mrs_error err = {0};
	memset(f, 0, sizeof *f);
	f->ds = world();
	assert_ok(mrs_config_preset(&f->cfg, preset, &err), &err);
	for (uint32_t t = 0; t < 8; t++) {
		mrs_cand_init(&f->c[t], f->ds, t);
		f->c[t].sources = 1u << MRS_SRC_IN_NETWORK;
		f->c[t].in_network = 1;
	}
	f->x = (mrs_stage_ctx){.ds = f->ds, .cfg = &f->cfg, .now = NOW, .viewer = 0, .c = f->c,
			   .n = 8, .order = f->order};
}

static void free_fixture(fixture *f)
{
	free(f->x.ev);
	mrs_dataset_free(f->ds);
}

static void test_apply_mult(void **state)
{
	(void)state;
	assert_float_equal(mrs_apply_mult(2.0f, 0.5f), 1.0f, 1e-6);
	assert_float_equal(mrs_apply_mult(-2.0f, 0.5f), -3.0f, 1e-6);
	assert_float_equal(mrs_apply_mult(-2.0f, 2.0f), -1.0f, 1e-6);
	assert_float_equal(mrs_apply_mult(2.0f, 2.0f), 4.0f, 1e-6);
	/* a penalty lowers and a boost raises any score */
	for (float s = -5; s <= 5; s += 0.5f) {
		assert_true(mrs_apply_mult(s, 0.3f) <= s);
		assert_true(mrs_apply_mult(s, 1.7f) >= s);
		assert_float_equal(mrs_apply_mult(s, 1.0f), s, 1e-6);
	}
}

static void test_weighted_fusion(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "twitter-2023");
	float h[MRS_N_HEADS] = {0.2f, 0.05f, 0.01f, 0.3f, 0.02f, 0.03f, 0.001f, 0.4f};
	memcpy(f.c[0].heads, h, sizeof h);
	f.x.stage = MRS_STAGE_FUSION;
	mrs_stage_fusion(&f.x);
	double want = 0.5 * 0.2 + 1 * 0.05 + 13.5 * 0.01 + 11 * 0.3 + 12 * 0.02 - 74 * 0.03 -
		      369 * 0.001;
	assert_float_equal(f.c[0].score, want, 1e-5);
	assert_float_equal(f.c[0].fused, want, 1e-5);
	/* every alive candidate has a fusion event */
	size_t fused = 0;
	for (size_t i = 0; i < f.x.n_ev; i++)
		fused += f.x.ev[i].kind == MRS_EV_SCORE && f.x.ev[i].rule == MRS_RULE_FUSION;
	assert_int_equal(fused, 8);
	free_fixture(&f);
}

static void test_blend_fusion(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "seed");
	mrs_candidate *c = &f.c[2];
	c->heads[MRS_HEAD_ANY] = 0.5f;
	c->heads[MRS_ACT_FOLLOW] = 0.2f;
	c->sc = 0.4f, c->twhin = -0.3f, c->rg = 0.8f; /* a negative TwHIN cosine counts as 0 */
	c->feat[F_PAIR_COENGAGEMENT] = 0.6f;             /* counts half: its range is [0, 2] */
	c->source = MRS_SRC_GRAPH;
	f.x.stage = MRS_STAGE_FUSION;
	/* the seed preset gives the co-engagement share 0: the feature is not read */
	mrs_stage_fusion(&f.x);
	double emb = (0.25 * 0.4 + 0.20 * 0 + 0.15 * 0.8) / 0.60;
	double mix = 0.6 * 0.5 + 0.1 * 0.2 + 0.3 * emb;
	assert_float_equal(c->fused, mix, 1e-6);
	assert_float_equal(c->score, mix * 0.6, 1e-6); /* Graph source multiplier */
	/* a share of 4 (a config file's, or tune's) */
	f.cfg.emb_coengagement = 4;
	mrs_stage_fusion(&f.x);
	emb = (0.25 * 0.4 + 0.20 * 0 + 0.15 * 0.8 + 4 * 0.3) / 4.60;
	mix = 0.6 * 0.5 + 0.1 * 0.2 + 0.3 * emb;
	assert_float_equal(c->fused, mix, 1e-6);
	assert_float_equal(c->score, mix * 0.6, 1e-6);
	free_fixture(&f);
}

static void test_penalties_once_each(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "seed");
	float nsfw[8] = {0.9f, 0.6f, 0.1f, 0.85f, 0.8f, 0.5f, 0.0f, 0.0f};
	float tox[8] = {0.0f, 0.0f, 0.75f, 0.6f, 0.7f, 0.5f, 0.0f, 0.0f};
	for (int i = 0; i < 8; i++) {
		f.c[i].score = 1.0f;
		f.c[i].nsfw = nsfw[i];
		f.c[i].tox = tox[i];
	}
	f.c[6].score = -2.0f;
	f.c[6].nsfw = 0.95f;
	f.x.stage = MRS_STAGE_SAFETY;
	mrs_stage_safety(&f.x);
	assert_float_equal(f.c[0].score, 0.1, 1e-6);          /* NSFW high only, not also mid */
	assert_float_equal(f.c[1].score, 0.7, 1e-6);          /* NSFW mid */
	assert_float_equal(f.c[2].score, 0.1, 1e-6);          /* toxicity high */
	assert_float_equal(f.c[3].score, 0.1 * 0.8, 1e-6);    /* both models, once each */
	assert_float_equal(f.c[4].score, 0.7 * 0.8, 1e-6);    /* thresholds are strict: > */
	assert_float_equal(f.c[5].score, 1.0, 1e-6);
	assert_float_equal(f.c[6].score, -2.0 * 1.9, 1e-6);   /* a penalty lowers a negative score */
	assert_float_equal(f.c[3].safety_mult, 0.08, 1e-6);
	int mults = 0;
	for (size_t i = 0; i < f.x.n_ev; i++)
		if (f.x.ev[i].cand == 3 && f.x.ev[i].kind == MRS_EV_MULT)
			mults++;
	assert_int_equal(mults, 2);
	free_fixture(&f);
}

static void test_verdicts(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "x-2026");
	for (int i = 0; i < 8; i++)
		f.c[i].score = 2.0f;
	f.c[0].nsfw = 0.95f;
	f.c[1].tox = 0.7f;
	f.c[2].nsfw = 0.3f;
	f.x.stage = MRS_STAGE_SAFETY;
	mrs_stage_safety(&f.x);
	assert_int_equal(f.c[0].verdict, MRS_VERDICT_DROP);
	assert_int_equal(f.c[0].dropped_at, MRS_STAGE_SAFETY);
	assert_int_equal(f.c[0].drop_reason, MRS_DROP_SAFETY);
	assert_int_equal(f.c[1].verdict, MRS_VERDICT_INTERSTITIAL);
	assert_float_equal(f.c[1].score, 1.0, 1e-6);
	assert_int_equal(f.c[2].verdict, MRS_VERDICT_ALLOW);
	assert_float_equal(f.c[2].score, 2.0, 1e-6);
	free_fixture(&f);
}

static void test_oon_scale_recency_fatigue(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "seed"); /* recency weight 0.2, half-life 24 h */
	for (int i = 0; i < 8; i++)
		f.c[i].score = 1.0f;
	f.c[3].in_network = 0; /* author 4 */
	uint32_t fat_author[1] = {3};
	int64_t fat_time[1] = {NOW - 7 * 86400}; /* half way through 14 days */
	f.x.fatigue_author = fat_author, f.x.fatigue_time = fat_time, f.x.n_fatigue = 1;
	f.cfg.diversity_decay = 1.0f; /* isolate the other rules */
	f.x.stage = MRS_STAGE_HEURISTICS;
	mrs_stage_heuristics(&f.x);
	double rec6 = 0.8 + 0.2 * exp2(-5.0 / 24); /* tweet 3 is 5 hours old */
	assert_float_equal(f.c[3].score, 0.75 * rec6, 1e-5);
	double rec7 = 0.8 + 0.2 * exp2(-6.0 / 24); /* tweet 2 (author 3): fatigue 0.2 -> 0.6 */
	assert_float_equal(f.c[2].score, rec7 * 0.6, 1e-5);
	/* tweet 6 (author 3 too) also fatigued */
	assert_float_equal(f.c[6].heur_mult, (0.8 + 0.2 * exp2(-2.0 / 24)) * 0.6, 1e-5);
	free_fixture(&f);
}

static void test_author_diversity_keys_on_original_author(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "twitter-2023"); /* no recency */
	/* author 2 wrote tweets 1 and 5; tweet 7 is user 5's retweet of tweet 1 */
	float scores[8] = {0.1f, 0.9f, 0.2f, 0.3f, 0.05f, 0.8f, 0.15f, 0.7f};
	for (int i = 0; i < 8; i++)
		f.c[i].score = scores[i];
	f.x.stage = MRS_STAGE_HEURISTICS;
	mrs_stage_heuristics(&f.x);
	assert_float_equal(f.c[1].score, 0.9, 1e-6);              /* first of author 2 */
	assert_float_equal(f.c[5].score, 0.8 * 0.625, 1e-6);      /* second: .75*.5+.25 */
	assert_float_equal(f.c[7].score, 0.7 * 0.4375, 1e-6);     /* third: .75*.25+.25 */
	assert_float_equal(f.c[0].score, 0.1, 1e-6);
	assert_float_equal(f.c[4].score, 0.05 * 0.625, 1e-6);     /* author 1's second */
	free_fixture(&f);
}

/* Author position: an in-network tweet whose author has posted newer ones before now keeps
 * (1 - w) + w * 2^(-newer / halflife) of its score; an out-of-network one is left alone. */
static void test_author_position(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "twitter-2023"); /* no recency; position off */
	f.cfg.diversity_decay = 1.0f;      /* isolate the rule */
	for (int i = 0; i < 8; i++)
		f.c[i].score = 1.0f;
	f.x.stage = MRS_STAGE_HEURISTICS;
	mrs_stage_heuristics(&f.x);
	for (size_t i = 0; i < f.x.n_ev; i++)
		assert_int_not_equal(f.x.ev[i].rule, MRS_RULE_POSITION); /* weight 0: off */
	free_fixture(&f);

	setup_fixture(&f, "twitter-2023");
	f.cfg.diversity_decay = 1.0f;
	f.cfg.position_weight = 0.5f, f.cfg.position_halflife = 1.0f;
	f.cfg.oon_scale = 1.0f;
	for (int i = 0; i < 8; i++)
		f.c[i].score = 1.0f;
	f.c[0].in_network = 0; /* author 1, tweet 4 newer */
	f.x.stage = MRS_STAGE_HEURISTICS;
	mrs_stage_heuristics(&f.x);
	assert_float_equal(f.c[0].score, 1.0, 1e-6);  /* out of network */
	assert_float_equal(f.c[1].score, 0.75, 1e-6); /* author 2 posted tweet 5 since */
	assert_float_equal(f.c[2].score, 0.75, 1e-6); /* author 3: tweet 6 */
	assert_float_equal(f.c[4].score, 1.0, 1e-6);  /* author 1's newest */
	assert_float_equal(f.c[7].score, 1.0, 1e-6);  /* user 5's retweet, their newest */
	size_t marked = 0;
	for (size_t i = 0; i < f.x.n_ev; i++)
		if (f.x.ev[i].rule == MRS_RULE_POSITION) {
			assert_true(f.x.ev[i].cand == 1 || f.x.ev[i].cand == 2);
			marked++;
		}
	assert_int_equal(marked, 2);
	free_fixture(&f);

	/* only tweets posted before now count: at 3.5 hours before NOW tweet 5 does not
	 * exist yet, and two halvings of weight 1 give a quarter */
	setup_fixture(&f, "twitter-2023");
	f.cfg.diversity_decay = 1.0f;
	f.cfg.position_weight = 1.0f, f.cfg.position_halflife = 1.0f;
	f.x.now = NOW - 7 * HOUR / 2;
	for (int i = 0; i < 8; i++)
		f.c[i].score = 1.0f;
	f.x.stage = MRS_STAGE_HEURISTICS;
	mrs_stage_heuristics(&f.x);
	assert_float_equal(f.c[1].score, 1.0, 1e-6);
	assert_float_equal(f.c[0].score, 0.5, 1e-6); /* tweet 4 (4 hours old) is newer */
	free_fixture(&f);
}

static void test_prefilters(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "seed");
	uint32_t seen[1] = {2}, blocked[2] = {2, 4};
	mrs_query q = {.viewer = 0, .now = NOW, .seen = seen, .n_seen = 1, .blocked = blocked,
		       .n_blocked = 2};
	f.x.q = &q;
	f.ds->tweet_author[4] = 0;               /* the viewer's own tweet */
	f.c[4].author = f.c[4].orig_author = 0;
	f.cfg.max_age_hours = 7.5;               /* tweet 0 is 8 hours old */
	f.x.stage = MRS_STAGE_PREFILTER;
	mrs_stage_prefilter(&f.x);
	assert_int_equal(f.c[4].drop_reason, MRS_DROP_SELF);
	assert_int_equal(f.c[0].drop_reason, MRS_DROP_AGE);
	assert_int_equal(f.c[2].drop_reason, MRS_DROP_SEEN);
	assert_int_equal(f.c[3].drop_reason, MRS_DROP_BLOCKED); /* author 4 */
	assert_int_equal(f.c[1].drop_reason, MRS_DROP_BLOCKED); /* author 2 */
	/* user 5's retweet of author 2's tweet: blocked through the original author */
	assert_int_equal(f.c[7].drop_reason, MRS_DROP_BLOCKED);
	assert_int_equal(f.c[6].dropped_at, -1);
	assert_int_equal(mrs_stage_count_alive(&f.x), 1);
	size_t drops = 0;
	for (size_t i = 0; i < f.x.n_ev; i++)
		drops += f.x.ev[i].kind == MRS_EV_DROP && f.x.ev[i].stage == MRS_STAGE_PREFILTER;
	assert_int_equal(drops, 7);
	free_fixture(&f);
}

static void test_postfilter_and_select(void **state)
{
	(void)state;
	fixture f;
	setup_fixture(&f, "twitter-2023");
	float scores[8] = {5, 4, 3, 2, 1, 0.5f, -1, 6};
	for (int i = 0; i < 8; i++) {
		f.c[i].score = scores[i];
		f.c[i].source = MRS_SRC_IN_NETWORK;
	}
	f.c[5].source = MRS_SRC_FOLLOW_RECS; /* the only FollowRecs candidate */
	f.c[5].in_network = 0;
	f.c[0].in_network = f.c[1].in_network = 0;
	f.cfg.min_score = 0;
	f.cfg.k = 4;
	f.cfg.max_oon_share = 0.5f; /* at most 2 of 4 out of network */
	f.cfg.min_per_source = 1;
	f.x.stage = MRS_STAGE_POSTFILTER;
	mrs_stage_postfilter(&f.x);
	assert_int_equal(f.c[6].drop_reason, MRS_DROP_SCORE);
	f.x.stage = MRS_STAGE_SELECT;
	mrs_stage_select(&f.x);
	/* FollowRecs' only candidate is reserved; then 7 (6.0), 0 (5.0, oon #2), 1 is oon #3:
	 * capped, 2 (3.0) fills the last place */
	assert_int_equal(f.x.n_order, 4);
	assert_int_equal(f.x.order[0], 7);
	assert_int_equal(f.x.order[1], 0);
	assert_int_equal(f.x.order[2], 2);
	assert_int_equal(f.x.order[3], 5);
	assert_int_equal(f.c[5].rank, 4);
	assert_int_equal(f.c[1].drop_reason, MRS_DROP_OON_CAP);
	assert_int_equal(f.c[3].drop_reason, MRS_DROP_NOT_SELECTED);
	/* every candidate is accounted for: ranked or dropped with a reason */
	for (int i = 0; i < 8; i++)
		assert_true(f.c[i].rank > 0 || f.c[i].dropped_at >= 0);
	free_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_mult),
		cmocka_unit_test(test_weighted_fusion),
		cmocka_unit_test(test_blend_fusion),
		cmocka_unit_test(test_penalties_once_each),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_oon_scale_recency_fatigue),
		cmocka_unit_test(test_author_position),
		cmocka_unit_test(test_author_diversity_keys_on_original_author),
		cmocka_unit_test(test_prefilters),
		cmocka_unit_test(test_postfilter_and_select),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
