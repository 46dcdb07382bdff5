/* fuzz_artifact.c: model artifact files (KnownFor, embedding tables) through
 * mrs_artifact_load. Each input is tried as it is and with its trailing checksum set to
 * the right value, so that mutations reach the parser behind the checksum. A file that
 * loads must save and load back with the same meta. */
#include <stdlib.h>
#include <string.h>

#include "parts.h"
#include "fuzz.h"

static void try_load(const char *path)
{
	mrs_error err = {0};
	mrs_artifact *a = mrs_artifact_load(path, &err);
	if (!a) {
		fuzz_check_error(&err, path);
		return;
	}
	size_t n;
	const void *p = mrs_artifact_get(a, "missing-array", MRS_ART_F32, &n, &err);
	FUZZ_CHECK(p == NULL, "found an array that is not there");
	fuzz_check_error(&err, path);
	char out[600];
	snprintf(out, sizeof out, "%s/saved.art", fuzz_dir());
	if (mrs_artifact_save(a, out, &err))
		fuzz_fail(__FILE__, __LINE__, "cannot save a loaded artifact: %s", err.msg);
	mrs_artifact *b = mrs_artifact_load(out, &err);
	if (!b)
		fuzz_fail(__FILE__, __LINE__, "a saved artifact does not load: %s", err.msg);
	FUZZ_CHECK(strcmp(mrs_artifact_meta(a), mrs_artifact_meta(b)) == 0, "meta changed");
	mrs_artifact_free(b);
	mrs_artifact_free(a);
}

FUZZ_TARGET(artifact)
{
	try_load(fuzz_file(0, "model.art", data, size));
	if (size < 16)
		return 0;
	uint8_t *fixed = malloc(size);
	if (!fixed)
		abort();
	memcpy(fixed, data, size);
	uint64_t h = mrs_fnv1a(MRS_FNV_START, fixed, size - 8);
	memcpy(fixed + size - 8, &h, 8);
	try_load(fuzz_file(1, "fixed.art", fixed, size));
	free(fixed);
	return 0;
}
