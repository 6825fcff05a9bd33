/* SPDX-License-Identifier: MIT */
/*
 * The settings of tcard-verifierd and the parser of its configuration file,
 * implemented in verifier/vd-conf.c as a table of keys for the daemon
 * layer's configuration reader (daemon/dconf.h, daemon/conf.c): so not in
 * libtcard.a but in the daemon and in what tests it (link
 * build/verifier/vd-conf.o and libtcardd.a). The file has one setting per
 * line, "key value" (the value is the rest of the line, surrounding
 * blanks removed); blank lines and lines whose first non-blank character
 * is '#' are ignored. The same keys are the daemon's long options (--key
 * value), which override the file: tc_vdconf_set() is the one place a
 * value is checked. Every key, its default and its unit:
 * docs/verifierd.md, "Configuration file". Pure parsing: no file is opened
 * here (tests/fuzz/fuzz_vdconf.c feeds it).
 */
#ifndef TCARD_VDCONF_H
#define TCARD_VDCONF_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "dconf.h"

#define TC_VDCONF_FILE_MAX TC_DCONF_FILE_MAX /* largest configuration file */
#define TC_VDCONF_LINE_MAX TC_DCONF_LINE_MAX /* longest line */
#define TC_VDCONF_PATH_MAX 1024 /* longest path or URL, NUL included */

/* What to do when the revocation list is past next-update + grace. */
enum tc_stale_policy {
	TC_STALE_FAIL = 0, /* verification answers UNKNOWN-STATUS */
	TC_STALE_WARN = 1, /* answers as usual, with a warning */
};

/* The longest reader name, NUL included (as TC_ICC_READER_NAME). */
#define TC_VDCONF_READER_MAX 128

struct tc_vdconf {
	char listen[128];		    /* "127.0.0.1:8080" */
	char bundle[TC_VDCONF_PATH_MAX];    /* directory or http(s) URL */
	char cache_dir[TC_VDCONF_PATH_MAX]; /* where a pulled bundle is kept */
	char state_dir[TC_VDCONF_PATH_MAX]; /* rollback floor; "" default */
	unsigned pull_interval;		    /* seconds */
	unsigned pull_timeout;		    /* seconds per transfer */
	uint8_t ca_pin[32];		    /* SHA-256 of the CA certificate */
	int have_ca_pin;
	char tls_cert[TC_VDCONF_PATH_MAX]; /* PEM files; both or neither */
	char tls_key[TC_VDCONF_PATH_MAX];
	unsigned threads;		 /* 0: one per core */
	char pepper[TC_VDCONF_PATH_MAX]; /* lookup pepper file; "" no lookup */
	char programmes[TC_VDCONF_PATH_MAX]; /* "" bundle's, else shipped */
	enum tc_stale_policy stale_policy;
	unsigned stale_grace;	    /* seconds after next-update */
	struct tc_rate client_rate; /* guesses per client address */
	unsigned client_burst;
	struct tc_rate card_rate; /* guesses per card number */
	unsigned card_burst;
	unsigned throttle_slots;	     /* entries per throttle table */
	char access_log[TC_VDCONF_PATH_MAX]; /* "-" stderr, "off", or a file */
	unsigned max_body;		     /* bytes of a request body */
	unsigned max_query;		     /* bytes of a query string */
	unsigned timeout;		     /* idle seconds before a close */
	unsigned window_idle;	  /* window page: idle session seconds */
	unsigned window_lifetime; /* window page: longest session */
	unsigned max_connections;
	unsigned per_ip_connections;	    /* 0: no per-address limit (64) */
	unsigned cache_max_age;		    /* Cache-Control max-age of files */
	char port_file[TC_VDCONF_PATH_MAX]; /* "" none */
	char ledger[TC_VDCONF_PATH_MAX];    /* usage ledger; "" no services */
	char staff_tokens[TC_VDCONF_PATH_MAX]; /* window tokens file */
	char reader[TC_VDCONF_READER_MAX];     /* PC/SC reader; "" none */
	char reader_profile[16];	       /* auto, piv or tcard */
	unsigned reader_timeout;	       /* ms per card operation */
	unsigned tap_max_age;		       /* seconds, for a redeem */
	unsigned binding_concurrency; /* scrypts at once; 0: cores - 1 */
	unsigned binding_wait;	      /* ms a binding may queue */
	char lookup_guard[TC_VDCONF_PATH_MAX]; /* "" per-card guard in memory */
};

/* Fills c with the defaults (docs/verifierd.md). */
void tc_vdconf_init(struct tc_vdconf *c /* OUT */);

/*
 * Sets key to value after checking it (numbers in range, durations like
 * "90", "90s", "15m", "2h", "1d", rates like "10/min", sizes like "4096"
 * or "4k", paths and URLs below TC_VDCONF_PATH_MAX, a listen address
 * "ADDR:PORT" or "[ADDR]:PORT", a ca-pin of 64 hex digits). Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument;
 *   TC_ERR_NOT_FOUND    no such key (err lists none; it names the key);
 *   TC_ERR_MALFORMED    the value does not have the key's form;
 *   TC_ERR_RANGE        a number outside the key's range;
 *   TC_ERR_TOO_LARGE    a value too long.
 */
int tc_vdconf_set(struct tc_vdconf *c, const char *key, const char *value,
    char *err, size_t errlen);

