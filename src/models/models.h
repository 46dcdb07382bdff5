/* models.h: the models layer (src/models/): the serving engine's parts and the contract
 * between them, and the internals the feature, safety, heavy-ranker and training code share.
 *
 * An engine is a dataset plus everything learned or indexed from it, as seen at one
 * moment `now`: the SimClusters, TwHIN and RealGraph embeddings, the safety models, the
 * heavy ranker, point-in-time counters for features, and the retrieval indexes. The
 * pipeline, the evaluator and the explorer all read it; nothing in it changes per
 * request, so one engine serves any number of requests.
 *
 * Time rules (no leakage):
 * - Every per-(viewer, tweet, time) quantity takes `now` and uses only behaviour strictly
 *   before `now` (impressions, engagements, follows with time < now).
 * - Models are fitted on the train split only. The embedding models (SimClusters KnownFor,
 *   TwHIN, RealGraph) are fitted on behaviour before the embedding cut
 *   (mrs_embed_cut: 40% of the train impressions); the heavy ranker trains on the train
 *   impressions from the cut to the split, so its rows never saw their own labels
 *   through an embedding. Evaluation builds its engine on mrs_dataset_before(split).
 */
#ifndef MRS_MODELS_H
#define MRS_MODELS_H

#include "dataset/dataset.h"

/* ------------------------------------------------------------------ model files */

/* Model files are SET/NAME.pt with a JSON model card SET/NAME.json (NAME from
 * mrs_model_name; SET from mrs_models_current). Torch models go through mrs_torch_save
 * (learn.h) and the shim's mrs_tmodel_load; plain arrays (KnownFor, TwHIN tables) through
 * the artifact container below. */

/* The artifact container: magic "MRSARTF1", a meta JSON, named arrays (float32, int32 or
 * uint32) with their element counts, and an FNV-1a checksum; written to a temporary file
 * and renamed into place. */
typedef struct mrs_artifact mrs_artifact;
enum { MRS_ART_F32 = 1, MRS_ART_I32 = 2, MRS_ART_U32 = 3 };
mrs_artifact *mrs_artifact_new(const char *meta_json, mrs_error *err);
/* Adds a copy of an array under a unique name. */
int mrs_artifact_add(mrs_artifact *a, const char *name, int type, const void *data, size_t n,
		     mrs_error *err);
int mrs_artifact_save(const mrs_artifact *a, const char *path, mrs_error *err);
/* Loads; a missing, truncated, foreign or corrupt file fails naming the file. */
mrs_artifact *mrs_artifact_load(const char *path, mrs_error *err);
const char *mrs_artifact_meta(const mrs_artifact *a);
/* The array called name with that type, or NULL (and an error naming file and array). */
const void *mrs_artifact_get(const mrs_artifact *a, const char *name, int type, size_t *n,
			     mrs_error *err);
void mrs_artifact_free(mrs_artifact *a);

/* Writes DIR/NAME.json atomically from a cJSON object (which the call does not free). */
struct cJSON;
int mrs_card_write(const char *dir, const char *name, const struct cJSON *card, mrs_error *err);
/* Reads DIR/NAME.json; NULL with an error when missing or not JSON. Caller frees. */
struct cJSON *mrs_card_read(const char *dir, const char *name, mrs_error *err);
/* A card's non-negative whole-number field (up to 2^53), or -1 when it is missing, not a
 * number, negative, fractional (1.5) or too large (1e308). */
long long mrs_card_int(const struct cJSON *card, const char *key);
/* "DIR/NAME.EXT" into buf. */
int mrs_model_path(char *buf, size_t size, const char *dir, const char *name, const char *ext,
		   mrs_error *err);

/* The number N of a set folder's name "set-N" (N >= 1), or -1 for any other name. */
long mrs_models_set_number(const char *name);
/* The set DIR/CURRENT names ("set-N") into name, or "" when DIR has no CURRENT; an error
 * (MRS_ERR_MODEL) when CURRENT is there but broken. */
int mrs_models_current_name(const char *dir, char *name, size_t size, mrs_error *err);

/* Whether model id must not load, and why: no models folder, a broken CURRENT, or a card
 * that names another dataset (decided once when the engine opens). */
bool mrs_model_refused(const mrs_engine *e, mrs_model_id id, char *why, size_t size);

