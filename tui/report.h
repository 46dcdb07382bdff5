/* report.h: the text and JSON renderings shared by several commands. */
#ifndef MRS_REPORT_H
#define MRS_REPORT_H

#include "cmd.h"

/* The timeline of the last run: the top n with source, score, heads, embeddings, safety,
 * movement against the previous run; then the source distribution. */
void report_timeline(session *s, uint32_t n);
/* One stage: what it mirrors, in/out counts, and the candidates as they left it. */
void report_stage(session *s, int stage, uint32_t limit);
/* Adds the summary of candidate c (index i) to a JSON object. */
void report_candidate_json(session *s, cJSON *o, const mrs_candidate *c, uint32_t i);
/* The evaluation table with bars, and the same as JSON (caller frees). */
void report_eval_text(out *o, const mrs_eval_result *r);
cJSON *report_eval_json(const mrs_eval_result *r);
/* "@handle" of a user. */
const char *report_handle(session *s, uint32_t u, char *buf, size_t size);

#endif
