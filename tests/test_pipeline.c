/* test_pipeline.c: the request path end to end on a small trained world: the trace
 * accounts for every candidate at every stage, a re-rank equals a full run (for a change
 * of every tunable alone, from the stage the config table's readers give), provenance
 * survives dedup, fallbacks serve without models, and evaluation sees only the train
 * split (temporal, random or validation), checks the safety thresholds against the hidden
 * latents and scores item-kNN and BPR beside the pipeline. */
#include <cJSON.h>
#include <math.h>
#include <stddef.h>
#include <sys/stat.h>

#include "models_fixture.h"

static mrs_dataset *W;
static mrs_engine *E;
static char models[512];

static int setup(void **state)
{
	(void)state;
	mrs_error err = {0};
	W = fx_world("world.db", 300, 3000, 20000, 11);
	if (fx_train(W, "models", NULL, NULL, &err))
		fail_msg("train: %s", err.msg);
	tu_path(models, sizeof models, "models");
	mrs_engine_opts eo = {.models_dir = models};
	E = mrs_engine_open(W, &eo, NULL, &err);
	if (!E)
		fail_msg("engine: %s", err.msg);
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

static void test_models_loaded(void **state)
{
	(void)state;
	for (int m = 0; m < MRS_N_MODELS; m++)
		if (!mrs_engine_status(E, (mrs_model_id)m)->loaded)
			fail_msg("%s not loaded: %s", mrs_model_name((mrs_model_id)m),
				 mrs_engine_status(E, (mrs_model_id)m)->note);
}

/* Every candidate is ranked or dropped with a reason; counts chain stage to stage. */
static void check_trace(const mrs_request *r, const mrs_config *cfg)
{
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(r, &n);
	uint32_t dropped_at[MRS_N_STAGES] = {0}, ranked = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (c[i].rank) {
			assert_int_equal(c[i].dropped_at, -1);
			ranked++;
			continue;
		}
		assert_true(c[i].dropped_at > MRS_STAGE_DEDUP && c[i].dropped_at < MRS_N_STAGES);
		assert_int_not_equal(c[i].drop_reason, MRS_DROP_NONE);
		dropped_at[c[i].dropped_at]++;
	}
	const uint32_t *order;
	assert_int_equal(mrs_request_timeline(r, &order), ranked);
	assert_true(ranked <= cfg->k);
	for (uint32_t k = 0; k < ranked; k++)
		assert_int_equal(c[order[k]].rank, k + 1);
	/* the pool after dedup is every candidate; then each stage's in = previous out */
	assert_int_equal(mrs_request_stage(r, MRS_STAGE_DEDUP)->out, n);
	for (int s = MRS_STAGE_PREFILTER; s < MRS_N_STAGES; s++) {
		const mrs_stage_stats *st = mrs_request_stage(r, s);
		assert_int_equal(st->in, mrs_request_stage(r, s - 1)->out);
		assert_int_equal(st->in - st->out, dropped_at[s]);
	}
	assert_int_equal(mrs_request_stage(r, MRS_STAGE_SELECT)->out, ranked);
	/* one drop event per dropped candidate, one fusion score per candidate fused */
	size_t ne;
	const mrs_event *ev = mrs_request_events(r, &ne);
	uint32_t drops = 0, fused = 0, alive_at_fusion = 0;
	for (size_t i = 0; i < ne; i++) {
		assert_true(ev[i].cand < n);
		if (ev[i].kind == MRS_EV_DROP) {
			drops++;
			assert_int_equal(c[ev[i].cand].dropped_at, ev[i].stage);
		}
		fused += ev[i].kind == MRS_EV_SCORE && ev[i].rule == MRS_RULE_FUSION;
	}
	for (uint32_t i = 0; i < n; i++)
		alive_at_fusion += c[i].dropped_at < 0 || c[i].dropped_at >= MRS_STAGE_FUSION;
	assert_int_equal(drops, n - ranked);
	assert_int_equal(fused, alive_at_fusion);
	/* provenance: a candidate's sources are exactly the lists it appears in */
	for (uint32_t i = 0; i < n; i++) {
		unsigned found = 0;
		for (int s = 0; s < MRS_N_SOURCES; s++) {
			const mrs_cand_list *l = mrs_request_source(r, s);
			for (uint32_t k = 0; k < l->n; k++)
				if (l->v[k].tweet == c[i].tweet)
					found |= 1u << s;
		}
		assert_int_equal(found, c[i].sources);
		assert_true(c[i].sources >> c[i].source & 1);
		for (int s = 0; s < c[i].source; s++)
			assert_false(c[i].sources >> s & 1);
	}
}

