/* engine.c: opens the serving engine: counters, the co-engagement index, embeddings, safety
 * models, heavy ranker. */
#include <stdio.h>

#include "models/models.h"

static const char *const model_names[MRS_N_MODELS] = {
	"simclusters", "twhin", "realgraph", "nsfw", "toxicity", "heavy_ranker",
};

const char *mrs_model_name(mrs_model_id id)
{
	return (unsigned)id < MRS_N_MODELS ? model_names[id] : NULL;
}

int mrs_model_by_name(const char *name)
{
	for (int i = 0; i < MRS_N_MODELS; i++)
		if (strcmp(name, model_names[i]) == 0)
			return i;
	return -1;
}

void mrs_engine_parts_free(mrs_engine *e)
{
	mrs_safety_free(e->nsfw), mrs_safety_free(e->tox);
	mrs_rg_free(e->rg), mrs_twhin_free(e->tw), mrs_sc_free(e->sc);
	mrs_item_knn_free(e->coeng), mrs_counts_free(e->counts);
	e->nsfw = e->tox = NULL, e->rg = NULL, e->tw = NULL, e->sc = NULL, e->coeng = NULL;
	e->counts = NULL, e->coeng_until = e->coeng_before = 0, e->coeng_first = 0;
	e->coeng_big = false;
}

void mrs_engine_free(mrs_engine *e)
{
	if (!e)
		return;
	mrs_ranker_free(e->rk);
	mrs_engine_parts_free(e);
	free(e);
}

/* Resolves the models folder to its current set, and refuses the models whose cards name
 * another dataset. */
static void models_open(mrs_engine *e, const char *dir)
{
	mrs_error merr = {0};
	if (mrs_models_current(dir, e->models_dir, sizeof e->models_dir, &merr)) {
		e->models_dir[0] = '\0';
		for (int id = 0; id < MRS_N_MODELS; id++)
			snprintf(e->refused[id], sizeof e->refused[id], "%.250s", merr.msg);
		return;
	}
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(e->models_dir, e->ds, cc);
	for (int id = 0; id < MRS_N_MODELS; id++)
		if ((e->status[id].other_dataset = cc[id].state == MRS_CARD_OTHER))
			snprintf(e->refused[id], sizeof e->refused[id],
				 "%.150s/%s.pt: trained on another dataset (fingerprint %s, this "
				 "one is %016llx)",
				 e->models_dir, mrs_model_name(id), cc[id].fingerprint,
				 (unsigned long long)e->ds->source_fingerprint);
		else if (cc[id].skipped[0])
			snprintf(e->refused[id], sizeof e->refused[id], "skipped in training: %.200s",
				 cc[id].skipped);
}

bool mrs_model_refused(const mrs_engine *e, mrs_model_id id, char *why, size_t size)
{
	if (e->refused[id][0])
		snprintf(why, size, "%s", e->refused[id]);
	else if (!e->models_dir[0])
		snprintf(why, size, "no models folder");
	else
		return false;
	return true;
}

mrs_engine *mrs_engine_open(const mrs_dataset *ds, const mrs_engine_opts *o,
			    const mrs_progress *progress, mrs_error *err)
{
	mrs_engine *e = mrs_calloc(1, sizeof *e, "engine", err);
	if (!e)
		return NULL;
	e->ds = ds;
	e->now = o && o->now ? o->now : ds->t_end + 1;
	e->sc_mode = o ? o->sc_mode : MRS_SC_REAL;
	e->rg_mode = o ? o->rg_mode : MRS_RG_LEARNED;
	e->request_caches = !(o && (o->now || o->rows_only));
	if (o && o->models_dir && *o->models_dir)
		models_open(e, o->models_dir);
	int mapped = mrs_snapshot_map_engine(e, o, err);
	if (mapped) {
		if (mapped > 0)
			return e;
		mrs_engine_free(e);
		return NULL;
	}
	if (o && o->snapshot_only) {
		mrs_fail(err, MRS_ERR_REFUSED, "%s: no serving snapshot of these models maps",
			 ds->path ? ds->path : "dataset");
		mrs_engine_free(e);
		return NULL;
	}
	e->texts_from = o ? o->texts_from : NULL;
	for (int i = 0; i < MRS_N_MODELS; i++)
		snprintf(e->status[i].note, sizeof e->status[i].note, "not opened");
	mrs_snap_io *snap = mrs_snapshot_write_start(e, o, progress);
	if (mrs_counts_open(e, progress, err) ||
	    mrs_coeng_open(e, mrs_coeng_cut(e, o), progress, err) ||
	    mrs_sc_open(e, progress, err) ||
	    mrs_twhin_open(e, progress, err) || mrs_rg_open(e, progress, err) ||
	    mrs_safety_open(e, progress, err) || mrs_ranker_open(e, progress, err)) {
		mrs_snapshot_write_abandon(snap);
		mrs_engine_free(e);
		return NULL;
	}
	mrs_snapshot_write_finish(e, snap, progress);
	e->texts_from = NULL;
	return e;
}

const mrs_dataset *mrs_engine_dataset(const mrs_engine *e)
{
	return e->ds;
}

int64_t mrs_engine_now(const mrs_engine *e)
{
	return e->now;
}

const char *mrs_engine_models_dir(const mrs_engine *e)
{
	return e->models_dir;
}

const mrs_model_status *mrs_engine_status(const mrs_engine *e, mrs_model_id id)
{
	return (unsigned)id < MRS_N_MODELS ? &e->status[id] : NULL;
}
