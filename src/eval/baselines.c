/* baselines.c: the collaborative-filtering baselines evaluation sets beside the pipeline:
 * item-kNN (item-item cosine over co-engagement) and matrix factorisation trained with BPR.
 * Plain C, one thread, sums in a fixed order: the same log and seed give the same numbers
 * on every machine, whatever BLAS the rest of the program uses. */
#include <math.h>

#include "eval/eval.h"

/* ------------------------------------------------------------ the log */

void mrs_ui_log_free(mrs_ui_log *log)
{
	if (!log)
		return;
	free(log->off), free(log->item);
	*log = (mrs_ui_log){0};
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int mrs_ui_log_build(mrs_ui_log *log, uint32_t n_users, uint32_t n_items, const uint32_t *user,
		     const uint32_t *item, size_t n, mrs_error *err)
{
	*log = (mrs_ui_log){.n_users = n_users, .n_items = n_items};
	log->off = mrs_calloc((size_t)n_users + 1, sizeof(uint32_t), "user-item log", err);
	log->item = mrs_calloc(n, sizeof(uint32_t), "user-item log", err);
	if (!log->off || !log->item)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (user[i] >= n_users || item[i] >= n_items) {
			mrs_fail(err, MRS_ERR_DATA, "user-item log: pair %zu (%u, %u) out of range", i,
				 user[i], item[i]);
			goto fail;
		}
		log->off[user[i] + 1]++;
	}
	for (uint32_t u = 0; u < n_users; u++)
		log->off[u + 1] += log->off[u];
	uint32_t *pos = mrs_calloc(n_users ? n_users : 1, sizeof(uint32_t), "user-item log", err);
	if (!pos)
		goto fail;
	memcpy(pos, log->off, sizeof(uint32_t) * n_users);
	for (size_t i = 0; i < n; i++)
		log->item[pos[user[i]]++] = item[i];
	free(pos);
	/* each user's items ascending and distinct */
	uint32_t m = 0;
	for (uint32_t u = 0; u < n_users; u++) {
		uint32_t a = log->off[u], b = log->off[u + 1];
		qsort(log->item + a, b - a, sizeof(uint32_t), cmp_u32);
		log->off[u] = m;
		for (uint32_t i = a; i < b; i++)
			if (i == a || log->item[i] != log->item[i - 1])
				log->item[m++] = log->item[i];
	}
	log->off[n_users] = m;
	return 0;
fail:
	mrs_ui_log_free(log);
	return -1;
}

/* The log by item: users of item i at users[off[i] .. off[i+1]), ascending. */
static int by_item(const mrs_ui_log *log, uint32_t **off, uint32_t **users, mrs_error *err)
{
	uint32_t n = log->off[log->n_users];
	*off = mrs_calloc((size_t)log->n_items + 1, sizeof(uint32_t), "item-user log", err);
	*users = mrs_calloc(n, sizeof(uint32_t), "item-user log", err);
	uint32_t *pos = mrs_calloc((size_t)log->n_items + 1, sizeof(uint32_t), "item-user log", err);
	if (!*off || !*users || !pos) {
		free(*off), free(*users), free(pos);
		*off = *users = NULL;
		return -1;
	}
	for (uint32_t e = 0; e < n; e++)
		(*off)[log->item[e] + 1]++;
	for (uint32_t i = 0; i < log->n_items; i++)
		(*off)[i + 1] += (*off)[i];
	memcpy(pos, *off, sizeof(uint32_t) * log->n_items);
	for (uint32_t u = 0; u < log->n_users; u++)
		for (uint32_t e = log->off[u]; e < log->off[u + 1]; e++)
			(*users)[pos[log->item[e]]++] = u;
	free(pos);
	return 0;
}

/* ------------------------------------------------------------ item-kNN */

struct mrs_item_knn {
	uint32_t n_items;
	/* the similarity matrix pruned to each target item's nearest neighbours, stored by
	 * neighbour: item i is among the neighbours of tgt[off[i] .. off[i+1]) with sim[.] */
	uint32_t *off, *tgt;
	float *sim;
};

void mrs_item_knn_free(mrs_item_knn *m)
{
	if (!m)
		return;
	free(m->off), free(m->tgt), free(m->sim);
	free(m);
}

typedef struct nb {
	float s;
	uint32_t i;
} nb;

