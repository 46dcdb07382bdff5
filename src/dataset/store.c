/* store.c: datasets at rest in SQLite: atomic, locked writes and validated loads. */
#include <ctype.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset/dataset.h"

static const char schema_sql[] =
#include "dataset/schema.inc"
	;

/* ------------------------------------------------------------ locking */

int mrs_store_lock(const char *path, int *fd_out, mrs_error *err)
{
	char lock[4096];
	if (snprintf(lock, sizeof lock, "%s.lock", path) >= (int)sizeof lock)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", path);
	return mrs_file_lock(lock, path, fd_out, err);
}

/* ------------------------------------------------------------ writing */

typedef struct writer {
	sqlite3 *db;
	const char *dest; /* the dataset being written, for messages */
	const char *path; /* the temporary file it is written to first */
	mrs_error *err;
} writer;

/* "DEST: cannot write (TMP: WHAT: REASON); nothing was changed". A write error's reason is
 * the system's (ENOSPC, EFBIG, EROFS, ...) when SQLite has one. */
static int wfail(writer *w, const char *what)
{
	int code = sqlite3_errcode(w->db), sys = sqlite3_system_errno(w->db);
	mrs_code c = (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY ||
		      code == SQLITE_CANTOPEN)
			     ? MRS_ERR_IO
			     : MRS_ERR_INTERNAL;
	const char *why = code == SQLITE_FULL		? "disk full"
			  : code == SQLITE_IOERR && sys ? strerror(sys)
							: sqlite3_errmsg(w->db);
	return mrs_fail(w->err, c, "%s: cannot write (%s: %s: %s); nothing was changed",
			w->dest, w->path, what, why);
}

static int wexec(writer *w, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(w->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return wfail(w, "writing");
	}
	return 0;
}

static sqlite3_stmt *wprep(writer *w, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) {
		wfail(w, "preparing");
		return NULL;
	}
	return st;
}

static int wstep(writer *w, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) != SQLITE_DONE ? wfail(w, what) : 0; /* before reset clears
									    the system error */
	sqlite3_reset(st);
	return rc;
}

static int meta_put(writer *w, const char *key, const char *value)
{
	sqlite3_stmt *st = wprep(w, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = wstep(w, st, "meta");
	sqlite3_finalize(st);
	return rc;
}

static int meta_put_i64(writer *w, const char *key, long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	return meta_put(w, key, buf);
}

/* Cancels cleanly from inside long loops. */
static int tick(writer *w, const mrs_progress *p, const char *phase, double done, double total)
{
	if (mrs_progress_report(p, phase, done, total, NULL))
		return mrs_fail(w->err, MRS_ERR_CANCELLED, "writing %s: cancelled", w->dest);
	return 0;
}

/*
 * Rows of the big tables go in BATCH_ROWS at a time through one multi-row INSERT: a
 * statement step costs about as much whether it carries one row or sixteen, and the
 * large world writes 20 million rows (a 10-million-row, 8-column table took 3.1 s with
 * one row per step and 1.7 s with 16, on the development machine). The rows that do not
 * fill a last batch go through a one-row statement.
 */
#define BATCH_ROWS 16

typedef struct inserter {
	writer *w;
	sqlite3_stmt *many, *one;
	int cols;
	size_t n_many;   /* rows that go through `many`: a multiple of BATCH_ROWS */
	size_t i;        /* rows bound so far */
	const char *what;
} inserter;

/* Prepares "INSERT INTO table VALUES (?, ...)" for BATCH_ROWS rows and for one, for n rows
 * of cols columns. */
static int ins_open(inserter *x, writer *w, const char *table, int cols, size_t n)
{
	memset(x, 0, sizeof *x);
	x->w = w;
	x->cols = cols;
	x->what = table;
	x->n_many = n - n % BATCH_ROWS;
	char sql[2048], row[128];
	size_t len = 0;
	for (int c = 0; c < cols; c++)
		len += (size_t)snprintf(row + len, sizeof row - len, c ? ", ?" : "(?");
	snprintf(row + len, sizeof row - len, ")");
	len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s VALUES %s", table, row);
	if (!(x->one = wprep(w, sql)))
		return -1;
	for (int r = 1; r < BATCH_ROWS; r++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, ", %s", row);
	if ((x->many = wprep(w, sql)))
		return 0;
	sqlite3_finalize(x->one);
	x->one = NULL;
	return -1;
}

/* The statement the next row binds into, and its first parameter in *base. */
static sqlite3_stmt *ins_next(const inserter *x, int *base)
{
	if (x->i < x->n_many) {
		*base = (int)(x->i % BATCH_ROWS) * x->cols + 1;
		return x->many;
	}
	*base = 1;
	return x->one;
}

/* The row is bound: steps the statement once it holds all its rows. */
static int ins_done(inserter *x)
{
	x->i++;
	if (x->i <= x->n_many)
		return x->i % BATCH_ROWS ? 0 : wstep(x->w, x->many, x->what);
	return wstep(x->w, x->one, x->what);
}

/* Binds a row's id: rows go in id order 0, 1, 2, ..., so from the second on the id is left
 * NULL and SQLite gives the row the largest id so far plus one, the same number, and
 * appends it without searching the table for its place (a tenth of writing a large
 * table). */
static void ins_bind_id(sqlite3_stmt *st, int col, uint32_t id)
{
	if (id == 0)
		sqlite3_bind_int64(st, col, 0);
	else
		sqlite3_bind_null(st, col);
}

static void ins_close(inserter *x)
{
	sqlite3_finalize(x->many);
	sqlite3_finalize(x->one);
}

static int write_users(writer *w, const mrs_dataset *ds)
{
	inserter x;
	int rc = ins_open(&x, w, "users", 4, ds->n_users);
	for (uint32_t u = 0; u < ds->n_users && !rc; u++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, u);
		sqlite3_bind_text(st, c + 1, mrs_handle(ds, u), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, c + 2, ds->user_created[u]);
		sqlite3_bind_int(st, c + 3, ds->user_verified[u]);
		rc = ins_done(&x);
	}
	ins_close(&x);
	return rc;
}

