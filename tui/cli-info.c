/* cli-info.c: `minirecsys info`: where the dataset and the models are and which rule chose
 * them, counts, split, degree and activity summaries, the world statistics. */
#include <cJSON.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "report.h"
#include "text.h"

static const char *iso_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

static void add_location(cJSON *to, const char *name, const char *path, paths_kind kind,
			 paths_rule rule)
{
	cJSON *l = cJSON_AddObjectToObject(to, name);
	cJSON_AddStringToObject(l, "path", path);
	cJSON_AddStringToObject(l, "rule", paths_rule_name(rule));
	cJSON_AddStringToObject(l, "why", paths_rule_why(kind, rule));
}

static void print_json(const mrs_dataset *ds, const mrs_dataset_stats *st,
		       const mrs_world_stats *w, const char *models, paths_rule data_rule,
		       paths_rule models_rule)
{
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "path", di.path ? di.path : "");
	cJSON *where = cJSON_AddObjectToObject(o, "locations");
	add_location(where, "dataset", di.path ? di.path : "", PATHS_DATA, data_rule);
	add_location(where, "models", models, PATHS_MODELS, models_rule);
	cJSON_AddStringToObject(o, "kind", di.kind);
	char fp[20];
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)di.fingerprint);
	cJSON_AddStringToObject(o, "fingerprint", fp);
	cJSON_AddNumberToObject(o, "users", st->users);
	cJSON_AddNumberToObject(o, "tweets", st->tweets);
	cJSON_AddNumberToObject(o, "retweets", st->retweets);
	cJSON_AddNumberToObject(o, "follows", st->follows);
	cJSON_AddNumberToObject(o, "impressions", st->impressions);
	cJSON_AddNumberToObject(o, "engagements", st->engagements);
	cJSON_AddNumberToObject(o, "positive_engagements", st->positive_engagements);
	cJSON *acts = cJSON_AddObjectToObject(o, "actions");
	for (int a = 0; a < MRS_N_ACTIONS; a++)
		cJSON_AddNumberToObject(acts, mrs_action_name(a), st->actions[a]);
	cJSON_AddNumberToObject(o, "blocks", st->blocks);
	cJSON_AddNumberToObject(o, "mutes", st->mutes);
	cJSON_AddNumberToObject(o, "labelled_tweets", st->labelled);
	cJSON_AddNumberToObject(o, "labelled_texts", di.texts);
	cJSON *split = cJSON_AddObjectToObject(o, "split");
	cJSON_AddNumberToObject(split, "time", (double)di.split_time);
	cJSON_AddNumberToObject(split, "train_impressions", st->train_impressions);
	cJSON_AddNumberToObject(split, "test_impressions", st->test_impressions);
	cJSON_AddNumberToObject(o, "t_begin", (double)di.t_begin);
	cJSON_AddNumberToObject(o, "t_end", (double)di.t_end);
	cJSON *deg = cJSON_AddObjectToObject(o, "followers");
	cJSON_AddNumberToObject(deg, "mean", st->followers_mean);
	cJSON_AddNumberToObject(deg, "median", st->followers_median);
	cJSON_AddNumberToObject(deg, "p99", st->followers_p99);
	cJSON_AddNumberToObject(deg, "max", st->followers_max);
	deg = cJSON_AddObjectToObject(o, "following");
	cJSON_AddNumberToObject(deg, "mean", st->following_mean);
	cJSON_AddNumberToObject(deg, "median", st->following_median);
	cJSON_AddNumberToObject(deg, "max", st->following_max);
	cJSON *act = cJSON_AddObjectToObject(o, "activity");
	cJSON_AddNumberToObject(act, "tweets_per_user_mean", st->tweets_per_user_mean);
	cJSON_AddNumberToObject(act, "tweets_per_user_max", st->tweets_per_user_max);
	cJSON_AddNumberToObject(act, "impressions_per_user_mean", st->impressions_per_user_mean);
	cJSON_AddNumberToObject(act, "impressions_per_user_median", st->impressions_per_user_median);
	cJSON_AddNumberToObject(act, "users_without_follows", st->users_without_follows);
	cJSON_AddNumberToObject(act, "users_without_impressions", st->users_without_impressions);
	cJSON_AddItemToObject(o, "world", report_world_json(w));
	cJSON_AddBoolToObject(o, "has_truth", di.has_truth);
	char line[600];
	cli_models_summary(models, ds, line, sizeof line, cJSON_AddObjectToObject(o, "models"));
	text_json_print(o, true, stdout);
	cJSON_Delete(o);
}

