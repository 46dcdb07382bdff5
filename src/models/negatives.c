/* negatives.c: negatives sampled for logs that hold engagements only, by one documented
 * rule, so that a ranker trained and scored on them has an AUC and an RCE that mean
 * something (docs/features.md, "Negatives for engagement-only logs"). */
#include "models/models.h"

/* The rule. For an engagement (user u, moment t), draw an impression uniformly from those
 * at [t - L, t] (L: the dataset's age limit), so an item is drawn as often as it was
 * engaged with then, as a feed shows what is popular; keep its tweet when it is live at
 * t (created in [t - L, t]), not u's own (nor a retweet of u), u never engaged with it
 * (at any time) and it was not drawn already for this engagement. At most
 * MRS_NEG_TRIES_PER draws per negative wanted. */
#define MRS_NEG_TRIES_PER 8

struct mrs_neg_sampler {
	const mrs_dataset *ds;
	mrs_rng rng;
	int64_t window;   /* L in seconds */
	uint32_t *order;  /* [n_impressions] impression indexes by time */
	uint32_t user;    /* the user whose tweets `mine` holds, MRS_NONE for none */
	uint32_t *mine;   /* the tweets the user has impressions of, ascending */
	size_t n_mine, cap_mine;
};

bool mrs_engagements_only(const mrs_dataset *ds)
{
	if (!ds->n_impressions)
		return false;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		if (!ds->imp_actions[i])
			return false;
	return true;
}

bool mrs_neg_at_creation(const mrs_dataset *ds, uint32_t i)
{
	return ds->tweet_time[ds->imp_tweet[i]] >= ds->imp_time[i];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void mrs_neg_sampler_free(mrs_neg_sampler *s)
{
	if (!s)
		return;
	free(s->order), free(s->mine);
	free(s);
}

mrs_neg_sampler *mrs_neg_sampler_new(const mrs_dataset *ds, uint64_t seed, mrs_error *err)
{
	mrs_neg_sampler *s = mrs_calloc(1, sizeof *s, "negatives", err);
	if (!s)
		return NULL;
	size_t n = ds->n_impressions;
	mrs_timed_imp *t = mrs_calloc(MRS_MAX(n, (size_t)1), sizeof *t, "negatives", err);
	s->order = mrs_calloc(MRS_MAX(n, (size_t)1), sizeof(uint32_t), "negatives", err);
	if (!t || !s->order) {
		free(t);
		mrs_neg_sampler_free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		t[i] = (mrs_timed_imp){ds->imp_time[i], (uint32_t)i};
	qsort(t, n, sizeof *t, mrs_timed_imp_cmp);
	for (size_t i = 0; i < n; i++)
		s->order[i] = t[i].imp;
	free(t);
	s->ds = ds;
	s->window = (int64_t)(ds->time_scale.age_limit_hours * MRS_HOUR);
	s->user = MRS_NONE;
	mrs_rng_seed_stream(&s->rng, seed, 0x6e6567u); /* "neg" */
	return s;
}

static int load_mine(mrs_neg_sampler *s, uint32_t user, mrs_error *err)
{
	const mrs_dataset *ds = s->ds;
	if (s->user == user)
		return 0;
	size_t n = ds->uimp_off[user + 1] - ds->uimp_off[user];
	if (mrs_grow((void **)&s->mine, &s->cap_mine, MRS_MAX(n, (size_t)1), sizeof(uint32_t),
		     "negatives", err))
		return -1;
	for (size_t i = 0; i < n; i++)
		s->mine[i] = ds->imp_tweet[ds->uimp_off[user] + i];
	qsort(s->mine, n, sizeof(uint32_t), cmp_u32);
	s->n_mine = n;
	s->user = user;
	return 0;
}

int mrs_neg_sample(mrs_neg_sampler *s, uint32_t user, int64_t now, uint32_t k, uint32_t *out,
		   uint32_t *n_out, mrs_error *err)
{
	const mrs_dataset *ds = s->ds;
	*n_out = 0;
	if (load_mine(s, user, err))
		return -1;
	int64_t from = now - s->window;
	uint32_t n = ds->n_impressions;
	uint32_t lo = mrs_lower_bound_time(ds->imp_time, s->order, 0, n, from);
	uint32_t hi = mrs_lower_bound_time(ds->imp_time, s->order, lo, n, now + 1);
	if (lo >= hi)
		return 0;
	uint32_t got = 0;
	for (uint32_t tries = 0; got < k && tries < k * MRS_NEG_TRIES_PER; tries++) {
		uint32_t t = ds->imp_tweet[s->order[lo + mrs_rng_below(&s->rng, hi - lo)]];
		if (ds->tweet_time[t] < from || ds->tweet_time[t] > now ||
		    ds->tweet_author[t] == user || mrs_ds_original_author(ds, t) == user ||
		    mrs_sorted_has(s->mine, (uint32_t)s->n_mine, t))
			continue;
		bool again = false;
		for (uint32_t j = 0; j < got && !again; j++)
			again = out[j] == t;
		if (!again)
			out[got++] = t;
	}
	*n_out = got;
	return 0;
}
