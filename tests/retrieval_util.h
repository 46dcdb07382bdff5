/* retrieval_util.h: helpers for the retrieval tests: engines assembled by hand from the
 * retrieval parts (without mrs_engine_open), the sources' test configuration, small
 * generated worlds and hand-built datasets. */
#ifndef MRS_RETRIEVAL_UTIL_H
#define MRS_RETRIEVAL_UTIL_H

#include <errno.h>
#include <sys/stat.h>

#include "testutil.h"

/* The sources' settings the tests use (config.c's presets are another part). */
static inline void ru_config(mrs_config *c)
{
	memset(c, 0, sizeof *c);
	c->source_cap[MRS_SRC_IN_NETWORK] = 200;
	c->source_cap[MRS_SRC_OUT_OF_NETWORK] = 200;
	c->source_cap[MRS_SRC_GRAPH] = 100;
	c->source_cap[MRS_SRC_FOLLOW_RECS] = 50;
	c->max_age_hours = 168;
	c->in_network_halflife_hours = 24;
	c->oon_clusters = 8;
	c->graph_followees = 20;
	c->graph_window_hours = 48;
	c->frs_accounts = 20;
}

/* SimClusters, TwHIN and RealGraph opened over ds as of now; dir may be NULL (no models). */
static inline mrs_engine *ru_open(const mrs_dataset *ds, int64_t now, const char *dir,
				  int sc_mode, int rg_mode)
{
	mrs_error err = {0};
	mrs_engine *e = calloc(1, sizeof *e);
	assert_non_null(e);
	e->ds = ds;
	e->now = now;
	e->sc_mode = sc_mode;
	e->rg_mode = rg_mode;
	if (dir)
		snprintf(e->models_dir, sizeof e->models_dir, "%s", dir);
	/* the counters first, as mrs_engine_open opens them: the models read the engagers
	 * of a tweet from them */
	assert_ok(mrs_counts_open(e, NULL, &err), &err);
	assert_ok(mrs_sc_open(e, NULL, &err), &err);
	assert_ok(mrs_twhin_open(e, NULL, &err), &err);
	assert_ok(mrs_rg_open(e, NULL, &err), &err);
	return e;
}

static inline void ru_close(mrs_engine *e)
{
	if (!e)
		return;
	mrs_rg_free(e->rg);
	mrs_twhin_free(e->tw);
	mrs_sc_free(e->sc);
	mrs_item_knn_free(e->coeng);
	mrs_counts_free(e->counts);
	free(e);
}

/* The embedding cut (models.h's time rules); these tests fit the models at it. */
static inline int64_t ru_embed_cut(const mrs_dataset *ds)
{
	mrs_error err = {0};
	int64_t cut = mrs_embed_cut(ds, &err);
	if (cut == INT64_MIN)
		fail_msg("embedding cut: %s", err.msg);
	return cut;
}

static inline mrs_dataset *ru_world(uint32_t users, uint32_t tweets, uint32_t imps,
				    uint64_t seed, mrs_truth **tr)
{
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_truth *ignored = NULL;
	assert_ok(mrs_gen_params_scale(&p, "default", &err), &err);
	p.users = users, p.tweets = tweets, p.impressions = imps, p.seed = seed;
	mrs_dataset *ds = mrs_generate(&p, tr ? tr : &ignored, NULL, &err);
	if (!ds)
		fail_msg("generate: %s", err.msg);
	mrs_truth_free(ignored);
	return ds;
}

/* A fresh folder under the test folder. */
static inline char *ru_dir(char *buf, size_t size, const char *name)
{
	tu_path(buf, size, name);
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		fail_msg("mkdir %s", buf);
	return buf;
}

/* A dataset under construction: texts and handles go through pools. */
typedef struct ru_builder {
	mrs_dataset *ds;
	mrs_pool texts, handles;
} ru_builder;

static inline void ru_begin(ru_builder *b, uint32_t users, uint32_t tweets)
{
	mrs_error err = {0};
	memset(b, 0, sizeof *b);
	b->ds = mrs_ds_alloc(users, tweets, &err);
	assert_non_null(b->ds);
	for (uint32_t u = 0; u < users; u++) {
		char h[32];
		snprintf(h, sizeof h, "user%u", u);
		b->ds->handle_off[u] = mrs_pool_add(&b->handles, h, strlen(h), &err);
	}
}

static inline void ru_tweet(ru_builder *b, uint32_t t, uint32_t author, int64_t time,
			    const char *text)
{
	mrs_error err = {0};
	b->ds->tweet_author[t] = author;
	b->ds->tweet_time[t] = time;
	b->ds->text_off[t] = mrs_pool_add(&b->texts, text, strlen(text), &err);
}

static inline mrs_dataset *ru_end(ru_builder *b, int64_t split)
{
	mrs_error err = {0};
	mrs_dataset *ds = b->ds;
	free(ds->handle_pool), free(ds->text_pool);
	ds->handle_pool = b->handles.data;
	ds->text_pool = b->texts.data;
	ds->split_time = split;
	ds->kind = mrs_strdup("synthetic", &err);
	ds->params_json = mrs_strdup("{}", &err);
	assert_ok(mrs_dataset_index(ds, &err), &err);
	return ds;
}

/* Does the file contain the text? */
static inline bool ru_file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static inline void ru_write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Copies the first `keep` bytes of src to dst (keep 0: the whole file). */
static inline void ru_copy_prefix(const char *src, const char *dst, long keep)
{
	FILE *f = fopen(src, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ru_write_bytes(dst, buf, (size_t)(keep > 0 && keep < n ? keep : n));
	free(buf);
}

static inline bool ru_files_equal(const char *a, const char *b)
{
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	bool same = f && g;
	while (same) {
		int x = fgetc(f), y = fgetc(g);
		if (x != y)
			same = false;
		if (x == EOF || y == EOF)
			break;
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	return same;
}

#endif
