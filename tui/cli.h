/* cli.h: shared pieces of the minirecsys program: exit codes, options, progress. */
#ifndef MRS_CLI_H
#define MRS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "minirecsys.h"
#include "paths.h"

/* Exit status: 0 success, 1 a command failed, 2 usage or data error. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* Options every subcommand shares. */
typedef struct cli_opts {
	const char *data;   /* dataset path (--data, else the rule of paths_default) */
	const char *models; /* model folder (--models, else the rule of paths_default) */
	paths_rule data_rule, models_rule; /* which rule chose each */
	bool json;
	bool quiet;
	bool echo;          /* --batch: print each command before its output */
} cli_opts;

/* Prints "minirecsys: MSG" to stderr and returns the exit status the code maps to. */
int cli_error(const mrs_error *err);
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit status for an mrs_code: usage and data problems give 2, the rest 1. */
int cli_exit_code(mrs_code code);

/* Parses a non-negative integer option value; on error prints and returns -1. */
int cli_parse_u32(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *out);
int cli_parse_u64(const char *opt, const char *text, uint64_t *out);

/* Checks the dataset file a subcommand (generate, import) is about to write: "-" is
 * refused (a dataset is a file), a file that is one of the inputs (the same device and
 * inode, however it is named; for a folder input, any file in it) is refused even with
 * --force, and an existing file needs force. Prints why; returns the exit status to end
 * with (1: exists, 2: refused), or 0 to go on. */
int cli_check_output(const char *out, bool force, const char *const *inputs, int n);

/* Refuses (MRS_ERR_NOMEM, naming the estimate and the machine's memory, then hint) to
 * generate a world whose mrs_gen_memory_estimate exceeds the memory available now
 * (MemAvailable of /proc/meminfo, else sysconf). */
int cli_check_memory(const mrs_gen_params *p, const char *hint, mrs_error *err);

/* For `info`: which models of dir's current set were trained on ds and which on another
 * dataset, read from their cards (no model is loaded): one line of text ("models/set-1:
 * 6 of 6 trained on this dataset", or which ones fall back and why), and the same in json
 * ({"folder", "this_dataset", "other_dataset", "no_dataset", "missing"}; an object the
 * caller made). */
struct cJSON;
void cli_models_summary(const char *dir, const mrs_dataset *ds, char *text, size_t size,
			struct cJSON *json);

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

/* Defaults of `minirecsys train` and the `train` command alike, so that both fit the
 * same models: the seed, and the rows of the heavy ranker sampled when --max-rows is not
 * given (enough for the default and large worlds to train in minutes; 0 means all). */
#define CLI_TRAIN_SEED 42
#define CLI_TRAIN_MAX_ROWS 300000u

/* Subcommands. argv[0] is the subcommand name. */
int cli_generate(const cli_opts *o, int argc, char **argv);
int cli_info(const cli_opts *o, int argc, char **argv);
int cli_timeline(const cli_opts *o, int argc, char **argv);
int cli_eval(const cli_opts *o, int argc, char **argv);
int cli_shell(const cli_opts *o, int argc, char **argv);
int cli_import(const cli_opts *o, int argc, char **argv);
int cli_train(const cli_opts *o, int argc, char **argv);
int cli_train_safety(const cli_opts *o, int argc, char **argv);
int cli_explore(const cli_opts *o, int argc, char **argv);

#endif
