/* features.c: point-in-time counters and the one feature function that training and
 * serving share. */
#include <math.h>

#include "models/models.h"

/*
 * Point-in-time counters, built once per engine from e->ds. Every question is "how many
 * X strictly before t", answered by a binary search over a time-sorted list and a prefix
 * count beside it:
 * - per viewer: ds->uimp_off ranges are time-sorted; prefix counts of positive and of
 *   negative (negative feedback or report) impressions run over the whole array;
 * - per tweet: ds->timp ranges are time-sorted; prefix counts over timp positions;
 * - per author: the impressions of the author's tweets, sorted by (author, time), with
 *   prefix counts; per original author the same over the impressions of their tweets and
 *   of retweets of them by anyone;
 * - follow times of each user's followees and followers, sorted.
 * It also keeps the hashed words of every tweet's text (mrs_text_words): the features
 * read the words of every candidate and of the 250 texts of the viewer's history, for
 * every request and every training row, and hashing them once at open makes that a copy.
 *
 * And the tweet's own features at the engine's now (tweet_features: counts, rates, age,
 * its author's), for every tweet young enough to be a candidate then (the newest REC_MAX
 * at most), in an engine that keeps request caches (e->request_caches): a request at that
 * now reads one 64-byte record per candidate instead of some twenty scattered counters.
 */
#define MAX_WORDS 64     /* words kept per text */
#define HISTORY_WORDS 24 /* words read from each text of the viewer's history */

struct mrs_counts {
	uint32_t *u_pos, *u_neg;  /* [n_imp + 1] prefix over impressions (by user, time) */
	uint32_t *u_like;         /* [n_imp + 1] likes, prefix over impressions (by user, time) */
	int64_t *t_time;          /* [n_imp] imp_time in ds->timp order */
	uint32_t *t_pos, *t_neg;  /* [n_imp + 1] prefix over ds->timp order */
	uint32_t *t_like;         /* [n_imp + 1] likes, prefix over ds->timp order */
	uint32_t *e_user;         /* [t_pos[n_imp]] the viewer of each positive impression, in
				   * ds->timp order: the engagers of tweet t at timp positions
				   * [i, j) are e_user[t_pos[i] .. t_pos[j]) */
	int64_t *e_time;          /* [t_pos[n_imp]] their times */
	uint32_t *a_off;          /* [n_users + 1] */
	int64_t *a_time;          /* [n_imp] impressions of each author's tweets, by time */
	uint32_t *a_pos, *a_neg;  /* [n_imp + 1] prefix over the author order */
	uint32_t *a_rt, *a_like;  /* [n_imp + 1] retweets and likes, prefix over the author order */
	uint32_t *o_off;          /* [n_users + 1] */
	int64_t *o_time;          /* [n_imp] impressions of each original author's tweets and of
				   * their retweets, by time */
	uint32_t *o_act;          /* [n_imp + 1] positive actions, prefix over the o order */
	uint32_t *o_rt, *o_like;  /* [n_imp + 1] retweets and likes, prefix over the o order */
	int64_t *fol_t;           /* [n_follows] followee follow times, sorted per user */
	int64_t *fwr_t;           /* [n_follows] follower follow times, sorted per user */
	mrs_topics *topics;       /* word communities of the tweet texts */
	int16_t *tweet_topic;     /* [n_tweets] most frequent topic of its words, or -1 */
	uint32_t *word_off;       /* [n_tweets + 1] words of t: words[word_off[t] .. word_off[t+1]) */
	uint64_t *words;          /* the first MAX_WORDS words of every text, hashed */
	uint16_t *text_len;       /* [n_tweets] min(bytes of the text, 65535) */
	uint8_t *text_tags;       /* [n_tweets] min(hashtags in the text, 255) */
	uint32_t live_first;      /* the first tweet with a record */
	struct tweet_rec *rec;    /* [n_tweets - live_first] their tweet_features at e->now */
	bool mapped;              /* the arrays live in a snapshot */
};

/* A tweet's tweet_features in one cache line: the features that are not flags as they
 * are, the flags and the hashtag count (a multiple of 1/4 up to 1) in bits. */
#define REC_FLOATS 15
#define REC_MAX (1u << 22) /* 256 MB of records */
struct tweet_rec {
	float f[REC_FLOATS];
	uint32_t bits; /* rec_flag[i] at bit i, then 4 x F_TWEET_HASHTAGS from bit 4 */
};
_Static_assert(sizeof(struct tweet_rec) == 64, "a tweet record is one cache line");
static const uint8_t rec_float[REC_FLOATS] = {
	F_TWEET_TEXT_LENGTH, F_TWEET_AGE, F_TWEET_RECENCY, F_TWEET_IMPRESSIONS,
	F_TWEET_ENGAGEMENTS, F_TWEET_ENG_RATE, F_TWEET_NEG_RATE, F_AUTHOR_FOLLOWERS,
	F_AUTHOR_ENG_RATE, F_AUTHOR_NEG_RATE, F_AUTHOR_RT_RATIO, F_AUTHOR_ACTION_RATE,
	F_AUTHOR_RT_LIKE, F_AUTHOR_TWEETS, F_TWEET_LIKE_LOGIT};
static const uint8_t rec_flag[4] = {F_TWEET_MEDIA, F_TWEET_LINK, F_TWEET_RETWEET,
				    F_AUTHOR_VERIFIED};

#define NEG_MASK ((1u << MRS_ACT_NEGFB) | (1u << MRS_ACT_REPORT))

void mrs_counts_free(struct mrs_counts *c)
{
	if (!c)
		return;
	mrs_topics_free(c->topics);
	if (c->mapped) {
		free(c);
		return;
	}
	free(c->u_pos), free(c->u_neg), free(c->u_like), free(c->t_time), free(c->t_pos),
		free(c->t_neg), free(c->t_like), free(c->e_user), free(c->e_time);
	free(c->a_off), free(c->a_time), free(c->a_pos), free(c->a_neg), free(c->a_rt), free(c->a_like);
	free(c->o_off), free(c->o_time), free(c->o_act), free(c->o_rt), free(c->o_like);
	free(c->fol_t), free(c->fwr_t);
	free(c->tweet_topic), free(c->word_off), free(c->words), free(c->text_len),
		free(c->text_tags), free(c->rec);
	free(c);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

typedef struct timed {
	int64_t t;
	uint32_t i;
} timed;

static int cmp_timed(const void *a, const void *b)
{
	const timed *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Number of values in t[lo, hi) (ascending) that are < x. */
static uint32_t count_before(const int64_t *t, uint32_t lo, uint32_t hi, int64_t x)
{
	return mrs_lower_bound_time(t, NULL, lo, hi, x) - lo;
}

/* The impression's author: the tweet's (the retweeting account for a retweet), or with
 * `original` the original's. */
static uint32_t imp_author(const mrs_dataset *ds, uint32_t i, bool original)
{
	uint32_t t = ds->imp_tweet[i];
	if (original && ds->tweet_rt_of[t] != MRS_NONE)
		t = ds->tweet_rt_of[t];
	return ds->tweet_author[t];
}

/* Sorts the impressions by (author, time) into tmp [n_imp], with off [n_users + 1]. */
static void sort_by_author(const mrs_dataset *ds, bool original, uint32_t *off, uint32_t *fill,
			   timed *tmp)
{
	uint32_t nu = ds->n_users, ni = ds->n_impressions;
	for (uint32_t i = 0; i < ni; i++)
		off[imp_author(ds, i, original) + 1]++;
	for (uint32_t a = 0; a < nu; a++)
		off[a + 1] += off[a];
	memcpy(fill, off, sizeof(uint32_t) * nu);
	for (uint32_t i = 0; i < ni; i++)
		tmp[fill[imp_author(ds, i, original)]++] = (timed){ds->imp_time[i], i};
	for (uint32_t a = 0; a < nu; a++)
		qsort(tmp + off[a], off[a + 1] - off[a], sizeof *tmp, cmp_timed);
}

/* Positive actions an impression drew (a like and a retweet count 2). */
static uint32_t positive_actions(uint8_t acts)
{
	return (uint32_t)__builtin_popcount(acts & MRS_POSITIVE_MASK);
}

static int build_author_index(struct mrs_counts *c, const mrs_dataset *ds, mrs_error *err)
{
	uint32_t nu = ds->n_users, ni = ds->n_impressions;
	timed *tmp = mrs_calloc(ni, sizeof *tmp, "author impressions", err);
	uint32_t *fill = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "author impressions", err);
	c->a_off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "author impressions", err);
	c->a_time = mrs_calloc(ni, sizeof(int64_t), "author impressions", err);
	c->a_pos = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->a_neg = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->a_rt = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->a_like = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->o_off = mrs_calloc((size_t)nu + 1, sizeof(uint32_t), "author impressions", err);
	c->o_time = mrs_calloc(ni, sizeof(int64_t), "author impressions", err);
	c->o_act = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->o_rt = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	c->o_like = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "author impressions", err);
	if (!tmp || !fill || !c->a_off || !c->a_time || !c->a_pos || !c->a_neg || !c->a_rt ||
	    !c->a_like || !c->o_off || !c->o_time || !c->o_act || !c->o_rt || !c->o_like) {
		free(tmp), free(fill);
		return -1;
	}
	sort_by_author(ds, false, c->a_off, fill, tmp);
	for (uint32_t k = 0; k < ni; k++) {
		uint8_t acts = ds->imp_actions[tmp[k].i];
		c->a_time[k] = tmp[k].t;
		c->a_pos[k + 1] = c->a_pos[k] + ((acts & MRS_POSITIVE_MASK) != 0);
		c->a_neg[k + 1] = c->a_neg[k] + ((acts & NEG_MASK) != 0);
		c->a_rt[k + 1] = c->a_rt[k] + ((acts >> MRS_ACT_RETWEET) & 1u);
		c->a_like[k + 1] = c->a_like[k] + ((acts >> MRS_ACT_LIKE) & 1u);
	}
	sort_by_author(ds, true, c->o_off, fill, tmp);
	for (uint32_t k = 0; k < ni; k++) {
		c->o_time[k] = tmp[k].t;
		uint8_t acts = ds->imp_actions[tmp[k].i];
		c->o_act[k + 1] = c->o_act[k] + positive_actions(acts);
		c->o_rt[k + 1] = c->o_rt[k] + ((acts >> MRS_ACT_RETWEET) & 1u);
		c->o_like[k + 1] = c->o_like[k] + ((acts >> MRS_ACT_LIKE) & 1u);
	}
	free(tmp), free(fill);
	return 0;
}

