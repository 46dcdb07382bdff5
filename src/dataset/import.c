/* import.c: importers that turn public data formats (SNAP edge lists and activity logs,
 * user-item-time logs, HetRec Last.fm, labelled texts) into minirecsys datasets. */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "dataset/dataset.h"

#define MAX_LINE (1u << 20) /* a longer line is a bad row */
#define PROGRESS_MASK 0xffffu /* report progress every 65,536 rows */
#define UNDATED INT64_MIN /* a row whose file carries no time; dated at assembly */
#define TRAIN_SHARE 0.8 /* the generator's rule: 80% of impressions are train */
#define LASTFM_FIRST_YEAR 2002 /* Last.fm began in 2002: earlier tag dates are anomalies */
#define LASTFM_LAST_YEAR 2011 /* the HetRec release: later tag dates are anomalies */
#define MAX_TIME 253402300799LL /* 9999-12-31 23:59:59 UTC */

/* ------------------------------------------------------------ reading lines */

/* Reads a file line by line. Lines lose their "\n" or "\r\n"; NUL bytes are kept (len
 * counts them). A line longer than MAX_LINE stops the reading as soon as its MAX_LINE+1st
 * byte arrives: whatever the source (a FIFO fed from /dev/zero never ends a line), no
 * more than MAX_LINE bytes of it are ever held or waited for. */
typedef struct reader {
	const char *path;
	FILE *f;
	const mrs_progress *prog; /* asked whether to stop when a read is interrupted */
	unsigned long line; /* number of the line in buf, from 1 */
	char *buf;
	size_t len, cap;
	char *block; /* what fread returned, consumed from bpos to bend */
	size_t bpos, bend;
	double bytes, size; /* read so far and the file's size (0 if unknown), for progress */
} reader;

static void reader_close(reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->buf), free(r->block);
	memset(r, 0, sizeof *r);
}

static int reader_open(reader *r, const char *path, const mrs_progress *prog, mrs_error *err)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->prog = prog;
	r->f = fopen(path, "rb");
	if (!r->f)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path, strerror(errno));
	struct stat sb;
	if (fstat(fileno(r->f), &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			reader_close(r);
			return mrs_fail(err, MRS_ERR_IO, "%s: is a folder, not a file", path);
		}
		if (S_ISREG(sb.st_mode))
			r->size = (double)sb.st_size;
	}
	r->block = mrs_calloc(1, 1 << 16, "read buffer", err);
	if (!r->block) {
		reader_close(r);
		return -1;
	}
	return 0;
}

static int reader_append(reader *r, const char *p, size_t n, mrs_error *err)
{
	if (r->len + n > MAX_LINE)
		return mrs_fail(err, MRS_ERR_DATA,
				"%s:%lu: line is longer than %u bytes (1 MiB): stopped reading (is "
				"this a text file of the format?)",
				r->path, r->line + 1, MAX_LINE);
	if (mrs_grow((void **)&r->buf, &r->cap, r->len + n + 1, 1, "line", err))
		return -1;
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	return 0;
}

/* Asks the progress callback whether to stop, as "reading NAME". */
static int reader_cancelled(const reader *r, mrs_error *err)
{
	char phase[64];
	const char *slash = strrchr(r->path, '/');
	snprintf(phase, sizeof phase, "reading %s", slash ? slash + 1 : r->path);
	if (mrs_progress_report(r->prog, phase, r->bytes, r->size, NULL))
		return mrs_fail(err, MRS_ERR_CANCELLED, "import: cancelled while reading %s",
				r->path);
	return 0;
}

/* Refills the block: its length, 0 at the end, -1 on failure. Before each read, and when
 * a signal interrupts one (Ctrl-C while a FIFO or terminal waits), the progress callback
 * may stop the import; otherwise an interrupted read is tried again. */
static int reader_fill(reader *r, mrs_error *err)
{
	for (;;) {
		if (reader_cancelled(r, err))
			return -1;
		size_t got = fread(r->block, 1, 1 << 16, r->f);
		if (got || !ferror(r->f))
			return (int)got;
		if (errno != EINTR)
			return mrs_fail(err, MRS_ERR_IO, "%s: read error: %s", r->path,
					strerror(errno));
		clearerr(r->f);
	}
}

/* Reads the next line into r->buf: 1 when there is one, 0 at the end, -1 on failure. */
static int reader_next(reader *r, mrs_error *err)
{
	r->len = 0;
	bool any = false;
	for (;;) {
		if (r->bpos == r->bend) {
			int got = reader_fill(r, err);
			if (got < 0)
				return -1;
			r->bpos = 0;
			r->bend = (size_t)got;
			if (got == 0) {
				if (!any)
					return 0;
				break; /* a last line without a newline */
			}
			r->bytes += (double)r->bend;
		}
		any = true;
		char *p = r->block + r->bpos, *nl = memchr(p, '\n', r->bend - r->bpos);
		size_t take = nl ? (size_t)(nl - p) : r->bend - r->bpos;
		if (reader_append(r, p, take, err))
			return -1;
		r->bpos += take + (nl != NULL);
		if (nl)
			break;
	}
	if (reader_append(r, "", 0, err)) /* makes room for the NUL of an empty line */
		return -1;
	if (r->len && r->buf[r->len - 1] == '\r')
		r->len--;
	r->buf[r->len] = '\0';
	if (++r->line == 1 && r->len >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->buf, r->buf + 3, r->len - 2); /* a byte-order mark */
		r->len -= 3;
	}
	return 1;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* ------------------------------------------------------------ fields and numbers */

/* Splits s in place at runs of spaces and tabs. Returns the number of fields; only the
 * first max are stored. */
static int split_ws(char *s, char **f, int max)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f')
			s++;
		if (!*s)
			return n;
		if (n < max)
			f[n] = s;
		n++;
		while (*s && *s != ' ' && *s != '\t' && *s != '\v' && *s != '\f')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

/* Splits s in place at each delim. With quotes, a field that starts with '"' runs to the
 * closing quote and may hold delim ("" stands for one quote). Returns the number of
 * fields (only the first max are stored), or -1 for a quote left open. */
static int split_delim(char *s, char delim, bool quotes, char **f, int max)
{
	int n = 0;
	for (;;) {
		char *out = s;
		if (n < max)
			f[n] = s;
		n++;
		if (quotes && *s == '"') {
			char *in = s + 1;
			for (;;) {
				if (!*in)
					return -1;
				if (*in == '"' && in[1] == '"') {
					*out++ = '"';
					in += 2;
				} else if (*in == '"') {
					in++;
					break;
				} else {
					*out++ = *in++;
				}
			}
			s = in;
			while (*s && *s != delim) /* text after the closing quote is kept */
				*out++ = *s++;
		} else {
			while (*s && *s != delim)
				s++;
			out = s;
		}
		bool more = *s == delim;
		*out = '\0';
		if (!more)
			return n;
		s++;
	}
}

