/* snapfile.c: snapshot files: named arrays in page-aligned sections behind a checked
 * header, written through a temporary file and opened by mapping them, used in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core.h"

#define SNAP_MAGIC "MRSSNAP1"
#define SNAP_ENDIAN 0x01020304u
#define SNAP_ALIGN 4096u
#define SNAP_NULL 1u /* the array was NULL (its length is 0) */

/* The header, at offset 0 (it fits in the first page). */
typedef struct snap_header {
	char magic[8];
	uint32_t version;    /* MRS_SNAP_FORMAT */
	uint32_t endian;     /* SNAP_ENDIAN as written */
	uint8_t sizes[8];    /* size_t, pointer, int, long, float, double, bool, 0 */
	uint64_t file_size;  /* the whole file */
	uint64_t table_off;  /* the section table */
	uint32_t n_sections;
	uint32_t n_key;
	mrs_snap_key key[MRS_SNAP_MAX_KEY];
	uint64_t checksum;   /* FNV-1a of this header (checksum 0) and the section table */
} snap_header;

typedef struct snap_section {
	char name[40];
	uint64_t off, len;
	uint32_t elem, flags;
} snap_section;

struct mrs_snapfile {
	const uint8_t *base;
	size_t size;
	const snap_section *sec;
	uint32_t n_sec;
	snap_header head;
};

static void header_sizes(uint8_t s[8])
{
	const uint8_t v[8] = {sizeof(size_t), sizeof(void *), sizeof(int),  sizeof(long),
			      sizeof(float),  sizeof(double), sizeof(bool), 0};
	memcpy(s, v, 8);
}

static uint64_t header_checksum(const snap_header *h, const snap_section *sec, uint32_t n)
{
	snap_header c = *h;
	c.checksum = 0;
	uint64_t x = mrs_fnv1a(MRS_FNV_START, &c, sizeof c);
	return mrs_fnv1a(x, sec, sizeof *sec * n);
}

/* ------------------------------------------------------------------ writing */

