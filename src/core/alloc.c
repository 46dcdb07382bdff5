/* alloc.c: allocation helpers that report failure through mrs_error, and UTF-8. */
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "core/core.h"

void *mrs_calloc(size_t n, size_t size, const char *what, mrs_error *err)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory allocating %zu x %zu bytes for %s", n,
			 size, what);
	return p;
}

int mrs_grow(void **p, size_t *cap, size_t need, size_t size, const char *what, mrs_error *err)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	void *q = realloc(*p, ncap * size);
	if (!q)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory growing %s to %zu entries", what,
				ncap);
	*p = q;
	*cap = ncap;
	return 0;
}

void mrs_advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t hi = ((uintptr_t)p + size) & ~(huge - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p, (void)size;
#endif
}

char *mrs_strdup(const char *s, mrs_error *err)
{
	size_t n = strlen(s) + 1;
	char *d = mrs_calloc(n, 1, "string", err);
	if (d)
		memcpy(d, s, n);
	return d;
}

uint32_t mrs_pool_add(mrs_pool *p, const char *s, size_t len, mrs_error *err)
{
	if (p->len + len + 1 > UINT32_MAX) {
		mrs_fail(err, MRS_ERR_DATA, "text pool over 4 GiB");
		return UINT32_MAX;
	}
	if (mrs_grow((void **)&p->data, &p->cap, p->len + len + 1, 1, "text pool", err))
		return UINT32_MAX;
	uint32_t off = (uint32_t)p->len;
	memcpy(p->data + p->len, s, len);
	p->data[p->len + len] = '\0';
	p->len += len + 1;
	return off;
}

double mrs_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

size_t mrs_utf8_decode(const unsigned char *s, size_t n, long *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	long v = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xbf))
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}
