/* test_realgraph.c: RealGraph: the rule and the pair features on a hand-built history with
 * known values, point in time, batching, the learned model on a generated world (AUC on a
 * later period), and the rule serving when the model is missing or does not fit. */
#include <cJSON.h>
#include <math.h>

#include "mrs_torch.h"
#include "retrieval_util.h"

#define T0 1700000000LL
#define H(x) (T0 + (int64_t)(x) * MRS_HOUR)

enum { V, A, B, C, N_USERS };

/* V follows A and B (10 days before T0), A follows V. V saw a0 and liked it, liked and
 * retweeted a1, ignored b0, clicked c0, and later liked a2. */
static mrs_dataset *history(void)
{
	ru_builder b;
	ru_begin(&b, N_USERS, 5);
	ru_tweet(&b, 0, A, H(1), "a0");
	ru_tweet(&b, 1, A, H(2), "a1");
	ru_tweet(&b, 2, A, H(3), "a2");
	ru_tweet(&b, 3, B, H(4), "b0");
	ru_tweet(&b, 4, C, H(5), "c0");
	mrs_error err = {0};
	uint32_t fs[] = {V, V, A}, fd[] = {A, B, V};
	int64_t ft[] = {T0 - 10 * MRS_DAY, T0 - 10 * MRS_DAY, T0 - 5 * MRS_DAY};
	assert_ok(mrs_ds_set_follows(b.ds, fs, fd, ft, 3, &err), &err);
	const uint8_t like = 1u << MRS_ACT_LIKE, rt = 1u << MRS_ACT_RETWEET;
	uint32_t iu[] = {V, V, V, V, V}, it[] = {0, 1, 3, 4, 2};
	int64_t its[] = {H(2), H(3), H(5), H(6), H(20)};
	uint8_t ia[] = {like, like | rt, 0, 1u << MRS_ACT_CLICK, like};
	assert_ok(mrs_ds_set_impressions(b.ds, iu, it, its, ia, NULL, 5, &err), &err);
	return ru_end(&b, H(40));
}

static void test_rule(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = history();
	mrs_engine *e = ru_open(ds, H(40), NULL, MRS_SC_HASH, MRS_RG_RULE);
	assert_false(e->status[MRS_MODEL_REALGRAPH].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_REALGRAPH].note, "rule requested"));
	const uint32_t authors[] = {A, B, C, V};
	float w[4];
	assert_ok(mrs_rg_scores(e, V, authors, 4, H(10), w, &err), &err);
	assert_float_equal(w[0], 1 - 0.4 * 0.7 * 0.7, 1e-6); /* two positive engagements */
	assert_float_equal(w[1], 0.6, 1e-6);                   /* followed, none */
	/* C is not followed: 0.5 x Jaccard of the top-3 InterestedIn clusters of V and C */
	uint32_t vc[3], cc[3];
	uint32_t nv = mrs_sc_interested_in_at(e, V, H(10), vc, NULL, 3);
	uint32_t nc = mrs_sc_interested_in_at(e, C, H(10), cc, NULL, 3);
	uint32_t both = 0;
	for (uint32_t i = 0; i < nv; i++)
		for (uint32_t j = 0; j < nc; j++)
			both += vc[i] == cc[j];
	assert_float_equal(w[2], nv && nc ? 0.5 * both / (double)(nv + nc - both) : 0, 1e-6);
	assert_true(w[2] <= 0.5f);
	/* later, the like of a2 counts too */
	assert_ok(mrs_rg_scores(e, V, authors, 1, H(30), w, &err), &err);
	assert_float_equal(w[0], 1 - 0.4 * pow(0.7, 3), 1e-6);
	/* out-of-range ids are errors, an empty batch is not */
	const uint32_t bad[] = {N_USERS};
	assert_int_equal(mrs_rg_scores(e, V, bad, 1, H(10), w, &err), -1);
	assert_int_equal(err.code, MRS_ERR_USAGE);
	assert_ok(mrs_rg_scores(e, V, bad, 0, H(10), w, &err), &err);
	ru_close(e);
	mrs_dataset_free(ds);
}

