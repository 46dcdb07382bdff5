/* fuzz_import_labels.c: labelled texts through mrs_import("labels"): the input's first
 * FUZZ_SEP-separated part is the text file, the second the label file. */
#include "fuzz.h"

FUZZ_TARGET(import_labels)
{
	const uint8_t *part[2];
	size_t len[2];
	int n = fuzz_split(data, size, part, len, 2);
	const char *files[2];
	files[0] = fuzz_file(0, "offensive/text.txt", part[0], len[0]);
	files[1] = fuzz_file(1, "offensive/labels.txt", n > 1 ? part[1] : NULL, n > 1 ? len[1] : 0);
	fuzz_import("labels", files, 2);
	return 0;
}
