/* test_config.c: presets, JSON round trip, set/get, and every malformed-config case. */
#include <math.h>

#include "testutil.h"

static void test_presets(void **state)
{
	(void)state;
	mrs_config c;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&c, "seed", &err), &err);
	assert_int_equal(c.fusion, MRS_FUSION_BLEND);
	assert_float_equal(c.blend_engagement, 0.60, 1e-6);
	assert_float_equal(c.blend_follow, 0.10, 1e-6);
	assert_float_equal(c.blend_embedding, 0.30, 1e-6);
	assert_float_equal(c.emb_simclusters, 0.25, 1e-6);
	assert_float_equal(c.emb_twhin, 0.20, 1e-6);
	assert_float_equal(c.emb_realgraph, 0.15, 1e-6);
	assert_float_equal(c.source_mult[MRS_SRC_IN_NETWORK], 0.8, 1e-6);
	assert_float_equal(c.source_mult[MRS_SRC_OUT_OF_NETWORK], 0.5, 1e-6);
	assert_float_equal(c.source_mult[MRS_SRC_GRAPH], 0.6, 1e-6);
	assert_float_equal(c.source_mult[MRS_SRC_FOLLOW_RECS], 0.4, 1e-6);
	assert_int_equal(c.source_cap[MRS_SRC_IN_NETWORK], 200);
	assert_int_equal(c.source_cap[MRS_SRC_OUT_OF_NETWORK], 200);
	assert_int_equal(c.source_cap[MRS_SRC_GRAPH], 100);
	assert_int_equal(c.source_cap[MRS_SRC_FOLLOW_RECS], 50);
	assert_float_equal(c.nsfw_high, 0.8, 1e-6);
	assert_float_equal(c.nsfw_high_mult, 0.1, 1e-6);
	assert_float_equal(c.nsfw_mid, 0.5, 1e-6);
	assert_float_equal(c.nsfw_mid_mult, 0.7, 1e-6);
	assert_float_equal(c.tox_high, 0.7, 1e-6);
	assert_float_equal(c.tox_high_mult, 0.1, 1e-6);
	assert_float_equal(c.tox_mid, 0.5, 1e-6);
	assert_float_equal(c.tox_mid_mult, 0.8, 1e-6);
	assert_float_equal(c.oon_scale, 0.75, 1e-6);
	assert_float_equal(c.diversity_decay, 0.5, 1e-6);
	assert_float_equal(c.diversity_floor, 0.25, 1e-6);
	/* the published presets as specified: none weighs co-engagement (a config file or
	 * tune does) */
	for (int p = 0; p < MRS_N_PRESETS; p++) {
		mrs_config q;
		assert_ok(mrs_config_preset(&q, mrs_presets[p], &err), &err);
		assert_float_equal(q.emb_coengagement, 0, 0);
	}

	assert_ok(mrs_config_preset(&c, "twitter-2023", &err), &err);
	assert_int_equal(c.fusion, MRS_FUSION_WEIGHTED);
	float t23[MRS_N_HEADS] = {0.5f, 1.0f, 13.5f, 11.0f, 12.0f, -74.0f, -369.0f, 0.0f};
	for (int h = 0; h < MRS_N_HEADS; h++) {
		assert_float_equal(c.head_weight[h], t23[h], 1e-6);
		assert_true(strlen(mrs_config_weight_note("twitter-2023", h)) > 3);
	}
	assert_int_equal(c.safety, MRS_SAFETY_VERDICT);
	assert_ok(mrs_config_preset(&c, "x-2026", &err), &err);
	float x26[MRS_N_HEADS] = {0.5f, 1.0f, 5.0f, 0.4f, 4.0f, -43.2f, -234.0f, 0.0f};
	for (int h = 0; h < MRS_N_HEADS; h++)
		assert_float_equal(c.head_weight[h], x26[h], 1e-6);
	assert_non_null(strstr(mrs_config_weight_note("x-2026", MRS_HEAD_ANY), "share"));
	assert_int_equal(mrs_config_preset(&c, "nope", &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_string_equal(c.preset, "x-2026"); /* untouched */
}

static void test_round_trip(void **state)
{
	(void)state;
	mrs_error err = {0};
	for (int p = 0; p < MRS_N_PRESETS; p++) {
		mrs_config a, b;
		assert_ok(mrs_config_preset(&a, mrs_presets[p], &err), &err);
		assert_ok(mrs_config_set(&a, "weights.reply", "7.25", &err), &err);
		assert_ok(mrs_config_set(&a, "sources.graph", "33", &err), &err);
		char *json = mrs_config_to_json(&a);
		assert_ok(mrs_config_preset(&b, "seed", &err), &err);
		assert_ok(mrs_config_parse(&b, json, &err), &err);
		free(json);
		assert_memory_equal(&a, &b, sizeof a);
		/* and through a file */
		char path[300];
		tu_path(path, sizeof path, "cfg.json");
		assert_ok(mrs_config_save(&a, path, &err), &err);
		mrs_config c;
		assert_ok(mrs_config_preset(&c, "x-2026", &err), &err);
		assert_ok(mrs_config_load(&c, path, &err), &err);
		assert_memory_equal(&a, &c, sizeof a);
	}
}

static void test_partial_file_applies_over_preset(void **state)
{
	(void)state;
	mrs_config c;
	mrs_error err = {0};
	assert_ok(mrs_config_preset(&c, "seed", &err), &err);
	assert_ok(mrs_config_parse(&c, "{\"preset\": \"twitter-2023\", \"weights\": {\"reply\": 2}}",
				   &err),
		  &err);
	assert_int_equal(c.fusion, MRS_FUSION_WEIGHTED);
	assert_float_equal(c.head_weight[MRS_ACT_REPLY], 2.0, 1e-6);
	assert_float_equal(c.head_weight[MRS_ACT_REPORT], -369.0, 1e-6);
	/* without a preset key only the given values change */
	assert_ok(mrs_config_parse(&c, "{\"heuristics\": {\"oon_scale\": 0.5}}", &err), &err);
	assert_float_equal(c.oon_scale, 0.5, 1e-6);
	assert_float_equal(c.head_weight[MRS_ACT_REPLY], 2.0, 1e-6);
}

static void expect_parse_error(const char *json, const char *needle)
{
	mrs_config c, before;
	mrs_error err = {0};
	mrs_config_preset(&c, "seed", &err);
	before = c;
	if (mrs_config_parse(&c, json, &err) == 0)
		fail_msg("accepted: %s", json);
	if (!strstr(err.msg, needle))
		fail_msg("for %s: message '%s' lacks '%s'", json, err.msg, needle);
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_memory_equal(&c, &before, sizeof c); /* nothing applied */
}

static void test_malformed(void **state)
{
	(void)state;
	expect_parse_error("{\"weights\": {\"reply\": \"high\"}}", "weights.reply: expected a number");
	expect_parse_error("{\"weights\": {\"replies\": 1}}", "weights.replies: unknown key");
	expect_parse_error("{\"weight\": {\"reply\": 1}}", "weight: unknown key");
	expect_parse_error("{\"weights\": {\"like\": 1, \"reply\": true}}", "weights.reply");
	expect_parse_error("{\"weights\": 3}", "weights: unknown key");
	expect_parse_error("{\"sources\": {\"graph\": -1}}", "sources.graph: -1 is out of range");
	expect_parse_error("{\"sources\": {\"graph\": 2.5}}", "sources.graph: expected a whole number");
	expect_parse_error("{\"safety\": {\"nsfw_high\": 1.5}}", "safety.nsfw_high: 1.5 is out of range");
	expect_parse_error("{\"safety\": {\"mode\": \"strict\"}}", "safety.mode: 'strict' is not one of");
	expect_parse_error("{\"preset\": \"fast\"}", "preset: unknown preset 'fast'");
	expect_parse_error("{\"preset\": 3}", "preset: expected a string");
	expect_parse_error("[1, 2]", "expected an object");
	expect_parse_error("{\"weights\": {\"like\": 1,}}", "not valid JSON");
	expect_parse_error("{\n\"weights\": {\n\"like\": }\n}", "line 3");
	expect_parse_error("", "not valid JSON");
	expect_parse_error("{\"heuristics\": {\"oon_scale\": 1e999}}", "heuristics.oon_scale");
	/* found by fuzzing: a second preset key escaped the check of the first */
	expect_parse_error("{\"preset\": \"seed\", \"preset\": \"fast\"}", "preset: given twice");
	expect_parse_error("{\"weights\": {\"like\": 1, \"like\": 2}}", "weights.like: given twice");
	expect_parse_error("{\"preset\": \"custom:fast\"}", "preset: unknown preset 'fast'");
}

static void test_files(void **state)
{
	(void)state;
	mrs_config c;
	mrs_error err = {0};
	char path[300];
	mrs_config_preset(&c, "seed", &err);
	assert_int_equal(mrs_config_load(&c, tu_path(path, sizeof path, "none.json"), &err), -1);
	assert_int_equal(err.code, MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "none.json"));
	tu_write(path, sizeof path, "bad.json", "{\"weights\": {\"reply\": null}}");
	assert_int_equal(mrs_config_load(&c, path, &err), -1);
	assert_non_null(strstr(err.msg, "bad.json: weights.reply: expected a number"));
	tu_write(path, sizeof path, "empty.json", "");
	assert_int_equal(mrs_config_load(&c, path, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(mrs_config_save(&c, "/nonexistent-dir/c.json", &err), -1);
	assert_int_equal(err.code, MRS_ERR_IO);
}

static void test_set_get(void **state)
{
	(void)state;
	mrs_config c;
	mrs_error err = {0};
	char buf[64];
	mrs_config_preset(&c, "seed", &err);
	assert_ok(mrs_config_set(&c, "weights.like", "2.5", &err), &err);
	assert_string_equal(mrs_config_get(&c, "weights.like", buf, sizeof buf), "2.5");
	assert_string_equal(c.preset, "custom:seed");
	assert_ok(mrs_config_set(&c, "fusion.mode", "weighted", &err), &err);
	assert_int_equal(c.fusion, MRS_FUSION_WEIGHTED);
	assert_int_equal(mrs_config_set(&c, "weights.like", "NaN", &err), -1);
	assert_non_null(strstr(err.msg, "weights.like"));
	assert_int_equal(mrs_config_set(&c, "weights.like", "inf", &err), -1);
	assert_int_equal(mrs_config_set(&c, "weights.like", "1x", &err), -1);
	assert_non_null(strstr(err.msg, "not a number"));
	assert_int_equal(mrs_config_set(&c, "weights.nothing", "1", &err), -1);
	assert_non_null(strstr(err.msg, "no such setting"));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_int_equal(mrs_config_set(&c, "selection.k", "0", &err), -1);
	/* a preset label that could not be read back is refused */
	assert_int_equal(mrs_config_set(&c, "preset", "fast", &err), -1);
	assert_non_null(strstr(err.msg, "preset: 'fast' is not a preset"));
	assert_string_equal(c.preset, "custom:seed");
	assert_ok(mrs_config_set(&c, "preset", "custom", &err), &err);
	assert_float_equal(c.head_weight[MRS_ACT_LIKE], 2.5, 1e-6);
	/* the label train gives what it tuned, and that changed by hand, read back: the
	 * named preset first, then the file's values (tuned.json) */
	mrs_config t;
	mrs_config_preset(&t, "x-2026", &err);
	assert_ok(mrs_config_parse(&t, "{\"preset\": \"tuned:seed\", \"weights\": "
				      "{\"like\": 3}}", &err), &err);
	assert_string_equal(t.preset, "tuned:seed");
	assert_int_equal(t.fusion, MRS_FUSION_BLEND); /* seed's, not x-2026's */
	assert_float_equal(t.head_weight[MRS_ACT_LIKE], 3, 1e-6);
	assert_ok(mrs_config_set(&t, "weights.reply", "2", &err), &err);
	assert_string_equal(t.preset, "custom:tuned:seed");
	char *tj = mrs_config_to_json(&t);
	mrs_config tb;
	mrs_config_preset(&tb, "x-2026", &err);
	assert_ok(mrs_config_parse(&tb, tj, &err), &err);
	free(tj);
	assert_string_equal(tb.preset, "custom:tuned:seed");
	assert_float_equal(tb.head_weight[MRS_ACT_REPLY], 2, 1e-6);
	expect_parse_error("{\"preset\": \"tuned:fast\"}", "preset: unknown preset 'fast'");
	assert_null(mrs_config_get(&c, "nope", buf, sizeof buf));
	/* a float that needs 8 digits keeps them through get, save and load */
	assert_ok(mrs_config_set(&c, "weights.reply", "1.0000001", &err), &err);
	assert_string_equal(mrs_config_get(&c, "weights.reply", buf, sizeof buf), "1.0000001");
	char *json = mrs_config_to_json(&c);
	mrs_config back;
	mrs_config_preset(&back, "seed", &err);
	assert_ok(mrs_config_parse(&back, json, &err), &err);
	assert_true(back.head_weight[MRS_ACT_REPLY] == c.head_weight[MRS_ACT_REPLY]);
	free(json);
	assert_string_equal(mrs_config_get(&c, "weights.like", buf, sizeof buf), "2.5");
	int n = 0;
	for (const char *const *p = mrs_config_paths(); *p; p++, n++) {
		assert_non_null(mrs_config_get(&c, *p, buf, sizeof buf));
		assert_non_null(mrs_config_doc(*p));
	}
	assert_true(n > 40);
}

/* What is wrong with a table of tunables, or NULL: a row with no reader (no stage and not
 * a label), or bytes of mrs_config that no row or two rows describe (a field added to the
 * struct but not to the table). */
static const char *table_problem(const mrs_tunable *t, size_t n, char *buf, size_t size)
{
	unsigned char owner[sizeof(mrs_config)] = {0};
	for (size_t i = 0; i < n; i++) {
		if (!t[i].readers || t[i].readers >> (MRS_N_STAGES + 1))
			return snprintf(buf, size, "%s: no reader", t[i].path), buf;
		for (size_t b = t[i].offset; b < t[i].offset + t[i].size; b++)
			if (b >= sizeof owner || owner[b]++)
				return snprintf(buf, size, "%s: byte %zu described twice", t[i].path,
						b), buf;
	}
	for (size_t b = 0; b < sizeof owner; b++)
		if (!owner[b])
			return snprintf(buf, size, "byte %zu of mrs_config: no row", b), buf;
	return NULL;
}

/* Every field of mrs_config has one row, and every row says which stages read it: a new
 * tunable cannot be forgotten by the re-run rule. The check itself fails on a planted
 * row without a reader and on a field without a row. */
static void test_every_field_has_a_reader(void **state)
{
	(void)state;
	char why[200];
	size_t n;
	const mrs_tunable *lib = mrs_config_tunables(&n);
	const char *problem = table_problem(lib, n, why, sizeof why);
	if (problem)
		fail_msg("%s", problem);
	mrs_tunable *t = malloc(n * sizeof *t);
	memcpy(t, lib, n * sizeof *t);
	t[3].readers = 0;
	assert_non_null(strstr(table_problem(t, n, why, sizeof why), "no reader"));
	memcpy(t, lib, n * sizeof *t);
	assert_non_null(strstr(table_problem(t, n - 1, why, sizeof why), "no row"));
	free(t);
	/* only the preset's name is a label: every other field is read by some stage */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lib[i].readers == MRS_READ_LABEL, strcmp(lib[i].path, "preset") == 0);
}

/* The first reader of a change is the earliest stage reading any changed field. */
static void test_first_reader(void **state)
{
	(void)state;
	mrs_error err = {0};
	size_t n;
	const mrs_tunable *t = mrs_config_tunables(&n);
	mrs_config a, b;
	assert_ok(mrs_config_preset(&a, "seed", &err), &err);
	b = a;
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_N_STAGES);
	assert_ok(mrs_config_set(&b, "selection.k", "20", &err), &err); /* and the preset label */
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_SELECT);
	assert_ok(mrs_config_set(&b, "heuristics.oon_scale", "0.5", &err), &err);
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_HEURISTICS);
	assert_ok(mrs_config_set(&b, "weights.reply", "3", &err), &err);
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_FUSION);
	assert_ok(mrs_config_set(&b, "sources.max_age_hours", "24", &err), &err);
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_IN_NETWORK);
	b = a;
	assert_ok(mrs_config_set(&b, "sources.graph", "5", &err), &err);
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_STAGE_GRAPH);
	b = a;
	snprintf(b.preset, sizeof b.preset, "custom");
	assert_int_equal(mrs_config_first_reader(t, n, &a, &b), MRS_N_STAGES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_partial_file_applies_over_preset),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_every_field_has_a_reader),
		cmocka_unit_test(test_first_reader),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
