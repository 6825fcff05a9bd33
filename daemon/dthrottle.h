/* SPDX-License-Identifier: MIT */
/*
 * Guessing throttles (daemon/throttle.c): a table of token buckets of fixed
 * size, keyed by bytes (a client's address key, tc_dreq client_key; a card
 * number). Thread-safe. tcard-verifierd's lookup and verify routes and
 * tcard-issuerd's portal sign-in and registration use them.
 */
#ifndef TC_DTHROTTLE_H
#define TC_DTHROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "dconf.h"

struct tc_dthrottle;

/*
 * A table of slots entries (4-way set-associative, keyed SipHash of the
 * key): rate tokens per period seconds, at most burst tokens. 0, or -1
 * when out of memory or without random bytes.
 */
int tc_dthrottle_new(struct tc_dthrottle **out, unsigned slots,
    struct tc_rate rate, unsigned burst);
void tc_dthrottle_free(struct tc_dthrottle *t);
/*
 * Takes a token for key at now_ns (monotonic). Returns 0 when allowed,
 * else the seconds until a token is available (at least 1).
 */
unsigned tc_dthrottle_take(
    struct tc_dthrottle *t, const void *key, size_t keylen, uint64_t now_ns);
/* Requests refused so far. */
unsigned long tc_dthrottle_refused(const struct tc_dthrottle *t);
/* Counts a refusal made by another bound in t's name (for /metrics). */
void tc_dthrottle_count_refusal(struct tc_dthrottle *t);

#endif
