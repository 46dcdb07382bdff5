/* overlay.c: what-if edits (follows, unfollows, blocks, mutes, likes and hides): their
 * names, their checks, and edits saved and loaded as JSON. slice.c applies them to a copy
 * of a dataset (mrs_dataset_with_edits). */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "dataset/dataset.h"

static const char *const edit_names[MRS_N_EDITS] = {
	"follow", "unfollow", "block", "mute", "like", "hide",
};

const char *mrs_edit_name(int kind)
{
	return kind >= 0 && kind < MRS_N_EDITS ? edit_names[kind] : NULL;
}

int mrs_edit_by_name(const char *name)
{
	for (int k = 0; k < MRS_N_EDITS; k++)
		if (strcmp(name, edit_names[k]) == 0)
			return k;
	return -1;
}

static bool targets_tweet(int kind)
{
	return kind == MRS_EDIT_LIKE || kind == MRS_EDIT_HIDE;
}

int mrs_edit_check(const mrs_dataset *ds, const mrs_edit *e, mrs_error *err)
{
	const char *name = mrs_edit_name(e->kind);
	if (!name)
		return mrs_fail(err, MRS_ERR_USAGE, "edit kind %d does not exist", e->kind);
	if (e->user >= ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: user %u does not exist", name, e->user);
	if (targets_tweet(e->kind)) {
		if (e->target >= ds->n_tweets)
			return mrs_fail(err, MRS_ERR_USAGE, "%s: tweet %u does not exist", name, e->target);
		return 0;
	}
	if (e->target >= ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: user %u does not exist", name, e->target);
	if (e->target == e->user)
		return mrs_fail(err, MRS_ERR_USAGE, "%s: a user cannot %s themselves", name, name);
	return 0;
}

char *mrs_edits_to_json(const mrs_edit *edits, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "edits");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", mrs_edit_name(edits[i].kind));
		cJSON_AddNumberToObject(o, "user", edits[i].user);
		cJSON_AddNumberToObject(o, targets_tweet(edits[i].kind) ? "tweet" : "target",
					edits[i].target);
		cJSON_AddItemToArray(arr, o);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

int mrs_edits_save(const char *path, const mrs_edit *edits, size_t n, mrs_error *err)
{
	char *text = mrs_edits_to_json(edits, n);
	if (!text)
		return mrs_fail(err, MRS_ERR_NOMEM, "%s: cannot format the edits", path);
	int rc = mrs_file_write_text(path, text, err);
	cJSON_free(text);
	return rc;
}

int mrs_edits_load(const char *path, const mrs_dataset *ds, mrs_edit **edits, size_t *n,
		   mrs_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return mrs_fail(err, MRS_ERR_IO, "%s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char chunk[4096];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && len < (1u << 24)) {
		if (mrs_grow((void **)&text, &cap, len + got + 1, 1, "edits", err)) {
			fclose(f);
			free(text);
			return -1;
		}
		memcpy(text + len, chunk, got);
		len += got;
	}
	fclose(f);
	if (text)
		text[len] = '\0';
	cJSON *root = text ? cJSON_Parse(text) : NULL;
	free(text);
	const cJSON *arr = root ? cJSON_GetObjectItemCaseSensitive(root, "edits") : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return mrs_fail(err, MRS_ERR_DATA, "%s: expected {\"edits\": [...]}", path);
	}
	size_t count = (size_t)cJSON_GetArraySize(arr), i = 0;
	mrs_edit *out = mrs_calloc(count, sizeof *out, "edits", err);
	if (!out) {
		cJSON_Delete(root);
		return -1;
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kind");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "user");
		int kind = cJSON_IsString(k) ? mrs_edit_by_name(k->valuestring) : -1;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(
			o, kind >= 0 && targets_tweet(kind) ? "tweet" : "target");
		if (kind < 0 || !cJSON_IsNumber(u) || !cJSON_IsNumber(t) || u->valuedouble < 0 ||
		    t->valuedouble < 0 || u->valuedouble > UINT32_MAX || t->valuedouble > UINT32_MAX) {
			mrs_fail(err, MRS_ERR_DATA, "%s: edits[%zu]: expected a kind (%s, ...), a user "
				 "and a %s", path, i, edit_names[0],
				 kind >= 0 && targets_tweet(kind) ? "tweet" : "target");
			goto bad;
		}
		out[i] = (mrs_edit){kind, (uint32_t)u->valuedouble, (uint32_t)t->valuedouble};
		if (mrs_edit_check(ds, &out[i], err)) {
			mrs_error_prefix(err, "%s: edits[%zu]", path, i);
			goto bad;
		}
		i++;
	}
	cJSON_Delete(root);
	*edits = out;
	*n = i;
	return 0;
bad:
	if (err)
		err->code = MRS_ERR_DATA;
	free(out);
	cJSON_Delete(root);
	return -1;
}
