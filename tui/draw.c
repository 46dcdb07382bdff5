/* draw.c: text, cells, bars and sparklines on any surface: measuring and clipping UTF-8
 * here, so that the back ends only place runs of text that already fit. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "text.h"

int draw_width(const char *s)
{
	return text_width(s);
}

size_t draw_fit(const char *s, int cols)
{
	size_t n = strlen(s), i = 0;
	int used = 0;
	while (i < n) {
		text_char c;
		text_char_at(s + i, n - i, TEXT_UTF8, &c);
		if (used + c.width > cols && i > 0)
			break;
		used += c.width;
		i += c.len;
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
		text_char c;
		text_char_at(s + i, n - i, sf->unicode ? TEXT_UTF8 : TEXT_ASCII, &c);
		if (!c.show_len) {
			i += c.len; /* DEL, combining marks and the like: dropped */
			continue;
		}
		if (used + c.width > maxw)
			break;
		if (rl + c.show_len >= sizeof run) {
			sf->ops->text(sf, y, start, run, rl, used - (start - x), st);
			start = x + used;
			rl = 0;
		}
		memcpy(run + rl, c.show, c.show_len);
		rl += c.show_len;
		used += c.width;
		i += c.len;
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
			text_char c;
			text_char_at(s + take, n - take, TEXT_UTF8, &c);
			int cw = c.width < 1 ? 1 : c.width;
			if (cols + cw > w)
				break;
			if (s[take] == ' ')
				last_space = take;
			cols += cw;
			take += c.len;
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