static int write_follows(writer *w, const mrs_dataset *ds)
{
	inserter x;
	int rc = ins_open(&x, w, "follows", 3, ds->n_follows);
	for (uint32_t u = 0; u < ds->n_users && !rc; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1] && !rc; e++) {
			int c;
			sqlite3_stmt *st = ins_next(&x, &c);
			sqlite3_bind_int64(st, c, u);
			sqlite3_bind_int64(st, c + 1, ds->fol_dst[e]);
			sqlite3_bind_int64(st, c + 2, ds->fol_time[e]);
			rc = ins_done(&x);
		}
	ins_close(&x);
	return rc;
}

static int write_tweets(writer *w, const mrs_dataset *ds, const mrs_progress *p)
{
	inserter x;
	int rc = ins_open(&x, w, "tweets", 7, ds->n_tweets);
	for (uint32_t t = 0; t < ds->n_tweets && !rc; t++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, t);
		sqlite3_bind_int64(st, c + 1, ds->tweet_author[t]);
		sqlite3_bind_int64(st, c + 2, ds->tweet_time[t]);
		if (ds->tweet_rt_of[t] == MRS_NONE)
			sqlite3_bind_null(st, c + 3);
		else
			sqlite3_bind_int64(st, c + 3, ds->tweet_rt_of[t]);
		sqlite3_bind_int(st, c + 4, !!(ds->tweet_flags[t] & MRS_TW_MEDIA));
		sqlite3_bind_int(st, c + 5, !!(ds->tweet_flags[t] & MRS_TW_LINK));
		sqlite3_bind_text(st, c + 6, mrs_tweet_text(ds, t), -1, SQLITE_STATIC);
		rc = ins_done(&x);
		if (!rc && (t & 0x3ffff) == 0)
			rc = tick(w, p, "writing tweets", t, ds->n_tweets);
	}
	ins_close(&x);
	return rc;
}

static int write_impressions(writer *w, const mrs_dataset *ds, const mrs_progress *p)
{
	inserter x;
	int rc = ins_open(&x, w, "impressions", 6, ds->n_impressions);
	for (uint32_t i = 0; i < ds->n_impressions && !rc; i++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, i);
		sqlite3_bind_int64(st, c + 1, ds->imp_user[i]);
		sqlite3_bind_int64(st, c + 2, ds->imp_tweet[i]);
		sqlite3_bind_int64(st, c + 3, ds->imp_time[i]);
		sqlite3_bind_int(st, c + 4, ds->imp_actions[i]);
		if (ds->imp_propensity[i] > 0)
			sqlite3_bind_double(st, c + 5, ds->imp_propensity[i]);
		else
			sqlite3_bind_null(st, c + 5);
		rc = ins_done(&x);
		if (!rc && (i & 0x3ffff) == 0)
			rc = tick(w, p, "writing impressions", i, ds->n_impressions);
	}
	ins_close(&x);
	return rc;
}

static int write_small_tables(writer *w, const mrs_dataset *ds)
{
	sqlite3_stmt *st = wprep(w, "INSERT INTO action_types VALUES (?, ?, ?)");
	if (!st)
		return -1;
	int rc = 0;
	for (int a = 0; a < MRS_N_ACTIONS && !rc; a++) {
		sqlite3_bind_int(st, 1, a);
		sqlite3_bind_text(st, 2, mrs_action_name(a), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, !!(MRS_POSITIVE_MASK & (1u << a)));
		rc = wstep(w, st, "action types");
	}
	sqlite3_finalize(st);
	if (rc || !(st = wprep(w, "INSERT INTO split VALUES (?, ?, ?)")))
		return -1;
	sqlite3_bind_text(st, 1, "train", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ds->t_begin);
	sqlite3_bind_int64(st, 3, ds->split_time);
	rc = wstep(w, st, "split");
	sqlite3_bind_text(st, 1, "test", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ds->split_time);
	sqlite3_bind_int64(st, 3, ds->t_end + 1);
	rc = rc ? rc : wstep(w, st, "split");
	sqlite3_finalize(st);
	if (rc || !(st = wprep(w, "INSERT INTO blocks VALUES (?, ?, ?, ?)")))
		return -1;
	for (uint32_t u = 0; u < ds->n_users && !rc; u++)
		for (uint32_t e = ds->blk_off[u]; e < ds->blk_off[u + 1] && !rc; e++) {
			sqlite3_bind_int64(st, 1, u);
			sqlite3_bind_int64(st, 2, ds->blk_dst[e]);
			sqlite3_bind_text(st, 3, ds->blk_kind[e] == MRS_MUTE ? "mute" : "block", -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, ds->blk_time[e]);
			rc = wstep(w, st, "blocks");
		}
	sqlite3_finalize(st);
	if (rc || !(st = wprep(w, "INSERT INTO moderation_labels VALUES (?, ?, ?)")))
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets && !rc; t++) {
		if (ds->label_nsfw[t] < 0 && ds->label_toxic[t] < 0)
			continue;
		sqlite3_bind_int64(st, 1, t);
		if (ds->label_nsfw[t] < 0)
			sqlite3_bind_null(st, 2);
		else
			sqlite3_bind_int(st, 2, ds->label_nsfw[t]);
		if (ds->label_toxic[t] < 0)
			sqlite3_bind_null(st, 3);
		else
			sqlite3_bind_int(st, 3, ds->label_toxic[t]);
		rc = wstep(w, st, "moderation labels");
	}
	sqlite3_finalize(st);
	if (rc || !(st = wprep(w, "INSERT INTO texts VALUES (?, ?, ?, ?)")))
		return -1;
	for (uint32_t i = 0; i < ds->n_texts && !rc; i++) {
		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_text(st, 2, ds->texts_task ? ds->texts_task : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ds->texts_pool + ds->texts_off[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, ds->texts_label[i]);
		rc = wstep(w, st, "texts");
	}
	sqlite3_finalize(st);
	return rc;
}

