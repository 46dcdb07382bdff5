/* test_tune.c: mrs_tune on the test world (tests/world.sh): it reads nothing at or after
 * the split (the same search on the world cut at the split gives the same output), it is
 * deterministic, it scores with models trained before the validation period, it keeps to
 * its budget and to the fields its modes read, and its result loads back from a --weights
 * file to the same evaluation. */
#include <cJSON.h>
#include <math.h>

#include "testutil.h"

static mrs_dataset *W;
static char models[512];

static int setup(void **state)
{
	(void)state;
	char path[512];
	mrs_error err = {0};
	/* make check builds the test world first (check_DATA); this makes it when run alone */
	if (system(MRS_SRCDIR "/tests/world.sh >/dev/null") != 0)
		return -1;
	snprintf(path, sizeof path, "%s/tests/world/world.db", MRS_BUILDDIR);
	snprintf(models, sizeof models, "%s/tests/world/models", MRS_BUILDDIR);
	W = mrs_dataset_load(path, NULL, &err);
	if (!W)
		fprintf(stderr, "%s\n", err.msg);
	return W ? 0 : -1;
}

static int teardown(void **state)
{
	mrs_dataset_free(W);
	return tu_teardown(state);
}

static mrs_tune_opts opts(uint32_t evals)
{
	return (mrs_tune_opts){.eval = {.k = 10, .seed = 1, .models_dir = models},
			       .max_evals = evals,
			       .seed = 1};
}

static void tune_preset(const mrs_dataset *ds, const char *preset, const mrs_tune_opts *o,
			mrs_tune_result *t)
{
	mrs_config cfg;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&cfg, preset, &err), &err);
	assert_ok(mrs_tune(ds, &cfg, o, t, NULL, &err), &err);
}

/* Two results are the same search: the same points, the same best configuration. */
static void assert_same_search(const mrs_tune_result *a, const mrs_tune_result *b)
{
	assert_int_equal(a->evals, b->evals);
	for (uint32_t i = 0; i < a->evals; i++) {
		assert_true(a->curve[i].value == b->curve[i].value);
		assert_true(a->curve[i].x == b->curve[i].x || (isnan(a->curve[i].x) && isnan(b->curve[i].x)));
		assert_true(a->curve[i].path == b->curve[i].path);
	}
	char *x = mrs_config_to_json(&a->best), *y = mrs_config_to_json(&b->best);
	assert_string_equal(x, y);
	free(x), free(y);
	assert_true(a->best_value == b->best_value);
}

static void test_search_improves_and_is_deterministic(void **state)
{
	(void)state;
	mrs_tune_opts o = opts(25);
	mrs_tune_result a, b;
	tune_preset(W, "seed", &o, &a);
	tune_preset(W, "seed", &o, &b);
	assert_same_search(&a, &b);
	assert_true(a.evals >= 2 && a.evals <= 25);
	assert_true(a.stop == MRS_TUNE_STOP_EVALS || a.stop == MRS_TUNE_STOP_CONVERGED);
	assert_null(a.curve[0].path);
	assert_true(a.start_value == a.curve[0].value);
	/* the best so far never falls, and is the best of the values measured whose timelines
	 * are not shorter than the start's */
	double top = a.curve[0].value;
	assert_true(a.curve[0].length > 0 && a.curve[0].length <= 10);
	for (uint32_t i = 0; i < a.evals; i++) {
		bool full = a.curve[i].length >= a.curve[0].length - 1e-9;
		if (full)
			top = fmax(top, a.curve[i].value);
		assert_true(a.curve[i].best == top);
		assert_true(a.curve[i].improved ==
			    (i == 0 || (full && a.curve[i].value > a.curve[i - 1].best)));
	}
	assert_true(a.best_value == top && a.best_value > a.start_value);
	/* the validation period ends at the split: its requests are made there */
	assert_true(a.valid_to == W->split_time && a.valid_from < a.valid_to);
	assert_true(a.users > 0);
	assert_true(a.start_share > 0 && a.start_share <= 1 && a.best_share > a.start_share);
	/* a changed configuration says what it started from */
	assert_string_equal(a.best.preset, "custom:seed");
	/* another seed visits the fields in another order */
	o.seed = 2;
	mrs_tune_result c;
	tune_preset(W, "seed", &o, &c);
	bool differs = false;
	for (uint32_t i = 1; i < MRS_MIN(a.evals, c.evals) && !differs; i++)
		differs = a.curve[i].path != c.curve[i].path;
	assert_true(differs);
	mrs_tune_result_free(&a), mrs_tune_result_free(&b), mrs_tune_result_free(&c);
}

