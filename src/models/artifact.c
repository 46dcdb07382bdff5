/* artifact.c: the container for learned arrays (KnownFor, embedding tables) and the
 * JSON model cards, both written atomically. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/models.h"

#define ART_MAGIC "MRSARTF1"
#define ART_MAX_ARRAYS 64

typedef struct art_array {
	char name[64];
	int type;
	size_t n;
	void *data;
} art_array;

struct mrs_artifact {
	char *meta;
	char *path; /* where it was loaded from, for messages */
	art_array arr[ART_MAX_ARRAYS];
	int n_arr;
};

static size_t elem_size(int type)
{
	return 4; /* every type is 32-bit */
}

mrs_artifact *mrs_artifact_new(const char *meta_json, mrs_error *err)
{
	mrs_artifact *a = mrs_calloc(1, sizeof *a, "artifact", err);
	if (a && !(a->meta = mrs_strdup(meta_json ? meta_json : "{}", err))) {
		free(a);
		return NULL;
	}
	return a;
}

void mrs_artifact_free(mrs_artifact *a)
{
	if (!a)
		return;
	for (int i = 0; i < a->n_arr; i++)
		free(a->arr[i].data);
	free(a->meta);
	free(a->path);
	free(a);
}

int mrs_artifact_add(mrs_artifact *a, const char *name, int type, const void *data, size_t n,
		     mrs_error *err)
{
	if (a->n_arr >= ART_MAX_ARRAYS)
		return mrs_fail(err, MRS_ERR_USAGE, "artifact: more than %d arrays", ART_MAX_ARRAYS);
	if (strlen(name) >= sizeof a->arr[0].name || type < MRS_ART_F32 || type > MRS_ART_U32)
		return mrs_fail(err, MRS_ERR_USAGE, "artifact: bad array '%s'", name);
	for (int i = 0; i < a->n_arr; i++)
		if (strcmp(a->arr[i].name, name) == 0)
			return mrs_fail(err, MRS_ERR_USAGE, "artifact: array '%s' added twice", name);
	art_array *x = &a->arr[a->n_arr];
	if (!(x->data = mrs_calloc(n, elem_size(type), name, err)))
		return -1;
	if (n)
		memcpy(x->data, data, n * elem_size(type));
	snprintf(x->name, sizeof x->name, "%s", name);
	x->type = type;
	x->n = n;
	a->n_arr++;
	return 0;
}

typedef struct wbuf {
	FILE *f;
	uint64_t h;
	bool bad;
} wbuf;

static void put(wbuf *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		w->bad = true;
	w->h = mrs_fnv1a(w->h, p, n);
}

static void put_u64(wbuf *w, uint64_t v)
{
	put(w, &v, sizeof v);
}

int mrs_artifact_save(const mrs_artifact *a, const char *path, mrs_error *err)
{
	mrs_tmp t;
	if (mrs_tmp_open(&t, path, err))
		return -1;
	/* stdio on a second descriptor of the file: fclose flushes it, the commit syncs */
	int fd = dup(t.fd);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		mrs_tmp_discard(&t);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
	}
	wbuf w = {f, MRS_FNV_START, false};
	put(&w, ART_MAGIC, 8);
	size_t ml = strlen(a->meta);
	put_u64(&w, ml);
	put(&w, a->meta, ml);
	put_u64(&w, (uint64_t)a->n_arr);
	for (int i = 0; i < a->n_arr; i++) {
		const art_array *x = &a->arr[i];
		size_t nl = strlen(x->name);
		put_u64(&w, nl);
		put(&w, x->name, nl);
		put_u64(&w, (uint64_t)x->type);
		put_u64(&w, x->n);
		put(&w, x->data, x->n * elem_size(x->type));
	}
	uint64_t h = w.h;
	put(&w, &h, sizeof h);
	bool bad = w.bad || fflush(f) != 0;
	int e = errno;
	if (fclose(f) != 0)
		bad = true;
	if (bad) {
		mrs_tmp_discard(&t);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot write: %s", path,
				e == ENOSPC ? "disk full" : strerror(e ? e : EIO));
	}
	return mrs_tmp_commit(&t, err);
}

/* Reads from the file while hashing what it read; remaining counts the bytes left before
 * the checksum. */
typedef struct rfile {
	FILE *f;
	uint64_t h, remaining;
} rfile;

static bool take(rfile *r, void *out, size_t n)
{
	if (n > r->remaining || (n && fread(out, 1, n, r->f) != n))
		return false;
	r->h = mrs_fnv1a(r->h, out, n);
	r->remaining -= n;
	return true;
}

/* Loads arrays straight into their own buffers: a table is in memory once, even while it
 * loads (TwHIN's tweet table is 512 MB at the large scale). */
