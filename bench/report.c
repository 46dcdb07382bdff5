/* report.c: the benchmark's one table (text) and the same figures as JSON: median, p95
 * and p99 of every measurement, its target where the project set one, and the physical
 * reference where one applies. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "minirecsys.h"

/* ------------------------------------------------------------------ samples */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void bench_add(bench_data *d, const char *name, double v)
{
	bench_series *s = (bench_series *)bench_get(d, name);
	if (!s) {
		if (d->n == d->cap) {
			size_t cap = d->cap ? 2 * d->cap : 64;
			bench_series *ns = realloc(d->s, cap * sizeof *ns);
			if (!ns)
				return;
			d->s = ns, d->cap = cap;
		}
		s = &d->s[d->n++];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s", name);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		double *nv = realloc(s->v, cap * sizeof *nv);
		if (!nv)
			return;
		s->v = nv, s->cap = cap;
	}
	s->v[s->n++] = v;
}

const bench_series *bench_get(const bench_data *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->s[i].name, name) == 0)
			return &d->s[i];
	return NULL;
}

double bench_quantile(const bench_data *d, const char *name, double q)
{
	const bench_series *s = bench_get(d, name);
	if (!s || !s->n)
		return NAN;
	qsort(s->v, s->n, sizeof *s->v, cmp_d);
	size_t k = (size_t)ceil(q * (double)s->n);
	return s->v[k ? k - 1 : 0];
}

void bench_data_free(bench_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->s[i].v);
	free(d->s);
	memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ rows */

enum { ST_MEDIAN, ST_P99, ST_MAX };

typedef struct row_spec {
	const char *key;
	const char *label;
	const char *unit;
	double scale;           /* displayed value = sample x scale */
	int stat;               /* the statistic a target applies to */
	double target_default;  /* <= this, in displayed units; 0: no target */
	double target_large;
	const char *target_note; /* instead of a number (e.g. "works") */
} row_spec;

