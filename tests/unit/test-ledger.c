/* SPDX-License-Identifier: MIT */
/*
 * Tests of the usage ledger (src/ledger/ledger.c) against the shipped programme
 * files: each quota kind exactly at its limit (Baiyun gym 2 a month, airport
 * VIP 2 a year, a per-validity quota), month and year rollover in
 * Asia/Shanghai, the exclusive health-check pair, Chuxiong's party of 3 and
 * its chip-only finance, a green-card sub-card refused a main-card service,
 * idempotent retries, a request id reused for another card, request ids
 * per window (schema 2) and the migration of a schema 1 ledger, the modes
 * of the files (0600) and their check, concurrent
 * redeems of the last use from several threads (exactly one allowed), the
 * durable file across reopen, reports, and bad requests. Made-up card
 * numbers only.
 *
 * With TC_TEST_LEDGER_PG set to a libpq connection string of an empty
 * database, the same tests run on the PostgreSQL backend (the racers'
 * second handle is a second connection, as a second daemon's), except
 * those of the SQLite file (migration, modes, a file that is not a
 * database), which skip: tests/integration/210-ledger-postgresql.sh.
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

#include <sqlite3.h>

#include "unit.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/ledger.h"
#include "tcard/programme.h"
#include "tcard/workday.h"

static struct tc_programme_set *set;
static const struct tc_programme *baiyun, *chuxiong, *green;
static char dir[] = "/tmp/tc-ledger-XXXXXX";
static char path[1024];
static struct tc_ledger *led;
static int on_pg; /* path is a PostgreSQL connection string */

/* 12:00 Asia/Shanghai on that day. */
#define NOON(y, m, d) (tc_time_of_day(tc_day_from_civil(y, m, d)) + 12 * 3600)

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	if (getenv("TC_TEST_LEDGER_PG") != NULL) {
		snprintf(path, sizeof(path), "%s", getenv("TC_TEST_LEDGER_PG"));
		on_pg = 1;
	} else
		snprintf(path, sizeof(path), "%s/ledger.db", dir);
	if (tc_programme_set_load_dir(
		&set, TC_PROGRAMMES_DIR, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	baiyun = tc_programme_set_find(set, "baiyun-yunju");
	chuxiong = tc_programme_set_find(set, "chuxiong-xingchu");
	green = tc_programme_set_find(set, "guangzhou-green");
	if (baiyun == NULL || chuxiong == NULL || green == NULL)
		return -1;
	return tc_ledger_open(&led, path, err, sizeof(err));
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	tc_ledger_close(led);
	tc_programme_set_free(set);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static unsigned long reqno;

/* A fresh request for card serial of p. */
static struct tc_redeem
req(const struct tc_programme *p, int64_t serial, const char *tier,
    const char *service, time_t now)
{
	static char card[8][17], id[8][32];
	static int slot;
	struct tc_redeem q;

	slot = (slot + 1) % 8;
	assert_int_equal(tc_cardno_make(p->region, serial, card[slot]), 0);
	snprintf(id[slot], sizeof(id[slot]), "req-%lu", ++reqno);
	memset(&q, 0, sizeof(q));
	q.programme = p;
	q.service = service;
	q.card_no = card[slot];
	q.tier = tier;
	q.valid_from = NOON(2026, 1, 10);
	q.channel = TC_CHANNEL_QR;
	q.party = 1;
	q.request_id = id[slot];
	q.window = "gym-desk-1";
	q.now = now;
	return q;
}

static void
redeem(const struct tc_redeem *q, int allowed, const char *reason,
    struct tc_redeem_result *res)
{
	char err[256];

	assert_int_equal(tc_ledger_redeem(led, q, res, err, sizeof(err)), 0);
	if (res->allowed != allowed)
		fail_msg("%s: allowed %d (%s: %s), expected %d", q->service,
		    res->allowed, res->reason ? res->reason : "-", res->message,
		    allowed);
	if (reason == NULL)
		assert_null(res->reason);
	else
		assert_string_equal(res->reason, reason);
}

static void
test_month_quota(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q;

	(void)state;
	/* Gym: 2 a month. */
	q = req(baiyun, 101, "gold", "culture-sports.gym", NOON(2026, 11, 3));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.limit, 2);
	assert_int_equal(r.used, 1);
	assert_int_equal(r.remaining, 1);
	assert_int_equal(r.period, TC_PERIOD_MONTH);
	assert_int_equal(r.period_start, tc_day_from_civil(2026, 11, 1));
	assert_int_equal(r.period_end, tc_day_from_civil(2026, 12, 1));
	q = req(baiyun, 101, "gold", "culture-sports.gym", NOON(2026, 11, 20));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.remaining, 0);
	q = req(baiyun, 101, "gold", "culture-sports.gym", NOON(2026, 11, 30));
	redeem(&q, 0, TC_REDEEM_QUOTA_EXHAUSTED, &r);
	assert_int_equal(r.used, 2);
	/* 23:59 on 30 November Shanghai is still November (15:59 UTC)... */
	q = req(baiyun, 101, "gold", "culture-sports.gym",
	    tc_time_of_day(tc_day_from_civil(2026, 12, 1)) - 60);
	redeem(&q, 0, TC_REDEEM_QUOTA_EXHAUSTED, &r);
	/* ... and 00:00 on 1 December (16:00 UTC 30 November) is not. */
	q = req(baiyun, 101, "gold", "culture-sports.gym",
	    tc_time_of_day(tc_day_from_civil(2026, 12, 1)));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.remaining, 1);
	/* Another card has its own quota. */
	q = req(baiyun, 102, "gold", "culture-sports.gym", NOON(2026, 11, 30));
	redeem(&q, 1, NULL, &r);
}

