/* report.h: results (and their text) that several commands share, and what commands and
 * screens both read from the session. */
#ifndef MRS_REPORT_H
#define MRS_REPORT_H

#include "cmd.h"

/* The trace of the session's request (docs/trace.md; the caller deletes it), and in
 * *cand (the caller frees it) the trace's object of each candidate by index. NULL when
 * memory runs out. */
cJSON *report_trace(session *s, cJSON ***cand);
/* Candidate i's object taken out of the trace, with "previous_rank" (0: new) when the
 * request has a run before it for the same viewer (selected candidates only). */
cJSON *report_trace_take(session *s, cJSON *trace, cJSON **cand, uint32_t i);
/* "fallbacks": [{"model", "note"}] for every model that falls back, when one does; and
 * its text: "note: NAME falls back: NOTE" lines. */
void report_fallbacks(session *s, cJSON *res);
void report_fallbacks_text(out *o, const cJSON *res);
/* "InNetwork" for "in_network". */
const char *report_source_label(const char *name);
/* The options --preset P and --weights FILE of a command (timeline, eval): the preset,
 * then the file loaded over it, made the session's configuration as `preset` and `load
 * weights` do. Nothing when neither is given. */
int report_config_args(session *s, const cmd_args *a, mrs_error *err);
/* start (NULL: the seed preset on the dataset's time scale) searched by mrs_tune until it
 * converges or has made max_evals evaluations (0: no limit; REPORT_TUNE_EVALS by
 * default) for the split of eo (eo->models_dir: the
 * session's), the best labelled "tuned:seed": the configuration `train` keeps for an
 * imported log, and the one `eval --split random` keeps for that split. t is the
 * caller's (mrs_tune_result_free) on success. */
#define REPORT_TUNE_EVALS 1000
int report_tune_seed(session *s, const mrs_config *start, const mrs_eval_opts *eo,
		     uint32_t max_evals, mrs_tune_result *t, mrs_error *err);
/* One stage: what it mirrors, in/out counts, and the first limit candidates as they left
 * it; and its text. */
int report_stage(session *s, int stage, uint32_t limit, cJSON *res, mrs_error *err);
void report_stage_text(out *o, const cJSON *res);
/* The evaluation as a result (res: the command's), and its text: the table with bars. */
void report_eval(const mrs_eval_result *r, cJSON *res);
void report_eval_text(out *o, const cJSON *res);
/* The world statistics (`info`'s "world"; docs/world.md) as a result object (not finite:
 * null), and their text: four lines, the first prefixed by `first`, the others by `rest`. */
cJSON *report_world(const mrs_world_stats *w);
void report_world_text(out *o, const cJSON *world, const char *first, const char *rest);
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
/* "@handle" of res[key] (a handle without its @). */
const char *report_at(const cJSON *res, const char *key, char *buf, size_t size);
/* The handles of the users ids names, as {"ID": "handle"} under key "handles" (for the
 * text of results that name users by id, as the trace does). */
void report_handles(session *s, cJSON *res, const uint32_t *ids, uint32_t n);
/* "@handle" of user id from res's "handles" (or "#ID" when it is not there). */
const char *report_handle_of(const cJSON *res, uint32_t id, char *buf, size_t size);

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
