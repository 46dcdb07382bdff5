/* lineedit.c: the explorer's `:` command line: a small line editor with the usual
 * readline keys (C-a, C-e, C-b, C-f, C-k, C-u, C-w, C-d), history on Up and Down, and
 * completion of command names on Tab. */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

void lineedit_reset(lineedit *le, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	if (n >= sizeof le->buf)
		n = sizeof le->buf - 1;
	if (n)
		memcpy(le->buf, text, n);
	le->buf[n] = '\0';
	le->len = le->pos = n;
	le->hist_pos = le->n_history;
}

void lineedit_free(lineedit *le)
{
	for (size_t i = 0; i < le->n_history; i++)
		free(le->history[i]);
	free(le->history);
	le->history = NULL;
	le->n_history = le->hist_pos = 0;
}

void lineedit_history_add(lineedit *le, const char *line)
{
	if (!*line || (le->n_history && strcmp(le->history[le->n_history - 1], line) == 0))
		return;
	char **h = realloc(le->history, (le->n_history + 1) * sizeof *h);
	if (!h)
		return;
	le->history = h;
	if ((h[le->n_history] = strdup(line)))
		le->n_history++;
	le->hist_pos = le->n_history;
}

static bool is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t prev_char(const lineedit *le, size_t p)
{
	while (p > 0 && is_cont(le->buf[--p]))
		;
	return p;
}

static size_t next_char(const lineedit *le, size_t p)
{
	if (p < le->len)
		p++;
	while (p < le->len && is_cont(le->buf[p]))
		p++;
	return p;
}

static void delete_range(lineedit *le, size_t a, size_t b)
{
	memmove(le->buf + a, le->buf + b, le->len - b + 1);
	le->len -= b - a;
	le->pos = a;
}

static void insert_bytes(lineedit *le, const char *s, size_t n)
{
	if (le->len + n >= sizeof le->buf)
		return;
	memmove(le->buf + le->pos + n, le->buf + le->pos, le->len - le->pos + 1);
	memcpy(le->buf + le->pos, s, n);
	le->len += n;
	le->pos += n;
}

static void insert_char(lineedit *le, ukey k)
{
	char b[4];
	size_t n;
	if (k < 0x80) {
		b[0] = (char)k, n = 1;
	} else if (k < 0x800) {
		b[0] = (char)(0xc0 | k >> 6), b[1] = (char)(0x80 | (k & 0x3f)), n = 2;
	} else if (k < 0x10000) {
		b[0] = (char)(0xe0 | k >> 12), b[1] = (char)(0x80 | (k >> 6 & 0x3f));
		b[2] = (char)(0x80 | (k & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | k >> 18), b[1] = (char)(0x80 | (k >> 12 & 0x3f));
		b[2] = (char)(0x80 | (k >> 6 & 0x3f)), b[3] = (char)(0x80 | (k & 0x3f)), n = 4;
	}
	insert_bytes(le, b, n);
}

/* Tab: completes the command word (the first word) from the command table. */
static void complete(lineedit *le)
{
	size_t start = 0;
	while (start < le->len && le->buf[start] == ' ')
		start++;
	if (memchr(le->buf + start, ' ', le->pos - start) || le->pos < start)
		return;
	size_t n = le->pos - start;
	const char *match = NULL;
	size_t common = 0;
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		if (!((*c)->where & CMD_SESSION) || strncmp((*c)->name, le->buf + start, n) != 0)
			continue;
		if (!match) {
			match = (*c)->name;
			common = strlen(match);
		} else {
			size_t k = 0;
			while (k < common && match[k] == (*c)->name[k])
				k++;
			common = k;
		}
	}
	if (!match || common <= n)
		return;
	insert_bytes(le, match + n, common - n);
	if (common == strlen(match) && le->pos == le->len)
		insert_bytes(le, " ", 1);
}

static void history_step(lineedit *le, int d)
{
	if (d < 0 && le->hist_pos == 0)
		return;
	if (d > 0 && le->hist_pos >= le->n_history)
		return;
	le->hist_pos += d;
	const char *t = le->hist_pos < le->n_history ? le->history[le->hist_pos] : "";
	size_t keep = le->hist_pos;
	lineedit_reset(le, t);
	le->hist_pos = keep;
}

int lineedit_key(lineedit *le, ukey k)
{
	switch (k) {
	case UK_ENTER:
		return 1;
	case UK_ESC:
	case UK_CTRL('g'):
		return -1;
	case UK_LEFT:
	case UK_CTRL('b'):
		le->pos = prev_char(le, le->pos);
		break;
	case UK_RIGHT:
	case UK_CTRL('f'):
		le->pos = next_char(le, le->pos);
		break;
	case UK_HOME:
	case UK_CTRL('a'):
		le->pos = 0;
		break;
	case UK_END:
	case UK_CTRL('e'):
		le->pos = le->len;
		break;
	case UK_BACKSPACE:
	case UK_CTRL('h'):
	case 0x7f:
		if (le->pos == 0 && le->len == 0)
			return -1; /* backspace on an empty line leaves it, as in vi */
		if (le->pos > 0)
			delete_range(le, prev_char(le, le->pos), le->pos);
		break;
	case UK_DELETE:
	case UK_CTRL('d'):
		if (le->pos < le->len)
			delete_range(le, le->pos, next_char(le, le->pos));
		break;
	case UK_CTRL('k'):
		le->buf[le->pos] = '\0';
		le->len = le->pos;
		break;
	case UK_CTRL('u'):
		delete_range(le, 0, le->pos);
		break;
	case UK_CTRL('w'): {
		size_t p = le->pos;
		while (p > 0 && le->buf[p - 1] == ' ')
			p--;
		while (p > 0 && le->buf[p - 1] != ' ')
			p--;
		delete_range(le, p, le->pos);
		break;
	}
	case UK_UP:
	case UK_CTRL('p'):
		history_step(le, -1);
		break;
	case UK_DOWN:
	case UK_CTRL('n'):
		history_step(le, +1);
		break;
	case UK_TAB:
		complete(le);
		break;
	default:
		if (k >= 0x20 && k < UK_SPECIAL && k != 0x7f)
			insert_char(le, k);
	}
	return 0;
}

int lineedit_draw(const lineedit *le, surface *sf, int y, const char *prompt)
{
	int pw = draw_text(sf, y, 0, sf->cols, ST_PROMPT, prompt);
	int avail = sf->cols - pw - 1;
	if (avail < 1)
		return sf->cols - 1;
	/* the columns before the cursor; scroll so the cursor stays in view */
	char before[sizeof le->buf];
	memcpy(before, le->buf, le->pos);
	before[le->pos] = '\0';
	int cw = draw_width(before);
	size_t from = 0;
	while (cw > avail && from < le->pos) {
		size_t n = from + 1;
		while (n < le->pos && is_cont(le->buf[n]))
			n++;
		char ch[8];
		memcpy(ch, le->buf + from, n - from);
		ch[n - from] = '\0';
		cw -= draw_width(ch);
		from = n;
	}
	draw_text(sf, y, pw, avail + 1, ST_PROMPT, le->buf + from);
	return pw + cw;
}
