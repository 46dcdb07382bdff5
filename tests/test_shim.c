/* test_shim.c: the libtorch shim: validation, forward, training, save/load, embeddings. */
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>

#include "testutil.h"
#include "forward.h"
#include "mrs_torch.h"

/* ---------------------------------------------------------------- helpers */

#define assert_t_ok(call)                                                               \
	do {                                                                            \
		if ((call) != MRS_T_OK)                                                 \
			fail_msg("%s failed: %s", #call, mrs_torch_last_error());       \
	} while (0)

/* The call fails with MRS_T_ERR and the message contains `want`. */
#define assert_t_err(call, want)                                                        \
	do {                                                                            \
		int rc_ = (call);                                                       \
		if (rc_ != MRS_T_ERR)                                                   \
			fail_msg("%s returned %d, expected MRS_T_ERR", #call, rc_);     \
		if (!strstr(mrs_torch_last_error(), (want)))                            \
			fail_msg("%s: message '%s' lacks '%s'", #call,                  \
				 mrs_torch_last_error(), (want));                       \
	} while (0)

static mrs_tspec mlp_spec(int n_in, int h1, int h2, int heads)
{
	mrs_tspec s;
	memset(&s, 0, sizeof s);
	s.kind = MRS_TK_MLP;
	s.n_in = n_in;
	s.n_layers = h2 > 0 ? 2 : h1 > 0 ? 1 : 0;
	s.hidden[0] = h1;
	s.hidden[1] = h2;
	s.n_heads = heads;
	s.seed = 42;
	return s;
}

static mrs_tspec bag_spec(int64_t buckets, int dim, int h1, int heads)
{
	mrs_tspec s = mlp_spec(0, h1, 0, heads);
	s.kind = MRS_TK_BAG;
	s.n_buckets = buckets;
	s.bag_dim = dim;
	return s;
}

/* Two specs field by field (a struct copy need not copy the padding before `seed`). */
static void assert_spec_equal(const mrs_tspec *a, const mrs_tspec *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->n_in, b->n_in);
	assert_int_equal(a->n_buckets, b->n_buckets);
	assert_int_equal(a->bag_dim, b->bag_dim);
	assert_int_equal(a->pool, b->pool);
	assert_int_equal(a->n_layers, b->n_layers);
	assert_memory_equal(a->hidden, b->hidden, sizeof a->hidden);
	assert_int_equal(a->norm, b->norm);
	assert_memory_equal(&a->dropout, &b->dropout, sizeof a->dropout);
	assert_int_equal(a->n_heads, b->n_heads);
	assert_int_equal(a->head_hidden, b->head_hidden);
	assert_int_equal(a->seed, b->seed);
}

static mrs_tmodel *new_model(const mrs_tspec *s)
{
	mrs_tmodel *m = NULL;
	assert_t_ok(mrs_tmodel_new(s, &m));
	assert_non_null(m);
	return m;
}

static float *fill_normal(int64_t n, uint64_t seed)
{
	float *v = malloc((size_t)n * sizeof *v);
	assert_non_null(v);
	mrs_rng r;
	mrs_rng_seed(&r, seed);
	for (int64_t i = 0; i < n; i++)
		v[i] = (float)mrs_rng_normal(&r);
	return v;
}

/* Area under the ROC curve of scores[i*stride] against labels (ties count half). */
static double auc(const float *scores, int stride, const float *labels, int lstride, int64_t n)
{
	double wins = 0, pairs = 0;
	for (int64_t i = 0; i < n; i++) {
		if (labels[i * lstride] != 1)
			continue;
		for (int64_t j = 0; j < n; j++) {
			if (labels[j * lstride] != 0)
				continue;
			float a = scores[i * stride], b = scores[j * stride];
			wins += a > b ? 1 : a == b ? 0.5 : 0;
			pairs++;
		}
	}
	assert_true(pairs > 0);
	return wins / pairs;
}

/* A dense problem with two heads: head 0 is a linear rule on all inputs, head 1 depends on
 * the first input only. x is [n, n_in], y is [n, 2]. */
enum { SEP_IN = 10 };
static void separable(int64_t n, uint64_t seed, float **x, float **y)
{
	static const float w[SEP_IN] = {1.0f, -2.0f, 0.5f, 1.5f, 0, 0, -1.0f, 0.3f, 0, 2.0f};
	*x = fill_normal(n * SEP_IN, seed);
	*y = malloc((size_t)n * 2 * sizeof **y);
	assert_non_null(*y);
	for (int64_t i = 0; i < n; i++) {
		float dot = 0;
		for (int k = 0; k < SEP_IN; k++)
			dot += w[k] * (*x)[i * SEP_IN + k];
		(*y)[i * 2] = dot > 0;
		(*y)[i * 2 + 1] = (*x)[i * SEP_IN] > 0.5f;
	}
}

static mrs_ttrain train_args(const float *x, const float *y, int64_t n, int epochs, float *loss)
{
	mrs_ttrain t;
	memset(&t, 0, sizeof t);
	t.x = x;
	t.y = y;
	t.n = n;
	t.epochs = epochs;
	t.batch = 64;
	t.lr = 0.01f;
	t.epoch_loss = loss;
	return t;
}

static float *forward(mrs_tmodel *m, const float *x, int64_t n)
{
	mrs_tspec s;
	mrs_tmodel_get_spec(m, &s);
	float *out = malloc((size_t)n * s.n_heads * sizeof *out);
	assert_non_null(out);
	assert_t_ok(mrs_tmodel_forward(m, x, n, out));
	return out;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	void *buf = malloc(*size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *size, f), *size);
	fclose(f);
	return buf;
}

static void write_file(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	fclose(f);
}

/* Writes m to path (created or truncated) with mrs_tmodel_write: the shim's part of a
 * save; the library's temporary file and rename are tested with the library. */
static int save_model(const mrs_tmodel *m, const char *path, const char *meta)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	int st = mrs_tmodel_write(m, fd, path, meta);
	assert_int_equal(close(fd), 0);
	return st;
}

/* ---------------------------------------------------------------- validation */

static void expect_bad_spec(mrs_tspec s, const char *field)
{
	mrs_tmodel *m = (mrs_tmodel *)&s; /* must be reset to NULL on failure */
	assert_t_err(mrs_tmodel_new(&s, &m), field);
	assert_null(m);
}

