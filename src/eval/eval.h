/* eval.h: the evaluation layer (src/eval/): offline evaluation over requests, with the
 * ground truth of a synthetic world for the oracle ceiling (the only layer that reads it). */
#ifndef MRS_EVAL_H
#define MRS_EVAL_H

#include "request/request.h"
#include "world/world.h"

#endif
