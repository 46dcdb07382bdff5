/* bench.h: the benchmark's samples, the rows of its one table, and the physical
 * references it prints beside them (shared by bench.c, report.c and peak.c). */
#ifndef MRS_BENCH_H
#define MRS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ samples */

/* Every measurement is a named list of samples ("request", "load", "rss.serve", ...). The
 * phases run in child processes and send "NAME VALUE" lines up a pipe; the parent keeps
 * them here. */
typedef struct bench_series {
	char name[48];
	double *v;
	size_t n, cap;
} bench_series;

typedef struct bench_data {
	bench_series *s;
	size_t n, cap;
} bench_data;

void bench_add(bench_data *d, const char *name, double v);
/* The series called name, or NULL. */
const bench_series *bench_get(const bench_data *d, const char *name);
/* Its q-quantile (0.5: median; nearest rank on the sorted samples), NaN when absent. */
double bench_quantile(const bench_data *d, const char *name, double q);
void bench_data_free(bench_data *d);

/* ------------------------------------------------------------------ physical references */

typedef struct bench_peak {
	double flops;       /* single-core FP32 multiply-add peak, FLOP/s (measured) */
	const char *isa;    /* the instructions that reached it ("AVX2 FMA", "SSE") */
	double read_bw;     /* single-core memory read bandwidth, bytes/s (measured) */
	double ghz;         /* the clock while busy, from a chain of dependent adds */
	double nominal_ghz; /* "cpu MHz" of /proc/cpuinfo (0 when unknown) */
	char cpu[128];      /* model name */
} bench_peak;

/* Measures the clock and both peaks on this core (about two seconds). */
void bench_peak_measure(bench_peak *pk);

/* FLOPs of one heavy-ranker forward for n rows (multiply-adds count 2; layer norms and
 * activations left out, they are a few percent). */
double bench_ranker_flops(uint32_t n);

/* ------------------------------------------------------------------ the table */

typedef struct bench_run {
	const char *scale;         /* "small", "default", "large" */
	uint32_t users, tweets, impressions;
	const bench_data *d;
	const bench_peak *pk;
	bool smoke;                /* tiny sizes: no targets judged */
} bench_run;

/* Prints the one table for every run (in order) to stdout. */
void bench_print_table(const bench_run *runs, int n_runs, const char *header);
/* The same as JSON to path (written through a temporary file and a rename). */
int bench_write_json(const bench_run *runs, int n_runs, const char *header, const char *path);

#endif
