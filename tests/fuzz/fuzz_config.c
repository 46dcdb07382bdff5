/* fuzz_config.c: the configuration JSON through mrs_config_parse (over each preset) and
 * mrs_config_load. A parse that fails leaves the config untouched; one that succeeds gives
 * a config whose JSON parses back to the same values, and every value stays in range. */
#include <math.h>
#include <string.h>

#include "fuzz.h"

static void check_round_trip(const mrs_config *c)
{
	char *json = mrs_config_to_json(c);
	FUZZ_CHECK(json != NULL, "mrs_config_to_json failed");
	mrs_config back;
	mrs_error err = {0};
	FUZZ_CHECK(mrs_config_preset(&back, "seed", &err) == 0, "preset seed");
	if (mrs_config_parse(&back, json, &err))
		fuzz_fail(__FILE__, __LINE__, "its own JSON does not parse: %s\n%s", err.msg, json);
	for (const char *const *p = mrs_config_paths(); *p; p++) {
		char a[64], b[64];
		FUZZ_CHECK(mrs_config_get(c, *p, a, sizeof a) && mrs_config_get(&back, *p, b, sizeof b),
			   "%s: no value", *p);
		FUZZ_CHECK(strcmp(a, b) == 0, "%s: %s became %s after a JSON round trip", *p, a, b);
	}
	/* the bytes after the preset name's NUL are not part of the value */
	mrs_config x = *c;
	memset(x.preset, 0, sizeof x.preset), memset(back.preset, 0, sizeof back.preset);
	FUZZ_CHECK(memcmp(&x, &back, sizeof back) == 0, "the JSON round trip changed the config");
	free(json);
}

FUZZ_TARGET(config)
{
	char *text = fuzz_cstr(data, size);
	for (int i = 0; i < MRS_N_PRESETS; i++) {
		mrs_config c, before;
		mrs_error err = {0};
		FUZZ_CHECK(mrs_config_preset(&c, mrs_presets[i], &err) == 0, "preset %s", mrs_presets[i]);
		before = c;
		if (mrs_config_parse(&c, text, &err)) {
			fuzz_check_error(&err, NULL);
			FUZZ_CHECK(memcmp(&c, &before, sizeof c) == 0, "a failed parse changed the config");
			continue;
		}
		for (int h = 0; h < MRS_N_HEADS; h++)
			FUZZ_CHECK(isfinite(c.head_weight[h]), "weight %d is not finite", h);
		FUZZ_CHECK(c.k >= 1, "k is 0");
		check_round_trip(&c);
	}
	mrs_config c;
	mrs_error err = {0};
	mrs_config_preset(&c, "seed", &err);
	const char *path = fuzz_file(0, "config.json", data, size);
	if (mrs_config_load(&c, path, &err))
		fuzz_check_error(&err, path);
	free(text);
	return 0;
}
