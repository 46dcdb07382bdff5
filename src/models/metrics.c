/* metrics.c: binary-classification metrics for model cards and evaluation. */
#include <math.h>

#include "models/models.h"

typedef struct scored {
	float s;
	uint8_t l;
} scored;

/* Descending by score; NaN scores sort last. */
static int cmp_desc(const void *a, const void *b)
{
	float x = ((const scored *)a)->s, y = ((const scored *)b)->s;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return x > y ? -1 : x < y;
}

/* The pairs sorted by descending score, with the counts of each class; NULL when n is
 * 0 or memory runs out. */
static scored *sorted_desc(const float *score, const uint8_t *label, size_t n, size_t *pos)
{
	*pos = 0;
	if (!n)
		return NULL;
	scored *v = malloc(n * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].s = score[i];
		v[i].l = label[i] != 0;
		*pos += v[i].l;
	}
	qsort(v, n, sizeof *v, cmp_desc);
	return v;
}

/* End (exclusive) of the run of equal scores starting at i. */
static size_t tie_end(const scored *v, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && (v[j].s == v[i].s || (isnan(v[j].s) && isnan(v[i].s))))
		j++;
	return j;
}

double mrs_auc(const float *score, const uint8_t *label, size_t n)
{
	size_t pos;
	scored *v = sorted_desc(score, label, n, &pos);
	if (!v)
		return NAN;
	size_t neg = n - pos;
	if (!pos || !neg) {
		free(v);
		return NAN;
	}
	/* Ascending rank of an item at descending position i is n - i; a tie run shares the
	 * average of its ranks. */
	double rank_sum = 0;
	for (size_t i = 0; i < n;) {
		size_t j = tie_end(v, n, i), p = 0;
		for (size_t k = i; k < j; k++)
			p += v[k].l;
		double avg = ((double)(n - i) + (double)(n - j + 1)) / 2.0;
		rank_sum += avg * (double)p;
		i = j;
	}
	free(v);
	return (rank_sum - (double)pos * ((double)pos + 1) / 2.0) / ((double)pos * (double)neg);
}

double mrs_pr_auc(const float *score, const uint8_t *label, size_t n)
{
	size_t pos;
	scored *v = sorted_desc(score, label, n, &pos);
	if (!v)
		return NAN;
	if (!pos) {
		free(v);
		return NAN;
	}
	double ap = 0, tp = 0, seen = 0;
	for (size_t i = 0; i < n;) {
		size_t j = tie_end(v, n, i), p = 0;
		for (size_t k = i; k < j; k++)
			p += v[k].l;
		tp += (double)p;
		seen += (double)(j - i);
		ap += ((double)p / (double)pos) * (tp / seen);
		i = j;
	}
	free(v);
	return ap;
}

double mrs_precision_at_recall(const float *score, const uint8_t *label, size_t n,
			       double recall)
{
	size_t pos;
	scored *v = sorted_desc(score, label, n, &pos);
	if (!v)
		return NAN;
	if (!pos) {
		free(v);
		return NAN;
	}
	double best = NAN, tp = 0, seen = 0;
	for (size_t i = 0; i < n;) {
		size_t j = tie_end(v, n, i);
		for (size_t k = i; k < j; k++)
			tp += v[k].l;
		seen += (double)(j - i);
		/* a small tolerance so that recall 0.9 of 10 positives is reached at 9 */
		if (tp / (double)pos >= recall - 1e-12) {
			double prec = tp / seen;
			if (isnan(best) || prec > best)
				best = prec;
		}
		i = j;
	}
	free(v);
	return best;
}

static double f1(double tp, double fp, double fn)
{
	double d = 2 * tp + fp + fn;
	return d > 0 ? 2 * tp / d : 0.0;
}

static double macro_f1_counts(double tp, double fp, double fn, double tn)
{
	return (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2.0;
}

double mrs_macro_f1(const float *score, const uint8_t *label, size_t n, double threshold)
{
	if (!n)
		return NAN;
	double tp = 0, fp = 0, fn = 0, tn = 0;
	for (size_t i = 0; i < n; i++) {
		bool pred = score[i] >= threshold, y = label[i] != 0;
		tp += pred && y;
		fp += pred && !y;
		fn += !pred && y;
		tn += !pred && !y;
	}
	return macro_f1_counts(tp, fp, fn, tn);
}

double mrs_macro_f1_best(const float *score, const uint8_t *label, size_t n,
			 double *threshold)
{
	size_t pos;
	scored *v = sorted_desc(score, label, n, &pos);
	if (!v)
		return NAN;
	double P = (double)pos, N = (double)(n - pos);
	/* predicting no positive at all */
	double best = macro_f1_counts(0, 0, P, N);
	double best_thr = isnan(v[0].s) ? INFINITY : nextafter((double)v[0].s, INFINITY);
	double tp = 0, fp = 0;
	for (size_t i = 0; i < n;) {
		size_t j = tie_end(v, n, i);
		for (size_t k = i; k < j; k++) {
			tp += v[k].l;
			fp += !v[k].l;
		}
		double m = macro_f1_counts(tp, fp, P - tp, N - fp);
		if (m > best) {
			best = m;
			best_thr = v[i].s;
		}
		i = j;
	}
	free(v);
	if (threshold)
		*threshold = best_thr;
	return best;
}

double mrs_ece(const float *p, const uint8_t *label, size_t n)
{
	if (!n)
		return NAN;
	double prob[MRS_ECE_BINS] = {0}, pos[MRS_ECE_BINS] = {0};
	for (size_t i = 0; i < n; i++) {
		double q = p[i] < 0 ? 0 : p[i] > 1 ? 1 : p[i];
		int b = (int)(q * MRS_ECE_BINS);
		b = b < MRS_ECE_BINS ? b : MRS_ECE_BINS - 1;
		prob[b] += q;
		pos[b] += label[i] != 0;
	}
	/* (n_b / n) x |sum p / n_b - positives / n_b| = |sum p - positives| / n */
	double e = 0;
	for (int b = 0; b < MRS_ECE_BINS; b++)
		e += fabs(prob[b] - pos[b]);
	return e / (double)n;
}

static double clip(double p)
{
	return p < 1e-7 ? 1e-7 : p > 1 - 1e-7 ? 1 - 1e-7 : p;
}

double mrs_log_loss(const float *p, const uint8_t *label, size_t n)
{
	if (!n)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double q = clip(p[i]);
		s -= label[i] ? log(q) : log(1 - q);
	}
	return s / (double)n;
}

double mrs_rce(const float *p, const uint8_t *label, size_t n)
{
	if (!n)
		return NAN;
	double pos = 0;
	for (size_t i = 0; i < n; i++)
		pos += label[i] != 0;
	double base = pos / (double)n;
	if (pos == 0 || pos == (double)n)
		return NAN;
	double ce_base = -(base * log(base) + (1 - base) * log(1 - base));
	return 100.0 * (1.0 - mrs_log_loss(p, label, n) / ce_base);
}
