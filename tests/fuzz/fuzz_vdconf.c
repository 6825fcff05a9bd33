/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the configuration file parser of tcard-verifierd
 * (src/vdconf.c): any bytes are parsed over the defaults; a parsed
 * configuration must keep its strings NUL-terminated within their arrays
 * and its numbers within their ranges, and the checks across settings and
 * the listen address must run without fault. The same bytes are also
 * read as a staff tokens file: a parsed file lists at most TC_STAFF_MAX
 * windows with distinct, well-formed names, and a failed one none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/vdconf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tc_vdconf c;
	static struct tc_staff_tokens t;
	struct sockaddr_storage sa;
	socklen_t salen;
	char err[512];
	size_t i, j, n;

	if (tc_staff_tokens_parse(
		&t, (const char *)data, size, err, sizeof(err)) != 0) {
		if (t.n != 0)
			abort();
	} else {
		if (t.n > TC_STAFF_MAX)
			abort();
		for (i = 0; i < t.n; i++) {
			n = strnlen(t.t[i].window, sizeof(t.t[i].window));
			if (n == 0 || n > TC_STAFF_NAME_MAX)
				abort();
			for (j = 0; j < i; j++)
				if (strcmp(t.t[i].window, t.t[j].window) == 0)
					abort();
		}
		tc_staff_tokens_release(&t);
	}

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