/* Most similar first; equal similarity, the lower item id first. */
static int by_sim(const void *a, const void *b)
{
	const nb *x = a, *y = b;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

mrs_item_knn *mrs_item_knn_train(const mrs_ui_log *log, const mrs_knn_params *p,
				 const mrs_progress *progress, mrs_error *err)
{
	uint32_t ni = log->n_items, k = p->neighbours;
	uint32_t *ioff = NULL, *iusers = NULL, *count = NULL, *touched = NULL, *col_n = NULL;
	uint32_t *col_i = NULL;
	float *col_s = NULL;
	nb *cand = NULL;
	mrs_item_knn *m = mrs_calloc(1, sizeof *m, "item-kNN", err);
	if (!m || by_item(log, &ioff, &iusers, err))
		goto fail;
	m->n_items = ni;
	size_t cap_i = 0, cap_s = 0;
	count = mrs_calloc(ni, sizeof(uint32_t), "item-kNN", err);
	touched = mrs_calloc(ni, sizeof(uint32_t), "item-kNN", err);
	cand = mrs_calloc(ni, sizeof *cand, "item-kNN", err);
	col_n = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "item-kNN", err);
	m->off = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "item-kNN", err);
	if (!count || !touched || !cand || !col_n || !m->off)
		goto fail;
	/* column j: co-engagement counts with every other item, cosine, the best k kept */
	size_t kept = 0;
	for (uint32_t j = 0; j < ni; j++) {
		uint32_t nt = 0, nj = ioff[j + 1] - ioff[j];
		for (uint32_t e = ioff[j]; e < ioff[j + 1]; e++) {
			uint32_t u = iusers[e];
			for (uint32_t f = log->off[u]; f < log->off[u + 1]; f++) {
				uint32_t i = log->item[f];
				if (i == j)
					continue;
				if (!count[i]++)
					touched[nt++] = i;
			}
		}
		for (uint32_t t = 0; t < nt; t++) {
			uint32_t i = touched[t], n_i = ioff[i + 1] - ioff[i];
			double den = sqrt((double)n_i) * sqrt((double)nj) + p->shrink;
			cand[t] = (nb){(float)(count[i] / den), i};
			count[i] = 0;
		}
		qsort(cand, nt, sizeof *cand, by_sim);
		uint32_t keep = MRS_MIN(nt, k);
		if (mrs_grow((void **)&col_i, &cap_i, kept + keep, sizeof(uint32_t), "item-kNN", err) ||
		    mrs_grow((void **)&col_s, &cap_s, kept + keep, sizeof(float), "item-kNN", err))
			goto fail;
		for (uint32_t t = 0; t < keep; t++) {
			col_i[kept + t] = cand[t].i;
			col_s[kept + t] = cand[t].s;
			m->off[cand[t].i + 1]++;
		}
		col_n[j + 1] = col_n[j] + keep;
		kept += keep;
		if ((j & 1023) == 0 && mrs_progress_report(progress, "item-kNN", j, ni, NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "item-kNN cancelled");
			goto fail;
		}
	}
	/* by neighbour, for scoring a user's items in one pass each */
	for (uint32_t i = 0; i < ni; i++)
		m->off[i + 1] += m->off[i];
	m->tgt = mrs_calloc(kept, sizeof(uint32_t), "item-kNN", err);
	m->sim = mrs_calloc(kept, sizeof(float), "item-kNN", err);
	if (!m->tgt || !m->sim)
		goto fail;
	memcpy(count, m->off, sizeof(uint32_t) * ni);
	for (uint32_t j = 0; j < ni; j++)
		for (uint32_t e = col_n[j]; e < col_n[j + 1]; e++) {
			uint32_t at = count[col_i[e]]++;
			m->tgt[at] = j;
			m->sim[at] = col_s[e];
		}
	free(ioff), free(iusers), free(count), free(touched), free(cand);
	free(col_n), free(col_i), free(col_s);
	return m;
fail:
	free(ioff), free(iusers), free(count), free(touched), free(cand);
	free(col_n), free(col_i), free(col_s);
	mrs_item_knn_free(m);
	return NULL;
}

void mrs_item_knn_score(const mrs_item_knn *m, const uint32_t *items, uint32_t n, float *score)
{
	memset(score, 0, sizeof(float) * m->n_items);
	for (uint32_t a = 0; a < n; a++) {
		uint32_t i = items[a];
		for (uint32_t e = m->off[i]; e < m->off[i + 1]; e++)
			score[m->tgt[e]] += m->sim[e];
	}
}

/* ------------------------------------------------------------ BPR */

struct mrs_bpr {
	uint32_t n_users, n_items, f;
	float *p;        /* [n_users * f] user factors */
	float *q;        /* [n_items * f] item factors */
	float *b;        /* [n_items] item biases */
	uint8_t *known;  /* [n_items] the item is in the log */
};

void mrs_bpr_free(mrs_bpr *m)
{
	if (!m)
		return;
	free(m->p), free(m->q), free(m->b), free(m->known);
	free(m);
}

/* e^x for |x| <= 40 from additions, multiplications, divisions and ldexp only: the same
 * bits on every machine (libm's exp may take another code path on another CPU). Relative
 * error below 1e-15. */
static double exp_fixed(double x)
{
	x = fmin(fmax(x, -40.0), 40.0);
	double k = floor(x * 1.4426950408889634 + 0.5);
	/* ln 2 in two parts, the first with trailing zero bits so k * ln2_hi is exact */
	double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
	/* |r| <= ln 2 / 2: the Taylor series to r^12 / 12!, by Horner */
	double fact = 479001600.0, p = 1.0 / fact;
	for (int n = 12; n >= 1; n--) {
		fact /= n;
		p = p * r + 1.0 / fact;
	}
	return ldexp(p, (int)k);
}

