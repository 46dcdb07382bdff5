/* test_import.c: the importers on small fixtures: mappings, counts, bad rows, round trips. */
#include <sys/stat.h>

#include "testutil.h"

#define FIXTURES MRS_SRCDIR "/tests/fixtures/import/"
#define T0 1341100800 /* 2012-07-01 00:00:00 UTC */

static mrs_dataset *import(const char *format, const char *const *files, int n,
			   mrs_import_opts *opts, mrs_error *err)
{
	memset(err, 0, sizeof *err);
	return mrs_import(format, files, n, opts, NULL, err);
}

static mrs_dataset *import_ok(const char *format, const char *const *files, int n,
			      mrs_import_opts *opts)
{
	mrs_error err;
	mrs_dataset *ds = import(format, files, n, opts, &err);
	if (!ds)
		fail_msg("import %s failed: %s", format, err.msg);
	return ds;
}

/* Imports one file that must fail; returns the error code, the message in err. */
static mrs_code import_fails(const char *format, const char *path, mrs_import_opts *opts,
			     mrs_error *err)
{
	const char *files[] = {path};
	mrs_dataset *ds = import(format, files, 1, opts, err);
	if (ds)
		fail_msg("import %s of %s should have failed", format, path);
	return err->code;
}

static uint32_t user(const mrs_dataset *ds, const char *handle)
{
	char at[128];
	snprintf(at, sizeof at, "@%s", handle);
	uint32_t u = mrs_user_lookup(ds, at);
	if (u == MRS_NONE)
		fail_msg("no user @%s", handle);
	return u;
}

/* Index of the impression of tweet t by user u, or -1. */
static long impression(const mrs_dataset *ds, uint32_t u, uint32_t t)
{
	for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++)
		if (ds->imp_tweet[i] == t)
			return i;
	return -1;
}

static unsigned bit(int action)
{
	return 1u << action;
}

static void assert_times_in_order(const mrs_dataset *ds)
{
	for (uint32_t t = 1; t < ds->n_tweets; t++)
		assert_true(ds->tweet_time[t - 1] <= ds->tweet_time[t]);
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		assert_true(ds->imp_time[i] >= ds->tweet_time[ds->imp_tweet[i]]);
}

/* The generator's rule: the impression time at 80% of the sorted times. */
static void assert_split(const mrs_dataset *ds)
{
	uint32_t n = ds->n_impressions, before = 0;
	for (uint32_t i = 0; i < n; i++)
		before += ds->imp_time[i] < ds->split_time;
	if (!n)
		return;
	assert_true(before <= (uint32_t)(0.8 * (n - 1)));
	uint32_t at_or_before = 0;
	for (uint32_t i = 0; i < n; i++)
		at_or_before += ds->imp_time[i] <= ds->split_time;
	assert_true(at_or_before > (uint32_t)(0.8 * (n - 1)));
}

/* ------------------------------------------------------------ edges */

static void test_edges(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "follows.txt"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("edges", files, 1, &o);
	assert_string_equal(ds->kind, "edges");
	assert_int_equal(o.rows, 7);
	assert_int_equal(o.skipped, 0);
	assert_int_equal(ds->n_users, 4);
	/* dense ids in order of first appearance; handle = external id */
	const char *order[] = {"alice", "bob", "carol", "dave"};
	for (uint32_t u = 0; u < 4; u++)
		assert_string_equal(mrs_handle(ds, u), order[u]);
	/* a repeated edge and a self-follow are dropped; the weight column is ignored */
	assert_int_equal(ds->n_follows, 5);
	assert_true(mrs_follows(ds, 0, 1) && mrs_follows(ds, 0, 2) && mrs_follows(ds, 1, 0));
	assert_true(mrs_follows(ds, 1, 2) && mrs_follows(ds, 3, 0));
	assert_false(mrs_follows(ds, 2, 2) || mrs_follows(ds, 2, 0));
	assert_int_equal(mrs_n_followers(ds, 0), 2);
	for (uint32_t e = 0; e < ds->n_follows; e++)
		assert_int_equal(ds->fol_time[e], 0);
	assert_int_equal(ds->n_tweets, 0);
	assert_int_equal(ds->n_impressions, 0);
	assert_int_equal(ds->split_time, 0);
	assert_non_null(strstr(ds->params_json, "\"format\":\"edges\""));
	assert_non_null(strstr(ds->params_json, "follows.txt"));
	mrs_dataset_free(ds);
}

