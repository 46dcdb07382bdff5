/* out.h: where a command reports: plain text, one JSON object per command, or lines kept
 * for the explorer's pager and status line. Commands never choose the device. */
#ifndef MRS_OUT_H
#define MRS_OUT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdio.h>

enum { OUT_TEXT = 0, OUT_JSON, OUT_KEEP };

typedef struct out {
	int mode;
	FILE *f;            /* OUT_TEXT and OUT_JSON */
	cJSON *result;      /* the running command's result object */
	char **lines;       /* OUT_KEEP: the text the command wrote, line by line */
	size_t n_lines, cap_lines;
	char *partial;      /* OUT_KEEP: text of an unfinished line */
	size_t partial_len;
} out;

void out_init(out *o, int mode, FILE *f);
void out_free(out *o);
/* Text for a human: written in OUT_TEXT (cleaned by text_fputs: control characters and
 * broken UTF-8 in the data it quotes never reach the terminal), kept in OUT_KEEP (the
 * explorer draws it with the same rule), dropped in OUT_JSON. */
void out_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON document already made safe (text_json), written as it is in OUT_TEXT (its tabs
 * kept) and kept in OUT_KEEP; dropped in OUT_JSON. Ends with a newline. */
void out_json_text(out *o, const char *json);
/* Paragraphs for a human (separated by blank lines in text), each line after indent: in
 * OUT_TEXT wrapped at blanks to width columns, in OUT_KEEP one line each (the explorer
 * wraps them to its own width), dropped in OUT_JSON. Ends with a newline. */
void out_wrap(out *o, const char *indent, const char *text, int width);
/* The JSON result object of the running command (created on first use). */
cJSON *out_json(out *o);
/* Starts and ends one command: in OUT_JSON, prints {"command", "line", "ok", "error",
 * "result"} as one line. */
void out_begin(out *o);
void out_end(out *o, const char *command, int line, int status, const char *error);
/* OUT_KEEP: drops the kept lines. */
void out_clear(out *o);

#endif
