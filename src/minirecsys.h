/* minirecsys.h: the API of libminirecsys, a For You timeline recommender, as the program
 * uses it. The building blocks below it (a dataset's arrays, single sources and stages,
 * random numbers, metrics) are declared by the library's folders; tests and benchmarks
 * reach them through parts.h (src/README.md). */
#ifndef MINIRECSYS_H
#define MINIRECSYS_H

/*
 * Conventions, for every function below:
 * - Functions that can fail take a `mrs_error *err` last. They return 0 on success and
 *   -1 on failure (or NULL for constructors) and fill *err with a code and a message
 *   that names the file, line or field at fault. err may be NULL when the caller does
 *   not care. The library never prints and never exits.
 * - Constructors pair with exactly one free; every free accepts NULL.
 * - Pointers passed in are borrowed unless the comment says "takes ownership".
 * - Long work takes a `const mrs_progress *` (may be NULL); a callback that returns
 *   non-zero cancels the work, which then fails with MRS_ERR_CANCELLED and leaves
 *   nothing half-written.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

typedef enum mrs_code {
	MRS_OK = 0,
	MRS_ERR_USAGE,     /* bad argument from the caller (unknown name, out of range) */
	MRS_ERR_IO,        /* a file could not be opened, read or written */
	MRS_ERR_DATA,      /* a file was read but its content is wrong */
	MRS_ERR_MODEL,     /* a model is missing, corrupt or does not match */
	MRS_ERR_NOMEM,
	MRS_ERR_CANCELLED, /* a progress callback asked to stop */
	MRS_ERR_BUSY,      /* another process holds the dataset's write lock */
	MRS_ERR_INTERNAL,
	MRS_ERR_REFUSED,   /* a well-formed request that cannot be done: what it names does
			    * not exist, or the state does not allow it (nothing to undo) */
	MRS_ERR_NODATA     /* the data holds nothing to work on (a model with nothing to learn
			      from: `train` skips it and says why) */
} mrs_code;

typedef struct mrs_error {
	mrs_code code;
	char msg[1024];
} mrs_error;

