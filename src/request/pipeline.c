/* pipeline.c: one For You request: the stage table, run in order, each stage recording
 * what it did in the trace; re-runs start at the first stage a change affects. */
#include <math.h>

#include "request/request.h"

/* A stage: what it is, what runs it, and whether a re-run can start at it. Which config
 * fields it reads is recorded once, in config.c's table of tunables. */
typedef struct stage_entry {
	mrs_stage_info info;
	/* exactly one of: a stage over the whole request ... */
	int (*run)(mrs_request *r, int stage, mrs_error *err);
	/* ... or a ranking stage over the candidates (stages.c) */
	void (*rank)(mrs_stage_ctx *x);
	/* the request keeps the pool as it stood when this stage began, so a re-run can
	 * start here (hydration keeps nothing: it starts from scratch) */
	bool restart;
} stage_entry;

static int run_hydrate(mrs_request *r, int stage, mrs_error *err);
static int run_source(mrs_request *r, int stage, mrs_error *err);
static int run_dedup(mrs_request *r, int stage, mrs_error *err);
static int run_features(mrs_request *r, int stage, mrs_error *err);
static int run_ranker(mrs_request *r, int stage, mrs_error *err);

static const stage_entry stages[MRS_N_STAGES] = {
	[MRS_STAGE_HYDRATE] = {{"hydrate", "Query hydration",
	  "home-mixer's query feature hydrators: the viewer's follows with RealGraph weights, "
	  "impression (seen) store, blocks and mutes",
	  "Loads who the viewer follows (strongest RealGraph ties first), what they have seen, "
	  "whom they block or mute, and where they gave negative feedback."},
	 .run = run_hydrate, .restart = true},
	[MRS_STAGE_IN_NETWORK] = {{"in_network", "InNetwork source",
	  "Earlybird, the in-network search index (home-mixer's in-network candidate source)",
	  "Recent tweets of accounts the viewer follows, light-ranked by RealGraph weight and "
	  "recency."},
	 .run = run_source},
	[MRS_STAGE_OUT_OF_NETWORK] = {{"out_of_network", "OutOfNetwork source",
	  "CR-Mixer with SimClusters ANN (out-of-network candidate retrieval)",
	  "Tweets from the viewer's top SimClusters InterestedIn communities, by the tweet's "
	  "community score, excluding followed authors."},
	 .run = run_source},
	[MRS_STAGE_GRAPH] = {{"graph", "Graph source",
	  "UTEG, the user-tweet-entity graph on GraphJet",
	  "Tweets the viewer's strongest followees engaged with recently, ranked by "
	  "RealGraph-weighted engager count, with social proof."},
	 .run = run_source},
	[MRS_STAGE_FOLLOW_RECS] = {{"follow_recs", "FollowRecs source",
	  "the Follow Recommendation Service (FRS)",
	  "Recent tweets of accounts recommended to follow: two hops away, or close in "
	  "SimClusters producer space."},
	 .run = run_source},
	[MRS_STAGE_DEDUP] = {{"dedup", "Dedup",
	  "home-mixer's candidate merging (duplicate candidates dropped)",
	  "One candidate per tweet; every source that found it is kept as provenance and the "
	  "first source in stage order is credited."},
	 .run = run_dedup},
	[MRS_STAGE_PREFILTER] = {{"prefilter", "Pre-scoring filters",
	  "home-mixer's filters: self tweets, previously seen, author blocked or muted, age",
	  "Drops the viewer's own tweets, tweets already seen, tweets by blocked or muted "
	  "authors, and tweets older than the age limit."},
	 .rank = mrs_stage_prefilter},
	[MRS_STAGE_FEATURES] = {{"features", "Feature hydration",
	  "home-mixer's candidate feature hydrators feeding the Heavy Ranker; the NSFW and "
	  "toxicity models of visibility filtering",
	  "Builds each candidate's feature vector (the same function training used) and scores "
	  "its text with the safety models."},
	 .run = run_features},
	[MRS_STAGE_RANKER] = {{"ranker", "Heavy ranker",
	  "the Heavy Ranker (a multi-task network with one head per engagement) served by Navi",
	  "One batched forward of the trained network: the probability of each action, and of any "
	  "engagement."},
	 .run = run_ranker},
	[MRS_STAGE_FUSION] = {{"fusion", "Fusion",
	  "the Heavy Ranker's weighted sum of engagement predictions (the model weights of "
	  "each published configuration)",
	  "Turns the heads into one score with the preset's weights (and, for the seed preset, "
	  "the embedding blend and source multipliers)."},
	 .rank = mrs_stage_fusion, .restart = true},
	[MRS_STAGE_SAFETY] = {{"safety", "Safety",
	  "visibility filtering: NSFW and toxicity labels and verdicts",
	  "Multiplies risky tweets down by threshold, or gives each a verdict: allow, "
	  "interstitial (warned and demoted) or drop."},
	 .rank = mrs_stage_safety},
	[MRS_STAGE_HEURISTICS] = {{"heuristics", "Heuristics",
	  "home-mixer's scorers and rescorers: out-of-network scale factor, author diversity, "
	  "feedback fatigue",
	  "Out-of-network tweets x0.75, recency decay, fatigue for authors given negative "
	  "feedback, author diversity keyed on the original author, and (off in the presets) "
	  "author position: an in-network tweet its author has posted newer ones since."},
	 .rank = mrs_stage_heuristics},
	[MRS_STAGE_POSTFILTER] = {{"postfilter", "Post-scoring filters",
	  "home-mixer's post-scoring filters",
	  "Drops candidates whose score ended below the threshold."},
	 .rank = mrs_stage_postfilter},
	[MRS_STAGE_SELECT] = {{"select", "Selection",
	  "home-mixer's selectors: in-network / out-of-network balance, per-source minimums, "
	  "top K",
	  "Keeps the out-of-network share under its cap, the best of every source that has "
	  "any, then the top K by score."},
	 .rank = mrs_stage_select},
};

