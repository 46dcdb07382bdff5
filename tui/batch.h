/* batch.h: running the command language from a file. */
#ifndef MRS_BATCH_H
#define MRS_BATCH_H

#include "cli.h"

/* Runs every line of path ("-" or NULL: stdin). Exit status: 0 all commands succeeded,
 * 1 a command failed, 2 a usage or data error (unknown command, bad arguments, a file
 * that cannot be read). Errors go to stderr as "minirecsys: LINE: message" (text) or in
 * the command's JSON object. */
int batch_run(const cli_opts *o, const char *path);
/* The readline shell: the same language, with history and completion. */
int shell_run(const cli_opts *o);

#endif
