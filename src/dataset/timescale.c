/* timescale.c: a dataset's time scale: Twitter's, or derived from how long its items keep
 * getting engagements; and its JSON form in the store. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>

#include "dataset/dataset.h"

#define TWITTER_AGE_LIMIT_H 168.0
#define TWITTER_HALFLIFE_H 24.0
/* The age limit is never shorter than the time in which the data creates this many tweets
 * on average: enough to fill the sources' default caps (200 + 200 + 100 + 50) twice over
 * at any moment, whatever the items' life. */
#define TS_FLOOR_TWEETS 1100.0
/* H is at least L / 7, Twitter's ratio (168 h / 24 h). */
#define TS_AGE_TO_HALFLIFE 7.0

static void finish(mrs_time_scale *ts)
{
	ts->graph_window_hours = 2.0 * ts->halflife_hours;
	ts->fatigue_days = 2.0 * ts->age_limit_hours / 24.0;
}

void mrs_time_scale_twitter(mrs_time_scale *ts)
{
	memset(ts, 0, sizeof *ts);
	ts->age_limit_hours = TWITTER_AGE_LIMIT_H;
	ts->halflife_hours = TWITTER_HALFLIFE_H;
	snprintf(ts->basis, sizeof ts->basis, "twitter");
	snprintf(ts->rule, sizeof ts->rule, "Twitter's published scale");
	finish(ts);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The value at quantile q of n sorted values (the nearest rank at or below). */
static int64_t quantile(const int64_t *v, size_t n, double q)
{
	return v[(size_t)(q * (double)(n - 1))];
}

static double whole_hours(double seconds)
{
	return fmax(1.0, ceil(seconds / MRS_HOUR));
}

int mrs_time_scale_derive(const mrs_dataset *ds, int64_t undated, mrs_time_scale *ts,
			  mrs_error *err)
{
	mrs_time_scale_twitter(ts);
	size_t n = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++)
		n += ds->imp_time[i] < ds->split_time && ds->imp_time[i] != undated &&
		     (ds->imp_actions[i] & MRS_POSITIVE_MASK);
	if (n < MRS_TS_MIN_ENGAGEMENTS) {
		snprintf(ts->rule, sizeof ts->rule,
			 "Twitter's published scale: %zu dated train engagements, too few to "
			 "measure (%d needed)",
			 n, MRS_TS_MIN_ENGAGEMENTS);
		ts->engagements = (uint32_t)n;
		return 0;
	}
	int64_t *age = mrs_calloc(n, sizeof *age, "time scale", err);
	if (!age)
		return -1;
	int64_t first = INT64_MAX;
	size_t k = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		int64_t t = ds->imp_time[i];
		if (t >= ds->split_time || t == undated ||
		    !(ds->imp_actions[i] & MRS_POSITIVE_MASK))
			continue;
		age[k++] = MRS_MAX(t - ds->tweet_time[ds->imp_tweet[i]], (int64_t)0);
		first = MRS_MIN(first, t);
	}
	qsort(age, n, sizeof *age, cmp_i64);
	double p50 = (double)quantile(age, n, 0.5), p99 = (double)quantile(age, n, 0.99);
	free(age);
	double window = (double)(ds->split_time - first);
	double span = (double)(ds->t_end - ds->t_begin);
	double tweets_span = ds->n_tweets > 1 ? (double)(ds->tweet_time[ds->n_tweets - 1] -
							  ds->tweet_time[0])
					      : 0;
	double floor_s = ds->n_tweets > TS_FLOOR_TWEETS
				 ? tweets_span * TS_FLOOR_TWEETS / (double)ds->n_tweets
				 : tweets_span;
	double limit = p99;
	const char *why = "the 99th percentile of engagement ages";
	if (p99 > window / 2) {
		/* a second past the span: requests come after the last row (eval's and the
		 * explorer's at t_end + 1), and the first items must still be live then (a
		 * span of whole hours otherwise drops every item created at t_begin) */
		limit = span + 1;
		why = "the whole period: the 99th percentile of engagement ages passes half the "
		      "train window, items outlive the log";
	}
	if (limit < floor_s) {
		limit = floor_s;
		why = "the floor: the time the data takes to create 1,100 tweets";
	}
	ts->age_limit_hours = whole_hours(limit);
	ts->halflife_hours =
		fmin(ts->age_limit_hours,
		     whole_hours(fmax(p50, ts->age_limit_hours * MRS_HOUR / TS_AGE_TO_HALFLIFE)));
	finish(ts);
	snprintf(ts->basis, sizeof ts->basis, "derived");
	snprintf(ts->rule, sizeof ts->rule, "age limit: %s; half-life: %s", why,
		 p50 >= ts->age_limit_hours * MRS_HOUR / TS_AGE_TO_HALFLIFE
			 ? "the median engagement age"
			 : "a seventh of the age limit");
	ts->engagements = (uint32_t)n;
	ts->age_p50_hours = p50 / MRS_HOUR;
	ts->age_p99_hours = p99 / MRS_HOUR;
	ts->window_hours = window / MRS_HOUR;
	return 0;
}

