/* forward.c: inference of the shim's models in plain C, one fixed recipe per output (forward.h). */
#include "forward.h"

#include <math.h>
#include <string.h>

/* Rows scored together: the tower's activations of a block stay in the cache. */
#define BLOCK 64
#define NORM_EPS 1e-5

/* Eight floats; on a CPU without AVX the compiler splits each operation into two SSE ones,
 * lane by lane, which changes nothing in the result. */
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

#define INLINE static inline __attribute__((always_inline))

/* Fuzzing gains nothing from coverage of these loops (no branch depends on a value), and
 * the instrumentation made a forward dozens of times slower than the rest of a request. */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

/* (macros rather than functions: a function returning a 32-byte vector has another ABI
 * with AVX than without) */
#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))
#define splat8(f) ({ float f_ = (f); (v8){f_, f_, f_, f_, f_, f_, f_, f_}; })

/* One output of one row: the recipe itself, for the columns and rows the vector blocks
 * leave over. */
INLINE float dot_column(const float *x, const float *w, int K, int N, float b)
{
	float acc = 0.0f;
	for (int k = 0; k < K; k++)
		acc = acc + x[k] * w[(long)k * N];
	return acc + b;
}

/* Four rows x 16 columns. */
INLINE void block_4x16(const float *x, int K, const float *w, int N, const float *b, float *y)
{
	const float *x0 = x, *x1 = x + K, *x2 = x + 2 * K, *x3 = x + 3 * K;
	v8 a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0}, a30 = {0}, a31 = {0};
	for (int k = 0; k < K; k++, w += N) {
		v8 w0 = load8(w), w1 = load8(w + 8), s;
		s = splat8(x0[k]);
		a00 = a00 + s * w0;
		a01 = a01 + s * w1;
		s = splat8(x1[k]);
		a10 = a10 + s * w0;
		a11 = a11 + s * w1;
		s = splat8(x2[k]);
		a20 = a20 + s * w0;
		a21 = a21 + s * w1;
		s = splat8(x3[k]);
		a30 = a30 + s * w0;
		a31 = a31 + s * w1;
	}
	v8 b0 = load8(b), b1 = load8(b + 8);
	store8(y, a00 + b0);
	store8(y + 8, a01 + b1);
	store8(y + N, a10 + b0);
	store8(y + N + 8, a11 + b1);
	store8(y + 2 * N, a20 + b0);
	store8(y + 2 * N + 8, a21 + b1);
	store8(y + 3 * N, a30 + b0);
	store8(y + 3 * N + 8, a31 + b1);
}

/* Four rows x 8 columns. */
INLINE void block_4x8(const float *x, int K, const float *w, int N, const float *b, float *y)
{
	const float *x0 = x, *x1 = x + K, *x2 = x + 2 * K, *x3 = x + 3 * K;
	v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
	for (int k = 0; k < K; k++, w += N) {
		v8 w0 = load8(w);
		a0 = a0 + splat8(x0[k]) * w0;
		a1 = a1 + splat8(x1[k]) * w0;
		a2 = a2 + splat8(x2[k]) * w0;
		a3 = a3 + splat8(x3[k]) * w0;
	}
	v8 b0 = load8(b);
	store8(y, a0 + b0);
	store8(y + N, a1 + b0);
	store8(y + 2 * N, a2 + b0);
	store8(y + 3 * N, a3 + b0);
}

/* One row x 8 columns. */
INLINE void block_1x8(const float *x, int K, const float *w, int N, const float *b, float *y)
{
	v8 a = {0};
	for (int k = 0; k < K; k++, w += N)
		a = a + splat8(x[k]) * load8(w);
	store8(y, a + load8(b));
}

/* y [rows, n_out] = x [rows, n_in] . w + b. */
INLINE void linear_body(const mrs_fwd_linear *L, const float *x, int rows, float *y)
{
	const int K = L->n_in, N = L->n_out;
	int r = 0;
	for (; r + 4 <= rows; r += 4) {
		const float *xr = x + (long)r * K;
		float *yr = y + (long)r * N;
		int j = 0;
		for (; j + 16 <= N; j += 16)
			block_4x16(xr, K, L->w + j, N, L->b + j, yr + j);
		for (; j + 8 <= N; j += 8)
			block_4x8(xr, K, L->w + j, N, L->b + j, yr + j);
		for (; j < N; j++)
			for (int i = 0; i < 4; i++)
				yr[(long)i * N + j] = dot_column(xr + (long)i * K, L->w + j, K, N, L->b[j]);
	}
	for (; r < rows; r++) {
		const float *xr = x + (long)r * K;
		float *yr = y + (long)r * N;
		int j = 0;
		for (; j + 8 <= N; j += 8)
			block_1x8(xr, K, L->w + j, N, L->b + j, yr + j);
		for (; j < N; j++)
			yr[j] = dot_column(xr, L->w + j, K, N, L->b[j]);
	}
}

