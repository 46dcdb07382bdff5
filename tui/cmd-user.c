/* cmd-user.c: `user USER`: choose the account whose timeline is made. */
#include "report.h"

static int user_exec(session *s, int argc, char **argv, mrs_error *err)
{
	uint32_t u;
	if (session_user_arg(s, argv[1], &u, err) || session_set_user(s, u, err))
		return cmd_status(err);
	const mrs_query *q = mrs_request_query(s->req);
	const uint32_t *order;
	uint32_t n = mrs_request_timeline(s->req, &order);
	char h[80];
	out_printf(s->o, "user %s (%u): follows %u, %u followers, %u tweets; timeline of %u\n",
		   report_handle(s, u, h, sizeof h), u, q->n_followees, mrs_n_followers(s->ds, u),
		   mrs_n_tweets_of(s->ds, u), n);
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "user", u);
	cJSON_AddStringToObject(j, "handle", mrs_handle(s->ds, u));
	cJSON_AddNumberToObject(j, "followees", q->n_followees);
	cJSON_AddNumberToObject(j, "followers", mrs_n_followers(s->ds, u));
	cJSON_AddNumberToObject(j, "timeline", n);
	return CMD_OK;
}

const cmd_entry cmd_user_entry = {
	"user", NULL, "USER", "choose the account (id or @handle) and make its timeline", 1, 1,
	user_exec,
};
