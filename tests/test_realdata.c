/* test_realdata.c: the importers on real public data ($MRS_REALDATA, never copied into
 * the project), checked against counts that awk computes from the same files. Exits 77
 * (SKIP) when the data is not there. */
#include <sys/stat.h>

#include "testutil.h"

static const char *root;
static char act_test[512], edges_test[512], act_re[512], lastfm[512], tw_text[512], tw_labels[512];

/* Runs a shell pipeline that prints one number; fails the test if it does not. */
static double sh_number(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static double sh_number(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run %s", cmd);
	double v;
	int got = fscanf(p, "%lf", &v);
	if (pclose(p) != 0 || got != 1)
		fail_msg("no number from: %s", cmd);
	return v;
}

/* The awk program's END prints n: the count of distinct keys k[...] it collected. */
#define COUNT_KEYS "END { n = 0; for (x in k) n++; print n }"
#define DATA_ROWS "NF && $1 !~ /^#/"

static mrs_dataset *import_timed(const char *format, const char *const *files, int n,
				 mrs_import_opts *o)
{
	mrs_error err = {0};
	double t0 = mrs_seconds();
	mrs_dataset *ds = mrs_import(format, files, n, o, NULL, &err);
	double dt = mrs_seconds() - t0;
	if (!ds)
		fail_msg("import %s %s: %s", format, files[0], err.msg);
	printf("# import %s %s: %u rows in %.3f s (%.0f rows/s)\n", format, files[0], o->rows, dt,
	       o->rows / (dt > 0 ? dt : 1e-9));
	return ds;
}

static uint32_t count_actions(const mrs_dataset *ds, int action)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n += (ds->imp_actions[i] >> action) & 1;
	return n;
}

static void assert_ordered_and_split(const mrs_dataset *ds)
{
	for (uint32_t t = 1; t < ds->n_tweets; t++)
		assert_true(ds->tweet_time[t - 1] <= ds->tweet_time[t]);
	uint32_t n = ds->n_impressions, before = 0, upto = 0;
	for (uint32_t i = 0; i < n; i++) {
		assert_true(ds->imp_time[i] >= ds->tweet_time[ds->imp_tweet[i]]);
		before += ds->imp_time[i] < ds->split_time;
		upto += ds->imp_time[i] <= ds->split_time;
	}
	assert_true(before <= (uint32_t)(0.8 * (n - 1)) && upto > (uint32_t)(0.8 * (n - 1)));
}

/* Expected counts of an activity file ("a b time type"; a == b dropped). */
static void check_activity(const mrs_dataset *ds, const char *act)
{
	const char *keep = DATA_ROWS " && $1 != $2";
	assert_int_equal(ds->n_tweets,
			 sh_number("awk '%s { k[$2 \" \" int($3 / 3600)] } " COUNT_KEYS "' '%s'",
				   keep, act));
	assert_int_equal(ds->n_impressions,
			 sh_number("awk '%s { k[$1 \" \" $2 \" \" int($3 / 3600)] } " COUNT_KEYS
				   "' '%s'",
				   keep, act));
	const char *types[][2] = {{"RT", "retweet"}, {"RE", "reply"}, {"MT", "click"}};
	for (int i = 0; i < 3; i++)
		assert_int_equal(count_actions(ds, mrs_action_by_name(types[i][1])),
				 sh_number("awk '%s && $4 == \"%s\" { k[$1 \" \" $2 \" \" "
					   "int($3 / 3600)] } " COUNT_KEYS "' '%s'",
					   keep, types[i][0], act));
	/* the split: 80% of the impressions' (earliest) times */
	assert_int_equal(ds->split_time,
			 sh_number("awk '%s { x = $1 \" \" $2 \" \" int($3 / 3600); "
				   "if (!(x in m) || $3 < m[x]) m[x] = $3 } "
				   "END { for (x in m) print m[x] }' '%s' | sort -n | "
				   "awk '{ t[NR] = $1 } END { print t[int(0.8 * (NR - 1)) + 1] }'",
				   keep, act));
	assert_ordered_and_split(ds);
}

