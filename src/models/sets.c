/* sets.c: the models folder: its sets, the CURRENT pointer that names the one serving,
 * and what the model cards say about the dataset being served. */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models.h"

long mrs_models_set_number(const char *name)
{
	if (strncmp(name, "set-", 4) != 0 || !name[4])
		return -1;
	long n = 0;
	for (const char *p = name + 4; *p; p++) {
		if (*p < '0' || *p > '9' || n > 99999999)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n > 0 ? n : -1;
}

int mrs_models_current_name(const char *dir, char *name, size_t size, mrs_error *err)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/CURRENT", dir);
	name[0] = '\0';
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0; /* no pointer (or no folder): DIR is read as a set, or made */
	if (fd < 0)
		return mrs_fail(err, MRS_ERR_MODEL, "%s: cannot open: %s", path, strerror(errno));
	struct stat sb;
	char buf[40];
	ssize_t n = -1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return mrs_fail(err, MRS_ERR_MODEL, "%s: not a readable file", path);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (mrs_models_set_number(buf) < 0 || strlen(buf) >= size)
		return mrs_fail(err, MRS_ERR_MODEL, "%s: does not name a model set (set-N)", path);
	snprintf(name, size, "%s", buf);
	return 0;
}

int mrs_models_current(const char *dir, char *out, size_t size, mrs_error *err)
{
	char name[32];
	if (mrs_models_current_name(dir, name, sizeof name, err))
		return -1;
	int n = name[0] ? snprintf(out, size, "%s/%s", dir, name) : snprintf(out, size, "%s", dir);
	if (n < 0 || (size_t)n >= size)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", dir);
	struct stat sb;
	if (name[0] && (stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		return mrs_fail(err, MRS_ERR_MODEL, "%s/CURRENT names %s, which is missing", dir,
				name);
	return 0;
}

void mrs_models_check(const char *set_dir, const mrs_dataset *ds,
		      mrs_card_check out[MRS_N_MODELS])
{
	char want[20];
	snprintf(want, sizeof want, "%016llx", (unsigned long long)ds->source_fingerprint);
	for (int id = 0; id < MRS_N_MODELS; id++) {
		mrs_card_check *c = &out[id];
		memset(c, 0, sizeof *c);
		cJSON *card = mrs_card_read(set_dir, mrs_model_name(id), NULL);
		const cJSON *fp = cJSON_GetObjectItemCaseSensitive(card, "dataset_fingerprint");
		if (!card)
			c->state = MRS_CARD_MISSING;
		else if (!cJSON_IsString(fp) || !fp->valuestring[0])
			c->state = MRS_CARD_NO_DATASET;
		else {
			snprintf(c->fingerprint, sizeof c->fingerprint, "%s", fp->valuestring);
			c->state = strcmp(fp->valuestring, want) ? MRS_CARD_OTHER : MRS_CARD_THIS;
		}
		cJSON_Delete(card);
	}
}
