/* SPDX-License-Identifier: MIT */
/*
 * Settings of tcard-verifierd (include/tcard/vdconf.h): one table of keys,
 * each with its kind and range, used by the configuration file parser and
 * by the daemon's long options alike, so a value is checked in one place.
 * Reference of every key: docs/verifierd.md.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/httpreq.h"
#include "tcard/vdconf.h"

enum kind {
	K_PATH,	  /* char[TC_VDCONF_PATH_MAX] */
	K_LISTEN, /* char listen[128] */
	K_UINT,	  /* unsigned, min..max */
	K_DUR,	  /* unsigned seconds, min..max */
	K_SIZE,	  /* unsigned bytes, min..max */
	K_RATE,	  /* struct tc_rate */
	K_PIN,	  /* ca_pin */
	K_POLICY, /* enum tc_stale_policy */
	K_READER, /* char reader[TC_VDCONF_READER_MAX] */
	K_RPROF,  /* char reader_profile[16]: auto, piv or tcard */
	K_MSEC,	  /* unsigned milliseconds ("500ms", "5", "5s"), min..max */
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	unsigned min, max;
};

#define OFF(f) offsetof(struct tc_vdconf, f)

/* clang-format off */
static const struct key keys[] = {
	{ "listen",		K_LISTEN, OFF(listen), 0, 0 },
	{ "bundle",		K_PATH,	  OFF(bundle), 0, 0 },
	{ "cache-dir",		K_PATH,	  OFF(cache_dir), 0, 0 },
	{ "state-dir",		K_PATH,	  OFF(state_dir), 0, 0 },
	{ "pull-interval",	K_DUR,	  OFF(pull_interval), 1, 86400 },
	{ "pull-timeout",	K_DUR,	  OFF(pull_timeout), 1, 3600 },
	{ "ca-pin",		K_PIN,	  OFF(ca_pin), 0, 0 },
	{ "tls-cert",		K_PATH,	  OFF(tls_cert), 0, 0 },
	{ "tls-key",		K_PATH,	  OFF(tls_key), 0, 0 },
	{ "threads",		K_UINT,	  OFF(threads), 0, 256 },
	{ "pepper",		K_PATH,	  OFF(pepper), 0, 0 },
	{ "programmes",		K_PATH,	  OFF(programmes), 0, 0 },
	{ "stale-policy",	K_POLICY, OFF(stale_policy), 0, 0 },
	{ "stale-grace",	K_DUR,	  OFF(stale_grace), 0, 30 * 86400 },
	{ "lookup-client-rate",	K_RATE,	  OFF(client_rate), 0, 0 },
	{ "lookup-client-burst", K_UINT,  OFF(client_burst), 1, 1000000000 },
	{ "lookup-card-rate",	K_RATE,	  OFF(card_rate), 0, 0 },
	{ "lookup-card-burst",	K_UINT,	  OFF(card_burst), 1, 1000000000 },
	{ "throttle-slots",	K_UINT,	  OFF(throttle_slots), 64, 1u << 24 },
	{ "log",		K_PATH,	  OFF(access_log), 0, 0 },
	{ "max-body",		K_SIZE,	  OFF(max_body), 64, TC_VERIFY_REQ_MAX },
	{ "max-query",		K_SIZE,	  OFF(max_query), 64, TC_FORM_INPUT_MAX },
	{ "timeout",		K_DUR,	  OFF(timeout), 1, 3600 },
	{ "max-connections",	K_UINT,	  OFF(max_connections), 1, 100000 },
	{ "per-ip-connections",	K_UINT,	  OFF(per_ip_connections), 0, 100000 },
	{ "cache-max-age",	K_DUR,	  OFF(cache_max_age), 0, 86400 },
	{ "port-file",		K_PATH,	  OFF(port_file), 0, 0 },
	{ "ledger",		K_PATH,	  OFF(ledger), 0, 0 },
	{ "staff-tokens",	K_PATH,	  OFF(staff_tokens), 0, 0 },
	{ "reader",		K_READER, OFF(reader), 0, 0 },
	{ "reader-profile",	K_RPROF,  OFF(reader_profile), 0, 0 },
	{ "reader-timeout",	K_MSEC,	  OFF(reader_timeout), 100, 60000 },
	{ "tap-max-age",	K_DUR,	  OFF(tap_max_age), 1, 3600 },
	{ "binding-concurrency", K_UINT,  OFF(binding_concurrency), 0, 256 },
	{ "binding-wait",	K_MSEC,	  OFF(binding_wait), 0, 10000 },
	{ "lookup-guard",	K_PATH,	  OFF(lookup_guard), 0, 0 },
};
/* clang-format on */

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

