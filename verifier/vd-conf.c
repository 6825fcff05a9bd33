/* SPDX-License-Identifier: MIT */
/*
 * Settings of tcard-verifierd (include/tcard/vdconf.h): its table of keys,
 * each with its kind and range, as data for the daemon layer's
 * configuration reader (daemon/dconf.h), which parses the file and the
 * --key overrides alike, so a value is checked in one place; the kinds of
 * the verifier's own (listen address, CA pin, stale policy, reader), the
 * checks across settings, and the staff tokens file (read with the same
 * line reader). Reference of every key: docs/verifierd.md.
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

#include "dconf.h"

/*
 * The middle of a key: kind, offset and size of its field. STR(f) is a
 * char array of struct tc_vdconf, NUM(DUR, f) an unsigned of that kind,
 * FUNC(f) a field set by the key's own setter.
 */
#define OFF(f)	  offsetof(struct tc_vdconf, f)
#define STR(f)	  TC_DCONF_STR, OFF(f), sizeof(((struct tc_vdconf *)0)->f)
#define NUM(k, f) TC_DCONF_##k, OFF(f), 0
#define FUNC(f)	  TC_DCONF_FUNC, OFF(f), 0

static tc_dconf_setter set_listen, set_pin, set_policy, set_reader,
    set_reader_profile;

/* clang-format off */
static const struct tc_dconf_key keys[] = {
	{ "listen",		 FUNC(listen),		      0, 0, set_listen },
	{ "bundle",		 STR(bundle),		      0, 0, NULL },
	{ "cache-dir",		 STR(cache_dir),	      0, 0, NULL },
	{ "state-dir",		 STR(state_dir),	      0, 0, NULL },
	{ "pull-interval",	 NUM(DUR, pull_interval),     1, 86400, NULL },
	{ "pull-timeout",	 NUM(DUR, pull_timeout),      1, 3600, NULL },
	{ "ca-pin",		 FUNC(ca_pin),		      0, 0, set_pin },
	{ "tls-cert",		 STR(tls_cert),		      0, 0, NULL },
	{ "tls-key",		 STR(tls_key),		      0, 0, NULL },
	{ "threads",		 NUM(UINT, threads),	      0, 256, NULL },
	{ "pepper",		 STR(pepper),		      0, 0, NULL },
	{ "programmes",		 STR(programmes),	      0, 0, NULL },
	{ "stale-policy",	 FUNC(stale_policy),	      0, 0, set_policy },
	{ "stale-grace",	 NUM(DUR, stale_grace),	      0, 30 * 86400, NULL },
	{ "lookup-client-rate",	 NUM(RATE, client_rate),      0, 0, NULL },
	{ "lookup-client-burst", NUM(UINT, client_burst),     1, 1000000000, NULL },
	{ "lookup-card-rate",	 NUM(RATE, card_rate),	      0, 0, NULL },
	{ "lookup-card-burst",	 NUM(UINT, card_burst),	      1, 1000000000, NULL },
	{ "throttle-slots",	 NUM(UINT, throttle_slots),   64, 1u << 24, NULL },
	{ "log",		 STR(access_log),	      0, 0, NULL },
	{ "max-body",		 NUM(SIZE, max_body),	      64, TC_VERIFY_REQ_MAX, NULL },
	{ "max-query",		 NUM(SIZE, max_query),	      64, TC_FORM_INPUT_MAX, NULL },
	{ "timeout",		 NUM(DUR, timeout),	      1, 3600, NULL },
	{ "max-connections",	 NUM(UINT, max_connections),  1, 100000, NULL },
	{ "per-ip-connections",	 NUM(UINT, per_ip_connections), 0, 100000, NULL },
	{ "cache-max-age",	 NUM(DUR, cache_max_age),     0, 86400, NULL },
	{ "port-file",		 STR(port_file),	      0, 0, NULL },
	{ "ledger",		 STR(ledger),		      0, 0, NULL },
	{ "staff-tokens",	 STR(staff_tokens),	      0, 0, NULL },
	{ "reader",		 FUNC(reader),		      0, 0, set_reader },
	{ "reader-profile",	 FUNC(reader_profile),	      0, 0, set_reader_profile },
	{ "reader-timeout",	 NUM(MSEC, reader_timeout),   100, 60000, NULL },
	{ "tap-max-age",	 NUM(DUR, tap_max_age),	      1, 3600, NULL },
	{ "binding-concurrency", NUM(UINT, binding_concurrency), 0, 256, NULL },
	{ "binding-wait",	 NUM(MSEC, binding_wait),     0, 10000, NULL },
	{ "lookup-guard",	 STR(lookup_guard),	      0, 0, NULL },
	{ "window-idle",	 NUM(DUR, window_idle),	      1, 86400, NULL },
	{ "window-lifetime",	 NUM(DUR, window_lifetime),   1, 7 * 86400, NULL },
};
/* clang-format on */