static void test_edges_several_files(void **state)
{
	(void)state;
	char p[300];
	const char *files[] = {FIXTURES "follows.txt",
			       tu_write(p, sizeof p, "more.txt", "erin alice\nbob dave\n")};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("edges", files, 2, &o);
	assert_int_equal(o.rows, 9);
	assert_int_equal(ds->n_users, 5);
	assert_string_equal(mrs_handle(ds, 4), "erin");
	assert_int_equal(ds->n_follows, 7);
	assert_true(mrs_follows(ds, 1, 3));
	mrs_dataset_free(ds);
}

/* ------------------------------------------------------------ activity */

static void test_activity(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "activity.txt", FIXTURES "activity_follows.txt"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("activity", files, 2, &o);
	assert_string_equal(ds->kind, "activity");
	assert_int_equal(o.rows, 11);
	/* users: activity ids, then the follow graph's; a self-mention still names a user */
	assert_int_equal(ds->n_users, 7);
	const char *order[] = {"10", "20", "11", "12", "30", "13", "40"};
	for (uint32_t u = 0; u < 7; u++)
		assert_string_equal(mrs_handle(ds, u), order[u]);
	/* one tweet per (author, hour) with activity, in time order */
	assert_int_equal(ds->n_tweets, 4);
	uint32_t a20 = user(ds, "20"), a30 = user(ds, "30"), a10 = user(ds, "10");
	uint32_t authors[] = {a20, a30, a10, a20};
	int64_t created[] = {T0 + 50, T0 + 3700, T0 + 3800, T0 + 7300};
	for (uint32_t t = 0; t < 4; t++) {
		assert_int_equal(ds->tweet_author[t], authors[t]);
		assert_int_equal(ds->tweet_time[t], created[t]);
	}
	assert_string_equal(mrs_tweet_text(ds, 0), "tweets by @20, hour of 2012-07-01 00:00 UTC");
	assert_string_equal(mrs_tweet_text(ds, 3), "tweets by @20, hour of 2012-07-01 02:00 UTC");
	/* events -> impressions: RT retweet, RE reply, MT click; same viewer and tweet merge */
	assert_int_equal(ds->n_impressions, 5);
	uint32_t u10 = a10, u11 = user(ds, "11"), u13 = user(ds, "13");
	long i = impression(ds, u10, 0);
	assert_true(i >= 0);
	assert_int_equal(ds->imp_actions[i], bit(MRS_ACT_RETWEET) | bit(MRS_ACT_REPLY));
	assert_int_equal(ds->imp_time[i], T0 + 50);
	i = impression(ds, u11, 0);
	assert_int_equal(ds->imp_actions[i], bit(MRS_ACT_CLICK));
	assert_int_equal(ds->imp_time[i], T0 + 150);
	assert_int_equal(ds->imp_actions[impression(ds, u11, 1)], bit(MRS_ACT_REPLY));
	assert_int_equal(ds->imp_actions[impression(ds, a20, 2)], bit(MRS_ACT_RETWEET));
	assert_int_equal(ds->imp_actions[impression(ds, u13, 3)], bit(MRS_ACT_CLICK));
	/* the self-mention made no tweet and no impression */
	uint32_t u12 = user(ds, "12");
	assert_int_equal(ds->uimp_off[u12 + 1] - ds->uimp_off[u12], 0);
	assert_int_equal(ds->atw_off[u12 + 1] - ds->atw_off[u12], 0);
	/* follows from the edge file, dated one second before the first event */
	assert_int_equal(ds->n_follows, 3);
	assert_true(mrs_follows(ds, u10, a20) && mrs_follows(ds, u11, u10));
	assert_true(mrs_follows(ds, user(ds, "40"), u10));
	for (uint32_t e = 0; e < ds->n_follows; e++)
		assert_int_equal(ds->fol_time[e], T0 + 49);
	assert_int_equal(ds->user_created[0], T0 + 49);
	/* split: 80% of the 5 impression times (50, 150, 3700, 3800, 7300) -> index 3 */
	assert_int_equal(ds->split_time, T0 + 3800);
	assert_split(ds);
	assert_times_in_order(ds);
	assert_int_equal(ds->t_begin, T0 + 50);
	assert_int_equal(ds->t_end, T0 + 7300);
	mrs_dataset_free(ds);
}

/* ------------------------------------------------------------ interactions */

