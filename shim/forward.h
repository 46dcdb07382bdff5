/* forward.h: inference of the shim's models in plain C, the same bits for a row whatever
 * batch it is in, on any CPU and whatever BLAS kernel libtorch would pick. */
#ifndef MRS_FORWARD_H
#define MRS_FORWARD_H

/*
 * Why not libtorch: a BLAS kernel sums a dot product in an order that depends on the
 * kernel (OPENBLAS_CORETYPE, ATEN_CPU_CAPABILITY) and on the shape of the batch, so the
 * same row scored alone and among 300 others could differ in its last bits, and a model
 * scored on two machines could rank near-ties differently. Here every output is computed
 * by one fixed recipe (below), which the vector and scalar paths follow exactly:
 *
 *   Linear:     acc = 0; for k = 0 .. n_in-1: acc = acc + x[k] * w[k][j]  (a rounded
 *               product, then a rounded sum: no fused multiply-add); y = acc + b[j]
 *   LayerNorm:  the row's mean, then its biased variance, each summed in double as four
 *               partial sums (index mod 4) added as (s0 + s1) + (s2 + s3); with
 *               m = (float)mean and v = (float)(1 / sqrt(var + 1e-5)), in float:
 *               y = ((x - m) * v) * gamma + beta
 *   BatchNorm:  the same with m = running_mean and v = (float)(1 / sqrt(running_var + 1e-5))
 *   ReLU:       y = x > 0 ? x : 0
 *   bag mean:   the rows of the bag's ids summed in float in id order, divided by the count
 *               (an empty bag is all zeros)
 *   bag max:    the element-wise maximum of the rows of the bag's ids (exact in any order;
 *               an empty bag is all zeros)
 *   sigmoid:    (float)(1 / (1 + exp(-(double)z)))
 *
 * The vector path (AVX2 where the CPU has it, SSE2 otherwise) computes eight or four
 * outputs of the same row at once, each lane following the recipe, so it gives the
 * scalar path's bits. Training still runs in libtorch; only inference comes through here.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MRS_FWD_MAX_LAYERS 8

/* y[n_out] = x[n_in] . w + b, w stored input-major: w[k * n_out + j]. */
typedef struct mrs_fwd_linear {
	int n_in, n_out;
	const float *w; /* [n_in * n_out] */
	const float *b; /* [n_out] */
} mrs_fwd_linear;

enum { MRS_FWD_NORM_NONE = 0, MRS_FWD_NORM_LAYER = 1, MRS_FWD_NORM_BATCH = 2 };
/* A bag's pooling: the mean, the maximum, or the mean followed by the maximum (the
 * tower's input is then 2 x bag_dim wide). */
enum { MRS_FWD_POOL_MEAN = 0, MRS_FWD_POOL_MAX = 1, MRS_FWD_POOL_MEAN_MAX = 2 };

typedef struct mrs_fwd_norm {
	const float *gamma, *beta;  /* [width] */
	const float *mean, *var;    /* [width] BatchNorm's running statistics, else NULL */
} mrs_fwd_norm;

/* A network as mrs_torch.h describes it; every pointer is borrowed (the shim owns them). */
typedef struct mrs_fwd_net {
	int n_in;                 /* width of the tower's input (a bag model: bag_dim, or
				     2 x bag_dim for MRS_FWD_POOL_MEAN_MAX) */
	const float *bag;         /* [n_buckets * bag_dim] or NULL for a dense model */
	int64_t n_buckets;
	int bag_dim;
	int pool;                 /* MRS_FWD_POOL_* */
	int n_layers;
	mrs_fwd_linear tower[MRS_FWD_MAX_LAYERS];
	int norm;                 /* MRS_FWD_NORM_* */
	mrs_fwd_norm norms[MRS_FWD_MAX_LAYERS];
	int n_heads;
	int head_hidden;          /* 0: `head` maps the tower to n_heads outputs */
	mrs_fwd_linear head;
	const mrs_fwd_linear *head1, *head2; /* [n_heads] each when head_hidden > 0 */
} mrs_fwd_net;

/* Floats of scratch memory mrs_fwd_dense and mrs_fwd_bag need. */
int64_t mrs_fwd_scratch_floats(const mrs_fwd_net *net);

/* Probabilities of every head for n dense rows x [n, n_in] into out [n, n_heads]. */
void mrs_fwd_dense(const mrs_fwd_net *net, const float *x, int64_t n, float *out,
		   float *scratch);

/* Probabilities for n bags: row i's ids are ids[offsets[i] - offsets[0] ..
 * offsets[i+1] - offsets[0]), already reduced to [0, n_buckets). */
void mrs_fwd_bag(const mrs_fwd_net *net, const int64_t *ids, const int64_t *offsets,
		 int64_t n, float *out, float *scratch);

/* Which vector path runs: "avx2", "sse2" or "scalar" (for tests and benchmarks). */
const char *mrs_fwd_path(void);
/* Non-zero: run the baseline path even where the CPU has AVX2 (tests compare the two). */
void mrs_fwd_force_baseline(int on);

#ifdef __cplusplus
}
#endif
#endif
