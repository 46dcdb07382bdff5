/* models_fixture.h: a small synthetic world written to a file (so the ground truth can be
 * loaded for oracle AUCs) and every model trained on it. */
#ifndef MRS_MODELS_FIXTURE_H
#define MRS_MODELS_FIXTURE_H

#include <sys/stat.h>

#include "testutil.h"

/* Generates a world, writes it to NAME in the test folder and loads it back. */
static inline mrs_dataset *fx_world(const char *name, uint32_t users, uint32_t tweets,
				    uint32_t impressions, uint64_t seed)
{
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_truth *tr = NULL;
	char path[512];
	assert_ok(mrs_gen_params_scale(&p, "small", &err), &err);
	p.users = users, p.tweets = tweets, p.impressions = impressions, p.seed = seed;
	mrs_dataset *ds = mrs_generate(&p, &tr, NULL, &err);
	if (!ds)
		fail_msg("generate: %s", err.msg);
	tu_path(path, sizeof path, name);
	assert_ok(mrs_store_write(path, ds, tr, NULL, &err), &err);
	mrs_dataset_free(ds);
	mrs_truth_free(tr);
	ds = mrs_dataset_load(path, NULL, &err);
	if (!ds)
		fail_msg("load: %s", err.msg);
	return ds;
}

/* Trains every model (or `only`) of ds into the test folder's DIR. */
static inline int fx_train(const mrs_dataset *ds, const char *dir, const char *only,
			   const mrs_progress *p, mrs_error *err)
{
	char path[512];
	tu_path(path, sizeof path, dir);
	mkdir(path, 0777);
	mrs_train_opts o = {.models_dir = path, .only = only, .seed = 7,
			    .dataset_path = ds->path};
	return mrs_train(ds, &o, p, err);
}

#endif
