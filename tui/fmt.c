/* fmt.c: small formatting helpers for command output. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "text.h"

const char *fmt_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *fmt_age(int64_t now, int64_t t, char *buf, size_t size)
{
	int64_t d = now - t;
	if (d < 0)
		snprintf(buf, size, "future");
	else if (d < 3600)
		snprintf(buf, size, "%lldm", (long long)(d / 60));
	else if (d < 86400 * 2)
		snprintf(buf, size, "%lldh", (long long)(d / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(d / 86400));
	return buf;
}

const char *fmt_cut(const char *s, int width, char *buf, size_t size)
{
	return text_cut(s, width, false, buf, size);
}

const char *fmt_col(const char *s, int width, char *buf, size_t size)
{
	return text_cut(s, width, true, buf, size);
}

const char *fmt_sources(unsigned mask, char *buf, size_t size)
{
	static const char letter[MRS_N_SOURCES] = {'I', 'O', 'G', 'F'};
	size_t o = 0;
	for (int s = 0; s < MRS_N_SOURCES && o + 1 < size; s++)
		buf[o++] = (mask >> s & 1) ? letter[s] : '.';
	buf[o] = '\0';
	return buf;
}
