/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the configuration file parser of tcard-verifierd
 * (src/vdconf.c): any bytes are parsed over the defaults; a parsed
 * configuration must keep its strings NUL-terminated within their arrays
 * and its numbers within their ranges, and the checks across settings and
 * the listen address must run without fault.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "tcard/err.h"
#include "tcard/vdconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tc_vdconf c;
	struct sockaddr_storage sa;
	socklen_t salen;
	char err[512];

	tc_vdconf_init(&c);
	if (tc_vdconf_parse(&c, (const char *)data, size, err, sizeof(err)) !=
	    0)
		return 0;
	if (strnlen(c.listen, sizeof(c.listen)) == sizeof(c.listen) ||
	    strnlen(c.bundle, sizeof(c.bundle)) == sizeof(c.bundle) ||
	    strnlen(c.access_log, sizeof(c.access_log)) == sizeof(c.access_log))
		abort();
	if (c.pull_interval < 1 || c.pull_interval > 86400 || c.threads > 256 ||
	    c.max_query > 4096 || c.max_body < 64 || c.client_rate.count == 0 ||
	    c.client_rate.period == 0 || c.card_rate.period == 0 ||
	    c.throttle_slots < 64)
		abort();
	/* listen was checked when set: it must resolve. */
	if (tc_vdconf_listen_addr(&c, &sa, &salen) != 0)
		abort();
	(void)tc_vdconf_check(&c, err, sizeof(err));
	(void)tc_vdconf_bundle_is_url(&c);
	return 0;
}
