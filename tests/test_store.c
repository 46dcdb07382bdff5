/* test_store.c: the SQLite store: round trip, atomic writes, locking, every bad file. */
#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

/* The temporary files of path in its folder (PATH.tmp-*). */
static int count_temps(const char *path)
{
	char dir[300], prefix[300];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	snprintf(prefix, sizeof prefix, "%s.tmp-", slash + 1);
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* A small world built by hand: 4 users, 5 tweets (one a retweet), follows, impressions,
 * a block and a mute, labels, and a truth table. */
static mrs_dataset *tiny(mrs_truth **tr_out)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(4, 5, &err);
	assert_non_null(ds);
	mrs_pool hp = {0}, tp = {0};
	const char *handles[4] = {"ada", "bob", "cy", "dee"};
	for (uint32_t u = 0; u < 4; u++) {
		ds->handle_off[u] = mrs_pool_add(&hp, handles[u], strlen(handles[u]), &err);
		ds->user_created[u] = 1000 + u;
		ds->user_verified[u] = u == 0;
	}
	const char *texts[5] = {"hello world", "rust compiler", "RT @ada: hello world", "goal!",
				"pasta night"};
	uint32_t authors[5] = {0, 1, 2, 0, 3};
	for (uint32_t t = 0; t < 5; t++) {
		ds->text_off[t] = mrs_pool_add(&tp, texts[t], strlen(texts[t]), &err);
		ds->tweet_author[t] = authors[t];
		ds->tweet_time[t] = 2000 + 100 * t;
		ds->tweet_flags[t] = (uint8_t)(t % 4);
	}
	ds->tweet_rt_of[2] = 0;
	free(ds->handle_pool), free(ds->text_pool);
	ds->handle_pool = hp.data;
	ds->text_pool = tp.data;
	ds->label_nsfw[1] = 0, ds->label_toxic[1] = 1;
	ds->label_toxic[3] = 0;
	uint32_t fs[] = {0, 0, 1, 2, 3, 1}, fd[] = {1, 2, 0, 0, 0, 0};
	int64_t ft[] = {10, 20, 30, 40, 2250, 35}; /* 1->0 twice: the earlier time stays */
	assert_ok(mrs_ds_set_follows(ds, fs, fd, ft, 6, &err), &err);
	uint32_t iu[] = {1, 0, 1, 2, 3, 3}, it[] = {0, 1, 3, 1, 0, 4};
	int64_t its[] = {2100, 2200, 2350, 2150, 2410, 2420};
	uint8_t ia[] = {1, 0, 3, 64, 32 | 1, 4};
	float ip[] = {0.5f, 0.25f, 0, 0.125f, 1, 0.75f}; /* 0: unknown */
	assert_ok(mrs_ds_set_impressions(ds, iu, it, its, ia, ip, 6, &err), &err);
	uint32_t bs[] = {2, 2}, bd[] = {1, 1};
	uint8_t bk[] = {MRS_BLOCK, MRS_MUTE};
	int64_t bt[] = {2300, 2200};
	assert_ok(mrs_ds_set_blocks(ds, bs, bd, bk, bt, 2, &err), &err);
	ds->split_time = 2350;
	ds->seed = 9;
	ds->kind = mrs_strdup("synthetic", &err);
	ds->params_json = mrs_strdup("{\"users\": 4}", &err);
	ds->has_truth = true;
	assert_ok(mrs_dataset_index(ds, &err), &err);
	if (tr_out) {
		mrs_truth *tr = mrs_truth_alloc(4, 5, ds->n_impressions, &err);
		assert_non_null(tr);
		tr->seed = 9;
		for (uint32_t u = 0; u < 4; u++) {
			tr->user_interests[u] = (uint8_t)(1u << u);
			tr->user_interest_w[u * MRS_N_TOPICS + u] = 1.0f;
			tr->user_propensity[u] = 1.0f + 0.25f * u;
		}
		for (uint32_t t = 0; t < 5; t++) {
			tr->tweet_topic[t] = (uint8_t)t;
			tr->tweet_quality[t] = 0.1f * (t + 1);
			tr->tweet_nsfw[t] = 0.05f * t;
			tr->tweet_toxicity[t] = 0.5f;
		}
		for (size_t i = 0; i < (size_t)ds->n_impressions * MRS_N_ACTIONS; i++)
			tr->imp_prob[i] = (float)i / 100.0f;
		*tr_out = tr;
	}
	return ds;
}

