/* cmd.c: the command table, the word splitter and the dispatcher. */
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
	cmd_train_entry, cmd_screen_entry, cmd_cursor_entry, cmd_select_entry, cmd_find_entry,
	cmd_sort_entry, cmd_pager_entry, cmd_scroll_entry, cmd_prompt_entry, cmd_redraw_entry;

const cmd_entry *const cmd_table[] = {
	&cmd_help_entry, &cmd_user_entry, &cmd_users_entry, &cmd_profile_entry,
	&cmd_timeline_entry, &cmd_stage_entry, &cmd_next_entry, &cmd_prev_entry,
	&cmd_candidates_entry, &cmd_explain_entry, &cmd_set_entry, &cmd_get_entry,
	&cmd_nudge_entry, &cmd_undo_entry, &cmd_weights_entry, &cmd_preset_entry,
	&cmd_diff_entry, &cmd_eval_entry, &cmd_save_entry, &cmd_load_entry, &cmd_export_entry,
	&cmd_compare_entry, &cmd_follow_entry, &cmd_unfollow_entry, &cmd_block_entry,
	&cmd_mute_entry, &cmd_like_entry, &cmd_hide_entry, &cmd_reset_entry, &cmd_tour_entry,
	&cmd_info_entry, &cmd_models_entry, &cmd_generate_entry, &cmd_train_entry,
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

int cmd_split(const char *line, char ***argv_out, char *msg, size_t msg_size)
{
	char **v = NULL;
	int n = 0, cap = 0;
	size_t len = strlen(line);
	char *word = malloc(len + 1);
	if (!word) {
		snprintf(msg, msg_size, "out of memory");
		return -1;
	}
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		size_t w = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (*p == '\'' || *p == '"') {
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
					return -1;
				}
				p++;
			} else {
				word[w++] = *p++;
			}
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
	*argv_out = v;
	return n;
}

static char last_error[1200];

const char *cmd_last_error(void)
{
	return last_error;
}

int cmd_run_argv(session *s, int argc, char **argv, mrs_error *err)
{
	const cmd_entry *c = cmd_find(argv[0]);
	if (!c) {
		mrs_fail(err, MRS_ERR_USAGE, "unknown command '%s' (try `help`)", argv[0]);
		return CMD_USAGE;
	}
	/* positional arguments: everything after the name */
	int nargs = argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args)) {
		mrs_fail(err, MRS_ERR_USAGE, "usage: %s%s%s", c->name, c->args[0] ? " " : "", c->args);
		return CMD_USAGE;
	}
	return c->exec(s, argc, argv, err);
}

/* Runs one command given as words. */
static int run_words(session *s, int argc, char **argv, int lineno)
{
	mrs_error err = {0};
	const cmd_entry *c = cmd_find(argv[0]);
	out_begin(s->o);
	int status = cmd_run_argv(s, argc, argv, &err);
	if (status != CMD_OK) {
		if (lineno > 0)
			snprintf(last_error, sizeof last_error, "%s:%d: %s",
				 s->script ? s->script : "line", lineno, err.msg);
		else
			snprintf(last_error, sizeof last_error, "%s", err.msg);
		if (s->o->mode == OUT_TEXT) /* the explorer shows cmd_last_error() itself */
			text_printf(stderr, "minirecsys: %s\n", last_error);
	}
	out_end(s->o, c ? c->name : argv[0], lineno, status, status ? err.msg : NULL);
	return status;
}

int cmd_run_line(session *s, const char *line, int lineno)
{
	/* ';' separates commands unless quoted: split the line on unquoted semicolons */
	int worst = CMD_OK;
	size_t len = strlen(line);
	char *buf = malloc(len + 1);
	if (!buf)
		return CMD_FAIL;
	size_t start = 0;
	char quote = 0;
	last_error[0] = '\0'; /* from here on: the last error of this line */
	for (size_t i = 0; i <= len; i++) {
		char ch = line[i];
		if (quote && ch != '\0') { /* a quote still open at the end: cmd_split says so */
			if (ch == '\\' && quote == '"' && i + 1 < len)
				i++;
			else if (ch == quote)
				quote = 0;
			continue;
		}
		if (ch == '\'' || ch == '"') {
			quote = ch;
			continue;
		}
		/* '#' starts a comment only at the start of a word, as in cmd_split: inside a
		 * word it is part of the word */
		if (ch == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t' ||
				  line[i - 1] == ';')) {
			len = i; /* the rest is a comment */
			ch = '\0';
		}
		if (ch != ';' && ch != '\0')
			continue;
		memcpy(buf, line + start, i - start);
		buf[i - start] = '\0';
		start = i + 1;
		char **argv;
		char msg[256];
		int argc = cmd_split(buf, &argv, msg, sizeof msg);
		if (argc < 0) {
			mrs_error err;
			mrs_fail(&err, MRS_ERR_USAGE, "%s", msg);
			out_begin(s->o);
			if (lineno > 0)
				snprintf(last_error, sizeof last_error, "%s:%d: %s",
					 s->script ? s->script : "line", lineno, msg);
			else
				snprintf(last_error, sizeof last_error, "%s", msg);
			if (s->o->mode == OUT_TEXT)
				text_printf(stderr, "minirecsys: %s\n", last_error);
			out_end(s->o, "", lineno, CMD_USAGE, msg);
			worst = CMD_USAGE;
		} else if (argc > 0) {
			int st = run_words(s, argc, argv, lineno);
			if (st > worst)
				worst = st;
		}
		cmd_free_words(argc >= 0 ? argv : NULL);
		if (s->quit || i >= len)
			break;
	}
	free(buf);
	return worst;
}

int cmd_u32(const char *name, const char *text, uint32_t lo, uint32_t hi, uint32_t *res,
	    mrs_error *err)
{
	if (!text)
		return mrs_fail(err, MRS_ERR_USAGE, "%s needs a value", name);
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	/* digits only: strtoull would also take leading blanks and a sign (" -1" is 2^64-1) */
	if (!isdigit((unsigned char)text[0]) || *end)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not a whole number", name, text);
	if (errno == ERANGE || v < lo || v > hi)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: %s is out of range (%u .. %u)", name, text, lo,
				hi);
	*res = (uint32_t)v;
	return 0;
}

int cmd_status(const mrs_error *err)
{
	return err->code == MRS_ERR_IO || err->code == MRS_ERR_DATA || err->code == MRS_ERR_MODEL
		       ? CMD_USAGE
		       : CMD_FAIL;
}

int cmd_need_user(session *s, mrs_error *err)
{
	if (s->req && s->has_user)
		return 0;
	return mrs_fail(err, MRS_ERR_USAGE, "no user chosen: use `user ID` first");
}

int cmd_write(session *s, const char *path, const char *text, const char *key, mrs_error *err)
{
	if (strcmp(path, "-") != 0) {
		char *safe = text_json(text);
		int rc = safe ? mrs_file_write_text(path, safe, err)
			      : mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		free(safe);
		return rc;
	}
	if (s->o->mode != OUT_JSON) {
		char *safe = text_json(text);
		if (!safe)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		out_json_text(s->o, safe);
		free(safe);
		return 0;
	}
	cJSON *doc = cJSON_Parse(text);
	if (!doc)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	cJSON_AddItemToObject(out_json(s->o), key, doc);
	return 0;
}
