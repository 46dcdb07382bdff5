/* tune.c: the fusion weights and the heuristics' parameters of a configuration searched on
 * the validation period (the end of the train split, cut by the evaluator's own rule) by
 * coordinate descent with multiplicative steps; the test split is never read. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "eval/eval.h"

/* The stages whose fields tune searches: a change to any of them re-runs each user's
 * request from fusion on (the ranker's heads and the candidates are kept). Not safety:
 * its thresholds and penalties are a policy on what to demote, which a search for
 * engagement would trade away (on the default world it lifted the very-toxic penalty). */
#define SEARCHED_STAGES                                                     \
	((1u << MRS_STAGE_FUSION) | (1u << MRS_STAGE_HEURISTICS) | \
	 (1u << MRS_STAGE_POSTFILTER) | (1u << MRS_STAGE_SELECT))

/* The step factor of the first round and the one under which a search stops: each
 * round that improves nothing takes the square root of the factor (3, 1.73, 1.32, 1.15,
 * 1.07). From 3 rather than 2 a field gets to its best in fewer steps: on the default
 * world, in 100 evaluations, the validation NDCG was higher for the orders of seeds 1, 2
 * and 3 and lower for 4 and 5, 92.2% of the oracle on average against 90.5%. */
#define FIRST_FACTOR 3.0
#define LAST_FACTOR 1.05
/* A step that improves is taken again, at most this many times in a row. */
#define MAX_REPEATS 6
/* Searches from the start, each visiting the fields in its own order, among which the
 * budget is shared; the best configuration any of them measured is kept. One search ends
 * in a local optimum that depends on its order: on the default world and that of seed
 * 7, three searches of 100 evaluations reached a higher validation NDCG than one of 300
 * for three of the five seeds tried, 94.8% of the oracle on average against 93.5%
 * (docs/tuning.md). */
#define STARTS 3

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does the configuration's fusion mode read the field (each mode reads its own fields;
 * the table's readers are stages, not modes)? */
static bool mode_reads(const mrs_tunable *t, const mrs_config *c)
{
	if (starts_with(t->path, "weights."))
		return c->fusion == MRS_FUSION_WEIGHTED;
	if (starts_with(t->path, "fusion.") || starts_with(t->path, "source_mult."))
		return c->fusion == MRS_FUSION_BLEND;
	return true;
}

static bool searched(const mrs_tunable *t, const mrs_config *c)
{
	return t->type == MRS_T_FLOAT && t->readers && !(t->readers & ~SEARCHED_STAGES) &&
	       mode_reads(t, c);
}

/* Fields visited after the others in every round, in table order: the author-position
 * rule, which came after the search's orders were chosen. Drawn into the order with the
 * rest, its two fields changed every order, and Last.fm's search (`train`) converged
 * elsewhere, lower on validation (NDCG@10 0.0598 against 0.0638 without the rule);
 * visited last, the other fields keep their orders, and it reached 0.0636 (the rule's
 * own tries come out of the same budget). */
static bool is_late(const mrs_tunable *t)
{
	return starts_with(t->path, "heuristics.position_");
}

static float get(const mrs_config *c, const mrs_tunable *t)
{
	float v;
	memcpy(&v, (const char *)c + t->offset, sizeof v);
	return v;
}

static void put(mrs_config *c, const mrs_tunable *t, float v)
{
	memcpy((char *)c + t->offset, &v, sizeof v);
}

/* The search's state: the evaluator, the configuration the current search is at, the best
 * configuration so far of every search, the budget. */
