/* parts.h: the library's parts, for tests and benchmarks: the program's API
 * (minirecsys.h) and every folder's header, in layer order (src/README.md). A test can
 * build a dataset by hand, run one source or one stage on hand-made candidates, or fit one
 * model. The program never includes it, and the library's own files include only their
 * folder's header. */
#ifndef MRS_PARTS_H
#define MRS_PARTS_H

#include "core/core.h"
#include "dataset/dataset.h"
#include "world/world.h"
#include "models/models.h"
#include "retrieval/retrieval.h"
#include "request/request.h"
#include "eval/eval.h"

#endif
