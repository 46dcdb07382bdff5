/* result.h: a command's result, the one thing a command builds: a cJSON object that the
 * JSON sink prints as it is and the command's text renderer reads. Helpers to fill it
 * (numbers that are not finite become null; 64-bit integers stay exact) and to read it
 * (a missing or null number reads as NaN, a missing string as ""). */
#ifndef MRS_RESULT_H
#define MRS_RESULT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* ---------------------------------------------------------------- filling */

/* v, or null when it is NaN or infinite. */
void res_add_num(cJSON *o, const char *key, double v);
/* v exactly, also beyond 2^53 (a raw JSON number). */
void res_add_u64(cJSON *o, const char *key, uint64_t v);
/* An array of numbers. */
cJSON *res_add_ids(cJSON *o, const char *key, const uint32_t *v, uint32_t n);

/* ---------------------------------------------------------------- reading */

const cJSON *res_get(const cJSON *o, const char *key);
bool res_has(const cJSON *o, const char *key);
double res_num(const cJSON *o, const char *key);
/* A whole number (0 when missing). */
uint32_t res_u32(const cJSON *o, const char *key);
uint64_t res_u64(const cJSON *o, const char *key);
const char *res_str(const cJSON *o, const char *key);
bool res_bool(const cJSON *o, const char *key);
/* An item's number, as res_num reads one (NaN when it is null or not a number). */
double res_value(const cJSON *item);

#endif