const mrs_stage_info *mrs_stage_info_get(int stage)
{
	return stage >= 0 && stage < MRS_N_STAGES ? &stages[stage].info : NULL;
}

int mrs_stage_by_name(const char *name)
{
	for (int s = 0; s < MRS_N_STAGES; s++)
		if (strcmp(name, stages[s].info.name) == 0)
			return s;
	return -1;
}

const char *mrs_rule_name(int rule)
{
	static const char *const names[MRS_N_RULES] = {
		[MRS_RULE_NONE] = "none",
		[MRS_RULE_FUSION] = "fusion",
		[MRS_RULE_CALIBRATION] = "calibration",
		[MRS_RULE_SOURCE_MULT] = "source multiplier",
		[MRS_RULE_NSFW_HIGH] = "NSFW (high)",
		[MRS_RULE_NSFW_MID] = "NSFW (mid)",
		[MRS_RULE_TOX_HIGH] = "toxicity (high)",
		[MRS_RULE_TOX_MID] = "toxicity (mid)",
		[MRS_RULE_INTERSTITIAL] = "interstitial",
		[MRS_RULE_OON_SCALE] = "out-of-network scale",
		[MRS_RULE_RECENCY] = "recency",
		[MRS_RULE_FATIGUE] = "feedback fatigue",
		[MRS_RULE_DIVERSITY] = "author diversity",
		[MRS_RULE_POSITION] = "author position",
	};
	return rule >= 0 && rule < MRS_N_RULES ? names[rule] : "unknown";
}

struct mrs_request {
	const mrs_engine *e;
	bool has_run;
	uint32_t viewer;
	int64_t now;
	mrs_config cfg;       /* the config of the last run */
	int first_stage;
	mrs_query q;
	bool has_query;
	mrs_cand_list src[MRS_N_SOURCES];
	mrs_cand_list pool;
	/* for each restartable stage after dedup: the pool as it stood when the stage began
	 * in the last run (valid until dedup runs again) and how many events there were */
	mrs_candidate *snap[MRS_N_STAGES];
	size_t snap_cap[MRS_N_STAGES], snap_events[MRS_N_STAGES];
	bool snap_valid[MRS_N_STAGES];
	float *score_at;      /* [pool.n * MRS_N_STAGES] */
	size_t score_cap;
	mrs_stage_stats st[MRS_N_STAGES];
	mrs_stage_ctx x;
	uint32_t *order_buf;
	uint32_t *fat_author;
	int64_t *fat_time;
	uint32_t n_fat;
	uint32_t *tweets;     /* scratch: tweet ids of alive candidates */
	uint32_t *rows;       /* scratch: which candidate each row is */
	float *feat, *heads;
	uint32_t scratch_cap;
	uint32_t *prev;       /* tweets of the previous timeline, in rank order */
	uint32_t n_prev;
	bool has_prev;
};