static void test_trace_complete(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_request *r = mrs_request_new(E, &err);
	for (int p = 0; p < MRS_N_PRESETS; p++) {
		mrs_config cfg;
		mrs_config_preset(&cfg, mrs_presets[p], &err);
		for (uint32_t u = 0; u < W->n_users; u += 7) {
			assert_ok(mrs_request_run(r, u, 0, &cfg, &err), &err);
			check_trace(r, &cfg);
		}
	}
	mrs_request_free(r);
}

static void assert_same_result(const mrs_request *a, const mrs_request *b)
{
	uint32_t na, nb;
	const mrs_candidate *ca = mrs_request_candidates(a, &na), *cb = mrs_request_candidates(b, &nb);
	assert_int_equal(na, nb);
	for (uint32_t i = 0; i < na; i++) {
		assert_int_equal(ca[i].tweet, cb[i].tweet);
		assert_int_equal(ca[i].rank, cb[i].rank);
		assert_int_equal(ca[i].dropped_at, cb[i].dropped_at);
		if (isfinite(ca[i].score) || isfinite(cb[i].score))
			assert_memory_equal(&ca[i].score, &cb[i].score, sizeof(float));
	}
}

static void test_rerank_equals_full_run(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_config a, b;
	mrs_config_preset(&a, "seed", &err);
	b = a;
	assert_ok(mrs_config_set(&b, "fusion.follow", "0.9", &err), &err);
	assert_ok(mrs_config_set(&b, "heuristics.oon_scale", "0.3", &err), &err);
	mrs_request *r = mrs_request_new(E, &err), *fresh = mrs_request_new(E, &err);
	for (uint32_t u = 3; u < W->n_users; u += 29) {
		assert_ok(mrs_request_run(r, u, 0, &a, &err), &err);
		assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_HYDRATE);
		assert_ok(mrs_request_run(r, u, 0, &b, &err), &err);
		assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_FUSION);
		assert_false(mrs_request_stage(r, MRS_STAGE_RANKER)->ran);
		assert_ok(mrs_request_run(fresh, u, 0, &b, &err), &err);
		assert_same_result(r, fresh);
		check_trace(r, &b);
		/* and back: the rank movement refers to the previous run */
		assert_true(mrs_request_has_prev(r));
	}
	/* a source setting retrieves again */
	mrs_config c = b;
	assert_ok(mrs_config_set(&c, "sources.graph", "5", &err), &err);
	assert_ok(mrs_request_run(r, 3, 0, &b, &err), &err);
	assert_ok(mrs_request_run(r, 3, 0, &c, &err), &err);
	assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_HYDRATE);
	/* the cap bounds the engagers' path; the tweet-based path adds graph_similar more */
	assert_true(mrs_request_source(r, MRS_SRC_GRAPH)->n <= 5 + c.graph_similar);
	mrs_request_free(r);
	mrs_request_free(fresh);
}

/* The trace as text, without what may differ between a re-run and a full run of the same
 * request: timings, which stages ran, and where the run started. */
static char *trace_text(const mrs_request *r, const mrs_config *cfg)
{
	cJSON *j = mrs_request_to_json(r, cfg);
	assert_non_null(j);
	cJSON_DeleteItemFromObject(j, "first_stage_run");
	cJSON *st;
	cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "stages"))
	{
		cJSON_DeleteItemFromObject(st, "micros");
		cJSON_DeleteItemFromObject(st, "ran");
	}
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	assert_non_null(text);
	return text;
}

/* A full run of viewer under cfg in a fresh request, as text. */
static char *fresh_trace(uint32_t viewer, const mrs_config *cfg)
{
	mrs_error err = {0};
	mrs_request *r = mrs_request_new(E, &err);
	assert_ok(mrs_request_run(r, viewer, 0, cfg, &err), &err);
	char *text = trace_text(r, cfg);
	mrs_request_free(r);
	return text;
}

