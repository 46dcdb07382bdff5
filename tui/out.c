/* out.c: the output sink commands report to. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "text.h"

void out_init(out *o, int mode, FILE *f)
{
	memset(o, 0, sizeof *o);
	o->mode = mode;
	o->f = f;
}

void out_clear(out *o)
{
	for (size_t i = 0; i < o->n_lines; i++)
		free(o->lines[i]);
	o->n_lines = 0;
	free(o->partial);
	o->partial = NULL;
	o->partial_len = 0;
}

void out_free(out *o)
{
	out_clear(o);
	free(o->lines);
	cJSON_Delete(o->result);
	memset(o, 0, sizeof *o);
}

static void keep_line(out *o, const char *s, size_t n)
{
	if (o->n_lines == o->cap_lines) {
		size_t cap = o->cap_lines ? o->cap_lines * 2 : 64;
		char **l = realloc(o->lines, cap * sizeof *l);
		if (!l)
			return;
		o->lines = l;
		o->cap_lines = cap;
	}
	char *line = malloc(o->partial_len + n + 1);
	if (!line)
		return;
	if (o->partial_len)
		memcpy(line, o->partial, o->partial_len);
	memcpy(line + o->partial_len, s, n);
	line[o->partial_len + n] = '\0';
	free(o->partial);
	o->partial = NULL;
	o->partial_len = 0;
	o->lines[o->n_lines++] = line;
}

/* OUT_KEEP: adds text to the kept lines. */
static void keep_text(out *o, const char *buf)
{
	const char *p = buf;
	for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1)
		keep_line(o, p, (size_t)(nl - p));
	size_t rest = strlen(p);
	if (rest) {
		char *np = realloc(o->partial, o->partial_len + rest + 1);
		if (np) {
			memcpy(np + o->partial_len, p, rest + 1);
			o->partial = np;
			o->partial_len += rest;
		}
	}
}

/* Does the mode show text? */
static bool shows_text(const out *o)
{
	return o->mode == OUT_TEXT || o->mode == OUT_KEEP;
}

bool out_on_screen(const out *o)
{
	return o->mode == OUT_KEEP;
}

void out_printf(out *o, const char *fmt, ...)
{
	if (!shows_text(o))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *buf = NULL;
	int n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (o->mode == OUT_TEXT) { /* data in the text (handles, tweets) may hold escapes */
		text_fputs(buf, o->f);
		free(buf);
		return;
	}
	keep_text(o, buf);
	free(buf);
}

void out_json_doc(out *o, const cJSON *doc)
{
	if (!shows_text(o))
		return;
	char *text = cJSON_Print(doc);
	char *safe = text ? text_json(text) : NULL;
	cJSON_free(text);
	if (!safe)
		return;
	if (o->mode == OUT_TEXT) {
		fputs(safe, o->f); /* tabs kept: text_json made it safe */
		fputc('\n', o->f);
	} else {
		keep_text(o, safe);
		keep_text(o, "\n");
	}
	free(safe);
}

/* Display columns of the n bytes at s (UTF-8: continuation bytes take none). */
static int columns(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* One paragraph (no newlines in it) wrapped at blanks; a word longer than the line
 * stands alone. */
static void wrap_paragraph(out *o, const char *indent, const char *p, size_t len, int width)
{
	int room = width - columns(indent, strlen(indent)), used = 0;
	out_printf(o, "%s", indent);
	for (size_t i = 0; i < len;) {
		while (i < len && p[i] == ' ')
			i++;
		size_t w = i;
		while (w < len && p[w] != ' ')
			w++;
		if (w == i)
			break;
		int cols = columns(p + i, w - i);
		if (used && used + 1 + cols > room) {
			out_printf(o, "\n%s", indent);
			used = 0;
		}
		out_printf(o, "%s%.*s", used ? " " : "", (int)(w - i), p + i);
		used += (used ? 1 : 0) + cols;
		i = w;
	}
	out_printf(o, "\n");
}

void out_wrap(out *o, const char *indent, const char *text, int width)
{
	if (!shows_text(o))
		return;
	for (const char *p = text;;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!len)
			out_printf(o, "\n");
		else if (o->mode == OUT_TEXT)
			wrap_paragraph(o, indent, p, len, width);
		else
			out_printf(o, "%s%.*s\n", indent, (int)len, p);
		if (!end)
			break;
		p = end + 1;
	}
}

void out_begin(out *o, out_render render)
{
	cJSON_Delete(o->result);
	o->result = cJSON_CreateObject();
	o->render = render;
}

cJSON *out_result(out *o)
{
	if (!o->result)
		o->result = cJSON_CreateObject();
	return o->result;
}

void out_set_render(out *o, out_render render)
{
	o->render = render;
}

/* Prints obj on one line through text_json. */
static void print_line(out *o, const cJSON *obj)
{
	if (text_json_print(obj, false, o->f))
		fputs("{}\n", o->f);
}

void out_end(out *o, const char *command, int line, int status, const char *error,
	     bool show_failed)
{
	/* a failed command's result, when it is shown, is what it found before failing */
	if (status != 0 && (!show_failed || (o->result && !o->result->child))) {
		cJSON_Delete(o->result);
		o->result = NULL;
	}
	if (shows_text(o) && o->result && o->render)
		o->render(o, o->result);
	if (o->mode == OUT_KEEP && o->partial_len)
		keep_line(o, "", 0);
	if (o->mode == OUT_JSON) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddStringToObject(obj, "command", command ? command : "");
		if (line > 0)
			cJSON_AddNumberToObject(obj, "line", line);
		cJSON_AddBoolToObject(obj, "ok", status == 0);
		if (error)
			cJSON_AddStringToObject(obj, "error", error);
		if (o->result && o->result->child) { /* an empty result is left out */
			cJSON_AddItemToObject(obj, "result", o->result);
			o->result = NULL;
		}
		print_line(o, obj);
		cJSON_Delete(obj);
	} else if (o->mode == OUT_DOC && o->result && text_json_print(o->result, true, o->f)) {
		fputs("{}\n", o->f);
	}
	cJSON_Delete(o->result);
	o->result = NULL;
	o->render = NULL;
	if (o->f)
		fflush(o->f);
}
