/* main.c: the minirecsys program: global options and subcommand dispatch. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "config.h"

typedef struct subcommand {
	const char *name;
	int (*run)(const cli_opts *o, int argc, char **argv);
	const char *usage;
} subcommand;

static const subcommand subcommands[] = {
	{"generate", cli_generate,
	 "generate [-o DB] [--force] [--scale small|default|large] [--users N]\n"
	 "                  [--tweets N] [--impressions N] [--days N] [--seed S]\n"
	 "                  [--no-memory-check]"},
	{"import", cli_import,
	 "import FORMAT FILE... [-o DB] [--force] [--skip-bad] [--task NAME]\n"
	 "                  (edges EDGES... | activity ACTIVITY [EDGES...] |\n"
	 "                   interactions FILE... | lastfm FOLDER | labels TEXTS LABELS)"},
	{"info", cli_info, "info [--data DB] [--json]"},
	{"train", cli_train,
	 "train [--data DB] [--models DIR] [--only NAME] [--seed S] [--max-rows N]\n"
	 "                  [--safety-buckets N]  (heavy-ranker rows sampled evenly down to N,\n"
	 "                  default 300000, 0: all; safety models' n-gram buckets, 262144)"},
	{"train-safety", cli_train_safety,
	 "train-safety --train TEXT LABELS --val TEXT LABELS [--test TEXT LABELS] [--json]\n"
	 "                  [-o FILE.pt] [--epochs N] [--buckets N] [--dim N] [--hidden N]\n"
	 "                  [--char-ngrams N] [--char-min 2|3] [--pool mean|max|mean-max]\n"
	 "                  [--batch N] [--lr X] [--lr-decay] [--weight-decay X] [--dropout X]\n"
	 "                  [--id-dropout X] [--no-bigrams] [--balance] [--no-calibrate]\n"
	 "                  [--no-select] [--seed S]"},
	{"timeline", cli_timeline, "timeline USER [--preset P] [--weights FILE] [-n N] [--json]"},
	{"eval", cli_eval,
	 "eval [--users N] [--k K] [--seed S] [--preset P] [--weights FILE]\n"
	 "                  [--sc-mode real|hash] [--rg-mode learned|rule] [--no-model-metrics] "
	 "[--json]"},
	{"shell", cli_shell, "shell              (the command language at a prompt)"},
	{"explore", cli_explore,
	 "explore [--keys FILE [--size COLSxROWS]]  (the terminal explorer; the default on a "
	 "terminal)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: minirecsys [--data DB] [--models DIR] [--json] [-q] COMMAND [ARGS]\n"
		   "       minirecsys [--data DB] [--models DIR] [--json] [--echo] --batch [FILE|-]\n"
		   "       minirecsys [--data DB] [--models DIR]   (the explorer, on a terminal)\n"
		   "       minirecsys --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(f, "  minirecsys %s\n", subcommands[i].usage);
	fprintf(f, "\nenvironment: MINIRECSYS_DATA (dataset), MINIRECSYS_MODELS (model folder).\n"
		   "Without them: data/ and models/ of the build folder the program runs from,\n"
		   "else $XDG_DATA_HOME/minirecsys (~/.local/share/minirecsys); `minirecsys info`\n"
		   "says which. See minirecsys(1).\n");
}

/* The dataset and the model folder that no option named, by the rule (paths.h). */
static int default_paths(cli_opts *o)
{
	static char data[PATH_MAX], models[PATH_MAX];
	paths_env env;
	paths_env_read(&env);
	mrs_error err = {0};
	if (!o->data) {
		if (paths_default(PATHS_DATA, &env, data, sizeof data, &o->data_rule, &err))
			return cli_error(&err);
		o->data = data;
	}
	if (!o->models) {
		if (paths_default(PATHS_MODELS, &env, models, sizeof models, &o->models_rule, &err))
			return cli_error(&err);
		o->models = models;
	}
	return EXIT_OK;
}

/*
 * OpenBLAS sizes its thread pool from OPENBLAS_NUM_THREADS when the library loads, which
 * is before main() runs; libtorch then competes with it for the two cores. So when the
 * variable is unset, set it to 1 and re-execute this same program (/proc/self/exe) with
 * the same arguments, once: the new image loads OpenBLAS with a single thread. If the
 * re-exec fails the program carries on with OpenBLAS's default.
 */
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
	/* Past `ulimit -f` a write fails with EFBIG and is reported, naming the file, instead
	 * of the kernel killing the process half-way through. */
	signal(SIGXFSZ, SIG_IGN);
	cli_opts o = {.data_rule = PATHS_OPTION, .models_rule = PATHS_OPTION};
	int i = 1;
	const char *batch = NULL;
	bool has_batch = false;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("minirecsys %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		} else if (strcmp(a, "--data") == 0 || strcmp(a, "--models") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error("%s needs a value", a);
			*(a[2] == 'd' ? &o.data : &o.models) = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			o.json = true;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o.quiet = true;
		} else if (strcmp(a, "--echo") == 0) {
			o.echo = true;
		} else if (strcmp(a, "--batch") == 0) {
			/* an optional FILE (or "-"): the next word unless it is another option */
			has_batch = true;
			if (i + 1 < argc && (argv[i + 1][0] != '-' || strcmp(argv[i + 1], "-") == 0))
				batch = argv[++i];
		} else if (strncmp(a, "--batch=", 8) == 0) {
			has_batch = true;
			batch = a + 8;
		} else {
			usage(stderr);
			return cli_usage_error("unknown option '%s'", a);
		}
	}
	int rc = default_paths(&o);
	if (rc != EXIT_OK)
		return rc;
	if (has_batch) {
		if (i < argc)
			return cli_usage_error("--batch runs a script: '%s' is extra", argv[i]);
		return batch_run(&o, batch);
	}
	if (i >= argc) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
			char *explore[] = {"explore", NULL};
			return cli_explore(&o, 1, explore);
		}
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof subcommands / sizeof subcommands[0]; k++)
		if (strcmp(argv[i], subcommands[k].name) == 0)
			return subcommands[k].run(&o, argc - i, argv + i);
	usage(stderr);
	return cli_usage_error("unknown command '%s'", argv[i]);
}