char *mrs_time_scale_to_json(const mrs_time_scale *ts)
{
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "basis", ts->basis);
	cJSON_AddNumberToObject(j, "age_limit_hours", ts->age_limit_hours);
	cJSON_AddNumberToObject(j, "halflife_hours", ts->halflife_hours);
	cJSON_AddNumberToObject(j, "graph_window_hours", ts->graph_window_hours);
	cJSON_AddNumberToObject(j, "fatigue_days", ts->fatigue_days);
	cJSON_AddStringToObject(j, "rule", ts->rule);
	cJSON_AddNumberToObject(j, "engagements", ts->engagements);
	cJSON_AddNumberToObject(j, "age_p50_hours", ts->age_p50_hours);
	cJSON_AddNumberToObject(j, "age_p99_hours", ts->age_p99_hours);
	cJSON_AddNumberToObject(j, "window_hours", ts->window_hours);
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static int get_number(const cJSON *j, const char *key, double lo, double hi, double *out,
		      mrs_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi)
		return mrs_fail(err, MRS_ERR_DATA, "time_scale.%s: %s", key,
				v ? "not a number in range" : "missing");
	*out = v->valuedouble;
	return 0;
}

static int get_string(const cJSON *j, const char *key, char *out, size_t size, mrs_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
		return mrs_fail(err, MRS_ERR_DATA, "time_scale.%s: %s", key,
				v ? "not a string of the expected length" : "missing");
	snprintf(out, size, "%s", v->valuestring);
	return 0;
}

int mrs_time_scale_parse(const char *json, mrs_time_scale *ts, mrs_error *err)
{
	cJSON *j = cJSON_Parse(json);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return mrs_fail(err, MRS_ERR_DATA, "time_scale: not a JSON object");
	}
	mrs_time_scale t;
	memset(&t, 0, sizeof t);
	double engagements = 0;
	/* the config's ranges: hours up to 10^6, days up to 10^6 / 12 (2L) */
	int rc = get_string(j, "basis", t.basis, sizeof t.basis, err) ||
		 get_string(j, "rule", t.rule, sizeof t.rule, err) ||
		 get_number(j, "age_limit_hours", 1, 1e6, &t.age_limit_hours, err) ||
		 get_number(j, "halflife_hours", 0.01, 1e6, &t.halflife_hours, err) ||
		 get_number(j, "graph_window_hours", 0.01, 1e6, &t.graph_window_hours, err) ||
		 get_number(j, "fatigue_days", 0, 1e6 / 12, &t.fatigue_days, err) ||
		 get_number(j, "engagements", 0, UINT32_MAX, &engagements, err) ||
		 get_number(j, "age_p50_hours", 0, 1e9, &t.age_p50_hours, err) ||
		 get_number(j, "age_p99_hours", 0, 1e9, &t.age_p99_hours, err) ||
		 get_number(j, "window_hours", 0, 1e9, &t.window_hours, err);
	cJSON_Delete(j);
	if (rc)
		return -1;
	if (strcmp(t.basis, "twitter") != 0 && strcmp(t.basis, "derived") != 0)
		return mrs_fail(err, MRS_ERR_DATA, "time_scale.basis: '%s' is not twitter or derived",
				t.basis);
	t.engagements = (uint32_t)engagements;
	*ts = t;
	return 0;
}
