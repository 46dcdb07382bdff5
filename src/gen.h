/* gen.h: the synthetic world's generator state, shared by generate.c (accounts, follow
 * graph, trends, original tweets, assembly) and feed.c (what the For You feed showed, and
 * what people did: impressions, spread, retweets). Generator only. */
#ifndef MRS_GEN_H
#define MRS_GEN_H

#include "internal.h"
#include "world.h"

/* Growable list of timed edges (follows, blocks). */
typedef struct edge_buf {
	uint32_t *src, *dst;
	int64_t *time;
	uint8_t *kind;
	size_t n, cap;
} edge_buf;
int gen_edges_push(edge_buf *b, uint32_t s, uint32_t d, int64_t t, uint8_t kind,
		   mrs_error *err);

/* A hash set of ids that grows as needed (MRS_NONE cannot be an element). */
typedef struct gen_idset {
	uint32_t *slot;
	uint32_t mask, count;
} gen_idset;
/* Empties the set, sized for about `expect` ids. */
int gen_idset_reset(gen_idset *s, uint32_t expect, mrs_error *err);
/* Adds x: 1 if added, 0 if it was there, -1 out of memory. */
int gen_idset_add(gen_idset *s, uint32_t x, mrs_error *err);
bool gen_idset_has(const gen_idset *s, uint32_t x);

/*
 * Tweets while the world is made. Ids here are the generator's own: the originals first
 * (0 .. n_orig-1, in time order), then the retweets and quotes the feed adds as people
 * make them (also in time order). The assembly renumbers them into one time order.
 */
typedef struct gen_tweet {
	int64_t time;
	uint32_t author;
	uint32_t rt_of;       /* the original, MRS_NONE for an original */
	uint32_t text_off;    /* into gen_tweets.text */
	uint32_t tlpos;       /* its place in its author's timeline (the feed's) */
	uint8_t topic;        /* hidden latents, a retweet's copied from its original */
	uint8_t flags;        /* MRS_TW_* */
	float quality, nsfw, tox;
} gen_tweet;

typedef struct gen_tweets {
	gen_tweet *v;         /* one record per tweet: the feed reads them at random */
	uint32_t n, n_orig;
	size_t cap;
	mrs_pool text;
} gen_tweets;
/* Appends a tweet with its text; returns its id or MRS_NONE (out of memory). */
uint32_t gen_tweet_add(gen_tweets *tw, uint32_t author, int64_t time, uint32_t rt_of,
		       const char *text, mrs_error *err);

typedef struct gen {
	const mrs_gen_params *p;
	mrs_rng rng;
	mrs_error *err;
	const mrs_progress *prog;
	mrs_dataset *ds;      /* accounts and the base follow graph while the world is made */
	mrs_truth *tr;        /* users' hidden interests and propensities */
	int64_t t_end, t_begin;
	/* hidden user latents */
	double *activity, *pop, *author_q, *nsfw_prop, *tox_prop;
	/* trends: each topic's intensity in each hour of the period (0: none) and the hashtag
	 * of its strongest trending event then (an index into lex_event_tags, -1: none) */
	uint32_t n_hours;
	float *trend;         /* [n_hours * MRS_N_TOPICS] */
	int8_t *trend_tag;    /* [n_hours * MRS_N_TOPICS] */
	gen_tweets tw;
	edge_buf follows;     /* the base graph, then follows made by follow actions */
	edge_buf blocks;      /* blocks and mutes */
	/* impressions, filled by the feed: in user order, each user's in time order; tweet
	 * ids are gen_tweets ids until the assembly renumbers them */
	uint32_t n_imp;
	uint32_t *imp_user, *imp_tweet;
	int64_t *imp_time;
	uint8_t *imp_actions;
	float *imp_propensity;
	float *imp_prob;      /* [n_imp * MRS_N_ACTIONS] the hidden model's probabilities */
} gen;

/* Reports progress; fails with MRS_ERR_CANCELLED when the callback asks to stop. */
int gen_cancelled(gen *g, const char *phase, double done, double total);
/* The hour of the period a time falls in, clamped to it. */
uint32_t gen_hour(const gen *g, int64_t t);

/* Runs the feed over the period (feed.c): fills g's impressions, adds retweets and quotes
 * to g->tw, follows to g->follows and blocks and mutes to g->blocks. */
int gen_feed(gen *g);

#endif
