/* ui.h: the explorer without its terminal: screens (views), key bindings, the command
 * line, the pager, the status line, and the work done between keys. explore.c drives it
 * from the terminal; the screen tests drive it from key scripts on a virtual screen. */
#ifndef MRS_UI_H
#define MRS_UI_H

#include <signal.h>

#include "cmd.h"
#include "draw.h"

/* ------------------------------------------------------------------ keys */

/* A key: a Unicode code point, a control character (1..26 for Ctrl-A..Ctrl-Z), or one
 * of the special keys below. */
typedef int ukey;
enum {
	UK_SPECIAL = 0x110000,
	UK_ENTER,
	UK_TAB,
	UK_BTAB,
	UK_ESC,
	UK_BACKSPACE,
	UK_DELETE,
	UK_UP,
	UK_DOWN,
	UK_LEFT,
	UK_RIGHT,
	UK_PGUP,
	UK_PGDN,
	UK_HOME,
	UK_END,
	UK_INSERT,
	UK_RESIZE,
	UK_F1,
	UK_F12 = UK_F1 + 11,
	UK_NONE
};
#define UK_CTRL(c) ((c) & 0x1f)

/* "Enter", "Down", "C-l", "F1", "Space" or the character itself. */
const char *ui_key_name(ukey k, char *buf, size_t size);
/* The key a name stands for (the names above, "<Name>" too), or UK_NONE. */
ukey ui_key_by_name(const char *name);

/* A key bound to a line of the command language, on one screen or everywhere. */
typedef struct ui_binding {
	const char *view;    /* a view name, "pager", or NULL for everywhere */
	ukey key;
	const char *command;
} ui_binding;
/* The one binding table, ending with a NULL command. */
extern const ui_binding ui_bindings[];
/* The command bound to key on view (then everywhere), or NULL. */
const char *ui_binding_find(const char *scope, ukey key);

/* ------------------------------------------------------------------ views */

typedef struct ui ui;
typedef struct view view;

/* What a view's key handler is asked to do: the explorer's commands (`cursor`,
 * `select`) turn into these, so keys and scripts reach views the same way. */
enum {
	VA_UP = 1,
	VA_DOWN,
	VA_PGUP,
	VA_PGDN,
	VA_TOP,
	VA_BOTTOM,
	VA_LEFT,
	VA_RIGHT,
	VA_GOTO,   /* arg: the row, 1-based */
	VA_SELECT, /* Enter: the view's main action on the row under the cursor */
};

/* Flags a key handler returns. */
enum { VIEW_OK = 0, VIEW_UNHANDLED = 1 };

typedef struct view_ops {
	const char *name;   /* for `screen NAME` */
	const char *alias;  /* another name for it, or NULL */
	const char *label;  /* the tab's label */
	const char *title;  /* one line on what the screen shows */
	int (*init)(view *v, ui *u);
	void (*free)(view *v);
	/* The view area changed size (rows x cols); keep the cursor visible. */
	void (*resize)(view *v, ui *u, int rows, int cols);
	/* Recomputes what draw shows after the session changed (new user, new config). */
	void (*update)(view *v, ui *u);
	/* Changes the view's state for an action (VA_*); returns VIEW_* or -1 with err. */
	int (*key)(view *v, ui *u, int action, long arg, mrs_error *err);
	/* Draws the view into rows [y, y + rows) of the surface; reads, never changes. */
	void (*draw)(const view *v, const ui *u, surface *sf, int y, int rows);
} view_ops;

struct view {
	const view_ops *ops;
	void *priv;
	int rows, cols;   /* the view area, from the last resize */
	int cursor, top;  /* list views: the row under the cursor and the first row shown */
	unsigned gen;     /* the ui generation update() last ran for */
};

enum {
	V_ACCOUNTS = 0,
	V_PIPELINE,
	V_CANDIDATES,
	V_SCORES,
	V_SAFETY,
	V_TIMELINE,
	V_WEIGHTS,
	V_EVAL,
	V_HELP,
	V_SETUP,
	V_COMPARE, /* opened by `compare`; not a tab */
	V_N
};
extern const view_ops view_accounts_ops, view_pipeline_ops, view_candidates_ops,
	view_scores_ops, view_safety_ops, view_timeline_ops, view_weights_ops, view_eval_ops,
	view_help_ops, view_setup_ops, view_compare_ops;

