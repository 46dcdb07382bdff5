/* cmd-info.c: `info` (the dataset) and `models` (which models serve, which fall back). */
#include "report.h"

static int info_exec(session *s, int argc, char **argv, mrs_error *err)
{
	if (session_dataset(s, err))
		return cmd_status(err);
	mrs_dataset_stats st;
	mrs_dataset_stats_compute(s->ds, &st);
	mrs_world_stats w;
	if (mrs_world_stats_compute(s->ds, &w, err))
		return cmd_status(err);
	char b1[32], b2[32], b3[32], world[1024];
	out_printf(s->o, "%s: %s, %u users, %u tweets, %u follows, %u impressions (%u engaged)\n",
		   s->ds->path, s->ds->kind, st.users, st.tweets, st.follows, st.impressions,
		   st.engagements);
	out_printf(s->o, "period %s .. %s, split at %s (%u train / %u test impressions)\n",
		   fmt_time(s->ds->t_begin, b1, sizeof b1), fmt_time(s->ds->t_end, b2, sizeof b2),
		   fmt_time(s->ds->split_time, b3, sizeof b3), st.train_impressions,
		   st.test_impressions);
	report_world_text(&w, "world: ", "       ", world, sizeof world);
	out_printf(s->o, "%s", world);
	cJSON *j = out_json(s->o);
	cJSON_AddStringToObject(j, "path", s->ds->path);
	cJSON_AddStringToObject(j, "kind", s->ds->kind);
	cJSON_AddNumberToObject(j, "users", st.users);
	cJSON_AddNumberToObject(j, "tweets", st.tweets);
	cJSON_AddNumberToObject(j, "follows", st.follows);
	cJSON_AddNumberToObject(j, "impressions", st.impressions);
	cJSON_AddNumberToObject(j, "engagements", st.engagements);
	cJSON_AddItemToObject(j, "world", report_world_json(&w));
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
