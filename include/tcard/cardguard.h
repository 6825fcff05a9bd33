/* SPDX-License-Identifier: MIT */
/*
 * The per-card lookup guard of tcard-verifierd: a token bucket per key (a
 * card's serial) that is never forgotten while it holds a guess. Each
 * bucket is one SQLite row, the bucket's theoretical arrival time (GCRA,
 * the "generic cell rate algorithm" of ATM networks: a bucket of burst
 * tokens refilled one per interval is the single time at which it is full
 * again); a row is deleted only once that time has passed, when the bucket
 * is full and so the same as no row. Unlike the daemon's fixed-size
 * throttle tables (verifier/vd-throttle.c), nothing is evicted: the caller
 * bounds the number of keys (the daemon guards only cards of its lookup
 * snapshot). The database is private and in memory, or a file that every
 * daemon opening it on the same host shares (WAL, SQLite's locking), so
 * the bound holds across them. Reference: docs/verifierd.md, "Guessing
 * bounds".
 */
#ifndef TCARD_CARDGUARD_H
#define TCARD_CARDGUARD_H

#include <stddef.h>
#include <stdint.h>

#define TC_CARDGUARD_APP_ID 1413695316 /* PRAGMA application_id, "TCGT" */

struct tc_cardguard;

/*
 * Opens a guard: path NULL, "" or ":memory:" for a private one in memory,
 * else a file, made mode 0600 when missing (WAL, synchronous=NORMAL: a
 * crash may forget the guesses of the last moments, never more; a 2 s
 * busy timeout). A file of another application is refused. Returns 0,
 * TC_ERR_INVALID_ARG, TC_ERR_DB, TC_ERR_UNSUPPORTED, TC_ERR_NOMEM.
 */
int tc_cardguard_open(struct tc_cardguard **out /* OUT */, const char *path,
    char *err, size_t errlen);

/* Closes g (NULL is fine). */
void tc_cardguard_close(struct tc_cardguard *g);

/*
 * Takes one token of key's bucket at now_ms (milliseconds of the wall
 * clock, the one clock processes share): the bucket holds burst tokens and
 * gains one every interval_ms. Sets *wait to 0 when the token was taken,
 * else to the seconds until one is there (at least 1); a refusal takes
 * nothing. A clock that went back never makes a wait longer than a full
 * bucket's refill. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_DB_BUSY (another
 * process held the file past the busy timeout: nothing was taken; the
 * caller should refuse), TC_ERR_DB.
 */
int tc_cardguard_take(struct tc_cardguard *g, uint64_t key, int64_t now_ms,
    int64_t interval_ms, unsigned burst, unsigned *wait /* OUT */, char *err,
    size_t errlen);

/*
 * Deletes the rows of full buckets at now_ms (tc_cardguard_take does so every
 * 256 takes). Returns the rows left, or -1 on an error.
 */
int64_t tc_cardguard_prune(struct tc_cardguard *g, int64_t now_ms);

#endif
