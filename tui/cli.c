/* cli.c: what the subcommands share: exit statuses, error messages, option values. */
#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "text.h"

int cli_exit_code(mrs_code code)
{
	return code == MRS_ERR_USAGE || code == MRS_ERR_DATA || code == MRS_ERR_IO ||
			       code == MRS_ERR_MODEL
		       ? EXIT_USAGE
		       : EXIT_FAILED;
}

int cli_error(const mrs_error *err)
{
	text_printf(stderr, "minirecsys: %s\n", err->msg);
	return cli_exit_code(err->code);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) >= 0)
		text_printf(stderr, "minirecsys: %s\n", msg);
	va_end(ap);
	free(msg);
	return EXIT_USAGE;
}

int cli_parse_u32(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v;
	if (cli_parse_u64(opt, text, &v))
		return -1;
	if (v < lo || v > hi) {
		cli_usage_error("%s: %s is out of range (%u .. %u)", opt, text, lo, hi);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int cli_parse_u64(const char *opt, const char *text, uint64_t *out)
{
	if (!text) {
		cli_usage_error("%s needs a value", opt);
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	/* digits only: strtoull would also take leading blanks and a sign (" -1" is 2^64-1) */
	if (!isdigit((unsigned char)text[0]) || *end) {
		cli_usage_error("%s: '%s' is not a non-negative integer", opt, text);
		return -1;
	}
	if (errno == ERANGE) {
		cli_usage_error("%s: %s is too large (at most %llu)", opt, text, ULLONG_MAX);
		return -1;
	}
	*out = v;
	return 0;
}

/* Is the file sb one of path's files (path itself, or a file directly in it when it is a
 * folder, as the lastfm importer reads)? */
static bool is_input(const struct stat *sb, const char *path)
{
	struct stat in;
	if (stat(path, &in) != 0)
		return false;
	if (in.st_dev == sb->st_dev && in.st_ino == sb->st_ino)
		return true;
	if (!S_ISDIR(in.st_mode))
		return false;
	DIR *d = opendir(path);
	bool found = false;
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", path, e->d_name);
		found = e->d_name[0] != '.' && stat(file, &in) == 0 && S_ISREG(in.st_mode) &&
			in.st_dev == sb->st_dev && in.st_ino == sb->st_ino;
	}
	if (d)
		closedir(d);
	return found;
}

int cli_check_output(const char *out, bool force, const char *const *inputs, int n)
{
	if (strcmp(out, "-") == 0)
		return cli_usage_error(
			"-: a dataset is a SQLite file and cannot go to the standard output; "
			"name a file");
	struct stat sb;
	if (stat(out, &sb) != 0)
		return EXIT_OK; /* a new file (or a dangling link, which the writer refuses) */
	for (int i = 0; i < n; i++)
		if (is_input(&sb, inputs[i])) {
			text_printf(stderr,
				    "minirecsys: %s is one of the inputs (%s); write the "
				    "dataset to another file\n",
				    out, inputs[i]);
			return EXIT_USAGE;
		}
	if (!force) {
		text_printf(stderr, "minirecsys: %s exists: add --force to replace it\n", out);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* Appends ", name" (or "name" first) to a list of model names. */
static void add_name(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);
	snprintf(list + len, size - len, "%s%s", len ? ", " : "", name);
}

void cli_models_summary(const char *dir, const mrs_dataset *ds, char *text, size_t size,
			cJSON *json)
{
	char set[4200];
	mrs_error err = {0};
	if (mrs_models_current(dir, set, sizeof set, &err)) {
		snprintf(text, size, "%s", err.msg);
		cJSON_AddStringToObject(json, "folder", dir);
		cJSON_AddStringToObject(json, "error", err.msg);
		return;
	}
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(set, ds, cc);
	static const char *const keys[] = {"missing", "no_dataset", "this_dataset",
					   "other_dataset"};
	char names[4][200] = {{0}}, other_fp[20] = "";
	int count[4] = {0};
	cJSON *arr[4];
	cJSON_AddStringToObject(json, "folder", set);
	for (int k = 0; k < 4; k++)
		arr[k] = cJSON_AddArrayToObject(json, keys[k]);
	for (int id = 0; id < MRS_N_MODELS; id++) {
		int k = cc[id].state;
		count[k]++;
		add_name(names[k], sizeof names[k], mrs_model_name(id));
		cJSON_AddItemToArray(arr[k], cJSON_CreateString(mrs_model_name(id)));
		if (k == MRS_CARD_OTHER && !other_fp[0])
			snprintf(other_fp, sizeof other_fp, "%s", cc[id].fingerprint);
	}
	if (count[MRS_CARD_MISSING] == MRS_N_MODELS) {
		snprintf(text, size, "%s: no models (`train` makes them)", set);
		return;
	}
	int len = snprintf(text, size, "%s: %d of %d trained on this dataset", set,
			   count[MRS_CARD_THIS], MRS_N_MODELS);
	if (count[MRS_CARD_OTHER] && len < (int)size)
		len += snprintf(text + len, size - len,
				"; %s trained on another dataset (fingerprint %s): falling back",
				names[MRS_CARD_OTHER], other_fp);
	if (count[MRS_CARD_NO_DATASET] && len < (int)size)
		len += snprintf(text + len, size - len, "; %s: no dataset recorded",
				names[MRS_CARD_NO_DATASET]);
	if (count[MRS_CARD_MISSING] && len < (int)size)
		snprintf(text + len, size - len, "; %s: missing", names[MRS_CARD_MISSING]);
}

/* The machine's memory: what can still be used without swapping (MemAvailable) and in
 * all (MemTotal), from /proc/meminfo; sysconf's page counts where that cannot be read. */
static void machine_memory(uint64_t *avail, uint64_t *total)
{
	*avail = *total = 0;
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb;
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			*avail = kb * 1024;
		else if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			*total = kb * 1024;
	}
	if (f)
		fclose(f);
	long page = sysconf(_SC_PAGESIZE), av = sysconf(_SC_AVPHYS_PAGES);
	long all = sysconf(_SC_PHYS_PAGES);
	if (!*avail && page > 0 && av > 0)
		*avail = (uint64_t)av * (uint64_t)page;
	if (!*total && page > 0 && all > 0)
		*total = (uint64_t)all * (uint64_t)page;
}

int cli_check_memory(const mrs_gen_params *p, const char *hint, mrs_error *err)
{
	uint64_t need = mrs_gen_memory_estimate(p), avail, total;
	machine_memory(&avail, &total);
	if (!avail || need <= avail)
		return 0;
	const double gib = 1024.0 * 1024 * 1024;
	return mrs_fail(err, MRS_ERR_NOMEM,
			"generate: this world needs about %.1f GiB of memory (estimated for %u "
			"users, %u tweets, %u impressions), more than the %.1f GiB available on "
			"this machine (%.1f GiB in all)%s",
			(double)need / gib, p->users, p->tweets, p->impressions,
			(double)avail / gib, (double)total / gib, hint);
}
