/* test_snapshot.c: the serving snapshot on the test world (tests/world.sh): timelines
 * served from it equal, bit for bit, those of an engine built without it (with candidates
 * of the Graph source's tweet-based path and the pair_coengagement feature among them),
 * and so does its co-engagement index, row by row; the same set named another way
 * serves from the same file; a stale key
 * (a model or the dataset changed), a truncated or corrupt file are rebuilt with a
 * message saying why; a writer that fails or is killed leaves the old file whole and no
 * temporary file in use; the hidden truth maps from it equal to the file's; derived
 * datasets and other options never use it; the writer's free-space check and the dry run
 * that sizes the file; an engine over a cut borrows the serving engine's safety scores;
 * the co-engagement scores of a candidate list in one pass equal those one by one. */
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

static char db[512], models[512], snap[600];

static int setup(void **state)
{
	(void)state;
	if (system(MRS_SRCDIR "/tests/world.sh >/dev/null") != 0)
		return -1;
	char cmd[2000];
	tu_path(db, sizeof db, "world.db");
	tu_path(models, sizeof models, "models");
	snprintf(snap, sizeof snap, "%s/set-1/serving.snap", models);
	snprintf(cmd, sizeof cmd, "cp '%s/tests/world/world.db' '%s' && cp -R '%s/tests/world/models' '%s' && rm -f '%s'",
		 MRS_BUILDDIR, db, MRS_BUILDDIR, models, snap);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- serving a few timelines */

#define N_VIEWERS 12

typedef struct served {
	uint32_t n[N_VIEWERS];
	mrs_candidate c[N_VIEWERS][1000];
	uint32_t order[N_VIEWERS][100];
	uint32_t n_order[N_VIEWERS];
	char notes[MRS_N_MODELS][300];
	char why[700], note[700];
	bool has_why, mapped;
	uint32_t n_similar, n_coeng; /* candidates of the Graph source's tweet-based path, and
					with a pair_coengagement feature */
} served;

static served A, B;

/* Opens data with models (from the snapshot when serving) and runs N_VIEWERS requests. */
static void serve(bool serving, served *s)
{
	mrs_error err = {0};
	memset(s, 0, sizeof *s);
	mrs_dataset *ds = serving ? mrs_dataset_load_serving(db, models, NULL, &err)
				  : mrs_dataset_load(db, NULL, &err);
	if (!ds)
		fail_msg("load: %s", err.msg);
	const char *why = mrs_dataset_snapshot_why(ds);
	s->has_why = why != NULL;
	snprintf(s->why, sizeof s->why, "%s", why ? why : "");
	s->mapped = ds->snap != NULL;
	mrs_engine_opts eo = {.models_dir = models};
	mrs_engine *e = mrs_engine_open(ds, &eo, NULL, &err);
	if (!e)
		fail_msg("engine: %s", err.msg);
	snprintf(s->note, sizeof s->note, "%s", mrs_engine_snapshot_note(e));
	for (int m = 0; m < MRS_N_MODELS; m++)
		snprintf(s->notes[m], sizeof s->notes[m], "%s", mrs_engine_status(e, m)->note);
	mrs_request *r = mrs_request_new(e, &err);
	mrs_config cfg;
	assert_ok(mrs_config_preset(&cfg, "seed", &err), &err);
	for (uint32_t v = 0; v < N_VIEWERS; v++) {
		assert_ok(mrs_request_run(r, v * 16, 0, &cfg, &err), &err);
		uint32_t n;
		const mrs_candidate *c = mrs_request_candidates(r, &n);
		s->n[v] = MRS_MIN(n, 1000u);
		memcpy(s->c[v], c, sizeof *c * s->n[v]);
		for (uint32_t i = 0; i < s->n[v]; i++) {
			/* the engagers' path names who engaged; the tweet-based path no one */
			s->n_similar += (c[i].sources & 1u << MRS_SRC_GRAPH) && !c[i].n_proof;
			s->n_coeng += c[i].feat[F_PAIR_COENGAGEMENT] != 0;
		}
		const uint32_t *order;
		s->n_order[v] = MRS_MIN(mrs_request_timeline(r, &order), 100u);
		memcpy(s->order[v], order, sizeof *order * s->n_order[v]);
	}
	mrs_request_free(r);
	mrs_engine_free(e);
	mrs_dataset_free(ds);
}

/* Every score and feature bit for bit, the same candidates, the same order. */
static void assert_same(const served *a, const served *b)
{
	for (int m = 0; m < MRS_N_MODELS; m++)
		assert_string_equal(a->notes[m], b->notes[m]);
	for (uint32_t v = 0; v < N_VIEWERS; v++) {
		assert_int_equal(a->n[v], b->n[v]);
		assert_int_equal(a->n_order[v], b->n_order[v]);
		assert_memory_equal(a->order[v], b->order[v], sizeof(uint32_t) * a->n_order[v]);
		for (uint32_t i = 0; i < a->n[v]; i++) {
			const mrs_candidate *x = &a->c[v][i], *y = &b->c[v][i];
			assert_int_equal(x->tweet, y->tweet);
			assert_int_equal(x->sources, y->sources);
			assert_int_equal(x->rank, y->rank);
			assert_int_equal(x->dropped_at, y->dropped_at);
			assert_memory_equal(x->source_score, y->source_score, sizeof x->source_score);
			assert_memory_equal(x->feat, y->feat, sizeof x->feat);
			assert_memory_equal(x->heads, y->heads, sizeof x->heads);
			const float fx[] = {x->rg, x->sc, x->twhin, x->nsfw, x->tox, x->fused,
					    x->safety_mult, x->heur_mult, x->score};
			const float fy[] = {y->rg, y->sc, y->twhin, y->nsfw, y->tox, y->fused,
					    y->safety_mult, y->heur_mult, y->score};
			assert_memory_equal(fx, fy, sizeof fx);
		}
	}
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Temporary files of the snapshot left in the set folder. */
static int temps(void)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/set-1", models);
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, "serving.snap.tmp-", 17) == 0;
	if (d)
		closedir(d);
	return n;
}