/* By construction: the world without anything from the split on gives the same search. */
static void test_reads_nothing_at_or_after_the_split(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *cut = mrs_dataset_before(W, W->split_time, &err);
	if (!cut)
		fail_msg("cut: %s", err.msg);
	uint32_t after = 0;
	for (uint32_t i = 0; i < W->n_impressions; i++)
		after += W->imp_time[i] >= W->split_time;
	assert_true(after > 0 && cut->n_impressions == W->n_impressions - after);
	mrs_tune_opts o = opts(25);
	mrs_tune_result a, b;
	tune_preset(W, "seed", &o, &a);
	tune_preset(cut, "seed", &o, &b);
	assert_same_search(&a, &b);
	/* the cut world has no file, hence no ground truth: the oracle share is the world's */
	assert_true(isnan(b.start_share) && !isnan(a.start_share));
	mrs_tune_result_free(&a), mrs_tune_result_free(&b);
	mrs_dataset_free(cut);
}

/* The split time recorded in the card of model `name` in the set DIR/set-1. */
static double card_split(const char *dir, const char *name)
{
	char set[600];
	snprintf(set, sizeof set, "%s/set-1", dir);
	mrs_error err = {0};
	cJSON *card = mrs_card_read(set, name, &err);
	if (!card)
		fail_msg("%s", err.msg);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(card, "split_time");
	double v = cJSON_IsNumber(t) ? t->valuedouble : NAN;
	cJSON_Delete(card);
	return v;
}

/* The search is scored by models that never saw the validation period: trained on what
 * came before it into SET/validation when they are missing, and found there afterwards
 * (the test world's are kept with its models: tests/world.sh). */
static void test_scores_with_models_before_the_validation_period(void **state)
{
	(void)state;
	mrs_tune_opts o = opts(3);
	mrs_tune_result kept;
	tune_preset(W, "seed", &o, &kept);
	assert_false(kept.models_trained);
	assert_false(kept.models_serving);
	char want[600];
	snprintf(want, sizeof want, "%s/set-1/validation", models);
	assert_string_equal(kept.models_dir, want);
	/* their split is the validation cut, the serving models' the dataset's */
	assert_true(card_split(kept.models_dir, "heavy_ranker") == (double)kept.valid_from);
	assert_true(card_split(kept.models_dir, "twhin") == (double)kept.valid_from);
	assert_true(card_split(models, "heavy_ranker") == (double)W->split_time);
	assert_true(kept.valid_from < W->split_time);

	/* a copy of the serving set without them: the first search trains them, the next
	 * finds them */
	char dir[512], cmd[2048];
	tu_path(dir, sizeof dir, "models");
	snprintf(cmd, sizeof cmd, "cp -R '%s' '%s' && rm -rf '%s/set-1/validation'", models, dir,
		 dir);
	assert_int_equal(system(cmd), 0);
	o.eval.models_dir = dir;
	mrs_tune_result a, b;
	tune_preset(W, "seed", &o, &a);
	assert_true(a.models_trained);
	assert_false(a.models_serving);
	snprintf(want, sizeof want, "%s/set-1/validation", dir);
	assert_string_equal(a.models_dir, want);
	assert_true(card_split(a.models_dir, "heavy_ranker") == (double)a.valid_from);
	tune_preset(W, "seed", &o, &b);
	assert_false(b.models_trained);
	assert_same_search(&a, &b);
	mrs_tune_result_free(&kept), mrs_tune_result_free(&a), mrs_tune_result_free(&b);
}

static void test_budget(void **state)
{
	(void)state;
	mrs_tune_opts o = opts(7);
	mrs_tune_result t;
	tune_preset(W, "seed", &o, &t);
	assert_int_equal(t.evals, 7);
	assert_int_equal(t.stop, MRS_TUNE_STOP_EVALS);
	mrs_tune_result_free(&t);
	/* a time limit already spent: the start alone */
	o = opts(0);
	o.max_seconds = 1e-9;
	tune_preset(W, "seed", &o, &t);
	assert_int_equal(t.evals, 1);
	assert_int_equal(t.stop, MRS_TUNE_STOP_SECONDS);
	assert_true(t.best_value == t.start_value);
	assert_string_equal(t.best.preset, "seed");
	mrs_tune_result_free(&t);
}

/* Only the fields of fusion, the heuristics and selection, of the config's own fusion
 * mode (the weighted sum's head weights for twitter-2023), never safety's. */