static void test_bad_specs(void **state)
{
	(void)state;
	mrs_tspec ok = mlp_spec(8, 16, 8, 2), s;
	mrs_tmodel_free(new_model(&ok));

	s = ok, s.n_heads = 0;
	expect_bad_spec(s, "spec.n_heads: must be >= 1 (got 0)");
	s = ok, s.n_layers = MRS_T_MAX_LAYERS + 1;
	expect_bad_spec(s, "spec.n_layers");
	s = ok, s.n_layers = -1;
	expect_bad_spec(s, "spec.n_layers");
	s = ok, s.hidden[1] = 0;
	expect_bad_spec(s, "spec.hidden[1]");
	s = ok, s.n_in = 0;
	expect_bad_spec(s, "spec.n_in");
	s = ok, s.dropout = 1.0f;
	expect_bad_spec(s, "spec.dropout");
	s = ok, s.dropout = -0.1f;
	expect_bad_spec(s, "spec.dropout");
	s = ok, s.dropout = NAN;
	expect_bad_spec(s, "spec.dropout");
	s = ok, s.kind = 7;
	expect_bad_spec(s, "spec.kind");
	s = ok, s.norm = 3;
	expect_bad_spec(s, "spec.norm");
	s = ok, s.head_hidden = -4;
	expect_bad_spec(s, "spec.head_hidden");

	mrs_tspec bag = bag_spec(100, 8, 0, 1);
	mrs_tmodel_free(new_model(&bag));
	s = bag, s.n_buckets = 0;
	expect_bad_spec(s, "spec.n_buckets");
	s = bag, s.bag_dim = 0;
	expect_bad_spec(s, "spec.bag_dim");
	s = bag, s.pool = 3;
	expect_bad_spec(s, "spec.pool: must be <= 2 (got 3)");
	s = bag, s.pool = -1;
	expect_bad_spec(s, "spec.pool");
	s = ok, s.pool = MRS_TPOOL_MAX; /* an MLP has nothing to pool */
	expect_bad_spec(s, "spec.pool: must be <= 0 (got 1)");

	mrs_tmodel *m = NULL;
	assert_t_err(mrs_tmodel_new(NULL, &m), "spec is NULL");
	assert_t_err(mrs_tmodel_new(&ok, NULL), "out is NULL");
}

static void test_bad_arguments(void **state)
{
	(void)state;
	mrs_tspec s = mlp_spec(4, 8, 0, 2);
	mrs_tmodel *m = new_model(&s);
	float x[8] = {0}, out[4], y[4] = {0, 1, 1, 0};

	assert_t_err(mrs_tmodel_forward(NULL, x, 2, out), "model is NULL");
	assert_t_err(mrs_tmodel_forward(m, NULL, 2, out), "x is NULL");
	assert_t_err(mrs_tmodel_forward(m, x, 2, NULL), "out is NULL");
	assert_t_err(mrs_tmodel_forward(m, x, -1, out), "n must be >= 0 (got -1)");
	assert_t_ok(mrs_tmodel_forward(m, NULL, 0, NULL));
	int64_t offsets[3] = {0, 1, 2}, ids[2] = {1, 2};
	assert_t_err(mrs_tmodel_forward_bag(m, ids, offsets, 2, out), "MLP");

	mrs_ttrain t = train_args(x, y, 2, 1, NULL);
	assert_t_err(mrs_tmodel_train(NULL, &t), "model is NULL");
	assert_t_err(mrs_tmodel_train(m, NULL), "t is NULL");
	t.n = -3;
	assert_t_err(mrs_tmodel_train(m, &t), "train.n");
	t = train_args(x, NULL, 2, 1, NULL);
	assert_t_err(mrs_tmodel_train(m, &t), "train.y");
	t = train_args(NULL, y, 2, 1, NULL);
	assert_t_err(mrs_tmodel_train(m, &t), "train.x");
	t = train_args(x, y, 2, 0, NULL);
	assert_t_err(mrs_tmodel_train(m, &t), "train.epochs");
	t = train_args(x, y, 2, 1, NULL), t.batch = 0;
	assert_t_err(mrs_tmodel_train(m, &t), "train.batch");
	t = train_args(x, y, 2, 1, NULL), t.lr = 0;
	assert_t_err(mrs_tmodel_train(m, &t), "train.lr");
	t = train_args(x, y, 2, 1, NULL), t.report_every = -1;
	assert_t_err(mrs_tmodel_train(m, &t), "train.report_every");
	float bad_y[4] = {0, 1, 2, 0};
	t = train_args(x, bad_y, 2, 1, NULL);
	assert_t_err(mrs_tmodel_train(m, &t), "train.y[1, 0]");
	float pw[2] = {1, 0};
	t = train_args(x, y, 2, 1, NULL), t.pos_weight = pw;
	assert_t_err(mrs_tmodel_train(m, &t), "train.pos_weight[1]");
	t = train_args(x, y, 2, 1, NULL), t.id_dropout = 0.5f;
	assert_t_err(mrs_tmodel_train(m, &t), "train.id_dropout: an MLP model has no ids");
	t = train_args(x, y, 2, 1, NULL), t.id_dropout = 1;
	assert_t_err(mrs_tmodel_train(m, &t), "train.id_dropout: must be in [0, 1)");

	assert_t_err(mrs_tmodel_scale_logit(NULL, 0, 1, 0), "model is NULL");
	assert_t_err(mrs_tmodel_scale_logit(m, 2, 1, 0), "head 2 is outside 0..1");
	assert_t_err(mrs_tmodel_scale_logit(m, 0, NAN, 0), "finite");

	assert_t_err(mrs_tmodel_write(NULL, 1, "x", NULL), "model is NULL");
	assert_t_err(mrs_tmodel_write(m, -1, "x", NULL), "no file descriptor");
	mrs_tmodel *l = NULL;
	assert_t_err(mrs_tmodel_load(NULL, &l, NULL), "path is NULL");
	assert_t_err(mrs_tmodel_load("/tmp/x", NULL, NULL), "out is NULL");
	assert_int_equal(mrs_tmodel_param_count(NULL), -1);
	assert_t_err(mrs_tembed_fit(NULL), "t is NULL");
	assert_t_err(mrs_torch_init(0), "threads");
	mrs_tmodel_get_spec(NULL, &s);
	mrs_tmodel_get_spec(m, NULL);
	mrs_tmodel_free(NULL);

	mrs_tspec b = bag_spec(50, 4, 0, 2);
	mrs_tmodel *bm = new_model(&b);
	int64_t back[3] = {0, 2, 1};
	assert_t_err(mrs_tmodel_forward_bag(bm, ids, back, 2, out), "offsets[2]");
	assert_t_err(mrs_tmodel_forward_bag(bm, ids, NULL, 2, out), "offsets is NULL");
	assert_t_err(mrs_tmodel_forward_bag(bm, NULL, offsets, 2, out), "ids is NULL");
	assert_t_err(mrs_tmodel_forward(bm, x, 2, out), "BAG");
	mrs_tmodel_free(bm);
	mrs_tmodel_free(m);
}

