/* fuzz_import_interactions.c: user-item-time logs through mrs_import("interactions"):
 * each input is read once as a .tsv and once as a .csv file (the extension decides the
 * delimiter), and FUZZ_SEP-separated parts become several files. */
#include "fuzz.h"

FUZZ_TARGET(import_interactions)
{
	const uint8_t *part[3];
	size_t len[3];
	int n = fuzz_split(data, size, part, len, 3);
	const char *files[3];
	char name[32];
	for (int ext = 0; ext < 2; ext++) {
		for (int i = 0; i < n; i++) {
			snprintf(name, sizeof name, "ratings%d.%s", i, ext ? "csv" : "tsv");
			files[i] = fuzz_file(i, name, part[i], len[i]);
		}
		fuzz_import("interactions", files, n);
	}
	return 0;
}
