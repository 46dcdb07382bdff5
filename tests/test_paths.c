/* test_paths.c: the rule for where the dataset and the models live (tui/paths.c), each
 * branch from hand-made inputs, and the folders the writers make. */
#include <sys/stat.h>

#include "paths.h"
#include "testutil.h"

/* A program file in a folder of the test folder, with config.status beside it or not. */
static const char *program_in(char *buf, size_t size, const char *folder, bool configured)
{
	char dir[PATH_MAX];
	tu_path(dir, sizeof dir, folder);
	if (mkdir(dir, 0755) != 0 && access(dir, F_OK) != 0)
		fail_msg("cannot make %s", dir);
	if (configured) {
		char marker[PATH_MAX + 16];
		snprintf(marker, sizeof marker, "%s/config.status", dir);
		FILE *f = fopen(marker, "w");
		assert_non_null(f);
		fclose(f);
	}
	snprintf(buf, size, "%s/minirecsys", dir);
	return buf;
}

/* paths_default for kind; asserts it succeeds with the rule wanted and returns the path. */
static const char *chosen(paths_kind kind, const paths_env *env, paths_rule want, char *buf,
			  size_t size)
{
	mrs_error err = {0};
	paths_rule rule = (paths_rule)-1;
	assert_ok(paths_default(kind, env, buf, size, &rule, &err), &err);
	assert_int_equal(rule, want);
	return buf;
}

static void test_environment_first(void **state)
{
	(void)state;
	char prog[PATH_MAX], buf[PATH_MAX];
	paths_env env = {.data = "/srv/world.db", .models = "/srv/models", .home = "/home/u",
			 .xdg_data_home = "/xdg",
			 .program = program_in(prog, sizeof prog, "build", true)};
	assert_string_equal(chosen(PATHS_DATA, &env, PATHS_ENV, buf, sizeof buf), "/srv/world.db");
	assert_string_equal(chosen(PATHS_MODELS, &env, PATHS_ENV, buf, sizeof buf), "/srv/models");
	/* set but empty: as if unset */
	env.data = "";
	chosen(PATHS_DATA, &env, PATHS_BUILD, buf, sizeof buf);
}

static void test_build_folder(void **state)
{
	(void)state;
	char prog[PATH_MAX], buf[PATH_MAX], want[PATH_MAX + 32];
	paths_env env = {.home = "/home/u", .xdg_data_home = "/xdg",
			 .program = program_in(prog, sizeof prog, "build", true)};
	snprintf(want, sizeof want, "%s/build/data/default.db", tu_tmpdir());
	assert_string_equal(chosen(PATHS_DATA, &env, PATHS_BUILD, buf, sizeof buf), want);
	snprintf(want, sizeof want, "%s/build/models", tu_tmpdir());
	assert_string_equal(chosen(PATHS_MODELS, &env, PATHS_BUILD, buf, sizeof buf), want);
}

static void test_xdg_outside_a_build_folder(void **state)
{
	(void)state;
	char prog[PATH_MAX], buf[PATH_MAX];
	/* a folder without config.status (an installed program's bin/), or no program path */
	paths_env env = {.home = "/home/u", .xdg_data_home = "/xdg/",
			 .program = program_in(prog, sizeof prog, "bin", false)};
	assert_string_equal(chosen(PATHS_DATA, &env, PATHS_XDG, buf, sizeof buf),
			    "/xdg/minirecsys/default.db");
	env.program = NULL;
	assert_string_equal(chosen(PATHS_MODELS, &env, PATHS_XDG, buf, sizeof buf),
			    "/xdg/minirecsys/models");
}

