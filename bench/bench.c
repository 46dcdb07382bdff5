/* bench.c: the one benchmark (`make bench`): generate, load, train, serve, re-rank and
 * evaluate a synthetic world, then print one table of medians and tails with the
 * project's targets and the physical references beside them, and write it as JSON.
 *
 * usage: bench [--scale small|default|large|huge]... [--work DIR] [--runs N] [--users N]
 *              [--data DB] [--models DIR]
 *              [--passes N] [--phases LIST] [--json FILE] [--label TEXT]
 *              [--minirecsys PROGRAM] [--valgrind PROGRAM] [--smoke] [--snapshot]
 *        bench --one-request DB MODELS USER   (what the callgrind phase runs)
 *
 * Each phase runs in a child process of its own, so that its peak resident memory is its
 * own (wait4's ru_maxrss) and a failure stays in it; children send "NAME VALUE" samples
 * up a pipe. Phases: generate (the library's generate and store write, `--runs` times,
 * and the `minirecsys generate` process too below the large scale), load (`--runs`
 * times), train (every model, timed per model), serve (engine open; requests of `--users`
 * distinct users, `--passes` times each, after 20 warm-up requests of other users; a
 * re-rank after a weight change for each; features and heavy-ranker forward of 500
 * candidates), start (the serving snapshot: the engine open that builds and writes it,
 * then `--runs` times the open from it, `minirecsys timeline 1` as a process and the
 * explorer's first screen in a pseudo-terminal, each with its peak RSS), eval (every
 * test user, 1,000 at the large scale, 2,000 at the huge one), and callgrind
 * (instruction counts of one request of a fixed user, and of its parts; not at the large
 * and huge scales, where valgrind would take an hour to open the engine).
 *
 * The huge scale serves as the program does there, from the serving snapshot: its serve
 * phase loads the dataset and opens the engine through it (building the engine in memory
 * takes more than the serving target), and its start phase builds the snapshot only when
 * there is none that matches (the build is the first start of a day's work, not a figure
 * to repeat). A huge world and its models already made are measured without generating
 * or training again with --phases serve,start,eval and --data, --models naming them
 * (instead of WORK/SCALE/world.db and WORK/SCALE/models; one scale only). --snapshot
 * serves every scale that way (the engine's memory is then the mapped file's, as in the
 * program, rather than the heap's).
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "bench.h"
#include "parts.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif

#define WARMUP_REQUESTS 20
#define CANDIDATES 500

typedef struct opts {
	const char *scales[3];
	int n_scales;
	const char *work;        /* folder for datasets and models */
	const char *data, *models; /* --data, --models: the one scale's world and models */
	const char *results;     /* folder for the JSON (unless --json names the file) */
	int runs;                /* repetitions of generate and load (0: by scale) */
	uint32_t users;          /* distinct users for the request figures (0: by scale) */
	int passes;              /* requests per user (0: by scale) */
	char phases[128];        /* comma list */
	const char *json;
	const char *label;
	const char *minirecsys;  /* the program, for the process-level generate */
	const char *valgrind;
	const char *self;        /* this program, for valgrind */
	bool smoke;
	bool snapshot;           /* --snapshot: serve every scale from the serving snapshot */
} opts;

/* What one phase of one scale needs. */
typedef struct ctx {
	const opts *o;
	const char *scale;
	char dir[4096];          /* work/SCALE */
	char db[4200];           /* work/SCALE/world.db */
	char models[4200];       /* work/SCALE/models */
	char default_models[4300]; /* work/default/models */
	int runs, passes;
	uint32_t users;
	int run;                 /* which repetition this child is */
	bool huge;               /* the huge scale: serving through the snapshot */
} ctx;

/* ------------------------------------------------------------------ child side */

static FILE *up; /* the pipe to the parent, in a child */

static void emit(const char *name, double v)
{
	fprintf(up, "%s %.17g\n", name, v);
}

static int fail(const char *what, const mrs_error *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err->msg);
	return -1;
}

/* Progress on stderr: a line when a phase starts, then one every 5 s. */
typedef struct progress {
	const char *scale;
	char phase[96];
	double last;
} progress;

static int progress_fn(void *ud, const char *phase, double done, double total, const char *detail)
{
	progress *p = ud;
	double t = mrs_seconds();
	bool new_phase = strncmp(p->phase, phase, sizeof p->phase - 1) != 0;
	if (!new_phase && t - p->last < 5)
		return 0;
	snprintf(p->phase, sizeof p->phase, "%s", phase);
	p->last = t;
	if (total > 0)
		fprintf(stderr, "  [%s] %s %.0f/%.0f %s\n", p->scale, phase, done, total,
			detail ? detail : "");
	else
		fprintf(stderr, "  [%s] %s %s\n", p->scale, phase, detail ? detail : "");
	return 0;
}

static mrs_progress progress_of(progress *p, const char *scale)
{
	memset(p, 0, sizeof *p);
	p->scale = scale;
	return (mrs_progress){progress_fn, p};
}

