/* report-world.c: the world statistics (`info`'s "world" section), as a result and as
 * text. */
#include <math.h>

#include "report.h"

cJSON *report_world(const mrs_world_stats *w)
{
	cJSON *o = cJSON_CreateObject();
	res_add_num(o, "oon_impression_share", w->oon_impression_share);
	res_add_num(o, "oon_engagement_share", w->oon_engagement_share);
	res_add_num(o, "in_network_engagement_rate", w->in_network_engagement_rate);
	res_add_num(o, "oon_engagement_rate", w->oon_engagement_rate);
	res_add_num(o, "engagement_gini", w->engagement_gini);
	res_add_num(o, "top1pct_engagement_share", w->top1pct_engagement_share);
	cJSON_AddNumberToObject(o, "largest_cascade", w->largest_cascade);
	if (w->largest_cascade_tweet == MRS_NONE)
		cJSON_AddNullToObject(o, "largest_cascade_tweet");
	else
		cJSON_AddNumberToObject(o, "largest_cascade_tweet", w->largest_cascade_tweet);
	cJSON_AddNumberToObject(o, "largest_cascade_retweets", w->largest_cascade_retweets);
	return o;
}

/* A share as a percentage, "n/a" when it is undefined (null). */
static const char *percent(const cJSON *w, const char *key, char *buf, size_t size)
{
	double v = res_num(w, key);
	if (isfinite(v))
		snprintf(buf, size, "%.1f%%", 100 * v);
	else
		snprintf(buf, size, "n/a");
	return buf;
}

void report_world_text(out *o, const cJSON *w, const char *first, const char *rest)
{
	char a[16], b[16], c[16], d[16], e[16], g[16];
	double gini = res_num(w, "engagement_gini");
	if (isfinite(gini))
		snprintf(g, sizeof g, "%.3f", gini);
	else
		snprintf(g, sizeof g, "n/a");
	out_printf(o, "%sout of network: %s of impressions, %s of engaged impressions\n", first,
		   percent(w, "oon_impression_share", a, sizeof a),
		   percent(w, "oon_engagement_share", b, sizeof b));
	out_printf(o, "%sengagement rate: %s in network, %s out of network\n", rest,
		   percent(w, "in_network_engagement_rate", c, sizeof c),
		   percent(w, "oon_engagement_rate", d, sizeof d));
	out_printf(o, "%sengagements per tweet: Gini %s, the top 1%% of tweets hold %s\n", rest, g,
		   percent(w, "top1pct_engagement_share", e, sizeof e));
	uint32_t retweets = res_u32(w, "largest_cascade_retweets");
	if (!isfinite(res_num(w, "largest_cascade_tweet")))
		out_printf(o, "%slargest cascade: none (no tweets)\n", rest);
	else
		out_printf(o, "%slargest cascade: %u impressions (tweet %u with %u retweet%s)\n", rest,
			   res_u32(w, "largest_cascade"), res_u32(w, "largest_cascade_tweet"),
			   retweets, retweets == 1 ? "" : "s");
}