static void assert_same_dataset(const mrs_dataset *a, const mrs_dataset *b)
{
	assert_int_equal(a->n_users, b->n_users);
	assert_int_equal(a->n_tweets, b->n_tweets);
	assert_int_equal(a->n_follows, b->n_follows);
	assert_int_equal(a->n_impressions, b->n_impressions);
	assert_int_equal(a->n_blocks, b->n_blocks);
	assert_int_equal(a->split_time, b->split_time);
	assert_int_equal(a->seed, b->seed);
	assert_int_equal(a->fingerprint, b->fingerprint);
	assert_string_equal(a->kind, b->kind);
	assert_string_equal(a->params_json, b->params_json);
	for (uint32_t u = 0; u < a->n_users; u++) {
		assert_string_equal(mrs_handle(a, u), mrs_handle(b, u));
		assert_int_equal(a->user_created[u], b->user_created[u]);
		assert_int_equal(a->user_verified[u], b->user_verified[u]);
	}
	assert_memory_equal(a->fol_off, b->fol_off, sizeof(uint32_t) * (a->n_users + 1));
	assert_memory_equal(a->fol_dst, b->fol_dst, sizeof(uint32_t) * a->n_follows);
	assert_memory_equal(a->fol_time, b->fol_time, sizeof(int64_t) * a->n_follows);
	for (uint32_t t = 0; t < a->n_tweets; t++) {
		assert_string_equal(mrs_tweet_text(a, t), mrs_tweet_text(b, t));
		assert_int_equal(a->tweet_author[t], b->tweet_author[t]);
		assert_int_equal(a->tweet_time[t], b->tweet_time[t]);
		assert_int_equal(a->tweet_rt_of[t], b->tweet_rt_of[t]);
		assert_int_equal(a->tweet_flags[t], b->tweet_flags[t]);
		assert_int_equal(a->label_nsfw[t], b->label_nsfw[t]);
		assert_int_equal(a->label_toxic[t], b->label_toxic[t]);
	}
	assert_memory_equal(a->imp_user, b->imp_user, sizeof(uint32_t) * a->n_impressions);
	assert_memory_equal(a->imp_tweet, b->imp_tweet, sizeof(uint32_t) * a->n_impressions);
	assert_memory_equal(a->imp_time, b->imp_time, sizeof(int64_t) * a->n_impressions);
	assert_memory_equal(a->imp_actions, b->imp_actions, a->n_impressions);
	assert_memory_equal(a->imp_propensity, b->imp_propensity, sizeof(float) * a->n_impressions);
	assert_memory_equal(a->blk_dst, b->blk_dst, sizeof(uint32_t) * a->n_blocks);
	assert_memory_equal(a->blk_kind, b->blk_kind, a->n_blocks);
}

