/* SPDX-License-Identifier: MIT */
/*
 * The configuration reader of the daemon layer (daemon/dconf.h): the
 * generic kinds of value (strings, numbers with their units, rates), the
 * line reader shared by configuration and token files, the file parser
 * and the long-option table made from a daemon's table of keys.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "dconf.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"

const struct tc_dconf_key *
tc_dconf_find(const struct tc_dconf *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
	return NULL;
}

/* Parses decimal digits (at least one) at *s into *v; advances *s. */
static int
digits(const char **s, unsigned long long *v)
{
	const char *p = *s;
	unsigned long long x = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		x = x * 10 + (unsigned)(*p - '0');
		if (x > 0xffffffffull)
			return -1;
	}
	*v = x;
	*s = p;
	return 0;
}

/* Seconds per unit of a duration or rate suffix; 0 when unknown. */
static unsigned
unit_seconds(const char *u, int rate)
{
	static const struct {
		const char *name;
		unsigned secs;
	} units[] = {
		{ "s", 1 },
		{ "sec", 1 },
		{ "m", 60 },
		{ "min", 60 },
		{ "h", 3600 },
		{ "hour", 3600 },
		{ "d", 86400 },
		{ "day", 86400 },
	};
	size_t i;

	if (*u == '\0')
		return rate ? 0 : 1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(u, units[i].name) == 0)
			return units[i].secs;
	return 0;
}

static int
set_number(const struct tc_dconf_key *k, unsigned *out, const char *v,
    char *err, size_t errlen)
{
	unsigned long long x, mul = 1;
	const char *p = v;

	if (digits(&p, &x) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: '%s' is not a number", k->name, v);
	if (k->kind == TC_DCONF_MSEC) {
		if (strcmp(p, "ms") == 0)
			mul = 1;
		else if (*p == '\0' || strcmp(p, "s") == 0)
			mul = 1000;
		else
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: '%s': expected seconds, or milliseconds with ms (500ms)",
			    k->name, v);
	} else if (k->kind == TC_DCONF_DUR) {
		if ((mul = unit_seconds(p, 0)) == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: '%s': expected seconds, or a number with s, m, h or d",
			    k->name, v);
	} else if (k->kind == TC_DCONF_SIZE) {
		if (strcmp(p, "k") == 0 || strcmp(p, "K") == 0)
			mul = 1024;
		else if (*p != '\0')
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: '%s': expected bytes, or a number with k",
			    k->name, v);
	} else if (*p != '\0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: '%s' is not a number", k->name, v);
	x *= mul;
	if (x < k->min || x > k->max)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s: %llu is outside %u to %u", k->name, x, k->min, k->max);
	*out = (unsigned)x;
	return 0;
}

static int
set_rate(const struct tc_dconf_key *k, struct tc_rate *out, const char *v,
    char *err, size_t errlen)
{
	unsigned long long n, per = 1;
	const char *p = v;
	unsigned secs;

	if (digits(&p, &n) != 0 || n == 0 || *p != '/')
		goto bad;
	p++;
	if (*p >= '0' && *p <= '9' && digits(&p, &per) != 0)
		goto bad;
	if (per == 0 || (secs = unit_seconds(p, 1)) == 0)
		goto bad;
	if (per * secs > 30ull * 86400)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "%s: the period is over 30 days", k->name);
	out->count = (unsigned)n;
	out->period = (unsigned)(per * secs);
	return 0;
bad:
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "%s: '%s': expected COUNT/UNIT like 20/min, 10/h or 5/10min (COUNT at least 1; UNIT s, min, h or d)",
	    k->name, v);
}