static int write_truth(writer *w, const mrs_truth *tr, const mrs_progress *p)
{
	inserter x;
	int rc = ins_open(&x, w, "truth_users", 10, tr->n_users);
	for (uint32_t u = 0; u < tr->n_users && !rc; u++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, u);
		sqlite3_bind_int(st, c + 1, tr->user_interests[u]);
		for (int k = 0; k < MRS_N_TOPICS; k++)
			sqlite3_bind_double(st, c + 2 + k, tr->user_interest_w[u * MRS_N_TOPICS + k]);
		sqlite3_bind_double(st, c + 9, tr->user_propensity[u]);
		rc = ins_done(&x);
	}
	ins_close(&x);
	if (rc || ins_open(&x, w, "truth_tweets", 5, tr->n_tweets))
		return -1;
	for (uint32_t t = 0; t < tr->n_tweets && !rc; t++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, t);
		sqlite3_bind_int(st, c + 1, tr->tweet_topic[t]);
		sqlite3_bind_double(st, c + 2, tr->tweet_quality[t]);
		sqlite3_bind_double(st, c + 3, tr->tweet_nsfw[t]);
		sqlite3_bind_double(st, c + 4, tr->tweet_toxicity[t]);
		rc = ins_done(&x);
	}
	ins_close(&x);
	if (rc || ins_open(&x, w, "truth_impressions", 1 + MRS_N_ACTIONS, tr->n_impressions))
		return -1;
	for (uint32_t i = 0; i < tr->n_impressions && !rc; i++) {
		int c;
		sqlite3_stmt *st = ins_next(&x, &c);
		ins_bind_id(st, c, i);
		for (int a = 0; a < MRS_N_ACTIONS; a++)
			sqlite3_bind_double(st, c + 1 + a, tr->imp_prob[(size_t)i * MRS_N_ACTIONS + a]);
		rc = ins_done(&x);
		if (!rc && (i & 0x3ffff) == 0)
			rc = tick(w, p, "writing ground truth", i, tr->n_impressions);
	}
	ins_close(&x);
	return rc;
}

static int write_all(writer *w, const mrs_dataset *ds, const mrs_truth *tr,
		     const mrs_progress *p)
{
	if (wexec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
		     "BEGIN") ||
	    wexec(w, schema_sql))
		return -1;
	int rc = meta_put_i64(w, "schema_version", MRS_SCHEMA_VERSION);
	rc = rc ? rc : meta_put(w, "kind", ds->kind ? ds->kind : "unknown");
	rc = rc ? rc : meta_put(w, "params", ds->params_json ? ds->params_json : "{}");
	rc = rc ? rc : meta_put_i64(w, "seed", (long long)ds->seed);
	rc = rc ? rc : meta_put_i64(w, "split_time", ds->split_time);
	rc = rc ? rc : meta_put(w, "has_truth", tr ? "1" : "0");
	rc = rc ? rc : meta_put(w, "texts_task", ds->texts_task ? ds->texts_task : "");
	if (!rc && ds->fingerprint) {
		char fp[20];
		snprintf(fp, sizeof fp, "%016llx", (unsigned long long)ds->fingerprint);
		rc = meta_put(w, "fingerprint", fp);
	}
	if (!rc) {
		char *ts = mrs_time_scale_to_json(&ds->time_scale);
		rc = ts ? meta_put(w, "time_scale", ts)
			: mrs_fail(w->err, MRS_ERR_NOMEM, "%s: out of memory", w->dest);
		free(ts);
	}
	rc = rc ? rc : tick(w, p, "writing users", 0, 1);
	rc = rc ? rc : write_users(w, ds);
	rc = rc ? rc : write_follows(w, ds);
	rc = rc ? rc : write_tweets(w, ds, p);
	rc = rc ? rc : write_impressions(w, ds, p);
	rc = rc ? rc : write_small_tables(w, ds);
	if (!rc && tr)
		rc = write_truth(w, tr, p);
	rc = rc ? rc : wexec(w, "COMMIT");
	return rc;
}

/* Opens the temporary file t (created empty and exclusively by mrs_tmp_open) as a SQLite
 * database: without SQLITE_OPEN_CREATE and with SQLITE_OPEN_NOFOLLOW, and only if the
 * name still leads to the file created (nothing was swapped in between). */
static int open_temp(writer *w, const mrs_tmp *t)
{
	/* NOMUTEX: one thread writes through this connection (no lock around every call) */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(t->path, &w->db, flags, NULL) != SQLITE_OK)
		return mrs_fail(w->err, MRS_ERR_IO, "%s: cannot write (%s: cannot open: %s); "
				"nothing was changed", w->dest, t->path,
				w->db ? sqlite3_errmsg(w->db) : "out of memory");
	struct stat ours, named;
	if (fstat(t->fd, &ours) != 0 || lstat(t->path, &named) != 0 ||
	    ours.st_dev != named.st_dev || ours.st_ino != named.st_ino)
		return mrs_fail(w->err, MRS_ERR_IO, "%s: cannot write (%s was replaced while it "
				"was opened); nothing was changed", w->dest, t->path);
	return 0;
}

int mrs_store_write(const char *path, const mrs_dataset *ds, const mrs_truth *tr,
		    const mrs_progress *progress, mrs_error *err)
{
	if (tr && (tr->n_users != ds->n_users || tr->n_tweets != ds->n_tweets ||
		   tr->n_impressions != ds->n_impressions))
		return mrs_fail(err, MRS_ERR_USAGE, "%s: ground truth does not match the dataset",
				path);
	int lock;
	if (mrs_store_lock(path, &lock, err))
		return -1;
	mrs_file_remove_stale_temps(path);
	mrs_tmp t;
	if (mrs_tmp_open(&t, path, err)) {
		mrs_error_suffix(err, "; nothing was changed");
		mrs_file_unlock(lock);
		return -1;
	}
	writer w = {.dest = path, .path = t.path, .err = err};
	int rc = open_temp(&w, &t);
	if (!rc)
		rc = write_all(&w, ds, tr, progress);
	if (w.db && sqlite3_close(w.db) != SQLITE_OK && !rc)
		rc = mrs_fail(err, MRS_ERR_IO, "%s: cannot write (%s: cannot close); nothing was "
			      "changed", path, t.path);
	if (!rc && mrs_tmp_commit(&t, err)) {
		mrs_error_suffix(err, "; nothing was changed");
		rc = -1;
	}
	mrs_tmp_discard(&t);
	mrs_file_unlock(lock);
	return rc;
}

/* ------------------------------------------------------------ reading */

typedef struct reader {
	sqlite3 *db;
	const char *path;
	mrs_error *err;
} reader;

