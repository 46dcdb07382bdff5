/* store.h: the store's helpers shared inside the library (file.h writes the files). */
#ifndef MRS_STORE_H
#define MRS_STORE_H

#include <sqlite3.h>

#include "minirecsys.h"

/* Takes the exclusive write lock PATH.lock (non-blocking, mrs_file_lock); MRS_ERR_BUSY
 * when held. Release with mrs_file_unlock. */
int mrs_store_lock(const char *path, int *fd_out, mrs_error *err);
/* Opens a dataset read-only and checks it is one of ours at the current schema version.
 * The connection is for one thread (it takes no locks). */
int mrs_store_open(const char *path, sqlite3 **db_out, mrs_error *err);
mrs_truth *mrs_truth_alloc(uint32_t n_users, uint32_t n_tweets, uint32_t n_impressions,
			   mrs_error *err);

#endif
