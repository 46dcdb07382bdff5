// torch.cpp: the libtorch shim behind mrs_torch.h: models, training, save/load, TwHIN embeddings.
//
// The only file in minirecsys that includes torch. Every exported function catches every
// C++ exception (PROTECT) and turns it into a status plus a thread-local message.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <torch/nn.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "forward.h"
#include "mrs_torch.h"

// The file format stores numbers in host order and float data as raw bytes.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the model file format is little-endian");

namespace {

thread_local std::string last_error;

// Thrown when a progress callback asks to stop; PROTECT turns it into MRS_T_CANCELLED.
struct Cancelled {};

void set_error(const char *msg) noexcept
{
	try {
		last_error = msg;
	} catch (...) {
		last_error.clear();
	}
}

[[noreturn]] __attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[512];
	int len = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (len < (int)sizeof small)
		throw std::runtime_error(small);
	std::string big((size_t)len + 1, '\0');
	va_start(ap, fmt);
	vsnprintf(&big[0], big.size(), fmt, ap);
	va_end(ap);
	big.resize((size_t)len);
	throw std::runtime_error(big);
}

} // namespace

// Wraps the body of every exported function: no exception ever reaches C.
#define PROTECT_AS(errval, ...)                                                 \
	try {                                                                   \
		__VA_ARGS__                                                     \
	} catch (const Cancelled &) {                                           \
		set_error("cancelled by the progress callback");                \
		return MRS_T_CANCELLED;                                         \
	} catch (const c10::Error &e) {                                         \
		set_error(e.what_without_backtrace());                          \
		return errval;                                                  \
	} catch (const std::exception &e) {                                     \
		set_error(e.what());                                            \
		return errval;                                                  \
	} catch (...) {                                                         \
		set_error("unknown C++ exception");                             \
		return errval;                                                  \
	}
#define PROTECT(...) PROTECT_AS(MRS_T_ERR, __VA_ARGS__)

namespace {

// ---------------------------------------------------------------- threads and seeds

std::atomic<bool> threads_set{false};
std::once_flag interop_once;
// torch's default generator is process-wide: model construction and training seed it and
// use it while holding this lock, so concurrent callers cannot disturb each other.
std::mutex seed_mutex;

void init_threads(int threads)
{
	if (threads < 1)
		fail("mrs_torch_init: threads must be >= 1 (got %d)", threads);
	torch::set_num_threads(threads);
	std::call_once(interop_once, [threads] {
		// libtorch accepts the inter-op count once, before its pool starts; later
		// calls keep the first count.
		try {
			at::set_num_interop_threads(threads);
		} catch (...) {
		}
		// Training allocates and frees tensors of a few hundred KB on every step. With
		// glibc's defaults each one is a fresh mmap (or heap growth trimmed straight
		// back), so every step pays for page faults: training ran up to 3x slower. Keep
		// freed blocks below 32 MB in the heap and trim only beyond 128 MB.
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
		mallopt(M_TRIM_THRESHOLD, 128 << 20);
	});
	threads_set = true;
}

void ensure_init()
{
	if (!threads_set)
		init_threads(1);
}

// Fisher-Yates with our own generator: the same seed gives the same order everywhere.
// (The modulo bias of a 64-bit draw is far below anything that matters here.)
void shuffle(std::vector<int64_t> &v, std::mt19937_64 &rng)
{
	for (size_t i = v.size(); i > 1; i--) {
		size_t j = (size_t)(rng() % i);
		std::swap(v[i - 1], v[j]);
	}
}

// ---------------------------------------------------------------- spec

constexpr int64_t MAX_WIDTH = 65536;
constexpr int64_t MAX_BAG_DIM = 4096;
constexpr int64_t MAX_BUCKETS = int64_t(1) << 30;
constexpr int64_t MAX_HEADS = 4096;
constexpr int64_t MAX_PARAMS = int64_t(1) << 31;

void check_field(const char *field, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo)
		fail("spec.%s: must be >= %lld (got %lld)", field, (long long)lo, (long long)v);
	if (v > hi)
		fail("spec.%s: must be <= %lld (got %lld)", field, (long long)hi, (long long)v);
}

int64_t input_width(const mrs_tspec &s)
{
	if (s.kind != MRS_TK_BAG)
		return s.n_in;
	return s.pool == MRS_TPOOL_MEAN_MAX ? 2 * (int64_t)s.bag_dim : s.bag_dim;
}

// Parameter count (numel of all parameters) implied by a valid spec; no overflow under
// the field limits above.
int64_t spec_params(const mrs_tspec &s)
{
	int64_t n = s.kind == MRS_TK_BAG ? s.n_buckets * s.bag_dim : 0;
	int64_t w = input_width(s);
	for (int i = 0; i < s.n_layers; i++) {
		int64_t h = s.hidden[i];
		n += w * h + h;
		if (s.norm != MRS_TNORM_NONE)
			n += 2 * h; /* affine weight and bias of LayerNorm / BatchNorm */
		w = h;
	}
	if (s.head_hidden == 0)
		n += w * s.n_heads + s.n_heads;
	else
		n += (int64_t)s.n_heads * (w * s.head_hidden + 2 * s.head_hidden + 1);
	return n;
}

// Parameters plus buffers (BatchNorm's running mean, variance and batch count).
int64_t spec_floats(const mrs_tspec &s)
{
	int64_t n = spec_params(s);
	if (s.norm == MRS_TNORM_BATCH)
		for (int i = 0; i < s.n_layers; i++)
			n += 2 * (int64_t)s.hidden[i] + 1;
	return n;
}

void validate_spec(const mrs_tspec &s)
{
	if (s.kind != MRS_TK_MLP && s.kind != MRS_TK_BAG)
		fail("spec.kind: unknown kind %d (expected MRS_TK_MLP or MRS_TK_BAG)", s.kind);
	if (s.kind == MRS_TK_MLP) {
		check_field("n_in", s.n_in, 1, MAX_WIDTH);
	} else {
		check_field("n_buckets", s.n_buckets, 1, MAX_BUCKETS);
		check_field("bag_dim", s.bag_dim, 1, MAX_BAG_DIM);
	}
	// (an MLP model has no bag to pool: its pool stays 0, so its files stay canonical)
	check_field("pool", s.pool, 0, s.kind == MRS_TK_BAG ? MRS_TPOOL_MEAN_MAX : 0);
	check_field("n_layers", s.n_layers, 0, MRS_T_MAX_LAYERS);
	for (int i = 0; i < s.n_layers; i++) {
		char name[32];
		snprintf(name, sizeof name, "hidden[%d]", i);
		check_field(name, s.hidden[i], 1, MAX_WIDTH);
	}
	if (s.norm != MRS_TNORM_NONE && s.norm != MRS_TNORM_LAYER && s.norm != MRS_TNORM_BATCH)
		fail("spec.norm: unknown norm %d (expected MRS_TNORM_NONE, _LAYER or _BATCH)", s.norm);
	if (!(s.dropout >= 0.0f && s.dropout < 1.0f))
		fail("spec.dropout: must be in [0, 1) (got %g)", (double)s.dropout);
	check_field("n_heads", s.n_heads, 1, MAX_HEADS);
	check_field("head_hidden", s.head_hidden, 0, MAX_WIDTH);
	int64_t n = spec_params(s);
	if (n > MAX_PARAMS)
		fail("spec: %lld parameters, more than the %lld this build allows", (long long)n,
		     (long long)MAX_PARAMS);
}

// ---------------------------------------------------------------- the network

// A BAG model's embedding rows start uniform in [-BAG_INIT, BAG_INIT].
constexpr double BAG_INIT = 1e-3;

