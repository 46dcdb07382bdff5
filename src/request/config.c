/* config.c: every tunable of the request path, the presets, and JSON load/save with
 * errors that name the JSON path of the bad field. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "request/request.h"

const char *const mrs_presets[MRS_N_PRESETS + 1] = {"seed", "twitter-2023", "x-2026", NULL};

/* ------------------------------------------------------------ the table of tunables */

/* One row per field of mrs_config: its name, type, range, help and the stages that read
 * it. This is the only place a field's readers are written down: the request computes
 * from them the first stage to run again after a change (mrs_config_first_reader). */

typedef mrs_tunable tunable;

static const char *const fusion_names[] = {"blend", "weighted", NULL};
static const char *const safety_names[] = {"penalty", "verdict", NULL};

#define OFF(f) offsetof(mrs_config, f), sizeof(((mrs_config *)0)->f)
#define F(path, field, lo, hi, readers, doc) \
	{path, MRS_T_FLOAT, OFF(field), lo, hi, NULL, readers, doc}
#define U(path, field, lo, hi, readers, doc) \
	{path, MRS_T_U32, OFF(field), lo, hi, NULL, readers, doc}
#define BIG 1e9
/* readers: bit (1 << MRS_STAGE_*) of every stage that reads the field */
#define R(stage) (1u << MRS_STAGE_##stage)
#define SOURCES (R(IN_NETWORK) | R(OUT_OF_NETWORK) | R(GRAPH) | R(FOLLOW_RECS))