static void test_builders(void **state)
{
	(void)state;
	mrs_dataset *ds = tiny(NULL);
	/* 1->0 appeared twice; the earliest time is kept */
	assert_int_equal(ds->n_follows, 5);
	assert_true(mrs_follows(ds, 1, 0));
	assert_false(mrs_follows(ds, 0, 3));
	assert_int_equal(mrs_n_followers(ds, 0), 3);
	assert_int_equal(mrs_n_followees(ds, 0), 2);
	for (uint32_t e = ds->fol_off[1]; e < ds->fol_off[2]; e++)
		if (ds->fol_dst[e] == 0)
			assert_int_equal(ds->fol_time[e], 30);
	/* followers CSR points back at the same edges */
	for (uint32_t v = 0; v < ds->n_users; v++)
		for (uint32_t i = ds->fwr_off[v]; i < ds->fwr_off[v + 1]; i++)
			assert_int_equal(ds->fol_dst[ds->fwr_edge[i]], v);
	/* impressions sorted by (user, time); per-user offsets right */
	for (uint32_t i = 1; i < ds->n_impressions; i++)
		assert_true(ds->imp_user[i - 1] < ds->imp_user[i] ||
			    (ds->imp_user[i - 1] == ds->imp_user[i] &&
			     ds->imp_time[i - 1] <= ds->imp_time[i]));
	assert_int_equal(ds->uimp_off[1] - ds->uimp_off[0], 1);
	assert_int_equal(ds->uimp_off[4] - ds->uimp_off[3], 2);
	/* by tweet: tweet 0 was seen by users 1 then 3 */
	assert_int_equal(ds->timp_off[1] - ds->timp_off[0], 2);
	assert_int_equal(ds->imp_user[ds->timp[ds->timp_off[0]]], 1);
	/* author index in time order */
	assert_int_equal(ds->atw_off[1] - ds->atw_off[0], 2);
	assert_int_equal(ds->atw[ds->atw_off[0]], 0);
	assert_int_equal(ds->atw[ds->atw_off[0] + 1], 3);
	assert_int_equal(mrs_original_author(ds, 2), 0);
	/* a block and a mute of the same pair are two entries */
	assert_int_equal(ds->n_blocks, 2);
	assert_int_equal(mrs_blocked(ds, 2, 1), MRS_BLOCK | MRS_MUTE);
	assert_int_equal(mrs_blocked(ds, 1, 2), 0);
	assert_int_equal(mrs_user_lookup(ds, "@bob"), 1);
	assert_int_equal(mrs_user_lookup(ds, "cy"), 2);
	assert_int_equal(mrs_user_lookup(ds, "3"), 3);
	assert_int_equal(mrs_user_lookup(ds, "4"), MRS_NONE);
	assert_int_equal(mrs_user_lookup(ds, "@nobody"), MRS_NONE);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(ds, &st);
	assert_int_equal(st.engagements, 5);
	assert_int_equal(st.positive_engagements, 4);
	assert_int_equal(st.actions[MRS_ACT_LIKE], 3);
	assert_int_equal(st.actions[MRS_ACT_REPORT], 1);
	assert_int_equal(st.train_impressions, 3);
	assert_int_equal(st.test_impressions, 3);
	assert_int_equal(st.retweets, 1);
	mrs_dataset_free(ds);
}

static void test_bad_references(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = mrs_ds_alloc(2, 1, &err);
	uint32_t s = 0, d = 5;
	int64_t t = 0;
	assert_int_equal(mrs_ds_set_follows(ds, &s, &d, &t, 1, &err), -1);
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "user 5"));
	uint32_t tw = 3;
	uint8_t a = 1;
	assert_int_equal(mrs_ds_set_impressions(ds, &s, &tw, &t, &a, NULL, 1, &err), -1);
	assert_non_null(strstr(err.msg, "tweet 3"));
	ds->tweet_author[0] = 7;
	assert_int_equal(mrs_dataset_index(ds, &err), -1);
	assert_non_null(strstr(err.msg, "author 7"));
	mrs_dataset_free(ds);
}