static int rfail(reader *r, const char *what)
{
	int code = sqlite3_errcode(r->db);
	if (code == SQLITE_NOTADB)
		return mrs_fail(r->err, MRS_ERR_DATA, "%s: not a SQLite database", r->path);
	if (code == SQLITE_CORRUPT)
		return mrs_fail(r->err, MRS_ERR_DATA, "%s: database is corrupt or truncated (%s)",
				r->path, what);
	return mrs_fail(r->err, MRS_ERR_DATA, "%s: %s: %s", r->path, what, sqlite3_errmsg(r->db));
}

static sqlite3_stmt *rprep(reader *r, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rfail(r, what);
		return NULL;
	}
	return st;
}

/* One integer from a query; fails if there is no row. */
static int query_i64(reader *r, const char *sql, long long *out)
{
	sqlite3_stmt *st = rprep(r, sql, "reading counts");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return mrs_fail(r->err, MRS_ERR_DATA, "%s: no answer to %s", r->path, sql);
	return rfail(r, "reading counts");
}

/* Returns a malloc'd copy of meta[key], or NULL (no error) when absent. */
static char *meta_get(reader *r, const char *key, int *failed)
{
	sqlite3_stmt *st = rprep(r, "SELECT value FROM meta WHERE key = ?", "reading meta");
	*failed = 0;
	if (!st) {
		*failed = 1;
		return NULL;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	char *out = NULL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		out = mrs_strdup(v ? v : "", r->err);
		*failed = !out;
	} else if (rc != SQLITE_DONE) {
		rfail(r, "reading meta");
		*failed = 1;
	}
	sqlite3_finalize(st);
	return out;
}

/* A meta value that must be a whole decimal number (strtoll alone reads 'abc' as 0). */
static int meta_i64(reader *r, const char *key, const char *text, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (!isdigit((unsigned char)text[text[0] == '-']) || *end || errno)
		return mrs_fail(r->err, MRS_ERR_DATA, "%s: meta: %s '%.40s' is not an integer",
				r->path, key, text);
	*out = v;
	return 0;
}

/* Seeds are written as signed 64-bit integers: 2^64-1 is stored as -1. */
static int meta_u64(reader *r, const char *key, const char *text, uint64_t *out)
{
	int64_t neg;
	if (text[0] == '-') {
		if (meta_i64(r, key, text, &neg))
			return -1;
		*out = (uint64_t)neg;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || *end || errno)
		return mrs_fail(r->err, MRS_ERR_DATA,
				"%s: meta: %s '%.40s' is not an integer", r->path, key, text);
	*out = v;
	return 0;
}

static int step_row(reader *r, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rfail(r, what);
	return -1;
}

int mrs_store_open(const char *path, sqlite3 **db_out, mrs_error *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return mrs_fail(err, MRS_ERR_IO, "%s: not a regular file", path);
	if (access(path, R_OK) != 0)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path, strerror(errno));
	sqlite3 *db = NULL;
	/* NOMUTEX: the connection serves one thread (the loader), and SQLite's serialized
	 * mode locked a mutex around every column read: a tenth of loading 10 million rows */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot open: %s", path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	reader r = {db, path, err};
	long long version = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
				    &st, NULL);
	if (rc != SQLITE_OK) {
		int code = sqlite3_errcode(db);
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			rfail(&r, "opening");
		else
			mrs_fail(err, MRS_ERR_DATA, "%s: not a minirecsys dataset (no meta table)",
				 path);
		sqlite3_close(db);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		rfail(&r, "reading schema version");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			mrs_fail(err, MRS_ERR_DATA, "%s: not a minirecsys dataset (no schema version)",
				 path);
		sqlite3_close(db);
		return -1;
	}
	if (version != MRS_SCHEMA_VERSION) {
		/* what each older version lacks, so the message says why it cannot be read */
		static const char *const lacks[MRS_SCHEMA_VERSION] = {
			[1] = " (its impressions lack the logging policy's propensity)",
		};
		mrs_fail(err, MRS_ERR_DATA,
			 "%s: schema version %lld%s, this minirecsys reads version %d; regenerate or "
			 "re-import the dataset",
			 path, version,
			 version > 0 && version < MRS_SCHEMA_VERSION && lacks[version] ? lacks[version]
										: "",
			 MRS_SCHEMA_VERSION);
		sqlite3_close(db);
		return -1;
	}
	*db_out = db;
	return 0;
}

