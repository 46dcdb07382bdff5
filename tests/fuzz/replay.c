/* replay.c: runs every committed fuzz input through its target in the ordinary test
 * suite: the seed corpora (tests/fuzz/corpus/NAME/) and the inputs that once crashed
 * (tests/fuzz/regress/NAME/). A broken invariant aborts, naming the input first.
 *
 *   tests/fuzz/replay                  every target, inputs under $MRS_SRCDIR/tests/fuzz
 *   tests/fuzz/replay NAME FILE...     one target on the given files
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

typedef struct target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
} target;

#define MRS_FUZZ_ENTRY(name) {#name, fuzz_##name},
static const target targets[] = {MRS_FUZZ_TARGETS(MRS_FUZZ_ENTRY)};
#define N_TARGETS (sizeof targets / sizeof targets[0])

static int run_file(const target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, len = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	fprintf(stderr, "%s: %s\n", t->name, path); /* named before a crash can happen */
	t->run(buf, len);
	free(buf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order; returns how many ran, -1 on failure. */
static int run_dir(const target *t, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* a target may have no regressions yet */
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn)
			abort();
		names = nn;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	int ran = 0;
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path &&
		    stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(t, path))
				ran = -1;
			else if (ran >= 0)
				ran++;
		}
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < N_TARGETS; i++)
			if (strcmp(targets[i].name, argv[1]) == 0) {
				int bad = 0;
				for (int k = 2; k < argc; k++)
					bad |= run_file(&targets[i], argv[k]) != 0;
				return bad;
			}
		fprintf(stderr, "replay: no target '%s'\n", argv[1]);
		return 2;
	}
	const char *src = getenv("MRS_SRCDIR");
	int failed = 0;
	for (size_t i = 0; i < N_TARGETS; i++) {
		int counts[2];
		const char *kinds[2] = {"corpus", "regress"};
		for (int k = 0; k < 2; k++) {
			char dir[4096];
			snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", src ? src : ".", kinds[k],
				 targets[i].name);
			counts[k] = run_dir(&targets[i], dir);
			failed |= counts[k] < 0;
		}
		printf("%-20s %3d seed inputs, %3d regression inputs: ok\n", targets[i].name,
		       counts[0], counts[1]);
	}
	return failed;
}