/* List navigation shared by list views: moves v->cursor over n rows, showing `page`
 * rows at a time, and scrolls v->top to keep it visible. Returns VIEW_UNHANDLED for
 * actions that are not movement. */
int view_list_key(view *v, int action, long arg, int n, int page);
/* Keeps the cursor inside [0, n) and visible in a window of page rows. */
void view_list_clamp(view *v, int n, int page);

/* ------------------------------------------------------------------ the explorer */

/* A small line editor for the `:` command line. */
typedef struct lineedit {
	char buf[1024];
	size_t len, pos;       /* bytes; pos is always at a character boundary */
	char **history;
	size_t n_history, hist_pos;
} lineedit;

/* NDCG@10 of a configuration on the fixed sample, remembered per configuration. */
typedef struct ui_ndcg {
	mrs_config cfg;
	double ndcg;
} ui_ndcg;

#define UI_MIN_ROWS 16
#define UI_MIN_COLS 60
#define UI_NDCG_USERS 100
#define UI_NDCG_CACHE 16

struct ui {
	session *s;
	surface *sf;
	out sink;                /* OUT_KEEP: what commands print */
	mrs_progress progress;   /* the session's progress: drawn on the message line */
	view views[V_N];
	int cur;                 /* the current view */
	unsigned gen;            /* bumped after every command */
	char pending[4][256];    /* commands a view queued (Enter on an account: `user ID`) */
	int n_pending;
	/* the command line */
	bool prompting;
	lineedit le;
	/* the pager: the output of the last command typed at the command line */
	bool pager;
	char **pager_lines;
	size_t pager_n, pager_top;
	char pager_title[160];
	/* the message line: the last command's first line, or its error */
	char msg[1200];
	bool msg_error;
	/* long work in progress (loading, generating, training, evaluating) */
	bool busy;
	char busy_phase[64], busy_detail[96];
	double busy_done, busy_total, busy_drawn;
	/* NDCG@10 on a fixed sample of users, for the weights screen */
	mrs_evaluator *ndcg_ev;
	ui_ndcg ndcg_cache[UI_NDCG_CACHE];
	int ndcg_n, ndcg_next;
	bool ndcg_wanted;        /* the weights screen asked for the values it lacks */
	char ndcg_error[1024];    /* why the values for ndcg_failed_cfg are missing */
	mrs_config ndcg_failed_cfg;
	mrs_config ndcg_start;   /* the configuration the weights screen first showed */
	bool ndcg_start_set;
	unsigned epoch;          /* the session epoch the evaluator was built for */
	bool opened;             /* the dataset and engine were opened (or tried) */
	bool want_pager;         /* `pager COMMAND`: show the output in the pager */
	bool reopen_pager;       /* `pager`: show the last output again */
	bool redraw_all;         /* `redraw`: the terminal repaints every cell */
	bool cancelled;          /* the progress callback cancelled work on a signal */
	bool deterministic;      /* key scripts: no timings on screen */
	bool quit;
};

/* Set by the terminal's signal handlers: long work is cancelled, the loop leaves. */
extern volatile sig_atomic_t ui_signal;

/* Sets up the explorer on a session (borrowed) and a surface (borrowed), on the account
 * picker, or on the setup screen when there is no dataset; the dataset and engine open
 * with progress on the first ui_idle. On failure (no memory) call ui_free all the same. */
int ui_init(ui *u, session *s, surface *sf);
void ui_free(ui *u);
/* Handles one key: the command line, the pager, or a binding. */
void ui_key(ui *u, ukey k);
/* Runs a line of the command language as if typed at the `:` prompt (typed = true: its
 * output opens the pager when longer than a line) or bound to a key (typed = false: its
 * first line goes to the message line). Returns the command status. */