const struct tc_dconf tc_vdconf_table = { keys,
	sizeof(keys) / sizeof(keys[0]) };

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
	c->window_idle = 30 * 60;
	c->window_lifetime = 12 * 3600;
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
	return i < tc_vdconf_table.n ? keys[i].name : NULL;
}

/* The kinds of the verifier's own (TC_DCONF_FUNC keys). */

static int
set_listen(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_vdconf *c = conf;
	struct sockaddr_storage sa;
	socklen_t salen;
	size_t vl = strlen(value);

	(void)k;
	if (vl >= sizeof(c->listen) ||
	    tc_dconf_listen_parse(value, &sa, &salen) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "listen: '%.128s': expected ADDR:PORT with a numeric address, like 127.0.0.1:8080, 0.0.0.0:443 or [::1]:8080 (port 0 picks a free one)",
		    value);
	memcpy(c->listen, value, vl + 1);
	return 0;
}

static int
set_reader(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_vdconf *c = conf;
	size_t vl = strlen(value), i;

	(void)k;
	if (vl >= TC_VDCONF_READER_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "reader: longer than %d bytes", TC_VDCONF_READER_MAX - 1);
	for (i = 0; i < vl; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "reader: byte %zu is a control character", i + 1);
	memcpy(c->reader, value, vl + 1);
	return 0;
}

static int
set_reader_profile(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_vdconf *c = conf;

	(void)k;
	if (strcmp(value, "auto") != 0 && strcmp(value, "piv") != 0 &&
	    strcmp(value, "tcard") != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "reader-profile: expected auto, piv or tcard");
	memcpy(c->reader_profile, value, strlen(value) + 1);
	return 0;
}

static int
set_pin(void *conf, const struct tc_dconf_key *k, const char *value, char *err,
    size_t errlen)
{
	struct tc_vdconf *c = conf;

	(void)k;
	if (strlen(value) != 64 ||
	    tc_hex_decode(value, 64, c->ca_pin, sizeof(c->ca_pin), NULL) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ca-pin: expected 64 hex digits (SHA-256 of the CA certificate)");
	c->have_ca_pin = 1;
	return 0;
}

static int
set_policy(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_vdconf *c = conf;

	(void)k;
	if (strcmp(value, "fail") == 0)
		c->stale_policy = TC_STALE_FAIL;
	else if (strcmp(value, "warn") == 0)
		c->stale_policy = TC_STALE_WARN;
	else
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stale-policy: expected fail or warn");
	return 0;
}

int
tc_vdconf_set(struct tc_vdconf *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	return tc_dconf_set(&tc_vdconf_table, c, key, value, err, errlen);
}

int
tc_vdconf_parse(
    struct tc_vdconf *c, const char *text, size_t len, char *err, size_t errlen)
{
	return tc_dconf_parse(&tc_vdconf_table, c, text, len, err, errlen);
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
	    tc_dconf_listen_parse(c->listen, sa, salen) != 0)
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

/* An id of a scope word: 1..64 of [a-z0-9-], or "*". */
static int
scope_id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 1 && s[0] == '*')
		return 1;
	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/*
 * The scope words after the token (p: the rest of the line, blanks
 * folded) into e->scope. No words: everything, unscoped.
 */
static int
scope_parse(struct tc_staff_token *e, const char *p, size_t lineno,
    const char *name, char *err, size_t errlen)
{
	const char *w, *colon;
	size_t n, words = 0, used = 0;

	e->scoped = *p != '\0';
	e->scope[0] = '\0';
	while (*p != '\0') {
		for (w = p; *p != '\0' && *p != ' '; p++)
			;
		n = (size_t)(p - w);
		for (; *p == ' '; p++)
			;
		colon = memchr(w, ':', n);
		if (!(n == 1 && w[0] == '*') &&
		    (colon == NULL || !scope_id_ok(w, (size_t)(colon - w)) ||
			!scope_id_ok(colon + 1, n - (size_t)(colon - w) - 1)))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: scope word %zu of window '%s' is not PROGRAMME:SERVICE, PROGRAMME:*, *:SERVICE or * (ids of a-z, 0-9 and -)",
			    lineno, words + 1, name);
		if (++words > TC_STAFF_SCOPES ||
		    used + n + 2 > sizeof(e->scope))
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: window '%s' has more than %d scope words or %d characters of them",
			    lineno, name, TC_STAFF_SCOPES,
			    TC_STAFF_SCOPE_MAX - 1);
		if (used > 0)
			e->scope[used++] = ' ';
		memcpy(e->scope + used, w, n);
		used += n;
		e->scope[used] = '\0';
	}
	return 0;
}

