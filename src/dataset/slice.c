/* slice.c: datasets derived from another: the dataset as it was before a cutoff time (what
 * evaluation may see), the dataset without some of its impressions (a random split's train
 * view), and a copy with what-if edits applied (overlay.c has the edits themselves). Each is
 * one rebuild of the base's behaviour (follows, impressions, blocks) and its indexes; the
 * cut views borrow the base's users, tweets and texts, the what-if copy copies them. */
#include "dataset/dataset.h"

static void *dup_array(const void *src, size_t n, size_t size, mrs_error *err)
{
	void *p = mrs_calloc(n, size, "dataset copy", err);
	if (p && n)
		memcpy(p, src, n * size);
	return p;
}

/* Edges of one relation (follows, or blocks and mutes) as the parallel arrays
 * mrs_ds_set_follows and mrs_ds_set_blocks take. */
typedef struct edges {
	uint32_t *src, *dst;
	int64_t *time;
	uint8_t *kind; /* blocks only */
	size_t n;
} edges;

static void edges_free(edges *l)
{
	free(l->src), free(l->dst), free(l->time), free(l->kind);
}

/* The edges of ds's follows (or blocks) made before cutoff, in CSR order, with room for
 * `extra` more. */
static int edges_before(const mrs_dataset *ds, bool blocks, int64_t cutoff, size_t extra,
			edges *l, mrs_error *err)
{
	const uint32_t *off = blocks ? ds->blk_off : ds->fol_off;
	const uint32_t *dst = blocks ? ds->blk_dst : ds->fol_dst;
	const int64_t *time = blocks ? ds->blk_time : ds->fol_time;
	const char *what = blocks ? "blocks" : "follows";
	size_t cap = (blocks ? ds->n_blocks : ds->n_follows) + extra;
	*l = (edges){0};
	l->src = mrs_calloc(cap, sizeof(uint32_t), what, err);
	l->dst = mrs_calloc(cap, sizeof(uint32_t), what, err);
	l->time = mrs_calloc(cap, sizeof(int64_t), what, err);
	l->kind = blocks ? mrs_calloc(cap, 1, what, err) : NULL;
	if (!l->src || !l->dst || !l->time || (blocks && !l->kind)) {
		edges_free(l);
		return -1;
	}
	for (uint32_t u = 0; u < ds->n_users; u++)
		for (uint32_t e = off[u]; e < off[u + 1]; e++) {
			if (time[e] >= cutoff)
				continue;
			l->src[l->n] = u, l->dst[l->n] = dst[e], l->time[l->n] = time[e];
			if (blocks)
				l->kind[l->n] = ds->blk_kind[e];
			l->n++;
		}
	return 0;
}

/* The kind of the last follow or unfollow edit of the pair (u, v), or -1. */
static int last_follow_edit(const mrs_edit *edits, size_t n, uint32_t u, uint32_t v)
{
	for (size_t k = n; k > 0; k--) {
		const mrs_edit *e = &edits[k - 1];
		if (e->user == u && e->target == v &&
		    (e->kind == MRS_EDIT_FOLLOW || e->kind == MRS_EDIT_UNFOLLOW))
			return e->kind;
	}
	return -1;
}

/* Follows before the cutoff; with edits, the pairs whose last edit is an unfollow go and
 * those whose last edit is a follow are made at `when` (an older follow keeps its time). */
static int derive_follows(mrs_dataset *out, const mrs_dataset *ds, int64_t cutoff,
			  const mrs_edit *edits, size_t n, int64_t when, mrs_error *err)
{
	edges l;
	if (edges_before(ds, false, cutoff, n, &l, err))
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (n && last_follow_edit(edits, n, l.src[i], l.dst[i]) == MRS_EDIT_UNFOLLOW)
			continue;
		l.src[m] = l.src[i], l.dst[m] = l.dst[i], l.time[m] = l.time[i];
		m++;
	}
	for (size_t k = 0; k < n; k++)
		if (edits[k].kind == MRS_EDIT_FOLLOW &&
		    last_follow_edit(edits, n, edits[k].user, edits[k].target) == MRS_EDIT_FOLLOW) {
			l.src[m] = edits[k].user, l.dst[m] = edits[k].target, l.time[m] = when;
			m++;
		}
	int rc = mrs_ds_set_follows(out, l.src, l.dst, l.time, m, err);
	edges_free(&l);
	return rc;
}

