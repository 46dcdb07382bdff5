/* cli.h: shared pieces of the minirecsys program: exit codes, options, progress. */
#ifndef MRS_CLI_H
#define MRS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "minirecsys.h"
#include "paths.h"

/* Exit status: 0 success, 1 a command failed, 2 usage or data error (cmd_status). */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* The program's global options. */
typedef struct cli_opts {
	const char *data;   /* dataset path (--data, else the rule of paths_default) */
	const char *models; /* model folder (--models, else the rule of paths_default) */
	paths_rule data_rule, models_rule; /* which rule chose each */
	bool json;
	bool quiet;
	bool echo;          /* --batch: print each command before its output */
	bool no_snapshot;   /* --no-snapshot or MINIRECSYS_NO_SNAPSHOT: load and build every
			       start, never read or write the serving snapshot */
} cli_opts;

/* Prints "minirecsys: MSG" to stderr and returns EXIT_USAGE: for the program's own
 * options, before any command runs. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fills the dataset and the model folder that no option named, by the rule (paths.h),
 * and which rule chose each. */
int cli_default_paths(cli_opts *o, mrs_error *err);

/* Checks the file a command (generate, import, tune) is about to write: "-" is refused
 * (a dataset is a file; MRS_ERR_USAGE), a file that is one of the inputs (the same device
 * and inode, however it is named; for a folder input, any file in it) is refused even
 * with --force (MRS_ERR_USAGE), and an existing file needs force (MRS_ERR_REFUSED).
 * Returns 0 to go on, or -1 with err. */
int cli_check_output(const char *out, bool force, const char *const *inputs, int n,
		     mrs_error *err);

/* Refuses (MRS_ERR_NOMEM, naming the estimate and the machine's memory, then hint) to
 * generate a world whose mrs_gen_memory_estimate exceeds the memory available now
 * (MemAvailable of /proc/meminfo, else sysconf). */
int cli_check_memory(const mrs_gen_params *p, const char *hint, mrs_error *err);

/* For `info`: which models of dir's current set were trained on ds and which on another
 * dataset, read from their cards (no model is loaded), into json (an object the caller
 * made): {"folder", "missing", "no_dataset", "this_dataset", "other_dataset", "skipped"
 * (arrays of model names; "skipped": those `train` skipped on this dataset for want of
 * data, counted in no other), "other_fingerprint" (when one is), or "error" when the
 * folder cannot be read}. */
struct cJSON;
void cli_models_summary(const char *dir, const mrs_dataset *ds, struct cJSON *json);
/* The same as one line of text: "models/set-1: 6 of 6 trained on this dataset", or which
 * ones fall back and why. */
void cli_models_line(const struct cJSON *json, char *text, size_t size);

/* Progress shown on stderr: a bar on a terminal, plain lines (at most one a second)
 * otherwise; nothing when quiet. Ctrl-C sets a flag the callback turns into a cancel. */
typedef struct cli_progress {
	bool tty, quiet;
	double started, last;
	char phase[64];
	/* the ETA is of the current phase: when it began and how far along it was then */
	char eta_phase[64];
	double phase_started, phase_done0;
	int width;
} cli_progress;
void cli_progress_init(cli_progress *cp, bool quiet);
/* The mrs_progress to hand to the library. */
mrs_progress cli_progress_get(cli_progress *cp);
/* Ends the bar line, if one is showing. */
void cli_progress_done(cli_progress *cp);
/* Installs SIGINT/SIGTERM handlers that request cancellation instead of killing. */
void cli_cancel_on_signal(void);
bool cli_cancel_requested(void);

#endif
