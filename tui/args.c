/* args.c: the one parser of a command's words, by the arguments of its table entry
 * (positionals, options with their types, ranges, choices and defaults), and the usage
 * line the same entry gives. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static bool is_option(const cmd_arg *g)
{
	return g->name[0] == '-';
}

/* A word that names an option: "-" and a letter or a dash ("-1" is a number, "-" the
 * standard input or output). */
static bool option_word(const char *w)
{
	return w[0] == '-' && w[1] && !isdigit((unsigned char)w[1]) && w[1] != '.';
}

static int n_args(const cmd_entry *c)
{
	int n = 0;
	while (c->args && c->args[n].name)
		n++;
	return n;
}

/* The options every run-once command line may hold besides the command's own. */
static const cmd_arg global_args[] = {
	{"--data", NULL, CMD_WORD, .value = "DB", .help = "the dataset"},
	{"--models", NULL, CMD_WORD, .value = "DIR", .help = "the model folder"},
	{"--json", NULL, CMD_FLAG, .help = "the result as one JSON object"},
	{"--quiet", "-q", CMD_FLAG, .help = "no progress, and no result but errors"},
	{"--echo", NULL, CMD_FLAG, .help = "print the command before its output"},
	{"--no-snapshot", NULL, CMD_FLAG,
	 .help = "load the dataset and build the engine, without the serving snapshot"},
	{"--help", "-h", CMD_FLAG, .help = "what the command does and its options"},
	{NULL},
};

static const cmd_arg *find_option(const cmd_arg *args, const char *w)
{
	for (const cmd_arg *g = args; g && g->name; g++)
		if (is_option(g) && (strcmp(g->name, w) == 0 || (g->alias && strcmp(g->alias, w) == 0)))
			return g;
	return NULL;
}

/* ---------------------------------------------------------------- usage */

/* How usage shows g's value: its own words, else its choices "a|b|c". */
static void value_text(const cmd_arg *g, char *buf, size_t size)
{
	if (g->value || g->type != CMD_CHOICE) {
		snprintf(buf, size, "%s", g->value ? g->value : g->name);
		return;
	}
	size_t n = 0;
	buf[0] = '\0';
	for (const char *const *ch = g->choices; *ch && n < size; ch++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "|" : "", *ch);
}

const char *cmd_usage(const cmd_entry *c, bool brief, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", c->name);
	bool options = false;
	for (const cmd_arg *g = c->args; g && g->name && n < size; g++) {
		char v[160];
		value_text(g, v, sizeof v);
		bool optional = is_option(g) ? !(g->flags & CMD_REQUIRED) : (g->flags & CMD_OPTIONAL);
		const char *dots = !is_option(g) && (g->flags & CMD_REST) && !(g->flags & CMD_RAW)
					   ? "..."
					   : "";
		if (!is_option(g))
			n += (size_t)snprintf(buf + n, size - n, optional ? " [%s%s]" : " %s%s", v, dots);
		else if (brief && optional)
			options = true;
		else if (g->type == CMD_FLAG)
			n += (size_t)snprintf(buf + n, size - n, optional ? " [%s]" : " %s", g->name);
		else
			n += (size_t)snprintf(buf + n, size - n, optional ? " [%s %s]%s" : " %s %s%s",
					      g->name, v, (g->flags & CMD_REPEAT) ? "..." : "");
	}
	if (options && n < size)
		snprintf(buf + n, size - n, " [OPTIONS]");
	return buf;
}

/* "usage: NAME ARGS" (run once: "usage: minirecsys NAME ARGS"). */
int cmd_usage_error(const cmd_entry *c, bool once, mrs_error *err)
{
	char u[900];
	return mrs_fail(err, MRS_ERR_USAGE, "usage: %s%s", once ? "minirecsys " : "",
			cmd_usage(c, false, u, sizeof u));
}

/* ---------------------------------------------------------------- values */

/* "a, b or c" */
static void choice_list(const char *const *choices, char *buf, size_t size)
{
	size_t n = 0, k = 0;
	buf[0] = '\0';
	while (choices[k])
		k++;
	for (size_t i = 0; i < k && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
				      i == 0 ? "" : i + 1 == k ? " or " : ", ", choices[i]);
}

