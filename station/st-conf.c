/* SPDX-License-Identifier: MIT */
/*
 * tcard-station's settings (station/station.h): the table of keys for the
 * daemon layer's configuration reader, the office URL's own kind, and the
 * checks across keys (what must be set, the printer's two keys together,
 * parsed with tc_printq_parse). Reference: docs/station.md, "Running a
 * station".
 */
#include <stddef.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/printjob.h"

#include "dconf.h"
#include "station.h"

#define OFF(f)	  offsetof(struct st_conf, f)
#define STR(f)	  TC_DCONF_STR, OFF(f), sizeof(((struct st_conf *)0)->f)
#define NUM(k, f) TC_DCONF_##k, OFF(f), 0
#define FUNC(f)	  TC_DCONF_FUNC, OFF(f), 0

static tc_dconf_setter set_office;

/* clang-format off */
static const struct tc_dconf_key keys[] = {
	{ "office",	    FUNC(office),	    0, 0, set_office },
	{ "office-ca",	    STR(office_ca),	    0, 0, NULL },
	{ "cert",	    STR(cert),		    0, 0, NULL },
	{ "key",	    STR(key),		    0, 0, NULL },
	{ "reader",	    STR(reader),	    0, 0, NULL },
	{ "printer-server", STR(printer_server),    0, 0, NULL },
	{ "printer-queue",  STR(printer_queue),	    0, 0, NULL },
	{ "wait",	    NUM(MSEC, wait_ms),	    0, ST_WAIT_MAX, NULL },
	{ "log",	    STR(log),		    0, 0, NULL },
};
/* clang-format on */

static const struct tc_dconf table = { keys, sizeof(keys) / sizeof(keys[0]) };

/*
 * office: "https://" then a host (letters, digits, '-', '.', '_', or an
 * IPv6 address in brackets), an optional ":PORT" and an optional path of
 * printable ASCII without blanks, quotes, '?' or '#'; a trailing '/' is
 * dropped. The station speaks only HTTPS to its office.
 */
static int
set_office(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct st_conf *cf = conf;
	const char *p, *host;
	size_t len = strlen(value);
	unsigned long port = 0;
	int digits = 0;

	if (strncmp(value, "https://", 8) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: '%s': expected https://HOST[:PORT]", k->name, value);
	if (len >= sizeof(cf->office))
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: longer than %zu bytes", k->name,
		    sizeof(cf->office) - 1);
	p = host = value + 8;
	if (*p == '[') {
		while (*++p != '\0' && *p != ']')
			if (strchr("0123456789abcdefABCDEF:.", *p) == NULL)
				break;
		if (*p != ']' || p == host + 1)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: byte %zu: a bad IPv6 address", k->name,
			    (size_t)(p - value) + 1);
		p++;
	} else {
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_')
			p++;
		if (p == host)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: no host after https://", k->name);
	}
	if (*p == ':') {
		while (*++p >= '0' && *p <= '9' && digits < 6) {
			port = port * 10 + (unsigned long)(*p - '0');
			digits++;
		}
		if (digits == 0 || port == 0 || port > 65535 ||
		    (digits > 1 && p[-digits] == '0'))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: byte %zu: the port is 1 to 65535", k->name,
			    (size_t)(p - value) + 1);
	}
	if (*p != '\0' && *p != '/')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: byte %zu: '%c' after the host", k->name,
		    (size_t)(p - value) + 1, *p);
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'?#\\<>", *p) != NULL)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: byte %zu: not allowed in the path", k->name,
			    (size_t)(p - value) + 1);
	memcpy(cf->office, value, len + 1);
	while (len > 8 && cf->office[len - 1] == '/')
		cf->office[--len] = '\0';
	return 0;
}

/* What must be set, and the printer's keys together. */
static int
check(struct st_conf *cf, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t off;
	} need[] = {
		{ "office", OFF(office) },
		{ "office-ca", OFF(office_ca) },
		{ "cert", OFF(cert) },
		{ "key", OFF(key) },
		{ "reader", OFF(reader) },
	};
	char why[256];
	size_t i;
	int r;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (((const char *)cf)[need[i].off] == '\0')
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s is not set", need[i].name);
	if ((cf->printer_server[0] == '\0') != (cf->printer_queue[0] == '\0'))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "printer-server and printer-queue go together (%s is not set)",
		    cf->printer_server[0] == '\0' ? "printer-server"
						  : "printer-queue");
	if (cf->printer_server[0] == '\0')
		return 0;
	if ((r = tc_printq_parse(&cf->printq, cf->printer_server,
		 cf->printer_queue, why, sizeof(why))) != 0)
		return tc_seterr(
		    err, errlen, r, "printer-server, printer-queue: %s", why);
	cf->have_printer = 1;
	return 0;
}

int
st_conf_parse(
    struct st_conf *cf, const char *text, size_t len, char *err, size_t errlen)
{
	int r;

	if (cf == NULL || text == NULL)
		return TC_ERR_INVALID_ARG;
	memset(cf, 0, sizeof(*cf));
	cf->wait_ms = ST_WAIT_DFLT;
	if ((r = tc_dconf_parse(&table, cf, text, len, err, errlen)) != 0 ||
	    (r = check(cf, err, errlen)) != 0) {
		memset(cf, 0, sizeof(*cf));
		return r;
	}
	return 0;
}
