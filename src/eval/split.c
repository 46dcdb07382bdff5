/* split.c: evaluation's random split (the protocol of Microsoft Recommenders' MovieLens
 * benchmark: python_stratified_split with filter_by="item"): each tweet's rows shared out
 * between train and test at a ratio (mrs_dataset_without makes the train view). */
#include <math.h>

#include "eval/eval.h"

/* round() as numpy rounds: halves to the even neighbour. */
static uint32_t round_half_even(double x)
{
	double fl = floor(x), d = x - fl;
	if (d > 0.5 || (d == 0.5 && fmod(fl, 2.0) != 0))
		fl += 1;
	return (uint32_t)fl;
}

uint32_t mrs_split_train_rows(uint32_t n, double ratio)
{
	return MRS_MIN(n, round_half_even(ratio * n));
}

typedef struct keyed {
	uint64_t key;
	uint32_t imp;
} keyed;

static int by_key(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->imp < y->imp ? -1 : x->imp > y->imp;
}

int mrs_split_random(const mrs_dataset *ds, double ratio, uint64_t seed, uint8_t *test,
		     mrs_error *err)
{
	if (!(ratio > 0 && ratio < 1))
		return mrs_fail(err, MRS_ERR_USAGE, "the train ratio must be between 0 and 1, not %g",
				ratio);
	memset(test, 0, ds->n_impressions);
	uint32_t most = 0;
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		most = MRS_MAX(most, ds->timp_off[t + 1] - ds->timp_off[t]);
	keyed *rows = mrs_calloc(most ? most : 1, sizeof *rows, "random split", err);
	if (!rows)
		return -1;
	mrs_rng r;
	mrs_rng_seed(&r, seed ^ 0x5917);
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		/* the tweet's rows (impressions with an action: one per user), in random order */
		uint32_t n = 0;
		for (uint32_t j = ds->timp_off[t]; j < ds->timp_off[t + 1]; j++) {
			uint32_t i = ds->timp[j];
			if (ds->imp_actions[i])
				rows[n++] = (keyed){mrs_rng_u64(&r), i};
		}
		qsort(rows, n, sizeof *rows, by_key);
		for (uint32_t k = mrs_split_train_rows(n, ratio); k < n; k++)
			test[rows[k].imp] = 1;
	}
	free(rows);
	return 0;
}
