/* bench_ranker.c: the heavy ranker's batched forward and the feature function for 500
 * candidates of one viewer, median over many runs (a benchmark, not a test).
 * Usage: bench/bench_ranker DATASET MODELS_DIR [RUNS] */
#include <stdio.h>
#include <stdlib.h>

#include "parts.h"

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s DATASET MODELS_DIR [RUNS]\n", argv[0]);
		return 2;
	}
	int runs = argc > 3 ? atoi(argv[3]) : 200;
	if (runs < 1)
		runs = 1;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(argv[1], NULL, &err);
	mrs_engine_opts o = {.models_dir = argv[2]};
	mrs_engine *e = ds ? mrs_engine_open(ds, &o, NULL, &err) : NULL;
	if (!e) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	const mrs_model_status *st = mrs_engine_status(e, MRS_MODEL_RANKER);
	printf("heavy ranker: %s\n", st->note);
	enum { N = 500 };
	static uint32_t cand[N];
	static float feat[N * MRS_N_FEATURES], heads[N * MRS_N_HEADS];
	int64_t now = mrs_engine_now(e);
	double *tf = calloc((size_t)runs, sizeof(double)), *tr = calloc((size_t)runs, sizeof(double));
	for (int r = 0; r < runs; r++) {
		uint32_t viewer = (uint32_t)(mrs_hash64((uint64_t)r) % ds->n_users);
		for (uint32_t i = 0; i < N; i++)
			cand[i] = ds->n_tweets - 1 - (uint32_t)(mrs_hash64((uint64_t)r * N + i) %
								 (ds->n_tweets < 5000 ? ds->n_tweets : 5000));
		double t0 = mrs_seconds();
		if (mrs_features(e, viewer, cand, N, now, feat, &err))
			break;
		double t1 = mrs_seconds();
		if (mrs_ranker_predict(e, feat, N, heads, &err))
			break;
		tf[r] = t1 - t0;
		tr[r] = mrs_seconds() - t1;
	}
	if (err.code) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("500 candidates, median of %d runs: features %.3f ms, ranker forward %.3f ms\n",
	       runs, 1e3 * median(tf, runs), 1e3 * median(tr, runs));
	free(tf), free(tr);
	mrs_engine_free(e);
	mrs_dataset_free(ds);
	return 0;
}