static void test_last_error(void **state)
{
	(void)state;
	mrs_tspec s = mlp_spec(4, 8, 0, 0);
	mrs_tmodel *m = NULL;
	assert_int_equal(mrs_tmodel_new(&s, &m), MRS_T_ERR);
	assert_string_equal(mrs_torch_last_error(), "spec.n_heads: must be >= 1 (got 0)");
	/* a success does not erase the last failure */
	assert_int_equal(mrs_torch_init(1), MRS_T_OK);
	assert_string_equal(mrs_torch_last_error(), "spec.n_heads: must be >= 1 (got 0)");
	assert_non_null(strstr(mrs_torch_version(), "1."));
}

/* ---------------------------------------------------------------- shape and forward */

static int64_t expected_params(const mrs_tspec *s)
{
	int64_t n = 0, w = s->kind == MRS_TK_BAG ? s->bag_dim : s->n_in;
	if (s->pool == MRS_TPOOL_MEAN_MAX)
		w *= 2; /* the mean and the maximum side by side */
	if (s->kind == MRS_TK_BAG)
		n += s->n_buckets * s->bag_dim;
	for (int i = 0; i < s->n_layers; i++) {
		n += w * s->hidden[i] + s->hidden[i];
		if (s->norm != MRS_TNORM_NONE)
			n += 2 * s->hidden[i];
		w = s->hidden[i];
	}
	if (s->head_hidden == 0)
		return n + w * s->n_heads + s->n_heads;
	return n + s->n_heads * (w * s->head_hidden + s->head_hidden + s->head_hidden + 1);
}

static void test_param_count(void **state)
{
	(void)state;
	mrs_tspec a = mlp_spec(5, 7, 3, 4);
	a.norm = MRS_TNORM_LAYER;
	/* 5*7+7 + 2*7 + 7*3+3 + 2*3 + 3*4+4 */
	assert_int_equal(expected_params(&a), 42 + 14 + 24 + 6 + 16);
	mrs_tmodel *m = new_model(&a);
	assert_int_equal(mrs_tmodel_param_count(m), 102);
	mrs_tmodel_free(m);

	mrs_tspec b = mlp_spec(6, 9, 0, 3);
	b.norm = MRS_TNORM_BATCH;
	b.head_hidden = 5;
	b.dropout = 0.2f;
	m = new_model(&b);
	assert_int_equal(mrs_tmodel_param_count(m), expected_params(&b));
	mrs_tmodel_free(m);

	mrs_tspec c = bag_spec(1000, 12, 0, 2);
	m = new_model(&c);
	assert_int_equal(mrs_tmodel_param_count(m), 1000 * 12 + 12 * 2 + 2);
	mrs_tmodel_free(m);
	c.pool = MRS_TPOOL_MEAN_MAX; /* the tower reads 24 wide */
	m = new_model(&c);
	assert_int_equal(mrs_tmodel_param_count(m), 1000 * 12 + 24 * 2 + 2);
	assert_int_equal(expected_params(&c), 1000 * 12 + 24 * 2 + 2);
	mrs_tmodel_free(m);
}

static void test_forward_values(void **state)
{
	(void)state;
	mrs_tspec s = mlp_spec(24, 16, 8, 3);
	s.norm = MRS_TNORM_LAYER;
	mrs_tmodel *m = new_model(&s);
	enum { N = 50 };
	float *x = fill_normal(N * 24, 1);
	float out[(N + 1) * 3];
	for (int i = 0; i < (N + 1) * 3; i++)
		out[i] = -1;
	assert_t_ok(mrs_tmodel_forward(m, x, N, out));
	for (int i = 0; i < N * 3; i++)
		assert_true(out[i] > 0 && out[i] < 1);
	for (int i = N * 3; i < (N + 1) * 3; i++)
		assert_true(out[i] == -1); /* nothing written past n rows */
	/* rows are independent in eval mode: one row alone gives the same answer */
	float one[3];
	assert_t_ok(mrs_tmodel_forward(m, x + 7 * 24, 1, one));
	for (int k = 0; k < 3; k++)
		assert_float_equal(one[k], out[7 * 3 + k], 1e-6);
	free(x);
	mrs_tmodel_free(m);
}

static void test_forward_bag(void **state)
{
	(void)state;
	mrs_tspec s = bag_spec(100, 8, 16, 2);
	s.head_hidden = 4;
	mrs_tmodel *m = new_model(&s);
	/* rows: {3, 5}, {}, {103, 105} (same buckets as row 0), {-97, 5} (-97 mod 100 = 3) */
	int64_t ids[] = {3, 5, 103, 105, -97, 5};
	int64_t offsets[] = {0, 2, 2, 4, 6};
	float out[4 * 2 + 1];
	out[8] = -1;
	assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, 4, out));
	for (int i = 0; i < 8; i++)
		assert_true(out[i] > 0 && out[i] < 1);
	assert_true(out[8] == -1);
	for (int k = 0; k < 2; k++) {
		assert_float_equal(out[0 + k], out[4 + k], 1e-6);
		assert_float_equal(out[0 + k], out[6 + k], 1e-6);
	}
	assert_true(out[0] != out[2]); /* an empty bag differs from a full one */
	/* offsets need not start at 0: rows 2..3 alone */
	float part[4];
	assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets + 2, 2, part));
	assert_memory_equal(part, out + 4, sizeof part);
	mrs_tmodel_free(m);

	/* max and mean-max pooling: a row's order does not matter, nor does a repeated id
	 * to a maximum; an empty bag pools to zeros (the same output as a bag of an all-zero
	 * row would give) */
	int64_t mids[] = {3, 5, 5, 3, 3, 5, 5};
	int64_t moff[] = {0, 2, 4, 7, 7};
	for (int pool = MRS_TPOOL_MAX; pool <= MRS_TPOOL_MEAN_MAX; pool++) {
		s = bag_spec(100, 8, 16, 1);
		s.pool = pool;
		m = new_model(&s);
		float o[4];
		assert_t_ok(mrs_tmodel_forward_bag(m, mids, moff, 4, o));
		assert_true(o[0] == o[1]); /* {3, 5} and {5, 3} */
		if (pool == MRS_TPOOL_MAX)
			assert_true(o[2] == o[0]); /* {3, 3, 5, 5}: the same maximum */
		assert_true(o[3] > 0 && o[3] < 1 && o[3] != o[0]);
		mrs_tmodel_free(m);
	}
}