static void test_higgs_with_follows(void **state)
{
	(void)state;
	const char *files[] = {act_test, edges_test};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_timed("activity", files, 2, &o);
	assert_int_equal(o.rows, sh_number("awk '" DATA_ROWS " { n++ } END { print n }' '%s' '%s'",
					   act_test, edges_test));
	assert_int_equal(o.skipped, 0);
	assert_int_equal(ds->n_users,
			 sh_number("awk '" DATA_ROWS " { k[$1]; k[$2] } " COUNT_KEYS "' '%s' '%s'",
				   act_test, edges_test));
	assert_int_equal(ds->n_follows,
			 sh_number("awk '" DATA_ROWS " && $1 != $2 { k[$1 \" \" $2] } " COUNT_KEYS
				   "' '%s'",
				   edges_test));
	check_activity(ds, act_test);
	/* the first id of the file is user 0, and follows are known before any event */
	FILE *f = fopen(act_test, "r");
	char first[64];
	assert_int_equal(fscanf(f, "%63s", first), 1);
	fclose(f);
	assert_string_equal(mrs_handle(ds, 0), first);
	for (uint32_t e = 0; e < ds->n_follows; e++)
		assert_true(ds->fol_time[e] < ds->t_begin);
	mrs_dataset_free(ds);
}

static void test_higgs_replies(void **state)
{
	(void)state;
	const char *files[] = {act_re};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_timed("activity", files, 1, &o);
	assert_int_equal(o.rows, sh_number("awk 'END { print NR }' '%s'", act_re));
	assert_int_equal(ds->n_users,
			 sh_number("awk '{ k[$1]; k[$2] } " COUNT_KEYS "' '%s'", act_re));
	check_activity(ds, act_re);
	assert_int_equal(count_actions(ds, MRS_ACT_REPLY), ds->n_impressions);
	assert_int_equal(ds->n_follows, 0);
	mrs_dataset_free(ds);
}

static void test_lastfm(void **state)
{
	(void)state;
	char tags[600], fr[600], la[600], ar[600];
	snprintf(tags, sizeof tags, "%s/user_taggedartists.dat", lastfm);
	snprintf(fr, sizeof fr, "%s/user_friends.dat", lastfm);
	snprintf(la, sizeof la, "%s/user_artists.dat", lastfm);
	snprintf(ar, sizeof ar, "%s/artists.dat", lastfm);
	const char *files[] = {lastfm};
	/* with --strict the first tag dated before 2002 stops the import, naming its line */
	mrs_error err = {0};
	mrs_import_opts strict = {.strict = true};
	assert_null(mrs_import("lastfm", files, 1, &strict, NULL, &err));
	assert_int_equal(err.code, MRS_ERR_DATA);
	char want[700];
	snprintf(want, sizeof want, "%s:%.0f: date ", tags,
		 sh_number("awk -F'\\t' 'NR > 1 && $6 < 2002 { print NR; exit }' '%s'", tags));
	assert_true(strncmp(err.msg, want, strlen(want)) == 0);

	/* by default the published files import as they are: those tags are counted */
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_timed("lastfm", files, 1, &o);
	const char *good = "FILENAME ~ /tagged/ && ($6 < 2002 || $6 > 2011) { next }";
	assert_int_equal(o.skipped, 0);
	assert_int_equal(o.anomalies, sh_number("awk -F'\\t' 'NR > 1 && ($6 < 2002 || $6 > 2011) "
						"{ n++ } END { print n }' '%s'",
						tags));
	assert_int_equal(o.rows, sh_number("awk 'FNR > 1 { n++ } END { print n }' '%s' '%s' '%s' "
					   "'%s'",
					   ar, fr, la, tags));
	uint32_t users =
		(uint32_t)sh_number("awk -F'\\t' 'FNR == 1 { next } %s FILENAME ~ /friends/ { "
				    "k[$2] } { k[$1] } " COUNT_KEYS "' '%s' '%s' '%s'",
				    good, fr, la, tags);
	uint32_t artists = (uint32_t)sh_number(
		"awk -F'\\t' 'FNR == 1 { next } %s { k[$2] } " COUNT_KEYS "' '%s' '%s'", good, la,
		tags);
	assert_int_equal(ds->n_users, users + artists);
	assert_int_equal(ds->n_tweets, artists);
	assert_int_equal(ds->n_follows,
			 sh_number("awk -F'\\t' 'NR > 1 && $1 != $2 { k[$1 \" \" $2]; "
				   "k[$2 \" \" $1] } " COUNT_KEYS "' '%s'",
				   fr));
	assert_int_equal(
		ds->n_impressions,
		sh_number("awk -F'\\t' 'FNR == 1 { next } %s { k[$1 \" \" $2] } " COUNT_KEYS
			  "' '%s' '%s'",
			  good, la, tags));
	assert_int_equal(
		count_actions(ds, MRS_ACT_CLICK),
		sh_number("awk -F'\\t' 'NR > 1 { k[$1 \" \" $2] } " COUNT_KEYS "' '%s'", la));
	assert_int_equal(
		count_actions(ds, MRS_ACT_LIKE),
		sh_number("awk -F'\\t' 'FNR == 1 { next } %s { k[$1 \" \" $2] } " COUNT_KEYS
			  "' '%s'",
			  good, tags));
	/* friendships are mutual */
	for (uint32_t u = 0; u < ds->n_users; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++)
			assert_true(mrs_follows(ds, ds->fol_dst[e], u));
	/* an artist's tweet carries its name from artists.dat */
	uint32_t a = mrs_user_lookup(ds, "@artist:51");
	assert_int_not_equal(a, MRS_NONE);
	assert_int_equal(ds->atw_off[a + 1] - ds->atw_off[a], 1);
	char cmd[700], name[512] = "";
	snprintf(cmd, sizeof cmd, "awk -F'\\t' '$1 == 51 { print $2 }' '%s'", ar);
	FILE *p = popen(cmd, "r");
	assert_non_null(fgets(name, sizeof name, p));
	pclose(p);
	name[strcspn(name, "\n")] = '\0';
	assert_string_equal(mrs_tweet_text(ds, ds->atw[ds->atw_off[a]]), name);
	assert_ordered_and_split(ds);

	/* written and loaded back, it is the same dataset */
	char path[300];
	tu_path(path, sizeof path, "lastfm.db");
	double t0 = mrs_seconds();
	assert_ok(mrs_store_write(path, ds, NULL, NULL, &err), &err);
	double t1 = mrs_seconds();
	mrs_dataset *back = mrs_dataset_load(path, NULL, &err);
	if (!back)
		fail_msg("%s", err.msg);
	printf("# lastfm: written in %.3f s, loaded in %.3f s\n", t1 - t0, mrs_seconds() - t1);
	assert_int_equal(back->fingerprint, ds->fingerprint);
	assert_int_equal(back->n_impressions, ds->n_impressions);
	assert_int_equal(back->n_follows, ds->n_follows);
	assert_string_equal(back->params_json, ds->params_json);
	mrs_dataset_free(back);
	mrs_dataset_free(ds);
}