/*
 * Parses a configuration file's text (len bytes, no NUL needed) into c
 * with tc_vdconf_set per line; a key may appear once. err starts with
 * "line N: ". Returns 0, the errors of tc_vdconf_set, TC_ERR_TOO_LARGE (the
 * text over TC_VDCONF_FILE_MAX, a line over TC_VDCONF_LINE_MAX),
 * TC_ERR_MALFORMED (a line without a value, a repeated key) or
 * TC_ERR_BAD_ENCODING (not UTF-8, or a control character other than tab).
 */
int tc_vdconf_parse(struct tc_vdconf *c, const char *text, size_t len,
    char *err, size_t errlen);

/*
 * Checks the settings as a whole: a bundle is given; tls-cert and tls-key
 * come together; a URL bundle has a cache-dir and a ca-pin. Returns 0 or
 * TC_ERR_INVALID_ARG with err saying which.
 */
int tc_vdconf_check(const struct tc_vdconf *c, char *err, size_t errlen);

/* 1 when the bundle setting is an http:// or https:// URL. */
int tc_vdconf_bundle_is_url(const struct tc_vdconf *c);

/*
 * Resolves the listen setting into *sa (numeric addresses only; no name
 * lookup). Returns 0 or TC_ERR_MALFORMED.
 */
int tc_vdconf_listen_addr(const struct tc_vdconf *c,
    struct sockaddr_storage *sa /* OUT */, socklen_t *salen /* OUT */);

/*
 * Staff tokens: who may call the staff endpoints (redeem, usage, report,
 * the window's reader). The file (staff-tokens, mode 600) has one window
 * per line, "NAME TOKEN": NAME 1 to TC_STAFF_NAME_MAX characters of
 * [A-Za-z0-9._-] (recorded in the ledger with each use), TOKEN 32 to
 * TC_STAFF_TOKEN_MAX printable ASCII characters without spaces, or
 * "sha256:" and the 64 hex digits of a token's SHA-256 so the file need
 * not hold the token itself. Blank lines and '#' lines are ignored; a
 * name or a token may appear once. Only the SHA-256 of each token is
 * kept.
 *
 * After the token, the window's scope: what it may count, report and
 * read the usage of, as words "PROGRAMME:SERVICE" (a service id with its
 * options), "PROGRAMME:*" (every service of a programme), "*:SERVICE"
 * (that service id in every programme) or "*" (everything), ids of
 * [a-z0-9-]; at most TC_STAFF_SCOPES words. A line without a scope may
 * do everything, as before scopes existed (tcard-verifierd warns of each
 * such window when it starts).
 */
#define TC_STAFF_MAX	   256 /* windows in one file */
#define TC_STAFF_NAME_MAX  64
#define TC_STAFF_TOKEN_MAX 256
#define TC_STAFF_SCOPES	   32  /* scope words of one window */
#define TC_STAFF_SCOPE_MAX 512 /* their text, space-separated */

struct tc_staff_token {
	char window[TC_STAFF_NAME_MAX + 1];
	uint8_t sha256[32];
	int scoped;			/* 0: no scope given, everything */
	char scope[TC_STAFF_SCOPE_MAX]; /* the words, one space between */
};

struct tc_staff_tokens {
	struct tc_staff_token t[TC_STAFF_MAX];
	size_t n;
};

/*
 * Parses a staff tokens file's text (len bytes) into *out. err starts with
 * "line N: " and never repeats a token. Returns 0, TC_ERR_INVALID_ARG,
 * TC_ERR_TOO_LARGE (the text over TC_VDCONF_FILE_MAX, a line over
 * TC_VDCONF_LINE_MAX, more than TC_STAFF_MAX windows), TC_ERR_MALFORMED (a
 * bad name or token, a repeated one, a line without a token),
 * TC_ERR_BAD_ENCODING (a control character other than tab), TC_ERR_CRYPTO.
 * On failure out->n is 0.
 */
int tc_staff_tokens_parse(struct tc_staff_tokens *out /* OUT */,
    const char *text, size_t len, char *err, size_t errlen);

/*
 * The window whose token is the len bytes at token, or NULL. The token's
 * SHA-256 is compared with every entry in constant time, so the time
 * taken says nothing about which entries are near a match.
 */
const char *tc_staff_tokens_find(
    const struct tc_staff_tokens *t, const char *token, size_t len);

/* As tc_staff_tokens_find, the whole entry (window and scope), or NULL. */
const struct tc_staff_token *tc_staff_tokens_lookup(
    const struct tc_staff_tokens *t, const char *token, size_t len);

/*
 * Whether window w may act on service ("id" or "id.option") of programme
 * (an id, or NULL: of some programme, when the programme is not known
 * yet). 1 or 0.
 */
int tc_staff_allows(
    const struct tc_staff_token *w, const char *programme, const char *service);

/*
 * The one programme whose service w may act on, when its scope names
 * exactly one (for a report that names none), else NULL.
 */
const char *tc_staff_only_programme(const struct tc_staff_token *w,
    const char *service, char *buf, size_t buflen);

/* Wipes the hashes (the struct may then be freed). */
void tc_staff_tokens_release(struct tc_staff_tokens *t);

/*
 * The name of key i of the table (for --help and the option table), NULL
 * past the end.
 */
const char *tc_vdconf_key(size_t i);

/* The table of keys, for tc_dconf_options (the daemon's long options). */
extern const struct tc_dconf tc_vdconf_table;

#endif
