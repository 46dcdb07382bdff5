/* cmd-help.c: `help [COMMAND]` (the table, or one command with its options) and `quit`. */
#include <inttypes.h>
#include <string.h>

#include "cmd.h"

/* Where c runs, in words. */
static const char *where_text(const cmd_entry *c)
{
	if (cmd_explorer_only(c))
		return "in the explorer";
	if (!(c->where & CMD_SESSION))
		return "from the command line";
	if (!(c->where & CMD_ONCE))
		return "in a session";
	return "anywhere";
}

/* An option's or argument's value range and default, in words ("" when none). */
static void arg_notes(const cmd_arg *g, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	if (g->type == CMD_UINT && !(g->lo == 0 && g->hi == UINT64_MAX)) /* a seed: any number */
		n += (size_t)snprintf(buf + n, size - n, "%" PRIu64 " .. %" PRIu64, g->lo, g->hi);
	else if (g->type == CMD_REAL)
		n += (size_t)snprintf(buf + n, size - n, "[%g, %g)", g->min, g->max);
	if (g->def && n < size)
		snprintf(buf + n, size - n, "%sdefault %s", n ? "; " : "", g->def);
}

/* The result of `help NAME`. */
static void describe(const cmd_entry *c, cJSON *res)
{
	char usage[900];
	cJSON_AddStringToObject(res, "name", c->name);
	cJSON_AddStringToObject(res, "usage", cmd_usage(c, false, usage, sizeof usage) + strlen(c->name) +
						      (c->args && c->args[0].name ? 1 : 0));
	cJSON_AddStringToObject(res, "help", c->help);
	if (c->alias)
		cJSON_AddStringToObject(res, "alias", c->alias);
	cJSON_AddStringToObject(res, "runs", where_text(c));
	cJSON *args = cJSON_AddArrayToObject(res, "arguments");
	for (const cmd_arg *g = c->args; g && g->name; g++) {
		if (!g->help)
			continue;
		cJSON *o = cJSON_CreateObject();
		char notes[160];
		arg_notes(g, notes, sizeof notes);
		cJSON_AddStringToObject(o, "name", g->name);
		if (g->alias)
			cJSON_AddStringToObject(o, "alias", g->alias);
		cJSON_AddStringToObject(o, "help", g->help);
		if (notes[0])
			cJSON_AddStringToObject(o, "notes", notes);
		cJSON_AddItemToArray(args, o);
	}
}

static int help_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *name = cmd_word(a, "COMMAND");
	if (name) {
		const cmd_entry *c = cmd_find(name);
		if (!c)
			return mrs_fail(err, MRS_ERR_USAGE, "no command '%s' (try `help`)", name);
		describe(c, res);
		return 0;
	}
	/* the commands that can run here: in a session, or once from the command line */
	unsigned here = s->once ? CMD_ONCE : CMD_SESSION;
	cJSON *names = cJSON_AddArrayToObject(res, "commands");
	cJSON *entries = cJSON_AddArrayToObject(res, "entries");
	for (const cmd_entry *const *c = cmd_table; *c; c++) {
		if (!((*c)->where & here))
			continue;
		char usage[900];
		cJSON_AddItemToArray(names, cJSON_CreateString((*c)->name));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", (*c)->name);
		cJSON_AddStringToObject(o, "usage", cmd_usage(*c, true, usage, sizeof usage));
		cJSON_AddStringToObject(o, "help", (*c)->help);
		cJSON_AddItemToArray(entries, o);
	}
	return 0;
}

static void help_text(out *o, const cJSON *r)
{
	const cJSON *entries = res_get(r, "entries"), *e;
	if (!entries) {
		const char *usage = res_str(r, "usage");
		out_printf(o, "%s%s%s\n  %s\n", res_str(r, "name"), usage[0] ? " " : "", usage,
			   res_str(r, "help"));
		if (res_has(r, "alias"))
			out_printf(o, "  alias: %s\n", res_str(r, "alias"));
		if (strcmp(res_str(r, "runs"), "anywhere") != 0)
			out_printf(o, "  runs %s only\n", res_str(r, "runs"));
		cJSON_ArrayForEach(e, res_get(r, "arguments"))
		{
			char name[64];
			snprintf(name, sizeof name, "%s%s%s", res_str(e, "name"),
				 res_has(e, "alias") ? ", " : "", res_str(e, "alias"));
			out_printf(o, "  %-18s %s%s%s%s\n", name, res_str(e, "help"),
				   res_has(e, "notes") ? " (" : "", res_str(e, "notes"),
				   res_has(e, "notes") ? ")" : "");
		}
		return;
	}
	out_printf(o, "commands (`help COMMAND` for one):\n");
	cJSON_ArrayForEach(e, entries)
	{
		const char *usage = res_str(e, "usage");
		/* a usage too long for its column has the line to itself */
		if (strlen(usage) > 34)
			out_printf(o, "  %s\n  %-34s %s\n", usage, "", res_str(e, "help"));
		else
			out_printf(o, "  %-34s %s\n", usage, res_str(e, "help"));
	}
}

void cmd_help_print(const cmd_entry *c, FILE *f)
{
	out sink;
	out_init(&sink, OUT_TEXT, f);
	out_begin(&sink, help_text);
	describe(c, out_result(&sink));
	out_end(&sink, c->name, 0, CMD_OK, NULL, false);
	out_free(&sink);
}

static const cmd_arg help_args[] = {
	{"COMMAND", .type = CMD_WORD, .flags = CMD_OPTIONAL, .help = "a command or its alias"},
	{NULL},
};

const cmd_entry cmd_help_entry = {
	"help", "?", "list the commands, or explain one",
	help_args, CMD_ANYWHERE, help_exec, help_text, NULL,
};

static int quit_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a, (void)res, (void)err;
	s->quit = true;
	return 0;
}

const cmd_entry cmd_quit_entry = {
	"quit", "q", "leave (the explorer, the shell, or the rest of a batch script)", NULL,
	CMD_SESSION, quit_exec, NULL, NULL,
};
