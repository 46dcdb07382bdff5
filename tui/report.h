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
/* Adds v to o as `k`, or null when it is not finite (NaN: undefined). */
void report_add_number(cJSON *o, const char *k, double v);
/* The evaluation table with bars, and the same as JSON (caller frees). */
void report_eval_text(out *o, const mrs_eval_result *r);
cJSON *report_eval_json(const mrs_eval_result *r);
/* The world statistics: four lines of text into buf (the first prefixed by `first`, the
 * others by `rest`), and the same as a JSON object (caller frees). */
void report_world_text(const mrs_world_stats *w, const char *first, const char *rest,
		       char *buf, size_t size);
cJSON *report_world_json(const mrs_world_stats *w);
/* The last `compare A B`: both sides' timelines for the user and their metrics on a
 * fixed sample (the explorer's compare screen draws it). */
#define CMP_ROWS 64
typedef struct cmp_side {
	char name[80];
	uint32_t n;
	uint32_t tweet[CMP_ROWS], author[CMP_ROWS];
	float score[CMP_ROWS];
	mrs_rank_metrics m;
} cmp_side;
typedef struct cmp_result {
	uint32_t user, users, k;
	cmp_side a, b;
} cmp_result;
/* Rank (1-based) of tweet on a side, 0 when absent. */
uint32_t cmp_rank(const cmp_side *x, uint32_t tweet);

/* "@handle" of a user. */
const char *report_handle(session *s, uint32_t u, char *buf, size_t size);

/* The account picker's search (the `users` command): users matching query (NULL: all;
 * an id, part of a handle, or on synthetic worlds an interest such as "tech"), sorted by
 * REPORT_SORT_*. *ids is the caller's to free. */
enum { REPORT_SORT_FOLLOWERS, REPORT_SORT_FOLLOWING, REPORT_SORT_TWEETS, REPORT_SORT_ACTIVITY,
       REPORT_SORT_ID, REPORT_N_SORTS };
const char *report_sort_name(int by);
int report_sort_by_name(const char *name); /* -1 if unknown */
int report_users_find(session *s, const char *query, int by, uint32_t **ids, uint32_t *n,
		      mrs_error *err);

/* An account's summary (the `profile` command and the picker's lower pane). */
typedef struct report_profile {
	uint32_t id, following, followers, tweets;
	uint32_t impressions, engaged, negative; /* shown, engaged with, negative feedback */
	bool verified;
	int64_t created;
	bool has_interests;                      /* synthetic worlds: the hidden truth */
	float interest[MRS_N_TOPICS];
} report_profile;
void report_profile_get(session *s, uint32_t u, report_profile *p);

/* One term of a candidate's fused score: weight x value = contribution. Weighted presets
 * have one per head with a non-zero weight; the blend has engagement, follow and the
 * embedding mix. The terms add up to the candidate's `fused` score. */
typedef struct report_term {
	const char *name;   /* "reply", "engagement", ... */
	const char *of;     /* what the value is: "P(reply)", "P(any)", "mix" (of embeddings) */
	double weight, value, contribution;
} report_term;
#define REPORT_MAX_TERMS MRS_N_HEADS
int report_fusion_terms(const mrs_config *cfg, const mrs_candidate *c,
			report_term terms[REPORT_MAX_TERMS]);

#endif
