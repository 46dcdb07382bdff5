/* report-world.c: the world statistics (`info`'s "world" section), as text and as JSON. */
#include <math.h>
#include <stdio.h>

#include "report.h"

static const char *percent(double v, char *buf, size_t size)
{
	if (isfinite(v))
		snprintf(buf, size, "%.1f%%", 100 * v);
	else
		snprintf(buf, size, "n/a");
	return buf;
}

void report_world_text(const mrs_world_stats *w, const char *first, const char *rest,
		       char *buf, size_t size)
{
	char a[16], b[16], c[16], d[16], e[16], g[16];
	if (isfinite(w->engagement_gini))
		snprintf(g, sizeof g, "%.3f", w->engagement_gini);
	else
		snprintf(g, sizeof g, "n/a");
	int n = snprintf(buf, size,
			 "%sout of network: %s of impressions, %s of engaged impressions\n"
			 "%sengagement rate: %s in network, %s out of network\n"
			 "%sengagements per tweet: Gini %s, the top 1%% of tweets hold %s\n",
			 first, percent(w->oon_impression_share, a, sizeof a),
			 percent(w->oon_engagement_share, b, sizeof b), rest,
			 percent(w->in_network_engagement_rate, c, sizeof c),
			 percent(w->oon_engagement_rate, d, sizeof d), rest, g,
			 percent(w->top1pct_engagement_share, e, sizeof e));
	if (n < 0 || (size_t)n >= size)
		return;
	if (w->largest_cascade_tweet == MRS_NONE)
		snprintf(buf + n, size - n, "%slargest cascade: none (no tweets)\n", rest);
	else
		snprintf(buf + n, size - n,
			 "%slargest cascade: %u impressions (tweet %u with %u retweet%s)\n", rest,
			 w->largest_cascade, w->largest_cascade_tweet, w->largest_cascade_retweets,
			 w->largest_cascade_retweets == 1 ? "" : "s");
}

cJSON *report_world_json(const mrs_world_stats *w)
{
	cJSON *o = cJSON_CreateObject();
	report_add_number(o, "oon_impression_share", w->oon_impression_share);
	report_add_number(o, "oon_engagement_share", w->oon_engagement_share);
	report_add_number(o, "in_network_engagement_rate", w->in_network_engagement_rate);
	report_add_number(o, "oon_engagement_rate", w->oon_engagement_rate);
	report_add_number(o, "engagement_gini", w->engagement_gini);
	report_add_number(o, "top1pct_engagement_share", w->top1pct_engagement_share);
	cJSON_AddNumberToObject(o, "largest_cascade", w->largest_cascade);
	if (w->largest_cascade_tweet == MRS_NONE)
		cJSON_AddNullToObject(o, "largest_cascade_tweet");
	else
		cJSON_AddNumberToObject(o, "largest_cascade_tweet", w->largest_cascade_tweet);
	cJSON_AddNumberToObject(o, "largest_cascade_retweets", w->largest_cascade_retweets);
	return o;
}