static void test_interactions_udata(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "ratings.tsv"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("interactions", files, 1, &o);
	assert_string_equal(ds->kind, "interactions");
	assert_int_equal(o.rows, 6);
	/* 4 users, then one pseudo-author per item */
	assert_int_equal(ds->n_users, 8);
	const char *order[] = {"196",      "186",      "22",       "244",
			       "item:242", "item:302", "item:377", "item:51"};
	for (uint32_t u = 0; u < 8; u++)
		assert_string_equal(mrs_handle(ds, u), order[u]);
	/* one tweet per item, created at its first interaction, ids in time order */
	assert_int_equal(ds->n_tweets, 4);
	const char *items[] = {"item 377", "item 242", "item 51", "item 302"};
	int64_t created[] = {878887116, 878887117, 880606923, 881250950};
	for (uint32_t t = 0; t < 4; t++) {
		assert_string_equal(mrs_tweet_text(ds, t), items[t]);
		assert_int_equal(ds->tweet_time[t], created[t]);
		char h[32];
		snprintf(h, sizeof h, "item:%s", items[t] + 5);
		assert_string_equal(mrs_handle(ds, ds->tweet_author[t]), h);
	}
	/* rating >= 4 like, <= 2 negfb, otherwise click */
	assert_int_equal(ds->n_impressions, 6);
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "196"), 1)], bit(MRS_ACT_CLICK));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "196"), 3)], bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "22"), 0)], bit(MRS_ACT_NEGFB));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "22"), 1)], bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "244"), 2)], bit(MRS_ACT_NEGFB));
	assert_int_equal(ds->imp_time[impression(ds, user(ds, "186"), 3)], 891717742);
	assert_int_equal(ds->n_follows, 0);
	assert_int_equal(ds->user_created[0], 878887115);
	assert_int_equal(ds->split_time, 881250950);
	assert_split(ds);
	assert_times_in_order(ds);
	mrs_dataset_free(ds);
}

static void test_interactions_csv(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "ratings.csv"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("interactions", files, 1, &o);
	assert_int_equal(o.rows, 4); /* the header is not a row */
	assert_int_equal(ds->n_users, 5);
	assert_int_equal(ds->n_tweets, 2);
	/* columns found by name, in any order; a quoted field is unquoted */
	assert_string_equal(mrs_tweet_text(ds, 0), "item 31");
	assert_int_equal(ds->tweet_time[0], 835355493);
	assert_string_equal(mrs_tweet_text(ds, 1), "item 1029");
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "1"), 0)], bit(MRS_ACT_CLICK));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "2"), 0)], bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_actions[impression(ds, user(ds, "3"), 1)], bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_time[impression(ds, user(ds, "3"), 1)], 1260759200);
	mrs_dataset_free(ds);

	/* without a value column every row is a click; a header (here after a byte-order
	 * mark) also works in a TSV */
	char p[300];
	files[0] = tu_write(p, sizeof p, "views.tsv",
			    "\xef\xbb\xbfuser_id\titem_id\tts\nu1\tx\t100\nu2\tx\t50\n");
	ds = import_ok("interactions", files, 1, &o);
	assert_int_equal(ds->n_impressions, 2);
	for (uint32_t i = 0; i < 2; i++)
		assert_int_equal(ds->imp_actions[i], bit(MRS_ACT_CLICK));
	assert_int_equal(ds->tweet_time[0], 50);
	mrs_dataset_free(ds);
}

/* ------------------------------------------------------------ lastfm */

/* A folder holding the fixture files under their HetRec names. */
static const char *lastfm_folder(void)
{
	static char dir[300];
	if (dir[0])
		return dir;
	tu_path(dir, sizeof dir, "lastfm");
	mkdir(dir, 0755);
	const char *links[][2] = {{"artists.tsv", "artists.dat"},
				  {"friends.tsv", "user_friends.dat"},
				  {"listens.tsv", "user_artists.dat"},
				  {"tags.tsv", "user_taggedartists.dat"}};
	for (int i = 0; i < 4; i++) {
		char from[300], to[400];
		snprintf(from, sizeof from, "%slastfm/%s", FIXTURES, links[i][0]);
		snprintf(to, sizeof to, "%s/%s", dir, links[i][1]);
		if (symlink(from, to) != 0)
			fail_msg("cannot link %s", to);
	}
	return dir;
}

