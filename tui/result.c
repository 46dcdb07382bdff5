/* result.c: filling and reading a command's result. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "result.h"

void res_add_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void res_add_u64(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	cJSON_AddRawToObject(o, key, buf);
}

cJSON *res_add_ids(cJSON *o, const char *key, const uint32_t *v, uint32_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (uint32_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
	return a;
}

const cJSON *res_get(const cJSON *o, const char *key)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

bool res_has(const cJSON *o, const char *key)
{
	return res_get(o, key) != NULL;
}

static double num_of(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsRaw(v) && v->valuestring)
		return strtod(v->valuestring, NULL);
	return NAN;
}

double res_num(const cJSON *o, const char *key)
{
	return num_of(res_get(o, key));
}

uint32_t res_u32(const cJSON *o, const char *key)
{
	double v = res_num(o, key);
	return v >= 0 && v <= UINT32_MAX ? (uint32_t)v : 0;
}

uint64_t res_u64(const cJSON *o, const char *key)
{
	const cJSON *v = res_get(o, key);
	if (cJSON_IsRaw(v) && v->valuestring)
		return strtoull(v->valuestring, NULL, 10);
	double d = num_of(v);
	return d >= 0 && d < 18446744073709551616.0 ? (uint64_t)d : 0;
}

const char *res_str(const cJSON *o, const char *key)
{
	const cJSON *v = res_get(o, key);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

bool res_bool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(res_get(o, key));
}

double res_value(const cJSON *item)
{
	return num_of(item);
}