void
tc_vdconf_init(struct tc_vdconf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", "127.0.0.1:8080");
	c->pull_interval = 60;
	c->pull_timeout = 20;
	c->stale_policy = TC_STALE_FAIL;
	c->stale_grace = 3600;
	c->client_rate = (struct tc_rate){ 20, 60 };
	c->client_burst = 20;
	c->card_rate = (struct tc_rate){ 10, 3600 };
	c->card_burst = 5;
	c->throttle_slots = 65536;
	snprintf(c->access_log, sizeof(c->access_log), "%s", "-");
	c->max_body = 8192;
	c->max_query = 2048;
	c->timeout = 10;
	c->max_connections = 1024;
	c->per_ip_connections = 64;
	c->cache_max_age = 60;
	snprintf(c->reader_profile, sizeof(c->reader_profile), "%s", "auto");
	c->reader_timeout = 5000;
	c->tap_max_age = 120;
	c->binding_wait = 250;
}

const char *
tc_vdconf_key(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
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
set_number(
    const struct key *k, unsigned *out, const char *v, char *err, size_t errlen)
{
	unsigned long long x, mul = 1;
	const char *p = v;

	if (digits(&p, &x) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: '%s' is not a number", k->name, v);
	if (k->kind == K_MSEC) {
		if (strcmp(p, "ms") == 0)
			mul = 1;
		else if (*p == '\0' || strcmp(p, "s") == 0)
			mul = 1000;
		else
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: '%s': expected seconds, or milliseconds with ms (500ms)",
			    k->name, v);
	} else if (k->kind == K_DUR) {
		if ((mul = unit_seconds(p, 0)) == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: '%s': expected seconds, or a number with s, m, h or d",
			    k->name, v);
	} else if (k->kind == K_SIZE) {
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
set_rate(const struct key *k, struct tc_rate *out, const char *v, char *err,
    size_t errlen)
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

static int
parse_listen(const char *v, struct sockaddr_storage *sa, socklen_t *salen)
{
	char host[64];
	const char *colon, *h;
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
	if (digits(&colon, &port) != 0 || *colon != '\0' || port > 65535)
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

int
tc_vdconf_set(struct tc_vdconf *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	const struct key *k = NULL;
	struct sockaddr_storage sa;
	socklen_t salen;
	char *base;
	size_t i, vl;
	int r;

	if (c == NULL || key == NULL || value == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0) {
			k = &keys[i];
			break;
		}
	if (k == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "unknown setting '%.64s'", key);
	base = (char *)c + k->off;
	vl = strlen(value);
	switch (k->kind) {
	case K_PATH:
		if (vl >= TC_VDCONF_PATH_MAX)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s: longer than %d bytes", k->name,
			    TC_VDCONF_PATH_MAX - 1);
		memcpy(base, value, vl + 1);
		break;
	case K_LISTEN:
		if (vl >= sizeof(c->listen) ||
		    parse_listen(value, &sa, &salen) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "listen: '%.128s': expected ADDR:PORT with a numeric address, like 127.0.0.1:8080, 0.0.0.0:443 or [::1]:8080 (port 0 picks a free one)",
			    value);
		memcpy(base, value, vl + 1);
		break;
	case K_READER:
		if (vl >= TC_VDCONF_READER_MAX)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "reader: longer than %d bytes",
			    TC_VDCONF_READER_MAX - 1);
		for (i = 0; i < vl; i++)
			if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "reader: byte %zu is a control character",
				    i + 1);
		memcpy(base, value, vl + 1);
		break;
	case K_RPROF:
		if (strcmp(value, "auto") != 0 && strcmp(value, "piv") != 0 &&
		    strcmp(value, "tcard") != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "reader-profile: expected auto, piv or tcard");
		memcpy(base, value, vl + 1);
		break;
	case K_UINT:
	case K_DUR:
	case K_SIZE:
	case K_MSEC:
		if ((r = set_number(
			 k, (unsigned *)(void *)base, value, err, errlen)) != 0)
			return r;
		break;
	case K_RATE:
		if ((r = set_rate(k, (struct tc_rate *)(void *)base, value, err,
			 errlen)) != 0)
			return r;
		break;
	case K_PIN:
		if (vl != 64 ||
		    tc_hex_decode(
			value, vl, c->ca_pin, sizeof(c->ca_pin), NULL) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "ca-pin: expected 64 hex digits (SHA-256 of the CA certificate)");
		c->have_ca_pin = 1;
		break;
	case K_POLICY:
		if (strcmp(value, "fail") == 0)
			c->stale_policy = TC_STALE_FAIL;
		else if (strcmp(value, "warn") == 0)
			c->stale_policy = TC_STALE_WARN;
		else
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "stale-policy: expected fail or warn");
		break;
	}
	return 0;
}

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

