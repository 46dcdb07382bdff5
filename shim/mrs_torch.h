/* mrs_torch.h: the C API over libtorch: models as opaque handles, float buffers in and out. */
#ifndef MRS_TORCH_H
#define MRS_TORCH_H

/*
 * Everything learned in minirecsys runs through this header; nothing else includes torch.
 * - Handles are incomplete struct types, created once and freed once (free accepts NULL).
 * - Every function returns MRS_T_OK (0) or a negative status; the message of the last
 *   failure on this thread is in mrs_torch_last_error(). No function throws or aborts.
 * - Tensors never cross the boundary: row-major float buffers and sizes do.
 * - libtorch runs with one intra-op and one inter-op thread; set OPENBLAS_NUM_THREADS=1
 *   in the environment before the process starts (the program does this itself).
 * - A handle is used by one thread at a time. Building a model and training one take a
 *   process-wide lock (torch's random generator is global), so they run one at a time.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { MRS_T_OK = 0, MRS_T_ERR = -1, MRS_T_CANCELLED = -2 };

/* Message of the last failure on the calling thread ("" if none). */
const char *mrs_torch_last_error(void);
/* libtorch version string, e.g. "1.13.1". */
const char *mrs_torch_version(void);
/* Sets libtorch's intra-op and inter-op thread counts (minirecsys uses 1). Idempotent; the
 * inter-op count is fixed by the first call. Called with 1 by mrs_tmodel_new, _load and
 * mrs_tembed_fit if it has not been called. The first call also sets glibc's malloc to keep
 * freed blocks under 32 MB in the heap (M_MMAP_THRESHOLD 32 MB, M_TRIM_THRESHOLD 128 MB):
 * training allocates tensors of a few hundred KB every step, and glibc's defaults turned
 * each into fresh pages from the kernel. */
int mrs_torch_init(int threads);

typedef struct mrs_tmodel mrs_tmodel;

enum {
	MRS_TK_MLP = 1, /* dense input [n, n_in] -> tower -> heads */
	MRS_TK_BAG = 2, /* sparse hashed ids per row -> mean embedding bag [bag_dim] -> tower -> heads */
};
enum { MRS_TNORM_NONE = 0, MRS_TNORM_LAYER = 1, MRS_TNORM_BATCH = 2 };
/* How a BAG model pools the embeddings of a row's ids (an empty bag pools to zeros). */
enum {
	MRS_TPOOL_MEAN = 0,     /* their mean: the tower's input is bag_dim wide */
	MRS_TPOOL_MAX = 1,      /* their element-wise maximum: bag_dim wide */
	MRS_TPOOL_MEAN_MAX = 2, /* the mean, then the maximum: 2 x bag_dim wide */
};
#define MRS_T_MAX_LAYERS 8

/* A model: an optional embedding bag (pooled as `pool` says), a shared tower of Linear
 * (+ norm) + ReLU (+ dropout) layers, then n_heads sigmoid outputs (one Linear to n_heads
 * when head_hidden is 0, else a small Linear(head_hidden) + ReLU + Linear(1) per head). */
typedef struct mrs_tspec {
	int kind;                     /* MRS_TK_MLP or MRS_TK_BAG */
	int n_in;                     /* MLP: input width */
	int64_t n_buckets;            /* BAG: number of hashed id buckets */
	int bag_dim;                  /* BAG: embedding width */
	int pool;                     /* BAG: MRS_TPOOL_* (MLP: 0) */
	int n_layers;                 /* tower depth, 0 .. MRS_T_MAX_LAYERS */
	int hidden[MRS_T_MAX_LAYERS]; /* tower widths */
	int norm;                     /* MRS_TNORM_* after each tower Linear */
	float dropout;                /* after each tower layer while training */
	int n_heads;                  /* >= 1 */
	int head_hidden;              /* 0: linear heads */
	uint64_t seed;                /* initialisation and training shuffles */
} mrs_tspec;

/* Builds a model with initial weights drawn from spec->seed. Fails (and sets *out to NULL)
 * on a spec out of range; the message names the field ("spec.n_heads: must be >= 1 (got 0)").
 * Beyond the limits above: widths and head_hidden <= 65536, bag_dim <= 4096,
 * n_buckets <= 2^30, n_heads <= 4096, at most 2^31 parameters. */
int mrs_tmodel_new(const mrs_tspec *spec, mrs_tmodel **out);
void mrs_tmodel_free(mrs_tmodel *m);
/* Copies the spec the model was built from. */
void mrs_tmodel_get_spec(const mrs_tmodel *m, mrs_tspec *out);
/* Number of trainable weights (BatchNorm's running statistics are not counted); -1 for NULL. */
int64_t mrs_tmodel_param_count(const mrs_tmodel *m);

/* Probabilities of every head for n rows, as the model scores them in eval mode, computed
 * by forward.h's fixed recipe rather than by libtorch: a row's output has the same bits
 * whatever batch it is in, on any CPU and BLAS kernel. MLP: x is [n, n_in]. out is
 * [n, n_heads]. */
int mrs_tmodel_forward(mrs_tmodel *m, const float *x, int64_t n, float *out);
/* BAG: row i's ids are ids[offsets[i] .. offsets[i+1]) (offsets has n+1 entries; ids are
 * taken modulo n_buckets). out is [n, n_heads]. */
