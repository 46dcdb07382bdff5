/* cmd.c: the command table, the tokenizer, the runner (in a session, nested, or once from
 * the command line) and the one rule from an error to a status. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "text.h"

extern const cmd_entry cmd_help_entry, cmd_quit_entry, cmd_info_entry, cmd_models_entry,
	cmd_users_entry, cmd_user_entry, cmd_profile_entry, cmd_timeline_entry, cmd_stage_entry,
	cmd_next_entry, cmd_prev_entry, cmd_candidates_entry, cmd_explain_entry, cmd_set_entry,
	cmd_get_entry, cmd_weights_entry, cmd_preset_entry, cmd_diff_entry, cmd_eval_entry,
	cmd_save_entry, cmd_load_entry, cmd_export_entry, cmd_tour_entry, cmd_compare_entry,
	cmd_follow_entry, cmd_unfollow_entry, cmd_block_entry, cmd_mute_entry, cmd_like_entry,
	cmd_hide_entry, cmd_reset_entry, cmd_nudge_entry, cmd_undo_entry, cmd_generate_entry,
	cmd_import_entry, cmd_train_entry, cmd_train_safety_entry, cmd_tune_entry, cmd_explore_entry,
	cmd_shell_entry, cmd_screen_entry, cmd_cursor_entry, cmd_select_entry, cmd_find_entry,
	cmd_sort_entry, cmd_pager_entry, cmd_scroll_entry, cmd_prompt_entry, cmd_redraw_entry;

const cmd_entry *const cmd_table[] = {
	&cmd_help_entry, &cmd_user_entry, &cmd_users_entry, &cmd_profile_entry,
	&cmd_timeline_entry, &cmd_stage_entry, &cmd_next_entry, &cmd_prev_entry,
	&cmd_candidates_entry, &cmd_explain_entry, &cmd_set_entry, &cmd_get_entry,
	&cmd_nudge_entry, &cmd_undo_entry, &cmd_weights_entry, &cmd_preset_entry,
	&cmd_diff_entry, &cmd_eval_entry, &cmd_tune_entry, &cmd_save_entry, &cmd_load_entry,
	&cmd_export_entry, &cmd_compare_entry, &cmd_follow_entry, &cmd_unfollow_entry,
	&cmd_block_entry, &cmd_mute_entry, &cmd_like_entry, &cmd_hide_entry, &cmd_reset_entry,
	&cmd_tour_entry,
	&cmd_info_entry, &cmd_models_entry, &cmd_generate_entry, &cmd_import_entry,
	&cmd_train_entry, &cmd_train_safety_entry,
	/* the front ends, started from the command line */
	&cmd_explore_entry, &cmd_shell_entry,
	/* the explorer's own: screens, cursor, pager, command line */
	&cmd_screen_entry, &cmd_cursor_entry, &cmd_select_entry, &cmd_find_entry,
	&cmd_sort_entry, &cmd_pager_entry, &cmd_scroll_entry, &cmd_prompt_entry,
	&cmd_redraw_entry, &cmd_quit_entry, NULL,
};

const cmd_entry *cmd_find(const char *name)
{
	for (const cmd_entry *const *c = cmd_table; *c; c++)
		if (strcmp((*c)->name, name) == 0 || ((*c)->alias && strcmp((*c)->alias, name) == 0))
			return *c;
	return NULL;
}

bool cmd_explorer_only(const cmd_entry *c)
{
	return (c->where & CMD_EXPLORER) != 0;
}

void cmd_free_words(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

/* Appends one word; returns -1 when out of memory. */
static int push_word(char ***v, int *n, int *cap, const char *w, size_t len)
{
	if (*n + 2 > *cap) {
		int nc = *cap ? *cap * 2 : 8;
		char **nv = realloc(*v, sizeof(char *) * nc);
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	char *s = malloc(len + 1);
	if (!s)
		return -1;
	memcpy(s, w, len);
	s[len] = '\0';
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
	return 0;
}

/* Is c a blank between words? */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int cmd_split_next(const char **line, char ***argv_out, char *msg, size_t msg_size)
{
	char **v = NULL;
	int n = 0, cap = 0;
	const char *p = *line;
	char *word = malloc(strlen(p) + 1);
	if (!word) {
		snprintf(msg, msg_size, "out of memory");
		return -1;
	}
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '#') /* a comment, to the end of the line */
			p += strlen(p);
		if (!*p)
			break;
		if (*p == ';') { /* the end of this command */
			p++;
			break;
		}
		size_t w = 0;
		while (*p && !is_blank(*p) && *p != ';') {
			if (*p != '\'' && *p != '"') {
				word[w++] = *p++;
				continue;
			}
			char q = *p++;
			while (*p && *p != q) {
				if (q == '"' && *p == '\\' && p[1])
					p++;
				word[w++] = *p++;
			}
			if (*p != q) {
				snprintf(msg, msg_size, "unterminated %s quote",
					 q == '"' ? "double" : "single");
				free(word);
				cmd_free_words(v);
				*line = p;
				return -1;
			}
			p++;
		}
		if (push_word(&v, &n, &cap, word, w)) {
			snprintf(msg, msg_size, "out of memory");
			free(word);
			cmd_free_words(v);
			return -1;
		}
	}
	free(word);
	if (!v && push_word(&v, &n, &cap, "", 0) == 0) {
		free(v[0]);
		v[0] = NULL;
		n = 0;
	}
	*line = p;
	*argv_out = v;
	return n;
}

