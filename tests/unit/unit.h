/* SPDX-License-Identifier: MIT */
/*
 * The one main() of every unit test. A test file lists its tests once, as
 * an X-macro that takes two entry macros, and hands the list to
 * TC_UNIT_MAIN with the group's set-up and tear-down (or NULL):
 *
 *   #define TESTS(X, XF)                                  \
 *           X(test_round_trip)                            \
 *           XF(test_with_registry, setup, teardown)
 *
 *   TC_UNIT_MAIN(TESTS, NULL, NULL)
 *
 * X(f) is a test alone (cmocka_unit_test), XF(f, setup, teardown) a test
 * with set-up and tear-down of its own (cmocka_unit_test_setup_teardown).
 * The array is still called "tests" and every test still carries its
 * function's name, so cmocka's output (TAP lines "ok N - test_name", the
 * group line "# ok - tests") is what it was before the list had a macro.
 * TC_UNIT_MAIN_EACH is for a file whose tests nearly all share one set-up
 * and tear-down: it names them once, X(f) runs f with them, and a test
 * that needs none is XF(f, NULL, NULL).
 * TC_UNIT_MAIN_IF runs them only when a condition holds (the programmes/
 * folder was found) and else returns 1. A file whose main() must do more
 * before the tests run (set a umask) declares the array with TC_UNIT_TESTS
 * and writes its own main() that ends in cmocka_run_group_tests(tests, ...).
 */
#ifndef TC_UNIT_H
#define TC_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TC_UNIT_TEST(f)		 cmocka_unit_test(f),
#define TC_UNIT_TEST_FX(f, s, t) cmocka_unit_test_setup_teardown(f, s, t),

/* Declares the file's array of tests, "tests", from the X-macro LIST. */
#define TC_UNIT_TESTS(LIST)                                                    \
	static const struct CMUnitTest tests[] = { LIST(                       \
	    TC_UNIT_TEST, TC_UNIT_TEST_FX) }

/* Declares the array and a main() that runs it as one group. */
#define TC_UNIT_MAIN(LIST, group_setup, group_teardown)                        \
	TC_UNIT_TESTS(LIST);                                                   \
	int main(void)                                                         \
	{                                                                      \
		return cmocka_run_group_tests(                                 \
		    tests, group_setup, group_teardown);                       \
	}

/*
 * Declares the array and main() for a list whose X(f) entries all run with
 * each_setup and each_teardown (XF entries keep their own).
 */
#define TC_UNIT_TEST_EACH(f)                                                   \
	cmocka_unit_test_setup_teardown(                                       \
	    f, tc_unit_each_setup, tc_unit_each_teardown),
#define TC_UNIT_MAIN_EACH(LIST, each_setup, each_teardown)                     \
	static int tc_unit_each_setup(void **state)                            \
	{                                                                      \
		return each_setup(state);                                      \
	}                                                                      \
	static int tc_unit_each_teardown(void **state)                         \
	{                                                                      \
		return each_teardown(state);                                   \
	}                                                                      \
	static const struct CMUnitTest tests[] = { LIST(                       \
	    TC_UNIT_TEST_EACH, TC_UNIT_TEST_FX) };                             \
	int main(void)                                                         \
	{                                                                      \
		return cmocka_run_group_tests(tests, NULL, NULL);              \
	}

/* The same, but main() returns 1 and runs nothing unless ready is true. */
#define TC_UNIT_MAIN_IF(LIST, ready, group_setup, group_teardown)              \
	TC_UNIT_TESTS(LIST);                                                   \
	int main(void)                                                         \
	{                                                                      \
		if (!(ready))                                                  \
			return 1;                                              \
		return cmocka_run_group_tests(                                 \
		    tests, group_setup, group_teardown);                       \
	}

/*
 * A group's scratch directory: fx_dir_setup makes fx_dir (a fresh
 * /tmp/tc-unit-XXXXXX), fx_dir_teardown removes it and all in it:
 * TC_UNIT_MAIN(TESTS, fx_dir_setup, fx_dir_teardown).
 */
static __attribute__((unused)) char fx_dir[] = "/tmp/tc-unit-XXXXXX";

static __attribute__((unused)) int
fx_dir_setup(void **state)
{
	(void)state;
	return mkdtemp(fx_dir) == NULL ? -1 : 0;
}

static __attribute__((unused)) int
fx_dir_teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * One case of a table of refusals: the input, the TC_ERR_* code the
 * function under test must return for it, and a part of the message it
 * must write (fx_msg_has checks it).
 */
struct fx_refusal {
	const char *in;
	int code;
	const char *msg;
};

/* One case of a table of conversions: the input and the text expected out. */
struct fx_in_out {
	const char *in;
	const char *out;
};

/* Fails case i of a table unless the message msg contains want. */
static __attribute__((unused)) void
fx_msg_has(size_t i, const char *msg, const char *want)
{
	if (strstr(msg, want) == NULL)
		fail_msg("case %zu: '%s' lacks '%s'", i, msg, want);
}

#endif
