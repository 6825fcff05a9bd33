/* SPDX-License-Identifier: MIT */
/*
 * The settings of tcard-issuerd (the office's monitor) and the parser of
 * its configuration file, implemented in office/mon-conf.c as a table of
 * keys for the daemon layer's configuration reader (daemon/dconf.h,
 * daemon/conf.c): so not in libtcard.a but in the monitor and in what
 * tests it (link build/office/mon-conf.o and build/daemon/conf.o; the
 * monitor links nothing else of the daemon layer, so no libmicrohttpd).
 * The file has one setting per line, "key value" (the value is the rest
 * of the line, surrounding blanks removed); blank lines and lines whose
 * first non-blank character is '#' are ignored; a key may appear once.
 * The same keys are the daemon's long options (--key value), which
 * override the file: tc_idconf_set() is the one place a value is checked.
 * Every key, its default and its unit: docs/issuerd.md, "Configuration
 * file". Pure parsing: no file is opened here (tests/fuzz/fuzz_idconf.c
 * feeds it).
 */
#ifndef TCARD_IDCONF_H
#define TCARD_IDCONF_H

#include <stddef.h>

#include "dconf.h"

#define TC_IDCONF_PATH_MAX    1024	   /* longest path, NUL included */
#define TC_IDCONF_USER_MAX    64	   /* longest user name, NUL included */
#define TC_IDCONF_SECONDS_MAX (7u * 86400) /* a session's longest timeout */

struct tc_idconf {
	char home[TC_IDCONF_PATH_MAX];	    /* the authority's home; required */
	char listen[128];		    /* "127.0.0.1:8081"; required */
	char port_file[TC_IDCONF_PATH_MAX]; /* "" none */
	char tls_cert[TC_IDCONF_PATH_MAX];  /* PEM files; both or neither */
	char tls_key[TC_IDCONF_PATH_MAX];
	char user[TC_IDCONF_USER_MAX]; /* the web worker's user ("nobody") */
	unsigned idle_timeout;	       /* seconds (900) */
	unsigned session_lifetime;     /* seconds (28800) */
	/*
	 * The identity platform (docs/oidc.md, "In the office"); "" when
	 * none: then no OIDC agent starts.
	 */
	char oidc_issuer[TC_IDCONF_PATH_MAX];
	char oidc_client_id[256];
	char oidc_secret_file[TC_IDCONF_PATH_MAX]; /* mode 0600 or stricter */
	char oidc_redirect_uri[TC_IDCONF_PATH_MAX];
	char oidc_claims[256];	/* "name,id_type,id_number,phone_number" */
	char oidc_scope[256];	/* extra scopes, "" none */
	int oidc_http_loopback; /* oidc-allow-http-loopback yes */
	/*
	 * Password checks per client address (the web worker's throttle of
	 * the staff's and the applicants' sign-in, registration and reset:
	 * each costs an scrypt in the monitor): 60/min, burst 60.
	 */
	struct tc_rate sign_in_rate;
	unsigned sign_in_burst;
};

/* Fills c with the defaults (docs/issuerd.md); home and listen are "". */
void tc_idconf_init(struct tc_idconf *c /* OUT */);

/*
 * Sets key to value after checking it (a listen address "ADDR:PORT" or
 * "[ADDR]:PORT" with a numeric address, a user name of [A-Za-z0-9._-]
 * not starting with '-', durations like "900", "15m", "8h" from 1 s to
 * 7 days, paths below TC_IDCONF_PATH_MAX). Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument;
 *   TC_ERR_NOT_FOUND    no such key;
 *   TC_ERR_MALFORMED    the value does not have the key's form;
 *   TC_ERR_RANGE        a number outside the key's range;
 *   TC_ERR_TOO_LARGE    a value too long.
 * err names the key.
 */
int tc_idconf_set(struct tc_idconf *c, const char *key, const char *value,
    char *err, size_t errlen);

/*
 * Parses a configuration file's text (len bytes, no NUL needed) into c
 * with tc_idconf_set per line. err starts with "line N: ". Returns 0, the
 * errors of tc_idconf_set, TC_ERR_TOO_LARGE (the text over
 * TC_DCONF_FILE_MAX, a line over TC_DCONF_LINE_MAX), TC_ERR_MALFORMED (a
 * line without a value, a repeated key) or TC_ERR_BAD_ENCODING (not
 * UTF-8, or a control character other than tab).
 */
int tc_idconf_parse(struct tc_idconf *c, const char *text, size_t len,
    char *err, size_t errlen);

/*
 * Checks the settings as a whole: home and listen are given; tls-cert
 * and tls-key come together; oidc-issuer comes with oidc-client-id,
 * oidc-client-secret-file and oidc-redirect-uri. Returns 0 or TC_ERR_INVALID_ARG with err
 * saying which.
 */
int tc_idconf_check(const struct tc_idconf *c, char *err, size_t errlen);

/* The name of key i of the table (--help, options), NULL past the end. */
const char *tc_idconf_key(size_t i);

/* The table of keys, for tc_dconf_options (the daemon's long options). */
extern const struct tc_dconf tc_idconf_table;

#endif
