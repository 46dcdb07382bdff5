/* test_pipeline.c: the request path end to end on a small trained world: the trace
 * accounts for every candidate at every stage, a re-rank equals a full run, provenance
 * survives dedup, fallbacks serve without models, and evaluation sees only the train
 * split and checks the safety thresholds against the hidden latents. */
#include <math.h>

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
	assert_true(mrs_request_source(r, MRS_SRC_GRAPH)->n <= 5);
	mrs_request_free(r);
	mrs_request_free(fresh);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models_loaded),
		cmocka_unit_test(test_trace_complete),
		cmocka_unit_test(test_rerank_equals_full_run),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fallbacks_serve),
		cmocka_unit_test(test_bad_user),
		cmocka_unit_test(test_eval_sees_only_the_train_split),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