int ui_run(ui *u, const char *line, bool typed);
/* The surface changed size: resize every view. */
void ui_resize(ui *u);
/* Draws the whole screen and flushes it. */
void ui_draw(ui *u);
/* Work that waits for a quiet moment (NDCG after a weight change). Returns true when it
 * did some, so the screen needs drawing again. */
bool ui_idle(ui *u);
/* Is the surface too small to draw the views? */
bool ui_too_small(const ui *u);

/* Commands the explorer adds (cmd-screen.c, cmd-cursor.c, ...) reach it through these. */
ui *ui_of(session *s, mrs_error *err); /* fails outside the explorer */
int ui_screen_by_name(const char *name);
void ui_show(ui *u, int v);
/* Queues a command to run after the current one (views use it for Enter). */
void ui_queue(ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the command line with text already typed. */
void ui_prompt_open(ui *u, const char *text);
void ui_pager_close(ui *u);
/* Reopens the pager on the last command output. */
int ui_pager_open(ui *u);
void ui_pager_scroll(ui *u, int action);

/* NDCG@10 of cfg on the sample if known (true), else false. */
bool ui_ndcg_get(const ui *u, const mrs_config *cfg, double *ndcg);

/* Screen-specific hooks used by commands. */
int view_accounts_find(ui *u, const char *query, mrs_error *err);
int view_accounts_sort(ui *u, const char *key, mrs_error *err);
/* Shows one source's tab on the candidates screen. */
void view_candidates_source(ui *u, int src);
/* The tunable under the weights screen's cursor. */
const char *view_weights_selected(const ui *u);

/* The line editor. */
void lineedit_reset(lineedit *le, const char *text);
/* Handles an editing key; returns 1 on Enter, -1 on Esc or Ctrl-G, 0 otherwise. */
int lineedit_key(lineedit *le, ukey k);
void lineedit_history_add(lineedit *le, const char *line);
void lineedit_free(lineedit *le);
/* Draws "prompt" and the text at row y, scrolled to keep the cursor visible; returns the
 * cursor's column. */
int lineedit_draw(const lineedit *le, surface *sf, int y, const char *prompt);

/* Drawing helpers shared by views. */
/* Is there a timeline to compare with: the run before the last change, or the one before
 * the last what-if edit? */
bool ui_has_prev(const ui *u);
/* The tweet's rank in that timeline, 0 if it was not in it. */
uint32_t ui_prev_rank(const ui *u, uint32_t tweet);
/* "^3", "v2", "new", "=" or "" (no previous run) for candidate c, with its style. */
const char *ui_movement(const ui *u, const mrs_candidate *c, char *buf, size_t size,
			draw_style *st);
/* "@handle" cut to w columns. */
const char *ui_handle(const ui *u, uint32_t user, int w, char *buf, size_t size);
/* Draws a pane title row: "── title ─────". */
void ui_pane_title(surface *sf, int y, int w, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The candidates still in when `stage` began, the timeline first (by rank), then the
 * rest by final score. Returns the count; *res is the caller's to free (NULL when
 * there is no request or no memory). */
uint32_t ui_rank_order(const ui *u, int stage, uint32_t **res);
/* Chooses the tweet under a list's cursor as the session's selected one (`explain`). */
void ui_select_candidate(ui *u, const uint32_t *order, uint32_t n, int cursor);
/* A list of candidates shown in `order` (n rows, page of them visible): puts the cursor
 * on the session's selected tweet if the list holds it, keeps the cursor in range and
 * selects the tweet under it. */
void ui_list_follow_selected(ui *u, view *v, const uint32_t *order, uint32_t n, int page);
/* A key on such a list: Enter explains the tweet under the cursor (failing with `empty`,
 * if given, when the list is empty); other keys move the cursor, which selects. */
int ui_list_key(ui *u, view *v, int action, long arg, const uint32_t *order, uint32_t n,
		int page, const char *empty, mrs_error *err);
/* True when the session has a request to show; else draws a hint and returns false. */
bool ui_need_request(const ui *u, surface *sf, int y, int rows);

/* Runs a key script against a virtual screen (the screen tests, `explore --keys`). */
int ui_script_run(session *s, const char *path, int rows, int cols, FILE *dump);

#endif
