/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the state directory of the daemon layer (daemon/state.c):
 * which setting is taken, a missing directory made private, a file or an
 * unwritable directory refused, read-only touching nothing, a durable
 * write read back, and the lock file refused to a second process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "dstate.h"
#include "tcard/buf.h"
#include "tcard/err.h"

static void
test_open(void **state)
{
	char a[128], b[128], f[128], err[256];
	const char *const none[] = { "", "", NULL };
	struct tc_dstate s;
	struct stat st;
	FILE *fp;

	(void)state;
	snprintf(a, sizeof(a), "%s/a", fx_dir);
	snprintf(b, sizeof(b), "%s/b", fx_dir);
	snprintf(f, sizeof(f), "%s/afile", fx_dir);
	{
		const char *const choices[] = { "", a, b, NULL };

		/* Read-only: the second choice, nothing made. */
		assert_int_equal(
		    tc_dstate_open(&s, choices, b, 1, err, sizeof(err)), 0);
		assert_string_equal(s.dir, a);
		assert_int_not_equal(stat(a, &st), 0);
		/* Made, mode 0700. */
		assert_int_equal(
		    tc_dstate_open(&s, choices, b, 0, err, sizeof(err)), 0);
		assert_int_equal(stat(a, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	/* No setting: the default. */
	assert_int_equal(tc_dstate_open(&s, none, b, 0, err, sizeof(err)), 0);
	assert_string_equal(s.dir, b);
	/* A file is not a directory; a missing parent cannot be made. */
	fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(
	    tc_dstate_open(&s, NULL, f, 0, err, sizeof(err)), TC_ERR_PERM);
	assert_string_equal(s.dir, f);
	snprintf(a, sizeof(a), "%s/no/such", fx_dir);
	assert_int_equal(
	    tc_dstate_open(&s, NULL, a, 0, err, sizeof(err)), TC_ERR_IO);
	assert_string_equal(err, "No such file or directory");
	assert_int_equal(tc_dstate_open(NULL, NULL, a, 0, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

static void
test_write_read(void **state)
{
	char d[128], err[256];
	struct tc_dstate s, ro;
	struct tc_buf buf;

	(void)state;
	snprintf(d, sizeof(d), "%s/w", fx_dir);
	assert_int_equal(tc_dstate_open(&s, NULL, d, 0, err, sizeof(err)), 0);
	tc_buf_init(&buf, 64);
	assert_int_equal(tc_dstate_read(&s, "kept", 64, &buf, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    tc_dstate_write(&s, "kept", "hello\n", 6, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_dstate_read(&s, "kept", 64, &buf, err, sizeof(err)), 0);
	assert_int_equal(buf.len, 6);
	assert_memory_equal(buf.data, "hello\n", 6);
	tc_buf_release(&buf);
	assert_int_equal(tc_dstate_open(&ro, NULL, d, 1, err, sizeof(err)), 0);
	assert_int_equal(tc_dstate_write(&ro, "kept", "x", 1, err, sizeof(err)),
	    TC_ERR_PERM);
}

static void
test_lock(void **state)
{
	char d[128], err[256];
	struct tc_dstate s;
	pid_t pid;
	int status;

	(void)state;
	snprintf(d, sizeof(d), "%s/l", fx_dir);
	assert_int_equal(tc_dstate_open(&s, NULL, d, 0, err, sizeof(err)), 0);
	assert_int_equal(tc_dstate_lock(&s, "lock", err, sizeof(err)), 0);
	assert_true(s.lock_fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tc_dstate c;

		if (tc_dstate_open(&c, NULL, d, 0, err, sizeof(err)) != 0)
			_exit(2);
		_exit(tc_dstate_lock(&c, "lock", err, sizeof(err)) ==
			    TC_ERR_EXISTS
			? 0
			: 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	tc_dstate_close(&s);
	assert_int_equal(s.lock_fd, -1);
	assert_int_equal(
	    tc_dstate_lock(&s, "../x", err, sizeof(err)), TC_ERR_INVALID_ARG);
}

#define TESTS(X, XF)                                                           \
	X(test_open)                                                           \
	X(test_write_read)                                                     \
	X(test_lock)

TC_UNIT_MAIN(TESTS, fx_dir_setup, fx_dir_teardown)
