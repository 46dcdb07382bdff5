/* seeds.c: writes the binary seed inputs of the fuzz corpora: a small dataset (SQLite,
 * 512-byte pages), artifact files, torch model files and the presets' JSON.
 *   make tests/fuzz/seeds && tests/fuzz/seeds tests/fuzz/corpus
 * The text seeds (importer fixtures, configs, edits, SQL) are committed as they are. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parts.h"
#include "mrs_torch.h"

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "seeds: %s: %s\n", what, msg);
	exit(1);
}

static void dataset_seed(const char *dir, const char *name, uint32_t users, uint32_t tweets,
			 uint32_t impressions)
{
	mrs_gen_params p;
	mrs_error err = {0};
	mrs_gen_params_scale(&p, "small", &err);
	p.users = users, p.tweets = tweets, p.impressions = impressions, p.days = 3, p.seed = 11;
	mrs_truth *tr = NULL;
	mrs_dataset *ds = mrs_generate(&p, &tr, NULL, &err);
	if (!ds)
		die("generate", err.msg);
	char path[4096];
	snprintf(path, sizeof path, "%s/dataset/%s", dir, name);
	if (mrs_store_write(path, ds, tr, NULL, &err))
		die(path, err.msg);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA page_size=512; VACUUM;", NULL, NULL, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	sqlite3_close(db);
	strcat(path, ".lock"); /* the store's lock file is no seed */
	unlink(path);
	mrs_dataset_free(ds);
	mrs_truth_free(tr);
}

static void artifact_seed(const char *dir)
{
	mrs_error err = {0};
	mrs_artifact *a = mrs_artifact_new("{\"model\": \"twhin\", \"dim\": 2}", &err);
	float f[6] = {0.5f, -1, 2, 0.25f, 0, 3};
	int32_t i[3] = {-1, 0, 7};
	uint32_t u[2] = {1, 4000000000u};
	if (!a || mrs_artifact_add(a, "nodes", MRS_ART_F32, f, 6, &err) ||
	    mrs_artifact_add(a, "ids", MRS_ART_I32, i, 3, &err) ||
	    mrs_artifact_add(a, "known_for", MRS_ART_U32, u, 2, &err))
		die("artifact", err.msg);
	char path[4096];
	snprintf(path, sizeof path, "%s/artifact/small.art", dir);
	if (mrs_artifact_save(a, path, &err))
		die(path, err.msg);
	mrs_artifact_free(a);
}

static void tmodel_seed(const char *dir, const char *name, const mrs_tspec *s)
{
	mrs_tmodel *m;
	char path[4096];
	snprintf(path, sizeof path, "%s/tmodel/%s", dir, name);
	mrs_error err = {0};
	if (mrs_tmodel_new(s, &m))
		die(path, mrs_torch_last_error());
	if (mrs_torch_save(m, path, "{\"model\": \"seed\"}", &err))
		die(path, err.msg);
	mrs_tmodel_free(m);
}

static void config_seeds(const char *dir)
{
	for (int i = 0; i < MRS_N_PRESETS; i++) {
		mrs_config c;
		mrs_error err = {0};
		mrs_config_preset(&c, mrs_presets[i], &err);
		char path[4096];
		snprintf(path, sizeof path, "%s/config/preset-%s.json", dir, mrs_presets[i]);
		if (mrs_config_save(&c, path, &err))
			die(path, err.msg);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds CORPUS-DIR\n");
		return 2;
	}
	dataset_seed(argv[1], "world-8.db", 8, 20, 40);
	dataset_seed(argv[1], "world-3.db", 3, 4, 6);
	artifact_seed(argv[1]);
	config_seeds(argv[1]);
	mrs_tspec mlp = {.kind = MRS_TK_MLP, .n_in = 3, .n_layers = 1, .hidden = {4},
			 .norm = MRS_TNORM_LAYER, .n_heads = 2, .seed = 1};
	tmodel_seed(argv[1], "mlp.pt", &mlp);
	mrs_tspec bag = {.kind = MRS_TK_BAG, .n_buckets = 8, .bag_dim = 2, .n_layers = 1,
			 .hidden = {2}, .norm = MRS_TNORM_BATCH, .n_heads = 1, .head_hidden = 2,
			 .seed = 2};
	tmodel_seed(argv[1], "bag.pt", &bag);
	return 0;
}
