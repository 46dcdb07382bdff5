/* cmd-users.c: `users [QUERY]` (the account picker's list) and `profile [USER]`. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int users_exec(session *s, int argc, char **argv, mrs_error *err)
{
	const char *q = NULL;
	uint32_t limit = 20;
	int by = REPORT_SORT_FOLLOWERS;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--sort") == 0) {
			if ((by = report_sort_by_name(v)) < 0) {
				mrs_fail(err, MRS_ERR_USAGE,
					 "--sort: followers, following, tweets, activity or id");
				return CMD_USAGE;
			}
			i++;
		} else if (strcmp(argv[i], "--limit") == 0) {
			if (cmd_u32("--limit", v, 1, 1000000, &limit, err))
				return CMD_USAGE;
			i++;
		} else if (!q && argv[i][0] != '-') {
			q = argv[i];
		} else {
			mrs_fail(err, MRS_ERR_USAGE, "users: unexpected '%s'", argv[i]);
			return CMD_USAGE;
		}
	}
	uint32_t *ids, n;
	if (report_users_find(s, q, by, &ids, &n, err))
		return err->code == MRS_ERR_USAGE || err->code == MRS_ERR_NOMEM ? CMD_FAIL
										: cmd_status(err);
	const mrs_dataset *ds = s->ds;
	out_printf(s->o, "%u accounts%s%s%s, by %s\n", n, q ? " matching '" : "", q ? q : "",
		   q ? "'" : "", report_sort_name(by));
	out_printf(s->o, "%7s %-18s %9s %9s %6s %8s\n", "id", "handle", "followers", "following",
		   "tweets", "activity");
	cJSON *arr = cJSON_AddArrayToObject(out_json(s->o), "users");
	char h[80], b[64];
	for (uint32_t i = 0; i < n && i < limit; i++) {
		uint32_t u = ids[i];
		out_printf(s->o, "%7u %s %9u %9u %6u %8u\n", u,
			   fmt_col(report_handle(s, u, h, sizeof h), 18, b, sizeof b),
			   mrs_n_followers(ds, u), mrs_n_followees(ds, u),
			   mrs_n_tweets_of(ds, u), mrs_n_impressions_of(ds, u));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", u);
		cJSON_AddStringToObject(o, "handle", mrs_handle(ds, u));
		cJSON_AddNumberToObject(o, "followers", mrs_n_followers(ds, u));
		cJSON_AddNumberToObject(o, "following", mrs_n_followees(ds, u));
		cJSON_AddItemToArray(arr, o);
	}
	free(ids);
	return CMD_OK;
}

static int profile_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t u;
	if (argc == 2) {
		if (session_user_arg(s, argv[1], &u, err))
			return cmd_status(err);
	} else if (s->has_user) {
		u = s->user;
	} else {
		mrs_fail(err, MRS_ERR_USAGE, "profile of whom? (`profile USER`, or `user USER` first)");
		return CMD_FAIL;
	}
	const mrs_dataset *ds = s->ds;
	char h[80], b[32];
	report_profile p;
	report_profile_get(s, u, &p);
	out_printf(s->o, "%s (user %u)%s, joined %s\n", report_handle(s, u, h, sizeof h), u,
		   p.verified ? ", verified" : "", fmt_time(p.created, b, sizeof b));
	out_printf(s->o, "  follows %u, followers %u, tweets %u\n", p.following, p.followers,
		   p.tweets);
	out_printf(s->o, "  shown %u tweets, engaged with %u, negative feedback or reports on %u\n",
		   p.impressions, p.engaged, p.negative);
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "id", u);
	cJSON_AddStringToObject(j, "handle", mrs_handle(ds, u));
	cJSON_AddNumberToObject(j, "following", p.following);
	cJSON_AddNumberToObject(j, "followers", p.followers);
	cJSON_AddNumberToObject(j, "tweets", p.tweets);
	cJSON_AddNumberToObject(j, "impressions", p.impressions);
	cJSON_AddNumberToObject(j, "engaged", p.engaged);
	if (p.has_interests) {
		out_printf(s->o, "  hidden interests (the generator's truth, never seen by the models):");
		cJSON *in = cJSON_AddObjectToObject(j, "hidden_interests");
		for (int t = 0; t < MRS_N_TOPICS; t++) {
			if (p.interest[t] <= 0)
				continue;
			out_printf(s->o, " %s %.2f", mrs_topic_name(t), p.interest[t]);
			cJSON_AddNumberToObject(in, mrs_topic_name(t), p.interest[t]);
		}
		out_printf(s->o, "\n");
	}
	return CMD_OK;
}

const cmd_entry cmd_users_entry = {
	"users", NULL, "[QUERY] [--sort KEY] [--limit N]",
	"find accounts by id, handle or (synthetic worlds) interest; sort by followers, "
	"following, tweets, activity or id",
	0, 5, users_exec,
};
const cmd_entry cmd_profile_entry = {
	"profile", NULL, "[USER]", "an account's summary: follows, activity, interests", 0, 1,
	profile_exec,
};
