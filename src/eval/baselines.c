/* baselines.c: the matrix factorisation baseline evaluation sets beside the pipeline, trained
 * with BPR (the item-kNN baseline is the co-engagement index's, models/coengage.c).
 * Plain C, one thread, sums in a fixed order: the same log and seed give the same numbers
 * on every machine, whatever BLAS the rest of the program uses. */
#include <math.h>

#include "eval/eval.h"

/* ------------------------------------------------------------ BPR */

struct mrs_bpr {
	uint32_t n_users, n_items, n_known, f;
	float *p;        /* [n_users * f] user factors */
	float *q;        /* [n_known * f] factors of the items in the log */
	float *b;        /* [n_known] their biases */
	uint32_t *row;   /* [n_items] an item's row in q and b, MRS_NONE when not in the log */
};

void mrs_bpr_free(mrs_bpr *m)
{
	if (!m)
		return;
	free(m->p), free(m->q), free(m->b), free(m->row);
	free(m);
}

bool mrs_bpr_size_rule(size_t n_pairs, uint32_t n_items, mrs_bpr_params *p)
{
	bool applied = false;
	while (p->factors > MRS_BPR_BIG_FACTORS &&
	       (double)n_items * p->factors * sizeof(float) > (double)MRS_BPR_TABLE_MAX) {
		p->factors = MRS_MAX(p->factors / 2, (uint32_t)MRS_BPR_BIG_FACTORS);
		applied = true;
	}
	if (n_pairs && (double)p->epochs * (double)n_pairs > (double)MRS_BPR_STEPS_MAX) {
		p->epochs = (uint32_t)MRS_MAX(MRS_BPR_STEPS_MAX / n_pairs, (size_t)1);
		applied = true;
	}
	return applied;
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
/* i and j are rows of q and b */
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
	uint32_t n = log->off[nu];
	uint32_t *pair_user = NULL, *items = NULL;
	mrs_bpr *m = mrs_calloc(1, sizeof *m, "BPR", err);
	if (!m)
		return NULL;
	*m = (mrs_bpr){.n_users = nu, .n_items = ni, .f = f};
	m->row = mrs_calloc(ni, sizeof(uint32_t), "BPR item rows", err);
	pair_user = mrs_calloc(n, sizeof(uint32_t), "BPR", err);
	if (!m->row || !pair_user)
		goto fail;
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = log->off[u]; e < log->off[u + 1]; e++) {
			pair_user[e] = u;
			m->row[log->item[e]] = 1;
		}
	for (uint32_t i = 0; i < ni; i++)
		m->row[i] = m->row[i] ? m->n_known++ : MRS_NONE;
	m->p = mrs_calloc((size_t)nu * f, sizeof(float), "BPR user factors", err);
	m->q = mrs_calloc((size_t)MRS_MAX(m->n_known, 1u) * f, sizeof(float), "BPR item factors",
			  err);
	m->b = mrs_calloc(MRS_MAX(m->n_known, 1u), sizeof(float), "BPR item biases", err);
	items = mrs_calloc(MRS_MAX(m->n_known, 1u), sizeof(uint32_t), "BPR", err);
	if (!m->p || !m->q || !m->b || !items)
		goto fail;
	for (uint32_t i = 0; i < ni; i++)
		if (m->row[i] != MRS_NONE)
			items[m->row[i]] = i;
	/* small uniform factors, zero biases (as Cornac's BPR starts); every item draws its
	 * factors, in the log or not, so the draws do not depend on which items are */
	mrs_rng r;
	mrs_rng_seed(&r, seed);
	for (size_t d = 0; d < (size_t)nu * f; d++)
		m->p[d] = (float)((mrs_rng_uniform(&r) - 0.5) / f);
	for (uint32_t i = 0; i < ni; i++) {
		float *qi = m->row[i] != MRS_NONE ? m->q + (size_t)m->row[i] * f : NULL;
		for (uint32_t d = 0; d < f; d++) {
			float v = (float)((mrs_rng_uniform(&r) - 0.5) / f);
			if (qi)
				qi[d] = v;
		}
	}
	if (m->n_known < 2 || !n)
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
			if (n_own >= m->n_known)
				continue;
			uint32_t j;
			do
				j = mrs_rng_below(&r, m->n_known);
			while (mrs_sorted_has(own, n_own, items[j]));
			bpr_step(m, u, m->row[log->item[e]], j, p->lr, p->reg);
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

/* u's score for item i (-INFINITY when it is not in the log). */
static float bpr_item_score(const mrs_bpr *m, const float *pu, uint32_t i)
{
	uint32_t r = m->row[i];
	if (r == MRS_NONE)
		return -INFINITY;
	const float *qi = m->q + (size_t)r * m->f;
	float s = m->b[r];
	for (uint32_t d = 0; d < m->f; d++)
		s += pu[d] * qi[d];
	return s;
}

void mrs_bpr_score(const mrs_bpr *m, uint32_t u, float *score)
{
	const float *pu = m->p + (size_t)u * m->f;
	for (uint32_t i = 0; i < m->n_items; i++)
		score[i] = bpr_item_score(m, pu, i);
}

void mrs_bpr_score_items(const mrs_bpr *m, uint32_t u, const uint32_t *items, uint32_t n,
			 float *score)
{
	const float *pu = m->p + (size_t)u * m->f;
	for (uint32_t k = 0; k < n; k++)
		score[items[k]] = bpr_item_score(m, pu, items[k]);
}