static void
test_year_quota(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q;

	(void)state;
	/* Airport VIP: 2 a year, over both options; diamond only. */
	q = req(
	    baiyun, 201, "diamond", "airport-vip.domestic", NOON(2026, 2, 1));
	redeem(&q, 1, NULL, &r);
	q = req(baiyun, 201, "diamond", "airport-vip.international",
	    NOON(2026, 7, 1));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.period, TC_PERIOD_YEAR);
	assert_int_equal(r.remaining, 0);
	q = req(baiyun, 201, "diamond", "airport-vip.domestic",
	    tc_time_of_day(tc_day_from_civil(2027, 1, 1)) - 1);
	redeem(&q, 0, TC_REDEEM_QUOTA_EXHAUSTED, &r);
	q = req(baiyun, 201, "diamond", "airport-vip.domestic",
	    tc_time_of_day(tc_day_from_civil(2027, 1, 1)));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.period_start, tc_day_from_civil(2027, 1, 1));
	/* Gold is not covered. */
	q = req(baiyun, 202, "gold", "airport-vip.domestic", NOON(2026, 2, 1));
	redeem(&q, 0, TC_REDEEM_NOT_COVERED, &r);
	/* Unlimited: priority registration at a hospital. */
	q = req(baiyun, 201, "diamond", "medical", NOON(2026, 2, 1));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.limit, -1);
	assert_int_equal(r.remaining, -1);
}

static void
test_exclusive(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q;

	(void)state;
	/* The union health check OR the free health check, per year. */
	q = req(baiyun, 301, "diamond", "union-health-check.recuperation",
	    NOON(2026, 3, 1));
	redeem(&q, 1, NULL, &r);
	q = req(baiyun, 301, "diamond", "health-check", NOON(2026, 9, 1));
	redeem(&q, 0, TC_REDEEM_EXCLUSIVE_USED, &r);
	assert_string_equal(r.exclusive_with, "union-health-check");
	/* A new year frees the choice. */
	q = req(baiyun, 301, "diamond", "health-check", NOON(2027, 1, 2));
	redeem(&q, 1, NULL, &r);
	q = req(baiyun, 301, "diamond", "union-health-check", NOON(2027, 5, 2));
	redeem(&q, 0, TC_REDEEM_EXCLUSIVE_USED, &r);
	assert_string_equal(r.exclusive_with, "health-check");
}