static uint64_t file_hash(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	uint64_t h = MRS_FNV_START;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		h = mrs_fnv1a(h, buf, n);
	fclose(f);
	return h;
}

/* Appends a space to a model's card: its bytes change, the JSON stays the same. */
static void touch_card(const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/set-1/%s.json", models, name);
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	fputc(' ', f);
	fclose(f);
}

/* ---- the tests */

static void test_written_then_mapped_same_timelines(void **state)
{
	(void)state;
	serve(true, &A); /* no snapshot yet: built, then written */
	assert_true(A.has_why);
	assert_string_equal(A.why, "none yet");
	assert_false(A.mapped);
	assert_non_null(strstr(A.note, "rebuilt"));
	assert_true(exists(snap));
	serve(true, &B); /* from the snapshot */
	assert_string_equal(B.why, "");
	assert_true(B.mapped);
	assert_non_null(strstr(B.note, "opened from"));
	assert_same(&A, &B);
	/* what the co-engagement index serves is among what is compared */
	assert_true(B.n_similar > 0);
	assert_true(B.n_coeng > 0);
	assert_int_equal(A.n_similar, B.n_similar);
	assert_int_equal(A.n_coeng, B.n_coeng);
	served *fresh = &A;
	serve(false, fresh); /* the plain path: no snapshot involved */
	assert_false(fresh->has_why);
	assert_false(fresh->mapped);
	assert_string_equal(fresh->note, "");
	assert_same(fresh, &B);
	assert_int_equal(temps(), 0);
}

/* The same set named another way (a symbolic link to the models folder, a path through
 * ".", a path relative to the working folder) serves from the same file. */
