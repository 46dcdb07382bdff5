/* error.c: error reporting and progress callbacks shared by the whole library. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

int mrs_fail(mrs_error *err, mrs_code code, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void mrs_error_prefix(mrs_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char buf[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : MRS_MIN((size_t)n, sizeof buf - 3);
	memcpy(buf + len, ": ", 3);
	len += 2;
	size_t rest = MRS_MIN(strlen(err->msg), sizeof buf - 1 - len);
	memcpy(buf + len, err->msg, rest);
	buf[len + rest] = '\0';
	memcpy(err->msg, buf, sizeof buf);
}

void mrs_error_suffix(mrs_error *err, const char *text)
{
	if (!err)
		return;
	size_t len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, "%s", text);
}

const char *mrs_code_name(mrs_code code)
{
	static const char *const names[] = {
		[MRS_OK] = "ok",
		[MRS_ERR_USAGE] = "usage",
		[MRS_ERR_IO] = "io",
		[MRS_ERR_DATA] = "data",
		[MRS_ERR_MODEL] = "model",
		[MRS_ERR_NOMEM] = "out of memory",
		[MRS_ERR_CANCELLED] = "cancelled",
		[MRS_ERR_BUSY] = "busy",
		[MRS_ERR_INTERNAL] = "internal",
		[MRS_ERR_REFUSED] = "refused",
	};
	if ((unsigned)code >= sizeof names / sizeof names[0])
		return "unknown";
	return names[code];
}

int mrs_progress_report(const mrs_progress *p, const char *phase, double done, double total,
			const char *detail)
{
	if (!p || !p->fn)
		return 0;
	return p->fn(p->ud, phase, done, total, detail);
}
