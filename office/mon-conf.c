/* SPDX-License-Identifier: MIT */
/*
 * Settings of tcard-issuerd (include/tcard/idconf.h): its table of keys,
 * each with its kind and range, as data for the daemon layer's
 * configuration reader (daemon/dconf.h), which parses the file and the
 * --key overrides alike; the kinds of its own (listen address, user
 * name) and the checks across settings. Reference of every key:
 * docs/issuerd.md, "Configuration file".
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/idconf.h"

#include "dconf.h"

#define OFF(f)	  offsetof(struct tc_idconf, f)
#define STR(f)	  TC_DCONF_STR, OFF(f), sizeof(((struct tc_idconf *)0)->f)
#define NUM(k, f) TC_DCONF_##k, OFF(f), 0
#define FUNC(f)	  TC_DCONF_FUNC, OFF(f), 0

static tc_dconf_setter set_listen, set_user, set_claims, set_yesno;

/* clang-format off */
static const struct tc_dconf_key keys[] = {
	{ "home",		STR(home),		   0, 0, NULL },
	{ "listen",		FUNC(listen),		   0, 0, set_listen },
	{ "port-file",		STR(port_file),		   0, 0, NULL },
	{ "tls-cert",		STR(tls_cert),		   0, 0, NULL },
	{ "tls-key",		STR(tls_key),		   0, 0, NULL },
	{ "user",		FUNC(user),		   0, 0, set_user },
	{ "idle-timeout",	NUM(DUR, idle_timeout),	   1, TC_IDCONF_SECONDS_MAX, NULL },
	{ "session-lifetime",	NUM(DUR, session_lifetime), 1, TC_IDCONF_SECONDS_MAX, NULL },
	{ "oidc-issuer",	STR(oidc_issuer),	   0, 0, NULL },
	{ "oidc-client-id",	STR(oidc_client_id),	   0, 0, NULL },
	{ "oidc-client-secret-file", STR(oidc_secret_file), 0, 0, NULL },
	{ "oidc-redirect-uri",	STR(oidc_redirect_uri),	   0, 0, NULL },
	{ "oidc-claims",	FUNC(oidc_claims),	   0, 0, set_claims },
	{ "oidc-scope",		STR(oidc_scope),	   0, 0, NULL },
	{ "oidc-allow-http-loopback", FUNC(oidc_http_loopback), 0, 0, set_yesno },
	{ "sign-in-rate",	NUM(RATE, sign_in_rate),   0, 0, NULL },
	{ "sign-in-burst",	NUM(UINT, sign_in_burst),  1, 1000000, NULL },
};
/* clang-format on */

const struct tc_dconf tc_idconf_table = { keys,
	sizeof(keys) / sizeof(keys[0]) };

void
tc_idconf_init(struct tc_idconf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->user, sizeof(c->user), "%s", "nobody");
	c->idle_timeout = 15 * 60;
	c->session_lifetime = 8 * 3600;
	c->sign_in_rate.count = 60;
	c->sign_in_rate.period = 60;
	c->sign_in_burst = 60;
	snprintf(c->oidc_claims, sizeof(c->oidc_claims), "%s",
	    "name,id_type,id_number,phone_number");
}

const char *
tc_idconf_key(size_t i)
{
	return i < tc_idconf_table.n ? keys[i].name : NULL;
}

static int
set_listen(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_idconf *c = conf;
	struct sockaddr_storage sa;
	socklen_t salen;
	size_t vl = strlen(value);

	(void)k;
	if (vl >= sizeof(c->listen) ||
	    tc_dconf_listen_parse(value, &sa, &salen) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "listen: '%.128s': expected ADDR:PORT with a numeric address, like 127.0.0.1:8081, 0.0.0.0:443 or [::1]:8081 (port 0 picks a free one)",
		    value);
	memcpy(c->listen, value, vl + 1);
	return 0;
}

/*
 * A user name as getpwnam() takes it: the worker's argv carries it, so
 * nothing that could read as an option or hold a blank.
 */
static int
set_user(void *conf, const struct tc_dconf_key *k, const char *value, char *err,
    size_t errlen)
{
	struct tc_idconf *c = conf;
	size_t vl = strlen(value), i;

	(void)k;
	if (vl >= sizeof(c->user))
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "user: longer than %zu bytes", sizeof(c->user) - 1);
	for (i = 0; i < vl; i++)
		if (!((value[i] >= 'a' && value[i] <= 'z') ||
			(value[i] >= 'A' && value[i] <= 'Z') ||
			(value[i] >= '0' && value[i] <= '9') ||
			value[i] == '.' || value[i] == '_' ||
			(value[i] == '-' && i > 0)))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "user: '%.64s': expected a user name of letters, digits, '.', '_' and '-'",
			    value);
	if (vl == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "user: empty user name");
	memcpy(c->user, value, vl + 1);
	return 0;
}

/*
 * The claims carrying the name, the ID type, the ID number and the
 * mobile number: four names separated by commas, each of letters,
 * digits, '_', '-', '.' and ':' (they go on the agent's command line).
 */
static int
set_claims(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_idconf *c = conf;
	size_t vl = strlen(value), i, n = 1, len = 0;

	(void)k;
	if (vl >= sizeof(c->oidc_claims))
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "oidc-claims: longer than %zu bytes",
		    sizeof(c->oidc_claims) - 1);
	for (i = 0; i <= vl; i++) {
		char ch = value[i];

		if (ch == ',' || ch == '\0') {
			if (len == 0)
				break;
			n += ch == ',';
			len = 0;
		} else if ((ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '_' || ch == '-' || ch == '.' || ch == ':')
			len++;
		else
			break;
	}
	if (i <= vl || n != 4)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "oidc-claims: expected the four claim names of the name, the ID type, the ID number and the mobile number, separated by commas (like name,id_type,id_number,phone_number)");
	memcpy(c->oidc_claims, value, vl + 1);
	return 0;
}

static int
set_yesno(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct tc_idconf *c = conf;

	if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "%s: yes or no", k->name);
	c->oidc_http_loopback = strcmp(value, "yes") == 0;
	return 0;
}

int
tc_idconf_set(struct tc_idconf *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	return tc_dconf_set(&tc_idconf_table, c, key, value, err, errlen);
}

int
tc_idconf_parse(
    struct tc_idconf *c, const char *text, size_t len, char *err, size_t errlen)
{
	return tc_dconf_parse(&tc_idconf_table, c, text, len, err, errlen);
}

int
tc_idconf_check(const struct tc_idconf *c, char *err, size_t errlen)
{
	if (c == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (c->home[0] == '\0' || c->listen[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "home and listen are required (--home DIR --listen ADDR:PORT, or in the configuration file)");
	if ((c->tls_cert[0] == '\0') != (c->tls_key[0] == '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tls-cert and tls-key go together");
	if (c->oidc_issuer[0] != '\0' &&
	    (c->oidc_client_id[0] == '\0' || c->oidc_secret_file[0] == '\0' ||
		c->oidc_redirect_uri[0] == '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "oidc-issuer needs oidc-client-id, oidc-client-secret-file and oidc-redirect-uri");
	return 0;
}