/* ---------------------------------------------------------------- training */

static void test_train_separable(void **state)
{
	(void)state;
	enum { N = 4000, NT = 1000 };
	float *x, *y, *tx, *ty;
	separable(N, 10, &x, &y);
	separable(NT, 11, &tx, &ty);
	mrs_tspec s = mlp_spec(SEP_IN, 32, 16, 2);
	s.norm = MRS_TNORM_BATCH;
	mrs_tmodel *m = new_model(&s);
	float loss[4];
	mrs_ttrain t = train_args(x, y, N, 4, loss);
	t.batch = 50; /* a batch-norm model with a last batch of one row works too */
	t.n = N - 49;
	assert_t_ok(mrs_tmodel_train(m, &t));
	assert_true(isfinite(loss[0]) && isfinite(loss[3]));
	assert_true(loss[3] < loss[0]);
	float *p = forward(m, tx, NT);
	double a0 = auc(p, 2, ty, 2, NT), a1 = auc(p + 1, 2, ty + 1, 2, NT);
	assert_true(a0 > 0.9);
	assert_true(a1 > 0.9);
	free(p), free(x), free(y), free(tx), free(ty);
	mrs_tmodel_free(m);
}

static void test_train_nan_labels(void **state)
{
	(void)state;
	enum { N = 3000, NT = 800 };
	float *x, *y, *tx, *ty;
	separable(N, 20, &x, &y);
	separable(NT, 21, &tx, &ty);
	float *y_nan = malloc(N * 2 * sizeof *y_nan);
	memcpy(y_nan, y, N * 2 * sizeof *y_nan);
	for (int i = 0; i < N; i++)
		y_nan[i * 2 + 1] = NAN;
	mrs_tspec s = mlp_spec(SEP_IN, 16, 0, 2);
	float hw_zero[2] = {1, 0};
	float la[3], lb[3], lc[3];

	/* A: head 1 all NaN. B: head 1 labelled but weighted 0. C: both heads count. */
	mrs_tmodel *a = new_model(&s), *b = new_model(&s), *c = new_model(&s);
	mrs_ttrain t = train_args(x, y_nan, N, 3, la);
	assert_t_ok(mrs_tmodel_train(a, &t));
	t = train_args(x, y, N, 3, lb);
	t.head_weight = hw_zero;
	assert_t_ok(mrs_tmodel_train(b, &t));
	t = train_args(x, y, N, 3, lc);
	assert_t_ok(mrs_tmodel_train(c, &t));

	/* a masked head contributes nothing: A and B train identically, C does not */
	assert_memory_equal(la, lb, sizeof la);
	assert_true(memcmp(la, lc, sizeof la) != 0);
	for (int e = 0; e < 3; e++)
		assert_true(isfinite(la[e]) && la[e] > 0);
	float *pa = forward(a, tx, NT), *pb = forward(b, tx, NT);
	for (int i = 0; i < NT; i++)
		assert_true(pa[i * 2] == pb[i * 2]);
	assert_true(auc(pa, 2, ty, 2, NT) > 0.9);

	free(pa), free(pb), free(x), free(y), free(y_nan), free(tx), free(ty);
	mrs_tmodel_free(a), mrs_tmodel_free(b), mrs_tmodel_free(c);
}

static void test_train_deterministic(void **state)
{
	(void)state;
	enum { N = 1500 };
	float *x, *y;
	separable(N, 30, &x, &y);
	mrs_tspec s = mlp_spec(SEP_IN, 16, 8, 2);
	s.dropout = 0.3f; /* dropout draws from the seeded generator */
	s.head_hidden = 4;
	float pw[2] = {2, 0.5f};
	mrs_tmodel *m[3];
	float *p[3], loss[3][2];
	for (int i = 0; i < 3; i++) {
		s.seed = i < 2 ? 5 : 6;
		m[i] = new_model(&s);
		mrs_ttrain t = train_args(x, y, N, 2, loss[i]);
		t.pos_weight = pw;
		assert_t_ok(mrs_tmodel_train(m[i], &t));
		p[i] = forward(m[i], x, N);
	}
	assert_memory_equal(p[0], p[1], N * 2 * sizeof(float));
	assert_memory_equal(loss[0], loss[1], sizeof loss[0]);
	assert_true(memcmp(p[0], p[2], N * 2 * sizeof(float)) != 0);
	for (int i = 0; i < 3; i++)
		free(p[i]), mrs_tmodel_free(m[i]);
	free(x), free(y);
}

struct calls {
	int n, cancel_at, last_epoch;
	int64_t last_done;
};

static int on_progress(void *ud, int epoch, int epochs, int64_t done, int64_t total, double loss)
{
	struct calls *c = ud;
	assert_true(epoch >= 1 && epoch <= epochs);
	assert_true(done > 0 && done <= total);
	assert_true(epoch > c->last_epoch || done > c->last_done);
	assert_true(isfinite(loss));
	c->last_epoch = epoch, c->last_done = done;
	return ++c->n == c->cancel_at;
}

static void test_train_progress_and_cancel(void **state)
{
	(void)state;
	enum { N = 1000 };
	float *x, *y;
	separable(N, 40, &x, &y);
	mrs_tspec s = mlp_spec(SEP_IN, 16, 0, 2);
	s.norm = MRS_TNORM_BATCH; /* running statistics must be restored too */
	mrs_tmodel *m = new_model(&s);

	/* 2 epochs of 1000 rows, a report every 300: 3 in-epoch reports + 1 at the end each */
	struct calls c = {0, 0, 0, 0};
	mrs_ttrain t = train_args(x, y, N, 2, NULL);
	t.progress = on_progress, t.ud = &c, t.report_every = 300;
	assert_t_ok(mrs_tmodel_train(m, &t));
	assert_int_equal(c.n, 8);

	float *before = forward(m, x, N);
	c = (struct calls){0, 5, 0, 0}; /* cancel in the second epoch */
	assert_int_equal(mrs_tmodel_train(m, &t), MRS_T_CANCELLED);
	assert_int_equal(c.n, 5);
	assert_non_null(strstr(mrs_torch_last_error(), "cancel"));
	float *after = forward(m, x, N);
	assert_memory_equal(before, after, N * 2 * sizeof(float));
	free(before), free(after), free(x), free(y);
	mrs_tmodel_free(m);
}

/* Rows of 2..7 random ids in 0..199; id 7 appears in about a third of them, which are the
 * positives. */
