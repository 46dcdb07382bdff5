/* keys.c: key names and the explorer's one table of key bindings. Every binding is a line
 * of the command language, so a key can never do what a script cannot. */
#include <stdio.h>
#include <string.h>

#include "ui.h"

static const struct {
	ukey key;
	const char *name;
} key_names[] = {
	{UK_ENTER, "Enter"},   {UK_TAB, "Tab"},     {UK_BTAB, "BTab"},
	{UK_ESC, "Esc"},       {UK_BACKSPACE, "Backspace"},
	{UK_DELETE, "Delete"}, {UK_UP, "Up"},       {UK_DOWN, "Down"},
	{UK_LEFT, "Left"},     {UK_RIGHT, "Right"}, {UK_PGUP, "PgUp"},
	{UK_PGDN, "PgDn"},     {UK_HOME, "Home"},   {UK_END, "End"},
	{UK_INSERT, "Insert"}, {UK_RESIZE, "Resize"}, {' ', "Space"},
	{'<', "lt"},           {'>', "gt"},
};

const char *ui_key_name(ukey k, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == k && k != '<' && k != '>')
			return key_names[i].name;
	if (k >= UK_F1 && k <= UK_F12)
		snprintf(buf, size, "F%d", k - UK_F1 + 1);
	else if (k >= 1 && k <= 26)
		snprintf(buf, size, "C-%c", 'a' + k - 1);
	else if (k > 0x20 && k < 0x7f)
		snprintf(buf, size, "%c", k);
	else if (k > 0x7f && k < UK_SPECIAL) {
		/* the character as UTF-8 */
		char *p = buf;
		if (size < 5)
			return "?";
		if (k < 0x800) {
			*p++ = (char)(0xc0 | k >> 6);
		} else if (k < 0x10000) {
			*p++ = (char)(0xe0 | k >> 12);
			*p++ = (char)(0x80 | (k >> 6 & 0x3f));
		} else {
			*p++ = (char)(0xf0 | k >> 18);
			*p++ = (char)(0x80 | (k >> 12 & 0x3f));
			*p++ = (char)(0x80 | (k >> 6 & 0x3f));
		}
		*p++ = (char)(0x80 | (k & 0x3f));
		*p = '\0';
	} else {
		snprintf(buf, size, "<%d>", k);
	}
	return buf;
}

ukey ui_key_by_name(const char *name)
{
	char b[32];
	size_t n = strlen(name);
	if (n > 2 && name[0] == '<' && name[n - 1] == '>' && n - 2 < sizeof b) {
		memcpy(b, name + 1, n - 2);
		b[n - 2] = '\0';
		name = b;
		n -= 2;
	}
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (n == 1)
		return (unsigned char)name[0];
	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && n == 3 && name[2] >= 'a' &&
	    name[2] <= 'z')
		return UK_CTRL(name[2]);
	if (name[0] == 'F' && n <= 3) {
		int f = 0;
		for (size_t i = 1; i < n; i++)
			f = name[i] >= '0' && name[i] <= '9' ? f * 10 + name[i] - '0' : -1;
		if (f >= 1 && f <= 12)
			return UK_F1 + f - 1;
	}
	return UK_NONE;
}

const ui_binding ui_bindings[] = {
	/* everywhere */
	{NULL, ':', "prompt"},
	{NULL, '?', "screen help"},
	{NULL, UK_F1, "screen help"},
	{NULL, 'q', "quit"},
	{NULL, UK_TAB, "screen next"},
	{NULL, UK_BTAB, "screen prev"},
	{NULL, '1', "screen accounts"},
	{NULL, '2', "screen pipeline"},
	{NULL, '3', "screen candidates"},
	{NULL, '4', "screen scores"},
	{NULL, '5', "screen safety"},
	{NULL, '6', "screen timeline"},
	{NULL, '7', "screen weights"},
	{NULL, '8', "screen eval"},
	{NULL, 'C', "prompt 'compare seed '"},
	{NULL, 'n', "next"},
	{NULL, 'p', "prev"},
	{NULL, UK_DOWN, "cursor down"},
	{NULL, 'j', "cursor down"},
	{NULL, UK_UP, "cursor up"},
	{NULL, 'k', "cursor up"},
	{NULL, UK_PGDN, "cursor pagedown"},
	{NULL, ' ', "cursor pagedown"},
	{NULL, UK_PGUP, "cursor pageup"},
	{NULL, UK_HOME, "cursor top"},
	{NULL, 'g', "cursor top"},
	{NULL, UK_END, "cursor bottom"},
	{NULL, 'G', "cursor bottom"},
	{NULL, UK_LEFT, "cursor left"},
	{NULL, 'h', "cursor left"},
	{NULL, UK_RIGHT, "cursor right"},
	{NULL, 'l', "cursor right"},
	{NULL, UK_ENTER, "select"},
	{NULL, 'x', "pager explain"},
	{NULL, 'd', "pager diff"},
	{NULL, 'u', "undo"},
	{NULL, 'T', "screen pipeline; pager tour"},
	{NULL, 'o', "pager"},
	{NULL, UK_CTRL('l'), "redraw"},
	/* the account picker */
	{"accounts", '/', "prompt 'find '"},
	{"accounts", 's', "sort"},
	/* the weights */
	{"weights", '+', "nudge up"},
	{"weights", '=', "nudge up"},
	{"weights", '-', "nudge down"},
	{"weights", 'e', "select"},
	{"weights", 't', "pager tune"},
	/* the evaluation */
	{"eval", 'r', "eval"},
	/* the first run */
	{"setup", 'g', "generate --scale small"},
	{"setup", 'G', "generate"},
	{"setup", 't', "train"},
	/* the pager (keys it does not bind close it, then act as usual) */
	{"pager", 'q', "pager close"},
	{"pager", UK_ESC, "pager close"},
	{"pager", UK_ENTER, "pager close"},
	{"pager", UK_DOWN, "scroll down"},
	{"pager", 'j', "scroll down"},
	{"pager", UK_UP, "scroll up"},
	{"pager", 'k', "scroll up"},
	{"pager", UK_PGDN, "scroll pagedown"},
	{"pager", ' ', "scroll pagedown"},
	{"pager", UK_PGUP, "scroll pageup"},
	{"pager", 'b', "scroll pageup"},
	{"pager", UK_HOME, "scroll top"},
	{"pager", 'g', "scroll top"},
	{"pager", UK_END, "scroll bottom"},
	{"pager", 'G', "scroll bottom"},
	{NULL, 0, NULL},
};

const char *ui_binding_find(const char *scope, ukey key)
{
	for (const ui_binding *b = ui_bindings; b->command; b++)
		if (b->key == key && b->view && scope && strcmp(b->view, scope) == 0)
			return b->command;
	if (scope && strcmp(scope, "pager") == 0)
		return NULL;
	for (const ui_binding *b = ui_bindings; b->command; b++)
		if (b->key == key && !b->view)
			return b->command;
	return NULL;
}
