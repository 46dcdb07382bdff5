/* request.h: the request layer (src/request/): the ranking stages of the request path as
 * functions over a candidate array (pipeline.c runs them from its stage table, tests drive
 * them on hand-built candidates). */
#ifndef MRS_REQUEST_H
#define MRS_REQUEST_H

#include "retrieval/retrieval.h"

/* A multiplier m applied to a score: a positive score becomes s*m; a negative score
 * becomes s*(2-m) for m <= 1 and s/m above, so a penalty (m < 1) always lowers a score
 * and a boost always raises it, whatever its sign. */
float mrs_apply_mult(float score, float m);

typedef struct mrs_stage_ctx {
	const mrs_dataset *ds;
	const mrs_config *cfg;
	const mrs_query *q;       /* prefilter and heuristics; may be NULL in tests */
	int64_t now;
	uint32_t viewer;
	mrs_candidate *c;
	uint32_t n;
	/* authors given negative feedback before now and when last (fatigue), by author */
	const uint32_t *fatigue_author;
	const int64_t *fatigue_time;
	uint32_t n_fatigue;
	/* event sink */
	mrs_event *ev;
	size_t n_ev, cap_ev;
	int stage;                /* the stage now running, stamped on events */
	bool oom;                 /* an event could not be recorded */
	/* selection output */
	uint32_t *order;          /* [n] capacity */
	uint32_t n_order;
} mrs_stage_ctx;

/* Is candidate i still in? */
static inline bool mrs_stage_alive(const mrs_stage_ctx *x, uint32_t i)
{
	return x->c[i].dropped_at < 0;
}
uint32_t mrs_stage_count_alive(const mrs_stage_ctx *x);
void mrs_stage_drop(mrs_stage_ctx *x, uint32_t i, int reason);

void mrs_stage_prefilter(mrs_stage_ctx *x);
void mrs_stage_fusion(mrs_stage_ctx *x);
void mrs_stage_safety(mrs_stage_ctx *x);
void mrs_stage_heuristics(mrs_stage_ctx *x);
void mrs_stage_postfilter(mrs_stage_ctx *x);
void mrs_stage_select(mrs_stage_ctx *x);

/* ------------------------------------------------------------------ config.c, pipeline.c */

/* The table of tunables: one row per field of mrs_config, with the stages that read it
 * (the only place a field's readers are recorded; re-runs start from them). */
enum { MRS_T_FLOAT, MRS_T_U32, MRS_T_ENUM, MRS_T_STRING };
/* The readers of a field no stage reads: a label (the preset's name). */
#define MRS_READ_LABEL (1u << MRS_N_STAGES)
typedef struct mrs_tunable {
	const char *path;         /* "weights.reply" */
	int type;                 /* MRS_T_* */
	size_t offset, size;      /* the field's bytes in mrs_config */
	double lo, hi;            /* the range of a number */
	const char *const *names; /* MRS_T_ENUM: value i is names[i]; NULL-terminated */
	unsigned readers;         /* bit (1u << MRS_STAGE_*) for every stage that reads the
				     field, or MRS_READ_LABEL */
	const char *doc;          /* one line on what it does */
} mrs_tunable;
/* The library's table; *n gets its length. */
const mrs_tunable *mrs_config_tunables(size_t *n);
/* The first stage that reads a field in which `was` and `now` differ, by the readers of
 * table t (n rows); MRS_N_STAGES when no stage reads any field that differs. */
int mrs_config_first_reader(const mrs_tunable *t, size_t n, const mrs_config *was,
			    const mrs_config *now);

/* The same, with the first stage that must run again given: the run starts at the latest
 * stage at or before `first` where the request keeps its state for this viewer and time
 * (query hydration when there is none). */
int mrs_request_run_from(mrs_request *r, uint32_t viewer, int64_t now, const mrs_config *cfg,
			 int first, mrs_error *err);

#endif
