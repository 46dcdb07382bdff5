/* test_train.c: `train` end to end on a small world: the loss falls, the like head beats
 * chance clearly, the cards carry their fields, the models folder holds one set behind
 * CURRENT, a cancel keeps the previous files byte for byte, --only needs what it depends
 * on and carries the other models over, one run at a time per folder (sets and staging
 * folders of killed runs removed), a mismatched feature spec falls back, and the same seed
 * gives the same model. */
#include <cJSON.h>
#include <dirent.h>
#include <math.h>

#include "models_fixture.h"

static mrs_dataset *W;
static char A[512];  /* the models folder of the first full training */
static char AS[600]; /* its set: A/set-1 */

static int setup(void **state)
{
	(void)state;
	mrs_error err = {0};
	W = fx_world("world.db", 400, 4000, 40000, 5);
	assert_ok(fx_train(W, "a", NULL, NULL, &err), &err);
	tu_path(A, sizeof A, "a");
	assert_ok(mrs_models_current(A, AS, sizeof AS, &err), &err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mrs_dataset_free(W);
	tu_cleanup();
	return 0;
}

/* ---- a folder's files, to compare byte for byte */

typedef struct snapshot {
	int n;
	char name[32][128];
	char *data[32];
	size_t len[32];
} snapshot;

/* The files of dir and of its folders (one level down, as "SUB/NAME"), but the lock. */
static void snap_into(const char *dir, const char *prefix, snapshot *s)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.' ||
					     strcmp(de->d_name, ".lock") == 0))
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			assert_true(!*prefix);
			snap_into(path, de->d_name, s);
			continue;
		}
		assert_true(s->n < 32);
		snprintf(s->name[s->n], sizeof s->name[0], "%s%s%.100s", prefix, *prefix ? "/" : "",
			 de->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		s->len[s->n] = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		s->data[s->n] = malloc(s->len[s->n] + 1);
		assert_int_equal(fread(s->data[s->n], 1, s->len[s->n], f), s->len[s->n]);
		fclose(f);
		s->n++;
	}
	closedir(d);
}

static void snap(const char *dir, snapshot *s)
{
	memset(s, 0, sizeof *s);
	snap_into(dir, "", s);
}

/* The files of dir's current set. */
static void snap_set(const char *dir, snapshot *s)
{
	char set[1024];
	mrs_error err = {0};
	assert_ok(mrs_models_current(dir, set, sizeof set, &err), &err);
	snap(set, s);
}

static const char *snap_get(const snapshot *s, const char *name, size_t *len)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0) {
			*len = s->len[i];
			return s->data[i];
		}
	return NULL;
}

static void snap_equal(const snapshot *a, const snapshot *b, const char *except)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		size_t len = 0;
		const char *d = snap_get(b, a->name[i], &len);
		if (!d)
			fail_msg("%s disappeared", a->name[i]);
		if (except && strncmp(a->name[i], except, strlen(except)) == 0)
			continue;
		if (len != a->len[i] || memcmp(d, a->data[i], len) != 0)
			fail_msg("%s changed", a->name[i]);
	}
}

static void snap_free(snapshot *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->data[i]);
}

static void copy_dir(const char *from, const char *to)
{
	char cmd[1600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", to, from, to);
	assert_int_equal(system(cmd), 0);
}

/* ---- the tests */

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	if (!v)
		fail_msg("card has no \"%s\"", key);
	return v;
}

