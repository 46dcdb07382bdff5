/* draw-virtual.c: the virtual screen: a grid of cells in memory that the screen tests
 * draw on and dump as text (styles are kept per cell but not dumped). */
#include <stdlib.h>
#include <string.h>

#include "draw.h"

typedef struct cell {
	char ch[5];   /* one character as UTF-8; "" for the right half of a wide one */
	unsigned char style;
} cell;

typedef struct grid {
	cell *cells;
} grid;

static void cells_blank(cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c[i].ch[0] = ' ';
		c[i].ch[1] = '\0';
		c[i].style = ST_NORMAL;
	}
}

static void virt_text(surface *sf, int y, int x, const char *s, size_t len, int cols,
		      draw_style st)
{
	grid *g = sf->impl;
	cell *row = g->cells + (size_t)y * sf->cols;
	size_t i = 0;
	(void)cols;
	while (i < len && x < sf->cols) {
		const unsigned char u = (unsigned char)s[i];
		size_t n = u < 0x80 ? 1 : (u & 0xe0) == 0xc0 ? 2 : (u & 0xf0) == 0xe0 ? 3 : 4;
		if (i + n > len)
			n = len - i;
		memcpy(row[x].ch, s + i, n);
		row[x].ch[n] = '\0';
		row[x].style = (unsigned char)st;
		/* a wide character covers the next cell too */
		int w = draw_width(row[x].ch);
		if (w == 2 && x + 1 < sf->cols) {
			row[x + 1].ch[0] = '\0';
			row[x + 1].style = (unsigned char)st;
		}
		x += w > 0 ? w : 1;
		i += n;
	}
}

static void virt_clear(surface *sf)
{
	grid *g = sf->impl;
	cells_blank(g->cells, (size_t)sf->rows * sf->cols);
}

static void virt_flush(surface *sf, int cur_y, int cur_x)
{
	(void)sf, (void)cur_y, (void)cur_x;
}

static const surface_ops virt_ops = {virt_text, virt_clear, virt_flush};

surface *draw_virtual_new(int rows, int cols, bool unicode)
{
	surface *sf = calloc(1, sizeof *sf);
	grid *g = calloc(1, sizeof *g);
	if (!sf || !g) {
		free(sf);
		free(g);
		return NULL;
	}
	sf->ops = &virt_ops;
	sf->unicode = unicode;
	sf->impl = g;
	draw_virtual_resize(sf, rows, cols);
	if (!g->cells) {
		draw_virtual_free(sf);
		return NULL;
	}
	return sf;
}

void draw_virtual_resize(surface *sf, int rows, int cols)
{
	grid *g = sf->impl;
	rows = rows < 1 ? 1 : rows;
	cols = cols < 1 ? 1 : cols;
	cell *c = calloc((size_t)rows * cols, sizeof *c);
	if (!c)
		return; /* keep the old grid */
	free(g->cells);
	g->cells = c;
	sf->rows = rows;
	sf->cols = cols;
	cells_blank(c, (size_t)rows * cols);
}

void draw_virtual_free(surface *sf)
{
	if (!sf)
		return;
	grid *g = sf->impl;
	if (g)
		free(g->cells);
	free(g);
	free(sf);
}

void draw_virtual_dump(const surface *sf, FILE *f)
{
	const grid *g = sf->impl;
	for (int y = 0; y < sf->rows; y++) {
		const cell *row = g->cells + (size_t)y * sf->cols;
		int end = sf->cols;
		while (end > 0 && strcmp(row[end - 1].ch, " ") == 0)
			end--;
		for (int x = 0; x < end; x++)
			fputs(row[x].ch, f);
		fputc('\n', f);
	}
}