/* Blocks and mutes before the cutoff, and those the edits make at `when`. */
static int derive_blocks(mrs_dataset *out, const mrs_dataset *ds, int64_t cutoff,
			 const mrs_edit *edits, size_t n, int64_t when, mrs_error *err)
{
	edges l;
	if (edges_before(ds, true, cutoff, n, &l, err))
		return -1;
	for (size_t k = 0; k < n; k++)
		if (edits[k].kind == MRS_EDIT_BLOCK || edits[k].kind == MRS_EDIT_MUTE) {
			l.src[l.n] = edits[k].user, l.dst[l.n] = edits[k].target, l.time[l.n] = when;
			l.kind[l.n++] = edits[k].kind == MRS_EDIT_BLOCK ? MRS_BLOCK : MRS_MUTE;
		}
	int rc = mrs_ds_set_blocks(out, l.src, l.dst, l.kind, l.time, l.n, err);
	edges_free(&l);
	return rc;
}

/* Is impression i kept: before the cutoff, and not dropped? */
static bool kept(const mrs_dataset *ds, uint32_t i, int64_t cutoff, const uint8_t *drop)
{
	return ds->imp_time[i] < cutoff && !(drop && drop[i]);
}

/* Impressions before the cutoff and not dropped (already sorted, so a plain copy stays
 * sorted), with their logging propensities; a what-if copy adds the edits' likes and hides
 * at `when` (whose propensity is unknown: 0) and sorts and merges them in. */
static int derive_impressions(mrs_dataset *out, const mrs_dataset *ds, int64_t cutoff,
			      const uint8_t *drop, bool whatif, const mrs_edit *edits, size_t n,
			      int64_t when, mrs_error *err)
{
	size_t ni = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		ni += kept(ds, i, cutoff, drop);
	uint32_t *iu = mrs_calloc(ni + n, sizeof(uint32_t), "impressions", err);
	uint32_t *it = mrs_calloc(ni + n, sizeof(uint32_t), "impressions", err);
	int64_t *its = mrs_calloc(ni + n, sizeof(int64_t), "impressions", err);
	uint8_t *ia = mrs_calloc(ni + n, 1, "impressions", err);
	float *ip = mrs_calloc(ni + n, sizeof(float), "impressions", err);
	int rc = -1;
	if (!iu || !it || !its || !ia || !ip)
		goto out;
	ni = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		if (!kept(ds, i, cutoff, drop))
			continue;
		iu[ni] = ds->imp_user[i], it[ni] = ds->imp_tweet[i];
		its[ni] = ds->imp_time[i], ia[ni] = ds->imp_actions[i];
		ip[ni] = ds->imp_propensity[i];
		ni++;
	}
	if (!whatif) {
		out->imp_user = iu, out->imp_tweet = it, out->imp_time = its, out->imp_actions = ia;
		out->imp_propensity = ip;
		out->n_impressions = (uint32_t)ni;
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		if (edits[k].kind != MRS_EDIT_LIKE && edits[k].kind != MRS_EDIT_HIDE)
			continue;
		iu[ni] = edits[k].user, it[ni] = edits[k].target, its[ni] = when;
		ia[ni] = (uint8_t)(1u << (edits[k].kind == MRS_EDIT_LIKE ? MRS_ACT_LIKE : MRS_ACT_NEGFB));
		ni++;
	}
	rc = mrs_ds_set_impressions(out, iu, it, its, ia, ip, ni, err);
out:
	free(iu), free(it), free(its), free(ia), free(ip);
	return rc;
}

/* Labelled texts are a training corpus, not behaviour: shared as they are. */
static int copy_texts(mrs_dataset *out, const mrs_dataset *ds, mrs_error *err)
{
	if (!ds->n_texts)
		return 0;
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
		return -1;
	out->n_texts = ds->n_texts;
	return 0;
}

/* The user, tweet and text arrays of ds copied into out (a what-if copy owns them all). */
static int copy_people_and_tweets(mrs_dataset *out, const mrs_dataset *ds, mrs_error *err)
{
	uint32_t nu = ds->n_users, nt = ds->n_tweets;
	/* the pools end after their last string's NUL */
	size_t hp = 0;
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
		return -1;
	memcpy(out->handle_off, ds->handle_off, sizeof(uint32_t) * nu);
	memcpy(out->user_created, ds->user_created, sizeof(int64_t) * nu);
	memcpy(out->user_verified, ds->user_verified, nu);
	memcpy(out->tweet_author, ds->tweet_author, sizeof(uint32_t) * nt);
	memcpy(out->tweet_time, ds->tweet_time, sizeof(int64_t) * nt);
	memcpy(out->tweet_rt_of, ds->tweet_rt_of, sizeof(uint32_t) * nt);
	memcpy(out->tweet_flags, ds->tweet_flags, nt);
	memcpy(out->text_off, ds->text_off, sizeof(uint32_t) * nt);
	return 0;
}