/* Reads word as g's value (name: the option as written, or the positional's name). */
static int read_value(const cmd_arg *g, const char *name, const char *word, cmd_value *v,
		      mrs_error *err)
{
	v->word = word;
	v->set = true;
	switch (g->type) {
	case CMD_FLAG:
		v->u = 1;
		return 0;
	case CMD_WORD:
		return 0;
	case CMD_UINT: {
		char *end;
		errno = 0;
		unsigned long long x = strtoull(word, &end, 10);
		/* digits only: strtoull would also take blanks and a sign (" -1" is 2^64-1) */
		if (!isdigit((unsigned char)word[0]) || *end)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not a whole number", name, word);
		if (errno == ERANGE && g->hi == UINT64_MAX)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: %s is too large (at most %llu)", name,
					word, (unsigned long long)g->hi);
		if (errno == ERANGE || x < g->lo || x > g->hi)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: %s is out of range (%llu .. %llu)", name,
					word, (unsigned long long)g->lo, (unsigned long long)g->hi);
		v->u = x;
		return 0;
	}
	case CMD_REAL: {
		char *end;
		double x = strtod(word, &end);
		if (!*word || *end || !(x >= g->min && x < g->max))
			return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not a number in [%g, %g)", name,
					word, g->min, g->max);
		v->d = x;
		return 0;
	}
	case CMD_CHOICE:
		for (int k = 0; g->choices[k]; k++)
			if (strcmp(g->choices[k], word) == 0) {
				v->choice = k;
				return 0;
			}
		char list[400];
		choice_list(g->choices, list, sizeof list);
		if (g->what)
			return mrs_fail(err, MRS_ERR_USAGE, "unknown %s '%s' (%s)", g->what, word, list);
		return mrs_fail(err, MRS_ERR_USAGE, "%s: '%s' is not %s", name, word, list);
	}
	return 0;
}

int cmd_global_option(int argc, char **argv, int *i, cli_opts *o, bool *help,
		      mrs_error *err)
{
	const cmd_arg *g = find_option(global_args, argv[*i]);
	if (!g)
		return 0;
	if (g->type == CMD_WORD) {
		if (*i + 1 >= argc)
			return mrs_fail(err, MRS_ERR_USAGE, "%s needs a value", argv[*i]);
		const char *v = argv[++*i];
		if (strcmp(g->name, "--data") == 0)
			o->data = v, o->data_rule = PATHS_OPTION;
		else
			o->models = v, o->models_rule = PATHS_OPTION;
	} else if (strcmp(g->name, "--json") == 0) {
		o->json = true;
	} else if (strcmp(g->name, "--quiet") == 0) {
		o->quiet = true;
	} else if (strcmp(g->name, "--echo") == 0) {
		o->echo = true;
	} else if (strcmp(g->name, "--no-snapshot") == 0) {
		o->no_snapshot = true;
	} else {
		*help = true;
	}
	return 1;
}

/* A global option among a command's words: run once, it fills o; in a session (o NULL)
 * it is refused. */
