/* draw.c: text, cells, bars and sparklines on any surface: measuring and clipping UTF-8
 * here, so that the back ends only place runs of text that already fit. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length (1 for a bad byte,
 * with *cp = -1). */
static size_t utf8_next(const char *s, size_t n, long *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = u[0] < 0x80 ? 1 : (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3
				   : (u[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n) {
		*cp = -1;
		return 1;
	}
	long c = len == 1 ? u[0] : u[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = c << 6 | (u[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* Columns a code point takes: 1 for ASCII, wcwidth() otherwise, -1 if not printable. */
static int cp_width(long cp)
{
	if (cp < 0)
		return -1;
	if (cp < 0x20 || cp == 0x7f)
		return 0; /* a control character: shown as a space by the caller */
	if (cp < 0x7f)
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w;
}

int draw_width(const char *s)
{
	int w = 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		long cp;
		i += utf8_next(s + i, n - i, &cp);
		int cw = cp_width(cp);
		w += cw < 0 || (cp >= 0 && cp < 0x20) ? 1 : cw;
	}
	return w;
}

size_t draw_fit(const char *s, int cols)
{
	size_t n = strlen(s), i = 0;
	int used = 0;
	while (i < n) {
		long cp;
		size_t len = utf8_next(s + i, n - i, &cp);
		int cw = cp_width(cp);
		cw = cw < 0 || (cp >= 0 && cp < 0x20) ? 1 : cw;
		if (used + cw > cols && i > 0)
			break;
		used += cw;
		i += len;
	}
	return i;
}

size_t draw_fit_words(const char *s, int cols)
{
	size_t fit = draw_fit(s, cols);
	if (!s[fit] || s[fit] == ' ')
		return fit;
	size_t cut = fit;
	while (cut > 0 && s[cut] != ' ')
		cut--;
	return cut ? cut : fit;
}

int draw_text(surface *sf, int y, int x, int maxw, draw_style st, const char *s)
{
	if (!s || y < 0 || y >= sf->rows || x >= sf->cols || maxw <= 0)
		return 0;
	if (x < 0) {
		maxw += x;
		x = 0;
	}
	if (maxw > sf->cols - x)
		maxw = sf->cols - x;
	/* build the visible run: copy printable text, replace what cannot be shown */
	char run[1024];
	size_t rl = 0, n = strlen(s);
	int used = 0, start = x;
	for (size_t i = 0; i < n && used < maxw;) {
		long cp;
		size_t len = utf8_next(s + i, n - i, &cp);
		int cw = cp_width(cp);
		const char *bytes = s + i;
		size_t nb = len;
		if (cp >= 0 && cp < 0x20) {
			bytes = " ", nb = 1, cw = 1;
		} else if (cw < 0 || (!sf->unicode && cp > 0x7e)) {
			bytes = "?", nb = 1, cw = 1;
		} else if (cw == 0) {
			i += len; /* combining marks and the like: dropped */
			continue;
		}
		if (used + cw > maxw)
			break;
		if (rl + nb >= sizeof run) {
			sf->ops->text(sf, y, start, run, rl, used - (start - x), st);
			start = x + used;
			rl = 0;
		}
		memcpy(run + rl, bytes, nb);
		rl += nb;
		used += cw;
		i += len;
	}
	if (rl)
		sf->ops->text(sf, y, start, run, rl, used - (start - x), st);
	return used;
}

int draw_printf(surface *sf, int y, int x, int maxw, draw_style st, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(sf, y, x, maxw, st, buf);
}

void draw_fill(surface *sf, int y, int x, int n, draw_style st)
{
	static const char spaces[] = "                                                                ";
	while (n > 0) {
		int k = n < 64 ? n : 64;
		int used = draw_text(sf, y, x, k, st, spaces + 64 - k);
		if (used <= 0)
			return;
		x += used;
		n -= used;
	}
}

void draw_cell(surface *sf, int y, int x, int w, draw_style st, const char *s)
{
	int used = draw_text(sf, y, x, w, st, s);
	draw_fill(sf, y, x + used, w - used, st);
}

void draw_bar(surface *sf, int y, int x, int width, double v, double max, draw_style st)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	if (width <= 0 || !(max > 0) || !isfinite(v) || v <= 0)
		return;
	double frac = v >= max ? 1.0 : v / max;
	int units = (int)lround(frac * width * (sf->unicode ? 8 : 1));
	int full = sf->unicode ? units / 8 : units;
	for (int i = 0; i < full; i++)
		draw_text(sf, y, x + i, 1, st, sf->unicode ? "█" : "#");
	if (sf->unicode && units % 8 && full < width)
		draw_text(sf, y, x + full, 1, st, eighths[units % 8]);
}

void draw_spark(surface *sf, int y, int x, int width, const double *v, int n, draw_style st)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char ascii[] = "_.-:=+*#";
	if (n <= 0 || width <= 0)
		return;
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	/* more values than columns: show the last `width` */
	int first = n > width ? n - width : 0;
	for (int i = first; i < n; i++) {
		int level = 0;
		if (isfinite(v[i]) && hi > lo)
			level = (int)lround((v[i] - lo) / (hi - lo) * 7);
		else if (isfinite(v[i]))
			level = 3;
		char a[2] = {ascii[level], '\0'};
		draw_text(sf, y, x + (i - first), 1, st, sf->unicode ? blocks[level] : a);
	}
}

void draw_rule(surface *sf, int y, int x, int w, draw_style st, const char *title)
{
	const char *h = sf->unicode ? "─" : "-";
	int used = 0;
	if (title && *title) {
		used += draw_text(sf, y, x, w, st, sf->unicode ? "── " : "-- ");
		used += draw_text(sf, y, x + used, w - used, st, title);
		used += draw_text(sf, y, x + used, w - used, st, " ");
	}
	for (; used < w; used++)
		draw_text(sf, y, x + used, 1, st, h);
}

int draw_wrapped(surface *sf, int y, int x, int w, int max_lines, draw_style st, const char *s)
{
	int lines = 0;
	char buf[1024];
	while (*s && lines < max_lines && w > 0) {
		while (*s == ' ')
			s++;
		/* take as many whole words as fit in w columns */
		size_t take = 0, last_space = 0, n = strlen(s);
		int cols = 0;
		while (take < n) {
			long cp;
			size_t len = utf8_next(s + take, n - take, &cp);
			int cw = cp_width(cp);
			cw = cw < 1 ? 1 : cw;
			if (cols + cw > w)
				break;
			if (s[take] == ' ')
				last_space = take;
			cols += cw;
			take += len;
		}
		if (take < n && last_space > 0)
			take = last_space;
		if (take == 0)
			break;
		size_t k = take < sizeof buf - 2 ? take : sizeof buf - 2;
		memcpy(buf, s, k);
		buf[k] = '\0';
		int used = draw_text(sf, y + lines, x, w, st, buf);
		/* the last line allowed, with text left over: say so */
		if (lines + 1 == max_lines && s[take + strspn(s + take, " ")])
			draw_text(sf, y + lines, x + (used < w ? used : w - 1), 1, st, "~");
		lines++;
		s += take;
	}
	return lines;
}
