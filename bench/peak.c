/* peak.c: what this core can do at best, measured, so that the benchmark can print each
 * figure beside its physical bound: single-core FP32 multiply-add throughput and memory
 * read bandwidth. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "parts.h"

/* Twelve independent accumulators, each in a register of its own (written out: an array
 * would live on the stack): enough to cover the FMA latency (4 cycles) times the FMA pipes
 * (2) of current x86 cores, with room to spare. Each step is 12 vector multiply-adds. */
#define CHAINS 12
#define STEP(op)                                                                        \
	a0 = op(a0), a1 = op(a1), a2 = op(a2), a3 = op(a3), a4 = op(a4), a5 = op(a5),     \
	a6 = op(a6), a7 = op(a7), a8 = op(a8), a9 = op(a9), a10 = op(a10), a11 = op(a11)
#define SUM (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)))

__attribute__((target("avx2,fma"))) static float fma_avx2(long iters)
{
	const __m256 x = _mm256_set1_ps(0.9999999f), y = _mm256_set1_ps(1e-7f);
	__m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1), a2 = _mm256_set1_ps(2),
	       a3 = _mm256_set1_ps(3), a4 = _mm256_set1_ps(4), a5 = _mm256_set1_ps(5),
	       a6 = _mm256_set1_ps(6), a7 = _mm256_set1_ps(7), a8 = _mm256_set1_ps(8),
	       a9 = _mm256_set1_ps(9), a10 = _mm256_set1_ps(10), a11 = _mm256_set1_ps(11);
#define FMA(a) _mm256_fmadd_ps(a, x, y)
	for (long i = 0; i < iters; i++)
		STEP(FMA);
#undef FMA
	__m256 s = SUM;
	float out[8];
	_mm256_storeu_ps(out, s);
	return out[0] + out[7];
}

static float mul_add_sse(long iters)
{
	const __m128 x = _mm_set1_ps(0.9999999f), y = _mm_set1_ps(1e-7f);
	__m128 a0 = _mm_set1_ps(0), a1 = _mm_set1_ps(1), a2 = _mm_set1_ps(2), a3 = _mm_set1_ps(3),
	       a4 = _mm_set1_ps(4), a5 = _mm_set1_ps(5), a6 = _mm_set1_ps(6), a7 = _mm_set1_ps(7),
	       a8 = _mm_set1_ps(8), a9 = _mm_set1_ps(9), a10 = _mm_set1_ps(10),
	       a11 = _mm_set1_ps(11);
#define MA(a) _mm_add_ps(_mm_mul_ps(a, x), y)
	for (long i = 0; i < iters; i++)
		STEP(MA);
#undef MA
	__m128 s = SUM;
	float out[4];
	_mm_storeu_ps(out, s);
	return out[0] + out[3];
}

static volatile float flop_sink;
static volatile uint64_t read_sink;

/* Best of five runs of about 0.1 s each. */
static double measure_flops(const char **isa)
{
	bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	*isa = avx2 ? "AVX2 FMA" : "SSE mul+add";
	double lanes = avx2 ? 8 : 4, best = 0;
	long iters = 4000000;
	for (int r = 0; r < 5; r++) {
		double t0 = mrs_seconds();
		flop_sink = avx2 ? fma_avx2(iters) : mul_add_sse(iters);
		double t = mrs_seconds() - t0;
		double f = (double)iters * CHAINS * lanes * 2 / t;
		best = f > best ? f : best;
	}
	return best;
}

/* Best of three sums over a 256 MB buffer (larger than any cache). */
static double measure_read_bw(void)
{
	size_t n = (256u << 20) / sizeof(uint64_t);
	uint64_t *a = malloc(n * sizeof *a);
	if (!a)
		return 0;
	for (size_t i = 0; i < n; i++)
		a[i] = i;
	double best = 0;
	for (int r = 0; r < 3; r++) {
		double t0 = mrs_seconds();
		uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		for (size_t i = 0; i < n; i += 4) {
			s0 += a[i], s1 += a[i + 1], s2 += a[i + 2], s3 += a[i + 3];
		}
		read_sink = s0 + s1 + s2 + s3;
		double t = mrs_seconds() - t0;
		double bw = (double)(n * sizeof *a) / t;
		best = bw > best ? bw : best;
	}
	free(a);
	return best;
}

/* The clock the core runs at now, from a chain of dependent adds (one cycle each on
 * every x86 core): best of five. */
static double measure_clock(void)
{
	double best = 0;
	const long iters = 20000000;
	for (int r = 0; r < 5; r++) {
		uint64_t x = 0;
		double t0 = mrs_seconds();
		for (long i = 0; i < iters; i++)
			__asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
					 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
					 "add $1, %0\n\tadd $1, %0"
					 : "+r"(x));
		double hz = 10.0 * (double)iters / (mrs_seconds() - t0);
		read_sink = x;
		best = hz > best ? hz : best;
	}
	return best;
}

static void cpu_info(bench_peak *pk)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	snprintf(pk->cpu, sizeof pk->cpu, "unknown CPU");
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		char *v = colon + 2;
		v[strcspn(v, "\n")] = '\0';
		if (strncmp(line, "model name", 10) == 0)
			snprintf(pk->cpu, sizeof pk->cpu, "%s", v);
		else if (strncmp(line, "cpu MHz", 7) == 0 && !pk->nominal_ghz)
			pk->nominal_ghz = atof(v) / 1000.0;
	}
	if (f)
		fclose(f);
}

void bench_peak_measure(bench_peak *pk)
{
	memset(pk, 0, sizeof *pk);
	cpu_info(pk);
	pk->ghz = measure_clock() * 1e-9;
	pk->flops = measure_flops(&pk->isa);
	pk->read_bw = measure_read_bw();
}

double bench_ranker_flops(uint32_t n)
{
	/* the default tower (ranker.c): features -> hidden[0] -> hidden[1] -> linear heads */
	mrs_ranker_params rp;
	mrs_ranker_params_default(&rp);
	double h0 = rp.hidden[0], h1 = rp.hidden[1];
	return 2.0 * (MRS_N_FEATURES * h0 + h0 * h1 + h1 * MRS_N_HEADS) * n;
}
