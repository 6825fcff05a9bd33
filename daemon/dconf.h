/* SPDX-License-Identifier: MIT */
/*
 * The configuration reader of the daemon layer (daemon/conf.c): a daemon
 * declares its settings as a table of keys (name, kind, offset of the
 * field in its settings struct, limits) and gets from it the file reader,
 * the --key VALUE overrides and the long-option table, so a value is
 * checked in one place whether it comes from the file or a flag.
 *
 * The file has one setting per line, "key value" (the value is the rest of
 * the line, surrounding blanks removed); blank lines and lines whose first
 * non-blank character is '#' are ignored; tabs are blanks, any other
 * control character and bytes that are not UTF-8 are refused; a key may
 * appear once. Errors start with "line N: " and then name the key
 * ("line 3: pull-interval: ..."); the daemon adds the file's name.
 *
 * Pure parsing: no file is opened and nothing is printed here. A separate
 * header from daemon.h so that a settings parser and its tests and fuzzer
 * need nothing of libmicrohttpd. Used by tcard-verifierd
 * (verifier/vd-conf.c, include/tcard/vdconf.h). Reference:
 * docs/decisions.md, "The verifier's explicit state; config reader and
 * state directory in the daemon layer".
 */
#ifndef TCARD_DCONF_H
#define TCARD_DCONF_H

#include <stddef.h>
#include <sys/socket.h>

struct option;

#define TC_DCONF_FILE_MAX (64u * 1024) /* largest configuration file */
#define TC_DCONF_LINE_MAX 4096	       /* longest line */
#define TC_DCONF_KEYS_MAX 128	       /* keys in one table */

/* A rate: count events per period seconds (TC_DCONF_RATE). */
struct tc_rate {
	unsigned count;
	unsigned period;
};

/* What a key's value is, and the field it is stored in. */
enum tc_dconf_kind {
	TC_DCONF_STR,  /* char[size]: at most size - 1 bytes */
	TC_DCONF_UINT, /* unsigned, min..max */
	TC_DCONF_DUR,  /* unsigned seconds: "90", "90s", "15m", "2h", "1d" */
	TC_DCONF_SIZE, /* unsigned bytes: "4096" or "4k" */
	TC_DCONF_MSEC, /* unsigned milliseconds: "500ms", "5" or "5s" */
	TC_DCONF_RATE, /* struct tc_rate: "20/min", "10/h", "5/10min" */
	TC_DCONF_FUNC, /* set(): a kind of the daemon's own */
};

struct tc_dconf_key;

/*
 * The setter of a TC_DCONF_FUNC key: checks value and stores it into
 * conf (the daemon's settings struct). Returns 0, or a TC_ERR_* with err
 * (which names the key, as the layer's own messages do).
 */
typedef int tc_dconf_setter(void *conf, const struct tc_dconf_key *k,
    const char *value, char *err, size_t errlen);

struct tc_dconf_key {
	const char *name; /* "pull-interval": the file's key, --name */
	enum tc_dconf_kind kind;
	size_t off;	      /* offsetof the field in the settings */
	size_t size;	      /* TC_DCONF_STR: the array's size */
	unsigned min, max;    /* numbers: the range, in the unit stored */
	tc_dconf_setter *set; /* TC_DCONF_FUNC */
};

/* A daemon's table of keys. */
struct tc_dconf {
	const struct tc_dconf_key *keys;
	size_t n;
};

/* The key named name, or NULL. */
const struct tc_dconf_key *tc_dconf_find(
    const struct tc_dconf *t, const char *name);

/*
 * Sets key to value in conf after checking it as the key's kind says.
 * Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument;
 *   TC_ERR_NOT_FOUND    no such key ("unknown setting 'x'");
 *   TC_ERR_MALFORMED    the value does not have the key's form;
 *   TC_ERR_RANGE        a number outside the key's range;
 *   TC_ERR_TOO_LARGE    a value too long;
 * or what a TC_DCONF_FUNC setter returns.
 */
int tc_dconf_set(const struct tc_dconf *t, void *conf, const char *key,
    const char *value, char *err, size_t errlen);

/*
 * Calls line(arg, text, lineno, ...) for each line of text (len bytes, no
 * NUL needed) that is neither blank nor a comment, with tabs made blanks
 * and the leading blanks skipped; stops at the first non-zero return and
 * returns it. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE (the text
 * over TC_DCONF_FILE_MAX, a line over TC_DCONF_LINE_MAX) or
 * TC_ERR_BAD_ENCODING (not UTF-8, or a control character other than tab).
 * The line buffer is wiped before it returns (a file may hold secrets).
 */
int tc_dconf_lines(const char *text, size_t len,
    int (*line)(void *arg, char *text, size_t lineno, char *err, size_t errlen),
    void *arg, char *err, size_t errlen);

/*
 * Parses a configuration file's text into conf with tc_dconf_set per
 * line. Returns 0, the errors of tc_dconf_lines and tc_dconf_set, or
 * TC_ERR_MALFORMED (a line without a value, a repeated key); err starts
 * with "line N: ".
 */
int tc_dconf_parse(const struct tc_dconf *t, void *conf, const char *text,
    size_t len, char *err, size_t errlen);

/*
 * The getopt_long table: the nfixed options of fixed (their val must not
 * be below TC_DCONF_KEYS_MAX), then one "--name VALUE" per key whose val
 * is the key's index, then the terminating zero entry. Returns a table to
 * free(), or NULL (memory).
 */
struct option *tc_dconf_options(
    const struct tc_dconf *t, const struct option *fixed, size_t nfixed);

/*
 * Parses a listen setting: "HOST:PORT" with an IPv4 address (an empty host
 * or "*" is 0.0.0.0) or "[IPv6]:PORT", port 0 to 65535 (0: any free port),
 * into sa and *salen. No name is resolved. Returns 0 or -1 (malformed).
 */
int tc_dconf_listen_parse(
    const char *v, struct sockaddr_storage *sa, socklen_t *salen);

#endif
