/* fuzz_cmd_line.c: the command language end to end (cmd_run_line): the input's lines in a
 * fresh session over a 150-user world with models trained for it (or, when the first line
 * says so, a world without users or one without tweets: see pick_world).
 * Every command runs: users, timeline, stages, explain, set (any value: NaN, 1e999),
 * presets, what-if edits, eval, ... The session reports once as JSON lines and once as
 * the explorer's kept lines. A command must end with a status of 0, 1 or 2.
 *
 * Commands may write files (save, export): while a line runs, fopen and open for writing,
 * rename and unlink refuse every path outside this process's fuzz folder (the target links
 * with -Wl,--wrap=fopen,--wrap=open,--wrap=rename,--wrap=unlink), so a fuzzer's
 * `save config /etc/x` meets a permission error instead of the machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>

#include "cmd.h"
#include "fuzz.h"

FILE *__real_fopen(const char *path, const char *mode);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_rename(const char *from, const char *to);
int __real_unlink(const char *path);
FILE *__wrap_fopen(const char *path, const char *mode);
int __wrap_rename(const char *from, const char *to);
int __wrap_unlink(const char *path);

static bool sandboxed;

/* Inside the fuzz folder, without climbing out of it. */
static bool under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	return n && strncmp(path, dir, n) == 0 && path[n] == '/' && !strstr(path, "/..");
}

/* The fuzz folder, and the folder where libFuzzer keeps an input that crashed or timed
 * out (tests/fuzz/run.sh names it in MRS_FUZZ_ARTIFACTS): libFuzzer's own fopen goes
 * through the wrapper too. */
static bool allowed(const char *path)
{
	return under(path, fuzz_dir()) || under(path, getenv("MRS_FUZZ_ARTIFACTS"));
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	if (sandboxed && strpbrk(mode, "wa+") && !allowed(path)) {
		errno = EACCES;
		return NULL;
	}
	return __real_fopen(path, mode);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (sandboxed && (flags & (O_WRONLY | O_RDWR | O_CREAT)) && !allowed(path)) {
		errno = EACCES;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int __wrap_rename(const char *from, const char *to)
{
	if (sandboxed && (!allowed(from) || !allowed(to))) {
		errno = EACCES;
		return -1;
	}
	return __real_rename(from, to);
}

int __wrap_unlink(const char *path)
{
	if (sandboxed && !allowed(path)) {
		errno = EACCES;
		return -1;
	}
	return __real_unlink(path);
}

/* A dataset imported from text (written into the fuzz folder once); its path. */
static const char *imported(const char *name, const char *format, const char *a, const char *b)
{
	static char paths[2][600];
	char *path = paths[strcmp(format, "labels") == 0];
	if (path[0])
		return path;
	const char *files[2] = {fuzz_file(0, "a.txt", a, strlen(a)), NULL};
	if (b)
		files[1] = fuzz_file(1, "b.txt", b, strlen(b));
	mrs_error err = {0};
	mrs_dataset *ds = mrs_import(format, files, b ? 2 : 1, NULL, NULL, &err);
	snprintf(path, sizeof paths[0], "%s/%s", fuzz_dir(), name);
	if (!ds || mrs_store_write(path, ds, NULL, NULL, &err))
		fuzz_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
	mrs_dataset_free(ds);
	return path;
}

/* The world the first line asks for: "# world: empty" (a labels-only import: no users,
 * no tweets), "# world: lonely" (follows only: no tweets, no history), else the trained
 * 150-user world. */
static const char *pick_world(const char *text, const char **models)
{
	*models = "";
	if (strncmp(text, "# world: empty", 14) == 0)
		return imported("empty.db", "labels", "a text\nanother\n", "0\n1\n");
	if (strncmp(text, "# world: lonely", 15) == 0)
		return imported("lonely.db", "edges", "a b\nb a\nc d\n", NULL);
	return fuzz_trained_world(models);
}

static void run_lines(const char *text, int mode, FILE *devnull)
{
	const char *models;
	const char *data = pick_world(text, &models);
	cli_opts o = {.data = data, .models = models, .quiet = true};
	out sink;
	out_init(&sink, mode, devnull);
	session s;
	session_init(&s, &o, &sink, NULL);
	s.script = "fuzz";
	const char *line = text;
	for (int lineno = 1; line && !s.quit; lineno++) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *one = fuzz_cstr((const uint8_t *)line, len);
		/* a single command that does not split (an open quote) must fail */
		char **words = NULL, msg[256];
		int n_words = strpbrk(one, ";#") ? 0 : cmd_split(one, &words, msg, sizeof msg);
		cmd_free_words(n_words >= 0 ? words : NULL);
		sandboxed = true;
		int st = cmd_run_line(&s, one, lineno);
		sandboxed = false;
		FUZZ_CHECK(st == CMD_OK || st == CMD_FAIL || st == CMD_USAGE, "status %d", st);
		FUZZ_CHECK(st == CMD_OK || cmd_last_error()[0], "failed without a message: %s", one);
		FUZZ_CHECK(n_words >= 0 || st == CMD_USAGE, "'%s' does not split (%s) but ran", one,
			   msg);
		free(one);
		line = nl ? nl + 1 : NULL;
	}
	session_free(&s);
	out_free(&sink);
}

#ifndef MRS_FUZZ_REPLAY
/* The trained world is made before the first input, so that training (a minute of work
 * under ASan and coverage on a busy machine) does not count against that input's
 * -timeout. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *models;
	fuzz_trained_world(&models);
	return 0;
}
#endif

FUZZ_TARGET(cmd_line)
{
	static FILE *devnull;
	if (!devnull && !(devnull = __real_fopen("/dev/null", "w")))
		abort();
	char *text = fuzz_cstr(data, size);
	run_lines(text, OUT_JSON, devnull);
	run_lines(text, OUT_KEEP, devnull);
	free(text);
	return 0;
}