static void test_fields_of_the_modes(void **state)
{
	(void)state;
	mrs_tune_opts o = opts(20);
	mrs_tune_result t;
	tune_preset(W, "twitter-2023", &o, &t);
	bool weights = false;
	for (uint32_t i = 1; i < t.evals; i++) {
		const char *p = t.curve[i].path;
		weights |= strncmp(p, "weights.", 8) == 0;
		assert_true(strncmp(p, "fusion.", 7) != 0 && strncmp(p, "source_mult.", 12) != 0);
		assert_true(strncmp(p, "sources.", 8) != 0 && strcmp(p, "selection.k") != 0);
		assert_true(strncmp(p, "safety.", 7) != 0);
	}
	assert_true(weights);
	mrs_tune_result_free(&t);
}

/* The author-position fields are visited after the others in each round, and a half-life
 * whose rule has weight 0 is not measured: from the seed preset (position weight 0) the
 * first position field tried is the weight, after every other field the search tries. */
static void test_late_and_inert_fields(void **state)
{
	(void)state;
	mrs_tune_opts o = opts(300);
	mrs_tune_result t;
	tune_preset(W, "seed", &o, &t);
	uint32_t first = 0;
	for (uint32_t i = 1; i < t.evals && !first; i++)
		if (strncmp(t.curve[i].path, "heuristics.position_", 20) == 0)
			first = i;
	assert_true(first > 0);
	assert_string_equal(t.curve[first].path, "heuristics.position_weight");
	/* every other field evaluated anywhere was evaluated before it */
	for (uint32_t i = 1; i < t.evals; i++) {
		const char *p = t.curve[i].path;
		if (strncmp(p, "heuristics.position_", 20) == 0)
			continue;
		bool before = false;
		for (uint32_t j = 1; j < first && !before; j++)
			before = strcmp(t.curve[j].path, p) == 0;
		if (!before)
			fail_msg("%s first tried at evaluation %u, after the position rule (%u)", p,
				 i + 1, first + 1);
	}
	/* the half-life only once its weight has been tried (and moved off 0) */
	bool weight_tried = false;
	for (uint32_t i = 1; i < t.evals; i++) {
		weight_tried |= strcmp(t.curve[i].path, "heuristics.position_weight") == 0;
		if (strcmp(t.curve[i].path, "heuristics.position_halflife") == 0)
			assert_true(weight_tried);
	}
	mrs_tune_result_free(&t);
}

/* The result written as a --weights file loads back over its preset to the same
 * configuration, which evaluates (on the test split) as the result does. */
static void test_written_file_loads_back(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_tune_opts o = opts(20);
	mrs_tune_result t;
	tune_preset(W, "seed", &o, &t);
	char path[512];
	tu_path(path, sizeof path, "tuned.json");
	assert_ok(mrs_config_save(&t.best, path, &err), &err);
	mrs_config back;
	assert_ok(mrs_config_preset(&back, "x-2026", &err), &err);
	assert_ok(mrs_config_load(&back, path, &err), &err);
	char *x = mrs_config_to_json(&t.best), *y = mrs_config_to_json(&back);
	assert_string_equal(x, y);
	free(x), free(y);
	mrs_eval_opts eo = {.k = 10, .users = 60, .seed = 1, .models_dir = models,
			    .systems = 1u << MRS_SYS_PIPELINE};
	mrs_eval_result a, b, seed;
	assert_ok(mrs_eval(W, &t.best, &eo, &a, NULL, &err), &err);
	assert_ok(mrs_eval(W, &back, &eo, &b, NULL, &err), &err);
	mrs_config start;
	mrs_config_preset(&start, "seed", &err);
	assert_ok(mrs_eval(W, &start, &eo, &seed, NULL, &err), &err);
	assert_true(a.sys[MRS_SYS_PIPELINE].ndcg == b.sys[MRS_SYS_PIPELINE].ndcg);
	assert_true(a.sys[MRS_SYS_PIPELINE].ndcg != seed.sys[MRS_SYS_PIPELINE].ndcg);
	mrs_tune_result_free(&t);
}

/* A search from the seed preset (into *start) whose first of three searches has the
 * budget of a whole first round: every field, each at most 7 times (a step and 6
 * repeats) in each direction; the fields' number from a search of one evaluation. */
static void tune_round_one(mrs_config *start, mrs_tune_result *t)
{
	mrs_error err = {0};
	assert_ok(mrs_config_preset(start, "seed", &err), &err);
	mrs_tune_opts o = opts(1);
	assert_ok(mrs_tune(W, start, &o, t, NULL, &err), &err);
	o = opts(3 * (1 + 14 * t->searched));
	mrs_tune_result_free(t);
	assert_ok(mrs_tune(W, start, &o, t, NULL, &err), &err);
}

/* The row of the tunables table at path. */
static const mrs_tunable *tunable(const char *path)
{
	size_t n, r = 0;
	const mrs_tunable *tab = mrs_config_tunables(&n);
	while (r < n && strcmp(tab[r].path, path) != 0)
		r++;
	assert_true(r < n);
	return &tab[r];
}