static void
test_party_and_channel(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q;

	(void)state;
	/* Scenic spots: holder, spouse and child, 3 tickets. */
	q = req(chuxiong, 401, "a", "scenic-spots", NOON(2026, 5, 1));
	q.party = 3;
	redeem(&q, 1, NULL, &r);
	q = req(chuxiong, 401, "a", "scenic-spots", NOON(2026, 5, 1));
	q.party = 4;
	redeem(&q, 0, TC_REDEEM_PARTY_TOO_LARGE, &r);
	assert_non_null(strstr(r.message, "at most 3"));
	/* Finance: the physical card only. */
	q = req(chuxiong, 402, "b", "finance.vip-window", NOON(2026, 5, 1));
	redeem(&q, 0, TC_REDEEM_WRONG_CHANNEL, &r);
	assert_non_null(strstr(r.message, "physical card"));
	q.channel = TC_CHANNEL_CHIP;
	redeem(&q, 1, NULL, &r);
	/* A green-card sub-card: not for a main-card-only service. */
	q = req(green, 403, "a-spouse", "duty-free-import", NOON(2026, 5, 1));
	redeem(&q, 0, TC_REDEEM_NOT_COVERED, &r);
	q = req(green, 403, "a-spouse", "residence-permit", NOON(2026, 5, 1));
	redeem(&q, 1, NULL, &r);
	/* Unknown services and options. */
	q = req(green, 403, "a", "spa", NOON(2026, 5, 1));
	redeem(&q, 0, TC_REDEEM_UNKNOWN_SERVICE, &r);
	q = req(baiyun, 403, "gold", "culture-sports.spa", NOON(2026, 5, 1));
	redeem(&q, 0, TC_REDEEM_UNKNOWN_SERVICE, &r);
}