static void keyword_rows(int n, uint64_t seed, int64_t **ids, int64_t **offsets, float **y)
{
	mrs_rng r;
	mrs_rng_seed(&r, seed);
	*ids = malloc((size_t)n * 8 * sizeof **ids);
	*offsets = malloc((size_t)(n + 1) * sizeof **offsets);
	*y = malloc((size_t)n * sizeof **y);
	int64_t k = 0;
	for (int i = 0; i < n; i++) {
		(*offsets)[i] = k;
		int len = 2 + (int)mrs_rng_below(&r, 6), pos = mrs_rng_uniform(&r) < 0.33;
		for (int j = 0; j < len; j++) {
			int64_t id = mrs_rng_below(&r, 200);
			(*ids)[k++] = id == 7 ? 8 : id;
		}
		if (pos)
			(*ids)[(*offsets)[i] + mrs_rng_below(&r, (uint32_t)len)] = 7;
		(*y)[i] = (float)pos;
	}
	(*offsets)[n] = k;
}

static void test_bag_keyword(void **state)
{
	(void)state;
	enum { N = 4000, NT = 800 };
	int64_t *ids, *offsets, *tids, *toffsets;
	float *y, *ty;
	keyword_rows(N, 50, &ids, &offsets, &y);
	keyword_rows(NT, 51, &tids, &toffsets, &ty);
	mrs_tspec s = bag_spec(1 << 12, 16, 16, 1);
	mrs_tmodel *m = new_model(&s);
	float loss[3];
	mrs_ttrain t = train_args(NULL, y, N, 3, loss);
	t.ids = ids, t.offsets = offsets, t.lr = 0.02f;
	assert_t_ok(mrs_tmodel_train(m, &t));
	assert_true(loss[2] < loss[0]);
	float *p = malloc(NT * sizeof *p);
	assert_t_ok(mrs_tmodel_forward_bag(m, tids, toffsets, NT, p));
	assert_true(auc(p, 1, ty, 1, NT) > 0.9);

	/* a cancelled BAG training restores the embedding rows it touched */
	float *q = malloc(NT * sizeof *q);
	struct calls c = {0, 1, 0, 0};
	t.progress = on_progress, t.ud = &c, t.report_every = 1000;
	assert_int_equal(mrs_tmodel_train(m, &t), MRS_T_CANCELLED);
	assert_t_ok(mrs_tmodel_forward_bag(m, tids, toffsets, NT, q));
	assert_memory_equal(p, q, NT * sizeof *p);
	free(p), free(q), free(ids), free(offsets), free(y), free(tids), free(toffsets), free(ty);
	mrs_tmodel_free(m);
}

/* The C forward (forward.h) against libtorch's own, and its promise: a row's bits do not
 * depend on the batch around it nor on the vector path. Widths that are not multiples of
 * the vector blocks exercise every tail; a short training moves the weights (and batch
 * norm's running statistics) away from their initial values. */
static void check_recipe(mrs_tmodel *m, const float *x, const int64_t *ids,
			 const int64_t *offsets, int64_t n, int heads)
{
	float *ref = malloc((size_t)(n * heads) * sizeof *ref);
	float *out = malloc((size_t)(n * heads) * sizeof *out);
	float *base = malloc((size_t)(n * heads) * sizeof *base);
	assert_t_ok(mrs_tmodel_forward_reference(m, x, ids, offsets, n, ref));
	if (x)
		assert_t_ok(mrs_tmodel_forward(m, x, n, out));
	else
		assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, n, out));
	for (int64_t i = 0; i < n * heads; i++)
		if (fabsf(out[i] - ref[i]) > 2e-5f)
			fail_msg("row %lld head %lld: %.9g, libtorch %.9g", (long long)(i / heads),
				 (long long)(i % heads), out[i], ref[i]);
	mrs_fwd_force_baseline(1);
	if (x)
		assert_t_ok(mrs_tmodel_forward(m, x, n, base));
	else
		assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, n, base));
	mrs_fwd_force_baseline(0);
	assert_memory_equal(out, base, (size_t)(n * heads) * sizeof *out);
	/* every row alone, and rows 3.. as one batch starting at another offset */
	float one[8], *sub = malloc((size_t)(n * heads) * sizeof *sub);
	mrs_tspec spec;
	mrs_tmodel_get_spec(m, &spec);
	const int in = spec.n_in;
	for (int64_t i = 0; i < n; i++) {
		if (x)
			assert_t_ok(mrs_tmodel_forward(m, x + i * in, 1, one));
		else
			assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets + i, 1, one));
		assert_memory_equal(one, out + i * heads, (size_t)heads * sizeof *one);
	}
	if (x)
		assert_t_ok(mrs_tmodel_forward(m, x + 3 * in, n - 3, sub));
	else
		assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets + 3, n - 3, sub));
	assert_memory_equal(sub, out + 3 * heads, (size_t)((n - 3) * heads) * sizeof *sub);
	free(ref), free(out), free(base), free(sub);
}

static void test_forward_recipe(void **state)
{
	(void)state;
	enum { N = 203, IN = 37 };
	float *x = fill_normal(N * IN, 3), *y = malloc(N * 5 * sizeof *y);
	for (int i = 0; i < N * 5; i++)
		y[i] = x[i % (N * IN)] > 0.3f;
	const int norms[] = {MRS_TNORM_NONE, MRS_TNORM_LAYER, MRS_TNORM_BATCH};
	for (int k = 0; k < 3; k++) {
		mrs_tspec s = mlp_spec(IN, 45, 13, 5);
		s.norm = norms[k];
		s.head_hidden = k == 2 ? 6 : 0;
		mrs_tmodel *m = new_model(&s);
		mrs_ttrain t = train_args(x, y, N, 2, NULL);
		assert_t_ok(mrs_tmodel_train(m, &t));
		check_recipe(m, x, NULL, NULL, N, 5);
		mrs_tmodel_free(m);
	}
	int64_t *ids, *offsets;
	float *ky;
	keyword_rows(N, 9, &ids, &offsets, &ky);
	/* every pooling; trained so the rows move, with some bags emptied */
	for (int64_t i = 0; i < N; i += 17)
		offsets[i + 1] = offsets[i];
	for (int pool = MRS_TPOOL_MEAN; pool <= MRS_TPOOL_MEAN_MAX; pool++) {
		mrs_tspec s = bag_spec(512, 12, 9, 2);
		s.pool = pool;
		s.head_hidden = pool == MRS_TPOOL_MAX ? 5 : 0;
		mrs_tmodel *m = new_model(&s);
		float *y2 = malloc(N * 2 * sizeof *y2);
		for (int i = 0; i < N * 2; i++)
			y2[i] = ky[i / 2];
		mrs_ttrain t = train_args(NULL, y2, N, 2, NULL);
		t.ids = ids, t.offsets = offsets, t.id_dropout = 0.2f, t.lr_decay = 1;
		assert_t_ok(mrs_tmodel_train(m, &t));
		check_recipe(m, NULL, ids, offsets, N, 2);
		mrs_tmodel_free(m);
		free(y2);
	}
	free(x), free(y), free(ids), free(offsets), free(ky);
}

