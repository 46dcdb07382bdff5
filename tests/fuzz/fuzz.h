/* fuzz.h: what every fuzz target shares: the entry-point macro, the list of targets, and
 * helpers for turning fuzzer input into files.
 *
 * Each fuzz_NAME.c defines one target with FUZZ_TARGET(NAME). Built with clang
 * -fsanitize=fuzzer (configure --enable-fuzz) it is libFuzzer's LLVMFuzzerTestOneInput;
 * built with -DMRS_FUZZ_REPLAY it is fuzz_NAME(), and tests/fuzz/replay.c runs every
 * committed input (tests/fuzz/corpus/NAME/ and tests/fuzz/regress/NAME/) through it in
 * the ordinary test suite. A target returns 0; it aborts when an invariant it checks
 * fails, so the fuzzer reports that input as a crash.
 */
#ifndef MRS_FUZZ_H
#define MRS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parts.h"

/* Every target, in the order `make fuzz` runs them. */
#define MRS_FUZZ_TARGETS(X)                                                                    \
	X(import_edges)                                                                        \
	X(import_activity)                                                                     \
	X(import_interactions)                                                                 \
	X(import_lastfm)                                                                       \
	X(import_labels)                                                                       \
	X(config)                                                                              \
	X(edits)                                                                               \
	X(artifact)                                                                            \
	X(tmodel)                                                                              \
	X(dataset)                                                                             \
	X(dataset_sql)                                                                         \
	X(cmd_split)                                                                           \
	X(cmd_line)

#ifdef MRS_FUZZ_REPLAY
#define MRS_FUZZ_DECLARE(name) int fuzz_##name(const uint8_t *data, size_t size);
MRS_FUZZ_TARGETS(MRS_FUZZ_DECLARE)
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A private folder for this process's files (under $MRS_FUZZ_TMP, /dev/shm or /tmp),
 * removed at exit; the folders of fuzz processes that crashed are removed first. */
const char *fuzz_dir(void);
/* Writes size bytes to fuzz_dir()/name and returns the path (a static buffer per call
 * slot: slot 0..7 lets a target hold several paths at once). Aborts if it cannot. */
const char *fuzz_file(int slot, const char *name, const void *data, size_t size);
/* Splits input at each FUZZ_SEP line into at most max parts; returns how many. */
#define FUZZ_SEP "\n--8<--\n"
int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, int max);
/* A NUL-terminated copy of the input (caller frees). */
char *fuzz_cstr(const uint8_t *data, size_t size);
/* Aborts with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond, ...) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, __VA_ARGS__))
void fuzz_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* A small generated world (30 users), built once per process; do not free. */
const mrs_dataset *fuzz_world(void);
/* fuzz_world() stored as a dataset file in fuzz_dir(); its path. */
const char *fuzz_world_path(void);
/* A 150-user world with models trained for it (built once; *models_dir is "" when the
 * training failed); returns the dataset's path. */
const char *fuzz_trained_world(const char **models_dir);
/* Aborts unless ds keeps every invariant mrs_dataset documents (ids in range, sorted
 * CSR indexes that agree with each other, tweets in time order). */
void fuzz_check_dataset(const mrs_dataset *ds);
/* mrs_import of the files, strict and with skip_bad, checking both outcomes. */
void fuzz_import(const char *format, const char *const *files, int n);
/* mrs_dataset_load of path: a failure names the file; a dataset that loads keeps its
 * invariants, and so does its train view; mrs_truth_load of it fails cleanly or works. */
void fuzz_load_dataset(const char *path);
/* An error message must name what it is about and never be empty. */
void fuzz_check_error(const mrs_error *err, const char *must_name);

#endif
