/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the public lookup on a synthetic snapshot of 1,000,000
 * cards (tests/bench/synth.h), as ratios to references measured in the
 * same run:
 *  - loading the snapshot from a directory (tc_lookup_open: signature,
 *    mmap, SHA-256 of the data file, every record checked) against
 *    reading and hashing the same file with SHA-256 alone; and its
 *    resident memory;
 *  - tc_lookup_query_key (pre-keyed pepper), half matching cards and half
 *    unknown ones, and tc_lookup_query (the pepper keyed on each call),
 *    against one tc_pii_id_mac (a single HMAC-SHA256 of an ID number the
 *    way the registry computes it) and one name normalisation, on one
 *    thread and on two.
 * Each figure is the best of 3 rounds. Set TC_BENCH_CARDS to change the
 * snapshot size.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/name.h"
#include "tcard/pii.h"

#include "synth.h"

#define NOW 1790000000

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, int r, const char *err)
{
	fprintf(stderr, "bench-lookup: %s: %s %s\n", what, tc_strerror(r),
	    err ? err : "");
	exit(1);
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static const uint8_t pepper[32] = "bench-pepper-0123456789abcdefghi";
static struct tc_lookup *lk;
static struct tc_lookup_key *lkey;
static uint32_t ncards;

/* Queries: the card, name and ID of card i, or of an unknown card. */
struct q {
	char card[17], name[64], id[TC_ID_MAX];
};
#define NQ 4096
static struct q qs[NQ];

struct job {
	int mode; /* 0 query_key, 1 query, 2 pii_id_mac, 3 name normalise */
	size_t n;
	double secs;
	size_t matched;
};

static void *
run(void *arg)
{
	struct job *j = arg;
	struct tc_lookup_answer a;
	struct tc_buf nb;
	uint8_t mac[32];
	double t0 = mono();
	size_t i;
	int r = 0;

	tc_buf_init(&nb, 1024);
	j->matched = 0;
	for (i = 0; i < j->n; i++) {
		const struct q *x = &qs[i % NQ];

		switch (j->mode) {
		case 0:
			r = tc_lookup_query_key(lk, lkey, x->card, x->name,
			    x->id, NULL, NOW, &a, NULL, 0);
			j->matched += a.result != TC_LOOKUP_NO_MATCH;
			break;
		case 1:
			r = tc_lookup_query(lk, pepper, x->card, x->name, x->id,
			    NULL, NOW, &a, NULL, 0);
			j->matched += a.result != TC_LOOKUP_NO_MATCH;
			break;
		case 2:
			r = tc_pii_id_mac(pepper, x->id, mac);
			break;
		case 3:
			tc_buf_reset(&nb);
			r = tc_name_normalise(
			    x->name, strlen(x->name), &nb, NULL, 0);
			break;
		}
		if (r != 0)
			die("query", r, NULL);
	}
	j->secs = mono() - t0;
	tc_buf_release(&nb);
	return NULL;
}

/* Operations per second, best of 3, on threads threads. */
static double
rate(int mode, size_t n, int threads, size_t *matched)
{
	pthread_t th[2];
	struct job j[2];
	double best = 0, r, worst;
	int round, t;

	for (round = 0; round < 3; round++) {
		for (t = 0; t < threads; t++) {
			j[t].mode = mode;
			j[t].n = n;
			if (pthread_create(&th[t], NULL, run, &j[t]) != 0)
				die("pthread_create", TC_ERR_INTERNAL, NULL);
		}
		worst = 0;
		for (t = 0; t < threads; t++) {
			pthread_join(th[t], NULL);
			if (j[t].secs > worst)
				worst = j[t].secs;
		}
		r = (double)n * threads / worst;
		if (r > best)
			best = r;
	}
	if (matched != NULL)
		*matched = j[0].matched;
	return best;
}

int
main(void)
{
	EVP_PKEY *pk;
	struct tc_cose_key *key, *vkey;
	struct tc_cose_keyring *kr;
	struct tc_buf data, sig, file;
	struct synth_card c;
	uint32_t *revoked;
	size_t nrevoked, i, matched;
	uint8_t kid[8], sha[32];
	unsigned int shalen;
	char dir[] = "/tmp/tc-bench-lookup-XXXXXX", err[512] = "", path[300];
	char name[TC_BUNDLE_NAME_MAX];
	double t0, tbuild, tload = 1e9, tsha = 1e9, t, ref, ref2, v;
	long rss0, rss1 = 0;
	const char *env = getenv("TC_BENCH_CARDS");
	int r, round;

	ncards = env != NULL ? (uint32_t)strtoul(env, NULL, 10) : 1000000;
	if (ncards < 2)
		ncards = 2;
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&key, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_key_new(&vkey, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_keyring_new(&kr) != 0 ||
	    tc_cose_keyring_add(kr, vkey) != 0 ||
	    tc_lookup_key_new(&lkey, pepper) != 0)
		die("keys", TC_ERR_CRYPTO, NULL);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", TC_ERR_IO, NULL);
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	t0 = mono();
	if ((r = synth_build(lkey, ncards, NOW, 1, key, &data, &sig, &revoked,
		 &nrevoked, err, sizeof(err))) != 0)
		die("synth_build", r, err);
	tbuild = mono() - t0;
	snprintf(name, sizeof(name), TC_BUNDLE_LOOKUP_FMT, 1ull);
	if ((r = tc_bundle_write_file(
		 dir, name, data.data, data.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(dir, TC_BUNDLE_LOOKUP_SIG, sig.data,
		 sig.len, err, sizeof(err))) != 0)
		die("write", r, err);
	printf(
	    "snapshot: %u cards, data file %zu bytes (%.1f MiB), header %zu bytes; built in %.2f s (synthetic names and IDs, normalised and MAC'd)\n",
	    ncards, data.len, (double)data.len / 1048576, sig.len, tbuild);
	tc_buf_release(&data);

	/* Loading against reading and hashing the file. */
	rss0 = rss_kib();
	for (round = 0; round < 3; round++) {
		tc_buf_init(&file, 64u * 1024 * 1024 * 16);
		t = mono();
		if ((r = tc_bundle_read_file(dir, name, (size_t)1 << 31, &file,
			 err, sizeof(err))) != 0 ||
		    EVP_Digest(file.data, file.len, sha, &shalen, EVP_sha256(),
			NULL) != 1)
			die("sha", r, err);
		t = mono() - t;
		tsha = t < tsha ? t : tsha;
		tc_buf_release(&file);
		tc_lookup_free(lk);
		lk = NULL;
		t = mono();
		if ((r = tc_lookup_open(&lk, dir, kr, NOW, err, sizeof(err))) !=
		    0)
			die("tc_lookup_open", r, err);
		t = mono() - t;
		tload = t < tload ? t : tload;
		if (round == 0)
			rss1 = rss_kib();
	}
	printf(
	    "load: read + SHA-256 of the data file (reference) %7.1f ms  1.00\n",
	    tsha * 1e3);
	printf(
	    "load: tc_lookup_open (verify, mmap, hash, check)  %7.1f ms  %.2f\n",
	    tload * 1e3, tload / tsha);
	printf("load: resident memory after the first open: +%.1f MiB\n",
	    (double)(rss1 - rss0) / 1024);

	/* Queries: even entries match, odd ones are unknown serials. */
	for (i = 0; i < NQ; i++) {
		uint32_t k = (uint32_t)((i * 7919u * 104729u) % ncards);

		synth_card(k, NOW, &c);
		if (i % 2 == 1) {
			if (tc_cardno_make("440111", (uint64_t)ncards + 1 + i,
				c.card) != 0)
				die("cardno", TC_ERR_INTERNAL, NULL);
		}
		memcpy(qs[i].card, c.card, sizeof(qs[i].card));
		snprintf(qs[i].name, sizeof(qs[i].name), "%s", c.name);
		snprintf(qs[i].id, sizeof(qs[i].id), "%s", c.id);
	}
	ref = rate(2, 200000, 1, NULL);
	printf("query: tc_pii_id_mac, one HMAC (reference)  %9.0f /s  1.00\n",
	    ref);
	ref2 = rate(3, 200000, 1, NULL);
	printf("query: tc_name_normalise                    %9.0f /s  %.2f\n",
	    ref2, ref2 / ref);
	v = rate(0, 200000, 1, &matched);
	printf(
	    "query: tc_lookup_query_key, 1 thread        %9.0f /s  %.2f  (%.1f us; %zu of 200000 matched)\n",
	    v, v / ref, 1e6 / v, matched);
	v = rate(1, 100000, 1, NULL);
	printf("query: tc_lookup_query (raw pepper)         %9.0f /s  %.2f\n",
	    v, v / ref);
	ref = rate(2, 200000, 2, NULL);
	v = rate(0, 200000, 2, NULL);
	printf(
	    "query: 2 threads: tc_lookup_query_key %.0f /s, tc_pii_id_mac %.0f /s, ratio %.2f\n",
	    v, ref, v / ref);

	tc_lookup_free(lk);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dir, TC_BUNDLE_LOOKUP_SIG);
	unlink(path);
	rmdir(dir);
	free(revoked);
	tc_buf_release(&sig);
	tc_lookup_key_free(lkey);
	tc_cose_keyring_free(kr);
	tc_cose_key_free(key);
	EVP_PKEY_free(pk);
	return 0;
}