static unsigned hashtags(const char *s);

/* Every tweet's text: its hashed words into c->word_off and c->words, its length and its
 * hashtags into c->text_len and c->text_tags (the features of a candidate read these
 * rather than its text). */
static int hash_words(struct mrs_counts *c, const mrs_dataset *ds, mrs_error *err)
{
	size_t cap = 0, n = 0;
	uint64_t w[MAX_WORDS];
	size_t nt = MRS_MAX(ds->n_tweets, 1u);
	if (!(c->word_off = mrs_calloc((size_t)ds->n_tweets + 1, sizeof(uint32_t), "tweet words",
				       err)) ||
	    !(c->text_len = mrs_calloc(nt, sizeof(uint16_t), "tweet texts", err)) ||
	    !(c->text_tags = mrs_calloc(nt, sizeof(uint8_t), "tweet texts", err)))
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		const char *text = mrs_tweet_text(ds, t);
		size_t len = strlen(text);
		unsigned tags = hashtags(text);
		c->text_len[t] = (uint16_t)MRS_MIN(len, (size_t)UINT16_MAX);
		c->text_tags[t] = (uint8_t)MRS_MIN(tags, 255u);
		size_t k = mrs_text_words(text, w, MAX_WORDS);
		if (n + k > UINT32_MAX)
			return mrs_fail(err, MRS_ERR_DATA, "features: over 4 billion words in the texts");
		if (mrs_grow((void **)&c->words, &cap, n + k, sizeof(uint64_t), "tweet words", err))
			return -1;
		if (k) /* c->words is still NULL while every text so far had no word */
			memcpy(c->words + n, w, k * sizeof(uint64_t));
		n += k;
		c->word_off[t + 1] = (uint32_t)n;
	}
	return 0;
}

/* The hashed words of tweet t (at most MAX_WORDS); *n gets how many. */
static const uint64_t *tweet_words(const struct mrs_counts *c, uint32_t t, size_t *n)
{
	*n = c->word_off[t + 1] - c->word_off[t];
	return c->words ? c->words + c->word_off[t] : NULL;
}

/* Each tweet's word topic (mrs_topic_of_text), or -1. */
static int tweet_topics(struct mrs_counts *c, const mrs_dataset *ds, mrs_error *err)
{
	c->tweet_topic = mrs_calloc(ds->n_tweets + 1, sizeof(int16_t), "tweet topics", err);
	if (!c->tweet_topic)
		return -1;
	for (uint32_t t = 0; t < ds->n_tweets; t++) {
		size_t n;
		const uint64_t *w = tweet_words(c, t, &n);
		int32_t tp = mrs_topic_of_text(c->topics, w, n);
		c->tweet_topic[t] = (int16_t)(tp <= INT16_MAX ? tp : -1);
	}
	return 0;
}

static void tweet_features(const mrs_engine *e, uint32_t t, int64_t now, float *f);

/* The records of the tweets created within the age limit of e->now (ids are in time
 * order), at e->now. */
static int tweet_records(mrs_engine *e, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	struct mrs_counts *c = e->counts;
	c->live_first = e->request_caches ? mrs_first_young_tweet(ds, e->now) : ds->n_tweets;
	c->live_first = MRS_MAX(c->live_first, ds->n_tweets - MRS_MIN(ds->n_tweets, REC_MAX));
	size_t n = MRS_MAX(ds->n_tweets - c->live_first, 1u);
	if (!(c->rec = aligned_alloc(64, n * sizeof *c->rec)))
		return mrs_fail(err, MRS_ERR_NOMEM, "counters: out of memory for %zu tweet records",
				n);
	memset(c->rec, 0, n * sizeof *c->rec);
	for (uint32_t t = c->live_first; t < ds->n_tweets; t++) {
		float f[MRS_N_FEATURES];
		tweet_features(e, t, e->now, f);
		struct tweet_rec *r = &c->rec[t - c->live_first];
		for (int i = 0; i < REC_FLOATS; i++)
			r->f[i] = f[rec_float[i]];
		for (int i = 0; i < 4; i++)
			r->bits |= (uint32_t)(f[rec_flag[i]] != 0) << i;
		r->bits |= (uint32_t)(f[F_TWEET_HASHTAGS] * 4) << 4;
	}
	return 0;
}

/* tweet_features(e, t, e->now, f) from t's record, bit for bit */
static void tweet_features_rec(const struct tweet_rec *r, float *f)
{
	for (int i = 0; i < REC_FLOATS; i++)
		f[rec_float[i]] = r->f[i];
	for (int i = 0; i < 4; i++)
		f[rec_flag[i]] = (r->bits >> i) & 1u ? 1.0f : 0.0f;
	f[F_TWEET_HASHTAGS] = (float)(r->bits >> 4) / 4.0f;
}