mrs_request *mrs_request_new(const mrs_engine *e, mrs_error *err)
{
	mrs_request *r = mrs_calloc(1, sizeof *r, "request", err);
	if (!r)
		return NULL;
	r->e = e;
	return r;
}

void mrs_request_free(mrs_request *r)
{
	if (!r)
		return;
	if (r->has_query)
		mrs_query_free(&r->q);
	for (int s = 0; s < MRS_N_SOURCES; s++)
		mrs_cand_list_free(&r->src[s]);
	mrs_cand_list_free(&r->pool);
	for (int s = 0; s < MRS_N_STAGES; s++)
		free(r->snap[s]);
	free(r->score_at), free(r->x.ev), free(r->order_buf);
	free(r->fat_author), free(r->fat_time);
	free(r->tweets), free(r->rows), free(r->feat), free(r->heads);
	free(r->prev);
	free(r);
}

/* Grows the per-candidate buffers to n (at least 1: with no candidates at all the stages
 * still sort and copy zero entries, and NULL is no valid argument even then). */
static int ensure_scratch(mrs_request *r, uint32_t n, mrs_error *err)
{
	if (r->order_buf && n <= r->scratch_cap)
		return 0;
	uint32_t cap = MRS_MAX(MRS_MAX(n, 1u), 2 * r->scratch_cap);
	free(r->tweets), free(r->rows), free(r->feat), free(r->heads);
	free(r->order_buf);
	r->tweets = mrs_calloc(cap, sizeof(uint32_t), "request", err);
	r->rows = mrs_calloc(cap, sizeof(uint32_t), "request", err);
	r->order_buf = mrs_calloc(cap, sizeof(uint32_t), "request", err);
	r->feat = mrs_calloc((size_t)cap * MRS_N_FEATURES, sizeof(float), "request", err);
	r->heads = mrs_calloc((size_t)cap * MRS_N_HEADS, sizeof(float), "request", err);
	if (!r->tweets || !r->rows || !r->order_buf || !r->feat || !r->heads) {
		r->scratch_cap = 0;
		return -1;
	}
	r->scratch_cap = cap;
	return 0;
}

/* Authors the viewer gave negative feedback on before now, with the latest time. */
static int hydrate_fatigue(mrs_request *r, mrs_error *err)
{
	const mrs_dataset *ds = r->e->ds;
	uint32_t a = ds->uimp_off[r->viewer], b = ds->uimp_off[r->viewer + 1];
	free(r->fat_author), free(r->fat_time);
	r->fat_author = NULL, r->fat_time = NULL, r->n_fat = 0;
	uint32_t n = 0;
	for (uint32_t i = a; i < b && ds->imp_time[i] < r->now; i++)
		n += (ds->imp_actions[i] >> MRS_ACT_NEGFB) & 1;
	if (!n)
		return 0;
	r->fat_author = mrs_calloc(n, sizeof(uint32_t), "fatigue", err);
	r->fat_time = mrs_calloc(n, sizeof(int64_t), "fatigue", err);
	if (!r->fat_author || !r->fat_time)
		return -1;
	for (uint32_t i = a; i < b && ds->imp_time[i] < r->now; i++) {
		if (!((ds->imp_actions[i] >> MRS_ACT_NEGFB) & 1))
			continue;
		uint32_t au = mrs_ds_original_author(ds, ds->imp_tweet[i]);
		/* insertion into the sorted array; keep the latest time per author */
		uint32_t k = 0;
		while (k < r->n_fat && r->fat_author[k] < au)
			k++;
		if (k < r->n_fat && r->fat_author[k] == au) {
			r->fat_time[k] = MRS_MAX(r->fat_time[k], ds->imp_time[i]);
			continue;
		}
		memmove(r->fat_author + k + 1, r->fat_author + k, (r->n_fat - k) * sizeof(uint32_t));
		memmove(r->fat_time + k + 1, r->fat_time + k, (r->n_fat - k) * sizeof(int64_t));
		r->fat_author[k] = au;
		r->fat_time[k] = ds->imp_time[i];
		r->n_fat++;
	}
	return 0;
}

