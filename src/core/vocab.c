/* vocab.c: names of actions, the heavy ranker's heads and interest topics. */
#include <string.h>

#include "core/core.h"

static const char *const action_names[MRS_N_ACTIONS] = {
	"like", "retweet", "reply", "click", "follow", "negfb", "report",
};

static const char *const topic_names[MRS_N_TOPICS] = {
	"tech", "sports", "music", "politics", "gaming", "science", "food",
};

const char *mrs_action_name(int action)
{
	if (action < 0 || action >= MRS_N_ACTIONS)
		return NULL;
	return action_names[action];
}

int mrs_action_by_name(const char *name)
{
	for (int i = 0; i < MRS_N_ACTIONS; i++)
		if (strcmp(name, action_names[i]) == 0)
			return i;
	return -1;
}

const char *mrs_head_name(int head)
{
	return head == MRS_HEAD_ANY ? "any" : mrs_action_name(head);
}

const char *mrs_topic_name(int topic)
{
	if (topic < 0 || topic >= MRS_N_TOPICS)
		return NULL;
	return topic_names[topic];
}

int mrs_topic_by_name(const char *name)
{
	for (int i = 0; i < MRS_N_TOPICS; i++)
		if (strcmp(name, topic_names[i]) == 0)
			return i;
	return -1;
}