/* Platt scaling folded into the output layer: every forward gives sigmoid(a z + b) of
 * the logit z it gave before, for the head asked and no other. */
static void test_scale_logit(void **state)
{
	(void)state;
	enum { N = 64 };
	int64_t *ids, *offsets;
	float *y;
	keyword_rows(N, 12, &ids, &offsets, &y);
	for (int hh = 0; hh <= 4; hh += 4) {
		mrs_tspec s = bag_spec(256, 6, 5, 2);
		s.head_hidden = hh;
		s.pool = MRS_TPOOL_MEAN_MAX;
		mrs_tmodel *m = new_model(&s);
		float before[N * 2], after[N * 2];
		assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, N, before));
		assert_t_ok(mrs_tmodel_scale_logit(m, 1, 2.5f, -0.75f));
		assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, N, after));
		for (int i = 0; i < N; i++) {
			assert_true(after[2 * i] == before[2 * i]);
			double p = before[2 * i + 1], z = log(p / (1 - p));
			double want = 1 / (1 + exp(-(2.5 * z - 0.75)));
			if (fabs(after[2 * i + 1] - want) > 1e-5)
				fail_msg("row %d: %.7f, expected %.7f", i, after[2 * i + 1], want);
		}
		check_recipe(m, NULL, ids, offsets, N, 2);
		mrs_tmodel_free(m);
	}
	free(ids), free(offsets), free(y);
}

/* ---------------------------------------------------------------- save and load */

/* Byte offsets in the file (format version 2): magic 8, version u32, length u64, then the
 * spec: kind, n_in, n_buckets (i64), bag_dim, n_layers, hidden[8], norm, dropout,
 * n_heads, head_hidden, seed (u64), which is all of version 1's (80 bytes), then pool. */
enum { OFF_VERSION = 8, OFF_SPEC = 20, OFF_HIDDEN0 = 44, OFF_N_HEADS = 84, SPEC_V1_BYTES = 80 };

static void test_save_load_roundtrip(void **state)
{
	(void)state;
	enum { N = 600 };
	float *x, *y;
	separable(N, 60, &x, &y);
	mrs_tspec s = mlp_spec(SEP_IN, 16, 8, 2);
	s.norm = MRS_TNORM_BATCH;
	s.head_hidden = 3;
	s.dropout = 0.1f;
	mrs_tmodel *m = new_model(&s);
	mrs_ttrain t = train_args(x, y, N, 1, NULL);
	assert_t_ok(mrs_tmodel_train(m, &t)); /* non-default running statistics */
	char path[300];
	tu_path(path, sizeof path, "round.model");
	const char *meta = "{\"features\":[\"a\",\"b\"],\"note\":\"h\\u00e9\"}";
	assert_t_ok(save_model(m, path, meta));

	mrs_tmodel *l = NULL;
	char *meta2 = NULL;
	assert_t_ok(mrs_tmodel_load(path, &l, &meta2));
	assert_string_equal(meta, meta2);
	free(meta2);
	mrs_tspec s2;
	mrs_tmodel_get_spec(l, &s2);
	assert_spec_equal(&s, &s2);
	assert_int_equal(mrs_tmodel_param_count(l), mrs_tmodel_param_count(m));
	float *p = forward(m, x, N), *q = forward(l, x, N);
	assert_memory_equal(p, q, N * 2 * sizeof *p);
	free(p), free(q);
	mrs_tmodel_free(l);

	/* NULL meta comes back as "", and meta_json_out may be NULL */
	assert_t_ok(save_model(m, path, NULL));
	assert_t_ok(mrs_tmodel_load(path, &l, &meta2));
	assert_string_equal(meta2, "");
	free(meta2);
	mrs_tmodel_free(l);
	assert_t_ok(mrs_tmodel_load(path, &l, NULL));
	mrs_tmodel_free(l);

	/* a BAG model of each pooling, saved over the MLP model's file */
	for (int pool = MRS_TPOOL_MEAN; pool <= MRS_TPOOL_MEAN_MAX; pool++) {
		mrs_tspec b = bag_spec(300, 6, 0, 2);
		b.pool = pool;
		mrs_tmodel *bm = new_model(&b);
		assert_t_ok(save_model(bm, path, "{}"));
		assert_t_ok(mrs_tmodel_load(path, &l, NULL));
		mrs_tmodel_get_spec(l, &s2);
		assert_spec_equal(&b, &s2);
		int64_t ids[] = {1, 2, 299, 7}, offsets[] = {0, 3, 4};
		float bp[4], bq[4];
		assert_t_ok(mrs_tmodel_forward_bag(bm, ids, offsets, 2, bp));
		assert_t_ok(mrs_tmodel_forward_bag(l, ids, offsets, 2, bq));
		assert_memory_equal(bp, bq, sizeof bp);
		mrs_tmodel_free(l), mrs_tmodel_free(bm);
	}
	mrs_tmodel_free(m);
	free(x), free(y);
}

/* A file of format version 1 (before spec.pool) loads as a mean-pooled model: made here
 * from a version 2 file by taking the pool field out of its spec. */
static void test_load_version_1(void **state)
{
	(void)state;
	mrs_tspec b = bag_spec(64, 4, 3, 1);
	mrs_tmodel *m = new_model(&b);
	char path[300];
	tu_path(path, sizeof path, "v2.model");
	assert_t_ok(save_model(m, path, "{\"old\":true}"));
	size_t size;
	unsigned char *buf = read_file(path, &size);
	size_t pool_at = OFF_SPEC + SPEC_V1_BYTES;
	int32_t pool;
	memcpy(&pool, buf + pool_at, 4);
	assert_int_equal(pool, MRS_TPOOL_MEAN);
	memmove(buf + pool_at, buf + pool_at + 4, size - pool_at - 4);
	size -= 4;
	uint32_t v1 = 1;
	uint64_t total = size, h;
	memcpy(buf + OFF_VERSION, &v1, 4);
	memcpy(buf + OFF_VERSION + 4, &total, 8);
	h = mrs_fnv1a(MRS_FNV_START, buf, size - 8);
	memcpy(buf + size - 8, &h, 8);
	tu_path(path, sizeof path, "v1.model");
	write_file(path, buf, size);
	mrs_tmodel *l = NULL;
	char *meta = NULL;
	assert_t_ok(mrs_tmodel_load(path, &l, &meta));
	assert_string_equal(meta, "{\"old\":true}");
	mrs_tspec s2;
	mrs_tmodel_get_spec(l, &s2);
	assert_spec_equal(&b, &s2);
	int64_t ids[] = {1, 2, 63, 7}, offsets[] = {0, 3, 4};
	float p[2], q[2];
	assert_t_ok(mrs_tmodel_forward_bag(m, ids, offsets, 2, p));
	assert_t_ok(mrs_tmodel_forward_bag(l, ids, offsets, 2, q));
	assert_memory_equal(p, q, sizeof p);
	free(meta), free(buf);
	mrs_tmodel_free(l), mrs_tmodel_free(m);
}


