/* candidates.c: candidate lists and the names of sources and drop reasons. */
#include "retrieval/retrieval.h"

static const char *const source_names[MRS_N_SOURCES] = {
	"in_network", "out_of_network", "graph", "follow_recs",
};
static const char *const source_labels[MRS_N_SOURCES] = {
	"InNetwork", "OutOfNetwork", "Graph", "FollowRecs",
};

const char *mrs_source_name(int s)
{
	return s >= 0 && s < MRS_N_SOURCES ? source_names[s] : NULL;
}

const char *mrs_source_label(int s)
{
	return s >= 0 && s < MRS_N_SOURCES ? source_labels[s] : NULL;
}

int mrs_source_by_name(const char *name)
{
	for (int s = 0; s < MRS_N_SOURCES; s++)
		if (strcmp(name, source_names[s]) == 0 || strcmp(name, source_labels[s]) == 0)
			return s;
	return -1;
}

const char *mrs_drop_reason_name(int reason)
{
	static const char *const names[] = {
		[MRS_DROP_NONE] = "none",
		[MRS_DROP_SELF] = "own tweet",
		[MRS_DROP_SEEN] = "previously seen",
		[MRS_DROP_BLOCKED] = "author blocked or muted",
		[MRS_DROP_AGE] = "too old",
		[MRS_DROP_SAFETY] = "visibility: drop",
		[MRS_DROP_SCORE] = "score below threshold",
		[MRS_DROP_OON_CAP] = "out-of-network cap",
		[MRS_DROP_NOT_SELECTED] = "below the top K",
	};
	if (reason < 0 || (size_t)reason >= MRS_ARRAY_LEN(names))
		return "unknown";
	return names[reason];
}

void mrs_cand_init(mrs_candidate *c, const mrs_dataset *ds, uint32_t tweet)
{
	memset(c, 0, sizeof *c);
	c->tweet = tweet;
	c->author = ds->tweet_author[tweet];
	c->orig_author = mrs_ds_original_author(ds, tweet);
	c->via = MRS_NONE;
	c->dropped_at = -1;
	c->safety_mult = c->heur_mult = 1.0f;
}

int mrs_cand_push(mrs_cand_list *l, const mrs_candidate *c, mrs_error *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap;
		if (mrs_grow((void **)&l->v, &cap, (size_t)l->n + 1, sizeof *l->v, "candidates", err))
			return -1;
		l->cap = (uint32_t)cap;
	}
	l->v[l->n++] = *c;
	return 0;
}

void mrs_cand_list_free(mrs_cand_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
