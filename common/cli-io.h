/* SPDX-License-Identifier: MIT */
/*
 * Files and progress for the programs (linked in libtcardcli.a with
 * cli.c): reading a bounded file, writing a file through a temporary
 * file and a rename so that a reader never sees half of it, and the
 * progress bar that long commands (qr-batch, print-batch) draw on a
 * terminal.
 */
#ifndef TCARD_CLI_IO_H
#define TCARD_CLI_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "tcard/buf.h"

/*
 * Writes len bytes to path through "path.tmp-PID" (created mode 0600,
 * never following a symbolic link), fsync and rename. Returns 0, or
 * TC_ERR_INVALID_ARG (path too long) / TC_ERR_IO with err naming the file;
 * on failure the temporary file is removed and path is untouched.
 */
int tc_cli_write_atomic(
    const char *path, const void *data, size_t len, char *err, size_t errlen);

/*
 * tc_cli_write_atomic with the file created mode mode (less the umask):
 * 0644 for a file that others read (tcard-keys export-trust).
 */
int tc_cli_write_atomic_mode(const char *path, mode_t mode, const void *data,
    size_t len, char *err, size_t errlen);

/*
 * Appends the content of the regular file path, at most max bytes, to
 * out. Returns 0, TC_ERR_IO (cannot open or read, not a regular file),
 * TC_ERR_TOO_LARGE (over max or out's cap) or TC_ERR_NOMEM.
 */
int tc_cli_read_file(
    const char *path, size_t max, struct tc_buf *out, char *err, size_t errlen);

/*
 * Draws "\r[#####.....] done/total what" on standard error when tty is
 * nonzero and total is not 0; does nothing otherwise. The caller ends the
 * line with a newline when it is done.
 */
void tc_cli_progress(int tty, size_t done, size_t total, const char *what);

#endif