/* A whole token that is a decimal integer (optional sign) within int64. */
static bool parse_i64(const char *s, int64_t *out)
{
	if (!*s || (!isdigit((unsigned char)s[0]) &&
		    !((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

/* A whole token that is a unix time in seconds, 1970 .. 9999. */
static bool parse_time(const char *s, int64_t *out)
{
	return parse_i64(s, out) && *out >= 0 && *out <= MAX_TIME;
}

/* A whole token that is a finite number. */
static bool parse_double(const char *s, double *out)
{
	if (!*s || isspace((unsigned char)s[0]))
		return false;
	char *end;
	double v = strtod(s, &end);
	if (*end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool valid_date(int64_t y, int64_t m, int64_t d)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

/* ------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s[0] does not start one.
 * NUL counts as invalid: texts are stored as C strings. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	long cp;
	return s[0] ? mrs_utf8_decode(s, n, &cp) : 0;
}

/* Appends s[0..n) and a NUL to p, each byte that is not part of valid UTF-8 (and each NUL)
 * replaced by U+FFFD. Returns the offset, or UINT32_MAX on failure. */
static uint32_t pool_add_utf8(mrs_pool *p, const char *s, size_t n, mrs_error *err)
{
	if (p->len + 3 * n + 1 > UINT32_MAX) {
		mrs_fail(err, MRS_ERR_DATA, "text pool over 4 GiB");
		return UINT32_MAX;
	}
	if (mrs_grow((void **)&p->data, &p->cap, p->len + 3 * n + 1, 1, "text pool", err))
		return UINT32_MAX;
	const unsigned char *in = (const unsigned char *)s;
	char *out = p->data + p->len;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(in + i, n - i);
		if (k) {
			memcpy(out, in + i, k);
			out += k, i += k;
		} else {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3, i++;
		}
	}
	*out++ = '\0';
	uint32_t off = (uint32_t)p->len;
	p->len = (size_t)(out - p->data);
	return off;
}

/* ------------------------------------------------------------ string -> dense id */

/* Keys (any bytes) get ids 0, 1, ... in order of first appearance. */
typedef struct strmap {
	mrs_pool keys;
	struct span {
		uint32_t off, len;
	} * span; /* [n] where each key lies in keys */
	size_t n, cap;
	uint32_t *slot; /* open addressing: id + 1, 0 when empty */
	size_t nslot;
} strmap;

static void strmap_free(strmap *m)
{
	free(m->keys.data), free(m->span), free(m->slot);
	memset(m, 0, sizeof *m);
}

static uint64_t key_hash(const char *key, size_t len)
{
	return mrs_hash64(mrs_fnv1a(MRS_FNV_START, key, len));
}

static const char *strmap_key(const strmap *m, uint32_t id)
{
	return m->keys.data + m->span[id].off;
}

/* Where key is, or the empty slot where it would go. */
static size_t strmap_slot(const strmap *m, const char *key, size_t len)
{
	size_t mask = m->nslot - 1, i = key_hash(key, len) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t s = m->slot[i];
		if (!s ||
		    (m->span[s - 1].len == len && memcmp(strmap_key(m, s - 1), key, len) == 0))
			return i;
	}
}

static int strmap_rehash(strmap *m, mrs_error *err)
{
	size_t nslot = m->nslot ? m->nslot * 2 : 1024;
	uint32_t *slot = mrs_calloc(nslot, sizeof *slot, "id map", err);
	if (!slot)
		return -1;
	free(m->slot);
	m->slot = slot;
	m->nslot = nslot;
	for (size_t id = 0; id < m->n; id++)
		m->slot[strmap_slot(m, strmap_key(m, (uint32_t)id), m->span[id].len)] =
			(uint32_t)id + 1;
	return 0;
}

/* The id of key, added when new (*added says which). */
static int strmap_put(strmap *m, const char *key, size_t len, uint32_t *id, bool *added,
		      mrs_error *err)
{
	if ((m->n + 1) * 2 > m->nslot && strmap_rehash(m, err))
		return -1;
	size_t i = strmap_slot(m, key, len);
	*added = m->slot[i] == 0;
	if (!*added) {
		*id = m->slot[i] - 1;
		return 0;
	}
	if (m->n >= UINT32_MAX - 1)
		return mrs_fail(err, MRS_ERR_DATA, "more than %u distinct ids", UINT32_MAX - 1);
	if (mrs_grow((void **)&m->span, &m->cap, m->n + 1, sizeof *m->span, "id map", err))
		return -1;
	uint32_t off = mrs_pool_add(&m->keys, key, len, err);
	if (off == UINT32_MAX)
		return -1;
	m->span[m->n] = (struct span){off, (uint32_t)len};
	m->slot[i] = (uint32_t)(m->n + 1);
	*id = (uint32_t)m->n++;
	return 0;
}

static uint32_t strmap_find(const strmap *m, const char *key, size_t len)
{
	if (!m->nslot)
		return MRS_NONE;
	uint32_t s = m->slot[strmap_slot(m, key, len)];
	return s ? s - 1 : MRS_NONE;
}

/* ------------------------------------------------------------ the import in progress */

/* One engagement: a user acting on what will become a tweet (a "group"). */
typedef struct event {
	int64_t time;
	uint32_t user, group;
	uint8_t actions;
} event;

/* What a tweet will stand for (an author's hour, an item, an artist). */
typedef struct tgroup {
	int64_t time; /* earliest engagement */
	uint32_t author; /* user id, unless the import has pseudo-authors */
	uint32_t text; /* offset in texts */
} tgroup;

typedef struct imp {
	const char *format;
	mrs_import_opts *opts;
	const mrs_progress *prog;
	mrs_error *err;
	cJSON *params;
	strmap users; /* external user id -> user id */
	strmap groups; /* group key -> group index */
	tgroup *grp; /* [groups.n] */
	size_t grp_cap;
	const char *pseudo; /* when set, group g is by pseudo-author "<pseudo><key>" */
	mrs_pool texts;
	struct follow {
		uint32_t src, dst;
	} * fol; /* follows, all undated */
	size_t n_fol, fol_cap;
	event *ev;
	size_t n_ev, ev_cap;
	char *scratch;
	size_t scratch_cap;
} imp;

static void imp_free(imp *im)
{
	cJSON_Delete(im->params);
	strmap_free(&im->users), strmap_free(&im->groups);
	free(im->grp), free(im->texts.data), free(im->fol), free(im->ev), free(im->scratch);
}

/* A malformed row: with skip_bad it is counted and skipped (returns 0); otherwise the
 * import fails with "FILE:LINE: what is wrong" (returns -1). */
static int bad_row(imp *im, const reader *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_row(imp *im, const reader *r, const char *fmt, ...)
{
	if (im->opts->skip_bad) {
		im->opts->skipped++;
		return 0;
	}
	char what[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return mrs_fail(im->err, MRS_ERR_DATA, "%s:%lu: %s", r->path, r->line, what);
}

/* A known anomaly: a well-formed row that contradicts what is known of its source. It is
 * counted under `what` (a static text naming the kind) and dropped (returns 0); with
 * strict the import fails with "FILE:LINE: detail (a known anomaly ...)" (returns -1). */
static int anomaly(imp *im, const reader *r, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int anomaly(imp *im, const reader *r, const char *what, const char *fmt, ...)
{
	mrs_import_opts *o = im->opts;
	if (o->strict) {
		char detail[900];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
		return mrs_fail(im->err, MRS_ERR_DATA,
				"%s:%lu: %s (a known anomaly of the published file: without "
				"--strict it is counted and the row dropped)",
				r->path, r->line, detail);
	}
	int k = 0;
	while (k < MRS_IMPORT_ANOMALY_KINDS && o->anomaly[k].what && o->anomaly[k].what != what)
		k++;
	if (k == MRS_IMPORT_ANOMALY_KINDS)
		k--; /* more kinds than slots: the last one counts the rest */
	o->anomaly[k].what = o->anomaly[k].what ? o->anomaly[k].what : what;
	o->anomaly[k].fate = "dropped";
	o->anomaly[k].rows++;
	o->anomalies++;
	return 0;
}

static int check_cancel(imp *im, const reader *r)
{
	return reader_cancelled(r, im->err);
}

static int user_put(imp *im, const char *ext, uint32_t *id)
{
	bool added;
	return strmap_put(&im->users, ext, strlen(ext), id, &added, im->err);
}

static int follow_add(imp *im, uint32_t src, uint32_t dst)
{
	if (im->n_fol >= UINT32_MAX)
		return mrs_fail(im->err, MRS_ERR_DATA, "more than %u follows", UINT32_MAX);
	if (mrs_grow((void **)&im->fol, &im->fol_cap, im->n_fol + 1, sizeof *im->fol, "follows",
		     im->err))
		return -1;
	im->fol[im->n_fol++] = (struct follow){src, dst};
	return 0;
}

static int event_add(imp *im, uint32_t user, uint32_t group, int64_t t, int action)
{
	if (im->n_ev >= UINT32_MAX)
		return mrs_fail(im->err, MRS_ERR_DATA, "more than %u engagements", UINT32_MAX);
	if (mrs_grow((void **)&im->ev, &im->ev_cap, im->n_ev + 1, sizeof *im->ev, "engagements",
		     im->err))
		return -1;
	im->ev[im->n_ev++] = (event){t, user, group, (uint8_t)(1u << action)};
	return 0;
}

/* The group for key, created with author when new (*added: the caller then sets its text);
 * its time becomes the earliest time seen (UNDATED sorts first). */
static int group_put(imp *im, const char *key, size_t len, uint32_t author, int64_t t, uint32_t *g,
		     bool *added)
{
	if (strmap_put(&im->groups, key, len, g, added, im->err))
		return -1;
	if (!*added) {
		if (t < im->grp[*g].time)
			im->grp[*g].time = t;
		return 0;
	}
	if (mrs_grow((void **)&im->grp, &im->grp_cap, *g + 1, sizeof *im->grp, "tweets", im->err))
		return -1;
	im->grp[*g] = (tgroup){t, author, 0};
	return 0;
}

static int group_text(imp *im, uint32_t g, const char *text)
{
	uint32_t off = pool_add_utf8(&im->texts, text, strlen(text), im->err);
	if (off == UINT32_MAX)
		return -1;
	im->grp[g].text = off;
	return 0;
}

/* Called with each data row (NUL-terminated, without its newline); returns 0 when the
 * row was used or skipped, -1 to stop. */
typedef int (*row_fn)(imp *im, const reader *r, char *line, void *ud);
/* Called with the first row of a file: 0 when it was a header, 1 when it is data, -1 when
 * the file cannot be read (a missing or wrong header). */
typedef int (*header_fn)(imp *im, const reader *r, char *line, void *ud);

enum { ROWS_COMMENTS = 1 }; /* '#' lines are comments (SNAP) */

/* Reads one file row by row. Blank lines are skipped; lines holding a NUL byte are bad
 * rows; an over-long line stops the import (reader_append); a file without rows is an
 * error. */
static int read_rows(imp *im, const char *path, unsigned flags, header_fn header, row_fn row,
		     void *ud)
{
	reader r;
	if (reader_open(&r, path, im->prog, im->err))
		return -1;
	int rc;
	unsigned long rows = 0;
	bool first = true;
	while ((rc = reader_next(&r, im->err)) == 1) {
		char *s = r.buf;
		if (is_blank(s, r.len) || ((flags & ROWS_COMMENTS) && s[strspn(s, " \t")] == '#'))
			continue;
		if (first && header) {
			first = false;
			if ((rc = header(im, &r, s, ud)) < 0)
				break;
			if (rc == 0)
				continue;
		}
		first = false;
		rows++;
		im->opts->rows++;
		if (memchr(s, '\0', r.len))
			rc = bad_row(im, &r, "NUL byte in the line");
		else
			rc = row(im, &r, s, ud);
		if (rc)
			break;
		if ((im->opts->rows & PROGRESS_MASK) == 0 && (rc = check_cancel(im, &r)))
			break;
	}
	if (!rc && !rows)
		rc = mrs_fail(im->err, MRS_ERR_DATA, "%s: no rows: the file is empty%s", path,
			      header ? " or holds only a header" : "");
	reader_close(&r);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ assembly */

typedef struct tkey {
	int64_t time;
	uint32_t group;
} tkey;

static int cmp_tkey(const void *a, const void *b)
{
	const tkey *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

static int params_finish(imp *im, mrs_dataset *ds)
{
	cJSON *p = im->params;
	const mrs_import_opts *o = im->opts;
	if (!cJSON_AddBoolToObject(p, "skip_bad", o->skip_bad) ||
	    !cJSON_AddBoolToObject(p, "strict", o->strict) ||
	    !cJSON_AddNumberToObject(p, "rows", o->rows) ||
	    !cJSON_AddNumberToObject(p, "skipped", o->skipped) ||
	    !cJSON_AddNumberToObject(p, "anomalies", o->anomalies))
		return mrs_fail(im->err, MRS_ERR_NOMEM, "out of memory for importer parameters");
	cJSON *kinds = o->anomalies ? cJSON_AddObjectToObject(p, "anomaly_rows") : NULL;
	for (int k = 0; kinds && k < MRS_IMPORT_ANOMALY_KINDS && o->anomaly[k].what; k++)
		if (!cJSON_AddNumberToObject(kinds, o->anomaly[k].what, o->anomaly[k].rows))
			kinds = NULL;
	if (o->anomalies && !kinds)
		return mrs_fail(im->err, MRS_ERR_NOMEM, "out of memory for importer parameters");
	char *s = cJSON_PrintUnformatted(p);
	if (!s)
		return mrs_fail(im->err, MRS_ERR_NOMEM, "out of memory for importer parameters");
	ds->params_json = mrs_strdup(s, im->err);
	cJSON_free(s);
	ds->kind = mrs_strdup(im->format, im->err);
	return ds->params_json && ds->kind ? 0 : -1;
}

static int set_handles(imp *im, mrs_dataset *ds)
{
	mrs_pool pool = {0};
	uint32_t nreal = (uint32_t)im->users.n;
	const char *prefix = im->pseudo ? im->pseudo : "";
	for (uint32_t u = 0; u < ds->n_users; u++) {
		const strmap *m = u < nreal ? &im->users : &im->groups;
		uint32_t id = u < nreal ? u : u - nreal, len = m->span[id].len;
		size_t pre = u < nreal ? 0 : strlen(prefix);
		if (mrs_grow((void **)&im->scratch, &im->scratch_cap, pre + len + 1, 1, "handles",
			     im->err))
			goto fail;
		memcpy(im->scratch, prefix, pre);
		memcpy(im->scratch + pre, strmap_key(m, id), len);
		uint32_t off = pool_add_utf8(&pool, im->scratch, pre + len, im->err);
		if (off == UINT32_MAX)
			goto fail;
		ds->handle_off[u] = off;
	}
	if (pool.data) {
		free(ds->handle_pool);
		ds->handle_pool = pool.data;
	}
	return 0;
fail:
	free(pool.data);
	return -1;
}

static int set_relations(imp *im, mrs_dataset *ds, const uint32_t *tweet_of, int64_t undated)
{
	size_t nf = im->n_fol, ne = im->n_ev;
	uint32_t *fs = mrs_calloc(nf, sizeof *fs, "follows", im->err);
	uint32_t *fd = mrs_calloc(nf, sizeof *fd, "follows", im->err);
	int64_t *ft = mrs_calloc(nf, sizeof *ft, "follows", im->err);
	uint32_t *iu = mrs_calloc(ne, sizeof *iu, "impressions", im->err);
	uint32_t *it = mrs_calloc(ne, sizeof *it, "impressions", im->err);
	int64_t *itime = mrs_calloc(ne, sizeof *itime, "impressions", im->err);
	uint8_t *ia = mrs_calloc(ne, 1, "impressions", im->err);
	int rc = -1;
	if (fs && fd && ft && iu && it && itime && ia) {
		for (size_t i = 0; i < nf; i++) {
			fs[i] = im->fol[i].src;
			fd[i] = im->fol[i].dst;
			ft[i] = undated;
		}
		for (size_t i = 0; i < ne; i++) {
			iu[i] = im->ev[i].user;
			it[i] = tweet_of[im->ev[i].group];
			itime[i] = im->ev[i].time;
			ia[i] = im->ev[i].actions;
		}
		rc = mrs_ds_set_follows(ds, fs, fd, ft, nf, im->err);
		if (!rc)
			rc = mrs_ds_set_impressions(ds, iu, it, itime, ia, NULL, ne, im->err);
	}
	free(fs), free(fd), free(ft), free(iu), free(it), free(itime), free(ia);
	return rc;
}

/* Builds the dataset from what the rows gave: undated things are dated one second before
 * the first dated engagement (0 when nothing is dated); groups become tweets in time order. */
static mrs_dataset *assemble(imp *im)
{
	size_t nreal = im->users.n, ng = im->groups.n;
	size_t nu = nreal + (im->pseudo ? ng : 0);
	if (nu == 0) {
		mrs_fail(im->err, MRS_ERR_DATA, "no usable rows: all %u rows were skipped%s",
			 im->opts->rows,
			 im->opts->anomalies ? " or dropped as known anomalies" : "");
		return NULL;
	}
	if (nu > UINT32_MAX - 1) {
		mrs_fail(im->err, MRS_ERR_DATA, "too many users and items (%zu)", nu);
		return NULL;
	}
	int64_t first = INT64_MAX;
	for (size_t i = 0; i < im->n_ev; i++)
		if (im->ev[i].time != UNDATED && im->ev[i].time < first)
			first = im->ev[i].time;
	int64_t undated = first == INT64_MAX ? 0 : first - 1;
	for (size_t i = 0; i < im->n_ev; i++)
		if (im->ev[i].time == UNDATED)
			im->ev[i].time = undated;
	mrs_progress_report(im->prog, "building the dataset", 0, 1, NULL);
	mrs_dataset *ds = mrs_ds_alloc((uint32_t)nu, (uint32_t)ng, im->err);
	tkey *order = mrs_calloc(ng, sizeof *order, "tweets", im->err);
	uint32_t *tweet_of = mrs_calloc(ng, sizeof *tweet_of, "tweets", im->err);
	if (!ds || !order || !tweet_of)
		goto fail;
	for (size_t g = 0; g < ng; g++)
		order[g] =
			(tkey){im->grp[g].time == UNDATED ? undated : im->grp[g].time, (uint32_t)g};
	qsort(order, ng, sizeof *order, cmp_tkey);
	for (uint32_t t = 0; t < ng; t++) {
		uint32_t g = order[t].group;
		tweet_of[g] = t;
		ds->tweet_time[t] = order[t].time;
		ds->tweet_author[t] = im->pseudo ? (uint32_t)nreal + g : im->grp[g].author;
		ds->text_off[t] = im->grp[g].text;
	}
	if (im->texts.data) {
		free(ds->text_pool);
		ds->text_pool = im->texts.data;
		im->texts.data = NULL;
	}
	for (size_t u = 0; u < nu; u++)
		ds->user_created[u] = undated;
	if (set_handles(im, ds) || set_relations(im, ds, tweet_of, undated))
		goto fail;
	ds->split_time = mrs_split_time(ds, TRAIN_SHARE, im->err);
	if (ds->split_time == INT64_MIN || params_finish(im, ds) || mrs_dataset_index(ds, im->err) ||
	    mrs_time_scale_derive(ds, first == INT64_MAX ? INT64_MIN : undated, &ds->time_scale,
				  im->err))
		goto fail;
	free(order), free(tweet_of);
	return ds;
fail:
	free(order), free(tweet_of);
	mrs_dataset_free(ds);
	return NULL;
}

/* ------------------------------------------------------------ edges */

/* "a b": a follows b. A third column (the weight of SNAP's weighted edge lists) must be
 * a number and is ignored. */
static int row_edge(imp *im, const reader *r, char *line, void *ud)
{
	(void)ud;
	char *f[3];
	int n = split_ws(line, f, 3);
	if (n < 2 || n > 3)
		return bad_row(im, r,
			       "expected 2 whitespace-separated fields (a b: a follows b), got %d",
			       n);
	double w;
	if (n == 3 && !parse_double(f[2], &w))
		return bad_row(
			im, r,
			"third field '%.40s' is not a number (expected 'a b' or 'a b weight')",
			f[2]);
	uint32_t a, b;
	if (user_put(im, f[0], &a) || user_put(im, f[1], &b))
		return -1;
	return follow_add(im, a, b);
}

static const char edges_follows_rule[] =
	"'a b' means a follows b; repeated edges and self-follows are dropped; a third "
	"numeric column (weight) is ignored";

static int add_files(imp *im, const char *key, const char *const *files, int n)
{
	cJSON *a = cJSON_AddArrayToObject(im->params, key);
	for (int i = 0; a && i < n; i++) {
		cJSON *s = cJSON_CreateString(files[i]);
		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			a = NULL;
		}
	}
	return a ? 0 : mrs_fail(im->err, MRS_ERR_NOMEM, "out of memory for importer parameters");
}

/* Adds "key": "value" pairs given as a NULL-terminated list. */
static int add_rules(imp *im, ...)
{
	va_list ap;
	va_start(ap, im);
	const char *k;
	int rc = 0;
	while (!rc && (k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		if (!cJSON_AddStringToObject(im->params, k, v))
			rc = mrs_fail(im->err, MRS_ERR_NOMEM,
				      "out of memory for importer parameters");
	}
	va_end(ap);
	return rc;
}

static mrs_dataset *import_edges(imp *im, const char *const *files, int n)
{
	if (add_files(im, "files", files, n) ||
	    add_rules(im, "users",
		      "external ids in order of first appearance; handle = external id", "follows",
		      edges_follows_rule, "follow_time",
		      "the files carry none: every follow and account is dated 0 (1970-01-01)",
		      (char *)NULL))
		return NULL;
	for (int i = 0; i < n; i++)
		if (read_rows(im, files[i], ROWS_COMMENTS, NULL, row_edge, NULL))
			return NULL;
	return assemble(im);
}

/* ------------------------------------------------------------ activity (SNAP Higgs) */

/* "a b time RT|MT|RE": a retweeted, mentioned or replied to b at time. Each hour in which
 * b received activity becomes one tweet by b; each event an impression of it by a. */
static int row_activity(imp *im, const reader *r, char *line, void *ud)
{
	(void)ud;
	char *f[4];
	int n = split_ws(line, f, 4);
	if (n != 4)
		return bad_row(im, r,
			       "expected 4 whitespace-separated fields (a b time type), got %d", n);
	int64_t t;
	if (!parse_time(f[2], &t))
		return bad_row(im, r, "time '%.40s' is not a unix time (integer seconds)", f[2]);
	int action;
	if (strcmp(f[3], "RT") == 0)
		action = MRS_ACT_RETWEET;
	else if (strcmp(f[3], "RE") == 0)
		action = MRS_ACT_REPLY;
	else if (strcmp(f[3], "MT") == 0)
		action = MRS_ACT_CLICK;
	else
		return bad_row(im, r, "unknown action type '%.40s' (expected RT, MT or RE)", f[3]);
	uint32_t a, b;
	if (user_put(im, f[0], &a) || user_put(im, f[1], &b))
		return -1;
	if (a == b)
		return 0; /* engaging with oneself says nothing about what to recommend */
	int64_t hour = t / MRS_HOUR;
	char key[12];
	memcpy(key, &b, 4);
	memcpy(key + 4, &hour, 8);
	uint32_t g;
	bool added;
	if (group_put(im, key, sizeof key, b, t, &g, &added))
		return -1;
	if (added) {
		time_t start = (time_t)(hour * MRS_HOUR);
		struct tm tm;
		char when[32] = "?", text[200];
		if (gmtime_r(&start, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:00", &tm);
		snprintf(text, sizeof text, "tweets by @%.120s, hour of %s UTC", f[1], when);
		if (group_text(im, g, text))
			return -1;
	}
	return event_add(im, a, g, t, action);
}

static mrs_dataset *import_activity(imp *im, const char *const *files, int n)
{
	if (add_files(im, "files", files, 1) || add_files(im, "follow_files", files + 1, n - 1) ||
	    add_rules(
		    im, "users",
		    "external ids in order of first appearance (activity, then edges); handle = "
		    "external id",
		    "tweets",
		    "one tweet per author b and UTC hour in which b received activity, created at "
		    "the earliest event of that hour",
		    "impressions",
		    "one per event 'a b time type': a saw b's tweet of that hour at time; events "
		    "of one viewer on one tweet merge (earliest time, actions combined); a == b "
		    "is dropped; there are no impressions without engagement",
		    "actions", "RT -> retweet, RE -> reply, MT -> click", "follows",
		    edges_follows_rule, "undated",
		    "follows and accounts are dated one second before the first event",
		    (char *)NULL))
		return NULL;
	if (read_rows(im, files[0], ROWS_COMMENTS, NULL, row_activity, NULL))
		return NULL;
	for (int i = 1; i < n; i++)
		if (read_rows(im, files[i], ROWS_COMMENTS, NULL, row_edge, NULL))
			return NULL;
	return assemble(im);
}

/* ------------------------------------------------------------ interactions */

/* Where the columns of a user-item-time file are. */
typedef struct cols {
	char delim;
	int n; /* fields per row */
	int user, item, value, time; /* column indexes, -1 when absent */
} cols;

#define MAX_COLS 64

static int column_role(const char *name)
{
	static const char *const names[][6] = {
		{"user", "user_id", "userid", NULL},
		{"item", "item_id", "itemid", "movieid", "movie_id", NULL},
		{"value", "rating", "weight", "score", NULL},
		{"time", "timestamp", "ts", "unix_time", NULL},
	};
	for (int role = 0; role < 4; role++)
		for (int k = 0; names[role][k]; k++)
			if (strcasecmp(name, names[role][k]) == 0)
				return role;
	return -1;
}

static bool ends_with_csv(const char *path)
{
	size_t n = strlen(path);
	return n >= 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

static int header_interactions(imp *im, const reader *r, char *line, void *ud)
{
	cols *c = ud;
	if (ends_with_csv(r->path) || (!strchr(line, '\t') && strchr(line, ',')))
		c->delim = ',';
	else if (strchr(line, '\t'))
		c->delim = '\t';
	else
		return mrs_fail(im->err, MRS_ERR_DATA,
				"%s:%lu: expected tab-separated (user item value time) or "
				"comma-separated fields with a header",
				r->path, r->line);
	char *copy = mrs_strdup(line, im->err), *f[MAX_COLS];
	if (!copy)
		return -1;
	int n = split_delim(copy, c->delim, c->delim == ',', f, MAX_COLS);
	int *role[4] = {&c->user, &c->item, &c->value, &c->time};
	c->user = c->item = c->value = c->time = -1;
	for (int i = 0; i < n && i < MAX_COLS; i++) {
		int k = column_role(f[i]);
		if (k >= 0 && *role[k] < 0)
			*role[k] = i;
	}
	free(copy);
	if (c->user >= 0 && c->item >= 0) {
		c->n = n;
		if (c->time < 0)
			return mrs_fail(
				im->err, MRS_ERR_DATA,
				"%s:%lu: the header names no time column (time, timestamp or ts)",
				r->path, r->line);
		return 0;
	}
	if (c->delim == ',')
		return mrs_fail(
			im->err, MRS_ERR_DATA,
			"%s:%lu: a CSV file needs a header line naming its columns (user or "
			"userId, item or movieId, rating or value, time or timestamp)",
			r->path, r->line);
	*c = (cols){'\t', 4, 0, 1, 2, 3}; /* MovieLens u.data: user item rating time */
	return 1;
}

/* rating >= 4 -> like, <= 2 -> negative feedback, otherwise click */
static int rating_action(double v)
{
	return v >= 4 ? MRS_ACT_LIKE : v <= 2 ? MRS_ACT_NEGFB : MRS_ACT_CLICK;
}

static int row_interaction(imp *im, const reader *r, char *line, void *ud)
{
	const cols *c = ud;
	char *f[MAX_COLS];
	int n = split_delim(line, c->delim, c->delim == ',', f, MAX_COLS);
	const char *sep = c->delim == ',' ? "comma" : "tab";
	if (n < 0)
		return bad_row(im, r, "a quoted field is not closed");
	if (n != c->n)
		return bad_row(im, r, "expected %d %s-separated fields, got %d", c->n, sep, n);
	if (!*f[c->user] || !*f[c->item])
		return bad_row(im, r, "empty %s id", !*f[c->user] ? "user" : "item");
	int64_t t;
	if (!parse_time(f[c->time], &t))
		return bad_row(im, r, "time '%.40s' is not a unix time (integer seconds)",
			       f[c->time]);
	double v = 0;
	if (c->value >= 0 && !parse_double(f[c->value], &v))
		return bad_row(im, r, "value '%.40s' is not a number", f[c->value]);
	uint32_t u, g;
	bool added;
	const char *item = f[c->item];
	if (user_put(im, f[c->user], &u) ||
	    group_put(im, item, strlen(item), MRS_NONE, t, &g, &added))
		return -1;
	if (added) {
		char text[200];
		snprintf(text, sizeof text, "item %.180s", item);
		if (group_text(im, g, text))
			return -1;
	}
	return event_add(im, u, g, t, c->value >= 0 ? rating_action(v) : MRS_ACT_CLICK);
}

static mrs_dataset *import_interactions(imp *im, const char *const *files, int n)
{
	im->pseudo = "item:";
	if (add_files(im, "files", files, n) ||
	    add_rules(im, "columns",
		      "tab-separated 'user item value time' (MovieLens u.data), or a header naming "
		      "user/user_id/userId, item/item_id/itemId/movieId, value/rating/weight and "
		      "time/timestamp/ts (value optional)",
		      "users",
		      "external user ids in order of first appearance (handle = external id), then "
		      "one pseudo-author per item (handle item:<id>)",
		      "tweets",
		      "one tweet per item, by its pseudo-author, created at its first interaction",
		      "impressions",
		      "one per row at its time; rows of one user on one item merge (earliest time, "
		      "actions combined); there are no impressions without engagement",
		      "actions",
		      "value >= 4 -> like, value <= 2 -> negfb, otherwise click; no value column "
		      "-> click",
		      "undated", "accounts are dated one second before the first interaction",
		      (char *)NULL))
		return NULL;
	for (int i = 0; i < n; i++) {
		cols c = {0};
		if (read_rows(im, files[i], 0, header_interactions, row_interaction, &c))
			return NULL;
	}
	return assemble(im);
}

/* ------------------------------------------------------------ Last.fm (HetRec 2011) */

enum { LF_ARTISTS, LF_FRIENDS, LF_LISTENS, LF_TAGS, LF_KINDS };

static const struct lastfm_file {
	const char *name, *header;
	int fields;
} lastfm_files[LF_KINDS] = {
	[LF_ARTISTS] = {"artists.dat", "id\tname\turl\tpictureURL", 4},
	[LF_FRIENDS] = {"user_friends.dat", "userID\tfriendID", 2},
	[LF_LISTENS] = {"user_artists.dat", "userID\tartistID\tweight", 3},
	[LF_TAGS] = {"user_taggedartists.dat", "userID\tartistID\ttagID\tday\tmonth\tyear", 6},
};

typedef struct lastfm {
	int kind; /* the file being read */
	strmap names; /* artist id -> index in name_off */
	uint32_t *name_off;
	size_t name_cap;
	mrs_pool name_pool;
} lastfm;

/* The kind of file whose header is line (trailing blanks ignored), or -1. */
static int lastfm_kind_of(const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (int k = 0; k < LF_KINDS; k++)
		if (strlen(lastfm_files[k].header) == n &&
		    strncasecmp(line, lastfm_files[k].header, n) == 0)
			return k;
	return -1;
}

static int header_lastfm(imp *im, const reader *r, char *line, void *ud)
{
	lastfm *lf = ud;
	if (lastfm_kind_of(line) == lf->kind)
		return 0;
	char want[80];
	snprintf(want, sizeof want, "%s", lastfm_files[lf->kind].header);
	for (char *p = want; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return mrs_fail(im->err, MRS_ERR_DATA,
			"%s:%lu: not the header of a HetRec Last.fm %s (expected the tab-separated "
			"columns %s)",
			r->path, r->line, lastfm_files[lf->kind].name, want);
}

static int artist_group(imp *im, lastfm *lf, const char *artist, int64_t t, uint32_t *g)
{
	bool added;
	if (group_put(im, artist, strlen(artist), MRS_NONE, t, g, &added))
		return -1;
	if (!added)
		return 0;
	uint32_t k = strmap_find(&lf->names, artist, strlen(artist));
	if (k != MRS_NONE)
		return group_text(im, *g, lf->name_pool.data + lf->name_off[k]);
	char text[200];
	snprintf(text, sizeof text, "artist %.180s", artist);
	return group_text(im, *g, text);
}

static int row_lastfm(imp *im, const reader *r, char *line, void *ud)
{
	lastfm *lf = ud;
	const struct lastfm_file *lff = &lastfm_files[lf->kind];
	char *f[8];
	int n = split_delim(line, '\t', false, f, 8);
	if (lf->kind == LF_ARTISTS && n < 2)
		return bad_row(im, r, "expected at least 2 tab-separated fields (id, name), got %d",
			       n);
	if (lf->kind != LF_ARTISTS && n != lff->fields)
		return bad_row(im, r, "expected %d tab-separated fields, got %d", lff->fields, n);
	for (int i = 0; i < (lf->kind == LF_ARTISTS ? 1 : 2); i++)
		if (!*f[i])
			return bad_row(im, r, "empty id in column %d", i + 1);
	uint32_t u, v, g;
	bool added;
	int64_t x[3];
	switch (lf->kind) {
	case LF_ARTISTS:
		if (strmap_put(&lf->names, f[0], strlen(f[0]), &v, &added, im->err))
			return -1;
		if (!added)
			return bad_row(im, r, "artist '%.40s' is listed twice", f[0]);
		if (mrs_grow((void **)&lf->name_off, &lf->name_cap, v + 1, sizeof(uint32_t),
			     "artists", im->err))
			return -1;
		lf->name_off[v] = pool_add_utf8(&lf->name_pool, f[1], strlen(f[1]), im->err);
		return lf->name_off[v] == UINT32_MAX ? -1 : 0;
	case LF_FRIENDS:
		if (user_put(im, f[0], &u) || user_put(im, f[1], &v))
			return -1;
		return follow_add(im, u, v) || follow_add(im, v, u) ? -1 : 0;
	case LF_LISTENS:
		if (!parse_i64(f[2], &x[0]) || x[0] < 0)
			return bad_row(im, r, "weight '%.40s' is not a non-negative integer", f[2]);
		if (user_put(im, f[0], &u) || artist_group(im, lf, f[1], UNDATED, &g))
			return -1;
		return event_add(im, u, g, UNDATED, MRS_ACT_CLICK);
	default:
		for (int i = 0; i < 3; i++)
			if (!parse_i64(f[3 + i], &x[i]))
				return bad_row(im, r, "%s '%.40s' is not an integer",
					       i == 0   ? "day"
					       : i == 1 ? "month"
							: "year",
					       f[3 + i]);
		if (!valid_date(x[2], x[1], x[0]))
			return bad_row(im, r, "%lld-%lld-%lld is not a date", (long long)x[2],
				       (long long)x[1], (long long)x[0]);
		if (x[2] < LASTFM_FIRST_YEAR)
			return anomaly(im, r, "tag dated before Last.fm began (2002)",
				       "date %04lld-%02lld-%02lld is before Last.fm began (%d)",
				       (long long)x[2], (long long)x[1], (long long)x[0],
				       LASTFM_FIRST_YEAR);
		if (x[2] > LASTFM_LAST_YEAR)
			return anomaly(im, r, "tag dated after the release (2011)",
				       "date %04lld-%02lld-%02lld is after the release (%d)",
				       (long long)x[2], (long long)x[1], (long long)x[0],
				       LASTFM_LAST_YEAR);
		int64_t t = days_from_civil(x[2], x[1], x[0]) * MRS_DAY;
		if (user_put(im, f[0], &u) || artist_group(im, lf, f[1], t, &g))
			return -1;
		return event_add(im, u, g, t, MRS_ACT_LIKE);
	}
}

/* The four files, from a folder or from files recognised by their header lines. */
static int lastfm_paths(imp *im, const char *const *files, int n, char paths[][PATH_MAX])
{
	struct stat sb;
	if (n == 1 && stat(files[0], &sb) == 0 && S_ISDIR(sb.st_mode)) {
		for (int k = 0; k < LF_KINDS; k++)
			if (snprintf(paths[k], PATH_MAX, "%s/%s", files[0], lastfm_files[k].name) >=
			    PATH_MAX)
				return mrs_fail(im->err, MRS_ERR_USAGE, "%s: path too long",
						files[0]);
		return 0;
	}
	for (int k = 0; k < LF_KINDS; k++)
		paths[k][0] = '\0';
	for (int i = 0; i < n; i++) {
		reader r;
		int rc;
		if (reader_open(&r, files[i], im->prog, im->err))
			return -1;
		while ((rc = reader_next(&r, im->err)) == 1 && is_blank(r.buf, r.len))
			;
		int k = rc == 1 ? lastfm_kind_of(r.buf) : -1;
		reader_close(&r);
		if (rc < 0)
			return -1;
		if (k < 0)
			return mrs_fail(
				im->err, MRS_ERR_DATA,
				"%s: not a HetRec Last.fm file (its first line is not the header "
				"of artists.dat, user_friends.dat, user_artists.dat or "
				"user_taggedartists.dat)",
				files[i]);
		if (paths[k][0])
			return mrs_fail(im->err, MRS_ERR_USAGE, "%s and %s: both are %s files",
					paths[k], files[i], lastfm_files[k].name);
		snprintf(paths[k], PATH_MAX, "%s", files[i]);
	}
	for (int k = 0; k < LF_KINDS; k++)
		if (!paths[k][0])
			return mrs_fail(im->err, MRS_ERR_USAGE,
					"lastfm: no %s given (give the folder, or all four files)",
					lastfm_files[k].name);
	return 0;
}

static mrs_dataset *import_lastfm(imp *im, const char *const *files, int n)
{
	char paths[LF_KINDS][PATH_MAX];
	im->pseudo = "artist:";
	if (n > LF_KINDS) {
		mrs_fail(im->err, MRS_ERR_USAGE,
			 "lastfm: give the folder or its four files, not %d", n);
		return NULL;
	}
	if (lastfm_paths(im, files, n, paths))
		return NULL;
	const char *p[LF_KINDS] = {paths[0], paths[1], paths[2], paths[3]};
	if (add_files(im, "files", p, LF_KINDS) ||
	    add_rules(
		    im, "users",
		    "Last.fm user ids in order of first appearance (friends, listening, tagging); "
		    "handle = user id; then one pseudo-author per artist (handle artist:<id>)",
		    "follows", "each friendship is a follow both ways", "tweets",
		    "one tweet per artist that was listened to or tagged, text = the artist's name "
		    "(or 'artist <id>' when artists.dat lacks it), created at its first engagement",
		    "tagging",
		    "each tag (day/month/year) is a like at 00:00 UTC of that day; a date before "
		    "2002 (Last.fm began) or after 2011 (the release) is a known anomaly: "
		    "counted and dropped",
		    "listening",
		    "each user_artists row (weight = play count, undated) is a click; the weight "
		    "is checked but not kept",
		    "undated",
		    "listening, friendships and accounts are dated one second before the first "
		    "tag: history the train split holds",
		    "impressions",
		    "one per user and artist (earliest time, actions combined), so tagging an "
		    "artist one listened to joins that undated impression; there are no "
		    "impressions without engagement",
		    (char *)NULL))
		return NULL;
	lastfm lf = {0};
	mrs_dataset *ds = NULL;
	const int order[LF_KINDS] = {LF_ARTISTS, LF_FRIENDS, LF_LISTENS, LF_TAGS};
	for (int i = 0; i < LF_KINDS; i++) {
		lf.kind = order[i];
		if (read_rows(im, paths[lf.kind], 0, header_lastfm, row_lastfm, &lf))
			goto out;
	}
	ds = assemble(im);
out:
	strmap_free(&lf.names);
	free(lf.name_off), free(lf.name_pool.data);
	return ds;
}

/* ------------------------------------------------------------ labelled texts */

static int count_rest(reader *r, mrs_error *err)
{
	int rc;
	while ((rc = reader_next(r, err)) == 1)
		;
	return rc;
}

/* The task: opts->task, else the name of the text file's folder, else "labels". */
static char *labels_task(imp *im, const char *text_path)
{
	if (im->opts->task && *im->opts->task)
		return mrs_strdup(im->opts->task, im->err);
	char *real = realpath(text_path, NULL), *slash = real ? strrchr(real, '/') : NULL;
	const char *name = "labels";
	if (slash && slash != real) {
		*slash = '\0';
		name = strrchr(real, '/') + 1; /* the folder holding the file */
	}
	mrs_pool p = {0};
	uint32_t off = pool_add_utf8(&p, name, strlen(name), im->err);
	free(real);
	if (off == UINT32_MAX) {
		free(p.data);
		return NULL;
	}
	return p.data;
}

/* One text and its label; 0 when used or skipped, -1 to stop. */
static int labels_row(imp *im, const reader *tr, reader *lr, mrs_dataset *ds, mrs_pool *pool,
		      size_t cap[2])
{
	char *s = lr->buf;
	size_t n = lr->len;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	if (n != 1 || (*s != '0' && *s != '1'))
		return bad_row(im, lr, "label '%.*s' is not 0 or 1", (int)MRS_MIN(n, 40u), s);
	if (mrs_grow((void **)&ds->texts_off, &cap[0], ds->n_texts + 1, sizeof(uint32_t), "texts",
		     im->err) ||
	    mrs_grow((void **)&ds->texts_label, &cap[1], ds->n_texts + 1, 1, "texts", im->err))
		return -1;
	uint32_t off = pool_add_utf8(pool, tr->buf, tr->len, im->err);
	if (off == UINT32_MAX)
		return -1;
	ds->texts_off[ds->n_texts] = off;
	ds->texts_label[ds->n_texts++] = (int8_t)(*s - '0');
	return 0;
}

static mrs_dataset *import_labels(imp *im, const char *const *files, int n)
{
	(void)n;
	if (add_files(im, "files", files, 2) ||
	    add_rules(im, "texts",
		      "line i of the text file is labelled by line i of the label file (0 or 1); "
		      "invalid UTF-8 bytes become U+FFFD",
		      (char *)NULL))
		return NULL;
	reader tr, lr;
	mrs_pool pool = {0};
	size_t cap[2] = {0, 0}; /* of texts_off, texts_label */
	mrs_dataset *ds = NULL;
	if (reader_open(&tr, files[0], im->prog, im->err))
		return NULL;
	if (reader_open(&lr, files[1], im->prog, im->err))
		goto fail_text;
	if (!(ds = mrs_ds_alloc(0, 0, im->err)))
		goto fail;
	for (;;) {
		int a = reader_next(&tr, im->err), b = a < 0 ? -1 : reader_next(&lr, im->err);
		if (a < 0 || b < 0)
			goto fail;
		if (!a && !b)
			break;
		if (!a || !b) {
			if (count_rest(a ? &tr : &lr, im->err))
				goto fail;
			mrs_fail(
				im->err, MRS_ERR_DATA,
				"%s has %lu lines but %s has %lu: texts and labels must match line "
				"for line",
				files[0], tr.line, files[1], lr.line);
			goto fail;
		}
		im->opts->rows++;
		if (labels_row(im, &tr, &lr, ds, &pool, cap))
			goto fail;
		if ((im->opts->rows & PROGRESS_MASK) == 0 && check_cancel(im, &tr))
			goto fail;
	}
	if (!im->opts->rows) {
		mrs_fail(im->err, MRS_ERR_DATA, "%s and %s: no rows: both files are empty",
			 files[0], files[1]);
		goto fail;
	}
	if (!ds->n_texts) {
		mrs_fail(im->err, MRS_ERR_DATA, "no usable rows: all %u rows were skipped",
			 im->opts->rows);
		goto fail;
	}
	ds->texts_pool = pool.data;
	pool.data = NULL;
	if (!(ds->texts_task = labels_task(im, files[0])) ||
	    add_rules(im, "task", ds->texts_task, (char *)NULL) || params_finish(im, ds) ||
	    mrs_dataset_index(ds, im->err))
		goto fail;
	reader_close(&tr), reader_close(&lr);
	return ds;
fail:
	reader_close(&lr);
fail_text:
	reader_close(&tr);
	free(pool.data);
	mrs_dataset_free(ds);
	return NULL;
}

/* ------------------------------------------------------------ entry point */

static const struct format {
	const char *name;
	int min_files, max_files;
	mrs_dataset *(*run)(imp *im, const char *const *files, int n);
	const char *files;
} formats[] = {
	{"edges", 1, INT_MAX, import_edges, "EDGES..."},
	{"activity", 1, INT_MAX, import_activity, "ACTIVITY [EDGES...]"},
	{"interactions", 1, INT_MAX, import_interactions, "FILE..."},
	{"lastfm", 1, LF_KINDS, import_lastfm, "FOLDER, or its four .dat files"},
	{"labels", 2, 2, import_labels, "TEXTS LABELS"},
};

mrs_dataset *mrs_import(const char *format, const char *const *files, int n_files,
			mrs_import_opts *opts, const mrs_progress *progress, mrs_error *err)
{
	const struct format *fmt = NULL;
	for (size_t i = 0; format && i < MRS_ARRAY_LEN(formats); i++)
		if (strcmp(format, formats[i].name) == 0)
			fmt = &formats[i];
	if (!fmt) {
		mrs_fail(err, MRS_ERR_USAGE,
			 "unknown import format '%s' (edges, activity, interactions, lastfm or "
			 "labels)",
			 format ? format : "");
		return NULL;
	}
	if (n_files < fmt->min_files || n_files > fmt->max_files || !files) {
		mrs_fail(err, MRS_ERR_USAGE, "import %s: expected %s, got %d file%s", fmt->name,
			 fmt->files, n_files, n_files == 1 ? "" : "s");
		return NULL;
	}
	mrs_import_opts none = {0};
	if (!opts)
		opts = &none;
	opts->rows = opts->skipped = opts->anomalies = 0;
	memset(opts->anomaly, 0, sizeof opts->anomaly);
	mrs_error local = {0};
	imp im = {.format = fmt->name, .opts = opts, .prog = progress, .err = err ? err : &local};
	im.params = cJSON_CreateObject();
	if (!im.params || !cJSON_AddStringToObject(im.params, "format", fmt->name)) {
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory for importer parameters");
		imp_free(&im);
		return NULL;
	}
	mrs_dataset *ds = fmt->run(&im, files, n_files);
	imp_free(&im);
	if (ds)
		mrs_progress_report(progress, "done", 1, 1, NULL);
	/* ds owns its memory; nothing in it points into im */
	/* cppcheck-suppress returnDanglingLifetime */
	return ds;
}