/* cfg with only the field of row t changed, to another value in its range. */
static mrs_config change_one(const mrs_config *cfg, const mrs_tunable *t)
{
	mrs_config c = *cfg;
	char *at = (char *)&c + t->offset;
	switch (t->type) {
	case MRS_T_STRING:
		snprintf(at, t->size, "custom:%.20s", cfg->preset);
		break;
	case MRS_T_ENUM:
		*(int *)at = !*(int *)at;
		break;
	case MRS_T_U32: {
		/* a tenth (caps are rarely reached by half), else a half, else one more */
		uint32_t v = *(uint32_t *)at, w = v + 1;
		if (v / 2 >= t->lo && v / 2 != v)
			w = v / 10 >= t->lo && v / 10 != v ? v / 10 : v / 2;
		*(uint32_t *)at = w;
		break;
	}
	default: {
		float v = *(float *)at;
		*(float *)at = v != 0 && v * 0.5 >= t->lo ? v * 0.5f : 0.5f;
		break;
	}
	}
	assert_memory_not_equal(&c, cfg, sizeof c);
	return c;
}

/* Where a re-run starts after a change first read by stage `first`: the request keeps the
 * pool as it stood before fusion, so from there, else from scratch. */
static int expected_start(int first)
{
	return first >= MRS_STAGE_FUSION ? MRS_STAGE_FUSION : MRS_STAGE_HYDRATE;
}

static int first_reader(unsigned readers)
{
	for (int s = 0; s < MRS_N_STAGES; s++)
		if (readers >> s & 1)
			return s;
	return MRS_N_STAGES;
}

/* The first account whose out-of-network candidates change when OutOfNetwork reads half as
 * many of its InterestedIn clusters: one interested in more than half of them, for whom
 * sources.oon_clusters matters (which accounts are depends on the world's communities). */
static uint32_t wide_viewer(void)
{
	mrs_error err = {0};
	mrs_config base, half;
	assert_ok(mrs_config_preset(&base, "seed", &err), &err);
	half = base;
	half.oon_clusters = base.oon_clusters / 2;
	mrs_request *a = mrs_request_new(E, &err), *b = mrs_request_new(E, &err);
	uint32_t found = MRS_NONE;
	for (uint32_t u = 0; u < mrs_dataset_info_get(W).users && found == MRS_NONE; u++) {
		assert_ok(mrs_request_run(a, u, 0, &base, &err), &err);
		assert_ok(mrs_request_run(b, u, 0, &half, &err), &err);
		const mrs_cand_list *x = mrs_request_source(a, MRS_SRC_OUT_OF_NETWORK);
		const mrs_cand_list *y = mrs_request_source(b, MRS_SRC_OUT_OF_NETWORK);
		bool same = x->n == y->n;
		for (uint32_t i = 0; same && i < x->n; i++)
			same = x->v[i].tweet == y->v[i].tweet;
		if (!same)
			found = u;
	}
	mrs_request_free(a), mrs_request_free(b);
	if (found == MRS_NONE)
		fail_msg("no account's out-of-network candidates depend on sources.oon_clusters");
	return found;
}

/* Changing any one tunable re-runs from the stage its readers give, and the re-run's trace
 * and timeline are exactly a full run's with the new config; and back again. */