static const row_spec rows[] = {
	{"generate", "generate (build + write)", "s", 1, ST_MEDIAN, 1, 60, NULL},
	{"generate.build", "  build the world", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"generate.write", "  write SQLite", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"generate.cmd", "  `minirecsys generate` (process)", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"rss.generate", "  peak RSS", "MiB", 1, ST_MAX, 0, 4096, NULL},
	{"load", "load dataset", "s", 1, ST_MEDIAN, 0.2, 10, NULL},
	{"rss.load", "  peak RSS", "MiB", 1, ST_MAX, 0, 4096, NULL},
	{"train", "train every model", "s", 1, ST_MEDIAN, 20, 300, NULL},
	{"train.simclusters", "  simclusters", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"train.twhin", "  twhin", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"train.realgraph", "  realgraph", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"train.nsfw", "  nsfw", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"train.toxicity", "  toxicity", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"train.heavy_ranker", "  heavy_ranker", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"like_share", "  like AUC / oracle AUC", "", 1, ST_MEDIAN, 0, 0, NULL},
	{"rss.train", "  peak RSS", "MiB", 1, ST_MAX, 0, 0, NULL},
	{"open", "engine open (models, indexes)", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"request", "request, all stages", "ms", 1, ST_P99, 5, 15, NULL},
	{"stage.hydrate", "  hydrate", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.in_network", "  in_network", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.out_of_network", "  out_of_network", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.graph", "  graph", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.follow_recs", "  follow_recs", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.dedup", "  dedup", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.prefilter", "  prefilter", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.features", "  features", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.ranker", "  ranker", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.fusion", "  fusion", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.safety", "  safety", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.heuristics", "  heuristics", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.postfilter", "  postfilter", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"stage.select", "  select", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"sources", "all four sources", "ms", 1, ST_MEDIAN, 1, 10, NULL},
	{"candidates", "  candidates after dedup", "", 1, ST_MEDIAN, 0, 0, NULL},
	{"rerank", "re-rank after a weight change", "ms", 1, ST_MEDIAN, 0.2, 0, NULL},
	{"features500", "features, 500 candidates", "ms", 1, ST_MEDIAN, 0, 0, NULL},
	{"forward500", "heavy ranker forward, 500 cand.", "ms", 1, ST_MEDIAN, 1.5, 0, NULL},
	{"rss.serve", "serving peak RSS", "MiB", 1, ST_MAX, 0, 8192, NULL},
	{"open.cold", "open, building the snapshot", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"snapshot.mb", "  serving.snap", "MB", 1, ST_MEDIAN, 0, 0, NULL},
	{"load.snapshot", "load dataset from the snapshot", "s", 1, ST_MEDIAN, 0, 0, NULL},
	{"open.snapshot", "engine open from the snapshot", "s", 1, ST_MEDIAN, 0, 1, NULL},
	{"rss.open.snapshot", "  peak RSS (open + 1 request)", "MiB", 1, ST_MAX, 0, 0, NULL},
	{"timeline.cmd", "`minirecsys timeline 1` (process)", "s", 1, ST_MEDIAN, 0, 3, NULL},
	{"rss.timeline.cmd", "  peak RSS", "MiB", 1, ST_MAX, 0, 0, NULL},
	{"explore.first", "explorer's first screen (pty)", "s", 1, ST_MEDIAN, 0, 3, NULL},
	{"rss.explore", "  peak RSS", "MiB", 1, ST_MAX, 0, 0, NULL},
	{"eval", "eval", "s", 1, ST_MEDIAN, 10, 0, NULL},
	{"eval.users", "  users evaluated", "", 1, ST_MEDIAN, 0, 0, NULL},
	{"rss.eval", "  peak RSS", "MiB", 1, ST_MAX, 0, 0, NULL},
	{"ir.request", "instructions: one request", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
	{"ir.sources", "instructions: four sources", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
	{"ir.features", "instructions: feature hydration", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
	{"ir.ranker", "instructions: ranker stage", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
	{"ir.rerank", "instructions: re-rank", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
	{"ir.forward500", "instructions: forward, 500 cand.", "M", 1e-6, ST_MEDIAN, 0, 0, NULL},
};

#define N_ROWS (sizeof rows / sizeof rows[0])

static double stat_value(const bench_data *d, const row_spec *r, int stat)
{
	double q = stat == ST_MEDIAN ? 0.5 : stat == ST_P99 ? 0.99 : 1.0;
	return bench_quantile(d, r->key, q) * r->scale;
}

/* The huge world's targets (issue 16), in displayed units. */
static const struct {
	const char *key;
	double target;
} huge_targets[] = {
	{"generate", 600}, {"train", 1800}, {"request", 25}, {"open.snapshot", 5},
	{"rss.serve", 12288},
};

static double target_of(const bench_run *run, const row_spec *r)
{
	if (run->smoke)
		return 0;
	if (strcmp(run->scale, "huge") == 0) {
		for (size_t k = 0; k < sizeof huge_targets / sizeof huge_targets[0]; k++)
			if (strcmp(huge_targets[k].key, r->key) == 0)
				return huge_targets[k].target;
		return 0;
	}
	return strcmp(run->scale, "large") == 0 ? r->target_large
		: strcmp(run->scale, "default") == 0 ? r->target_default : 0;
}

static const char *stat_name(int stat)
{
	return stat == ST_MEDIAN ? "p50" : stat == ST_P99 ? "p99" : "max";
}

/* "p99 <= 5" or "" */
static void target_text(const bench_run *run, const row_spec *r, char *buf, size_t size)
{
	double t = target_of(run, r);
	if (t > 0)
		snprintf(buf, size, "%s <= %g", stat_name(r->stat), t);
	else
		buf[0] = '\0';
}

/* "yes", "NO" or "" (no target, or nothing measured) */
static const char *met_text(const bench_run *run, const row_spec *r)
{
	double t = target_of(run, r), v = stat_value(run->d, r, r->stat);
	if (t <= 0 || isnan(v))
		return "";
	return v <= t ? "yes" : "NO";
}

static void fmt_num(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (fabs(v) >= 1000)
		snprintf(buf, size, "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(buf, size, "%.1f", v);
	else if (fabs(v) >= 1)
		snprintf(buf, size, "%.2f", v);
	else
		snprintf(buf, size, "%.3f", v);
}

/* ------------------------------------------------------------------ physical references */

/* The reference printed beside a row, or "". */
static void reference(const bench_run *run, const row_spec *r, char *buf, size_t size)
{
	const bench_data *d = run->d;
	const bench_peak *pk = run->pk;
	buf[0] = '\0';
	if (strcmp(r->key, "forward500") == 0 && pk->flops > 0) {
		double t = bench_quantile(d, "forward500", 0.5) * 1e-3;
		double f = bench_ranker_flops(500);
		if (!isnan(t))
			snprintf(buf, size, "%.1f MFLOP: %.1f GFLOP/s, %.0f%% of %.0f GFLOP/s peak "
				 "(1 core, %s); at peak %.3f ms",
				 f * 1e-6, f / t * 1e-9, 100 * f / t / pk->flops, pk->flops * 1e-9,
				 pk->isa, f / pk->flops * 1e3);
	} else if (strcmp(r->key, "load") == 0 && pk->read_bw > 0) {
		double t = bench_quantile(d, "load", 0.5), mb = bench_quantile(d, "db.mb", 0.5);
		if (!isnan(t) && !isnan(mb))
			snprintf(buf, size, "%.0f MB file at %.0f MB/s; memory reads %.1f GB/s",
				 mb, mb / t, pk->read_bw * 1e-9);
	} else if (strcmp(r->key, "generate.write") == 0) {
		double t = bench_quantile(d, "generate.write", 0.5);
		double mb = bench_quantile(d, "db.mb", 0.5);
		if (!isnan(t) && !isnan(mb))
			snprintf(buf, size, "%.0f MB written at %.0f MB/s", mb, mb / t);
	} else if (strcmp(r->key, "like_share") == 0) {
		double a = bench_quantile(d, "like_auc", 0.5), o = bench_quantile(d, "oracle_like_auc", 0.5);
		double ref = bench_quantile(d, "like_share.default", 0.5);
		if (!isnan(a) && !isnan(o))
			snprintf(buf, size, "like AUC %.4f, oracle %.4f%s", a, o, "");
		if (!isnan(ref)) {
			size_t len = strlen(buf);
			snprintf(buf + len, size - len, "; default world %.4f (diff %+.4f, target "
				 "|diff| <= 0.02: %s)",
				 ref, a / o - ref, fabs(a / o - ref) <= 0.02 ? "met" : "NOT met");
		}
	} else if (strcmp(r->key, "ir.request") == 0) {
		snprintf(buf, size, "user %.0f of this world, callgrind", bench_quantile(d, "ir.user", 0.5));
	}
}

/* ------------------------------------------------------------------ text */

void bench_print_table(const bench_run *runs, int n_runs, const char *header)
{
	printf("%s\n", header);
	printf("%-8s %-34s %10s %10s %10s %6s %-6s %-12s %-4s %s\n", "scale", "measure", "p50",
	       "p95", "p99", "n", "unit", "target", "met", "reference");
	for (int k = 0; k < n_runs; k++) {
		const bench_run *run = &runs[k];
		for (size_t i = 0; i < N_ROWS; i++) {
			const row_spec *r = &rows[i];
			const bench_series *s = bench_get(run->d, r->key);
			if (!s || !s->n)
				continue;
			char p50[32], p95[32], p99[32], tgt[32], ref[300];
			fmt_num(p50, sizeof p50, stat_value(run->d, r, ST_MEDIAN));
			bool spread = s->n >= 20;
			fmt_num(p95, sizeof p95, spread ? bench_quantile(run->d, r->key, 0.95) * r->scale : NAN);
			fmt_num(p99, sizeof p99, spread ? stat_value(run->d, r, ST_P99) : NAN);
			target_text(run, r, tgt, sizeof tgt);
			reference(run, r, ref, sizeof ref);
			printf("%-8s %-34s %10s %10s %10s %6zu %-6s %-12s %-4s %s\n", run->scale,
			       r->label, p50, p95, p99, s->n, r->unit, tgt, met_text(run, r), ref);
		}
	}
	const bench_peak *pk = runs[0].pk;
	printf("physical references, measured on one core of %s: %.1f GFLOP/s FP32 (%s, 12 "
	       "independent chains), %.1f GB/s memory reads (256 MB), clock %.2f GHz busy "
	       "(dependent adds; %.2f GHz nominal)\n",
	       pk->cpu, pk->flops * 1e-9, pk->isa, pk->read_bw * 1e-9, pk->ghz, pk->nominal_ghz);
}

/* ------------------------------------------------------------------ JSON */

static void json_num(cJSON *o, const char *name, double v)
{
	if (isnan(v) || isinf(v))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, v);
}

static cJSON *run_json(const bench_run *run)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scale", run->scale);
	cJSON_AddNumberToObject(o, "users", run->users);
	cJSON_AddNumberToObject(o, "tweets", run->tweets);
	cJSON_AddNumberToObject(o, "impressions", run->impressions);
	cJSON_AddBoolToObject(o, "smoke", run->smoke);
	cJSON *m = cJSON_AddArrayToObject(o, "measures");
	for (size_t i = 0; i < N_ROWS; i++) {
		const row_spec *r = &rows[i];
		const bench_series *s = bench_get(run->d, r->key);
		if (!s || !s->n)
			continue;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "key", r->key);
		cJSON_AddStringToObject(x, "label", r->label[0] == ' ' ? r->label + 2 : r->label);
		cJSON_AddStringToObject(x, "unit", r->unit);
		cJSON_AddNumberToObject(x, "n", (double)s->n);
		json_num(x, "p50", stat_value(run->d, r, ST_MEDIAN));
		json_num(x, "p95", bench_quantile(run->d, r->key, 0.95) * r->scale);
		json_num(x, "p99", stat_value(run->d, r, ST_P99));
		json_num(x, "max", stat_value(run->d, r, ST_MAX));
		double t = target_of(run, r);
		if (t > 0) {
			cJSON_AddStringToObject(x, "target_statistic", stat_name(r->stat));
			cJSON_AddNumberToObject(x, "target", t);
			cJSON_AddBoolToObject(x, "met", stat_value(run->d, r, r->stat) <= t);
		}
		char ref[300];
		reference(run, r, ref, sizeof ref);
		if (ref[0])
			cJSON_AddStringToObject(x, "reference", ref);
		cJSON_AddItemToArray(m, x);
	}
	return o;
}

int bench_write_json(const bench_run *runs, int n_runs, const char *header, const char *path)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "header", header);
	const bench_peak *pk = runs[0].pk;
	cJSON *p = cJSON_AddObjectToObject(root, "machine");
	cJSON_AddStringToObject(p, "cpu", pk->cpu);
	json_num(p, "ghz_busy", pk->ghz);
	json_num(p, "ghz_nominal", pk->nominal_ghz);
	json_num(p, "peak_gflops_1core", pk->flops * 1e-9);
	cJSON_AddStringToObject(p, "peak_isa", pk->isa);
	json_num(p, "read_gbps_1core", pk->read_bw * 1e-9);
	cJSON *arr = cJSON_AddArrayToObject(root, "runs");
	for (int k = 0; k < n_runs; k++)
		cJSON_AddItemToArray(arr, run_json(&runs[k]));
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return -1;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	free(text);
	if (!rc && rename(tmp, path))
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}