/* Sets a model's status: loaded or not, and the note every front end shows. */
void mrs_model_note(mrs_model_status *st, bool loaded, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ the parts */

struct mrs_sc;      /* simclusters.c */
struct mrs_twhin;   /* twhin.c */
struct mrs_rg;      /* realgraph.c */
struct mrs_safety;  /* safety.c: one per safety model */
struct mrs_ranker;  /* ranker.c */
struct mrs_counts;  /* features.c: point-in-time counters */

struct mrs_engine {
	const mrs_dataset *ds;  /* borrowed */
	int64_t now;
	char models_dir[512];   /* the set folder the models load from ("" without models) */
	char refused[MRS_N_MODELS][256]; /* why a model must not load ("" when it may) */
	mrs_model_status status[MRS_N_MODELS];
	int sc_mode;            /* MRS_SC_REAL or MRS_SC_HASH */
	int rg_mode;            /* MRS_RG_LEARNED or MRS_RG_RULE */
	bool request_caches;    /* keeps what only requests at now read: an engine at the
				 * dataset's end (the default now) not opened rows_only */
	struct mrs_counts *counts;
	struct mrs_sc *sc;
	struct mrs_twhin *tw;
	struct mrs_rg *rg;
	struct mrs_safety *nsfw, *tox;
	const mrs_engine *texts_from; /* mrs_engine_opts.texts_from, while the engine opens */
	struct mrs_ranker *rk;
	char snap_note[700];    /* what the serving snapshot did at open ("" when none) */
	struct mrs_item_knn *coeng; /* coengage.c: the co-engagement index, or NULL */
	int64_t coeng_until;        /* one second after the latest engagement it holds */
	int64_t coeng_before;       /* the engagements it may hold are before this */
	uint32_t coeng_first;       /* the first tweet it has neighbour lists toward (0: all) */
	bool coeng_big;             /* built under the size rule (mrs_coeng_size_rule) */
	double neg_mean;            /* ranker.c: > 0 when the ranker serves a log of engagements
				       only: the mean engagements per engaged tweet in the age
				       limit before now (mrs_ranker_sampling_correct) */
};

/*
 * Each part opens in the order below and may use the parts opened before it. An open
 * never fails because a model file is missing or does not match: it records why in
 * e->status[id] (loaded = false, note = the reason and the fallback in use) and serves
 * the documented fallback. It fails only on out-of-memory or a cancel.
 */
int mrs_counts_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_counts_free(struct mrs_counts *c);
/* A tweet's impressions as the counters keep them, in ds->timp order, for scans that
 * would otherwise read every impression's time, actions and viewer through ds->timp (a
 * cache miss each on the large world). The position one past tweet's last impression
 * before now (what mrs_timp_end answers; from the dataset when the counters are not
 * open). */
uint32_t mrs_counts_timp_end(const mrs_engine *e, uint32_t tweet, int64_t now);
/* The positive impressions at ds->timp positions [from, to) of one tweet, in that order:
 * their viewers into *users and (when times is not NULL) their times into *times, both
 * pointing into the counters; returns how many. The counters must be open (mrs_engine_open
 * opens them before every model that reads this). */
uint32_t mrs_counts_timp_engagers(const mrs_engine *e, uint32_t from, uint32_t to,
				  const uint32_t **users, const int64_t **times);

/* SimClusters: KnownFor from DIR/simclusters.pt (real mode) or the hash mode; then
 * InterestedIn for every user from the visible follows, tweet embeddings from visible
 * engagements, and the per-cluster top-tweets index. When KnownFor does not load, the hash
 * mode serves and e->sc_mode says so (MRS_SC_HASH). */
int mrs_sc_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_sc_free(struct mrs_sc *sc);
/* SimClusters score of tweet for viewer at now: cosine of the viewer's InterestedIn and
 * the tweet's embedding (time-decayed engagers' InterestedIn before now, plus the
 * author's producer embedding). 0 when either is empty. */
float mrs_sc_score(const mrs_engine *e, uint32_t viewer, uint32_t tweet, int64_t now);
/* Producer similarity used by FollowRecs: cosine of u's InterestedIn and v's KnownFor. */
float mrs_sc_producer_score(const mrs_engine *e, uint32_t u, uint32_t v);

/* SimClusters internals for the sources, the explorer and evaluation. Every function
 * below answers "nothing" (-1, 0, NULL) when SimClusters is not open. */
/* The cluster producer is known for, or -1; *score (may be NULL) gets its KnownFor score
 * (the share of its similarity weight inside the cluster). Hash mode: always -1. */
int mrs_sc_known_for(const mrs_engine *e, uint32_t producer, float *score);
/* user's InterestedIn as of the engine's now: up to max (cluster, weight) pairs, strongest
 * first, weights L2-normalised over the kept clusters (at most 8); returns how many. */
uint32_t mrs_sc_interested_in(const mrs_engine *e, uint32_t user, uint32_t *clusters,
			      float *weights, uint32_t max);
/* The same as of any time: only follows (hash mode: engagements and tweets) before now. */
uint32_t mrs_sc_interested_in_at(const mrs_engine *e, uint32_t user, int64_t now,
				 uint32_t *clusters, float *weights, uint32_t max);
/* Number of clusters: KnownFor's, or the hash mode's fixed count. */
uint32_t mrs_sc_n_clusters(const mrs_engine *e);
/* The clusters with the largest audience (sum of users' InterestedIn weights), for viewers
 * who have no InterestedIn yet (cold start). Same output convention as above. */
uint32_t mrs_sc_popular_clusters(const mrs_engine *e, uint32_t *clusters, float *weights,
				 uint32_t max);
/* Per-cluster indexes, built once at open: tweets created in the 2L before now (the
 * dataset's time scale; 14 days on Twitter's) (weight: decayed engagement popularity x
 * the tweet's weight on the cluster), and
 * producers (weight: KnownFor score; hash mode: the cluster's share of their own words).
 * Strongest first; *n gets the length. */
typedef struct mrs_sc_entry {
	uint32_t id;
	float weight;
} mrs_sc_entry;
const mrs_sc_entry *mrs_sc_cluster_tweets(const mrs_engine *e, uint32_t cluster, uint32_t *n);
const mrs_sc_entry *mrs_sc_cluster_producers(const mrs_engine *e, uint32_t cluster,
					     uint32_t *n);
/* A tweet's decayed engagement popularity as of the engine's now: sum over its positive
 * engagements (the latest 64) of 2^(-age/H), plus 2^(-tweet age/H) for the author (H:
 * the dataset's time scale's half-life, 24 h on Twitter's). */
float mrs_sc_tweet_popularity(const mrs_engine *e, uint32_t tweet);
/* Quality of the open SimClusters (evaluation only, never on the serving path):
 * *modularity of KnownFor on the producer similarity graph it was fitted on (NaN in hash
 * mode); *nmi, when tr is not NULL, the normalised mutual information (arithmetic-mean
 * normalisation) between each user's top InterestedIn cluster ("none" counts as a label)
 * and their dominant hidden interest. Either output may be NULL. */
int mrs_sc_report(const mrs_engine *e, const mrs_truth *tr, double *modularity, double *nmi,
		  mrs_error *err);

int mrs_twhin_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_twhin_free(struct mrs_twhin *tw);
/* cosine(U[viewer], T[tweet]) where T is the trained tweet vector, or for a tweet with
 * no training edge the mean of its engagers' user vectors before now, else its author's
 * vector. 0 when the viewer has no vector or TwHIN is not loaded. */
float mrs_twhin_score(const mrs_engine *e, uint32_t viewer, uint32_t tweet, int64_t now);
/* cosine(U[u], U[v]); 0 when not loaded. */
float mrs_twhin_user_sim(const mrs_engine *e, uint32_t u, uint32_t v);

int mrs_rg_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_rg_free(struct mrs_rg *rg);
/* RealGraph: P(viewer interacts with author in the next period) in [0, 1] for n authors
 * at once (one batched forward), from pair features before now. Rule fallback: the
 * original's follow weight, else InterestedIn Jaccard x 0.5. When the model does not load,
 * mrs_rg_open sets e->rg_mode to MRS_RG_RULE. */
int mrs_rg_scores(const mrs_engine *e, uint32_t viewer, const uint32_t *authors, uint32_t n,
		  int64_t now, float *out, mrs_error *err);
/* The same, with the viewer's history scanned once for all n authors and the forward run
 * in blocks of `block` rows (the last padded by repeating its last author): each block
 * gives exactly what mrs_rg_scores gives for those `block` authors. (BLAS picks kernels by
 * a product's shape, so a fixed block makes a pair's score independent of the call's n.) */
int mrs_rg_scores_blocked(const mrs_engine *e, uint32_t viewer, const uint32_t *authors,
			  uint32_t n, int64_t now, uint32_t block, float *out, mrs_error *err);
/* The learned model's input for n (viewer, author) pairs at now, out [n, MRS_RG_N_FEATURES]
 * (for the explorer and tests; works whichever mode serves). */
#define MRS_RG_N_FEATURES 19
int mrs_rg_features(const mrs_engine *e, uint32_t viewer, const uint32_t *authors, uint32_t n,
		    int64_t now, float *out, mrs_error *err);
/* "follows", "mutual_follow", ...; NULL out of range. */
const char *mrs_rg_feature_name(int i);

int mrs_safety_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_safety_free(struct mrs_safety *s);
/* NSFW and toxicity probabilities of n tweets from their text (batched). Fallback when a
 * model is missing: 0 (no penalty), and the status says so. */
int mrs_safety_scores(const mrs_engine *e, const uint32_t *tweets, uint32_t n, float *nsfw,
		      float *tox, mrs_error *err);

int mrs_ranker_open(mrs_engine *e, const mrs_progress *p, mrs_error *err);
void mrs_ranker_free(struct mrs_ranker *rk);

/* ------------------------------------------------------------------ the serving snapshot */

/* Frees what the engine's open built or mapped (not the heavy ranker) and clears the
 * pointers, so that the parts can be built again. */
void mrs_engine_parts_free(mrs_engine *e);

/* What each part computes at open, written to the serving snapshot (snapshot.c) or mapped
 * back from it: one function per part lists its arrays and scalars through io (core.h),
 * the same list both ways. Writing reads the open part; mapping creates the part in e
 * with its arrays in the file (the part's free then leaves them alone), and opens what
 * cannot be mapped (the torch models RealGraph serves with) as the open function does.
 * A part added to the engine adds its function here and one line in snapshot.c. */
int mrs_counts_snap(mrs_engine *e, mrs_snap_io *io);
/* The co-engagement index (coengage.c): mapping checks that it was built before e->now. */
int mrs_coeng_snap(mrs_engine *e, mrs_snap_io *io);
int mrs_sc_snap(mrs_engine *e, mrs_snap_io *io);
int mrs_twhin_snap(mrs_engine *e, mrs_snap_io *io);
int mrs_rg_snap(mrs_engine *e, mrs_snap_io *io);
int mrs_safety_snap(mrs_engine *e, mrs_snap_io *io);
/* The word communities inside the counters (topics.c). */
struct mrs_topics;
int mrs_topics_snap(struct mrs_topics **t, mrs_snap_io *io);

/* Builds the engine's parts from its dataset's snapshot when the dataset came from one
 * (mrs_dataset_load_serving) and o asks for what it holds (the models folder's current
 * set, default now and modes): 1 when it did, 0 when the parts must be built (nothing
 * changed in e), -1 on an error. */
int mrs_snapshot_map_engine(mrs_engine *e, const mrs_engine_opts *o, mrs_error *err);
/* Writing the snapshot of a dataset whose snapshot was missing or stale, in two steps
 * around the build of the engine's parts (progress "snapshot"; what happened goes into
 * e->snap_note; neither fails the open): mrs_snapshot_write_start, before the parts are
 * built, writes the dataset and its hidden truth into the temporary file (the truth, 3 GB
 * on the huge world, loaded and freed before the parts take their memory) and returns
 * the writer, or NULL when there is nothing to write or it failed; after the build,
 * mrs_snapshot_write_finish writes the parts and renames the file into place, or
 * mrs_snapshot_write_abandon removes it when the open failed. Each step checks the set
 * folder's free space against the bytes it writes (and a margin) first: too little, and
 * the temporary file is removed, the old snapshot (if any) left whole. */
mrs_snap_io *mrs_snapshot_write_start(mrs_engine *e, const mrs_engine_opts *o,
					     const mrs_progress *p);
void mrs_snapshot_write_finish(mrs_engine *e, mrs_snap_io *io, const mrs_progress *p);
void mrs_snapshot_write_abandon(mrs_snap_io *io);

/* ------------------------------------------------------------------ fitting */

/* Each fit reads only behaviour before `cut` (train uses mrs_embed_cut), writes
 * DIR/NAME.pt and its card DIR/NAME.json atomically, and reports progress. The card
 * carries the model's own quality report (SimClusters: modularity and cluster sizes;
 * TwHIN: link-prediction AUC, MRR and Hit@10 on held-out edges; RealGraph: AUC). */
int mrs_sc_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
	       const mrs_progress *p, mrs_error *err);
