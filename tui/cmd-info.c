/* cmd-info.c: `info` (where the dataset and the models are and which rule chose them,
 * counts, period, split, time scale, degree and activity summaries, the world statistics,
 * the model set) and `models` (which models are loaded, which fall back, and why). */
#include <string.h>
#include <time.h>

#include "report.h"

static void add_location(cJSON *to, const char *name, const char *path, paths_kind kind,
			 paths_rule rule)
{
	cJSON *l = cJSON_AddObjectToObject(to, name);
	cJSON_AddStringToObject(l, "path", path);
	cJSON_AddStringToObject(l, "rule", paths_rule_name(rule));
	cJSON_AddStringToObject(l, "why", paths_rule_why(kind, rule));
}

/* The dataset's time scale (docs/timescale.md): the windows, and what they come from. */
static void add_time_scale(const mrs_time_scale *ts, cJSON *to)
{
	cJSON_AddStringToObject(to, "basis", ts->basis);
	cJSON_AddNumberToObject(to, "age_limit_hours", ts->age_limit_hours);
	cJSON_AddNumberToObject(to, "halflife_hours", ts->halflife_hours);
	cJSON_AddNumberToObject(to, "graph_window_hours", ts->graph_window_hours);
	cJSON_AddNumberToObject(to, "fatigue_days", ts->fatigue_days);
	cJSON_AddStringToObject(to, "rule", ts->rule);
	cJSON_AddNumberToObject(to, "engagements", ts->engagements);
	cJSON_AddNumberToObject(to, "age_p50_hours", ts->age_p50_hours);
	cJSON_AddNumberToObject(to, "age_p99_hours", ts->age_p99_hours);
	cJSON_AddNumberToObject(to, "window_hours", ts->window_hours);
}

/* The figures of the loaded dataset. Fails only when memory runs out. */
static int add_stats(session *s, const char *path, cJSON *res, mrs_error *err)
{
	const mrs_dataset *ds = s->ds;
	mrs_dataset_info di = mrs_dataset_info_get(ds);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(ds, &st);
	mrs_world_stats w;
	if (mrs_world_stats_compute(ds, &w, err))
		return -1;
	cJSON_AddStringToObject(res, "path", path);
	cJSON_AddNumberToObject(res, "what_if_edits", (double)s->n_edits);
	cJSON_AddStringToObject(res, "kind", di.kind);
	char fp[20];
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)di.fingerprint);
	cJSON_AddStringToObject(res, "fingerprint", fp);
	cJSON_AddNumberToObject(res, "users", st.users);
	cJSON_AddNumberToObject(res, "tweets", st.tweets);
	cJSON_AddNumberToObject(res, "retweets", st.retweets);
	cJSON_AddNumberToObject(res, "follows", st.follows);
	cJSON_AddNumberToObject(res, "impressions", st.impressions);
	cJSON_AddNumberToObject(res, "engagements", st.engagements);
	cJSON_AddNumberToObject(res, "positive_engagements", st.positive_engagements);
	cJSON *acts = cJSON_AddObjectToObject(res, "actions");
	for (int a = 0; a < MRS_N_ACTIONS; a++)
		cJSON_AddNumberToObject(acts, mrs_action_name(a), st.actions[a]);
	cJSON_AddNumberToObject(res, "blocks", st.blocks);
	cJSON_AddNumberToObject(res, "mutes", st.mutes);
	cJSON_AddNumberToObject(res, "labelled_tweets", st.labelled);
	cJSON_AddNumberToObject(res, "labelled_texts", di.texts);
	if (di.texts)
		cJSON_AddStringToObject(res, "texts_task", di.texts_task);
	cJSON *split = cJSON_AddObjectToObject(res, "split");
	cJSON_AddNumberToObject(split, "time", (double)di.split_time);
	cJSON_AddNumberToObject(split, "train_impressions", st.train_impressions);
	cJSON_AddNumberToObject(split, "test_impressions", st.test_impressions);
	cJSON_AddNumberToObject(res, "t_begin", (double)di.t_begin);
	cJSON_AddNumberToObject(res, "t_end", (double)di.t_end);
	add_time_scale(&di.time_scale, cJSON_AddObjectToObject(res, "time_scale"));
	cJSON *deg = cJSON_AddObjectToObject(res, "followers");
	cJSON_AddNumberToObject(deg, "mean", st.followers_mean);
	cJSON_AddNumberToObject(deg, "median", st.followers_median);
	cJSON_AddNumberToObject(deg, "p99", st.followers_p99);
	cJSON_AddNumberToObject(deg, "max", st.followers_max);
	deg = cJSON_AddObjectToObject(res, "following");
	cJSON_AddNumberToObject(deg, "mean", st.following_mean);
	cJSON_AddNumberToObject(deg, "median", st.following_median);
	cJSON_AddNumberToObject(deg, "max", st.following_max);
	cJSON *act = cJSON_AddObjectToObject(res, "activity");
	cJSON_AddNumberToObject(act, "tweets_per_user_mean", st.tweets_per_user_mean);
	cJSON_AddNumberToObject(act, "tweets_per_user_max", st.tweets_per_user_max);
	cJSON_AddNumberToObject(act, "impressions_per_user_mean", st.impressions_per_user_mean);
	cJSON_AddNumberToObject(act, "impressions_per_user_median",
				st.impressions_per_user_median);
	cJSON_AddNumberToObject(act, "users_without_follows", st.users_without_follows);
	cJSON_AddNumberToObject(act, "users_without_impressions", st.users_without_impressions);
	cJSON_AddItemToObject(res, "world", report_world(&w));
	cJSON_AddBoolToObject(res, "has_truth", di.has_truth);
	cli_models_summary(s->opts.models, ds, cJSON_AddObjectToObject(res, "models"));
	return 0;
}