static int read_global(const cmd_entry *c, int argc, char **argv, int *i, cmd_args *a,
		       cli_opts *o, mrs_error *err)
{
	if (!o)
		return mrs_fail(err, MRS_ERR_USAGE,
				"%s: %s is an option of minirecsys itself (before --batch, or on "
				"the command line of a command run once)",
				c->name, argv[*i]);
	return cmd_global_option(argc, argv, i, o, &a->help, err) < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- parsing */

/* The option at argv[*i] and its value words. */
static int read_option(const cmd_entry *c, const cmd_arg *g, int argc, char **argv, int *i,
		       cmd_args *a, mrs_error *err)
{
	const char *w = argv[*i];
	cmd_value *v = &a->v[g - c->args];
	if (v->given && !(g->flags & CMD_REPEAT))
		return mrs_fail(err, MRS_ERR_USAGE, "%s: %s given twice", c->name, w);
	v->given = true;
	if (g->type == CMD_FLAG)
		return read_value(g, w, w, v, err);
	if (g->flags & CMD_PAIR) {
		if (*i + 2 >= argc) {
			const char *sp = strchr(g->value, ' ');
			return mrs_fail(err, MRS_ERR_USAGE, "%s needs %.*s and %s", w,
					(int)(sp - g->value), g->value, sp + 1);
		}
		v->word2 = argv[*i + 2];
		*i += 2;
		return read_value(g, w, argv[*i - 1], v, err);
	}
	if (*i + 1 >= argc)
		return mrs_fail(err, MRS_ERR_USAGE, "%s needs a value", w);
	++*i;
	if (g->flags & CMD_REPEAT) {
		const char **all = realloc(v->all, sizeof *all * (size_t)(v->n_all + 1));
		if (!all)
			return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		v->all = all;
		v->all[v->n_all++] = argv[*i];
	}
	return read_value(g, w, argv[*i], v, err);
}

/* Hands the positional words to the positionals in order: an optional one takes a word
 * only when enough are left for the required ones after it; a CMD_REST one takes the
 * rest. */
static int assign(const cmd_entry *c, char **words, int nw, cmd_args *a, bool once,
		  mrs_error *err)
{
	int k = 0;
	for (const cmd_arg *g = c->args; g && g->name; g++) {
		if (is_option(g))
			continue;
		cmd_value *v = &a->v[g - c->args];
		int needed = 0; /* words the required positionals after g need */
		for (const cmd_arg *h = g + 1; h->name; h++)
			needed += !is_option(h) && !(h->flags & CMD_OPTIONAL);
		if (g->flags & CMD_REST) {
			if (nw - k < 1 && !(g->flags & CMD_OPTIONAL))
				return cmd_usage_error(c, once, err);
			if (nw - k >= 1) {
				a->rest = calloc((size_t)(nw - k + 1), sizeof *a->rest);
				if (!a->rest)
					return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
				memcpy(a->rest, words + k, sizeof *a->rest * (size_t)(nw - k));
				a->n_rest = nw - k;
				v->given = v->set = true;
				v->word = words[k];
				k = nw;
			}
			continue;
		}
		bool take = (g->flags & CMD_OPTIONAL) ? nw - k > needed : true;
		if (!take)
			continue;
		if (k >= nw)
			return cmd_usage_error(c, once, err);
		v->given = true;
		if (read_value(g, g->name, words[k++], v, err))
			return -1;
	}
	return k < nw ? cmd_usage_error(c, once, err) : 0;
}

int cmd_parse(const cmd_entry *c, int argc, char **argv, cmd_args *a, cli_opts *globals,
	      mrs_error *err)
{
	memset(a, 0, sizeof *a);
	a->entry = c;
	int n = n_args(c);
	if (n > CMD_MAX_ARGS)
		return mrs_fail(err, MRS_ERR_INTERNAL, "%s: more than %d arguments", c->name,
				CMD_MAX_ARGS);
	char **words = calloc((size_t)argc + 1, sizeof *words);
	if (!words)
		return mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
	/* the RAW positional's index among the positionals: from its first word on, the
	 * words are another command's */
	int raw_at = -1, pos = 0;
	for (const cmd_arg *g = c->args; g && g->name; g++)
		if (!is_option(g)) {
			if (g->flags & CMD_RAW)
				raw_at = pos;
			pos++;
		}
	int nw = 0, rc = 0;
	bool options = true;
	for (int i = 1; i < argc && !rc && !a->help; i++) {
		const char *w = argv[i];
		if (options && nw == raw_at)
			options = false;
		if (options && strcmp(w, "--") == 0) {
			options = false;
			continue;
		}
		if (!options || !option_word(w)) {
			words[nw++] = argv[i];
			continue;
		}
		const cmd_arg *g = find_option(c->args, w);
		if (g)
			rc = read_option(c, g, argc, argv, &i, a, err);
		else if (find_option(global_args, w))
			rc = read_global(c, argc, argv, &i, a, globals, err);
		else
			rc = mrs_fail(err, MRS_ERR_USAGE, "%s: unknown option '%s' (`help %s` lists them)",
				      c->name, w, c->name);
	}
	if (!rc && !a->help)
		rc = assign(c, words, nw, a, globals != NULL, err);
	free(words);
	for (const cmd_arg *g = c->args; !rc && !a->help && g && g->name; g++) {
		cmd_value *v = &a->v[g - c->args];
		if (is_option(g) && (g->flags & CMD_REQUIRED) && !v->given) {
			char val[160];
			value_text(g, val, sizeof val);
			rc = mrs_fail(err, MRS_ERR_USAGE, "%s needs %s %s", c->name, g->name, val);
		} else if (!v->set && g->def) {
			rc = read_value(g, g->name, g->def, v, err);
		}
	}
	if (rc)
		cmd_args_free(a);
	return rc;
}

void cmd_args_free(cmd_args *a)
{
	free(a->rest);
	a->rest = NULL;
	a->n_rest = 0;
	for (int k = 0; k < CMD_MAX_ARGS; k++) {
		free(a->v[k].all);
		a->v[k].all = NULL;
		a->v[k].n_all = 0;
	}
}

/* ---------------------------------------------------------------- reading */

const cmd_value *cmd_value_of(const cmd_args *a, const char *name)
{
	static const cmd_value unset = {.choice = -1};
	for (const cmd_arg *g = a->entry->args; g && g->name; g++)
		if (strcmp(g->name, name) == 0)
			return &a->v[g - a->entry->args];
	return &unset;
}

bool cmd_given(const cmd_args *a, const char *name)
{
	return cmd_value_of(a, name)->given;
}

const char *cmd_word(const cmd_args *a, const char *name)
{
	const cmd_value *v = cmd_value_of(a, name);
	return v->set ? v->word : NULL;
}

uint64_t cmd_uint(const cmd_args *a, const char *name)
{
	return cmd_value_of(a, name)->u;
}

double cmd_real(const cmd_args *a, const char *name)
{
	return cmd_value_of(a, name)->d;
}

bool cmd_flag(const cmd_args *a, const char *name)
{
	return cmd_value_of(a, name)->u != 0;
}

int cmd_choice(const cmd_args *a, const char *name)
{
	const cmd_value *v = cmd_value_of(a, name);
	return v->set ? v->choice : -1;
}