static const tunable tunables[] = {
	{"preset", MRS_T_STRING, OFF(preset), 0, 0, NULL, MRS_READ_LABEL,
	 "the preset these values started from"},
	{"fusion.mode", MRS_T_ENUM, OFF(fusion), 0, 1, fusion_names, R(FUSION),
	 "blend: the seed's mix; weighted: sum of head weight x probability"},
	F("weights.like", head_weight[MRS_ACT_LIKE], -BIG, BIG, R(FUSION), "weight of P(like)"),
	F("weights.retweet", head_weight[MRS_ACT_RETWEET], -BIG, BIG, R(FUSION),
	  "weight of P(retweet)"),
	F("weights.reply", head_weight[MRS_ACT_REPLY], -BIG, BIG, R(FUSION), "weight of P(reply)"),
	F("weights.click", head_weight[MRS_ACT_CLICK], -BIG, BIG, R(FUSION), "weight of P(click)"),
	F("weights.follow", head_weight[MRS_ACT_FOLLOW], -BIG, BIG, R(FUSION),
	  "weight of P(follow author)"),
	F("weights.negfb", head_weight[MRS_ACT_NEGFB], -BIG, BIG, R(FUSION),
	  "weight of P(negative feedback)"),
	F("weights.report", head_weight[MRS_ACT_REPORT], -BIG, BIG, R(FUSION),
	  "weight of P(report)"),
	F("weights.any", head_weight[MRS_HEAD_ANY], -BIG, BIG, R(FUSION),
	  "weight of P(any engagement)"),
	F("fusion.engagement", blend_engagement, 0, BIG, R(FUSION),
	  "blend: weight of P(any engagement)"),
	F("fusion.follow", blend_follow, 0, BIG, R(FUSION), "blend: weight of P(follow author)"),
	F("fusion.embedding", blend_embedding, 0, BIG, R(FUSION),
	  "blend: weight of the embedding part"),
	F("fusion.simclusters", emb_simclusters, 0, BIG, R(FUSION),
	  "embedding part: SimClusters share"),
	F("fusion.twhin", emb_twhin, 0, BIG, R(FUSION), "embedding part: TwHIN share"),
	F("fusion.realgraph", emb_realgraph, 0, BIG, R(FUSION), "embedding part: RealGraph share"),
	F("fusion.coengagement", emb_coengagement, 0, BIG, R(FUSION),
	  "embedding part: co-engagement share"),
	F("fusion.calib_scale", calib_scale, -BIG, BIG, R(FUSION),
	  "blend: score = scale x mix + bias"),
	F("fusion.calib_bias", calib_bias, -BIG, BIG, R(FUSION),
	  "blend: score = scale x mix + bias"),
	F("source_mult.in_network", source_mult[MRS_SRC_IN_NETWORK], 0, BIG, R(FUSION),
	  "blend: InNetwork x"),
	F("source_mult.out_of_network", source_mult[MRS_SRC_OUT_OF_NETWORK], 0, BIG, R(FUSION),
	  "blend: OutOfNetwork x"),
	F("source_mult.graph", source_mult[MRS_SRC_GRAPH], 0, BIG, R(FUSION), "blend: Graph x"),
	F("source_mult.follow_recs", source_mult[MRS_SRC_FOLLOW_RECS], 0, BIG, R(FUSION),
	  "blend: FollowRecs x"),
	U("sources.in_network", source_cap[MRS_SRC_IN_NETWORK], 0, 100000, R(IN_NETWORK),
	  "InNetwork cap"),
	U("sources.out_of_network", source_cap[MRS_SRC_OUT_OF_NETWORK], 0, 100000,
	  R(OUT_OF_NETWORK), "OutOfNetwork cap"),
	U("sources.graph", source_cap[MRS_SRC_GRAPH], 0, 100000, R(GRAPH), "Graph cap"),
	U("sources.follow_recs", source_cap[MRS_SRC_FOLLOW_RECS], 0, 100000, R(FOLLOW_RECS),
	  "FollowRecs cap"),
	F("sources.max_age_hours", max_age_hours, 0, 1e6, SOURCES | R(PREFILTER),
	  "age limit of candidates"),
	F("sources.in_network_halflife_hours", in_network_halflife_hours, 0.01, 1e6,
	  R(IN_NETWORK) | R(FOLLOW_RECS), "InNetwork light-ranking recency half-life"),
	U("sources.oon_clusters", oon_clusters, 1, 1000, R(OUT_OF_NETWORK) | R(FOLLOW_RECS),
	  "OutOfNetwork: InterestedIn clusters used"),
	U("sources.graph_followees", graph_followees, 1, 100000, R(GRAPH),
	  "Graph: top RealGraph followees whose engagements count"),
	F("sources.graph_window_hours", graph_window_hours, 0.01, 1e6, R(GRAPH),
	  "Graph: engagements at most this old"),
	U("sources.graph_similar", graph_similar, 0, 100000, R(GRAPH),
	  "Graph: tweets most co-engaged with the viewer's latest engagements"),
	U("sources.frs_accounts", frs_accounts, 0, 10000, R(FOLLOW_RECS),
	  "FollowRecs: accounts recommended"),
	{"safety.mode", MRS_T_ENUM, OFF(safety), 0, 1, safety_names, R(SAFETY),
	 "penalty: threshold multipliers; verdict: ALLOW / INTERSTITIAL / DROP"},
	F("safety.nsfw_high", nsfw_high, 0, 1, R(SAFETY), "NSFW above this: x nsfw_high_mult"),
	F("safety.nsfw_high_mult", nsfw_high_mult, 0, 1, R(SAFETY),
	  "multiplier for very likely NSFW"),
	F("safety.nsfw_mid", nsfw_mid, 0, 1, R(SAFETY),
	  "NSFW above this (and not high): x nsfw_mid_mult"),
	F("safety.nsfw_mid_mult", nsfw_mid_mult, 0, 1, R(SAFETY), "multiplier for likely NSFW"),
	F("safety.tox_high", tox_high, 0, 1, R(SAFETY), "toxicity above this: x tox_high_mult"),
	F("safety.tox_high_mult", tox_high_mult, 0, 1, R(SAFETY),
	  "multiplier for very likely toxic"),
	F("safety.tox_mid", tox_mid, 0, 1, R(SAFETY),
	  "toxicity above this (and not high): x tox_mid_mult"),
	F("safety.tox_mid_mult", tox_mid_mult, 0, 1, R(SAFETY), "multiplier for likely toxic"),
	F("safety.verdict_drop", verdict_drop, 0, 1, R(SAFETY), "verdict mode: DROP at or above"),
	F("safety.verdict_interstitial", verdict_interstitial, 0, 1, R(SAFETY),
	  "verdict mode: INTERSTITIAL at or above"),
	F("safety.interstitial_mult", interstitial_mult, 0, 1, R(SAFETY),
	  "verdict mode: INTERSTITIAL x"),
	F("heuristics.oon_scale", oon_scale, 0, BIG, R(HEURISTICS),
	  "out-of-network candidates x this"),
	F("heuristics.diversity_decay", diversity_decay, 0, 1, R(HEURISTICS),
	  "author diversity decay"),
	F("heuristics.diversity_floor", diversity_floor, 0, 1, R(HEURISTICS),
	  "author diversity floor"),
	F("heuristics.recency_halflife_hours", recency_halflife_hours, 0.01, 1e6, R(HEURISTICS),
	  "recency half-life"),
	F("heuristics.recency_weight", recency_weight, 0, 1, R(HEURISTICS),
	  "recency: share of the score that decays"),
	F("heuristics.position_halflife", position_halflife, 0.01, 1e6, R(HEURISTICS),
	  "author position half-life, in the author's newer tweets"),
	F("heuristics.position_weight", position_weight, 0, 1, R(HEURISTICS),
	  "author position: share of an in-network score that decays"),
	F("heuristics.fatigue_mult", fatigue_mult, 0, 1, R(HEURISTICS),
	  "authors given negative feedback: x this at first"),
	F("heuristics.fatigue_days", fatigue_days, 0, 1e6 / 12, R(HEURISTICS),
	  "days for feedback fatigue to wear off"),
	F("selection.min_score", min_score, -BIG, BIG, R(POSTFILTER),
	  "drop candidates scoring below"),
	U("selection.k", k, 1, 10000, R(SELECT), "timeline length"),
	F("selection.max_oon_share", max_oon_share, 0, 1, R(SELECT),
	  "at most this share out of network"),
	U("selection.min_per_source", min_per_source, 0, 1000, R(SELECT),
	  "at least this many from each source that has any left"),
};
#define N_TUNABLES MRS_ARRAY_LEN(tunables)

