/* bench_retrieval.c: candidate retrieval measured on a dataset: the embedding fits' time,
 * each source's recall of the users' test-split positive engagements at its cap, the
 * union's recall and the overlap between sources, for hash vs real SimClusters and rule vs
 * learned RealGraph, and the time of one request (query hydration + the four sources).
 *
 * usage: bench_retrieval [DB] [MODELS_DIR]
 *   DB defaults to data/default.db; the models are fitted into MODELS_DIR (default: a
 *   fresh folder under /tmp) on behaviour before the embedding cut, and every engine is
 *   built on the data before the split, as evaluation does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parts.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, const mrs_error *err)
{
	fprintf(stderr, "bench_retrieval: %s: %s\n", what, err->msg);
	exit(1);
}

static mrs_engine *open_parts(const mrs_dataset *ds, int64_t now, const char *dir, int sc,
			      int rg)
{
	mrs_error err = {0};
	mrs_engine *e = calloc(1, sizeof *e);
	e->ds = ds;
	e->now = now;
	e->sc_mode = sc;
	e->rg_mode = rg;
	snprintf(e->models_dir, sizeof e->models_dir, "%s", dir);
	/* the counters first, as mrs_engine_open opens them: the models read them */
	if (mrs_counts_open(e, NULL, &err) || mrs_sc_open(e, NULL, &err) ||
	    mrs_twhin_open(e, NULL, &err) || mrs_rg_open(e, NULL, &err))
		die("open", &err);
	return e;
}

static void close_parts(mrs_engine *e)
{
	mrs_rg_free(e->rg);
	mrs_twhin_free(e->tw);
	mrs_sc_free(e->sc);
	mrs_counts_free(e->counts);
	free(e);
}

typedef struct result {
	uint64_t hits[MRS_N_SOURCES], union_hits, positives, retrievable;
	uint64_t found[MRS_N_SOURCES], both[MRS_N_SOURCES][MRS_N_SOURCES];
	uint64_t candidates_union;
	double *ms;  /* per request */
	double *hydrate_ms;
	double *source_ms[MRS_N_SOURCES];
	uint32_t requests;
} result;

/* One configuration over every user with a positive engagement in the test split. */
static void measure(const mrs_dataset *full, const mrs_dataset *view, int64_t now,
		    const char *dir, int sc, int rg, const mrs_config *cfg, result *r)
{
	mrs_error err = {0};
	mrs_engine *e = open_parts(view, now, dir, sc, rg);
	memset(r, 0, sizeof *r);
	r->ms = calloc(full->n_users, sizeof(double));
	r->hydrate_ms = calloc(full->n_users, sizeof(double));
	for (int s = 0; s < MRS_N_SOURCES; s++)
		r->source_ms[s] = calloc(full->n_users, sizeof(double));
	mrs_idmap pos = {0}, cand = {0};
	uint8_t *mask = NULL;
	size_t mask_cap = 0;
	for (uint32_t u = 0; u < full->n_users; u++) {
		mrs_idmap_reset(&pos, 16, &err);
		for (uint32_t i = mrs_uimp_end(full, u, now); i < full->uimp_off[u + 1]; i++)
			if (full->imp_actions[i] & MRS_POSITIVE_MASK)
				mrs_idmap_put(&pos, full->imp_tweet[i], NULL, &err);
		if (!pos.n)
			continue;
		mrs_query q;
		mrs_cand_list l[MRS_N_SOURCES] = {{0}};
		double t0 = mrs_seconds();
		if (mrs_query_hydrate(e, u, now, &q, &err))
			die("hydrate", &err);
		double t1 = mrs_seconds();
		for (int s = 0; s < MRS_N_SOURCES; s++) {
			double ts = mrs_seconds();
			if (mrs_source_run(s, e, &q, cfg, &l[s], &err))
				die(mrs_source_name(s), &err);
			r->source_ms[s][r->requests] = (mrs_seconds() - ts) * 1e3;
		}
		double t2 = mrs_seconds();
		r->ms[r->requests] = (t2 - t0) * 1e3;
		r->hydrate_ms[r->requests] = (t1 - t0) * 1e3;
		r->requests++;
		/* which sources found each candidate */
		mrs_idmap_reset(&cand, 512, &err);
		for (int s = 0; s < MRS_N_SOURCES; s++)
			for (uint32_t i = 0; i < l[s].n; i++) {
				bool added;
				uint32_t k = mrs_idmap_put(&cand, l[s].v[i].tweet, &added, &err);
				mrs_grow((void **)&mask, &mask_cap, (size_t)k + 1, 1, "mask", &err);
				if (added)
					mask[k] = 0;
				mask[k] |= (uint8_t)(1u << s);
			}
		for (uint32_t k = 0; k < cand.n; k++) {
			for (int s = 0; s < MRS_N_SOURCES; s++) {
				if (!(mask[k] & (1u << s)))
					continue;
				r->found[s]++;
				for (int o = 0; o < MRS_N_SOURCES; o++)
					r->both[s][o] += (mask[k] >> o) & 1;
			}
		}
		r->candidates_union += cand.n;
		for (uint32_t i = 0; i < pos.n; i++) {
			uint32_t t = pos.ids[i], k = mrs_idmap_get(&cand, t);
			r->positives++;
			r->retrievable += full->tweet_time[t] < now;
			if (k == MRS_NONE)
				continue;
			r->union_hits++;
			for (int s = 0; s < MRS_N_SOURCES; s++)
				r->hits[s] += (mask[k] >> s) & 1;
		}
		for (int s = 0; s < MRS_N_SOURCES; s++)
			mrs_cand_list_free(&l[s]);
		mrs_query_free(&q);
	}
	mrs_idmap_free(&pos), mrs_idmap_free(&cand);
	free(mask);
	close_parts(e);
}

