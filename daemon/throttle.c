/* SPDX-License-Identifier: MIT */
/*
 * Guessing throttles of the daemons (daemon/dthrottle.h): token buckets in
 * a table of fixed size, so a flood of new addresses or keys cannot make a
 * daemon grow. The table is 4-way set-associative; the set of a key is
 * chosen by SipHash-2-4 under a random key made at start, so nobody can
 * aim many keys at one set. When a set is full, the entry that has
 * refilled the most is replaced: a full bucket is worth the same as a new
 * one, so the entries that are actually being throttled are the last to
 * go. Each set has its own lock (striped), held for a few arithmetic
 * operations. Such a table may forget a drained bucket once its set is
 * full of buckets drained later: a bound on guessing from many keys, not
 * an exact count per key (tcard-verifierd keeps exact per-card buckets
 * beside it, include/tcard/cardguard.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "dthrottle.h"

#define WAYS	4
#define STRIPES 256

struct entry {
	uint64_t tag; /* SipHash of the key; 0: empty */
	uint64_t last_ns;
	double tokens;
};

struct tc_dthrottle {
	struct entry *e;
	size_t nsets;  /* a power of two */
	double per_ns; /* tokens per nanosecond */
	double burst;
	uint8_t key[16];
	pthread_mutex_t lock[STRIPES];
	atomic_ulong refused;
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = ROTL(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = ROTL(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = ROTL(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = ROTL(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = ROTL(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = ROTL(v2, 32);                                             \
	} while (0)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* SipHash-2-4 (Aumasson and Bernstein), 64-bit output. */
static uint64_t
siphash(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = le64(key), k1 = le64(key + 8), m, b;
	uint64_t v0 = 0x736f6d6570736575ull ^ k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0;
	uint64_t v3 = 0x7465646279746573ull ^ k1;
	size_t i, left = len & 7, end = len - left;

	for (i = 0; i < end; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	for (i = 0; i < left; i++)
		b |= (uint64_t)in[end + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

int
tc_dthrottle_new(struct tc_dthrottle **out, unsigned slots, struct tc_rate rate,
    unsigned burst)
{
	struct tc_dthrottle *t;
	size_t nsets = 1, i;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	while (nsets * WAYS < slots)
		nsets <<= 1;
	if ((t->e = calloc(nsets * WAYS, sizeof(*t->e))) == NULL ||
	    RAND_bytes(t->key, sizeof(t->key)) != 1) {
		free(t->e);
		free(t);
		return -1;
	}
	t->nsets = nsets;
	t->per_ns = (double)rate.count / ((double)rate.period * 1e9);
	t->burst = burst;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_init(&t->lock[i], NULL);
	*out = t;
	return 0;
}

void
tc_dthrottle_free(struct tc_dthrottle *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&t->lock[i]);
	free(t->e);
	free(t);
}

static double
refilled(const struct tc_dthrottle *t, const struct entry *e, uint64_t now)
{
	double v;

	if (e->tag == 0)
		return t->burst;
	v = e->tokens +
	    (double)(now > e->last_ns ? now - e->last_ns : 0) * t->per_ns;
	return v > t->burst ? t->burst : v;
}

unsigned
tc_dthrottle_take(
    struct tc_dthrottle *t, const void *key, size_t keylen, uint64_t now_ns)
{
	uint64_t h = siphash(t->key, key, keylen) | 1;
	size_t set = (size_t)(h >> 20) & (t->nsets - 1), i, pick = WAYS;
	struct entry *s = t->e + set * WAYS, *e;
	pthread_mutex_t *lk = &t->lock[set % STRIPES];
	double best = -1, v, wait;
	unsigned secs = 0;

	pthread_mutex_lock(lk);
	for (i = 0; i < WAYS; i++)
		if (s[i].tag == h) {
			pick = i;
			break;
		}
	if (pick == WAYS) {
		/* New key: an empty way, else the fullest bucket. */
		for (i = 0; i < WAYS; i++) {
			v = refilled(t, &s[i], now_ns);
			if (v > best) {
				best = v;
				pick = i;
			}
		}
		s[pick].tag = 0;
	}
	e = &s[pick];
	v = refilled(t, e, now_ns);
	e->tag = h;
	e->last_ns = now_ns;
	if (v >= 1.0)
		e->tokens = v - 1.0;
	else {
		e->tokens = v;
		wait = (1.0 - v) / t->per_ns / 1e9;
		secs = wait < 1.0	  ? 1
		    : wait > 86400.0 * 30 ? 86400 * 30
					  : (unsigned)wait + 1;
	}
	pthread_mutex_unlock(lk);
	if (secs != 0)
		atomic_fetch_add_explicit(&t->refused, 1, memory_order_relaxed);
	return secs;
}

unsigned long
tc_dthrottle_refused(const struct tc_dthrottle *t)
{
	return atomic_load_explicit(&t->refused, memory_order_relaxed);
}

void
tc_dthrottle_count_refusal(struct tc_dthrottle *t)
{
	atomic_fetch_add_explicit(&t->refused, 1, memory_order_relaxed);
}