static int load_users(reader *r, mrs_dataset *ds, mrs_pool *pool)
{
	sqlite3_stmt *st = rprep(r, "SELECT id, handle, created_at, verified FROM users ORDER BY id",
				 "reading users");
	if (!st)
		return -1;
	uint32_t n = 0;
	int rc;
	while ((rc = step_row(r, st, "reading users")) == 1) {
		long long id = sqlite3_column_int64(st, 0);
		const char *h = (const char *)sqlite3_column_text(st, 1);
		if (id != n || n >= ds->n_users) {
			sqlite3_finalize(st);
			return mrs_fail(r->err, MRS_ERR_DATA, "%s: users: id %lld where %u was expected",
					r->path, id, n);
		}
		uint32_t off = mrs_pool_add(pool, h ? h : "", h ? strlen(h) : 0, r->err);
		if (off == UINT32_MAX) {
			sqlite3_finalize(st);
			return -1;
		}
		ds->handle_off[n] = off;
		ds->user_created[n] = sqlite3_column_int64(st, 2);
		ds->user_verified[n] = sqlite3_column_int(st, 3) != 0;
		n++;
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int load_follows(reader *r, mrs_dataset *ds)
{
	long long n;
	if (query_i64(r, "SELECT count(*) FROM follows", &n))
		return -1;
	uint32_t *src = mrs_calloc(n, sizeof(uint32_t), "follows", r->err);
	uint32_t *dst = mrs_calloc(n, sizeof(uint32_t), "follows", r->err);
	int64_t *tm = mrs_calloc(n, sizeof(int64_t), "follows", r->err);
	sqlite3_stmt *st = (src && dst && tm)
				   ? rprep(r, "SELECT src, dst, created_at FROM follows ORDER BY src, dst",
					   "reading follows")
				   : NULL;
	int rc = -1;
	if (st) {
		long long i = 0;
		rc = 0; /* an empty table is fine */
		while (i < n && (rc = step_row(r, st, "reading follows")) == 1) {
			long long a = sqlite3_column_int64(st, 0), b = sqlite3_column_int64(st, 1);
			if (a < 0 || a >= ds->n_users || b < 0 || b >= ds->n_users) {
				rc = mrs_fail(r->err, MRS_ERR_DATA,
					      "%s: follows: edge %lld -> %lld names a missing user",
					      r->path, a, b);
				break;
			}
			src[i] = (uint32_t)a, dst[i] = (uint32_t)b;
			tm[i] = sqlite3_column_int64(st, 2);
			i++;
		}
		if (rc >= 0)
			rc = mrs_ds_set_follows(ds, src, dst, tm, (size_t)i, r->err);
		sqlite3_finalize(st);
	}
	free(src), free(dst), free(tm);
	return rc;
}

static int load_tweets(reader *r, mrs_dataset *ds, mrs_pool *pool, const mrs_progress *p)
{
	sqlite3_stmt *st = rprep(r,
				 "SELECT id, author, created_at, retweet_of, has_media, has_link, text "
				 "FROM tweets ORDER BY id",
				 "reading tweets");
	if (!st)
		return -1;
	uint32_t n = 0;
	int rc;
	while ((rc = step_row(r, st, "reading tweets")) == 1) {
		long long id = sqlite3_column_int64(st, 0), author = sqlite3_column_int64(st, 1);
		if (id != n || n >= ds->n_tweets) {
			rc = mrs_fail(r->err, MRS_ERR_DATA, "%s: tweets: id %lld where %u was expected",
				      r->path, id, n);
			break;
		}
		if (author < 0 || author >= ds->n_users) {
			rc = mrs_fail(r->err, MRS_ERR_DATA, "%s: tweet %lld: author %lld does not exist",
				      r->path, id, author);
			break;
		}
		ds->tweet_author[n] = (uint32_t)author;
		ds->tweet_time[n] = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			long long o = sqlite3_column_int64(st, 3);
			if (o < 0 || o >= id) {
				rc = mrs_fail(r->err, MRS_ERR_DATA,
					      "%s: tweet %lld: retweet_of %lld is not an earlier tweet",
					      r->path, id, o);
				break;
			}
			ds->tweet_rt_of[n] = (uint32_t)o;
		}
		ds->tweet_flags[n] = (sqlite3_column_int(st, 4) ? MRS_TW_MEDIA : 0) |
				     (sqlite3_column_int(st, 5) ? MRS_TW_LINK : 0);
		const char *text = (const char *)sqlite3_column_text(st, 6);
		uint32_t off = mrs_pool_add(pool, text ? text : "", text ? strlen(text) : 0, r->err);
		if (off == UINT32_MAX) {
			rc = -1;
			break;
		}
		ds->text_off[n] = off;
		n++;
		if ((n & 0x3ffff) == 0 && mrs_progress_report(p, "loading tweets", n, ds->n_tweets, NULL)) {
			rc = mrs_fail(r->err, MRS_ERR_CANCELLED, "%s: loading cancelled", r->path);
			break;
		}
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int load_impressions(reader *r, mrs_dataset *ds, const mrs_progress *p)
{
	long long n;
	if (query_i64(r, "SELECT count(*) FROM impressions", &n))
		return -1;
	if (n > UINT32_MAX)
		return mrs_fail(r->err, MRS_ERR_DATA, "%s: too many impressions (%lld)", r->path, n);
	ds->imp_user = mrs_calloc(n, sizeof(uint32_t), "impressions", r->err);
	ds->imp_tweet = mrs_calloc(n, sizeof(uint32_t), "impressions", r->err);
	ds->imp_time = mrs_calloc(n, sizeof(int64_t), "impressions", r->err);
	ds->imp_actions = mrs_calloc(n, 1, "impressions", r->err);
	ds->imp_propensity = mrs_calloc(n, sizeof(float), "impressions", r->err);
	if (!ds->imp_user || !ds->imp_tweet || !ds->imp_time || !ds->imp_actions ||
	    !ds->imp_propensity)
		return -1;
	sqlite3_stmt *st = rprep(r,
				 "SELECT id, user, tweet, ts, actions, propensity FROM impressions "
				 "ORDER BY id",
				 "reading impressions");
	if (!st)
		return -1;
	long long i = 0;
	int rc;
	while ((rc = step_row(r, st, "reading impressions")) == 1) {
		long long id = sqlite3_column_int64(st, 0), u = sqlite3_column_int64(st, 1);
		long long t = sqlite3_column_int64(st, 2), ts = sqlite3_column_int64(st, 3);
		long long a = sqlite3_column_int64(st, 4);
		double prop = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 5);
		if (id != i || i >= n) {
			rc = mrs_fail(r->err, MRS_ERR_DATA,
				      "%s: impressions: id %lld where %lld was expected", r->path, id, i);
			break;
		}
		if (u < 0 || u >= ds->n_users || t < 0 || t >= ds->n_tweets || a < 0 ||
		    a >= (1 << MRS_N_ACTIONS)) {
			rc = mrs_fail(r->err, MRS_ERR_DATA,
				      "%s: impression %lld: user %lld, tweet %lld or actions %lld out "
				      "of range",
				      r->path, id, u, t, a);
			break;
		}
		if (!(prop >= 0 && prop <= 1)) {
			rc = mrs_fail(r->err, MRS_ERR_DATA,
				      "%s: impression %lld: propensity %g is not a probability", r->path,
				      id, prop);
			break;
		}
		if (i && (u < ds->imp_user[i - 1] ||
			  (u == ds->imp_user[i - 1] && ts < ds->imp_time[i - 1]))) {
			rc = mrs_fail(r->err, MRS_ERR_DATA,
				      "%s: impression %lld: not sorted by (user, ts)", r->path, id);
			break;
		}
		ds->imp_user[i] = (uint32_t)u;
		ds->imp_tweet[i] = (uint32_t)t;
		ds->imp_time[i] = ts;
		ds->imp_actions[i] = (uint8_t)a;
		ds->imp_propensity[i] = (float)prop;
		i++;
		if ((i & 0x3ffff) == 0 &&
		    mrs_progress_report(p, "loading impressions", (double)i, (double)n, NULL)) {
			rc = mrs_fail(r->err, MRS_ERR_CANCELLED, "%s: loading cancelled", r->path);
			break;
		}
	}
	sqlite3_finalize(st);
	ds->n_impressions = (uint32_t)i;
	return rc < 0 ? -1 : 0;
}

static int load_blocks(reader *r, mrs_dataset *ds)
{
	long long n;
	if (query_i64(r, "SELECT count(*) FROM blocks", &n))
		return -1;
	uint32_t *src = mrs_calloc(n, sizeof(uint32_t), "blocks", r->err);
	uint32_t *dst = mrs_calloc(n, sizeof(uint32_t), "blocks", r->err);
	uint8_t *kind = mrs_calloc(n, 1, "blocks", r->err);
	int64_t *tm = mrs_calloc(n, sizeof(int64_t), "blocks", r->err);
	sqlite3_stmt *st = (src && dst && kind && tm)
				   ? rprep(r, "SELECT src, dst, kind, created_at FROM blocks",
					   "reading blocks")
				   : NULL;
	int rc = -1;
	if (st) {
		long long i = 0;
		rc = 0; /* an empty table is fine */
		while (i < n && (rc = step_row(r, st, "reading blocks")) == 1) {
			long long a = sqlite3_column_int64(st, 0), b = sqlite3_column_int64(st, 1);
			const char *k = (const char *)sqlite3_column_text(st, 2);
			if (a < 0 || a >= ds->n_users || b < 0 || b >= ds->n_users || !k) {
				rc = mrs_fail(r->err, MRS_ERR_DATA, "%s: blocks: bad row %lld -> %lld",
					      r->path, a, b);
				break;
			}
			src[i] = (uint32_t)a, dst[i] = (uint32_t)b;
			if (strcmp(k, "mute") != 0 && strcmp(k, "block") != 0) {
				rc = mrs_fail(r->err, MRS_ERR_DATA, "%s: blocks: kind '%s' is neither "
					      "block nor mute", r->path, k);
				break;
			}
			kind[i] = strcmp(k, "mute") == 0 ? MRS_MUTE : MRS_BLOCK;
			tm[i] = sqlite3_column_int64(st, 3);
			i++;
		}
		if (rc >= 0)
			rc = mrs_ds_set_blocks(ds, src, dst, kind, tm, (size_t)i, r->err);
		sqlite3_finalize(st);
	}
	free(src), free(dst), free(kind), free(tm);
	return rc;
}

static int load_labels(reader *r, mrs_dataset *ds)
{
	sqlite3_stmt *st = rprep(r, "SELECT tweet, nsfw, toxic FROM moderation_labels",
				 "reading moderation labels");
	if (!st)
		return -1;
	int rc;
	while ((rc = step_row(r, st, "reading moderation labels")) == 1) {
		long long t = sqlite3_column_int64(st, 0);
		if (t < 0 || t >= ds->n_tweets) {
			rc = mrs_fail(r->err, MRS_ERR_DATA,
				      "%s: moderation_labels: tweet %lld does not exist", r->path, t);
			break;
		}
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			ds->label_nsfw[t] = sqlite3_column_int(st, 1) != 0;
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			ds->label_toxic[t] = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int load_texts(reader *r, mrs_dataset *ds)
{
	long long n;
	if (query_i64(r, "SELECT count(*) FROM texts", &n))
		return -1;
	if (n == 0)
		return 0;
	mrs_pool pool = {0};
	ds->texts_off = mrs_calloc(n, sizeof(uint32_t), "texts", r->err);
	ds->texts_label = mrs_calloc(n, 1, "texts", r->err);
	sqlite3_stmt *st = (ds->texts_off && ds->texts_label)
				   ? rprep(r, "SELECT text, label FROM texts ORDER BY id", "reading texts")
				   : NULL;
	if (!st)
		return -1;
	long long i = 0;
	int rc;
	while (i < n && (rc = step_row(r, st, "reading texts")) == 1) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		uint32_t off = mrs_pool_add(&pool, s ? s : "", s ? strlen(s) : 0, r->err);
		if (off == UINT32_MAX) {
			rc = -1;
			break;
		}
		ds->texts_off[i] = off;
		ds->texts_label[i] = sqlite3_column_int(st, 1) != 0;
		i++;
	}
	sqlite3_finalize(st);
	ds->texts_pool = pool.data;
	ds->n_texts = (uint32_t)i;
	return rc < 0 ? -1 : 0;
}

/* SQLite's file change counter and page count (header bytes 24 .. 31, big-endian): every
 * write transaction changes the counter. 0 when the header cannot be read. */
static uint64_t sqlite_change_counter(const char *path)
{
	unsigned char h[32];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(h, 1, sizeof h, f) : 0;
	if (f)
		fclose(f);
	if (n != sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return 0;
	uint64_t v = 0;
	for (int i = 24; i < 32; i++)
		v = v << 8 | h[i];
	return v;
}

int mrs_store_fingerprint(const char *path, uint64_t *fp, uint64_t *changes, mrs_error *err)
{
	sqlite3 *db;
	*fp = 0;
	*changes = sqlite_change_counter(path);
	if (mrs_store_open(path, &db, err))
		return -1;
	reader r = {db, path, err};
	int failed;
	char *v = meta_get(&r, "fingerprint", &failed), *end = NULL;
	if (v && *v)
		*fp = strtoull(v, &end, 16);
	if (!failed && end && *end)
		failed = mrs_fail(err, MRS_ERR_DATA, "%s: meta: fingerprint '%s' is not hexadecimal",
				  path, v) != 0;
	free(v);
	sqlite3_close(db);
	return failed ? -1 : 0;
}

mrs_dataset *mrs_dataset_load(const char *path, const mrs_progress *progress, mrs_error *err)
{
	sqlite3 *db;
	if (mrs_store_open(path, &db, err))
		return NULL;
	reader r = {db, path, err};
	mrs_dataset *ds = NULL;
	mrs_pool handles = {0}, texts = {0};
	long long nu, nt;
	int failed = 0;
	char *split = NULL, *seed = NULL, *truth = NULL, *task = NULL, *scale = NULL;
	if (query_i64(&r, "SELECT count(*) FROM users", &nu) ||
	    query_i64(&r, "SELECT count(*) FROM tweets", &nt))
		goto fail;
	if (nu > UINT32_MAX - 1 || nt > UINT32_MAX - 1) {
		mrs_fail(err, MRS_ERR_DATA, "%s: too many users or tweets", path);
		goto fail;
	}
	if (!(ds = mrs_ds_alloc((uint32_t)nu, (uint32_t)nt, err)))
		goto fail;
	if (!(ds->path = mrs_strdup(path, err)))
		goto fail;
	ds->kind = meta_get(&r, "kind", &failed);
	if (failed || !ds->kind) {
		if (!failed)
			mrs_fail(err, MRS_ERR_DATA, "%s: meta: no kind", path);
		goto fail;
	}
	ds->params_json = meta_get(&r, "params", &failed);
	if (failed || !(split = meta_get(&r, "split_time", &failed)) || failed ||
	    !(seed = meta_get(&r, "seed", &failed)) || failed) {
		if (!failed)
			mrs_fail(err, MRS_ERR_DATA, "%s: meta: split_time or seed missing", path);
		goto fail;
	}
	truth = meta_get(&r, "has_truth", &failed);
	if (failed)
		goto fail;
	task = meta_get(&r, "texts_task", &failed);
	if (failed)
		goto fail;
	/* a file written before datasets had a time scale has Twitter's (mrs_ds_alloc's) */
	scale = meta_get(&r, "time_scale", &failed);
	if (failed)
		goto fail;
	if (scale && mrs_time_scale_parse(scale, &ds->time_scale, err)) {
		mrs_error_prefix(err, "%s: meta", path);
		goto fail;
	}
	if (meta_i64(&r, "split_time", split, &ds->split_time) ||
	    meta_u64(&r, "seed", seed, &ds->seed))
		goto fail;
	ds->has_truth = truth && strcmp(truth, "1") == 0;
	if (task && *task) {
		ds->texts_task = task;
		task = NULL;
	}
	mrs_progress_report(progress, "loading users", 0, 1, NULL);
	if (load_users(&r, ds, &handles) || load_follows(&r, ds) ||
	    load_tweets(&r, ds, &texts, progress) || load_impressions(&r, ds, progress) ||
	    load_blocks(&r, ds) || load_labels(&r, ds) || load_texts(&r, ds))
		goto fail;
	free(ds->handle_pool), free(ds->text_pool);
	ds->handle_pool = handles.data ? handles.data : mrs_strdup("", err);
	ds->text_pool = texts.data ? texts.data : mrs_strdup("", err);
	handles.data = texts.data = NULL;
	if (!ds->handle_pool || !ds->text_pool)
		goto fail;
	mrs_progress_report(progress, "indexing", 0, 1, NULL);
	if (mrs_dataset_index(ds, err)) {
		mrs_error_prefix(err, "%s", path);
		goto fail;
	}
	free(split), free(seed), free(truth), free(task), free(scale);
	sqlite3_close(db);
	return ds;
fail:
	free(split), free(seed), free(truth), free(task), free(scale);
	free(handles.data), free(texts.data);
	mrs_dataset_free(ds);
	sqlite3_close(db);
	return NULL;
}

/* ------------------------------------------------------------ ground truth */

void mrs_truth_free(mrs_truth *tr)
{
	if (!tr)
		return;
	if (tr->mapped) {
		free(tr);
		return;
	}
	free(tr->user_interests), free(tr->user_interest_w), free(tr->user_propensity);
	free(tr->tweet_topic), free(tr->tweet_quality), free(tr->tweet_nsfw);
	free(tr->tweet_toxicity), free(tr->imp_prob);
	free(tr);
}

mrs_truth *mrs_truth_alloc(uint32_t nu, uint32_t nt, uint32_t ni, mrs_error *err)
{
	mrs_truth *tr = mrs_calloc(1, sizeof *tr, "ground truth", err);
	if (!tr)
		return NULL;
	tr->n_users = nu, tr->n_tweets = nt, tr->n_impressions = ni;
	tr->user_interests = mrs_calloc(nu, 1, "ground truth", err);
	tr->user_interest_w = mrs_calloc((size_t)nu * MRS_N_TOPICS, sizeof(float), "ground truth", err);
	tr->user_propensity = mrs_calloc(nu, sizeof(float), "ground truth", err);
	tr->tweet_topic = mrs_calloc(nt, 1, "ground truth", err);
	tr->tweet_quality = mrs_calloc(nt, sizeof(float), "ground truth", err);
	tr->tweet_nsfw = mrs_calloc(nt, sizeof(float), "ground truth", err);
	tr->tweet_toxicity = mrs_calloc(nt, sizeof(float), "ground truth", err);
	tr->imp_prob = mrs_calloc((size_t)ni * MRS_N_ACTIONS, sizeof(float), "ground truth", err);
	if (!tr->user_interests || !tr->user_interest_w || !tr->user_propensity ||
	    !tr->tweet_topic || !tr->tweet_quality || !tr->tweet_nsfw || !tr->tweet_toxicity ||
	    !tr->imp_prob) {
		mrs_truth_free(tr);
		return NULL;
	}
	return tr;
}

int mrs_truth_snap(mrs_truth **tp, mrs_snap_io *io)
{
	mrs_truth *tr = *tp;
	uint32_t head[4] = {tr != NULL, tr ? tr->n_users : 0, tr ? tr->n_tweets : 0,
			    tr ? tr->n_impressions : 0};
	uint64_t seed = tr ? tr->seed : 0;
	if (mrs_snap_value(io, "truth.head", head, sizeof head) ||
	    mrs_snap_value(io, "truth.seed", &seed, sizeof seed))
		return -1;
	if (!head[0])
		return 0;
	if (!io->writing && !(*tp = tr = mrs_calloc(1, sizeof *tr, "ground truth", io->err)))
		return -1;
	tr->mapped = !io->writing;
	tr->n_users = head[1], tr->n_tweets = head[2], tr->n_impressions = head[3], tr->seed = seed;
	size_t nu = tr->n_users, nt = tr->n_tweets, ni = tr->n_impressions;
	mrs_snap_io *o = io;
	return MRS_SNAP_ARRAY(o, "truth.user_interests", tr->user_interests, nu) ||
			       MRS_SNAP_ARRAY(o, "truth.user_interest_w", tr->user_interest_w,
					      nu * MRS_N_TOPICS) ||
			       MRS_SNAP_ARRAY(o, "truth.user_propensity", tr->user_propensity, nu) ||
			       MRS_SNAP_ARRAY(o, "truth.tweet_topic", tr->tweet_topic, nt) ||
			       MRS_SNAP_ARRAY(o, "truth.tweet_quality", tr->tweet_quality, nt) ||
			       MRS_SNAP_ARRAY(o, "truth.tweet_nsfw", tr->tweet_nsfw, nt) ||
			       MRS_SNAP_ARRAY(o, "truth.tweet_toxicity", tr->tweet_toxicity, nt) ||
			       MRS_SNAP_ARRAY(o, "truth.imp_prob", tr->imp_prob, ni * MRS_N_ACTIONS)
		       ? -1
		       : 0;
}

/* The truth from ds's serving snapshot: 1 with *out mapped, 0 when the snapshot has none
 * (or does not match ds), -1 on an error. */
static int truth_mapped(const mrs_dataset *ds, mrs_truth **out, mrs_error *err)
{
	mrs_snap_io io;
	mrs_error merr = {0};
	mrs_snap_map_begin(&io, ds->snap, &merr);
	*out = NULL;
	if (mrs_truth_snap(out, &io) || !*out) {
		mrs_truth_free(*out);
		*out = NULL;
		return merr.code == MRS_ERR_NOMEM ? mrs_fail(err, MRS_ERR_NOMEM, "%s", merr.msg) : 0;
	}
	if ((*out)->n_users != ds->n_users || (*out)->n_tweets != ds->n_tweets ||
	    (*out)->n_impressions != ds->n_impressions) {
		mrs_truth_free(*out);
		*out = NULL;
		return 0;
	}
	return 1;
}

mrs_truth *mrs_truth_load(const char *path, const mrs_dataset *ds, mrs_error *err)
{
	if (ds->snap && ds->path && strcmp(ds->path, path) == 0) {
		mrs_truth *tr;
		int rc = truth_mapped(ds, &tr, err);
		if (rc)
			return rc > 0 ? tr : NULL;
	}
	sqlite3 *db;
	if (mrs_store_open(path, &db, err))
		return NULL;
	reader r = {db, path, err};
	long long nu, nt, ni;
	mrs_truth *tr = NULL;
	sqlite3_stmt *st = NULL;
	if (query_i64(&r, "SELECT count(*) FROM truth_users", &nu) ||
	    query_i64(&r, "SELECT count(*) FROM truth_tweets", &nt) ||
	    query_i64(&r, "SELECT count(*) FROM truth_impressions", &ni))
		goto fail;
	if (nu == 0 && ds->n_users > 0) {
		mrs_fail(err, MRS_ERR_DATA, "%s: has no ground truth (only synthetic worlds do)", path);
		goto fail;
	}
	if (nu != ds->n_users || nt != ds->n_tweets || ni != ds->n_impressions) {
		mrs_fail(err, MRS_ERR_DATA,
			 "%s: ground truth sizes (%lld users, %lld tweets, %lld impressions) do not "
			 "match the dataset",
			 path, nu, nt, ni);
		goto fail;
	}
	if (!(tr = mrs_truth_alloc((uint32_t)nu, (uint32_t)nt, (uint32_t)ni, err)))
		goto fail;
	long long seed = 0;
	if (query_i64(&r, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seed'", &seed))
		goto fail;
	tr->seed = (uint64_t)seed;
	int rc;
	if (!(st = rprep(&r, "SELECT * FROM truth_users ORDER BY user", "reading truth_users")))
		goto fail;
	for (uint32_t u = 0; (rc = step_row(&r, st, "reading truth_users")) == 1; u++) {
		if (u >= nu || sqlite3_column_int64(st, 0) != u) {
			mrs_fail(err, MRS_ERR_DATA, "%s: truth_users: ids are not dense", path);
			goto fail;
		}
		tr->user_interests[u] = (uint8_t)sqlite3_column_int(st, 1);
		for (int k = 0; k < MRS_N_TOPICS; k++)
			tr->user_interest_w[u * MRS_N_TOPICS + k] = (float)sqlite3_column_double(st, 2 + k);
		tr->user_propensity[u] = (float)sqlite3_column_double(st, 9);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc < 0 || !(st = rprep(&r, "SELECT * FROM truth_tweets ORDER BY tweet",
				   "reading truth_tweets")))
		goto fail;
	for (uint32_t t = 0; (rc = step_row(&r, st, "reading truth_tweets")) == 1; t++) {
		int topic = sqlite3_column_int(st, 1);
		if (t >= nt || sqlite3_column_int64(st, 0) != t || topic < 0 || topic >= MRS_N_TOPICS) {
			mrs_fail(err, MRS_ERR_DATA, "%s: truth_tweets: bad row for tweet %u", path, t);
			goto fail;
		}
		tr->tweet_topic[t] = (uint8_t)topic;
		tr->tweet_quality[t] = (float)sqlite3_column_double(st, 2);
		tr->tweet_nsfw[t] = (float)sqlite3_column_double(st, 3);
		tr->tweet_toxicity[t] = (float)sqlite3_column_double(st, 4);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc < 0 || !(st = rprep(&r, "SELECT * FROM truth_impressions ORDER BY impression",
				   "reading truth_impressions")))
		goto fail;
	for (uint32_t i = 0; (rc = step_row(&r, st, "reading truth_impressions")) == 1; i++) {
		if (i >= ni || sqlite3_column_int64(st, 0) != i) {
			mrs_fail(err, MRS_ERR_DATA, "%s: truth_impressions: ids are not dense", path);
			goto fail;
		}
		for (int a = 0; a < MRS_N_ACTIONS; a++)
			tr->imp_prob[(size_t)i * MRS_N_ACTIONS + a] = (float)sqlite3_column_double(st, 1 + a);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc < 0)
		goto fail;
	sqlite3_close(db);
	return tr;
fail:
	sqlite3_finalize(st);
	mrs_truth_free(tr);
	sqlite3_close(db);
	return NULL;
}