/* Writes n bytes at off; 0 or the errno of the failure. */
static int pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	const char *c = p;
	while (n > 0) {
		ssize_t k = pwrite(fd, c, MRS_MIN(n, (size_t)1 << 30), (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		c += k, n -= (size_t)k, off += (uint64_t)k;
	}
	return 0;
}

static int write_fail(mrs_snap_io *io, int e)
{
	return mrs_fail(io->err, MRS_ERR_IO, "%s: cannot write: %s", io->tmp.dest,
			e == ENOSPC ? "disk full" : strerror(e));
}

int mrs_snap_write_begin(mrs_snap_io *io, const char *path, const mrs_snap_key *key, uint32_t n_key,
			 mrs_error *err)
{
	memset(io, 0, sizeof *io);
	io->err = err;
	io->writing = true;
	if (n_key > MRS_SNAP_MAX_KEY)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: too many key fields", path);
	memcpy(io->key, key, sizeof *key * n_key);
	io->n_key = n_key;
	mrs_file_remove_stale_temps(path);
	if (mrs_tmp_open(&io->tmp, path, err))
		return -1;
	io->off = SNAP_ALIGN;
	return 0;
}

static int add_section(mrs_snap_io *io, const char *name, const void *data, size_t elem, size_t n,
		       uint32_t flags)
{
	if (strlen(name) >= sizeof ((snap_section *)0)->name)
		return mrs_fail(io->err, MRS_ERR_USAGE, "snapshot: section name %s too long", name);
	if (io->sizing) {
		io->n_sec++;
		io->off += ((uint64_t)elem * n + SNAP_ALIGN - 1) / SNAP_ALIGN * SNAP_ALIGN;
		return 0;
	}
	size_t need = io->n_sec + 1, cap = io->cap_sec;
	if (mrs_grow((void **)&io->sec, &cap, need, sizeof(snap_section), "snapshot", io->err))
		return -1;
	io->cap_sec = cap;
	snap_section *s = (snap_section *)io->sec + io->n_sec++;
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->off = io->off, s->len = (uint64_t)elem * n, s->elem = (uint32_t)elem, s->flags = flags;
	int e = s->len ? pwrite_all(io->tmp.fd, data, s->len, s->off) : 0;
	if (e)
		return write_fail(io, e);
	io->off += (s->len + SNAP_ALIGN - 1) / SNAP_ALIGN * SNAP_ALIGN;
	return 0;
}

int mrs_snap_write_end(mrs_snap_io *io)
{
	snap_header h = {0};
	memcpy(h.magic, SNAP_MAGIC, 8);
	h.version = MRS_SNAP_FORMAT;
	h.endian = SNAP_ENDIAN;
	header_sizes(h.sizes);
	h.table_off = io->off;
	h.n_sections = io->n_sec;
	h.file_size = io->off + sizeof(snap_section) * io->n_sec;
	h.n_key = io->n_key;
	memcpy(h.key, io->key, sizeof io->key);
	h.checksum = header_checksum(&h, io->sec, io->n_sec);
	int e = pwrite_all(io->tmp.fd, io->sec, sizeof(snap_section) * io->n_sec, h.table_off);
	e = e ? e : pwrite_all(io->tmp.fd, &h, sizeof h, 0);
	free(io->sec);
	io->sec = NULL;
	if (e) {
		write_fail(io, e);
		mrs_tmp_discard(&io->tmp);
		return -1;
	}
	return mrs_tmp_commit(&io->tmp, io->err);
}

void mrs_snap_write_abort(mrs_snap_io *io)
{
	free(io->sec);
	io->sec = NULL;
	mrs_tmp_discard(&io->tmp);
}

void mrs_snap_size_begin(mrs_snap_io *io, mrs_error *err)
{
	memset(io, 0, sizeof *io);
	io->err = err;
	io->writing = io->sizing = true;
	io->off = SNAP_ALIGN;
}

uint64_t mrs_snap_size_end(mrs_snap_io *io)
{
	/* what mrs_snap_write_end adds: the section table after the last section */
	return io->off + sizeof(snap_section) * io->n_sec;
}

uint64_t mrs_snap_space_margin(uint64_t need)
{
	return need / 20 + ((uint64_t)64 << 20);
}

int mrs_snap_space_check(const char *dir, uint64_t need, uint64_t avail, mrs_error *err)
{
	uint64_t margin = mrs_snap_space_margin(need);
	if (need <= avail && margin <= avail - need)
		return 0;
	return mrs_fail(err, MRS_ERR_IO,
			"%s: not enough free space for the serving snapshot: it needs %llu bytes "
			"(%.1f GB) and %llu more kept free, the folder's file system has %llu "
			"bytes (%.1f GB) available",
			dir, (unsigned long long)need, (double)need / 1e9, (unsigned long long)margin,
			(unsigned long long)avail, (double)avail / 1e9);
}

int mrs_snap_space_free(const char *path, uint64_t *avail, mrs_error *err)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	struct statvfs v;
	if (statvfs(dir, &v) != 0)
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot read the free space: %s", dir,
				strerror(errno));
	*avail = (uint64_t)v.f_bavail * (uint64_t)v.f_frsize;
	return 0;
}

/* ------------------------------------------------------------------ opening */

void mrs_snapfile_close(mrs_snapfile *f)
{
	if (!f)
		return;
	if (f->base)
		munmap((void *)f->base, f->size);
	free(f);
}

/* Reads the header and checks that it is a whole snapshot of this format, made on a
 * machine like this one. */