struct Net : torch::nn::Module {
	// random_bag false: the bag table is left uninitialised, for a model whose parameters
	// are about to be read from a file (drawing 8 million normal numbers for a default
	// safety model's table took longer than reading it).
	explicit Net(const mrs_tspec &s, bool random_bag = true) : pool(s.pool)
	{
		if (s.kind == MRS_TK_BAG) {
			auto opts = torch::nn::EmbeddingBagOptions(s.n_buckets, s.bag_dim)
					    .mode(torch::kMean);
			if (!random_bag)
				opts._weight(torch::empty({(int64_t)s.n_buckets, (int64_t)s.bag_dim}));
			bag = register_module("bag", torch::nn::EmbeddingBag(opts));
			// Small initial rows rather than libtorch's N(0, 1): a row no training
			// text touches then adds next to nothing to a mean, and noise does not
			// win a maximum against what training learned.
			if (random_bag) {
				torch::NoGradGuard no_grad;
				bag->weight.uniform_(-BAG_INIT, BAG_INIT);
			}
		}
		tower = register_module("tower", torch::nn::Sequential());
		int64_t w = input_width(s);
		for (int i = 0; i < s.n_layers; i++) {
			int64_t h = s.hidden[i];
			tower->push_back(torch::nn::Linear(w, h));
			if (s.norm == MRS_TNORM_LAYER)
				tower->push_back(
					torch::nn::LayerNorm(torch::nn::LayerNormOptions({h})));
			else if (s.norm == MRS_TNORM_BATCH)
				tower->push_back(torch::nn::BatchNorm1d(h));
			tower->push_back(torch::nn::ReLU());
			if (s.dropout > 0)
				tower->push_back(torch::nn::Dropout(s.dropout));
			w = h;
		}
		if (s.head_hidden == 0) {
			head = register_module("head", torch::nn::Linear(w, s.n_heads));
			return;
		}
		for (int k = 0; k < s.n_heads; k++)
			heads.push_back(register_module(
				"head" + std::to_string(k),
				torch::nn::Sequential(torch::nn::Linear(w, s.head_hidden),
						      torch::nn::ReLU(),
						      torch::nn::Linear(s.head_hidden, 1))));
	}

	// The pooled embeddings of each bag (mean, maximum or both, as spec.pool says),
	// looked up in `table` (the whole bag weight, or just the rows a training batch
	// touches with ids renumbered into them).
	torch::Tensor bag_pool(const torch::Tensor &table, const torch::Tensor &ids,
			       const torch::Tensor &offsets) const
	{
		auto mean = [&] {
			return std::get<0>(torch::embedding_bag(table, ids, offsets, false, /*mean*/ 1));
		};
		auto max = [&] {
			return std::get<0>(torch::embedding_bag(table, ids, offsets, false, /*max*/ 2));
		};
		if (pool == MRS_TPOOL_MAX)
			return max();
		if (pool == MRS_TPOOL_MEAN_MAX)
			return torch::cat({mean(), max()}, 1);
		return mean();
	}

	// [n, input width] -> logits [n, n_heads]
	torch::Tensor logits(torch::Tensor h)
	{
		if (!tower->is_empty())
			h = tower->forward(h);
		if (head)
			return head->forward(h);
		std::vector<torch::Tensor> outs;
		outs.reserve(heads.size());
		for (auto &hd : heads)
			outs.push_back(hd->forward(h));
		return torch::cat(outs, 1);
	}

	int pool;
	torch::nn::EmbeddingBag bag{nullptr};
	torch::nn::Sequential tower{nullptr};
	torch::nn::Linear head{nullptr};
	std::vector<torch::nn::Sequential> heads;
};

// Every parameter, then every buffer, in registration order: the order of the file.
std::vector<std::pair<std::string, torch::Tensor>> named_tensors(Net &net)
{
	std::vector<std::pair<std::string, torch::Tensor>> v;
	for (auto &p : net.named_parameters())
		v.emplace_back(p.key(), p.value());
	for (auto &b : net.named_buffers())
		v.emplace_back(b.key(), b.value());
	return v;
}

std::shared_ptr<Net> build_net(const mrs_tspec &s, bool random_bag = true)
{
	ensure_init();
	std::lock_guard<std::mutex> lock(seed_mutex);
	torch::manual_seed(s.seed);
	auto net = std::make_shared<Net>(s, random_bag);
	net->eval();
	return net;
}

} // namespace

namespace {

// The weights laid out for forward.c: Linear weights transposed to input-major, the
// rest copied as they are; the bag table is borrowed from the network.
struct Packed {
	std::vector<std::vector<float>> store;
	std::vector<mrs_fwd_linear> head1, head2;
	mrs_fwd_net net{};
	std::vector<float> scratch;

