/* lexicon.h: word lists the generator writes tweet text from (generator only: safety
 * models learn from labelled text and never see these lists). */
#ifndef MRS_LEXICON_H
#define MRS_LEXICON_H

#include "minirecsys.h"

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

#endif
