/* world.h: the synthetic world's hidden action model, shared by the generator and the
 * ground-truth oracle. Nothing on the serving or training path may include this. */
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

/* Word lists the generator writes tweet text from (lexicon.c; generator only: safety models
 * learn from labelled text and never see these lists). */
#define MRS_LEX_TOPIC_WORDS 40
extern const char *const mrs_lex_topic[MRS_N_TOPICS][MRS_LEX_TOPIC_WORDS];
extern const char *const mrs_lex_general[];
extern const unsigned mrs_lex_n_general;
extern const char *const mrs_lex_toxic[];
extern const unsigned mrs_lex_n_toxic;
extern const char *const mrs_lex_nsfw[];
extern const unsigned mrs_lex_n_nsfw;
extern const char *const mrs_lex_names[];
extern const unsigned mrs_lex_n_names;

/* The oracle (truth.c). */
/* The hidden model's probability of each action were `user` shown `tweet` at time `now`
 * (the same function the generator draws actions from). Writes MRS_N_ACTIONS values;
 * returns P(any positive action). */
double mrs_truth_pair_probs(const mrs_truth *tr, const mrs_dataset *ds, uint32_t user,
			    uint32_t tweet, int64_t now, float out[MRS_N_ACTIONS]);

#endif
