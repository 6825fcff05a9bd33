/* SPDX-License-Identifier: MIT */
/*
 * The state directory of a daemon (daemon/state.c): where it keeps what
 * must survive a restart (tcard-verifierd: its rollback floor). The layer
 * settles the directory (the first setting given, else a built-in
 * default), makes it private (0700) when missing, checks the daemon may
 * write it, writes files in it durably (temporary file, fsync, rename,
 * fsync of the directory: tc_bundle_write_file) and reads them back with
 * a size cap, and can hold a lock file so that two daemons never share
 * one directory by mistake. Opened read-only (a --check run) it never
 * makes, writes or locks anything.
 *
 * The messages are the daemon's: each function returns a code and, in err,
 * only the cause (strerror, or the library's message), so a daemon says
 * which setting and what it keeps there. Nothing of libmicrohttpd is
 * needed. Reference: docs/decisions.md, "The verifier's explicit state;
 * config reader and state directory in the daemon layer".
 */
#ifndef TCARD_DSTATE_H
#define TCARD_DSTATE_H

#include <stddef.h>

struct tc_buf;

#define TC_DSTATE_PATH_MAX 1024 /* the directory's path, NUL included */

struct tc_dstate {
	char dir[TC_DSTATE_PATH_MAX];
	int read_only; /* never make, write or lock */
	int lock_fd;   /* -1: no lock held */
};

/*
 * Settles s->dir: the first non-empty string of choices (a NULL-terminated
 * list, the settings in order of preference), else dflt; with read_only
 * nothing more. Otherwise makes the directory (mode 0700) when it is
 * missing and checks it is a directory the process may write and enter.
 * s->dir is set on failure too (for the caller's message). Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument;
 *   TC_ERR_TOO_LARGE    the path is TC_DSTATE_PATH_MAX bytes or longer;
 *   TC_ERR_IO           the directory cannot be made (err: strerror);
 *   TC_ERR_PERM         not a directory the process may write.
 */
int tc_dstate_open(struct tc_dstate *s /* OUT */, const char *const *choices,
    const char *dflt, int read_only, char *err, size_t errlen);

/*
 * Writes len bytes to DIR/name durably (tc_bundle_write_file). Returns 0,
 * TC_ERR_PERM (opened read-only), or the errors of tc_bundle_write_file
 * (TC_ERR_INVALID_ARG, TC_ERR_IO with the cause in err).
 */
int tc_dstate_write(const struct tc_dstate *s, const char *name,
    const void *data, size_t len, char *err, size_t errlen);

/*
 * Appends DIR/name (a regular file of at most max bytes) to out
 * (tc_bundle_read_file). Returns 0, TC_ERR_NOT_FOUND (no such file: often
 * "nothing kept yet"), or its other errors with err.
 */
int tc_dstate_read(const struct tc_dstate *s, const char *name, size_t max,
    struct tc_buf *out, char *err, size_t errlen);

/*
 * Takes the lock file DIR/name (made mode 0600; an fcntl write lock held
 * until tc_dstate_close or the process ends). Returns 0 (also when opened
 * read-only: nothing is taken), TC_ERR_EXISTS (another process holds it),
 * TC_ERR_INVALID_ARG or TC_ERR_IO (err: strerror).
 */
int tc_dstate_lock(
    struct tc_dstate *s, const char *name, char *err, size_t errlen);

/* Drops the lock, if one is held (s stays usable). */
void tc_dstate_close(struct tc_dstate *s);

#endif
