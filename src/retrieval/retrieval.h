/* retrieval.h: the retrieval layer (src/retrieval/): query hydration, the four candidate
 * sources and dedup, over the engine the models layer opens. */
#ifndef MRS_RETRIEVAL_H
#define MRS_RETRIEVAL_H

#include "models/models.h"

#endif
