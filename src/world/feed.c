/* feed.c: the synthetic world's For You feed, simulated in time order: what a logging
 * policy showed each account (half in network, half from interests and trends, with the
 * propensity of every impression), what people did (actions drawn from the hidden model),
 * and how that spread: engagements widen a tweet's out-of-network reach, retweets and
 * quotes show it to the retweeter's followers. docs/world.md describes the policy. */
#include <math.h>

#include "world/world.h"

/* In-network draws take a followee's newest tweet, or one `back` places before it, back
 * geometric with rho = exp(-1 / IN_BACK_MEAN) and cut at the n tweets they have:
 * P(back = j) = (1 - rho) rho^j / (1 - rho^n). */
#define IN_BACK_MEAN 1.5
/* rho^n for n below RHO_POWERS comes from a table (the same values pow gives). */
#define RHO_POWERS 1024
/* Tries per impression slot; a slot whose tries all fail stays empty. */
#define TRIES 8
/* Out-of-network weights are kept relative to a reference time; they are rebased when
 * the newest would exceed 2^REBASE_HALFLIVES. */
#define REBASE_HALFLIVES 30

/* ------------------------------------------------------------ a set of (a, b) pairs */

typedef struct pairset {
	uint64_t *slot; /* 0: empty */
	size_t mask, count;
} pairset;

static uint64_t pair_key(uint32_t a, uint32_t b)
{
	return ((uint64_t)a + 1) << 32 | b;
}

static size_t pair_slot(const uint64_t *slot, size_t mask, uint64_t key)
{
	size_t i = (size_t)mrs_hash64(key) & mask;
	while (slot[i] && slot[i] != key)
		i = (i + 1) & mask;
	return i;
}

/* Adds (a, b): 1 if added, 0 if it was there, -1 out of memory. */
static int pairset_add(pairset *s, uint32_t a, uint32_t b, mrs_error *err)
{
	uint64_t key = pair_key(a, b);
	size_t i = pair_slot(s->slot, s->mask, key);
	if (s->slot[i] == key)
		return 0;
	if (2 * (s->count + 1) > s->mask + 1) {
		size_t cap = (s->mask + 1) * 2;
		uint64_t *slot = mrs_calloc(cap, sizeof(uint64_t), "pair set", err);
		if (!slot)
			return -1;
		for (size_t j = 0; j <= s->mask; j++)
			if (s->slot[j])
				slot[pair_slot(slot, cap - 1, s->slot[j])] = s->slot[j];
		free(s->slot);
		s->slot = slot;
		s->mask = cap - 1;
		i = pair_slot(s->slot, s->mask, key);
	}
	s->slot[i] = key;
	s->count++;
	return 1;
}

static int pairset_init(pairset *s, size_t expect, mrs_error *err)
{
	size_t cap = 1024;
	while (cap < 2 * expect)
		cap *= 2;
	s->slot = mrs_calloc(cap, sizeof(uint64_t), "pair set", err);
	s->mask = cap - 1;
	s->count = 0;
	return s->slot ? 0 : -1;
}

/* ------------------------------------------------------------ a Fenwick tree of weights */

typedef struct fenwick {
	double *t;    /* 1-based partial sums */
	uint32_t n, top; /* size, and its highest power of two */
	double total; /* the sum of all, kept as weights are added */
} fenwick;

static int fw_init(fenwick *f, uint32_t n, mrs_error *err)
{
	f->n = n;
	f->t = mrs_calloc((size_t)n + 1, sizeof(double), "feed weights", err);
	for (f->top = 1; f->top * 2 <= n; f->top *= 2)
		;
	return f->t ? 0 : -1;
}

static void fw_add(fenwick *f, uint32_t i, double v)
{
	f->total += v;
	for (i++; i <= f->n; i += i & -i)
		f->t[i] += v;
}

/* The first place whose running sum passes x (f->n when x reaches the total). */
static uint32_t fw_find(const fenwick *f, double x)
{
	uint32_t pos = 0;
	for (uint32_t step = f->n ? f->top : 0; step; step >>= 1)
		if (pos + step <= f->n && f->t[pos + step] <= x) {
			pos += step;
			x -= f->t[pos];
		}
	return pos;
}

/* Turns t[1 .. n], holding the weights themselves, into the tree, in O(n). */
static void fw_build(fenwick *f)
{
	f->total = 0;
	for (uint32_t i = 1; i <= f->n; i++)
		f->total += f->t[i];
	for (uint32_t i = 1; i <= f->n; i++) {
		uint32_t j = i + (i & -i);
		if (j <= f->n)
			f->t[j] += f->t[i];
	}
}

/* ------------------------------------------------------------ the feed's state */