const mrs_tunable *mrs_config_tunables(size_t *n)
{
	*n = N_TUNABLES;
	return tunables;
}

/* Do the bytes of row t differ in a and b? (Every re-rank asks this of every row: a
 * 4-byte field is compared as one word, without a call.) */
static bool field_differs(const mrs_tunable *t, const mrs_config *a, const mrs_config *b)
{
	const char *x = (const char *)a + t->offset, *y = (const char *)b + t->offset;
	if (t->size == sizeof(uint32_t)) {
		uint32_t u, v;
		memcpy(&u, x, sizeof u);
		memcpy(&v, y, sizeof v);
		return u != v;
	}
	return memcmp(x, y, t->size) != 0;
}

int mrs_config_first_reader(const mrs_tunable *t, size_t n, const mrs_config *was,
			    const mrs_config *now)
{
	int first = MRS_N_STAGES;
	for (size_t i = 0; i < n; i++) {
		/* the earliest stage reading the field (MRS_N_STAGES for a label) */
		int reader = t[i].readers ? __builtin_ctz(t[i].readers) : MRS_N_STAGES;
		if (reader < first && field_differs(&t[i], was, now))
			first = reader;
	}
	return first;
}

static const char *const *all_paths(void)
{
	static const char *paths[N_TUNABLES + 1];
	if (!paths[0])
		for (size_t i = 0; i < N_TUNABLES; i++)
			paths[i] = tunables[i].path;
	return paths;
}

const char *const *mrs_config_paths(void)
{
	return all_paths();
}

static const tunable *find(const char *path)
{
	for (size_t i = 0; i < N_TUNABLES; i++)
		if (strcmp(tunables[i].path, path) == 0)
			return &tunables[i];
	return NULL;
}

/* ------------------------------------------------------------ presets */

static void common(mrs_config *c)
{
	memset(c, 0, sizeof *c);
	c->calib_scale = 1.0f;
	for (int s = 0; s < MRS_N_SOURCES; s++)
		c->source_mult[s] = 1.0f;
	c->source_cap[MRS_SRC_IN_NETWORK] = 200;
	c->source_cap[MRS_SRC_OUT_OF_NETWORK] = 200;
	c->source_cap[MRS_SRC_GRAPH] = 100;
	c->source_cap[MRS_SRC_FOLLOW_RECS] = 50;
	c->max_age_hours = 168;
	c->in_network_halflife_hours = 24;
	c->oon_clusters = 8;
	c->graph_followees = 20;
	c->graph_window_hours = 48;
	c->graph_similar = 100; /* chosen on validation splits: 100 over 200 and 400 */
	c->frs_accounts = 20;
	c->nsfw_high = 0.8f, c->nsfw_high_mult = 0.1f, c->nsfw_mid = 0.5f, c->nsfw_mid_mult = 0.7f;
	c->tox_high = 0.7f, c->tox_high_mult = 0.1f, c->tox_mid = 0.5f, c->tox_mid_mult = 0.8f;
	c->verdict_drop = 0.9f, c->verdict_interstitial = 0.6f, c->interstitial_mult = 0.5f;
	c->oon_scale = 0.75f;
	c->diversity_decay = 0.5f, c->diversity_floor = 0.25f;
	c->recency_halflife_hours = 24, c->recency_weight = 0;
	c->fatigue_mult = 0.2f, c->fatigue_days = 14;
	c->position_halflife = 20, c->position_weight = 0;
	c->min_score = -1e6f;
	c->k = 50;
	c->max_oon_share = 0.5f;
	c->min_per_source = 1;
}

