/* learn.h: internals shared by the feature, safety, heavy-ranker and training code and
 * their tests (library-internal; the public API is minirecsys.h, the parts engine.h). */
#ifndef MRS_LEARN_H
#define MRS_LEARN_H

#include "engine.h"
#include "internal.h"
#include "retrieval.h" /* mrs_follows_before, mrs_atw_end and the other lookups */

struct cJSON;

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
/* Saves a torch model to path through a temporary file renamed into place (file.h);
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

#endif