int mrs_twhin_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
		  const mrs_progress *p, mrs_error *err);
int mrs_rg_fit(const mrs_dataset *ds, int64_t cut, const char *dir, uint64_t seed,
	       const mrs_progress *p, mrs_error *err);

/* ================================================================== the learners'
 * internals (learn.c, features.c, topics.c, safety.c, ranker.c) */

/* ------------------------------------------------------------------ learn.c */

/* Turns the shim's training progress into mrs_progress reports: phase "train MODEL",
 * done/total in rows over all epochs, detail "epoch E/N  loss L  R rows/s". */
typedef struct mrs_tprog {
	const mrs_progress *p;
	const char *model;
	double t0;
} mrs_tprog;
void mrs_tprog_init(mrs_tprog *tp, const mrs_progress *p, const char *model);
int mrs_tprog_fn(void *ud, int epoch, int epochs, int64_t rows_done, int64_t rows_total,
		 double loss);
/* An mrs_error from the shim's last failure (MRS_ERR_CANCELLED for a cancel). */
int mrs_torch_fail(mrs_error *err, int status, const char *what);
/* Saves a torch model to path through a temporary file renamed into place (core.h);
 * meta (may be NULL) is stored with it. Errors name path. */
struct mrs_tmodel;
int mrs_torch_save(const struct mrs_tmodel *m, const char *path, const char *meta,
		   mrs_error *err);