/* ---- generate */

static double file_mb(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
}

static int phase_generate(const ctx *c)
{
	mrs_error err = {0};
	mrs_gen_params p;
	progress pr;
	mrs_progress prog = progress_of(&pr, c->scale);
	if (mrs_gen_params_scale(&p, c->scale, &err))
		return fail("generate", &err);
	mrs_truth *tr = NULL;
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_generate(&p, &tr, &prog, &err);
	double t1 = mrs_seconds();
	if (!ds)
		return fail("generate", &err);
	int rc = mrs_store_write(c->db, ds, tr, &prog, &err);
	double t2 = mrs_seconds();
	mrs_dataset_free(ds);
	mrs_truth_free(tr);
	if (rc)
		return fail("write", &err);
	emit("generate.build", t1 - t0);
	emit("generate.write", t2 - t1);
	emit("generate", t2 - t0);
	emit("db.mb", file_mb(c->db));
	return 0;
}

/* `minirecsys generate` as a user runs it: process start-up (libtorch's libraries load)
 * included. */
static int phase_generate_cmd(const ctx *c)
{
	char out[4300];
	snprintf(out, sizeof out, "%s/cmd.db", c->dir);
	double t0 = mrs_seconds();
	pid_t pid = fork();
	if (pid == 0) {
		execl(c->o->minirecsys, c->o->minirecsys, "-q", "generate", "--force", "--scale",
		      c->scale, "-o", out, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: %s generate failed\n", c->o->minirecsys);
		return -1;
	}
	emit("generate.cmd", mrs_seconds() - t0);
	unlink(out);
	return 0;
}

/* ---- load */

static int phase_load(const ctx *c)
{
	mrs_error err = {0};
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_dataset_load(c->db, NULL, &err);
	if (!ds)
		return fail("load", &err);
	emit("load", mrs_seconds() - t0);
	emit("n.users", ds->n_users);
	emit("n.tweets", ds->n_tweets);
	emit("n.impressions", ds->n_impressions);
	emit("db.mb", file_mb(c->db));
	mrs_dataset_free(ds);
	return 0;
}

/* ---- train */

/* Times each model from the "model NAME" phase that starts it to the next one. */
typedef struct train_clock {
	progress pr;
	char model[32];
	double started;
} train_clock;

static void train_lap(train_clock *tc, double t)
{
	if (!tc->model[0])
		return;
	char key[64];
	snprintf(key, sizeof key, "train.%s", tc->model);
	emit(key, t - tc->started);
}

static int train_progress(void *ud, const char *phase, double done, double total,
			  const char *detail)
{
	train_clock *tc = ud;
	bool start = strncmp(phase, "model ", 6) == 0, end = strcmp(phase, "done") == 0;
	if (start || end) {
		double t = mrs_seconds();
		train_lap(tc, t);
		snprintf(tc->model, sizeof tc->model, "%s", start ? phase + 6 : "");
		tc->started = t;
	}
	return progress_fn(&tc->pr, phase, done, total, detail);
}

/* Like-head AUC and its oracle from a heavy-ranker card; 0 when absent. */
/* The like head's AUCs from the heavy ranker's card of a models folder's current set. */
static int card_like_auc(const char *models, double *auc, double *oracle)
{
	char set[4400], path[4500];
	if (mrs_models_current(models, set, sizeof set, NULL))
		return -1;
	snprintf(path, sizeof path, "%s/heavy_ranker.json", set);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	buf[n] = '\0';
	cJSON *card = cJSON_Parse(buf);
	free(buf);
	const cJSON *like = cJSON_GetObjectItem(cJSON_GetObjectItem(card, "heads"), "like");
	const cJSON *a = cJSON_GetObjectItem(like, "auc"), *o = cJSON_GetObjectItem(like, "oracle_auc");
	int rc = cJSON_IsNumber(a) && cJSON_IsNumber(o) ? 0 : -1;
	if (!rc)
		*auc = a->valuedouble, *oracle = o->valuedouble;
	cJSON_Delete(card);
	return rc;
}

static int phase_train(const ctx *c)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(c->db, NULL, &err);
	if (!ds)
		return fail("load", &err);
	train_clock tc = {0};
	tc.pr.scale = c->scale;
	mrs_progress prog = {train_progress, &tc};
	/* the train command's defaults (tui/cmd-train.c) */
	mrs_train_opts to = {.models_dir = c->models, .seed = 42, .max_rows = 300000,
			     .dataset_path = c->db};
	double t0 = mrs_seconds();
	int rc = mrs_train(ds, &to, &prog, &err);
	double t = mrs_seconds() - t0;
	mrs_dataset_free(ds);
	if (rc)
		return fail("train", &err);
	emit("train", t);
	double auc, oracle;
	if (card_like_auc(c->models, &auc, &oracle) == 0) {
		emit("like_auc", auc);
		emit("oracle_like_auc", oracle);
		emit("like_share", auc / oracle);
	}
	if (strcmp(c->scale, "default") && card_like_auc(c->default_models, &auc, &oracle) == 0)
		emit("like_share.default", auc / oracle);
	return 0;
}

