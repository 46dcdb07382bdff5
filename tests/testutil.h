/* testutil.h: shared helpers for the cmocka tests. */
#ifndef MRS_TESTUTIL_H
#define MRS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "parts.h"

/* A fresh temporary folder for one test program; removed by tu_cleanup(). */
static char tu_dir[256];

static inline const char *tu_tmpdir(void)
{
	if (!tu_dir[0]) {
		snprintf(tu_dir, sizeof tu_dir, "/tmp/mrs-test-XXXXXX");
		if (!mkdtemp(tu_dir))
			abort();
	}
	return tu_dir;
}

static inline char *tu_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tu_tmpdir(), name);
	return buf;
}

static inline void tu_cleanup(void)
{
	if (tu_dir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tu_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tu_dir);
	}
}

/* A cmocka group teardown that removes the temporary folder. */
static inline int tu_teardown(void **state)
{
	(void)state;
	tu_cleanup();
	return 0;
}

/* Writes text to a file in the test folder and returns its path in buf. */
static inline char *tu_write(char *buf, size_t size, const char *name, const char *text)
{
	tu_path(buf, size, name);
	FILE *f = fopen(buf, "wb");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return buf;
}

#define assert_ok(call, errp)                                                        \
	do {                                                                         \
		if ((call) != 0)                                                     \
			fail_msg("%s failed: %s", #call, (errp)->msg);               \
	} while (0)

#endif
