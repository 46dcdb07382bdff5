/* draw.h: the explorer's drawing layer: screens draw text in named styles onto a surface,
 * which is either the terminal (ncurses) or an in-memory grid (the virtual screen that
 * the screen tests dump and compare). Nothing else in the explorer calls ncurses to draw. */
#ifndef MRS_DRAW_H
#define MRS_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Styles say what a piece of text is; each back end decides how it looks (colours, or
 * bold / reverse / underline on a terminal without colours, or nothing in a dump). */
typedef enum draw_style {
	ST_NORMAL = 0,
	ST_DIM,      /* less important: zero counts, hints */
	ST_BOLD,     /* emphasis */
	ST_TITLE,    /* the tab bar */
	ST_TAB,      /* the current tab */
	ST_HEADER,   /* column headers, pane titles */
	ST_CURSOR,   /* the row under the cursor */
	ST_STATUS,   /* the status bar */
	ST_ERROR,    /* an error message */
	ST_KEY,      /* a key name in help and hints */
	ST_BAR,      /* a bar, a positive contribution */
	ST_NEG,      /* a negative contribution, a penalty, a drop */
	ST_UP,       /* moved up in rank */
	ST_DOWN,     /* moved down in rank */
	ST_NEW,      /* entered the timeline */
	ST_PROMPT,   /* the command line */
	ST_N
} draw_style;

typedef struct surface surface;

/* What a back end provides. Coordinates are 0-based (row y, column x); text arrives
 * already clipped to the surface and measured in columns. */
typedef struct surface_ops {
	/* Writes `len` bytes of UTF-8 (or ASCII) text covering `cols` columns at (y, x). */
	void (*text)(surface *sf, int y, int x, const char *s, size_t len, int cols,
		     draw_style st);
	/* Blanks the whole surface. */
	void (*clear)(surface *sf);
	/* Makes what was drawn visible; shows the text cursor at (y, x) when y >= 0. */
	void (*flush)(surface *sf, int cur_y, int cur_x);
} surface_ops;

struct surface {
	const surface_ops *ops;
	int rows, cols;
	bool unicode; /* the terminal shows UTF-8: text passes through, glyphs are boxes */
	void *impl;
};

/* ------------------------------------------------------------------ drawing */

/* Draws text at (y, x) clipped to at most maxw columns (and the surface); control
 * characters become spaces, and without unicode anything outside ASCII becomes '?'.
 * Returns the columns used. */
int draw_text(surface *sf, int y, int x, int maxw, draw_style st, const char *s);
int draw_printf(surface *sf, int y, int x, int maxw, draw_style st, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Like draw_text, but pads with spaces to exactly w columns (a cell of a table). */
void draw_cell(surface *sf, int y, int x, int w, draw_style st, const char *s);
/* n spaces in style st (clears a line or paints a bar's background). */
void draw_fill(surface *sf, int y, int x, int n, draw_style st);
/* A horizontal bar of v/max over width columns, eighths with unicode, '#' otherwise. */
void draw_bar(surface *sf, int y, int x, int width, double v, double max, draw_style st);
/* A sparkline of n values scaled between their min and max into width columns. */
void draw_spark(surface *sf, int y, int x, int width, const double *v, int n, draw_style st);
/* A horizontal rule with an optional title: "-- title -------". */
void draw_rule(surface *sf, int y, int x, int w, draw_style st, const char *title);
/* Wraps text into lines of at most w columns, at spaces where it can; draws at most
 * max_lines starting at row y. Returns the lines drawn. */
int draw_wrapped(surface *sf, int y, int x, int w, int max_lines, draw_style st,
		 const char *s);

/* Display columns of a UTF-8 string (each invalid byte counts as one). */
int draw_width(const char *s);
/* How many bytes of s fill at most cols columns (at least one character, so that a
 * wide character in one column still advances). */
size_t draw_fit(const char *s, int cols);
/* The same, ending at a space when the rest does not fit and there is one to end at:
 * a line wraps after the returned bytes, skipping the spaces that follow. */
size_t draw_fit_words(const char *s, int cols);

/* ------------------------------------------------------------------ back ends */

/* The terminal, through ncurses. draw_curses_start() fails (NULL, with a reason in why)
 * when TERM is unset, "dumb" or unknown, or the terminal cannot address the cursor;
 * the caller then falls back to plain mode. Colours are used when the terminal has
 * them and NO_COLOR is unset; otherwise styles map to bold, reverse and underline. */
surface *draw_curses_start(char *why, size_t why_size);
/* Re-reads the terminal size after KEY_RESIZE. */
void draw_curses_resize(surface *sf);
/* Leaves curses mode (endwin) and frees the surface; safe to call twice or with NULL. */
void draw_curses_stop(surface *sf);
/* True while curses mode is on (for the signal and exit handlers). */
bool draw_curses_active(void);
/* endwin() if curses mode is on; nothing else (async paths: signals, atexit). */
void draw_curses_restore(void);

/* The virtual screen: a rows x cols grid of cells in memory. */
surface *draw_virtual_new(int rows, int cols, bool unicode);
void draw_virtual_resize(surface *sf, int rows, int cols);
void draw_virtual_free(surface *sf);
/* Writes the grid as text: one line per row, trailing blanks removed. */
void draw_virtual_dump(const surface *sf, FILE *f);

#endif
