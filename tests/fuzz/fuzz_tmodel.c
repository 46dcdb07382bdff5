/* fuzz_tmodel.c: torch model files through the shim's mrs_tmodel_load. Each input is tried
 * as it is and with its length field and trailing checksum set to the right values, so
 * that mutations reach the spec and tensor parsing behind them. A model that loads must
 * run a forward pass. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mrs_torch.h"

static void try_load(const char *path)
{
	mrs_tmodel *m = NULL;
	char *meta = NULL;
	if (mrs_tmodel_load(path, &m, &meta) != MRS_T_OK) {
		const char *msg = mrs_torch_last_error();
		FUZZ_CHECK(m == NULL && strstr(msg, path), "failed with '%s'", msg);
		return;
	}
	mrs_tspec s;
	mrs_tmodel_get_spec(m, &s);
	float out[4096];
	if (s.n_heads <= (int)(sizeof out / sizeof out[0])) {
		int rc;
		if (s.kind == MRS_TK_MLP) {
			float *x = calloc((size_t)s.n_in, sizeof *x);
			rc = mrs_tmodel_forward(m, x, 1, out);
			free(x);
		} else {
			int64_t ids[2] = {0, 12345}, off[2] = {0, 2};
			rc = mrs_tmodel_forward_bag(m, ids, off, 1, out);
		}
		FUZZ_CHECK(rc == MRS_T_OK, "a loaded model cannot run: %s", mrs_torch_last_error());
	}
	free(meta);
	mrs_tmodel_free(m);
}

FUZZ_TARGET(tmodel)
{
	try_load(fuzz_file(0, "model.pt", data, size));
	if (size < 28)
		return 0;
	uint8_t *fixed = malloc(size);
	if (!fixed)
		abort();
	memcpy(fixed, data, size);
	uint64_t total = size;
	memcpy(fixed + 12, &total, 8);
	uint64_t h = mrs_fnv1a(MRS_FNV_START, fixed, size - 8);
	memcpy(fixed + size - 8, &h, 8);
	try_load(fuzz_file(1, "fixed.pt", fixed, size));
	free(fixed);
	return 0;
}