static int info_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	/* the locations first: shown also when the dataset cannot be read, so that a missing
	 * one is looked for in plain sight */
	cJSON *where = cJSON_AddObjectToObject(res, "locations");
	add_location(where, "dataset", s->opts.data, PATHS_DATA, s->opts.data_rule);
	add_location(where, "models", s->opts.models, PATHS_MODELS, s->opts.models_rule);
	if (session_dataset(s, err))
		return -1;
	/* with what-if edits s->ds is a scratch copy (no path): the file is the base's */
	const char *path = mrs_dataset_info_get(s->base ? s->base : s->ds).path;
	return add_stats(s, path ? path : s->opts.data, res, err);
}

static const char *iso_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* "168 h (7 days)", or "6 h" under two days. */
static const char *hours_text(double h, char *buf, size_t size)
{
	if (h < 48)
		snprintf(buf, size, "%.4g h", h);
	else
		snprintf(buf, size, "%.0f h (%.0f days)", h, h / 24);
	return buf;
}

static void time_scale_text(out *o, const cJSON *ts)
{
	char a[48], h[48], g[48];
	out_printf(o, "time scale   age limit %s, half-life %s, Graph window %s, fatigue %.4g days\n",
		   hours_text(res_num(ts, "age_limit_hours"), a, sizeof a),
		   hours_text(res_num(ts, "halflife_hours"), h, sizeof h),
		   hours_text(res_num(ts, "graph_window_hours"), g, sizeof g),
		   res_num(ts, "fatigue_days"));
	if (strcmp(res_str(ts, "basis"), "derived") != 0) {
		out_printf(o, "             %s\n", res_str(ts, "rule"));
		return;
	}
	out_printf(o,
		   "             derived from %u dated train engagements over %.0f h (their ages: "
		   "median %.3g h, 99th percentile %.3g h): %s\n",
		   res_u32(ts, "engagements"), res_num(ts, "window_hours"),
		   res_num(ts, "age_p50_hours"), res_num(ts, "age_p99_hours"), res_str(ts, "rule"));
}

