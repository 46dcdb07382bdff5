/* fuzz_import_edges.c: SNAP edge lists through mrs_import("edges"); FUZZ_SEP lines split
 * the input into up to three files. */
#include "fuzz.h"

FUZZ_TARGET(import_edges)
{
	const uint8_t *part[3];
	size_t len[3];
	int n = fuzz_split(data, size, part, len, 3);
	const char *files[3];
	char name[16];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "edges%d.txt", i);
		files[i] = fuzz_file(i, name, part[i], len[i]);
	}
	fuzz_import("edges", files, n);
	return 0;
}
