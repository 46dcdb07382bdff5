/* truth.c: the oracle: the hidden model's probabilities for any (viewer, tweet, time). */
#include "world/world.h"

double mrs_truth_pair_probs(const mrs_truth *tr, const mrs_dataset *ds, uint32_t user,
			    uint32_t tweet, int64_t now, float out[MRS_N_ACTIONS])
{
	uint32_t a = ds->tweet_author[tweet];
	bool follows = false;
	for (uint32_t e = ds->fol_off[user]; e < ds->fol_off[user + 1]; e++)
		if (ds->fol_dst[e] == a) {
			follows = ds->fol_time[e] < now;
			break;
		}
	mrs_world_pair in = {
		.interest = tr->user_interest_w[(size_t)user * MRS_N_TOPICS + tr->tweet_topic[tweet]],
		.tie = follows ? mrs_world_tie(tr->seed, user, a) : 0,
		.follows = follows,
		.quality = tr->tweet_quality[tweet],
		.nsfw = tr->tweet_nsfw[tweet],
		.toxicity = tr->tweet_toxicity[tweet],
		.flags = ds->tweet_flags[tweet],
		.age_hours = (double)(now - ds->tweet_time[tweet]) / MRS_HOUR,
		.propensity = tr->user_propensity[user],
	};
	return mrs_world_probs(&in, out);
}