static void check_lastfm(mrs_dataset *ds, const mrs_import_opts *o)
{
	assert_string_equal(ds->kind, "lastfm");
	assert_int_equal(o->rows, 13);
	/* users 2, 3, 4, 5, then pseudo-authors of the artists in order of first engagement */
	assert_int_equal(ds->n_users, 8);
	const char *order[] = {"2", "3", "4", "5", "artist:1", "artist:2", "artist:3", "artist:9"};
	for (uint32_t u = 0; u < 8; u++)
		assert_string_equal(mrs_handle(ds, u), order[u]);
	/* friends follow each other both ways */
	assert_int_equal(ds->n_follows, 4);
	uint32_t u2 = user(ds, "2"), u3 = user(ds, "3"), u4 = user(ds, "4"), u5 = user(ds, "5");
	assert_true(mrs_follows(ds, u2, u3) && mrs_follows(ds, u3, u2));
	assert_true(mrs_follows(ds, u2, u4) && mrs_follows(ds, u4, u2));
	/* artists are tweets named after them; listened ones are undated (before 2008-06-15) */
	int64_t tag1 = 1213488000; /* 2008-06-15 */
	assert_int_equal(ds->n_tweets, 4);
	const char *texts[] = {"Alpha Band", "Beta Choir", "artist 9", "Caf\xc3\xa9 Gamma"};
	int64_t created[] = {tag1 - 1, tag1 - 1, tag1, 1238630400 /* 2009-04-02 */};
	for (uint32_t t = 0; t < 4; t++) {
		assert_string_equal(mrs_tweet_text(ds, t), texts[t]);
		assert_int_equal(ds->tweet_time[t], created[t]);
	}
	/* listening -> click (undated), tagging -> like at the day; one impression per pair */
	assert_int_equal(ds->n_impressions, 5);
	long i = impression(ds, u2, 0);
	assert_int_equal(ds->imp_actions[i], bit(MRS_ACT_CLICK) | bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_time[i], tag1 - 1);
	assert_int_equal(ds->imp_actions[impression(ds, u3, 1)],
			 bit(MRS_ACT_CLICK) | bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_actions[impression(ds, u5, 0)], bit(MRS_ACT_CLICK));
	assert_int_equal(ds->imp_actions[impression(ds, u4, 2)], bit(MRS_ACT_LIKE));
	i = impression(ds, u2, 3);
	assert_int_equal(ds->imp_actions[i], bit(MRS_ACT_LIKE));
	assert_int_equal(ds->imp_time[i], 1238630400);
	for (uint32_t e = 0; e < ds->n_follows; e++)
		assert_int_equal(ds->fol_time[e], tag1 - 1);
	assert_int_equal(ds->split_time, tag1);
	assert_split(ds);
	assert_times_in_order(ds);
}

static void test_lastfm_folder(void **state)
{
	(void)state;
	const char *files[] = {lastfm_folder()};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("lastfm", files, 1, &o);
	check_lastfm(ds, &o);
	mrs_dataset_free(ds);
}

static void test_lastfm_files_any_order(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "lastfm/tags.tsv", FIXTURES "lastfm/friends.tsv",
			       FIXTURES "lastfm/artists.tsv", FIXTURES "lastfm/listens.tsv"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("lastfm", files, 4, &o);
	check_lastfm(ds, &o);
	mrs_dataset_free(ds);
}

/* ------------------------------------------------------------ labels */

static void test_labels(void **state)
{
	(void)state;
	const char *files[] = {FIXTURES "offensive/text.txt", FIXTURES "offensive/labels.txt"};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_ok("labels", files, 2, &o);
	assert_string_equal(ds->kind, "labels");
	assert_int_equal(o.rows, 3);
	assert_int_equal(ds->n_texts, 3);
	assert_string_equal(ds->texts_task, "offensive"); /* the folder's name */
	assert_string_equal(ds->texts_pool + ds->texts_off[1], "@user you are a disgrace");
	assert_string_equal(ds->texts_pool + ds->texts_off[2], "plain text with caf\xc3\xa9");
	assert_int_equal(ds->texts_label[0], 0);
	assert_int_equal(ds->texts_label[1], 1);
	assert_int_equal(ds->texts_label[2], 0);
	assert_int_equal(ds->n_users, 0);
	assert_int_equal(ds->n_tweets, 0);
	mrs_dataset_free(ds);

	o.task = "toxicity";
	ds = import_ok("labels", files, 2, &o);
	assert_string_equal(ds->texts_task, "toxicity");
	mrs_dataset_free(ds);
}

