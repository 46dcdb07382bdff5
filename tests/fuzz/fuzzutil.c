/* fuzzutil.c: helpers the fuzz targets share: private files, input splitting, a small
 * world, and the checks every result must pass. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[256];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Folders of fuzz processes that crashed (a crash skips atexit): mrs-fuzz-PID-* whose PID
 * no longer runs. They can hold a trained world and its models (a few MB). */
/* /dev/shm when it is writable and has room for a trained world (a container's default
 * 64 MB did not: training failed there and only the fallbacks were fuzzed). */
static int roomy_shm(void)
{
	struct statvfs v;
	return access("/dev/shm", W_OK) == 0 && statvfs("/dev/shm", &v) == 0 &&
	       (double)v.f_bavail * (double)v.f_frsize >= 512.0 * 1024 * 1024;
}

static void remove_dead_dirs(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		long pid;
		char path[512];
		if (sscanf(e->d_name, "mrs-fuzz-%ld-", &pid) != 1 || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof path, "%s/%s", base, e->d_name);
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (d)
		closedir(d);
}

const char *fuzz_dir(void)
{
	if (dir[0])
		return dir;
	const char *base = getenv("MRS_FUZZ_TMP");
	if (!base || !*base)
		base = roomy_shm() ? "/dev/shm" : "/tmp";
	remove_dead_dirs(base);
	snprintf(dir, sizeof dir, "%s/mrs-fuzz-%ld-XXXXXX", base, (long)getpid());
	if (!mkdtemp(dir)) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", dir, strerror(errno));
		abort();
	}
	atexit(remove_dir);
	return dir;
}

const char *fuzz_file(int slot, const char *name, const void *data, size_t size)
{
	static char paths[8][512];
	if (slot < 0 || slot >= 8)
		abort();
	char *p = paths[slot];
	snprintf(p, sizeof paths[0], "%s/%s", fuzz_dir(), name);
	char *slash = strrchr(p, '/');
	if (slash && slash != p) { /* make the folder of a name like "lastfm/artists.dat" */
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	FILE *f = fopen(p, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", p, strerror(errno));
		abort();
	}
	return p;
}

int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, int max)
{
	const size_t sl = strlen(FUZZ_SEP);
	int n = 0;
	while (n < max - 1) {
		const uint8_t *at = memmem(data, size, FUZZ_SEP, sl);
		if (!at)
			break;
		part[n] = data;
		len[n++] = (size_t)(at - data) + 1; /* keep the newline that ends the part */
		size -= (size_t)(at - data) + sl;
		data = at + sl;
	}
	part[n] = data;
	len[n++] = size;
	return n;
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: invariant broken: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_check_error(const mrs_error *err, const char *must_name)
{
	FUZZ_CHECK(err->code != MRS_OK, "failed without an error code: '%s'", err->msg);
	FUZZ_CHECK(err->msg[0] != '\0', "failed with code %s and no message",
		   mrs_code_name(err->code));
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL, "message not terminated");
	FUZZ_CHECK(!must_name || strstr(err->msg, must_name), "error '%s' does not name %s",
		   err->msg, must_name);
}

typedef struct world {
	mrs_dataset *ds;
	char path[512];
} world;
static world small, larger;

static void free_worlds(void)
{
	mrs_dataset_free(small.ds);
	mrs_dataset_free(larger.ds);
}

static const mrs_dataset *make_world(world *w, const char *name, uint32_t users, uint32_t tweets,
				     uint32_t impressions)
{
	if (w->ds)
		return w->ds;
	mrs_gen_params p;
	mrs_error err = {0};
	if (mrs_gen_params_scale(&p, "small", &err))
		abort();
	p.users = users, p.tweets = tweets, p.impressions = impressions, p.days = 4, p.seed = 7;
	mrs_truth *tr = NULL;
	mrs_dataset *ds = mrs_generate(&p, &tr, NULL, &err);
	if (!ds) {
		fprintf(stderr, "fuzz: cannot generate %s: %s\n", name, err.msg);
		abort();
	}
	snprintf(w->path, sizeof w->path, "%s/%s", fuzz_dir(), name);
	if (mrs_store_write(w->path, ds, tr, NULL, &err)) {
		fprintf(stderr, "fuzz: cannot store %s: %s\n", name, err.msg);
		abort();
	}
	mrs_truth_free(tr);
	if (!small.ds && !larger.ds)
		atexit(free_worlds);
	w->ds = ds;
	return ds;
}

const mrs_dataset *fuzz_world(void)
{
	return make_world(&small, "world.db", 30, 120, 400);
}

const char *fuzz_world_path(void)
{
	fuzz_world();
	return small.path;
}

