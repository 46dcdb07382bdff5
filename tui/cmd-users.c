/* cmd-users.c: `users [QUERY]` (the account picker's list) and `profile [USER]`. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { SORT_FOLLOWERS, SORT_FOLLOWING, SORT_TWEETS, SORT_ACTIVITY, SORT_ID };
static const char *const sort_names[] = {"followers", "following", "tweets", "activity", "id"};

static uint32_t sort_key(const mrs_dataset *ds, uint32_t u, int by)
{
	switch (by) {
	case SORT_FOLLOWERS:
		return mrs_n_followers(ds, u);
	case SORT_FOLLOWING:
		return mrs_n_followees(ds, u);
	case SORT_TWEETS:
		return ds->atw_off[u + 1] - ds->atw_off[u];
	case SORT_ACTIVITY:
		return ds->uimp_off[u + 1] - ds->uimp_off[u];
	default:
		return UINT32_MAX - u;
	}
}

typedef struct sort_ctx {
	const mrs_dataset *ds;
	int by;
} sort_ctx;

static int cmp_users(const void *a, const void *b, void *ctx)
{
	const sort_ctx *sc = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t kx = sort_key(sc->ds, x, sc->by), ky = sort_key(sc->ds, y, sc->by);
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Does user u match the query (id, part of the handle, or a hidden interest)? */
static bool matches(session *s, uint32_t u, const char *q, int topic)
{
	if (!q)
		return true;
	if (topic >= 0) {
		const mrs_truth *tr = session_truth(s);
		return tr && (tr->user_interests[u] >> topic & 1);
	}
	char id[16];
	snprintf(id, sizeof id, "%u", u);
	return strcmp(id, q) == 0 || strstr(mrs_handle(s->ds, u), q[0] == '@' ? q + 1 : q);
}

static int users_exec(session *s, int argc, char **argv, mrs_error *err)
{
	const char *q = NULL;
	uint32_t limit = 20;
	int by = SORT_FOLLOWERS;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--sort") == 0) {
			by = -1;
			for (int k = 0; v && k < 5; k++)
				if (strcmp(v, sort_names[k]) == 0)
					by = k;
			if (by < 0) {
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
	if (session_dataset(s, err))
		return cmd_status(err);
	const mrs_dataset *ds = s->ds;
	int topic = q ? mrs_topic_by_name(q) : -1;
	if (topic >= 0 && !session_truth(s)) {
		mrs_fail(err, MRS_ERR_USAGE, "searching by interest needs a synthetic world's truth");
		return CMD_FAIL;
	}
	uint32_t *ids = malloc(sizeof(uint32_t) * (ds->n_users ? ds->n_users : 1)), n = 0;
	if (!ids) {
		mrs_fail(err, MRS_ERR_NOMEM, "out of memory");
		return CMD_FAIL;
	}
	for (uint32_t u = 0; u < ds->n_users; u++)
		if (matches(s, u, q, topic))
			ids[n++] = u;
	sort_ctx sc = {ds, by};
	qsort_r(ids, n, sizeof *ids, cmp_users, &sc);
	out_printf(s->o, "%u accounts%s%s%s, by %s\n", n, q ? " matching '" : "", q ? q : "",
		   q ? "'" : "", sort_names[by]);
	out_printf(s->o, "%7s %-18s %9s %9s %6s %8s\n", "id", "handle", "followers", "following",
		   "tweets", "activity");
	cJSON *arr = cJSON_AddArrayToObject(out_json(s->o), "users");
	char h[80], b[64];
	for (uint32_t i = 0; i < n && i < limit; i++) {
		uint32_t u = ids[i];
		out_printf(s->o, "%7u %-18s %9u %9u %6u %8u\n", u,
			   fmt_cut(report_handle(s, u, h, sizeof h), 18, b, sizeof b),
			   mrs_n_followers(ds, u), mrs_n_followees(ds, u),
			   ds->atw_off[u + 1] - ds->atw_off[u], ds->uimp_off[u + 1] - ds->uimp_off[u]);
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
	uint32_t imps = 0, pos = 0, neg = 0;
	for (uint32_t i = ds->uimp_off[u]; i < ds->uimp_off[u + 1]; i++) {
		imps++;
		pos += (ds->imp_actions[i] & MRS_POSITIVE_MASK) != 0;
		neg += (ds->imp_actions[i] >> MRS_ACT_NEGFB & 1) || (ds->imp_actions[i] >> MRS_ACT_REPORT & 1);
	}
	out_printf(s->o, "%s (user %u)%s, joined %s\n", report_handle(s, u, h, sizeof h), u,
		   ds->user_verified[u] ? ", verified" : "", fmt_time(ds->user_created[u], b, sizeof b));
	out_printf(s->o, "  follows %u, followers %u, tweets %u\n", mrs_n_followees(ds, u),
		   mrs_n_followers(ds, u), ds->atw_off[u + 1] - ds->atw_off[u]);
	out_printf(s->o, "  shown %u tweets, engaged with %u, negative feedback or reports on %u\n",
		   imps, pos, neg);
	cJSON *j = out_json(s->o);
	cJSON_AddNumberToObject(j, "id", u);
	cJSON_AddStringToObject(j, "handle", mrs_handle(ds, u));
	cJSON_AddNumberToObject(j, "following", mrs_n_followees(ds, u));
	cJSON_AddNumberToObject(j, "followers", mrs_n_followers(ds, u));
	cJSON_AddNumberToObject(j, "impressions", imps);
	cJSON_AddNumberToObject(j, "engaged", pos);
	const mrs_truth *tr = session_truth(s);
	if (tr) {
		out_printf(s->o, "  hidden interests (the generator's truth, never seen by the models):");
		cJSON *in = cJSON_AddObjectToObject(j, "hidden_interests");
		for (int t = 0; t < MRS_N_TOPICS; t++) {
			float w = tr->user_interest_w[(size_t)u * MRS_N_TOPICS + t];
			if (w <= 0)
				continue;
			out_printf(s->o, " %s %.2f", mrs_topic_name(t), w);
			cJSON_AddNumberToObject(in, mrs_topic_name(t), w);
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