static void test_features(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = history();
	mrs_engine *e = ru_open(ds, H(40), NULL, MRS_SC_HASH, MRS_RG_RULE);
	const uint32_t authors[] = {A, B, C};
	float f[3 * MRS_RG_N_FEATURES];
	int64_t now = H(10);
	assert_ok(mrs_rg_features(e, V, authors, 3, now, f, &err), &err);
	const float *a = f, *b = f + MRS_RG_N_FEATURES, *c = f + 2 * MRS_RG_N_FEATURES;
	assert_string_equal(mrs_rg_feature_name(0), "follows");
	assert_null(mrs_rg_feature_name(MRS_RG_N_FEATURES));
	assert_float_equal(a[0], 1, 0);
	assert_float_equal(a[1], 1, 0);                                /* A follows V */
	assert_float_equal(a[2], log1p(10 + 10 / 24.0) / 6, 1e-5);    /* follow age */
	assert_float_equal(a[3], log1p(2) / 4, 1e-6);                  /* a2 is seen later */
	assert_float_equal(a[4], log1p(2) / 3, 1e-6);                  /* likes */
	assert_float_equal(a[5], log1p(1) / 3, 1e-6);                  /* retweets */
	assert_float_equal(a[6], 0, 0);
	assert_float_equal(a[7], 0, 0);
	assert_float_equal(a[11], exp(-(7 / 24.0) / 7), 1e-6);         /* last positive 7h ago */
	assert_float_equal(a[13], 2.1 / 3, 1e-6);                      /* positive rate */
	assert_float_equal(a[14], log1p(1) / 8, 1e-6);                 /* one follower */
	assert_float_equal(a[15], log1p(3) / 4, 1e-6);                 /* a0..a2 this week */
	assert_float_equal(a[16], log1p(4) / 8, 1e-6);                 /* V's impressions */
	assert_float_equal(a[17], log1p(2) / 6, 1e-6);                 /* V's followees */
	assert_float_equal(a[18], 3.1 / 5, 1e-6);                      /* V's positive rate */
	assert_float_equal(b[0], 1, 0);
	assert_float_equal(b[1], 0, 0);
	assert_float_equal(b[3], log1p(1) / 4, 1e-6);
	assert_float_equal(b[11], 0, 0); /* never engaged */
	assert_float_equal(c[0], 0, 0);
	assert_float_equal(c[7], log1p(1) / 3, 1e-6); /* the click */
	assert_float_equal(c[12], exp(-(4 / 24.0) / 7), 1e-6);
	/* the same pairs at an earlier time see less */
	float g[MRS_RG_N_FEATURES];
	assert_ok(mrs_rg_features(e, V, authors, 1, H(2), g, &err), &err);
	assert_float_equal(g[3], 0, 0); /* a0 was shown at exactly 2h: not before now */
	assert_float_equal(g[15], log1p(1) / 4, 1e-6);
	ru_close(e);
	mrs_dataset_free(ds);
}

static double card_number(const char *dir, const char *name, const char *key)
{
	mrs_error err = {0};
	cJSON *card = mrs_card_read(dir, name, &err);
	if (!card)
		fail_msg("%s", err.msg);
	const cJSON *x = cJSON_GetObjectItem(card, key);
	double v = cJSON_IsNumber(x) ? x->valuedouble : NAN;
	cJSON_Delete(card);
	return v;
}

