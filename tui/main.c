/* main.c: the minirecsys program: its global options, then --batch, the explorer, or a
 * command of the language run once. */
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cmd.h"
#include "config.h"

/* Prints "  minirecsys USAGE", wrapped at blanks outside brackets to 90 columns, the
 * lines after the first indented to line up under the command's arguments. */
static void print_usage_line(FILE *f, const char *usage)
{
	const int width = 90, indent = 18;
	int col = fprintf(f, "  minirecsys ");
	for (const char *p = usage; *p;) {
		/* the next piece: up to a blank outside brackets */
		int depth = 0;
		const char *e = p;
		while (*e && (*e != ' ' || depth > 0)) {
			depth += *e == '[' || *e == '(';
			depth -= *e == ']' || *e == ')';
			e++;
		}
		int len = (int)(e - p);
		if (p != usage && col + 1 + len > width)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		else if (p != usage)
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", len, p);
		p = *e ? e + 1 : e;
	}
	fputc('\n', f);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: minirecsys [--data DB] [--models DIR] [--json] [-q] COMMAND [ARGS]\n"
		   "       minirecsys [--data DB] [--models DIR] [--json] [--echo] --batch [FILE|-]\n"
		   "       minirecsys [--data DB] [--models DIR]   (the explorer, on a terminal)\n"
		   "       minirecsys --help | --version\n\n"
		   "commands (the global options may also follow the command; `minirecsys COMMAND\n"
		   "--help` explains one):\n");
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		char u[900];
		if ((*c)->where & CMD_ONCE)
			print_usage_line(f, cmd_usage(*c, false, u, sizeof u));
	}
	fprintf(f, "\nenvironment: MINIRECSYS_DATA (dataset), MINIRECSYS_MODELS (model folder).\n"
		   "Without them: data/ and models/ of the build folder the program runs from,\n"
		   "else $XDG_DATA_HOME/minirecsys (~/.local/share/minirecsys); `minirecsys info`\n"
		   "says which. See minirecsys(1).\n");
}

/*
 * OpenBLAS sizes its thread pool from OPENBLAS_NUM_THREADS when the library loads, which
 * is before main() runs; libtorch then competes with it for the two cores. So when the
 * variable is unset, set it to 1 (for the programs this one starts) and tell the loaded
 * OpenBLAS to use one thread through its openblas_set_num_threads, looked up at run time
 * so that another BLAS links as well. Only when that function is not there is this same
 * program (/proc/self/exe) executed again with the same arguments, once: the new image
 * loads its BLAS with the variable set. Loading libtorch twice doubled the start-up
 * (`minirecsys --version`: 1.2 to 1.6 s against 0.6 to 0.7 s with the variable set). If
 * the re-exec fails the program carries on with the BLAS's default.
 */
static void single_threaded_blas(char **argv)
{
	if (getenv("OPENBLAS_NUM_THREADS"))
		return;
	setenv("OPENBLAS_NUM_THREADS", "1", 1);
	void (*set_threads)(int);
	*(void **)&set_threads = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
	if (set_threads) {
		set_threads(1);
		return;
	}
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
		mrs_error err = {0};
		bool help = false;
		int g = cmd_global_option(argc, argv, &i, &o, &help, &err);
		if (g < 0)
			return cmd_error(&err);
		if (help) {
			usage(stdout);
			return EXIT_OK;
		}
		if (g)
			continue;
		if (strcmp(a, "--version") == 0) {
			printf("minirecsys %s\n", PACKAGE_VERSION);
			return EXIT_OK;
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
	if (has_batch) {
		if (i < argc)
			return cli_usage_error("--batch runs a script: '%s' is extra", argv[i]);
		mrs_error err = {0};
		if (cli_default_paths(&o, &err))
			return cmd_error(&err);
		return batch_run(&o, batch);
	}
	if (i < argc)
		return cmd_run_once(&o, argc - i, argv + i);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		char *explore[] = {"explore", NULL};
		return cmd_run_once(&o, 1, explore);
	}
	usage(stderr);
	return EXIT_USAGE;
}