static void test_set_named_another_way(void **state)
{
	(void)state;
	char saved[sizeof models], link[sizeof models + 8], cwd[4096];
	snprintf(saved, sizeof saved, "%s", models);
	snprintf(link, sizeof link, "%s-link", saved);
	unlink(link);
	assert_int_equal(symlink(saved, link), 0);
	assert_non_null(getcwd(cwd, sizeof cwd));
	const char *names[] = {link, "./models/.", "models"};
	assert_int_equal(chdir(tu_tmpdir()), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(models, sizeof models, "%s", names[i]);
		serve(true, &B);
		if (strcmp(B.why, "") != 0)
			fail_msg("--models %s: %s", names[i], B.why);
		assert_true(B.mapped);
	}
	assert_int_equal(chdir(cwd), 0);
	snprintf(models, sizeof models, "%s", saved);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(temps(), 0);
}

static void test_stale_model_rebuilt(void **state)
{
	(void)state;
	serve(true, &A);
	assert_true(A.mapped);
	touch_card("heavy_ranker");
	serve(true, &A);
	assert_false(A.mapped);
	assert_string_equal(A.why, "stale: the heavy_ranker model changed");
	assert_non_null(strstr(A.note, "rebuilt"));
	serve(true, &B);
	assert_true(B.mapped);
	assert_same(&A, &B);
}

static void test_stale_dataset_rebuilt(void **state)
{
	(void)state;
	serve(true, &A);
	assert_true(A.mapped);
	/* another program writes to the dataset: SQLite's change counter moves */
	sqlite3 *s;
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "UPDATE users SET handle = 'renamed' WHERE id = 0", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(s);
	serve(true, &A);
	assert_false(A.mapped);
	assert_string_equal(A.why, "stale: the dataset file changed");
	serve(true, &B);
	assert_true(B.mapped);
	assert_same(&A, &B);
}

static void test_truncated_rebuilt(void **state)
{
	(void)state;
	serve(true, &A);
	struct stat sb;
	assert_int_equal(stat(snap, &sb), 0);
	assert_int_equal(truncate(snap, sb.st_size / 2), 0);
	serve(true, &A);
	assert_false(A.mapped);
	assert_non_null(strstr(A.why, "truncated or grown"));
	assert_non_null(strstr(A.note, "rebuilt"));
	assert_int_equal(truncate(snap, 100), 0); /* shorter than the header */
	serve(true, &A);
	assert_non_null(strstr(A.why, "truncated ("));
	serve(true, &B);
	assert_true(B.mapped);
	assert_same(&A, &B);
}

static void test_corrupt_header_rebuilt(void **state)
{
	(void)state;
	serve(true, &A);
	assert_true(A.mapped);
	FILE *f = fopen(snap, "r+b");
	assert_non_null(f);
	fseek(f, 100, SEEK_SET); /* inside the key */
	int c = fgetc(f);
	fseek(f, 100, SEEK_SET);
	fputc(c ^ 0x40, f);
	fclose(f);
	serve(true, &A);
	assert_false(A.mapped);
	assert_non_null(strstr(A.why, "corrupt (the header's checksum does not match)"));
	serve(true, &B);
	assert_true(B.mapped);
}

static void test_failed_write_keeps_old_file(void **state)
{
	(void)state;
	serve(true, &A);
	assert_true(A.mapped);
	uint64_t before = file_hash(snap);
	touch_card("nsfw");
	/* writes past 64 KiB fail (EFBIG) while the stale snapshot is rebuilt */
	struct rlimit old, rl = {65536, 65536};
	getrlimit(RLIMIT_FSIZE, &old);
	rl.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	serve(true, &A);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_string_equal(A.why, "stale: the nsfw model changed");
	assert_non_null(strstr(A.note, "not written (stale: the nsfw model changed)"));
	assert_non_null(strstr(A.note, "File too large"));
	assert_int_equal(file_hash(snap), before);
	assert_int_equal(temps(), 0);
}

