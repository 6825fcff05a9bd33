/* SPDX-License-Identifier: MIT */
/*
 * The state directory of a daemon (daemon/dstate.h): settling it, making
 * and checking it, durable writes and capped reads through the library's
 * bundle file functions, and a lock file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dstate.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/file.h"

int
tc_dstate_open(struct tc_dstate *s, const char *const *choices,
    const char *dflt, int read_only, char *err, size_t errlen)
{
	const char *dir = dflt;
	struct stat st;
	size_t i;

	if (s == NULL || dflt == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	s->read_only = read_only;
	for (i = 0; choices != NULL && choices[i] != NULL; i++)
		if (choices[i][0] != '\0') {
			dir = choices[i];
			break;
		}
	if (tc_fmt(s->dir, sizeof(s->dir), "%s", dir) != 0)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "longer than %d bytes", TC_DSTATE_PATH_MAX - 1);
	if (read_only)
		return 0;
	if (mkdir(s->dir, 0700) != 0 && errno != EEXIST)
		return tc_seterr(err, errlen, TC_ERR_IO, "%s", strerror(errno));
	if (stat(s->dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(s->dir, W_OK | X_OK) != 0)
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "not a directory the daemon may write");
	return 0;
}

int
tc_dstate_write(const struct tc_dstate *s, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	if (s == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (s->read_only)
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "the state directory is read-only here");
	return tc_bundle_write_file(s->dir, name, data, len, err, errlen);
}

int
tc_dstate_read(const struct tc_dstate *s, const char *name, size_t max,
    struct tc_buf *out, char *err, size_t errlen)
{
	if (s == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	return tc_bundle_read_file(s->dir, name, max, out, err, errlen);
}

int
tc_dstate_lock(struct tc_dstate *s, const char *name, char *err, size_t errlen)
{
	char path[TC_DSTATE_PATH_MAX + 256];
	struct flock fl;
	int fd;

	if (s == NULL || name == NULL || name[0] == '\0' ||
	    strchr(name, '/') != NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	if (s->read_only || s->lock_fd >= 0)
		return 0;
	if (tc_path_join(path, sizeof(path), s->dir, name) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) <
	    0)
		return tc_seterr(err, errlen, TC_ERR_IO, "%s", strerror(errno));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int e = errno;

		close(fd);
		if (e == EACCES || e == EAGAIN)
			return tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "held by another process");
		return tc_seterr(err, errlen, TC_ERR_IO, "%s", strerror(e));
	}
	s->lock_fd = fd;
	return 0;
}

void
tc_dstate_close(struct tc_dstate *s)
{
	if (s == NULL || s->lock_fd < 0)
		return;
	close(s->lock_fd);
	s->lock_fd = -1;
}