/* ---------------------------------------------------------------- the network */

/* A row's sum (squares of the distances to `mean` when `squares`) in double, in four
 * interleaved partial sums (index mod 4) added as (s0 + s1) + (s2 + s3): a fixed order
 * that does not wait on one long chain of additions. */
INLINE double row_sum(const float *row, int N, double mean, int squares)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0, d;
#define TERM(x) (d = (double)(x) - mean, squares ? d * d : d)
	int j = 0;
	for (; j + 4 <= N; j += 4) {
		s0 += TERM(row[j]);
		s1 += TERM(row[j + 1]);
		s2 += TERM(row[j + 2]);
		s3 += TERM(row[j + 3]);
	}
	if (j < N)
		s0 += TERM(row[j]);
	if (j + 1 < N)
		s1 += TERM(row[j + 1]);
	if (j + 2 < N)
		s2 += TERM(row[j + 2]);
#undef TERM
	return (s0 + s1) + (s2 + s3);
}

/* LayerNorm: y = ((x - mean) * inv) * gamma + beta in float, with mean and
 * inv = 1 / sqrt(var + eps) computed in double and rounded to float once.
 * BatchNorm: the same with the running statistics. */
INLINE void scale_row(float *row, int N, float mean, float inv, const float *gamma,
		      const float *beta)
{
	int j = 0;
	for (; j + 8 <= N; j += 8) {
		v8 v = (load8(row + j) - splat8(mean)) * splat8(inv);
		store8(row + j, v * load8(gamma + j) + load8(beta + j));
	}
	for (; j < N; j++)
		row[j] = ((row[j] - mean) * inv) * gamma[j] + beta[j];
}

INLINE void normalise(const mrs_fwd_net *net, int layer, float *y, int rows, int N)
{
	const mrs_fwd_norm *nm = &net->norms[layer];
	for (int r = 0; r < rows; r++) {
		float *row = y + (long)r * N;
		if (net->norm == MRS_FWD_NORM_LAYER) {
			double mean = row_sum(row, N, 0, 0) / N;
			double inv = 1.0 / sqrt(row_sum(row, N, mean, 1) / N + NORM_EPS);
			scale_row(row, N, (float)mean, (float)inv, nm->gamma, nm->beta);
			continue;
		}
		for (int j = 0; j < N; j++) {
			float inv = (float)(1.0 / sqrt((double)nm->var[j] + NORM_EPS));
			row[j] = ((row[j] - nm->mean[j]) * inv) * nm->gamma[j] + nm->beta[j];
		}
	}
}

/* y = x > 0 ? x : 0, eight at a time (the comparison's all-ones lanes keep x). */
typedef int32_t v8i __attribute__((vector_size(32)));
INLINE void relu(float *y, long n)
{
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		v8 v = load8(y + i);
		store8(y + i, (v8)((v8i)(v > (v8){0}) & (v8i)v));
	}
	for (; i < n; i++)
		y[i] = y[i] > 0 ? y[i] : 0.0f;
}

static float sigmoid(float z)
{
	return (float)(1.0 / (1.0 + exp(-(double)z)));
}

static int max_width(const mrs_fwd_net *net)
{
	int w = net->n_in > net->n_heads ? net->n_in : net->n_heads;
	for (int i = 0; i < net->n_layers; i++)
		if (net->tower[i].n_out > w)
			w = net->tower[i].n_out;
	if (net->head_hidden > w)
		w = net->head_hidden;
	return w;
}

int64_t mrs_fwd_scratch_floats(const mrs_fwd_net *net)
{
	return 3 * (int64_t)BLOCK * max_width(net);
}

/* Rows [0, rows) of the tower's input `in` (clobbered) to probabilities `out`. */
INLINE void block_body(const mrs_fwd_net *net, float *in, int rows, float *out, float *scratch)
{
	float *a = in, *b = scratch;
	for (int i = 0; i < net->n_layers; i++) {
		const mrs_fwd_linear *L = &net->tower[i];
		linear_body(L, a, rows, b);
		if (net->norm != MRS_FWD_NORM_NONE)
			normalise(net, i, b, rows, L->n_out);
		relu(b, (long)rows * L->n_out);
		float *t = a;
		a = b;
		b = t;
	}
	const int H = net->n_heads;
	if (net->head_hidden == 0) {
		linear_body(&net->head, a, rows, b);
		for (long i = 0; i < (long)rows * H; i++)
			out[i] = sigmoid(b[i]);
		return;
	}
	float *z = b + (long)BLOCK * net->head_hidden;
	for (int h = 0; h < H; h++) {
		linear_body(&net->head1[h], a, rows, b);
		relu(b, (long)rows * net->head_hidden);
		linear_body(&net->head2[h], b, rows, z);
		for (int r = 0; r < rows; r++)
			out[(long)r * H + h] = sigmoid(z[r]);
	}
}

