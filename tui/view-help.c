/* view-help.c: help: the key bindings (each one a line of the command language, listed
 * with the command it runs) and every command with its usage, made from the binding and
 * command tables themselves. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

typedef struct help_line {
	draw_style st;
	char *text;
} help_line;

typedef struct help {
	help_line *lines;
	int n, cap;
} help;

/* The screens' titles, by view index (filled when the help screen starts). */
static const char *all_titles[V_N];

static void add(help *h, draw_style st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(help *h, draw_style st, const char *fmt, ...)
{
	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 64;
		help_line *l = realloc(h->lines, sizeof *l * cap);
		if (!l)
			return;
		h->lines = l;
		h->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *t = NULL;
	if (vasprintf(&t, fmt, ap) >= 0)
		h->lines[h->n++] = (help_line){st, t};
	va_end(ap);
}

static bool same_scope(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* What a bound command does: the command's help, or for `screen NAME` the screen's. */
static const char *binding_help(const char *command)
{
	char name[32];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(command, " "), command);
	if (strcmp(name, "screen") == 0) {
		const char *arg = command + strlen(name) + strspn(command + strlen(name), " ");
		int v = ui_screen_by_name(arg);
		if (v >= 0)
			return all_titles[v];
		if (strcmp(arg, "next") == 0)
			return "the next screen";
		if (strcmp(arg, "prev") == 0)
			return "the previous screen";
	}
	const cmd_entry *c = cmd_find(name);
	if (!c)
		return "";
	/* the explorer's own commands say so in `help`; here it goes without saying */
	return strncmp(c->help, "explorer: ", 10) == 0 ? c->help + 10 : c->help;
}

/* One line per (scope, command), with every key bound to it. */
static void add_bindings(help *h, const char *scope)
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
		for (const ui_binding *e = b; e->command; e++) {
			if (!same_scope(e->view, scope) || strcmp(e->command, b->command) != 0)
				continue;
			char kb[16];
			n += (size_t)snprintf(keys + n, sizeof keys - n, "%s%s", n ? " " : "",
					      ui_key_name(e->key, kb, sizeof kb));
			if (n >= sizeof keys)
				n = sizeof keys - 1;
		}
		add(h, ST_NORMAL, "  %-14s %-24s %s", keys, b->command, binding_help(b->command));
	}
}

static int help_init(view *v, ui *u)
{
	help *h = calloc(1, sizeof *h);
	if (!h)
		return -1;
	v->priv = h;
	for (int k = 0; k < V_N; k++)
		all_titles[k] = u->views[k].ops->title;
	add(h, ST_BOLD, "Every key runs a line of the command language: type the same line after");
	add(h, ST_BOLD, "`:` (or put it in a --batch script) and it does the same.");
	add(h, ST_NORMAL, "%s", "");
	add(h, ST_HEADER, "Keys everywhere");
	add_bindings(h, NULL);
	static const char *const scopes[] = {"accounts", "weights", "eval", "setup", "pager"};
	for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
		add(h, ST_NORMAL, "%s", "");
		add(h, ST_HEADER, "Keys on the %s %s", scopes[i], strcmp(scopes[i], "pager") ? "screen" : "");
		add_bindings(h, scopes[i]);
	}
	add(h, ST_NORMAL, "%s", "");
	add(h, ST_HEADER, "Commands (`help COMMAND` for one)");
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		char usage[96];
		snprintf(usage, sizeof usage, "%s%s%s", (*c)->name, (*c)->args[0] ? " " : "", (*c)->args);
		add(h, ST_NORMAL, "  %-40s %s", usage, (*c)->help);
	}
	add(h, ST_NORMAL, "%s", "");
	add(h, ST_HEADER, "Screens");
	for (int s = 0; s < V_N; s++) {
		const view_ops *o = u->views[s].ops;
		add(h, ST_NORMAL, "  %-11s %s", o->name, o->title);
	}
	return 0;
}

static void help_free(view *v)
{
	help *h = v->priv;
	for (int i = 0; h && i < h->n; i++)
		free(h->lines[i].text);
	if (h)
		free(h->lines);
	free(h);
	v->priv = NULL;
}

static void help_resize(view *v, ui *u, int rows, int cols)
{
	const help *h = v->priv;
	/* the cursor is the first line shown: there is nothing to select */
	v->top = v->cursor;
	if (v->top > h->n - rows)
		v->top = h->n - rows > 0 ? h->n - rows : 0;
	v->cursor = v->top;
}

static int help_key(view *v, ui *u, int action, long arg, mrs_error *err)
{
	const help *h = v->priv;
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
		v->cursor = h->n;
		break;
	case VA_GOTO:
		v->cursor = (int)arg - 1;
		break;
	default:
		return VIEW_UNHANDLED;
	}
	if (v->cursor < 0)
		v->cursor = 0;
	help_resize(v, u, v->rows, v->cols);
	return VIEW_OK;
}

static void help_draw(const view *v, const ui *u, surface *sf, int y, int rows)
{
	const help *h = v->priv;
	for (int i = 0; i < rows && v->top + i < h->n; i++) {
		const help_line *l = &h->lines[v->top + i];
		draw_text(sf, y + i, 1, sf->cols - 1, l->st, l->text);
	}
}

const view_ops view_help_ops = {
	"help", NULL, "Help", "the keys and the commands", help_init, help_free, help_resize, NULL,
	help_key, help_draw,
};