int mrs_config_preset(mrs_config *cfg, const char *name, mrs_error *err)
{
	mrs_config c;
	common(&c);
	if (strcmp(name, "seed") == 0) {
		c.fusion = MRS_FUSION_BLEND;
		c.blend_engagement = 0.60f, c.blend_follow = 0.10f, c.blend_embedding = 0.30f;
		c.emb_simclusters = 0.25f, c.emb_twhin = 0.20f, c.emb_realgraph = 0.15f;
		c.source_mult[MRS_SRC_IN_NETWORK] = 0.8f;
		c.source_mult[MRS_SRC_OUT_OF_NETWORK] = 0.5f;
		c.source_mult[MRS_SRC_GRAPH] = 0.6f;
		c.source_mult[MRS_SRC_FOLLOW_RECS] = 0.4f;
		c.safety = MRS_SAFETY_PENALTY;
		c.recency_weight = 0.2f;
		c.min_score = 0.0f;
	} else if (strcmp(name, "twitter-2023") == 0) {
		c.fusion = MRS_FUSION_WEIGHTED;
		c.head_weight[MRS_ACT_LIKE] = 0.5f;
		c.head_weight[MRS_ACT_RETWEET] = 1.0f;
		c.head_weight[MRS_ACT_REPLY] = 13.5f;
		c.head_weight[MRS_ACT_CLICK] = 11.0f;
		c.head_weight[MRS_ACT_FOLLOW] = 12.0f;
		c.head_weight[MRS_ACT_NEGFB] = -74.0f;
		c.head_weight[MRS_ACT_REPORT] = -369.0f;
		c.safety = MRS_SAFETY_VERDICT;
	} else if (strcmp(name, "x-2026") == 0) {
		c.fusion = MRS_FUSION_WEIGHTED;
		c.head_weight[MRS_ACT_LIKE] = 0.5f;
		c.head_weight[MRS_ACT_RETWEET] = 1.0f;
		c.head_weight[MRS_ACT_REPLY] = 5.0f;
		c.head_weight[MRS_ACT_CLICK] = 0.4f;
		c.head_weight[MRS_ACT_FOLLOW] = 4.0f;
		c.head_weight[MRS_ACT_NEGFB] = -43.2f;
		c.head_weight[MRS_ACT_REPORT] = -234.0f;
		c.safety = MRS_SAFETY_VERDICT;
	} else {
		return mrs_fail(err, MRS_ERR_USAGE, "unknown preset '%s' (seed, twitter-2023, x-2026)",
				name);
	}
	snprintf(c.preset, sizeof c.preset, "%s", name);
	*cfg = c;
	return 0;
}

void mrs_config_time_scale(mrs_config *cfg, const mrs_time_scale *ts)
{
	cfg->max_age_hours = (float)ts->age_limit_hours;
	cfg->in_network_halflife_hours = (float)ts->halflife_hours;
	cfg->recency_halflife_hours = (float)ts->halflife_hours;
	cfg->graph_window_hours = (float)ts->graph_window_hours;
	cfg->fatigue_days = (float)ts->fatigue_days;
}

int mrs_config_switch_preset(mrs_config *cfg, const char *name, mrs_error *err)
{
	mrs_config c;
	if (mrs_config_preset(&c, name, err))
		return -1;
	c.max_age_hours = cfg->max_age_hours;
	c.in_network_halflife_hours = cfg->in_network_halflife_hours;
	c.recency_halflife_hours = cfg->recency_halflife_hours;
	c.graph_window_hours = cfg->graph_window_hours;
	c.fatigue_days = cfg->fatigue_days;
	*cfg = c;
	return 0;
}

