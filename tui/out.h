/* out.h: where a command reports (the context): plain text, one JSON object per command,
 * lines kept for the explorer's pager and status line, or one JSON document. A command
 * fills a result; at its end the sink prints the result (JSON) or has the command's
 * renderer write it as text. Commands never choose the device. */
#ifndef MRS_OUT_H
#define MRS_OUT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdio.h>

enum {
	OUT_TEXT = 0, /* text for a human on f */
	OUT_JSON,     /* --batch --json: {"command", "line", "ok", "error", "result"} a line */
	OUT_KEEP,     /* the explorer: the text kept, line by line */
	OUT_DOC,      /* run once with --json: the result alone, one JSON document */
};

struct out;
/* A command's renderer: writes its result as text (out_printf and the like). */
typedef void (*out_render)(struct out *o, const cJSON *result);

typedef struct out {
	int mode;
	FILE *f;            /* OUT_TEXT, OUT_JSON and OUT_DOC */
	cJSON *result;      /* the running command's result object */
	out_render render;  /* the renderer of its result */
	char **lines;       /* OUT_KEEP: the text the command wrote, line by line */
	size_t n_lines, cap_lines;
	char *partial;      /* OUT_KEEP: text of an unfinished line */
	size_t partial_len;
} out;

void out_init(out *o, int mode, FILE *f);
void out_free(out *o);
/* Text for a human (renderers write with these): written in OUT_TEXT (cleaned by
 * text_fputs: control characters and broken UTF-8 in the data it quotes never reach the
 * terminal), kept in OUT_KEEP (the explorer draws it with the same rule), dropped in the
 * other modes. */
void out_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON document as text: cleaned to valid UTF-8 (text_json) and printed pretty, its
 * tabs kept. Ends with a newline. */
void out_json_doc(out *o, const cJSON *doc);
/* Paragraphs for a human (separated by blank lines in text), each line after indent: in
 * OUT_TEXT wrapped at blanks to width columns, in OUT_KEEP one line each (the explorer
 * wraps them to its own width). Ends with a newline. */
void out_wrap(out *o, const char *indent, const char *text, int width);
/* Is the text drawn by the explorer (OUT_KEEP), which shows some results on screens of its
 * own? */
bool out_on_screen(const out *o);
/* Starts one command: a new, empty result, which render will show as text. */
void out_begin(out *o, out_render render);
/* The running command's result object. */
cJSON *out_result(out *o);
/* Another renderer for the running command's result (a command that ran another in its
 * place: pager COMMAND, nudge). */
void out_set_render(out *o, out_render render);
/* Ends one command: its result as text (OUT_TEXT, OUT_KEEP: through the renderer), as one
 * JSON object with {"command", "line", "ok", "error", "result"} (OUT_JSON) or alone
 * (OUT_DOC). A failed command's result is dropped unless show_failed. */
void out_end(out *o, const char *command, int line, int status, const char *error,
	     bool show_failed);
/* OUT_KEEP: drops the kept lines. */
void out_clear(out *o);

#endif
