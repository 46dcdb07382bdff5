/* session.c: loading on first need, running the request, users and tweets by argument. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "tour.h"

void session_init(session *s, const cli_opts *o, out *sink, const mrs_progress *progress)
{
	memset(s, 0, sizeof *s);
	s->opts = *o;
	s->o = sink;
	s->progress = progress;
	s->selected = MRS_NONE;
	s->stage = MRS_N_STAGES - 1;
	s->tour_pos = -1;
	mrs_config_preset(&s->cfg, "seed", NULL);
}

static void drop_overlay(session *s)
{
	if (!s->base)
		return;
	mrs_request_free(s->req);
	mrs_engine_free(s->engine);
	mrs_dataset_free(s->ds);
	s->ds = s->base;
	s->engine = s->base_engine;
	s->base = NULL;
	s->base_engine = NULL;
	s->req = NULL;
}

void session_free(session *s)
{
	drop_overlay(s);
	free(s->edits);
	s->edits = NULL;
	s->n_edits = 0;
	mrs_evaluator_free(s->ev);
	mrs_truth_free(s->truth);
	s->truth = NULL;
	tour_free(s->tour);
	s->tour = NULL;
	free(s->cmp);
	s->cmp = NULL;
	free(s->before);
	s->before = NULL;
	mrs_request_free(s->req);
	mrs_engine_free(s->engine);
	mrs_dataset_free(s->ds);
	s->ev = NULL, s->req = NULL, s->engine = NULL, s->ds = NULL;
}

void session_reset(session *s)
{
	session_free(s);
	s->has_eval = false;
	s->epoch++;
}

/* A new dataset: the configuration `train` tuned for the serving set, when there is one
 * for this dataset (mrs_tuned_config), replaces the seed preset, unless the user already
 * chose another (--preset, --weights, `set`, `load` apply after this). */
static int session_tuned(session *s, mrs_error *err)
{
	char path[4400];
	mrs_error ignore = {0}; /* a broken CURRENT: the engine says so when it opens */
	if (strcmp(s->cfg.preset, "seed") != 0 ||
	    mrs_tuned_config(s->opts.models, s->ds, path, sizeof path, &ignore) != 2)
		return 0;
	mrs_error e = {0};
	if (mrs_config_load(&s->cfg, path, &e))
		return mrs_fail(err, MRS_ERR_MODEL, "%s (written by train; train again, or delete it "
				"to serve the seed preset)", e.msg);
	return 0;
}

int session_dataset(session *s, mrs_error *err)
{
	if (s->ds)
		return 0;
	s->ds = s->opts.no_snapshot
			? mrs_dataset_load(s->opts.data, s->progress, err)
			: mrs_dataset_load_serving(s->opts.data, s->opts.models, s->progress, err);
	if (!s->ds)
		return -1;
	mrs_time_scale ts = mrs_dataset_info_get(s->ds).time_scale;
	if (!s->has_scale || s->scale.age_limit_hours != ts.age_limit_hours ||
	    s->scale.halflife_hours != ts.halflife_hours ||
	    s->scale.graph_window_hours != ts.graph_window_hours ||
	    s->scale.fatigue_days != ts.fatigue_days) {
		mrs_config_time_scale(&s->cfg, &ts);
		s->scale = ts;
		s->has_scale = true;
		return session_tuned(s, err);
	}
	return 0;
}

int session_engine(session *s, mrs_error *err)
{
	if (s->engine)
		return 0;
	if (session_dataset(s, err))
		return -1;
	mrs_engine_opts eo = {.models_dir = s->opts.models};
	s->engine = mrs_engine_open(s->ds, &eo, s->progress, err);
	if (!s->engine)
		return -1;
	s->req = mrs_request_new(s->engine, err);
	return s->req ? 0 : -1;
}

int session_run(session *s, mrs_error *err)
{
	if (!s->has_user)
		return mrs_fail(err, MRS_ERR_REFUSED, "no user chosen: use `user ID` first");
	if (session_engine(s, err))
		return -1;
	return mrs_request_run(s->req, s->user, 0, &s->cfg, err);
}

int session_set_user(session *s, uint32_t user, mrs_error *err)
{
	bool had = s->has_user;
	uint32_t was = s->user;
	s->user = user;
	s->has_user = true;
	s->selected = MRS_NONE;
	if (session_run(s, err)) {
		s->has_user = had;
		s->user = was;
		return -1;
	}
	return 0;
}

int session_set_config(session *s, const mrs_config *cfg, mrs_error *err)
{
	mrs_config old = s->cfg;
	s->cfg = *cfg;
	if (s->has_user && session_run(s, err)) {
		s->cfg = old;
		return -1;
	}
	s->prev_cfg = old;
	s->has_prev_cfg = true;
	return 0;
}

/* Would an evaluator built with a serve o? */
static bool same_eval(const mrs_eval_opts *a, const mrs_eval_opts *o)
{
	return a->k == o->k && a->users == o->users && a->seed == o->seed &&
	       a->sc_mode == o->sc_mode && a->rg_mode == o->rg_mode && a->models == o->models &&
	       a->systems == o->systems && a->split == o->split && a->ratio == o->ratio &&
	       a->validation == o->validation && a->lists_only == o->lists_only &&
	       !memcmp(&a->knn, &o->knn, sizeof o->knn) &&
	       !memcmp(&a->bpr, &o->bpr, sizeof o->bpr);
}