/* Fills err (if not NULL) and returns -1, so callers can `return mrs_fail(...)`. */
int mrs_fail(mrs_error *err, mrs_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes err->msg with "prefix: " (for adding a file name to a lower-level error). */
void mrs_error_prefix(mrs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *mrs_code_name(mrs_code code);

/* ---------------------------------------------------------------- progress */

/* phase: a short name ("follows", "impressions", "epoch 3/8"); done/total in any unit
 * (total may be 0 when unknown); detail: optional extra text (e.g. "loss 0.231").
 * Return non-zero to cancel. */
typedef int (*mrs_progress_fn)(void *ud, const char *phase, double done, double total,
			       const char *detail);
typedef struct mrs_progress {
	mrs_progress_fn fn;
	void *ud;
} mrs_progress;

/* Seconds from a monotonic clock (for durations). */
double mrs_seconds(void);

/* Times in datasets, requests and traces are Unix seconds (UTC). */
#define MRS_HOUR 3600LL
#define MRS_DAY 86400LL

/* Decodes the strictly valid UTF-8 sequence at s (n >= 1 bytes left): its length (1 to
 * 4) with its code point in *cp, or 0 when s does not start one (a stray or continuation
 * byte, an overlong form, a surrogate, a code point past U+10FFFF, a sequence cut short).
 * NUL is the valid one-byte U+0000. */
size_t mrs_utf8_decode(const unsigned char *s, size_t n, long *cp);

/* ---------------------------------------------------------------- files */

/* Writes text and a newline to path the way every writer of the library writes: into an
 * exclusively created temporary file with an unpredictable name in path's folder, synced
 * and renamed into place, so path is wholly old or wholly new. A path that exists and is
 * not a regular file (a symbolic link, device, FIFO, socket or folder) is refused and left
 * as it is. Errors name path. */
int mrs_file_write_text(const char *path, const char *text, mrs_error *err);

/* ---------------------------------------------------------------- the world's vocabulary */

/* Actions a viewer can take on an impression (bit i of an impression's action mask). */
enum {
	MRS_ACT_LIKE = 0,
	MRS_ACT_RETWEET,
	MRS_ACT_REPLY,
	MRS_ACT_CLICK,
	MRS_ACT_FOLLOW,  /* followed the author from this tweet */
	MRS_ACT_NEGFB,   /* negative feedback: "show less" / not interested */
	MRS_ACT_REPORT,
	MRS_N_ACTIONS
};
/* Positive engagement: like, retweet, reply, click or follow. */
#define MRS_POSITIVE_MASK ((1u << MRS_ACT_LIKE) | (1u << MRS_ACT_RETWEET) | \
			   (1u << MRS_ACT_REPLY) | (1u << MRS_ACT_CLICK) | (1u << MRS_ACT_FOLLOW))
/* "like", "retweet", "reply", "click", "follow", "negfb", "report"; NULL if out of range. */
const char *mrs_action_name(int action);
/* Index of an action name, or -1. */
int mrs_action_by_name(const char *name);

/* Interest categories of the synthetic world. */
#define MRS_N_TOPICS 7
const char *mrs_topic_name(int topic); /* "tech", "sports", ... */
int mrs_topic_by_name(const char *name);

#define MRS_NONE UINT32_MAX

/* ---------------------------------------------------------------- dataset */

/*
 * A dataset's time scale: how long its items keep getting engagements, and the time
 * windows of the request path that follow from it (docs/timescale.md). Two numbers are
 * set, the rest follow: the age limit L and the half-life H; the Graph source's window is
 * 2H, feedback fatigue wears off over 2L, SimClusters decays engagements with half-life
 * H and indexes the tweets of the last 2L, RealGraph decays interactions with half-life L.
 * The synthetic world, and a file stored without one, has Twitter's (L 168 h, H 24 h); an
 * import derives one from its train split (mrs_time_scale_derive). The config's time
 * fields start from the dataset's (mrs_config_time_scale) and can be overridden there.
 */
typedef struct mrs_time_scale {
	double age_limit_hours;    /* L: older candidates are dropped */
	double halflife_hours;     /* H: recency decay and InNetwork light ranking */
	double graph_window_hours; /* 2H: Graph source's engagements at most this old */
	double fatigue_days;       /* 2L: feedback fatigue wears off over this many days */
	char basis[16];            /* "twitter" (the published scale) or "derived" */
	char rule[160];            /* how L and H were set, in words */
	/* the measurement behind a derived scale (0 for Twitter's) */
	uint32_t engagements;      /* dated positive engagements of the train split */
	double age_p50_hours, age_p99_hours; /* their ages: median and 99th percentile */
	double window_hours;       /* from the first of them to the split */
} mrs_time_scale;

/* Twitter's published time scale: L 168 h, H 24 h (Graph window 48 h, fatigue 14 days). */
void mrs_time_scale_twitter(mrs_time_scale *ts);

/*
 * A dataset: users, follows, tweets with text, impressions with the actions taken, blocks
 * and mutes, moderation labels, and labelled texts for the safety models. Ids are dense:
 * users 0..users-1, tweets 0..tweets-1, and tweet ids are in time order (like snowflake
 * ids). Read-only once loaded. Its layout is the library's (src/dataset/dataset.h): the
 * program reads a dataset through the functions below.
 */
typedef struct mrs_dataset mrs_dataset;

/* Loads a dataset file. Errors: MRS_ERR_IO (missing, unreadable), MRS_ERR_DATA (not
 * SQLite, not a minirecsys dataset, wrong schema version, broken references). */
mrs_dataset *mrs_dataset_load(const char *path, const mrs_progress *progress, mrs_error *err);
void mrs_dataset_free(mrs_dataset *ds);
/* Loads a dataset to serve it with the models folder models_dir (the engine opened next
 * with the same folder): from the serving snapshot in the folder's current set when it is
 * there and was made from this dataset file and these models (mapped, in place: a
 * fraction of a second on the large world), else from the file as mrs_dataset_load does,
 * and the engine then writes the snapshot (docs/performance.md). Without models (NULL,
 * "", or a folder with no set) it is mrs_dataset_load. Errors: mrs_dataset_load's. */
mrs_dataset *mrs_dataset_load_serving(const char *path, const char *models_dir,
				      const mrs_progress *progress, mrs_error *err);
/* Why ds did not come from its snapshot ("" when it did: the snapshot was current;
 * "...: none yet", "stale: the dataset file changed", "...: truncated ..."), or NULL when
 * no snapshot is involved (mrs_dataset_load, or no models). Borrowed from ds. */
const char *mrs_dataset_snapshot_why(const mrs_dataset *ds);

/* What a dataset is, in a few numbers (no scan; the strings are the dataset's). */
typedef struct mrs_dataset_info {
	const char *path;        /* file it was loaded from, or NULL */
	const char *kind;        /* "synthetic", "edges", "activity", "interactions", ... */
	const char *texts_task;  /* the labelled texts' task ("offensive"), NULL without */
	uint64_t seed;
	uint64_t fingerprint;    /* hash of the content; model cards record it */
	int64_t t_begin, t_end;  /* first and last timestamp in the data */
	int64_t split_time;      /* train: time < split_time; test: time >= split_time */
	uint32_t users, tweets, follows, impressions, blocks, labelled, texts;
	bool has_truth;          /* the file has a ground-truth table (synthetic worlds) */
	mrs_time_scale time_scale; /* stored with the dataset (Twitter's when it has none) */
} mrs_dataset_info;
mrs_dataset_info mrs_dataset_info_get(const mrs_dataset *ds);

/* A user u < users: their handle (without '@'), when the account was created, whether it
 * is verified, how many accounts they follow and are followed by (at any time), how many
 * tweets (retweets included) they posted, and how many impressions they were shown. */
const char *mrs_handle(const mrs_dataset *ds, uint32_t u);
int64_t mrs_user_created(const mrs_dataset *ds, uint32_t u);
bool mrs_user_verified(const mrs_dataset *ds, uint32_t u);
uint32_t mrs_n_followees(const mrs_dataset *ds, uint32_t u);
uint32_t mrs_n_followers(const mrs_dataset *ds, uint32_t u);
uint32_t mrs_n_tweets_of(const mrs_dataset *ds, uint32_t u);
uint32_t mrs_n_impressions_of(const mrs_dataset *ds, uint32_t u);
/* The actions (bit MRS_ACT_*) on the k-th impression shown to u, in time order
 * (k < mrs_n_impressions_of). */
unsigned mrs_impression_actions(const mrs_dataset *ds, uint32_t u, uint32_t k);

/* A tweet t < tweets: its text, its author (the retweeter, for a retweet), the author
 * whose content it carries (the original author, for a retweet) and when it was posted. */
const char *mrs_tweet_text(const mrs_dataset *ds, uint32_t t);
uint32_t mrs_tweet_author(const mrs_dataset *ds, uint32_t t);
uint32_t mrs_original_author(const mrs_dataset *ds, uint32_t t);
int64_t mrs_tweet_time(const mrs_dataset *ds, uint32_t t);

/* User id from "123", "@handle" or "handle"; MRS_NONE if there is no such user. */
uint32_t mrs_user_lookup(const mrs_dataset *ds, const char *text);

/* Summary numbers for `minirecsys info`. */
typedef struct mrs_dataset_stats {
	uint32_t users, tweets, follows, impressions, blocks, mutes, labelled;
	uint32_t engagements;            /* impressions with at least one action */
	uint32_t positive_engagements;   /* ... with at least one positive action */
	uint32_t actions[MRS_N_ACTIONS]; /* impressions carrying each action */
	uint32_t train_impressions, test_impressions;
	uint32_t retweets;
	double followers_mean, followers_median, followers_max, followers_p99;
	double following_mean, following_median, following_max;
	double tweets_per_user_mean, tweets_per_user_max;
	double impressions_per_user_mean, impressions_per_user_median;
	uint32_t users_without_follows, users_without_impressions;
} mrs_dataset_stats;
void mrs_dataset_stats_compute(const mrs_dataset *ds, mrs_dataset_stats *st);

/* How the dataset behaves like a feed (`info`'s "world" section; docs/world.md). An
 * impression is in network when the viewer followed the tweet's author (the retweeter,
 * for a retweet) before it, out of network (oon) otherwise; it is engaged when it carries
 * at least one positive action. Rates and shares are NaN when undefined (no impressions
 * on that side, no engagements). */
typedef struct mrs_world_stats {
	uint32_t impressions, oon_impressions; /* all, and those out of network */
	uint32_t engaged, oon_engaged;         /* engaged impressions, and those out of network */
	double oon_impression_share;     /* oon_impressions / impressions */
	double oon_engagement_share;     /* oon_engaged / engaged */
	double in_network_engagement_rate; /* engaged / impressions, in network */
	double oon_engagement_rate;      /* engaged / impressions, out of network */
	double engagement_gini;          /* Gini of engaged impressions per tweet, every tweet */
	double top1pct_engagement_share; /* share of engaged impressions on the most engaged 1%
					    of tweets (at least one tweet) */
	/* a cascade: the retweets (quotes included) of one original tweet; its size is the
	 * impressions they had, the reach the original got through them */
	uint32_t largest_cascade;          /* impressions of the largest cascade, 0 if none */
	uint32_t largest_cascade_tweet;    /* its original tweet, MRS_NONE without tweets */
	uint32_t largest_cascade_retweets; /* its retweets */
} mrs_world_stats;
/* Fills *ws from ds. Fails only with MRS_ERR_NOMEM. */
int mrs_world_stats_compute(const mrs_dataset *ds, mrs_world_stats *ws, mrs_error *err);

/* ---------------------------------------------------------------- ground truth */

/*
 * The synthetic world's hidden truth: each user's interests and propensities, each
 * tweet's latents, and each impression's true action probabilities. Only evaluation
 * (the oracle ceiling, cluster NMI) and the explorer's "hidden truth" panel may read it:
 * no feature, model or candidate source does. It lives apart from mrs_dataset so that
 * code holding a dataset cannot reach it.
 */
typedef struct mrs_truth {
	uint32_t n_users, n_tweets, n_impressions;
	uint64_t seed;
	uint8_t *user_interests;   /* [n_users] bit mask of topics */
	float *user_interest_w;    /* [n_users * MRS_N_TOPICS] weights, summing to 1 */
	float *user_propensity;    /* [n_users] engagement propensity multiplier */
	uint8_t *tweet_topic;      /* [n_tweets] */
	float *tweet_quality;      /* [n_tweets] in (0, 1) */
	float *tweet_nsfw;         /* [n_tweets] in (0, 1) */
	float *tweet_toxicity;     /* [n_tweets] in (0, 1) */
	float *imp_prob;           /* [n_impressions * MRS_N_ACTIONS] true P(action) */
	bool mapped;               /* the arrays live in ds's serving snapshot */
} mrs_truth;

/* Loads the truth of the dataset file at path; MRS_ERR_DATA if it has none or its sizes
 * do not match ds. When ds came from its serving snapshot (mrs_dataset_load_serving) and
 * path is its file, the truth is mapped from the snapshot instead: free it before ds. */
mrs_truth *mrs_truth_load(const char *path, const mrs_dataset *ds, mrs_error *err);
void mrs_truth_free(mrs_truth *tr);
/* ---------------------------------------------------------------- store */

/* Writes ds (and tr, when not NULL) as a new dataset file at path: into a temporary file
 * in the same folder, renamed into place at the end, under an exclusive lock, so an
 * interrupted write leaves the previous file intact. */
int mrs_store_write(const char *path, const mrs_dataset *ds, const mrs_truth *tr,
		    const mrs_progress *progress, mrs_error *err);

/* ---------------------------------------------------------------- synthetic world */

typedef struct mrs_gen_params {
	uint32_t users;
	uint32_t tweets;        /* original tweets; the retweets and quotes people make come on top */
	uint32_t impressions;   /* target number of impressions */
	uint64_t seed;
	uint32_t days;          /* length of the simulated period */
	double homophily;       /* share of follows chosen within a shared interest */
	double follow_alpha;    /* Pareto shape of popularity (followers) */
	double following_alpha; /* Pareto shape of out-degree (following) */
	double following_min;   /* Pareto scale of out-degree */
	double media_rate, link_rate, verified_rate;
	double quote_rate;      /* share of retweets that are quotes (a retweet with a comment) */
	/* the For You logging policy (docs/world.md) */
	double oon_share;       /* share of its draws from the out-of-network sources */
	double trend_share;     /* of those, the share that follow trending topics */
	double explore;         /* of those, the share spread evenly over the topics */
	double virality;        /* weight of each engagement in a tweet's out-of-network reach */
	double fresh_hours;     /* half-life of a tweet's out-of-network reach, in hours */
	/* trends */
	double trend_rate;      /* trending events per topic per day */
	double trend_hours;     /* median length of a trending event, in hours */
	double trend_boost;     /* a topic's tweet rate at a trend's peak: x (1 + trend_boost) */
	double label_rate;      /* share of unreported tweets reviewed (reported ones: 80%) */
	double label_noise;     /* reviewers miss this share of true positives and flag a
				   fifth as many of the true negatives */
	double train_share;     /* share of impressions in the train split (0.8) */
} mrs_gen_params;

/* "small" (200 users), "default" (1,000 users, 10,000 tweets, 80,000 impressions),
 * "large" (100,000 users, 1,000,000 tweets, 10,200,000 impressions requested, of
 * which about 1% find no eligible tweet, leaving over 10,000,000) or "huge" (ten times
 * large: 1,000,000 users, 10,000,000 tweets, 102,000,000 impressions requested). */
int mrs_gen_params_scale(mrs_gen_params *p, const char *scale, mrs_error *err);
/* Sets one parameter by name ("oon_share", "virality", ...) from text; MRS_ERR_USAGE for
 * an unknown name, a value that is not a number or one out of the parameter's range. */
int mrs_gen_params_set(mrs_gen_params *p, const char *name, const char *value,
		       mrs_error *err);
/* The i-th settable parameter's name (NULL past the last), with its range and what it
 * does in *help (may be NULL). */
const char *mrs_gen_param_name(int i, const char **help);
/* The peak resident memory (bytes) that building and writing the world p takes,
 * estimated from its sizes: a fixed part (the program and libtorch, SQLite's page cache)
 * and a cost per user (follow graph, interests), per tweet (text, flags, truth) and per
 * impression (the arrays, their indexes and the truth's probabilities), fitted to
 * measured runs and rounded up (generate.c, docs/reliability.md). Front ends compare it
 * with the machine's memory before they start. */
uint64_t mrs_gen_memory_estimate(const mrs_gen_params *p);
/* Builds a synthetic world. *truth_out receives its ground truth. */
mrs_dataset *mrs_generate(const mrs_gen_params *p, mrs_truth **truth_out,
			  const mrs_progress *progress, mrs_error *err);

/* ---------------------------------------------------------------- models and the engine */

/* The learned parts, in the order `train` fits them (each may use the ones before). */
typedef enum mrs_model_id {
	MRS_MODEL_SIMCLUSTERS = 0,
	MRS_MODEL_TWHIN,
	MRS_MODEL_REALGRAPH,
	MRS_MODEL_NSFW,
	MRS_MODEL_TOXICITY,
	MRS_MODEL_RANKER,
	MRS_N_MODELS
} mrs_model_id;
/* "simclusters", "twhin", "realgraph", "nsfw", "toxicity", "heavy_ranker"; files are
 * NAME.pt with the model card NAME.json in a set's folder (below). */
const char *mrs_model_name(mrs_model_id id);
int mrs_model_by_name(const char *name); /* -1 if unknown */

/*
 * A models folder DIR holds sets: DIR/set-N/ with NAME.pt and NAME.json for each model of
 * one `train` run, and DIR/CURRENT, one line naming the set that serves ("set-3"). `train`
 * writes a whole new set, then switches CURRENT with one rename; every reader resolves
 * CURRENT once and reads all its files from that one set, so no reader ever combines the
 * files of two runs. A folder without CURRENT is read as a set itself (a set's own
 * folder, or model files put there by hand).
 */
/* The folder of DIR's current set into out ("DIR/set-N", or DIR itself without CURRENT).
 * MRS_ERR_MODEL, naming DIR/CURRENT, when it is not a regular file, does not name a set
 * or names one that is missing. */
int mrs_models_current(const char *dir, char *out, size_t size, mrs_error *err);

/* What a model card says about the dataset being served (see mrs_models_check). */
typedef enum mrs_card_state {
	MRS_CARD_MISSING = 0, /* no card, or not readable JSON */
	MRS_CARD_NO_DATASET,  /* a card without a dataset fingerprint (not made by `train`) */
	MRS_CARD_THIS,        /* trained on this dataset */
	MRS_CARD_OTHER        /* trained on another dataset: the model must not serve */
} mrs_card_state;
typedef struct mrs_card_check {
	mrs_card_state state;
	char fingerprint[20]; /* the card's dataset_fingerprint, "" when it has none */
	char skipped[200];    /* why `train` skipped the model (the card's "skipped"), else "" */
} mrs_card_check;
/* Reads the card of every model in the set folder set_dir (from mrs_models_current) and
 * compares its dataset_fingerprint with ds->source_fingerprint: a model trained on a
 * dataset is served only on that dataset, on its train split and on what-if copies of
 * it. Loads no model: cheap enough for `info`. */
void mrs_models_check(const char *set_dir, const mrs_dataset *ds,
		      mrs_card_check out[MRS_N_MODELS]);

typedef struct mrs_model_status {
	bool loaded;        /* false: the documented fallback serves instead */
	bool other_dataset; /* not loaded because its card names another dataset */
	char note[300];     /* "loaded DIR/set-N/NAME.pt", or why not and which fallback serves */
} mrs_model_status;

/* SimClusters modes: the real mechanism (KnownFor communities) or the original
 * educational version's shortcut (words hashed into clusters by a fixed hash). */
enum { MRS_SC_REAL = 0, MRS_SC_HASH = 1 };
/* RealGraph modes: the learned model or the original's rule. */
enum { MRS_RG_LEARNED = 0, MRS_RG_RULE = 1 };

typedef struct mrs_engine mrs_engine;

typedef struct mrs_engine_opts {
	const char *models_dir; /* the models folder (its current set serves); NULL or "": no
				   models, every part on its fallback */
	int64_t now;            /* 0: just after the dataset's last event */
	int sc_mode;            /* MRS_SC_REAL (default) or MRS_SC_HASH */
	int rg_mode;            /* MRS_RG_LEARNED (default) or MRS_RG_RULE */
	bool coeng_cut;         /* the co-engagement index holds the positive engagements
				   before coeng_until (if earlier than now), not before now */
	int64_t coeng_until;
	/* an open engine over a dataset with the same tweets and texts (ds is a cut of it:
	 * mrs_dataset_before, _without) and the same models folder: the safety models' score
	 * of every tweet, which depends on its text alone, is borrowed from it instead of
	 * computed (it must outlive this engine). Ignored when its set or its tweets differ. */
	const mrs_engine *texts_from;
	/* open only from the serving snapshot: NULL with MRS_ERR_REFUSED when it does not map */
	bool snapshot_only;
	/* the engine computes training rows only (mrs_features_rows, each at its own time):
	 * what only requests at the default now read is not kept (the same features, less
	 * memory; an engine at another now keeps none either) */
	bool rows_only;
} mrs_engine_opts;

/* Opens an engine over ds (borrowed; must outlive the engine): loads the models that
 * exist and match, builds the retrieval indexes. Missing or mismatched models are not
 * errors: see mrs_engine_status. When ds came from mrs_dataset_load_serving with the same
 * models folder and o has the default now and modes, the engine is mapped from the
 * serving snapshot, or built and the snapshot written (progress "snapshot (WHY)"); a
 * snapshot that cannot be written is no error (mrs_engine_snapshot_note says why). */
mrs_engine *mrs_engine_open(const mrs_dataset *ds, const mrs_engine_opts *o,
			    const mrs_progress *progress, mrs_error *err);
/* What the serving snapshot did when e opened: "opened from PATH", "rebuilt PATH (WHY)",
 * "not written (WHY): ERROR", or "" when it was not involved. Borrowed from e. */
const char *mrs_engine_snapshot_note(const mrs_engine *e);
void mrs_engine_free(mrs_engine *e);
const mrs_dataset *mrs_engine_dataset(const mrs_engine *e);
int64_t mrs_engine_now(const mrs_engine *e);
const mrs_model_status *mrs_engine_status(const mrs_engine *e, mrs_model_id id);
/* The set folder the engine's models came from ("" without models): what-if engines of
 * the same session open this one, not whatever set is current by then. */
const char *mrs_engine_models_dir(const mrs_engine *e);

/* ---------------------------------------------------------------- features */

/* The heavy ranker's input: MRS_N_FEATURES numbers per (viewer, tweet, now), the same for
 * training and serving (docs/features.md). */
#define MRS_N_FEATURES 48

/* Heads of the heavy ranker: one per action, then "any positive engagement". */
#define MRS_HEAD_ANY MRS_N_ACTIONS
#define MRS_N_HEADS (MRS_N_ACTIONS + 1)
const char *mrs_head_name(int head); /* action names, then "any" */

/* ---------------------------------------------------------------- training */

typedef struct mrs_train_opts {
	const char *models_dir;
	const char *only;       /* NULL: every model; else one model name and what it needs */
	uint64_t seed;
	uint32_t max_rows;      /* cap on heavy-ranker training rows (0: all); sampled evenly */
	uint32_t safety_buckets; /* hashed n-gram buckets of the safety models (0: the default,
				    2^18; a small world's models need far fewer) */
	const char *dataset_path; /* recorded in the model cards */
} mrs_train_opts;
/* Fits every model in dependency order on the train split of ds and writes each model
 * file with its card (atomically: a cancel or failure keeps the previous files). */
int mrs_train(const mrs_dataset *ds, const mrs_train_opts *o, const mrs_progress *progress,
	      mrs_error *err);

/* ---------------------------------------------------------------- safety models */

/* Labelled texts (TweetEval shape: one text per line in one file, one 0/1 label per line
 * in another). */
typedef struct mrs_texts {
	uint32_t n;
	char **text;
	uint8_t *label;
} mrs_texts;
/* Reads a text file and its label file; errors name FILE:LINE (a label that is not 0 or
 * 1, line counts that differ). */
mrs_texts *mrs_texts_read(const char *text_path, const char *label_path, mrs_error *err);
void mrs_texts_free(mrs_texts *t);

/* How a safety model (NSFW, toxicity) is built and trained: lower-cased word unigrams,
 * optional word bigrams and character n-grams, hashed into `buckets`, pooled by an
 * embedding bag, then a small MLP with one sigmoid output. */
enum {
	MRS_SAFETY_POOL_MEAN = 0,     /* the mean of the n-gram embeddings */
	MRS_SAFETY_POOL_MAX = 1,      /* their element-wise maximum */
	MRS_SAFETY_POOL_MEAN_MAX = 2, /* both, side by side */
};
/* "mean", "max" or "mean-max"; NULL for a value that is not an MRS_SAFETY_POOL_*. */
const char *mrs_safety_pool_name(int pool);
typedef struct mrs_safety_params {
	uint32_t buckets;    /* hashed id space */
	int dim;             /* embedding width */
	int hidden;          /* MLP width after the bag (0: linear on the bag) */
	bool bigrams;        /* add word bigrams */
	int char_ngrams;     /* 0: none; n >= char_min: character n-grams of lengths
				char_min .. n of each word */
	int char_min;        /* shortest character n-gram, 2 or 3 */
	int pool;            /* MRS_SAFETY_POOL_* */
	int epochs, batch;
	float lr, weight_decay, dropout;
	float id_dropout;    /* share of a training text's n-grams left out, afresh each epoch */
	bool lr_decay;       /* the learning rate falls linearly to 0 over the training */
	bool balance;        /* weight positives by negatives / positives in the loss */
	bool calibrate;      /* Platt scaling fit on the validation texts, folded into the
				model's output layer (nothing without validation texts) */
	bool select;         /* mrs_safety_train with validation texts: also fit the linear
				candidate (MRS_SAFETY_LINEAR_*) and keep whichever of the two
				has the higher validation macro-F1 (ties keep these params) */
	uint64_t seed;
} mrs_safety_params;
/* The linear candidate of mrs_safety_params.select: no hidden layer, 2 epochs at this
 * learning rate, everything else as given. */
#define MRS_SAFETY_LINEAR_EPOCHS 2
#define MRS_SAFETY_LINEAR_LR 0.01f
/* The defaults `train` and `train-safety` use. */
void mrs_safety_params_default(mrs_safety_params *prm);

#define MRS_MAX_EPOCHS 64
/* A safety model's scores on labelled texts (every metric NaN without rows). */
/* The bins of mrs_ece (models.h): equal-width bins of the probability. */
#define MRS_ECE_BINS 10
typedef struct mrs_safety_metrics {
	uint32_t rows, positives;
	double auc, pr_auc, precision_at_recall_90;
	double macro_f1_05;     /* macro-F1 predicting positive at score >= 0.5 */
	double macro_f1;        /* macro-F1 at the report's decision threshold */
	double ece;             /* mrs_ece: expected calibration error, MRS_ECE_BINS bins */
} mrs_safety_metrics;

/* What training a safety model measured. The validation texts choose the calibration
 * and the decision threshold, so their figures are optimistic; the test texts take no
 * part in any choice and are scored last. */
typedef struct mrs_safety_report {
	uint32_t n_train, train_positives;
	mrs_safety_metrics val, test;
	double val_ece_raw;     /* the validation ECE before calibration */
	double calib_a, calib_b; /* the Platt scaling folded into the model: p = sigmoid(a z + b)
				    of its logit z before (1 and 0 when none was fit) */
	double threshold;       /* the decision threshold: the one that maximises the
				   validation macro-F1 (0.5 without validation texts) */
	double seconds;
	int64_t params;
	int epochs;
	float epoch_loss[MRS_MAX_EPOCHS];
	/* with mrs_safety_params.select: the validation macro-F1 of the given params [0] and
	   of the linear candidate [1], and which one was kept (candidates 0: no selection) */
	int candidates, chosen;
	double candidate_val_f1[2];
} mrs_safety_report;

/* Trains a safety model on train, calibrates it and chooses its decision threshold on val
 * (may be NULL; with prm->select it also chooses there between prm and the linear
 * candidate), then scores test (may be NULL) and, when path is not NULL, writes the
 * model to path (a ".pt" file, atomically) with its card beside it (the same name ending
 * in ".json"). prm NULL: the defaults. */
int mrs_safety_train(const mrs_texts *train, const mrs_texts *val, const mrs_texts *test,
		     const mrs_safety_params *prm, const char *path,
		     const mrs_progress *progress, mrs_safety_report *rep, mrs_error *err);

/* ---------------------------------------------------------------- configuration */

enum { MRS_SRC_IN_NETWORK = 0, MRS_SRC_OUT_OF_NETWORK, MRS_SRC_GRAPH, MRS_SRC_FOLLOW_RECS,
       MRS_N_SOURCES };
const char *mrs_source_name(int s);  /* "in_network", "out_of_network", "graph", "follow_recs" */
const char *mrs_source_label(int s); /* "InNetwork", "OutOfNetwork", "Graph", "FollowRecs" */
int mrs_source_by_name(const char *name); /* accepts either spelling; -1 if unknown */

enum { MRS_FUSION_BLEND = 0, MRS_FUSION_WEIGHTED = 1 };
enum { MRS_SAFETY_PENALTY = 0, MRS_SAFETY_VERDICT = 1 };

/* Every tunable of the request path. Loaded and saved as JSON (see mrs_config_load). */
typedef struct mrs_config {
	char preset[32];
	/* fusion */
	int fusion;                        /* MRS_FUSION_* */
	float head_weight[MRS_N_HEADS];    /* weighted: score = sum of weight x probability */
	float blend_engagement, blend_follow, blend_embedding; /* blend: the seed's mix */
	float emb_simclusters, emb_twhin, emb_realgraph;        /* inside the embedding part */
	float emb_coengagement; /* inside the embedding part: the co-engagement feature / 2 */
	float calib_scale, calib_bias;     /* blend: score = scale x mix + bias */
	float source_mult[MRS_N_SOURCES];  /* blend: multiplier by the credited source */
	/* sources */
	uint32_t source_cap[MRS_N_SOURCES];
	float max_age_hours;               /* older candidates are filtered */
	float in_network_halflife_hours;   /* InNetwork light ranking recency */
	uint32_t oon_clusters;             /* OutOfNetwork: top InterestedIn clusters used */
	uint32_t graph_followees;          /* Graph: top RealGraph followees whose engagements count */
	float graph_window_hours;          /* Graph: how recent those engagements must be */
	uint32_t graph_similar;            /* Graph: tweets most co-engaged with the viewer's
					      latest engagements, beside the cap */
	uint32_t frs_accounts;             /* FollowRecs: accounts recommended */
	/* safety */
	int safety;                        /* MRS_SAFETY_* */
	float nsfw_high, nsfw_high_mult, nsfw_mid, nsfw_mid_mult;
	float tox_high, tox_high_mult, tox_mid, tox_mid_mult;
	float verdict_drop, verdict_interstitial, interstitial_mult;
	/* heuristics */
	float oon_scale;                   /* out-of-network candidates x this */
	float diversity_decay, diversity_floor; /* i-th tweet of an author: (1-floor)*decay^i+floor */
	float recency_halflife_hours, recency_weight; /* x (1-w) + w * 2^(-age/halflife) */
	float fatigue_mult, fatigue_days;  /* authors the viewer gave negative feedback on:
					      x fatigue_mult, recovering linearly over fatigue_days */
	float position_halflife, position_weight; /* in network: x (1-w) + w * 2^(-n/halflife),
						     n the author's tweets posted after it */
	/* filters and selection */
	float min_score;                   /* drop below this after heuristics */
	uint32_t k;                        /* timeline length */
	float max_oon_share;               /* at most this share of the timeline out of network */
	uint32_t min_per_source;           /* at least this many from each source that has any */
} mrs_config;

/* Names of the presets: "seed", "twitter-2023", "x-2026". */
extern const char *const mrs_presets[];
#define MRS_N_PRESETS 3
/* Fills cfg with a preset; MRS_ERR_USAGE for an unknown name. Its time fields are
 * Twitter's scale (mrs_time_scale_twitter), for a config not yet bound to a dataset. */
int mrs_config_preset(mrs_config *cfg, const char *name, mrs_error *err);
/* Sets the time fields (sources.max_age_hours, sources.in_network_halflife_hours,
 * sources.graph_window_hours, heuristics.recency_halflife_hours, heuristics.fatigue_days)
 * from a dataset's time scale. Front ends call it when they load a dataset, before they
 * apply the user's own values, so a config file or `set` overrides it. */
void mrs_config_time_scale(mrs_config *cfg, const mrs_time_scale *ts);
/* Replaces cfg by a preset but keeps its time fields: a preset weighs heads and sources,
 * the time scale is the dataset's (or the user's). MRS_ERR_USAGE for an unknown name,
 * cfg untouched. A "preset" key in JSON (mrs_config_parse) does the same. */
int mrs_config_switch_preset(mrs_config *cfg, const char *name, mrs_error *err);
/* For a preset and head, why the weight is what it is (e.g. which published weight it
 * maps, or "no head: share (2.0) has none"). */
const char *mrs_config_weight_note(const char *preset, int head);
/* Parses JSON text over a copy of base: only the keys present change. Unknown keys, wrong
 * types and out-of-range values fail with the JSON path ("weights.reply: expected a
 * number"); on failure *cfg is untouched. */
int mrs_config_parse(mrs_config *cfg, const char *json, mrs_error *err);
int mrs_config_load(mrs_config *cfg, const char *path, mrs_error *err);
/* The whole config as JSON (caller frees); mrs_config_parse of it gives cfg back. */
char *mrs_config_to_json(const mrs_config *cfg);
int mrs_config_save(const mrs_config *cfg, const char *path, mrs_error *err);
/* Sets one tunable by its JSON path ("weights.reply", "safety.nsfw_high") from text. */
int mrs_config_set(mrs_config *cfg, const char *path, const char *value, mrs_error *err);
/* The value of one tunable as text, NULL if there is no such path. */
const char *mrs_config_get(const mrs_config *cfg, const char *path, char *buf, size_t size);
/* One line saying what a tunable does, NULL if there is no such path. */
const char *mrs_config_doc(const char *path);
/* All tunable paths, NULL-terminated, in display order. */
const char *const *mrs_config_paths(void);

/* ---------------------------------------------------------------- candidates and sources */

#define MRS_MAX_PROOF 4

/* Visibility verdicts (safety stage in verdict mode). */
enum { MRS_VERDICT_ALLOW = 0, MRS_VERDICT_INTERSTITIAL, MRS_VERDICT_DROP };
/* Why a candidate left the request path. */
enum {
	MRS_DROP_NONE = 0,
	MRS_DROP_SELF,        /* the viewer's own tweet (or a retweet of it) */
	MRS_DROP_SEEN,        /* shown to the viewer before */
	MRS_DROP_BLOCKED,     /* author blocked or muted by the viewer */
	MRS_DROP_AGE,         /* older than max_age_hours */
	MRS_DROP_SAFETY,      /* visibility verdict DROP */
	MRS_DROP_SCORE,       /* score below min_score */
	MRS_DROP_OON_CAP,     /* out-of-network share cap */
	MRS_DROP_NOT_SELECTED /* below the top K */
};
const char *mrs_drop_reason_name(int reason);

/* One candidate tweet for one viewer, as it moves through the request path. Sources fill
 * the first block; the ranking stages fill the second. */
typedef struct mrs_candidate {
	uint32_t tweet;
	uint32_t author;        /* the tweet's author (the retweeter, for a retweet) */
	uint32_t orig_author;   /* whose content it is: the original author of a retweet */
	uint8_t sources;        /* bit (1 << MRS_SRC_*) for every source that found it */
	uint8_t source;         /* the credited source: the first in MRS_SRC_* order */
	float source_score[MRS_N_SOURCES]; /* each finding source's light-rank score, else 0 */
	float rg;               /* RealGraph weight viewer -> author, where a source used it */
	float sc, twhin;        /* SimClusters and TwHIN scores, where a source computed them */
	uint32_t proof[MRS_MAX_PROOF]; /* Graph: followees who engaged with it, strongest first */
	uint8_t n_proof;
	uint32_t via;           /* FollowRecs: the followee linking viewer and author (two-hop),
				   or MRS_NONE when recommended by SimClusters producer similarity */

	uint8_t in_network;     /* the viewer follows the author at now (set by the prefilter) */
	float feat[MRS_N_FEATURES];
	float heads[MRS_N_HEADS];
	float nsfw, tox;        /* safety model scores */
	float fused;            /* score right after fusion */
	float safety_mult;      /* product of the safety multipliers applied */
	uint8_t verdict;        /* MRS_VERDICT_* */
	float heur_mult;        /* product of the heuristic multipliers applied */
	float score;            /* the current score */
	int16_t dropped_at;     /* stage that dropped it, -1 while it is in */
	uint8_t drop_reason;    /* MRS_DROP_* */
	uint32_t rank;          /* 1-based place in the timeline, 0 if not selected */
} mrs_candidate;

/* A growable list of candidates. */
typedef struct mrs_cand_list {
	mrs_candidate *v;
	uint32_t n, cap;
} mrs_cand_list;
/* The viewer's state hydrated once per request (query hydration). */
typedef struct mrs_query {
	uint32_t viewer;
	int64_t now;
	uint32_t n_followees;
	uint32_t *followees;      /* followed before now, by RealGraph weight, strongest first */
	float *followee_rg;       /* their RealGraph weights */
	uint32_t *followees_by_id; /* the same followees, ascending (for mrs_query_follows) */
	uint32_t n_blocked;
	uint32_t *blocked;        /* authors blocked or muted before now, ascending */
	uint32_t n_seen;
	uint32_t *seen;           /* tweets shown to the viewer before now, ascending */
	uint32_t n_negfb;
	uint32_t *negfb_authors;  /* authors the viewer gave negative feedback on, ascending */
	/* only for a viewer who follows no one before now (a ratings log has no follows):
	 * the users who engaged with the most of the tweets the viewer engaged with before
	 * now, most shared first, and the share of the viewer's tweets each shares; the Graph
	 * source reads them in place of followees */
	uint32_t n_coengagers;
	uint32_t *coengagers;
	float *coengager_w;
} mrs_query;
/* Membership tests on the sorted arrays above. */
bool mrs_query_follows(const mrs_query *q, uint32_t author);
bool mrs_query_blocked(const mrs_query *q, uint32_t author);
bool mrs_query_seen(const mrs_query *q, uint32_t tweet);

/* ---------------------------------------------------------------- the request path */

/* The stage table, in order (home-mixer's ScoredTweets pipeline). */
enum {
	MRS_STAGE_HYDRATE = 0,   /* query hydration */
	MRS_STAGE_IN_NETWORK,    /* candidate sources ... */
	MRS_STAGE_OUT_OF_NETWORK,
	MRS_STAGE_GRAPH,
	MRS_STAGE_FOLLOW_RECS,
	MRS_STAGE_DEDUP,         /* one candidate per tweet, provenance kept */
	MRS_STAGE_PREFILTER,     /* self, previously seen, blocked/muted, age */
	MRS_STAGE_FEATURES,      /* feature hydration (and safety model scores) */
	MRS_STAGE_RANKER,        /* heavy ranker heads */
	MRS_STAGE_FUSION,        /* heads -> one score with the preset's weights */
	MRS_STAGE_SAFETY,        /* penalties or visibility verdicts */
	MRS_STAGE_HEURISTICS,    /* out-of-network scale, recency, fatigue, author diversity */
	MRS_STAGE_POSTFILTER,    /* score threshold */
	MRS_STAGE_SELECT,        /* out-of-network cap, minimum per source, top K */
	MRS_N_STAGES
};

typedef struct mrs_stage_info {
	const char *name;    /* "in_network" */
	const char *title;   /* "InNetwork source" */
	const char *mirrors; /* the part of the published system it mirrors */
	const char *what;    /* one line on what it does */
} mrs_stage_info;
const mrs_stage_info *mrs_stage_info_get(int stage);
int mrs_stage_by_name(const char *name); /* -1 if unknown */

/* Rules that move a score; each appears in the trace where it applied. */
enum {
	MRS_RULE_NONE = 0,
	MRS_RULE_FUSION,       /* the fused score was set */
	MRS_RULE_CALIBRATION,
	MRS_RULE_SOURCE_MULT,
	MRS_RULE_NSFW_HIGH,
	MRS_RULE_NSFW_MID,
	MRS_RULE_TOX_HIGH,
	MRS_RULE_TOX_MID,
	MRS_RULE_INTERSTITIAL,
	MRS_RULE_OON_SCALE,
	MRS_RULE_RECENCY,
	MRS_RULE_FATIGUE,
	MRS_RULE_DIVERSITY,
	MRS_RULE_POSITION,     /* an in-network tweet its author has posted newer ones since */
	MRS_N_RULES
};
const char *mrs_rule_name(int rule);

enum {
	MRS_EV_DROP = 1, /* the candidate left: reason = MRS_DROP_* */
	MRS_EV_SCORE,    /* a stage set the score: rule says how */
	MRS_EV_MULT,     /* a multiplier: factor, rule */
	MRS_EV_RANK      /* selected: after = rank */
};
typedef struct mrs_event {
	uint8_t stage, kind, rule, reason;
	uint32_t cand;   /* index into the request's candidates */
	float before, after, factor;
} mrs_event;

/* What a stage did in the last run. */
typedef struct mrs_stage_stats {
	bool ran;        /* false when a re-run started after it (its results were kept) */
	uint32_t in, out;
	double micros;
} mrs_stage_stats;

typedef struct mrs_request mrs_request;

/* A reusable request context over an engine (borrowed). */
mrs_request *mrs_request_new(const mrs_engine *e, mrs_error *err);
void mrs_request_free(mrs_request *r);
/* Runs the pipeline for viewer at now (0: the engine's now) under cfg. For the viewer and
 * time of the last run, only the stages from the first one that reads a changed setting
 * run again (mrs_config_first_reader), from the latest stage at or before it where the
 * request keeps its state (fusion): a weight change re-ranks in microseconds, without
 * retrieval or model calls. */
int mrs_request_run(mrs_request *r, uint32_t viewer, int64_t now, const mrs_config *cfg,
		    mrs_error *err);
/* The first stage the last run executed. */
int mrs_request_first_stage(const mrs_request *r);
const mrs_engine *mrs_request_engine(const mrs_request *r);
uint32_t mrs_request_viewer(const mrs_request *r);
int64_t mrs_request_now(const mrs_request *r);
const mrs_query *mrs_request_query(const mrs_request *r);
/* What each source returned, before dedup. */
const mrs_cand_list *mrs_request_source(const mrs_request *r, int source);
/* Every candidate that entered after dedup, with its final state. */
const mrs_candidate *mrs_request_candidates(const mrs_request *r, uint32_t *n);
/* The score of candidate i when stage s finished (NaN before it had one, or once it had
 * left). */
float mrs_request_score_at(const mrs_request *r, uint32_t i, int stage);
const mrs_stage_stats *mrs_request_stage(const mrs_request *r, int stage);
/* The timeline: candidate indexes in rank order. */
uint32_t mrs_request_timeline(const mrs_request *r, const uint32_t **order);
/* The events of the last run, in order. */
const mrs_event *mrs_request_events(const mrs_request *r, size_t *n);
/* Rank (1-based) that tweet had in the run before the last one for the same viewer, 0
 * if it was not in that timeline or there was none. */
uint32_t mrs_request_prev_rank(const mrs_request *r, uint32_t tweet);
bool mrs_request_has_prev(const mrs_request *r);
/* The whole trace of the last run as JSON (schema in docs/trace.md); caller frees with
 * cJSON_Delete. NULL when out of memory. */
struct cJSON *mrs_request_to_json(const mrs_request *r, const mrs_config *cfg);

/* ---------------------------------------------------------------- offline evaluation */

/* The ranked lists an evaluation compares. */
enum {
	MRS_SYS_PIPELINE = 0,  /* the configuration under evaluation */
	MRS_SYS_ORACLE,        /* the same candidates ranked by the true P(any engagement) */
	MRS_SYS_ORACLE_ALL,    /* every eligible tweet ranked by the true P(any engagement) */
	MRS_SYS_RANDOM,        /* uniformly random eligible tweets */
	MRS_SYS_POPULAR,       /* most engaged eligible tweets (train split) */
	MRS_SYS_ITEM_KNN,      /* eligible tweets by item-kNN over the train rows */
	MRS_SYS_BPR,           /* eligible tweets by matrix factorisation trained with BPR */
	MRS_SYS_CHRONOLOGICAL, /* followees' tweets, newest first */
	MRS_SYS_TWHIN,         /* the pipeline's candidates ranked by TwHIN similarity alone */
	MRS_SYS_SEED,          /* the pipeline under each preset */
	MRS_SYS_TWITTER_2023,
	MRS_SYS_X_2026,
	MRS_N_SYSTEMS
};
const char *mrs_system_name(int sys); /* "pipeline", "oracle", "oracle_all", "random", ... */

typedef struct mrs_rank_metrics {
	bool present;
	double ndcg, precision, recall, mrr, hit_rate;
	double map;               /* mean of mrs_ap_at_k */
	double coverage;          /* distinct recommended tweets / eligible tweets */
	double author_diversity;  /* mean share of distinct original authors in a list */
	double gini;              /* of recommendation counts over eligible tweets */
	double length;            /* mean length of a list scored, at most k (a timeline shorter
				   * than k leaves places of it empty) */
} mrs_rank_metrics;

/* How evaluation splits the log into what the systems learn from and what they are
 * scored against. */
typedef enum mrs_split {
	/* train: before the dataset's split time; relevant: each user's positive engagements
	 * from then on; candidates: tweets younger than the age limit at the end */
	MRS_SPLIT_TEMPORAL = 0,
	/* Microsoft Recommenders' MovieLens benchmark: each tweet's rows (impressions with any
	 * action, negative feedback too) shared out at random, a ratio of them (rounded half
	 * to even) to train and the rest to test; every test row relevant; candidates: every
	 * tweet with a train row that the user has no train row for */
	MRS_SPLIT_RANDOM,
} mrs_split;

/* Item-kNN (ItemKNN-CF): cosine similarity of two tweets' train engagers,
 * |U_i and U_j| / (sqrt|U_i| sqrt|U_j| + shrink), each tweet's `neighbours` most similar
 * kept; a user's score for j sums the similarities of j to the user's train tweets. */
typedef struct mrs_knn_params {
	uint32_t neighbours;
	float shrink;
} mrs_knn_params;
/* Matrix factorisation trained with BPR: user and tweet factors and a tweet bias, stochastic
 * gradient ascent on ln sigmoid(x_ui - x_uj) over (user, train tweet, other tweet) triples,
 * as many per epoch as there are train rows, L2 regularisation `reg`. */
typedef struct mrs_bpr_params {
	uint32_t factors, epochs;
	float lr, reg;
} mrs_bpr_params;
/* How item-kNN weighs a pair's co-engagers: item i's similarity toward item j is the sum
 * over the users of both of n_u^-user, over n_i^source n_j^target + shrink (n_u: the items
 * of u, n_i: the users of i). mrs_knn_cosine {0.5, 0.5, 0} is the baseline's cosine;
 * mrs_coeng_weights those of the engine's co-engagement index (docs/features.md). */
typedef struct mrs_knn_weights {
	float source, target, user;
} mrs_knn_weights;
extern const mrs_knn_weights mrs_knn_cosine, mrs_coeng_weights;
/* The hyper-parameters eval uses unless told otherwise (README says how they were chosen). */
extern const mrs_knn_params mrs_knn_defaults;
extern const mrs_bpr_params mrs_bpr_defaults;

typedef struct mrs_eval_opts {
	uint32_t k;               /* cut-off (default 10) */
	uint32_t users;           /* 0: every test user; else a fixed sample of this many */
	uint64_t seed;            /* the sample, the random baseline, the random split, BPR */
	mrs_split split;
	double ratio;             /* MRS_SPLIT_RANDOM: share of each tweet's rows in train
				   * (0: 0.75) */
	/* evaluate on a validation split made from the train part alone (temporal: its last
	 * 20% of impressions; random: the train rows split again at the same ratio), for
	 * choosing hyper-parameters without looking at the test split */
	bool validation;
	mrs_knn_params knn;       /* neighbours 0: mrs_knn_defaults */
	/* item-kNN's similarity: NULL for the baseline's cosine (bench/tune_baselines scores
	 * others with it) */
	const mrs_knn_weights *knn_weights;
	mrs_bpr_params bpr;       /* factors 0: mrs_bpr_defaults */
	const char *models_dir;
	int sc_mode, rg_mode;     /* engine modes (MRS_SC_*, MRS_RG_*) */
	unsigned systems;         /* bit per MRS_SYS_* to compute (0: all that apply) */
	bool models;              /* per-head model metrics on the test impressions */
	uint32_t model_rows;      /* cap on test impressions for model metrics (0: 50,000) */
	bool keep_requests;       /* keep one request per user so later runs only re-rank */
	bool lists_only;          /* the ranked lists' metrics alone: no sources, candidate
				     pools or safety shares (a search scoring many configs) */
} mrs_eval_opts;

/* How often a safety model's score is above one of the thresholds the safety stage reads,
 * against how often the hidden latent it estimates is (the generator's tweet_nsfw or
 * tweet_toxicity; NaN without a ground truth). */
typedef struct mrs_safety_share {
	const char *model;   /* "nsfw" or "toxicity" */
	double threshold;
	double scores;       /* share of the candidates whose score is above the threshold */
	double latents;      /* share of the same candidates whose latent is above it */
	double all_latents;  /* share of every tweet of the dataset whose latent is above it */
} mrs_safety_share;
#define MRS_N_SAFETY_SHARES 4

typedef struct mrs_eval_result {
	uint32_t k, users, test_users;
	mrs_split split;
	double ratio;             /* MRS_SPLIT_RANDOM's train share */
	bool validation;          /* scored on the validation split, not the test split */
	/* MRS_SPLIT_RANDOM: test rows, and the share of them older than the dataset's split
	 * time, i.e. inside the period the trained models learned from */
	uint32_t test_rows;
	double test_rows_in_model_period;
	/* MRS_SPLIT_RANDOM: the model set that scored: the split's own, trained on its train
	 * rows alone (test_rows_in_model_period is then NAN), or the serving set and why */
	char models_dir[4200];
	char models_note[400];
	/* the baselines' parameters as trained: the options', or what a size rule made of
	 * them, which baselines_note then names ("" when none applied) */
	mrs_knn_params knn;
	mrs_bpr_params bpr;
	char baselines_note[400];
	mrs_rank_metrics sys[MRS_N_SYSTEMS];
	double oracle_share;      /* pipeline NDCG / oracle NDCG on the same candidates */
	/* sources: recall of test engagements among what each source returned */
	double source_recall[MRS_N_SOURCES], union_recall;
	double source_overlap[MRS_N_SOURCES][MRS_N_SOURCES]; /* |a and b| / |a| */
	double source_share[MRS_N_SOURCES];  /* share of timeline places credited to each */
	double source_ndcg[MRS_N_SOURCES];   /* NDCG of each source's own list */
	/* the candidate pools (after the pre-scoring filters), in network (0) and out of
	 * network (1): how many, how many relevant, and how well three scores order them
	 * (AUC against relevance): the heavy ranker's P(any), the true P(any) (NaN without
	 * a ground truth), and the pipeline's final score */
	double pool_n[2], pool_relevant[2];
	double pool_auc_model[2], pool_auc_truth[2], pool_auc_final[2];
	/* models on the test impressions */
	bool has_models;
	uint32_t model_rows;
	double head_auc[MRS_N_HEADS], head_pr_auc[MRS_N_HEADS], head_rce[MRS_N_HEADS];
	double head_oracle_auc[MRS_N_HEADS];
	double nsfw_auc, nsfw_p_at_r90, tox_auc, tox_p_at_r90;
	double nsfw_ece, tox_ece; /* mrs_ece of the scores against the labels */
	uint32_t safety_rows;
	/* the safety thresholds of the config (nsfw_high, nsfw_mid, tox_high, tox_mid) over the
	 * candidate pools (both sides) */
	mrs_safety_share safety_share[MRS_N_SAFETY_SHARES];
	/* SimClusters community quality (real mode) */
	double modularity, nmi;
	double seconds;
} mrs_eval_result;

/* An evaluator holds the train view of a dataset (mrs_dataset_before its split), an
 * engine over it, the test users and their test-split positive engagements, and the
 * ground truth when the dataset has one. Requests are made at the end of the test
 * period; everything behavioural they see comes from the train split. */
typedef struct mrs_evaluator mrs_evaluator;
mrs_evaluator *mrs_evaluator_new(const mrs_dataset *ds, const mrs_eval_opts *o,
				 const mrs_progress *progress, mrs_error *err);
void mrs_evaluator_free(mrs_evaluator *ev);
/* The engine over the train view (for the explorer's evaluation screen). */
const mrs_engine *mrs_evaluator_engine(const mrs_evaluator *ev);
/* Under the random split, the model set the engine opened (the split's own, trained on
 * its train rows, or the serving set) and, when it is the serving set, why (else ""). */
const char *mrs_evaluator_models(const mrs_evaluator *ev, const char **note);
/* The period the evaluator scores: relevant engagements at or after *from, requests made
 * at *to (under the validation split, the cut and the dataset's split time). */
void mrs_evaluator_period(const mrs_evaluator *ev, int64_t *from, int64_t *to);
/* Evaluates cfg (and the baselines asked for in the options) on the evaluator's users. */
int mrs_evaluator_run(mrs_evaluator *ev, const mrs_config *cfg, mrs_eval_result *out,
		      const mrs_progress *progress, mrs_error *err);
/* new + run + free. */
int mrs_eval(const mrs_dataset *ds, const mrs_config *cfg, const mrs_eval_opts *o,
	     mrs_eval_result *out, const mrs_progress *progress, mrs_error *err);

/* ---------------------------------------------------------------- tuning */

/* What mrs_tune searches and for how long. */
typedef struct mrs_tune_opts {
	/* the evaluation: k, users (0: every validation user), seed (the user sample),
	 * models_dir, sc_mode, rg_mode; the split is always the temporal validation split
	 * and the other fields are tune's own */
	mrs_eval_opts eval;
	uint32_t max_evals;  /* evaluations at most, the start's included (0: no limit) */
	double max_seconds;  /* stop starting evaluations after this long (0: no limit) */
	uint64_t seed;       /* the orders in which the rounds visit the fields */
} mrs_tune_opts;

/* One evaluation of the search. */
typedef struct mrs_tune_point {
	uint32_t eval;       /* 1, 2, ... */
	double value;        /* validation NDCG@k of the configuration tried */
	double share;        /* its share of the oracle's NDCG on the same candidates */
	double best;         /* the best value so far, this one included */
	const char *path;    /* the field changed from the best so far (static); NULL: start */
	double x;            /* the field's value tried */
	double length;       /* its timelines' mean length up to k (mrs_rank_metrics.length;
			      * a configuration whose timelines leave more of the top k empty
			      * than the start's never becomes the best) */
	bool improved;       /* this configuration became the best */
} mrs_tune_point;

enum { MRS_TUNE_STOP_CONVERGED = 1, MRS_TUNE_STOP_EVALS, MRS_TUNE_STOP_SECONDS };

typedef struct mrs_tune_result {
	mrs_config best;     /* labelled "custom:PRESET" when it differs from the start */
	double start_value, best_value;  /* validation NDCG@k */
	double start_share, best_share;  /* share of the oracle on the same candidates */
	uint32_t users;      /* validation users evaluated */
	int64_t valid_from, valid_to; /* the validation period: engagements in [from, to) */
	mrs_split split;     /* the split searched for (o->eval.split) */
	double ratio;        /* MRS_SPLIT_RANDOM: its train share */
	uint32_t searched;   /* fields searched */
	uint32_t evals, rounds;
	int stop;            /* MRS_TUNE_STOP_* */
	mrs_tune_point *curve; /* [evals], owned (mrs_tune_result_free) */
	double seconds;
	/* the models the search scored with: trained on the validation split's train part
	 * (never on the validation period), in the serving set's folder `validation`; or,
	 * when they cannot be trained there (fallback set), the serving models */
	char models_dir[4200];
	bool models_trained;  /* trained by this search (else found there from an earlier one) */
	bool models_serving;  /* the serving set scored it: why in models_note */
	char models_note[256];
} mrs_tune_result;

/* Searches the fields of start that fusion, the heuristics, the post-filter and selection
 * read (those of start's fusion mode; never safety's thresholds and penalties), by
 * coordinate descent: rounds over the fields in an order drawn from the seed, each field
 * multiplied and divided by a factor (3 at first, its square root after a round that
 * improved nothing, down to 1.05) and a step that improves taken again; three such
 * searches from start, in the orders of seed, seed + 1 and seed + 2, share max_evals
 * (each until it converges without a limit), and the best validation NDCG@k of any of
 * them is kept. The validation split is eval's (mrs_eval_opts.validation): the last
 * 20% of the train split's impressions, requests made at the split time; nothing at or
 * after the dataset's split time is read. The requests are served by models trained on
 * the validation split's own train part (`train` on it, with the serving ranker's seed),
 * kept in the folder `validation` of the serving set and trained there when missing (the
 * serving models have learnt from the validation period itself); when they cannot be
 * trained (nothing to learn from before the validation period, a folder that cannot be
 * written) the serving models score it, and the result says why; without a trained
 * heavy ranker of ds in the serving set, that set's fallbacks score it and nothing is
 * trained. With o->eval.split MRS_SPLIT_RANDOM, the search is for eval's random split
 * instead: the validation split is the test split's train rows split again at the same
 * ratio, scored by models trained on its own train rows (SET/split-random-R-S-validation,
 * the evaluator's rule). Deterministic for the options. Progress: phase
 * "tuning", one report per evaluation with the best so far in the detail; cancelling
 * fails with MRS_ERR_CANCELLED. out is the caller's (mrs_tune_result_free) on success and
 * holds nothing to free on error (evaluation's errors). */
int mrs_tune(const mrs_dataset *ds, const mrs_config *start, const mrs_tune_opts *o,
	     mrs_tune_result *out, const mrs_progress *progress, mrs_error *err);
void mrs_tune_result_free(mrs_tune_result *r);

/* The configuration `train` tunes for a model set (the seed preset on the dataset's time
 * scale, searched by mrs_tune) is kept in the set as tuned.json, and timeline, eval and
 * the explorer start from it instead of the seed preset. Sets path to that file in the
 * set that serves models_dir (mrs_models_current) and returns 2 when it is there and the
 * set's heavy ranker was trained on ds, 1 when that ranker is there but not the file, 0
 * when the set has no trained heavy ranker of ds (nothing to tune with; a file there is
 * not read), -1 when CURRENT is broken (err says so). */
#define MRS_TUNED_CONFIG "tuned.json"
int mrs_tuned_config(const char *models_dir, const mrs_dataset *ds, char *path, size_t size,
		     mrs_error *err);

/* ---------------------------------------------------------------- what-if edits */

/* Changes a lecturer can try on a loaded dataset without touching the file. */
typedef enum mrs_edit_kind {
	MRS_EDIT_FOLLOW = 0, /* user follows target (a user) */
	MRS_EDIT_UNFOLLOW,   /* user stops following target */
	MRS_EDIT_BLOCK,      /* user blocks target */
	MRS_EDIT_MUTE,       /* user mutes target */
	MRS_EDIT_LIKE,       /* user likes target (a tweet) */
	MRS_EDIT_HIDE,       /* user hides target (a tweet): negative feedback on it */
	MRS_N_EDITS
} mrs_edit_kind;

typedef struct mrs_edit {
	int kind;
	uint32_t user, target;
} mrs_edit;

const char *mrs_edit_name(int kind); /* "follow", "unfollow", ... */
int mrs_edit_by_name(const char *name);
/* Checks an edit against ds (ids exist; no self-follow; unfollow needs a follow...). */
int mrs_edit_check(const mrs_dataset *ds, const mrs_edit *e, mrs_error *err);
/* A copy of base with the edits applied at time `when` (follows, blocks and mutes made,
 * follows removed, likes and hides recorded as impressions). The result owns its memory;
 * base is untouched. */
mrs_dataset *mrs_dataset_with_edits(const mrs_dataset *base, const mrs_edit *edits, size_t n,
				    int64_t when, mrs_error *err);
/* Edits as JSON ({"edits": [{"kind": "follow", "user": 1, "target": 2}, ...]}), written
 * atomically; load checks every edit against ds and names the bad one. */
int mrs_edits_save(const char *path, const mrs_edit *edits, size_t n, mrs_error *err);
/* The same JSON as text (cJSON_free it); NULL when memory runs out. */
char *mrs_edits_to_json(const mrs_edit *edits, size_t n);
int mrs_edits_load(const char *path, const mrs_dataset *ds, mrs_edit **edits, size_t *n,
		   mrs_error *err);

/* ---------------------------------------------------------------- importers */

/* A kind of known anomaly an import met: a well-formed row that contradicts what is known
 * of its source (e.g. a Last.fm tag dated before Last.fm began), and how many rows had it. */
#define MRS_IMPORT_ANOMALY_KINDS 4
typedef struct mrs_import_anomaly {
	const char *what;       /* static text, e.g. "tag dated before Last.fm began (2002)" */
	const char *fate;       /* what became of such rows, e.g. "dropped" */
	uint32_t rows;
} mrs_import_anomaly;

typedef struct mrs_import_opts {
	bool skip_bad;          /* skip malformed rows instead of failing */
	bool strict;            /* fail at the first known anomaly instead of counting it */
	uint32_t skipped;       /* out: rows skipped */
	uint32_t rows;          /* out: rows read (data rows, bad ones included; no headers) */
	uint32_t anomalies;     /* out: rows with a known anomaly (all kinds) */
	mrs_import_anomaly anomaly[MRS_IMPORT_ANOMALY_KINDS]; /* out: by kind, first met first */
	const char *task;       /* labels: the task name; NULL: the text file's folder name */
} mrs_import_opts;

/*
 * Reads public data into a new dataset (the caller frees it); nothing is written.
 * format and files (docs/importers.md has the details and the limits):
 * - "edges" EDGES...: SNAP edge lists, "a b" per line (a follows b; a third numeric
 *   column is ignored), '#' comments. Ids are any tokens, given dense user ids in order
 *   of first appearance; handle = the token. The files carry no times: follows and
 *   accounts are dated 0.
 * - "activity" ACTIVITY [EDGES...]: SNAP Higgs "a b time RT|MT|RE". Each (b, UTC hour) in
 *   which b received activity becomes one tweet by b, created at the hour's earliest
 *   event; each event an impression of it by a: RT -> retweet, RE -> reply, MT -> click.
 *   Rows with a == b are dropped. Edge files give the follow graph; follows and accounts
 *   are dated one second before the first event.
 * - "interactions" FILE...: "user<TAB>item<TAB>value<TAB>time" (MovieLens u.data), or CSV
 *   or TSV with a header naming user/user_id/userId, item/item_id/itemId/movieId,
 *   value/rating/weight (optional) and time/timestamp/ts. Each item is one tweet by its own
 *   pseudo-author "item:<id>", created at its first interaction; value >= 4 -> like,
 *   <= 2 -> negfb, otherwise click; no value column -> click.
 * - "lastfm" FOLDER (or its four files, recognised by their headers): HetRec 2011
 *   Last.fm. Friends follow each other both ways; each artist is one tweet (text: its
 *   name) by pseudo-author "artist:<id>"; a dated tag is a like at 00:00 UTC of its day
 *   (a year before 2002, when Last.fm began, or after 2011, the release, is a known
 *   anomaly); listening is an undated click. Undated things are dated one second before
 *   the first tag.
 * - "labels" TEXTS LABELS: one text and one 0/1 label per line (TweetEval), into
 *   texts_*; texts_task = opts->task or the text file's folder name. No users, no tweets.
 * Every format: kind = the format name, params_json = the files and the mapping rules,
 * tweet ids in time order, split_time = the time before which 80% of the impressions
 * fall (the generator's rule). Real logs hold no impressions without engagement.
 * Known anomalies (well-formed rows that contradict what is known of the source) are
 * counted by kind in opts->anomaly and dropped, the import going on.
 * Errors: MRS_ERR_USAGE (unknown format, wrong number of files), MRS_ERR_IO (a file is
 * missing or unreadable, naming it), MRS_ERR_DATA (an empty file; a bad row, as
 * "FILE:LINE: what is wrong", unless opts->skip_bad, which counts it in opts->skipped;
 * a known anomaly when opts->strict, as "FILE:LINE: what is wrong (a known anomaly ...)"),
 * MRS_ERR_CANCELLED (progress, reported every 65,536 rows, asked to stop). opts may be
 * NULL; its counts are reset first. Invalid UTF-8 bytes in text become U+FFFD.
 */
mrs_dataset *mrs_import(const char *format, const char *const *files, int n_files,
			mrs_import_opts *opts, const mrs_progress *progress, mrs_error *err);

#ifdef __cplusplus
}
#endif
#endif