const char *mrs_config_weight_note(const char *preset, int head)
{
	static const char *const t2023[MRS_N_HEADS] = {
		"fav 0.5",
		"retweet 1.0",
		"reply 13.5 (reply engaged by author, 75.0, has no head)",
		"good click 11.0 (good click v2, 10.0, folded in)",
		"good profile click 12.0: the nearest head is follow author",
		"negative feedback v2 -74.0",
		"report -369.0",
		"no published weight (video playback 50%, 0.005, has no head)",
	};
	static const char *const x2026[MRS_N_HEADS] = {
		"fav 0.5",
		"retweet 1.0",
		"reply 5.0",
		"click 0.4",
		"follow 4.0",
		"not interested -43.2 (block -31.2 and mute -58.8 have no head)",
		"report -234.0",
		"no published weight (share 2.0 has no head)",
	};
	static const char *const seed[MRS_N_HEADS] = {
		"blend mode: unused", "blend mode: unused", "blend mode: unused",
		"blend mode: unused", "blend: fusion.follow (0.10) x P(follow)",
		"blend mode: unused", "blend mode: unused",
		"blend: fusion.engagement (0.60) x P(any)",
	};
	if (head < 0 || head >= MRS_N_HEADS || !preset)
		return "";
	if (strcmp(preset, "twitter-2023") == 0)
		return t2023[head];
	if (strcmp(preset, "x-2026") == 0)
		return x2026[head];
	if (strcmp(preset, "seed") == 0)
		return seed[head];
	return "custom";
}

/* ------------------------------------------------------------ values */

/* A preset label mrs_config_parse can read back: a preset's name, "custom", or
 * "custom:NAME" for a preset changed by hand, "tuned:NAME" for one tuned by `train`,
 * "custom:tuned:NAME" for that changed by hand. */
static bool preset_label_ok(const char *label)
{
	if (strncmp(label, "custom", 6) == 0) {
		if (label[6] != ':')
			return true;
		label += 7;
	}
	if (strncmp(label, "tuned:", 6) == 0)
		label += 6;
	for (int i = 0; i < MRS_N_PRESETS; i++)
		if (strcmp(label, mrs_presets[i]) == 0)
			return true;
	return false;
}

static int set_value(mrs_config *c, const tunable *t, const cJSON *v, const char *path,
		     mrs_error *err)
{
	char *base = (char *)c + t->offset;
	if (t->type == MRS_T_STRING) {
		if (!cJSON_IsString(v))
			return mrs_fail(err, MRS_ERR_DATA, "%s: expected a string", path);
		if (strlen(v->valuestring) >= sizeof c->preset)
			return mrs_fail(err, MRS_ERR_DATA, "%s: longer than %zu characters", path,
					sizeof c->preset - 1);
		if (!preset_label_ok(v->valuestring))
			return mrs_fail(err, MRS_ERR_DATA,
					"%s: '%s' is not a preset (seed, twitter-2023, x-2026) or "
					"custom[:PRESET]",
					path, v->valuestring);
		snprintf(base, sizeof c->preset, "%s", v->valuestring);
		return 0;
	}
	if (t->type == MRS_T_ENUM) {
		if (!cJSON_IsString(v))
			return mrs_fail(err, MRS_ERR_DATA, "%s: expected a string", path);
		for (int i = 0; t->names[i]; i++)
			if (strcmp(v->valuestring, t->names[i]) == 0) {
				*(int *)base = i;
				return 0;
			}
		return mrs_fail(err, MRS_ERR_DATA, "%s: '%s' is not one of %s, %s", path,
				v->valuestring, t->names[0], t->names[1]);
	}
	if (!cJSON_IsNumber(v))
		return mrs_fail(err, MRS_ERR_DATA, "%s: expected a number", path);
	double x = v->valuedouble;
	if (!isfinite(x) || x < t->lo || x > t->hi)
		return mrs_fail(err, MRS_ERR_DATA, "%s: %g is out of range [%g, %g]", path, x, t->lo,
				t->hi);
	if (t->type == MRS_T_U32) {
		if (x != floor(x))
			return mrs_fail(err, MRS_ERR_DATA, "%s: expected a whole number", path);
		*(uint32_t *)base = (uint32_t)x;
	} else {
		*(float *)base = (float)x;
	}
	return 0;
}

