/* stats.c: summary numbers of a dataset (counts, degrees, activity). */
#include "dataset/dataset.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* mean, median, p99 and max of per-user counts taken from CSR offsets */
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
