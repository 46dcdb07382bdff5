/* overlay.c: what-if edits: a copy of a dataset with follows, unfollows, blocks, mutes,
 * likes and hides applied, and edits saved and loaded as JSON. */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"
#include "file.h"

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

mrs_dataset *mrs_dataset_with_edits(const mrs_dataset *base, const mrs_edit *edits, size_t n,
				    int64_t when, mrs_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (mrs_edit_check(base, &edits[i], err))
			return NULL;
	mrs_dataset *ds = mrs_dataset_before(base, INT64_MAX, err);
	if (!ds)
		return NULL;
	size_t nf = ds->n_follows, nb = ds->n_blocks, ni = ds->n_impressions;
	uint32_t *fs = mrs_calloc(nf + n, sizeof(uint32_t), "edits", err);
	uint32_t *fd = mrs_calloc(nf + n, sizeof(uint32_t), "edits", err);
	int64_t *ft = mrs_calloc(nf + n, sizeof(int64_t), "edits", err);
	uint32_t *bs = mrs_calloc(nb + n, sizeof(uint32_t), "edits", err);
	uint32_t *bd = mrs_calloc(nb + n, sizeof(uint32_t), "edits", err);
	uint8_t *bk = mrs_calloc(nb + n, 1, "edits", err);
	int64_t *bt = mrs_calloc(nb + n, sizeof(int64_t), "edits", err);
	uint32_t *iu = mrs_calloc(ni + n, sizeof(uint32_t), "edits", err);
	uint32_t *it = mrs_calloc(ni + n, sizeof(uint32_t), "edits", err);
	int64_t *its = mrs_calloc(ni + n, sizeof(int64_t), "edits", err);
	uint8_t *ia = mrs_calloc(ni + n, 1, "edits", err);
	float *ip = mrs_calloc(ni + n, sizeof(float), "edits", err); /* an edit's: 0, unknown */
	int rc = -1;
	if (!fs || !fd || !ft || !bs || !bd || !bk || !bt || !iu || !it || !its || !ia || !ip)
		goto out;
	/* existing follows, minus the unfollowed ones (the last edit of a pair wins) */
	size_t m = 0;
	for (uint32_t u = 0; u < ds->n_users; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++) {
			int last = -1;
			for (size_t k = 0; k < n; k++)
				if (edits[k].user == u && edits[k].target == ds->fol_dst[e] &&
				    (edits[k].kind == MRS_EDIT_FOLLOW || edits[k].kind == MRS_EDIT_UNFOLLOW))
					last = edits[k].kind;
			if (last == MRS_EDIT_UNFOLLOW)
				continue;
			fs[m] = u, fd[m] = ds->fol_dst[e], ft[m] = ds->fol_time[e];
			m++;
		}
	for (size_t k = 0; k < n; k++) {
		if (edits[k].kind != MRS_EDIT_FOLLOW)
			continue;
		bool undone = false; /* a later unfollow of the same pair */
		for (size_t j = k + 1; j < n; j++)
			undone |= edits[j].kind == MRS_EDIT_UNFOLLOW && edits[j].user == edits[k].user &&
				  edits[j].target == edits[k].target;
		if (!undone) {
			fs[m] = edits[k].user, fd[m] = edits[k].target, ft[m] = when;
			m++;
		}
	}
	if (mrs_ds_set_follows(ds, fs, fd, ft, m, err))
		goto out;
	m = 0;
	for (uint32_t u = 0; u < ds->n_users; u++)
		for (uint32_t e = ds->blk_off[u]; e < ds->blk_off[u + 1]; e++) {
			bs[m] = u, bd[m] = ds->blk_dst[e], bk[m] = ds->blk_kind[e], bt[m] = ds->blk_time[e];
			m++;
		}
	for (size_t k = 0; k < n; k++)
		if (edits[k].kind == MRS_EDIT_BLOCK || edits[k].kind == MRS_EDIT_MUTE) {
			bs[m] = edits[k].user, bd[m] = edits[k].target;
			bk[m] = edits[k].kind == MRS_EDIT_BLOCK ? MRS_BLOCK : MRS_MUTE;
			bt[m] = when;
			m++;
		}
	if (mrs_ds_set_blocks(ds, bs, bd, bk, bt, m, err))
		goto out;
	memcpy(iu, ds->imp_user, sizeof(uint32_t) * ni);
	memcpy(it, ds->imp_tweet, sizeof(uint32_t) * ni);
	memcpy(its, ds->imp_time, sizeof(int64_t) * ni);
	memcpy(ia, ds->imp_actions, ni);
	memcpy(ip, ds->imp_propensity, sizeof(float) * ni);
	m = ni;
	for (size_t k = 0; k < n; k++)
		if (targets_tweet(edits[k].kind)) {
			iu[m] = edits[k].user, it[m] = edits[k].target, its[m] = when;
			ia[m] = (uint8_t)(1u << (edits[k].kind == MRS_EDIT_LIKE ? MRS_ACT_LIKE : MRS_ACT_NEGFB));
			m++;
		}
	if (mrs_ds_set_impressions(ds, iu, it, its, ia, ip, m, err) || mrs_dataset_index(ds, err))
		goto out;
	ds->t_begin = base->t_begin;
	ds->t_end = MRS_MAX(base->t_end, when);
	rc = 0;
out:
	free(fs), free(fd), free(ft), free(bs), free(bd), free(bk), free(bt);
	free(iu), free(it), free(its), free(ia), free(ip);
	if (rc) {
		mrs_dataset_free(ds);
		return NULL;
	}
	return ds;
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