typedef struct search {
	mrs_evaluator *ev;
	const mrs_tune_opts *o;
	const mrs_progress *progress;
	const mrs_tunable *tab;
	size_t n_tab;
	uint32_t *coord;        /* rows of tab searched: the first n_shuffled in an order drawn
				   each round, then the late ones (is_late) in table order */
	uint32_t n_coord, n_shuffled;
	mrs_config at, best;
	double at_value, best_value;
	uint32_t until;         /* the current search stops at this many evaluations (0: none) */
	double t0;
	mrs_tune_result *out;
	size_t cap_curve;
	/* the start's mean timeline length up to k: a configuration whose timelines leave
	 * more of the top k empty is never taken (NDCG@k does not see empty places) */
	double start_length;
	/* values already measured, by a hash of the searched fields, and their mean
	 * timeline lengths */
	uint64_t *seen_key;
	double *seen_value, *seen_length;
	size_t n_seen, cap_seen_key, cap_seen_value, cap_seen_length;
	int stop;               /* MRS_TUNE_STOP_* once the budget is spent */
} search;

static uint64_t config_key(const search *s, const mrs_config *c)
{
	uint64_t h = MRS_FNV_START;
	for (uint32_t i = 0; i < s->n_coord; i++) {
		const mrs_tunable *t = &s->tab[s->coord[i]];
		h = mrs_fnv1a(h, (const char *)c + t->offset, t->size);
	}
	return h;
}

static bool budget_left(search *s)
{
	const mrs_tune_opts *o = s->o;
	if (o->max_evals && s->out->evals >= o->max_evals)
		s->stop = MRS_TUNE_STOP_EVALS;
	else if (o->max_seconds > 0 && mrs_seconds() - s->t0 >= o->max_seconds)
		s->stop = MRS_TUNE_STOP_SECONDS;
	return !s->stop && !(s->until && s->out->evals >= s->until);
}

/* Does a configuration whose timelines are `length` long on average (up to k) serve
 * shorter ones than the start? On Higgs a 30-evaluation search took
 * selection.max_oon_share from 0.5 to 0.056: its users have few in-network candidates,
 * their timelines fell from 25 tweets to 3, and NDCG@10 rose, blind to the empty places. */
static bool shorter(const search *s, double length)
{
	return length < s->start_length - 1e-9;
}

/* Validation NDCG of c (and its share of the oracle), run from the first stage its
 * change reads; the curve gets a point. row: the field changed (-1 for the start). */
static int measure(search *s, const mrs_config *c, int row, double *value, double *length,
		   mrs_error *err)
{
	mrs_eval_result r;
	/* the first run hydrates every user's request: its progress is worth showing */
	if (mrs_evaluator_run(s->ev, c, &r, s->out->evals ? NULL : s->progress, err))
		return -1;
	*value = r.sys[MRS_SYS_PIPELINE].ndcg;
	*length = r.sys[MRS_SYS_PIPELINE].length;
	mrs_tune_result *out = s->out;
	if (mrs_grow((void **)&out->curve, &s->cap_curve, (size_t)out->evals + 1, sizeof *out->curve,
		     "tune curve", err))
		return -1;
	bool better = !out->evals || (*value > s->best_value && !shorter(s, *length));
	mrs_tune_point *p = &out->curve[out->evals++];
	*p = (mrs_tune_point){
		.eval = out->evals,
		.value = *value,
		.share = r.oracle_share,
		.best = better ? *value : s->best_value,
		.path = row >= 0 ? s->tab[row].path : NULL,
		.x = row >= 0 ? get(c, &s->tab[row]) : NAN,
		.length = *length,
		.improved = better,
	};
	if (out->evals == 1) {
		out->start_value = *value;
		out->start_share = r.oracle_share;
		out->users = r.users;
	}
	if (better) {
		s->best = *c;
		s->best_value = *value;
		out->best_share = r.oracle_share;
	}
	char detail[160];
	snprintf(detail, sizeof detail, "best NDCG@%u %.4f (start %.4f)%s%s", r.k, p->best,
		 out->start_value, p->path ? ", tried " : "", p->path ? p->path : "");
	if (mrs_progress_report(s->progress, "tuning", out->evals, s->o->max_evals, detail))
		return mrs_fail(err, MRS_ERR_CANCELLED, "tuning cancelled");
	return 0;
}

