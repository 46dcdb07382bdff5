/* file.h: writing files safely (library-internal): every file the library writes goes
 * through a temporary file created here and renamed into place here. */
#ifndef MRS_FILE_H
#define MRS_FILE_H

#include <sys/types.h>

#include "minirecsys.h"

/*
 * The rules, for every writer (datasets, model files and cards, the models folder's
 * pointer, configurations, what-if edits, exported traces):
 * - The temporary file is DEST.tmp-PID-XXXXXXXX in DEST's folder, XXXXXXXX random (from
 *   getrandom), created with O_CREAT | O_EXCL | O_NOFOLLOW: a name someone planted
 *   (a file, or a symbolic link to a file of theirs or of root's) is never opened, another
 *   name is tried. The PID lets a later writer remove what a killed one left.
 * - DEST is replaced only when it is a regular file or does not exist: a symbolic link,
 *   device, FIFO, socket or folder is refused ("DEST: a symbolic link: not replaced"),
 *   before anything is written and again just before the rename.
 * - The file is synced before the rename and the folder after it: DEST is wholly old or
 *   wholly new, even after a crash.
 * - Lock files are opened with O_NOFOLLOW and must be regular files.
 */

/* A temporary file on its way to replacing dest. */
typedef struct mrs_tmp {
	const char *dest; /* borrowed: the file it will replace */
	char path[4200];  /* the temporary file */
	int fd;           /* open for writing; -1 once closed */
} mrs_tmp;

/* Refuses a dest that exists and is not a regular file; the error names dest and what it
 * is. ENOENT is fine (a new file). */
int mrs_file_check_target(const char *dest, mrs_error *err);

/* Creates the temporary file for dest (see above), mode 0666 less the umask. Errors name
 * dest and the folder with the system's reason: "DEST: cannot write here (cannot create a
 * file in FOLDER: Permission denied)". */
int mrs_tmp_open(mrs_tmp *t, const char *dest, mrs_error *err);
/* Syncs and closes the temporary file, checks dest again, renames the file over it and
 * syncs the folder. On failure the temporary file is removed and the error names dest. */
int mrs_tmp_commit(mrs_tmp *t, mrs_error *err);
/* Closes and removes the temporary file; a no-op after a commit or a discard. */
void mrs_tmp_discard(mrs_tmp *t);

/* rename(2) for every commit of the library. For the tests of the commit windows only:
 * with MRS_TEST_KILL_AT_RENAME=N in the environment, the process kills itself (SIGKILL)
 * just before its Nth call. */
int mrs_file_rename(const char *from, const char *to);

/* Takes an exclusive lock (flock, non-blocking) on the file lock, created when missing;
 * `what` names the thing locked in messages. The lock file is opened with O_NOFOLLOW and
 * must be a regular file. MRS_ERR_BUSY when another process holds it. Release with
 * mrs_file_unlock. */
int mrs_file_lock(const char *lock, const char *what, int *fd_out, mrs_error *err);
/* The lock file stays: unlinking it would let a waiting process lock a dead inode while a
 * third one locks a new file. */
void mrs_file_unlock(int fd);

/* Removes dest's temporary files (DEST.tmp-PID and DEST.tmp-PID-XXXXXXXX) whose process
 * no longer runs: what a writer killed before its rename left behind. */
void mrs_file_remove_stale_temps(const char *dest);

#endif