mrs_evaluator *session_evaluator(session *s, const mrs_eval_opts *o, mrs_error *err)
{
	if (s->ev && same_eval(&s->ev_opts, o))
		return s->ev;
	mrs_evaluator_free(s->ev);
	s->ev = NULL;
	if (session_dataset(s, err))
		return NULL;
	mrs_eval_opts eo = *o;
	eo.models_dir = s->opts.models;
	eo.keep_requests = true;
	/* the dataset as loaded, which outlives what-if edits (it borrows it) */
	if (!(s->ev = mrs_evaluator_new(s->base ? s->base : s->ds, &eo, s->progress, err)))
		return NULL;
	s->ev_opts = eo;
	return s->ev;
}

const mrs_truth *session_truth(session *s)
{
	if (s->truth || !s->ds)
		return s->truth;
	mrs_dataset_info di = mrs_dataset_info_get(s->ds);
	if (!di.has_truth || !di.path)
		return s->truth;
	mrs_error err;
	s->truth = mrs_truth_load(di.path, s->ds, &err);
	return s->truth;
}

int session_apply_edits(session *s, const mrs_edit *e, mrs_error *err)
{
	if (session_engine(s, err))
		return -1;
	const mrs_dataset *base = s->base ? s->base : s->ds;
	size_t n = s->n_edits + (e ? 1 : 0);
	if (e && mrs_edit_check(base, e, err))
		return -1;
	mrs_edit *all = NULL;
	mrs_dataset *ds = NULL;
	mrs_engine *engine = NULL;
	mrs_request *req = NULL;
	if (n) {
		if (!(all = malloc(sizeof *all * n)))
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		if (s->n_edits)
			memcpy(all, s->edits, sizeof *all * s->n_edits);
		if (e)
			all[n - 1] = *e;
		/* the edits happen just before the request: at the last event of the data; the
		 * models are the session's set, even if `train` elsewhere has switched since */
		mrs_engine_opts eo = {.models_dir = mrs_engine_models_dir(s->engine)};
		if (!(ds = mrs_dataset_with_edits(base, all, n, mrs_dataset_info_get(base).t_end, err)) ||
		    !(engine = mrs_engine_open(ds, &eo, s->progress, err)) ||
		    !(req = mrs_request_new(engine, err))) {
			mrs_request_free(req);
			mrs_engine_free(engine);
			mrs_dataset_free(ds);
			free(all);
			return -1;
		}
	}
	/* keep the timeline as it was, to show what moved */
	free(s->before);
	s->before = NULL;
	s->n_before = 0;
	if (s->req && s->has_user) {
		const uint32_t *order;
		uint32_t nt = mrs_request_timeline(s->req, &order), nc;
		const mrs_candidate *c = mrs_request_candidates(s->req, &nc);
		if (nt && (s->before = malloc(sizeof(uint32_t) * nt))) {
			for (uint32_t k = 0; k < nt; k++)
				s->before[k] = c[order[k]].tweet;
			s->n_before = nt;
		}
	}
	mrs_request_free(s->req);
	s->req = NULL;
	if (s->base) {
		mrs_engine_free(s->engine);
		mrs_dataset_free(s->ds);
	} else if (n) {
		s->base = s->ds;
		s->base_engine = s->engine;
	}
	if (n) {
		s->ds = ds;
		s->engine = engine;
		s->req = req;
	} else if (s->base) {
		s->ds = s->base;
		s->engine = s->base_engine;
		s->base = NULL;
		s->base_engine = NULL;
		s->req = mrs_request_new(s->engine, err);
	}
	free(s->edits);
	s->edits = all;
	s->n_edits = n;
	if (!s->req)
		return -1;
	return s->has_user ? session_run(s, err) : 0;
}

int session_user_arg(session *s, const char *arg, uint32_t *res, mrs_error *err)
{
	if (session_dataset(s, err))
		return -1;
	uint32_t u = mrs_user_lookup(s->ds, arg), users = mrs_dataset_info_get(s->ds).users;
	if (u == MRS_NONE && !users)
		return mrs_fail(err, MRS_ERR_REFUSED, "no user '%s': the dataset has no users", arg);
	if (u == MRS_NONE)
		return mrs_fail(err, MRS_ERR_REFUSED, "no user '%s' (ids are 0 .. %u, or @handle)", arg,
				users - 1);
	*res = u;
	return 0;
}

int session_tweet_arg(session *s, const char *arg, uint32_t *res, mrs_error *err)
{
	if (session_dataset(s, err))
		return -1;
	const char *p = arg[0] == '#' ? arg + 1 : arg;
	char *end;
	errno = 0;
	unsigned long v = strtoul(p, &end, 10);
	if (!isdigit((unsigned char)p[0]) || *end)
		return mrs_fail(err, MRS_ERR_REFUSED, "'%s' is not a tweet id", arg);
	uint32_t tweets = mrs_dataset_info_get(s->ds).tweets;
	if (!tweets)
		return mrs_fail(err, MRS_ERR_REFUSED, "no tweet %s: the dataset has no tweets", arg);
	if (errno == ERANGE || v >= tweets)
		return mrs_fail(err, MRS_ERR_REFUSED, "no tweet %s (ids are 0 .. %u)", arg,
				tweets - 1);
	*res = (uint32_t)v;
	return 0;
}

const mrs_candidate *session_candidate(session *s, uint32_t tweet, uint32_t *index)
{
	if (!s->req || !s->has_user)
		return NULL;
	uint32_t n;
	const mrs_candidate *c = mrs_request_candidates(s->req, &n);
	for (uint32_t i = 0; i < n; i++)
		if (c[i].tweet == tweet) {
			if (index)
				*index = i;
			return &c[i];
		}
	return NULL;
}
