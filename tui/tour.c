/* tour.c: reads the guided tour's sections ("== NAME", "mirrors:", "look:", text). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tour.h"

void tour_free(tour *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n; i++) {
		free(t->steps[i].name), free(t->steps[i].mirrors);
		free(t->steps[i].look), free(t->steps[i].text);
	}
	free(t->steps);
	free(t->path);
	free(t);
}

static char *trimmed_dup(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Appends a line to *text: lines of one paragraph join with a space, paragraphs with a
 * blank line. */
static int append_text(char **text, const char *line, bool new_paragraph)
{
	size_t old = *text ? strlen(*text) : 0, add = strlen(line);
	char *t = realloc(*text, old + add + 3);
	if (!t)
		return -1;
	if (old)
		memcpy(t + old, new_paragraph ? "\n\n" : " ", new_paragraph ? 2 : 1), old += new_paragraph ? 2 : 1;
	memcpy(t + old, line, add + 1);
	*text = t;
	return 0;
}

static bool readable(const char *p)
{
	return access(p, R_OK) == 0;
}

/* The first tour file that exists, or NULL. */
static const char *find_file(char *buf, size_t size)
{
	const char *env = getenv("MINIRECSYS_TOUR");
	if (env && *env)
		return env;
	snprintf(buf, size, "%s/tour/en.txt", MRS_PKGDATADIR);
	if (readable(buf))
		return buf;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/data/tour/en.txt", exe);
			if (readable(buf))
				return buf;
		}
	}
	return readable("data/tour/en.txt") ? "data/tour/en.txt" : NULL;
}

tour *tour_load(const char *path, mrs_error *err)
{
	char found[PATH_MAX + 32];
	if (!path && !(path = find_file(found, sizeof found))) {
		mrs_fail(err, MRS_ERR_IO,
			 "the tour's text is not installed: no %s/tour/en.txt, and no data/tour/en.txt "
			 "beside the program or in the working folder; set MINIRECSYS_TOUR to the file",
			 MRS_PKGDATADIR);
		return NULL;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		mrs_fail(err, MRS_ERR_IO, "%s: cannot open the tour: %s", path, strerror(errno));
		return NULL;
	}
	tour *t = calloc(1, sizeof *t);
	if (!t || !(t->path = strdup(path))) {
		fclose(f);
		free(t);
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	char line[4096];
	int lineno = 0, cap = 0;
	bool blank = false;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (line[0] == '#')
			continue;
		char *s = trimmed_dup(line);
		if (!s)
			goto nomem;
		if (strncmp(s, "==", 2) == 0) {
			if (t->n == cap) {
				cap = cap ? cap * 2 : 16;
				tour_step *ns = realloc(t->steps, sizeof *ns * cap);
				if (!ns) {
					free(s);
					goto nomem;
				}
				t->steps = ns;
			}
			tour_step *st = &t->steps[t->n++];
			memset(st, 0, sizeof *st);
			st->name = trimmed_dup(s + 2);
			free(s);
			if (!st->name)
				goto nomem;
			blank = false;
			continue;
		}
		if (!*s) {
			blank = true;
			free(s);
			continue;
		}
		if (!t->n) {
			mrs_fail(err, MRS_ERR_DATA, "%s:%d: text before the first \"== NAME\"", path, lineno);
			free(s);
			goto fail;
		}
		tour_step *st = &t->steps[t->n - 1];
		int rc = 0;
		if (strncmp(s, "mirrors:", 8) == 0 && !st->mirrors)
			rc = (st->mirrors = trimmed_dup(s + 8)) ? 0 : -1;
		else if (strncmp(s, "look:", 5) == 0 && !st->look)
			rc = (st->look = trimmed_dup(s + 5)) ? 0 : -1;
		else
			rc = append_text(&st->text, s, blank);
		blank = false;
		free(s);
		if (rc)
			goto nomem;
	}
	fclose(f);
	for (int i = 0; i < t->n; i++)
		if (!t->steps[i].text || !t->steps[i].mirrors || !t->steps[i].look) {
			mrs_fail(err, MRS_ERR_DATA, "%s: step '%s' needs mirrors:, look: and text", path,
				 t->steps[i].name);
			tour_free(t);
			return NULL;
		}
	return t;
nomem:
	mrs_fail(err, MRS_ERR_NOMEM, "out of memory reading %s", path);
fail:
	fclose(f);
	tour_free(t);
	return NULL;
}

const tour_step *tour_find(const tour *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->steps[i].name, name) == 0)
			return &t->steps[i];
	return NULL;
}

int tour_step_stage(const tour_step *s)
{
	return mrs_stage_by_name(s->name);
}