/* out borrows the user, tweet and text arrays of ds (a cut view: they do not change with
 * time); mrs_dataset_free leaves them to ds. */
static void borrow_people_and_tweets(mrs_dataset *out, const mrs_dataset *ds)
{
	free(out->handle_pool), free(out->handle_off), free(out->user_created);
	free(out->user_verified), free(out->tweet_author), free(out->tweet_time);
	free(out->tweet_rt_of), free(out->tweet_flags), free(out->text_pool), free(out->text_off);
	out->handle_pool = ds->handle_pool, out->handle_off = ds->handle_off;
	out->user_created = ds->user_created, out->user_verified = ds->user_verified;
	out->tweet_author = ds->tweet_author, out->tweet_time = ds->tweet_time;
	out->tweet_rt_of = ds->tweet_rt_of, out->tweet_flags = ds->tweet_flags;
	out->text_pool = ds->text_pool, out->text_off = ds->text_off;
	out->borrowed = true;
}

/* ds with what happened from `cutoff` on and the impressions marked in drop (if any) left
 * out and, for a what-if copy, the edits applied at `when`; its indexes built once. A cut
 * view borrows ds's user, tweet and text arrays; a what-if copy copies them. */
static mrs_dataset *derive(const mrs_dataset *ds, int64_t cutoff, const uint8_t *drop,
			   bool whatif, const mrs_edit *edits, size_t n, int64_t when,
			   mrs_error *err)
{
	mrs_dataset *out = mrs_ds_alloc(ds->n_users, ds->n_tweets, err);
	if (!out)
		return NULL;
	uint32_t nt = ds->n_tweets;
	if (!whatif)
		borrow_people_and_tweets(out, ds);
	else if (copy_people_and_tweets(out, ds, err))
		goto fail;
	/* the labels change with time: every view has its own */
	for (uint32_t t = 0; t < nt; t++) {
		if (ds->tweet_time[t] >= cutoff)
			continue; /* labels of later tweets did not exist yet */
		out->label_nsfw[t] = ds->label_nsfw[t];
		out->label_toxic[t] = ds->label_toxic[t];
	}
	if (derive_follows(out, ds, cutoff, edits, n, when, err) ||
	    derive_blocks(out, ds, cutoff, edits, n, when, err) ||
	    derive_impressions(out, ds, cutoff, drop, whatif, edits, n, when, err))
		goto fail;
	out->split_time = ds->split_time;
	out->time_scale = ds->time_scale;
	out->seed = ds->seed;
	out->has_truth = ds->has_truth;
	out->kind = mrs_strdup(ds->kind ? ds->kind : "unknown", err);
	out->params_json = mrs_strdup(ds->params_json ? ds->params_json : "{}", err);
	if (!out->kind || !out->params_json || copy_texts(out, ds, err) ||
	    mrs_dataset_index(out, err))
		goto fail;
	/* the same world, cut or edited: the models of the whole dataset belong to it */
	out->source_fingerprint = ds->source_fingerprint ? ds->source_fingerprint : ds->fingerprint;
	/* the copy keeps the full period's clock so requests can be made at any time (and a
	 * what-if copy's runs to its edits) */
	out->t_begin = ds->t_begin;
	out->t_end = whatif ? MRS_MAX(ds->t_end, when) : ds->t_end;
	return out;
fail:
	mrs_dataset_free(out);
	return NULL;
}

mrs_dataset *mrs_dataset_before(const mrs_dataset *ds, int64_t cutoff, mrs_error *err)
{
	return derive(ds, cutoff, NULL, false, NULL, 0, 0, err);
}

mrs_dataset *mrs_dataset_without(const mrs_dataset *ds, const uint8_t *drop, mrs_error *err)
{
	return derive(ds, INT64_MAX, drop, false, NULL, 0, 0, err);
}

mrs_dataset *mrs_dataset_with_edits(const mrs_dataset *base, const mrs_edit *edits, size_t n,
				    int64_t when, mrs_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (mrs_edit_check(base, &edits[i], err))
			return NULL;
	return derive(base, INT64_MAX, NULL, true, edits, n, when, err);
}