static void test_tweeteval(void **state)
{
	(void)state;
	const char *files[] = {tw_text, tw_labels};
	mrs_import_opts o = {0};
	mrs_dataset *ds = import_timed("labels", files, 2, &o);
	assert_int_equal(ds->n_texts, sh_number("awk 'END { print NR }' '%s'", tw_text));
	assert_int_equal(ds->n_texts, sh_number("awk 'END { print NR }' '%s'", tw_labels));
	uint32_t pos = 0;
	for (uint32_t i = 0; i < ds->n_texts; i++)
		pos += ds->texts_label[i] == 1;
	assert_int_equal(pos, sh_number("awk '{ s += $1 } END { print s }' '%s'", tw_labels));
	assert_string_equal(ds->texts_task, "offensive");
	FILE *f = fopen(tw_text, "r");
	char line[4096];
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	assert_string_equal(ds->texts_pool + ds->texts_off[0], line);
	assert_int_equal(ds->n_users, 0);
	mrs_dataset_free(ds);
}

static bool exists(char *buf, size_t size, const char *rel)
{
	struct stat sb;
	snprintf(buf, size, "%s/%s", root, rel);
	return stat(buf, &sb) == 0;
}

int main(void)
{
	root = getenv("MRS_REALDATA");
	bool ok = root && *root && !strchr(root, '\'') &&
		  exists(act_test, sizeof act_test, "higgs-twitter/higgs-activity_time-test.txt") &&
		  exists(edges_test, sizeof edges_test,
			 "higgs-twitter/higgs-social_network-test.edgelist") &&
		  exists(act_re, sizeof act_re, "higgs-twitter/higgs-activity_time_RE.txt") &&
		  exists(lastfm, sizeof lastfm, "lastfm-hetrec2011-2k") &&
		  exists(tw_text, sizeof tw_text, "tweeteval/offensive/train_text.txt") &&
		  exists(tw_labels, sizeof tw_labels, "tweeteval/offensive/train_labels.txt");
	if (!ok) {
		printf("SKIP: real data not found at %s\n",
		       root && *root ? root : "$MRS_REALDATA (unset)");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_higgs_with_follows),
		cmocka_unit_test(test_higgs_replies),
		cmocka_unit_test(test_lastfm),
		cmocka_unit_test(test_tweeteval),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