/* Loading path fails; the message names the file and contains `want`. */
static void expect_load_error(const char *path, const char *want)
{
	mrs_tmodel *m = (mrs_tmodel *)&m;
	char *meta = (char *)&meta;
	assert_t_err(mrs_tmodel_load(path, &m, &meta), want);
	assert_non_null(strstr(mrs_torch_last_error(), path));
	assert_null(m);
	assert_null(meta);
}

/* Writes buf with the 32-bit value v at off and a recomputed checksum. */
static void write_patched(const char *path, const unsigned char *buf, size_t size, size_t off,
			  int32_t v)
{
	unsigned char *c = malloc(size);
	memcpy(c, buf, size);
	memcpy(c + off, &v, sizeof v);
	uint64_t h = mrs_fnv1a(MRS_FNV_START, c, size - 8);
	memcpy(c + size - 8, &h, sizeof h);
	write_file(path, c, size);
	free(c);
}

static void test_load_errors(void **state)
{
	(void)state;
	mrs_tspec s = mlp_spec(8, 16, 0, 2);
	mrs_tmodel *m = new_model(&s);
	char good[300], bad[300];
	tu_path(good, sizeof good, "good.model");
	tu_path(bad, sizeof bad, "bad.model");
	assert_t_ok(save_model(m, good, "{\"v\":1}"));
	size_t size;
	unsigned char *buf = read_file(good, &size);
	/* 16 x 8 + 16 + 16 x 2 + 2 floats of data */
	assert_true(size > 178 * 4);

	tu_path(bad, sizeof bad, "missing.model");
	expect_load_error(bad, "cannot open");
	expect_load_error(tu_tmpdir(), "not a regular file");
	tu_write(bad, sizeof bad, "notes.txt", "these are not the weights you are looking for\n");
	expect_load_error(bad, "not a minirecsys model file");

	/* cut in the magic, in the header, in the spec, in the meta, in a tensor, at the end */
	tu_path(bad, sizeof bad, "cut.model");
	size_t cuts[] = {0, 5, 15, 60, 110, size / 2, size - 9, size - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		write_file(bad, buf, cuts[i]);
		expect_load_error(bad, "truncated");
	}

	unsigned char *c = malloc(size);
	memcpy(c, buf, size);
	c[size / 2] ^= 0x10;
	tu_path(bad, sizeof bad, "flipped.model");
	write_file(bad, c, size);
	expect_load_error(bad, "corrupt (checksum)");
	memcpy(c, buf, size);
	c[size - 3] ^= 1; /* in the checksum itself */
	write_file(bad, c, size);
	expect_load_error(bad, "corrupt (checksum)");

	memcpy(c, buf, size);
	uint32_t v99 = 99;
	memcpy(c + OFF_VERSION, &v99, sizeof v99);
	tu_path(bad, sizeof bad, "future.model");
	write_file(bad, c, size);
	expect_load_error(bad, "format version 99, this build reads 1 to 2");
	free(c);

	/* well-formed files (valid checksum) whose content does not add up */
	tu_path(bad, sizeof bad, "crafted.model");
	write_patched(bad, buf, size, OFF_N_HEADS, 0);
	expect_load_error(bad, "implausible spec: spec.n_heads");
	write_patched(bad, buf, size, OFF_N_HEADS, 3);
	expect_load_error(bad, "shape");
	write_patched(bad, buf, size, OFF_HIDDEN0, 8);
	expect_load_error(bad, "tensor tower.0.weight has shape [16, 8], the spec expects [8, 8]");
	write_patched(bad, buf, size, OFF_HIDDEN0, 1 << 16);
	expect_load_error(bad, "corrupt (the spec needs");

	/* the good file still loads */
	mrs_tmodel *l = NULL;
	assert_t_ok(mrs_tmodel_load(good, &l, NULL));
	mrs_tmodel_free(l);
	free(buf);
	mrs_tmodel_free(m);
}

static void test_save_errors(void **state)
{
	(void)state;
	mrs_tspec s = mlp_spec(4, 4, 0, 1);
	mrs_tmodel *m = new_model(&s);

	/* a full device: the error names the file given and says why */
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		assert_t_err(mrs_tmodel_write(m, fd, "/x/full.model", NULL),
			     "/x/full.model: cannot write: disk full");
		close(fd);
	}
	/* a descriptor open for reading only */
	char path[300];
	tu_write(path, sizeof path, "ro.model", "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_t_err(mrs_tmodel_write(m, fd, path, NULL), "cannot write");
	close(fd);
	mrs_tmodel_free(m);
}

/* ---------------------------------------------------------------- translation embeddings */

enum { COMM = 30, NODES = 2 * COMM, DIM = 16 };

/* Edges within each of two communities (about 60% of ordered pairs, both relations), with
 * every 7th within-community pair held out. */
static int64_t community_edges(int64_t *lhs, int64_t *rhs, int32_t *rel, int64_t *held,
			       int64_t *n_held)
{
	mrs_rng r;
	mrs_rng_seed(&r, 70);
	int64_t n = 0, h = 0, pair = 0;
	for (int a = 0; a < NODES; a++)
		for (int b = 0; b < NODES; b++) {
			if (a == b || a / COMM != b / COMM)
				continue;
			if (pair++ % 7 == 0) {
				held[h++] = a * NODES + b;
				continue;
			}
			if (mrs_rng_uniform(&r) < 0.6) {
				lhs[n] = a, rhs[n] = b, rel[n] = (int32_t)mrs_rng_below(&r, 2);
				n++;
			}
		}
	*n_held = h;
	return n;
}