	const float *keep(const torch::Tensor &t)
	{
		auto c = t.detach().contiguous();
		store.emplace_back(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
		return store.back().data();
	}
	mrs_fwd_linear linear(const torch::nn::LinearImpl &l)
	{
		auto w = l.weight.detach();
		return mrs_fwd_linear{(int)w.size(1), (int)w.size(0), keep(w.t()), keep(l.bias)};
	}
};

std::unique_ptr<Packed> pack(Net &net, const mrs_tspec &s)
{
	std::unique_ptr<Packed> p(new Packed);
	mrs_fwd_net &f = p->net;
	f.n_in = (int)input_width(s);
	if (s.kind == MRS_TK_BAG) {
		f.bag = net.bag->weight.data_ptr<float>();
		f.n_buckets = s.n_buckets;
		f.bag_dim = s.bag_dim;
		f.pool = s.pool == MRS_TPOOL_MAX	   ? MRS_FWD_POOL_MAX
			 : s.pool == MRS_TPOOL_MEAN_MAX ? MRS_FWD_POOL_MEAN_MAX
						       : MRS_FWD_POOL_MEAN;
	}
	static_assert(MRS_FWD_MAX_LAYERS >= MRS_T_MAX_LAYERS, "forward.h holds every tower layer");
	f.norm = s.norm == MRS_TNORM_LAYER ? MRS_FWD_NORM_LAYER
		 : s.norm == MRS_TNORM_BATCH ? MRS_FWD_NORM_BATCH
					     : MRS_FWD_NORM_NONE;
	int layer = 0;
	for (const auto &mod : net.tower->children()) {
		if (auto *l = mod->as<torch::nn::LinearImpl>()) {
			f.tower[layer++] = p->linear(*l);
		} else if (auto *ln = mod->as<torch::nn::LayerNormImpl>()) {
			f.norms[layer - 1] = {p->keep(ln->weight), p->keep(ln->bias), nullptr, nullptr};
		} else if (auto *bn = mod->as<torch::nn::BatchNorm1dImpl>()) {
			f.norms[layer - 1] = {p->keep(bn->weight), p->keep(bn->bias),
					      p->keep(bn->running_mean), p->keep(bn->running_var)};
		}
	}
	f.n_layers = layer;
	f.n_heads = s.n_heads;
	f.head_hidden = s.head_hidden;
	if (net.head) {
		f.head = p->linear(*net.head);
	} else {
		for (auto &hd : net.heads) {
			p->head1.push_back(p->linear(*hd->ptr(0)->as<torch::nn::LinearImpl>()));
			p->head2.push_back(p->linear(*hd->ptr(2)->as<torch::nn::LinearImpl>()));
		}
		f.head1 = p->head1.data();
		f.head2 = p->head2.data();
	}
	p->scratch.resize((size_t)mrs_fwd_scratch_floats(&f));
	return p;
}

} // namespace

namespace {

} // namespace

struct mrs_tmodel {
	mrs_tspec spec;
	std::shared_ptr<Net> net;
	std::unique_ptr<Packed> fwd; // built at the first forward, dropped when training changes the weights
};

namespace {

// ---------------------------------------------------------------- forward

void check_model(const mrs_tmodel *m, int kind, const char *fn)
{
	if (!m)
		fail("%s: model is NULL", fn);
	if (m->spec.kind == kind)
		return;
	if (kind == MRS_TK_MLP)
		fail("%s: the model is a BAG model; use mrs_tmodel_forward_bag", fn);
	fail("%s: the model is an MLP model; use mrs_tmodel_forward", fn);
}

void check_rows(int64_t n, const char *fn)
{
	if (n < 0)
		fail("%s: n must be >= 0 (got %lld)", fn, (long long)n);
}

// Checks a bag batch (offsets has n+1 non-decreasing entries) and returns how many ids it spans.
int64_t check_bags(const int64_t *ids, const int64_t *offsets, int64_t n, const char *fn)
{
	if (!offsets)
		fail("%s: offsets is NULL", fn);
	if (offsets[0] < 0)
		fail("%s: offsets[0] must be >= 0 (got %lld)", fn, (long long)offsets[0]);
	for (int64_t i = 0; i < n; i++)
		if (offsets[i + 1] < offsets[i])
			fail("%s: offsets[%lld] = %lld is less than offsets[%lld] = %lld", fn,
			     (long long)(i + 1), (long long)offsets[i + 1], (long long)i,
			     (long long)offsets[i]);
	int64_t total = offsets[n] - offsets[0];
	if (total > 0 && !ids)
		fail("%s: ids is NULL", fn);
	return total;
}

// Ids of rows [offsets[0], offsets[n]) mapped into [0, n_buckets) (negative ids too).
std::vector<int64_t> bucket_ids(const int64_t *ids, int64_t total, int64_t n_buckets)
{
	std::vector<int64_t> v((size_t)total);
	for (int64_t i = 0; i < total; i++) {
		int64_t b = ids[i] % n_buckets;
		v[(size_t)i] = b < 0 ? b + n_buckets : b;
	}
	return v;
}

void write_probs(const torch::Tensor &logits, float *out)
{
	auto p = torch::sigmoid(logits).contiguous();
	std::memcpy(out, p.data_ptr<float>(), (size_t)p.numel() * sizeof(float));
}

// The model's weights as forward.c reads them, packed at the first use after building,
// loading or training.
Packed &packed(mrs_tmodel *m)
{
	if (!m->fwd)
		m->fwd = pack(*m->net, m->spec);
	return *m->fwd;
}

torch::Tensor long_tensor(const std::vector<int64_t> &v)
{
	return torch::from_blob(const_cast<int64_t *>(v.data()), {(int64_t)v.size()},
				torch::kLong)
		.clone();
}

// ---------------------------------------------------------------- training

// Progress reports: every `every` rows within an epoch, and at each epoch's end.
class Reporter {
public:
	Reporter(mrs_tprogress_fn fn, void *ud, int64_t every, int epochs, int64_t total)
		: fn_(fn), ud_(ud), every_(every), epochs_(epochs), total_(total)
	{
	}
	void start_epoch() { next_ = every_; }
	void batch_done(int epoch, int64_t done, double loss)
	{
		if (!fn_ || every_ <= 0 || done >= total_ || done < next_)
			return;
		next_ = (done / every_ + 1) * every_;
		if (fn_(ud_, epoch, epochs_, done, total_, loss))
			throw Cancelled();
	}
	void epoch_done(int epoch, double loss)
	{
		if (fn_ && fn_(ud_, epoch, epochs_, total_, total_, loss))
			throw Cancelled();
	}

private:
	mrs_tprogress_fn fn_;
	void *ud_;
	int64_t every_, next_ = 0;
	int epochs_;
	int64_t total_;
};

// Copies of every parameter and buffer; put back on destruction unless keep() was called
// (cancel, or any error during training).
class Snapshot {
public:
	explicit Snapshot(Net &net) : net_(net)
	{
		torch::NoGradGuard no_grad;
		for (auto &t : named_tensors(net))
			saved_.push_back(t.second.detach().clone());
	}
	Snapshot(const Snapshot &) = delete;
	Snapshot &operator=(const Snapshot &) = delete;
	void keep() { kept_ = true; }
	~Snapshot()
	{
		try {
			if (!kept_) {
				torch::NoGradGuard no_grad;
				auto now = named_tensors(net_);
				for (size_t i = 0; i < now.size(); i++)
					now[i].second.copy_(saved_[i]);
			}
			net_.eval();
		} catch (...) {
		}
	}

private:
	Net &net_;
	std::vector<torch::Tensor> saved_;
	bool kept_ = false;
};

// Adam for the embedding bag that touches only the rows a batch uses ("lazy" Adam, as
// torch's SparseAdam): a step costs O(rows x dim), not O(n_buckets x dim). A plain loop
// over the rows: libtorch's index_copy_/index_add_ go row by row through an iterator and
// cost far more than the arithmetic here.
struct LazyAdam {
	LazyAdam(const torch::Tensor &table, double lr, double wd)
		: m(torch::zeros_like(table)), v(torch::zeros_like(table)), lr(lr), wd(wd)
	{
	}
	// rows: unique row ids; grad: [rows, dim]; t: 1-based step count
	void step(torch::Tensor &table, const torch::Tensor &rows, const torch::Tensor &grad,
		  int64_t t)
	{
		auto g = grad.contiguous();
		const int64_t *r = rows.data_ptr<int64_t>();
		const float *gp = g.data_ptr<float>();
		float *w = table.data_ptr<float>(), *mp = m.data_ptr<float>(),
		      *vp = v.data_ptr<float>();
		const int64_t n = rows.numel(), dim = table.size(1);
		const double bc1 = 1 - std::pow(b1, (double)t), bc2 = 1 - std::pow(b2, (double)t);
		const Coef c{(float)(lr / bc1), (float)(1 / std::sqrt(bc2)), (float)wd};
		for (int64_t i = 0; i < n; i++) {
			if (i + 2 < n) // rows are scattered over a large table: fetch ahead
				for (int64_t k = 0; k < dim; k += 16) {
					int64_t ahead = r[i + 2] * dim + k;
					__builtin_prefetch(w + ahead, 1);
					__builtin_prefetch(mp + ahead, 1);
					__builtin_prefetch(vp + ahead, 1);
				}
			int64_t off = r[i] * dim;
			update_row(w + off, mp + off, vp + off, gp + i * dim, dim, c);
		}
	}