/* measure() once per distinct configuration: a value seen before is reused. */
static int value_of(search *s, const mrs_config *c, int row, double *value, double *length,
		    mrs_error *err)
{
	uint64_t key = config_key(s, c);
	for (size_t i = 0; i < s->n_seen; i++)
		if (s->seen_key[i] == key) {
			*value = s->seen_value[i];
			*length = s->seen_length[i];
			return 0;
		}
	if (measure(s, c, row, value, length, err))
		return -1;
	if (mrs_grow((void **)&s->seen_key, &s->cap_seen_key, s->n_seen + 1, sizeof *s->seen_key,
		     "tune", err) ||
	    mrs_grow((void **)&s->seen_value, &s->cap_seen_value, s->n_seen + 1,
		     sizeof *s->seen_value, "tune", err) ||
	    mrs_grow((void **)&s->seen_length, &s->cap_seen_length, s->n_seen + 1,
		     sizeof *s->seen_length, "tune", err))
		return -1;
	s->seen_key[s->n_seen] = key;
	s->seen_length[s->n_seen] = *length;
	s->seen_value[s->n_seen++] = *value;
	return 0;
}

/* The value one step from x in direction dir (+1 up, -1 down) at factor f, within the
 * field's range: x times or over f; from 0, a unit (0.1 for a field at most 1, else 1). */
static float step_from(const mrs_tunable *t, float x, double f, int dir)
{
	double y;
	if (x != 0)
		y = dir > 0 ? x * f : x / f;
	else
		y = dir * (t->hi <= 1 ? 0.1 : 1.0) * (f - 1);
	return (float)fmin(fmax(y, t->lo), t->hi);
}

/* A half-life whose rule has weight 0 where the search is changes no score: it is not
 * measured (each try would spend an evaluation on the same lists). */
static bool inert(const search *s, const mrs_tunable *t)
{
	static const struct {
		size_t field, weight;
	} pairs[] = {
		{offsetof(mrs_config, recency_halflife_hours), offsetof(mrs_config, recency_weight)},
		{offsetof(mrs_config, position_halflife), offsetof(mrs_config, position_weight)},
	};
	for (size_t i = 0; i < MRS_ARRAY_LEN(pairs); i++)
		if (t->offset == pairs[i].field) {
			float w;
			memcpy(&w, (const char *)&s->at + pairs[i].weight, sizeof w);
			return w == 0;
		}
	return false;
}

/* One coordinate at factor f from where the search is: each direction tried, and an
 * improving one followed. Sets *moved when the search moved. */
static int search_coordinate(search *s, uint32_t row, double f, bool *moved, mrs_error *err)
{
	const mrs_tunable *t = &s->tab[row];
	if (inert(s, t))
		return 0;
	for (int dir = 1; dir >= -1; dir -= 2) {
		for (int rep = 0; rep <= MAX_REPEATS; rep++) {
			float x = get(&s->at, t), y = step_from(t, x, f, dir);
			if (y == x || !budget_left(s))
				break;
			mrs_config c = s->at;
			put(&c, t, y);
			double v, len;
			if (value_of(s, &c, (int)row, &v, &len, err))
				return -1;
			if (!(v > s->at_value) || shorter(s, len))
				break;
			s->at = c;
			s->at_value = v;
			*moved = true;
		}
	}
	return 0;
}

/* One search from the start: rounds over the coordinates in an order drawn from seed, the
 * factor shrinking after each round that changed nothing, until it is small or the
 * search's budget is spent. */
static int search_from_start(search *s, const mrs_config *start, double start_value,
			     uint64_t seed, mrs_error *err)
{
	mrs_rng rng;
	mrs_rng_seed(&rng, seed ^ 0x7a9e);
	s->at = *start;
	s->at_value = start_value;
	double f = FIRST_FACTOR;
	while (f >= LAST_FACTOR && budget_left(s)) {
		for (uint32_t i = s->n_shuffled; i > 1; i--) {
			uint32_t j = mrs_rng_below(&rng, i), tmp = s->coord[i - 1];
			s->coord[i - 1] = s->coord[j], s->coord[j] = tmp;
		}
		bool moved = false;
		for (uint32_t i = 0; i < s->n_coord && !s->stop; i++)
			if (search_coordinate(s, s->coord[i], f, &moved, err))
				return -1;
		s->out->rounds++;
		if (!moved)
			f = sqrt(f);
	}
	return 0;
}

