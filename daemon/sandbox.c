/* SPDX-License-Identifier: MIT */
/* A daemon's process giving up root and the file system (dsandbox.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dsandbox.h"

int
tc_dsandbox_user(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (geteuid() != 0 && getuid() != 0)
		return 0;
	if (user == NULL || (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "--user %s: no such user",
		    user != NULL ? user : "-");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s: will not run as root", user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(
		    err, errlen, "cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "could become root again; stopping");
		return -1;
	}
	return 0;
}

static const __u64 access_bits[] = {
	[TC_DSANDBOX_READ_TREE] =
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
	[TC_DSANDBOX_READ_FILES] = LANDLOCK_ACCESS_FS_READ_FILE,
	[TC_DSANDBOX_RUN] =
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE,
};

/* One rule: access beneath fd (a directory, or one file). */
static int
rule(int rfd, int fd, __u64 access, char *err, size_t errlen)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access,
		.parent_fd = fd };

	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb,
		0) != 0) {
		snprintf(err, errlen, "landlock rule: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
tc_dsandbox_landlock(const struct tc_dsandbox_rule *rules, size_t n,
    const int *run_fds, size_t nrun, int *locked, char *err, size_t errlen)
{
	struct landlock_ruleset_attr ra;
	size_t i;
	long abi;
	int rfd, fd, r = 0;

	*locked = 0;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0;
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
	if (abi >= 2)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
	if (abi >= 3)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
	rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (rfd < 0) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n && r == 0; i++) {
		if ((fd = open(rules[i].path, O_PATH | O_CLOEXEC)) < 0)
			continue; /* not on this system */
		r = rule(rfd, fd, access_bits[rules[i].access], err, errlen);
		close(fd);
	}
	for (i = 0; i < nrun && r == 0; i++)
		if (run_fds[i] >= 0)
			r = rule(rfd, run_fds[i], access_bits[TC_DSANDBOX_RUN],
			    err, errlen);
	if (r == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) != 0) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		r = -1;
	}
	close(rfd);
	*locked = r == 0;
	return r;
}