/* A new card with the fields every card has: model name, kind and libtorch version.
 * NULL when memory runs out. */
struct cJSON *mrs_card_new(const char *model, const char *kind);
/* Adds an array of n floats under name (NaN and infinities become null). */
void mrs_card_add_floats(struct cJSON *obj, const char *name, const float *v, size_t n);
/* Adds a number, or null when it is NaN or infinite. */
void mrs_card_add_number(struct cJSON *obj, const char *name, double v);

/* ------------------------------------------------------------------ coengage.c */

/* Binary user-item feedback: user u's items at item[off[u] .. off[u+1]), ascending and
 * distinct. */
typedef struct mrs_ui_log {
	uint32_t n_users, n_items;
	uint32_t *off, *item;
} mrs_ui_log;
/* Builds a log from n (user, item) pairs in any order (repeats merged). The log owns its
 * arrays (mrs_ui_log_free). Errors: MRS_ERR_NOMEM, MRS_ERR_DATA for an id out of range. */
int mrs_ui_log_build(mrs_ui_log *log, uint32_t n_users, uint32_t n_items, const uint32_t *user,
		     const uint32_t *item, size_t n, mrs_error *err);
void mrs_ui_log_free(mrs_ui_log *log);

/* Item-kNN over a log (mrs_knn_params says what it computes). The model is the caller's
 * (mrs_item_knn_free); NULL on error (MRS_ERR_NOMEM, MRS_ERR_CANCELLED). */
