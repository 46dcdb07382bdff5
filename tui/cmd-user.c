/* cmd-user.c: `user USER`: choose the account whose timeline is made. */
#include "report.h"

static int user_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	uint32_t u;
	if (session_user_arg(s, cmd_word(a, "USER"), &u, err) || session_set_user(s, u, err))
		return -1;
	const mrs_query *q = mrs_request_query(s->req);
	const uint32_t *order;
	cJSON_AddNumberToObject(res, "user", u);
	cJSON_AddStringToObject(res, "handle", mrs_handle(s->ds, u));
	cJSON_AddNumberToObject(res, "followees", q->n_followees);
	cJSON_AddNumberToObject(res, "followers", mrs_n_followers(s->ds, u));
	cJSON_AddNumberToObject(res, "timeline", mrs_request_timeline(s->req, &order));
	cJSON_AddNumberToObject(res, "tweets", mrs_n_tweets_of(s->ds, u));
	return 0;
}

static void user_text(out *o, const cJSON *r)
{
	out_printf(o, "user @%s (%u): follows %u, %u followers, %u tweets; timeline of %u\n",
		   res_str(r, "handle"), res_u32(r, "user"), res_u32(r, "followees"),
		   res_u32(r, "followers"), res_u32(r, "tweets"), res_u32(r, "timeline"));
}

static const cmd_arg user_args[] = {
	{"USER", .type = CMD_WORD, .help = "an account id or @handle"},
	{NULL},
};

const cmd_entry cmd_user_entry = {
	"user", NULL, "choose the account (id or @handle) and make its timeline", user_args,
	CMD_SESSION, user_exec, user_text, NULL,
};
