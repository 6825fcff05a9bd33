/* SPDX-License-Identifier: MIT */
/* A daemon's messages before its log is open (daemon/dmsg.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

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

void
tc_dmsg_json(
    const char *process, const char *event, const char *level, json_t *extra)
{
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);
	json_t *o;
	char *line;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "process", process,
	    "event", event, "level", level);
	if (o != NULL && extra != NULL)
		json_object_update(o, extra);
	json_decref(extra);
	if (o != NULL &&
	    (line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) !=
		NULL) {
		fprintf(stderr, "%s\n", line);
		free(line);
	}
	json_decref(o);
}
