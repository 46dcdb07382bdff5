/* tune_pipeline.c: the pipeline's co-engagement settings (sources.graph_similar, the number
 * of tweet-based Graph candidates, and fusion.coengagement, the co-engagement share of the
 * blend's embedding part) searched with eval's own code on a split the test split never
 * enters: the random split's validation split (the train rows split again), or the
 * temporal split of a dataset that is itself the train part of another (its own models
 * trained on it). A tool, not a test: README's rule for the defaults comes from it.
 * Usage: bench/tune_pipeline DATASET MODELS temporal|random|validation-random [USERS]
 * Prints one line per setting: split, setting, the pipeline's NDCG@10, P@10, R@10. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirecsys.h"

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[3], "temporal") && strcmp(argv[3], "random") &&
			 strcmp(argv[3], "validation-random"))) {
		fprintf(stderr, "usage: %s DATASET MODELS temporal|random|validation-random [USERS]\n",
			argv[0]);
		return 2;
	}
	bool random = strcmp(argv[3], "temporal") != 0;
	mrs_eval_opts o = {.k = 10,
			   .users = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0,
			   .seed = 1,
			   .split = random ? MRS_SPLIT_RANDOM : MRS_SPLIT_TEMPORAL,
			   .validation = strcmp(argv[3], "validation-random") == 0,
			   .models_dir = argv[2],
			   .systems = 1u << MRS_SYS_PIPELINE};
	mrs_error err = {0};
	mrs_config cfg;
	mrs_dataset *ds = mrs_dataset_load(argv[1], NULL, &err);
	mrs_evaluator *ev = NULL;
	if (!ds || mrs_config_preset(&cfg, "seed", &err))
		goto fail;
	mrs_time_scale ts = mrs_dataset_info_get(ds).time_scale;
	mrs_config_time_scale(&cfg, &ts);
	if (!(ev = mrs_evaluator_new(ds, &o, NULL, &err)))
		goto fail;
	const uint32_t similar[] = {100, 200, 400};
	const float share[] = {0, 4, 16};
	for (size_t i = 0; i < sizeof similar / sizeof *similar; i++)
		for (size_t j = 0; j < sizeof share / sizeof *share; j++) {
			mrs_config c = cfg;
			c.graph_similar = similar[i];
			c.emb_coengagement = share[j];
			mrs_eval_result r;
			if (mrs_evaluator_run(ev, &c, &r, NULL, &err))
				goto fail;
			const mrs_rank_metrics *m = &r.sys[MRS_SYS_PIPELINE];
			printf("%s graph_similar %u coengagement %g  NDCG %.4f P %.4f R %.4f (%u users)\n",
			       argv[3], similar[i], share[j], m->ndcg, m->precision, m->recall, r.users);
			fflush(stdout);
		}
	mrs_evaluator_free(ev);
	mrs_dataset_free(ds);
	return 0;
fail:
	fprintf(stderr, "%s\n", err.msg);
	mrs_evaluator_free(ev);
	mrs_dataset_free(ds);
	return 1;
}