static void record_scores(mrs_request *r, int stage)
{
	for (uint32_t i = 0; i < r->pool.n; i++) {
		const mrs_candidate *c = &r->pool.v[i];
		bool scored = stage >= MRS_STAGE_FUSION;
		r->score_at[(size_t)i * MRS_N_STAGES + stage] =
			c->dropped_at >= 0 && c->dropped_at <= stage ? NAN : scored ? c->score : NAN;
	}
}

/* Feature hydration. The feature vector already holds the embedding scores, the
 * RealGraph weight and the safety scores that fusion and the safety stage read: they
 * are copied from it rather than computed again. */
static int run_features(mrs_request *r, int stage, mrs_error *err)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->pool.n; i++)
		if (r->pool.v[i].dropped_at < 0) {
			r->rows[n] = i;
			r->tweets[n++] = r->pool.v[i].tweet;
		}
	if (!n)
		return 0;
	if (mrs_features(r->e, r->viewer, r->tweets, n, r->now, r->feat, err))
		return -1;
	for (uint32_t k = 0; k < n; k++) {
		mrs_candidate *c = &r->pool.v[r->rows[k]];
		const float *f = r->feat + (size_t)k * MRS_N_FEATURES;
		memcpy(c->feat, f, sizeof c->feat);
		c->nsfw = f[F_SAFETY_NSFW];
		c->tox = f[F_SAFETY_TOXICITY];
		c->sc = f[F_EMB_SIMCLUSTERS];
		c->twhin = f[F_EMB_TWHIN];
		c->rg = f[F_PAIR_REALGRAPH];
	}
	return 0;
}

static int run_ranker(mrs_request *r, int stage, mrs_error *err)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->pool.n; i++)
		if (r->pool.v[i].dropped_at < 0) {
			r->rows[n] = i;
			memcpy(r->feat + (size_t)n * MRS_N_FEATURES, r->pool.v[i].feat,
			       sizeof r->pool.v[i].feat);
			n++;
		}
	if (!n)
		return 0;
	if (mrs_ranker_predict(r->e, r->feat, n, r->heads, err))
		return -1;
	for (uint32_t k = 0; k < n; k++)
		r->tweets[k] = r->pool.v[r->rows[k]].tweet;
	mrs_ranker_sampling_correct(r->e, r->tweets, n, r->now, r->heads);
	for (uint32_t k = 0; k < n; k++) {
		mrs_candidate *c = &r->pool.v[r->rows[k]];
		memcpy(c->heads, r->heads + (size_t)k * MRS_N_HEADS, sizeof(float) * MRS_N_HEADS);
		/* the follow head was trained only where following was possible: an author
		 * already followed cannot be followed again */
		if (c->in_network)
			c->heads[MRS_ACT_FOLLOW] = 0;
	}
	return 0;
}

static int run_hydrate(mrs_request *r, int stage, mrs_error *err)
{
	if (r->has_query)
		mrs_query_free(&r->q);
	r->has_query = false;
	if (mrs_query_hydrate(r->e, r->viewer, r->now, &r->q, err))
		return -1;
	r->has_query = true;
	return hydrate_fatigue(r, err);
}

/* The four source stages, in MRS_SRC_* order. */
static int run_source(mrs_request *r, int stage, mrs_error *err)
{
	int src = stage - MRS_STAGE_IN_NETWORK;
	r->src[src].n = 0;
	return mrs_source_run(src, r->e, &r->q, &r->cfg, &r->src[src], err);
}

