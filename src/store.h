/* store.h: file-level helpers of the store, shared with the model files. */
#ifndef MRS_STORE_H
#define MRS_STORE_H

#include <sqlite3.h>

#include "minirecsys.h"

/* Takes the exclusive write lock PATH.lock (non-blocking); MRS_ERR_BUSY when held. */
int mrs_store_lock(const char *path, int *fd_out, mrs_error *err);
/* The same with the lock file named in full; `what` names the thing locked in messages
 * (the models folder takes DIR/.lock). Release with mrs_store_unlock(what, fd). */
int mrs_store_lock_file(const char *lock, const char *what, int *fd_out, mrs_error *err);
void mrs_store_unlock(const char *path, int fd);
/* PATH.tmp-PID: the temporary file a write goes to before it is renamed into place. */
int mrs_store_temp_path(const char *path, char *out, size_t size, mrs_error *err);
/* Removes PATH.tmp-PID files whose process no longer runs: what a writer killed before
 * its rename left behind (only the holder of PATH's lock calls this for a dataset, so a
 * live writer's file is never touched; the PID check also guards unlocked writers). */
void mrs_store_remove_stale_temps(const char *path);
/* fsyncs tmp, renames it to path, fsyncs the folder. */
int mrs_store_commit_file(const char *tmp, const char *path, mrs_error *err);
/* Writes text and a newline to PATH through a temporary file renamed into place: PATH is
 * wholly old or wholly new. Errors name PATH ("cannot create", "cannot write"). */
int mrs_store_write_text(const char *path, const char *text, mrs_error *err);
/* Opens a dataset read-only and checks it is one of ours at the current schema version.
 * The connection is for one thread (it takes no locks). */
int mrs_store_open(const char *path, sqlite3 **db_out, mrs_error *err);
mrs_truth *mrs_truth_alloc(uint32_t n_users, uint32_t n_tweets, uint32_t n_impressions,
			   mrs_error *err);

#endif
