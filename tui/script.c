/* script.c: key scripts on the virtual screen (`explore --keys FILE`), as tig tests its
 * views: the explorer runs at a given size without a terminal, keys come from the
 * script, and `dump` writes the screen as text for comparison with a golden file.
 *
 * A script is lines of:
 *   keys K...        keys: single characters, or names in angle brackets (<Enter>, <Down>,
 *                    <C-l>, <F1>, <Space>, <lt>)
 *   type TEXT        each character of TEXT as a key (the rest of the line, spaces kept)
 *   resize COLS ROWS the terminal changes size (a KEY_RESIZE follows)
 *   dump [LABEL]     writes "--- LABEL (COLSxROWS)" and the screen
 *   # ...            a comment
 * Work that waits for a quiet moment (NDCG after a weight change) runs after every key,
 * so dumps do not depend on timing. */
#include <errno.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "text.h"

static int script_error(const char *path, int line, const char *what, const char *arg)
{
	text_printf(stderr, "minirecsys: %s:%d: %s%s%s\n", path, line, what, arg ? ": " : "",
		    arg ? arg : "");
	return EXIT_USAGE;
}

/* After a key: a frame, and the work a terminal would do before the next key (which
 * drawing may ask for), each followed by a frame. */
static void settle(ui *u)
{
	do
		ui_draw(u);
	while (ui_idle(u));
}

static void send(ui *u, ukey k)
{
	if (u->quit)
		return;
	ui_key(u, k);
	settle(u);
}

/* Decodes one UTF-8 character of s into a key; returns the bytes used. */
static size_t utf8_key(const char *s, ukey *k)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : 4;
	ukey c = n == 1 ? p[0] : p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if (!p[i])
			return i;
		c = c << 6 | (p[i] & 0x3f);
	}
	*k = c;
	return n;
}

static int run_line(ui *u, surface *sf, char *line, const char *path, int lineno, FILE *dump)
{
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line + strspn(line, " \t");
	if (!*p || *p == '#')
		return 0;
	size_t wl = strcspn(p, " \t");
	char *rest = p + wl + strspn(p + wl, " \t");
	if (wl == 4 && strncmp(p, "keys", 4) == 0) {
		for (char *tok = strtok(rest, " \t"); tok; tok = strtok(NULL, " \t")) {
			size_t n = strlen(tok);
			ukey k = UK_NONE;
			if (n > 2 && tok[0] == '<' && tok[n - 1] == '>')
				k = ui_key_by_name(tok);
			else if (utf8_key(tok, &k) != n)
				k = UK_NONE;
			if (k == UK_NONE)
				return script_error(path, lineno, "unknown key (one character, or <Name>)", tok);
			send(u, k);
		}
	} else if (wl == 4 && strncmp(p, "type", 4) == 0) {
		for (const char *t = rest; *t;) {
			ukey k = UK_NONE;
			t += utf8_key(t, &k);
			send(u, k);
		}
	} else if (wl == 6 && strncmp(p, "resize", 6) == 0) {
		int cols, rows;
		if (sscanf(rest, "%d %d", &cols, &rows) != 2 || cols < 1 || rows < 1 || cols > 1000 ||
		    rows > 1000)
			return script_error(path, lineno, "resize COLS ROWS", NULL);
		draw_virtual_resize(sf, rows, cols);
		ui_key(u, UK_RESIZE);
		settle(u);
	} else if (wl == 4 && strncmp(p, "dump", 4) == 0) {
		fprintf(dump, "--- %s (%dx%d)\n", *rest ? rest : "screen", sf->cols, sf->rows);
		draw_virtual_dump(sf, dump);
	} else {
		*(p + wl) = '\0';
		return script_error(path, lineno, "unknown directive (keys, type, resize, dump)", p);
	}
	return 0;
}

int ui_script_run(session *s, const char *path, int rows, int cols, FILE *dump)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return cli_usage_error("%s: %s", path, strerror(errno));
	surface *sf = draw_virtual_new(rows, cols, strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	ui *u = calloc(1, sizeof *u);
	int rc = EXIT_OK;
	if (!sf || !u || ui_init(u, s, sf)) {
		if (u && sf)
			ui_free(u);
		rc = cli_usage_error("out of memory");
		goto out;
	}
	u->deterministic = true;
	settle(u);
	char line[4096];
	for (int lineno = 1; fgets(line, sizeof line, f); lineno++)
		if ((rc = run_line(u, sf, line, path, lineno, dump)) != 0)
			break;
	ui_free(u);
out:
	free(u);
	draw_virtual_free(sf);
	if (f != stdin)
		fclose(f);
	return rc;
}