/* STARTS searches from the start, search i in the order of seed + i; under a limit of
 * evaluations search i stops once (i + 1) / STARTS of it is spent (the last at the
 * limit), without one each runs until it converges. measure() keeps the best of all. */
static int run_search(search *s, const mrs_config *start, double start_value, mrs_error *err)
{
	for (uint32_t i = 0; i < STARTS && !s->stop; i++) {
		s->until = s->o->max_evals && i + 1 < STARTS
				   ? (uint32_t)((uint64_t)s->o->max_evals * (i + 1) / STARTS)
				   : 0;
		if (search_from_start(s, start, start_value, s->o->seed + i, err))
			return -1;
	}
	if (!s->stop)
		s->stop = MRS_TUNE_STOP_CONVERGED;
	return 0;
}

/* Sets out->models_dir to SET/validation, the models trained on the validation split's
 * train part, training them there unless a heavy ranker of this dataset is already there
 * (a new `train` makes a new set, so what is found there is never stale). The serving
 * models cannot score the search: they learnt from the validation period (on the default
 * world a search with them reached 92% of the oracle on validation and 75% on test).
 * When they cannot be trained (nothing to learn from before the validation period, a
 * folder that cannot be written), the serving set scores the search and out says why;
 * only a cancel or a lack of memory fails. */
static int validation_models(const mrs_dataset *ds, const mrs_tune_opts *o,
			     mrs_tune_result *out, const mrs_progress *progress, mrs_error *err)
{
	const char *dir = o->eval.models_dir && *o->eval.models_dir ? o->eval.models_dir : "models";
	char set[4096];
	if (mrs_models_current(dir, set, sizeof set, err))
		return -1;
	if ((size_t)snprintf(out->models_dir, sizeof out->models_dir, "%s/validation", set) >=
	    sizeof out->models_dir)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", set);
	/* under the random split, the evaluator trains its own on the validation split's
	 * train rows (mrs_tune reads which from it) */
	if (o->eval.split == MRS_SPLIT_RANDOM) {
		snprintf(out->models_dir, sizeof out->models_dir, "%s", set);
		return 0;
	}
	/* no ranker of this dataset serves: the search scores with what serves (the
	 * fallbacks), as eval would, and trains nothing */
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(set, ds, cc);
	if (cc[MRS_MODEL_RANKER].state != MRS_CARD_THIS || cc[MRS_MODEL_RANKER].skipped[0]) {
		snprintf(out->models_dir, sizeof out->models_dir, "%s", set);
		snprintf(out->models_note, sizeof out->models_note,
			 "no heavy ranker of this dataset there: nothing to train before the "
			 "validation period");
		out->models_serving = true;
		return 0;
	}
	mrs_eval_opts eo = o->eval;
	eo.split = MRS_SPLIT_TEMPORAL;
	mrs_dataset *v = mrs_eval_validation_dataset(ds, &eo, err);
	if (!v)
		return -1;
	mrs_progress_report(progress, "validation models", 0, 1, out->models_dir);
	char why[200];
	int rc = mrs_eval_models_like(set, v, out->models_dir, ds->path, progress, why,
				      sizeof why, err);
	mrs_dataset_free(v);
	out->models_trained = rc == 1;
	if (rc == 2) {
		snprintf(out->models_note, sizeof out->models_note,
			 "they have seen the validation period; none could be trained before "
			 "it: %.150s",
			 why);
		snprintf(out->models_dir, sizeof out->models_dir, "%s", set);
		out->models_serving = true;
	}
	return rc < 0 ? -1 : 0;
}