typedef struct mrs_item_knn mrs_item_knn;
mrs_item_knn *mrs_item_knn_train(const mrs_ui_log *log, const mrs_knn_params *p,
				 const mrs_progress *progress, mrs_error *err);
/* The same with neighbour lists toward items first .. n_items-1 only: an item before first
 * is no one's neighbour-list target (every similarity toward it is 0; as a history item it
 * still adds to the items after first). first 0 is mrs_item_knn_train. */
mrs_item_knn *mrs_item_knn_train_from(const mrs_ui_log *log, const mrs_knn_params *p,
				      uint32_t first, const mrs_progress *progress, mrs_error *err);
/* mrs_item_knn_train_from with the similarity of w (mrs_item_knn_train_from: cosine). */
mrs_item_knn *mrs_item_knn_train_weighted(const mrs_ui_log *log, const mrs_knn_params *p,
					  const mrs_knn_weights *w, uint32_t first,
					  const mrs_progress *progress, mrs_error *err);
/* score[0 .. n_items): for every item, the summed similarity to items[0 .. n). */
void mrs_item_knn_score(const mrs_item_knn *m, const uint32_t *items, uint32_t n, float *score);
/* What item i adds to the score of item j: their similarity when i is among the
 * neighbours kept for j, else 0 (also for ids out of range). */
float mrs_item_knn_sim(const mrs_item_knn *m, uint32_t i, uint32_t j);
/* The summed similarity of item j to items[0 .. n) (what mrs_item_knn_score gives j). */
float mrs_item_knn_score_one(const mrs_item_knn *m, const uint32_t *items, uint32_t n, uint32_t j);
/* The items whose score item i adds to, ascending, into *items and what it adds to each
 * into *sims; returns their number (0 for an id out of range). */
uint32_t mrs_item_knn_row(const mrs_item_knn *m, uint32_t i, const uint32_t **items,
			  const float **sims);
void mrs_item_knn_free(mrs_item_knn *m);

/* The engine's co-engagement index (Twitter's UTG / GraphJet "users who engaged with X
 * also engaged with Y"): item-kNN with mrs_knn_defaults (or the size rule's parameters,
 * below) and the similarity of mrs_coeng_weights over the positive engagements before
 * until. mrs_coeng_open builds it, sets e->coeng_before to until and e->coeng_until
 * to one second after the latest engagement it holds (an engine over a dataset with no
 * positive engagement before until has no index: every score is 0). */
int mrs_coeng_open(mrs_engine *e, int64_t until, const mrs_progress *p, mrs_error *err);
/* The size rule of the index: with more than MRS_COENG_ALL_TARGETS_MAX positive
 * engagements before its cut (8 M: the large world's 3.6 M stay under it, the huge
 * world's 36 M do not), the index keeps neighbour lists only toward the tweets that can
 * still be candidates at or after its cut, those created at most the dataset's age limit
 * before it (older tweets score 0), and at most MRS_COENG_BIG_NEIGHBOURS neighbours a
 * tweet instead of mrs_knn_defaults' 1,000: the lists of every tweet would take about
 * 12 GB at the huge scale, those of the live ones with 1,000 neighbours more than 5 GB
 * while they are built. Training's engine cuts its index at the embedding cut and scores
 * rows after it, serving at now: both hold the same rule. */
#define MRS_COENG_ALL_TARGETS_MAX 8000000u
#define MRS_COENG_BIG_NEIGHBOURS 5u
/* Applies the size rule to an index over n_engagements positive engagements before
 * until: false (p unchanged, *first 0) at or under MRS_COENG_ALL_TARGETS_MAX; else true,
 * p's neighbours at most MRS_COENG_BIG_NEIGHBOURS and *first the first tweet created at
 * or after until minus the dataset's age limit (the index's targets: *first ..). */