int cmd_split(const char *line, char ***argv_out, char *msg, size_t msg_size)
{
	return cmd_split_next(&line, argv_out, msg, msg_size);
}

static char last_error[1200];

const char *cmd_last_error(void)
{
	return last_error;
}

int cmd_status(const mrs_error *err)
{
	switch (err->code) {
	case MRS_OK:
		return CMD_OK;
	case MRS_ERR_USAGE: /* the words of the command are wrong */
	case MRS_ERR_IO:    /* a file cannot be read or written */
	case MRS_ERR_DATA:  /* or holds the wrong thing */
	case MRS_ERR_MODEL:
	case MRS_ERR_NODATA: /* or nothing to work on */
		return CMD_USAGE;
	default: /* refused, out of memory, cancelled, busy: the command failed */
		return CMD_FAIL;
	}
}

int cmd_error(const mrs_error *err)
{
	text_printf(stderr, "minirecsys: %s\n", err->msg);
	return cmd_status(err);
}

/* Can c run here (in the explorer, in another session, or once)? */
static int check_where(const cmd_entry *c, bool once, bool explorer, mrs_error *err)
{
	if (cmd_explorer_only(c) && !explorer)
		return mrs_fail(err, MRS_ERR_USAGE, "only in the explorer (minirecsys explore)");
	if (!once && !(c->where & CMD_SESSION))
		return mrs_fail(err, MRS_ERR_USAGE, "%s: from the command line only (minirecsys %s)",
				c->name, c->name);
	if (once && !(c->where & CMD_ONCE))
		return mrs_fail(err, MRS_ERR_USAGE,
				"%s: only in a session (--batch, the shell or the explorer)", c->name);
	return 0;
}

/* Checks, parses and runs c in a session, into res. */
static int run_entry(session *s, const cmd_entry *c, int argc, char **argv, cJSON *res,
		     mrs_error *err)
{
	cmd_args a;
	if (cmd_parse(c, argc, argv, &a, NULL, err))
		return cmd_status(err);
	if (check_where(c, s->once, s->ui != NULL, err)) {
		cmd_args_free(&a);
		return CMD_USAGE;
	}
	int rc = c->exec(s, &a, res, err);
	cmd_args_free(&a);
	return rc ? cmd_status(err) : CMD_OK;
}

/* Ends a command: the progress line, the error (on stderr unless the sink keeps it: the
 * JSON object, the explorer's message line), the result to the sink. */
static int finish(session *s, const char *name, int lineno, int status, const mrs_error *err,
		  bool show_failed)
{
	if (s->bar)
		cli_progress_done(s->bar);
	if (status != CMD_OK) {
		if (lineno > 0)
			snprintf(last_error, sizeof last_error, "%s:%d: %s",
				 s->script ? s->script : "line", lineno, err->msg);
		else
			snprintf(last_error, sizeof last_error, "%s", err->msg);
		if (s->o->mode != OUT_JSON && s->o->mode != OUT_KEEP)
			text_printf(stderr, "minirecsys: %s\n", last_error);
	}
	out_end(s->o, name, lineno, status, status ? err->msg : NULL, show_failed);
	return status;
}

int cmd_run_argv(session *s, int argc, char **argv, cJSON *res, mrs_error *err)
{
	const cmd_entry *c = cmd_find(argv[0]);
	if (!c) {
		mrs_fail(err, MRS_ERR_USAGE, "unknown command '%s' (try `help`)", argv[0]);
		return CMD_USAGE;
	}
	out_set_render(s->o, c->text);
	return run_entry(s, c, argc, argv, res, err);
}

