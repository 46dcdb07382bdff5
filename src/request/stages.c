/* stages.c: prefilters, fusion, safety, heuristics, post-filter and selection, each
 * recording in the trace what it changed and why. */
#include <math.h>

#include "request/request.h"

static void emit(mrs_stage_ctx *x, uint32_t i, int kind, int rule, int reason, float before,
		 float after, float factor)
{
	if (x->n_ev == x->cap_ev) {
		size_t cap = x->cap_ev ? x->cap_ev * 2 : 1024;
		mrs_event *ev = realloc(x->ev, cap * sizeof *ev);
		if (!ev) {
			x->oom = true;
			return;
		}
		x->ev = ev;
		x->cap_ev = cap;
	}
	x->ev[x->n_ev++] = (mrs_event){(uint8_t)x->stage, (uint8_t)kind, (uint8_t)rule,
				       (uint8_t)reason, i, before, after, factor};
}

uint32_t mrs_stage_count_alive(const mrs_stage_ctx *x)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < x->n; i++)
		k += mrs_stage_alive(x, i);
	return k;
}

void mrs_stage_drop(mrs_stage_ctx *x, uint32_t i, int reason)
{
	x->c[i].dropped_at = (int16_t)x->stage;
	x->c[i].drop_reason = (uint8_t)reason;
	emit(x, i, MRS_EV_DROP, MRS_RULE_NONE, reason, x->c[i].score, x->c[i].score, 1);
}

float mrs_apply_mult(float s, float m)
{
	if (s >= 0)
		return s * m;
	return m <= 1 ? s * (2 - m) : s / m;
}

/* Applies m to candidate i's score under rule, recording it (m == 1 records nothing). */
static void mult(mrs_stage_ctx *x, uint32_t i, float m, int rule, float *product)
{
	if (m == 1.0f)
		return;
	mrs_candidate *c = &x->c[i];
	float before = c->score;
	c->score = mrs_apply_mult(c->score, m);
	*product *= m;
	emit(x, i, MRS_EV_MULT, rule, 0, before, c->score, m);
}

/* ------------------------------------------------------------ prefilter */

void mrs_stage_prefilter(mrs_stage_ctx *x)
{
	double max_age = (double)x->cfg->max_age_hours * MRS_HOUR;
	for (uint32_t i = 0; i < x->n; i++) {
		if (!mrs_stage_alive(x, i))
			continue;
		const mrs_candidate *c = &x->c[i];
		int64_t t = x->ds->tweet_time[c->tweet];
		if (c->author == x->viewer || c->orig_author == x->viewer)
			mrs_stage_drop(x, i, MRS_DROP_SELF);
		else if (x->q && mrs_sorted_has(x->q->seen, x->q->n_seen, c->tweet))
			mrs_stage_drop(x, i, MRS_DROP_SEEN);
		else if (x->q && (mrs_sorted_has(x->q->blocked, x->q->n_blocked, c->author) ||
				  mrs_sorted_has(x->q->blocked, x->q->n_blocked, c->orig_author)))
			mrs_stage_drop(x, i, MRS_DROP_BLOCKED);
		else if (t >= x->now || (double)(x->now - t) > max_age)
			mrs_stage_drop(x, i, MRS_DROP_AGE);
	}
}

/* ------------------------------------------------------------ fusion */

