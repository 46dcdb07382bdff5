/* draw-curses.c: the terminal back end of the drawing layer (ncursesw): styles become
 * colour pairs, or bold / reverse / underline when the terminal has no colours. */
#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#include "draw.h"

static volatile sig_atomic_t curses_on;
static SCREEN *screen;
static attr_t style_attr[ST_N];

/* Colours: foreground, background (-1: the terminal's default), extra attributes. */
static const struct {
	short fg, bg;
	attr_t colour_attr, mono_attr;
} style_def[ST_N] = {
	[ST_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
	[ST_DIM] = {-1, -1, A_DIM, A_DIM},
	[ST_BOLD] = {-1, -1, A_BOLD, A_BOLD},
	[ST_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
	[ST_TAB] = {COLOR_BLUE, COLOR_WHITE, A_BOLD, A_BOLD},
	[ST_HEADER] = {COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE},
	[ST_CURSOR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
	[ST_STATUS] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
	[ST_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
	[ST_KEY] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
	[ST_BAR] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
	[ST_NEG] = {COLOR_RED, -1, A_NORMAL, A_UNDERLINE},
	[ST_UP] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
	[ST_DOWN] = {COLOR_RED, -1, A_NORMAL, A_NORMAL},
	[ST_NEW] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[ST_PROMPT] = {-1, -1, A_BOLD, A_BOLD},
};

static void curses_text(surface *sf, int y, int x, const char *s, size_t len, int cols,
			draw_style st)
{
	(void)sf, (void)cols;
	attrset(style_attr[st]);
	mvaddnstr(y, x, s, (int)len);
}

static void curses_clear(surface *sf)
{
	(void)sf;
	attrset(A_NORMAL);
	erase();
}

static void curses_flush(surface *sf, int cur_y, int cur_x)
{
	(void)sf;
	if (cur_y >= 0) {
		move(cur_y, cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}

static const surface_ops curses_ops = {curses_text, curses_clear, curses_flush};

static void setup_styles(void)
{
	bool colour = has_colors() && !getenv("NO_COLOR") && start_color() == OK;
	if (colour)
		use_default_colors();
	for (int st = 0; st < ST_N; st++) {
		if (!colour) {
			style_attr[st] = style_def[st].mono_attr;
			continue;
		}
		style_attr[st] = style_def[st].colour_attr;
		if (style_def[st].fg >= 0 || style_def[st].bg >= 0) {
			if (init_pair((short)(st + 1), style_def[st].fg, style_def[st].bg) == OK)
				style_attr[st] |= COLOR_PAIR(st + 1);
			else
				style_attr[st] = style_def[st].mono_attr;
		}
	}
}

surface *draw_curses_start(char *why, size_t why_size)
{
	const char *term = getenv("TERM");
	if (!term || !*term) {
		snprintf(why, why_size, "TERM is not set, so the terminal's abilities are unknown");
		return NULL;
	}
	if (strcmp(term, "dumb") == 0) {
		snprintf(why, why_size, "TERM=dumb cannot move the cursor");
		return NULL;
	}
	surface *sf = calloc(1, sizeof *sf);
	if (!sf) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		free(sf);
		snprintf(why, why_size, "TERM=%s is not a terminal type this system knows", term);
		return NULL;
	}
	const char *cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(screen);
		screen = NULL;
		free(sf);
		snprintf(why, why_size, "TERM=%s cannot move the cursor", term);
		return NULL;
	}
	curses_on = 1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	setup_styles();
	sf->ops = &curses_ops;
	sf->unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	sf->rows = LINES;
	sf->cols = COLS;
	return sf;
}

void draw_curses_resize(surface *sf)
{
	sf->rows = LINES;
	sf->cols = COLS;
}

bool draw_curses_active(void)
{
	return curses_on != 0;
}

void draw_curses_restore(void)
{
	if (curses_on && !isendwin())
		endwin();
}

void draw_curses_stop(surface *sf)
{
	if (curses_on) {
		curses_on = 0;
		if (!isendwin())
			endwin();
		delscreen(screen);
		screen = NULL;
	}
	free(sf);
}
