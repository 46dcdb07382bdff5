/* request.h: the request layer (src/request/): the ranking stages of the request path as
 * functions over a candidate array (pipeline.c runs them from its stage table, tests drive
 * them on hand-built candidates). */
#ifndef MRS_REQUEST_H
#define MRS_REQUEST_H

#include "retrieval/retrieval.h"

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

#endif
