/* SPDX-License-Identifier: MIT */
/*
 * The bounded whole-file reader and the key-file permission rule
 * (include/tcard/file.h). Every file the library reads whole goes through
 * tc_file_read; docs/decisions.md "One of each helper" says why. Also the
 * one loop that writes a whole buffer to a descriptor (tc_file_write_all)
 * and the one creation of a private (mode 0600) file for the registry and
 * the ledger (tc_file_create_private).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcard/err.h"
#include "tcard/file.h"

int
tc_file_mode_check(
    mode_t mode, unsigned flags, const char *shown, char *err, size_t errlen)
{
	if ((flags & TC_FILE_SECRET) && (mode & 077) != 0)
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "%s is mode %04o: %s by group or others; chmod 600 it",
		    shown, (unsigned int)(mode & 07777),
		    (mode & 044) != 0	    ? "readable"
			: (mode & 022) != 0 ? "writable"
					    : "accessible");
	if ((flags & (TC_FILE_SECRET | TC_FILE_NOT_SHARED_WRITE)) &&
	    (mode & 022) != 0)
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "%s is mode %04o: writable by group or others; chmod go-w it",
		    shown, (unsigned int)(mode & 07777));
	return 0;
}

/* The failure of open(2) as a code and a message. */
static int
open_failed(int e, unsigned flags, const char *shown, char *err, size_t errlen)
{
	if (e == ENOENT)
		return tc_seterr(
		    err, errlen, TC_ERR_NOT_FOUND, "%s does not exist", shown);
	if (e == ELOOP && (flags & TC_FILE_NOFOLLOW))
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "%s is a symbolic link; refused", shown);
	return tc_seterr(err, errlen,
	    e == EACCES && (flags & (TC_FILE_SECRET | TC_FILE_NOT_SHARED_WRITE))
		? TC_ERR_PERM
		: TC_ERR_IO,
	    "%s: %s", shown, strerror(e));
}

/*
 * Reads the size bytes fstat saw into out, then probes for one more: a file
 * that grew while it was read is refused rather than cut short, and one
 * that shrank gives what it still holds.
 */
static int
read_all(int fd, size_t size, const char *shown, struct tc_buf *out, char *err,
    size_t errlen)
{
	size_t got = 0;
	ssize_t n;
	char probe;
	int r;

	if ((r = tc_buf_reserve(out, size)) != 0)
		return tc_seterr(
		    err, errlen, r, "%s: %s", shown, tc_strerror(r));
	for (;;) {
		if (got < size)
			n = read(fd, out->data + out->len + got, size - got);
		else
			n = read(fd, &probe, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tc_seterr(err, errlen, TC_ERR_IO, "%s: %s",
			    shown, strerror(errno));
		if (n == 0)
			break;
		if (got == size)
			return tc_seterr(err, errlen, TC_ERR_IO,
			    "%s changed while being read", shown);
		got += (size_t)n;
	}
	out->len += got;
	return 0;
}

int
tc_file_read(const char *path, const char *shown, size_t max, unsigned flags,
    struct tc_buf *out, char *err, size_t errlen)
{
	struct stat st;
	size_t start;
	int fd, r;

	if (path == NULL || out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no file to read");
	if (shown == NULL)
		shown = path;
	start = out->len;
	/* O_NONBLOCK: a FIFO put in place of the file does not hang open. */
	fd = open(path,
	    O_RDONLY | O_CLOEXEC | O_NONBLOCK |
		((flags & TC_FILE_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0)
		return open_failed(errno, flags, shown, err, errlen);
	if (fstat(fd, &st) != 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", shown, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = tc_seterr(err, errlen,
		    (flags & (TC_FILE_SECRET | TC_FILE_NOT_SHARED_WRITE))
			? TC_ERR_PERM
			: TC_ERR_IO,
		    "%s is not a regular file", shown);
		goto out;
	}
	if ((r = tc_file_mode_check(st.st_mode, flags, shown, err, errlen)) !=
	    0)
		goto out;
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s is %lld bytes; at most %zu expected", shown,
		    (long long)st.st_size, max);
		goto out;
	}
	/* Back to blocking reads now that it is known to be a regular file. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	r = read_all(fd, (size_t)st.st_size, shown, out, err, errlen);
out:
	if (r != 0)
		tc_buf_truncate(out, start);
	else if (out->data != NULL)
		out->data[out->len] = '\0';
	close(fd);
	return r;
}

int
tc_file_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int
tc_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? TC_ERR_INVALID_ARG : 0;
}

int
tc_path_join(char *out, size_t len, const char *dir, const char *name)
{
	return tc_fmt(out, len, "%s/%s", dir, name);
}

int
tc_file_create_private(const char *path)
{
	int fd = open(
	    path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EEXIST ? 0 : -1;
}
