/* cmd.h: the command language and its one table. The explorer's `:` line and key
 * bindings, the readline shell, --batch and `minirecsys COMMAND ...` (the language run
 * once) all read it. One command, one file (cmd-*.c) exporting a cmd_entry: its name,
 * its arguments and options (types, ranges, defaults, help), where it can run, what it
 * does (exec, which fills a result) and how the result reads as text. The result is a
 * cJSON tree: the JSON sink prints it as it is, the text renderer reads it (result.h). */
#ifndef MRS_CMD_H
#define MRS_CMD_H

#include "result.h"
#include "session.h"

/* A command's status, and the program's exit status (minirecsys(1), EXIT STATUS). */
enum { CMD_OK = 0, CMD_FAIL = 1, CMD_USAGE = 2 };

/* ---------------------------------------------------------------- the table */

/* What a value may be. */
typedef enum cmd_type {
	CMD_FLAG = 0, /* an option without a value */
	CMD_WORD,     /* any word */
	CMD_UINT,     /* a whole number in [lo, hi] */
	CMD_REAL,     /* a number in [min, max) */
	CMD_CHOICE,   /* one of choices */
} cmd_type;

/* Flags of an argument. */
enum {
	CMD_OPTIONAL = 1 << 0, /* a positional that may be left out */
	CMD_REST = 1 << 1,     /* a positional that takes every positional word left */
	CMD_RAW = 1 << 2,      /* with CMD_REST: the words from the first on are taken as they
				* are, options included (another command's words) */
	CMD_REQUIRED = 1 << 3, /* an option that must be given */
	CMD_PAIR = 1 << 4,     /* an option that takes two words (--train TEXT LABELS) */
	CMD_REPEAT = 1 << 5,   /* an option that may be given again (--set A=1 --set B=2):
				* cmd_value.all holds every word given, in order */
};

/* A positional argument (name in capitals: "USER") or an option ("--users"). Positionals
 * come first in a command's list, in order; options follow. */
typedef struct cmd_arg {
	const char *name;
	const char *alias;     /* an option's other name ("-o" for "--output"), or NULL */
	cmd_type type;
	unsigned flags;
	const char *value;     /* how usage shows the value ("N", "TEXT LABELS"); NULL: the
				* choices, or a positional's name */
	const char *what;      /* what a choice names, for errors: "unknown WHAT 'x' (a or b)";
				* NULL: "NAME: 'x' is not a or b" */
	uint64_t lo, hi;       /* CMD_UINT */
	double min, max;       /* CMD_REAL */
	const char *const *choices; /* CMD_CHOICE, NULL-terminated */
	const char *def;       /* the default, a word the parser reads as if given; NULL: none
				* (the command's own rule, which help says) */
	const char *help;
} cmd_arg;

#define CMD_MAX_ARGS 24

/* Where a command runs. */
enum {
	CMD_SESSION = 1 << 0,  /* a session: --batch, the shell, the explorer's `:` line */
	CMD_ONCE = 1 << 1,     /* once, from the command line: minirecsys NAME ... */
	CMD_EXPLORER = 1 << 2, /* the explorer alone (its screens, cursor, pager) */
	CMD_REPORT_FAILED = 1 << 3, /* the result is shown even when the command fails (info:
				     * where it looked for the dataset) */
};
#define CMD_ANYWHERE (CMD_SESSION | CMD_ONCE)

typedef struct cmd_args cmd_args;

/* Fills the result res (an object the runner made; the sink owns it) or fails: returns 0,
 * or -1 with err, whose code gives the status (cmd_status). */
typedef int (*cmd_exec_fn)(session *s, const cmd_args *a, cJSON *res, mrs_error *err);
/* A front end (the shell, the explorer), started once from the command line with the
 * program's options: it runs the language itself, reports its own errors and returns the
 * exit status. */
typedef int (*cmd_start_fn)(const cli_opts *o, const cmd_args *a);

typedef struct cmd_entry {
	const char *name;
	const char *alias;     /* or NULL */
	const char *help;      /* one line */
	const cmd_arg *args;   /* ends with {NULL} */
	unsigned where;
	cmd_exec_fn exec;      /* NULL for a front end */
	out_render text;       /* the result as text, or NULL: it prints nothing */
	cmd_start_fn start;    /* a front end's, else NULL */
} cmd_entry;

/* All commands, NULL-terminated, in help order. */
extern const cmd_entry *const cmd_table[];
/* By name or alias; NULL when there is none. */
const cmd_entry *cmd_find(const char *name);
/* "eval [--users N] [--k K] ...": the command's usage from its arguments; brief: its
 * positionals and "[OPTIONS]" for the options that may be left out ("eval [OPTIONS]"). */
const char *cmd_usage(const cmd_entry *c, bool brief, char *buf, size_t size);
/* Is the command an entry the explorer alone can run? */
bool cmd_explorer_only(const cmd_entry *c);
/* Fails (MRS_ERR_USAGE) with "usage: NAME ARGS" (once: "usage: minirecsys NAME ARGS"):
 * for a command whose words are right for the parser but not for what it must do. */
int cmd_usage_error(const cmd_entry *c, bool once, mrs_error *err);

/* ---------------------------------------------------------------- parsing */

/* One argument's value after parsing. */
typedef struct cmd_value {
	bool given;         /* on the command line */
	bool set;           /* given, or by its default */
	const char *word;   /* the word (CMD_PAIR: the first of two) */
	const char *word2;  /* CMD_PAIR: the second */
	uint64_t u;         /* CMD_UINT; CMD_FLAG: 1 when given */
	double d;           /* CMD_REAL */
	int choice;         /* CMD_CHOICE: the index into choices */
	const char **all;   /* CMD_REPEAT: every word given, in order (word: the last) */
	int n_all;
} cmd_value;

