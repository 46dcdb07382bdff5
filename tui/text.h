/* text.h: data made safe to show: one rule for every text the program prints or draws
 * (the explorer, the shell, --batch, the subcommands, error messages), and valid UTF-8
 * for every JSON document it prints or writes. */
#ifndef MRS_TEXT_H
#define MRS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where text goes: a terminal in a UTF-8 locale (the explorer: wcwidth decides what is
 * printable and how wide), one that is not (everything outside ASCII is '?'), or an
 * output stream (printable UTF-8 passes whatever the locale; a character wcwidth does not
 * know counts one column). */
enum { TEXT_UTF8 = 0, TEXT_ASCII, TEXT_STREAM };

/* How one character of data is shown. */
typedef struct text_char {
	size_t len;       /* bytes of the data it covers (at least 1) */
	const char *show; /* what is shown instead: the data's own bytes, " ", "?" or "" */
	size_t show_len;
	int width;        /* columns show takes */
} text_char;

/* The character at s (n >= 1 bytes left). Printable text shows as it is. A C0 control
 * (ESC, BEL, CR, TAB, ... but not NUL, which ends the string) becomes a space, so no
 * escape sequence reaches the terminal; DEL and zero-width characters (combining marks)
 * are dropped; C1 controls (U+0080..U+009F, which some terminals obey), bidirectional
 * overrides, bytes that are not valid UTF-8 (overlong forms and surrogates included) and
 * characters the mode cannot show become '?'. */
void text_char_at(const char *s, size_t n, int mode, text_char *c);

/* Columns s takes when shown (TEXT_UTF8). */
int text_width(const char *s);

/* A copy of s with every character as text_char_at shows it in mode; newlines are kept
 * when keep_newlines (the lines of an output). NULL when memory runs out. */
char *text_clean(const char *s, int mode, bool keep_newlines);
/* Writes s to f cleaned for a stream, newlines kept; text_printf formats first. Every
 * message and line of text the program prints goes through one of them. */
void text_fputs(const char *s, FILE *f);
void text_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s cleaned for a stream and cut to at most width columns, never inside a character:
 * when it is longer, the last column shows "~". With pad, spaces fill it to exactly
 * width columns (a column of a table). Returns buf. */
const char *text_cut(const char *s, int width, bool pad, char *buf, size_t size);

/* A copy of a JSON document (as cJSON prints it) that is valid UTF-8 and safe on a
 * terminal: each byte that is not part of valid UTF-8 becomes U+FFFD, and DEL and the C1
 * controls become \u escapes (the same characters: the data stays exact wherever it was
 * valid). cJSON already escapes the C0 controls, quotes and backslashes. NULL when memory
 * runs out. */
char *text_json(const char *json);
/* Prints j (pretty or on one line) through text_json, and a newline; -1 when memory runs
 * out (nothing printed). */
struct cJSON;
int text_json_print(const struct cJSON *j, bool pretty, FILE *f);

#endif
