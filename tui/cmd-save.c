/* cmd-save.c: `save weights|overlay FILE` (FILE "-": the command's own output) and
 * `load weights|overlay FILE`. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const kinds[] = {"weights", "overlay", NULL};

/* A JSON document in text (taken), parsed; NULL when memory runs out. */
static cJSON *doc_of(char *text)
{
	cJSON *doc = text ? cJSON_Parse(text) : NULL;
	cJSON_free(text);
	return doc;
}

static int save_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *path = cmd_word(a, "FILE");
	bool overlay = cmd_choice(a, "KIND") == 1;
	cJSON *doc = overlay ? doc_of(mrs_edits_to_json(s->edits, s->n_edits))
			     : doc_of(mrs_config_to_json(&s->cfg));
	if (cmd_write(path, doc, res, overlay ? "overlay" : "weights", err))
		return -1;
	if (strcmp(path, "-") == 0)
		return 0; /* the document is the output */
	cJSON_AddStringToObject(res, "saved", path);
	if (overlay)
		cJSON_AddNumberToObject(res, "edits", (double)s->n_edits);
	else
		cJSON_AddStringToObject(res, "preset", s->cfg.preset);
	return 0;
}

static void save_text(out *o, const cJSON *r)
{
	if (res_has(r, "weights") || res_has(r, "overlay")) {
		out_json_doc(o, r->child);
		return;
	}
	if (res_has(r, "edits")) {
		uint32_t n = res_u32(r, "edits");
		out_printf(o, "saved %u what-if edit%s to %s\n", n, n == 1 ? "" : "s", res_str(r, "saved"));
	} else {
		out_printf(o, "saved the configuration (%s) to %s\n", res_str(r, "preset"),
			   res_str(r, "saved"));
	}
}

static int load_overlay(session *s, const char *path, cJSON *res, mrs_error *err)
{
	if (session_engine(s, err))
		return -1;
	mrs_edit *edits;
	size_t n;
	if (mrs_edits_load(path, s->base ? s->base : s->ds, &edits, &n, err))
		return -1;
	/* the file's edits replace the current ones */
	free(s->edits);
	s->edits = edits;
	s->n_edits = n;
	if (session_apply_edits(s, NULL, err))
		return -1;
	cJSON_AddStringToObject(res, "loaded", path);
	cJSON_AddNumberToObject(res, "edits", (double)n);
	return 0;
}

static int load_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *path = cmd_word(a, "FILE");
	if (cmd_choice(a, "KIND") == 1)
		return load_overlay(s, path, res, err);
	mrs_config c = s->cfg;
	if (mrs_config_load(&c, path, err) || session_set_config(s, &c, err))
		return -1;
	cJSON_AddStringToObject(res, "loaded", path);
	cJSON_AddStringToObject(res, "preset", s->cfg.preset);
	return 0;
}

static void load_text(out *o, const cJSON *r)
{
	if (res_has(r, "edits")) {
		uint32_t n = res_u32(r, "edits");
		out_printf(o, "loaded %u what-if edit%s from %s\n", n, n == 1 ? "" : "s",
			   res_str(r, "loaded"));
	} else {
		out_printf(o, "loaded %s (preset %s)\n", res_str(r, "loaded"), res_str(r, "preset"));
	}
}

static const cmd_arg save_args[] = {
	{"KIND", .type = CMD_CHOICE, .what = "kind", .choices = kinds,
	 .help = "the configuration (weights) or the what-if edits (overlay)"},
	{"FILE", .type = CMD_WORD, .help = "a JSON file, or - for the command's own output"},
	{NULL},
};
static const cmd_arg load_args[] = {
	{"KIND", .type = CMD_CHOICE, .what = "kind", .choices = kinds,
	 .help = "a configuration (weights) or what-if edits (overlay)"},
	{"FILE", .type = CMD_WORD, .help = "a JSON file"},
	{NULL},
};

const cmd_entry cmd_save_entry = {
	"save", NULL, "write the configuration, or the what-if edits, as JSON", save_args,
	CMD_SESSION, save_exec, save_text, NULL,
};
const cmd_entry cmd_load_entry = {
	"load", NULL,
	"read a configuration or what-if edits (JSON; a bad field is named and nothing is "
	"applied)",
	load_args, CMD_SESSION, load_exec, load_text, NULL,
};
