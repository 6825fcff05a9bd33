/* SPDX-License-Identifier: MIT */
/*
 * What a daemon's process gives up before it parses outside input
 * (daemon/sandbox.c): root, for a named user; the file system, for a
 * Landlock ruleset of a few read-only paths and programs. tcard-issuerd's
 * web worker and its OIDC agent use it. No libmicrohttpd.
 */
#ifndef TCARD_DAEMON_DSANDBOX_H
#define TCARD_DAEMON_DSANDBOX_H

#include <stddef.h>

/* What a rule allows beneath its path. */
enum tc_dsandbox_access {
	TC_DSANDBOX_READ_TREE = 1, /* read files, list directories */
	TC_DSANDBOX_READ_FILES,	   /* read files (no listing) */
	TC_DSANDBOX_RUN,	   /* read and execute (one program) */
};

struct tc_dsandbox_rule {
	const char *path; /* a path missing on this system is skipped */
	enum tc_dsandbox_access access;
};

/*
 * When the process runs as root, becomes user (its groups dropped, its
 * group and uid), refusing root and a way back to root. Not root: nothing.
 * Returns 0, or -1 with err.
 */
int tc_dsandbox_user(const char *user, char *err, size_t errlen);

/*
 * Restricts the process (and what it starts) to the rules, then to the
 * programs of run_fds (descriptors opened with O_PATH or for reading:
 * read and execute each), every other file system access the running
 * Landlock ABI knows being denied. *locked is 1 when the ruleset is in
 * force, 0 when the kernel has no Landlock (not an error: the caller
 * logs it). Returns 0, or -1 with err.
 */
int tc_dsandbox_landlock(const struct tc_dsandbox_rule *rules, size_t n,
    const int *run_fds, size_t nrun, int *locked, char *err, size_t errlen);

#endif