int mrs_counts_open(mrs_engine *e, const mrs_progress *p, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t ni = ds->n_impressions, nf = ds->n_follows;
	if (mrs_progress_report(p, "point-in-time counters", 0, 1, NULL))
		return mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled while counting");
	struct mrs_counts *c = mrs_calloc(1, sizeof *c, "counters", err);
	if (!c)
		return -1;
	e->counts = c;
	c->u_pos = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->u_neg = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->u_like = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->t_like = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->t_time = mrs_calloc(ni, sizeof(int64_t), "counters", err);
	c->t_pos = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->t_neg = mrs_calloc((size_t)ni + 1, sizeof(uint32_t), "counters", err);
	c->fol_t = mrs_calloc(nf, sizeof(int64_t), "counters", err);
	c->fwr_t = mrs_calloc(nf, sizeof(int64_t), "counters", err);
	if (!c->u_pos || !c->u_neg || !c->u_like || !c->t_time || !c->t_pos || !c->t_neg ||
	    !c->t_like || !c->fol_t || !c->fwr_t)
		return -1;
	for (uint32_t i = 0; i < ni; i++) {
		uint8_t a = ds->imp_actions[i];
		c->u_pos[i + 1] = c->u_pos[i] + ((a & MRS_POSITIVE_MASK) != 0);
		c->u_neg[i + 1] = c->u_neg[i] + ((a & NEG_MASK) != 0);
		c->u_like[i + 1] = c->u_like[i] + ((a >> MRS_ACT_LIKE) & 1u);
		uint32_t j = ds->timp[i];
		uint8_t b = ds->imp_actions[j];
		c->t_time[i] = ds->imp_time[j];
		c->t_pos[i + 1] = c->t_pos[i] + ((b & MRS_POSITIVE_MASK) != 0);
		c->t_neg[i + 1] = c->t_neg[i] + ((b & NEG_MASK) != 0);
		c->t_like[i + 1] = c->t_like[i] + ((b >> MRS_ACT_LIKE) & 1u);
	}
	uint32_t np = c->t_pos[ni];
	c->e_user = mrs_calloc(MRS_MAX(np, 1u), sizeof(uint32_t), "counters", err);
	c->e_time = mrs_calloc(MRS_MAX(np, 1u), sizeof(int64_t), "counters", err);
	if (!c->e_user || !c->e_time)
		return -1;
	for (uint32_t i = 0; i < ni; i++)
		if (c->t_pos[i + 1] != c->t_pos[i]) {
			uint32_t j = ds->timp[i];
			c->e_user[c->t_pos[i]] = ds->imp_user[j];
			c->e_time[c->t_pos[i]] = ds->imp_time[j];
		}
	if (mrs_progress_report(p, "point-in-time counters", 0.4, 1, NULL))
		return mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled while counting");
	memcpy(c->fol_t, ds->fol_time, sizeof(int64_t) * nf);
	for (uint32_t e2 = 0; e2 < nf; e2++)
		c->fwr_t[e2] = ds->fol_time[ds->fwr_edge[e2]];
	for (uint32_t u = 0; u < ds->n_users; u++) {
		qsort(c->fol_t + ds->fol_off[u], ds->fol_off[u + 1] - ds->fol_off[u],
		      sizeof(int64_t), cmp_i64);
		qsort(c->fwr_t + ds->fwr_off[u], ds->fwr_off[u + 1] - ds->fwr_off[u],
		      sizeof(int64_t), cmp_i64);
	}
	if (build_author_index(c, ds, err))
		return -1;
	if (mrs_progress_report(p, "point-in-time counters", 0.7, 1, "word topics"))
		return mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled while counting");
	if (!(c->topics = mrs_topics_build(ds, err)) || hash_words(c, ds, err) ||
	    tweet_topics(c, ds, err) || tweet_records(e, err))
		return -1;
	return mrs_progress_report(p, "point-in-time counters", 1, 1, NULL)
		       ? mrs_fail(err, MRS_ERR_CANCELLED, "engine: cancelled while counting")
		       : 0;
}

