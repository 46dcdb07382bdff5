/* paths.c: the one rule for where the dataset and the models live when no option names
 * them, and the folders the writers make for them. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

void paths_env_read(paths_env *env)
{
	memset(env, 0, sizeof *env);
	env->data = getenv("MINIRECSYS_DATA");
	env->models = getenv("MINIRECSYS_MODELS");
	env->xdg_data_home = getenv("XDG_DATA_HOME");
	env->home = getenv("HOME");
	if (!env->home || !*env->home) {
		const struct passwd *pw = getpwuid(getuid());
		env->home = pw ? pw->pw_dir : NULL;
	}
	ssize_t n = readlink("/proc/self/exe", env->program_buf, sizeof env->program_buf - 1);
	if (n > 0) {
		env->program_buf[n] = '\0';
		env->program = env->program_buf;
	}
}

/* buf = base/tail, without doubling a slash at the end of base. */
static int join(char *buf, size_t size, const char *base, const char *tail, mrs_error *err)
{
	int n = (int)strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--;
	int w = snprintf(buf, size, "%.*s/%s", n, base, tail);
	if (w < 0 || (size_t)w >= size)
		return mrs_fail(err, MRS_ERR_USAGE, "%.*s/%s: the path is too long", n, base, tail);
	return 0;
}

/* Is the program in its build folder (the folder configure ran in: config.status is
 * there)? Then dir is that folder. */
static bool in_build_folder(const char *program, char *dir, size_t size)
{
	const char *slash = program ? strrchr(program, '/') : NULL;
	if (!slash || (size_t)(slash - program) >= size)
		return false;
	snprintf(dir, size, "%.*s", (int)(slash - program), program);
	char marker[PATH_MAX + 16];
	snprintf(marker, sizeof marker, "%s/config.status", dir);
	return access(marker, F_OK) == 0;
}

int paths_default(paths_kind kind, const paths_env *env, char *buf, size_t size,
		  paths_rule *rule, mrs_error *err)
{
	bool data = kind == PATHS_DATA;
	const char *var = data ? env->data : env->models;
	char dir[PATH_MAX];
	if (var && *var) {
		*rule = PATHS_ENV;
		if (strlen(var) >= size)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: the path is too long", var);
		memcpy(buf, var, strlen(var) + 1);
		return 0;
	}
	if (in_build_folder(env->program, dir, sizeof dir)) {
		*rule = PATHS_BUILD;
		return join(buf, size, dir, data ? "data/default.db" : "models", err);
	}
	const char *share = data ? "minirecsys/default.db" : "minirecsys/models";
	/* the XDG base directory specification: a relative path is invalid, to be ignored */
	if (env->xdg_data_home && env->xdg_data_home[0] == '/') {
		*rule = PATHS_XDG;
		return join(buf, size, env->xdg_data_home, share, err);
	}
	if (!env->home || env->home[0] != '/')
		return mrs_fail(err, MRS_ERR_USAGE,
				"no folder to keep the %s in: neither XDG_DATA_HOME nor HOME is an "
				"absolute path; set one, or give %s",
				data ? "dataset" : "models", data ? "--data" : "--models");
	*rule = PATHS_HOME;
	char local[PATH_MAX];
	if (join(local, sizeof local, env->home, ".local/share", err))
		return -1;
	return join(buf, size, local, share, err);
}

const char *paths_rule_name(paths_rule rule)
{
	static const char *const names[] = {
		[PATHS_OPTION] = "option", [PATHS_ENV] = "environment",
		[PATHS_BUILD] = "build-folder", [PATHS_XDG] = "xdg", [PATHS_HOME] = "home",
	};
	return names[rule];
}

const char *paths_rule_why(paths_kind kind, paths_rule rule)
{
	static const char *const why[2][5] = {
		[PATHS_DATA] = {
			[PATHS_OPTION] = "from the command line",
			[PATHS_ENV] = "from MINIRECSYS_DATA",
			[PATHS_BUILD] = "from the build folder the program runs from (config.status is there)",
			[PATHS_XDG] = "from XDG_DATA_HOME: no --data or MINIRECSYS_DATA, not run from a "
				      "build folder",
			[PATHS_HOME] = "from HOME (~/.local/share): no --data or MINIRECSYS_DATA, not run "
				       "from a build folder, XDG_DATA_HOME unset or relative",
		},
		[PATHS_MODELS] = {
			[PATHS_OPTION] = "from the command line",
			[PATHS_ENV] = "from MINIRECSYS_MODELS",
			[PATHS_BUILD] = "from the build folder the program runs from (config.status is there)",
			[PATHS_XDG] = "from XDG_DATA_HOME: no --models or MINIRECSYS_MODELS, not run "
				      "from a build folder",
			[PATHS_HOME] = "from HOME (~/.local/share): no --models or MINIRECSYS_MODELS, not "
				       "run from a build folder, XDG_DATA_HOME unset or relative",
		},
	};
	return why[kind][rule];
}

/* mkdir that counts a folder already there as success. */
static int make_one(const char *dir, mode_t mode, mrs_error *err)
{
	if (mkdir(dir, mode) == 0 || errno == EEXIST)
		return 0;
	int e = errno;
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return mrs_fail(err, MRS_ERR_IO, "%s: cannot create the folder: %s", dir, strerror(e));
}

int paths_make_folders(const char *path, bool parent_only, paths_rule rule, mrs_error *err)
{
	char dir[PATH_MAX];
	if (strlen(path) >= sizeof dir)
		return mrs_fail(err, MRS_ERR_IO, "%s: the path is too long", path);
	memcpy(dir, path, strlen(path) + 1);
	if (parent_only) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			return 0; /* a file in the working folder */
		*slash = '\0';
	}
	if (!*dir)
		return 0;
	mode_t mode = rule == PATHS_XDG || rule == PATHS_HOME ? 0700 : 0777;
	/* every prefix that ends before a slash, then the whole */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (make_one(dir, mode, err))
			return -1;
		*p = c;
		if (!c)
			return 0;
	}
}
