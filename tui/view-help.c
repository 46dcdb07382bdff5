/* view-help.c: help: the key bindings (each one a line of the command language, listed
 * with the command it runs) and every command with its usage, made from the binding and
 * command tables themselves, wrapped to the screen's width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* One entry: a heading, or a left column (keys and command, or a usage) and what it
 * does. Entries become rows when the width is known. */
typedef struct help_entry {
	draw_style st;
	char *left, *text;
} help_entry;

/* One row on screen: maybe a left column, and a piece of text at a column. */
typedef struct help_row {
	draw_style st;
	const char *left;    /* NULL on continuation rows */
	int indent;          /* columns before the text */
	const char *text;    /* into an entry, cut at len bytes */
	size_t len;
} help_row;

typedef struct help {
	help_entry *e;
	int n, cap;
	help_row *rows;
	int n_rows;
	int width;           /* the width the rows were made for */
} help;

enum { LEFT = 38 };     /* the left column: keys (14) and command (23), or a usage */

static void add(help *h, draw_style st, const char *left, const char *text)
{
	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 64;
		help_entry *e = realloc(h->e, sizeof *e * cap);
		if (!e)
			return;
		h->e = e;
		h->cap = cap;
	}
	help_entry *e = &h->e[h->n];
	e->st = st;
	e->left = strdup(left ? left : "");
	e->text = strdup(text ? text : "");
	if (e->left && e->text)
		h->n++;
	else
		free(e->left), free(e->text);
}

static bool same_scope(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* What a bound command does: the command's help, a screen's title for `screen NAME`,
 * and for `pager COMMAND` that command's help. */
static const char *binding_help(const ui *u, const char *command, char *buf, size_t size)
{
	char name[32];
	size_t w = strcspn(command, " ");
	const char *arg = command + w + strspn(command + w, " ");
	snprintf(name, sizeof name, "%.*s", (int)w, command);
	if (strcmp(name, "screen") == 0) {
		int v = ui_screen_by_name(arg);
		if (v >= 0)
			return u->views[v].ops->title;
		return strcmp(arg, "next") == 0 ? "the next screen" : "the previous screen";
	}
	if (strcmp(name, "cursor") == 0 || strcmp(name, "scroll") == 0) {
		static const char *const moves[][2] = {
			{"up", "up a row"},	       {"down", "down a row"},
			{"pageup", "up a page"},       {"pagedown", "down a page"},
			{"top", "to the first row"},   {"bottom", "to the last row"},
			{"left", "the previous tab"}, {"right", "the next tab"},
		};
		for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
			if (strcmp(arg, moves[i][0]) == 0)
				return moves[i][1];
	}
	if (strcmp(name, "pager") == 0 && !*arg)
		return "the last command's output again";
	if (strcmp(name, "pager") == 0 && strcmp(arg, "close") != 0) {
		char inner[256];
		snprintf(buf, size, "%s, in the pager", binding_help(u, arg, inner, sizeof inner));
		return buf;
	}
	const cmd_entry *c = cmd_find(name);
	if (!c)
		return "";
	/* the explorer's own commands say so in `help`; here it goes without saying */
	snprintf(buf, size, "%s", strncmp(c->help, "explorer: ", 10) == 0 ? c->help + 10 : c->help);
	return buf;
}

/* One entry per (scope, command), with every key bound to it. */
static void add_bindings(help *h, const ui *u, const char *scope)
{
	for (const ui_binding *b = ui_bindings; b->command; b++) {
		if (!same_scope(b->view, scope))
			continue;
		bool seen = false;
		for (const ui_binding *e = ui_bindings; e < b; e++)
			seen |= same_scope(e->view, scope) && strcmp(e->command, b->command) == 0;
		if (seen)
			continue;
		char keys[64] = "";
		size_t n = 0;
		for (const ui_binding *e = b; e->command && n < sizeof keys - 1; e++) {
			if (!same_scope(e->view, scope) || strcmp(e->command, b->command) != 0)
				continue;
			char kb[16];
			n += (size_t)snprintf(keys + n, sizeof keys - n, "%s%s", n ? " " : "",
					      ui_key_name(e->key, kb, sizeof kb));
		}
		char left[128], what[256];
		snprintf(left, sizeof left, "  %-13s %s", keys, b->command);
		add(h, ST_NORMAL, left, binding_help(u, b->command, what, sizeof what));
	}
}

static int help_init(view *v, ui *u)
{
	help *h = calloc(1, sizeof *h);
	if (!h)
		return -1;
	v->priv = h;
	add(h, ST_BOLD, NULL,
	    "Every key runs a line of the command language: typed after `:`, or put in a "
	    "--batch script, the same line does the same.");
	add(h, ST_NORMAL, NULL, NULL);
	add(h, ST_HEADER, NULL, "Keys everywhere");
	add_bindings(h, u, NULL);
	static const char *const scopes[] = {"accounts", "weights", "eval", "setup", "pager"};
	for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
		char t[64];
		snprintf(t, sizeof t, "Keys in the %s%s", scopes[i],
			 strcmp(scopes[i], "pager") ? " screen" : "");
		add(h, ST_NORMAL, NULL, NULL);
		add(h, ST_HEADER, NULL, t);
		add_bindings(h, u, scopes[i]);
	}
	add(h, ST_NORMAL, NULL, NULL);
	add(h, ST_HEADER, NULL, "Commands (`help COMMAND` for one)");
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		if (!((*c)->where & CMD_SESSION))
			continue;
		char usage[900], left[904];
		snprintf(left, sizeof left, "  %s", cmd_usage(*c, true, usage, sizeof usage));
		add(h, ST_NORMAL, left, (*c)->help);
	}
	add(h, ST_NORMAL, NULL, NULL);
	add(h, ST_HEADER, NULL, "Screens");
	for (int s = 0; s < V_N; s++) {
		char name[32];
		snprintf(name, sizeof name, "  %s", u->views[s].ops->name);
		add(h, ST_NORMAL, name, u->views[s].ops->title);
	}
	return 0;
}

