/* fuzz_edits.c: what-if edits files through mrs_edits_load against a small world; edits
 * that load must apply (mrs_dataset_with_edits) to a dataset that keeps its invariants,
 * and save and load back unchanged. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

FUZZ_TARGET(edits)
{
	const mrs_dataset *ds = fuzz_world();
	const char *path = fuzz_file(0, "edits.json", data, size);
	mrs_edit *edits = NULL;
	size_t n = 0;
	mrs_error err = {0};
	if (mrs_edits_load(path, ds, &edits, &n, &err)) {
		fuzz_check_error(&err, path);
		return 0;
	}
	mrs_dataset *with = mrs_dataset_with_edits(ds, edits, n, ds->t_end + 1, &err);
	if (!with)
		fuzz_fail(__FILE__, __LINE__, "loaded edits do not apply: %s", err.msg);
	fuzz_check_dataset(with);
	mrs_dataset_free(with);
	char out[600];
	snprintf(out, sizeof out, "%s/edits-saved.json", fuzz_dir());
	if (mrs_edits_save(out, edits, n, &err))
		fuzz_fail(__FILE__, __LINE__, "cannot save loaded edits: %s", err.msg);
	mrs_edit *back = NULL;
	size_t m = 0;
	if (mrs_edits_load(out, ds, &back, &m, &err))
		fuzz_fail(__FILE__, __LINE__, "saved edits do not load: %s", err.msg);
	FUZZ_CHECK(m == n && (n == 0 || memcmp(back, edits, n * sizeof *edits) == 0),
		   "edits changed in a save and load");
	free(back);
	free(edits);
	return 0;
}
