/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the usage ledger in one run: redeems per second with the
 * durable ledger (WAL, synchronous=FULL: one fsync per committed use), on
 * one connection and on two threads with a connection each, against QR
 * verifications per second (tc_credential_verify of a typical card) in the
 * same run; and the usage query (no write). Each rate is the best of 3
 * rounds of about 0.5 s. Then 64 threads on one connection, as a daemon's
 * 64 connections: the redeem rate with group commit (redeems that arrive
 * together share one COMMIT), the redeems per commit and the 99th
 * percentile of a redeem's time. The ledger file is in $TMPDIR (default
 * /tmp): its disk decides the redeem rate. With an argument, a PostgreSQL
 * connection string, the ledger is that database instead
 * (tests/bench/bench-ledger-pg.sh starts a server for it). Made-up card
 * numbers only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/ledger.h"
#include "tcard/programme.h"
#include "tcard/workday.h"

#include "synth.h"

#define NOW 1795233600 /* 2026-11-21T04:00:00Z */

static struct tc_programme_set *set;
static const struct tc_programme *prog;
static struct tc_ledger *led, *led2;
static struct tc_cose_keyring *ring;
static struct tc_buf text;
static unsigned long seq;
static const char *cleanup_cmd;

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench-ledger: %s failed: %s\n", what, err ? err : "");
	exit(1);
}

/* A QR request at NOW for service by gold card card_no of the programme. */
static void
query(struct tc_redeem *q, const char *service, const char *card_no)
{
	memset(q, 0, sizeof(*q));
	q->programme = prog;
	q->service = service;
	q->card_no = card_no;
	q->tier = "gold";
	q->valid_from = NOW - 86400;
	q->channel = TC_CHANNEL_QR;
	q->now = NOW;
}

/* One redeem of an unlimited service by one of 10 000 cards. */
static void
redeem_on(struct tc_ledger *l, unsigned long n)
{
	struct tc_redeem_result r;
	struct tc_redeem q;
	char card[17], id[32], err[256];

	tc_cardno_make(prog->region, (int64_t)(n % 10000) + 1, card);
	snprintf(id, sizeof(id), "bench-%lu", n);
	query(&q, "medical", card);
	q.party = 1;
	q.request_id = id;
	q.window = "bench";
	q.now = NOW;
	if (tc_ledger_redeem(l, &q, &r, err, sizeof(err)) != 0 || !r.allowed)
		die("redeem", err);
}