bool mrs_coeng_size_rule(const mrs_dataset *ds, int64_t until, size_t n_engagements,
			 mrs_knn_params *p, uint32_t *first);
/* What the index e serves with holds, in one sentence, into buf (for the model card and
 * the engine's open note). */
void mrs_coeng_describe(const mrs_engine *e, char *buf, size_t size);
/* The until an engine e opened with o builds its index with: o's coeng_until when o asks
 * for a cut before now, else e's now. */
int64_t mrs_coeng_cut(const mrs_engine *e, const mrs_engine_opts *o);
/* The tweets of the viewer's latest max positive engagements before now, distinct and
 * ascending, into items; returns how many. */
uint32_t mrs_coeng_history(const mrs_engine *e, uint32_t viewer, int64_t now, uint32_t *items,
			   uint32_t max);
/* How many of the viewer's latest positive engagements the index reads (see
 * docs/features.md, pair_coengagement). */
#define MRS_COENG_HISTORY 256
/* The co-engagement score of tweet for a viewer whose history is items[0 .. n) at now: the
 * summed similarity of tweet to them; 0 when the index holds behaviour at or after now
 * (e->coeng_until > now) or there is no index. */
float mrs_coeng_score(const mrs_engine *e, const uint32_t *items, uint32_t n, uint32_t tweet,
		      int64_t now);
/* mrs_coeng_score of each of tweets[0 .. n) into out[0 .. n), bit for bit the same sums,
 * in one pass over each history row instead of a binary search per tweet and row; key is
 * scratch of n entries. */
void mrs_coeng_scores(const mrs_engine *e, const uint32_t *items, uint32_t n_items,
		      const uint32_t *tweets, uint32_t n, int64_t now, uint64_t *key, float *out);

/* ------------------------------------------------------------------ features.c */

/* The features, in their order in a feature vector (see mrs_feature_info_get). */
enum {
	F_VIEWER_FOLLOWERS,
	F_VIEWER_FOLLOWING,
	F_VIEWER_ACCOUNT_AGE,
	F_VIEWER_ACTIVITY,
	F_VIEWER_ENG_RATE,
	F_TWEET_TEXT_LENGTH,
	F_TWEET_MEDIA,
	F_TWEET_LINK,
	F_TWEET_HASHTAGS,
	F_TWEET_AGE,
	F_TWEET_RETWEET,
	F_TWEET_IMPRESSIONS,
	F_TWEET_ENGAGEMENTS,
	F_TWEET_ENG_RATE,
	F_TWEET_NEG_RATE,
	F_AUTHOR_FOLLOWERS,
	F_AUTHOR_VERIFIED,
	F_AUTHOR_ENG_RATE,
	F_AUTHOR_NEG_RATE,
	F_AUTHOR_RT_RATIO,
	F_PAIR_FOLLOWS,
	F_PAIR_MUTUAL,
	F_PAIR_REALGRAPH,
	F_PAIR_ENGAGEMENTS,
	F_PAIR_NEGATIVE,
	F_PAIR_TEXT_AFFINITY,
	F_PAIR_TOPIC_AFFINITY,
	F_PAIR_FOLLOW_TOPIC,
	F_PAIR_OWN_TOPIC,
	F_PAIR_TOPIC_EVIDENCE,
	F_EMB_SIMCLUSTERS,
	F_EMB_TWHIN,
	F_EMB_TWHIN_AUTHOR,
	F_HOUR_SIN,
	F_HOUR_COS,
	F_SAFETY_NSFW,
	F_SAFETY_TOXICITY,
	F_PAIR_COENGAGEMENT,
	F_VIEWER_LIKE_LOGIT,
	F_AUTHOR_ACTION_RATE,
	F_TWEET_LIKE_LOGIT,
	F_PAIR_LIKE_LIFT,
	F_TWEET_RECENCY,
	F_PAIR_TOPIC_SHARE,
	F_PAIR_IMPRESSION_SHARE,
	F_PAIR_SHOWN_TOPIC,
	F_AUTHOR_RT_LIKE,
	F_AUTHOR_TWEETS,
	F_COUNT
};

/* Features of rows that each have their own viewer, tweet and time (training and
 * evaluation rows): every run of consecutive rows with the same (viewer, now) goes
 * through one mrs_features call, so a row's vector is exactly what serving computes for
 * that viewer at that time. out is [n, MRS_N_FEATURES]. Reports progress every 4096
 * rows under `phase`; a cancel fails with MRS_ERR_CANCELLED. */
int mrs_features_rows(const mrs_engine *e, const uint32_t *viewer, const uint32_t *tweet,
		      const int64_t *now, size_t n, float *out, const mrs_progress *p,
		      const char *phase, mrs_error *err);

/* ------------------------------------------------------------------ negatives.c */

/* Does ds hold engagements only (every impression carries an action, as every import
 * gives: real logs record what people did, not what they were shown)? Then a ranker's
 * rows need sampled negatives (mrs_neg_sample). False without impressions. */