static double edge_score(const float *E, const float *R, int64_t a, int64_t b, int rel)
{
	double s = 0;
	for (int k = 0; k < DIM; k++)
		s += E[a * DIM + k] * (E[b * DIM + k] + R[rel * DIM + k]);
	return s;
}

static void test_tembed_communities(void **state)
{
	(void)state;
	int64_t cap = NODES * NODES;
	int64_t *lhs = malloc(cap * sizeof *lhs), *rhs = malloc(cap * sizeof *rhs);
	int64_t *held = malloc(cap * sizeof *held), n_held;
	int32_t *rel = malloc(cap * sizeof *rel);
	int64_t n = community_edges(lhs, rhs, rel, held, &n_held);
	float *E[2], R[2][2 * DIM], loss[2][20];
	for (int run = 0; run < 2; run++) {
		E[run] = malloc(NODES * DIM * sizeof(float));
		mrs_tembed_train t = {.n_nodes = NODES, .n_rel = 2, .dim = DIM, .lhs = lhs,
				      .rhs = rhs, .rel = rel, .n_edges = n, .epochs = 20,
				      .batch = 64, .negatives = 16, .lr = 0.1f, .seed = 3,
				      .epoch_loss = loss[run], .node_out = E[run],
				      .rel_out = R[run]};
		assert_t_ok(mrs_tembed_fit(&t));
	}
	assert_memory_equal(E[0], E[1], NODES * DIM * sizeof(float));
	assert_memory_equal(R[0], R[1], sizeof R[0]);
	assert_true(loss[0][19] < loss[0][0]);
	int nonzero = 0;
	for (int i = 0; i < NODES * DIM; i++) {
		assert_true(isfinite(E[0][i]));
		nonzero += E[0][i] != 0;
	}
	assert_true(nonzero > NODES * DIM * 9 / 10);

	/* held-out within-community pairs against cross-community pairs, relation 0 */
	enum { CROSS = 400 };
	int64_t total = n_held + CROSS;
	float *scores = malloc(total * sizeof *scores), *labels = malloc(total * sizeof *labels);
	for (int64_t i = 0; i < n_held; i++) {
		scores[i] = (float)edge_score(E[0], R[0], held[i] / NODES, held[i] % NODES, 0);
		labels[i] = 1;
	}
	mrs_rng r;
	mrs_rng_seed(&r, 71);
	for (int64_t i = n_held; i < total; i++) {
		int64_t a = mrs_rng_below(&r, COMM), b = COMM + mrs_rng_below(&r, COMM);
		scores[i] = (float)(i % 2 ? edge_score(E[0], R[0], a, b, 0)
					  : edge_score(E[0], R[0], b, a, 0));
		labels[i] = 0;
	}
	assert_true(auc(scores, 1, labels, 1, total) > 0.8);

	/* a different seed gives different embeddings */
	mrs_tembed_train t = {.n_nodes = NODES, .n_rel = 2, .dim = DIM, .lhs = lhs, .rhs = rhs,
			      .rel = rel, .n_edges = n, .epochs = 1, .batch = 64,
			      .negatives = 1000, .lr = 0.1f, .seed = 4, .node_out = E[1],
			      .rel_out = R[1]};
	assert_t_ok(mrs_tembed_fit(&t));
	assert_true(memcmp(E[0], E[1], NODES * DIM * sizeof(float)) != 0);

	free(scores), free(labels), free(E[0]), free(E[1]);
	free(lhs), free(rhs), free(rel), free(held);
}

static void test_tembed_errors_and_cancel(void **state)
{
	(void)state;
	int64_t lhs[8] = {0, 1, 2, 3, 4, 5, 6, 7}, rhs[8] = {1, 2, 3, 4, 5, 6, 7, 0};
	int32_t rel[8] = {0};
	float E[8 * 4], R[4];
	mrs_tembed_train ok = {.n_nodes = 8, .n_rel = 1, .dim = 4, .lhs = lhs, .rhs = rhs,
			       .rel = rel, .n_edges = 8, .epochs = 2, .batch = 4,
			       .negatives = 3, .lr = 0.1f, .seed = 1, .node_out = E,
			       .rel_out = R};
	assert_t_ok(mrs_tembed_fit(&ok));
	mrs_tembed_train t;
	t = ok, t.n_nodes = 0;
	assert_t_err(mrs_tembed_fit(&t), "tembed.n_nodes");
	t = ok, t.dim = 1025;
	assert_t_err(mrs_tembed_fit(&t), "tembed.dim");
	t = ok, t.n_rel = 0;
	assert_t_err(mrs_tembed_fit(&t), "tembed.n_rel");
	t = ok, t.batch = 0;
	assert_t_err(mrs_tembed_fit(&t), "tembed.batch");
	t = ok, t.lr = -1;
	assert_t_err(mrs_tembed_fit(&t), "tembed.lr");
	t = ok, t.node_out = NULL;
	assert_t_err(mrs_tembed_fit(&t), "tembed.node_out");
	t = ok, t.rhs = NULL;
	assert_t_err(mrs_tembed_fit(&t), "tembed.rhs");
	rhs[5] = 8;
	assert_t_err(mrs_tembed_fit(&ok), "tembed.rhs[5]: node id 8 is outside 0..7");
	rhs[5] = 6;
	rel[6] = 1;
	assert_t_err(mrs_tembed_fit(&ok), "tembed.rel[6]");
	rel[6] = 0;

	/* cancelled: MRS_T_CANCELLED, and no half-trained tables are left behind */
	struct calls c = {0, 2, 0, 0};
	t = ok, t.progress = on_progress, t.ud = &c, t.report_every = 4;
	assert_int_equal(mrs_tembed_fit(&t), MRS_T_CANCELLED);
	assert_int_equal(c.n, 2);
	for (int i = 0; i < 8 * 4; i++)
		assert_true(E[i] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_last_error),
		cmocka_unit_test(test_param_count),
		cmocka_unit_test(test_forward_values),
		cmocka_unit_test(test_forward_bag),
		cmocka_unit_test(test_train_separable),
		cmocka_unit_test(test_train_nan_labels),
		cmocka_unit_test(test_train_deterministic),
		cmocka_unit_test(test_train_progress_and_cancel),
		cmocka_unit_test(test_bag_keyword),
		cmocka_unit_test(test_forward_recipe),
		cmocka_unit_test(test_scale_logit),
		cmocka_unit_test(test_save_load_roundtrip),
		cmocka_unit_test(test_load_version_1),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_save_errors),
		cmocka_unit_test(test_tembed_communities),
		cmocka_unit_test(test_tembed_errors_and_cancel),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_cleanup();
	return rc;
}
