/* SPDX-License-Identifier: MIT */
/*
 * Files and progress for the programs (common/cli-io.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-io.h"
#include "tcard/err.h"
#include "tcard/file.h"

int
tc_cli_write_atomic(
    const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	return tc_cli_write_atomic_mode(path, 0600, data, len, err, errlen);
}

int
tc_cli_write_atomic_mode(const char *path, mode_t mode, const void *data,
    size_t len, char *err, size_t errlen)
{
	char tmp[4096];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode)) <
	    0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
	if (tc_file_write_all(fd, data, len) != 0) {
		close(fd);
		unlink(tmp);
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", path, strerror(errno));
	}
	return 0;
}

int
tc_cli_read_file(
    const char *path, size_t max, struct tc_buf *out, char *err, size_t errlen)
{
	int r = tc_file_read(path, NULL, max, 0, out, err, errlen);

	/* Its documented codes: a missing file is TC_ERR_IO here. */
	return r == TC_ERR_NOT_FOUND ? TC_ERR_IO : r;
}

void
tc_cli_progress(int tty, size_t done, size_t total, const char *what)
{
	char bar[41];
	size_t fill, i;

	if (!tty || total == 0)
		return;
	if (done > total)
		done = total;
	fill = done * 40 / total;
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu %s", bar, done, total, what);
	fflush(stderr);
}