/* Walks an object, applying every leaf; prefix is the JSON path so far. */
static int apply_object(mrs_config *c, const cJSON *obj, const char *prefix, mrs_error *err)
{
	for (const cJSON *it = obj->child; it; it = it->next) {
		char path[256];
		if (!it->string)
			return mrs_fail(err, MRS_ERR_DATA, "%s: unnamed member", prefix[0] ? prefix : "(top)");
		snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", it->string);
		/* which of two values would win is not obvious (and a second preset would
		 * escape the check of the first) */
		for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
			if (prev->string && strcmp(prev->string, it->string) == 0)
				return mrs_fail(err, MRS_ERR_DATA, "%s: given twice", path);
		const tunable *t = find(path);
		if (t) {
			if (set_value(c, t, it, path, err))
				return -1;
			continue;
		}
		if (cJSON_IsObject(it)) {
			/* a group: accept only if some tunable lives under it */
			size_t len = strlen(path);
			bool group = false;
			for (size_t i = 0; i < N_TUNABLES && !group; i++)
				group = strncmp(tunables[i].path, path, len) == 0 &&
					tunables[i].path[len] == '.';
			if (!group)
				return mrs_fail(err, MRS_ERR_DATA, "%s: unknown key", path);
			if (apply_object(c, it, path, err))
				return -1;
			continue;
		}
		return mrs_fail(err, MRS_ERR_DATA, "%s: unknown key", path);
	}
	return 0;
}

int mrs_config_parse(mrs_config *cfg, const char *json, mrs_error *err)
{
	cJSON *root = cJSON_Parse(json);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= json ? (size_t)(at - json) : 0;
		int line = 1;
		for (size_t i = 0; i < off && json[i]; i++)
			line += json[i] == '\n';
		return mrs_fail(err, MRS_ERR_DATA, "line %d: not valid JSON", line);
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return mrs_fail(err, MRS_ERR_DATA, "(top): expected an object");
	}
	mrs_config c = *cfg;
	/* a preset key first: the file's other values apply over that preset (which keeps
	 * the time fields: they are the dataset's, see mrs_config_time_scale) */
	const cJSON *preset = cJSON_GetObjectItemCaseSensitive(root, "preset");
	int rc = 0;
	if (preset) {
		/* "custom:NAME" is NAME changed by hand, "tuned:NAME" NAME tuned by `train`
		 * (either may wrap the other): start from NAME, apply the values */
		const char *name = cJSON_IsString(preset) ? preset->valuestring : NULL;
		if (name && strncmp(name, "custom", 6) == 0)
			name = name[6] == ':' ? name + 7 : NULL;
		if (name && strncmp(name, "tuned:", 6) == 0)
			name += 6;
		if (!cJSON_IsString(preset))
			rc = mrs_fail(err, MRS_ERR_DATA, "preset: expected a string");
		else if (name && mrs_config_switch_preset(&c, name, err) != 0) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			rc = mrs_fail(err, MRS_ERR_DATA, "preset: %s", msg);
		}
	}
	if (!rc)
		rc = apply_object(&c, root, "", err);
	cJSON_Delete(root);
	if (!rc)
		*cfg = c;
	return rc;
}

int mrs_config_load(mrs_config *cfg, const char *path, mrs_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char chunk[4096];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + got > (1u << 20)) {
			fclose(f);
			free(text);
			return mrs_fail(err, MRS_ERR_DATA, "%s: larger than 1 MiB", path);
		}
		if (mrs_grow((void **)&text, &cap, len + got + 1, 1, "config", err)) {
			fclose(f);
			free(text);
			return -1;
		}
		memcpy(text + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (!text)
		return mrs_fail(err, MRS_ERR_DATA, "%s: empty file", path);
	text[len] = '\0';
	if (memchr(text, '\0', len))
		len = 0; /* an embedded NUL: cJSON would stop early, call it invalid below */
	int rc = len ? mrs_config_parse(cfg, text, err) : mrs_fail(err, MRS_ERR_DATA, "NUL byte");
	free(text);
	if (rc)
		mrs_error_prefix(err, "%s", path);
	return rc;
}