static void info_text(out *o, const cJSON *r)
{
	const cJSON *where = res_get(r, "locations");
	const cJSON *data = res_get(where, "dataset"), *models = res_get(where, "models");
	out_printf(o, "dataset      %s\n             %s\n", res_str(data, "path"),
		   res_str(data, "why"));
	out_printf(o, "models       %s\n             %s\n", res_str(models, "path"),
		   res_str(models, "why"));
	if (!res_has(r, "kind")) /* the dataset could not be read */
		return;
	uint32_t edits = res_u32(r, "what_if_edits");
	if (edits)
		out_printf(o, "what-if      %u edit%s of %s (the figures below include them)\n", edits,
			   edits == 1 ? "" : "s", res_str(r, "path"));
	const cJSON *act = res_get(r, "activity"), *fol = res_get(r, "followers"),
		    *fing = res_get(r, "following"), *split = res_get(r, "split"), *x;
	char b1[32], b2[32], b3[32];
	out_printf(o, "kind         %s, fingerprint %s\n", res_str(r, "kind"),
		   res_str(r, "fingerprint"));
	out_printf(o, "users        %u (%u without follows, %u without impressions)\n",
		   res_u32(r, "users"), res_u32(act, "users_without_follows"),
		   res_u32(act, "users_without_impressions"));
	out_printf(o, "tweets       %u (%u retweets, %u with moderation labels)\n",
		   res_u32(r, "tweets"), res_u32(r, "retweets"), res_u32(r, "labelled_tweets"));
	out_printf(o, "follows      %u\n", res_u32(r, "follows"));
	out_printf(o, "impressions  %u (%u engaged, %u positively)\n", res_u32(r, "impressions"),
		   res_u32(r, "engagements"), res_u32(r, "positive_engagements"));
	out_printf(o, "actions     ");
	cJSON_ArrayForEach(x, res_get(r, "actions"))
		out_printf(o, " %s %u", x->string, (uint32_t)res_value(x));
	out_printf(o, "\nblocks       %u blocks, %u mutes\n", res_u32(r, "blocks"),
		   res_u32(r, "mutes"));
	out_printf(o, "period       %s .. %s UTC\n",
		   iso_time((int64_t)res_num(r, "t_begin"), b1, sizeof b1),
		   iso_time((int64_t)res_num(r, "t_end"), b2, sizeof b2));
	out_printf(o, "split        train before %s: %u impressions; test: %u\n",
		   iso_time((int64_t)res_num(split, "time"), b3, sizeof b3),
		   res_u32(split, "train_impressions"), res_u32(split, "test_impressions"));
	time_scale_text(o, res_get(r, "time_scale"));
	out_printf(o, "followers    mean %.1f, median %.0f, p99 %.0f, max %.0f\n",
		   res_num(fol, "mean"), res_num(fol, "median"), res_num(fol, "p99"),
		   res_num(fol, "max"));
	out_printf(o, "following    mean %.1f, median %.0f, max %.0f\n", res_num(fing, "mean"),
		   res_num(fing, "median"), res_num(fing, "max"));
	out_printf(o, "activity     %.1f tweets per user (max %.0f), %.1f impressions per user "
		      "(median %.0f)\n",
		   res_num(act, "tweets_per_user_mean"), res_num(act, "tweets_per_user_max"),
		   res_num(act, "impressions_per_user_mean"),
		   res_num(act, "impressions_per_user_median"));
	report_world_text(o, res_get(r, "world"), "world        ", "             ");
	if (res_u32(r, "labelled_texts"))
		out_printf(o, "texts        %u labelled (%s)\n", res_u32(r, "labelled_texts"),
			   res_str(r, "texts_task"));
	out_printf(o, "ground truth %s\n", res_bool(r, "has_truth") ? "yes (evaluation only)" : "no");
	char line[600];
	cli_models_line(res_get(r, "models"), line, sizeof line);
	out_printf(o, "model set    %s\n", line);
}

static int models_exec(session *s, const cmd_args *a, cJSON *res, mrs_error *err)
{
	(void)a;
	if (session_engine(s, err))
		return -1;
	for (int m = 0; m < MRS_N_MODELS; m++) {
		const mrs_model_status *ms = mrs_engine_status(s->engine, (mrs_model_id)m);
		cJSON *o = cJSON_AddObjectToObject(res, mrs_model_name((mrs_model_id)m));
		cJSON_AddBoolToObject(o, "loaded", ms->loaded);
		cJSON_AddBoolToObject(o, "other_dataset", ms->other_dataset);
		cJSON_AddStringToObject(o, "note", ms->note);
	}
	return 0;
}

static void models_text(out *o, const cJSON *r)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, r)
		out_printf(o, "%-13s %-8s %s\n", m->string, res_bool(m, "loaded") ? "loaded" : "fallback",
			   res_str(m, "note"));
}

const cmd_entry cmd_info_entry = {
	"info", NULL,
	"the dataset and the model folder (and which rule chose them), counts, period, split, "
	"degrees and activity, the world statistics, and which models were trained on it",
	NULL, CMD_ANYWHERE | CMD_REPORT_FAILED, info_exec, info_text, NULL,
};
const cmd_entry cmd_models_entry = {
	"models", NULL, "which models are loaded and which fall back, and why", NULL, CMD_SESSION,
	models_exec, models_text, NULL,
};
