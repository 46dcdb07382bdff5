/* paths.h: where the dataset and the models live when no option names them: one rule,
 * which the subcommands, the shell, --batch and the explorer all follow. */
#ifndef MRS_PATHS_H
#define MRS_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "minirecsys.h"

/* What a path is for. */
typedef enum paths_kind { PATHS_DATA, PATHS_MODELS } paths_kind;

/* Which rule chose a path, in the order they are tried. */
typedef enum paths_rule {
	PATHS_OPTION, /* named on the command line (--data, --models, -o) */
	PATHS_ENV,    /* $MINIRECSYS_DATA, $MINIRECSYS_MODELS */
	PATHS_BUILD,  /* the program runs from its build folder B (config.status beside it):
	               * B/data/default.db and B/models, where ./setup.sh puts them */
	PATHS_XDG,    /* $XDG_DATA_HOME/minirecsys/default.db and .../models */
	PATHS_HOME,   /* ~/.local/share/minirecsys/...: XDG_DATA_HOME unset, empty or relative */
} paths_rule;

/* What the rule reads: paths_env_read fills it from this process; a test fills it by
 * hand. NULL means unset. */
typedef struct paths_env {
	const char *data, *models; /* $MINIRECSYS_DATA, $MINIRECSYS_MODELS */
	const char *xdg_data_home; /* $XDG_DATA_HOME */
	const char *home;          /* $HOME, else the home folder of the user's passwd entry */
	const char *program;       /* the program's own file (/proc/self/exe) */
	char program_buf[PATH_MAX];
} paths_env;

void paths_env_read(paths_env *env);

/*
 * The rule, for a path no option names: $MINIRECSYS_DATA (or _MODELS) when set and not
 * empty; else, when the program runs from its build folder B, B/data/default.db (or
 * B/models); else $XDG_DATA_HOME/minirecsys/default.db (or .../models) when
 * XDG_DATA_HOME is an absolute path; else the same under ~/.local/share. Writes the path
 * into buf and the rule into *rule. Fails (MRS_ERR_USAGE) when it needs a home folder
 * and none is known, or the path does not fit.
 */
int paths_default(paths_kind kind, const paths_env *env, char *buf, size_t size,
		  paths_rule *rule, mrs_error *err);

/* "option", "environment", "build-folder", "xdg", "home": for JSON. */
const char *paths_rule_name(paths_rule rule);
/* Why the rule applies, in words, for `info`. */
const char *paths_rule_why(paths_kind kind, paths_rule rule);

/*
 * For writers: creates the folders of path that do not exist (the folder itself, or with
 * parent_only the folder holding the file path), from the top down. Folders made for the
 * XDG rules get mode 0700, as the XDG base directory specification asks; others 0777
 * less the umask. An error names the folder.
 */
int paths_make_folders(const char *path, bool parent_only, paths_rule rule, mrs_error *err);

#endif
