/* session.h: the state commands act on: the dataset, engine, request, configuration,
 * the current user and stage, and where output goes. One per front end. */
#ifndef MRS_SESSION_H
#define MRS_SESSION_H

#include "cli.h"
#include "out.h"

typedef struct session {
	cli_opts opts;
	out *o;
	const mrs_progress *progress;
	mrs_dataset *ds;      /* the dataset in use: base, or base with the what-if edits */
	mrs_engine *engine;
	mrs_dataset *base;    /* the dataset as loaded, while edits are active (else NULL) */
	mrs_engine *base_engine; /* its engine, kept to return to on `reset` */
	uint32_t *before;     /* the timeline (tweet ids) before the last edit or reset */
	uint32_t n_before;
	mrs_edit *edits;      /* what-if edits, in the order made */
	size_t n_edits;
	mrs_request *req;
	mrs_config cfg;       /* the configuration in use */
	mrs_config prev_cfg;  /* the one before the last change (for diff) */
	bool has_prev_cfg;
	bool has_user;
	uint32_t user;
	int stage;            /* the stage cursor of the stepper */
	uint32_t selected;    /* the tweet last explained or under the cursor, or MRS_NONE */
	mrs_evaluator *ev;    /* built on first use (eval, compare): session_evaluator */
	mrs_eval_opts ev_opts; /* the options it was built with */
	mrs_truth *truth;     /* the hidden truth, for profiles only; loaded on first use */
	mrs_eval_result last_eval; /* the result of the last `eval` */
	bool has_eval;
	unsigned epoch;       /* bumped whenever the dataset or the engine is replaced */
	bool quit;
	void *ui;             /* the explorer's own state, when it runs */
	const char *script;   /* batch: the script's name, for error messages */
	bool transcript;      /* batch: leave out what differs from run to run (timings) and
			       * from machine to machine (metrics of models trained in it) */
	bool once;            /* run once from the command line: nothing follows the command */
	cli_progress *bar;    /* the progress line to end before a command reports, or NULL */
	struct tour *tour;    /* the guided tour, loaded by the first `tour` */
	int tour_pos;         /* the step shown, -1 when no tour runs */
	struct cmp_result *cmp; /* the last `compare`, or NULL */
} session;

void session_init(session *s, const cli_opts *o, out *sink, const mrs_progress *progress);
void session_free(session *s);
/* Drops the dataset, engine, request, evaluator and truth (they load again on next need),
 * keeping the configuration and the user choice: after a new dataset or new models. */
void session_reset(session *s);
/* Load on first need; errors name the file. */
int session_dataset(session *s, mrs_error *err);
int session_engine(session *s, mrs_error *err);
/* Runs (or re-ranks) the request for the current user under s->cfg. */
int session_run(session *s, mrs_error *err);
/* Sets the current user and runs the request. */
int session_set_user(session *s, uint32_t user, mrs_error *err);
/* Replaces the configuration (remembering the old one for diff) and re-ranks. */
int session_set_config(session *s, const mrs_config *cfg, mrs_error *err);
/* The evaluator for o (over the dataset as loaded, keeping one request per user), kept
 * while later calls ask for the same sample, cut-off, modes and metrics; NULL on error. */
mrs_evaluator *session_evaluator(session *s, const mrs_eval_opts *o, mrs_error *err);
/* The hidden truth of a synthetic world (NULL, no error, when there is none). */
const mrs_truth *session_truth(session *s);
/* Applies the edits (plus e, when not NULL) on a copy of the loaded dataset, reopens the
 * engine over it and re-runs the request. With no edits left, returns to the base. */
int session_apply_edits(session *s, const mrs_edit *e, mrs_error *err);
/* Resolves "42", "@handle" or "handle" to a user id, with a message when there is none. */
int session_user_arg(session *s, const char *arg, uint32_t *res, mrs_error *err);
/* Resolves a tweet id argument ("123" or "#123"). */
int session_tweet_arg(session *s, const char *arg, uint32_t *res, mrs_error *err);
/* The request's candidate for tweet, or NULL. */
const mrs_candidate *session_candidate(session *s, uint32_t tweet, uint32_t *index);

#endif
