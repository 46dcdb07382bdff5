/* fuzz_dataset.c: dataset files through mrs_dataset_load (and mrs_truth_load): mutated
 * SQLite files, seeded with small datasets. */
#include "fuzz.h"

FUZZ_TARGET(dataset)
{
	fuzz_load_dataset(fuzz_file(0, "data.db", data, size));
	return 0;
}
