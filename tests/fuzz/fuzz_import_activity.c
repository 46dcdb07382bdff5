/* fuzz_import_activity.c: SNAP Higgs activity through mrs_import("activity"): the first
 * part of the input is the activity file, further FUZZ_SEP-separated parts edge lists. */
#include "fuzz.h"

FUZZ_TARGET(import_activity)
{
	const uint8_t *part[3];
	size_t len[3];
	int n = fuzz_split(data, size, part, len, 3);
	const char *files[3];
	char name[16];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, i ? "edges%d.txt" : "activity.txt", i);
		files[i] = fuzz_file(i, name, part[i], len[i]);
	}
	fuzz_import("activity", files, n);
	return 0;
}