static void
redeem1(void)
{
	redeem_on(led, __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
}

static void
usage1(void)
{
	struct tc_redeem_result r;
	struct tc_redeem q;
	char card[17], err[256];

	tc_cardno_make(prog->region, 77, card);
	query(&q, "culture-sports.gym", card);
	if (tc_ledger_usage(led, &q, &r, err, sizeof(err)) != 0)
		die("usage", err);
}

static void
verify1(void)
{
	struct tc_verdict v;

	if (tc_credential_verify((const char *)text.data, text.len, ring, NULL,
		NOW, NULL, &v) != 0 ||
	    !v.valid)
		die("verify", v.message);
}

static volatile int stop;
static long done2[2];

#define MANY	64
#define LAT_MAX 200000
static double lat[LAT_MAX]; /* ms, of the 64 threads' redeems */
static long nlat;

static void *
worker_many(void *arg)
{
	double t0, d;
	long k;

	(void)arg;
	while (!stop) {
		t0 = bench_now();
		redeem_on(led, __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
		d = (bench_now() - t0) * 1000.0;
		k = __atomic_fetch_add(&nlat, 1, __ATOMIC_RELAXED);
		if (k < LAT_MAX)
			lat[k] = d;
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* 64 threads on one connection for about 1 s: the rate, p99 and grouping. */
static double
many_threads(double *p99, double *per_commit)
{
	pthread_t t[MANY];
	uint64_t g0, r0, g1, r1;
	double t0, x;
	long i, n;

	tc_ledger_stats(led, &g0, &r0);
	stop = 0;
	nlat = 0;
	t0 = bench_now();
	for (i = 0; i < MANY; i++)
		pthread_create(&t[i], NULL, worker_many, NULL);
	usleep(1000000);
	stop = 1;
	for (i = 0; i < MANY; i++)
		pthread_join(t[i], NULL);
	x = (double)nlat / (bench_now() - t0);
	tc_ledger_stats(led, &g1, &r1);
	n = nlat < LAT_MAX ? nlat : LAT_MAX;
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_double);
	*p99 = n > 0 ? lat[(size_t)((double)(n - 1) * 0.99)] : 0;
	*per_commit = g1 > g0 ? (double)(r1 - r0) / (double)(g1 - g0) : 0;
	return x;
}

static void *
worker(void *arg)
{
	long i = (long)arg;

	while (!stop) {
		redeem_on(i ? led2 : led,
		    __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
		done2[i]++;
	}
	return NULL;
}

static double
two_threads(void)
{
	pthread_t t[2];
	double t0, b = 0, x;
	int round;
	long i;

	for (round = 0; round < 3; round++) {
		stop = 0;
		done2[0] = done2[1] = 0;
		t0 = bench_now();
		for (i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, worker, (void *)i);
		usleep(500000);
		stop = 1;
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		x = (double)(done2[0] + done2[1]) / (bench_now() - t0);
		if (x > b)
			b = x;
	}
	return b;
}

static void
setup(const char *target)
{
	struct tc_cose_key *key, *pub;
	struct tc_claims c;
	EVP_PKEY *pk;
	uint8_t kid[TC_COSE_KID_LEN];
	char path[700], err[512];
	const char *tmp = getenv("TMPDIR");
	static char dir[600];
	static char rm[700];

	if (tc_programme_set_load_dir(
		&set, TC_PROGRAMMES_DIR, err, sizeof(err)) != 0 ||
	    (prog = tc_programme_set_find(set, "baiyun-yunju")) == NULL)
		die("programmes", err);
	snprintf(dir, sizeof(dir), "%s/tc-bench-ledger-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", dir);
	snprintf(path, sizeof(path), "%s/ledger.db", dir);
	if (target != NULL)
		snprintf(path, sizeof(path), "%s", target);
	if (tc_ledger_open(&led, path, err, sizeof(err)) != 0 ||
	    tc_ledger_open(&led2, path, err, sizeof(err)) != 0)
		die("ledger", err);
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&key, pk, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_key_new(&pub, pk, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_keyring_new(&ring) != 0 ||
	    tc_cose_keyring_add(ring, pub) != 0)
		die("keys", NULL);
	memset(&c, 0, sizeof(c));
	tc_cardno_make(prog->region, 77, c.card_no);
	c.programme_code = (uint32_t)prog->code;
	snprintf(c.tier, sizeof(c.tier), "gold");
	snprintf(
	    c.name, sizeof(c.name), "\xe6\x9e\x97\xe6\x85\xa7\xe6\x95\x8f");
	c.issued_at = NOW - 86400;
	c.expires_at = NOW + 365 * 86400LL;
	tc_buf_init(&text, TC_CRED_TEXT_MAX);
	if (tc_claims_bind(&c, "330106198612206509", NULL, 0) != 0 ||
	    tc_credential_encode(&text, &c, key, NULL, 0) != 0)
		die("credential", NULL);
	tc_cose_key_free(key);
	EVP_PKEY_free(pk);
	printf("ledger: %s\n", target != NULL ? "PostgreSQL" : path);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	cleanup_cmd = rm;
}

int
main(int argc, char **argv)
{
	double ver, red, red2, use, many, p99, per;

	setup(argc > 1 ? argv[1] : NULL);
	ver = bench_best(verify1, 0.5, NULL);
	red = bench_best(redeem1, 0.5, NULL);
	red2 = two_threads();
	use = bench_best(usage1, 0.5, NULL);
	many = many_threads(&p99, &per);
	printf(
	    "QR verifications (tc_credential_verify), 1 thread  %8.0f /s  1.00 (reference)\n",
	    ver);
	printf(
	    "durable redeems (fsync per use), 1 thread          %8.0f /s  %.3f of verifications\n",
	    red, red / ver);
	printf(
	    "durable redeems, 2 threads, 2 connections          %8.0f /s  %.3f of verifications\n",
	    red2, red2 / ver);
	printf(
	    "usage queries (no write), 1 thread                 %8.0f /s  %.3f of verifications\n",
	    use, use / ver);
	printf(
	    "durable redeems, 64 threads, 1 connection        %8.0f /s  %.3f of verifications  p99 %.1f ms  %.1f redeems a commit\n",
	    many, many / ver, p99, per);
	printf("uses recorded in the run: %lld\n",
	    (long long)tc_ledger_count(led));
	tc_ledger_close(led);
	tc_ledger_close(led2);
	if (cleanup_cmd != NULL && system(cleanup_cmd) != 0)
		fprintf(stderr, "bench-ledger: could not remove the ledger\n");
	return 0;
}