static void test_rerun_of_every_tunable(void **state)
{
	(void)state;
	mrs_error err = {0};
	size_t n;
	const mrs_tunable *t = mrs_config_tunables(&n);
	bool moved[256] = {false};
	assert_true(n <= 256);
	const uint32_t viewers[] = {3, 61, wide_viewer()};
	mrs_request *r = mrs_request_new(E, &err);
	for (int p = 0; p < MRS_N_PRESETS; p++) {
		mrs_config base;
		assert_ok(mrs_config_preset(&base, mrs_presets[p], &err), &err);
		for (size_t v = 0; v < sizeof viewers / sizeof viewers[0]; v++) {
			uint32_t u = viewers[v];
			char *base_text = fresh_trace(u, &base);
			assert_ok(mrs_request_run(r, u, 0, &base, &err), &err);
			for (size_t i = 0; i < n; i++) {
				mrs_config c = change_one(&base, &t[i]);
				int start = expected_start(first_reader(t[i].readers));
				char *want = fresh_trace(u, &c);
				assert_ok(mrs_request_run(r, u, 0, &c, &err), &err);
				assert_int_equal(mrs_request_first_stage(r), start);
				char *got = trace_text(r, &c);
				if (strcmp(got, want) != 0)
					fail_msg("%s (%s, user %u): the re-run from %s differs from a "
						 "full run", t[i].path, mrs_presets[p], u,
						 mrs_stage_info_get(start)->name);
				moved[i] |= strcmp(want, base_text) != 0;
				free(got), free(want);
				/* and back to the base config */
				assert_ok(mrs_request_run(r, u, 0, &base, &err), &err);
				assert_int_equal(mrs_request_first_stage(r), start);
				got = trace_text(r, &base);
				if (strcmp(got, base_text) != 0)
					fail_msg("%s (%s, user %u): back to the preset, the re-run "
						 "differs from a full run", t[i].path, mrs_presets[p], u);
				free(got);
			}
			free(base_text);
		}
	}
	/* the changes must matter where it counts: every setting read before fusion changed
	 * some trace, so the re-runs from scratch above were tested against something */
	for (size_t i = 0; i < n; i++)
		if (first_reader(t[i].readers) < MRS_STAGE_FUSION && !moved[i])
			fail_msg("%s: the test's change left every trace as it was", t[i].path);
	mrs_request_free(r);
}

/* The re-run start follows the table's readers: a field that gains a reader before fusion
 * (a test-only row over `selection.k`) re-runs from scratch; a field whose reader is moved
 * after fusion (`sources.max_age_hours`, really read by the sources and the prefilter)
 * re-runs from fusion, and the result is no longer a full run's. */
static void test_rerun_start_follows_the_readers(void **state)
{
	(void)state;
	mrs_error err = {0};
	size_t n;
	const mrs_tunable *lib = mrs_config_tunables(&n);
	mrs_tunable *t = calloc(n + 1, sizeof *t);
	memcpy(t, lib, n * sizeof *t);
	t[n] = (mrs_tunable){"test.k_read_by_a_source", MRS_T_U32, offsetof(mrs_config, k),
			     sizeof(uint32_t), 1, 10000, NULL, 1u << MRS_STAGE_IN_NETWORK,
			     "a test-only row"};
	mrs_config a, b;
	assert_ok(mrs_config_preset(&a, "seed", &err), &err);
	b = a;
	b.k = 20;
	assert_int_equal(mrs_config_first_reader(lib, n, &a, &b), MRS_STAGE_SELECT);
	assert_int_equal(mrs_config_first_reader(t, n + 1, &a, &b), MRS_STAGE_IN_NETWORK);
	mrs_request *r = mrs_request_new(E, &err);
	assert_ok(mrs_request_run(r, 5, 0, &a, &err), &err);
	assert_ok(mrs_request_run(r, 5, 0, &b, &err), &err);
	assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_FUSION);
	assert_ok(mrs_request_run(r, 5, 0, &a, &err), &err);
	assert_ok(mrs_request_run_from(r, 5, 0, &b, mrs_config_first_reader(t, n + 1, &a, &b),
				       &err),
		  &err);
	assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_HYDRATE);
	char *want = fresh_trace(5, &b), *got = trace_text(r, &b);
	assert_string_equal(got, want);
	free(got), free(want);

	size_t age = n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].path, "sources.max_age_hours") == 0)
			age = i;
	assert_true(age < n);
	t[age].readers = 1u << MRS_STAGE_HEURISTICS;
	b = a;
	b.max_age_hours = 12;
	assert_int_equal(mrs_config_first_reader(lib, n, &a, &b), MRS_STAGE_IN_NETWORK);
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_HEURISTICS);
	assert_ok(mrs_request_run(r, 5, 0, &a, &err), &err);
	assert_ok(mrs_request_run_from(r, 5, 0, &b, mrs_config_first_reader(t, n, &a, &b), &err),
		  &err);
	assert_int_equal(mrs_request_first_stage(r), MRS_STAGE_FUSION);
	want = fresh_trace(5, &b), got = trace_text(r, &b);
	assert_string_not_equal(got, want);
	free(got), free(want);
	mrs_request_free(r);
	free(t);
}