static void write_bytes(char *buf, size_t size, const char *name, const char *bytes, size_t n)
{
	tu_path(buf, size, name);
	FILE *f = fopen(buf, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

static void test_labels_bytes(void **state)
{
	(void)state;
	/* a NUL, a stray continuation byte, an overlong '/', CRLF, no final newline */
	static const char text[] = "ok\r\na\0b\r\nbad \x80 byte\nover \xc0\xaf long";
	char tp[300], lp[300];
	write_bytes(tp, sizeof tp, "bytes_text.txt", text, sizeof text - 1);
	const char *files[] = {tp, tu_write(lp, sizeof lp, "bytes_labels.txt", "0\r\n1\n0\n1")};
	mrs_dataset *ds = import_ok("labels", files, 2, NULL);
	assert_int_equal(ds->n_texts, 4);
	assert_string_equal(ds->texts_pool + ds->texts_off[0], "ok");
	assert_string_equal(ds->texts_pool + ds->texts_off[1], "a\xef\xbf\xbd"
							       "b");
	assert_string_equal(ds->texts_pool + ds->texts_off[2], "bad \xef\xbf\xbd byte");
	assert_string_equal(ds->texts_pool + ds->texts_off[3],
			    "over \xef\xbf\xbd\xef\xbf\xbd long");
	assert_int_equal(ds->texts_label[3], 1);
	mrs_dataset_free(ds);
}

static void test_labels_long_line(void **state)
{
	(void)state;
	size_t n = (2u << 20) + 10;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "short\n", 6);
	big[n - 1] = '\n';
	char tp[300], lp[300];
	write_bytes(tp, sizeof tp, "long_text.txt", big, n);
	free(big);
	const char *files[] = {tp, tu_write(lp, sizeof lp, "long_labels.txt", "1\n0\n")};
	mrs_error err;
	assert_null(import("labels", files, 2, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	char want[400];
	snprintf(want, sizeof want,
		 "%s:2: line is longer than 1048576 bytes (1 MiB): stopped reading (is this a "
		 "text file of the format?)",
		 tp);
	assert_string_equal(err.msg, want);
	/* not a bad row that --skip-bad passes over: skipping it would mean reading on to a
	 * newline that may never come */
	mrs_import_opts o = {.skip_bad = true};
	assert_null(import("labels", files, 2, &o, &err));
	assert_string_equal(err.msg, want);
}

static void test_labels_bad(void **state)
{
	(void)state;
	char tp[300], lp[300], want[800];
	const char *files[] = {tu_write(tp, sizeof tp, "t.txt", "a\nb\nc\n"),
			       tu_write(lp, sizeof lp, "l.txt", "0\n2\n1\n")};
	mrs_error err;
	assert_null(import("labels", files, 2, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	snprintf(want, sizeof want, "%s:2: label '2' is not 0 or 1", lp);
	assert_string_equal(err.msg, want);

	mrs_import_opts o = {.skip_bad = true};
	mrs_dataset *ds = import_ok("labels", files, 2, &o);
	assert_int_equal(o.rows, 3);
	assert_int_equal(o.skipped, 1);
	assert_int_equal(ds->n_texts, 2);
	assert_string_equal(ds->texts_pool + ds->texts_off[1], "c");
	assert_int_equal(ds->texts_label[1], 1);
	mrs_dataset_free(ds);

	/* line counts differ: both files and both counts are named, whatever skip_bad says */
	tu_write(lp, sizeof lp, "l.txt", "0\n1\n1\n0\n1\n");
	assert_null(import("labels", files, 2, &o, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, tp));
	assert_non_null(strstr(err.msg, lp));
	assert_non_null(strstr(err.msg, "has 3 lines"));
	assert_non_null(strstr(err.msg, "has 5"));
	tu_write(tp, sizeof tp, "t.txt", "a\nb\nc\nd\ne\nf\ng\n");
	assert_null(import("labels", files, 2, &o, &err));
	assert_non_null(strstr(err.msg, "has 7 lines"));

	/* both empty */
	tu_write(tp, sizeof tp, "t.txt", "");
	tu_write(lp, sizeof lp, "l.txt", "");
	assert_null(import("labels", files, 2, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "empty"));
}

/* ------------------------------------------------------------ bad input */

static void test_missing_and_empty(void **state)
{
	(void)state;
	mrs_error err;
	const char *missing = "/nonexistent/minirecsys/edges.txt";
	assert_int_equal(import_fails("edges", missing, NULL, &err), MRS_ERR_IO);
	assert_non_null(strstr(err.msg, missing));
	assert_int_equal(import_fails("interactions", tu_tmpdir(), NULL, &err), MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "folder"));

	char p[300];
	const char *empties[][2] = {
		{"edges", "# only a comment\n\n"},
		{"activity", ""},
		{"interactions", "userId,movieId,rating,timestamp\n"},
	};
	for (size_t i = 0; i < 3; i++) {
		tu_write(p, sizeof p, "empty.txt", empties[i][1]);
		assert_int_equal(import_fails(empties[i][0], p, NULL, &err), MRS_ERR_DATA);
		assert_non_null(strstr(err.msg, p));
		assert_non_null(strstr(err.msg, "empty"));
	}
	/* a lastfm folder without one of its files */
	char dir[300], f[400];
	tu_path(dir, sizeof dir, "lastfm_partial");
	mkdir(dir, 0755);
	snprintf(f, sizeof f, "%s/artists.dat", dir);
	assert_int_equal(symlink(FIXTURES "lastfm/artists.tsv", f), 0);
	assert_int_equal(import_fails("lastfm", dir, NULL, &err), MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "user_friends.dat"));

	/* usage errors */
	const char *two[] = {p, p};
	assert_null(import("csv", two, 1, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_null(import("labels", two, 1, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_null(import("lastfm", two, 2, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA); /* an unrecognised file */
}

typedef struct bad_case {
	const char *format, *name, *content, *message; /* message: after "PATH:" */
} bad_case;

static const bad_case bad_cases[] = {
	{"edges", "edges.txt", "a b\nc d\nx1\n",
	 "3: expected 2 whitespace-separated fields (a b: a follows b), got 1"},
	{"edges", "edges.txt", "a b\n# c\nb c x1\n",
	 "3: third field 'x1' is not a number (expected 'a b' or 'a b weight')"},
	{"edges", "edges.txt", "a b c 1\n",
	 "1: expected 2 whitespace-separated fields (a b: a follows b), got 4"},
	{"activity", "act.txt", "1 2 1341100972 RT\n1 2 soon RT\n",
	 "2: time 'soon' is not a unix time (integer seconds)"},
	{"activity", "act.txt", "1 2 -5 RT\n", "1: time '-5' is not a unix time (integer seconds)"},
	{"activity", "act.txt", "1 2 1341100972 LK\n",
	 "1: unknown action type 'LK' (expected RT, MT or RE)"},
	{"activity", "act.txt", "1 2 1341100972\n",
	 "1: expected 4 whitespace-separated fields (a b time type), got 3"},
	{"activity", "act.txt", "1 2 13\0 RT\n", "1: NUL byte in the line"},
	{"interactions", "u.tsv", "1\t2\t3\t4\n1\t2\t3\n",
	 "2: expected 4 tab-separated fields, got 3"},
	{"interactions", "u.tsv", "1\t2\tgood\t4\n", "1: value 'good' is not a number"},
	{"interactions", "u.tsv", "1\t2\t3\t4.5\n",
	 "1: time '4.5' is not a unix time (integer seconds)"},
	{"interactions", "r.csv", "userId,movieId,rating,timestamp\n1,2,3\n",
	 "2: expected 4 comma-separated fields, got 3"},
	{"interactions", "r.csv", "userId,movieId,rating,timestamp\n1,\"2,3,4\n",
	 "2: a quoted field is not closed"},
	{"interactions", "r.csv", "userId,movieId,rating,timestamp\n,2,3,4\n", "2: empty user id"},
};

static void test_bad_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const bad_case *c = &bad_cases[i];
		char p[300], want[600];
		/* the NUL case needs its exact bytes */
		write_bytes(p, sizeof p, c->name, c->content,
			    strlen(c->content) + (strstr(c->message, "NUL") ? 5 : 0));
		mrs_error err;
		assert_int_equal(import_fails(c->format, p, NULL, &err), MRS_ERR_DATA);
		snprintf(want, sizeof want, "%s:%s", p, c->message);
		assert_string_equal(err.msg, want);
	}
}

static void test_bad_headers(void **state)
{
	(void)state;
	char p[300];
	mrs_error err;
	tu_write(p, sizeof p, "nohead.csv", "1,2,3,4\n");
	assert_int_equal(import_fails("interactions", p, NULL, &err), MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, ":1: a CSV file needs a header"));
	tu_write(p, sizeof p, "notime.csv", "user,item,rating\n1,2,3\n");
	assert_int_equal(import_fails("interactions", p, NULL, &err), MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, ":1: the header names no time column"));
	tu_write(p, sizeof p, "spaces.txt", "1 2 3 4\n");
	assert_int_equal(import_fails("interactions", p, NULL, &err), MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, ":1: expected tab-separated"));
}

static void test_lastfm_bad(void **state)
{
	(void)state;
	char dir[300], f[400], want[600];
	tu_path(dir, sizeof dir, "lastfm_bad");
	mkdir(dir, 0755);
	const char *names[] = {"artists", "friends", "listens"};
	const char *dat[] = {"artists.dat", "user_friends.dat", "user_artists.dat"};
	for (int i = 0; i < 3; i++) {
		char from[300];
		snprintf(from, sizeof from, "%slastfm/%s.tsv", FIXTURES, names[i]);
		snprintf(f, sizeof f, "%s/%s", dir, dat[i]);
		assert_int_equal(symlink(from, f), 0);
	}
	snprintf(f, sizeof f, "%s/user_taggedartists.dat", dir);
	FILE *fp = fopen(f, "w");
	fputs("userID\tartistID\ttagID\tday\tmonth\tyear\n2\t1\t13\t1\t4\t2009\n"
	      "2\t2\t13\t1\t6\t1956\n2\t3\t1\t31\t2\t2009\n3\t1\t1\t1\tmay\t2009\n",
	      fp);
	fclose(fp);
	const char *files[] = {dir};
	mrs_error err;
	assert_null(import("lastfm", files, 1, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	snprintf(want, sizeof want, "%s:3: date 1956-06-01 is before Last.fm began (2002)", f);
	assert_string_equal(err.msg, want);
	mrs_import_opts o = {.skip_bad = true};
	mrs_dataset *ds = import_ok("lastfm", files, 1, &o);
	assert_int_equal(o.skipped, 3); /* 1956, 31 February, "may" */
	assert_int_equal(o.rows, 13);
	assert_int_equal(ds->n_impressions, 3);
	mrs_dataset_free(ds);

	/* a wrong header is not a row to skip */
	fp = fopen(f, "w");
	fputs("user\tartist\ttag\n", fp);
	fclose(fp);
	assert_null(import("lastfm", files, 1, &o, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	snprintf(want, sizeof want, "%s:1: not the header", f);
	assert_non_null(strstr(err.msg, want));
	/* four files, one of them twice */
	const char *dup[] = {FIXTURES "lastfm/tags.tsv", FIXTURES "lastfm/tags.tsv",
			     FIXTURES "lastfm/artists.tsv", FIXTURES "lastfm/listens.tsv"};
	assert_null(import("lastfm", dup, 4, NULL, &err));
	assert_non_null(strstr(err.msg, "both are user_taggedartists.dat files"));
}

static void test_skip_bad(void **state)
{
	(void)state;
	char p[300];
	tu_write(p, sizeof p, "mixed.txt",
		 "# header comment\n1 2 1341100972 RT\n1 2 x RT\n3 2 1341100973 MT\n"
		 "3 2 1341100974 XX\nonly three fields\n4 1 1341104600 RE\n");
	const char *files[] = {p};
	mrs_import_opts o = {.skip_bad = true, .skipped = 99, .rows = 99};
	mrs_dataset *ds = import_ok("activity", files, 1, &o);
	assert_int_equal(o.rows, 6);
	assert_int_equal(o.skipped, 3);
	assert_int_equal(ds->n_impressions, 3);
	assert_int_equal(ds->n_tweets, 2);
	assert_non_null(strstr(ds->params_json, "\"skipped\":3"));
	mrs_dataset_free(ds);

	/* every row bad: nothing to import */
	tu_write(p, sizeof p, "allbad.txt", "x\ny\n");
	mrs_error err;
	assert_null(import("edges", files, 1, &o, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	assert_non_null(strstr(err.msg, "all 2 rows were skipped"));
}

static int cancel_after(void *ud, const char *phase, double done, double total, const char *detail)
{
	(void)phase, (void)done, (void)total, (void)detail;
	int *calls = ud;
	return ++*calls >= 1;
}

static void test_progress_cancel(void **state)
{
	(void)state;
	char p[300];
	tu_path(p, sizeof p, "many.txt");
	FILE *f = fopen(p, "w");
	for (int i = 0; i < 70000; i++)
		fprintf(f, "%d %d\n", i, i + 1);
	fclose(f);
	const char *files[] = {p};
	int calls = 0;
	mrs_progress prog = {cancel_after, &calls};
	mrs_error err = {0};
	assert_null(mrs_import("edges", files, 1, NULL, &prog, &err));
	assert_int_equal(err.code, MRS_ERR_CANCELLED);
	assert_int_equal(calls, 1);
}

/* ------------------------------------------------------------ store round trip */

static void assert_same(const mrs_dataset *a, const mrs_dataset *b)
{
	assert_string_equal(a->kind, b->kind);
	assert_string_equal(a->params_json, b->params_json);
	assert_int_equal(a->fingerprint, b->fingerprint);
	assert_int_equal(a->split_time, b->split_time);
	assert_int_equal(a->t_begin, b->t_begin);
	assert_int_equal(a->t_end, b->t_end);
	assert_int_equal(a->n_users, b->n_users);
	for (uint32_t u = 0; u < a->n_users; u++) {
		assert_string_equal(mrs_handle(a, u), mrs_handle(b, u));
		assert_int_equal(a->user_created[u], b->user_created[u]);
	}
	assert_int_equal(a->n_follows, b->n_follows);
	assert_memory_equal(a->fol_off, b->fol_off, (a->n_users + 1) * sizeof(uint32_t));
	for (uint32_t e = 0; e < a->n_follows; e++) {
		assert_int_equal(a->fol_dst[e], b->fol_dst[e]);
		assert_int_equal(a->fol_time[e], b->fol_time[e]);
	}
	assert_int_equal(a->n_tweets, b->n_tweets);
	for (uint32_t t = 0; t < a->n_tweets; t++) {
		assert_int_equal(a->tweet_author[t], b->tweet_author[t]);
		assert_int_equal(a->tweet_time[t], b->tweet_time[t]);
		assert_string_equal(mrs_tweet_text(a, t), mrs_tweet_text(b, t));
	}
	assert_int_equal(a->n_impressions, b->n_impressions);
	for (uint32_t i = 0; i < a->n_impressions; i++) {
		assert_int_equal(a->imp_user[i], b->imp_user[i]);
		assert_int_equal(a->imp_tweet[i], b->imp_tweet[i]);
		assert_int_equal(a->imp_time[i], b->imp_time[i]);
		assert_int_equal(a->imp_actions[i], b->imp_actions[i]);
	}
	assert_int_equal(a->n_texts, b->n_texts);
	for (uint32_t i = 0; i < a->n_texts; i++) {
		assert_string_equal(a->texts_pool + a->texts_off[i],
				    b->texts_pool + b->texts_off[i]);
		assert_int_equal(a->texts_label[i], b->texts_label[i]);
	}
	if (a->texts_task || b->texts_task)
		assert_string_equal(a->texts_task, b->texts_task);
	assert_false(b->has_truth);
}

static void round_trip(const char *format, const char *const *files, int n)
{
	mrs_dataset *ds = import_ok(format, files, n, NULL);
	char path[300];
	snprintf(path, sizeof path, "%s/%s.db", tu_tmpdir(), format);
	mrs_error err = {0};
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	if (!back)
		fail_msg("loading %s: %s", path, err.msg);
	assert_same(ds, back);
	mrs_dataset_free(back);
	mrs_dataset_free(ds);
}

static void test_round_trip(void **state)
{
	(void)state;
	const char *edges[] = {FIXTURES "follows.txt"};
	const char *activity[] = {FIXTURES "activity.txt", FIXTURES "activity_follows.txt"};
	const char *inter[] = {FIXTURES "ratings.tsv", FIXTURES "ratings.csv"};
	const char *lastfm[] = {lastfm_folder()};
	const char *labels[] = {FIXTURES "offensive/text.txt", FIXTURES "offensive/labels.txt"};
	round_trip("edges", edges, 1);
	round_trip("activity", activity, 2);
	round_trip("interactions", inter, 2);
	round_trip("lastfm", lastfm, 1);
	round_trip("labels", labels, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_edges_several_files),
		cmocka_unit_test(test_activity),
		cmocka_unit_test(test_interactions_udata),
		cmocka_unit_test(test_interactions_csv),
		cmocka_unit_test(test_lastfm_folder),
		cmocka_unit_test(test_lastfm_files_any_order),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_labels_bytes),
		cmocka_unit_test(test_labels_long_line),
		cmocka_unit_test(test_labels_bad),
		cmocka_unit_test(test_missing_and_empty),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_lastfm_bad),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_progress_cancel),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