static void test_home_when_xdg_unset_or_relative(void **state)
{
	(void)state;
	char buf[PATH_MAX];
	const char *xdg[] = {NULL, "", "relative/share"};
	for (size_t i = 0; i < sizeof xdg / sizeof xdg[0]; i++) {
		paths_env env = {.home = "/home/u", .xdg_data_home = xdg[i]};
		assert_string_equal(chosen(PATHS_DATA, &env, PATHS_HOME, buf, sizeof buf),
				    "/home/u/.local/share/minirecsys/default.db");
		assert_string_equal(chosen(PATHS_MODELS, &env, PATHS_HOME, buf, sizeof buf),
				    "/home/u/.local/share/minirecsys/models");
	}
}

static void test_no_home(void **state)
{
	(void)state;
	char buf[PATH_MAX];
	paths_rule rule;
	mrs_error err = {0};
	const char *homes[] = {NULL, "", "not/absolute"};
	for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++) {
		paths_env env = {.home = homes[i]};
		assert_int_equal(paths_default(PATHS_MODELS, &env, buf, sizeof buf, &rule, &err), -1);
		assert_int_equal(err.code, MRS_ERR_USAGE);
		assert_non_null(strstr(err.msg, "--models"));
	}
	/* a path that does not fit */
	paths_env env = {.home = "/home/u"};
	char small[16];
	assert_int_equal(paths_default(PATHS_DATA, &env, small, sizeof small, &rule, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
}

static void test_words(void **state)
{
	(void)state;
	for (int r = PATHS_OPTION; r <= PATHS_HOME; r++) {
		assert_non_null(paths_rule_name((paths_rule)r));
		assert_non_null(paths_rule_why(PATHS_DATA, (paths_rule)r));
		assert_non_null(paths_rule_why(PATHS_MODELS, (paths_rule)r));
	}
	assert_string_equal(paths_rule_name(PATHS_XDG), "xdg");
	assert_non_null(strstr(paths_rule_why(PATHS_MODELS, PATHS_ENV), "MINIRECSYS_MODELS"));
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	return st.st_mode & 07777;
}

static void test_make_folders(void **state)
{
	(void)state;
	mode_t old = umask(022);
	char path[PATH_MAX], dir[PATH_MAX];
	mrs_error err = {0};
	/* XDG: every folder made is private */
	assert_ok(paths_make_folders(tu_path(path, sizeof path, "x/share/minirecsys/default.db"),
				     true, PATHS_XDG, &err), &err);
	assert_int_equal(mode_of(tu_path(dir, sizeof dir, "x")), 0700);
	assert_int_equal(mode_of(tu_path(dir, sizeof dir, "x/share/minirecsys")), 0700);
	assert_int_equal(access(path, F_OK), -1); /* the file itself is the writer's */
	assert_ok(paths_make_folders(tu_path(path, sizeof path, "x/share/minirecsys/models"),
				     false, PATHS_HOME, &err), &err);
	assert_int_equal(mode_of(path), 0700);
	/* anywhere else: the umask's say; folders already there are left as they are */
	assert_ok(paths_make_folders(tu_path(path, sizeof path, "x/tree/data/default.db"), true,
				     PATHS_BUILD, &err), &err);
	assert_int_equal(mode_of(tu_path(dir, sizeof dir, "x/tree/data")), 0755);
	assert_int_equal(mode_of(tu_path(dir, sizeof dir, "x")), 0700);
	/* a file in the working folder needs no folder */
	assert_ok(paths_make_folders("default.db", true, PATHS_OPTION, &err), &err);
	/* a file where a folder should be: the error names the folder */
	char file[PATH_MAX];
	tu_write(file, sizeof file, "plain", "x");
	assert_int_equal(paths_make_folders(tu_path(path, sizeof path, "plain/sub/w.db"), true,
					    PATHS_OPTION, &err), -1);
	assert_int_equal(err.code, MRS_ERR_IO);
	assert_non_null(strstr(err.msg, "plain/sub: cannot create the folder"));
	umask(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_first),
		cmocka_unit_test(test_build_folder),
		cmocka_unit_test(test_xdg_outside_a_build_folder),
		cmocka_unit_test(test_home_when_xdg_unset_or_relative),
		cmocka_unit_test(test_no_home),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_make_folders),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