static double getnum(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static void test_cards(void **state)
{
	(void)state;
	mrs_error err = {0};
	/* the folder: CURRENT naming the one set, and nothing else but the lock */
	snapshot all;
	snap(A, &all);
	size_t len;
	const char *current = snap_get(&all, "CURRENT", &len);
	assert_non_null(current);
	assert_true(len == 6 && memcmp(current, "set-1\n", 6) == 0);
	assert_int_equal(all.n, 1 + 2 * MRS_N_MODELS);
	snap_free(&all);
	for (int id = 0; id < MRS_N_MODELS; id++) {
		cJSON *c = mrs_card_read(AS, mrs_model_name(id), &err);
		if (!c)
			fail_msg("%s", err.msg);
		const cJSON *fp = get(c, "dataset_fingerprint");
		assert_true(cJSON_IsString(fp) && strlen(fp->valuestring) == 16);
		char want[20];
		snprintf(want, sizeof want, "%016llx", (unsigned long long)W->fingerprint);
		assert_string_equal(fp->valuestring, want);
		assert_string_equal(get(c, "dataset_path")->valuestring, W->path);
		assert_true(getnum(c, "training_seconds") >= 0);
		cJSON_Delete(c);
	}
	for (int id = MRS_MODEL_NSFW; id <= MRS_MODEL_TOXICITY; id++) {
		cJSON *c = mrs_card_read(AS, mrs_model_name(id), &err);
		assert_true(getnum(c, "train_rows") > 100);
		assert_true(getnum(c, "parameters") > 0);
		assert_true(cJSON_IsArray(get(c, "loss_per_epoch")));
		assert_true(cJSON_IsObject(get(c, "hyper_parameters")));
		const cJSON *m = get(c, "metrics");
		double auc = getnum(m, "auc"), oracle = getnum(m, "oracle_auc");
		print_message("%s: test AUC %.4f, oracle %.4f\n", mrs_model_name(id), auc, oracle);
		/* the world's moderation labels are noisy (10% flipped, few true positives), so
		 * even the oracle sits near chance on a small world: only check the range */
		assert_true(auc >= 0 && auc <= 1 && oracle >= 0 && oracle <= 1);
		getnum(m, "pr_auc"), getnum(m, "precision_at_recall_90"), getnum(m, "macro_f1_at_0.5");
		cJSON_Delete(c);
	}
	cJSON *c = mrs_card_read(AS, "heavy_ranker", &err);
	assert_non_null(c);
	assert_int_equal((int)getnum(c, "feature_spec_version"), MRS_FEATURE_SPEC_VERSION);
	assert_int_equal((int)getnum(c, "n_features"), MRS_N_FEATURES);
	const cJSON *names = get(c, "features");
	assert_int_equal(cJSON_GetArraySize(names), MRS_N_FEATURES);
	assert_string_equal(cJSON_GetArrayItem(names, 0)->valuestring,
			    mrs_feature_info_get(0)->name);
	assert_true(getnum(c, "train_rows") > 1000 && getnum(c, "test_rows") > 1000);
	assert_true(getnum(c, "parameters") > 1000);
	assert_true(cJSON_IsObject(get(c, "hyper_parameters")));
	/* the loss falls */
	const cJSON *loss = get(c, "loss_per_epoch");
	int ne = cJSON_GetArraySize(loss);
	assert_true(ne >= 2);
	double first = cJSON_GetArrayItem(loss, 0)->valuedouble;
	double last = cJSON_GetArrayItem(loss, ne - 1)->valuedouble;
	print_message("ranker loss %.5f -> %.5f over %d epochs\n", first, last, ne);
	assert_true(last < first);
	/* every head reports its metrics beside the oracle */
	const cJSON *heads = get(c, "heads");
	for (int k = 0; k < MRS_N_HEADS; k++) {
		const cJSON *h = get(heads, mrs_head_name(k));
		get(h, "auc"), get(h, "pr_auc"), get(h, "rce"), get(h, "oracle_auc");
	}
	const cJSON *like = get(heads, "like");
	double auc = getnum(like, "auc"), oracle = getnum(like, "oracle_auc");
	print_message("like head: AUC %.4f, oracle %.4f (%.1f%%), RCE %.2f%%\n", auc, oracle,
		      100 * auc / oracle, getnum(like, "rce"));
	assert_true(auc > 0.65);
	assert_true(oracle > auc - 0.02);
	assert_true(getnum(get(heads, "any"), "auc") > 0.65);
	cJSON_Delete(c);
}

typedef struct canceller {
	int calls, after;
	const char *phase; /* cancel at the first report of a phase starting with this */
} canceller;

static int cancel_cb(void *ud, const char *phase, double done, double total, const char *detail)
{
	(void)done, (void)total, (void)detail;
	canceller *c = ud;
	c->calls++;
	if (c->phase)
		return strncmp(phase, c->phase, strlen(c->phase)) == 0;
	return c->calls > c->after;
}

static void test_cancel_keeps_previous_models(void **state)
{
	(void)state;
	snapshot before, after;
	snap(A, &before);
	canceller cases[] = {
		{.after = 0},
		{.after = 40},
		{.phase = "train nsfw"},
		{.phase = "heavy_ranker: features of test rows"},
		{.phase = "train heavy_ranker"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mrs_progress p = {cancel_cb, &cases[i]};
		mrs_error err = {0};
		assert_int_equal(fx_train(W, "a", NULL, &p, &err), -1);
		assert_int_equal(err.code, MRS_ERR_CANCELLED);
		snap(A, &after);
		snap_equal(&before, &after, NULL);
		snap_free(&after);
	}
	/* --only heavy_ranker cancelled while training, too */
	canceller late = {.phase = "train heavy_ranker"};
	mrs_progress p = {cancel_cb, &late};
	mrs_error err = {0};
	assert_int_equal(fx_train(W, "a", "heavy_ranker", &p, &err), -1);
	snap(A, &after);
	snap_equal(&before, &after, NULL);
	snap_free(&after);
	snap_free(&before);
}

static void test_only(void **state)
{
	(void)state;
	mrs_error err = {0};
	/* the ranker needs the models before it */
	assert_int_equal(fx_train(W, "empty", "heavy_ranker", NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_MODEL);
	assert_non_null(strstr(err.msg, "simclusters"));
	assert_int_equal(fx_train(W, "empty", "nonsense", NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	/* retraining only the ranker makes a new set: the other models' files as they were */
	char b[512];
	tu_path(b, sizeof b, "b");
	copy_dir(A, b);
	snapshot before, after;
	snap_set(b, &before);
	/* runs killed earlier left a staging folder (an older version's) and a set that never
	 * became current: the next run removes them */
	char stale[600], killed[600];
	snprintf(stale, sizeof stale, "%s/.train-killed", b);
	assert_int_equal(mkdir(stale, 0755), 0);
	strcat(stale, "/nsfw.pt");
	fclose(fopen(stale, "w"));
	snprintf(killed, sizeof killed, "%s/set-7", b);
	assert_int_equal(mkdir(killed, 0755), 0);
	strcat(killed, "/twhin.pt");
	fclose(fopen(killed, "w"));
	/* while another run holds the folder's lock, a second one is refused */
	char lock[600];
	int fd;
	snprintf(lock, sizeof lock, "%s/.lock", b);
	assert_ok(mrs_file_lock(lock, b, &fd, &err), &err);
	assert_int_equal(fx_train(W, "b", "heavy_ranker", NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_BUSY);
	assert_non_null(strstr(err.msg, "another minirecsys process is writing"));
	mrs_file_unlock(fd);
	assert_ok(fx_train(W, "b", "heavy_ranker", NULL, &err), &err);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(killed, F_OK), -1);
	char set[700];
	assert_ok(mrs_models_current(b, set, sizeof set, &err), &err);
	assert_non_null(strstr(set, "/set-2")); /* next after the current set */
	snap_set(b, &after);
	snap_equal(&before, &after, "heavy_ranker");
	snap_free(&before), snap_free(&after);
	/* the set it replaced stays (a reader may still be reading it) until the next run */
	snprintf(set, sizeof set, "%s/set-1/heavy_ranker.pt", b);
	assert_int_equal(access(set, R_OK), 0);
	assert_ok(fx_train(W, "b", "nsfw", NULL, &err), &err);
	assert_int_equal(access(set, F_OK), -1);
	/* a safety model alone needs nothing else */
	assert_ok(fx_train(W, "nsfw-only", "nsfw", NULL, &err), &err);
	char path[600];
	snprintf(path, sizeof path, "%s/nsfw-only/set-1/nsfw.json", tu_tmpdir());
	assert_int_equal(access(path, R_OK), 0);
	snprintf(path, sizeof path, "%s/nsfw-only/set-1/toxicity.pt", tu_tmpdir());
	assert_int_equal(access(path, R_OK), -1);
}

/* Feature rows of a sample of impressions at their times. */
static float *sample_features(const mrs_engine *e, size_t n)
{
	uint32_t *v = calloc(n, sizeof *v), *t = calloc(n, sizeof *t);
	int64_t *now = calloc(n, sizeof *now);
	for (size_t j = 0; j < n; j++) {
		uint32_t i = (uint32_t)((double)j * W->n_impressions / n);
		v[j] = W->imp_user[i], t[j] = W->imp_tweet[i], now[j] = W->imp_time[i];
	}
	float *x = calloc(n * MRS_N_FEATURES, sizeof(float));
	mrs_error err = {0};
	assert_ok(mrs_features_rows(e, v, t, now, n, x, NULL, "test", &err), &err);
	free(v), free(t), free(now);
	return x;
}

static void set_card_number(const char *dir, const char *key, double value)
{
	mrs_error err = {0};
	cJSON *c = mrs_card_read(dir, "heavy_ranker", &err);
	assert_non_null(c);
	cJSON_ReplaceItemInObject(c, key, cJSON_CreateNumber(value));
	assert_ok(mrs_card_write(dir, "heavy_ranker", c, &err), &err);
	cJSON_Delete(c);
}

static void test_mismatched_spec_falls_back(void **state)
{
	(void)state;
	mrs_error err = {0};
	char m[512];
	tu_path(m, sizeof m, "mismatch");
	copy_dir(AS, m); /* one set's folder, read as it is */
	mrs_engine_opts o = {.models_dir = m};
	mrs_engine *e = mrs_engine_open(W, &o, NULL, &err);
	assert_non_null(e);
	assert_true(mrs_engine_status(e, MRS_MODEL_RANKER)->loaded);
	enum { N = 500 };
	float *x = sample_features(e, N);
	float *model = calloc(N * MRS_N_HEADS, sizeof(float));
	float *heur = calloc(N * MRS_N_HEADS, sizeof(float));
	float *got = calloc(N * MRS_N_HEADS, sizeof(float));
	assert_ok(mrs_ranker_predict(e, x, N, model, &err), &err);
	mrs_ranker_heuristic(x, N, heur);
	assert_memory_not_equal(model, heur, sizeof(float) * N * MRS_N_HEADS);
	mrs_engine_free(e);

	/* another spec; and numbers that are not whole (once read as 1 and as INT_MAX) */
	const char *keys[] = {"feature_spec_version", "n_features", "feature_spec_version",
			      "feature_spec_version"};
	double values[] = {MRS_FEATURE_SPEC_VERSION + 1, MRS_N_FEATURES - 2,
			   MRS_FEATURE_SPEC_VERSION + 0.5, 1e308};
	char says[4][96];
	snprintf(says[0], sizeof says[0], "feature spec version %d with",
		 MRS_FEATURE_SPEC_VERSION + 1);
	snprintf(says[1], sizeof says[1], "with %d features", MRS_N_FEATURES - 2);
	snprintf(says[2], sizeof says[2],
		 "feature_spec_version %g or n_features %d is not a whole number",
		 MRS_FEATURE_SPEC_VERSION + 0.5, MRS_N_FEATURES);
	snprintf(says[3], sizeof says[3], "feature_spec_version 1e+308 or");
	for (int k = 0; k < 4; k++) {
		copy_dir(AS, m);
		set_card_number(m, keys[k], values[k]);
		e = mrs_engine_open(W, &o, NULL, &err);
		assert_non_null(e);
		const mrs_model_status *st = mrs_engine_status(e, MRS_MODEL_RANKER);
		print_message("%s\n", st->note);
		assert_false(st->loaded);
		if (!strstr(st->note, says[k]))
			fail_msg("'%s' does not say '%s'", st->note, says[k]);
		assert_non_null(strstr(st->note, "/heavy_ranker.json")); /* names the file */
		assert_non_null(strstr(st->note, "heuristic"));
		assert_ok(mrs_ranker_predict(e, x, N, got, &err), &err);
		assert_memory_equal(got, heur, sizeof(float) * N * MRS_N_HEADS);
		mrs_engine_free(e);
	}
	/* a missing ranker falls back the same way */
	char pt[600];
	snprintf(pt, sizeof pt, "%s/heavy_ranker.pt", m);
	copy_dir(AS, m);
	unlink(pt);
	e = mrs_engine_open(W, &o, NULL, &err);
	assert_false(mrs_engine_status(e, MRS_MODEL_RANKER)->loaded);
	assert_non_null(strstr(mrs_engine_status(e, MRS_MODEL_RANKER)->note, "heuristic"));
	mrs_engine_free(e);
	/* the heuristic's probabilities are probabilities; follow is 0 when following */
	for (size_t i = 0; i < N * MRS_N_HEADS; i++)
		assert_true(heur[i] >= 0 && heur[i] <= 1);
	for (size_t i = 0; i < N; i++)
		if (x[i * MRS_N_FEATURES + F_PAIR_FOLLOWS] > 0.5f)
			assert_true(heur[i * MRS_N_HEADS + MRS_ACT_FOLLOW] == 0.0f);
	free(x), free(model), free(heur), free(got);
}

/* Issue 13, point 5: the cards' dataset fingerprint is compared with the dataset served:
 * models of another world of the same size fall back and say so; the train split and
 * what-if copies of the world they were trained on still load them. */
static void test_models_of_another_world(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *other = fx_world("other.db", 400, 4000, 40000, 6);
	assert_int_equal(other->n_users, W->n_users);
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(AS, other, cc);
	for (int id = 0; id < MRS_N_MODELS; id++)
		assert_int_equal(cc[id].state, MRS_CARD_OTHER);
	mrs_engine_opts o = {.models_dir = A};
	mrs_engine *e = mrs_engine_open(other, &o, NULL, &err);
	assert_non_null(e);
	char want[64];
	snprintf(want, sizeof want, "this one is %016llx", (unsigned long long)other->fingerprint);
	for (int id = 0; id < MRS_N_MODELS; id++) {
		const mrs_model_status *st = mrs_engine_status(e, id);
		assert_false(st->loaded);
		assert_true(st->other_dataset);
		assert_non_null(strstr(st->note, "trained on another dataset"));
		assert_non_null(strstr(st->note, want));
		assert_non_null(strstr(st->note, mrs_model_name(id)));
	}
	mrs_engine_free(e);
	/* like with like: the train split (evaluation's engine) and a what-if copy */
	mrs_dataset *train = mrs_dataset_before(W, W->split_time, &err);
	mrs_edit edit = {.kind = MRS_EDIT_BLOCK, .user = 1, .target = 2};
	mrs_dataset *edited = mrs_dataset_with_edits(W, &edit, 1, W->t_end, &err);
	assert_non_null(train);
	assert_non_null(edited);
	assert_true(train->fingerprint != W->fingerprint);
	const mrs_dataset *same[] = {W, train, edited};
	for (int k = 0; k < 3; k++) {
		mrs_models_check(AS, same[k], cc);
		e = mrs_engine_open(same[k], &o, NULL, &err);
		assert_non_null(e);
		for (int id = 0; id < MRS_N_MODELS; id++) {
			assert_int_equal(cc[id].state, MRS_CARD_THIS);
			assert_true(mrs_engine_status(e, id)->loaded);
			assert_false(mrs_engine_status(e, id)->other_dataset);
		}
		mrs_engine_free(e);
	}
	mrs_dataset_free(edited), mrs_dataset_free(train), mrs_dataset_free(other);
}

static void test_same_seed_same_model(void **state)
{
	(void)state;
	mrs_error err = {0};
	char c[512], d[512];
	tu_path(c, sizeof c, "c");
	tu_path(d, sizeof d, "d");
	copy_dir(A, c);
	copy_dir(A, d);
	assert_ok(fx_train(W, "c", "heavy_ranker", NULL, &err), &err);
	assert_ok(fx_train(W, "d", "heavy_ranker", NULL, &err), &err);
	mrs_engine_opts oc = {.models_dir = c}, od = {.models_dir = d};
	mrs_engine *ec = mrs_engine_open(W, &oc, NULL, &err);
	mrs_engine *ed = mrs_engine_open(W, &od, NULL, &err);
	assert_non_null(ec);
	assert_non_null(ed);
	enum { N = 500 };
	float *x = sample_features(ec, N);
	float *pc = calloc(N * MRS_N_HEADS, sizeof(float)), *pd = calloc(N * MRS_N_HEADS, sizeof(float));
	assert_ok(mrs_ranker_predict(ec, x, N, pc, &err), &err);
	assert_ok(mrs_ranker_predict(ed, x, N, pd, &err), &err);
	assert_memory_equal(pc, pd, sizeof(float) * N * MRS_N_HEADS);
	free(x), free(pc), free(pd);
	mrs_engine_free(ec), mrs_engine_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_cancel_keeps_previous_models),
		cmocka_unit_test(test_only),
		cmocka_unit_test(test_mismatched_spec_falls_back),
		cmocka_unit_test(test_same_seed_same_model),
		cmocka_unit_test(test_models_of_another_world),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