/* One stochastic gradient step on the triple (u, i, j): u engaged with i, not with j. */
static void bpr_step(mrs_bpr *m, uint32_t u, uint32_t i, uint32_t j, float lr, float reg)
{
	uint32_t f = m->f;
	float *pu = m->p + (size_t)u * f, *qi = m->q + (size_t)i * f, *qj = m->q + (size_t)j * f;
	float x = m->b[i] - m->b[j];
	for (uint32_t d = 0; d < f; d++)
		x += pu[d] * (qi[d] - qj[d]);
	/* d/dx ln sigmoid(x) = sigmoid(-x) */
	float z = (float)(1.0 / (1.0 + exp_fixed(x)));
	for (uint32_t d = 0; d < f; d++) {
		float w = pu[d];
		pu[d] += lr * (z * (qi[d] - qj[d]) - reg * w);
		qi[d] += lr * (z * w - reg * qi[d]);
		qj[d] += lr * (-z * w - reg * qj[d]);
	}
	m->b[i] += lr * (z - reg * m->b[i]);
	m->b[j] += lr * (-z - reg * m->b[j]);
}

mrs_bpr *mrs_bpr_train(const mrs_ui_log *log, const mrs_bpr_params *p, uint64_t seed,
		       const mrs_progress *progress, mrs_error *err)
{
	uint32_t nu = log->n_users, ni = log->n_items, f = p->factors;
	uint32_t n = log->off[nu], n_known = 0;
	uint32_t *pair_user = NULL, *items = NULL;
	mrs_bpr *m = mrs_calloc(1, sizeof *m, "BPR", err);
	if (!m)
		return NULL;
	*m = (mrs_bpr){.n_users = nu, .n_items = ni, .f = f};
	m->p = mrs_calloc((size_t)nu * f, sizeof(float), "BPR user factors", err);
	m->q = mrs_calloc((size_t)ni * f, sizeof(float), "BPR item factors", err);
	m->b = mrs_calloc(ni, sizeof(float), "BPR item biases", err);
	m->known = mrs_calloc(ni, 1, "BPR", err);
	pair_user = mrs_calloc(n, sizeof(uint32_t), "BPR", err);
	items = mrs_calloc(ni, sizeof(uint32_t), "BPR", err);
	if (!m->p || !m->q || !m->b || !m->known || !pair_user || !items)
		goto fail;
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = log->off[u]; e < log->off[u + 1]; e++) {
			pair_user[e] = u;
			m->known[log->item[e]] = 1;
		}
	for (uint32_t i = 0; i < ni; i++)
		if (m->known[i])
			items[n_known++] = i;
	/* small uniform factors, zero biases (as Cornac's BPR starts) */
	mrs_rng r;
	mrs_rng_seed(&r, seed);
	for (size_t d = 0; d < (size_t)nu * f; d++)
		m->p[d] = (float)((mrs_rng_uniform(&r) - 0.5) / f);
	for (size_t d = 0; d < (size_t)ni * f; d++)
		m->q[d] = (float)((mrs_rng_uniform(&r) - 0.5) / f);
	if (n_known < 2 || !n)
		goto done; /* nothing to contrast: the factors stay as they started */
	for (uint32_t ep = 0; ep < p->epochs; ep++) {
		if (mrs_progress_report(progress, "BPR", ep, p->epochs, NULL)) {
			mrs_fail(err, MRS_ERR_CANCELLED, "BPR training cancelled");
			goto fail;
		}
		/* an epoch: as many triples as the log has pairs, each a pair drawn uniformly and
		 * an item the user has not engaged with, drawn uniformly from the log's items */
		for (uint32_t s = 0; s < n; s++) {
			uint32_t e = mrs_rng_below(&r, n), u = pair_user[e];
			const uint32_t *own = log->item + log->off[u];
			uint32_t n_own = log->off[u + 1] - log->off[u];
			if (n_own >= n_known)
				continue;
			uint32_t j;
			do
				j = items[mrs_rng_below(&r, n_known)];
			while (mrs_sorted_has(own, n_own, j));
			bpr_step(m, u, log->item[e], j, p->lr, p->reg);
		}
	}
done:
	free(pair_user), free(items);
	return m;
fail:
	free(pair_user), free(items);
	mrs_bpr_free(m);
	return NULL;
}

void mrs_bpr_score(const mrs_bpr *m, uint32_t u, float *score)
{
	const float *pu = m->p + (size_t)u * m->f;
	for (uint32_t i = 0; i < m->n_items; i++) {
		if (!m->known[i]) {
			score[i] = -INFINITY;
			continue;
		}
		const float *qi = m->q + (size_t)i * m->f;
		float s = m->b[i];
		for (uint32_t d = 0; d < m->f; d++)
			s += pu[d] * qi[d];
		score[i] = s;
	}
}