/* ---- serve */

typedef struct server {
	mrs_dataset *ds;
	mrs_engine *e;
	mrs_request *r;
	mrs_config cfg;
} server;

static void server_close(server *s)
{
	mrs_request_free(s->r);
	mrs_engine_free(s->e);
	mrs_dataset_free(s->ds);
}

/* Loads the dataset and opens the engine over models (through the serving snapshot when
 * serving: the huge scale), timed when timed. */
static int server_open(server *s, const char *db, const char *models, const char *scale,
		       bool timed, bool serving)
{
	mrs_error err = {0};
	memset(s, 0, sizeof *s);
	progress pr;
	mrs_progress prog = progress_of(&pr, scale);
	if (!(s->ds = serving ? mrs_dataset_load_serving(db, models, timed ? &prog : NULL, &err)
			      : mrs_dataset_load(db, NULL, &err)))
		return fail("load", &err);
	mrs_engine_opts eo = {.models_dir = models};
	double t0 = mrs_seconds();
	if (!(s->e = mrs_engine_open(s->ds, &eo, timed ? &prog : NULL, &err)))
		return fail("engine open", &err);
	if (timed)
		emit("open", mrs_seconds() - t0);
	for (int id = 0; id < MRS_N_MODELS; id++)
		if (!mrs_engine_status(s->e, id)->loaded)
			fprintf(stderr, "bench: warning: %s\n", mrs_engine_status(s->e, id)->note);
	if (!(s->r = mrs_request_new(s->e, &err)) || mrs_config_preset(&s->cfg, "seed", &err))
		return fail("request", &err);
	return 0;
}

/* Runs one request and sends its figures. */
static int timed_request(server *s, uint32_t viewer)
{
	mrs_error err = {0};
	double t0 = mrs_seconds();
	if (mrs_request_run(s->r, viewer, 0, &s->cfg, &err))
		return fail("request", &err);
	emit("request", (mrs_seconds() - t0) * 1e3);
	double sources = 0;
	for (int st = 0; st < MRS_N_STAGES; st++) {
		char key[64];
		double ms = mrs_request_stage(s->r, st)->micros * 1e-3;
		snprintf(key, sizeof key, "stage.%s", mrs_stage_info_get(st)->name);
		emit(key, ms);
		if (st >= MRS_STAGE_IN_NETWORK && st <= MRS_STAGE_FOLLOW_RECS)
			sources += ms;
	}
	emit("sources", sources);
	uint32_t n;
	mrs_request_candidates(s->r, &n);
	emit("candidates", n);
	return 0;
}

/* The same viewer again after a fusion weight changed: only fusion onwards runs. */
static int timed_rerank(server *s, uint32_t viewer, int k)
{
	mrs_error err = {0};
	mrs_config cfg = s->cfg;
	cfg.blend_follow += 0.05f * (float)(1 + k % 3);
	double t0 = mrs_seconds();
	if (mrs_request_run(s->r, viewer, 0, &cfg, &err))
		return fail("re-rank", &err);
	double t = mrs_seconds() - t0;
	if (mrs_request_first_stage(s->r) != MRS_STAGE_FUSION) {
		fprintf(stderr, "bench: a weight change re-ran from stage %d\n",
			mrs_request_first_stage(s->r));
		return -1;
	}
	emit("rerank", t * 1e3);
	return 0;
}

/* 500 candidates for the 500-candidate figures: the latest tweets, spread by a hash. */
static void pick_candidates(const mrs_dataset *ds, int run, uint32_t *cand)
{
	uint32_t window = ds->n_tweets < 5000 ? ds->n_tweets : 5000;
	for (uint32_t i = 0; i < CANDIDATES; i++)
		cand[i] = ds->n_tweets - 1 -
			  (uint32_t)(mrs_hash64((uint64_t)run * CANDIDATES + i) % window);
}

static int phase_serve_500(server *s, int runs)
{
	static uint32_t cand[CANDIDATES];
	static float feat[CANDIDATES * MRS_N_FEATURES], heads[CANDIDATES * MRS_N_HEADS];
	mrs_error err = {0};
	int64_t now = mrs_engine_now(s->e);
	for (int r = 0; r < runs; r++) {
		uint32_t viewer = (uint32_t)(mrs_hash64((uint64_t)r) % s->ds->n_users);
		pick_candidates(s->ds, r, cand);
		double t0 = mrs_seconds();
		if (mrs_features(s->e, viewer, cand, CANDIDATES, now, feat, &err))
			return fail("features", &err);
		double t1 = mrs_seconds();
		if (mrs_ranker_predict(s->e, feat, CANDIDATES, heads, &err))
			return fail("ranker", &err);
		emit("features500", (t1 - t0) * 1e3);
		emit("forward500", (mrs_seconds() - t1) * 1e3);
	}
	return 0;
}

