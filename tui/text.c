/* text.c: data made safe to show: terminal text without control characters or broken
 * UTF-8, cut by columns; JSON documents that are valid UTF-8. */
#include <cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "minirecsys.h"
#include "text.h"

/* Bidirectional embeddings, overrides and isolates: they reorder what follows them. */
static bool is_bidi_control(long cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

void text_char_at(const char *s, size_t n, int mode, text_char *c)
{
	long cp;
	size_t len = mrs_utf8_decode((const unsigned char *)s, n, &cp);
	c->len = len ? len : 1;
	c->show = s, c->show_len = c->len, c->width = 1;
	if (!len || (cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp) ||
	    (mode == TEXT_ASCII && cp > 0x7e)) {
		c->show = "?", c->show_len = 1;
		return;
	}
	if (cp < 0x20) {
		c->show = " ", c->show_len = 1;
		return;
	}
	if (cp < 0x7f)
		return;
	if (cp == 0x7f) {
		c->show = "", c->show_len = 0, c->width = 0;
		return;
	}
	int w = wcwidth((wchar_t)cp);
	if (w < 0 && mode == TEXT_UTF8)
		c->show = "?", c->show_len = 1;
	else if (w == 0)
		c->show = "", c->show_len = 0, c->width = 0;
	else if (w > 0)
		c->width = w;
}

int text_width(const char *s)
{
	int w = 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		text_char c;
		text_char_at(s + i, n - i, TEXT_UTF8, &c);
		w += c.width;
		i += c.len;
	}
	return w;
}

char *text_clean(const char *s, int mode, bool keep_newlines)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out; /* nothing shown is longer than its data */
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		text_char c;
		if (keep_newlines && s[i] == '\n') {
			*o++ = '\n';
			i++;
			continue;
		}
		text_char_at(s + i, n - i, mode, &c);
		memcpy(o, c.show, c.show_len);
		o += c.show_len;
		i += c.len;
	}
	*o = '\0';
	return out;
}

void text_fputs(const char *s, FILE *f)
{
	char *clean = text_clean(s, TEXT_STREAM, true);
	fputs(clean ? clean : "", f);
	free(clean);
}

void text_printf(FILE *f, const char *fmt, ...)
{
	char *buf = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n >= 0)
		text_fputs(buf, f);
	free(buf);
}

const char *text_cut(const char *s, int width, bool pad, char *buf, size_t size)
{
	size_t n = strlen(s), o = 0;
	int cols = 0;
	for (size_t i = 0; i < n;) {
		text_char c;
		text_char_at(s + i, n - i, TEXT_STREAM, &c);
		/* the rest must fit, or the last column is kept for the "~" */
		bool last_fits = cols + c.width <= width &&
				 (i + c.len == n || cols + c.width < width);
		if (!last_fits || o + c.show_len + 2 > size) {
			if (cols < width && o + 2 <= size) {
				buf[o++] = '~';
				cols++;
			}
			break;
		}
		memcpy(buf + o, c.show, c.show_len);
		o += c.show_len;
		cols += c.width;
		i += c.len;
	}
	while (pad && cols < width && o + 2 <= size) {
		buf[o++] = ' ';
		cols++;
	}
	buf[o] = '\0';
	return buf;
}

char *text_json(const char *json)
{
	size_t n = strlen(json);
	char *out = malloc(6 * n + 1), *o = out; /* DEL grows most: 1 byte to 6 (\u007f) */
	if (!out)
		return NULL;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n;) {
		long cp;
		size_t len = mrs_utf8_decode((const unsigned char *)json + i, n - i, &cp);
		if (!len) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3, i++;
		} else if (cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[cp >> 4], o[5] = hex[cp & 15];
			o += 6, i += len;
		} else {
			memcpy(o, json + i, len);
			o += len, i += len;
		}
	}
	*o = '\0';
	return out;
}

int text_json_print(const cJSON *j, bool pretty, FILE *f)
{
	char *raw = j ? (pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j)) : NULL;
	char *safe = raw ? text_json(raw) : NULL;
	cJSON_free(raw);
	if (!safe)
		return -1;
	fputs(safe, f);
	fputc('\n', f);
	free(safe);
	return 0;
}
