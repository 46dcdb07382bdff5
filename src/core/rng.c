/* rng.c: deterministic random numbers (xoshiro256**), distributions and alias tables. */
#include <math.h>
#include <stdlib.h>

#include "core/core.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t mrs_hash64(uint64_t x)
{
	return splitmix64(&x);
}

uint64_t mrs_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= MRS_FNV_PRIME;
	}
	return h;
}

void mrs_rng_seed(mrs_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

void mrs_rng_seed_stream(mrs_rng *r, uint64_t seed, uint64_t stream)
{
	mrs_rng_seed(r, mrs_hash64(seed) ^ mrs_hash64(stream * 0xd1b54a32d192ed03ULL + 1));
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t mrs_rng_u64(mrs_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double mrs_rng_uniform(mrs_rng *r)
{
	return (double)(mrs_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint32_t mrs_rng_below(mrs_rng *r, uint32_t n)
{
	/* Lemire's nearly divisionless method. */
	uint64_t m = (uint64_t)(uint32_t)(mrs_rng_u64(r) >> 32) * n;
	uint32_t low = (uint32_t)m;
	if (low < n) {
		uint32_t threshold = -n % n;
		while (low < threshold) {
			m = (uint64_t)(uint32_t)(mrs_rng_u64(r) >> 32) * n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

double mrs_rng_normal(mrs_rng *r)
{
	/* Marsaglia polar method; the spare value is dropped to keep the state simple. */
	double u, v, s;
	do {
		u = 2.0 * mrs_rng_uniform(r) - 1.0;
		v = 2.0 * mrs_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

double mrs_rng_exponential(mrs_rng *r, double mean)
{
	return -mean * log1p(-mrs_rng_uniform(r));
}

double mrs_rng_gamma(mrs_rng *r, double shape)
{
	/* Marsaglia and Tsang; shape < 1 boosted by U^(1/shape). */
	if (shape < 1.0) {
		double u = mrs_rng_uniform(r);
		return mrs_rng_gamma(r, shape + 1.0) * pow(u > 0 ? u : 1e-300, 1.0 / shape);
	}
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x, v;
		do {
			x = mrs_rng_normal(r);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		double u = mrs_rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double mrs_rng_beta(mrs_rng *r, double a, double b)
{
	double x = mrs_rng_gamma(r, a), y = mrs_rng_gamma(r, b);
	return x + y > 0 ? x / (x + y) : 0.5;
}

double mrs_rng_pareto(mrs_rng *r, double xm, double alpha)
{
	double u = 1.0 - mrs_rng_uniform(r); /* (0, 1] */
	return xm / pow(u, 1.0 / alpha);
}

uint32_t mrs_rng_poisson(mrs_rng *r, double mean)
{
	if (mean <= 0)
		return 0;
	if (mean < 30) {
		double l = exp(-mean), p = 1.0;
		uint32_t k = 0;
		do {
			k++;
			p *= mrs_rng_uniform(r);
		} while (p > l);
		return k - 1;
	}
	double x = mean + sqrt(mean) * mrs_rng_normal(r) + 0.5;
	return x < 0 ? 0 : (uint32_t)x;
}

struct mrs_alias {
	uint32_t n;
	double *prob;
	uint32_t *alias;
};

mrs_alias *mrs_alias_new(const double *w, uint32_t n, mrs_error *err)
{
	double sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!(w[i] >= 0) || isinf(w[i])) {
			mrs_fail(err, MRS_ERR_USAGE, "alias table: weight %u is %g", i, w[i]);
			return NULL;
		}
		sum += w[i];
	}
	if (n == 0 || sum <= 0) {
		mrs_fail(err, MRS_ERR_USAGE, "alias table: no positive weight among %u", n);
		return NULL;
	}
	mrs_alias *a = calloc(1, sizeof *a);
	uint32_t *small = malloc(sizeof(uint32_t) * n), *large = malloc(sizeof(uint32_t) * n);
	double *scaled = malloc(sizeof(double) * n);
	if (a) {
		a->n = n;
		a->prob = malloc(sizeof(double) * n);
		a->alias = malloc(sizeof(uint32_t) * n);
	}
	if (!a || !a->prob || !a->alias || !small || !large || !scaled) {
		free(small), free(large), free(scaled);
		mrs_alias_free(a);
		mrs_fail(err, MRS_ERR_NOMEM, "alias table of %u entries: out of memory", n);
		return NULL;
	}
	uint32_t ns = 0, nl = 0;
	for (uint32_t i = 0; i < n; i++) {
		scaled[i] = w[i] * n / sum;
		if (scaled[i] < 1.0)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[--nl];
		a->prob[s] = scaled[s];
		a->alias[s] = l;
		scaled[l] = scaled[l] + scaled[s] - 1.0;
		if (scaled[l] < 1.0)
			small[ns++] = l;
		else
			large[nl++] = l;
	}
	while (nl) {
		uint32_t l = large[--nl];
		a->prob[l] = 1.0, a->alias[l] = l;
	}
	while (ns) {
		uint32_t s = small[--ns];
		a->prob[s] = 1.0, a->alias[s] = s;
	}
	free(small), free(large), free(scaled);
	return a;
}

uint32_t mrs_alias_sample(const mrs_alias *a, mrs_rng *r)
{
	uint32_t i = mrs_rng_below(r, a->n);
	return mrs_rng_uniform(r) < a->prob[i] ? i : a->alias[i];
}

void mrs_alias_free(mrs_alias *a)
{
	if (!a)
		return;
	free(a->prob);
	free(a->alias);
	free(a);
}