static void test_learned(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = ru_world(1000, 6000, 40000, 42, NULL);
	char dir[300];
	ru_dir(dir, sizeof dir, "learned");
	double t = mrs_seconds();
	assert_ok(mrs_rg_fit(ds, ru_embed_cut(ds), dir, 5, NULL, &err), &err);
	double auc = card_number(dir, "realgraph", "auc");
	print_message("RealGraph: next-period AUC %.3f (follow rule %.3f, train %.3f) in %.1f s\n",
		      auc, card_number(dir, "realgraph", "baseline_auc_follow_rule"),
		      card_number(dir, "realgraph", "train_auc"), mrs_seconds() - t);
	assert_true(auc > 0.6);
	assert_true(card_number(dir, "realgraph", "eval_rows") > 1000);
	mrs_engine *e = ru_open(ds, ds->split_time, dir, MRS_SC_HASH, MRS_RG_LEARNED);
	assert_true(e->status[MRS_MODEL_REALGRAPH].loaded);
	assert_int_equal(e->rg_mode, MRS_RG_LEARNED);
	/* one batched forward gives what one pair at a time gives */
	uint32_t v = 17, authors[64];
	uint32_t n = 0;
	for (uint32_t k = ds->fol_off[v]; k < ds->fol_off[v + 1] && n < 32; k++)
		authors[n++] = ds->fol_dst[k];
	for (uint32_t a = 0; n < 64; a += 13)
		authors[n++] = a;
	float batch[64], one;
	assert_ok(mrs_rg_scores(e, v, authors, n, e->now, batch, &err), &err);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(batch[i] >= 0 && batch[i] <= 1);
		assert_ok(mrs_rg_scores(e, v, authors + i, 1, e->now, &one, &err), &err);
		assert_float_equal(one, batch[i], 1e-5);
	}
	/* followees the viewer engaged with weigh more than strangers, on average */
	double fol = 0, other = 0;
	uint32_t nf = 0, no = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (mrs_follows(ds, v, authors[i]))
			fol += batch[i], nf++;
		else
			other += batch[i], no++;
	}
	assert_true(nf && no && fol / nf > other / no);
	ru_close(e);

	/* a model made for other features is not used: the rule serves */
	char odir[300], path[400];
	ru_dir(odir, sizeof odir, "other");
	snprintf(path, sizeof path, "%s/realgraph.pt", odir);
	mrs_tspec spec = {.kind = MRS_TK_MLP, .n_in = MRS_RG_N_FEATURES, .n_layers = 1,
			  .hidden = {4}, .n_heads = 1, .seed = 1};
	mrs_tmodel *m = NULL;
	assert_int_equal(mrs_tmodel_new(&spec, &m), MRS_T_OK);
	assert_ok(mrs_torch_save(m, path, "{\"feature_version\": 99, \"features\": 19}", &err),
		  &err);
	mrs_tmodel_free(m);
	e = ru_open(ds, ds->split_time, odir, MRS_SC_HASH, MRS_RG_LEARNED);
	assert_false(e->status[MRS_MODEL_REALGRAPH].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_REALGRAPH].note, "other features"));
	assert_int_equal(e->rg_mode, MRS_RG_RULE);
	ru_close(e);
	mrs_dataset_free(ds);
}

static void test_missing_or_corrupt(void **state)
{
	(void)state;
	mrs_error err = {0};
	mrs_dataset *ds = history();
	char dir[300], path[400];
	ru_dir(dir, sizeof dir, "corrupt");
	mrs_engine *e = ru_open(ds, H(40), dir, MRS_SC_HASH, MRS_RG_LEARNED);
	assert_false(e->status[MRS_MODEL_REALGRAPH].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_REALGRAPH].note, "serving the rule"));
	float w;
	const uint32_t a = A;
	assert_ok(mrs_rg_scores(e, V, &a, 1, H(10), &w, &err), &err);
	assert_float_equal(w, 0.804, 1e-6);
	ru_close(e);
	snprintf(path, sizeof path, "%s/realgraph.pt", dir);
	ru_write_bytes(path, "garbage garbage garbage", 23);
	e = ru_open(ds, H(40), dir, MRS_SC_HASH, MRS_RG_LEARNED);
	assert_false(e->status[MRS_MODEL_REALGRAPH].loaded);
	assert_non_null(strstr(e->status[MRS_MODEL_REALGRAPH].note, "serving the rule"));
	ru_close(e);
	/* too little data to learn from is an error (the one `train` skips a model for), not
	 * a crash */
	char fdir[300];
	ru_dir(fdir, sizeof fdir, "tiny");
	assert_int_equal(mrs_rg_fit(ds, H(1), fdir, 1, NULL, &err), -1);
	assert_int_equal(err.code, MRS_ERR_NODATA);
	mrs_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_learned),
		cmocka_unit_test(test_missing_or_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, tu_teardown);
}
