/* SPDX-License-Identifier: MIT */
/*
 * A synthetic lookup snapshot for benchmarks and tools (bench-lookup.c,
 * make-bundle.c): card i (0-based) gets serial i + 1 in region 440111, a
 * made-up name from small tables (Chinese or Latin) and a made-up ID
 * number (a resident number with a valid check character, or a passport
 * number), a status and an expiry, all derived from i alone so a run can
 * be repeated and a caller can recompute any card's fields; and the clock
 * and rate loop every benchmark times its operations with (bench_now,
 * bench_rate, bench_best). Not part of libtcard; included by the files
 * that use it, each using only some of it.
 */
#ifndef TCARD_BENCH_SYNTH_H
#define TCARD_BENCH_SYNTH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/name.h"
#include "tcard/registry.h"
#include "sample.h"

/* Seconds on the monotonic clock. */
static __attribute__((unused)) double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Calls fn until secs seconds have passed; returns the calls a second and
 * adds their number to *n_out unless n_out is NULL.
 */
static __attribute__((unused)) double
bench_rate(void (*fn)(void), double secs, long *n_out)
{
	double t0 = bench_now(), t;
	long n = 0;

	do {
		fn();
		n++;
	} while ((t = bench_now() - t0) < secs);
	if (n_out != NULL)
		*n_out += n;
	return (double)n / t;
}

/* The best of three bench_rate runs. */
static __attribute__((unused)) double
bench_best(void (*fn)(void), double secs, long *n_out)
{
	double b = 0, x;
	int i;

	for (i = 0; i < 3; i++)
		if ((x = bench_rate(fn, secs, n_out)) > b)
			b = x;
	return b;
}

struct synth_card {
	char card[17];
	char name[64];
	char id[TC_ID_MAX];
	enum tc_card_status status;
	int in_revocations; /* listed in the revocation list */
	const char *programme;
	const char *tier;
	time_t expires_at;
};

/* The fields of card i at time now. */
static __attribute__((unused)) void
synth_card(uint32_t i, time_t now, struct synth_card *c)
{
	static const char *const sur[] = { "张", "王", "李", "赵", "陈", "刘",
		"杨", "黄", "周", "吴" };
	static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "强",
		"磊", "洋", "艳", "勇", "军", "杰" };
	static const char *const first[] = { "Anna", "Marco", "Sofia", "John",
		"Aditya", "Lena", "Pierre", "Yuki" };
	static const char *const last[] = { "Schneider", "Bianchi", "Smith",
		"Iyer", "Müller", "Dubois", "Tanaka" };
	static const char *const progs[] = { "baiyun-yunju", "guangzhou-green",
		"guangdong-youyue", "chuxiong-xingchu" };
	static const char *const tiers[] = { "a", "b", "c", "gold" };
	char birth[9];
	uint32_t h = i * 2654435761u;

	memset(c, 0, sizeof(*c));
	if (tc_cardno_make("440111", (uint64_t)i + 1, c->card) != 0)
		abort();
	if (i % 3 != 2)
		snprintf(c->name, sizeof(c->name), "%s%s%s", sur[h % 10],
		    given[(h >> 8) % 12], given[(h >> 16) % 12]);
	else
		snprintf(c->name, sizeof(c->name), "%s %s", first[h % 8],
		    last[(h >> 8) % 7]);
	if (i % 2 == 0) {
		snprintf(birth, sizeof(birth), "19%02u%02u%02u",
		    60 + (h >> 4) % 40, 1 + (h >> 12) % 12, 1 + (h >> 20) % 28);
		tc_sample_resident_id(c->id, "440106", birth,
		    (int)((i / 2) % 1000), (int)(h & 1));
	} else
		snprintf(c->id, sizeof(c->id), "E%08u", i % 100000000u);
	c->programme = progs[i % 4];
	c->tier = tiers[(i / 4) % 4];
	c->status = TC_CARD_ISSUED;
	c->expires_at = now + 86400 * (1 + (time_t)(h % 1800));
	if (i % 97 == 5)
		c->status = TC_CARD_SUSPENDED;
	if (i % 89 == 7) {
		c->status = TC_CARD_EXPIRED;
		c->expires_at = now - 86400 * (1 + (time_t)(h % 300));
	}
	if (i % 101 == 9) {
		c->status = TC_CARD_REVOKED;
		c->in_revocations = 1;
	}
}

/*
 * Builds the snapshot of cards 0..n-1 (sequence number seq, issued at now)
 * into data and sig; the serials of revoked cards go to *revoked (malloc'd,
 * *nrevoked of them). Returns 0 or a TC_ERR_* code with err filled.
 */
static __attribute__((unused)) int
synth_build(const struct tc_lookup_key *k, uint32_t n, time_t now, uint64_t seq,
    const struct tc_cose_key *signer, struct tc_buf *data, struct tc_buf *sig,
    uint32_t **revoked, size_t *nrevoked, char *err, size_t errlen)
{
	struct tc_lookup_builder *b = NULL;
	struct tc_lookup_entry e;
	struct synth_card c;
	struct tc_buf nn;
	uint32_t i, *rv;
	size_t nr = 0;
	int r;

	*revoked = NULL;
	*nrevoked = 0;
	if ((rv = malloc(((size_t)n / 101 + 2) * sizeof(*rv))) == NULL)
		return TC_ERR_NOMEM;
	tc_buf_init(&nn, 1024);
	if ((r = tc_lookup_builder_new(&b, k, n)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		synth_card(i, now, &c);
		memset(&e, 0, sizeof(e));
		tc_buf_reset(&nn);
		if ((r = tc_name_normalise(
			 c.name, strlen(c.name), &nn, err, errlen)) != 0 ||
		    (r = tc_lookup_key_name_mac(
			 k, (const char *)nn.data, e.name_mac)) != 0 ||
		    (r = tc_lookup_key_id_mac(k, c.id, e.id_mac)) != 0)
			goto out;
		e.card_no = c.card;
		e.status = c.status;
		e.programme = c.programme;
		e.tier = c.tier;
		e.expires_at = c.expires_at;
		if ((r = tc_lookup_builder_add(b, &e, err, errlen)) != 0)
			goto out;
		if (c.in_revocations)
			rv[nr++] = i + 1;
	}
	if ((r = tc_lookup_builder_finish(
		 b, seq, now, signer, data, sig, err, errlen)) != 0)
		goto out;
	*revoked = rv;
	*nrevoked = nr;
	rv = NULL;
out:
	free(rv);
	tc_lookup_builder_free(b);
	tc_buf_release(&nn);
	return r;
}

#endif