static void test_deterministic(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_config cfg;
	mrs_config_preset(&cfg, "x-2026", &err);
	mrs_request *a = mrs_request_new(E, &err), *b = mrs_request_new(E, &err);
	assert_ok(mrs_request_run(a, 5, 0, &cfg, &err), &err);
	assert_ok(mrs_request_run(b, 17, 0, &cfg, &err), &err);
	assert_ok(mrs_request_run(b, 5, 0, &cfg, &err), &err);
	assert_same_result(a, b);
	mrs_request_free(a);
	mrs_request_free(b);
}

static void test_fallbacks_serve(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_engine_opts eo = {.models_dir = NULL};
	mrs_engine *e = mrs_engine_open(W, &eo, NULL, &err);
	assert_non_null(e);
	for (int m = 0; m < MRS_N_MODELS; m++) {
		const mrs_model_status *st = mrs_engine_status(e, (mrs_model_id)m);
		assert_false(st->loaded);
		assert_true(strlen(st->note) > 10);
	}
	mrs_request *r = mrs_request_new(e, &err);
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	uint32_t nonempty = 0;
	for (uint32_t u = 0; u < W->n_users; u += 11) {
		assert_ok(mrs_request_run(r, u, 0, &cfg, &err), &err);
		check_trace(r, &cfg);
		const uint32_t *order;
		nonempty += mrs_request_timeline(r, &order) > 0;
	}
	assert_true(nonempty > 20);
	mrs_request_free(r);
	mrs_engine_free(e);
}

static void test_bad_user(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	mrs_request *r = mrs_request_new(E, &err);
	assert_int_equal(mrs_request_run(r, W->n_users, 0, &cfg, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "does not exist"));
	mrs_request_free(r);
}

static void test_eval_sees_only_the_train_split(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_eval_opts o = {.k = 10, .users = 50, .seed = 3, .models_dir = models, .models = true};
	mrs_evaluator *ev = mrs_evaluator_new(W, &o, NULL, &err);
	if (!ev)
		fail_msg("evaluator: %s", err.msg);
	const mrs_dataset *seen = mrs_engine_dataset(mrs_evaluator_engine(ev));
	assert_true(seen != W);
	assert_true(seen->n_impressions < W->n_impressions);
	for (uint32_t i = 0; i < seen->n_impressions; i++)
		assert_true(seen->imp_time[i] < W->split_time);
	for (uint32_t e = 0; e < seen->n_follows; e++)
		assert_true(seen->fol_time[e] < W->split_time);
	for (uint32_t b = 0; b < seen->n_blocks; b++)
		assert_true(seen->blk_time[b] < W->split_time);
	/* the same evaluation twice gives the same numbers, and the pipeline beats chance */
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	mrs_eval_result r1, r2;
	assert_ok(mrs_evaluator_run(ev, &cfg, &r1, NULL, &err), &err);
	assert_ok(mrs_evaluator_run(ev, &cfg, &r2, NULL, &err), &err);
	assert_memory_equal(&r1.sys[MRS_SYS_PIPELINE], &r2.sys[MRS_SYS_PIPELINE],
			    sizeof r1.sys[0]);
	assert_true(r1.sys[MRS_SYS_PIPELINE].present && r1.sys[MRS_SYS_ORACLE].present);
	assert_true(r1.sys[MRS_SYS_PIPELINE].ndcg > r1.sys[MRS_SYS_RANDOM].ndcg);

	/* the safety thresholds are the config's; a score and a latent are in (0, 1), so at
	 * 1 nothing is above and at 0 everything is */
	const mrs_safety_share *sh = r1.safety_share;
	assert_string_equal(sh[0].model, "nsfw");
	assert_string_equal(sh[3].model, "toxicity");
	assert_true(sh[0].threshold == cfg.nsfw_high && sh[1].threshold == cfg.nsfw_mid);
	assert_true(sh[2].threshold == cfg.tox_high && sh[3].threshold == cfg.tox_mid);
	for (int i = 0; i < MRS_N_SAFETY_SHARES; i++)
		assert_true(sh[i].scores >= 0 && sh[i].scores <= 1 && sh[i].latents >= 0 &&
			    sh[i].latents <= 1 && sh[i].all_latents > 0 && sh[i].all_latents < 1);
	assert_true(sh[0].scores <= sh[1].scores && sh[0].latents <= sh[1].latents);
	assert_true(r1.nsfw_ece >= 0 && r1.nsfw_ece <= 1 && r1.tox_ece >= 0 && r1.tox_ece <= 1);
	cfg.nsfw_mid = 1, cfg.tox_mid = 0;
	assert_ok(mrs_evaluator_run(ev, &cfg, &r2, NULL, &err), &err);
	sh = r2.safety_share;
	assert_true(sh[1].scores == 0 && sh[1].latents == 0 && sh[1].all_latents == 0);
	assert_true(sh[3].scores == 1 && sh[3].latents == 1 && sh[3].all_latents == 1);
	mrs_evaluator_free(ev);
}