int
tc_vdconf_parse(
    struct tc_vdconf *c, const char *text, size_t len, char *err, size_t errlen)
{
	char line[TC_VDCONF_LINE_MAX + 1], msg[512];
	size_t pos = 0, end, n, lineno = 0, bad, i, seen[NKEYS] = { 0 };
	char *key, *val, *p;
	int r;

	if (c == NULL || (text == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (len > TC_VDCONF_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %u", len,
		    (unsigned)TC_VDCONF_FILE_MAX);
	while (pos < len) {
		lineno++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (n > TC_VDCONF_LINE_MAX)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: longer than %d bytes", lineno,
			    TC_VDCONF_LINE_MAX);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		/* Tabs are blanks; every other control character is refused. */
		for (i = 0; i < n; i++)
			if (line[i] == '\t')
				line[i] = ' ';
		if (tc_utf8_check((const uint8_t *)line, n, &bad) != 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "line %zu: byte %zu: not UTF-8 text, or a control character",
			    lineno, bad + 1);
		for (key = line; blank(*key); key++)
			;
		if (*key == '\0' || *key == '#')
			continue;
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
		if ((r = tc_vdconf_set(c, key, val, msg, sizeof(msg))) != 0)
			return tc_seterr(
			    err, errlen, r, "line %zu: %s", lineno, msg);
		for (i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, key) == 0)
				break;
		if (seen[i] != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: '%s' was already set on line %zu",
			    lineno, key, seen[i]);
		seen[i] = lineno;
	}
	return 0;
}

int
tc_vdconf_bundle_is_url(const struct tc_vdconf *c)
{
	return strncmp(c->bundle, "http://", 7) == 0 ||
	    strncmp(c->bundle, "https://", 8) == 0;
}

