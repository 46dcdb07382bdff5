/* learn.c: helpers shared by the trainers: progress from the shim, errors, model cards. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>

#include "models/models.h"
#include "mrs_torch.h"

void mrs_tprog_init(mrs_tprog *tp, const mrs_progress *p, const char *model)
{
	tp->p = p;
	tp->model = model;
	tp->t0 = mrs_seconds();
}

int mrs_tprog_fn(void *ud, int epoch, int epochs, int64_t rows_done, int64_t rows_total,
		 double loss)
{
	mrs_tprog *tp = ud;
	double done = (double)(epoch - 1) * (double)rows_total + (double)rows_done;
	double el = mrs_seconds() - tp->t0;
	char phase[80], detail[120];
	snprintf(phase, sizeof phase, "train %s", tp->model);
	snprintf(detail, sizeof detail, "epoch %d/%d  loss %.4f  %.0f rows/s", epoch, epochs,
		 loss, el > 0 ? done / el : 0.0);
	return mrs_progress_report(tp->p, phase, done, (double)epochs * (double)rows_total,
				   detail);
}

int mrs_torch_fail(mrs_error *err, int status, const char *what)
{
	if (status == MRS_T_CANCELLED)
		return mrs_fail(err, MRS_ERR_CANCELLED, "%s: cancelled", what);
	return mrs_fail(err, MRS_ERR_MODEL, "%s: %s", what, mrs_torch_last_error());
}

int mrs_torch_save(const mrs_tmodel *m, const char *path, const char *meta, mrs_error *err)
{
	mrs_tmp t;
	if (mrs_tmp_open(&t, path, err))
		return -1;
	if (mrs_tmodel_write(m, t.fd, path, meta) != MRS_T_OK) {
		mrs_tmp_discard(&t);
		return mrs_fail(err, MRS_ERR_IO, "%s", mrs_torch_last_error());
	}
	return mrs_tmp_commit(&t, err);
}

cJSON *mrs_card_new(const char *model, const char *kind)
{
	cJSON *c = cJSON_CreateObject();
	if (!c)
		return NULL;
	cJSON_AddStringToObject(c, "model", model);
	cJSON_AddStringToObject(c, "kind", kind);
	cJSON_AddStringToObject(c, "libtorch", mrs_torch_version());
	return c;
}

void mrs_card_add_number(cJSON *obj, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(obj, name, v);
	else
		cJSON_AddNullToObject(obj, name);
}

void mrs_card_add_floats(cJSON *obj, const char *name, const float *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(obj, name);
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, isfinite(v[i]) ? cJSON_CreateNumber(v[i]) : cJSON_CreateNull());
}
