/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the configuration file parser of tcard-issuerd
 * (office/mon-conf.c on daemon/conf.c): any bytes are parsed over the
 * defaults; a parsed configuration must keep its strings NUL-terminated
 * within their arrays, its durations within their ranges and its listen
 * address resolvable, and the checks across settings must run without
 * fault.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/idconf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tc_idconf c;
	struct sockaddr_storage sa;
	socklen_t salen;
	char err[512];

	tc_idconf_init(&c);
	if (tc_idconf_parse(&c, (const char *)data, size, err, sizeof(err)) !=
	    0) {
		if (strnlen(err, sizeof(err)) == sizeof(err))
			abort();
		return 0;
	}
	if (strnlen(c.home, sizeof(c.home)) == sizeof(c.home) ||
	    strnlen(c.listen, sizeof(c.listen)) == sizeof(c.listen) ||
	    strnlen(c.tls_key, sizeof(c.tls_key)) == sizeof(c.tls_key) ||
	    strnlen(c.user, sizeof(c.user)) == sizeof(c.user) ||
	    c.user[0] == '-')
		abort();
	if (c.idle_timeout < 1 || c.idle_timeout > TC_IDCONF_SECONDS_MAX ||
	    c.session_lifetime < 1 ||
	    c.session_lifetime > TC_IDCONF_SECONDS_MAX)
		abort();
	if (c.listen[0] != '\0' &&
	    tc_dconf_listen_parse(c.listen, &sa, &salen) != 0)
		abort();
	(void)tc_idconf_check(&c, err, sizeof(err));
	return 0;
}
