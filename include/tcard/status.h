/* SPDX-License-Identifier: MIT */
/*
 * The status of a card as a verifier knows it, and what that knowledge
 * rests on. A credential's signature and dates say the card was issued and
 * has not run out; only the signed status data of the bundle says whether
 * it has been revoked (the revocation list, with its deltas) or suspended,
 * revoked or expired early since (the lookup snapshot, which carries the
 * registry's status of every card, sub-cards cascaded). This module loads
 * that data from a bundle directory the way tcard-verifierd does, answers
 * the status of one card from it, and folds the answer into a verdict, so
 * tcard-verify and tcard-verifierd give the same results for the same
 * data: a suspended card is SUSPENDED, never VALID; without a current
 * revocation list a card's status is unknown. Reference: docs/formats.md,
 * "Card status and trust basis"; docs/bundle.md.
 */
#ifndef TCARD_STATUS_H
#define TCARD_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tc_trust;
struct tc_revocations;
struct tc_lookup;
struct tc_verdict;
struct tc_cose_keyring;

/* The status of a card; names by tc_status_name. */
enum tc_status {
	TC_STATUS_NOT_CHECKED = 0, /* "not-checked": skipped on request */
	TC_STATUS_UNKNOWN,	   /* "unknown": no current revocation list */
	TC_STATUS_VALID,	   /* "valid" */
	TC_STATUS_SUSPENDED,	   /* "suspended" */
	TC_STATUS_REVOKED,	   /* "revoked" */
	TC_STATUS_EXPIRED,	   /* "expired" (by the registry, early) */
};

/* How the CA of the trust list in use was accepted. */
enum tc_ca_basis {
	TC_CA_UNSTATED = 0, /* "unstated": the caller did not say */
	TC_CA_PINNED,	    /* "pinned": a configured pin matched */
	TC_CA_FIRST_USE,    /* "first-use": pinned from the first list */
	TC_CA_UNPINNED,	    /* "unpinned": accepted without a pin, on request */
};

/*
 * The status of one card and the data it was decided from (struct
 * tc_verdict.status; zero until tc_status_check fills it).
 */
struct tc_status_answer {
	enum tc_status status;
	/* The revocation list used (have_rev 0: none was held). */
	int have_rev;
	uint64_t rev_seq;
	time_t rev_issued_at, rev_next_update;
	int rev_current; /* now <= next-update + grace */
	/* The lookup snapshot used (have_lookup 0: none was held). */
	int have_lookup;
	uint64_t lookup_seq;
	time_t lookup_issued_at;
	int listed; /* the snapshot has a record of the card */
	/* The trust list's CA and how it was accepted. */
	enum tc_ca_basis ca;
	uint8_t ca_sha256[32];
};

/* "not-checked", "unknown", "valid", ...; "?" for another value. */
const char *tc_status_name(enum tc_status s);
/* "unstated", "pinned", "first-use", "unpinned"; "?" otherwise. */
const char *tc_ca_basis_name(enum tc_ca_basis b);

/*
 * The status of card_no (16 digits with a good Luhn digit) from rev and
 * lk (either may be NULL; both borrowed), in this order: revoked when rev
 * lists the serial or the snapshot's record says revoked; expired when
 * the record says expired (a card the registry expired early); suspended
 * when the record says so; else valid when rev is current (now at most
 * grace seconds past its next-update), else unknown. A card the snapshot
 * does not list (issued after it) is decided by rev alone. card_no NULL
 * (no genuine card to ask about) fills only the basis, status unknown.
 * Fills *out (the trust members are left zero for the caller). Returns 0
 * or TC_ERR_INVALID_ARG (a bad card number or NULL out).
 */
int tc_status_check(const struct tc_revocations *rev,
    const struct tc_lookup *lk, long grace, const char *card_no, time_t now,
    struct tc_status_answer *out /* OUT */);

