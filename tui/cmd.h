/* cmd.h: the command language shared by the explorer's `:` line, the readline shell and
 * --batch. One command, one file (cmd-*.c); key bindings are command strings too. */
#ifndef MRS_CMD_H
#define MRS_CMD_H

#include "session.h"

/* What a command returns; also the batch exit status it maps to. */
enum { CMD_OK = 0, CMD_FAIL = 1, CMD_USAGE = 2 };

typedef struct cmd_entry {
	const char *name;
	const char *alias;  /* or NULL */
	const char *args;   /* usage after the name, e.g. "USER" */
	const char *help;   /* one line */
	int min_args, max_args; /* positional arguments after the name; -1: any number */
	int (*exec)(session *s, int argc, char **argv, mrs_error *err);
} cmd_entry;

/* All commands, NULL-terminated, in help order. */
extern const cmd_entry *const cmd_table[];
const cmd_entry *cmd_find(const char *name);

/* Splits a line into words: blanks separate, '...' and "..." quote (with \ escapes in
 * double quotes), # starts a comment. Returns the word count, or -1 with a message. */
int cmd_split(const char *line, char ***argv_out, char *msg, size_t msg_size);
void cmd_free_words(char **argv);

/* Runs one line (which may hold several commands separated by ';'). lineno > 0 names
 * the script line in errors. Returns the worst status of its commands. */
int cmd_run_line(session *s, const char *line, int lineno);
/* Runs one command given as words (argv[0] is its name) inside another command's
 * execution, checking its argument count; output goes to the running command's sink. */
int cmd_run_argv(session *s, int argc, char **argv, mrs_error *err);
/* The error of the last command that failed in the last line run, "" when every
 * command of it succeeded: for status lines. */
const char *cmd_last_error(void);

/* The status for a failed library call: data and file problems are CMD_USAGE (exit 2),
 * the rest CMD_FAIL. */
int cmd_status(const mrs_error *err);
/* Fails with "no user chosen" unless a request has run. */
int cmd_need_user(session *s, mrs_error *err);

/* Parses an option value inside a command (--users N): -1 and an error when bad. */
int cmd_u32(const char *name, const char *text, uint32_t lo, uint32_t hi, uint32_t *res,
	    mrs_error *err);

/* Writes a JSON document (text) to path with mrs_file_write_text. The path "-" means the
 * command's own output: the text itself (on standard output, or in the explorer's pager),
 * and in JSON mode the document under `key` in the command's result. */
int cmd_write(session *s, const char *path, const char *text, const char *key, mrs_error *err);

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
