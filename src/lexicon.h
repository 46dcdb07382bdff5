/* lexicon.h: the words and sentence templates the generator writes tweet text from
 * (generator only: safety models learn from labelled text and never see these lists). */
#ifndef MRS_LEXICON_H
#define MRS_LEXICON_H

#include "minirecsys.h"

/* Per topic: things people tweet about (nouns), who makes news (fictional accounts,
 * teams, bands, labs...), evergreen hashtags and the hashtags of trending events. */
#define LEX_TOPIC_WORDS 30
#define LEX_ENTITIES 12
#define LEX_TAGS 6
#define LEX_EVENT_TAGS 12
extern const char *const lex_topic[MRS_N_TOPICS][LEX_TOPIC_WORDS];
extern const char *const lex_entities[MRS_N_TOPICS][LEX_ENTITIES];
extern const char *const lex_tags[MRS_N_TOPICS][LEX_TAGS];
extern const char *const lex_event_tags[MRS_N_TOPICS][LEX_EVENT_TAGS];
extern const char *const lex_toxic[];
extern const unsigned lex_n_toxic;
extern const char *const lex_nsfw[];
extern const unsigned lex_n_nsfw;
extern const char *const lex_names[];
extern const unsigned lex_n_names;

/* What a tweet's text says, beyond its topic. */
typedef struct lex_tweet {
	int topic;
	double toxicity, nsfw;  /* hidden latents: the chance of toxic / NSFW words grows with them */
	bool link;              /* ends with a t.co link */
	const char *event_tag;  /* a trending event's hashtag to carry, or NULL */
} lex_tweet;

/* Writes one original tweet into buf (NUL-terminated, cut at size): a sentence from one
 * of the topic's templates (who did what, an opinion, a question, a shared read), toxic
 * and NSFW words in a clause of their own at rates that grow with the latents, and
 * sometimes a hashtag; a link when asked. */
void lex_write_tweet(const lex_tweet *w, mrs_rng *r, char *buf, size_t size);
/* Writes a quote's comment (a short reaction) into buf. */
void lex_write_quote_comment(mrs_rng *r, char *buf, size_t size);

#endif
