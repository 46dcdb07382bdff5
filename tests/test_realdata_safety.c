/* test_realdata_safety.c: train-safety on TweetEval "offensive" (real public data, never
 * copied into the project): the validation macro-F1 and AUC must clear modest floors and the
 * calibrated probabilities stay under an ECE ceiling. Exits 77
 * (automake SKIP) when the data is not there. */
#include "testutil.h"

int main(void)
{
	const char *root = getenv("MRS_REALDATA");
	char dir[1024], t[1200], l[1200], vt[1200], vl[1200];
	snprintf(dir, sizeof dir, "%s/tweeteval/offensive", root ? root : "(MRS_REALDATA unset)");
	snprintf(t, sizeof t, "%s/train_text.txt", dir);
	snprintf(l, sizeof l, "%s/train_labels.txt", dir);
	snprintf(vt, sizeof vt, "%s/val_text.txt", dir);
	snprintf(vl, sizeof vl, "%s/val_labels.txt", dir);
	if (!root || access(t, R_OK) || access(l, R_OK) || access(vt, R_OK) || access(vl, R_OK)) {
		printf("SKIP: real data not found at %s\n", dir);
		return 77;
	}
	mrs_error err = {0};
	mrs_texts *tr = mrs_texts_read(t, l, &err);
	mrs_texts *va = tr ? mrs_texts_read(vt, vl, &err) : NULL;
	if (!va) {
		printf("FAIL: %s\n", err.msg);
		return 1;
	}
	mrs_safety_report rep;
	if (mrs_safety_train(tr, va, NULL, NULL, NULL, NULL, &rep, &err)) {
		printf("FAIL: %s\n", err.msg);
		return 1;
	}
	printf("TweetEval offensive, val: macro-F1 %.4f at %.3f (chosen on val), %.4f at 0.5, "
	       "AUC %.4f, PR-AUC %.4f, ECE %.4f (%.4f before calibration), precision at 90%% "
	       "recall %.4f (%u train, %u val texts, %.1f s)\n",
	       rep.val.macro_f1, rep.threshold, rep.val.macro_f1_05, rep.val.auc, rep.val.pr_auc,
	       rep.val.ece, rep.val_ece_raw, rep.val.precision_at_recall_90, rep.n_train,
	       rep.val.rows, rep.seconds);
	mrs_texts_free(tr);
	mrs_texts_free(va);
	if (!(rep.val.macro_f1_05 > 0.65) || !(rep.val.auc > 0.75) || !(rep.val.ece < 0.05)) {
		printf("FAIL: macro-F1 at 0.5 %.4f (floor 0.65), AUC %.4f (floor 0.75) or ECE %.4f "
		       "(ceiling 0.05) out of bounds\n",
		       rep.val.macro_f1_05, rep.val.auc, rep.val.ece);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