bool mrs_engagements_only(const mrs_dataset *ds);

/* Negatives for engagement-only logs (docs/features.md has the rule): for an engagement
 * of user at now, tweets live at now (created within the dataset's age limit before it)
 * that the user never engaged with, drawn as often as they were engaged with in that
 * window. Deterministic for a seed and a sequence of calls. */
typedef struct mrs_neg_sampler mrs_neg_sampler;
#define MRS_NEG_PER_ROW 4 /* negatives drawn per engagement (a 20% positive rate) */
mrs_neg_sampler *mrs_neg_sampler_new(const mrs_dataset *ds, uint64_t seed, mrs_error *err);
void mrs_neg_sampler_free(mrs_neg_sampler *s);
/* Writes up to k distinct tweets to out and their number to *n (fewer when the window
 * holds too few); fails only when memory runs out. */
int mrs_neg_sample(mrs_neg_sampler *s, uint32_t user, int64_t now, uint32_t k, uint32_t *out,
		   uint32_t *n, mrs_error *err);
/* Is impression i an engagement at its tweet's creation time? In an engagement-only log
 * a tweet comes into being with its first engagement (an import dates it so): no feed
 * could have served it before, and its features (age 0, no impressions) would tell it
 * from every negative, so training and evaluation leave such rows out. */
bool mrs_neg_at_creation(const mrs_dataset *ds, uint32_t i);

/* ------------------------------------------------------------------ topics.c */

/* Hashes (never 0) of a text's lower-cased words of 3 bytes or more (letters, digits,
 * non-ASCII), links skipped; at most cap. */
size_t mrs_text_words(const char *text, uint64_t *out, size_t cap);

/* Word communities learned from which words share tweets (see topics.c). */
typedef struct mrs_topics mrs_topics;
mrs_topics *mrs_topics_build(const mrs_dataset *ds, mrs_error *err);
void mrs_topics_free(mrs_topics *t);
uint32_t mrs_topics_count(const mrs_topics *t);
/* The community of a word hash, or -1. */
int32_t mrs_topic_of_word(const mrs_topics *t, uint64_t word);
/* The topic of a text's n word hashes: the community with the largest sum of its words'
 * weights ((words in the community)^2 / the word's document frequency), the smaller on
 * a tie; -1 when no word has a community. */
int32_t mrs_topic_of_text(const mrs_topics *t, const uint64_t *words, size_t n);

/* ------------------------------------------------------------------ safety.c */

/* Hashed token ids of a text for a safety model (lower-cased word unigrams, bigrams and
 * character n-grams as prm says; FNV-1a, unsalted, so the same on every run and
 * machine), appended to out[0 .. cap); returns the number written (at most cap). */
size_t mrs_safety_tokens(const char *text, const mrs_safety_params *prm, int64_t *out,
			 size_t cap);

/* Labelled texts, borrowed. */
typedef struct mrs_labelled {
	const char *const *text;
	const uint8_t *label;
	size_t n;
} mrs_labelled;

/* Trains a safety model on `train`; when val has rows, calibrates it on them (if
 * prm->calibrate) and chooses its decision threshold there; then scores test (may be NULL
 * or empty). The report is filled either way. Writes DIR/NAME.pt and, when card_out is
 * NULL, the card DIR/NAME.json; otherwise hands the card to the caller (who writes and
 * frees it). dir NULL: nothing is written. */
int mrs_safety_fit(const mrs_labelled *train, const mrs_labelled *val, const mrs_labelled *test,
		   const mrs_safety_params *prm, const char *dir, const char *name,
		   const char *source, const mrs_progress *p, mrs_safety_report *rep,
		   struct cJSON **card_out, mrs_error *err);

/* ------------------------------------------------------------------ ranker.c */

typedef struct mrs_ranker_params {
	int hidden[2];     /* shared tower widths */
	int norm;          /* MRS_TNORM_* */
	float dropout;
	int head_hidden;   /* 0: linear heads */
	int epochs, batch;
	float lr, weight_decay;
	uint64_t seed;
} mrs_ranker_params;
void mrs_ranker_params_default(mrs_ranker_params *rp);

/* Trains the heavy ranker on n rows: x [n, MRS_N_FEATURES] raw features, y [n,
 * MRS_N_HEADS] labels in {0, 1} or NaN (masked). Standardisation constants come from x
 * and are stored in the model. Writes the model to `path` (atomically) with its meta;
 * epoch_loss [epochs] receives the mean training loss per epoch. */
int mrs_ranker_fit(const float *x, const float *y, size_t n, const mrs_ranker_params *rp,
		   const char *path, const mrs_progress *p, float *epoch_loss,
		   int64_t *param_count, mrs_error *err);

/* Loads DIR/heavy_ranker.pt (checked as the engine checks it, but before its card
 * exists) and predicts n rows in
 * batches: heads [n, MRS_N_HEADS]. Used by training to evaluate what it wrote. */
