/* tune_baselines.c: item-kNN's and BPR's hyper-parameters searched on the validation split
 * (the train part of the dataset split again; the test split is never read), with eval's
 * own code. A tool, not a test: README's table of the chosen values comes from it.
 * Usage: bench/tune_baselines DATASET temporal|random [USERS [weights]]
 * Prints one line per setting tried: split, model, setting, NDCG@10, P@10, R@10. Item-kNN
 * takes the best of a grid; BPR, slower, a coordinate search from the defaults. With
 * `weights` (USERS 0: every user), item-kNN's similarity exponents instead: the grid the
 * co-engagement index's were chosen from (docs/features.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirecsys.h"

static const mrs_dataset *ds;
static mrs_config cfg;
static mrs_split split;
static uint32_t users;

/* item-kNN's similarity while scoring (NULL: the baseline's cosine) */
static const mrs_knn_weights *weights;

/* NDCG@10 of one setting on the validation split (-1 on error). */
static double score(const mrs_knn_params *knn, const mrs_bpr_params *bpr)
{
	mrs_eval_opts o = {.k = 10, .users = users, .seed = 1, .split = split, .validation = true};
	if (knn)
		o.knn = *knn, o.knn_weights = weights;
	else
		o.bpr = *bpr;
	int sys = knn ? MRS_SYS_ITEM_KNN : MRS_SYS_BPR;
	o.systems = 1u << sys;
	mrs_eval_result r;
	mrs_error err = {0};
	if (mrs_eval(ds, &cfg, &o, &r, NULL, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	const mrs_rank_metrics *m = &r.sys[sys];
	if (knn && weights)
		printf("%s item_knn weights user %g source %g target %g", split ? "random" : "temporal",
		       weights->user, weights->source, weights->target);
	else if (knn)
		printf("%s item_knn neighbours %u shrink %g", split ? "random" : "temporal",
		       knn->neighbours, knn->shrink);
	else
		printf("%s bpr factors %u epochs %u lr %g reg %g", split ? "random" : "temporal",
		       bpr->factors, bpr->epochs, bpr->lr, bpr->reg);
	printf("  NDCG %.4f P %.4f R %.4f (%u users)\n", m->ndcg, m->precision, m->recall,
	       r.users);
	fflush(stdout);
	return m->ndcg;
}

static void tune_knn(void)
{
	const uint32_t nb[] = {10, 20, 50, 100, 200, 500, 1000};
	const float sh[] = {0, 5, 10, 20, 50, 100, 200};
	mrs_knn_params best = mrs_knn_defaults;
	double top = -1;
	for (size_t i = 0; i < sizeof nb / sizeof *nb; i++)
		for (size_t j = 0; j < sizeof sh / sizeof *sh; j++) {
			mrs_knn_params p = {nb[i], sh[j]};
			double v = score(&p, NULL);
			if (v > top)
				top = v, best = p;
		}
	printf("best item_knn: neighbours %u shrink %g NDCG %.4f\n", best.neighbours, best.shrink,
	       top);
}

/* The co-engagement index's exponents (docs/features.md): item-kNN with the default
 * neighbours and shrink under each weighting tried; the engine's (mrs_coeng_weights) are
 * those whose worst share of each split's best was highest over the splits scored. */
static void tune_weights(void)
{
	static const mrs_knn_weights tried_w[] = {
		{0.5f, 0.5f, 0},     {0.7f, 0.5f, 0.5f},  {0.6f, 0.5f, 0.5f},  {0.8f, 0.5f, 0.5f},
		{0.7f, 0.5f, 0.25f}, {0.7f, 0.5f, 0.75f}, {0.5f, 0.5f, 0.5f}, {0.7f, 0.5f, 0},
	};
	for (size_t i = 0; i < sizeof tried_w / sizeof *tried_w; i++) {
		weights = &tried_w[i];
		score(&mrs_knn_defaults, NULL);
	}
	weights = NULL;
}

/* BPR's settings tried, so a coordinate search does not score one twice. */
static struct tried {
	mrs_bpr_params p;
	double v;
} tried[256];
static size_t n_tried;

static double score_bpr(const mrs_bpr_params *p)
{
	for (size_t i = 0; i < n_tried; i++)
		if (!memcmp(&tried[i].p, p, sizeof *p))
			return tried[i].v;
	double v = score(NULL, p);
	if (n_tried < sizeof tried / sizeof *tried)
		tried[n_tried++] = (struct tried){*p, v};
	return v;
}

/* Coordinate search from the defaults: each of learning rate, regularisation, epochs and
 * factors in turn over its values, the others held, until a round improves nothing. */
static void tune_bpr(void)
{
	const float lr[] = {0.01f, 0.025f, 0.05f, 0.1f, 0.2f};
	const float reg[] = {0.0001f, 0.001f, 0.01f, 0.03f, 0.1f};
	const uint32_t epochs[] = {25, 50, 100, 200, 400}, factors[] = {16, 32, 64, 128};
	mrs_bpr_params best = mrs_bpr_defaults;
	double top = score_bpr(&best);
	for (bool better = true; better;) {
		better = false;
		for (int c = 0; c < 4; c++) {
			size_t n = c == 3 ? 4 : 5;
			for (size_t i = 0; i < n; i++) {
				mrs_bpr_params p = best;
				if (c == 0)
					p.lr = lr[i];
				else if (c == 1)
					p.reg = reg[i];
				else if (c == 2)
					p.epochs = epochs[i];
				else
					p.factors = factors[i];
				double v = score_bpr(&p);
				if (v > top)
					top = v, best = p, better = true;
			}
		}
	}
	printf("best bpr: factors %u epochs %u lr %g reg %g NDCG %.4f\n", best.factors, best.epochs,
	       best.lr, best.reg, top);
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[2], "temporal") && strcmp(argv[2], "random")) ||
	    (argc > 4 && strcmp(argv[4], "weights"))) {
		fprintf(stderr, "usage: %s DATASET temporal|random [USERS [weights]]\n", argv[0]);
		return 2;
	}
	split = strcmp(argv[2], "random") == 0 ? MRS_SPLIT_RANDOM : MRS_SPLIT_TEMPORAL;
	users = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
	mrs_error err = {0};
	mrs_dataset *d = mrs_dataset_load(argv[1], NULL, &err);
	if (!d || mrs_config_preset(&cfg, "seed", &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* the dataset's time scale, as eval's and tune's configurations have it: with
	 * Twitter's 168 h age limit an imported log's items are too old to be candidates */
	mrs_dataset_info info = mrs_dataset_info_get(d);
	mrs_config_time_scale(&cfg, &info.time_scale);
	ds = d;
	if (argc > 4) {
		tune_weights();
	} else {
		tune_knn();
		tune_bpr();
	}
	mrs_dataset_free(d);
	return 0;
}