/* Dedup makes a new pool: every snapshot of the old one is void. */
static int run_dedup(mrs_request *r, int stage, mrs_error *err)
{
	mrs_stage_ctx *x = &r->x;
	r->pool.n = 0;
	if (mrs_candidates_dedup(r->src, &r->pool, err))
		return -1;
	size_t need = (size_t)r->pool.n * MRS_N_STAGES;
	if (need > r->score_cap) {
		free(r->score_at);
		r->score_at = mrs_calloc(need, sizeof(float), "trace", err);
		r->score_cap = r->score_at ? need : 0;
		if (!r->score_at)
			return -1;
	}
	for (int s = 0; s < MRS_N_STAGES; s++)
		r->snap_valid[s] = false;
	if (ensure_scratch(r, r->pool.n, err))
		return -1;
	x->order = r->order_buf;
	x->c = r->pool.v;
	x->n = r->pool.n;
	for (uint32_t i = 0; i < r->pool.n; i++) {
		mrs_candidate *c = &r->pool.v[i];
		c->dropped_at = -1;
		c->drop_reason = MRS_DROP_NONE;
		c->rank = 0;
		c->in_network = mrs_query_follows(&r->q, c->author);
	}
	return 0;
}

/* Runs one stage as its table entry says; returns -1 on error. */
static int run_stage(mrs_request *r, int s, mrs_error *err)
{
	mrs_stage_ctx *x = &r->x;
	x->stage = s;
	x->c = r->pool.v;
	x->n = r->pool.n;
	if (stages[s].rank) {
		stages[s].rank(x);
		return 0;
	}
	return stages[s].run(r, s, err);
}

/* Keeps the pool as it stands when restartable stage s begins. */
static int save_snapshot(mrs_request *r, int s, mrs_error *err)
{
	size_t n = r->pool.n;
	if (n > r->snap_cap[s] || !r->snap[s]) {
		free(r->snap[s]);
		r->snap_cap[s] = 0;
		if (!(r->snap[s] = malloc(sizeof(mrs_candidate) * (n ? n : 1))))
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for the trace");
		r->snap_cap[s] = n;
	}
	if (n) /* an empty pool may have no array: memcpy of NULL is undefined */
		memcpy(r->snap[s], r->pool.v, sizeof(mrs_candidate) * n);
	r->snap_events[s] = r->x.n_ev;
	r->snap_valid[s] = true;
	return 0;
}

/* Where a run of viewer at now can start, given the first stage that must run again: the
 * latest restartable stage at or before it whose saved state the request holds, or query
 * hydration. */
static int start_stage(const mrs_request *r, uint32_t viewer, int64_t now, int first)
{
	if (!r->has_run || r->viewer != viewer || r->now != now)
		return MRS_STAGE_HYDRATE;
	for (int s = MRS_MIN(first, MRS_N_STAGES - 1); s > MRS_STAGE_HYDRATE; s--)
		if (stages[s].restart && r->snap_valid[s])
			return s;
	return MRS_STAGE_HYDRATE;
}

static uint32_t stage_in_count(const mrs_request *r, int s)
{
	if (s <= MRS_STAGE_FOLLOW_RECS)
		return 0;
	if (s == MRS_STAGE_DEDUP) {
		uint32_t n = 0;
		for (int k = 0; k < MRS_N_SOURCES; k++)
			n += r->src[k].n;
		return n;
	}
	return mrs_stage_count_alive(&r->x);
}

static uint32_t stage_out_count(const mrs_request *r, int s)
{
	if (s == MRS_STAGE_HYDRATE)
		return r->q.n_followees;
	if (s <= MRS_STAGE_FOLLOW_RECS)
		return r->src[s - MRS_STAGE_IN_NETWORK].n;
	return mrs_stage_count_alive(&r->x);
}

static void keep_previous_timeline(mrs_request *r, uint32_t viewer)
{
	r->has_prev = false;
	if (!r->has_run || r->viewer != viewer)
		return;
	uint32_t n = r->x.n_order;
	uint32_t *prev = n ? malloc(sizeof(uint32_t) * n) : NULL;
	if (n && !prev)
		return; /* rank movement is a nicety: without memory it is simply not shown */
	for (uint32_t k = 0; k < n; k++)
		prev[k] = r->pool.v[r->x.order[k]].tweet;
	free(r->prev);
	r->prev = prev;
	r->n_prev = n;
	r->has_prev = true;
}

int mrs_request_run(mrs_request *r, uint32_t viewer, int64_t now, const mrs_config *cfg,
		    mrs_error *err)
{
	size_t n;
	const mrs_tunable *t = mrs_config_tunables(&n);
	int first = r->has_run ? mrs_config_first_reader(t, n, &r->cfg, cfg) : MRS_STAGE_HYDRATE;
	return mrs_request_run_from(r, viewer, now, cfg, first, err);
}

