/* snapshot.c: the serving snapshot: a dataset and everything the engine computes from it
 * and the models at open, written once beside the models and mapped on every start.
 *
 * The file is SET/serving.snap in the models folder's current set (so `train`, which makes
 * a new set, leaves it behind by construction). It is used only on the plain serving path:
 * the stored dataset opened with mrs_dataset_load_serving and an engine with the default
 * now and modes over the current set, whose co-engagement index holds the engagements
 * before that now. Datasets derived in memory (what-if edits, evaluation's cuts) and
 * engines with other options (training's engine with its index cut earlier) are built as
 * before, without it.
 *
 * Its key (snapshot_key) holds the format and content versions, the feature spec version,
 * the co-engagement index's item-kNN parameters, the dataset's content fingerprint from
 * the store's meta with SQLite's change counter and the file's size (for a file written
 * before the store kept its fingerprint: the file's device, inode, size and modification
 * time), the set folder's resolved path, and for every model its card's bytes and its model file's
 * identity. Any difference makes the file stale: it is rebuilt, and the progress says
 * which field changed. A missing, truncated or corrupt file is rebuilt the same way. The
 * dataset's last event fixes the default now, and so what the co-engagement index holds;
 * the index's section records it and is not used for an engine at another now.
 *
 * It is written in two steps around the engine's build (mrs_snapshot_write_start and
 * _finish): the dataset and its truth first, so that the truth is freed before the parts
 * take their memory, then the parts; each step sizes its sections with a dry run and
 * checks the set folder's free space first. Until the rename, it is a temporary file.
 *
 * Bump SNAPSHOT_CONTENT when what a part computes at open changes: a file written by an
 * older program would otherwise be served as it is. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "models/models.h"

#define SNAPSHOT_CONTENT 8
#define SNAPSHOT_NAME "serving.snap"

/* Every part the engine builds at open, in its open order, listed for the snapshot. A new
 * part adds one line here (and its mrs_PART_snap). The heavy ranker is not in it: it is a
 * torch model loaded from its file in a few milliseconds, as mrs_ranker_open does. */
static int engine_snap(mrs_engine *e, mrs_snap_io *io)
{
	return mrs_snap_value(io, "engine.status", e->status, sizeof e->status) ||
			       mrs_counts_snap(e, io) || mrs_coeng_snap(e, io) ||
			       mrs_sc_snap(e, io) || mrs_twhin_snap(e, io) ||
			       mrs_rg_snap(e, io) || mrs_safety_snap(e, io)
		       ? -1
		       : 0;
}

/* ------------------------------------------------------------------ the key */

static uint64_t mix(uint64_t h, uint64_t v)
{
	return mrs_fnv1a(h, &v, sizeof v);
}

/* Device, inode, size and modification time of path (0 when it does not exist). */
static uint64_t file_identity(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return 0;
	uint64_t h = mix(MRS_FNV_START, (uint64_t)sb.st_dev);
	h = mix(h, (uint64_t)sb.st_ino);
	h = mix(h, (uint64_t)sb.st_size);
	h = mix(h, (uint64_t)sb.st_mtim.tv_sec);
	return mix(h, (uint64_t)sb.st_mtim.tv_nsec);
}

static uint64_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* The bytes of a (small) file, hashed with the identity of another; 0 when neither is. */
static uint64_t card_identity(const char *card, const char *model)
{
	uint64_t h = MRS_FNV_START, id = file_identity(model);
	FILE *f = fopen(card, "rb");
	if (!f && !id)
		return 0;
	if (f) {
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			h = mrs_fnv1a(h, buf, n);
		fclose(f);
	}
	return mix(h, id);
}

/* The item-kNN parameters the engine's co-engagement index is built with, and its size
 * rule's (MRS_COENG_ALL_TARGETS_MAX, MRS_COENG_BIG_NEIGHBOURS). */