/* A tweet's rows in W (impressions with an action). */
static uint32_t rows_of(uint32_t t)
{
	uint32_t n = 0;
	for (uint32_t j = W->timp_off[t]; j < W->timp_off[t + 1]; j++)
		n += W->imp_actions[W->timp[j]] != 0;
	return n;
}

static void test_eval_random_split(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_eval_opts o = {.k = 10, .seed = 3, .models_dir = models, .models = true,
			   .split = MRS_SPLIT_RANDOM, .ratio = 0.75};
	mrs_evaluator *ev = mrs_evaluator_new(W, &o, NULL, &err);
	if (!ev)
		fail_msg("evaluator: %s", err.msg);
	/* the train view lacks exactly the test rows: n - round(0.75 n) of each tweet's */
	const mrs_dataset *tv = mrs_engine_dataset(mrs_evaluator_engine(ev));
	uint32_t want_test = 0, all_rows = 0, train_rows = 0;
	for (uint32_t t = 0; t < W->n_tweets; t++) {
		all_rows += rows_of(t);
		want_test += rows_of(t) - mrs_split_train_rows(rows_of(t), 0.75);
	}
	for (uint32_t i = 0; i < tv->n_impressions; i++)
		train_rows += tv->imp_actions[i] != 0;
	assert_int_equal(tv->n_impressions, W->n_impressions - want_test);
	assert_int_equal(train_rows, all_rows - want_test);
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	mrs_eval_result r, r2;
	assert_ok(mrs_evaluator_run(ev, &cfg, &r, NULL, &err), &err);
	assert_int_equal(r.split, MRS_SPLIT_RANDOM);
	assert_int_equal(r.test_rows, want_test);
	/* the engine's models learnt from the train rows alone: trained on the train view into
	 * the serving set's folder split-random-0.75-3 (the serving models learnt from every
	 * row before the split time, test rows among them) */
	assert_string_equal(r.models_note, "");
	assert_true(isnan(r.test_rows_in_model_period));
	char set[4096], want[4200];
	assert_ok(mrs_models_current(models, set, sizeof set, &err), &err);
	snprintf(want, sizeof want, "%s/split-random-0.75-3", set);
	assert_string_equal(r.models_dir, want);
	char own[4300];
	assert_ok(mrs_models_current(want, own, sizeof own, &err), &err);
	cJSON *card = mrs_card_read(own, "heavy_ranker", &err);
	assert_non_null(card);
	cJSON *serving = mrs_card_read(set, "heavy_ranker", &err);
	assert_non_null(serving);
	/* fewer training rows than the serving ranker's: the test rows are not there */
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(card, "train_rows");
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(serving, "train_rows");
	assert_true(cJSON_IsNumber(rows) && cJSON_IsNumber(all));
	assert_true(rows->valuedouble > 0 && rows->valuedouble < all->valuedouble);
	cJSON_Delete(card), cJSON_Delete(serving);
	struct stat before;
	char pt[4400];
	snprintf(pt, sizeof pt, "%s/heavy_ranker.pt", own);
	assert_int_equal(stat(pt, &before), 0);
	assert_false(r.has_models); /* the models' metrics belong to the temporal split */
	/* the baselines learn the world: well above chance, and the same again for the seed */
	assert_true(r.sys[MRS_SYS_ITEM_KNN].present && r.sys[MRS_SYS_BPR].present);
	assert_true(r.sys[MRS_SYS_ITEM_KNN].ndcg > 5 * r.sys[MRS_SYS_RANDOM].ndcg);
	assert_true(r.sys[MRS_SYS_BPR].ndcg > 5 * r.sys[MRS_SYS_RANDOM].ndcg);
	mrs_evaluator *ev2 = mrs_evaluator_new(W, &o, NULL, &err);
	if (!ev2)
		fail_msg("evaluator: %s", err.msg);
	assert_ok(mrs_evaluator_run(ev2, &cfg, &r2, NULL, &err), &err);
	assert_memory_equal(r.sys, r2.sys, sizeof r.sys);
	/* time plays no part in the random split's candidates: an age limit of an hour ranks
	 * as the preset's (both are lifted to the whole log) */
	mrs_config hour = cfg;
	hour.max_age_hours = 1;
	mrs_eval_result r3;
	assert_ok(mrs_evaluator_run(ev2, &hour, &r3, NULL, &err), &err);
	assert_true(r.sys[MRS_SYS_PIPELINE].ndcg > 0);
	assert_memory_equal(&r.sys[MRS_SYS_PIPELINE], &r3.sys[MRS_SYS_PIPELINE],
			    sizeof r.sys[MRS_SYS_PIPELINE]);
	/* the second evaluator found them there and trained nothing */
	struct stat after;
	assert_int_equal(stat(pt, &after), 0);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	mrs_evaluator_free(ev2);
	mrs_evaluator_free(ev);

	/* a ratio outside (0, 1), or one given to the temporal split, is refused */
	o.ratio = 1;
	assert_null(mrs_evaluator_new(W, &o, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	o.split = MRS_SPLIT_TEMPORAL, o.ratio = 0.5;
	assert_null(mrs_evaluator_new(W, &o, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
}

/* The validation split is made from the train part alone: nothing of the test split is
 * in it, temporal or random. */
static void test_eval_validation_split(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_eval_opts o = {.k = 10, .users = 40, .seed = 3, .models_dir = models,
			   .validation = true, .systems = 1u << MRS_SYS_ITEM_KNN};
	mrs_evaluator *ev = mrs_evaluator_new(W, &o, NULL, &err);
	if (!ev)
		fail_msg("evaluator: %s", err.msg);
	const mrs_dataset *tv = mrs_engine_dataset(mrs_evaluator_engine(ev));
	uint32_t before = 0;
	for (uint32_t i = 0; i < W->n_impressions; i++)
		before += W->imp_time[i] < W->split_time;
	assert_true(tv->n_impressions > 0 && tv->n_impressions < before);
	for (uint32_t i = 0; i < tv->n_impressions; i++)
		assert_true(tv->imp_time[i] < W->split_time);
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	mrs_eval_result r;
	assert_ok(mrs_evaluator_run(ev, &cfg, &r, NULL, &err), &err);
	assert_true(r.validation && r.sys[MRS_SYS_ITEM_KNN].present);
	mrs_evaluator_free(ev);

	/* random: the validation world is the test split's train rows; its own split takes a
	 * quarter of those again */
	o.split = MRS_SPLIT_RANDOM;
	o.ratio = 0.75;
	ev = mrs_evaluator_new(W, &o, NULL, &err);
	if (!ev)
		fail_msg("evaluator: %s", err.msg);
	uint8_t *test = calloc(W->n_impressions, 1);
	assert_ok(mrs_split_random(W, 0.75, 3, test, &err), &err);
	tv = mrs_engine_dataset(mrs_evaluator_engine(ev));
	for (uint32_t i = 0; i < W->n_impressions; i++) {
		if (!test[i])
			continue;
		uint32_t u = W->imp_user[i];
		for (uint32_t k = tv->uimp_off[u]; k < tv->uimp_off[u + 1]; k++)
			assert_true(tv->imp_tweet[k] != W->imp_tweet[i]);
	}
	free(test);
	mrs_evaluator_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models_loaded),
		cmocka_unit_test(test_trace_complete),
		cmocka_unit_test(test_rerank_equals_full_run),
		cmocka_unit_test(test_rerun_of_every_tunable),
		cmocka_unit_test(test_rerun_start_follows_the_readers),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fallbacks_serve),
		cmocka_unit_test(test_bad_user),
		cmocka_unit_test(test_eval_sees_only_the_train_split),
		cmocka_unit_test(test_eval_random_split),
		cmocka_unit_test(test_eval_validation_split),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