int mrs_ranker_eval_dir(const char *dir, const float *features, size_t n, float *heads,
			mrs_error *err);

/* The hand-set fallback: per-head probabilities from a logistic formula over a few
 * features (documented in docs/features.md). */
void mrs_ranker_heuristic(const float *features, uint32_t n, float *heads);

/* ------------------------------------------------------------------ features, heads, metrics */

/* The feature vector of a (viewer, tweet, now), the same for training and serving. Only
 * behaviour before `now` is used; the ground truth never is. */
#define MRS_FEATURE_SPEC_VERSION 6
typedef struct mrs_feature_info {
	const char *name;    /* e.g. "viewer_followers" */
	const char *formula; /* e.g. "log1p(followers of the viewer) / 10" */
	const char *range;   /* e.g. "[0, 1.2]" */
} mrs_feature_info;
const mrs_feature_info *mrs_feature_info_get(int i);
/* pair_coengagement's scale: log1p(x) up to 1.5, then bent toward 2 without reaching it,
 * so that a larger summed similarity still ranks higher. */
float mrs_feature_coeng_scale(double x);
/* Features of n tweets for one viewer: out is [n, MRS_N_FEATURES], row-major. */
int mrs_features(const mrs_engine *e, uint32_t viewer, const uint32_t *tweets, uint32_t n,
		 int64_t now, float *out, mrs_error *err);

/* A ranker trained on the negatives of a log of engagements only (negatives.c: drawn in
 * proportion to each tweet's engagements in the age limit L before the row) learns the
 * odds of an engagement against that draw, not against the feed: its odds for tweet t are
 * P(t | viewer) / (k Q(t)), Q(t) the share of t in the draw. Serving such a ranker, the
 * odds of every positive head (and "any") of tweets[i] are multiplied by
 * (n_t + 1) / (neg_mean + 1), n_t the tweet's engagements in [now - L, now) and neg_mean
 * that count's mean over the tweets engaged with in the engine's own window: the order is
 * that of the probabilities, the scale that of a tweet of mean popularity. Nothing
 * otherwise (e->neg_mean 0: a log with impressions, or the heuristic serving). heads is
 * [n, MRS_N_HEADS], changed in place. */
void mrs_ranker_sampling_correct(const mrs_engine *e, const uint32_t *tweets, uint32_t n,
				 int64_t now, float *heads);

/* Heavy ranker: per-head probabilities for n feature rows (one batched forward through
 * libtorch), or the documented heuristic when no trained ranker is loaded. heads is
 * [n, MRS_N_HEADS]. */
int mrs_ranker_predict(const mrs_engine *e, const float *features, uint32_t n, float *heads,
		       mrs_error *err);

/* Binary-classification metrics over n (score, label) pairs, label 0 or 1. Each returns
 * NaN when it is undefined (no positives, or no negatives where both are needed).
 * mrs_auc: ROC AUC, ties counted half (average ranks).
 * mrs_pr_auc: average precision, sum over distinct score thresholds (high to low) of
 *   (recall gain) x (precision at that threshold); tied scores form one threshold.
 * mrs_rce: relative cross entropy in %: 100 x (1 - CE(p) / CE(base)), where base
 *   predicts the rows' own positive rate; p is clipped to [1e-7, 1 - 1e-7].
 * mrs_precision_at_recall: the highest precision among the thresholds whose recall is
 *   at least `recall`.
 * mrs_macro_f1: mean of the F1 of class 1 and of class 0, predicting 1 when
 *   score >= threshold (a class neither present nor predicted scores F1 = 0, as
 *   scikit-learn does).
 * mrs_macro_f1_best: the highest macro-F1 over every threshold between distinct scores;
 *   *threshold (optional) receives it. */
double mrs_auc(const float *score, const uint8_t *label, size_t n);
double mrs_pr_auc(const float *score, const uint8_t *label, size_t n);
double mrs_rce(const float *p, const uint8_t *label, size_t n);
double mrs_precision_at_recall(const float *score, const uint8_t *label, size_t n,
			       double recall);
double mrs_macro_f1(const float *score, const uint8_t *label, size_t n, double threshold);
double mrs_macro_f1_best(const float *score, const uint8_t *label, size_t n,
			 double *threshold);
/* Mean binary cross entropy (natural log) of p against the labels, p clipped as above. */
double mrs_log_loss(const float *p, const uint8_t *label, size_t n);
/* Expected calibration error of probabilities p: the rows fall into MRS_ECE_BINS
 * equal-width bins of p ([0, 0.1), [0.1, 0.2), ... [0.9, 1]); the sum over bins of
 * (rows in the bin / n) x |mean p - share of positives| in the bin. NaN for n = 0. */
double mrs_ece(const float *p, const uint8_t *label, size_t n);

#endif