void mrs_stage_fusion(mrs_stage_ctx *x)
{
	const mrs_config *f = x->cfg;
	float emb_total = f->emb_simclusters + f->emb_twhin + f->emb_realgraph + f->emb_coengagement;
	for (uint32_t i = 0; i < x->n; i++) {
		if (!mrs_stage_alive(x, i))
			continue;
		mrs_candidate *c = &x->c[i];
		float s = 0;
		if (f->fusion == MRS_FUSION_WEIGHTED) {
			for (int h = 0; h < MRS_N_HEADS; h++)
				s += f->head_weight[h] * c->heads[h];
		} else {
			float emb = 0;
			if (emb_total > 0)
				emb = (f->emb_simclusters * fmaxf(c->sc, 0) + f->emb_twhin * fmaxf(c->twhin, 0) +
				       f->emb_realgraph * fmaxf(c->rg, 0) +
				       f->emb_coengagement * c->feat[F_PAIR_COENGAGEMENT] / 2) /
				      emb_total;
			s = f->blend_engagement * c->heads[MRS_HEAD_ANY] +
			    f->blend_follow * c->heads[MRS_ACT_FOLLOW] + f->blend_embedding * emb;
		}
		float before = c->score;
		c->score = c->fused = s;
		c->safety_mult = c->heur_mult = 1.0f;
		emit(x, i, MRS_EV_SCORE, MRS_RULE_FUSION, 0, before, s, 1);
		if (f->fusion == MRS_FUSION_BLEND) {
			float dummy = 1;
			if (f->calib_scale != 1.0f || f->calib_bias != 0.0f) {
				float b = c->score;
				c->score = f->calib_scale * c->score + f->calib_bias;
				emit(x, i, MRS_EV_SCORE, MRS_RULE_CALIBRATION, 0, b, c->score,
				     f->calib_scale);
			}
			mult(x, i, f->source_mult[c->source], MRS_RULE_SOURCE_MULT, &dummy);
		}
	}
}

/* ------------------------------------------------------------ safety */

void mrs_stage_safety(mrs_stage_ctx *x)
{
	const mrs_config *f = x->cfg;
	for (uint32_t i = 0; i < x->n; i++) {
		if (!mrs_stage_alive(x, i))
			continue;
		mrs_candidate *c = &x->c[i];
		c->verdict = MRS_VERDICT_ALLOW;
		if (f->safety == MRS_SAFETY_VERDICT) {
			float risk = fmaxf(c->nsfw, c->tox);
			if (risk >= f->verdict_drop) {
				c->verdict = MRS_VERDICT_DROP;
				mrs_stage_drop(x, i, MRS_DROP_SAFETY);
			} else if (risk >= f->verdict_interstitial) {
				c->verdict = MRS_VERDICT_INTERSTITIAL;
				mult(x, i, f->interstitial_mult, MRS_RULE_INTERSTITIAL, &c->safety_mult);
			}
			continue;
		}
		/* penalty mode: each model's rule applies once, the stronger band only */
		if (c->nsfw > f->nsfw_high)
			mult(x, i, f->nsfw_high_mult, MRS_RULE_NSFW_HIGH, &c->safety_mult);
		else if (c->nsfw > f->nsfw_mid)
			mult(x, i, f->nsfw_mid_mult, MRS_RULE_NSFW_MID, &c->safety_mult);
		if (c->tox > f->tox_high)
			mult(x, i, f->tox_high_mult, MRS_RULE_TOX_HIGH, &c->safety_mult);
		else if (c->tox > f->tox_mid)
			mult(x, i, f->tox_mid_mult, MRS_RULE_TOX_MID, &c->safety_mult);
	}
}

/* ------------------------------------------------------------ heuristics */

static int by_score_desc(const void *a, const void *b, void *cands)
{
	const mrs_candidate *x = &((const mrs_candidate *)cands)[*(const uint32_t *)a];
	const mrs_candidate *y = &((const mrs_candidate *)cands)[*(const uint32_t *)b];
	return mrs_best_first(x->score, x->tweet, y->score, y->tweet);
}

/* mrs_best_first's order as one integer, ascending: score descending, then tweet
 * descending (-0 is 0, as the comparison has it). */
static uint64_t best_first_key(float score, uint32_t tweet)
{
	if (score == 0)
		score = 0;
	uint32_t b;
	memcpy(&b, &score, sizeof b);
	b = b & 0x80000000u ? ~b : b | 0x80000000u; /* ascending with the score */
	return (uint64_t)~b << 32 | (uint32_t)~tweet;
}

typedef struct order_key {
	uint64_t key;
	uint32_t i;
} order_key;

static bool key_before(const order_key *a, const order_key *b)
{
	return a->key < b->key || (a->key == b->key && a->i < b->i);
}

/* Sorts a[0 .. n) with tmp[0 .. n) as scratch: insertion sort of runs of 16, then
 * merges. The comparison is inline: qsort_r's calls through a pointer, each reading two
 * candidates far apart, were most of the heuristics' time in tune's searches. */
