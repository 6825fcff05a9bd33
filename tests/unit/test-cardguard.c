/* SPDX-License-Identifier: MIT */
/*
 * Tests of the per-card lookup guard (src/ledger/cardguard.c): a bucket of burst
 * tokens refilled one per interval, a refusal that takes nothing and says
 * how long to wait, a key never forgotten while it holds a guess however
 * many other keys come, full buckets pruned, a clock gone back, two handles
 * on one file sharing the bound (as two daemons do), from threads at once,
 * the file's mode, and a file of another kind refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "tcard/cardguard.h"
#include "tcard/err.h"
#include "tcard/ledger.h"

#define T0    INT64_C(1800000000000) /* ms */
#define SEC   INT64_C(1000)
#define IVL   (360 * SEC) /* 10 an hour */
#define BURST 5

/* The wait of one take (0: taken). */
static unsigned
take(struct tc_cardguard *g, uint64_t key, int64_t now)
{
	unsigned wait = 99;
	char err[256];

	if (tc_cardguard_take(
		g, key, now, IVL, BURST, &wait, err, sizeof(err)) != 0)
		fail_msg("take: %s", err);
	return wait;
}

/*
 * A guard in memory ("" or NULL: path) with key's bucket drained: BURST
 * takes, the i-th at now + i * step, each of which must pass.
 */
static struct tc_cardguard *
drained(const char *path, uint64_t key, int64_t now, int64_t step)
{
	struct tc_cardguard *g = NULL;
	char err[256];
	int i;

	assert_int_equal(tc_cardguard_open(&g, path, err, sizeof(err)), 0);
	for (i = 0; i < BURST; i++)
		assert_int_equal(take(g, key, now + i * step), 0);
	return g;
}

static void
test_bucket(void **state)
{
	struct tc_cardguard *g;
	char err[256];
	unsigned w;

	(void)state;
	g = drained(NULL, 42, T0, 1);
	w = take(g, 42, T0 + 10);
	/* The next token comes 360 s after the first take. */
	assert_true(w >= 359 && w <= 361);
	/* A refusal took nothing: still one token at T0 + 360 s. */
	assert_true(take(g, 42, T0 + 20) > 0);
	assert_int_equal(take(g, 42, T0 + IVL + 1), 0);
	assert_true(take(g, 42, T0 + IVL + 2) > 0);
	/* Another key is another bucket. */
	assert_int_equal(take(g, 43, T0), 0);
	/* Bad arguments. */
	assert_int_equal(
	    tc_cardguard_take(g, 1, T0, 0, BURST, &w, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_cardguard_take(g, 1, T0, IVL, 0, &w, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_cardguard_close(g);
}

/*
 * The fixed-size tables of the daemon forgot a drained bucket after about
 * one table's worth of other drained keys; the guard forgets nothing.
 */
static void
test_never_forgets(void **state)
{
	struct tc_cardguard *g;
	uint64_t k;

	(void)state;
	g = drained("", 7, T0, 0);
	for (k = 1000; k < 21000; k++) {
		assert_int_equal(take(g, k, T0 + 1), 0);
		assert_int_equal(take(g, k, T0 + 1), 0);
	}
	assert_true(take(g, 7, T0 + 2) > 0);
	/* Every bucket is drained a little: nothing can be pruned yet. */
	assert_int_equal(tc_cardguard_prune(g, T0 + 3), 20001);
	/* Once full again, the rows go. */
	assert_int_equal(tc_cardguard_prune(g, T0 + BURST * IVL + 1), 0);
	assert_int_equal(take(g, 7, T0 + BURST * IVL + 2), 0);
	tc_cardguard_close(g);
}

static void
test_clock_back(void **state)
{
	struct tc_cardguard *g;
	unsigned w;

	(void)state;
	g = drained(NULL, 9, T0, 0);
	/* The clock goes back a day: the wait is at most a full refill. */
	w = take(g, 9, T0 - 86400 * SEC);
	assert_true(w > 0 && w <= BURST * IVL / SEC + 1);
	tc_cardguard_close(g);
}

struct racer {
	const char *path;
	int allowed;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct tc_cardguard *g = NULL;
	char err[256];
	unsigned w;
	int i;

	if (tc_cardguard_open(&g, r->path, err, sizeof(err)) != 0)
		return NULL;
	for (i = 0; i < 4; i++)
		if (tc_cardguard_take(
			g, 77, T0, IVL, BURST, &w, err, sizeof(err)) == 0 &&
		    w == 0)
			r->allowed++;
	tc_cardguard_close(g);
	return NULL;
}

/* Two daemons on one file share the bound, even all at once. */
static void
test_shared_file(void **state)
{
	struct tc_cardguard *a = NULL, *b = NULL;
	struct racer rc[4];
	pthread_t th[4];
	char p[300], p2[300], err[256];
	struct stat st;
	mode_t old;
	int i, total = 0;

	(void)state;
	snprintf(p, sizeof(p), "%s/guard.db", fx_dir);
	old = umask(022);
	assert_int_equal(tc_cardguard_open(&a, p, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(tc_cardguard_open(&b, p, err, sizeof(err)), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tc_ledger_check_modes(p, err, sizeof(err)), 0);
	assert_int_equal(take(a, 5, T0), 0);
	assert_int_equal(take(b, 5, T0), 0);
	assert_int_equal(take(a, 5, T0), 0);
	assert_int_equal(take(b, 5, T0), 0);
	assert_int_equal(take(a, 5, T0), 0);
	assert_true(take(b, 5, T0) > 0);
	assert_true(take(a, 5, T0) > 0);
	tc_cardguard_close(a);
	tc_cardguard_close(b);
	/* Reopened, it still remembers. */
	assert_int_equal(tc_cardguard_open(&a, p, err, sizeof(err)), 0);
	assert_true(take(a, 5, T0 + 1) > 0);
	tc_cardguard_close(a);
	/* Four handles in four threads: five tokens in all. */
	for (i = 0; i < 4; i++) {
		rc[i].path = p;
		rc[i].allowed = 0;
		assert_int_equal(pthread_create(&th[i], NULL, race, &rc[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		total += rc[i].allowed;
	}
	assert_int_equal(total, BURST);
	/* A ledger is not a guard. */
	snprintf(p2, sizeof(p2), "%s/ledger.db", fx_dir);
	{
		struct tc_ledger *l = NULL;

		assert_int_equal(tc_ledger_open(&l, p2, err, sizeof(err)), 0);
		tc_ledger_close(l);
	}
	assert_int_equal(
	    tc_cardguard_open(&a, p2, err, sizeof(err)), TC_ERR_DB);
	assert_non_null(strstr(err, "not a lookup guard"));
	assert_null(a);
}

#define TESTS(X, XF)                                                           \
	X(test_bucket)                                                         \
	X(test_never_forgets)                                                  \
	X(test_clock_back)                                                     \
	X(test_shared_file)

TC_UNIT_MAIN(TESTS, fx_dir_setup, fx_dir_teardown)