static uint64_t knn_identity(const mrs_knn_params *p)
{
	uint32_t shrink;
	memcpy(&shrink, &p->shrink, sizeof shrink);
	uint64_t h = mix(mix(MRS_FNV_START, p->neighbours), shrink);
	h = mrs_fnv1a(h, &mrs_coeng_weights, sizeof mrs_coeng_weights);
	return mix(mix(h, MRS_COENG_ALL_TARGETS_MAX), MRS_COENG_BIG_NEIGHBOURS);
}

static void key_add(mrs_snap_plan *pl, const char *name, uint64_t v)
{
	mrs_snap_key *k = &pl->key[pl->n_key++];
	snprintf(k->name, sizeof k->name, "%s", name);
	k->value = v;
}

/* What the snapshot of data served with the models of set_dir must have been made from. */
static int snapshot_key(mrs_snap_plan *pl, const char *data, mrs_error *err)
{
	uint64_t fp, changes;
	if (mrs_store_fingerprint(data, &fp, &changes, err))
		return -1;
	/* a file that keeps its content's fingerprint is known by it and by SQLite's change
	 * counter (a copy of it serves from the same snapshot; any write changes the
	 * counter); an older file, without one, by its identity on disk */
	uint64_t file = fp ? mix(mix(MRS_FNV_START, changes), file_size(data)) : file_identity(data);
	pl->n_key = 0;
	key_add(pl, "snapshot format", MRS_SNAP_FORMAT);
	key_add(pl, "snapshot content version", SNAPSHOT_CONTENT);
	key_add(pl, "feature spec version", MRS_FEATURE_SPEC_VERSION);
	key_add(pl, "co-engagement parameters", knn_identity(&mrs_knn_defaults));
	key_add(pl, "dataset fingerprint", fp);
	key_add(pl, "dataset file", file);
	/* the set by its resolved path, so that `--models models` and the same folder named
	 * from elsewhere (an absolute path, a symbolic link) serve from one file */
	char real[PATH_MAX];
	const char *set = realpath(pl->set_dir, real) ? real : pl->set_dir;
	key_add(pl, "models set", mrs_fnv1a(MRS_FNV_START, set, strlen(set)));
	for (int id = 0; id < MRS_N_MODELS; id++) {
		char card[4200], model[4200], name[40];
		if (mrs_model_path(card, sizeof card, pl->set_dir, mrs_model_name(id), "json", err) ||
		    mrs_model_path(model, sizeof model, pl->set_dir, mrs_model_name(id), "pt", err))
			return -1;
		snprintf(name, sizeof name, "%s model", mrs_model_name(id));
		key_add(pl, name, card_identity(card, model));
	}
	return 0;
}

/* "" when the file's key is the plan's, else which field differs. */
static void key_compare(const mrs_snapfile *f, const mrs_snap_plan *pl, char *why, size_t size)
{
	uint32_t n;
	const mrs_snap_key *k = mrs_snapfile_key(f, &n);
	why[0] = '\0';
	for (uint32_t i = 0; i < pl->n_key; i++) {
		const mrs_snap_key *old = NULL;
		for (uint32_t j = 0; j < n && !old; j++)
			if (strncmp(k[j].name, pl->key[i].name, sizeof k[j].name) == 0)
				old = &k[j];
		if (!old || old->value != pl->key[i].value) {
			snprintf(why, size, "stale: the %s changed", pl->key[i].name);
			return;
		}
	}
	if (n != pl->n_key)
		snprintf(why, size, "stale: made with other key fields");
}

/* ------------------------------------------------------------------ the dataset */

/* The dataset in the file f (which the result then owns), or NULL with err. */
static mrs_dataset *dataset_map(mrs_snapfile *f, const char *path, mrs_error *err)
{
	mrs_dataset *ds = mrs_calloc(1, sizeof *ds, "dataset", err);
	if (!ds)
		return NULL;
	mrs_snap_io io;
	mrs_snap_map_begin(&io, f, err);
	if (mrs_dataset_snap(ds, &io) || !(ds->path = mrs_strdup(path, err))) {
		free(ds->path);
		free(ds);
		return NULL;
	}
	ds->snap = f;
	return ds;
}