static void test_killed_writer_keeps_old_file(void **state)
{
	(void)state;
	uint64_t before = file_hash(snap);
	/* the program, killed (SIGKILL) at its first rename: the snapshot's */
	char cmd[2000];
	snprintf(cmd, sizeof cmd,
		 "MRS_TEST_KILL_AT_RENAME=1 '%s/minirecsys' --quiet --data '%s' --models '%s' "
		 "timeline 0 >/dev/null 2>&1",
		 MRS_BUILDDIR, db, models);
	int st = system(cmd);
	assert_true((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
		    (WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGKILL));
	assert_int_equal(file_hash(snap), before); /* still the old (stale) file */
	assert_int_equal(temps(), 1);              /* what the killed writer left */
	serve(true, &A);                           /* stale: rebuilt, the temp removed */
	assert_false(A.mapped);
	assert_string_equal(A.why, "stale: the nsfw model changed");
	assert_int_equal(temps(), 0);
	serve(true, &B);
	assert_true(B.mapped);
	assert_same(&A, &B);
}

/* The dataset from its snapshot into *m, and from the file alone into *p. */
static void load_both(mrs_dataset **m, mrs_dataset **p)
{
	mrs_error err = {0};
	*m = mrs_dataset_load_serving(db, models, NULL, &err);
	*p = mrs_dataset_load(db, NULL, &err);
	assert_non_null(*m);
	assert_non_null(*p);
	assert_non_null((*m)->snap);
}

/* The hidden truth (the explorer shows it on its first screen) comes from the snapshot,
 * equal to the one in the dataset file. */
static void test_truth_mapped_equal(void **state)
{
	(void)state;
	serve(true, &A);
	assert_true(A.mapped);
	mrs_error err = {0};
	mrs_dataset *m, *p;
	load_both(&m, &p);
	mrs_truth *tm = mrs_truth_load(db, m, &err), *tp = mrs_truth_load(db, p, &err);
	assert_non_null(tm);
	assert_non_null(tp);
	assert_true(tm->mapped);
	assert_false(tp->mapped);
	assert_int_equal(tm->n_impressions, tp->n_impressions);
	assert_int_equal(tm->seed, tp->seed);
	size_t nu = tp->n_users, nt = tp->n_tweets, ni = tp->n_impressions;
	assert_memory_equal(tm->user_interests, tp->user_interests, nu);
	assert_memory_equal(tm->user_interest_w, tp->user_interest_w, 4 * nu * MRS_N_TOPICS);
	assert_memory_equal(tm->user_propensity, tp->user_propensity, 4 * nu);
	assert_memory_equal(tm->tweet_topic, tp->tweet_topic, nt);
	assert_memory_equal(tm->tweet_quality, tp->tweet_quality, 4 * nt);
	assert_memory_equal(tm->tweet_nsfw, tp->tweet_nsfw, 4 * nt);
	assert_memory_equal(tm->tweet_toxicity, tp->tweet_toxicity, 4 * nt);
	assert_memory_equal(tm->imp_prob, tp->imp_prob, 4 * ni * MRS_N_ACTIONS);
	mrs_truth_free(tm);
	mrs_truth_free(tp);
	mrs_dataset_free(m);
	mrs_dataset_free(p);
}

/* The co-engagement index mapped from the snapshot holds what a fresh build holds: the
 * same rows, the same similarities, the same cut. */
static void test_coeng_mapped_equal(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *m, *p;
	load_both(&m, &p);
	mrs_engine_opts eo = {.models_dir = models};
	mrs_engine *em = mrs_engine_open(m, &eo, NULL, &err);
	mrs_engine *ep = mrs_engine_open(p, &eo, NULL, &err);
	assert_non_null(em);
	assert_non_null(ep);
	assert_non_null(strstr(mrs_engine_snapshot_note(em), "opened from"));
	assert_non_null(em->coeng);
	assert_non_null(ep->coeng);
	assert_int_equal(em->coeng_until, ep->coeng_until);
	assert_int_equal(em->coeng_before, ep->coeng_before);
	size_t total = 0;
	for (uint32_t t = 0; t < p->n_tweets; t++) {
		const uint32_t *im, *ip;
		const float *sm, *sp;
		uint32_t nm = mrs_item_knn_row(em->coeng, t, &im, &sm);
		uint32_t np = mrs_item_knn_row(ep->coeng, t, &ip, &sp);
		assert_int_equal(nm, np);
		assert_memory_equal(im, ip, sizeof *im * np);
		assert_memory_equal(sm, sp, sizeof *sm * np);
		total += np;
	}
	assert_true(total > 0);
	mrs_engine_free(em);
	mrs_engine_free(ep);
	mrs_dataset_free(m);
	mrs_dataset_free(p);
}

static void test_derived_and_other_options_build(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load_serving(db, models, NULL, &err);
	assert_non_null(ds);
	assert_non_null(ds->snap);
	/* another mode: built from the mapped dataset, nothing written */
	mrs_engine_opts eo = {.models_dir = models, .sc_mode = MRS_SC_HASH};
	mrs_engine *e = mrs_engine_open(ds, &eo, NULL, &err);
	assert_non_null(e);
	assert_string_equal(mrs_engine_snapshot_note(e), "");
	mrs_engine_free(e);
	/* training's engine: its co-engagement index cut before now, built, nothing written */
	eo = (mrs_engine_opts){.models_dir = models, .coeng_cut = true,
			       .coeng_until = ds->split_time};
	e = mrs_engine_open(ds, &eo, NULL, &err);
	assert_non_null(e);
	assert_string_equal(mrs_engine_snapshot_note(e), "");
	assert_int_equal(e->coeng_before, ds->split_time);
	assert_true(e->coeng_until <= ds->split_time);
	mrs_engine_free(e);
	eo.coeng_cut = false;
	/* a derived dataset owns its arrays and has no snapshot */
	mrs_dataset *cut = mrs_dataset_before(ds, ds->split_time, &err);
	assert_non_null(cut);
	assert_null(cut->snap);
	assert_null(cut->plan);
	e = mrs_engine_open(cut, &eo, NULL, &err);
	assert_non_null(e);
	assert_string_equal(mrs_engine_snapshot_note(e), "");
	mrs_engine_free(e);
	mrs_dataset_free(cut);
	mrs_dataset_free(ds);
	/* without models there is nothing to key a snapshot by */
	ds = mrs_dataset_load_serving(db, NULL, NULL, &err);
	assert_non_null(ds);
	assert_null(mrs_dataset_snapshot_why(ds));
	mrs_dataset_free(ds);
}

static int safety_phases(void *ud, const char *phase, double done, double total,
			 const char *detail)
{
	(void)done, (void)total, (void)detail;
	*(int *)ud += strstr(phase, "scores") != NULL;
	return 0;
}

/* An engine over a cut of the mapped dataset borrows the serving engine's safety scores
 * (texts_from): no scoring pass, the same score for every tweet as when it computes them;
 * with another set it computes its own; snapshot_only refuses a dataset that does not map. */
static void test_cut_borrows_safety_scores(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load_serving(db, models, NULL, &err);
	assert_non_null(ds);
	assert_non_null(ds->snap);
	mrs_engine_opts so = {.models_dir = models, .snapshot_only = true};
	mrs_engine *serving = mrs_engine_open(ds, &so, NULL, &err);
	if (!serving)
		fail_msg("%s", err.msg);
	mrs_dataset *cut = mrs_dataset_before(ds, ds->split_time, &err);
	assert_non_null(cut);
	int n_borrow = 0, n_own = 0;
	mrs_progress pb = {safety_phases, &n_borrow}, po = {safety_phases, &n_own};
	mrs_engine_opts eo = {.models_dir = models, .now = ds->split_time, .texts_from = serving};
	mrs_engine *borrow = mrs_engine_open(cut, &eo, &pb, &err);
	eo.texts_from = NULL;
	mrs_engine *own = mrs_engine_open(cut, &eo, &po, &err);
	assert_non_null(borrow), assert_non_null(own);
	assert_int_equal(n_borrow, 0); /* no scoring pass */
	assert_true(n_own > 0);
	uint32_t n = cut->n_tweets;
	uint32_t *all = malloc(n * sizeof *all);
	float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	float *c = malloc(n * sizeof *c), *d = malloc(n * sizeof *d);
	assert_non_null(all), assert_non_null(a), assert_non_null(b);
	assert_non_null(c), assert_non_null(d);
	for (uint32_t t = 0; t < n; t++)
		all[t] = t;
	assert_ok(mrs_safety_scores(borrow, all, n, a, b, &err), &err);
	assert_ok(mrs_safety_scores(own, all, n, c, d, &err), &err);
	assert_memory_equal(a, c, n * sizeof *a);
	assert_memory_equal(b, d, n * sizeof *b);
	float max = 0;
	for (uint32_t t = 0; t < n; t++)
		max = fmaxf(max, fmaxf(a[t], b[t]));
	assert_true(max > 0.5f); /* real scores, not the fallback's zeros */
	mrs_engine_free(borrow), mrs_engine_free(own);
	/* another models folder (a copy of the set): its own scoring pass */
	char other[700], cmd[4000];
	snprintf(other, sizeof other, "%s-copy", models);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -R '%s' '%s' && rm -f '%s/set-1/serving.snap'",
		 other, models, other, other);
	assert_int_equal(system(cmd), 0);
	n_own = 0;
	eo = (mrs_engine_opts){.models_dir = other, .now = ds->split_time, .texts_from = serving};
	own = mrs_engine_open(cut, &eo, &po, &err);
	assert_non_null(own);
	assert_true(n_own > 0);
	mrs_engine_free(own);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", other);
	assert_int_equal(system(cmd), 0);
	free(all), free(a), free(b), free(c), free(d);
	mrs_engine_free(serving);
	/* a dataset loaded from the store has no snapshot to open from */
	err = (mrs_error){0};
	assert_null(mrs_engine_open(cut, &so, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_REFUSED);
	mrs_dataset_free(cut);
	mrs_dataset_free(ds);
}

/* The ranker feature's co-engagement scores of a whole candidate list in one pass equal
 * the one-at-a-time scores bit for bit, on the test world's index, for every tweet; and
 * for lists of three, whose id range many rows cross with more entries than the pass
 * reads in order (16 a tweet) before it searches the rest. */
static void test_coeng_scores_batch(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(db, NULL, &err);
	assert_non_null(ds);
	mrs_engine_opts eo = {.models_dir = models};
	mrs_engine *e = mrs_engine_open(ds, &eo, NULL, &err);
	assert_non_null(e);
	assert_non_null(e->coeng);
	uint32_t n = ds->n_tweets, hist[MRS_COENG_HISTORY];
	uint32_t *tweets = malloc(n * sizeof *tweets);
	uint64_t *key = malloc(n * sizeof *key);
	float *batch = malloc(n * sizeof *batch);
	assert_non_null(tweets), assert_non_null(key), assert_non_null(batch);
	for (uint32_t i = 0; i < n; i++)
		tweets[i] = (uint32_t)(((uint64_t)i * 7919u) % n); /* every tweet, out of order */
	uint32_t nonzero = 0, long_rows = 0;
	for (uint32_t v = 0; v < ds->n_users; v += 7) {
		uint32_t nh = mrs_coeng_history(e, v, e->now, hist, MRS_COENG_HISTORY);
		mrs_coeng_scores(e, hist, nh, tweets, n, e->now, key, batch);
		for (uint32_t i = 0; i < n; i++) {
			float one = mrs_coeng_score(e, hist, nh, tweets[i], e->now);
			if (memcmp(&one, &batch[i], sizeof one) != 0)
				fail_msg("viewer %u, tweet %u: %.9g one by one, %.9g in the batch", v,
					 tweets[i], one, batch[i]);
			nonzero += one > 0;
		}
		for (uint32_t c = 0; c + 3 <= n && c < 600; c += 3) {
			mrs_coeng_scores(e, hist, nh, tweets + c, 3, e->now, key, batch);
			for (uint32_t i = 0; i < 3; i++) {
				float one = mrs_coeng_score(e, hist, nh, tweets[c + i], e->now);
				if (memcmp(&one, &batch[i], sizeof one) != 0)
					fail_msg("viewer %u, tweet %u of three: %.9g one by one, "
						 "%.9g in the batch",
						 v, tweets[c + i], one, batch[i]);
			}
		}
		for (uint32_t a = 0; a < nh; a++) {
			const uint32_t *tgt;
			const float *sim;
			long_rows += mrs_item_knn_row(e->coeng, hist[a], &tgt, &sim) > 3 * 16;
		}
	}
	assert_true(nonzero > 1000);
	assert_true(long_rows > 100);
	free(tweets), free(key), free(batch);
	mrs_engine_free(e);
	mrs_dataset_free(ds);
}

/* The free-space check before writing: need and its margin must fit in what is free, and
 * the message names the folder, the bytes needed and the bytes available. */
static void test_space_check(void **state)
{
	(void)state;
	mrs_error err = {0};
	uint64_t gb = 1000000000, need = 30 * gb, margin = mrs_snap_space_margin(need);
	assert_true(margin >= need / 20);
	assert_int_equal(mrs_snap_space_check("/m/set-1", need, need + margin, &err), 0);
	assert_int_equal(mrs_snap_space_check("/m/set-1", need, need + margin - 1, &err), -1);
	assert_int_equal(err.code, MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "/m/set-1: not enough free space"));
	assert_non_null(strstr(err.msg, "needs 30000000000 bytes"));
	char avail[64];
	snprintf(avail, sizeof avail, "has %llu bytes", (unsigned long long)(need + margin - 1));
	assert_non_null(strstr(err.msg, avail));
	/* less free than the file itself (no wrap-around in the sum) */
	err = (mrs_error){0};
	assert_int_equal(mrs_snap_space_check("/m", UINT64_MAX - 1, 5 * gb, &err), -1);
	assert_non_null(strstr(err.msg, "5000000000 bytes"));
	/* a small file on a small free space: the 64 MiB floor of the margin */
	assert_int_equal(mrs_snap_space_check("/m", 4096, 32u << 20, &err), -1);
	assert_int_equal(mrs_snap_space_check("/m", 4096, 128u << 20, &err), 0);
	/* the free space of a real folder can be read */
	uint64_t free_b = 0;
	assert_int_equal(mrs_snap_space_free(snap, &free_b, &err), 0);
	assert_true(free_b > 0);
}