const char *fuzz_trained_world(const char **models_dir)
{
	static char models[600];
	if (!larger.ds) {
		make_world(&larger, "world-150.db", 150, 1500, 9000);
		snprintf(models, sizeof models, "%s/models", fuzz_dir());
		/* small safety models: every what-if edit reopens the engine, which loads and
		 * checks both model files, and under coverage instrumentation a default-size
		 * (33 MB) file took seconds to checksum */
		mrs_train_opts t = {.models_dir = models, .seed = 1, .dataset_path = larger.path,
				    .safety_buckets = 4096};
		mrs_error err = {0};
		if (mrs_train(larger.ds, &t, NULL, &err)) {
			fprintf(stderr, "fuzz: no models for %s (%s); fallbacks serve\n", larger.path,
				err.msg);
			models[0] = '\0';
		}
	}
	*models_dir = models;
	return larger.path;
}

/* Offsets of a CSR index: n_keys + 1 entries, starting at 0, never decreasing, ending at
 * total. */
static void check_offsets(const uint32_t *off, uint32_t n_keys, uint32_t total, const char *what)
{
	FUZZ_CHECK(off != NULL, "%s: no offsets", what);
	FUZZ_CHECK(off[0] == 0, "%s: offsets start at %u", what, off[0]);
	for (uint32_t k = 0; k < n_keys; k++)
		FUZZ_CHECK(off[k] <= off[k + 1], "%s: offsets decrease at %u", what, k);
	FUZZ_CHECK(off[n_keys] == total, "%s: offsets end at %u, not %u", what, off[n_keys], total);
}

void fuzz_check_dataset(const mrs_dataset *ds)
{
	uint32_t nu = ds->n_users, nt = ds->n_tweets, ni = ds->n_impressions;
	FUZZ_CHECK(ds->handle_pool && ds->text_pool && ds->kind, "a pool or the kind is NULL");
	for (uint32_t u = 0; u < nu; u++)
		(void)strlen(mrs_handle(ds, u)); /* ASan catches an offset outside the pool */
	check_offsets(ds->fol_off, nu, ds->n_follows, "follows");
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
			FUZZ_CHECK(ds->fol_dst[e] < nu, "follow %u: user %u out of range", e,
				   ds->fol_dst[e]);
			FUZZ_CHECK(e == ds->fol_off[u] || ds->fol_dst[e - 1] < ds->fol_dst[e],
				   "follows of %u not sorted or repeated", u);
			FUZZ_CHECK(mrs_follows(ds, u, ds->fol_dst[e]), "mrs_follows misses an edge");
		}
	check_offsets(ds->fwr_off, nu, ds->n_follows, "followers");
	for (uint32_t v = 0; v < nu; v++)
		for (uint32_t i = ds->fwr_off[v]; i < ds->fwr_off[v + 1]; i++) {
			uint32_t e = ds->fwr_edge[i], s = ds->fwr_src[i];
			FUZZ_CHECK(e < ds->n_follows && s < nu && ds->fol_dst[e] == v &&
					   e >= ds->fol_off[s] && e < ds->fol_off[s + 1],
				   "follower entry %u of %u does not match its edge", i, v);
		}
	for (uint32_t t = 0; t < nt; t++) {
		FUZZ_CHECK(ds->tweet_author[t] < nu, "tweet %u: author out of range", t);
		FUZZ_CHECK(!t || ds->tweet_time[t - 1] <= ds->tweet_time[t], "tweet %u: time order", t);
		FUZZ_CHECK(ds->tweet_rt_of[t] == MRS_NONE || ds->tweet_rt_of[t] < t,
			   "tweet %u: retweet of a later tweet", t);
		FUZZ_CHECK(ds->label_nsfw[t] >= -1 && ds->label_nsfw[t] <= 1 &&
				   ds->label_toxic[t] >= -1 && ds->label_toxic[t] <= 1,
			   "tweet %u: label out of range", t);
		(void)strlen(mrs_tweet_text(ds, t));
		(void)mrs_original_author(ds, t);
	}
	check_offsets(ds->atw_off, nu, nt, "author tweets");
	for (uint32_t a = 0; a < nu; a++)
		for (uint32_t i = ds->atw_off[a]; i < ds->atw_off[a + 1]; i++)
			FUZZ_CHECK(ds->atw[i] < nt && ds->tweet_author[ds->atw[i]] == a &&
					   (i == ds->atw_off[a] || ds->atw[i - 1] < ds->atw[i]),
				   "tweets of author %u", a);
	check_offsets(ds->uimp_off, nu, ni, "user impressions");
	for (uint32_t i = 0; i < ni; i++) {
		FUZZ_CHECK(ds->imp_user[i] < nu && ds->imp_tweet[i] < nt,
			   "impression %u out of range", i);
		FUZZ_CHECK(ds->imp_actions[i] < (1u << MRS_N_ACTIONS), "impression %u: actions", i);
		FUZZ_CHECK(ds->imp_propensity[i] >= 0 && ds->imp_propensity[i] <= 1,
			   "impression %u: propensity", i);
		FUZZ_CHECK(!i || ds->imp_user[i - 1] < ds->imp_user[i] ||
				   (ds->imp_user[i - 1] == ds->imp_user[i] &&
				    ds->imp_time[i - 1] <= ds->imp_time[i]),
			   "impression %u: not sorted by (user, time)", i);
		FUZZ_CHECK(i >= ds->uimp_off[ds->imp_user[i]] && i < ds->uimp_off[ds->imp_user[i] + 1],
			   "impression %u: user index", i);
	}
	check_offsets(ds->timp_off, nt, ni, "tweet impressions");
	for (uint32_t t = 0; t < nt; t++)
		for (uint32_t k = ds->timp_off[t]; k < ds->timp_off[t + 1]; k++)
			FUZZ_CHECK(ds->timp[k] < ni && ds->imp_tweet[ds->timp[k]] == t,
				   "tweet %u: impression index", t);
	check_offsets(ds->blk_off, nu, ds->n_blocks, "blocks");
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = ds->blk_off[u]; e < ds->blk_off[u + 1]; e++) {
			FUZZ_CHECK(ds->blk_dst[e] < nu, "block %u: user out of range", e);
			FUZZ_CHECK(ds->blk_kind[e] == MRS_BLOCK || ds->blk_kind[e] == MRS_MUTE,
				   "block %u: kind %u", e, ds->blk_kind[e]);
			FUZZ_CHECK(mrs_blocked(ds, u, ds->blk_dst[e]) & ds->blk_kind[e],
				   "mrs_blocked misses block %u", e);
		}
	for (uint32_t i = 0; i < ds->n_texts; i++) {
		(void)strlen(ds->texts_pool + ds->texts_off[i]);
		FUZZ_CHECK(ds->texts_label[i] == 0 || ds->texts_label[i] == 1, "text %u: label", i);
	}
	FUZZ_CHECK(ds->t_begin <= ds->t_end, "time range %lld .. %lld", (long long)ds->t_begin,
		   (long long)ds->t_end);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(ds, &st);
	FUZZ_CHECK(st.users == nu && st.tweets == nt, "stats disagree with the dataset");
}

