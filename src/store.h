/* store.h: file-level helpers of the store, shared with the model files. */
#ifndef MRS_STORE_H
#define MRS_STORE_H

#include <sqlite3.h>

#include "minirecsys.h"

/* Takes the exclusive write lock PATH.lock (non-blocking); MRS_ERR_BUSY when held. */
int mrs_store_lock(const char *path, int *fd_out, mrs_error *err);
void mrs_store_unlock(const char *path, int fd);
/* PATH.tmp-PID: the temporary file a write goes to before it is renamed into place. */
int mrs_store_temp_path(const char *path, char *out, size_t size, mrs_error *err);
/* fsyncs tmp, renames it to path, fsyncs the folder. */
int mrs_store_commit_file(const char *tmp, const char *path, mrs_error *err);
/* Opens a dataset read-only and checks it is one of ours at the current schema version.
 * The connection is for one thread (it takes no locks). */
int mrs_store_open(const char *path, sqlite3 **db_out, mrs_error *err);
mrs_truth *mrs_truth_alloc(uint32_t n_users, uint32_t n_tweets, uint32_t n_impressions,
			   mrs_error *err);

#endif