static void test_round_trip(void **state)
{
	(void)state;
	char path[300];
	mrs_error err = {0};
	mrs_truth *tr = NULL;
	mrs_dataset *ds = tiny(&tr);
	tu_path(path, sizeof path, "round.db");
	assert_ok(mrs_store_write(path, ds, tr, NULL, &err), &err);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	if (!back)
		fail_msg("load: %s", err.msg);
	assert_same_dataset(ds, back);
	assert_true(back->has_truth);
	assert_string_equal(back->path, path);
	mrs_truth *tb = mrs_truth_load(path, back, &err);
	if (!tb)
		fail_msg("truth: %s", err.msg);
	assert_int_equal(tb->seed, 9);
	assert_memory_equal(tb->user_interests, tr->user_interests, 4);
	assert_memory_equal(tb->user_interest_w, tr->user_interest_w, sizeof(float) * 4 * MRS_N_TOPICS);
	assert_memory_equal(tb->tweet_quality, tr->tweet_quality, sizeof(float) * 5);
	assert_memory_equal(tb->imp_prob, tr->imp_prob, sizeof(float) * 6 * MRS_N_ACTIONS);
	assert_int_equal(count_temps(path), 0); /* no temporary file is left behind */
	mrs_truth_free(tb);
	mrs_dataset_free(back);
	mrs_truth_free(tr);
	mrs_dataset_free(ds);
}

static void test_without_truth(void **state)
{
	(void)state;
	char path[300];
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	ds->has_truth = false;
	tu_path(path, sizeof path, "notruth.db");
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	assert_non_null(back);
	assert_false(back->has_truth);
	assert_null(mrs_truth_load(path, back, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "no ground truth"));
	mrs_dataset_free(back);
	mrs_dataset_free(ds);
}

static int cancel_at_impressions(void *ud, const char *phase, double done, double total,
				 const char *detail)
{
	(void)ud, (void)done, (void)total, (void)detail;
	return strstr(phase, "impressions") != NULL;
}

static void test_cancelled_write_keeps_old_file(void **state)
{
	(void)state;
	char path[300];
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	tu_path(path, sizeof path, "keep.db");
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	struct stat before, after;
	assert_int_equal(stat(path, &before), 0);
	mrs_dataset *other = tiny(NULL);
	other->seed = 1234;
	mrs_progress p = {cancel_at_impressions, NULL};
	assert_int_equal(mrs_store_write(path, other, NULL, &p, &err), -1);
	assert_int_equal(err.code, MRS_ERR_CANCELLED);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	assert_non_null(back);
	assert_int_equal(back->seed, 9);
	assert_int_equal(count_temps(path), 0);
	mrs_dataset_free(back);
	mrs_dataset_free(other);
	mrs_dataset_free(ds);
}