/* Printed before the dataset loads, so that a missing one is looked for in plain sight. */
static void print_locations(const char *data, const char *models, paths_rule data_rule,
			    paths_rule models_rule)
{
	text_printf(stdout, "dataset      %s\n", data);
	printf("             %s\n", paths_rule_why(PATHS_DATA, data_rule));
	text_printf(stdout, "models       %s\n", models);
	printf("             %s\n", paths_rule_why(PATHS_MODELS, models_rule));
}

static void print_text(const mrs_dataset *ds, const mrs_dataset_stats *st,
		       const mrs_world_stats *w, const char *models)
{
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	char b1[32], b2[32], b3[32], world[1024];
	/* the kind and the task are data: cleaned like every text printed */
	text_printf(stdout, "kind         %s, fingerprint %016llx\n", di.kind,
		    (unsigned long long)di.fingerprint);
	printf("users        %u (%u without follows, %u without impressions)\n", st->users,
	       st->users_without_follows, st->users_without_impressions);
	printf("tweets       %u (%u retweets, %u with moderation labels)\n", st->tweets,
	       st->retweets, st->labelled);
	printf("follows      %u\n", st->follows);
	printf("impressions  %u (%u engaged, %u positively)\n", st->impressions, st->engagements,
	       st->positive_engagements);
	printf("actions     ");
	for (int a = 0; a < MRS_N_ACTIONS; a++)
		printf(" %s %u", mrs_action_name(a), st->actions[a]);
	printf("\nblocks       %u blocks, %u mutes\n", st->blocks, st->mutes);
	printf("period       %s .. %s UTC\n", iso_time(di.t_begin, b1, sizeof b1),
	       iso_time(di.t_end, b2, sizeof b2));
	printf("split        train before %s: %u impressions; test: %u\n",
	       iso_time(di.split_time, b3, sizeof b3), st->train_impressions,
	       st->test_impressions);
	printf("followers    mean %.1f, median %.0f, p99 %.0f, max %.0f\n", st->followers_mean,
	       st->followers_median, st->followers_p99, st->followers_max);
	printf("following    mean %.1f, median %.0f, max %.0f\n", st->following_mean,
	       st->following_median, st->following_max);
	printf("activity     %.1f tweets per user (max %.0f), %.1f impressions per user "
	       "(median %.0f)\n",
	       st->tweets_per_user_mean, st->tweets_per_user_max, st->impressions_per_user_mean,
	       st->impressions_per_user_median);
	report_world_text(w, "world        ", "             ", world, sizeof world);
	fputs(world, stdout);
	if (di.texts)
		text_printf(stdout, "texts        %u labelled (%s)\n", di.texts, di.texts_task);
	printf("ground truth %s\n", di.has_truth ? "yes (evaluation only)" : "no");
	char line[600];
	cJSON *j = cJSON_CreateObject();
	cli_models_summary(models, ds, line, sizeof line, j);
	cJSON_Delete(j);
	text_printf(stdout, "model set    %s\n", line);
}

int cli_info(const cli_opts *o, int argc, char **argv)
{
	bool json = o->json;
	const char *path = o->data;
	paths_rule rule = o->data_rule;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			path = argv[++i], rule = PATHS_OPTION;
		else
			return cli_usage_error("info: unknown option '%s'", argv[i]);
	}
	if (!json) {
		print_locations(path, o->models, rule, o->models_rule);
		fflush(stdout);
	}
	mrs_error err = {0};
	cli_progress cp;
	cli_progress_init(&cp, o->quiet);
	mrs_progress prog = cli_progress_get(&cp);
	mrs_dataset *ds = mrs_dataset_load(path, &prog, &err);
	cli_progress_done(&cp);
	if (!ds)
		return cli_error(&err);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(ds, &st);
	mrs_world_stats w;
	if (mrs_world_stats_compute(ds, &w, &err)) {
		mrs_dataset_free(ds);
		return cli_error(&err);
	}
	if (json)
		print_json(ds, &st, &w, o->models, rule, o->models_rule);
	else
		print_text(ds, &st, &w, o->models);
	mrs_dataset_free(ds);
	return EXIT_OK;
}
