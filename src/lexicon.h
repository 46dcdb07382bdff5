/* lexicon.h: word lists the generator writes tweet text from (generator only: safety
 * models learn from labelled text and never see these lists). */
#ifndef MRS_LEXICON_H
#define MRS_LEXICON_H

#include "minirecsys.h"

#define LEX_TOPIC_WORDS 40
extern const char *const lex_topic[MRS_N_TOPICS][LEX_TOPIC_WORDS];
extern const char *const lex_general[];
extern const unsigned lex_n_general;
extern const char *const lex_toxic[];
extern const unsigned lex_n_toxic;
extern const char *const lex_nsfw[];
extern const unsigned lex_n_nsfw;
extern const char *const lex_names[];
extern const unsigned lex_n_names;

#endif
