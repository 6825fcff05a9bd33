/* SPDX-License-Identifier: MIT */
/* A daemon's messages before its log is open (daemon/dmsg.h). */
#include <stdarg.h>
#include <stdio.h>

#include "dmsg.h"

int
tc_dmsg(int status, const char *prog, int help, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (help)
		fprintf(stderr, "Try '%s --help'.\n", prog);
	return status;
}
