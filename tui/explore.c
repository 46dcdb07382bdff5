/* explore.c: `minirecsys explore`: the explorer in a terminal. One loop owns the input,
 * KEY_RESIZE and redrawing; every way out (quit, error, SIGINT/SIGTERM/SIGHUP, a fatal
 * signal) leaves the terminal as it found it. Without a usable terminal (TERM unset or
 * dumb) it says so and runs the plain command shell instead. */
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "ui.h"
#include "text.h"

/* Ctrl-C, kill and hang-up: long work is cancelled, and the loop leaves cleanly. */
static void on_quit_signal(int sig)
{
	ui_signal = sig;
}

/* A crash: give the terminal back before the default action (htop's fail()). */
static void on_fatal_signal(int sig)
{
	draw_curses_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_at_exit(void)
{
	draw_curses_restore();
}

static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	atexit(restore_at_exit);
}

/* The terminal's key, as the explorer names keys. */
static ukey key_from_curses(int r, wint_t ch)
{
	if (r == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP: return UK_UP;
		case KEY_DOWN: return UK_DOWN;
		case KEY_LEFT: return UK_LEFT;
		case KEY_RIGHT: return UK_RIGHT;
		case KEY_PPAGE: return UK_PGUP;
		case KEY_NPAGE: return UK_PGDN;
		case KEY_HOME: return UK_HOME;
		case KEY_END: return UK_END;
		case KEY_ENTER: return UK_ENTER;
		case KEY_BACKSPACE: return UK_BACKSPACE;
		case KEY_DC: return UK_DELETE;
		case KEY_IC: return UK_INSERT;
		case KEY_BTAB: return UK_BTAB;
		case KEY_RESIZE: return UK_RESIZE;
		default:
			if (ch >= (wint_t)KEY_F(1) && ch <= (wint_t)KEY_F(12))
				return UK_F1 + (int)(ch - KEY_F(1));
			return UK_NONE;
		}
	}
	switch (ch) {
	case '\n':
	case '\r': return UK_ENTER;
	case '\t': return UK_TAB;
	case 27: return UK_ESC;
	case 127:
	case 8: return UK_BACKSPACE;
	default: return (ukey)ch;
	}
}

/* Leaves on an error that cannot be shown on screen: terminal first, then the message. */
static int explore_fail(surface *sf, const char *msg)
{
	draw_curses_stop(sf);
	text_printf(stderr, "minirecsys: %s\n", msg);
	return EXIT_FAILED;
}

static int explore_loop(ui *u, surface *sf)
{
	bool dirty = true;
	double drawn = 0;
	while (!u->quit) {
		if (ui_signal) {
			/* Ctrl-C that cancelled some work only stops the work */
			if (ui_signal == SIGINT && u->cancelled) {
				ui_signal = 0;
				u->cancelled = false;
				snprintf(u->msg, sizeof u->msg, "cancelled");
				u->msg_error = true;
				dirty = true;
			} else {
				break;
			}
		}
		/* draw only when no input is waiting (a burst of resizes or keys is handled
		 * first), but at least every 50 ms while keys keep coming */
		timeout(dirty ? 0 : 250);
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR || (dirty && mrs_seconds() - drawn > 0.05)) {
			if (dirty) {
				if (u->redraw_all) {
					clearok(curscr, TRUE);
					u->redraw_all = false;
				}
				ui_draw(u);
				drawn = mrs_seconds();
				dirty = false;
			}
			/* no key waiting: the work that waits for a quiet moment */
			if (r == ERR) {
				dirty = ui_idle(u);
				continue;
			}
		}
		ukey k = key_from_curses(r, ch);
		if (k == UK_RESIZE)
			draw_curses_resize(sf);
		if (k != UK_NONE)
			ui_key(u, k);
		dirty = true;
	}
	return ui_signal ? 128 + ui_signal : EXIT_OK;
}

static int explore_terminal(const cli_opts *o)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_usage_error("the explorer needs a terminal on stdin and stdout "
				       "(for scripts: --batch FILE, or explore --keys FILE)");
	setlocale(LC_CTYPE, "");
	char why[256];
	surface *sf = draw_curses_start(why, sizeof why);
	if (!sf) {
		text_printf(stderr,
			    "minirecsys: the explorer cannot draw here: %s.\n"
			    "Running the plain command shell instead (`help` lists the commands, "
			    "`quit` leaves).\n",
			    why);
		return shell_run(o);
	}
	install_handlers();
	session s;
	session_init(&s, o, NULL, NULL);
	ui *u = calloc(1, sizeof *u);
	if (!u || ui_init(u, &s, sf)) {
		if (u)
			ui_free(u);
		free(u);
		session_free(&s);
		return explore_fail(sf, "out of memory starting the explorer");
	}
	int rc = explore_loop(u, sf);
	ui_free(u);
	free(u);
	session_free(&s);
	draw_curses_stop(sf);
	if (rc > 128)
		fprintf(stderr, "minirecsys: stopped by signal %d\n", rc - 128);
	return rc;
}

static int explore_start(const cli_opts *o, const cmd_args *a)
{
	const char *keys = cmd_word(a, "--keys"), *size = cmd_word(a, "--size");
	int rows = 24, cols = 80;
	if (size && (sscanf(size, "%dx%d", &cols, &rows) != 2 || cols < 1 || rows < 1 ||
		     cols > 1000 || rows > 1000))
		return cli_usage_error("--size: COLSxROWS, such as 80x24");
	if (!keys)
		return explore_terminal(o);
	/* a key script on the virtual screen: what the screen tests run */
	setlocale(LC_CTYPE, "");
	session s;
	session_init(&s, o, NULL, NULL);
	s.transcript = true; /* its screens are compared: no timings on them */
	int rc = ui_script_run(&s, keys, rows, cols, stdout);
	session_free(&s);
	return rc;
}

static const cmd_arg explore_args[] = {
	{"--keys", .type = CMD_WORD, .value = "FILE",
	 .help = "play a key script on a screen in memory and print the screens it dumps"},
	{"--size", .type = CMD_WORD, .value = "COLSxROWS",
	 .help = "the size of that screen (80x24)"},
	{NULL},
};

const cmd_entry cmd_explore_entry = {
	"explore", NULL,
	"the terminal explorer (what minirecsys opens on a terminal without a command)",
	explore_args, CMD_ONCE, NULL, NULL, explore_start,
};