/* Sections written through a snapshot io: two values and two arrays (one NULL). */
static int some_sections(mrs_snap_io *io)
{
	static uint32_t v = 7;
	static float big[5000];
	float *big_p = big, *none = NULL;
	uint64_t w = 9;
	return mrs_snap_value(io, "a", &v, sizeof v) || MRS_SNAP_ARRAY(io, "b", big_p, 5000) ||
	       MRS_SNAP_ARRAY(io, "c", none, 0) || mrs_snap_value(io, "d", &w, sizeof w);
}

/* The dry run gives the size of the file the same calls write. */
static void test_dry_run_size(void **state)
{
	(void)state;
	mrs_error err = {0};
	char path[700];
	tu_path(path, sizeof path, "dry.snap");
	mrs_snap_io io;
	mrs_snap_size_begin(&io, &err);
	assert_int_equal(some_sections(&io), 0);
	uint64_t size = mrs_snap_size_end(&io);
	mrs_snap_key key = {.name = "k", .value = 1};
	assert_ok(mrs_snap_write_begin(&io, path, &key, 1, &err), &err);
	assert_int_equal(some_sections(&io), 0);
	assert_ok(mrs_snap_write_end(&io), &err);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((uint64_t)sb.st_size, size);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_then_mapped_same_timelines),
		cmocka_unit_test(test_set_named_another_way),
		cmocka_unit_test(test_stale_model_rebuilt),
		cmocka_unit_test(test_stale_dataset_rebuilt),
		cmocka_unit_test(test_truncated_rebuilt),
		cmocka_unit_test(test_corrupt_header_rebuilt),
		cmocka_unit_test(test_failed_write_keeps_old_file),
		cmocka_unit_test(test_killed_writer_keeps_old_file),
		cmocka_unit_test(test_truth_mapped_equal),
		cmocka_unit_test(test_coeng_mapped_equal),
		cmocka_unit_test(test_derived_and_other_options_build),
		cmocka_unit_test(test_cut_borrows_safety_scores),
		cmocka_unit_test(test_coeng_scores_batch),
		cmocka_unit_test(test_space_check),
		cmocka_unit_test(test_dry_run_size),
	};
	return cmocka_run_group_tests(tests, setup, tu_teardown);
}