static int phase_serve(const ctx *c)
{
	server s;
	int rc = server_open(&s, c->db, c->models, c->scale, true, c->huge || c->o->snapshot);
	uint32_t nu = rc ? 1 : s.ds->n_users, users = c->users < nu ? c->users : nu;
	/* warm-up: other users than the measured ones */
	for (uint32_t k = 0; k < WARMUP_REQUESTS && !rc; k++) {
		mrs_error err = {0};
		uint32_t v = (uint32_t)(((uint64_t)k * nu / WARMUP_REQUESTS + nu / (2 * users + 1)) % nu);
		if (mrs_request_run(s.r, v, 0, &s.cfg, &err))
			rc = fail("request", &err);
	}
	for (int p = 0; p < c->passes && !rc; p++)
		for (uint32_t k = 0; k < users && !rc; k++) {
			uint32_t v = (uint32_t)((uint64_t)k * nu / users);
			rc = timed_request(&s, v);
			if (!rc && p == c->passes - 1)
				rc = timed_rerank(&s, v, (int)k);
		}
	if (!rc)
		rc = phase_serve_500(&s, c->o->smoke ? 5 : 200);
	server_close(&s);
	return rc;
}

/* ---- start: what a user waits for before the first answer */

/* The serving snapshot of c's world and models (mrs_dataset_load_serving), into buf. */
static void snapshot_path(const ctx *c, char *buf, size_t size)
{
	char set[4200];
	mrs_error err = {0};
	if (mrs_models_current(c->models, set, sizeof set, &err))
		snprintf(set, sizeof set, "%s", c->models);
	snprintf(buf, size, "%s/serving.snap", set);
}

/* Opens the dataset and the engine as the program serves them, then runs one request:
 * cold (run 0: the snapshot removed first, so the open loads, builds and writes it; at
 * the huge scale only when it is missing or stale) or warm (from the snapshot). */
static int phase_start_open(const ctx *c)
{
	char snap[4300];
	snapshot_path(c, snap, sizeof snap);
	bool cold = c->run == 0;
	if (cold && !c->huge)
		unlink(snap);
	mrs_error err = {0};
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_dataset_load_serving(c->db, c->models, NULL, &err);
	if (!ds)
		return fail("load", &err);
	double t1 = mrs_seconds();
	mrs_engine_opts eo = {.models_dir = c->models};
	mrs_engine *e = mrs_engine_open(ds, &eo, NULL, &err);
	double t2 = mrs_seconds();
	if (cold && c->huge && e && !strstr(mrs_engine_snapshot_note(e), "rebuilt"))
		cold = false; /* its snapshot was there: a warm start */
	mrs_request *r = e ? mrs_request_new(e, &err) : NULL;
	mrs_config cfg;
	int rc = r && !mrs_config_preset(&cfg, "seed", &err) && !mrs_request_run(r, 1, 0, &cfg, &err)
			 ? 0
			 : fail("open and serve", &err);
	if (!rc && cold) {
		emit("open.cold", t2 - t0);
		emit("snapshot.mb", file_mb(snap));
	} else if (!rc) {
		emit("load.snapshot", t1 - t0);
		emit("open.snapshot", t2 - t1);
		emit("n.users", ds->n_users);
		emit("n.tweets", ds->n_tweets);
		emit("n.impressions", ds->n_impressions);
	}
	if (!rc && !strstr(mrs_engine_snapshot_note(e), cold ? "rebuilt" : "opened from")) {
		fprintf(stderr, "bench: the snapshot was not used as expected: %s\n",
			mrs_engine_snapshot_note(e));
		rc = -1;
	}
	mrs_request_free(r);
	mrs_engine_free(e);
	mrs_dataset_free(ds);
	return rc;
}

/* Waits for pid; its own peak RSS (MiB) goes under rss_key. */
static int wait_process(pid_t pid, const char *what, const char *rss_key)
{
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
		return -1;
	}
	emit(rss_key, (double)ru.ru_maxrss / 1024.0);
	return 0;
}

/* `minirecsys timeline 1` as a user runs it: from process start (its re-execution with
 * one OpenBLAS thread and libtorch's libraries included) to its exit, the snapshot warm. */
static int phase_start_timeline(const ctx *c)
{
	double t0 = mrs_seconds();
	pid_t pid = fork();
	if (pid == 0) {
		unsetenv("OPENBLAS_NUM_THREADS");
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(c->o->minirecsys, c->o->minirecsys, "-q", "--data", c->db, "--models", c->models,
		      "timeline", "1", (char *)NULL);
		_exit(127);
	}
	if (wait_process(pid, "minirecsys timeline 1", "rss.timeline.cmd"))
		return -1;
	emit("timeline.cmd", mrs_seconds() - t0);
	return 0;
}

