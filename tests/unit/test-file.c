/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the bounded whole-file reader and the key-file permission
 * rule (src/file.c): sizes at and over the cap, modes, symbolic links,
 * directories and missing files, and that a failed read leaves the buffer
 * as it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"

static char dir[] = "/tmp/tcard-file-XXXXXX";
static char path[4096];

static const char *
at(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(at(name), "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(at(name), mode), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	write_file("ten", "0123456789", 0644);
	write_file("empty", "", 0644);
	write_file("secret.key", "k", 0600);
	write_file("open.key", "k", 0640);
	write_file("shared.crt", "c", 0664);
	if (symlink("ten", at("link")) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "ten", "empty", "secret.key",
		"open.key", "shared.crt", "link" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(names[i]));
	return rmdir(dir);
}

static void
test_read(void **state)
{
	struct tc_buf b;
	char err[256];

	(void)state;
	tc_buf_init(&b, 64);
	assert_int_equal(tc_buf_puts(&b, "x:"), 0);
	assert_int_equal(
	    tc_file_read(at("ten"), NULL, 10, 0, &b, err, sizeof(err)), 0);
	assert_string_equal((char *)b.data, "x:0123456789");
	assert_int_equal(b.len, 12);
	/* One byte over the cap: refused, the buffer as it was. */
	tc_buf_truncate(&b, 2);
	assert_int_equal(
	    tc_file_read(at("ten"), "ten", 9, 0, &b, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "ten is 10 bytes; at most 9 expected");
	assert_int_equal(b.len, 2);
	assert_string_equal((char *)b.data, "x:");
	assert_int_equal(
	    tc_file_read(at("empty"), NULL, 0, 0, &b, err, sizeof(err)), 0);
	assert_int_equal(b.len, 2);
	tc_buf_release(&b);

	/* The buffer's own cap also holds. */
	tc_buf_init(&b, 5);
	assert_int_equal(
	    tc_file_read(at("ten"), "ten", 10, 0, &b, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);
}

static void
test_refusals(void **state)
{
	struct tc_buf b;
	char err[256];

	(void)state;
	tc_buf_init(&b, 64);
	assert_int_equal(
	    tc_file_read(at("none"), "keys/none", 10, 0, &b, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_string_equal(err, "keys/none does not exist");
	assert_int_equal(
	    tc_file_read(at("link"), NULL, 10, 0, &b, err, sizeof(err)), 0);
	tc_buf_reset(&b);
	assert_int_equal(tc_file_read(at("link"), "keys/link", 10,
			     TC_FILE_NOFOLLOW, &b, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_string_equal(err, "keys/link is a symbolic link; refused");
	assert_int_equal(
	    tc_file_read(dir, "d", 10, 0, &b, err, sizeof(err)), TC_ERR_IO);
	assert_string_equal(err, "d is not a regular file");
	assert_int_equal(
	    tc_file_read(dir, "d", 10, TC_FILE_KEY, &b, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_int_equal(
	    tc_file_read(at("secret.key"), NULL, 10,
		TC_FILE_KEY | TC_FILE_SECRET, &b, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_file_read(at("open.key"), "keys/open.key", 10,
		TC_FILE_KEY | TC_FILE_SECRET, &b, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_string_equal(err,
	    "keys/open.key is mode 0640: readable by group or others; chmod 600 it");
	assert_int_equal(tc_file_read(at("shared.crt"), "keys/shared.crt", 10,
			     TC_FILE_KEY, &b, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_string_equal(err,
	    "keys/shared.crt is mode 0664: writable by group or others; chmod go-w it");
	assert_int_equal(b.len, 1);
	assert_int_equal(tc_file_read(NULL, NULL, 10, 0, &b, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_buf_release(&b);
}

static void
test_modes(void **state)
{
	static const struct {
		mode_t mode;
		unsigned flags;
		int r;
	} v[] = {
		{ 0600, TC_FILE_SECRET, 0 },
		{ 0400, TC_FILE_SECRET, 0 },
		{ 0610, TC_FILE_SECRET, TC_ERR_PERM },
		{ 0604, TC_FILE_SECRET, TC_ERR_PERM },
		{ 0644, TC_FILE_NOT_SHARED_WRITE, 0 },
		{ 0620, TC_FILE_NOT_SHARED_WRITE, TC_ERR_PERM },
		{ 0602, TC_FILE_NOT_SHARED_WRITE, TC_ERR_PERM },
		{ 0666, 0, 0 },
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(tc_file_mode_check(v[i].mode, v[i].flags, "f",
				     err, sizeof(err)),
		    v[i].r);
	assert_int_equal(
	    tc_file_mode_check(0610, TC_FILE_SECRET, "f", err, sizeof(err)),
	    TC_ERR_PERM);
	assert_string_equal(
	    err, "f is mode 0610: accessible by group or others; chmod 600 it");
}

/* Paths and names that do not fit are refused, not cut silently. */
static void
test_fmt(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(tc_path_join(out, sizeof(out), "ab", "cdef"), 0);
	assert_string_equal(out, "ab/cdef");
	assert_int_equal(
	    tc_path_join(out, sizeof(out), "ab", "cdefg"), TC_ERR_INVALID_ARG);
	assert_string_equal(out, "ab/cdef");
	assert_int_equal(tc_fmt(out, sizeof(out), "%s-%d", "seq", 123), 0);
	assert_string_equal(out, "seq-123");
	assert_int_equal(
	    tc_fmt(out, sizeof(out), "%s-%d", "seq", 1234), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_fmt(out, 1, "%s", ""), 0);
	assert_int_equal(tc_fmt(out, 1, "%s", "x"), TC_ERR_INVALID_ARG);
}

/* A private file is made once, mode 0600; what is there is left alone. */
static void
test_create_private(void **state)
{
	struct stat sb;

	(void)state;
	umask(022);
	assert_int_equal(tc_file_create_private(at("new.db")), 1);
	assert_int_equal(stat(at("new.db"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(tc_file_create_private(at("new.db")), 0);
	assert_int_equal(unlink(at("new.db")), 0);
	/* A symbolic link is there: not followed, the target untouched. */
	assert_int_equal(tc_file_create_private(at("link")), 0);
	assert_int_equal(stat(at("ten"), &sb), 0);
	assert_int_equal(sb.st_size, 10);
	errno = 0;
	assert_int_equal(tc_file_create_private(at("no-dir/x.db")), -1);
	assert_int_equal(errno, ENOENT);
}

#define TESTS(X, XF)                                                           \
	X(test_read)                                                           \
	X(test_refusals)                                                       \
	X(test_modes)                                                          \
	X(test_fmt)                                                            \
	X(test_create_private)

TC_UNIT_MAIN(TESTS, setup, teardown)
