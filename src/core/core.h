/* core.h: the library's bottom layer (src/core/): allocation that reports through
 * mrs_error, the one binary search, the one ranking order, string pools, the id map and
 * time decay. Every other folder builds on it; it knows nothing of datasets. */
#ifndef MRS_CORE_H
#define MRS_CORE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "minirecsys.h"

#define MRS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MRS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MRS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* calloc that reports failure through err, naming what was being allocated. */
void *mrs_calloc(size_t n, size_t size, const char *what, mrs_error *err);
/* realloc for growing arrays: *cap doubles until it holds need elements. */
int mrs_grow(void **p, size_t *cap, size_t need, size_t size, const char *what, mrs_error *err);
char *mrs_strdup(const char *s, mrs_error *err);
/* Asks for [p, p + size) to be backed by huge pages where the system offers them (Linux's
 * transparent huge pages): an array read at random places then costs fewer address
 * translation misses. A hint: nothing else changes, whether it is taken or not. */
void mrs_advise_huge(void *p, size_t size);
/* Appends text to err->msg (for "...; nothing was changed"). */
void mrs_error_suffix(mrs_error *err, const char *text);

/* The library's binary search: the first position p in [lo, hi) with a[p] >= x, where
 * a[lo .. hi) is ascending; hi when every value there is below x. */
static inline uint32_t mrs_lower_bound(const uint32_t *a, uint32_t lo, uint32_t hi, uint32_t x)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same search over times read through an index: the first position p in [lo, hi)
 * with t[at[p]] >= x (at NULL: t[p] >= x). [lo, result) holds what happened before x. */