static int check_header(mrs_snapfile *f, int fd, const char *path, uint64_t size,
			mrs_error *err)
{
	snap_header *h = &f->head;
	if (size < sizeof *h || pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
		return mrs_fail(err, MRS_ERR_DATA, "%s: truncated (%llu bytes, shorter than its header)",
				path, (unsigned long long)size);
	uint8_t sizes[8];
	header_sizes(sizes);
	if (memcmp(h->magic, SNAP_MAGIC, 8) != 0)
		return mrs_fail(err, MRS_ERR_DATA, "%s: not a snapshot (bad magic)", path);
	if (h->version != MRS_SNAP_FORMAT)
		return mrs_fail(err, MRS_ERR_DATA, "%s: format version %u, this program reads %u", path,
				h->version, MRS_SNAP_FORMAT);
	if (h->endian != SNAP_ENDIAN || memcmp(h->sizes, sizes, 8) != 0)
		return mrs_fail(err, MRS_ERR_DATA,
				"%s: made on a machine with another byte order or type sizes", path);
	if (h->file_size != size)
		return mrs_fail(err, MRS_ERR_DATA,
				"%s: truncated or grown (header says %llu bytes, the file has %llu)", path,
				(unsigned long long)h->file_size, (unsigned long long)size);
	if (h->n_key > MRS_SNAP_MAX_KEY || h->table_off > size ||
	    (size - h->table_off) / sizeof(snap_section) < h->n_sections)
		return mrs_fail(err, MRS_ERR_DATA, "%s: corrupt header", path);
	return 0;
}

int mrs_snapfile_open(const char *path, mrs_snapfile **out, mrs_error *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path,
				errno == ENOENT ? "none yet" : strerror(errno));
	struct stat sb;
	mrs_snapfile *f = mrs_calloc(1, sizeof *f, "snapshot", err);
	int rc = -1;
	if (!f)
		goto out;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		mrs_fail(err, MRS_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if (check_header(f, fd, path, (uint64_t)sb.st_size, err))
		goto out;
	void *base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
		goto out;
	}
	f->base = base, f->size = (size_t)sb.st_size;
	f->sec = (const snap_section *)(f->base + f->head.table_off);
	f->n_sec = f->head.n_sections;
	if (header_checksum(&f->head, f->sec, f->n_sec) != f->head.checksum) {
		mrs_fail(err, MRS_ERR_DATA, "%s: corrupt (the header's checksum does not match)", path);
		goto out;
	}
	for (uint32_t i = 0; i < f->n_sec; i++) {
		const snap_section *s = &f->sec[i];
		if (s->off % SNAP_ALIGN || s->off > f->size || s->len > f->size - s->off ||
		    !memchr(s->name, '\0', sizeof s->name) || !s->elem || s->len % s->elem) {
			mrs_fail(err, MRS_ERR_DATA, "%s: corrupt section table (entry %u)", path, i);
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	if (rc)
		mrs_snapfile_close(f);
	else
		*out = f;
	return rc;
}

const mrs_snap_key *mrs_snapfile_key(const mrs_snapfile *f, uint32_t *n)
{
	*n = f->head.n_key;
	return f->head.key;
}

void mrs_snap_map_begin(mrs_snap_io *io, const mrs_snapfile *f, mrs_error *err)
{
	memset(io, 0, sizeof *io);
	io->err = err;
	io->file = f;
}

static const snap_section *find_section(const mrs_snapfile *f, const char *name)
{
	for (uint32_t i = 0; i < f->n_sec; i++)
		if (strcmp(f->sec[i].name, name) == 0)
			return &f->sec[i];
	return NULL;
}

/* The section called name, checked to hold elements of elem bytes. */
static const snap_section *map_section(mrs_snap_io *io, const char *name, size_t elem)
{
	const snap_section *s = find_section(io->file, name);
	if (!s)
		mrs_fail(io->err, MRS_ERR_DATA, "snapshot: no section %s", name);
	else if (s->elem != elem)
		mrs_fail(io->err, MRS_ERR_DATA, "snapshot: section %s has %u-byte elements, not %zu",
			 name, s->elem, elem);
	else
		return s;
	return NULL;
}

/* ------------------------------------------------------------------ both ways */

int mrs_snap_array_any(mrs_snap_io *io, const char *name, void *pp, size_t elem, size_t *n)
{
	void *p;
	memcpy(&p, pp, sizeof p);
	if (io->writing)
		return add_section(io, name, p, elem, p ? *n : 0, p ? 0 : SNAP_NULL);
	const snap_section *s = map_section(io, name, elem);
	if (!s)
		return -1;
	p = s->flags & SNAP_NULL ? NULL : (void *)(io->file->base + (s->len ? s->off : 0));
	memcpy(pp, &p, sizeof p);
	*n = (size_t)(s->len / elem);
	return 0;
}

int mrs_snap_array(mrs_snap_io *io, const char *name, void *pp, size_t elem, size_t n)
{
	size_t got = n;
	if (mrs_snap_array_any(io, name, pp, elem, &got))
		return -1;
	void *p;
	memcpy(&p, pp, sizeof p);
	if (p && got != n)
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: section %s has %zu elements, not %zu",
				name, got, n);
	return 0;
}

int mrs_snap_value(mrs_snap_io *io, const char *name, void *v, size_t size)
{
	if (io->writing)
		return add_section(io, name, v, size, 1, 0);
	const snap_section *s = map_section(io, name, size);
	if (!s || s->len != size)
		return s ? mrs_fail(io->err, MRS_ERR_DATA, "snapshot: section %s: bad size", name) : -1;
	memcpy(v, io->file->base + s->off, size);
	return 0;
}

int mrs_snap_string(mrs_snap_io *io, const char *name, char **s)
{
	size_t n = *s ? strlen(*s) + 1 : 0;
	if (mrs_snap_array_any(io, name, s, 1, &n))
		return -1;
	if (!io->writing && *s && (n == 0 || (*s)[n - 1] != '\0'))
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: section %s: not a string", name);
	return 0;
}