	struct Coef {
		float step, inv_root_bc2, wd;
	};
	void update_row(float *__restrict w, float *__restrict m_row, float *__restrict v_row,
			const float *__restrict g, int64_t dim, const Coef &c) const
	{
		const float fb1 = (float)b1, fb2 = (float)b2, feps = (float)eps;
		for (int64_t k = 0; k < dim; k++) {
			float gk = g[k] + c.wd * w[k];
			float mk = fb1 * m_row[k] + (1 - fb1) * gk;
			float vk = fb2 * v_row[k] + (1 - fb2) * gk * gk;
			m_row[k] = mk;
			v_row[k] = vk;
			w[k] -= c.step * mk / (std::sqrt(vk) * c.inv_root_bc2 + feps);
		}
	}
	torch::Tensor m, v;
	double lr, wd, b1 = 0.9, b2 = 0.999, eps = 1e-8;
};

void validate_train(const mrs_tspec &s, const mrs_ttrain *t)
{
	if (!t)
		fail("mrs_tmodel_train: t is NULL");
	if (t->n < 1)
		fail("train.n: must be >= 1 (got %lld)", (long long)t->n);
	if (!t->y)
		fail("train.y: is NULL");
	if (s.kind == MRS_TK_MLP && !t->x)
		fail("train.x: is NULL (an MLP model trains on dense rows)");
	if (s.kind == MRS_TK_BAG)
		check_bags(t->ids, t->offsets, t->n, "train");
	if (t->epochs < 1 || t->epochs > 1000000)
		fail("train.epochs: must be in 1..1000000 (got %d)", t->epochs);
	if (t->batch < 1)
		fail("train.batch: must be >= 1 (got %d)", t->batch);
	if (s.norm == MRS_TNORM_BATCH && (t->batch < 2 || t->n < 2))
		fail("train.batch: batch norm needs batches of at least 2 rows (batch %d, n %lld)",
		     t->batch, (long long)t->n);
	if (!(std::isfinite(t->lr) && t->lr > 0))
		fail("train.lr: must be > 0 (got %g)", (double)t->lr);
	if (!(std::isfinite(t->weight_decay) && t->weight_decay >= 0))
		fail("train.weight_decay: must be >= 0 (got %g)", (double)t->weight_decay);
	if (t->report_every < 0)
		fail("train.report_every: must be >= 0 (got %lld)", (long long)t->report_every);
	if (!(t->id_dropout >= 0 && t->id_dropout < 1))
		fail("train.id_dropout: must be in [0, 1) (got %g)", (double)t->id_dropout);
	if (s.kind != MRS_TK_BAG && t->id_dropout > 0)
		fail("train.id_dropout: an MLP model has no ids to drop");
	for (int k = 0; k < s.n_heads; k++) {
		if (t->head_weight && !(std::isfinite(t->head_weight[k]) && t->head_weight[k] >= 0))
			fail("train.head_weight[%d]: must be >= 0 (got %g)", k,
			     (double)t->head_weight[k]);
		if (t->pos_weight && !(std::isfinite(t->pos_weight[k]) && t->pos_weight[k] > 0))
			fail("train.pos_weight[%d]: must be > 0 (got %g)", k,
			     (double)t->pos_weight[k]);
	}
	for (int64_t i = 0; i < t->n * s.n_heads; i++) {
		float y = t->y[i];
		if (!std::isnan(y) && !(y >= 0 && y <= 1))
			fail("train.y[%lld, %lld]: label must be in [0, 1] or NaN (got %g)",
			     (long long)(i / s.n_heads), (long long)(i % s.n_heads), (double)y);
	}
}

// Batch boundaries over n shuffled rows. With batch norm a last batch of one row joins the
// one before it (batch norm cannot normalise a single row).
std::vector<int64_t> batch_starts(int64_t n, int batch, bool batch_norm)
{
	std::vector<int64_t> starts;
	for (int64_t s = 0; s < n; s += batch)
		starts.push_back(s);
	if (batch_norm && starts.size() > 1 && n - starts.back() == 1)
		starts.pop_back();
	starts.push_back(n);
	return starts;
}

// Gathers the input of one batch and runs the network to logits. For a BAG model the bag
// rows the batch touches become a leaf tensor `rows_leaf` (ids renumbered into it), so the
// gradient and the update stay O(batch).
struct BatchInput {
	const mrs_tspec &spec;
	torch::Tensor x;                  // MLP: all rows (borrowed)
	std::vector<int64_t> ids, starts; // BAG: bucket ids and row starts (rebased to 0)
	double id_dropout = 0;            // BAG: share of ids left out, drawn from `rng`
	std::mt19937_64 rng;