/* One account as a viewer: what the policy knows of them. */
typedef struct account {
	mrs_rng rng;        /* their own stream: draws, actions, slot times */
	uint32_t *fl;       /* followees, in the order followed */
	double *cum;        /* running sums of the hidden tie weights over fl */
	uint32_t n_fl, cap_fl;
	uint32_t *blk;      /* blocked or muted accounts */
	uint32_t n_blk, cap_blk;
	mrs_gen_idset seen;     /* tweets shown (and the originals of retweets shown), in the
				   feed's seen_slots */
	/* impression slots: the next comes at `next`; times are sorted uniforms mapped
	 * through the period's activity curve */
	uint32_t left, quota, done;
	double u;
	int64_t next, last;
} account;

/* One account as an author: their own tweets and retweets, as posted (time order). */
typedef struct timeline {
	uint32_t *id;
	uint32_t n, cap;
} timeline;

typedef struct slot {
	int64_t time;
	uint32_t user;
} slot;

typedef struct slot_list {
	slot *v;
	size_t n, cap;
} slot_list;

typedef struct feed {
	mrs_gen *g;
	account *acc;           /* [n_users] */
	timeline *tl;           /* [n_users] */
	/* out-of-network pools: each topic's originals (in time order), each weighing its
	 * freshness plus virality times its engagements, every one of them decaying with the
	 * half-life fresh_hours: 2^-(age / h) + virality x sum over engagements 2^-(since / h).
	 * Stored times 2^((now - t_ref) / h), a factor the whole pool shares. */
	fenwick pool[MRS_N_TOPICS];
	uint32_t pool_off[MRS_N_TOPICS + 1];
	uint32_t *pool_ids;     /* pool k holds pool_ids[pool_off[k] .. pool_off[k + 1]) */
	uint32_t *pool_of;      /* [n_orig] place of each original in its topic's pool */
	double *weight;         /* [n_orig] each original's stored weight */
	int64_t t_ref;
	double halflife;        /* seconds */
	uint32_t posted;        /* originals posted so far (a prefix, in time order) */
	pairset retweeted;      /* (account, original) already retweeted */
	/* the slot queue, a calendar: each account's next slot waits in the bucket of its
	 * hour; the hour being played is a binary min-heap by (time, id), small enough to
	 * stay in cache */
	slot_list *hours;       /* [n_hours] */
	slot_list now_heap;
	size_t *first;          /* [n_users] first impression place reserved for each */
	uint32_t *seen_slots;   /* every account's seen set, one after another */
	/* the out-of-network topic mix by hour (oon_topics): the interests' weight, and the
	 * trends' part of each topic */
	double *interest_mix;   /* [n_hours] */
	double *trend_mix;      /* [n_hours * MRS_N_TOPICS] */
	double rho, log_rho;    /* in-network recency */
	double rho_pow[RHO_POWERS];
	double slot_span;       /* slot_time's 1 - exp(-days / (days / 3)) */
	char buf[2600];
} feed;

static int account_follow(account *a, uint32_t who, double tie, mrs_error *err)
{
	if (a->n_fl == a->cap_fl) {
		uint32_t cap = a->cap_fl ? a->cap_fl * 2 : 16;
		uint32_t *fl = realloc(a->fl, cap * sizeof *fl);
		if (fl)
			a->fl = fl;
		double *cum = fl ? realloc(a->cum, cap * sizeof *cum) : NULL;
		if (!cum)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for followees");
		a->cum = cum;
		a->cap_fl = cap;
	}
	a->fl[a->n_fl] = who;
	a->cum[a->n_fl] = (a->n_fl ? a->cum[a->n_fl - 1] : 0) + tie;
	a->n_fl++;
	return 0;
}

/* Does account a follow who now? A scan of its own list: most accounts follow a few
 * dozen, and a set of every follow pair took 560 MiB more at 1,000,000 accounts. */
static bool account_follows(const account *a, uint32_t who)
{
	for (uint32_t i = 0; i < a->n_fl; i++)
		if (a->fl[i] == who)
			return true;
	return false;
}

static int account_block(account *a, uint32_t who, mrs_error *err)
{
	if (a->n_blk == a->cap_blk) {
		uint32_t cap = a->cap_blk ? a->cap_blk * 2 : 4;
		uint32_t *b = realloc(a->blk, cap * sizeof *b);
		if (!b)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory for blocks");
		a->blk = b;
		a->cap_blk = cap;
	}
	a->blk[a->n_blk++] = who;
	return 0;
}

static bool account_blocked(const account *a, uint32_t who)
{
	for (uint32_t i = 0; i < a->n_blk; i++)
		if (a->blk[i] == who)
			return true;
	return false;
}

/* Appends tweet t to its author's timeline. */
static int timeline_post(feed *f, uint32_t author, uint32_t t)
{
	timeline *a = &f->tl[author];
	if (a->n == a->cap) {
		uint32_t cap = a->cap ? a->cap * 2 : 8;
		uint32_t *id = realloc(a->id, cap * sizeof *id);
		if (!id)
			return mrs_fail(f->g->err, MRS_ERR_NOMEM, "out of memory for timelines");
		a->id = id;
		a->cap = cap;
	}
	f->g->tw.v[t].tlpos = a->n;
	a->id[a->n++] = t;
	return 0;
}