int mrs_tmodel_forward_bag(mrs_tmodel *m, const int64_t *ids, const int64_t *offsets, int64_t n,
			   float *out);

/* The same probabilities computed by libtorch itself (its BLAS kernel, its summation
 * order): the reference the tests hold forward.h's recipe to. x for an MLP model,
 * ids/offsets for a BAG model (the other NULL). */
int mrs_tmodel_forward_reference(mrs_tmodel *m, const float *x, const int64_t *ids,
				 const int64_t *offsets, int64_t n, float *out);

/* Called after every `report_every` rows and at the end of each epoch; return non-zero
 * to cancel (training then returns MRS_T_CANCELLED and the model keeps the weights it
 * had before training started). epoch counts from 1; rows_done counts rows (edges for
 * mrs_tembed_fit) of the current epoch and rows_total is one epoch's worth; loss is the
 * mean training loss of the epoch so far. */
typedef int (*mrs_tprogress_fn)(void *ud, int epoch, int epochs, int64_t rows_done,
				int64_t rows_total, double loss);

typedef struct mrs_ttrain {
	/* data: MLP uses x [n, n_in]; BAG uses ids/offsets as in forward_bag */
	const float *x;
	const int64_t *ids, *offsets;
	int64_t n;
	const float *y;        /* [n, n_heads] labels in {0, 1}; NaN masks a (row, head) out */
	const float *head_weight; /* [n_heads] loss weight per head, NULL for all 1 */
	const float *pos_weight;  /* [n_heads] BCE positive-class weight, NULL for all 1 */
	int epochs;
	int batch;
	float lr;              /* Adam */
	float weight_decay;
	mrs_tprogress_fn progress;
	void *ud;
	int64_t report_every;  /* rows between progress calls (0: once per epoch) */
	float *epoch_loss;     /* out, optional: [epochs] mean training loss per epoch */
	/* BAG: each id of a training row is left out with this probability, drawn afresh
	 * every epoch (0: none; a row may lose them all and pool to zeros) */
	float id_dropout;
	int lr_decay;          /* non-zero: the learning rate falls linearly from lr to 0 over
				  the whole training (step by step), else it stays lr */
} mrs_ttrain;

/* Adam over shuffled minibatches (the same spec.seed gives the same result). The loss is
 * BCE with logits averaged over the labelled (row, head) cells, each weighted by its
 * head_weight; NaN labels and zero-weight heads add nothing. A BAG model's embedding rows
 * take "lazy" Adam steps: only the rows a batch uses are updated, so a step costs
 * O(batch) whatever n_buckets is. With MRS_TNORM_BATCH a last batch of one row joins the
 * batch before it. Labels must be in [0, 1] or NaN. */
int mrs_tmodel_train(mrs_tmodel *m, const mrs_ttrain *t);

/* Makes head `head`'s logit a x z + b (z: its logit so far) by rescaling the weights and
 * bias of its last Linear layer: the model's own probabilities become the
 * sigmoid(a z + b) of a Platt scaling, through every forward and in the saved file. */
int mrs_tmodel_scale_logit(mrs_tmodel *m, int head, float a, float b);

/* Writes the model to fd, an open file the caller made (the library's temporary file,
 * which it then syncs and renames into place: the shim creates no files); name is the
 * file named in messages. meta_json (may be NULL) is stored alongside and returned by
 * load. A failed write (e.g. a full disk) fails naming name. */
int mrs_tmodel_write(const mrs_tmodel *m, int fd, const char *name, const char *meta_json);
/* Loads a model written by mrs_tmodel_write. A missing, truncated, foreign or wrong-version
 * file fails with a message naming the file. *meta_json_out (optional) is malloc'd; it is
 * "" when the model was saved without meta. */
int mrs_tmodel_load(const char *path, mrs_tmodel **out, char **meta_json_out);

/*
 * Translation embeddings (TwHIN): nodes of one shared id space, relations with their own
 * translation vectors. Edge score: dot(E[lhs], E[rhs] + R[rel]). Trained with in-batch
 * negatives (each positive against the other rows' rhs of the same batch) and BCE.
 * Each batch is cut into groups of negatives + 1 edges and every positive is scored
 * against the rhs of the rest of its group (negatives >= batch - 1: the whole batch).
 * Updates are row-wise Adagrad on the rows a batch uses, so a step costs
 * O(batch x dim) whatever n_nodes is. Nodes start at N(0, 1/dim), relations at 0.
 * node_out and rel_out are the working tables (no second copy is made); on failure or
 * cancel they are zeroed.
 */
typedef struct mrs_tembed_train {
	int64_t n_nodes;
	int n_rel;
	int dim;
	const int64_t *lhs, *rhs; /* [n_edges] node ids */
	const int32_t *rel;       /* [n_edges] relation ids */
	int64_t n_edges;
	int epochs;
	int batch;
	int negatives;            /* in-batch negatives per positive */
	float lr;
	uint64_t seed;
	mrs_tprogress_fn progress;
	void *ud;
	int64_t report_every;
	float *epoch_loss;        /* out, optional: [epochs] */
	float *node_out;          /* out: [n_nodes, dim] */
	float *rel_out;           /* out: [n_rel, dim] */
} mrs_tembed_train;

int mrs_tembed_fit(const mrs_tembed_train *t);

#ifdef __cplusplus
}
#endif
#endif