/*
 * Folds s into v (copied to v->status). A verdict already refused stays
 * as it is. A valid one becomes, by s->status: revoked -> INVALID revoked
 * (detail "lookup-snapshot"); expired -> INVALID expired (detail
 * "lookup-snapshot"); suspended -> SUSPENDED (reason "suspended");
 * unknown -> UNKNOWN-STATUS (reason "stale-revocations" with a list past
 * next-update, "no-revocations" without a list) unless unknown_ok; valid
 * and not-checked leave it valid. The message says what happened.
 */
void tc_status_apply(
    struct tc_verdict *v, const struct tc_status_answer *s, int unknown_ok);

/*
 * The result word of a verdict: "VALID", "SUSPENDED" (reason suspended),
 * "UNKNOWN-STATUS" (reasons no-revocations, stale-revocations) or
 * "INVALID".
 */
const char *tc_status_result(const struct tc_verdict *v);

/* ---- The status data of a bundle directory ---- */

/* What tc_status_data_load read from a bundle directory. */
struct tc_status_data {
	struct tc_trust *trust;	    /* trust.cose, verified */
	struct tc_revocations *rev; /* revocations.cose + its deltas */
	unsigned deltas;	    /* delta files applied */
	struct tc_lookup *lookup;   /* lookup.cose + data; NULL: none */
	enum tc_ca_basis ca;	    /* pinned or unpinned */
};

#define TC_STATUS_DELTA_CHAIN_MAX 32 /* deltas applied after a list */
#define TC_STATUS_DELTA_MAX	  (1024u * 1024) /* bytes of one delta file */

/*
 * Loads the status data of the bundle directory dir as tcard-issuer
 * publish writes it (docs/bundle.md) and tcard-verifierd reads it:
 * trust.cose verified against ca_pin (SHA-256 of the CA certificate; NULL
 * accepts the list's own CA, recorded as unpinned) and refused when issued
 * more than 300 s after now; revocations.cose verified with the trust
 * list's keyring, then each revocations-since-SEQ.cose from the list's
 * number applied in turn (tc_status_apply_deltas); lookup.cose and its
 * data file when lookup.cose exists (one that is there and does not
 * verify is an error, not a missing snapshot). d is zeroed first; release
 * it with tc_status_data_release (also after a failure). Returns 0 or
 * the errors of tc_bundle_read_file, tc_trust_load, tc_revocations_load,
 * tc_revocations_apply_delta and tc_lookup_open (err names the file),
 * TC_ERR_NOT_YET_VALID (a trust list from the future) or TC_ERR_NOMEM.
 */
int tc_status_data_load(struct tc_status_data *d /* OUT */, const char *dir,
    const uint8_t *ca_pin, time_t now, char *err, size_t errlen);

/* Frees what d holds and zeroes it (a zeroed d is fine). */
void tc_status_data_release(struct tc_status_data *d);

/*
 * Applies dir/revocations-since-SEQ.cose to *rev while such a file exists
 * for the list's current number, at most max files of at most
 * TC_STATUS_DELTA_MAX bytes each. *applied (may be NULL) gets the number
 * applied. A missing file ends the walk (0); a file that does not apply is
 * an error and leaves *rev as the last good list. Returns 0 or the errors
 * of tc_bundle_read_file (but TC_ERR_NOT_FOUND) and
 * tc_revocations_apply_delta, err naming the file.
 */
int tc_status_apply_deltas(struct tc_revocations **rev, const char *dir,
    const struct tc_cose_keyring *ring, time_t now, unsigned max,
    unsigned *applied /* OUT */, char *err, size_t errlen);

/*
 * Checks the programme files of dir (every "*.json" not starting with
 * '.') against the list the snapshot's signed header gives: each must be
 * listed as "programmes/NAME" with its SHA-256, and every listed file must
 * be there. Returns 0, TC_ERR_NOT_FOUND (a file not listed, or a listed
 * one missing), TC_ERR_BAD_SIGNATURE (other bytes), TC_ERR_IO,
 * TC_ERR_TOO_LARGE, TC_ERR_NOMEM, with err naming the file.
 */
int tc_status_check_programmes(
    const struct tc_lookup *lk, const char *dir, char *err, size_t errlen);

#endif
