/* stats.c: summary numbers of a dataset (counts, degrees, activity), how it behaves like a
 * feed (in and out of network, concentration of engagement, cascades), and the Gini
 * coefficient both use and evaluation reports. */
#include <math.h>

#include "dataset/dataset.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* mean, median, p99 and max of per-user counts taken from CSR offsets */
double mrs_gini(const uint32_t *counts, size_t n)
{
	if (n == 0)
		return 0;
	uint32_t *c = malloc(sizeof(uint32_t) * n);
	if (!c)
		return NAN;
	memcpy(c, counts, sizeof(uint32_t) * n);
	qsort(c, n, sizeof *c, cmp_u32);
	/* G = sum_i (2i - n - 1) x_i / (n sum x), i = 1..n over ascending x */
	double num = 0, sum = 0;
	for (size_t i = 0; i < n; i++) {
		num += (2.0 * (i + 1) - n - 1) * c[i];
		sum += c[i];
	}
	free(c);
	return sum > 0 ? num / (n * sum) : 0;
}

static void degree_summary(const uint32_t *off, uint32_t n, double *mean, double *median,
			   double *p99, double *max)
{
	*mean = *median = *max = 0;
	if (p99)
		*p99 = 0;
	if (!n)
		return;
	uint32_t *d = malloc(sizeof(uint32_t) * n);
	if (!d)
		return;
	double sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		d[i] = off[i + 1] - off[i];
		sum += d[i];
	}
	qsort(d, n, sizeof *d, cmp_u32);
	*mean = sum / n;
	*median = n % 2 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
	if (p99)
		*p99 = d[(size_t)((n - 1) * 0.99)];
	*max = d[n - 1];
	free(d);
}

void mrs_dataset_stats_compute(const mrs_dataset *ds, mrs_dataset_stats *st)
{
	memset(st, 0, sizeof *st);
	st->users = ds->n_users;
	st->tweets = ds->n_tweets;
	st->follows = ds->n_follows;
	st->impressions = ds->n_impressions;
	st->labelled = ds->n_labelled;
	for (uint32_t i = 0; i < ds->n_blocks; i++) {
		st->blocks += !!(ds->blk_kind[i] & MRS_BLOCK);
		st->mutes += !!(ds->blk_kind[i] & MRS_MUTE);
	}
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		uint8_t a = ds->imp_actions[i];
		st->engagements += a != 0;
		st->positive_engagements += (a & MRS_POSITIVE_MASK) != 0;
		for (int k = 0; k < MRS_N_ACTIONS; k++)
			st->actions[k] += (a >> k) & 1;
		if (ds->imp_time[i] < ds->split_time)
			st->train_impressions++;
		else
			st->test_impressions++;
	}
	for (uint32_t t = 0; t < ds->n_tweets; t++)
		st->retweets += ds->tweet_rt_of[t] != MRS_NONE;
	double dummy;
	degree_summary(ds->fwr_off, ds->n_users, &st->followers_mean, &st->followers_median,
		       &st->followers_p99, &st->followers_max);
	degree_summary(ds->fol_off, ds->n_users, &st->following_mean, &st->following_median, NULL,
		       &st->following_max);
	degree_summary(ds->atw_off, ds->n_users, &st->tweets_per_user_mean, &dummy, NULL,
		       &st->tweets_per_user_max);
	degree_summary(ds->uimp_off, ds->n_users, &st->impressions_per_user_mean,
		       &st->impressions_per_user_median, NULL, &dummy);
	for (uint32_t u = 0; u < ds->n_users; u++) {
		st->users_without_follows += ds->fol_off[u] == ds->fol_off[u + 1];
		st->users_without_impressions += ds->uimp_off[u] == ds->uimp_off[u + 1];
	}
}

int mrs_world_stats_compute(const mrs_dataset *ds, mrs_world_stats *ws, mrs_error *err)
{
	memset(ws, 0, sizeof *ws);
	ws->largest_cascade_tweet = MRS_NONE;
	uint32_t nt = ds->n_tweets;
	uint32_t *engaged = mrs_calloc(nt ? nt : 1, sizeof(uint32_t), "world statistics", err);
	uint32_t *reach = mrs_calloc(nt ? nt : 1, sizeof(uint32_t), "world statistics", err);
	uint32_t *retweets = mrs_calloc(nt ? nt : 1, sizeof(uint32_t), "world statistics", err);
	if (!engaged || !reach || !retweets) {
		free(engaged), free(reach), free(retweets);
		return -1;
	}
	uint32_t in_imp = 0, in_eng = 0;
	for (uint32_t i = 0; i < ds->n_impressions; i++) {
		uint32_t t = ds->imp_tweet[i];
		bool pos = (ds->imp_actions[i] & MRS_POSITIVE_MASK) != 0;
		bool in = mrs_follows_before(ds, ds->imp_user[i], ds->tweet_author[t],
					     ds->imp_time[i]);
		in_imp += in;
		in_eng += in && pos;
		ws->engaged += pos;
		engaged[t] += pos;
		if (ds->tweet_rt_of[t] != MRS_NONE)
			reach[ds->tweet_rt_of[t]]++;
	}
	ws->impressions = ds->n_impressions;
	ws->oon_impressions = ws->impressions - in_imp;
	ws->oon_engaged = ws->engaged - in_eng;
	ws->oon_impression_share = ws->impressions ? (double)ws->oon_impressions / ws->impressions : NAN;
	ws->oon_engagement_share = ws->engaged ? (double)ws->oon_engaged / ws->engaged : NAN;
	ws->in_network_engagement_rate = in_imp ? (double)in_eng / in_imp : NAN;
	ws->oon_engagement_rate =
		ws->oon_impressions ? (double)ws->oon_engaged / ws->oon_impressions : NAN;
	for (uint32_t t = 0; t < nt; t++)
		if (ds->tweet_rt_of[t] != MRS_NONE)
			retweets[ds->tweet_rt_of[t]]++;
	for (uint32_t t = 0; t < nt; t++)
		if (ds->tweet_rt_of[t] == MRS_NONE &&
		    (ws->largest_cascade_tweet == MRS_NONE || reach[t] > ws->largest_cascade)) {
			ws->largest_cascade = reach[t];
			ws->largest_cascade_tweet = t;
			ws->largest_cascade_retweets = retweets[t];
		}
	ws->engagement_gini = nt ? mrs_gini(engaged, nt) : NAN;
	ws->top1pct_engagement_share = NAN;
	if (nt && ws->engaged) {
		qsort(engaged, nt, sizeof *engaged, cmp_u32);
		uint32_t top = MRS_MAX(1u, (uint32_t)(((uint64_t)nt + 99) / 100));
		uint64_t held = 0;
		for (uint32_t i = nt - top; i < nt; i++)
			held += engaged[i];
		ws->top1pct_engagement_share = (double)held / ws->engaged;
	}
	free(engaged), free(reach), free(retweets);
	return 0;
}