static void
test_validity_quota(void **state)
{
	struct tc_programme *p = NULL;
	struct tc_redeem_result r;
	struct tc_redeem q;
	char src[4096], tmp[300], err[512], *text, *at;
	FILE *f;
	long n;

	(void)state;
	/* The fuzz corpus's mini programme, its yearly check made per validity. */
	snprintf(src, sizeof(src),
	    "%s/../tests/fuzz/corpus/programme/mini.json", TC_PROGRAMMES_DIR);
	assert_non_null(f = fopen(src, "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_non_null(text = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_non_null(at = strstr(text, "{\"count\":1,\"period\":\"year\"}"));
	snprintf(tmp, sizeof(tmp), "%s/validity.json", dir);
	assert_non_null(f = fopen(tmp, "wb"));
	fwrite(text, 1, (size_t)(at - text), f);
	fputs("{\"count\":1,\"period\":\"validity\"}", f);
	fputs(at + strlen("{\"count\":1,\"period\":\"year\"}"), f);
	fclose(f);
	free(text);
	if (tc_programme_load(&p, tmp, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	q = req(p, 501, "a", "check", NOON(2026, 2, 1));
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.period, TC_PERIOD_VALIDITY);
	assert_int_equal(r.period_start, 0);
	/* Years later, same validity: still used. */
	q = req(p, 501, "a", "check", NOON(2029, 2, 1));
	redeem(&q, 0, TC_REDEEM_QUOTA_EXHAUSTED, &r);
	/* A renewed credential (new validity) starts again. */
	q.valid_from = NOON(2029, 1, 20);
	redeem(&q, 1, NULL, &r);
	/* The sub-card tier of mini is covered by check, and union is chip-only
	 * with a party of 3. */
	q = req(p, 502, "a-spouse", "check", NOON(2026, 2, 1));
	redeem(&q, 1, NULL, &r);
	q = req(p, 502, "a", "union", NOON(2026, 2, 1));
	redeem(&q, 0, TC_REDEEM_WRONG_CHANNEL, &r);
	tc_programme_free(p);
}

static void
test_idempotent(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q, q2;
	int64_t before;
	char err[256];

	(void)state;
	q = req(baiyun, 601, "gold", "culture-sports.gym", NOON(2026, 11, 3));
	q.request_id = "window-7:2026-11-03:0001";
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.replay, 0);
	before = tc_ledger_count(led);
	/* The same request again (a retry after a lost answer). */
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.replay, 1);
	assert_int_equal(r.used, 1);
	assert_int_equal(tc_ledger_count(led), before);
	/* The same id for another card is refused, not counted. */
	q2 = req(baiyun, 602, "gold", "culture-sports.gym", NOON(2026, 11, 3));
	q2.request_id = q.request_id;
	redeem(&q2, 0, TC_REDEEM_REQID_REUSED, &r);
	assert_int_equal(tc_ledger_count(led), before);
	/* Bad requests are errors, not answers. */
	q2 = q;
	q2.request_id = "has space";
	assert_int_equal(tc_ledger_redeem(led, &q2, &r, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	q2 = q;
	q2.party = 0;
	assert_int_equal(tc_ledger_redeem(led, &q2, &r, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	q2 = q;
	q2.card_no = "4401110000000010";
	assert_int_equal(tc_ledger_redeem(led, &q2, &r, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* usage answers without recording: one used, one left now. */
	q = req(baiyun, 601, "gold", "culture-sports.gym", NOON(2026, 11, 4));
	assert_int_equal(tc_ledger_usage(led, &q, &r, err, sizeof(err)), 0);
	assert_int_equal(r.allowed, 1);
	assert_int_equal(r.used, 1);
	assert_int_equal(r.remaining, 1);
	assert_int_equal(tc_ledger_count(led), before);
}

struct racer {
	struct tc_ledger *l;
	int id;
	int allowed;
	int err;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct tc_redeem_result r;
	struct tc_redeem q;
	char id[32], card[17], err[256];

	tc_cardno_make(baiyun->region, 701, card);
	snprintf(id, sizeof(id), "race-%d", x->id);
	memset(&q, 0, sizeof(q));
	q.programme = baiyun;
	q.service = "health-check";
	q.card_no = card;
	q.tier = "diamond";
	q.valid_from = NOON(2026, 1, 1);
	q.channel = TC_CHANNEL_QR;
	q.party = 1;
	q.request_id = id;
	q.now = NOON(2026, 6, 1);
	x->err = tc_ledger_redeem(x->l, &q, &r, err, sizeof(err));
	x->allowed = x->err == 0 && r.allowed;
	return NULL;
}

static void
test_concurrent_last_use(void **state)
{
	struct racer x[8];
	pthread_t t[8];
	struct tc_ledger *other;
	uint64_t g0, r0, g1, r1;
	char err[256];
	int i, n = 0;

	(void)state;
	/* Half the threads share this process's connection, half use a
	 * second connection to the same file, as a second process would. */
	assert_int_equal(tc_ledger_open(&other, path, err, sizeof(err)), 0);
	tc_ledger_stats(led, &g0, &r0);
	for (i = 0; i < 8; i++) {
		x[i].l = i % 2 ? other : led;
		x[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, race, &x[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(x[i].err, 0);
		n += x[i].allowed;
	}
	assert_int_equal(n, 1);
	/* Each redeem went through a group commit of its connection. */
	tc_ledger_stats(led, &g1, &r1);
	assert_int_equal(r1 - r0, 4);
	assert_true(g1 - g0 >= 1 && g1 - g0 <= 4);
	tc_ledger_close(other);
}

/* A group member: card serial, request id; its answer. */
struct member {
	int64_t serial;
	char id[32];
	int err, allowed, replay;
};

static void *
member_run(void *arg)
{
	struct member *m = arg;
	struct tc_redeem_result r;
	struct tc_redeem q;
	char card[17], err[256];

	tc_cardno_make(baiyun->region, m->serial, card);
	memset(&q, 0, sizeof(q));
	q.programme = baiyun;
	q.service = "medical";
	q.card_no = card;
	q.tier = "diamond";
	q.valid_from = NOON(2026, 1, 1);
	q.channel = TC_CHANNEL_QR;
	q.party = 1;
	q.request_id = m->id;
	q.window = "group";
	q.now = NOON(2026, 7, 1);
	m->err = tc_ledger_redeem(led, &q, &r, err, sizeof(err));
	m->allowed = m->err == 0 && r.allowed;
	m->replay = m->err == 0 && r.replay;
	return NULL;
}

/*
 * 32 threads redeem at once on one connection: 30 distinct cards, and one
 * request id sent twice (a window's retry racing its first try). Every
 * redeem is answered, each distinct one counted once, the retry a replay,
 * and the ledger holds 31 new uses, in at most 32 commits.
 */
static void
test_group_commit(void **state)
{
	struct member m[32];
	pthread_t t[32];
	uint64_t g0, r0, g1, r1;
	int64_t before = tc_ledger_count(led);
	int i, allowed = 0, replays = 0;

	(void)state;
	tc_ledger_stats(led, &g0, &r0);
	for (i = 0; i < 32; i++) {
		m[i].serial = i < 30 ? 900 + i : 999;
		snprintf(m[i].id, sizeof(m[i].id), "group-%d", i < 30 ? i : 30);
		assert_int_equal(
		    pthread_create(&t[i], NULL, member_run, &m[i]), 0);
	}
	for (i = 0; i < 32; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(m[i].err, 0);
		allowed += m[i].allowed;
		replays += m[i].replay;
	}
	assert_int_equal(allowed, 32); /* a replay is an allowed answer */
	assert_int_equal(replays, 1);
	assert_int_equal(tc_ledger_count(led) - before, 31);
	tc_ledger_stats(led, &g1, &r1);
	assert_int_equal(r1 - r0, 32);
	assert_true(g1 - g0 >= 1 && g1 - g0 <= 32);
}

static int
collect(const struct tc_ledger_row *row, void *arg)
{
	int *n = arg;

	assert_int_equal(strlen(row->card_no), 16);
	assert_true(row->party >= 1);
	(*n)++;
	return 0;
}

static void
test_reopen_and_report(void **state)
{
	char err[256];
	int64_t before = tc_ledger_count(led);
	char card[17];
	int n = 0, m = 0;

	(void)state;
	tc_ledger_close(led);
	assert_int_equal(tc_ledger_open(&led, path, err, sizeof(err)), 0);
	assert_int_equal(tc_ledger_count(led), before);
	/* The gym uses of November 2026 (test_month_quota: 3 + 1, and
	 * test_idempotent: 1). */
	assert_int_equal(
	    tc_ledger_report(led, "baiyun-yunju", "culture-sports", NULL,
		tc_day_from_civil(2026, 11, 1), tc_day_from_civil(2026, 12, 1),
		collect, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 4);
	assert_int_equal(tc_ledger_report(led, NULL, NULL, NULL, 0, 4000000,
			     collect, &m, err, sizeof(err)),
	    0);
	assert_int_equal(m, before);
	/* One option, one card: card 101's two gym visits of November. */
	assert_int_equal(tc_cardno_make(baiyun->region, 101, card), 0);
	n = 0;
	assert_int_equal(
	    tc_ledger_report(led, "baiyun-yunju", "culture-sports.gym", card,
		tc_day_from_civil(2026, 11, 1), tc_day_from_civil(2026, 12, 1),
		collect, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(
	    tc_ledger_report(led, "baiyun-yunju", "culture-sports.seminar-room",
		card, 0, 4000000, collect, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 0);
}

/* Two windows may choose the same request id: each is its own use. */
static void
test_request_id_per_window(void **state)
{
	struct tc_redeem_result r;
	struct tc_redeem q, q2;
	int64_t before;

	(void)state;
	q = req(baiyun, 611, "gold", "culture-sports.gym", NOON(2026, 10, 3));
	q.request_id = "0001";
	q.window = "gym-desk-1";
	redeem(&q, 1, NULL, &r);
	before = tc_ledger_count(led);
	/* Window 2's own 0001, for another card: a new use, not a replay
	 * of window 1's and not "request-id-reused". */
	q2 = req(baiyun, 612, "gold", "culture-sports.gym", NOON(2026, 10, 3));
	q2.request_id = "0001";
	q2.window = "gym-desk-2";
	redeem(&q2, 1, NULL, &r);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.used, 1);
	assert_int_equal(tc_ledger_count(led), before + 1);
	/* Window 2's 0001 for window 1's card: again its own use. */
	q2 = req(baiyun, 611, "gold", "culture-sports.gym", NOON(2026, 10, 4));
	q2.request_id = "0001";
	q2.window = "gym-desk-3";
	redeem(&q2, 1, NULL, &r);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.used, 2);
	assert_int_equal(tc_ledger_count(led), before + 2);
	/* Within one window the id still makes a retry count once. */
	redeem(&q, 1, NULL, &r);
	assert_int_equal(r.replay, 1);
	q2 = req(baiyun, 613, "gold", "culture-sports.gym", NOON(2026, 10, 4));
	q2.request_id = "0001";
	q2.window = "gym-desk-1";
	redeem(&q2, 0, TC_REDEEM_REQID_REUSED, &r);
	assert_int_equal(tc_ledger_count(led), before + 2);
}

/* The schema 1 of the first release, as it was written. */
static const char schema_1[] =
    "PRAGMA application_id = 1413698124;\n"
    "CREATE TABLE uses (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	request_id TEXT NOT NULL UNIQUE\n"
    "	    CHECK (length(request_id) BETWEEN 1 AND 64),\n"
    "	card_no TEXT NOT NULL CHECK (length(card_no) = 16),\n"
    "	programme TEXT NOT NULL CHECK (programme <> ''),\n"
    "	service TEXT NOT NULL CHECK (service <> ''),\n"
    "	option TEXT NOT NULL DEFAULT '',\n"
    "	party INTEGER NOT NULL CHECK (party >= 1),\n"
    "	at INTEGER NOT NULL,\n"
    "	day INTEGER NOT NULL,\n"
    "	channel INTEGER NOT NULL CHECK (channel IN (1, 2)),\n"
    "	window TEXT NOT NULL DEFAULT ''\n"
    ") STRICT;\n"
    "CREATE INDEX uses_card ON uses (card_no, programme, service, day);\n"
    "CREATE INDEX uses_day ON uses (day);\n"
    "PRAGMA user_version = 1;\n";

static int64_t
user_version(const char *p)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A schema 1 ledger with one use keeps it and gets per-window ids. */
static void
test_migrate_1_2(void **state)
{
	struct tc_ledger *l = NULL, *ro = NULL;
	struct tc_redeem_result r;
	struct tc_redeem q;
	char p[300], err[256], card[17], sql[512];
	sqlite3 *db = NULL;
	int n = 0;

	(void)state;
	if (on_pg)
		skip(); /* of the SQLite file */
	snprintf(p, sizeof(p), "%s/v1.db", dir);
	assert_int_equal(tc_cardno_make(baiyun->region, 621, card), 0);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, schema_1, NULL, NULL, NULL), 0);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO uses (request_id, card_no, programme, service, option, party, at, day, channel, window) VALUES ('0001', '%s', 'baiyun-yunju', 'culture-sports', 'gym', 1, %lld, %lld, 2, 'gym-desk-1')",
	    card, (long long)NOON(2026, 9, 3),
	    (long long)tc_day_of_time(NOON(2026, 9, 3)));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Read-only (tcard-verify --ledger) reads it as it is. */
	assert_int_equal(tc_ledger_open_readonly(&ro, p, err, sizeof(err)), 0);
	assert_int_equal(tc_ledger_count(ro), 1);
	tc_ledger_close(ro);
	assert_int_equal(user_version(p), 1);
	/* Read-write migrates it, keeping the use. */
	assert_int_equal(tc_ledger_open(&l, p, err, sizeof(err)), 0);
	assert_int_equal(user_version(p), 2);
	assert_int_equal(tc_ledger_count(l), 1);
	assert_int_equal(tc_ledger_report(l, NULL, NULL, card, 0, 4000000,
			     collect, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 1);
	q = req(baiyun, 621, "gold", "culture-sports.gym", NOON(2026, 9, 3));
	q.request_id = "0001";
	q.window = "gym-desk-1";
	assert_int_equal(tc_ledger_redeem(l, &q, &r, err, sizeof(err)), 0);
	assert_int_equal(r.allowed, 1);
	assert_int_equal(r.replay, 1);
	q.window = "gym-desk-2";
	assert_int_equal(tc_ledger_redeem(l, &q, &r, err, sizeof(err)), 0);
	assert_int_equal(r.allowed, 1);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.used, 2);
	assert_int_equal(tc_ledger_count(l), 2);
	tc_ledger_close(l);
	/* Opening it again changes nothing. */
	assert_int_equal(tc_ledger_open(&l, p, err, sizeof(err)), 0);
	assert_int_equal(tc_ledger_count(l), 2);
	tc_ledger_close(l);
}

/* A new ledger and its -wal and -shm are 0600 whatever the umask. */
static void
test_file_modes(void **state)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	struct tc_ledger *l = NULL;
	char p[300], f[320], err[256], msg[512];
	struct stat st;
	mode_t old = umask(022);
	int i;

	(void)state;
	if (on_pg)
		skip(); /* of the SQLite file */
	snprintf(p, sizeof(p), "%s/modes.db", dir);
	assert_int_equal(tc_ledger_open(&l, p, err, sizeof(err)), 0);
	umask(old);
	for (i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", p, suffix[i]);
		assert_int_equal(stat(f, &st), 0);
		if ((st.st_mode & 0777) != 0600)
			fail_msg("%s: mode %03o", f, st.st_mode & 0777);
	}
	assert_int_equal(tc_ledger_check_modes(p, msg, sizeof(msg)), 0);
	snprintf(f, sizeof(f), "%s-wal", p);
	assert_int_equal(chmod(f, 0644), 0);
	assert_int_equal(tc_ledger_check_modes(p, msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "modes.db-wal"));
	assert_non_null(strstr(msg, "644"));
	tc_ledger_close(l);
}

static void
test_not_a_ledger(void **state)
{
	struct tc_ledger *l = NULL;
	char p[300], err[256];
	FILE *f;

	(void)state;
	if (on_pg)
		skip(); /* of the SQLite file */
	snprintf(p, sizeof(p), "%s/junk.db", dir);
	assert_non_null(f = fopen(p, "wb"));
	fputs("this is not a database at all, not even close.........", f);
	fclose(f);
	assert_int_equal(tc_ledger_open(&l, p, err, sizeof(err)), TC_ERR_DB);
	assert_non_null(strstr(err, "not an SQLite database"));
	assert_null(l);
}

#define TESTS(X, XF)                                                           \
	X(test_month_quota)                                                    \
	X(test_year_quota)                                                     \
	X(test_exclusive)                                                      \
	X(test_party_and_channel)                                              \
	X(test_validity_quota)                                                 \
	X(test_idempotent)                                                     \
	X(test_concurrent_last_use)                                            \
	X(test_group_commit)                                                   \
	X(test_reopen_and_report)                                              \
	X(test_request_id_per_window)                                          \
	X(test_migrate_1_2)                                                    \
	X(test_file_modes)                                                     \
	X(test_not_a_ledger)

TC_UNIT_MAIN(TESTS, setup, teardown)