struct cmd_args {
	const cmd_entry *entry;
	cmd_value v[CMD_MAX_ARGS]; /* one per entry->args, in their order */
	char **rest;        /* the words of a CMD_REST positional (NULL-terminated) */
	int n_rest;
	bool help;          /* run once: --help or -h among the words */
};

/* Parses the words after argv[0] (the command's name) by c's arguments: options anywhere
 * among positionals until "--", a word "-" or "-" and a digit is positional. Run once
 * (globals not NULL), the program's global options (--data, --models, --json, -q, --echo,
 * --help) may be among the words and fill globals; in a session they are refused. Fails
 * with MRS_ERR_USAGE, naming the word at fault. Words are borrowed for a's lifetime; free
 * a with cmd_args_free. */
int cmd_parse(const cmd_entry *c, int argc, char **argv, cmd_args *a, cli_opts *globals,
	      mrs_error *err);
void cmd_args_free(cmd_args *a);
/* The program's global options (--data DB, --models DIR, --json, -q, --echo, --help): when
 * argv[*i] is one, reads it (and its value, *i then past it) into o (--help: *help) and
 * returns 1; 0 for another word; -1 with err when its value is missing. */
int cmd_global_option(int argc, char **argv, int *i, cli_opts *o, bool *help,
		      mrs_error *err);

/* The value of the argument called name (never NULL: an unknown name reads as unset). */
const cmd_value *cmd_value_of(const cmd_args *a, const char *name);
bool cmd_given(const cmd_args *a, const char *name);
/* The word, or NULL when the argument is not set. */
const char *cmd_word(const cmd_args *a, const char *name);
uint64_t cmd_uint(const cmd_args *a, const char *name);
double cmd_real(const cmd_args *a, const char *name);
bool cmd_flag(const cmd_args *a, const char *name);
/* The choice's index, -1 when not set. */
int cmd_choice(const cmd_args *a, const char *name);

/* ---------------------------------------------------------------- running */

/* The language's one tokenizer: reads the words of the next command of *line, which it
 * advances past them. Blanks separate words, '...' and "..." quote (with \ escapes in
 * double quotes), an unquoted ';' ends the command, and # at the start of a word starts a
 * comment to the end of the line. Returns the word count (0 for an empty command; *line
 * at its end once the line is read), or -1 with a message (an open quote). */
int cmd_split_next(const char **line, char ***argv_out, char *msg, size_t msg_size);
/* The words of line's first command (cmd_split_next once). */
int cmd_split(const char *line, char ***argv_out, char *msg, size_t msg_size);
void cmd_free_words(char **argv);

/* Runs one line (which may hold several commands separated by ';') in a session, each
 * reporting to the session's sink. lineno > 0 names the script line in errors. Returns
 * the worst status of its commands. */
int cmd_run_line(session *s, const char *line, int lineno);
/* Runs another command given as words (argv[0] its name) inside a running one (pager
 * COMMAND, nudge): into the same result res, which the inner command's renderer shows. */
int cmd_run_argv(session *s, int argc, char **argv, cJSON *res, mrs_error *err);
/* The command language run once: `minirecsys NAME ARGS...` (argv[0] the name), with the
 * global options o (more may follow the name), in a session of its own: progress on
 * stderr (unless -q), the result on stdout (text, or with --json the result as one JSON
 * document), errors on stderr. Returns the exit status. */
int cmd_run_once(const cli_opts *o, int argc, char **argv);
/* The error of the last command that failed in the last line run, "" when every
 * command of it succeeded: for status lines. */
const char *cmd_last_error(void);

/* The one rule from an error to a status (minirecsys(1), EXIT STATUS): CMD_USAGE (2) for
 * a usage or data error (MRS_ERR_USAGE: the words of the command are wrong; MRS_ERR_IO,
 * _DATA, _MODEL: a file cannot be read or written, or holds the wrong thing), CMD_FAIL
 * (1) for a command that failed (MRS_ERR_REFUSED: what it names does not exist, or there
 * is nothing to act on; out of memory, cancelled, busy). */
int cmd_status(const mrs_error *err);
/* Prints "minirecsys: MESSAGE" on stderr and returns cmd_status(err): for errors outside
 * a command (the program's options, a script that cannot be opened). */
int cmd_error(const mrs_error *err);

/* Fails (MRS_ERR_REFUSED) with "no user chosen" unless a request has run. */
int cmd_need_user(session *s, mrs_error *err);

/* Writes a JSON document (taken; NULL: out of memory) to path with mrs_file_write_text;
 * the path "-" means the command's own output: the document goes into res under key (the
 * text renderer prints it, the JSON sink keeps it in the result). */
int cmd_write(const char *path, cJSON *doc, cJSON *res, const char *key, mrs_error *err);
/* What `help NAME` prints about c (minirecsys NAME --help). */
void cmd_help_print(const cmd_entry *c, FILE *f);

/* Helpers shared by commands that print candidates and timelines. */
const char *fmt_time(int64_t t, char *buf, size_t size);
const char *fmt_age(int64_t now, int64_t t, char *buf, size_t size);
/* Copies s into buf cleaned of control characters and broken UTF-8 (text_cut) and cut to
 * at most width columns, never inside a character, ending in "~" when cut. fmt_col also
 * pads it with spaces to exactly width columns: printf's %-14s pads by bytes, which
 * misaligns a column holding multi-byte characters. */
const char *fmt_cut(const char *s, int width, char *buf, size_t size);
const char *fmt_col(const char *s, int width, char *buf, size_t size);
const char *fmt_sources(unsigned mask, char *buf, size_t size);

#endif