/* One "NAME TOKEN [SCOPE...]" line (blanks folded) into t->t[t->n]. */
static int
staff_line(struct tc_staff_tokens *t, char *line, size_t lineno, char *err,
    size_t errlen)
{
	struct tc_staff_token *e = &t->t[t->n];
	char *name = line, *tok, *p;
	size_t nlen, tlen, i;
	unsigned int mdlen = 0;
	int r;

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
	name[nlen] = '\0';
	tok[tlen] = '\0';
	if ((r = scope_parse(e, p, lineno, name, err, errlen)) != 0)
		return r;
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

/* A line of the staff tokens file (tc_dconf_lines' callback). */
static int
staff_next(void *arg, char *line, size_t lineno, char *err, size_t errlen)
{
	struct tc_staff_tokens *t = arg;

	if (t->n == TC_STAFF_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "line %zu: more than %d windows", lineno, TC_STAFF_MAX);
	return staff_line(t, line, lineno, err, errlen);
}

int
tc_staff_tokens_parse(struct tc_staff_tokens *out, const char *text, size_t len,
    char *err, size_t errlen)
{
	int r;

	if (out == NULL || (text == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(out, 0, sizeof(*out));
	if ((r = tc_dconf_lines(text, len, staff_next, out, err, errlen)) != 0)
		tc_staff_tokens_release(out);
	return r;
}

const char *
tc_staff_tokens_find(
    const struct tc_staff_tokens *t, const char *token, size_t len)
{
	const struct tc_staff_token *e = tc_staff_tokens_lookup(t, token, len);

	return e != NULL ? e->window : NULL;
}

/* Whether the n bytes at w (an id or "*") match id (NULL: any). */
static int
scope_match(const char *w, size_t n, const char *id, size_t idlen)
{
	return (n == 1 && w[0] == '*') || id == NULL ||
	    (n == idlen && memcmp(w, id, n) == 0);
}

/*
 * Calls fn for each scope word of e that covers service (its id part) of
 * programme (NULL: any); stops at fn's non-zero and returns it.
 */
static int
scope_walk(const struct tc_staff_token *e, const char *programme,
    const char *service, int (*fn)(const char *prog, size_t plen, void *arg),
    void *arg)
{
	const char *w = e->scope, *end, *colon, *dot;
	size_t slen = strlen(service), n;
	int r;

	if ((dot = strchr(service, '.')) != NULL)
		slen = (size_t)(dot - service);
	while (*w != '\0') {
		end = strchr(w, ' ');
		n = end != NULL ? (size_t)(end - w) : strlen(w);
		colon = memchr(w, ':', n);
		if (colon == NULL) /* "*" */
			r = fn("*", 1, arg);
		else if (scope_match(colon + 1, n - (size_t)(colon - w) - 1,
			     service, slen) &&
		    scope_match(w, (size_t)(colon - w), programme,
			programme != NULL ? strlen(programme) : 0))
			r = fn(w, (size_t)(colon - w), arg);
		else
			r = 0;
		if (r != 0)
			return r;
		w += n;
		if (*w == ' ')
			w++;
	}
	return 0;
}

static int
any(const char *prog, size_t plen, void *arg)
{
	(void)prog;
	(void)plen;
	(void)arg;
	return 1;
}

int
tc_staff_allows(
    const struct tc_staff_token *w, const char *programme, const char *service)
{
	if (w == NULL || service == NULL)
		return 0;
	if (!w->scoped)
		return 1;
	return scope_walk(w, programme, service, any, NULL) != 0;
}

struct only {
	char *buf;
	size_t buflen;
	int n; /* programmes seen; -1: a "*" */
};

static int
only_one(const char *prog, size_t plen, void *arg)
{
	struct only *o = arg;

	if (plen == 1 && prog[0] == '*') {
		o->n = -1;
		return 1;
	}
	if (o->n == 1 &&
	    (strlen(o->buf) != plen || memcmp(o->buf, prog, plen) != 0)) {
		o->n = 2;
		return 1;
	}
	if (plen >= o->buflen)
		return 1;
	memcpy(o->buf, prog, plen);
	o->buf[plen] = '\0';
	o->n = 1;
	return 0;
}

const char *
tc_staff_only_programme(const struct tc_staff_token *w, const char *service,
    char *buf, size_t buflen)
{
	struct only o = { buf, buflen, 0 };

	if (w == NULL || !w->scoped || service == NULL || buflen == 0)
		return NULL;
	buf[0] = '\0';
	scope_walk(w, NULL, service, only_one, &o);
	return o.n == 1 ? buf : NULL;
}

const struct tc_staff_token *
tc_staff_tokens_lookup(
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
	return found ? &t->t[hit] : NULL;
}

void
tc_staff_tokens_release(struct tc_staff_tokens *t)
{
	if (t == NULL)
		return;
	OPENSSL_cleanse(t, sizeof(*t));
}