static inline uint32_t mrs_lower_bound_time(const int64_t *t, const uint32_t *at, uint32_t lo,
					    uint32_t hi, int64_t x)
{
	/* a request at the dataset's end asks past every entry: one read answers it */
	if (lo < hi && t[at ? at[hi - 1] : hi - 1] < x)
		return hi;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t[at ? at[mid] : mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is v in the ascending array a[0 .. n)? O(log n). */
static inline bool mrs_sorted_has(const uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t p = mrs_lower_bound(a, 0, n, v);
	return p < n && a[p] == v;
}

/* The order of every ranked list of a request: best first, by score descending, then the
 * newer tweet (the higher id) first, so the order is total. The candidate sources, the
 * selection and evaluation's baselines all rank by it. */
static inline int mrs_best_first(float score_a, uint32_t tweet_a, float score_b,
				 uint32_t tweet_b)
{
	if (score_a != score_b)
		return score_a > score_b ? -1 : 1;
	return tweet_a > tweet_b ? -1 : tweet_a < tweet_b;
}

/* A tweet with a score (and a slot of the ranker's own, e.g. a source's index). */
typedef struct mrs_scored {
	float score;
	uint32_t tweet;
	uint32_t aux;
} mrs_scored;

/* qsort comparator of mrs_scored: mrs_best_first. */
static inline int mrs_scored_cmp(const void *a, const void *b)
{
	const mrs_scored *x = a, *y = b;
	return mrs_best_first(x->score, x->tweet, y->score, y->tweet);
}

/* Growable byte pool of NUL-terminated strings (handles, tweet texts). */
typedef struct mrs_pool {
	char *data;
	size_t len, cap;
} mrs_pool;
/* Appends s (len bytes) and a NUL; returns its offset or UINT32_MAX on failure. */
uint32_t mrs_pool_add(mrs_pool *p, const char *s, size_t len, mrs_error *err);

/* 2^(-dt / halflife), 1 for dt <= 0. */
static inline double mrs_decay(double dt, double halflife)
{
	return dt <= 0 ? 1.0 : exp2(-dt / halflife);
}

/* An open-addressing map from 32-bit ids to dense slots 0, 1, 2, ... in insertion order:
 * per-request accumulators index parallel arrays by the slot. */
typedef struct mrs_idmap {
	uint32_t *key, *val;
	uint32_t mask;  /* capacity - 1 */
	uint32_t n;     /* ids inserted */
	uint32_t *ids;  /* [n] the ids in insertion order */
	size_t ids_cap;
} mrs_idmap;

/* Empties the map and makes room for about `expect` ids (it grows past that). */
int mrs_idmap_reset(mrs_idmap *m, uint32_t expect, mrs_error *err);
/* Makes room for `more` ids beyond those in the map, so that putting them neither grows
 * nor rehashes it (the slots stay as they are); -1 on no memory. */
int mrs_idmap_reserve(mrs_idmap *m, uint32_t more, mrs_error *err);
/* Slot of id, or MRS_NONE. */
uint32_t mrs_idmap_get(const mrs_idmap *m, uint32_t id);
/* Slot of id, inserted if new (*added tells which, may be NULL); MRS_NONE on no memory. */
uint32_t mrs_idmap_put(mrs_idmap *m, uint32_t id, bool *added, mrs_error *err);
void mrs_idmap_free(mrs_idmap *m);

/* ------------------------------------------------------------------ progress, random numbers */

/* Calls p->fn if there is one; returns its answer (0 when there is none). */
int mrs_progress_report(const mrs_progress *p, const char *phase, double done, double total,
			const char *detail);

/* xoshiro256** seeded through splitmix64: identical streams on every platform. */
typedef struct mrs_rng {
	uint64_t s[4];
} mrs_rng;

void mrs_rng_seed(mrs_rng *r, uint64_t seed);
/* An independent stream for (seed, stream): used to give each user its own stream. */
void mrs_rng_seed_stream(mrs_rng *r, uint64_t seed, uint64_t stream);
uint64_t mrs_rng_u64(mrs_rng *r);
double mrs_rng_uniform(mrs_rng *r);                  /* [0, 1) */
uint32_t mrs_rng_below(mrs_rng *r, uint32_t n);      /* [0, n), unbiased; n > 0 */
double mrs_rng_normal(mrs_rng *r);                   /* N(0, 1) */
double mrs_rng_exponential(mrs_rng *r, double mean); /* mean > 0 */
double mrs_rng_gamma(mrs_rng *r, double shape);      /* scale 1, shape > 0 */
double mrs_rng_beta(mrs_rng *r, double a, double b);
double mrs_rng_pareto(mrs_rng *r, double xm, double alpha); /* P(X > x) = (xm/x)^alpha */
uint32_t mrs_rng_poisson(mrs_rng *r, double mean);
/* 64-bit mix of a value (splitmix64 finaliser): a fixed, unsalted hash. */
uint64_t mrs_hash64(uint64_t x);
/* FNV-1a over bytes, continuing from h (start with MRS_FNV_START). */
#define MRS_FNV_START 14695981039346656037ULL
#define MRS_FNV_PRIME 1099511628211ULL
uint64_t mrs_fnv1a(uint64_t h, const void *data, size_t len);

/* Walker alias table for O(1) sampling from a fixed discrete distribution. */
typedef struct mrs_alias mrs_alias;
/* weights: n >= 1 non-negative values, not all zero. */
mrs_alias *mrs_alias_new(const double *weights, uint32_t n, mrs_error *err);
uint32_t mrs_alias_sample(const mrs_alias *a, mrs_rng *r);
void mrs_alias_free(mrs_alias *a);

/* ---- writing files safely (file.c): every file the library writes goes through a
 * temporary file created here and renamed into place here. */
/*
 * The rules, for every writer (datasets, model files and cards, the models folder's
 * pointer, configurations, what-if edits, exported traces):
 * - The temporary file is DEST.tmp-PID-XXXXXXXX in DEST's folder, XXXXXXXX random (from
 *   getrandom), created with O_CREAT | O_EXCL | O_NOFOLLOW: a name someone planted
 *   (a file, or a symbolic link to a file of theirs or of root's) is never opened, another
 *   name is tried. The PID lets a later writer remove what a killed one left.
 * - DEST is replaced only when it is a regular file or does not exist: a symbolic link,
 *   device, FIFO, socket or folder is refused ("DEST: a symbolic link: not replaced"),
 *   before anything is written and again just before the rename.
 * - The file is synced before the rename and the folder after it: DEST is wholly old or
 *   wholly new, even after a crash.
 * - Lock files are opened with O_NOFOLLOW and must be regular files.
 */

/* A temporary file on its way to replacing dest. */
typedef struct mrs_tmp {
	const char *dest; /* borrowed: the file it will replace */
	char path[4200];  /* the temporary file */
	int fd;           /* open for writing; -1 once closed */
} mrs_tmp;

/* Refuses a dest that exists and is not a regular file; the error names dest and what it
 * is. ENOENT is fine (a new file). */
int mrs_file_check_target(const char *dest, mrs_error *err);

/* Creates the temporary file for dest (see above), mode 0666 less the umask. Errors name
 * dest and the folder with the system's reason: "DEST: cannot write here (cannot create a
 * file in FOLDER: Permission denied)". */
int mrs_tmp_open(mrs_tmp *t, const char *dest, mrs_error *err);
/* Syncs and closes the temporary file, checks dest again, renames the file over it and
 * syncs the folder. On failure the temporary file is removed and the error names dest. */
int mrs_tmp_commit(mrs_tmp *t, mrs_error *err);
/* Closes and removes the temporary file; a no-op after a commit or a discard. */
void mrs_tmp_discard(mrs_tmp *t);

/* rename(2) for every commit of the library. For the tests of the commit windows only:
 * with MRS_TEST_KILL_AT_RENAME=N in the environment, the process kills itself (SIGKILL)
 * just before its Nth call. */
int mrs_file_rename(const char *from, const char *to);

/* Takes an exclusive lock (flock, non-blocking) on the file lock, created when missing;
 * `what` names the thing locked in messages. The lock file is opened with O_NOFOLLOW and
 * must be a regular file. MRS_ERR_BUSY when another process holds it. Release with
 * mrs_file_unlock. */
int mrs_file_lock(const char *lock, const char *what, int *fd_out, mrs_error *err);
/* The lock file stays: unlinking it would let a waiting process lock a dead inode while a
 * third one locks a new file. */
void mrs_file_unlock(int fd);

/* Removes dest's temporary files (DEST.tmp-PID and DEST.tmp-PID-XXXXXXXX) whose process
 * no longer runs: what a writer killed before its rename left behind. */
void mrs_file_remove_stale_temps(const char *dest);

/* ---- snapshot files (snapfile.c): named arrays in page-aligned sections, opened by
 * mapping the file read-only and using the arrays in place (no parsing, no copy: the
 * pages are the page cache's, shared by every process that maps the file).
 *
 * Layout: a header in the first page (magic "MRSSNAP1", MRS_SNAP_FORMAT, a byte-order
 * mark and the sizes of the basic types, the file's size, the section table's offset, the
 * caller's key, and an FNV-1a checksum of the header and the section table); the sections,
 * each at a 4096-byte boundary; the section table (name, offset, length, element size,
 * flags) at the end. A file whose size is not the header's, whose checksum fails or whose
 * table points outside it is refused with a message, never read. Written through mrs_tmp:
 * a writer killed half-way leaves the previous file as it was. */
#define MRS_SNAP_FORMAT 1
#define MRS_SNAP_MAX_KEY 16

/* One field of what a snapshot was made from (a fingerprint, a version), compared field
 * by field so that a stale file can say which one changed. */
typedef struct mrs_snap_key {
	char name[40];  /* "dataset fingerprint", "heavy_ranker model", ... */
	uint64_t value;
} mrs_snap_key;

typedef struct mrs_snapfile mrs_snapfile;

/* A snapshot on its way to or from memory: one function per part of the program lists
 * its arrays through it in one order, and the same function writes them (mrs_snap_write_*)
 * or maps them (mrs_snap_map_begin). Errors go to err. */
typedef struct mrs_snap_io {
	bool writing;
	bool sizing; /* writing nothing, only counting the bytes (mrs_snap_size_begin) */
	mrs_error *err;
	/* writing */
	mrs_tmp tmp;
	uint64_t off;
	void *sec;
	size_t n_sec, cap_sec;
	mrs_snap_key key[MRS_SNAP_MAX_KEY];
	uint32_t n_key;
	/* mapping */
	const mrs_snapfile *file;
} mrs_snap_io;

/* Starts writing the snapshot path (a temporary file beside it; stale temporary files of
 * killed writers are removed first). Finish with mrs_snap_write_end (syncs, renames into
 * place) or mrs_snap_write_abort (removes the temporary file, path untouched). */
int mrs_snap_write_begin(mrs_snap_io *io, const char *path, const mrs_snap_key *key,
			 uint32_t n_key, mrs_error *err);
int mrs_snap_write_end(mrs_snap_io *io);
void mrs_snap_write_abort(mrs_snap_io *io);
/* A dry run of writing: the same calls as mrs_snap_write_begin's io takes, nothing
 * written; mrs_snap_size_end then gives the bytes the file would have. */
void mrs_snap_size_begin(mrs_snap_io *io, mrs_error *err);
uint64_t mrs_snap_size_end(mrs_snap_io *io);
/* The margin kept free beside a snapshot of need bytes: a twentieth of it and 64 MiB. */
uint64_t mrs_snap_space_margin(uint64_t need);
/* Whether a snapshot of need bytes may be written into folder dir whose file system has
 * avail bytes free for us: 0 when need and its margin fit, else -1 with MRS_ERR_IO and
 * a message naming dir, the bytes needed and the bytes available. */
int mrs_snap_space_check(const char *dir, uint64_t need, uint64_t avail, mrs_error *err);
/* The bytes free for an unprivileged writer on the file system of the folder holding
 * path (statvfs); -1 with MRS_ERR_IO when it cannot be asked. */
int mrs_snap_space_free(const char *path, uint64_t *avail, mrs_error *err);

/* Maps path and checks its header (see above); *out is the caller's (mrs_snapfile_close,
 * which unmaps: every array taken from it dies with it). Errors name path and what is
 * wrong: "none yet", "truncated ...", "corrupt ...", "format version ...". */
int mrs_snapfile_open(const char *path, mrs_snapfile **out, mrs_error *err);
void mrs_snapfile_close(mrs_snapfile *f);
/* The key the file was written with. */
const mrs_snap_key *mrs_snapfile_key(const mrs_snapfile *f, uint32_t *n);
/* Starts taking arrays from an open file (borrowed). */
void mrs_snap_map_begin(mrs_snap_io *io, const mrs_snapfile *f, mrs_error *err);

/* One array, pp the address of its pointer (T **): writing, its n elements of elem bytes
 * (a NULL pointer is recorded as NULL); mapping, *pp points into the file, after a check
 * that the section has n elements of elem bytes (or was NULL). */
int mrs_snap_array(mrs_snap_io *io, const char *name, void *pp, size_t elem, size_t n);
/* mrs_snap_array for the pointer lvalue field (T *), its element size taken from T. */
#define MRS_SNAP_ARRAY(io, name, field, n) mrs_snap_array(io, name, &(field), sizeof *(field), n)
/* The same for an array whose length only the file knows when mapping: *n is read when
 * writing and set when mapping. */
int mrs_snap_array_any(mrs_snap_io *io, const char *name, void *pp, size_t elem, size_t *n);
/* A NUL-terminated string (or NULL) in *s, mapped in place. */
int mrs_snap_string(mrs_snap_io *io, const char *name, char **s);
/* A plain value of size bytes (a struct of counts, flags), copied both ways. */
int mrs_snap_value(mrs_snap_io *io, const char *name, void *v, size_t size);

#endif