/* The same body compiled for AVX2 and for the baseline (SSE2 on x86-64): the instructions
 * differ, the arithmetic does not. */
#if defined(__x86_64__) || defined(__i386__)
NO_COVERAGE __attribute__((target("avx2"))) static void block_avx2(const mrs_fwd_net *net, float *in,
							int rows, float *out, float *scratch)
{
	block_body(net, in, rows, out, scratch);
}
#endif

NO_COVERAGE static void block_base(const mrs_fwd_net *net, float *in, int rows, float *out,
				  float *scratch)
{
	block_body(net, in, rows, out, scratch);
}

typedef void (*block_fn)(const mrs_fwd_net *, float *, int, float *, float *);
static int forced_path; /* 0: by the CPU, 1: the baseline (mrs_fwd_force_baseline) */

static block_fn pick_block(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (!forced_path && __builtin_cpu_supports("avx2"))
		return block_avx2;
#endif
	return block_base;
}

const char *mrs_fwd_path(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return pick_block() == block_avx2 ? "avx2" : "sse2";
#else
	return "scalar";
#endif
}

void mrs_fwd_force_baseline(int on)
{
	forced_path = on != 0;
}

NO_COVERAGE void mrs_fwd_dense(const mrs_fwd_net *net, const float *x, int64_t n, float *out,
		   float *scratch)
{
	block_fn run_block = pick_block();
	const int w = max_width(net);
	float *in = scratch, *work = scratch + (long)BLOCK * w;
	for (int64_t lo = 0; lo < n; lo += BLOCK) {
		int rows = (int)(n - lo < BLOCK ? n - lo : BLOCK);
		memcpy(in, x + lo * net->n_in, sizeof(float) * (size_t)rows * (size_t)net->n_in);
		run_block(net, in, rows, out + lo * net->n_heads, work);
	}
}

/* The mean of the rows of ids[a, b) into row[0, D): summed in id order, then divided. */
static void bag_mean(const mrs_fwd_net *net, const int64_t *ids, int64_t a, int64_t b, float *row)
{
	const int D = net->bag_dim;
	memset(row, 0, sizeof(float) * (size_t)D);
	for (int64_t i = a; i < b; i++) {
		const float *e = net->bag + ids[i] * D;
		for (int d = 0; d < D; d++)
			row[d] = row[d] + e[d];
	}
	if (b > a)
		for (int d = 0; d < D; d++)
			row[d] = row[d] / (float)(b - a);
}

/* The element-wise maximum of the rows of ids[a, b) into row[0, D). */
static void bag_max(const mrs_fwd_net *net, const int64_t *ids, int64_t a, int64_t b, float *row)
{
	const int D = net->bag_dim;
	if (b <= a) {
		memset(row, 0, sizeof(float) * (size_t)D);
		return;
	}
	memcpy(row, net->bag + ids[a] * D, sizeof(float) * (size_t)D);
	for (int64_t i = a + 1; i < b; i++) {
		const float *e = net->bag + ids[i] * D;
		for (int d = 0; d < D; d++)
			row[d] = e[d] > row[d] ? e[d] : row[d];
	}
}

NO_COVERAGE void mrs_fwd_bag(const mrs_fwd_net *net, const int64_t *ids, const int64_t *offsets,
		 int64_t n, float *out, float *scratch)
{
	block_fn run_block = pick_block();
	const int w = max_width(net), W = net->n_in;
	float *in = scratch, *work = scratch + (long)BLOCK * w;
	for (int64_t lo = 0; lo < n; lo += BLOCK) {
		int rows = (int)(n - lo < BLOCK ? n - lo : BLOCK);
		for (int r = 0; r < rows; r++) {
			float *row = in + (long)r * W;
			int64_t a = offsets[lo + r] - offsets[0], b = offsets[lo + r + 1] - offsets[0];
			if (net->pool != MRS_FWD_POOL_MAX)
				bag_mean(net, ids, a, b, row);
			if (net->pool == MRS_FWD_POOL_MAX)
				bag_max(net, ids, a, b, row);
			else if (net->pool == MRS_FWD_POOL_MEAN_MAX)
				bag_max(net, ids, a, b, row + net->bag_dim);
		}
		run_block(net, in, rows, out + lo * net->n_heads, work);
	}
}