	torch::Tensor logits(Net &net, const torch::Tensor &idx, const int64_t *rows, int64_t nb,
			     torch::Tensor &touched, torch::Tensor &rows_leaf)
	{
		if (spec.kind == MRS_TK_MLP)
			return net.logits(x.index_select(0, idx));
		std::vector<int64_t> bid, boff;
		boff.reserve((size_t)nb);
		for (int64_t i = 0; i < nb; i++) {
			int64_t r = rows[i];
			boff.push_back((int64_t)bid.size());
			auto a = ids.begin() + starts[(size_t)r], b = ids.begin() + starts[(size_t)r + 1];
			if (id_dropout <= 0) {
				bid.insert(bid.end(), a, b);
				continue;
			}
			for (auto it = a; it != b; ++it)
				if ((double)(rng() >> 11) * 0x1p-53 >= id_dropout)
					bid.push_back(*it);
		}
		auto uniq = at::_unique(long_tensor(bid), /*sorted=*/true, /*return_inverse=*/true);
		touched = std::get<0>(uniq);
		{
			torch::NoGradGuard no_grad;
			rows_leaf = net.bag->weight.index_select(0, touched);
		}
		rows_leaf.requires_grad_(true);
		return net.logits(net.bag_pool(rows_leaf, std::get<1>(uniq), long_tensor(boff)));
	}
};

void train_model(mrs_tmodel *m, const mrs_ttrain *t)
{
	const mrs_tspec &s = m->spec;
	validate_train(s, t);
	ensure_init();
	Net &net = *m->net;
	int H = s.n_heads;
	m->fwd.reset(); // whatever happens below, the next forward packs the weights again

	BatchInput in{s, {}, {}, {}, t->id_dropout, std::mt19937_64(s.seed ^ 0x69645f64726f70ULL)};
	if (s.kind == MRS_TK_MLP) {
		in.x = torch::from_blob(const_cast<float *>(t->x), {t->n, (int64_t)s.n_in},
					torch::kFloat);
	} else {
		in.ids = bucket_ids(t->ids + t->offsets[0], t->offsets[t->n] - t->offsets[0],
				    s.n_buckets);
		in.starts.assign(t->offsets, t->offsets + t->n + 1);
		for (auto &o : in.starts)
			o -= t->offsets[0];
	}
	auto Y = torch::from_blob(const_cast<float *>(t->y), {t->n, (int64_t)H}, torch::kFloat);
	auto head_w = t->head_weight ? torch::from_blob(const_cast<float *>(t->head_weight), {H},
							torch::kFloat)
				     : torch::ones({H});
	c10::optional<torch::Tensor> pos_w;
	if (t->pos_weight)
		pos_w = torch::from_blob(const_cast<float *>(t->pos_weight), {H}, torch::kFloat);

	std::lock_guard<std::mutex> lock(seed_mutex); // dropout draws from torch's generator
	torch::manual_seed(s.seed ^ 0x5eed0f7a11ULL);
	Snapshot snapshot(net);

	std::vector<torch::Tensor> dense;
	for (auto &p : net.named_parameters())
		if (p.key() != "bag.weight")
			dense.push_back(p.value());
	torch::optim::Adam adam(dense, torch::optim::AdamOptions(t->lr).weight_decay(t->weight_decay));
	std::unique_ptr<LazyAdam> lazy;
	if (s.kind == MRS_TK_BAG)
		lazy.reset(new LazyAdam(net.bag->weight.detach(), t->lr, t->weight_decay));

	std::mt19937_64 rng(s.seed ^ 0x7261696e5368ULL);
	std::vector<int64_t> perm((size_t)t->n);
	for (int64_t i = 0; i < t->n; i++)
		perm[(size_t)i] = i;
	auto bounds = batch_starts(t->n, t->batch, s.norm == MRS_TNORM_BATCH);
	Reporter report(t->progress, t->ud, t->report_every, t->epochs, t->n);
	int64_t step = 0;
	const double total_steps = (double)t->epochs * (double)(bounds.size() - 1);

	net.train();
	for (int epoch = 1; epoch <= t->epochs; epoch++) {
		shuffle(perm, rng);
		auto perm_t = torch::from_blob(perm.data(), {t->n}, torch::kLong);
		report.start_epoch();
		double loss_sum = 0, weight_sum = 0;
		for (size_t b = 0; b + 1 < bounds.size(); b++) {
			int64_t lo = bounds[b], hi = bounds[b + 1];
			auto idx = perm_t.slice(0, lo, hi);
			torch::Tensor touched, rows_leaf;
			auto z = in.logits(net, idx, perm.data() + lo, hi - lo, touched, rows_leaf);
			// BCE per (row, head); NaN labels and zero-weight heads drop out of both the
			// sum and the count, so the loss is a weighted mean over labelled cells.
			auto yb = Y.index_select(0, idx);
			auto mask = yb.isnan().logical_not();
			auto w = mask.to(torch::kFloat) * head_w;
			auto cell = torch::binary_cross_entropy_with_logits(
				z, torch::where(mask, yb, torch::zeros_like(yb)), {}, pos_w,
				at::Reduction::None);
			double wsum = w.sum().item<double>();
			if (wsum > 0) {
				auto total = (cell * w).sum();
				auto loss = total / wsum;
				if (t->lr_decay) {
					// linear to 0: the step about to be taken is number step + 1
					double lr = t->lr * (1.0 - (double)step / total_steps);
					static_cast<torch::optim::AdamOptions &>(
						adam.param_groups()[0].options())
						.lr(lr);
					if (lazy)
						lazy->lr = lr;
				}
				adam.zero_grad();
				loss.backward();
				step++;
				adam.step();
				// (a batch of only empty bags leaves the embedding without a gradient)
				if (lazy && rows_leaf.grad().defined())
					lazy->step(net.bag->weight, touched, rows_leaf.grad(), step);
				loss_sum += total.item<double>();
				weight_sum += wsum;
			}
			report.batch_done(epoch, hi, weight_sum > 0 ? loss_sum / weight_sum : 0);
		}
		double epoch_loss = weight_sum > 0 ? loss_sum / weight_sum : 0;
		if (t->epoch_loss)
			t->epoch_loss[epoch - 1] = (float)epoch_loss;
		report.epoch_done(epoch, epoch_loss);
	}
	snapshot.keep();
}

// ---------------------------------------------------------------- save and load

constexpr char MAGIC[8] = {'M', 'R', 'S', 'T', 'O', 'R', 'C', 'H'};
// Version 2 added spec.pool; version 1 files (written before) load with pool 0 (mean).
constexpr uint32_t FORMAT_VERSION = 2;
// magic, u32 version, u64 total file length (checksum included)
constexpr size_t HEADER_BYTES = 8 + 4 + 8;
// i32 kind, i32 n_in, i64 n_buckets, i32 bag_dim, i32 n_layers, i32 hidden[8], i32 norm,
// f32 dropout, i32 n_heads, i32 head_hidden, u64 seed, then (version 2) i32 pool
constexpr size_t SPEC_BYTES_V1 = 4 + 4 + 8 + 4 + 4 + 4 * MRS_T_MAX_LAYERS + 4 + 4 + 4 + 4 + 8;
constexpr size_t SPEC_BYTES = SPEC_BYTES_V1 + 4;
constexpr size_t MAX_NAME = 256;
constexpr uint32_t MAX_DIMS = 8;

struct Fnv1a {
	uint64_t h = 0xcbf29ce484222325ULL;
	void add(const void *p, size_t n)
	{
		const unsigned char *b = static_cast<const unsigned char *>(p);
		for (size_t i = 0; i < n; i++)
			h = (h ^ b[i]) * 0x100000001b3ULL;
	}
};

// Buffered writer to a file descriptor that hashes everything it writes.
class Writer {
public:
	Writer(int fd, const char *name) : fd_(fd), name_(name) {}
	template <typename T> void put(T v) { bytes(&v, sizeof v); }
	void bytes(const void *p, size_t n)
	{
		hash.add(p, n);
		if (buf_.size() + n > (1u << 20))
			flush();
		if (n >= (1u << 20))
			write_all(p, n);
		else
			buf_.append(static_cast<const char *>(p), n);
	}
	void flush()
	{
		write_all(buf_.data(), buf_.size());
		buf_.clear();
	}
	Fnv1a hash;

private:
	void write_all(const void *p, size_t n)
	{
		const char *c = static_cast<const char *>(p);
		while (n > 0) {
			ssize_t k = ::write(fd_, c, n);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				fail("%s: cannot write: %s", name_,
				     errno == ENOSPC ? "disk full" : strerror(k < 0 ? errno : EIO));
			c += k;
			n -= (size_t)k;
		}
	}
	int fd_;
	const char *name_;
	std::string buf_;
};

void put_spec(Writer &w, const mrs_tspec &s)
{
	w.put<int32_t>(s.kind);
	w.put<int32_t>(s.n_in);
	w.put<int64_t>(s.n_buckets);
	w.put<int32_t>(s.bag_dim);
	w.put<int32_t>(s.n_layers);
	for (int i = 0; i < MRS_T_MAX_LAYERS; i++)
		w.put<int32_t>(s.hidden[i]);
	w.put<int32_t>(s.norm);
	w.put<float>(s.dropout);
	w.put<int32_t>(s.n_heads);
	w.put<int32_t>(s.head_hidden);
	w.put<uint64_t>(s.seed);
	w.put<int32_t>(s.pool);
}

void write_model(const mrs_tmodel *m, int fd, const char *name, const char *meta)
{
	if (!m)
		fail("mrs_tmodel_write: model is NULL");
	if (fd < 0)
		fail("mrs_tmodel_write: no file descriptor");
	if (!name)
		name = "model";
	size_t meta_len = meta ? strlen(meta) : 0;
	auto tensors = named_tensors(*m->net);
	uint64_t total = HEADER_BYTES + SPEC_BYTES + 8 + meta_len + 4 + 8;
	for (auto &t : tensors)
		total += 4 + t.first.size() + 4 + 8 * (uint64_t)t.second.dim() +
			 4 * (uint64_t)t.second.numel();

	Writer w(fd, name);
	w.bytes(MAGIC, sizeof MAGIC);
	w.put<uint32_t>(FORMAT_VERSION);
	w.put<uint64_t>(total);
	put_spec(w, m->spec);
	w.put<uint64_t>(meta_len);
	w.bytes(meta ? meta : "", meta_len);
	w.put<uint32_t>((uint32_t)tensors.size());
	for (auto &t : tensors) {
		w.put<uint32_t>((uint32_t)t.first.size());
		w.bytes(t.first.data(), t.first.size());
		w.put<uint32_t>((uint32_t)t.second.dim());
		for (auto d : t.second.sizes())
			w.put<int64_t>(d);
		// BatchNorm's batch count is int64; it is stored as float like everything else.
		auto data = t.second.detach().to(torch::kFloat).contiguous();
		w.bytes(data.data_ptr<float>(), (size_t)data.numel() * sizeof(float));
	}
	w.put<uint64_t>(w.hash.h);
	w.flush();
}

// A read-only map of a whole file.
struct Mapped {
	const unsigned char *p = nullptr;
	size_t size = 0;
	Mapped() = default;
	Mapped(const Mapped &) = delete;
	Mapped &operator=(const Mapped &) = delete;
	~Mapped()
	{
		if (p)
			munmap(const_cast<unsigned char *>(p), size);
	}
};

// Bounds-checked reads from a mapped file; every length is checked against what remains.
class Reader {
public:
	Reader(const unsigned char *p, size_t end, const char *path) : p_(p), end_(end), path_(path) {}
	size_t remaining() const { return end_ - pos_; }
	size_t pos() const { return pos_; }
	const unsigned char *take(size_t n, const char *what)
	{
		if (n > remaining())
			fail("%s: corrupt (%s runs past the end of the file)", path_, what);
		const unsigned char *q = p_ + pos_;
		pos_ += n;
		return q;
	}
	template <typename T> T get(const char *what)
	{
		T v;
		std::memcpy(&v, take(sizeof v, what), sizeof v);
		return v;
	}

private:
	const unsigned char *p_;
	size_t end_, pos_ = 0;
	const char *path_;
};

mrs_tspec get_spec(Reader &r, uint32_t version)
{
	mrs_tspec s;
	std::memset(&s, 0, sizeof s);
	s.kind = r.get<int32_t>("spec");
	s.n_in = r.get<int32_t>("spec");
	s.n_buckets = r.get<int64_t>("spec");
	s.bag_dim = r.get<int32_t>("spec");
	s.n_layers = r.get<int32_t>("spec");
	for (int i = 0; i < MRS_T_MAX_LAYERS; i++)
		s.hidden[i] = r.get<int32_t>("spec");
	s.norm = r.get<int32_t>("spec");
	s.dropout = r.get<float>("spec");
	s.n_heads = r.get<int32_t>("spec");
	s.head_hidden = r.get<int32_t>("spec");
	s.seed = r.get<uint64_t>("spec");
	s.pool = version >= 2 ? r.get<int32_t>("spec") : MRS_TPOOL_MEAN;
	return s;
}

std::string shape_str(const std::vector<int64_t> &dims)
{
	std::string s = "[";
	for (size_t i = 0; i < dims.size(); i++)
		s += (i ? ", " : "") + std::to_string(dims[i]);
	return s + "]";
}

// Checks magic, version, length and checksum of a mapped file; returns its total length
// and sets *version.
uint64_t check_container(const Mapped &f, const char *path, uint32_t *version_out)
{
	size_t n = f.size;
	if (n < sizeof MAGIC) {
		if (std::memcmp(f.p, MAGIC, n) == 0)
			fail("%s: truncated (%zu bytes)", path, n);
		fail("%s: not a minirecsys model file", path);
	}
	if (std::memcmp(f.p, MAGIC, sizeof MAGIC) != 0)
		fail("%s: not a minirecsys model file", path);
	if (n < HEADER_BYTES)
		fail("%s: truncated (%zu bytes)", path, n);
	uint32_t version;
	uint64_t total;
	std::memcpy(&version, f.p + 8, 4);
	std::memcpy(&total, f.p + 12, 8);
	if (version < 1 || version > FORMAT_VERSION)
		fail("%s: format version %u, this build reads 1 to %u", path, version,
		     FORMAT_VERSION);
	*version_out = version;
	if (total < HEADER_BYTES + (version == 1 ? SPEC_BYTES_V1 : SPEC_BYTES) + 8 + 4 + 8)
		fail("%s: corrupt (header gives an impossible length of %llu bytes)", path,
		     (unsigned long long)total);
	if (n < total)
		fail("%s: truncated (%zu of %llu bytes)", path, n, (unsigned long long)total);
	if (n > total)
		fail("%s: corrupt (%llu unexpected bytes after the end)", path,
		     (unsigned long long)(n - total));
	Fnv1a h;
	h.add(f.p, total - 8);
	uint64_t stored;
	std::memcpy(&stored, f.p + total - 8, 8);
	if (h.h != stored)
		fail("%s: corrupt (checksum)", path);
	return total;
}

// Reads one tensor record into `dest`, checking its name and shape against the model's.
void get_tensor(Reader &r, const char *path, size_t i, const std::string &name,
		torch::Tensor &dest)
{
	uint32_t name_len = r.get<uint32_t>("a tensor name");
	if (name_len > MAX_NAME)
		fail("%s: corrupt (tensor %zu has a %u-byte name)", path, i, name_len);
	std::string got(reinterpret_cast<const char *>(r.take(name_len, "a tensor name")),
			name_len);
	if (got != name)
		fail("%s: tensor %zu is '%s', the spec expects '%s'", path, i, got.c_str(),
		     name.c_str());
	uint32_t ndim = r.get<uint32_t>("a tensor shape");
	if (ndim > MAX_DIMS)
		fail("%s: corrupt (tensor %s has %u dimensions)", path, name.c_str(), ndim);
	std::vector<int64_t> dims(ndim);
	for (auto &d : dims)
		d = r.get<int64_t>("a tensor shape");
	auto want = dest.sizes().vec();
	if (dims != want)
		fail("%s: tensor %s has shape %s, the spec expects %s", path, name.c_str(),
		     shape_str(dims).c_str(), shape_str(want).c_str());
	size_t bytes = (size_t)dest.numel() * sizeof(float);
	const unsigned char *data = r.take(bytes, "tensor data");
	torch::NoGradGuard no_grad;
	if (dest.scalar_type() == torch::kFloat && dest.is_contiguous()) {
		std::memcpy(dest.data_ptr<float>(), data, bytes);
	} else {
		auto tmp = torch::empty(dest.sizes(), torch::kFloat);
		std::memcpy(tmp.data_ptr<float>(), data, bytes);
		dest.copy_(tmp);
	}
}

std::unique_ptr<mrs_tmodel> load_model(const char *path, std::string &meta)
{
	if (!path || !*path)
		fail("mrs_tmodel_load: path is NULL or empty");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		fail("%s: cannot open: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		fail("%s: truncated (empty file)", path);
	}
	Mapped f;
	void *p = mmap(nullptr, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int map_errno = errno;
	close(fd);
	if (p == MAP_FAILED)
		fail("%s: cannot read: %s", path, strerror(map_errno));
	f.p = static_cast<const unsigned char *>(p);
	f.size = (size_t)st.st_size;

	uint32_t version;
	uint64_t total = check_container(f, path, &version);
	Reader r(f.p, total - 8, path);
	r.take(HEADER_BYTES, "the header");
	auto spec = get_spec(r, version);
	try {
		validate_spec(spec);
	} catch (const std::exception &e) {
		fail("%s: implausible spec: %s", path, e.what());
	}
	uint64_t meta_len = r.get<uint64_t>("the meta length");
	if (meta_len > r.remaining())
		fail("%s: corrupt (meta of %llu bytes runs past the end of the file)", path,
		     (unsigned long long)meta_len);
	meta.assign(reinterpret_cast<const char *>(r.take(meta_len, "meta")), meta_len);
	// Check the spec against the bytes present before building (allocating) the model.
	uint64_t need = 4 * (uint64_t)spec_floats(spec);
	if (need > r.remaining())
		fail("%s: corrupt (the spec needs %llu bytes of parameters, the file holds %zu)",
		     path, (unsigned long long)need, r.remaining());

	std::unique_ptr<mrs_tmodel> m(new mrs_tmodel{spec, build_net(spec, /*random_bag=*/false), nullptr});
	auto tensors = named_tensors(*m->net);
	uint32_t count = r.get<uint32_t>("the tensor count");
	if (count != tensors.size())
		fail("%s: %u tensors in the file, the spec expects %zu", path, count,
		     tensors.size());
	for (size_t i = 0; i < tensors.size(); i++)
		get_tensor(r, path, i, tensors[i].first, tensors[i].second);
	if (r.remaining() != 0)
		fail("%s: corrupt (%zu unexpected bytes after the tensors)", path, r.remaining());
	return m;
}

// ---------------------------------------------------------------- translation embeddings

constexpr int MAX_DIM = 1024;
constexpr int MAX_REL = 1 << 20;

void validate_tembed(const mrs_tembed_train *t)
{
	if (!t)
		fail("mrs_tembed_fit: t is NULL");
	if (t->dim < 1 || t->dim > MAX_DIM)
		fail("tembed.dim: must be in 1..%d (got %d)", MAX_DIM, t->dim);
	int64_t max_nodes = INT64_MAX / 16 / MAX_DIM;
	if (t->n_nodes < 1 || t->n_nodes > max_nodes)
		fail("tembed.n_nodes: must be in 1..%lld (got %lld)", (long long)max_nodes,
		     (long long)t->n_nodes);
	if (t->n_rel < 1 || t->n_rel > MAX_REL)
		fail("tembed.n_rel: must be in 1..%d (got %d)", MAX_REL, t->n_rel);
	if (t->n_edges < 1)
		fail("tembed.n_edges: must be >= 1 (got %lld)", (long long)t->n_edges);
	if (!t->lhs || !t->rhs || !t->rel)
		fail("tembed.%s: is NULL", !t->lhs ? "lhs" : !t->rhs ? "rhs" : "rel");
	if (t->epochs < 1 || t->epochs > 1000000)
		fail("tembed.epochs: must be in 1..1000000 (got %d)", t->epochs);
	if (t->batch < 1)
		fail("tembed.batch: must be >= 1 (got %d)", t->batch);
	if (t->negatives < 1)
		fail("tembed.negatives: must be >= 1 (got %d)", t->negatives);
	if (!(std::isfinite(t->lr) && t->lr > 0))
		fail("tembed.lr: must be > 0 (got %g)", (double)t->lr);
	if (t->report_every < 0)
		fail("tembed.report_every: must be >= 0 (got %lld)", (long long)t->report_every);
	if (!t->node_out || !t->rel_out)
		fail("tembed.%s: is NULL", !t->node_out ? "node_out" : "rel_out");
	for (int64_t i = 0; i < t->n_edges; i++) {
		if (t->lhs[i] < 0 || t->lhs[i] >= t->n_nodes)
			fail("tembed.lhs[%lld]: node id %lld is outside 0..%lld", (long long)i,
			     (long long)t->lhs[i], (long long)(t->n_nodes - 1));
		if (t->rhs[i] < 0 || t->rhs[i] >= t->n_nodes)
			fail("tembed.rhs[%lld]: node id %lld is outside 0..%lld", (long long)i,
			     (long long)t->rhs[i], (long long)(t->n_nodes - 1));
		if (t->rel[i] < 0 || t->rel[i] >= t->n_rel)
			fail("tembed.rel[%lld]: relation id %d is outside 0..%d", (long long)i,
			     t->rel[i], t->n_rel - 1);
	}
}

// Row-wise Adagrad (one accumulator per row, as in PyTorch-BigGraph): `rows[i]` receives
// gradient row `grads[i]`; repeated rows have their gradients summed first (in input
// order, so the result is deterministic). O(m log m + m x dim) for m rows.
class RowAdagrad {
public:
	RowAdagrad(float *table, int64_t n_rows, int64_t dim, double lr)
		: table_(table), acc_((size_t)n_rows, 0.0f), dim_(dim), lr_(lr), sum_((size_t)dim)
	{
	}
	void add(const torch::Tensor &rows, const torch::Tensor &grads)
	{
		grads_.push_back(grads.contiguous());
		const int64_t *r = rows.data_ptr<int64_t>();
		const float *g = grads_.back().data_ptr<float>();
		for (int64_t i = 0; i < rows.numel(); i++)
			items_.emplace_back(r[i], g + i * dim_);
	}
	void step()
	{
		std::stable_sort(items_.begin(), items_.end(),
				 [](const Item &a, const Item &b) { return a.first < b.first; });
		for (size_t i = 0, j; i < items_.size(); i = j) {
			int64_t row = items_[i].first;
			for (j = i + 1; j < items_.size() && items_[j].first == row; j++)
				;
			if (j < items_.size())
				prefetch_row(items_[j].first);
			const float *g = items_[i].second;
			if (j - i > 1) { // most rows of a batch are distinct: sum only repeats
				float *sum = sum_.data();
				std::memcpy(sum, g, (size_t)dim_ * sizeof *sum);
				for (size_t k = i + 1; k < j; k++)
					add_row(sum, items_[k].second);
				g = sum;
			}
			update_row(row, g);
		}
		items_.clear();
		grads_.clear();
	}

private:
	using Item = std::pair<int64_t, const float *>;
	void add_row(float *__restrict sum, const float *__restrict g) const
	{
		for (int64_t k = 0; k < dim_; k++)
			sum[k] += g[k];
	}
	// Rows are scattered over a table far larger than the caches: ask for the next one
	// while this one is updated.
	void prefetch_row(int64_t row) const
	{
		const char *p = reinterpret_cast<const char *>(table_ + row * dim_);
		for (int64_t b = 0; b < dim_ * (int64_t)sizeof(float); b += 64)
			__builtin_prefetch(p + b, 1);
		__builtin_prefetch(&acc_[(size_t)row], 1);
	}
	void update_row(int64_t row, const float *__restrict g)
	{
		float sq = 0;
		for (int64_t k = 0; k < dim_; k++)
			sq += g[k] * g[k];
		float &acc = acc_[(size_t)row];
		acc += sq / (float)dim_;
		float scale = (float)(lr_ / (std::sqrt((double)acc) + 1e-10));
		float *__restrict w = table_ + row * dim_;
		for (int64_t k = 0; k < dim_; k++)
			w[k] -= scale * g[k];
	}
	float *table_;
	std::vector<float> acc_;
	int64_t dim_;
	double lr_;
	std::vector<float> sum_;
	std::vector<Item> items_;
	std::vector<torch::Tensor> grads_; // keeps the rows in items_ alive until step()
};

// Summed loss of k chunks of c positives each ([k, c, dim] inputs): each positive l_i ->
// r_i (relation t_i) against the other c-1 rhs of its chunk, score
// dot(l_i, r_j + t_i); BCE with label 1 on the diagonal, 0 off it, negatives weighted
// 1/(c-1) so each positive's negatives together weigh as much as it does.
torch::Tensor chunk_loss(const torch::Tensor &L, const torch::Tensor &Rn, const torch::Tensor &T)
{
	int64_t c = L.size(1);
	auto S = torch::bmm(L, Rn.transpose(1, 2)) + (L * T).sum(2, /*keepdim=*/true);
	auto eye = torch::eye(c);
	auto w = c > 1 ? eye + (1 - eye) / (double)(c - 1) : eye;
	return torch::binary_cross_entropy_with_logits(S, eye.expand_as(S), w, {},
						       at::Reduction::Sum);
}

// Zeroes the outputs unless the fit completes (no half-trained tables are handed back).
struct ZeroUnlessDone {
	float *a;
	size_t na;
	float *b;
	size_t nb;
	bool done = false;
	~ZeroUnlessDone()
	{
		if (!done) {
			std::memset(a, 0, na * sizeof(float));
			std::memset(b, 0, nb * sizeof(float));
		}
	}
};

void tembed_fit(const mrs_tembed_train *t)
{
	validate_tembed(t);
	ensure_init();
	const int64_t dim = t->dim;
	ZeroUnlessDone guard{t->node_out, (size_t)(t->n_nodes * dim), t->rel_out,
			     (size_t)t->n_rel * (size_t)dim};

	// The tables live in the caller's output buffers: no second copy of a large graph.
	auto E = torch::from_blob(t->node_out, {t->n_nodes, dim}, torch::kFloat);
	auto R = torch::from_blob(t->rel_out, {(int64_t)t->n_rel, dim}, torch::kFloat);
	auto gen = at::detail::createCPUGenerator(t->seed);
	{
		torch::NoGradGuard no_grad;
		E.normal_(0, 1.0 / std::sqrt((double)dim), gen);
		R.zero_();
	}
	RowAdagrad opt_nodes(t->node_out, t->n_nodes, dim, t->lr);
	RowAdagrad opt_rels(t->rel_out, t->n_rel, dim, t->lr);
	auto lhs = torch::from_blob(const_cast<int64_t *>(t->lhs), {t->n_edges}, torch::kLong);
	auto rhs = torch::from_blob(const_cast<int64_t *>(t->rhs), {t->n_edges}, torch::kLong);
	auto rel = torch::from_blob(const_cast<int32_t *>(t->rel), {t->n_edges}, torch::kInt);

	std::mt19937_64 rng(t->seed ^ 0x7477686e45ULL);
	std::vector<int64_t> perm((size_t)t->n_edges);
	for (int64_t i = 0; i < t->n_edges; i++)
		perm[(size_t)i] = i;
	Reporter report(t->progress, t->ud, t->report_every, t->epochs, t->n_edges);
	const int64_t chunk = std::min<int64_t>((int64_t)t->negatives + 1, t->batch);

	for (int epoch = 1; epoch <= t->epochs; epoch++) {
		shuffle(perm, rng);
		auto perm_t = torch::from_blob(perm.data(), {t->n_edges}, torch::kLong);
		report.start_epoch();
		double loss_sum = 0;
		for (int64_t lo = 0; lo < t->n_edges; lo += t->batch) {
			int64_t hi = std::min<int64_t>(lo + t->batch, t->n_edges), B = hi - lo;
			auto idx = perm_t.slice(0, lo, hi);
			auto li = lhs.index_select(0, idx), ri = rhs.index_select(0, idx);
			auto qi = rel.index_select(0, idx).to(torch::kLong);
			auto L = E.index_select(0, li).requires_grad_(true);
			auto Rn = E.index_select(0, ri).requires_grad_(true);
			auto T = R.index_select(0, qi).requires_grad_(true);
			// Full chunks in one bmm, the remainder as one smaller chunk.
			int64_t c = std::min(chunk, B), full = B / c * c;
			auto loss = chunk_loss(L.slice(0, 0, full).view({-1, c, dim}),
					       Rn.slice(0, 0, full).view({-1, c, dim}),
					       T.slice(0, 0, full).view({-1, c, dim}));
			if (full < B)
				loss = loss + chunk_loss(L.slice(0, full).unsqueeze(0),
							 Rn.slice(0, full).unsqueeze(0),
							 T.slice(0, full).unsqueeze(0));
			auto grads = torch::autograd::grad({loss}, {L, Rn, T});
			opt_nodes.add(li, grads[0]);
			opt_nodes.add(ri, grads[1]);
			opt_nodes.step();
			opt_rels.add(qi, grads[2]);
			opt_rels.step();
			loss_sum += loss.item<double>();
			report.batch_done(epoch, hi, loss_sum / (double)hi);
		}
		double epoch_loss = loss_sum / (double)t->n_edges;
		if (t->epoch_loss)
			t->epoch_loss[epoch - 1] = (float)epoch_loss;
		report.epoch_done(epoch, epoch_loss);
	}
	guard.done = true;
}

} // namespace

// ---------------------------------------------------------------- the C API

extern "C" {

const char *mrs_torch_last_error(void)
{
	return last_error.c_str();
}

const char *mrs_torch_version(void)
{
	return TORCH_VERSION;
}

int mrs_torch_init(int threads)
{
	PROTECT(init_threads(threads); return MRS_T_OK;)
}

int mrs_tmodel_new(const mrs_tspec *spec, mrs_tmodel **out)
{
	PROTECT({
		if (!out)
			fail("mrs_tmodel_new: out is NULL");
		*out = nullptr;
		if (!spec)
			fail("mrs_tmodel_new: spec is NULL");
		validate_spec(*spec);
		*out = new mrs_tmodel{*spec, build_net(*spec), nullptr};
		return MRS_T_OK;
	})
}

void mrs_tmodel_free(mrs_tmodel *m)
{
	delete m;
}

void mrs_tmodel_get_spec(const mrs_tmodel *m, mrs_tspec *out)
{
	if (m && out)
		*out = m->spec;
}

int64_t mrs_tmodel_param_count(const mrs_tmodel *m)
{
	PROTECT_AS(-1, {
		if (!m)
			fail("mrs_tmodel_param_count: model is NULL");
		int64_t n = 0;
		for (auto &p : m->net->parameters())
			n += p.numel();
		return n;
	})
}

int mrs_tmodel_forward(mrs_tmodel *m, const float *x, int64_t n, float *out)
{
	PROTECT({
		check_model(m, MRS_TK_MLP, "mrs_tmodel_forward");
		check_rows(n, "mrs_tmodel_forward");
		if (n == 0)
			return MRS_T_OK;
		if (!x || !out)
			fail("mrs_tmodel_forward: %s is NULL", !x ? "x" : "out");
		Packed &p = packed(m);
		mrs_fwd_dense(&p.net, x, n, out, p.scratch.data());
		return MRS_T_OK;
	})
}

int mrs_tmodel_forward_bag(mrs_tmodel *m, const int64_t *ids, const int64_t *offsets, int64_t n,
			   float *out)
{
	PROTECT({
		check_model(m, MRS_TK_BAG, "mrs_tmodel_forward_bag");
		check_rows(n, "mrs_tmodel_forward_bag");
		if (n == 0)
			return MRS_T_OK;
		if (!out)
			fail("mrs_tmodel_forward_bag: out is NULL");
		int64_t total = check_bags(ids, offsets, n, "mrs_tmodel_forward_bag");
		auto bids = bucket_ids(ids + offsets[0], total, m->spec.n_buckets);
		Packed &p = packed(m);
		mrs_fwd_bag(&p.net, bids.data(), offsets, n, out, p.scratch.data());
		return MRS_T_OK;
	})
}

int mrs_tmodel_forward_reference(mrs_tmodel *m, const float *x, const int64_t *ids,
				 const int64_t *offsets, int64_t n, float *out)
{
	PROTECT({
		if (!m)
			fail("mrs_tmodel_forward_reference: model is NULL");
		check_rows(n, "mrs_tmodel_forward_reference");
		if (n == 0)
			return MRS_T_OK;
		torch::NoGradGuard no_grad;
		m->net->eval();
		if (m->spec.kind == MRS_TK_MLP) {
			auto in = torch::from_blob(const_cast<float *>(x), {n, (int64_t)m->spec.n_in},
						   torch::kFloat);
			write_probs(m->net->logits(in), out);
			return MRS_T_OK;
		}
		int64_t total = check_bags(ids, offsets, n, "mrs_tmodel_forward_reference");
		auto bids = long_tensor(bucket_ids(ids + offsets[0], total, m->spec.n_buckets));
		auto offs = torch::from_blob(const_cast<int64_t *>(offsets), {n}, torch::kLong) -
			    offsets[0];
		write_probs(m->net->logits(m->net->bag_pool(m->net->bag->weight, bids, offs)), out);
		return MRS_T_OK;
	})
}

int mrs_tmodel_train(mrs_tmodel *m, const mrs_ttrain *t)
{
	PROTECT({
		if (!m)
			fail("mrs_tmodel_train: model is NULL");
		train_model(m, t);
		return MRS_T_OK;
	})
}

int mrs_tmodel_scale_logit(mrs_tmodel *m, int head, float a, float b)
{
	PROTECT({
		if (!m)
			fail("mrs_tmodel_scale_logit: model is NULL");
		if (head < 0 || head >= m->spec.n_heads)
			fail("mrs_tmodel_scale_logit: head %d is outside 0..%d", head,
			     m->spec.n_heads - 1);
		if (!(std::isfinite(a) && std::isfinite(b)))
			fail("mrs_tmodel_scale_logit: a and b must be finite (got %g, %g)", (double)a,
			     (double)b);
		Net &net = *m->net;
		torch::nn::LinearImpl *last =
			net.head ? net.head.get()
				 : net.heads[(size_t)head]->ptr(2)->as<torch::nn::LinearImpl>();
		int row = net.head ? head : 0;
		torch::NoGradGuard no_grad;
		last->weight[row].mul_(a);
		last->bias[row].mul_(a).add_(b);
		m->fwd.reset();
		return MRS_T_OK;
	})
}

int mrs_tmodel_write(const mrs_tmodel *m, int fd, const char *name, const char *meta_json)
{
	PROTECT({
		write_model(m, fd, name, meta_json);
		return MRS_T_OK;
	})
}

int mrs_tmodel_load(const char *path, mrs_tmodel **out, char **meta_json_out)
{
	PROTECT({
		if (!out)
			fail("mrs_tmodel_load: out is NULL");
		*out = nullptr;
		if (meta_json_out)
			*meta_json_out = nullptr;
		std::string meta;
		auto m = load_model(path, meta);
		if (meta_json_out) {
			char *copy = static_cast<char *>(malloc(meta.size() + 1));
			if (!copy)
				fail("%s: out of memory for the meta JSON", path);
			std::memcpy(copy, meta.c_str(), meta.size() + 1);
			*meta_json_out = copy;
		}
		*out = m.release();
		return MRS_T_OK;
	})
}

int mrs_tembed_fit(const mrs_tembed_train *t)
{
	PROTECT({
		tembed_fit(t);
		return MRS_T_OK;
	})
}

} // extern "C"
