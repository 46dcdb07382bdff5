/* cmd-users.c: `users [QUERY]` (the account picker's list) and `profile [USER]`. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* In the order of REPORT_SORT_*. */
static const char *const sort_keys[] = {"followers", "following", "tweets", "activity", "id",
					NULL};

static int users_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	const char *q = cmd_word(a, "QUERY");
	uint32_t limit = (uint32_t)cmd_uint(a, "--limit"), *ids, n;
	int by = cmd_choice(a, "--sort");
	if (report_users_find(s, q, by, &ids, &n, err))
		return -1;
	const mrs_dataset *ds = s->ds;
	cJSON_AddNumberToObject(res, "matches", n);
	if (q)
		cJSON_AddStringToObject(res, "query", q);
	cJSON_AddStringToObject(res, "sort", report_sort_name(by));
	cJSON *arr = cJSON_AddArrayToObject(res, "users");
	for (uint32_t i = 0; i < n && i < limit; i++) {
		uint32_t u = ids[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", u);
		cJSON_AddStringToObject(o, "handle", mrs_handle(ds, u));
		cJSON_AddNumberToObject(o, "followers", mrs_n_followers(ds, u));
		cJSON_AddNumberToObject(o, "following", mrs_n_followees(ds, u));
		cJSON_AddNumberToObject(o, "tweets", mrs_n_tweets_of(ds, u));
		cJSON_AddNumberToObject(o, "activity", mrs_n_impressions_of(ds, u));
		cJSON_AddItemToArray(arr, o);
	}
	free(ids);
	return 0;
}

static void users_text(out *o, const cJSON *r)
{
	const char *q = res_has(r, "query") ? res_str(r, "query") : NULL;
	out_printf(o, "%u accounts%s%s%s, by %s\n", res_u32(r, "matches"), q ? " matching '" : "",
		   q ? q : "", q ? "'" : "", res_str(r, "sort"));
	out_printf(o, "%7s %-18s %9s %9s %6s %8s\n", "id", "handle", "followers", "following",
		   "tweets", "activity");
	const cJSON *u;
	cJSON_ArrayForEach(u, res_get(r, "users"))
	{
		char h[80], b[64];
		snprintf(h, sizeof h, "@%s", res_str(u, "handle"));
		out_printf(o, "%7u %s %9u %9u %6u %8u\n", res_u32(u, "id"), fmt_col(h, 18, b, sizeof b),
			   res_u32(u, "followers"), res_u32(u, "following"), res_u32(u, "tweets"),
			   res_u32(u, "activity"));
	}
}

static int profile_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	uint32_t u;
	const char *who = cmd_word(a, "USER");
	if (who) {
		if (session_user_arg(s, who, &u, err))
			return -1;
	} else if (s->has_user) {
		u = s->user;
	} else {
		return mrs_fail(err, MRS_ERR_REFUSED,
				"profile of whom? (`profile USER`, or `user USER` first)");
	}
	report_profile p;
	report_profile_get(s, u, &p);
	cJSON_AddNumberToObject(res, "id", u);
	cJSON_AddStringToObject(res, "handle", mrs_handle(s->ds, u));
	cJSON_AddBoolToObject(res, "verified", p.verified);
	cJSON_AddNumberToObject(res, "created", (double)p.created);
	cJSON_AddNumberToObject(res, "following", p.following);
	cJSON_AddNumberToObject(res, "followers", p.followers);
	cJSON_AddNumberToObject(res, "tweets", p.tweets);
	cJSON_AddNumberToObject(res, "impressions", p.impressions);
	cJSON_AddNumberToObject(res, "engaged", p.engaged);
	cJSON_AddNumberToObject(res, "negative", p.negative);
	if (p.has_interests) {
		cJSON *in = cJSON_AddObjectToObject(res, "hidden_interests");
		for (int t = 0; t < MRS_N_TOPICS; t++)
			if (p.interest[t] > 0)
				cJSON_AddNumberToObject(in, mrs_topic_name(t), p.interest[t]);
	}
	return 0;
}

static void profile_text(out *o, const cJSON *r)
{
	char b[32];
	out_printf(o, "@%s (user %u)%s, joined %s\n", res_str(r, "handle"), res_u32(r, "id"),
		   res_bool(r, "verified") ? ", verified" : "",
		   fmt_time((int64_t)res_num(r, "created"), b, sizeof b));
	out_printf(o, "  follows %u, followers %u, tweets %u\n", res_u32(r, "following"),
		   res_u32(r, "followers"), res_u32(r, "tweets"));
	out_printf(o, "  shown %u tweets, engaged with %u, negative feedback or reports on %u\n",
		   res_u32(r, "impressions"), res_u32(r, "engaged"), res_u32(r, "negative"));
	const cJSON *in = res_get(r, "hidden_interests"), *t;
	if (!in)
		return;
	out_printf(o, "  hidden interests (the generator's truth, never seen by the models):");
	cJSON_ArrayForEach(t, in)
		out_printf(o, " %s %.2f", t->string, t->valuedouble);
	out_printf(o, "\n");
}

static const cmd_arg users_args[] = {
	{"QUERY", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "an id, part of a handle, or (synthetic worlds) an interest such as food"},
	{"--sort", .type = CMD_CHOICE, .value = "KEY", .choices = sort_keys,
	 .def = "followers", .help = "the order: followers, following, tweets, activity or id"},
	{"--limit", .type = CMD_UINT, .value = "N", .lo = 1, .hi = 1000000, .def = "20",
	 .help = "how many to list"},
	{NULL},
};

static const cmd_arg profile_args[] = {
	{"USER", .type = CMD_WORD, .flags = CMD_OPTIONAL,
	 .help = "an account id or @handle (else the current account)"},
	{NULL},
};

const cmd_entry cmd_users_entry = {
	"users", NULL,
	"find accounts by id, handle or (synthetic worlds) interest; sort by followers, "
	"following, tweets, activity or id",
	users_args, CMD_SESSION, users_exec, users_text, NULL,
};
const cmd_entry cmd_profile_entry = {
	"profile", NULL, "an account's summary: follows, activity, interests", profile_args,
	CMD_SESSION, profile_exec, profile_text, NULL,
};
