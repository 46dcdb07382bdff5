/* cmd-info.c: `info` (the dataset) and `models` (which models serve, which fall back). */
#include "report.h"

static int info_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (session_dataset(s, err))
		return cmd_status(err);
	mrs_dataset_info di = mrs_dataset_info_get(s->ds);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(s->ds, &st);
	mrs_world_stats w;
	if (mrs_world_stats_compute(s->ds, &w, err))
		return cmd_status(err);
	char b1[32], b2[32], b3[32], world[1024], edits[64] = "";
	/* with what-if edits s->ds is a scratch copy (no path): the file is the base's */
	const char *path = mrs_dataset_info_get(s->base ? s->base : s->ds).path;
	if (!path)
		path = s->opts.data;
	if (s->n_edits)
		snprintf(edits, sizeof edits, " with %zu what-if edit%s", s->n_edits,
			 s->n_edits == 1 ? "" : "s");
	out_printf(s->o, "%s%s: %s, %u users, %u tweets, %u follows, %u impressions (%u engaged)\n",
		   path, edits, di.kind, st.users, st.tweets, st.follows, st.impressions,
		   st.engagements);
	out_printf(s->o, "period %s .. %s, split at %s (%u train / %u test impressions)\n",
		   fmt_time(di.t_begin, b1, sizeof b1), fmt_time(di.t_end, b2, sizeof b2),
		   fmt_time(di.split_time, b3, sizeof b3), st.train_impressions,
		   st.test_impressions);
	report_world_text(&w, "world: ", "       ", world, sizeof world);
	out_printf(s->o, "%s", world);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "path", path);
	cJSON_AddNumberToObject(j, "what_if_edits", (double)s->n_edits);
	cJSON_AddStringToObject(j, "kind", di.kind);
	cJSON_AddNumberToObject(j, "users", st.users);
	cJSON_AddNumberToObject(j, "tweets", st.tweets);
	cJSON_AddNumberToObject(j, "follows", st.follows);
	cJSON_AddNumberToObject(j, "impressions", st.impressions);
	cJSON_AddNumberToObject(j, "engagements", st.engagements);
	cJSON_AddItemToObject(j, "world", report_world_json(&w));
	char line[600];
	cli_models_summary(s->opts.models, s->ds, line, sizeof line,
			   cJSON_AddObjectToObject(j, "models"));
	out_printf(s->o, "models: %s\n", line);
	return CMD_OK;
}

static int models_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (session_engine(s, err))
		return cmd_status(err);
	cJSON *j = out_json(s->o);
	for (int m = 0; m < MRS_N_MODELS; m++) {
		const mrs_model_status *ms = mrs_engine_status(s->engine, (mrs_model_id)m);
		out_printf(s->o, "%-13s %-8s %s\n", mrs_model_name((mrs_model_id)m),
			   ms->loaded ? "loaded" : "fallback", ms->note);
		cJSON *o = cJSON_AddObjectToObject(j, mrs_model_name((mrs_model_id)m));
		cJSON_AddBoolToObject(o, "loaded", ms->loaded);
		cJSON_AddBoolToObject(o, "other_dataset", ms->other_dataset);
		cJSON_AddStringToObject(o, "note", ms->note);
	}
	return CMD_OK;
}

const cmd_entry cmd_info_entry = {
	"info", NULL, "", "the dataset: counts, period, split and world statistics", 0, 0, info_exec,
};
const cmd_entry cmd_models_entry = {
	"models", NULL, "", "which models are loaded and which fall back, and why", 0, 0,
	models_exec,
};
