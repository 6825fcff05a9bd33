/* SPDX-License-Identifier: MIT */
/*
 * File helpers of the signed bundle (include/tcard/bundle.h): writing a
 * bundle file atomically (a temporary file in the same directory, fsync,
 * rename, fsync of the directory) so that a web server or a verifier
 * reading the directory during a publish sees either the old file or the
 * new one, never a part; and reading a bundle file whole with a size cap.
 * The publish order built on these is in docs/bundle.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/err.h"

/* A plain file name: no '/', not "." or "..", not empty, not too long. */
static int
plain_name(const char *name)
{
	size_t n;

	if (name == NULL || (n = strlen(name)) == 0 ||
	    n >= TC_BUNDLE_NAME_MAX || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	return 1;
}

int
tc_bundle_write_file(const char *dir, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	const uint8_t *p = data;
	size_t off = 0;
	ssize_t n;
	int fd = -1, dfd, r = TC_ERR_IO;

	if (dir == NULL || !plain_name(name) || (data == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad directory or file name");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		sizeof(tmp))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	if ((fd = mkstemp(tmp)) < 0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
	/* A bundle is public: readable by the web server's user. */
	if (fchmod(fd, 0644) != 0)
		goto fail;
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	/* Make the rename itself durable. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	r = tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int
tc_bundle_read_file(const char *dir, const char *name, size_t max,
    struct tc_buf *out, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	size_t start;
	ssize_t n;
	int fd, r = TC_ERR_IO;

	if (dir == NULL || !plain_name(name) || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad directory or file name");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return tc_seterr(err, errlen,
		    errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s",
		    path, strerror(errno));
	start = out->len;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: %lld bytes; at most %zu accepted", path,
		    (long long)st.st_size, max);
		goto out;
	}
	/*
	 * Room for the size fstat saw and one byte more, so that a file that
	 * grew meanwhile is noticed; then read until end of file.
	 */
	for (;;) {
		size_t want = (size_t)st.st_size + 1, got = out->len - start;

		want = got < want ? want - got : 4096;
		if ((r = tc_buf_reserve(out, want)) != 0) {
			tc_seterr(
			    err, errlen, r, "%s: %s", path, tc_strerror(r));
			goto out;
		}
		n = read(fd, out->data + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len - start > max) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s grew past %zu bytes", path, max);
			goto out;
		}
	}
	out->data[out->len] = '\0';
	r = 0;
out:
	if (r != 0)
		tc_buf_truncate(out, start);
	close(fd);
	return r;
}

/*
 * Whether name has the shape of a temporary file of tc_bundle_write_file
 * (".NAME.XXXXXX", six letters or digits from mkstemp) or of publish's
 * hard link to the snapshot (".NAME.link-PID").
 */
static int
temp_name(const char *name)
{
	size_t n = strlen(name), i;
	const char *dot;

	if (n < 4 || name[0] != '.' || strcmp(name, "..") == 0)
		return 0;
	if ((dot = strrchr(name, '.')) == name)
		return 0;
	if (strncmp(dot, ".link-", 6) == 0 && dot[6] != '\0') {
		for (i = 6; dot[i] != '\0'; i++)
			if (dot[i] < '0' || dot[i] > '9')
				return 0;
		return 1;
	}
	if (strlen(dot + 1) != 6)
		return 0;
	for (i = 1; i <= 6; i++)
		if (!((dot[i] >= '0' && dot[i] <= '9') ||
			(dot[i] >= 'A' && dot[i] <= 'Z') ||
			(dot[i] >= 'a' && dot[i] <= 'z')))
			return 0;
	return dot - name > 1;
}

int
tc_bundle_clean_temp(const char *dir, time_t older_than, size_t *removed,
    char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	int dfd, r = 0;

	if (removed != NULL)
		*removed = 0;
	if (dir == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "bundle: no directory");
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!temp_name(de->d_name))
			continue;
		/* Only our own regular files, not written to since. */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    st.st_mtime > older_than)
			continue;
		if (unlinkat(dfd, de->d_name, 0) != 0) {
			if (errno != ENOENT && r == 0)
				r = tc_seterr(err, errlen, TC_ERR_IO,
				    "%s/%s: %s", dir, de->d_name,
				    strerror(errno));
			continue;
		}
		if (removed != NULL)
			(*removed)++;
	}
	closedir(d);
	return r;
}