static double median(double *v, uint32_t n, double q)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return v[(uint32_t)((n - 1) * q)];
}

static void report(const char *name, result *r, const mrs_config *cfg)
{
	printf("\n%s: %u requests, %llu test positives (%llu created before now, retrievable)\n",
	       name, r->requests, (unsigned long long)r->positives,
	       (unsigned long long)r->retrievable);
	printf("  %-13s %5s %10s %9s %11s\n", "source", "cap", "cands/req", "recall", "recall(ret)");
	for (int s = 0; s < MRS_N_SOURCES; s++)
		printf("  %-13s %5u %10.1f %8.1f%% %10.1f%%\n", mrs_source_label(s), cfg->source_cap[s],
		       (double)r->found[s] / r->requests, 100.0 * r->hits[s] / r->positives,
		       100.0 * r->hits[s] / r->retrievable);
	printf("  %-13s %5s %10.1f %8.1f%% %10.1f%%\n", "union", "",
	       (double)r->candidates_union / r->requests, 100.0 * r->union_hits / r->positives,
	       100.0 * r->union_hits / r->retrievable);
	printf("  overlap: share of the row source's candidates also found by the column source\n");
	printf("  %-13s", "");
	for (int o = 0; o < MRS_N_SOURCES; o++)
		printf(" %12s", mrs_source_label(o));
	printf("\n");
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		printf("  %-13s", mrs_source_label(s));
		for (int o = 0; o < MRS_N_SOURCES; o++)
			printf(" %11.1f%%", r->found[s] ? 100.0 * r->both[s][o] / r->found[s] : 0.0);
		printf("\n");
	}
	double hyd = median(r->hydrate_ms, r->requests, 0.5);
	double med = median(r->ms, r->requests, 0.5), p90 = median(r->ms, r->requests, 0.9);
	double mx = median(r->ms, r->requests, 1.0);
	printf("  request (hydration + 4 sources): median %.3f ms, p90 %.3f ms, max %.3f ms\n", med,
	       p90, mx);
	printf("  median (max) ms: hydration %.3f", hyd);
	for (int s = 0; s < MRS_N_SOURCES; s++) {
		double m = median(r->source_ms[s], r->requests, 0.5);
		printf(", %s %.3f (%.2f)", mrs_source_label(s), m,
		       median(r->source_ms[s], r->requests, 1.0));
		free(r->source_ms[s]);
	}
	printf("\n");
	free(r->ms), free(r->hydrate_ms);
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "data/default.db";
	char dir[512];
	if (argc > 2) {
		snprintf(dir, sizeof dir, "%s", argv[2]);
		mkdir(dir, 0777);
	} else {
		snprintf(dir, sizeof dir, "/tmp/bench_retrieval-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
	}
	setenv("OPENBLAS_NUM_THREADS", "1", 0);
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(db, NULL, &err);
	if (!ds)
		die(db, &err);
	int64_t cut = mrs_embed_cut(ds, &err);
	if (cut == INT64_MIN)
		die("embedding cut", &err);
	printf("dataset %s: %u users, %u tweets, %u impressions; embedding cut %.1f days after "
	       "the start, split %.1f days\n",
	       db, ds->n_users, ds->n_tweets, ds->n_impressions,
	       (double)(cut - ds->t_begin) / 86400, (double)(ds->split_time - ds->t_begin) / 86400);
	printf("models in %s\n", dir);

	static const struct {
		const char *name;
		int (*fit)(const mrs_dataset *, int64_t, const char *, uint64_t, const mrs_progress *,
			   mrs_error *);
	} fits[] = {{"simclusters", mrs_sc_fit}, {"twhin", mrs_twhin_fit}, {"realgraph", mrs_rg_fit}};
	double total = 0;
	for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
		double t = mrs_seconds();
		if (fits[i].fit(ds, cut, dir, 42, NULL, &err))
			die(fits[i].name, &err);
		t = mrs_seconds() - t;
		total += t;
		printf("fit %-12s %6.2f s\n", fits[i].name, t);
	}
	printf("fit %-12s %6.2f s\n", "all three", total);

	mrs_dataset *view = mrs_dataset_before(ds, ds->split_time, &err);
	if (!view)
		die("slice", &err);
	mrs_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.source_cap[MRS_SRC_IN_NETWORK] = 200;
	cfg.source_cap[MRS_SRC_OUT_OF_NETWORK] = 200;
	cfg.source_cap[MRS_SRC_GRAPH] = 100;
	cfg.source_cap[MRS_SRC_FOLLOW_RECS] = 50;
	cfg.max_age_hours = 168;
	cfg.in_network_halflife_hours = 24;
	cfg.oon_clusters = 8;
	cfg.graph_followees = 20;
	cfg.graph_window_hours = 48;
	cfg.frs_accounts = 20;
	static const struct {
		const char *name;
		int sc, rg;
	} configs[] = {
		{"real SimClusters, learned RealGraph", MRS_SC_REAL, MRS_RG_LEARNED},
		{"real SimClusters, rule RealGraph", MRS_SC_REAL, MRS_RG_RULE},
		{"hash SimClusters, learned RealGraph", MRS_SC_HASH, MRS_RG_LEARNED},
		{"hash SimClusters, rule RealGraph", MRS_SC_HASH, MRS_RG_RULE},
	};
	for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
		result r;
		measure(ds, view, ds->split_time, dir, configs[i].sc, configs[i].rg, &cfg, &r);
		report(configs[i].name, &r, &cfg);
	}
	mrs_dataset_free(view);
	mrs_dataset_free(ds);
	return 0;
}