int mrs_tune(const mrs_dataset *ds, const mrs_config *start, const mrs_tune_opts *o,
	     mrs_tune_result *out, const mrs_progress *progress, mrs_error *err)
{
	memset(out, 0, sizeof *out);
	search s = {.o = o, .progress = progress, .out = out, .t0 = mrs_seconds()};
	s.tab = mrs_config_tunables(&s.n_tab);
	mrs_eval_opts eo = o->eval;
	/* under the random split, the validation split is a random split of its train
	 * part (another seed), cut by the same rule */
	if (eo.split != MRS_SPLIT_RANDOM)
		eo.ratio = 0;
	else if (!eo.ratio)
		eo.ratio = 0.75;
	eo.validation = true;      /* the test split is never read */
	eo.keep_requests = true;   /* a change re-runs from the first stage that reads it */
	eo.models = false;
	eo.lists_only = true;
	eo.systems = 1u << MRS_SYS_PIPELINE | 1u << MRS_SYS_ORACLE;
	int rc = -1;
	if (validation_models(ds, o, out, progress, err))
		goto out;
	eo.models_dir = out->models_dir;
	if (!(s.coord = mrs_calloc(s.n_tab, sizeof *s.coord, "tune", err)))
		goto out;
	for (size_t i = 0; i < s.n_tab; i++)
		if (searched(&s.tab[i], start) && !is_late(&s.tab[i]))
			s.coord[s.n_coord++] = (uint32_t)i;
	s.n_shuffled = s.n_coord;
	for (size_t i = 0; i < s.n_tab; i++)
		if (searched(&s.tab[i], start) && is_late(&s.tab[i]))
			s.coord[s.n_coord++] = (uint32_t)i;
	if (!(s.ev = mrs_evaluator_new(ds, &eo, progress, err)))
		goto out;
	mrs_evaluator_period(s.ev, &out->valid_from, &out->valid_to);
	out->split = eo.split;
	out->ratio = eo.ratio;
	if (eo.split == MRS_SPLIT_RANDOM) {
		const char *note;
		snprintf(out->models_dir, sizeof out->models_dir, "%s",
			 mrs_evaluator_models(s.ev, &note));
		snprintf(out->models_note, sizeof out->models_note, "%s", note);
		out->models_serving = *note != '\0';
	}
	out->searched = s.n_coord;
	out->best = *start;
	double v;
	if (value_of(&s, start, -1, &v, &s.start_length, err) || run_search(&s, start, v, err))
		goto out;
	out->best = s.best;
	out->best_value = s.best_value;
	out->stop = s.stop;
	if (mrs_config_first_reader(s.tab, s.n_tab, start, &out->best) < MRS_N_STAGES &&
	    !starts_with(out->best.preset, "custom")) {
		/* the values are no longer the preset's (as mrs_config_set labels them) */
		char was[32];
		snprintf(was, sizeof was, "%s", out->best.preset);
		snprintf(out->best.preset, sizeof out->best.preset, "custom:%.24s", was);
	}
	out->seconds = mrs_seconds() - s.t0;
	rc = 0;
out:
	mrs_evaluator_free(s.ev);
	free(s.coord), free(s.seen_key), free(s.seen_value), free(s.seen_length);
	if (rc) {
		free(out->curve);
		out->curve = NULL;
	}
	return rc;
}

void mrs_tune_result_free(mrs_tune_result *r)
{
	if (!r)
		return;
	free(r->curve);
	r->curve = NULL;
}

int mrs_tuned_config(const char *models_dir, const mrs_dataset *ds, char *path, size_t size,
		     mrs_error *err)
{
	char set[4096];
	if (mrs_models_current(models_dir && *models_dir ? models_dir : "models", set, sizeof set,
			       err))
		return -1;
	if ((size_t)snprintf(path, size, "%s/%s", set, MRS_TUNED_CONFIG) >= size)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", set);
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(set, ds, cc);
	if (cc[MRS_MODEL_RANKER].state != MRS_CARD_THIS || cc[MRS_MODEL_RANKER].skipped[0])
		return 0;
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? 2 : 1;
}
