/* shell.c: `minirecsys shell`: the command language at a readline prompt, with a history
 * file and completion of commands, user ids and handles, presets and setting names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "batch.h"
#include "cmd.h"

static session *shell_session;

/* Candidates for the word being completed, given the command word before it. */
static char *complete_word(const char *text, int state)
{
	static int i;
	static size_t len;
	static int kind; /* 0 commands, 1 settings, 2 presets, 3 users, 4 sources, 5 stages */
	if (!state) {
		i = 0;
		len = strlen(text);
		kind = 0;
		const char *buf = rl_line_buffer;
		while (*buf == ' ')
			buf++;
		size_t w = strcspn(buf, " ");
		if ((int)(buf - rl_line_buffer + w) < rl_point) {
			char cmd[32];
			snprintf(cmd, sizeof cmd, "%.*s", (int)w, buf);
			if (!strcmp(cmd, "set") || !strcmp(cmd, "get") || !strcmp(cmd, "weights"))
				kind = 1;
			else if (!strcmp(cmd, "preset"))
				kind = 2;
			else if (!strcmp(cmd, "user") || !strcmp(cmd, "profile"))
				kind = 3;
			else if (!strcmp(cmd, "candidates"))
				kind = 4;
			else if (!strcmp(cmd, "stage"))
				kind = 5;
			else
				return NULL;
		}
	}
	session *s = shell_session;
	for (;;) {
		const char *cand = NULL;
		char buf[80];
		switch (kind) {
		case 0: {
			const cmd_entry *c = cmd_table[i];
			if (!c)
				return NULL;
			/* the commands a session runs: not those of the command line alone */
			cand = c->where & CMD_SESSION ? c->name : NULL;
			break;
		}
		case 1: {
			const char *const *p = mrs_config_paths();
			for (int k = 0; k <= i; k++)
				if (!p[k])
					return NULL;
			cand = p[i];
			break;
		}
		case 2:
			if (i >= MRS_N_PRESETS)
				return NULL;
			cand = mrs_presets[i];
			break;
		case 3:
			if (!s->ds && session_dataset(s, NULL))
				return NULL;
			if ((uint32_t)i >= mrs_dataset_info_get(s->ds).users * 2u)
				return NULL;
			if (i % 2 == 0)
				snprintf(buf, sizeof buf, "%u", (uint32_t)i / 2);
			else
				snprintf(buf, sizeof buf, "@%s", mrs_handle(s->ds, (uint32_t)i / 2));
			cand = buf;
			break;
		case 4:
			if (i >= MRS_N_SOURCES)
				return NULL;
			cand = mrs_source_name(i);
			break;
		default:
			if (i >= MRS_N_STAGES)
				return NULL;
			cand = mrs_stage_info_get(i)->name;
		}
		i++;
		if (cand && strncmp(cand, text, len) == 0)
			return strdup(cand);
	}
}

static char **complete(const char *text, int start, int end)
{
	(void)start, (void)end;
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, complete_word);
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p = NULL;
	if (home && *home && asprintf(&p, "%s/.minirecsys_history", home) < 0)
		p = NULL;
	return p;
}

int shell_run(const cli_opts *o)
{
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	out sink;
	out_init(&sink, o->json ? OUT_JSON : OUT_TEXT, stdout);
	session s;
	session_init(&s, o, &sink, &prog);
	s.bar = &cp;
	shell_session = &s;
	rl_readline_name = "minirecsys";
	rl_attempted_completion_function = complete;
	char *hist = history_path();
	if (hist)
		read_history(hist);
	printf("minirecsys shell: `help` lists the commands, `quit` or Ctrl-D leaves.\n");
	int worst = CMD_OK;
	char *line;
	while (!s.quit && (line = readline("minirecsys> ")) != NULL) {
		if (line[strspn(line, " \t")]) {
			add_history(line);
			int st = cmd_run_line(&s, line, 0);
			if (st > worst)
				worst = st;
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 1000);
		free(hist);
	}
	session_free(&s);
	out_free(&sink);
	return EXIT_OK;
}

static int shell_start(const cli_opts *o, const cmd_args *a)
{
	(void)a;
	return shell_run(o);
}

const cmd_entry cmd_shell_entry = {
	"shell", NULL,
	"the command language at a readline prompt, with completion and a history file", NULL,
	CMD_ONCE, NULL, NULL, shell_start,
};
