/* cli.c: what the program shares below its commands: its options and paths, the checks
 * of a dataset about to be written, the model set's summary, the machine's memory. */
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

int cli_default_paths(cli_opts *o, mrs_error *err)
{
	static char data[PATH_MAX], models[PATH_MAX];
	paths_env env;
	paths_env_read(&env);
	const char *nosnap = getenv("MINIRECSYS_NO_SNAPSHOT");
	if (nosnap && *nosnap && strcmp(nosnap, "0") != 0)
		o->no_snapshot = true;
	if (!o->data) {
		if (paths_default(PATHS_DATA, &env, data, sizeof data, &o->data_rule, err))
			return -1;
		o->data = data;
	}
	if (!o->models) {
		if (paths_default(PATHS_MODELS, &env, models, sizeof models, &o->models_rule, err))
			return -1;
		o->models = models;
	}
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

int cli_check_output(const char *out, bool force, const char *const *inputs, int n,
		     mrs_error *err)
{
	if (strcmp(out, "-") == 0)
		return mrs_fail(err, MRS_ERR_USAGE,
				"-: a dataset is a SQLite file and cannot go to the standard output; "
				"name a file");
	struct stat sb;
	if (stat(out, &sb) != 0)
		return 0; /* a new file (or a dangling link, which the writer refuses) */
	for (int i = 0; i < n; i++)
		if (is_input(&sb, inputs[i]))
			return mrs_fail(err, MRS_ERR_USAGE,
					"%s is one of the inputs (%s); write to another file", out,
					inputs[i]);
	if (!force)
		return mrs_fail(err, MRS_ERR_REFUSED, "%s exists: add --force to replace it", out);
	return 0;
}

static const char *const card_keys[] = {"missing", "no_dataset", "this_dataset",
					"other_dataset"};

void cli_models_summary(const char *dir, const mrs_dataset *ds, cJSON *json)
{
	char set[4200];
	mrs_error err = {0};
	if (mrs_models_current(dir, set, sizeof set, &err)) {
		cJSON_AddStringToObject(json, "folder", dir);
		cJSON_AddStringToObject(json, "error", err.msg);
		return;
	}
	mrs_card_check cc[MRS_N_MODELS];
	mrs_models_check(set, ds, cc);
	cJSON *arr[4];
	cJSON_AddStringToObject(json, "folder", set);
	for (int k = 0; k < 4; k++)
		arr[k] = cJSON_AddArrayToObject(json, card_keys[k]);
	cJSON *skipped = cJSON_AddArrayToObject(json, "skipped");
	bool other = false;
	for (int id = 0; id < MRS_N_MODELS; id++) {
		int k = cc[id].state;
		if (k == MRS_CARD_THIS && cc[id].skipped[0]) {
			/* trained on this dataset: `train` found nothing to fit it on */
			cJSON_AddItemToArray(skipped, cJSON_CreateString(mrs_model_name(id)));
			continue;
		}
		cJSON_AddItemToArray(arr[k], cJSON_CreateString(mrs_model_name(id)));
		if (k == MRS_CARD_OTHER && !other) {
			cJSON_AddStringToObject(json, "other_fingerprint", cc[id].fingerprint);
			other = true;
		}
	}
}

/* The names of json[key], ", " between them, into buf; returns how many. */
static int card_names(const cJSON *json, const char *key, char *buf, size_t size)
{
	const cJSON *name;
	int n = 0;
	size_t len = 0;
	buf[0] = '\0';
	cJSON_ArrayForEach(name, cJSON_GetObjectItemCaseSensitive(json, key))
	{
		if (cJSON_IsString(name) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", n ? ", " : "",
						name->valuestring);
		n++;
	}
	return n;
}

void cli_models_line(const cJSON *json, char *text, size_t size)
{
	const cJSON *folder = cJSON_GetObjectItemCaseSensitive(json, "folder");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(json, "error");
	const char *set = cJSON_IsString(folder) ? folder->valuestring : "";
	if (cJSON_IsString(error)) {
		snprintf(text, size, "%s", error->valuestring);
		return;
	}
	char names[4][200];
	int count[4];
	for (int k = 0; k < 4; k++)
		count[k] = card_names(json, card_keys[k], names[k], sizeof names[k]);
	if (count[MRS_CARD_MISSING] == MRS_N_MODELS) {
		snprintf(text, size, "%s: no models (`train` makes them)", set);
		return;
	}
	int len = snprintf(text, size, "%s: %d of %d trained on this dataset", set,
			   count[MRS_CARD_THIS], MRS_N_MODELS);
	char skipped[200];
	int n_skipped = card_names(json, "skipped", skipped, sizeof skipped);
	if (n_skipped && len < (int)size)
		len += snprintf(text + len, size - len,
				"; %s skipped in training (the data lacks what %s from: the card "
				"says why), falling back",
				skipped, n_skipped == 1 ? "it learns" : "they learn");
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(json, "other_fingerprint");
	if (count[MRS_CARD_OTHER] && len < (int)size)
		len += snprintf(text + len, size - len,
				"; %s trained on another dataset (fingerprint %s): falling back",
				names[MRS_CARD_OTHER], cJSON_IsString(fp) ? fp->valuestring : "?");
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