int mrs_request_run_from(mrs_request *r, uint32_t viewer, int64_t now, const mrs_config *cfg,
			 int first, mrs_error *err)
{
	const mrs_dataset *ds = r->e->ds;
	if (viewer >= ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "user %u does not exist (%u users)", viewer,
				ds->n_users);
	if (!now)
		now = r->e->now;
	int start = start_stage(r, viewer, now, first);
	keep_previous_timeline(r, viewer);
	r->viewer = viewer;
	r->now = now;
	r->cfg = *cfg;
	r->has_run = false;
	mrs_stage_ctx *x = &r->x;
	x->ds = ds;
	x->cfg = &r->cfg;
	x->now = now;
	x->viewer = viewer;
	x->oom = false;
	if (start > MRS_STAGE_HYDRATE) {
		if (r->pool.n)
			memcpy(r->pool.v, r->snap[start], sizeof(mrs_candidate) * r->pool.n);
		x->n_ev = r->snap_events[start];
	} else {
		x->n_ev = 0;
		x->n_order = 0;
		r->pool.n = 0;
	}
	x->q = &r->q;
	for (int s = 0; s < start; s++)
		r->st[s].ran = false;
	for (int s = start; s < MRS_N_STAGES; s++) {
		if (stages[s].restart && s > MRS_STAGE_DEDUP && !r->snap_valid[s] &&
		    save_snapshot(r, s, err))
			return -1;
		x->fatigue_author = r->fat_author;
		x->fatigue_time = r->fat_time;
		x->n_fatigue = r->n_fat;
		double t0 = mrs_seconds();
		uint32_t in = stage_in_count(r, s);
		if (run_stage(r, s, err)) {
			mrs_error_prefix(err, "%s", stages[s].info.name);
			return -1;
		}
		if (x->oom)
			return mrs_fail(err, MRS_ERR_NOMEM, "%s: out of memory", stages[s].info.name);
		r->st[s] = (mrs_stage_stats){true, in, stage_out_count(r, s),
					     (mrs_seconds() - t0) * 1e6};
		if (s >= MRS_STAGE_DEDUP)
			record_scores(r, s);
	}
	r->first_stage = start;
	r->has_run = true;
	return 0;
}

int mrs_request_first_stage(const mrs_request *r)
{
	return r->first_stage;
}

const mrs_engine *mrs_request_engine(const mrs_request *r)
{
	return r->e;
}

uint32_t mrs_request_viewer(const mrs_request *r)
{
	return r->viewer;
}

int64_t mrs_request_now(const mrs_request *r)
{
	return r->now;
}

const mrs_query *mrs_request_query(const mrs_request *r)
{
	return &r->q;
}

const mrs_cand_list *mrs_request_source(const mrs_request *r, int source)
{
	return source >= 0 && source < MRS_N_SOURCES ? &r->src[source] : NULL;
}

const mrs_candidate *mrs_request_candidates(const mrs_request *r, uint32_t *n)
{
	*n = r->pool.n;
	return r->pool.v;
}

float mrs_request_score_at(const mrs_request *r, uint32_t i, int stage)
{
	if (i >= r->pool.n || stage < MRS_STAGE_DEDUP || stage >= MRS_N_STAGES)
		return NAN;
	return r->score_at[(size_t)i * MRS_N_STAGES + stage];
}

const mrs_stage_stats *mrs_request_stage(const mrs_request *r, int stage)
{
	return stage >= 0 && stage < MRS_N_STAGES ? &r->st[stage] : NULL;
}

uint32_t mrs_request_timeline(const mrs_request *r, const uint32_t **order)
{
	*order = r->x.order;
	return r->has_run ? r->x.n_order : 0;
}

const mrs_event *mrs_request_events(const mrs_request *r, size_t *n)
{
	*n = r->x.n_ev;
	return r->x.ev;
}

uint32_t mrs_request_prev_rank(const mrs_request *r, uint32_t tweet)
{
	if (!r->has_prev)
		return 0;
	for (uint32_t k = 0; k < r->n_prev; k++)
		if (r->prev[k] == tweet)
			return k + 1;
	return 0;
}

bool mrs_request_has_prev(const mrs_request *r)
{
	return r->has_prev;
}
