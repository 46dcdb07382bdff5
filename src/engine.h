/* engine.h: the serving engine's parts and the contract between them (library-internal).
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
#ifndef MRS_ENGINE_H
#define MRS_ENGINE_H

#include "minirecsys.h"

/* ------------------------------------------------------------------ time cuts */

/* Time before which 40% of the train-split impressions fall: embeddings are fitted on
 * behaviour before it, the heavy ranker on train impressions at or after it. */
int64_t mrs_embed_cut(const mrs_dataset *ds);

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
	struct mrs_counts *counts;
	struct mrs_sc *sc;
	struct mrs_twhin *tw;
	struct mrs_rg *rg;
	struct mrs_safety *nsfw, *tox;
	struct mrs_ranker *rk;
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
 * would otherwise read every impression's time and actions through ds->timp (a cache
 * miss each on the large world): the position one past tweet's last impression before
 * now (what mrs_timp_end answers), and whether the impression at a position was a
 * positive engagement. Both work from the dataset when the counters are not open. */
uint32_t mrs_counts_timp_end(const mrs_engine *e, uint32_t tweet, int64_t now);
bool mrs_counts_timp_positive(const mrs_engine *e, uint32_t pos);

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
/* Per-cluster indexes, built once at open: tweets created in the 14 days before now
 * (weight: decayed engagement popularity x the tweet's weight on the cluster), and
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
 * engagements (the latest 64) of 2^(-age/24h), plus 2^(-tweet age/24h) for the author. */
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

#endif
