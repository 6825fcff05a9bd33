/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for tcard-station's settings file (station/st-conf.c on the
 * daemon layer's reader): any bytes are parsed; a refused file leaves the
 * settings zeroed, a parsed one has its strings NUL-terminated within
 * their arrays, an https office URL without a trailing '/', its wait
 * within range and the printer set only with both keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"

#include "station.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct st_conf c;
	char err[512];
	size_t n;

	if (st_conf_parse(&c, (const char *)data, size, err, sizeof(err)) !=
	    0) {
		if (c.office[0] != '\0' || c.reader[0] != '\0' ||
		    c.have_printer || c.wait_ms != 0)
			abort();
		return 0;
	}
	n = strnlen(c.office, sizeof(c.office));
	if (n == sizeof(c.office) || n < 9 ||
	    strncmp(c.office, "https://", 8) != 0 || c.office[n - 1] == '/')
		abort();
	if (strnlen(c.reader, sizeof(c.reader)) == sizeof(c.reader) ||
	    c.reader[0] == '\0' ||
	    strnlen(c.log, sizeof(c.log)) == sizeof(c.log) ||
	    strnlen(c.key, sizeof(c.key)) == sizeof(c.key))
		abort();
	if (c.wait_ms > ST_WAIT_MAX)
		abort();
	if (c.have_printer !=
	    (c.printer_server[0] != '\0' && c.printer_queue[0] != '\0'))
		abort();
	if (c.have_printer && c.printq.queue[0] == '\0')
		abort();
	return 0;
}
