/* batch.c: `minirecsys --batch [FILE|-]`: the command language from a file, text or one
 * JSON object per command out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "text.h"

#define MAX_LINE (64 * 1024)

int batch_run(const cli_opts *o, const char *path)
{
	FILE *f = (!path || strcmp(path, "-") == 0) ? stdin : fopen(path, "r");
	if (!f)
		return cli_usage_error("%s: %s", path, strerror(errno));
	const char *name = f == stdin ? "stdin" : path;
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, true); /* batch output is a transcript: no progress noise */
	mrs_progress prog = cli_progress_get(&cp);
	out sink;
	out_init(&sink, o->json ? OUT_JSON : OUT_TEXT, stdout);
	session s;
	session_init(&s, o, &sink, &prog);
	s.script = name;
	s.transcript = true;
	int worst = CMD_OK, lineno = 0;
	char *line = malloc(MAX_LINE + 1);
	if (!line) {
		if (f != stdin)
			fclose(f);
		return EXIT_FAILED;
	}
	for (;;) {
		/* read one line by hand: fgets cannot see NUL bytes and getline has no bound */
		size_t len = 0;
		bool too_long = false, nul = false;
		int ch;
		while ((ch = fgetc(f)) != EOF && ch != '\n') {
			if (ch == '\0')
				nul = true;
			if (len < MAX_LINE)
				line[len++] = (char)ch;
			else
				too_long = true;
		}
		if (ch == EOF && len == 0)
			break;
		line[len] = '\0';
		lineno++;
		if (too_long || nul) {
			text_printf(stderr, "minirecsys: %s:%d: %s\n", name, lineno,
				    too_long ? "line longer than 65536 bytes" : "NUL byte in line");
			if (o->json)
				printf("{\"command\":\"\",\"line\":%d,\"ok\":false,\"error\":\"%s\"}\n",
				       lineno, too_long ? "line too long" : "NUL byte in line");
			worst = CMD_USAGE;
			continue;
		}
		/* --echo: each command before its output (blank and comment lines are not) */
		char first = line[strspn(line, " \t")];
		if (o->echo && !o->json && first != '\0' && first != '#')
			text_printf(stdout, "> %s\n", line);
		int st = cmd_run_line(&s, line, lineno);
		if (st > worst)
			worst = st;
		if (s.quit || cli_cancel_requested() || ch == EOF)
			break;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	session_free(&s);
	out_free(&sink);
	return worst == CMD_OK ? EXIT_OK : worst == CMD_FAIL ? EXIT_FAILED : EXIT_USAGE;
}
