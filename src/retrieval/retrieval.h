/* retrieval.h: the retrieval layer (src/retrieval/): query hydration, the four candidate
 * sources and dedup, over the engine the models layer opens. */
#ifndef MRS_RETRIEVAL_H
#define MRS_RETRIEVAL_H

#include "models/models.h"

/* Candidate lists (candidates.c). */
/* Appends a copy of *c. */
int mrs_cand_push(mrs_cand_list *l, const mrs_candidate *c, mrs_error *err);
void mrs_cand_list_free(mrs_cand_list *l);
/* A candidate with only its tweet and authors set: sources 0, every score 0,
 * via MRS_NONE, dropped_at -1, multipliers 1. */
void mrs_cand_init(mrs_candidate *c, const mrs_dataset *ds, uint32_t tweet);

/* Query hydration and the sources (sources.c); dedup (candidates.c). */
int mrs_query_hydrate(const mrs_engine *e, uint32_t viewer, int64_t now, mrs_query *q,
		      mrs_error *err);
void mrs_query_free(mrs_query *q);

/* Runs one candidate source for the query: appends at most cfg->source_cap[source]
 * candidates to out, best first by the source's light ranking, each with its
 * source_score and provenance. No source scans every tweet: each reads only indexes
 * built when the engine opened. */
int mrs_source_run(int source, const mrs_engine *e, const mrs_query *q, const mrs_config *cfg,
		   mrs_cand_list *out, mrs_error *err);
/* Merges the sources' lists into out, one candidate per tweet, keeping every finding
 * source in `sources` and its score, crediting the first source in MRS_SRC_* order,
 * and keeping the proof and via of the source that attached them. */
int mrs_candidates_dedup(const mrs_cand_list lists[MRS_N_SOURCES], mrs_cand_list *out,
			 mrs_error *err);

#endif