static void test_lock_refuses_second_writer(void **state)
{
	(void)state;
	char path[300];
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	tu_path(path, sizeof path, "locked.db");
	int fd;
	assert_ok(mrs_store_lock(path, &fd, &err), &err);
	assert_int_equal(mrs_store_write(path, ds, NULL, NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_BUSY);
	assert_non_null(strstr(err.msg, "another minirecsys process"));
	assert_int_equal(access(path, F_OK), -1);
	mrs_file_unlock(fd);
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	mrs_dataset_free(ds);
}

/* A writer killed before its rename leaves PATH.tmp-PID; the next write removes it, but
 * never a live process's file or a name that is not ours. */
static void test_stale_temp_files_removed(void **state)
{
	(void)state;
	char path[300], dead[400], live[400], other[400];
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	tu_path(path, sizeof path, "stale.db");
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	waitpid(child, NULL, 0); /* a pid that no longer runs */
	/* the names of older versions (PATH.tmp-PID) and of this one (PATH.tmp-PID-XXXXXXXX) */
	char dead2[400], live2[400], other2[400];
	snprintf(dead, sizeof dead, "%s.tmp-%ld", path, (long)child);
	snprintf(live, sizeof live, "%s.tmp-%ld", path, (long)getppid());
	snprintf(other, sizeof other, "%s.tmp-notes", path);
	snprintf(dead2, sizeof dead2, "%s.tmp-%ld-AbCd1234", path, (long)child);
	snprintf(live2, sizeof live2, "%s.tmp-%ld-AbCd1234", path, (long)getppid());
	snprintf(other2, sizeof other2, "%s.tmp-%ld-x", path, (long)child);
	const char *names[6] = {dead, live, other, dead2, live2, other2};
	for (int i = 0; i < 6; i++)
		fclose(fopen(names[i], "w"));
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(dead2, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(live2, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(other2, F_OK), 0);
	mrs_dataset_free(ds);
}

/* The victim of a planted link: a file whose content must survive every write. */
static void make_victim(char *victim, size_t size)
{
	tu_write(victim, size, "victim.txt", "precious\n");
}

static void victim_intact(const char *victim)
{
	char buf[32] = {0};
	struct stat sb;
	assert_int_equal(lstat(victim, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	FILE *f = fopen(victim, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	if (n != 9 || strcmp(buf, "precious\n") != 0)
		fail_msg("the victim was written: '%s'", buf);
}

/* Symbolic links planted under every name a write of path could use (the temporary names
 * of older versions, PATH.tmp-PID for this process and around it) point to a victim. */
static void plant_links(const char *path, const char *victim)
{
	char name[400];
	for (long pid = (long)getpid() - 50; pid <= (long)getpid() + 50; pid++) {
		snprintf(name, sizeof name, "%s.tmp-%ld", path, pid);
		if (pid > 0)
			assert_int_equal(symlink(victim, name), 0);
	}
}

/* Issue 13, point 1: temporary files are created exclusively under unpredictable names,
 * so planted links are never followed; lock files are never followed either. */
static void test_planted_links_never_followed(void **state)
{
	(void)state;
	char victim[300], path[300];
	mrs_error err = {0};
	make_victim(victim, sizeof victim);
	mrs_dataset *ds = tiny(NULL);
	/* a dataset */
	tu_path(path, sizeof path, "planted.db");
	plant_links(path, victim);
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	victim_intact(victim);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	assert_non_null(back);
	mrs_dataset_free(back);
	/* a text file (configurations, what-if edits, model cards) */
	tu_path(path, sizeof path, "planted.json");
	plant_links(path, victim);
	assert_ok(mrs_file_write_text(path, "{}", &err), &err);
	victim_intact(victim);
	/* the lock: a link there is refused, and its target left alone */
	tu_path(path, sizeof path, "locked-link.db");
	char lock[400];
	snprintf(lock, sizeof lock, "%s.lock", path);
	assert_int_equal(symlink(victim, lock), 0);
	assert_int_equal(mrs_store_write(path, ds, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "is a symbolic link"));
	victim_intact(victim);
	assert_int_equal(access(path, F_OK), -1);
	mrs_dataset_free(ds);
}

/* Issue 13, point 2: a target that is not a regular file is refused, not replaced. */
static void test_targets_that_are_not_files(void **state)
{
	(void)state;
	char victim[300], link[300], fifo[300], dir[300];
	mrs_error err = {0};
	make_victim(victim, sizeof victim);
	tu_path(link, sizeof link, "link.json");
	assert_int_equal(symlink(victim, link), 0);
	tu_path(fifo, sizeof fifo, "fifo.json");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	tu_path(dir, sizeof dir, "folder.json");
	assert_int_equal(mkdir(dir, 0755), 0);
	const char *targets[] = {link, fifo, dir};
	const char *kinds[] = {"a symbolic link", "a FIFO", "a folder"};
	mrs_dataset *ds = tiny(NULL);
	for (int i = 0; i < 3; i++) {
		struct stat before, after;
		assert_int_equal(lstat(targets[i], &before), 0);
		assert_int_equal(mrs_file_write_text(targets[i], "{}", &err), -1);
		assert_int_equal(err.code, MRS_ERR_IO);
		char want[400];
		snprintf(want, sizeof want, "%s: %s, not a regular file: not replaced", targets[i],
			 kinds[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(mrs_store_write(targets[i], ds, NULL, NULL, &err), -1);
		assert_non_null(strstr(err.msg, "not a regular file: not replaced"));
		assert_int_equal(lstat(targets[i], &after), 0);
		assert_int_equal(before.st_ino, after.st_ino);
		assert_int_equal(before.st_mode, after.st_mode);
		assert_int_equal(count_temps(targets[i]), 0);
	}
	victim_intact(victim);
	mrs_dataset_free(ds);
}

static void test_unwritable_folder(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	assert_int_equal(mrs_store_write("/nonexistent-dir/x.db", ds, NULL, NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.db"));
	mrs_dataset_free(ds);
}

static void expect_load_error(const char *path, mrs_code code, const char *needle)
{
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(path, NULL, &err);
	if (ds)
		fail_msg("%s loaded but should not", path);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
	assert_non_null(strstr(err.msg, path));
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void write_tiny(const char *path)
{
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	mrs_dataset_free(ds);
}

static void test_bad_files(void **state)
{
	(void)state;
	char path[300];
	expect_load_error(tu_path(path, sizeof path, "missing.db"), MRS_ERR_IO,
			  "No such file");
	expect_load_error(tu_write(path, sizeof path, "text.db", "users,tweets\n1,2\n"),
			  MRS_ERR_DATA, "not a SQLite database");
	tu_path(path, sizeof path, "other.db");
	exec_sql(path, "CREATE TABLE songs(id INTEGER)");
	expect_load_error(path, MRS_ERR_DATA, "not a minirecsys dataset");
	tu_path(path, sizeof path, "version.db");
	write_tiny(path);
	exec_sql(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
	expect_load_error(path, MRS_ERR_DATA, "schema version 99");
	/* a version-1 file is named with what it lacks */
	tu_path(path, sizeof path, "version1.db");
	write_tiny(path);
	exec_sql(path, "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
	expect_load_error(path, MRS_ERR_DATA,
			  "schema version 1 (its impressions lack the logging policy's propensity), "
			  "this minirecsys reads version 2");
	tu_path(path, sizeof path, "propensity.db");
	write_tiny(path);
	exec_sql(path, "UPDATE impressions SET propensity = 1.5 WHERE id = 2");
	expect_load_error(path, MRS_ERR_DATA, "impression 2: propensity 1.5 is not a probability");
	tu_path(path, sizeof path, "dangling.db");
	write_tiny(path);
	exec_sql(path, "INSERT INTO follows VALUES (0, 77, 5)");
	expect_load_error(path, MRS_ERR_DATA, "missing user");
	tu_path(path, sizeof path, "author.db");
	write_tiny(path);
	exec_sql(path, "UPDATE tweets SET author = 12 WHERE id = 1");
	expect_load_error(path, MRS_ERR_DATA, "author 12");
	tu_path(path, sizeof path, "gap.db");
	write_tiny(path);
	exec_sql(path, "DELETE FROM users WHERE id = 1");
	expect_load_error(path, MRS_ERR_DATA, "users");
	tu_path(path, sizeof path, "order.db");
	write_tiny(path);
	exec_sql(path, "UPDATE tweets SET created_at = 1 WHERE id = 4");
	expect_load_error(path, MRS_ERR_DATA, "time order");
	/* a split time that is not a number (once read as 1970 without a word) */
	tu_path(path, sizeof path, "split.db");
	write_tiny(path);
	exec_sql(path, "UPDATE meta SET value = 'abc' WHERE key = 'split_time'");
	expect_load_error(path, MRS_ERR_DATA, "meta: split_time 'abc' is not an integer");
	exec_sql(path, "UPDATE meta SET value = '12x' WHERE key = 'split_time'");
	expect_load_error(path, MRS_ERR_DATA, "meta: split_time '12x' is not an integer");
	tu_path(path, sizeof path, "seed.db");
	write_tiny(path);
	exec_sql(path, "UPDATE meta SET value = '' WHERE key = 'seed'");
	expect_load_error(path, MRS_ERR_DATA, "meta: seed '' is not an integer");
	/* a seed of 2^64-1 is stored as -1 and reads back */
	exec_sql(path, "UPDATE meta SET value = '-1' WHERE key = 'seed'");
	mrs_error err = {0};
	mrs_dataset *ds = mrs_dataset_load(path, NULL, &err);
	if (!ds)
		fail_msg("%s", err.msg);
	assert_true(ds->seed == UINT64_MAX);
	mrs_dataset_free(ds);
}

static void test_truncated_file(void **state)
{
	(void)state;
	char path[300], cut[300];
	mrs_error err = {0};
	tu_path(path, sizeof path, "whole.db");
	write_tiny(path);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	FILE *f = fopen(path, "rb");
	char *buf = malloc(sb.st_size);
	assert_int_equal(fread(buf, 1, sb.st_size, f), (size_t)sb.st_size);
	fclose(f);
	/* cut inside the header, then at several page boundaries */
	long cuts[] = {50, 4096, sb.st_size / 2, sb.st_size - 4096};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		if (cuts[i] <= 0 || cuts[i] >= sb.st_size)
			continue;
		snprintf(cut, sizeof cut, "%s/cut%zu.db", tu_tmpdir(), i);
		f = fopen(cut, "wb");
		fwrite(buf, 1, cuts[i], f);
		fclose(f);
		mrs_dataset *ds = mrs_dataset_load(cut, NULL, &err);
		if (ds)
			fail_msg("truncated copy of %ld bytes loaded", cuts[i]);
		assert_true(err.code == MRS_ERR_DATA || err.code == MRS_ERR_IO);
		assert_non_null(strstr(err.msg, cut));
	}
	free(buf);
}

static void test_slice_hides_the_future(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	mrs_dataset *past = mrs_dataset_before(ds, 2350, &err);
	if (!past)
		fail_msg("slice: %s", err.msg);
	assert_int_equal(past->n_tweets, ds->n_tweets);
	for (uint32_t i = 0; i < past->n_impressions; i++)
		assert_true(past->imp_time[i] < 2350);
	assert_int_equal(past->n_impressions, 3);
	for (uint32_t u = 0; u < past->n_users; u++)
		for (uint32_t e = past->fol_off[u]; e < past->fol_off[u + 1]; e++)
			assert_true(past->fol_time[e] < 2350);
	assert_int_equal(past->n_follows, 5);
	assert_true(mrs_follows(past, 3, 0)); /* followed at 2250 */
	assert_int_equal(mrs_blocked(past, 2, 1), MRS_BLOCK | MRS_MUTE);
	mrs_dataset *earlier = mrs_dataset_before(ds, 2240, &err);
	assert_int_equal(earlier->n_follows, 4);
	assert_false(mrs_follows(earlier, 3, 0));
	assert_int_equal(mrs_blocked(earlier, 2, 1), MRS_MUTE); /* the block came at 2300 */
	assert_int_equal(earlier->label_toxic[3], -1); /* tweet 3 came at 2300 */
	assert_int_equal(earlier->label_toxic[1], 1);
	mrs_dataset_free(earlier);
	mrs_dataset_free(past);
	mrs_dataset_free(ds);
}

/* The arrays of a and b hold the same n elements of the given size. */
#define SAME(a, b, field, n) \
	assert_memory_equal((a)->field, (b)->field, (size_t)(n) * sizeof *(a)->field)

/* A cut view holds no second copy of the users, tweets and texts: it borrows its base's,
 * and is otherwise what a full copy (a what-if copy without edits) is, field by field;
 * freeing it leaves the base whole. */
static void test_cut_view_borrows_tweets(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = tiny(NULL);
	uint8_t keep_all[64] = {0};
	assert_true(ds->n_impressions <= sizeof keep_all);
	mrs_dataset *view = mrs_dataset_without(ds, keep_all, &err);
	mrs_dataset *copy = mrs_dataset_with_edits(ds, NULL, 0, ds->t_end, &err);
	if (!view || !copy)
		fail_msg("slice: %s", err.msg);
	assert_true(view->borrowed);
	assert_false(copy->borrowed);
	assert_ptr_equal(view->tweet_author, ds->tweet_author);
	assert_ptr_equal(view->text_pool, ds->text_pool);
	assert_ptr_equal(view->handle_pool, ds->handle_pool);
	assert_ptr_not_equal(copy->tweet_author, ds->tweet_author);
	assert_ptr_not_equal(view->label_nsfw, ds->label_nsfw); /* labels change with time */
	uint32_t nu = ds->n_users, nt = ds->n_tweets, ni = ds->n_impressions;
	assert_int_equal(view->n_users, copy->n_users);
	assert_int_equal(view->n_tweets, copy->n_tweets);
	assert_int_equal(view->n_impressions, copy->n_impressions);
	assert_int_equal(view->n_follows, copy->n_follows);
	assert_int_equal(view->n_blocks, copy->n_blocks);
	assert_int_equal(view->n_labelled, copy->n_labelled);
	assert_true(view->fingerprint == copy->fingerprint);
	assert_true(view->source_fingerprint == copy->source_fingerprint);
	assert_true(view->t_begin == copy->t_begin && view->t_end == copy->t_end);
	assert_true(view->split_time == copy->split_time);
	SAME(view, copy, handle_off, nu);
	SAME(view, copy, user_created, nu);
	SAME(view, copy, user_verified, nu);
	SAME(view, copy, tweet_author, nt);
	SAME(view, copy, tweet_time, nt);
	SAME(view, copy, tweet_rt_of, nt);
	SAME(view, copy, tweet_flags, nt);
	SAME(view, copy, text_off, nt);
	SAME(view, copy, label_nsfw, nt);
	SAME(view, copy, label_toxic, nt);
	SAME(view, copy, atw_off, nu + 1);
	SAME(view, copy, atw, nt);
	SAME(view, copy, fol_off, nu + 1);
	SAME(view, copy, fol_dst, view->n_follows);
	SAME(view, copy, fol_time, view->n_follows);
	SAME(view, copy, fwr_src, view->n_follows);
	SAME(view, copy, blk_dst, view->n_blocks);
	SAME(view, copy, blk_kind, view->n_blocks);
	SAME(view, copy, imp_user, ni);
	SAME(view, copy, imp_tweet, ni);
	SAME(view, copy, imp_time, ni);
	SAME(view, copy, imp_actions, ni);
	SAME(view, copy, imp_propensity, ni);
	SAME(view, copy, uimp_off, nu + 1);
	SAME(view, copy, timp_off, nt + 1);
	SAME(view, copy, timp, ni);
	for (uint32_t u = 0; u < nu; u++)
		assert_string_equal(mrs_handle(view, u), mrs_handle(copy, u));
	for (uint32_t t = 0; t < nt; t++)
		assert_string_equal(mrs_tweet_text(view, t), mrs_tweet_text(copy, t));
	/* a view of a view borrows the same arrays; freed first, neither touches them */
	mrs_dataset *past = mrs_dataset_before(view, 2350, &err);
	assert_non_null(past);
	assert_ptr_equal(past->text_pool, ds->text_pool);
	mrs_dataset_free(past);
	mrs_dataset_free(view);
	for (uint32_t t = 0; t < nt; t++)
		assert_string_equal(mrs_tweet_text(ds, t), mrs_tweet_text(copy, t));
	/* the what-if copy owns its arrays: it outlives its base */
	mrs_dataset_free(ds);
	assert_int_equal(copy->n_tweets, nt);
	for (uint32_t t = 0; t < nt; t++)
		assert_true(strlen(mrs_tweet_text(copy, t)) < 1000);
	mrs_dataset_free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_bad_references),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_without_truth),
		cmocka_unit_test(test_cancelled_write_keeps_old_file),
		cmocka_unit_test(test_lock_refuses_second_writer),
		cmocka_unit_test(test_stale_temp_files_removed),
		cmocka_unit_test(test_planted_links_never_followed),
		cmocka_unit_test(test_targets_that_are_not_files),
		cmocka_unit_test(test_unwritable_folder),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_slice_hides_the_future),
		cmocka_unit_test(test_cut_view_borrows_tweets),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
