/* SPDX-License-Identifier: MIT */
/*
 * stderr logging for programs (include/tcard/log.h). The whole line is built
 * first and written with one call, so lines from threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tcard/log.h"

static const char *prog = "tcard";
static enum tc_log_level maxlevel = TC_LOG_WARN;

void
tc_log_setup(const char *progname, enum tc_log_level level)
{
	const char *slash;

	if (progname != NULL) {
		slash = strrchr(progname, '/');
		prog = slash != NULL ? slash + 1 : progname;
	}
	maxlevel = level;
}

enum tc_log_level
tc_log_get_level(void)
{
	return maxlevel;
}

void
tc_log(enum tc_log_level level, const char *fmt, ...)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	char line[2048];
	va_list ap;
	int n;

	if (level > maxlevel)
		return;
	n = snprintf(line, sizeof(line), "%s: %s: ", prog, names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	line[n] = '\0';
	fputs(line, stderr);
}