int mrs_counts_snap(mrs_engine *e, mrs_snap_io *io)
{
	const mrs_dataset *ds = e->ds;
	if (!io->writing && !(e->counts = mrs_calloc(1, sizeof *e->counts, "counters", io->err)))
		return -1;
	struct mrs_counts *c = e->counts;
	c->mapped = !io->writing;
	size_t ni = ds->n_impressions, nf = ds->n_follows, nu = ds->n_users, nt = ds->n_tweets;
	mrs_snap_io *o = io;
	if (MRS_SNAP_ARRAY(o, "counts.u_pos", c->u_pos, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.u_neg", c->u_neg, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.u_like", c->u_like, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.t_time", c->t_time, ni) ||
	    MRS_SNAP_ARRAY(o, "counts.t_pos", c->t_pos, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.t_neg", c->t_neg, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.t_like", c->t_like, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.e_user", c->e_user, MRS_MAX(c->t_pos[ni], 1u)) ||
	    MRS_SNAP_ARRAY(o, "counts.e_time", c->e_time, MRS_MAX(c->t_pos[ni], 1u)) ||
	    MRS_SNAP_ARRAY(o, "counts.a_off", c->a_off, nu + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.a_time", c->a_time, ni) ||
	    MRS_SNAP_ARRAY(o, "counts.a_pos", c->a_pos, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.a_neg", c->a_neg, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.a_rt", c->a_rt, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.a_like", c->a_like, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.o_off", c->o_off, nu + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.o_time", c->o_time, ni) ||
	    MRS_SNAP_ARRAY(o, "counts.o_act", c->o_act, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.o_rt", c->o_rt, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.o_like", c->o_like, ni + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.fol_t", c->fol_t, nf) ||
	    MRS_SNAP_ARRAY(o, "counts.fwr_t", c->fwr_t, nf) ||
	    mrs_topics_snap(&c->topics, o) ||
	    MRS_SNAP_ARRAY(o, "counts.tweet_topic", c->tweet_topic, nt + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.word_off", c->word_off, nt + 1) ||
	    MRS_SNAP_ARRAY(o, "counts.text_len", c->text_len, MRS_MAX(nt, 1u)) ||
	    MRS_SNAP_ARRAY(o, "counts.text_tags", c->text_tags, MRS_MAX(nt, 1u)) ||
	    mrs_snap_value(o, "counts.live_first", &c->live_first, sizeof c->live_first))
		return -1;
	if (c->live_first > nt)
		return mrs_fail(io->err, MRS_ERR_DATA,
				"snapshot: counters: first tweet with a record %u of %zu",
				c->live_first, nt);
	if (MRS_SNAP_ARRAY(o, "counts.rec", c->rec, MRS_MAX(nt - c->live_first, 1u)))
		return -1;
	if (!c->word_off)
		return mrs_fail(io->err, MRS_ERR_DATA, "snapshot: counters: no word offsets");
	return MRS_SNAP_ARRAY(o, "counts.words", c->words, c->word_off[nt]);
}

uint32_t mrs_counts_timp_end(const mrs_engine *e, uint32_t tweet, int64_t now)
{
	const mrs_dataset *ds = e->ds;
	if (!e->counts)
		return mrs_timp_end(ds, tweet, now);
	return mrs_lower_bound_time(e->counts->t_time, NULL, ds->timp_off[tweet],
				    ds->timp_off[tweet + 1], now);
}

uint32_t mrs_counts_timp_engagers(const mrs_engine *e, uint32_t from, uint32_t to,
				  const uint32_t **users, const int64_t **times)
{
	const struct mrs_counts *c = e->counts;
	*users = c->e_user + c->t_pos[from];
	if (times)
		*times = c->e_time + c->t_pos[from];
	return c->t_pos[to] - c->t_pos[from];
}

/* ------------------------------------------------------------------ the feature table */

_Static_assert(F_COUNT == MRS_N_FEATURES, "the feature table and MRS_N_FEATURES differ");

/* Every log1p(...) / k feature is capped at 2. Smoothed rates use a Beta(1, 9) prior: (k + 1) / (n + 10), so an unseen item starts
 * at 0.1 and moves to its own rate as evidence accrues. */
static const mrs_feature_info feature_info[MRS_N_FEATURES] = {
	[F_VIEWER_FOLLOWERS] = {"viewer_followers",
				"log1p(accounts following the viewer before now) / 8", "[0, 2]"},
	[F_VIEWER_FOLLOWING] = {"viewer_following",
				"log1p(accounts the viewer followed before now) / 8", "[0, 2]"},
	[F_VIEWER_ACCOUNT_AGE] = {"viewer_account_age",
				  "log1p(days since the viewer's account was created) / 8",
				  "[0, 2]"},
	[F_VIEWER_ACTIVITY] = {"viewer_activity",
			       "log1p(impressions the viewer had before now) / 8", "[0, 2]"},
	[F_VIEWER_ENG_RATE] = {"viewer_engagement_rate",
			       "(positive engagements + 1) / (impressions + 10) of the viewer "
			       "before now",
			       "[0, 1]"},
	[F_TWEET_TEXT_LENGTH] = {"tweet_text_length", "min(bytes of text, 560) / 280", "[0, 2]"},
	[F_TWEET_MEDIA] = {"tweet_has_media", "1 if the tweet has media, else 0", "{0, 1}"},
	[F_TWEET_LINK] = {"tweet_has_link", "1 if the tweet has a link, else 0", "{0, 1}"},
	[F_TWEET_HASHTAGS] = {"tweet_hashtags", "min(hashtags in the text, 4) / 4", "[0, 1]"},
	[F_TWEET_AGE] = {"tweet_age", "log1p(max(0, hours since the tweet was created)) / 6",
			 "[0, 2]"},
	[F_TWEET_RETWEET] = {"tweet_is_retweet", "1 if the tweet is a retweet, else 0", "{0, 1}"},
	[F_TWEET_IMPRESSIONS] = {"tweet_impressions",
				 "log1p(impressions of the tweet before now) / 8", "[0, 2]"},
	[F_TWEET_ENGAGEMENTS] = {"tweet_engagements",
				 "log1p(positive engagements with the tweet before now) / 6",
				 "[0, 2]"},
	[F_TWEET_ENG_RATE] = {"tweet_engagement_rate",
			      "(positive engagements + 1) / (impressions + 10) of the tweet "
			      "before now",
			      "[0, 1]"},
	[F_TWEET_NEG_RATE] = {"tweet_negative_rate",
			      "(negative feedback or reports + 1) / (impressions + 10) of the "
			      "tweet before now",
			      "[0, 1]"},
	[F_AUTHOR_FOLLOWERS] = {"author_followers",
				"log1p(accounts following the author before now) / 8", "[0, 2]"},
	[F_AUTHOR_VERIFIED] = {"author_verified", "1 if the author is verified, else 0",
			       "{0, 1}"},
	[F_AUTHOR_ENG_RATE] = {"author_engagement_rate",
			       "(positive engagements + 1) / (impressions + 10) of the author's "
			       "tweets before now",
			       "[0, 1]"},
	[F_AUTHOR_NEG_RATE] = {"author_negative_rate",
			       "(negative feedback or reports + 1) / (impressions + 10) of the "
			       "author's tweets before now",
			       "[0, 1]"},
	[F_AUTHOR_RT_RATIO] = {"author_retweet_ratio",
			       "min((retweets + 1) / (likes + 3), 2) of the author's tweets before "
			       "now",
			       "[0, 2]"},
	[F_PAIR_FOLLOWS] = {"pair_follows", "1 if the viewer followed the author before now",
			    "{0, 1}"},
	[F_PAIR_MUTUAL] = {"pair_mutual",
			   "1 if the author also followed the viewer before now (and pair_follows)",
			   "{0, 1}"},
	[F_PAIR_REALGRAPH] = {"pair_realgraph",
			      "RealGraph P(viewer interacts with author) at now (mrs_rg_scores)",
			      "[0, 1]"},
	[F_PAIR_ENGAGEMENTS] = {"pair_engagements",
				"log1p(the viewer's positive engagements with the author's tweets "
				"before now) / 3",
				"[0, 2]"},
	[F_PAIR_NEGATIVE] = {"pair_negative",
			     "log1p(the viewer's negative feedback or reports on the author's "
			     "tweets before now) / 2",
			     "[0, 2]"},
	[F_PAIR_TEXT_AFFINITY] = {"pair_text_affinity",
				  "mean over the tweet's words of logit(r_w) - logit(r), where r is "
				  "the viewer's engagement rate over their last 200 impressions before "
				  "now (their last 50 own tweets before now counting as engaged texts) "
				  "and r_w the rate over those texts with word w, shrunk to r "
				  "((pos_w + 2 r) / (seen_w + 2)); unseen words count 0; / 2, clipped",
				  "[-2, 2]"},
	[F_PAIR_TOPIC_AFFINITY] = {"pair_topic_affinity",
				   "(logit(r_t) - logit(r)) / 2, clipped: t the tweet's main word "
				   "topic (topics.c), r_t the viewer's smoothed rate over the history "
				   "texts of pair_text_affinity whose main topic is t; 0 without a "
				   "topic",
				   "[-2, 2]"},
	[F_PAIR_FOLLOW_TOPIC] = {"pair_follow_topic",
				 "log(K x (n_t + 1) / (n + K)) / 2, clipped: t the tweet's main word "
				 "topic, n_t of the latest 20 tweets before now of each account the "
				 "viewer followed before now those of topic t, n of any topic, K "
				 "topics; 0 for a tweet without a topic",
				 "[-2, 2]"},
	[F_PAIR_OWN_TOPIC] = {"pair_own_topic",
				"as pair_follow_topic, over the viewer's own latest 50 tweets "
				"before now: log(K x (n_t + 1) / (n + K)) / 2, clipped",
				"[-2, 2]"},
	[F_PAIR_TOPIC_EVIDENCE] = {"pair_topic_evidence",
				   "log(K x (n_t + 1) / (n + K)) / 2, clipped, counting for each "
				   "topic the viewer's own latest 50 tweets and positively engaged "
				   "texts among their last 200 impressions (1 each) and their "
				   "followees' latest tweets (0.3 each), all before now",
				   "[-2, 2]"},
	[F_EMB_SIMCLUSTERS] = {"emb_simclusters",
			       "SimClusters score: cosine(viewer InterestedIn, tweet embedding at "
			       "now) (mrs_sc_score)",
			       "[-1, 1]"},
	[F_EMB_TWHIN] = {"emb_twhin", "TwHIN score: cosine(viewer, tweet) (mrs_twhin_score)",
			 "[-1, 1]"},
	[F_EMB_TWHIN_AUTHOR] = {"emb_twhin_author",
				"TwHIN cosine(viewer, author) (mrs_twhin_user_sim)", "[-1, 1]"},
	[F_HOUR_SIN] = {"time_hour_sin", "sin(2 pi x UTC hour of day of now / 24)", "[-1, 1]"},
	[F_HOUR_COS] = {"time_hour_cos", "cos(2 pi x UTC hour of day of now / 24)", "[-1, 1]"},
	[F_SAFETY_NSFW] = {"safety_nsfw", "NSFW model probability of the text (0 without a model)",
			   "[0, 1]"},
	[F_SAFETY_TOXICITY] = {"safety_toxicity",
			       "toxicity model probability of the text (0 without a model)",
			       "[0, 1]"},
	[F_PAIR_COENGAGEMENT] = {"pair_coengagement",
				 "log1p(summed item-kNN similarity of the tweet to the tweets of the "
				 "viewer's latest 256 positive engagements before now, in the "
				 "engine's co-engagement index) up to 1.5, then 1.5 + 0.5 d / (1 + d) "
				 "with d = 2 (log1p - 1.5), below 2; 0 when the index holds behaviour "
				 "at or after now",
				 "[0, 2)"},
	[F_VIEWER_LIKE_LOGIT] = {"viewer_like_logit",
				 "logit((likes + 20 x 0.15) / (impressions + 20)) / 4, clipped, of "
				 "the viewer before now",
				 "[-2, 2]"},
	[F_AUTHOR_ACTION_RATE] = {"author_action_rate",
				  "log((positive actions + 20 x 0.4) / (impressions + 20)) / 4, "
				  "clipped, over the impressions before now of the original author's "
				  "tweets and of retweets of them (the retweeted account for a "
				  "retweet); a like and a retweet on one impression count 2",
				  "[-2, 2]"},
	[F_TWEET_LIKE_LOGIT] = {"tweet_like_logit",
				"logit((likes + 10 r) / (impressions + 10)) / 4, clipped, of the "
				"original tweet (the retweeted one for a retweet) before now, r = "
				"min(0.95, 0.15 / 0.4 x the shrunk rate of author_action_rate)",
				"[-2, 2]"},
	[F_PAIR_LIKE_LIFT] = {"pair_like_lift",
			      "(logit((likes + 4 r_v) / (impressions + 4)) - logit(r_v)) / 2, "
			      "clipped: the viewer's likes of the author's tweets per impression "
			      "of them before now, r_v the rate of viewer_like_logit",
			      "[-2, 2]"},
	[F_TWEET_RECENCY] = {"tweet_recency",
			     "exp(-max(0, days since the tweet was created) / 2)", "[0, 1]"},
	[F_PAIR_TOPIC_SHARE] = {"pair_topic_share",
				"(n_t + 1/4) / (n + K/4): n_t of the viewer's positively engaged "
				"impressions and own tweets before now those of the tweet's word "
				"topic, n those with a topic, K topics; 0 for a tweet without a topic",
				"[0, 1]"},
	[F_PAIR_IMPRESSION_SHARE] = {"pair_impression_share",
				     "(impressions of the author's tweets + 1) / (impressions of "
				     "followees' tweets + F) x F / 4, capped at 2, of the viewer before "
				     "now, F the accounts the viewer followed before now; 0 when the "
				     "viewer did not follow the author before now: how much more often "
				     "the feed showed this followee than an even spread would",
				     "[0, 2]"},
	[F_PAIR_SHOWN_TOPIC] = {"pair_shown_topic",
				"(n_t + 1/4) / (n + K/4): n_t of the viewer's out-of-network "
				"impressions before now (of authors they had not followed before now) "
				"those of the tweet's word topic, n those with a topic; 0 for a tweet "
				"without a topic: what an interest-targeted source showed them",
				"[0, 1]"},
	[F_AUTHOR_RT_LIKE] = {"author_rt_like",
			      "log((retweets + 1) / (likes + 3)) / 4, clipped, over the "
			      "impressions of author_action_rate",
			      "[-2, 2]"},
	[F_AUTHOR_TWEETS] = {"author_tweets",
			     "log1p(tweets and retweets the author posted before now) / 6",
			     "[0, 2]"},
};

const mrs_feature_info *mrs_feature_info_get(int i)
{
	return i >= 0 && i < MRS_N_FEATURES ? &feature_info[i] : NULL;
}

/* ------------------------------------------------------------------ the features */

/* log1p(x) / scale, capped at 2 (every log feature's documented range is [0, 2]). */
static float lg(double x, double scale)
{
	double v = log1p(x > 0 ? x : 0) / scale;
	return (float)(v < 2 ? v : 2);
}

float mrs_feature_coeng_scale(double x)
{
	double v = log1p(x > 0 ? x : 0);
	if (v <= 1.5)
		return (float)v;
	double d = (v - 1.5) * 2;
	return (float)(1.5 + 0.5 * d / (1 + d));
}

static float rate(uint32_t k, uint32_t n)
{
	return (float)((k + 1.0) / (n + 10.0));
}

/* Like rates shrink to a prior of mean LIKE_PRIOR (near a feed's like rate): a viewer or
 * an author with no history starts there. */
#define LIKE_PRIOR 0.15
#define ACTION_PRIOR 0.4 /* positive actions per impression */

/* (k + m p) / (n + m): k of n shrunk to p with the weight of m observations. */
static double shrunk(uint32_t k, uint32_t n, double p, double m)
{
	return (k + m * p) / (n + m);
}

static double logit(double p)
{
	return log(p / (1 - p));
}

static float clip2(double v)
{
	return (float)(v < -2 ? -2 : v > 2 ? 2 : v);
}

static unsigned hashtags(const char *s)
{
	unsigned n = 0;
	for (const char *p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ') &&
		    ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') ||
		     (p[1] >= '0' && p[1] <= '9') || (unsigned char)p[1] >= 0x80))
			n++;
	return n;
}

/* Per-candidate-author counts of the viewer's history, from one pass over it. */
typedef struct pair_hist {
	uint32_t *key;   /* authors, MRS_NONE for an empty slot */
	uint32_t *pos, *neg, *like, *seen;
	uint32_t mask;
} pair_hist;

static uint32_t *pair_slot(pair_hist *h, uint32_t a, bool insert)
{
	uint32_t i = (uint32_t)mrs_hash64(a) & h->mask;
	while (h->key[i] != MRS_NONE && h->key[i] != a)
		i = (i + 1) & h->mask;
	if (h->key[i] == MRS_NONE) {
		if (!insert)
			return NULL;
		h->key[i] = a;
	}
	return &h->key[i];
}

/* The pair features of n tweets: pair_engagements, pair_negative, pair_like_lift
 * (viewer_rate: the viewer's shrunk like rate) and pair_impression_share (following: how
 * many accounts the viewer followed before now). */
static int pair_counts(const mrs_engine *e, uint32_t viewer, const uint32_t *tweets,
		       uint32_t n, int64_t now, double viewer_rate, uint32_t following,
		       float *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t lo = ds->uimp_off[viewer];
	uint32_t hi = lo + count_before(ds->imp_time, lo, ds->uimp_off[viewer + 1], now);
	uint32_t cap = 16;
	while (cap < 2 * ((size_t)n + hi - lo) + 2)
		cap *= 2;
	pair_hist h = {.mask = cap - 1};
	h.key = malloc(sizeof(uint32_t) * cap);
	uint32_t *count = mrs_calloc(4 * (size_t)cap, sizeof(uint32_t), "features", err);
	if (!h.key || !count) {
		free(h.key), free(count);
		return mrs_fail(err, MRS_ERR_NOMEM, "features: out of memory");
	}
	h.pos = count, h.neg = count + cap, h.like = count + 2 * cap, h.seen = count + 3 * cap;
	memset(h.key, 0xff, sizeof(uint32_t) * cap);
	for (uint32_t i = 0; i < n; i++)
		pair_slot(&h, ds->tweet_author[tweets[i]], true);
	for (uint32_t i = lo; i < hi; i++) {
		uint8_t acts = ds->imp_actions[i];
		size_t k = (size_t)(pair_slot(&h, ds->tweet_author[ds->imp_tweet[i]], true) - h.key);
		h.seen[k]++;
		h.like[k] += (acts >> MRS_ACT_LIKE) & 1u;
		h.pos[k] += (acts & MRS_POSITIVE_MASK) != 0;
		h.neg[k] += (acts & NEG_MASK) != 0;
	}
	/* impressions of the viewer's followees' tweets */
	uint32_t in_network = 0;
	for (uint32_t k = 0; k < cap; k++)
		if (h.key[k] != MRS_NONE && h.seen[k] && mrs_follows_before(ds, viewer, h.key[k], now))
			in_network += h.seen[k];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = ds->tweet_author[tweets[i]];
		size_t k = (size_t)(pair_slot(&h, a, false) - h.key);
		float *f = out + (size_t)i * MRS_N_FEATURES;
		f[F_PAIR_ENGAGEMENTS] = lg(h.pos[k], 3);
		f[F_PAIR_NEGATIVE] = lg(h.neg[k], 2);
		double r = shrunk(h.like[k], h.seen[k], viewer_rate, 4);
		f[F_PAIR_LIKE_LIFT] = clip2((logit(r) - logit(viewer_rate)) / 2);
		double share = following ? (h.seen[k] + 1.0) / (in_network + (double)following) *
						   following
					 : 0;
		f[F_PAIR_IMPRESSION_SHARE] =
			mrs_follows_before(ds, viewer, a, now) ? (float)MRS_MIN(share / 4, 2.0) : 0.0f;
	}
	free(h.key), free(count);
	return 0;
}

/* ---- the viewer's word affinity: a per-viewer naive engagement model over words */

#define AFFINITY_HISTORY 200
#define OWN_HISTORY 50

typedef struct word_count {
	uint64_t key; /* 0: empty slot */
	uint32_t pos, seen;
} word_count;

typedef struct word_map {
	const struct mrs_counts *c;
	word_count *slot;
	uint32_t mask;
	double rate; /* the viewer's smoothed engagement rate over the history */
	uint32_t *own_topic, own_total; /* [n_topics] the viewer's own texts per main topic */
	const mrs_topics *topics;
	uint32_t n_topics;
	uint32_t *topic_pos, *topic_seen; /* [n_topics] texts of the history per topic */
} word_map;

static word_count *word_slot(const word_map *m, uint64_t w)
{
	uint32_t i = (uint32_t)mrs_hash64(w) & m->mask;
	while (m->slot[i].key && m->slot[i].key != w)
		i = (i + 1) & m->mask;
	return &m->slot[i];
}

static void word_map_free(word_map *m)
{
	free(m->slot), free(m->topic_pos), free(m->topic_seen), free(m->own_topic);
}

/* How many words of tweet t the history reads. */
static size_t history_words(const struct mrs_counts *c, uint32_t t)
{
	return MRS_MIN((size_t)(c->word_off[t + 1] - c->word_off[t]), (size_t)HISTORY_WORDS);
}

/* Counts one text of the history: each of its first HISTORY_WORDS words, and the text
 * under its main topic. */
static void word_map_add(word_map *m, uint32_t tweet, bool engaged)
{
	size_t n;
	const uint64_t *words = tweet_words(m->c, tweet, &n);
	int16_t topic = m->c->tweet_topic[tweet];
	n = MRS_MIN(n, (size_t)HISTORY_WORDS);
	for (size_t k = 0; k < n; k++) {
		word_count *c = word_slot(m, words[k]);
		c->key = words[k];
		c->seen++;
		c->pos += engaged;
	}
	if (topic >= 0) {
		m->topic_seen[topic]++;
		m->topic_pos[topic] += engaged;
	}
}

/* Word and topic counts over the viewer's last AFFINITY_HISTORY impressions before now
 * and their last OWN_HISTORY own tweets before now. */
static int word_map_build(const mrs_engine *e, uint32_t viewer, int64_t now, word_map *m,
			  mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	uint32_t lo = ds->uimp_off[viewer];
	uint32_t hi = lo + count_before(ds->imp_time, lo, ds->uimp_off[viewer + 1], now);
	if (hi - lo > AFFINITY_HISTORY)
		lo = hi - AFFINITY_HISTORY;
	uint32_t alo = ds->atw_off[viewer], ahi = mrs_atw_end(ds, viewer, now), own = 0;
	if (ahi - alo > OWN_HISTORY)
		alo = ahi - OWN_HISTORY;
	m->c = e->counts;
	/* room for the words the history holds (the table is cleared for every call, which
	 * is every training row: sized by the worst case it cleared 128 KB each time) */
	size_t words = 0;
	for (uint32_t i = lo; i < hi; i++)
		words += history_words(m->c, ds->imp_tweet[i]);
	for (uint32_t i = alo; i < ahi; i++)
		words += history_words(m->c, ds->atw[i]);
	uint32_t cap = 64;
	while (cap < words * 4 / 3 + 1)
		cap *= 2;
	m->mask = cap - 1;
	if (!(m->slot = mrs_calloc(cap, sizeof(word_count), "features", err)))
		return -1;
	m->topics = e->counts->topics;
	m->n_topics = mrs_topics_count(m->topics);
	m->topic_pos = mrs_calloc(m->n_topics + 1, sizeof(uint32_t), "features", err);
	m->topic_seen = mrs_calloc(m->n_topics + 1, sizeof(uint32_t), "features", err);
	m->own_topic = mrs_calloc(m->n_topics + 1, sizeof(uint32_t), "features", err);
	if (!m->topic_pos || !m->topic_seen || !m->own_topic)
		return -1;
	uint32_t pos = 0;
	for (uint32_t i = lo; i < hi; i++) {
		bool engaged = (ds->imp_actions[i] & MRS_POSITIVE_MASK) != 0;
		pos += engaged;
		word_map_add(m, ds->imp_tweet[i], engaged);
	}
	/* the viewer's own tweets before now count as engaged texts: people write about
	 * what they care about */
	for (uint32_t i = alo; i < ahi; i++, own++) {
		int16_t tp = e->counts->tweet_topic[ds->atw[i]];
		word_map_add(m, ds->atw[i], true);
		if (tp >= 0) {
			m->own_topic[tp]++;
			m->own_total++;
		}
	}
	m->rate = (pos + own + 1.0) / (hi - lo + own + 10.0);
	return 0;
}

/* logit(r_t) - logit(r) for the tweet's main topic t, where r_t is the viewer's smoothed
 * engagement rate with history texts whose main topic is t; 0 without a topic. */
static float topic_affinity(const word_map *m, int16_t topic)
{
	if (topic < 0)
		return 0.0f;
	double r = (m->topic_pos[topic] + 2.0 * m->rate) / (m->topic_seen[topic] + 2.0);
	double v = (logit(r) - logit(m->rate)) / 2.0;
	return (float)(v < -2 ? -2 : v > 2 ? 2 : v);
}

static float word_affinity(const word_map *m, uint32_t tweet)
{
	size_t n;
	const uint64_t *words = tweet_words(m->c, tweet, &n);
	if (!n)
		return 0.0f;
	double sum = 0, base = logit(m->rate);
	for (size_t k = 0; k < n; k++) {
		const word_count *c = word_slot(m, words[k]);
		if (!c->key)
			continue;
		double r = (c->pos + 1.0 * m->rate) / (c->seen + 1.0);
		sum += logit(r) - base;
	}
	double v = sum / (double)n / 2.0;
	return (float)(v < -2 ? -2 : v > 2 ? 2 : v);
}

/* ---- the topics the viewer's followees write about */

#define FOLLOWEE_TWEETS 20 /* latest tweets read from each followee */

/* Counts, per topic, the latest tweets before now of the accounts the viewer followed
 * before now; returns the total counted (tweets with a topic). */
static uint32_t followee_topics(const mrs_engine *e, uint32_t viewer, int64_t now,
				uint32_t *count)
{
	const mrs_dataset *ds = e->ds;
	const struct mrs_counts *c = e->counts;
	uint32_t total = 0;
	for (uint32_t k = ds->fol_off[viewer]; k < ds->fol_off[viewer + 1]; k++) {
		if (ds->fol_time[k] >= now)
			continue;
		uint32_t f = ds->fol_dst[k], lo = ds->atw_off[f], hi = mrs_atw_end(ds, f, now);
		if (hi - lo > FOLLOWEE_TWEETS)
			lo = hi - FOLLOWEE_TWEETS;
		for (uint32_t i = lo; i < hi; i++) {
			int16_t tp = c->tweet_topic[ds->atw[i]];
			if (tp >= 0) {
				count[tp]++;
				total++;
			}
		}
	}
	return total;
}

/* log of the smoothed share of the tweet's topic among counted tweets (the followees' or
 * the viewer's own) over its share under a uniform spread; 0 for a tweet without a
 * topic. */
static float topic_share(const struct mrs_counts *c, uint32_t tweet, const uint32_t *count,
			 uint32_t total, uint32_t k)
{
	int16_t tp = c->tweet_topic[tweet];
	if (tp < 0 || !k)
		return 0.0f;
	double share = (count[tp] + 1.0) / (total + (double)k);
	double v = log(share * k) / 2.0;
	return (float)(v < -2 ? -2 : v > 2 ? 2 : v);
}

/* The viewer's share of interest in the tweet's main topic from every source at once:
 * own tweets and positively engaged texts count 1 each, the followees' tweets 0.3 (a
 * follow says less than an engagement); log(K x (n_t + 1) / (n + K)) / 2, clipped. */
static float topic_evidence(const struct mrs_counts *c, uint32_t tweet, const word_map *m,
			    const uint32_t *fcount, uint32_t ftotal, uint32_t k)
{
	int16_t tp = c->tweet_topic[tweet];
	if (tp < 0 || !k)
		return 0.0f;
	double all = m->own_total + 0.3 * ftotal, nt = m->own_topic[tp] + 0.3 * fcount[tp];
	for (uint32_t i = 0; i < k; i++)
		all += m->topic_pos[i] - m->own_topic[i];
	nt += m->topic_pos[tp] - m->own_topic[tp];
	double v = log(k * (nt + 1.0) / (all + k)) / 2.0;
	return (float)(v < -2 ? -2 : v > 2 ? 2 : v);
}

/* Counts, per word topic, the texts of the viewer's positively engaged impressions and of
 * their own tweets into count (returns their total), and the tweets of their
 * out-of-network impressions (authors they did not follow) into shown (*n_shown their
 * total), all before now. */
static uint32_t interest_topics(const mrs_engine *e, uint32_t viewer, int64_t now,
				uint32_t *count, uint32_t *shown, uint32_t *n_shown)
{
	const mrs_dataset *ds = e->ds;
	const int16_t *topic = e->counts->tweet_topic;
	uint32_t total = 0;
	uint32_t lo = ds->uimp_off[viewer];
	uint32_t hi = lo + count_before(ds->imp_time, lo, ds->uimp_off[viewer + 1], now);
	*n_shown = 0;
	for (uint32_t i = lo; i < hi; i++) {
		uint32_t t = ds->imp_tweet[i];
		int16_t tp = topic[t];
		if (tp < 0)
			continue;
		if (ds->imp_actions[i] & MRS_POSITIVE_MASK) {
			count[tp]++;
			total++;
		}
		if (!mrs_follows_before(ds, viewer, ds->tweet_author[t], now)) {
			shown[tp]++;
			(*n_shown)++;
		}
	}
	for (uint32_t i = ds->atw_off[viewer], end = mrs_atw_end(ds, viewer, now); i < end; i++) {
		int16_t tp = topic[ds->atw[i]];
		if (tp >= 0) {
			count[tp]++;
			total++;
		}
	}
	return total;
}

/* The viewer's share of interest in the tweet's topic, (n_t + 1/4) / (n + K/4) over the
 * counts of interest_topics; 0 for a tweet without a topic. Linear in the share, as an
 * interest weight is. */
static float topic_share_linear(const struct mrs_counts *c, uint32_t tweet,
				const uint32_t *count, uint32_t total, uint32_t k)
{
	int16_t tp = c->tweet_topic[tweet];
	if (tp < 0 || !k)
		return 0.0f;
	return (float)((count[tp] + 0.25) / (total + 0.25 * k));
}

static void tweet_features(const mrs_engine *e, uint32_t t, int64_t now, float *f)
{
	const mrs_dataset *ds = e->ds;
	const struct mrs_counts *c = e->counts;
	size_t len = c->text_len[t];
	f[F_TWEET_TEXT_LENGTH] = (float)(len > 560 ? 560 : len) / 280.0f;
	f[F_TWEET_MEDIA] = (ds->tweet_flags[t] & MRS_TW_MEDIA) ? 1.0f : 0.0f;
	f[F_TWEET_LINK] = (ds->tweet_flags[t] & MRS_TW_LINK) ? 1.0f : 0.0f;
	unsigned tags = c->text_tags[t];
	f[F_TWEET_HASHTAGS] = (float)(tags > 4 ? 4 : tags) / 4.0f;
	f[F_TWEET_AGE] = lg((double)(now - ds->tweet_time[t]) / MRS_HOUR, 6);
	double age_days = (double)(now - ds->tweet_time[t]) / MRS_DAY;
	f[F_TWEET_RECENCY] = (float)exp(-(age_days > 0 ? age_days : 0) / 2.0);
	f[F_TWEET_RETWEET] = ds->tweet_rt_of[t] != MRS_NONE ? 1.0f : 0.0f;
	uint32_t lo = ds->timp_off[t];
	uint32_t k = count_before(c->t_time, lo, ds->timp_off[t + 1], now);
	uint32_t pos = c->t_pos[lo + k] - c->t_pos[lo], neg = c->t_neg[lo + k] - c->t_neg[lo];
	f[F_TWEET_IMPRESSIONS] = lg(k, 8);
	f[F_TWEET_ENGAGEMENTS] = lg(pos, 6);
	f[F_TWEET_ENG_RATE] = rate(pos, k);
	f[F_TWEET_NEG_RATE] = rate(neg, k);

	uint32_t a = ds->tweet_author[t];
	f[F_AUTHOR_FOLLOWERS] =
		lg(count_before(c->fwr_t, ds->fwr_off[a], ds->fwr_off[a + 1], now), 8);
	f[F_AUTHOR_VERIFIED] = ds->user_verified[a] ? 1.0f : 0.0f;
	lo = c->a_off[a];
	k = count_before(c->a_time, lo, c->a_off[a + 1], now);
	f[F_AUTHOR_ENG_RATE] = rate(c->a_pos[lo + k] - c->a_pos[lo], k);
	f[F_AUTHOR_NEG_RATE] = rate(c->a_neg[lo + k] - c->a_neg[lo], k);
	/* retweets per like: the world's retweets lean to quality more than its likes do */
	uint32_t rts = c->a_rt[lo + k] - c->a_rt[lo], likes = c->a_like[lo + k] - c->a_like[lo];
	f[F_AUTHOR_RT_RATIO] = (float)MRS_MIN((rts + 1.0) / (likes + 3.0), 2.0);

	/* what a tweet is worth is its original's: the original author's rate of positive
	 * actions per impression of their tweets and of retweets of them, then the original
	 * tweet's like rate, shrunk to its author's */
	uint32_t q = ds->tweet_rt_of[t] != MRS_NONE ? ds->tweet_rt_of[t] : t;
	a = ds->tweet_author[q];
	lo = c->o_off[a];
	k = count_before(c->o_time, lo, c->o_off[a + 1], now);
	double ra = shrunk(c->o_act[lo + k] - c->o_act[lo], k, ACTION_PRIOR, 20);
	f[F_AUTHOR_ACTION_RATE] = clip2(log(ra) / 4);
	/* retweets per like lean to quality whoever the audience is */
	uint32_t o_rts = c->o_rt[lo + k] - c->o_rt[lo], o_likes = c->o_like[lo + k] - c->o_like[lo];
	f[F_AUTHOR_RT_LIKE] = clip2(log((o_rts + 1.0) / (o_likes + 3.0)) / 4);
	f[F_AUTHOR_TWEETS] = lg(mrs_atw_end(ds, ds->tweet_author[t], now) -
				ds->atw_off[ds->tweet_author[t]], 6);
	ra = MRS_MIN(0.95, ra * LIKE_PRIOR / ACTION_PRIOR);
	lo = ds->timp_off[q];
	k = count_before(c->t_time, lo, ds->timp_off[q + 1], now);
	f[F_TWEET_LIKE_LOGIT] = clip2(logit(shrunk(c->t_like[lo + k] - c->t_like[lo], k, ra, 10)) / 4);
}

/*
 * RealGraph scores through its batched forward, always in blocks of exactly RG_BATCH rows
 * (the last one padded by repeating its last author). BLAS picks its kernels and blocking
 * by the shape of a product, and their rounding differs in the last bits; with one shape
 * for every call, a training row (usually alone in its call) gets exactly the value a
 * serving batch of any size gives it.
 */
#define RG_BATCH 64
#define PREFETCH_AHEAD 8

int mrs_features(const mrs_engine *e, uint32_t viewer, const uint32_t *tweets, uint32_t n,
		 int64_t now, float *out, mrs_error *err)
{
	const mrs_dataset *ds = e->ds;
	const struct mrs_counts *c = e->counts;
	if (viewer >= ds->n_users)
		return mrs_fail(err, MRS_ERR_USAGE, "features: no user %u", viewer);
	for (uint32_t i = 0; i < n; i++)
		if (tweets[i] >= ds->n_tweets)
			return mrs_fail(err, MRS_ERR_USAGE, "features: no tweet %u", tweets[i]);
	if (!n)
		return 0;

	/* the viewer's part, the same for every row */
	float v[MRS_N_FEATURES] = {0};
	uint32_t lo = ds->uimp_off[viewer];
	uint32_t k = count_before(ds->imp_time, lo, ds->uimp_off[viewer + 1], now);
	v[F_VIEWER_FOLLOWERS] =
		lg(count_before(c->fwr_t, ds->fwr_off[viewer], ds->fwr_off[viewer + 1], now), 8);
	v[F_VIEWER_FOLLOWING] =
		lg(count_before(c->fol_t, ds->fol_off[viewer], ds->fol_off[viewer + 1], now), 8);
	v[F_VIEWER_ACCOUNT_AGE] = lg((double)(now - ds->user_created[viewer]) / MRS_DAY, 8);
	v[F_VIEWER_ACTIVITY] = lg(k, 8);
	v[F_VIEWER_ENG_RATE] = rate(c->u_pos[lo + k] - c->u_pos[lo], k);
	double viewer_rate = shrunk(c->u_like[lo + k] - c->u_like[lo], k, LIKE_PRIOR, 20);
	v[F_VIEWER_LIKE_LOGIT] = clip2(logit(viewer_rate) / 4);
	int64_t sec = ((now % MRS_DAY) + MRS_DAY) % MRS_DAY;
	double angle = 2.0 * M_PI * (double)sec / MRS_DAY;
	v[F_HOUR_SIN] = (float)sin(angle);
	v[F_HOUR_COS] = (float)cos(angle);

	uint32_t *authors = mrs_calloc(n, sizeof(uint32_t), "features", err);
	float *buf = mrs_calloc((size_t)n * 3, sizeof(float), "features", err);
	if (!authors || !buf) {
		free(authors), free(buf);
		return -1;
	}
	float *rg = buf, *nsfw = buf + n, *tox = buf + 2 * (size_t)n;
	for (uint32_t i = 0; i < n; i++)
		authors[i] = ds->tweet_author[tweets[i]];
	int rc = mrs_rg_scores_blocked(e, viewer, authors, n, now, RG_BATCH, rg, err);
	rc = rc ? rc : mrs_safety_scores(e, tweets, n, nsfw, tox, err);
	uint32_t following = count_before(c->fol_t, ds->fol_off[viewer], ds->fol_off[viewer + 1], now);
	rc = rc ? rc : pair_counts(e, viewer, tweets, n, now, viewer_rate, following, out, err);
	word_map wm = {0};
	rc = rc ? rc : word_map_build(e, viewer, now, &wm, err);
	uint32_t nk = mrs_topics_count(c->topics);
	uint32_t *ftopic = rc ? NULL : mrs_calloc(nk + 1, sizeof(uint32_t), "features", err);
	uint32_t ftotal = ftopic ? followee_topics(e, viewer, now, ftopic) : 0;
	uint32_t *itopic = rc ? NULL : mrs_calloc(2 * (nk + 1), sizeof(uint32_t), "features", err);
	uint32_t *stopic = itopic ? itopic + nk + 1 : NULL, stotal = 0;
	uint32_t itotal = itopic ? interest_topics(e, viewer, now, itopic, stopic, &stotal) : 0;
	uint32_t *hist = rc || !e->coeng ? NULL
				 : mrs_calloc(MRS_COENG_HISTORY, sizeof(uint32_t), "features", err);
	uint32_t n_hist = hist ? mrs_coeng_history(e, viewer, now, hist, MRS_COENG_HISTORY) : 0;
	float *coeng = rc ? NULL : mrs_calloc(MRS_MAX(n, 1u), sizeof(float), "features", err);
	uint64_t *key = rc ? NULL : mrs_calloc(MRS_MAX(n, 1u), sizeof(uint64_t), "features", err);
	if (!rc && (!ftopic || !itopic || (e->coeng && !hist) || !coeng || !key))
		rc = -1;
	if (!rc)
		mrs_coeng_scores(e, hist, n_hist, tweets, n, now, key, coeng);
	bool at_now = now == e->now;
	for (uint32_t i = 0; i < n && !rc; i++) {
		float *f = out + (size_t)i * MRS_N_FEATURES;
		uint32_t t = tweets[i], a = authors[i];
		/* the small per-tweet reads of later candidates asked for ahead (hints): each
		 * is a cache miss of its own on the large world, and a candidate's work is too
		 * long for the processor to reach the next one's by itself */
		if (i + PREFETCH_AHEAD < n) {
			uint32_t u = tweets[i + PREFETCH_AHEAD];
			if (at_now && u >= c->live_first)
				__builtin_prefetch(&c->rec[u - c->live_first]);
			__builtin_prefetch(&c->word_off[u]);
			__builtin_prefetch(&c->tweet_topic[u]);
		}
		if (i + PREFETCH_AHEAD / 2 < n && c->words)
			__builtin_prefetch(&c->words[c->word_off[tweets[i + PREFETCH_AHEAD / 2]]]);
		f[F_VIEWER_FOLLOWERS] = v[F_VIEWER_FOLLOWERS];
		f[F_VIEWER_FOLLOWING] = v[F_VIEWER_FOLLOWING];
		f[F_VIEWER_ACCOUNT_AGE] = v[F_VIEWER_ACCOUNT_AGE];
		f[F_VIEWER_ACTIVITY] = v[F_VIEWER_ACTIVITY];
		f[F_VIEWER_ENG_RATE] = v[F_VIEWER_ENG_RATE];
		f[F_VIEWER_LIKE_LOGIT] = v[F_VIEWER_LIKE_LOGIT];
		f[F_HOUR_SIN] = v[F_HOUR_SIN];
		f[F_HOUR_COS] = v[F_HOUR_COS];
		if (at_now && t >= c->live_first)
			tweet_features_rec(&c->rec[t - c->live_first], f);
		else
			tweet_features(e, t, now, f);
		bool fol = mrs_follows_before(ds, viewer, a, now);
		f[F_PAIR_FOLLOWS] = fol ? 1.0f : 0.0f;
		f[F_PAIR_MUTUAL] = fol && mrs_follows_before(ds, a, viewer, now) ? 1.0f : 0.0f;
		f[F_PAIR_REALGRAPH] = rg[i];
		f[F_EMB_SIMCLUSTERS] = mrs_sc_score(e, viewer, t, now);
		f[F_EMB_TWHIN] = mrs_twhin_score(e, viewer, t, now);
		f[F_EMB_TWHIN_AUTHOR] = mrs_twhin_user_sim(e, viewer, a);
		f[F_SAFETY_NSFW] = nsfw[i];
		f[F_SAFETY_TOXICITY] = tox[i];
		f[F_PAIR_TEXT_AFFINITY] = word_affinity(&wm, t);
		f[F_PAIR_TOPIC_AFFINITY] = topic_affinity(&wm, c->tweet_topic[t]);
		f[F_PAIR_FOLLOW_TOPIC] = topic_share(c, t, ftopic, ftotal, nk);
		f[F_PAIR_OWN_TOPIC] = topic_share(c, t, wm.own_topic, wm.own_total, nk);
		f[F_PAIR_TOPIC_EVIDENCE] = topic_evidence(c, t, &wm, ftopic, ftotal, nk);
		f[F_PAIR_TOPIC_SHARE] = topic_share_linear(c, t, itopic, itotal, nk);
		f[F_PAIR_SHOWN_TOPIC] = topic_share_linear(c, t, stopic, stotal, nk);
		f[F_PAIR_COENGAGEMENT] = mrs_feature_coeng_scale(coeng[i]);
	}
	word_map_free(&wm);
	free(ftopic), free(itopic), free(hist), free(coeng), free(key);
	free(authors), free(buf);
	return rc;
}

int mrs_features_rows(const mrs_engine *e, const uint32_t *viewer, const uint32_t *tweet,
		      const int64_t *now, size_t n, float *out, const mrs_progress *p,
		      const char *phase, mrs_error *err)
{
	size_t next_report = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && viewer[j] == viewer[i] && now[j] == now[i] && j - i < 4096)
			j++;
		if (mrs_features(e, viewer[i], tweet + i, (uint32_t)(j - i), now[i],
				 out + i * MRS_N_FEATURES, err))
			return -1;
		i = j;
		if (i >= next_report) {
			if (mrs_progress_report(p, phase, (double)i, (double)n, NULL))
				return mrs_fail(err, MRS_ERR_CANCELLED, "%s: cancelled", phase);
			next_report = i + 4096;
		}
	}
	return 0;
}