mrs_dataset *mrs_dataset_load_serving(const char *path, const char *models_dir,
				      const mrs_progress *progress, mrs_error *err)
{
	mrs_snap_plan *pl = NULL;
	char set[512];
	mrs_error serr = {0};
	if (models_dir && *models_dir && mrs_models_current(models_dir, set, sizeof set, &serr) == 0 &&
	    (pl = mrs_calloc(1, sizeof *pl, "snapshot", err))) {
		snprintf(pl->set_dir, sizeof pl->set_dir, "%s", set);
		snprintf(pl->path, sizeof pl->path, "%s/%s", set, SNAPSHOT_NAME);
		if (snapshot_key(pl, path, &serr)) {
			/* the dataset itself is unreadable: loading says so */
			free(pl);
			pl = NULL;
		}
	}
	mrs_snapfile *f = NULL;
	if (pl && mrs_snapfile_open(pl->path, &f, &serr) == 0) {
		key_compare(f, pl, pl->why, sizeof pl->why);
		mrs_dataset *ds = pl->why[0] ? NULL : dataset_map(f, path, &serr);
		if (ds) {
			ds->plan = pl;
			return ds;
		}
		if (!pl->why[0])
			snprintf(pl->why, sizeof pl->why, "unreadable: %.500s", serr.msg);
		mrs_snapfile_close(f);
	} else if (pl) {
		/* "PATH: none yet" says "none yet": the progress names the path */
		size_t n = strlen(pl->path);
		const char *m = serr.msg;
		if (strncmp(m, pl->path, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
			m += n + 2;
		snprintf(pl->why, sizeof pl->why, "%.590s", m);
	}
	mrs_dataset *ds = mrs_dataset_load(path, progress, err);
	if (ds)
		ds->plan = pl;
	else
		free(pl);
	return ds;
}

const char *mrs_dataset_snapshot_why(const mrs_dataset *ds)
{
	return ds->plan ? ds->plan->why : NULL;
}

/* ------------------------------------------------------------------ the engine */

/* Does the engine e opens with o serve what ds's snapshot holds? */
static bool plan_serves(const mrs_engine *e, const mrs_engine_opts *o)
{
	const mrs_snap_plan *pl = e->ds->plan;
	return pl && o && !o->now && !o->rows_only && o->sc_mode == MRS_SC_REAL &&
	       o->rg_mode == MRS_RG_LEARNED && mrs_coeng_cut(e, o) == e->now &&
	       strcmp(e->models_dir, pl->set_dir) == 0;
}

int mrs_snapshot_map_engine(mrs_engine *e, const mrs_engine_opts *o, mrs_error *err)
{
	if (!e->ds->snap || !plan_serves(e, o))
		return 0;
	mrs_snap_io io;
	mrs_error merr = {0};
	mrs_snap_map_begin(&io, e->ds->snap, &merr);
	if (engine_snap(e, &io)) {
		if (merr.code == MRS_ERR_NOMEM)
			return mrs_fail(err, MRS_ERR_NOMEM, "%s", merr.msg);
		/* a file this program wrote but cannot read back: build as without it */
		mrs_engine_parts_free(e);
		snprintf(e->snap_note, sizeof e->snap_note, "snapshot %.300s: not used: %.300s",
			 e->ds->plan->path, merr.msg);
		return 0;
	}
	if (mrs_ranker_open(e, NULL, err))
		return -1;
	snprintf(e->snap_note, sizeof e->snap_note, "opened from %.600s", e->ds->plan->path);
	return 1;
}

/* Writes the sections of one step through io: a dry run sizes them, the set folder's
 * free space is checked against that (stale temporary files of killed writers removed
 * first when begin), then the temporary file is begun (when begin) and they are written.
 * On failure the temporary file is gone and err says why. */
static int write_step(mrs_engine *e, mrs_truth **tr, mrs_snap_io *io, bool begin,
		      int (*step)(mrs_engine *, mrs_truth **, mrs_snap_io *), mrs_error *err)
{
	const mrs_snap_plan *pl = e->ds->plan;
	mrs_snap_io dry;
	uint64_t avail = 0;
	mrs_snap_size_begin(&dry, err);
	if (begin)
		mrs_file_remove_stale_temps(pl->path);
	bool open = !begin; /* the temporary file, once begun */
	int rc = step(e, tr, &dry) || mrs_snap_space_free(pl->path, &avail, err) ||
		 mrs_snap_space_check(pl->set_dir, mrs_snap_size_end(&dry), avail, err);
	if (!rc && begin) {
		rc = mrs_snap_write_begin(io, pl->path, pl->key, pl->n_key, err);
		open = rc == 0;
	}
	rc = rc ? rc : step(e, tr, io);
	if (rc && open)
		mrs_snap_write_abort(io);
	return rc ? -1 : 0;
}

/* The dataset and its hidden ground truth, when it has one (the explorer shows it from
 * its first screen and evaluation reads it; loading it from SQLite takes longer than the
 * rest of a start; written without it when it cannot be read). */
static int dataset_step(mrs_engine *e, mrs_truth **tr, mrs_snap_io *io)
{
	return mrs_dataset_snap((mrs_dataset *)e->ds, io) || mrs_truth_snap(tr, io) ? -1 : 0;
}

static int parts_step(mrs_engine *e, mrs_truth **tr, mrs_snap_io *io)
{
	(void)tr;
	return engine_snap(e, io);
}

/* What happened to the snapshot, in e->snap_note and, when it was not written, on the
 * progress (the next start will build again). */
static void write_note(mrs_engine *e, const mrs_progress *p, const mrs_error *err)
{
	const mrs_snap_plan *pl = e->ds->plan;
	if (err->msg[0]) {
		snprintf(e->snap_note, sizeof e->snap_note, "not written (%.200s): %.400s", pl->why,
			 err->msg);
		mrs_progress_report(p, "snapshot not written", 1, 1, err->msg);
	} else
		snprintf(e->snap_note, sizeof e->snap_note, "rebuilt %.400s (%.200s)", pl->path,
			 pl->why);
}

mrs_snap_io *mrs_snapshot_write_start(mrs_engine *e, const mrs_engine_opts *o,
				      const mrs_progress *p)
{
	const mrs_snap_plan *pl = e->ds->plan;
	if (e->ds->snap || !plan_serves(e, o))
		return NULL;
	char phase[700];
	snprintf(phase, sizeof phase, "snapshot (%s)", pl->why);
	mrs_progress_report(p, phase, 0, 1, pl->path);
	mrs_error err = {0}, terr = {0};
	mrs_snap_io *io = mrs_calloc(1, sizeof *io, "snapshot", &err);
	/* the hidden truth is written without it when it cannot be read; it goes before
	 * the parts are built, so that it is never in memory beside them */
	mrs_truth *tr = io && e->ds->has_truth && e->ds->path
				? mrs_truth_load(e->ds->path, e->ds, &terr)
				: NULL;
	int rc = io ? write_step(e, &tr, io, true, dataset_step, &err) : -1;
	mrs_truth_free(tr);
	if (rc) {
		write_note(e, p, &err);
		free(io);
		return NULL;
	}
	io->err = NULL; /* the finish gives its own */
	return io;
}

void mrs_snapshot_write_finish(mrs_engine *e, mrs_snap_io *io, const mrs_progress *p)
{
	if (!io)
		return;
	const mrs_snap_plan *pl = e->ds->plan;
	mrs_error err = {0};
	io->err = &err;
	if (write_step(e, NULL, io, false, parts_step, &err) == 0)
		mrs_snap_write_end(io);
	char phase[700];
	snprintf(phase, sizeof phase, "snapshot (%s)", pl->why);
	mrs_progress_report(p, phase, 1, 1, pl->path);
	write_note(e, p, &err);
	free(io);
}

void mrs_snapshot_write_abandon(mrs_snap_io *io)
{
	if (!io)
		return;
	mrs_snap_write_abort(io);
	free(io);
}

const char *mrs_engine_snapshot_note(const mrs_engine *e)
{
	return e->snap_note;
}