/* A field that starts at 0 is searched too: the seed preset leaves the co-engagement share
 * at 0, and the search's first try of it steps up from there (to the unit 1 times the first
 * round's factor 3 less one: 2), not x 3 = 0 again. */
static void test_field_at_zero_moves(void **state)
{
	(void)state;
	mrs_config start;
	mrs_tune_result t;
	tune_round_one(&start, &t);
	assert_true(start.emb_coengagement == 0);
	uint32_t i = 1;
	while (i < t.evals && strcmp(t.curve[i].path, "fusion.coengagement") != 0)
		i++;
	assert_true(i < t.evals);
	assert_true(t.curve[i].x == 2.0f);
	mrs_tune_result_free(&t);
}

/* The first round steps each field by a factor of 3: the first value tried of every field
 * (in round one, where the field still has its start value) is the start's times 3 within
 * the field's range, or the unit (0.1 for a field at most 1, else 1) times 2 from 0. */
static void test_first_round_steps_by_three(void **state)
{
	(void)state;
	mrs_config start;
	mrs_tune_result t;
	tune_round_one(&start, &t);
	uint32_t firsts = 0, times_three = 0;
	for (uint32_t i = 1; i < t.evals; i++) {
		bool first = true;
		for (uint32_t j = 1; j < i && first; j++)
			first = strcmp(t.curve[j].path, t.curve[i].path) != 0;
		if (!first)
			continue;
		const mrs_tunable *f = tunable(t.curve[i].path);
		float x0;
		memcpy(&x0, (const char *)&start + f->offset, sizeof x0);
		double up = x0 != 0 ? (double)x0 * 3 : (f->hi <= 1 ? 0.1 : 1.0) * 2;
		float want = (float)fmin(fmax(up, f->lo), f->hi);
		/* a field at its upper bound already is first tried downwards, over 3 */
		if (want == x0)
			want = (float)fmin(fmax((double)x0 / 3, f->lo), f->hi);
		assert_true(t.curve[i].x == want);
		firsts++;
		times_three += x0 != 0 && (double)x0 * 3 <= f->hi;
	}
	assert_int_equal(firsts, t.searched);
	assert_true(times_three > 0);
	mrs_tune_result_free(&t);
}

/* The validation NDCG@10 of cfg, scored as mrs_tune scores it (eval's validation split
 * with the models of result t). */
static double validation_ndcg(const mrs_config *cfg, const mrs_tune_result *t)
{
	mrs_error err = {0};
	mrs_eval_opts eo = {.k = 10, .seed = 1, .models_dir = t->models_dir,
			    .split = MRS_SPLIT_TEMPORAL, .validation = true,
			    .systems = 1u << MRS_SYS_PIPELINE | 1u << MRS_SYS_ORACLE};
	mrs_eval_result r;
	assert_ok(mrs_eval(W, cfg, &eo, &r, NULL, &err), &err);
	return r.sys[MRS_SYS_PIPELINE].ndcg;
}

/* The budget is shared by three searches from the start, each in its own order, and the
 * best of them is kept: the first evaluation after the first third is the start with one
 * field changed (not the first search's best so far with one field changed), and the best
 * scores what the search says it does. */
static void test_searches_again_from_the_start(void **state)
{
	(void)state;
	mrs_config start;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&start, "seed", &err), &err);
	mrs_tune_opts o = opts(90);
	mrs_tune_result t;
	assert_ok(mrs_tune(W, &start, &o, &t, NULL, &err), &err);
	assert_int_equal(t.evals, 90);
	/* the first search moved away from the start in its 30 evaluations */
	bool moved = false;
	for (uint32_t i = 1; i < 30; i++)
		moved |= t.curve[i].improved;
	assert_true(moved);
	const mrs_tune_point *p = &t.curve[30];
	mrs_config c = start;
	float x = (float)p->x;
	memcpy((char *)&c + tunable(p->path)->offset, &x, sizeof x);
	assert_true(validation_ndcg(&c, &t) == p->value);
	assert_true(validation_ndcg(&t.best, &t) == t.best_value);
	mrs_tune_result_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_improves_and_is_deterministic),
		cmocka_unit_test(test_reads_nothing_at_or_after_the_split),
		cmocka_unit_test(test_scores_with_models_before_the_validation_period),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_fields_of_the_modes),
		cmocka_unit_test(test_late_and_inert_fields),
		cmocka_unit_test(test_written_file_loads_back),
		cmocka_unit_test(test_field_at_zero_moves),
		cmocka_unit_test(test_first_round_steps_by_three),
		cmocka_unit_test(test_searches_again_from_the_start),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
