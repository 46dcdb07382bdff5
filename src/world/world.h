/* world.h: the synthetic world: its hidden action model, shared by the generator and the
 * ground-truth oracle; the generator's words and its state, shared by generate.c, feed.c
 * and lexicon.c. Nothing on the serving or training path may include this. */
#ifndef MRS_WORLD_H
#define MRS_WORLD_H

#include "dataset/dataset.h"

/* Simulated period: 30 days ending at 2025-12-01 00:00 UTC. */
#define MRS_WORLD_END 1764547200LL

/* Everything the hidden model looks at for one (viewer, tweet, time). */
typedef struct mrs_world_pair {
	double interest;   /* viewer's weight on the tweet's topic, 0..1 */
	double tie;        /* hidden tie strength to the author, 0 when not following */
	bool follows;      /* viewer follows the (re)tweeting author at that time */
	double quality, nsfw, toxicity;
	unsigned flags;    /* MRS_TW_MEDIA | MRS_TW_LINK */
	double age_hours;  /* tweet age when shown */
	double propensity; /* viewer's engagement propensity */
} mrs_world_pair;

/* True P(action) for each action; returns P(any positive action). */
double mrs_world_probs(const mrs_world_pair *in, float out[MRS_N_ACTIONS]);
/* Hidden tie strength of u to v, in (0.1, 1), fixed by the world's seed. */
double mrs_world_tie(uint64_t seed, uint32_t u, uint32_t v);

/* ------------------------------------------------------------ the words (lexicon.c) */

/* The words and sentence templates the generator writes tweet text from (generator only:
 * safety models learn from labelled text and never see these lists). Per topic: things
 * people tweet about (nouns), who makes news (fictional accounts, teams, bands, labs...),
 * evergreen hashtags and the hashtags of trending events. */
#define MRS_LEX_TOPIC_WORDS 30
#define MRS_LEX_ENTITIES 12
#define MRS_LEX_TAGS 6
#define MRS_LEX_EVENT_TAGS 12
extern const char *const mrs_lex_topic[MRS_N_TOPICS][MRS_LEX_TOPIC_WORDS];
extern const char *const mrs_lex_entities[MRS_N_TOPICS][MRS_LEX_ENTITIES];
extern const char *const mrs_lex_tags[MRS_N_TOPICS][MRS_LEX_TAGS];
extern const char *const mrs_lex_event_tags[MRS_N_TOPICS][MRS_LEX_EVENT_TAGS];
extern const char *const mrs_lex_toxic[];
extern const unsigned mrs_lex_n_toxic;
extern const char *const mrs_lex_nsfw[];
extern const unsigned mrs_lex_n_nsfw;
extern const char *const mrs_lex_names[];
extern const unsigned mrs_lex_n_names;

/* What a tweet's text says, beyond its topic. */
typedef struct mrs_lex_tweet {
	int topic;
	double toxicity, nsfw;  /* hidden latents: the chance of toxic / NSFW words grows with them */
	bool link;              /* ends with a t.co link */
	const char *event_tag;  /* a trending event's hashtag to carry, or NULL */
} mrs_lex_tweet;

/* Writes one original tweet into buf (NUL-terminated, cut at size): a sentence from one
 * of the topic's templates (who did what, an opinion, a question, a shared read), toxic
 * and NSFW words in a clause of their own at rates that grow with the latents, and
 * sometimes a hashtag; a link when asked. */
void mrs_lex_write_tweet(const mrs_lex_tweet *w, mrs_rng *r, char *buf, size_t size);
/* Writes a retweet's text into buf (NUL-terminated, cut at size): "RT @handle: text", or
 * when quote is not NULL a quote's, a short reaction drawn from quote before
 * "QT @handle: text". */
void mrs_lex_write_retweet(mrs_rng *quote, const char *handle, const char *text, char *buf,
			   size_t size);

/* ------------------------------------------------------------ the generator's state */

/* Shared by generate.c (accounts, follow graph, trends, original tweets, assembly) and
 * feed.c (what the For You feed showed, and what people did: impressions, spread,
 * retweets). Generator only. */