/* Runs one command given as words. */
static int run_words(session *s, int argc, char **argv, int lineno)
{
	mrs_error err = {0};
	const cmd_entry *c = cmd_find(argv[0]);
	out_begin(s->o, c ? c->text : NULL);
	int status = cmd_run_argv(s, argc, argv, out_result(s->o), &err);
	return finish(s, c ? c->name : argv[0], lineno, status, &err,
		      c && (c->where & CMD_REPORT_FAILED));
}

/* Reports a line the tokenizer cannot read (an open quote) as a failed command. */
static void report_unreadable(session *s, const char *msg, int lineno)
{
	mrs_error err;
	mrs_fail(&err, MRS_ERR_USAGE, "%s", msg);
	out_begin(s->o, NULL);
	finish(s, "", lineno, CMD_USAGE, &err, false);
}

int cmd_run_line(session *s, const char *line, int lineno)
{
	int worst = CMD_OK;
	last_error[0] = '\0'; /* from here on: the last error of this line */
	for (const char *p = line; *p && !s->quit;) {
		char **argv, msg[256];
		int argc = cmd_split_next(&p, &argv, msg, sizeof msg);
		if (argc < 0) { /* an open quote runs to the end of the line */
			report_unreadable(s, msg, lineno);
			return CMD_USAGE;
		}
		if (argc > 0) {
			int st = run_words(s, argc, argv, lineno);
			if (st > worst)
				worst = st;
		}
		cmd_free_words(argv);
	}
	return worst;
}

/* A word as the language reads it back: quoted when it holds a blank, a quote, ';', '#'
 * or a backslash, or is empty. */
static void print_word(const char *w, FILE *f)
{
	if (*w && !strpbrk(w, " \t\r\n'\";#\\")) {
		text_fputs(w, f);
		return;
	}
	if (!strchr(w, '\'')) {
		text_printf(f, "'%s'", w);
		return;
	}
	fputc('"', f);
	for (const char *p = w; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		char c[2] = {*p, 0};
		text_fputs(c, f);
	}
	fputc('"', f);
}

int cmd_run_once(const cli_opts *opts, int argc, char **argv)
{
	cli_opts o = *opts;
	mrs_error err = {0};
	const cmd_entry *c = cmd_find(argv[0]);
	if (!c) {
		mrs_fail(&err, MRS_ERR_USAGE, "unknown command '%s' (`minirecsys --help` lists them)",
			 argv[0]);
		return cmd_error(&err);
	}
	if (check_where(c, true, false, &err))
		return cmd_error(&err);
	cmd_args a;
	if (cmd_parse(c, argc, argv, &a, &o, &err))
		return cmd_error(&err);
	if (a.help) {
		cmd_help_print(c, stdout);
		cmd_args_free(&a);
		return CMD_OK;
	}
	if (cli_default_paths(&o, &err)) {
		cmd_args_free(&a);
		return cmd_error(&err);
	}
	if (c->start) { /* a front end: it runs the language itself */
		int rc = c->start(&o, &a);
		cmd_args_free(&a);
		return rc;
	}
	if (o.echo && !o.json) {
		fputs("> ", stdout);
		for (int i = 0; i < argc; i++) {
			if (i)
				fputc(' ', stdout);
			print_word(argv[i], stdout);
		}
		fputc('\n', stdout);
	}
	out sink;
	out_init(&sink, o.json ? OUT_DOC : OUT_TEXT, stdout);
	cli_cancel_on_signal();
	cli_progress cp;
	cli_progress_init(&cp, o.quiet);
	mrs_progress prog = cli_progress_get(&cp);
	session s;
	session_init(&s, &o, &sink, &prog);
	s.once = true;
	s.bar = &cp;
	out_begin(&sink, c->text);
	int status = c->exec(&s, &a, out_result(&sink), &err) ? cmd_status(&err) : CMD_OK;
	finish(&s, c->name, 0, status, &err, c->where & CMD_REPORT_FAILED);
	cmd_args_free(&a);
	session_free(&s);
	out_free(&sink);
	return status;
}

int cmd_need_user(session *s, mrs_error *err)
{
	if (s->req && s->has_user)
		return 0;
	return mrs_fail(err, MRS_ERR_REFUSED, "no user chosen: use `user ID` first");
}

int cmd_write(const char *path, cJSON *doc, cJSON *res, const char *key, mrs_error *err)
{
	if (!doc)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	if (strcmp(path, "-") == 0) { /* the command's own output */
		cJSON_AddItemToObject(res, key, doc);
		return 0;
	}
	char *text = cJSON_Print(doc);
	cJSON_Delete(doc);
	char *safe = text ? text_json(text) : NULL;
	cJSON_free(text);
	int rc = safe ? mrs_file_write_text(path, safe, err)
		      : mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	free(safe);
	return rc;
}
