/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole small file into a buffer: the one bounded file reader of
 * libtcard, used for key files, programme and profile files, the holidays
 * file and the files of a published bundle. The file is opened once and
 * every check (a regular file, its mode, its size) is made on the open
 * descriptor, so the file checked is the file read; then it is read to its
 * end under a cap, so a file that grows while it is read is refused too.
 * The permission rule for key files is OpenSSH's sshkey_perm_ok: a secret
 * gives group and others no access at all, and no key file may be
 * writable by them. Shapes after OpenSSH's sshbuf_load_file. Also here:
 * the checked formatting of paths and names (tc_fmt, tc_path_join).
 */
#ifndef TCARD_FILE_H
#define TCARD_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "tcard/buf.h"

/* Refuse a symbolic link at the last component (O_NOFOLLOW). */
#define TC_FILE_NOFOLLOW 0x1u
/* A secret: group and others may have no access at all (mode & 077). */
#define TC_FILE_SECRET 0x2u
/* Group and others may not write it (mode & 022). */
#define TC_FILE_NOT_SHARED_WRITE 0x4u
/* A key file: all three rules above, except SECRET for public parts. */
#define TC_FILE_KEY (TC_FILE_NOFOLLOW | TC_FILE_NOT_SHARED_WRITE)

/*
 * Checks mode (st_mode of a file) against the TC_FILE_SECRET and
 * TC_FILE_NOT_SHARED_WRITE rules of flags. shown names the file in the
 * message. Returns 0, or TC_ERR_PERM with a message that gives the mode and
 * the chmod that fixes it ("keys/ca.key is mode 0644: readable by group or
 * others; chmod 600 it").
 */
int tc_file_mode_check(
    mode_t mode, unsigned flags, const char *shown, char *err, size_t errlen);

/*
 * Appends the whole file at path to out, refusing a file over max bytes.
 * flags are TC_FILE_* above; shown names the file in messages (NULL: the
 * path). out must be initialised with a cap of at least its len + max;
 * its contents stay NUL-terminated. Returns 0, or, with out as it was and
 * a message in err:
 *   TC_ERR_NOT_FOUND   there is no such file;
 *   TC_ERR_PERM        a symbolic link under TC_FILE_NOFOLLOW, a mode
 *                      tc_file_mode_check refuses, and, under either mode
 *                      rule (a key file), access denied or not a regular
 *                      file;
 *   TC_ERR_IO          another open or read error, not a regular file,
 *                      or a file that grew while it was read;
 *   TC_ERR_TOO_LARGE   over max bytes (as found, or grown while read);
 *   TC_ERR_NOMEM, TC_ERR_INVALID_ARG (path or out NULL).
 */
int tc_file_read(const char *path, const char *shown, size_t max,
    unsigned flags, struct tc_buf *out, char *err, size_t errlen);

/*
 * Writes all len bytes of data to the descriptor fd, going on after a
 * partial write or an interrupted one (EINTR). Returns 0, or -1 with errno
 * set (EIO when write wrote nothing); what was written then stays written.
 * Not a TC_ERR_* code: the callers word their own message from errno.
 */
int tc_file_write_all(int fd, const void *data, size_t len);

/*
 * Creates the file at path, empty and mode 0600, unless something is
 * there already (O_EXCL; a symbolic link there counts and is not
 * followed), for the SQLite files that hold personal data: SQLite would
 * create them with the umask's mode. Returns 1 when it made the file, 0
 * when path existed, or -1 with errno set (worded by the caller).
 */
int tc_file_create_private(const char *path);

/*
 * snprintf into out (len bytes) that says whether the text fit, for paths
 * and file or record names, where a text cut short names another file.
 * Returns 0, or TC_ERR_INVALID_ARG when the text did not fit (out then
 * holds it cut short, NUL-terminated) or the format failed.
 */
int tc_fmt(char *out /* OUT */, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* dir, '/', name into out (len bytes); returns as tc_fmt. */
int tc_path_join(
    char *out /* OUT */, size_t len, const char *dir, const char *name);

#endif