static void help_free(view *v)
{
	help *h = v->priv;
	for (int i = 0; h && i < h->n; i++)
		free(h->e[i].left), free(h->e[i].text);
	if (h)
		free(h->e), free(h->rows);
	free(h);
	v->priv = NULL;
}

static void push_row(help *h, int *cap, help_row r)
{
	if (h->n_rows == *cap) {
		int nc = *cap ? *cap * 2 : 128;
		help_row *rows = realloc(h->rows, sizeof *rows * nc);
		if (!rows)
			return;
		h->rows = rows;
		*cap = nc;
	}
	h->rows[h->n_rows++] = r;
}

/* Makes the rows for a width: the text wraps beside the left column, or below it when
 * the left column is wider than its share. */
static void make_rows(help *h, int width)
{
	int cap = 0;
	free(h->rows);
	h->rows = NULL;
	h->n_rows = 0;
	h->width = width;
	for (int i = 0; i < h->n; i++) {
		const help_entry *e = &h->e[i];
		const char *left = e->left[0] ? e->left : NULL;
		int indent = !left ? 0 : draw_width(left) < LEFT ? LEFT : 6;
		if (indent == 6) {
			push_row(h, &cap, (help_row){e->st, left, 0, "", 0});
			left = NULL;
		}
		const char *t = e->text;
		if (!*t)
			push_row(h, &cap, (help_row){e->st, left, 0, "", 0});
		while (*t) {
			size_t n = draw_fit_words(t, width - indent > 10 ? width - indent : 10);
			push_row(h, &cap, (help_row){e->st, left, indent, t, n});
			left = NULL;
			t += n;
			t += strspn(t, " ");
		}
	}
}

static void help_resize(view *v, ui *u, int rows, int cols)
{
	help *h = v->priv;
	if (cols != h->width)
		make_rows(h, cols - 1);
	/* the cursor is the first row shown: there is nothing to select */
	int most = h->n_rows - rows > 0 ? h->n_rows - rows : 0;
	v->cursor = v->cursor > most ? most : v->cursor < 0 ? 0 : v->cursor;
	v->top = v->cursor;
}

static int help_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	help *h = v->priv;
	int page = v->rows;
	switch (action) {
	case VA_UP:
		v->cursor--;
		break;
	case VA_DOWN:
		v->cursor++;
		break;
	case VA_PGUP:
		v->cursor -= page - 1;
		break;
	case VA_PGDN:
		v->cursor += page - 1;
		break;
	case VA_TOP:
		v->cursor = 0;
		break;
	case VA_BOTTOM:
		v->cursor = h->n_rows;
		break;
	case VA_GOTO:
		v->cursor = (int)arg - 1;
		break;
	default:
		return VIEW_UNHANDLED;
	}
	help_resize(v, u, v->rows, v->cols);
	return VIEW_OK;
}

static void help_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const help *h = v->priv;
	for (int i = 0; i < rows && v->top + i < h->n_rows; i++) {
		const help_row *r = &h->rows[v->top + i];
		char text[1024];
		if (r->left)
			draw_text(sf, y + i, 1, sf->cols - 1, r->st, r->left);
		snprintf(text, sizeof text, "%.*s", (int)r->len, r->text);
		draw_text(sf, y + i, 1 + r->indent, sf->cols - 1 - r->indent, r->st, text);
	}
}

const view_ops view_help_ops = {
	"help", NULL, "Help", "the keys and the commands", help_init, help_free, help_resize, NULL,
	help_key, help_draw,
};
