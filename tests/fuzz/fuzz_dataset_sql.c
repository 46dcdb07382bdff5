/* fuzz_dataset_sql.c: datasets that are valid SQLite but wrong inside. The input is SQL
 * run against a copy of a small generated world (deleting users, repeating follows,
 * moving tweets in time, dropping tables, ...); the result goes through
 * fuzz_load_dataset. Byte-level mutations (fuzz_dataset) rarely get past SQLite's own
 * checks; this target reaches the loader's validation of the content.
 * The SQL cannot leave the copy: ATTACH, PRAGMA and VACUUM are refused, run time and
 * sizes are capped. */
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"

static unsigned char *base;
static size_t base_len;

static void load_base(void)
{
	FILE *f = fopen(fuzz_world_path(), "rb");
	if (!f)
		abort();
	fseek(f, 0, SEEK_END);
	base_len = (size_t)ftell(f);
	rewind(f);
	base = malloc(base_len);
	if (!base || fread(base, 1, base_len, f) != base_len)
		abort();
	fclose(f);
}

static int authorize(void *ud, int action, const char *a, const char *b, const char *c,
		     const char *d)
{
	(void)ud, (void)a, (void)b, (void)c, (void)d;
	return action == SQLITE_ATTACH || action == SQLITE_DETACH || action == SQLITE_PRAGMA
		       ? SQLITE_DENY
		       : SQLITE_OK;
}

static int stop_after(void *ud)
{
	return ++*(int *)ud > 2000; /* x 1,000 virtual machine steps */
}

/* VACUUM INTO writes a file wherever it is told: refuse any SQL that mentions it. */
static int mentions_vacuum(const char *sql)
{
	for (const char *p = sql; *p; p++)
		if (strncasecmp(p, "vacuum", 6) == 0)
			return 1;
	return 0;
}

FUZZ_TARGET(dataset_sql)
{
	if (!base)
		load_base();
	char *sql = fuzz_cstr(data, size);
	if (mentions_vacuum(sql)) {
		free(sql);
		return 0;
	}
	const char *path = fuzz_file(0, "edited.db", base, base_len);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		abort();
	int steps = 0;
	sqlite3_set_authorizer(db, authorize, NULL);
	sqlite3_progress_handler(db, 1000, stop_after, &steps);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 16);
	sqlite3_exec(db, sql, NULL, NULL, NULL); /* errors are fine: what ran, ran */
	sqlite3_close(db);
	free(sql);
	fuzz_load_dataset(path);
	return 0;
}