/* The explorer in a pseudo-terminal (80x24, TERM=xterm): from process start until its
 * first full screen, the account picker with the status line that the open engine fills
 * ("models loaded" or "fallbacks N/6"); then SIGTERM. */
static int phase_start_explore(const ctx *c)
{
	int master;
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	double t0 = mrs_seconds();
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid == 0) {
		unsetenv("OPENBLAS_NUM_THREADS");
		setenv("TERM", "xterm", 1);
		execl(c->o->minirecsys, c->o->minirecsys, "--data", c->db, "--models", c->models,
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		fprintf(stderr, "bench: forkpty: %s\n", strerror(errno));
		return -1;
	}
	/* the screen's text, kept whole: a marker may come in two reads */
	static char seen[1 << 20];
	size_t n = 0;
	double first = -1;
	while (first < 0 && mrs_seconds() - t0 < 600) {
		struct pollfd pf = {master, POLLIN, 0};
		if (poll(&pf, 1, 1000) <= 0)
			continue;
		ssize_t k = read(master, seen + n, sizeof seen - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		seen[n] = '\0';
		if (strstr(seen, "models loaded") || strstr(seen, "fallbacks "))
			first = mrs_seconds() - t0;
		if (n > sizeof seen / 2) { /* keep the tail, where a marker may begin */
			memmove(seen, seen + n - 64, 64);
			n = 64;
		}
	}
	kill(pid, SIGTERM);
	/* read until it leaves, so that it never blocks on a full terminal */
	char drain[4096];
	while (read(master, drain, sizeof drain) > 0)
		;
	int rc = wait_process(pid, "the explorer", "rss.explore");
	close(master);
	if (first < 0) {
		fprintf(stderr, "bench: the explorer showed no first screen\n");
		return -1;
	}
	emit("explore.first", first);
	return rc;
}

/* ---- eval */

static int phase_eval(const ctx *c)
{
	mrs_error err = {0};
	progress pr;
	mrs_progress prog = progress_of(&pr, c->scale);
	/* as `minirecsys eval` loads it: mapped from the serving snapshot when there is a
	 * current one (the start phase writes it), which the train split's engine then
	 * borrows the safety scores from */
	mrs_dataset *ds = mrs_dataset_load_serving(c->db, c->models, NULL, &err);
	if (!ds)
		return fail("load", &err);
	mrs_config cfg;
	mrs_config_preset(&cfg, "seed", &err);
	/* every test user (`eval --users 0`, tui/cmd-eval.c), 1,000 at the large scale,
	 * 2,000 at the huge one */
	mrs_eval_opts eo = {.k = 10, .seed = 1, .models_dir = c->models, .models = true};
	if (strcmp(c->scale, "large") == 0)
		eo.users = 1000;
	if (c->huge)
		eo.users = 2000;
	if (c->o->smoke)
		eo.users = 50;
	mrs_eval_result r;
	double t0 = mrs_seconds();
	int rc = mrs_eval(ds, &cfg, &eo, &r, &prog, &err);
	double t = mrs_seconds() - t0;
	mrs_dataset_free(ds);
	if (rc)
		return fail("eval", &err);
	emit("eval", t);
	emit("eval.users", r.users);
	return 0;
}

/* ---- callgrind */

/* The request of a fixed user, under callgrind: counters dumped after each part. */
static int one_request(const char *db, const char *models, uint32_t viewer)
{
#ifdef HAVE_CALLGRIND
	server s;
	if (server_open(&s, db, models, "callgrind", false, false))
		return 1;
	mrs_error err = {0};
	uint32_t nu = s.ds->n_users;
	viewer %= nu;
	/* warm-up on another user, so that the measured run is a full one */
	if (mrs_request_run(s.r, (viewer + 1) % nu, 0, &s.cfg, &err))
		return fail("request", &err);
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_ZERO_STATS;
	int rc = mrs_request_run(s.r, viewer, 0, &s.cfg, &err);
	CALLGRIND_DUMP_STATS_AT("request");
	mrs_config cfg = s.cfg;
	cfg.blend_follow += 0.05f;
	rc = rc ? rc : mrs_request_run(s.r, viewer, 0, &cfg, &err);
	CALLGRIND_DUMP_STATS_AT("rerank");
	/* the parts again, outside the pipeline: sources, features, ranker */
	mrs_query q;
	mrs_cand_list l = {0};
	rc = rc ? rc : mrs_query_hydrate(s.e, viewer, mrs_engine_now(s.e), &q, &err);
	for (int src = 0; src < MRS_N_SOURCES && !rc; src++)
		rc = mrs_source_run(src, s.e, &q, &s.cfg, &l, &err);
	CALLGRIND_DUMP_STATS_AT("sources");
	uint32_t n = 0, nc;
	const mrs_candidate *c = mrs_request_candidates(s.r, &nc);
	uint32_t *tw = calloc(nc + CANDIDATES, sizeof(uint32_t));
	float *feat = calloc((size_t)(nc + CANDIDATES) * MRS_N_FEATURES, sizeof(float));
	float *heads = calloc((size_t)(nc + CANDIDATES) * MRS_N_HEADS, sizeof(float));
	for (uint32_t i = 0; i < nc; i++)
		if (c[i].dropped_at < 0 || c[i].dropped_at > MRS_STAGE_PREFILTER)
			tw[n++] = c[i].tweet;
	CALLGRIND_ZERO_STATS;
	rc = rc ? rc : mrs_features(s.e, viewer, tw, n, mrs_engine_now(s.e), feat, &err);
	CALLGRIND_DUMP_STATS_AT("features");
	rc = rc ? rc : mrs_ranker_predict(s.e, feat, n, heads, &err);
	CALLGRIND_DUMP_STATS_AT("ranker");
	pick_candidates(s.ds, 0, tw);
	rc = rc ? rc : mrs_features(s.e, viewer, tw, CANDIDATES, mrs_engine_now(s.e), feat, &err);
	CALLGRIND_ZERO_STATS;
	rc = rc ? rc : mrs_ranker_predict(s.e, feat, CANDIDATES, heads, &err);
	CALLGRIND_DUMP_STATS_AT("forward500");
	CALLGRIND_STOP_INSTRUMENTATION;
	if (rc)
		fail("one request", &err);
	free(tw), free(feat), free(heads);
	mrs_cand_list_free(&l);
	mrs_query_free(&q);
	server_close(&s);
	return rc ? 1 : 0;
#else
	(void)db, (void)models, (void)viewer;
	fprintf(stderr, "bench: built without valgrind/callgrind.h\n");
	return 1;
#endif
}

/* The "totals:" of every dump file callgrind wrote, by the name its trigger gave. */
static int read_dumps(const char *out_base)
{
	int found = 0;
	for (int k = 1; k < 64; k++) {
		char path[4400], line[512], name[64] = "";
		snprintf(path, sizeof path, "%s.%d", out_base, k);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		double total = -1;
		while (fgets(line, sizeof line, f)) {
			const char *trig = strstr(line, "Client Request: ");
			if (strncmp(line, "desc: Trigger:", 14) == 0 && trig)
				sscanf(trig + 16, "%63s", name);
			else if (strncmp(line, "totals:", 7) == 0 || strncmp(line, "summary:", 8) == 0)
				total = atof(line + (line[0] == 't' ? 7 : 8));
		}
		fclose(f);
		unlink(path);
		if (name[0] && total >= 0) {
			char key[80];
			snprintf(key, sizeof key, "ir.%s", name);
			emit(key, total);
			found++;
		}
	}
	return found ? 0 : -1;
}

static int phase_callgrind(const ctx *c)
{
	char out[4300], user[32];
	snprintf(out, sizeof out, "%s/callgrind.out", c->dir);
	uint32_t viewer = 42; /* a fixed user: the counts are comparable from run to run */
	snprintf(user, sizeof user, "%u", viewer);
	char outopt[4400];
	snprintf(outopt, sizeof outopt, "--callgrind-out-file=%s", out);
	pid_t pid = fork();
	if (pid == 0) {
		/* valgrind's own chatter goes to stderr; the counts come from the dumps */
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execl(c->o->valgrind, c->o->valgrind, "--tool=callgrind", "--instr-atstart=no",
		      outopt, c->o->self, "--one-request", c->db, c->models, user, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: valgrind --tool=callgrind failed (%s)\n", c->o->valgrind);
		return -1;
	}
	emit("ir.user", viewer);
	unlink(out);
	return read_dumps(out);
}

/* ------------------------------------------------------------------ parent side */

typedef int (*phase_fn)(const ctx *c);

/* Runs fn in a child; its samples go into d, its peak RSS (MiB) under rss_key. */
static int in_child(bench_data *d, const char *rss_key, phase_fn fn, const ctx *c)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	fflush(stdout), fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		up = fdopen(fd[1], "w");
		int rc = up ? fn(c) : -1;
		if (up)
			fclose(up);
		_exit(rc ? 1 : 0);
	}
	close(fd[1]);
	FILE *in = fdopen(fd[0], "r");
	char name[64];
	double v;
	while (in && fscanf(in, "%63s %lf", name, &v) == 2)
		bench_add(d, name, v);
	if (in)
		fclose(in);
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (rss_key)
		bench_add(d, rss_key, (double)ru.ru_maxrss / 1024.0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static bool want(const opts *o, const char *phase)
{
	size_t n = strlen(phase);
	for (const char *p = o->phases; (p = strstr(p, phase)); p += n)
		if ((p == o->phases || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* mkdir -p */
static int make_dir(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				break;
			*p = '/';
		}
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "bench: %s: %s\n", dir, strerror(errno));
	return -1;
}

static void ctx_init(ctx *c, const opts *o, const char *scale)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->scale = scale;
	c->huge = strcmp(scale, "huge") == 0;
	bool large = strcmp(scale, "large") == 0 || c->huge;
	snprintf(c->dir, sizeof c->dir, "%s/%s", o->work, scale);
	snprintf(c->db, sizeof c->db, "%s/world.db", c->dir);
	snprintf(c->models, sizeof c->models, "%s/models", c->dir);
	if (o->data)
		snprintf(c->db, sizeof c->db, "%s", o->data);
	if (o->models)
		snprintf(c->models, sizeof c->models, "%s", o->models);
	snprintf(c->default_models, sizeof c->default_models, "%s/default/models", o->work);
	c->runs = o->runs ? o->runs : large ? 1 : o->smoke ? 1 : 5;
	c->users = o->users ? o->users : o->smoke ? 20 : 500;
	c->passes = o->passes ? o->passes : o->smoke ? 1 : 3;
}

typedef struct step {
	const char *phase;  /* as named in --phases */
	const char *rss;    /* its peak RSS key */
	phase_fn fn;
} step;

static int run_scale(const opts *o, const char *scale, bench_data *d)
{
	ctx c;
	ctx_init(&c, o, scale);
	if (make_dir(c.dir))
		return -1;
	bool large = strcmp(scale, "large") == 0 || c.huge;
	int rc = 0;
	if (want(o, "generate")) {
		for (c.run = 0; c.run < c.runs && !rc; c.run++) {
			fprintf(stderr, "bench [%s]: generate %d/%d\n", scale, c.run + 1, c.runs);
			rc = in_child(d, "rss.generate", phase_generate, &c);
		}
		for (c.run = 0; c.run < c.runs && !rc && !large && o->minirecsys; c.run++)
			rc = in_child(d, NULL, phase_generate_cmd, &c);
	}
	const step steps[] = {
		{"load", "rss.load", phase_load},
		{"train", "rss.train", phase_train},
		{"serve", "rss.serve", phase_serve},
		{"eval", "rss.eval", phase_eval},
	};
	for (size_t k = 0; k < sizeof steps / sizeof steps[0] && !rc; k++) {
		if (!want(o, steps[k].phase))
			continue;
		int runs = strcmp(steps[k].phase, "load") == 0 ? c.runs : 1;
		for (c.run = 0; c.run < runs && !rc; c.run++) {
			fprintf(stderr, "bench [%s]: %s %d/%d\n", scale, steps[k].phase, c.run + 1, runs);
			rc = in_child(d, steps[k].rss, steps[k].fn, &c);
		}
	}
	for (c.run = 0; c.run <= c.runs && !rc && want(o, "start"); c.run++) {
		fprintf(stderr, "bench [%s]: start %d/%d (%s)\n", scale, c.run + 1, c.runs + 1,
			c.run ? "from the snapshot" : "building the snapshot");
		rc = in_child(d, c.run ? "rss.open.snapshot" : NULL, phase_start_open, &c);
		if (!rc && c.run && o->minirecsys)
			rc = in_child(d, NULL, phase_start_timeline, &c);
		if (!rc && c.run && o->minirecsys)
			rc = in_child(d, NULL, phase_start_explore, &c);
	}
	if (!rc && want(o, "callgrind") && !large && o->valgrind) {
		fprintf(stderr, "bench [%s]: callgrind (one request; a few minutes)\n", scale);
		rc = in_child(d, NULL, phase_callgrind, &c);
	}
	if (rc)
		fprintf(stderr, "bench [%s]: a phase failed; the table shows what was measured\n",
			scale);
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench [--scale small|default|large|huge]... [--work DIR] [--runs N]\n"
		"             [--data DB] [--models DIR]\n"
		"             [--users N] [--passes N] [--phases generate,load,train,serve,start,"
		"eval,callgrind]\n"
		"             [--json FILE] [--label TEXT] [--minirecsys PROGRAM]"
		" [--valgrind PROGRAM] [--smoke] [--snapshot]\n"
		"       bench --one-request DB MODELS USER\n");
}

static int parse(opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--smoke") != 0 && strcmp(a, "--snapshot") != 0;
		if (takes && !v) {
			usage();
			return -1;
		}
		if (strcmp(a, "--scale") == 0 && o->n_scales < 3)
			o->scales[o->n_scales++] = v;
		else if (strcmp(a, "--work") == 0)
			o->work = v;
		else if (strcmp(a, "--data") == 0)
			o->data = v;
		else if (strcmp(a, "--models") == 0)
			o->models = v;
		else if (strcmp(a, "--runs") == 0)
			o->runs = atoi(v);
		else if (strcmp(a, "--users") == 0)
			o->users = (uint32_t)atoi(v);
		else if (strcmp(a, "--passes") == 0)
			o->passes = atoi(v);
		else if (strcmp(a, "--phases") == 0)
			snprintf(o->phases, sizeof o->phases, "%s", v);
		else if (strcmp(a, "--json") == 0)
			o->json = v;
		else if (strcmp(a, "--label") == 0)
			o->label = v;
		else if (strcmp(a, "--minirecsys") == 0)
			o->minirecsys = *v ? v : NULL;
		else if (strcmp(a, "--valgrind") == 0)
			o->valgrind = *v ? v : NULL;
		else if (strcmp(a, "--smoke") == 0)
			o->smoke = true;
		else if (strcmp(a, "--snapshot") == 0)
			o->snapshot = true;
		else {
			usage();
			return -1;
		}
		i += takes;
	}
	for (int k = 0; k < o->n_scales; k++)
		if (strcmp(o->scales[k], "small") && strcmp(o->scales[k], "default") &&
		    strcmp(o->scales[k], "large") && strcmp(o->scales[k], "huge")) {
			fprintf(stderr, "bench: unknown scale '%s'\n", o->scales[k]);
			return -1;
		}
	if (!o->n_scales)
		o->scales[o->n_scales++] = o->smoke ? "small" : "default";
	if ((o->data || o->models) && o->n_scales != 1) {
		fprintf(stderr, "bench: --data and --models name the world of one scale\n");
		return -1;
	}
	return 0;
}