/* One import: a failure must say which file is at fault; a success must give a dataset
 * that keeps its invariants and survives a trip through the store unchanged. */
static void import_once(const char *format, const char *const *files, int n, bool skip_bad)
{
	mrs_import_opts o = {.skip_bad = skip_bad};
	mrs_error err = {0};
	mrs_dataset *ds = mrs_import(format, files, n, &o, NULL, &err);
	FUZZ_CHECK(o.skipped <= o.rows, "%u rows skipped of %u", o.skipped, o.rows);
	FUZZ_CHECK(skip_bad || o.skipped == 0, "rows skipped without --skip-bad");
	if (!ds) {
		/* usage errors are about the arguments; with skip_bad, "no usable rows" is
		 * about all the files at once; any other error names the file at fault */
		fuzz_check_error(&err, skip_bad || err.code == MRS_ERR_USAGE ? NULL : fuzz_dir());
		return;
	}
	fuzz_check_dataset(ds);
	FUZZ_CHECK(strcmp(ds->kind, format) == 0, "kind '%s'", ds->kind);
	char path[600];
	snprintf(path, sizeof path, "%s/import.db", fuzz_dir());
	if (mrs_store_write(path, ds, NULL, NULL, &err))
		fuzz_fail(__FILE__, __LINE__, "cannot store an imported dataset: %s", err.msg);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	if (!back)
		fuzz_fail(__FILE__, __LINE__, "cannot load a stored import: %s", err.msg);
	FUZZ_CHECK(back->fingerprint == ds->fingerprint && back->n_users == ds->n_users &&
			   back->n_tweets == ds->n_tweets && back->n_texts == ds->n_texts,
		   "the store changed the dataset");
	for (uint32_t u = 0; u < ds->n_users; u++)
		FUZZ_CHECK(strcmp(mrs_handle(ds, u), mrs_handle(back, u)) == 0,
			   "handle of user %u changed in the store", u);
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		FUZZ_CHECK(strcmp(mrs_tweet_text(ds, t), mrs_tweet_text(back, t)) == 0,
			   "text of tweet %u changed in the store", t);
	mrs_dataset_free(back);
	mrs_dataset_free(ds);
}

void fuzz_import(const char *format, const char *const *files, int n)
{
	import_once(format, files, n, false);
	import_once(format, files, n, true);
}

void fuzz_load_dataset(const char *path)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(path, NULL, &err);
	if (!ds) {
		fuzz_check_error(&err, path);
		return;
	}
	fuzz_check_dataset(ds);
	mrs_dataset *before = mrs_dataset_before(ds, ds->split_time, &err);
	if (!before)
		fuzz_fail(__FILE__, __LINE__, "the train view of a loaded dataset: %s", err.msg);
	fuzz_check_dataset(before);
	mrs_dataset_free(before);
	mrs_truth *tr = mrs_truth_load(path, ds, &err);
	if (!tr)
		fuzz_check_error(&err, path);
	mrs_truth_free(tr);
	mrs_dataset_free(ds);
}
