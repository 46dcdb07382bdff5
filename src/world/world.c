/* world.c: the synthetic world's hidden action model (generator and oracle only). */
#include <math.h>

#include "world/world.h"

static double sigmoid(double z)
{
	return 1.0 / (1.0 + exp(-z));
}

double mrs_world_tie(uint64_t seed, uint32_t u, uint32_t v)
{
	uint64_t h = mrs_hash64(seed ^ mrs_hash64(((uint64_t)u << 32) | v));
	double x = (double)(h >> 11) * 0x1.0p-53;
	return 0.1 + 0.9 * x * x; /* most ties weak, a few strong */
}

double mrs_world_probs(const mrs_world_pair *in, float out[MRS_N_ACTIONS])
{
	double age_days = in->age_hours / 24.0;
	double recency = exp(-age_days / 2.0); /* fresh tweets draw more engagement */
	double mismatch = in->interest >= 0.3 ? 0.0 : 1.0 - in->interest / 0.3;
	double media = (in->flags & MRS_TW_MEDIA) ? 1.0 : 0.0;
	double link = (in->flags & MRS_TW_LINK) ? 1.0 : 0.0;
	double z = -6.0 + 4.2 * in->interest + 0.7 * in->follows + 2.2 * in->tie +
		   3.0 * (in->quality - 0.4) + 0.35 * media + 0.8 * recency +
		   log(in->propensity) - 1.2 * in->toxicity - 0.6 * in->nsfw;
	out[MRS_ACT_LIKE] = (float)sigmoid(z);
	out[MRS_ACT_RETWEET] = (float)sigmoid(z - 1.7 + 1.5 * (in->quality - 0.4));
	out[MRS_ACT_REPLY] = (float)sigmoid(z - 2.4 + 2.0 * in->toxicity + 0.8 * in->tie);
	out[MRS_ACT_CLICK] = (float)sigmoid(z - 0.3 + 1.3 * link + 0.5 * media);
	out[MRS_ACT_FOLLOW] =
		in->follows ? 0.0f : (float)sigmoid(z - 3.0 + 1.5 * in->interest);
	out[MRS_ACT_NEGFB] = (float)sigmoid(-4.6 + 3.0 * in->toxicity + 2.6 * in->nsfw +
					    1.6 * mismatch - 0.8 * in->follows - 1.0 * in->tie);
	out[MRS_ACT_REPORT] = (float)sigmoid(-7.6 + 5.0 * in->toxicity + 4.0 * in->nsfw +
					     0.6 * mismatch);
	double none = 1.0;
	for (int a = 0; a < MRS_N_ACTIONS; a++)
		if (MRS_POSITIVE_MASK & (1u << a))
			none *= 1.0 - out[a];
	return 1.0 - none;
}