int
tc_dconf_set(const struct tc_dconf *t, void *conf, const char *key,
    const char *value, char *err, size_t errlen)
{
	const struct tc_dconf_key *k;
	char *base;
	size_t vl;

	if (t == NULL || conf == NULL || key == NULL || value == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if ((k = tc_dconf_find(t, key)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "unknown setting '%.64s'", key);
	base = (char *)conf + k->off;
	switch (k->kind) {
	case TC_DCONF_STR:
		if ((vl = strlen(value)) >= k->size)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s: longer than %zu bytes", k->name, k->size - 1);
		memcpy(base, value, vl + 1);
		return 0;
	case TC_DCONF_UINT:
	case TC_DCONF_DUR:
	case TC_DCONF_SIZE:
	case TC_DCONF_MSEC:
		return set_number(
		    k, (unsigned *)(void *)base, value, err, errlen);
	case TC_DCONF_RATE:
		return set_rate(
		    k, (struct tc_rate *)(void *)base, value, err, errlen);
	case TC_DCONF_FUNC:
		return k->set(conf, k, value, err, errlen);
	}
	return tc_seterr(
	    err, errlen, TC_ERR_INVALID_ARG, "%s: bad key kind", k->name);
}

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

int
tc_dconf_lines(const char *text, size_t len,
    int (*line)(void *arg, char *text, size_t lineno, char *err, size_t errlen),
    void *arg, char *err, size_t errlen)
{
	char buf[TC_DCONF_LINE_MAX + 1];
	size_t pos = 0, end, n, lineno = 0, bad, i;
	char *p;
	int r = 0;

	if (line == NULL || (text == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (len > TC_DCONF_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %u", len,
		    (unsigned)TC_DCONF_FILE_MAX);
	while (pos < len && r == 0) {
		lineno++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (n > TC_DCONF_LINE_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: longer than %d bytes", lineno,
			    TC_DCONF_LINE_MAX);
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos = end + 1;
		/* Tabs are blanks; every other control character is refused. */
		for (i = 0; i < n; i++)
			if (buf[i] == '\t')
				buf[i] = ' ';
		if (tc_utf8_check((const uint8_t *)buf, n, &bad) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "line %zu: byte %zu: not UTF-8 text, or a control character",
			    lineno, bad + 1);
			break;
		}
		for (p = buf; blank(*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		r = line(arg, p, lineno, err, errlen);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

/* What tc_dconf_parse's line callback needs. */
struct parse_state {
	const struct tc_dconf *t;
	void *conf;
	size_t seen[TC_DCONF_KEYS_MAX]; /* the line each key was set on */
};

/* "key value" into the settings (a key at most once). */
static int
parse_line(void *arg, char *key, size_t lineno, char *err, size_t errlen)
{
	struct parse_state *ps = arg;
	const struct tc_dconf_key *k;
	char msg[512], *val, *p;
	size_t i;
	int r;

	for (p = key; *p != '\0' && !blank(*p); p++)
		;
	if (*p == '\0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: '%.64s' has no value", lineno, key);
	*p++ = '\0';
	for (val = p; blank(*val); val++)
		;
	for (p = val + strlen(val); p > val && blank(p[-1]); p--)
		;
	*p = '\0';
	if ((r = tc_dconf_set(ps->t, ps->conf, key, val, msg, sizeof(msg))) !=
	    0)
		return tc_seterr(err, errlen, r, "line %zu: %s", lineno, msg);
	k = tc_dconf_find(ps->t, key);
	i = (size_t)(k - ps->t->keys);
	if (ps->seen[i] != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: '%s' was already set on line %zu", lineno, key,
		    ps->seen[i]);
	ps->seen[i] = lineno;
	return 0;
}

int
tc_dconf_parse(const struct tc_dconf *t, void *conf, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct parse_state ps;

	if (t == NULL || conf == NULL || t->n > TC_DCONF_KEYS_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(&ps, 0, sizeof(ps));
	ps.t = t;
	ps.conf = conf;
	return tc_dconf_lines(text, len, parse_line, &ps, err, errlen);
}

struct option *
tc_dconf_options(
    const struct tc_dconf *t, const struct option *fixed, size_t nfixed)
{
	struct option *o;
	size_t i;

	if ((o = calloc(nfixed + t->n + 1, sizeof(*o))) == NULL)
		return NULL;
	memcpy(o, fixed, nfixed * sizeof(*o));
	for (i = 0; i < t->n; i++) {
		o[nfixed + i].name = t->keys[i].name;
		o[nfixed + i].has_arg = required_argument;
		o[nfixed + i].val = (int)i;
	}
	return o;
}

int
tc_dconf_listen_parse(
    const char *v, struct sockaddr_storage *sa, socklen_t *salen)
{
	char host[64];
	const char *colon, *h, *p;
	size_t hl;
	unsigned long long port;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (v[0] == '[') {
		if ((colon = strstr(v, "]:")) == NULL)
			return -1;
		h = v + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return -1;
		h = v;
		hl = (size_t)(colon - v);
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	colon++;
	for (port = 0, p = colon; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (unsigned)(*p - '0');
	if (p == colon || *p != '\0' || port > 65535)
		return -1;
	if (v[0] != '[' && (hl == 0 || strcmp(host, "*") == 0))
		snprintf(host, sizeof(host), "%s", "0.0.0.0");
	if (v[0] != '[' && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*salen = sizeof(*s4);
		return 0;
	}
	if (v[0] == '[' && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*salen = sizeof(*s6);
		return 0;
	}
	return -1;
}