int
tc_vdconf_check(const struct tc_vdconf *c, char *err, size_t errlen)
{
	if (c == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (c->bundle[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle is required (a directory or an http(s) URL)");
	if ((c->tls_cert[0] == '\0') != (c->tls_key[0] == '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tls-cert and tls-key go together");
	if (tc_vdconf_bundle_is_url(c) && c->cache_dir[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a bundle URL needs cache-dir (where the pulled files are kept)");
	if (tc_vdconf_bundle_is_url(c) && !c->have_ca_pin)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a bundle URL needs ca-pin (the SHA-256 of the CA certificate, from tcard-keys list)");
	return 0;
}

int
tc_vdconf_listen_addr(
    const struct tc_vdconf *c, struct sockaddr_storage *sa, socklen_t *salen)
{
	if (c == NULL || sa == NULL || salen == NULL ||
	    parse_listen(c->listen, sa, salen) != 0)
		return TC_ERR_MALFORMED;
	return 0;
}

/* ---- staff tokens ---- */

static int
name_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* One "NAME TOKEN" line (blanks already folded) into t->t[t->n]. */
static int
staff_line(struct tc_staff_tokens *t, char *line, size_t lineno, char *err,
    size_t errlen)
{
	struct tc_staff_token *e = &t->t[t->n];
	char *name = line, *tok, *p;
	size_t nlen, tlen, i;
	unsigned int mdlen = 0;

	for (p = name; *p != '\0' && *p != ' '; p++)
		if (!name_char((unsigned char)*p))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: byte %zu: a window name is letters, digits, '.', '_' and '-'",
			    lineno, (size_t)(p - line) + 1);
	nlen = (size_t)(p - name);
	if (nlen > TC_STAFF_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: the window name is longer than %d characters",
		    lineno, TC_STAFF_NAME_MAX);
	for (tok = p; *tok == ' '; tok++)
		;
	for (p = tok; *p != '\0' && *p != ' '; p++)
		;
	tlen = (size_t)(p - tok);
	for (; *p == ' '; p++)
		;
	if (tlen == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: window '%s' has no token", lineno, name);
	if (*p != '\0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: more than a name and a token", lineno);
	name[nlen] = '\0';
	tok[tlen] = '\0';
	for (i = 0; i < t->n; i++)
		if (strcmp(t->t[i].window, name) == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: window '%s' is listed twice", lineno,
			    name);
	memcpy(e->window, name, nlen + 1);
	if (strncmp(tok, "sha256:", 7) == 0) {
		if (tlen != 7 + 64 ||
		    tc_hex_decode(
			tok + 7, 64, e->sha256, sizeof(e->sha256), NULL) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: 'sha256:' must be followed by 64 hex digits",
			    lineno);
	} else {
		if (tlen < 32 || tlen > TC_STAFF_TOKEN_MAX)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: the token of window '%s' must be 32 to %d characters (it has %zu)",
			    lineno, name, TC_STAFF_TOKEN_MAX, tlen);
		for (i = 0; i < tlen; i++)
			if ((unsigned char)tok[i] < 0x21 ||
			    (unsigned char)tok[i] > 0x7e)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "line %zu: a token is printable ASCII (byte %zu of the token is not)",
				    lineno, i + 1);
		if (EVP_Digest(tok, tlen, e->sha256, &mdlen, EVP_sha256(),
			NULL) != 1 ||
		    mdlen != sizeof(e->sha256))
			return tc_seterr(err, errlen, TC_ERR_CRYPTO,
			    "line %zu: cannot hash the token", lineno);
		OPENSSL_cleanse(tok, tlen);
	}
	for (i = 0; i < t->n; i++)
		if (CRYPTO_memcmp(t->t[i].sha256, e->sha256, 32) == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: window '%s' has the token of window '%s'",
			    lineno, name, t->t[i].window);
	t->n++;
	return 0;
}

int
tc_staff_tokens_parse(struct tc_staff_tokens *out, const char *text, size_t len,
    char *err, size_t errlen)
{
	char line[TC_VDCONF_LINE_MAX + 1];
	size_t pos = 0, end, n, lineno = 0, bad, i;
	char *p;
	int r = 0;

	if (out == NULL || (text == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(out, 0, sizeof(*out));
	if (len > TC_VDCONF_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %u", len,
		    (unsigned)TC_VDCONF_FILE_MAX);
	while (pos < len && r == 0) {
		lineno++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (n > TC_VDCONF_LINE_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: longer than %d bytes", lineno,
			    TC_VDCONF_LINE_MAX);
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		for (i = 0; i < n; i++)
			if (line[i] == '\t')
				line[i] = ' ';
		if (tc_utf8_check((const uint8_t *)line, n, &bad) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "line %zu: byte %zu: not UTF-8 text, or a control character",
			    lineno, bad + 1);
			break;
		}
		for (p = line; *p == ' '; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (out->n == TC_STAFF_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: more than %d windows", lineno,
			    TC_STAFF_MAX);
			break;
		}
		r = staff_line(out, p, lineno, err, errlen);
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (r != 0)
		tc_staff_tokens_release(out);
	return r;
}

const char *
tc_staff_tokens_find(
    const struct tc_staff_tokens *t, const char *token, size_t len)
{
	uint8_t h[32];
	unsigned int mdlen = 0;
	size_t i, hit = 0;
	int found = 0, eq;

	if (t == NULL || token == NULL || len == 0 ||
	    len > TC_STAFF_TOKEN_MAX ||
	    EVP_Digest(token, len, h, &mdlen, EVP_sha256(), NULL) != 1)
		return NULL;
	/* Every entry is compared, whichever matches. */
	for (i = 0; i < t->n; i++) {
		eq = CRYPTO_memcmp(t->t[i].sha256, h, sizeof(h)) == 0;
		hit = eq ? i : hit;
		found |= eq;
	}
	OPENSSL_cleanse(h, sizeof(h));
	return found ? t->t[hit].window : NULL;
}

void
tc_staff_tokens_release(struct tc_staff_tokens *t)
{
	if (t == NULL)
		return;
	OPENSSL_cleanse(t, sizeof(*t));
}