/* The shortest decimal text (at most 9 significant digits, always enough for a float)
 * that reads back as exactly v: "0.1", not "0.100000001", and never one that reads back
 * as a neighbour (%.7g printed 1.0000001 as "1"). */
static const char *float_text(float v, char *buf, size_t size)
{
	for (int digits = 6; digits <= 9; digits++) {
		snprintf(buf, size, "%.*g", digits, v);
		if ((float)strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

static cJSON *value_json(const mrs_config *c, const tunable *t)
{
	const char *base = (const char *)c + t->offset;
	switch (t->type) {
	case MRS_T_STRING:
		return cJSON_CreateString(base);
	case MRS_T_ENUM:
		return cJSON_CreateString(t->names[*(const int *)base]);
	case MRS_T_U32:
		return cJSON_CreateNumber(*(const uint32_t *)base);
	default: {
		/* print floats with the precision they have, not float-to-double noise */
		char buf[32];
		return cJSON_CreateNumber(strtod(float_text(*(const float *)base, buf, sizeof buf), NULL));
	}
	}
}

char *mrs_config_to_json(const mrs_config *cfg)
{
	cJSON *root = cJSON_CreateObject();
	for (size_t i = 0; i < N_TUNABLES; i++) {
		const tunable *t = &tunables[i];
		cJSON *parent = root;
		const char *p = t->path, *dot;
		while ((dot = strchr(p, '.'))) {
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)(dot - p), p);
			cJSON *child = cJSON_GetObjectItemCaseSensitive(parent, key);
			if (!child)
				child = cJSON_AddObjectToObject(parent, key);
			parent = child;
			p = dot + 1;
		}
		cJSON_AddItemToObject(parent, p, value_json(cfg, t));
	}
	char *s = cJSON_Print(root);
	cJSON_Delete(root);
	return s;
}

int mrs_config_save(const mrs_config *cfg, const char *path, mrs_error *err)
{
	char *text = mrs_config_to_json(cfg);
	if (!text)
		return mrs_fail(err, MRS_ERR_NOMEM, "%s: cannot format", path);
	int rc = mrs_file_write_text(path, text, err);
	cJSON_free(text);
	return rc;
}

int mrs_config_set(mrs_config *cfg, const char *path, const char *value, mrs_error *err)
{
	const tunable *t = find(path);
	if (!t)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: no such setting", path);
	cJSON *v;
	if (t->type == MRS_T_STRING || t->type == MRS_T_ENUM) {
		v = cJSON_CreateString(value);
	} else {
		char *end;
		errno = 0;
		double x = strtod(value, &end);
		if (!*value || *end || errno == ERANGE)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not a number", path, value);
		v = cJSON_CreateNumber(x);
		if (v && !isfinite(x)) {
			cJSON_Delete(v);
			return mrs_fail(err, MRS_ERR_USAGE, "%s: %s is not a finite number", path, value);
		}
	}
	if (!v)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	mrs_config c = *cfg;
	int rc = set_value(&c, t, v, path, err);
	cJSON_Delete(v);
	if (rc) {
		if (err)
			err->code = MRS_ERR_USAGE;
		return -1;
	}
	if (t->type != MRS_T_STRING && strcmp(c.preset, "custom") != 0 &&
	    strncmp(c.preset, "custom", 6) != 0) {
		/* once changed, the values are no longer the preset's */
		char was[32];
		snprintf(was, sizeof was, "%s", c.preset);
		snprintf(c.preset, sizeof c.preset, "custom:%.24s", was);
	}
	*cfg = c;
	return 0;
}

const char *mrs_config_doc(const char *path)
{
	const tunable *t = find(path);
	return t ? t->doc : NULL;
}

const char *mrs_config_get(const mrs_config *cfg, const char *path, char *buf, size_t size)
{
	const tunable *t = find(path);
	if (!t)
		return NULL;
	const char *base = (const char *)cfg + t->offset;
	switch (t->type) {
	case MRS_T_STRING:
		snprintf(buf, size, "%s", base);
		break;
	case MRS_T_ENUM:
		snprintf(buf, size, "%s", t->names[*(const int *)base]);
		break;
	case MRS_T_U32:
		snprintf(buf, size, "%u", *(const uint32_t *)base);
		break;
	default:
		float_text(*(const float *)base, buf, size);
	}
	return buf;
}