/* The 1-minute load average (other work on the machine makes every time longer). */
static void load_average(char *buf, size_t size)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double one = -1;
	if (!f || fscanf(f, "%lf", &one) != 1)
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%.2f", one);
	if (f)
		fclose(f);
}

/* OpenBLAS sizes its thread pool when it loads, before main: like the program (tui/main.c),
 * set OPENBLAS_NUM_THREADS=1 and start again once. */
static void single_threaded_blas(char **argv)
{
	if (getenv("OPENBLAS_NUM_THREADS"))
		return;
	setenv("OPENBLAS_NUM_THREADS", "1", 1);
	execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
	single_threaded_blas(argv);
	if (argc == 5 && strcmp(argv[1], "--one-request") == 0)
		return one_request(argv[2], argv[3], (uint32_t)strtoul(argv[4], NULL, 10));
	opts o = {.work = "bench/results/work", .results = "bench/results", .self = "/proc/self/exe"};
	snprintf(o.phases, sizeof o.phases, "generate,load,train,serve,start,eval,callgrind");
	if (parse(&o, argc, argv))
		return 2;
	static char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len > 0) {
		self[len] = '\0';
		o.self = self;
	}
	if ((!o.json && make_dir(o.results)) || make_dir(o.work))
		return 1;
	char load_start[64];
	load_average(load_start, sizeof load_start);
	bench_peak pk;
	fprintf(stderr, "bench: measuring this core's peak FLOP/s and memory bandwidth\n");
	bench_peak_measure(&pk);
	bench_data data[3] = {{0}};
	bench_run runs[3];
	int failed = 0;
	for (int k = 0; k < o.n_scales; k++) {
		failed |= run_scale(&o, o.scales[k], &data[k]) != 0;
		runs[k] = (bench_run){o.scales[k],
				      (uint32_t)bench_quantile(&data[k], "n.users", 0.5),
				      (uint32_t)bench_quantile(&data[k], "n.tweets", 0.5),
				      (uint32_t)bench_quantile(&data[k], "n.impressions", 0.5),
				      &data[k], &pk, o.smoke};
	}
	char header[768], stamp[32], load_end[64];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime(&now));
	load_average(load_end, sizeof load_end);
	snprintf(header, sizeof header,
		 "minirecsys benchmark, %s%s%s, %ld CPUs, load average %s at the start, %s at the "
		 "end%s",
		 stamp, o.label ? ", " : "", o.label ? o.label : "", sysconf(_SC_NPROCESSORS_ONLN),
		 load_start, load_end, o.smoke ? " (smoke: tiny sizes, no targets)" : "");
	for (int k = 0; k < o.n_scales; k++) {
		size_t n = strlen(header);
		snprintf(header + n, sizeof header - n, "\n  %s world: %u users, %u tweets, %u impressions",
			 runs[k].scale, runs[k].users, runs[k].tweets, runs[k].impressions);
	}
	bench_print_table(runs, o.n_scales, header);
	fflush(stdout);
	char json[4400];
	if (!o.json) {
		char file[64];
		strftime(file, sizeof file, "%Y%m%d-%H%M%S", localtime(&now));
		snprintf(json, sizeof json, "%s/bench-%s%s.json", o.results, file, o.smoke ? "-smoke" : "");
		o.json = json;
	}
	if (bench_write_json(runs, o.n_scales, header, o.json))
		fprintf(stderr, "bench: cannot write %s\n", o.json);
	else
		fprintf(stderr, "bench: wrote %s\n", o.json);
	for (int k = 0; k < o.n_scales; k++)
		bench_data_free(&data[k]);
	return failed;
}