/* ------------------------------------------------------------ impression slots */

/* The time of a sorted uniform u in [0, 1): activity grows towards the end of the period
 * like the tweet rate (ages ~ Exp(days / 3) cut at days), so early u are early times. */
static int64_t slot_time(const feed *f, double u)
{
	const mrs_gen *g = f->g;
	double m = g->p->days / 3.0;
	double age = -m * log(1 - (1 - u) * f->slot_span);
	int64_t t = g->t_end - 1 - (int64_t)(age * MRS_DAY);
	return MRS_MAX(t, g->t_begin);
}

/* Moves an account's next slot on: the next of `left` sorted uniforms. */
static void slot_advance(feed *f, account *a)
{
	double v = mrs_rng_uniform(&a->rng);
	a->u = 1 - (1 - a->u) * pow(1 - v, 1.0 / a->left);
	a->left--;
	a->next = MRS_MAX(slot_time(f, a->u), a->last + 1);
}

static bool slot_before(const slot *x, const slot *y)
{
	return x->time != y->time ? x->time < y->time : x->user < y->user;
}

static int slot_push(slot_list *l, slot x, mrs_error *err)
{
	if (mrs_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(slot), "impression slots", err))
		return -1;
	l->v[l->n++] = x;
	return 0;
}

static void heap_down(slot_list *h, size_t i)
{
	slot x = h->v[i];
	for (;;) {
		size_t l = 2 * i + 1, m = l;
		if (l >= h->n)
			break;
		if (l + 1 < h->n && slot_before(&h->v[l + 1], &h->v[l]))
			m = l + 1;
		if (!slot_before(&h->v[m], &x))
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	h->v[i] = x;
}

static void heap_up(slot_list *h, size_t i)
{
	slot x = h->v[i];
	while (i > 0 && slot_before(&x, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

/* Queues an account's next slot: into the hour being played, or the bucket of its own. */
static int queue_slot(feed *f, uint32_t hour, slot x)
{
	uint32_t h = mrs_gen_hour(f->g, x.time);
	if (h != hour)
		return slot_push(&f->hours[h], x, f->g->err);
	if (slot_push(&f->now_heap, x, f->g->err))
		return -1;
	heap_up(&f->now_heap, f->now_heap.n - 1);
	return 0;
}

/* ------------------------------------------------------------ the pools */

/* A fresh tweet's stored weight at time t: 2^((t - t_ref) / h). */
static double fresh_weight(const feed *f, int64_t t)
{
	return exp2((double)(t - f->t_ref) / f->halflife);
}

/* Starts the weights again from `now` (a common factor: the draws do not change), so that
 * new ones stay in range. */
static void pools_rebase(feed *f, int64_t now)
{
	double factor = exp2(-(double)(now - f->t_ref) / f->halflife);
	f->t_ref = now;
	for (uint32_t c = 0; c < f->posted; c++)
		f->weight[c] *= factor;
	const double *w = f->weight;
	for (int k = 0; k < MRS_N_TOPICS; k++) {
		fenwick *pool = &f->pool[k];
		memset(pool->t, 0, sizeof(double) * ((size_t)pool->n + 1));
		for (uint32_t i = 0; i < pool->n; i++) {
			uint32_t c = f->pool_ids[f->pool_off[k] + i];
			pool->t[i + 1] = c < f->posted ? w[c] : 0;
		}
		fw_build(pool);
	}
}

/* Posts the originals created at or before now: into their authors' timelines and their
 * topics' pools. */
static int post_originals(feed *f, int64_t now)
{
	const mrs_gen_tweets *tw = &f->g->tw;
	if ((double)(now - f->t_ref) > REBASE_HALFLIVES * f->halflife)
		pools_rebase(f, now);
	while (f->posted < tw->n_orig && tw->v[f->posted].time <= now) {
		uint32_t c = f->posted++;
		if (timeline_post(f, tw->v[c].author, c))
			return -1;
		f->weight[c] = fresh_weight(f, tw->v[c].time);
		fw_add(&f->pool[tw->v[c].topic], f->pool_of[c], f->weight[c]);
	}
	return 0;
}

/* ------------------------------------------------------------ the logging policy */

/* The hours' shares of the out-of-network topic mix that do not depend on the viewer:
 * trend_share of it follows the trending topics (by heat) when any trends. */
static int topic_mix_open(feed *f)
{
	const mrs_gen *g = f->g;
	f->interest_mix = mrs_calloc(g->n_hours, sizeof(double), "feed", g->err);
	f->trend_mix = mrs_calloc((size_t)g->n_hours * MRS_N_TOPICS, sizeof(double), "feed", g->err);
	if (!f->interest_mix || !f->trend_mix)
		return -1;
	for (uint32_t hour = 0; hour < g->n_hours; hour++) {
		const float *heat = g->trend + (size_t)hour * MRS_N_TOPICS;
		double total = 0;
		for (int k = 0; k < MRS_N_TOPICS; k++)
			total += heat[k];
		double trend = total > 0 ? g->p->trend_share : 0;
		f->interest_mix[hour] = 1 - trend;
		for (int k = 0; k < MRS_N_TOPICS && total > 0; k++)
			f->trend_mix[(size_t)hour * MRS_N_TOPICS + k] = trend * heat[k] / total;
	}
	return 0;
}

/* P(topic) of the out-of-network draws for viewer u at an hour: its interests, the
 * trending topics and an even spread, mixed by trend_share and explore. */
static void oon_topics(const feed *f, uint32_t u, uint32_t hour, double p[MRS_N_TOPICS])
{
	const float *iw = f->g->tr->user_interest_w + (size_t)u * MRS_N_TOPICS;
	const double *trending = f->trend_mix + (size_t)hour * MRS_N_TOPICS;
	double interest = f->interest_mix[hour], even = f->g->p->explore;
	for (int k = 0; k < MRS_N_TOPICS; k++)
		p[k] = (1 - even) * (interest * iw[k] + trending[k]) + even / MRS_N_TOPICS;
}

/* rho^n, as pow(rho, n) gives it. */
static double rho_pow(const feed *f, uint32_t n)
{
	return n < RHO_POWERS ? f->rho_pow[n] : pow(f->rho, n);
}

static double in_network_share(const feed *f, const account *a)
{
	return a->n_fl ? 1 - f->g->p->oon_share : 0;
}

/* One draw of the in-network source for viewer a: a followee by tie strength, then their
 * newest tweet or one a few places before it. MRS_NONE when the draw finds nothing. */
static uint32_t draw_in_network(const feed *f, account *a)
{
	mrs_rng *r = &a->rng;
	double y = mrs_rng_uniform(r) * a->cum[a->n_fl - 1];
	uint32_t lo = 0, hi = a->n_fl - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (a->cum[mid] <= y)
			lo = mid + 1;
		else
			hi = mid;
	}
	const timeline *b = &f->tl[a->fl[lo]];
	if (!b->n)
		return MRS_NONE;
	/* the inverse of the cut geometric's distribution function */
	double cut = 1 - rho_pow(f, b->n);
	double j = floor(log(1 - mrs_rng_uniform(r) * cut) / f->log_rho);
	uint32_t back = j < b->n ? (uint32_t)j : b->n - 1;
	return b->id[b->n - 1 - back];
}

/* One draw of the out-of-network sources: a topic (interests, trends, an even spread),
 * then an original of its pool by weight. MRS_NONE when the draw finds nothing. */
static uint32_t draw_out_of_network(const feed *f, account *a, const double topics[MRS_N_TOPICS])
{
	mrs_rng *r = &a->rng;
	double x = mrs_rng_uniform(r), acc = 0;
	int k = MRS_N_TOPICS - 1;
	for (int i = 0; i < MRS_N_TOPICS; i++)
		if ((acc += topics[i]) > x) {
			k = i;
			break;
		}
	const fenwick *pool = &f->pool[k];
	double total = pool->total;
	if (!(total > 0))
		return MRS_NONE;
	uint32_t i = fw_find(pool, mrs_rng_uniform(r) * total);
	/* past the end only by rounding; a place not posted yet has no weight */
	if (i >= pool->n)
		return MRS_NONE;
	uint32_t c = f->pool_ids[f->pool_off[k] + i];
	return c < f->posted ? c : MRS_NONE;
}

/* The probability that one draw of the policy for viewer u at now gives tweet c: the
 * in-network share times P(that followee) P(that place in their timeline), plus, for an
 * original, the out-of-network share times P(its topic) P(it in the topic's pool). (The
 * draws it took to find an eligible tweet are not counted: docs/world.md.) */
static double policy_propensity(const feed *f, uint32_t u, uint32_t c, bool follows,
				const double topics[MRS_N_TOPICS])
{
	const mrs_gen *g = f->g;
	const mrs_gen_tweets *tw = &g->tw;
	const account *a = &f->acc[u];
	double in = in_network_share(f, a), p = 0;
	uint32_t author = tw->v[c].author;
	if (in > 0 && follows) {
		const timeline *b = &f->tl[author];
		uint32_t back = b->n - 1 - tw->v[c].tlpos;
		double tie = mrs_world_tie(g->p->seed, u, author);
		p += in * tie / a->cum[a->n_fl - 1] * (1 - f->rho) * rho_pow(f, back) /
		     (1 - rho_pow(f, b->n));
	}
	if (tw->v[c].rt_of == MRS_NONE) {
		int k = tw->v[c].topic;
		double total = f->pool[k].total;
		if (total > 0)
			p += (1 - in) * topics[k] * f->weight[c] / total;
	}
	return MRS_MIN(p, 1.0);
}

static uint32_t original_of(const mrs_gen_tweets *tw, uint32_t c)
{
	return tw->v[c].rt_of == MRS_NONE ? c : tw->v[c].rt_of;
}

/* May tweet c be shown to u: not theirs, not from an account they blocked or muted, not
 * shown before (neither it nor, for a retweet, its original)? */
static bool eligible(const feed *f, uint32_t u, uint32_t c)
{
	const mrs_gen_tweets *tw = &f->g->tw;
	const account *a = &f->acc[u];
	/* most failed draws are tweets shown before: the account's own small set answers
	 * that before the tweet's record is read */
	if (mrs_gen_idset_has(&a->seen, c))
		return false;
	uint32_t o = original_of(tw, c);
	uint32_t author = tw->v[c].author, orig_author = tw->v[o].author;
	return author != u && orig_author != u && !account_blocked(a, author) &&
	       !account_blocked(a, orig_author) && !mrs_gen_idset_has(&a->seen, o);
}

/* ------------------------------------------------------------ what people do */

/* u retweets (or quotes) the original of c at now: a new tweet in u's timeline, which
 * their followers' in-network draws find. */
static int make_retweet(feed *f, uint32_t u, uint32_t c, int64_t now)
{
	mrs_gen *g = f->g;
	mrs_gen_tweets *tw = &g->tw;
	uint32_t o = original_of(tw, c);
	int added = pairset_add(&f->retweeted, u, o, g->err);
	if (added <= 0)
		return added; /* one retweet of a tweet per account */
	account *a = &f->acc[u];
	bool quote = mrs_rng_uniform(&a->rng) < g->p->quote_rate;
	mrs_lex_write_retweet(quote ? &a->rng : NULL, mrs_handle(g->ds, tw->v[o].author),
			      tw->text.data + tw->v[o].text_off, f->buf, sizeof f->buf);
	uint32_t r = mrs_gen_tweet_add(tw, u, now, o, f->buf, g->err);
	if (r == MRS_NONE)
		return -1;
	tw->v[r].flags = tw->v[o].flags, tw->v[r].topic = tw->v[o].topic;
	tw->v[r].quality = tw->v[o].quality, tw->v[r].nsfw = tw->v[o].nsfw, tw->v[r].tox = tw->v[o].tox;
	return timeline_post(f, u, r);
}

/* What the actions of u on c at now change: follows, blocks and mutes, retweets, and the
 * original's out-of-network weight. */
static int act(feed *f, uint32_t u, uint32_t c, int64_t now, unsigned acts)
{
	mrs_gen *g = f->g;
	account *a = &f->acc[u];
	uint32_t author = g->tw.v[c].author;
	if ((acts & (1u << MRS_ACT_FOLLOW)) && !account_follows(a, author) &&
	    (account_follow(a, author, mrs_world_tie(g->p->seed, u, author), g->err) ||
	     mrs_gen_edges_push(&g->follows, u, author, now, 0, g->err)))
		return -1;
	if ((acts & (1u << MRS_ACT_REPORT)) && mrs_rng_uniform(&a->rng) < 0.4 &&
	    (account_block(a, author, g->err) ||
	     mrs_gen_edges_push(&g->blocks, u, author, now, MRS_BLOCK, g->err)))
		return -1;
	if ((acts & (1u << MRS_ACT_NEGFB)) && mrs_rng_uniform(&a->rng) < 0.12 &&
	    (account_block(a, author, g->err) ||
	     mrs_gen_edges_push(&g->blocks, u, author, now, MRS_MUTE, g->err)))
		return -1;
	if ((acts & (1u << MRS_ACT_RETWEET)) && make_retweet(f, u, c, now) < 0)
		return -1;
	if (acts & MRS_POSITIVE_MASK) {
		uint32_t o = original_of(&g->tw, c);
		double more = g->p->virality * fresh_weight(f, now);
		f->weight[o] += more;
		fw_add(&f->pool[g->tw.v[o].topic], f->pool_of[o], more);
	}
	return 0;
}

/* A tweet the policy shows u in a slot: it picks the in-network source with probability
 * 1 - oon_share (when u follows anyone), else the out-of-network ones, and draws from it
 * up to TRIES times until it finds a tweet u may see; when none is found there, the
 * other side gets TRIES draws. MRS_NONE when both find nothing. *from_in tells which side
 * found it. */
static uint32_t policy_pick(feed *f, uint32_t u, const double topics[MRS_N_TOPICS],
			    bool *from_in)
{
	account *a = &f->acc[u];
	bool in = mrs_rng_uniform(&a->rng) < in_network_share(f, a);
	for (int side = 0; side < 2; side++, in = !in) {
		if (in && !a->n_fl)
			continue;
		for (int i = 0; i < TRIES; i++) {
			uint32_t c = in ? draw_in_network(f, a) : draw_out_of_network(f, a, topics);
			if (c != MRS_NONE && eligible(f, u, c)) {
				*from_in = in;
				return c;
			}
		}
	}
	return MRS_NONE;
}

/* One impression slot of u at now: the policy picks a tweet u may see, u acts on it by
 * the hidden model, and the impression is written at place `at`. Returns 1 when written,
 * 0 when the slot stays empty, -1 on error. */
static int serve(feed *f, uint32_t u, int64_t now, size_t at)
{
	mrs_gen *g = f->g;
	const mrs_gen_tweets *tw = &g->tw;
	account *a = &f->acc[u];
	double topics[MRS_N_TOPICS];
	oon_topics(f, u, mrs_gen_hour(g, now), topics);
	bool from_in = false;
	uint32_t c = policy_pick(f, u, topics, &from_in);
	if (c == MRS_NONE)
		return 0;
	if (mrs_gen_idset_add(&a->seen, c, g->err) < 0 ||
	    mrs_gen_idset_add(&a->seen, original_of(tw, c), g->err) < 0)
		return -1;
	uint32_t author = tw->v[c].author;
	/* the in-network source draws only from followees */
	bool follows = from_in || account_follows(a, author);
	mrs_world_pair in = {
		.interest = g->tr->user_interest_w[(size_t)u * MRS_N_TOPICS + tw->v[c].topic],
		.tie = follows ? mrs_world_tie(g->p->seed, u, author) : 0,
		.follows = follows,
		.quality = tw->v[c].quality,
		.nsfw = tw->v[c].nsfw,
		.toxicity = tw->v[c].tox,
		.flags = tw->v[c].flags,
		.age_hours = (double)(now - tw->v[c].time) / 3600.0,
		.propensity = g->tr->user_propensity[u],
	};
	float *p = g->imp_prob + at * MRS_N_ACTIONS;
	mrs_world_probs(&in, p);
	uint8_t acts = 0;
	for (int k = 0; k < MRS_N_ACTIONS; k++)
		if (mrs_rng_uniform(&a->rng) < p[k])
			acts |= 1u << k;
	g->imp_user[at] = u;
	g->imp_tweet[at] = c;
	g->imp_time[at] = now;
	g->imp_actions[at] = acts;
	g->imp_propensity[at] = (float)policy_propensity(f, u, c, follows, topics);
	if (act(f, u, c, now, acts))
		return -1;
	return 1;
}

/* ------------------------------------------------------------ the run */

/*
 * At a large scale most of the feed's time goes in waiting for memory: every slot is
 * another account's, whose records lie anywhere in arrays far larger than the caches.
 * The slot queue knows whose slots come next, so their first reads are asked for while
 * the current slot is served: hints only, nothing waits for them or depends on them.
 */

/* The account record of the slot after next, and what sits beside it by account id. */
static void prefetch_account(const feed *f, uint32_t u)
{
	const mrs_gen *g = f->g;
	const char *a = (const char *)&f->acc[u];
	__builtin_prefetch(a);
	__builtin_prefetch(a + sizeof(account) - 1);
	__builtin_prefetch(&f->first[u]);
	__builtin_prefetch(g->tr->user_interest_w + (size_t)u * MRS_N_TOPICS);
	__builtin_prefetch(&g->tr->user_propensity[u]);
}

/* What the next slot's account reads first through its record (fetched the slot before):
 * its followees' weights and its impression's places. */
static void prefetch_serving(const feed *f, uint32_t u)
{
	const mrs_gen *g = f->g;
	const account *a = &f->acc[u];
	if (a->n_fl) {
		__builtin_prefetch(&a->cum[(a->n_fl - 1) / 2]);
		__builtin_prefetch(&a->cum[a->n_fl - 1]);
		__builtin_prefetch(a->fl);
		__builtin_prefetch(&a->fl[a->n_fl - 1]);
	}
	if (a->n_blk)
		__builtin_prefetch(a->blk);
	size_t at = f->first[u] + a->done;
	__builtin_prefetch(&g->imp_user[at], 1);
	__builtin_prefetch(&g->imp_tweet[at], 1);
	__builtin_prefetch(&g->imp_time[at], 1);
	__builtin_prefetch(&g->imp_actions[at], 1);
	__builtin_prefetch(&g->imp_propensity[at], 1);
	__builtin_prefetch(&g->imp_prob[at * MRS_N_ACTIONS], 1);
	__builtin_prefetch(&g->imp_prob[at * MRS_N_ACTIONS + MRS_N_ACTIONS - 1], 1);
}

/* Hints for the slots after the one just taken from the heap h. */
static void prefetch_next(const feed *f, const slot_list *h)
{
	if (!h->n)
		return;
	prefetch_serving(f, h->v[0].user);
	if (h->n > 1) {
		size_t m = h->n > 2 && slot_before(&h->v[2], &h->v[1]) ? 2 : 1;
		prefetch_account(f, h->v[m].user);
	}
}

/* The room an account's seen set needs for q slots: two ids at most a slot, at most half
 * full (mrs_gen_idset's load), so that it never grows. */
static uint32_t seen_room(uint32_t q)
{
	uint32_t room = 16;
	while (room < 4 * q)
		room *= 2;
	return q ? room : 0;
}

/* Gives every account its seen set, sized for its quota, in one block: the probes of the
 * sets, at random places, then land in memory that can be backed by huge pages. */
static int seen_open(feed *f)
{
	uint32_t nu = f->g->ds->n_users;
	size_t total = 0;
	for (uint32_t u = 0; u < nu; u++)
		total += seen_room(f->acc[u].quota);
	f->seen_slots = mrs_calloc(total, sizeof(uint32_t), "feed", f->g->err);
	if (!f->seen_slots)
		return -1;
	mrs_advise_huge(f->seen_slots, total * sizeof(uint32_t));
	memset(f->seen_slots, 0xff, total * sizeof(uint32_t)); /* MRS_NONE: empty */
	size_t at = 0;
	for (uint32_t u = 0; u < nu; u++) {
		uint32_t room = seen_room(f->acc[u].quota);
		if (room)
			f->acc[u].seen = (mrs_gen_idset){.slot = f->seen_slots + at, .mask = room - 1};
		at += room;
	}
	return 0;
}

/* Each account's share of the impressions follows its activity; its slots get a place
 * range of their own in the impression arrays. */
static int feed_open(feed *f, mrs_gen *g)
{
	mrs_dataset *ds = g->ds;
	const mrs_gen_tweets *tw = &g->tw;
	uint32_t nu = ds->n_users, n_orig = tw->n_orig;
	f->g = g;
	f->halflife = g->p->fresh_hours * 3600.0;
	f->t_ref = g->t_begin;
	f->rho = exp(-1.0 / IN_BACK_MEAN);
	f->log_rho = log(f->rho);
	for (uint32_t n = 0; n < RHO_POWERS; n++)
		f->rho_pow[n] = pow(f->rho, n);
	double days = g->p->days, m = days / 3.0;
	f->slot_span = 1 - exp(-days / m);
	f->acc = mrs_calloc(nu, sizeof(account), "feed", g->err);
	f->tl = mrs_calloc(nu, sizeof(timeline), "feed", g->err);
	f->first = mrs_calloc((size_t)nu + 1, sizeof(size_t), "feed", g->err);
	f->hours = mrs_calloc(g->n_hours, sizeof(slot_list), "feed", g->err);
	f->pool_of = mrs_calloc(n_orig, sizeof(uint32_t), "feed", g->err);
	f->pool_ids = mrs_calloc(n_orig, sizeof(uint32_t), "feed", g->err);
	f->weight = mrs_calloc(n_orig, sizeof(double), "feed", g->err);
	if (!f->acc || !f->tl || !f->first || !f->hours || !f->pool_of || !f->pool_ids ||
	    !f->weight || pairset_init(&f->retweeted, g->p->impressions / 16, g->err) ||
	    topic_mix_open(f))
		return -1;
	/* pools: the originals of each topic in time order */
	uint32_t count[MRS_N_TOPICS] = {0};
	for (uint32_t c = 0; c < n_orig; c++)
		f->pool_of[c] = count[tw->v[c].topic]++;
	for (int k = 0; k < MRS_N_TOPICS; k++) {
		f->pool_off[k + 1] = f->pool_off[k] + count[k];
		if (fw_init(&f->pool[k], count[k], g->err))
			return -1;
	}
	for (uint32_t c = 0; c < n_orig; c++)
		f->pool_ids[f->pool_off[tw->v[c].topic] + f->pool_of[c]] = c;
	/* followees as of the start, with their hidden ties */
	for (uint32_t u = 0; u < nu; u++) {
		account *a = &f->acc[u];
		mrs_rng_seed_stream(&a->rng, g->p->seed, 0x20000000ull + u);
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
			uint32_t v = ds->fol_dst[e];
			if (account_follow(a, v, mrs_world_tie(g->p->seed, u, v), g->err))
				return -1;
		}
	}
	/* quotas and place ranges */
	double total_act = 0;
	for (uint32_t u = 0; u < nu; u++)
		total_act += g->activity[u];
	uint32_t max_quota = MRS_MAX(1u, n_orig / 2);
	for (uint32_t u = 0; u < nu; u++) {
		double want = g->p->impressions * g->activity[u] / total_act;
		uint32_t q = MRS_MIN((uint32_t)(want + mrs_rng_uniform(&g->rng)), max_quota);
		f->acc[u].quota = f->acc[u].left = q;
		f->acc[u].last = INT64_MIN / 2;
		f->first[u + 1] = f->first[u] + q;
	}
	size_t cap = f->first[nu];
	if (cap > UINT32_MAX)
		return mrs_fail(g->err, MRS_ERR_USAGE, "generate: too many impressions (%zu)", cap);
	if (seen_open(f))
		return -1;
	g->imp_user = mrs_calloc(cap, sizeof(uint32_t), "impressions", g->err);
	g->imp_tweet = mrs_calloc(cap, sizeof(uint32_t), "impressions", g->err);
	g->imp_time = mrs_calloc(cap, sizeof(int64_t), "impressions", g->err);
	g->imp_actions = mrs_calloc(cap, 1, "impressions", g->err);
	g->imp_propensity = mrs_calloc(cap, sizeof(float), "impressions", g->err);
	g->imp_prob = mrs_calloc(cap * MRS_N_ACTIONS, sizeof(float), "ground truth", g->err);
	if (!g->imp_user || !g->imp_tweet || !g->imp_time || !g->imp_actions ||
	    !g->imp_propensity || !g->imp_prob)
		return -1;
	/* the big arrays read or written at random places (tweet records: as they grow) */
	mrs_advise_huge(g->imp_user, cap * sizeof(uint32_t));
	mrs_advise_huge(g->imp_tweet, cap * sizeof(uint32_t));
	mrs_advise_huge(g->imp_time, cap * sizeof(int64_t));
	mrs_advise_huge(g->imp_actions, cap);
	mrs_advise_huge(g->imp_propensity, cap * sizeof(float));
	mrs_advise_huge(g->imp_prob, cap * MRS_N_ACTIONS * sizeof(float));
	mrs_advise_huge(f->acc, nu * sizeof(account));
	mrs_advise_huge(f->weight, n_orig * sizeof(double));
	for (int k = 0; k < MRS_N_TOPICS; k++)
		mrs_advise_huge(f->pool[k].t, (f->pool[k].n + 1) * sizeof(double));
	/* the slot queue: every account's first slot */
	for (uint32_t u = 0; u < nu; u++) {
		account *a = &f->acc[u];
		if (!a->left)
			continue;
		slot_advance(f, a);
		if (queue_slot(f, UINT32_MAX, (slot){a->next, u}))
			return -1;
	}
	return 0;
}

static void feed_close(feed *f)
{
	if (f->acc)
		for (uint32_t u = 0; u < f->g->ds->n_users; u++) {
			account *a = &f->acc[u];
			free(a->fl), free(a->cum), free(a->blk);
		}
	if (f->tl)
		for (uint32_t u = 0; u < f->g->ds->n_users; u++)
			free(f->tl[u].id);
	for (uint32_t h = 0; f->hours && h < f->g->n_hours; h++)
		free(f->hours[h].v);
	free(f->acc), free(f->tl), free(f->first), free(f->hours), free(f->now_heap.v);
	free(f->seen_slots), free(f->interest_mix), free(f->trend_mix);
	for (int k = 0; k < MRS_N_TOPICS; k++)
		free(f->pool[k].t);
	free(f->pool_of), free(f->pool_ids), free(f->weight);
	free(f->retweeted.slot);
}

/* Closes the gaps the empty slots left: each account's impressions end to end. */
static void compact(feed *f)
{
	mrs_gen *g = f->g;
	size_t n = 0;
	for (uint32_t u = 0; u < g->ds->n_users; u++) {
		size_t from = f->first[u];
		for (uint32_t j = 0; j < f->acc[u].done; j++, n++) {
			g->imp_user[n] = u;
			g->imp_tweet[n] = g->imp_tweet[from + j];
			g->imp_time[n] = g->imp_time[from + j];
			g->imp_actions[n] = g->imp_actions[from + j];
			g->imp_propensity[n] = g->imp_propensity[from + j];
			memmove(g->imp_prob + n * MRS_N_ACTIONS, g->imp_prob + (from + j) * MRS_N_ACTIONS,
				sizeof(float) * MRS_N_ACTIONS);
		}
	}
	g->n_imp = (uint32_t)n;
}

int mrs_gen_feed(mrs_gen *g)
{
	feed f = {0};
	int rc = -1;
	if (feed_open(&f, g))
		goto out;
	double total = (double)f.first[g->ds->n_users];
	uint64_t slots = 0;
	for (uint32_t hour = 0; hour < g->n_hours; hour++) {
		/* the hour's bucket becomes the heap; slots it spawns within the hour join it */
		slot_list *h = &f.now_heap;
		free(h->v);
		*h = f.hours[hour];
		f.hours[hour] = (slot_list){0};
		for (size_t i = h->n / 2; i-- > 0;)
			heap_down(h, i);
		while (h->n) {
			uint32_t u = h->v[0].user;
			account *a = &f.acc[u];
			int64_t now = a->next;
			h->v[0] = h->v[--h->n];
			if (h->n)
				heap_down(h, 0);
			prefetch_next(&f, h);
			if (post_originals(&f, now))
				goto out;
			int got = serve(&f, u, now, f.first[u] + a->done);
			if (got < 0)
				goto out;
			if (got) {
				a->done++;
				a->last = now;
			}
			if (a->left) {
				slot_advance(&f, a);
				if (queue_slot(&f, hour, (slot){a->next, u}))
					goto out;
			}
			if ((++slots & 0xffff) == 0 &&
			    mrs_gen_cancelled(g, "impressions", (double)slots, total))
				goto out;
		}
	}
	compact(&f);
	rc = 0;
out:
	feed_close(&f);
	return rc;
}