static void sort_keys(order_key *a, order_key *tmp, uint32_t n)
{
	const uint32_t run = 16;
	for (uint32_t lo = 0; lo < n; lo += run) {
		uint32_t hi = MRS_MIN(lo + run, n);
		for (uint32_t i = lo + 1; i < hi; i++) {
			order_key v = a[i];
			uint32_t j = i;
			for (; j > lo && key_before(&v, &a[j - 1]); j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
	}
	order_key *src = a, *dst = tmp;
	for (uint32_t w = run; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = MRS_MIN(lo + w, n), hi = MRS_MIN(lo + 2 * w, n);
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = key_before(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		order_key *t = src;
		src = dst, dst = t;
	}
	if (src != a)
		memcpy(a, src, sizeof *a * n);
}

/* Indexes of the alive candidates by score, best first, into x->order. */
static void sort_alive(mrs_stage_ctx *x)
{
	x->n_order = 0;
	for (uint32_t i = 0; i < x->n; i++)
		if (mrs_stage_alive(x, i))
			x->order[x->n_order++] = i;
	uint32_t n = x->n_order;
	order_key *k = n > 1 ? malloc(sizeof *k * 2 * (size_t)n) : NULL;
	if (!k) { /* one candidate, or no memory: the comparison itself */
		qsort_r(x->order, n, sizeof *x->order, by_score_desc, x->c);
		return;
	}
	for (uint32_t r = 0; r < n; r++) {
		const mrs_candidate *c = &x->c[x->order[r]];
		k[r] = (order_key){best_first_key(c->score, c->tweet), x->order[r]};
	}
	sort_keys(k, k + n, n);
	for (uint32_t r = 0; r < n; r++)
		x->order[r] = k[r].i;
	free(k);
}

static int64_t fatigue_since(const mrs_stage_ctx *x, uint32_t author)
{
	uint32_t k = mrs_lower_bound(x->fatigue_author, 0, x->n_fatigue, author);
	return k < x->n_fatigue && x->fatigue_author[k] == author ? x->fatigue_time[k] : -1;
}

/* How many tweets (retweets included) author a posted after tweet t and before now: how
 * far down the author's own timeline t is. A followee's timeline is read newest first. */
static uint32_t newer_tweets(const mrs_dataset *ds, uint32_t a, uint32_t t, int64_t now)
{
	uint32_t end = mrs_atw_end(ds, a, now);
	uint32_t at = mrs_lower_bound(ds->atw, ds->atw_off[a], end, t);
	return end > at ? end - at - 1 : 0;
}

void mrs_stage_heuristics(mrs_stage_ctx *x)
{
	const mrs_config *f = x->cfg;
	for (uint32_t i = 0; i < x->n; i++) {
		if (!mrs_stage_alive(x, i))
			continue;
		mrs_candidate *c = &x->c[i];
		if (!c->in_network)
			mult(x, i, f->oon_scale, MRS_RULE_OON_SCALE, &c->heur_mult);
		if (f->recency_weight > 0) {
			double age_h = (double)(x->now - x->ds->tweet_time[c->tweet]) / MRS_HOUR;
			float m = (float)((1 - f->recency_weight) +
					  f->recency_weight * exp2(-age_h / f->recency_halflife_hours));
			mult(x, i, m, MRS_RULE_RECENCY, &c->heur_mult);
		}
		if (f->position_weight > 0 && c->in_network) {
			double newer = newer_tweets(x->ds, c->author, c->tweet, x->now);
			float m = (float)((1 - f->position_weight) +
					  f->position_weight * mrs_decay(newer, f->position_halflife));
			mult(x, i, m, MRS_RULE_POSITION, &c->heur_mult);
		}
		int64_t when = fatigue_since(x, c->orig_author);
		if (when < 0 && c->author != c->orig_author)
			when = fatigue_since(x, c->author);
		if (when >= 0) {
			double days = (double)(x->now - when) / MRS_DAY;
			double rec = f->fatigue_days > 0 ? fmin(1.0, days / f->fatigue_days) : 1.0;
			float m = (float)(f->fatigue_mult + (1 - f->fatigue_mult) * rec);
			mult(x, i, m, MRS_RULE_FATIGUE, &c->heur_mult);
		}
	}
	/* author diversity, keyed on the original author: the i-th tweet (0-based, in score
	 * order) of an author gets (1 - floor) * decay^i + floor */
	sort_alive(x);
	/* each author's count so far, in an open-addressing table twice the candidates' size
	 * (a linear search of the authors seen was quadratic in the pool) */
	uint32_t cap = 16;
	while (cap < 2 * x->n_order)
		cap *= 2;
	uint32_t *seen_author = NULL, *seen_count = NULL;
	if (x->n_order) {
		seen_author = malloc(sizeof(uint32_t) * cap);
		seen_count = malloc(sizeof(uint32_t) * cap);
	}
	if (x->n_order && (!seen_author || !seen_count)) {
		free(seen_author), free(seen_count);
		x->oom = true;
		return;
	}
	if (x->n_order)
		memset(seen_author, 0xff, sizeof(uint32_t) * cap); /* MRS_NONE: free */
	for (uint32_t k = 0; k < x->n_order; k++) {
		uint32_t i = x->order[k], a = x->c[i].orig_author;
		uint32_t j = (uint32_t)(mrs_hash64(a) & (cap - 1));
		while (seen_author[j] != MRS_NONE && seen_author[j] != a)
			j = (j + 1) & (cap - 1);
		if (seen_author[j] == MRS_NONE) {
			seen_author[j] = a;
			seen_count[j] = 0;
		}
		uint32_t nth = seen_count[j]++;
		if (nth > 0) {
			float m = (float)((1 - f->diversity_floor) * pow(f->diversity_decay, nth) +
					  f->diversity_floor);
			mult(x, i, m, MRS_RULE_DIVERSITY, &x->c[i].heur_mult);
		}
	}
	free(seen_author), free(seen_count);
}

/* ------------------------------------------------------------ post-filter, selection */

void mrs_stage_postfilter(mrs_stage_ctx *x)
{
	for (uint32_t i = 0; i < x->n; i++)
		if (mrs_stage_alive(x, i) && x->c[i].score < x->cfg->min_score)
			mrs_stage_drop(x, i, MRS_DROP_SCORE);
}

static bool is_oon(const mrs_stage_ctx *x, const mrs_candidate *c)
{
	(void)x;
	return !c->in_network;
}

void mrs_stage_select(mrs_stage_ctx *x)
{
	const mrs_config *f = x->cfg;
	sort_alive(x);
	uint32_t k = f->k, n = x->n_order;
	uint32_t oon_cap = (uint32_t)floor(f->max_oon_share * k + 1e-6);
	/* per place in score order: 1 taken, 2 skipped by the out-of-network cap */
	uint8_t *take = calloc(n ? n : 1, 1);
	if (!take) {
		x->oom = true;
		return;
	}
	uint32_t taken = 0, oon = 0;
	/* reserve the best min_per_source of every source that still has candidates */
	for (int s = 0; s < MRS_N_SOURCES && f->min_per_source; s++) {
		uint32_t got = 0;
		for (uint32_t r = 0; r < n && got < f->min_per_source && taken < k; r++) {
			const mrs_candidate *c = &x->c[x->order[r]];
			if (c->source != s || take[r])
				continue;
			if (is_oon(x, c) && oon >= oon_cap)
				continue;
			take[r] = 1;
			taken++, got++;
			oon += is_oon(x, c);
		}
	}
	/* then the rest by score, keeping the out-of-network cap */
	for (uint32_t r = 0; r < n && taken < k; r++) {
		if (take[r])
			continue;
		const mrs_candidate *c = &x->c[x->order[r]];
		if (is_oon(x, c) && oon >= oon_cap) {
			take[r] = 2;
			continue;
		}
		take[r] = 1;
		taken++;
		oon += is_oon(x, c);
	}
	uint32_t m = 0;
	for (uint32_t r = 0; r < n; r++) {
		uint32_t i = x->order[r];
		if (take[r] == 1) {
			x->order[m++] = i;
			x->c[i].rank = m;
			emit(x, i, MRS_EV_RANK, MRS_RULE_NONE, 0, x->c[i].score, (float)m, 1);
		} else {
			mrs_stage_drop(x, i, take[r] == 2 ? MRS_DROP_OON_CAP : MRS_DROP_NOT_SELECTED);
		}
	}
	x->n_order = m;
	free(take);
}
