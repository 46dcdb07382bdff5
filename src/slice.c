/* slice.c: the dataset as it was before a cutoff time (what evaluation may see). */
#include "internal.h"

static void *dup_array(const void *src, size_t n, size_t size, mrs_error *err)
{
	void *p = mrs_calloc(n, size, "dataset copy", err);
	if (p && n)
		memcpy(p, src, n * size);
	return p;
}

mrs_dataset *mrs_dataset_before(const mrs_dataset *ds, int64_t cutoff, mrs_error *err)
{
	mrs_dataset *out = mrs_ds_alloc(ds->n_users, ds->n_tweets, err);
	if (!out)
		return NULL;
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	size_t hp = ds->handle_off && nu ? 0 : 0;
	/* handles: the pool ends after the last handle's NUL */
	for (uint32_t u = 0; u < nu; u++) {
		size_t end = ds->handle_off[u] + strlen(mrs_handle(ds, u)) + 1;
		if (end > hp)
			hp = end;
	}
	size_t tp = 1;
	for (uint32_t t = 0; t < nt; t++) {
		size_t end = ds->text_off[t] + strlen(mrs_tweet_text(ds, t)) + 1;
		if (end > tp)
			tp = end;
	}
	free(out->handle_pool), free(out->text_pool);
	out->handle_pool = dup_array(ds->handle_pool, hp ? hp : 1, 1, err);
	out->text_pool = dup_array(ds->text_pool, tp, 1, err);
	if (!out->handle_pool || !out->text_pool)
		goto fail;
	memcpy(out->handle_off, ds->handle_off, sizeof(uint32_t) * nu);
	memcpy(out->user_created, ds->user_created, sizeof(int64_t) * nu);
	memcpy(out->user_verified, ds->user_verified, nu);
	memcpy(out->tweet_author, ds->tweet_author, sizeof(uint32_t) * nt);
	memcpy(out->tweet_time, ds->tweet_time, sizeof(int64_t) * nt);
	memcpy(out->tweet_rt_of, ds->tweet_rt_of, sizeof(uint32_t) * nt);
	memcpy(out->tweet_flags, ds->tweet_flags, nt);
	memcpy(out->text_off, ds->text_off, sizeof(uint32_t) * nt);
	for (uint32_t t = 0; t < nt; t++) {
		if (ds->tweet_time[t] >= cutoff)
			continue; /* labels of later tweets did not exist yet */
		out->label_nsfw[t] = ds->label_nsfw[t];
		out->label_toxic[t] = ds->label_toxic[t];
	}

	/* follows before the cutoff */
	size_t nf = 0;
	uint32_t *fs = mrs_calloc(ds->n_follows, sizeof(uint32_t), "follows", err);
	uint32_t *fd = mrs_calloc(ds->n_follows, sizeof(uint32_t), "follows", err);
	int64_t *ft = mrs_calloc(ds->n_follows, sizeof(int64_t), "follows", err);
	if (!fs || !fd || !ft) {
		free(fs), free(fd), free(ft);
		goto fail;
	}
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = ds->fol_off[u]; e < ds->fol_off[u + 1]; e++)
			if (ds->fol_time[e] < cutoff) {
				fs[nf] = u, fd[nf] = ds->fol_dst[e], ft[nf] = ds->fol_time[e];
				nf++;
			}
	int rc = mrs_ds_set_follows(out, fs, fd, ft, nf, err);
	free(fs), free(fd), free(ft);
	if (rc)
		goto fail;

	/* impressions before the cutoff (already sorted, so the copy stays sorted) */
	size_t ni = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		ni += ds->imp_time[i] < cutoff;
	out->imp_user = mrs_calloc(ni, sizeof(uint32_t), "impressions", err);
	out->imp_tweet = mrs_calloc(ni, sizeof(uint32_t), "impressions", err);
	out->imp_time = mrs_calloc(ni, sizeof(int64_t), "impressions", err);
	out->imp_actions = mrs_calloc(ni, 1, "impressions", err);
	out->imp_propensity = mrs_calloc(ni, sizeof(float), "impressions", err);
	if (!out->imp_user || !out->imp_tweet || !out->imp_time || !out->imp_actions ||
	    !out->imp_propensity)
		goto fail;
	ni = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		if (ds->imp_time[i] >= cutoff)
			continue;
		out->imp_user[ni] = ds->imp_user[i];
		out->imp_tweet[ni] = ds->imp_tweet[i];
		out->imp_time[ni] = ds->imp_time[i];
		out->imp_actions[ni] = ds->imp_actions[i];
		out->imp_propensity[ni] = ds->imp_propensity[i];
		ni++;
	}
	out->n_impressions = (uint32_t)ni;

	/* blocks and mutes before the cutoff */
	size_t nb = 0;
	uint32_t *bs = mrs_calloc(ds->n_blocks, sizeof(uint32_t), "blocks", err);
	uint32_t *bd = mrs_calloc(ds->n_blocks, sizeof(uint32_t), "blocks", err);
	uint8_t *bk = mrs_calloc(ds->n_blocks, 1, "blocks", err);
	int64_t *bt = mrs_calloc(ds->n_blocks, sizeof(int64_t), "blocks", err);
	if (!bs || !bd || !bk || !bt) {
		free(bs), free(bd), free(bk), free(bt);
		goto fail;
	}
	for (uint32_t u = 0; u < nu; u++)
		for (uint32_t e = ds->blk_off[u]; e < ds->blk_off[u + 1]; e++)
			if (ds->blk_time[e] < cutoff) {
				bs[nb] = u, bd[nb] = ds->blk_dst[e], bk[nb] = ds->blk_kind[e];
				bt[nb] = ds->blk_time[e];
				nb++;
			}
	rc = mrs_ds_set_blocks(out, bs, bd, bk, bt, nb, err);
	free(bs), free(bd), free(bk), free(bt);
	if (rc)
		goto fail;

	out->split_time = ds->split_time;
	out->seed = ds->seed;
	out->has_truth = ds->has_truth;
	out->kind = mrs_strdup(ds->kind ? ds->kind : "unknown", err);
	out->params_json = mrs_strdup(ds->params_json ? ds->params_json : "{}", err);
	if (!out->kind || !out->params_json)
		goto fail;
	if (ds->n_texts) {
		/* labelled texts are a training corpus, not behaviour: shared as they are */
		size_t pool = 0;
		for (uint32_t i = 0; i < ds->n_texts; i++) {
			size_t end = ds->texts_off[i] + strlen(ds->texts_pool + ds->texts_off[i]) + 1;
			pool = MRS_MAX(pool, end);
		}
		out->texts_pool = dup_array(ds->texts_pool, pool, 1, err);
		out->texts_off = dup_array(ds->texts_off, ds->n_texts, sizeof(uint32_t), err);
		out->texts_label = dup_array(ds->texts_label, ds->n_texts, 1, err);
		out->texts_task = mrs_strdup(ds->texts_task ? ds->texts_task : "", err);
		if (!out->texts_pool || !out->texts_off || !out->texts_label || !out->texts_task)
			goto fail;
		out->n_texts = ds->n_texts;
	}
	if (mrs_dataset_index(out, err))
		goto fail;
	/* the same world, cut: the models of the whole dataset belong to it */
	out->source_fingerprint = ds->source_fingerprint ? ds->source_fingerprint : ds->fingerprint;
	/* the slice keeps the full period's clock so requests can be made at any time */
	out->t_begin = ds->t_begin;
	out->t_end = ds->t_end;
	return out;
fail:
	mrs_dataset_free(out);
	return NULL;
}