/* Growable list of timed edges (follows, blocks). */
typedef struct mrs_edge_buf {
	uint32_t *src, *dst;
	int64_t *time;
	uint8_t *kind;
	size_t n, cap;
} mrs_edge_buf;
int mrs_gen_edges_push(mrs_edge_buf *b, uint32_t s, uint32_t d, int64_t t, uint8_t kind,
		       mrs_error *err);

/* A hash set of ids that grows as needed (MRS_NONE cannot be an element). */
typedef struct mrs_gen_idset {
	uint32_t *slot;
	uint32_t mask, count;
} mrs_gen_idset;
/* Empties the set, sized for about `expect` ids. */
int mrs_gen_idset_reset(mrs_gen_idset *s, uint32_t expect, mrs_error *err);
/* Adds x: 1 if added, 0 if it was there, -1 out of memory. */
int mrs_gen_idset_add(mrs_gen_idset *s, uint32_t x, mrs_error *err);
bool mrs_gen_idset_has(const mrs_gen_idset *s, uint32_t x);

/*
 * Tweets while the world is made. Ids here are the generator's own: the originals first
 * (0 .. n_orig-1, in time order), then the retweets and quotes the feed adds as people
 * make them (also in time order). The assembly renumbers them into one time order.
 */
typedef struct mrs_gen_tweet {
	int64_t time;
	uint32_t author;
	uint32_t rt_of;       /* the original, MRS_NONE for an original */
	uint32_t text_off;    /* into mrs_gen_tweets.text */
	uint32_t tlpos;       /* its place in its author's timeline (the feed's) */
	uint8_t topic;        /* hidden latents, a retweet's copied from its original */
	uint8_t flags;        /* MRS_TW_* */
	float quality, nsfw, tox;
} mrs_gen_tweet;

typedef struct mrs_gen_tweets {
	mrs_gen_tweet *v;     /* one record per tweet: the feed reads them at random */
	uint32_t n, n_orig;
	size_t cap;
	mrs_pool text;
} mrs_gen_tweets;
/* Appends a tweet with its text; returns its id or MRS_NONE (out of memory). */
uint32_t mrs_gen_tweet_add(mrs_gen_tweets *tw, uint32_t author, int64_t time, uint32_t rt_of,
			   const char *text, mrs_error *err);

typedef struct mrs_gen {
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
	 * of its strongest trending event then (an index into mrs_lex_event_tags, -1: none) */
	uint32_t n_hours;
	float *trend;         /* [n_hours * MRS_N_TOPICS] */
	int8_t *trend_tag;    /* [n_hours * MRS_N_TOPICS] */
	mrs_gen_tweets tw;
	mrs_edge_buf follows; /* the base graph, then follows made by follow actions */
	mrs_edge_buf blocks;  /* blocks and mutes */
	/* impressions, filled by the feed: in user order, each user's in time order; tweet
	 * ids are mrs_gen_tweets ids until the assembly renumbers them */
	uint32_t n_imp;
	uint32_t *imp_user, *imp_tweet;
	int64_t *imp_time;
	uint8_t *imp_actions;
	float *imp_propensity;
	float *imp_prob;      /* [n_imp * MRS_N_ACTIONS] the hidden model's probabilities */
} mrs_gen;

/* Reports progress; fails with MRS_ERR_CANCELLED when the callback asks to stop. */
int mrs_gen_cancelled(mrs_gen *g, const char *phase, double done, double total);
/* The hour of the period a time falls in, clamped to it. */
uint32_t mrs_gen_hour(const mrs_gen *g, int64_t t);

/* Runs the feed over the period (feed.c): fills g's impressions, adds retweets and quotes
 * to g->tw, follows to g->follows and blocks and mutes to g->blocks. */
int mrs_gen_feed(mrs_gen *g);

/* The oracle (truth.c). */
/* The hidden model's probability of each action were `user` shown `tweet` at time `now`
 * (the same function the generator draws actions from). Writes MRS_N_ACTIONS values;
 * returns P(any positive action). */
double mrs_truth_pair_probs(const mrs_truth *tr, const mrs_dataset *ds, uint32_t user,
			    uint32_t tweet, int64_t now, float out[MRS_N_ACTIONS]);

#endif