mrs_artifact *mrs_artifact_load(const char *path, mrs_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		mrs_fail(err, MRS_ERR_IO, "%s: not a regular file", path);
		return NULL;
	}
	uint64_t len = (uint64_t)sb.st_size;
	mrs_artifact *a = NULL;
	char *meta = NULL;
	rfile r = {f, MRS_FNV_START, len};
	char magic[8];
	uint64_t ml, na, h;
	if (!take(&r, magic, 8) || memcmp(magic, ART_MAGIC, 8) != 0) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: not a minirecsys model file", path);
		goto fail;
	}
	if (len < 8 + 8 + 8 + 8) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: truncated", path);
		goto fail;
	}
	r.remaining = len - 8 - 8; /* after the magic, before the checksum */
	if (!take(&r, &ml, 8) || ml > r.remaining) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: truncated (meta)", path);
		goto fail;
	}
	if (!(meta = mrs_calloc(ml + 1, 1, "artifact meta", err)))
		goto fail;
	if (!take(&r, meta, ml)) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot read", path);
		goto fail;
	}
	if (!(a = mrs_artifact_new(meta, err)) || !(a->path = mrs_strdup(path, err)))
		goto fail;
	if (!take(&r, &na, 8) || na > ART_MAX_ARRAYS) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: truncated or corrupt (array count)", path);
		goto fail;
	}
	for (uint64_t i = 0; i < na; i++) {
		uint64_t nl, type, n;
		char name[64] = {0};
		if (!take(&r, &nl, 8) || nl >= sizeof name || !take(&r, name, nl) ||
		    !take(&r, &type, 8) || type < MRS_ART_F32 || type > MRS_ART_U32 ||
		    !take(&r, &n, 8) || n > r.remaining / 4) {
			mrs_fail(err, MRS_ERR_MODEL, "%s: truncated or corrupt (header of array %llu)",
				 path, (unsigned long long)i);
			goto fail;
		}
		for (int j = 0; j < a->n_arr; j++)
			if (strcmp(a->arr[j].name, name) == 0) {
				mrs_fail(err, MRS_ERR_MODEL, "%s: array '%s' twice", path, name);
				goto fail;
			}
		art_array *x = &a->arr[a->n_arr];
		if (!(x->data = mrs_calloc((size_t)n, 4, name, err)))
			goto fail;
		snprintf(x->name, sizeof x->name, "%s", name);
		x->type = (int)type;
		x->n = (size_t)n;
		a->n_arr++;
		if (!take(&r, x->data, (size_t)n * 4)) {
			mrs_fail(err, MRS_ERR_IO, "%s: cannot read array '%s'", path, name);
			goto fail;
		}
	}
	if (r.remaining) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: %llu unexpected trailing bytes", path,
			 (unsigned long long)r.remaining);
		goto fail;
	}
	uint64_t sum = r.h;
	if (fread(&h, 1, 8, f) != 8 || h != sum) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: truncated or corrupt (checksum mismatch)", path);
		goto fail;
	}
	fclose(f);
	free(meta);
	return a;
fail:
	fclose(f);
	free(meta);
	mrs_artifact_free(a);
	return NULL;
}

const char *mrs_artifact_meta(const mrs_artifact *a)
{
	return a->meta;
}

const void *mrs_artifact_get(const mrs_artifact *a, const char *name, int type, size_t *n,
			     mrs_error *err)
{
	for (int i = 0; i < a->n_arr; i++)
		if (strcmp(a->arr[i].name, name) == 0) {
			if (a->arr[i].type != type) {
				mrs_fail(err, MRS_ERR_MODEL, "%s: array '%s' has the wrong type",
					 a->path ? a->path : "artifact", name);
				return NULL;
			}
			*n = a->arr[i].n;
			return a->arr[i].data;
		}
	mrs_fail(err, MRS_ERR_MODEL, "%s: no array '%s'", a->path ? a->path : "artifact", name);
	return NULL;
}

int mrs_model_path(char *buf, size_t size, const char *dir, const char *name, const char *ext,
		   mrs_error *err)
{
	if (snprintf(buf, size, "%s/%s.%s", dir && *dir ? dir : ".", name, ext) >= (int)size)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: model path too long", dir);
	return 0;
}

long long mrs_card_int(const cJSON *card, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(card, key);
	if (!cJSON_IsNumber(x))
		return -1;
	double v = x->valuedouble; /* a whole number that a double holds exactly */
	return v >= 0 && v <= 9007199254740992.0 && v == floor(v) ? (long long)v : -1;
}

void mrs_model_note(mrs_model_status *st, bool loaded, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->note, sizeof st->note, fmt, ap);
	va_end(ap);
	st->loaded = loaded;
}

int mrs_card_write(const char *dir, const char *name, const cJSON *card, mrs_error *err)
{
	char path[4096];
	if (mrs_model_path(path, sizeof path, dir, name, "json", err))
		return -1;
	char *text = cJSON_Print(card);
	if (!text)
		return mrs_fail(err, MRS_ERR_NOMEM, "%s: cannot format the model card", path);
	int rc = mrs_file_write_text(path, text, err);
	cJSON_free(text);
	return rc;
}

cJSON *mrs_card_read(const char *dir, const char *name, mrs_error *err)
{
	char path[4096];
	if (mrs_model_path(path, sizeof path, dir, name, "json", err))
		return NULL;
	FILE *f = fopen(path, "r");
	if (!f) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char chunk[4096];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (mrs_grow((void **)&text, &cap, len + got + 1, 1, "model card", err)) {
			free(text);
			fclose(f);
			return NULL;
		}
		memcpy(text + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (!text) {
		mrs_fail(err, MRS_ERR_MODEL, "%s: empty model card", path);
		return NULL;
	}
	text[len] = '\0';
	cJSON *card = cJSON_Parse(text);
	free(text);
	if (!card)
		mrs_fail(err, MRS_ERR_MODEL, "%s: not valid JSON", path);
	return card;
}
