/* cli.c: what the subcommands share: exit statuses, error messages, option values. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cli.h"

int cli_exit_code(mrs_code code)
{
	return code == MRS_ERR_USAGE || code == MRS_ERR_DATA || code == MRS_ERR_IO ||
			       code == MRS_ERR_MODEL
		       ? EXIT_USAGE
		       : EXIT_FAILED;
}

int cli_error(const mrs_error *err)
{
	fprintf(stderr, "minirecsys: %s\n", err->msg);
	return cli_exit_code(err->code);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("minirecsys: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_parse_u32(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v;
	if (cli_parse_u64(opt, text, &v))
		return -1;
	if (v < lo || v > hi) {
		cli_usage_error("%s: %s is out of range (%u .. %u)", opt, text, lo, hi);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int cli_parse_u64(const char *opt, const char *text, uint64_t *out)
{
	if (!text) {
		cli_usage_error("%s needs a value", opt);
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	/* digits only: strtoull would also take leading blanks and a sign (" -1" is 2^64-1) */
	if (!isdigit((unsigned char)text[0]) || *end || errno) {
		cli_usage_error("%s: '%s' is not a non-negative integer", opt, text);
		return -1;
	}
	*out = v;
	return 0;
}
