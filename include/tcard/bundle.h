/* SPDX-License-Identifier: MIT */
/*
 * The signed bundle that `tcard-issuer publish --out DIR` writes and
 * verifiers (tcard-verifierd) pull: plain files that any static web server
 * can carry. This header names the files and declares the lookup snapshot,
 * the part of the bundle that answers the public lookup
 * (card number + name + ID number) without holding any name or ID number;
 * the revocation lists and their deltas are in include/tcard/revocation.h,
 * the trust list in include/tcard/trust.h. Exact formats, the publish
 * order and the privacy argument: docs/bundle.md.
 *
 * Changes against the API first announced for issue 5 (all additive unless
 * said):
 *  - struct tc_lookup_answer: programme and tier are TC_CARD_TEXT_MAX + 1
 *    (65) bytes, not 33: registry names may be 64 bytes long. Added serial
 *    and card_no (the normalised card number; both zero unless a match).
 *  - The snapshot's data file is published as lookup-SEQ.bin (named in the
 *    signed header, so a reader fetching lookup.cose then its data file
 *    never sees a mismatch while a publish runs) and as lookup.bin, a hard
 *    link to the newest one for simple clients. tc_lookup_open() reads the
 *    file the header names. tc_lookup_peek() tells a fetcher that name.
 *  - tc_lookup_load() copies the data bytes (the caller may free them).
 *  - The signed header lists the programme files with their SHA-256
 *    (tc_lookup_file_count, tc_lookup_file, tc_lookup_file_check;
 *    tc_lookup_builder_add_file), so a fetcher without directory listings
 *    knows what to download and checks what it got.
 *  - tc_lookup_query() returns TC_ERR_INVALID_ARG for every input the
 *    public got wrong whatever the snapshot holds (bad Luhn digit, not 16
 *    digits, a name or ID number that cannot be normalised, an empty or
 *    over-long field); the message starts with "card: ", "name: " or
 *    "id: " and never repeats the ID number.
 *  - Added: the builder (tc_lookup_builder_*) used by publish and by the
 *    synthetic bundle generator, tc_lookup_tag(), tc_lookup_key_* (a
 *    pre-keyed pepper that makes tc_lookup_query_key() and the builder
 *    fast), tc_lookup_peek(), tc_lookup_get_info(),
 *    tc_bundle_write_file(), tc_bundle_read_file().
 *  - Added for security-review finding 10 (docs/decisions.md, 30): the
 *    signed audit head audit-head.cose (tc_audit_head_encode,
 *    tc_audit_head_decode), which `tcard-issuer audit verify --bundle DIR`
 *    compares with the registry's audit log. Verifiers do not read it.
 *  - Added for issue 14 (docs/decisions.md, "Publishing in the library"):
 *    tc_bundle_publish with struct tc_bundle_plan, _hooks and _report, the
 *    bundle building that was `tcard-issuer publish`'s, and
 *    tc_bundle_lock/tc_bundle_unlock.
 */
#ifndef TCARD_BUNDLE_H
#define TCARD_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/pii.h"
#include "tcard/registry.h"
#include "tcard/revocation.h"

/* File names inside a bundle directory (and under a base URL). */
#define TC_BUNDLE_TRUST	      "trust.cose"	 /* signed trust list */
#define TC_BUNDLE_REVOCATIONS "revocations.cose" /* newest full list */
/* An earlier full list, kept so deltas from it can be made. */
#define TC_BUNDLE_REVOCATIONS_FMT "revocations-%llu.cose"
/* Delta from sequence number N to the newest. */
#define TC_BUNDLE_DELTA_FMT "revocations-since-%llu.cose"
/* The newest snapshot data file: a hard link to lookup-SEQ.bin. */
#define TC_BUNDLE_LOOKUP     "lookup.bin"
#define TC_BUNDLE_LOOKUP_FMT "lookup-%llu.bin" /* data file of seq N */
/* COSE_Sign1 over the snapshot header (version, seq, issued-at, count,
 * SHA-256 and name of the data file, string tables, programme files). */
#define TC_BUNDLE_LOOKUP_SIG "lookup.cose"
#define TC_BUNDLE_PROGRAMMES "programmes" /* copies of programmes/ *.json */
/*
 * COSE_Sign1 over the audit head the bundle was made at (audit seq and
 * MAC, issued-at, the publish's sequence number): the copy of the head that
 * leaves the issuing machine. Read by `tcard-issuer audit verify --bundle`,
 * not by verifiers.
 */
#define TC_BUNDLE_AUDIT_HEAD "audit-head.cose"
/* Longest file name of a bundle, with its NUL. */
#define TC_BUNDLE_NAME_MAX 64

/* Snapshot format. */
#define TC_LOOKUP_VERSION     1
#define TC_LOOKUP_TAG_LEN     16	/* truncated HMAC-SHA256 per card */
#define TC_LOOKUP_RECORD_LEN  32	/* bytes per card in the data file */
#define TC_LOOKUP_HEADER_LEN  16	/* magic etc. before the first record */
#define TC_LOOKUP_MAX_COUNT   50000000u /* cards in one snapshot */
#define TC_LOOKUP_MAX_STRINGS 255	/* programmes, tiers */
#define TC_LOOKUP_SIG_MAX     (64u * 1024) /* largest lookup.cose */
#define TC_LOOKUP_MAX_FILES   64 /* programme files listed in the header */
/* Bounds on what tc_lookup_query accepts, in bytes of UTF-8. */
#define TC_LOOKUP_CARD_IN_MAX 64
#define TC_LOOKUP_NAME_IN_MAX 256 /* TC_NAME_IN_MAX */
#define TC_LOOKUP_ID_IN_MAX   64

enum tc_lookup_result {
	TC_LOOKUP_NO_MATCH = 0,
	TC_LOOKUP_VALID,
	TC_LOOKUP_EXPIRED,
	TC_LOOKUP_REVOKED,
	TC_LOOKUP_SUSPENDED,
};

/* "no-match", "valid", "expired", "revoked", "suspended"; "unknown". */
const char *tc_lookup_result_name(enum tc_lookup_result r);

/* The answer to one lookup; everything but result is zero on no-match. */
struct tc_lookup_answer {
	enum tc_lookup_result result;
	char programme[TC_CARD_TEXT_MAX + 1]; /* programme id */
	char tier[TC_CARD_TEXT_MAX + 1];      /* tier id */
	time_t expires_at;		      /* exclusive */
	uint64_t serial;
	char card_no[17]; /* normalised 16 digits */
};

struct tc_lookup;

/*
 * Loads DIR/lookup.cose and the data file its signed header names (mmap'd
 * read-only), verifying the COSE signature with trust, the header, the
 * data file's size and SHA-256, and the records (ascending serials, known
 * statuses and string indexes) before use. A header issued after now +
 * 300 s is refused. On success *out is the snapshot (tc_lookup_free).
 * Returns 0 or TC_ERR_INVALID_ARG, TC_ERR_NOT_FOUND, TC_ERR_IO,
 * TC_ERR_TOO_LARGE, TC_ERR_TRUNCATED, TC_ERR_MALFORMED, TC_ERR_TRAILING,
 * TC_ERR_UNSUPPORTED (version), TC_ERR_UNKNOWN_KEY,
 * TC_ERR_UNSUPPORTED_ALG, TC_ERR_BAD_SIGNATURE (also: data file with
 * another SHA-256), TC_ERR_NOT_YET_VALID, TC_ERR_NOMEM.
 */
int tc_lookup_open(struct tc_lookup **out /* OUT */, const char *dir,
    const struct tc_cose_keyring *trust, time_t now, char *err, size_t errlen);

/*
 * As tc_lookup_open from memory: sig (siglen bytes, lookup.cose) and data
 * (len bytes, the data file). The data bytes are copied: the caller may
 * free both after the call.
 */
int tc_lookup_load(struct tc_lookup **out /* OUT */, const uint8_t *sig,
    size_t siglen, const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now, char *err, size_t errlen);

/* What the signed header of a snapshot says (tc_lookup_peek). */
struct tc_lookup_info {
	uint64_t seq;
	time_t issued_at;
	uint64_t count;
	uint64_t data_len; /* bytes of the data file */
	uint8_t data_sha256[32];
	char data_name[TC_BUNDLE_NAME_MAX]; /* "lookup-17.bin" */
};

/*
 * Verifies lookup.cose alone (sig, siglen) and fills *info, so a fetcher
 * knows which data file to download and how large it must be. Returns as
 * tc_lookup_open.
 */
int tc_lookup_peek(const uint8_t *sig, size_t siglen,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_lookup_info *info /* OUT */, char *err, size_t errlen);

/*
 * Answers a public lookup. card, name and id are NUL-terminated UTF-8 as a
 * member of the public typed them (untrusted; at most
 * TC_LOOKUP_CARD_IN_MAX, _NAME_IN_MAX, _ID_IN_MAX bytes). In order: every
 * field must be present and within its bound; the card number is parsed
 * (tc_cardno_parse: spaces, hyphens, full-width digits) and its Luhn digit
 * checked; the name is normalised (tc_name_normalise) and the ID number
 * too (the type-independent normalisation of tc_id_normalise: spaces
 * removed, full-width folded, upper case; 5 to 20 letters and digits);
 * then the card's tag is computed and the record found by binary search
 * (a fixed number of steps) and its tag compared in constant time. The
 * work is the same whether the card is unknown or a field is wrong, and
 * both give TC_LOOKUP_NO_MATCH with the rest of *ans zeroed. On a match:
 * revoked when the record says so or rev (may be NULL) lists the serial,
 * else expired when the record says so or now >= expires_at, else
 * suspended when the record says so, else valid.
 * Returns 0 (with *ans filled, match or not) or TC_ERR_INVALID_ARG (a
 * field missing, too long, a bad Luhn digit or not 16 digits, a name or
 * ID number that cannot be normalised; message "card: ...", "name: ...",
 * "id: ...") or TC_ERR_CRYPTO; on error *ans is a zeroed no-match.
 * Thread-safe: lk is only read. Allocates only what name normalisation
 * needs (libunistring).
 */
int tc_lookup_query(const struct tc_lookup *lk,
    const uint8_t pepper[TC_PII_KEY_LEN], const char *card, const char *name,
    const char *id, const struct tc_revocations *rev, time_t now,
    struct tc_lookup_answer *ans /* OUT */, char *err, size_t errlen);

/*
 * The snapshot's record of a card by its number alone, for a service
 * window that already holds the card's verified credential (or was shown
 * the card): no name or ID number is checked, so this must never answer
 * the public. card_no is 16 digits with a valid Luhn digit. The result is
 * as tc_lookup_query's on a match (revoked, expired, suspended or valid),
 * TC_LOOKUP_NO_MATCH when the snapshot has no such card. Returns 0 (with
 * *ans filled, found or not) or TC_ERR_INVALID_ARG.
 */
int tc_lookup_card(const struct tc_lookup *lk, const char *card_no,
    const struct tc_revocations *rev, time_t now,
    struct tc_lookup_answer *ans /* OUT */);

/* The snapshot's sequence number, issued-at and number of cards. */
uint64_t tc_lookup_seq(const struct tc_lookup *lk);
time_t tc_lookup_issued_at(const struct tc_lookup *lk);
size_t tc_lookup_count(const struct tc_lookup *lk);
/* The whole header as tc_lookup_peek gives it. */
void tc_lookup_get_info(
    const struct tc_lookup *lk, struct tc_lookup_info *info /* OUT */);

/*
 * The files of the bundle that the signed header lists with their SHA-256:
 * the programme files, named "programmes/NAME.json" (NAME of a-z, 0-9,
 * '.', '_', '-'; a plain relative path, safe to append to a base URL or a
 * directory). tc_lookup_file sets *name and *sha256 (32 bytes; both owned
 * by lk; either may be NULL) for i below tc_lookup_file_count, else
 * returns TC_ERR_RANGE.
 */
size_t tc_lookup_file_count(const struct tc_lookup *lk);
int tc_lookup_file(const struct tc_lookup *lk, size_t i,
    const char **name /* OUT */, const uint8_t **sha256 /* OUT */);

/*
 * Checks that data (len bytes) is the listed file name
 * ("programmes/X.json"). Returns 0, TC_ERR_NOT_FOUND (not listed),
 * TC_ERR_BAD_SIGNATURE (another SHA-256), TC_ERR_INVALID_ARG,
 * TC_ERR_CRYPTO.
 */
int tc_lookup_file_check(const struct tc_lookup *lk, const char *name,
    const uint8_t *data, size_t len, char *err, size_t errlen);

/* Unmaps and frees lk (NULL is fine). */
void tc_lookup_free(struct tc_lookup *lk);

/*
 * A pre-keyed pepper: the HMAC-SHA256 inner and outer states computed once,
 * so each MAC costs two compression blocks and no allocation. Holds key
 * material: freed with a wipe. Immutable after tc_lookup_key_new, so one
 * key may be shared by any number of threads.
 */
struct tc_lookup_key;

/* Returns 0, TC_ERR_INVALID_ARG or TC_ERR_NOMEM. */
int tc_lookup_key_new(
    struct tc_lookup_key **out /* OUT */, const uint8_t pepper[TC_PII_KEY_LEN]);
void tc_lookup_key_free(struct tc_lookup_key *k);

/*
 * tc_lookup_query with a pre-keyed pepper: the fast path for a daemon
 * (tc_lookup_query keys a temporary one on each call). Same results.
 */
int tc_lookup_query_key(const struct tc_lookup *lk,
    const struct tc_lookup_key *key, const char *card, const char *name,
    const char *id, const struct tc_revocations *rev, time_t now,
    struct tc_lookup_answer *ans /* OUT */, char *err, size_t errlen);

/*
 * The same MACs as tc_pii_id_mac and tc_pii_name_mac (identical bytes),
 * through the pre-keyed pepper. Return 0 or TC_ERR_INVALID_ARG.
 */
int tc_lookup_key_id_mac(const struct tc_lookup_key *k,
    const char *normalised_id, uint8_t out[TC_PII_MAC_LEN] /* OUT */);
int tc_lookup_key_name_mac(const struct tc_lookup_key *k,
    const char *normalised_name, uint8_t out[TC_PII_MAC_LEN] /* OUT */);

/*
 * The per-card tag of the snapshot: the first TC_LOOKUP_TAG_LEN bytes of
 *   HMAC-SHA256(pepper, "talentcard-lookup-v1" || 0x00 || card_no (16
 *               ASCII digits) || id_mac (32) || name_mac (32))
 * where id_mac is the registry's holders.id_mac (tc_pii_id_mac of the
 * normalised ID number) and name_mac tc_pii_name_mac of the normalised
 * name. Returns 0 or TC_ERR_INVALID_ARG (card_no not 16 digits).
 */
int tc_lookup_tag(const struct tc_lookup_key *k, const char *card_no,
    const uint8_t id_mac[TC_PII_MAC_LEN],
    const uint8_t name_mac[TC_PII_MAC_LEN],
    uint8_t tag[TC_LOOKUP_TAG_LEN] /* OUT */);

/* Building a snapshot (publish, the synthetic generator). */
struct tc_lookup_builder;

/* One card for tc_lookup_builder_add; strings are copied. */
struct tc_lookup_entry {
	const char *card_no; /* 16 digits, valid Luhn; serial from it */
	uint8_t id_mac[TC_PII_MAC_LEN];
	uint8_t name_mac[TC_PII_MAC_LEN];
	enum tc_card_status status;
	const char *programme; /* 1 to TC_CARD_TEXT_MAX bytes */
	const char *tier;
	time_t expires_at; /* exclusive */
};

/*
 * Starts a snapshot keyed with key (borrowed; must outlive b). expect is a
 * hint of the number of cards (0: unknown). Returns 0, TC_ERR_INVALID_ARG
 * or TC_ERR_NOMEM.
 */
int tc_lookup_builder_new(struct tc_lookup_builder **out /* OUT */,
    const struct tc_lookup_key *key, size_t expect);

/*
 * Adds one card (any order; serials must be unique). Returns 0,
 * TC_ERR_INVALID_ARG (bad card number, status, empty or over-long name,
 * negative expiry), TC_ERR_TOO_LARGE (over TC_LOOKUP_MAX_COUNT cards or
 * TC_LOOKUP_MAX_STRINGS programmes or tiers), TC_ERR_NOMEM.
 */
int tc_lookup_builder_add(struct tc_lookup_builder *b,
    const struct tc_lookup_entry *e, char *err, size_t errlen);

/*
 * Lists a file of the bundle in the header with the SHA-256 of its len
 * bytes; name is "programmes/NAME.json" as tc_lookup_file describes.
 * Returns 0, TC_ERR_INVALID_ARG (bad name), TC_ERR_EXISTS (listed
 * already), TC_ERR_TOO_LARGE (over TC_LOOKUP_MAX_FILES), TC_ERR_CRYPTO.
 */
int tc_lookup_builder_add_file(struct tc_lookup_builder *b, const char *name,
    const uint8_t *data, size_t len, char *err, size_t errlen);

/*
 * Sorts the records, refuses a repeated serial (TC_ERR_CONSTRAINT), and
 * writes the data file to data and the signed header (sequence number seq,
 * issued_at, data file name lookup-SEQ.bin) to sig. data and sig must have
 * been initialised (tc_buf_init); they are released and initialised again
 * with the caps they need. b may be finished only once.
 * Returns 0, TC_ERR_CONSTRAINT, TC_ERR_TOO_LARGE, TC_ERR_CRYPTO,
 * TC_ERR_NOMEM, TC_ERR_INVALID_ARG.
 */
int tc_lookup_builder_finish(struct tc_lookup_builder *b, uint64_t seq,
    time_t issued_at, const struct tc_cose_key *signer,
    struct tc_buf *data /* OUT */, struct tc_buf *sig /* OUT */, char *err,
    size_t errlen);

void tc_lookup_builder_free(struct tc_lookup_builder *b);

/*
 * Writes len bytes to DIR/NAME atomically: a temporary file in DIR
 * (O_EXCL, mode 0644), fsync, rename over NAME. name must be a plain file
 * name (no '/'), at most TC_BUNDLE_NAME_MAX - 1 bytes. Returns 0,
 * TC_ERR_INVALID_ARG or TC_ERR_IO (errno names the cause in err).
 */
int tc_bundle_write_file(const char *dir, const char *name, const void *data,
    size_t len, char *err, size_t errlen);

/*
 * Removes the temporary files that an interrupted writer left in dir: the
 * files named like tc_bundle_write_file's temporaries (".NAME.XXXXXX")
 * or publish's link to the snapshot (".NAME.link-PID") that are regular
 * files of the calling user, last modified at or before older_than.
 * The caller makes sure no writer of its own is still at work in dir (a
 * lock, or an age no write takes). Sets *removed (may be NULL) to the
 * number removed. Returns 0 (also when dir does not exist),
 * TC_ERR_INVALID_ARG or TC_ERR_IO (the first file that could not be
 * removed; the others are still tried).
 */
int tc_bundle_clean_temp(const char *dir, time_t older_than,
    size_t *removed /* OUT */, char *err, size_t errlen);

/*
 * Appends the contents of DIR/NAME (a regular file of at most max bytes)
 * to out. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_NOT_FOUND, TC_ERR_IO,
 * TC_ERR_TOO_LARGE (the file, or out's cap) or TC_ERR_NOMEM.
 */
int tc_bundle_read_file(const char *dir, const char *name, size_t max,
    struct tc_buf *out, char *err, size_t errlen);

/* The signed audit head (audit-head.cose, docs/bundle.md). */
#define TC_AUDIT_HEAD_VERSION 1
#define TC_AUDIT_HEAD_SIG_MAX 4096 /* largest audit-head.cose read */
/* Payload key 6: what the payload is, in so many words. */
#define TC_AUDIT_HEAD_KIND "talentcard audit head"

/* What a signed audit head says (tc_audit_head_decode). */
struct tc_audit_head_info {
	struct tc_audit_head head; /* seq >= 1 and the MAC of that entry */
	time_t issued_at;	   /* when the bundle was published */
	uint64_t publish_seq; /* the revocation list published with it, >= 1 */
	uint8_t kid[TC_COSE_KID_MAX]; /* the signer's key id */
	size_t kidlen;
};

/*
 * Appends to out (initialised by the caller; its cap must allow
 * TC_AUDIT_HEAD_SIG_MAX bytes) a COSE_Sign1 by signer over the
 * deterministic CBOR map
 *   {1: TC_AUDIT_HEAD_VERSION, 2: head->seq, 3: bstr head->mac (32),
 *    4: issued_at, 5: publish_seq, 6: TC_AUDIT_HEAD_KIND}.
 * head->seq and publish_seq must be at least 1 (an empty log has no head
 * worth publishing) and issued_at not negative.
 * Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE, TC_ERR_CRYPTO or
 * TC_ERR_NOMEM.
 */
int tc_audit_head_encode(struct tc_buf *out, const struct tc_audit_head *head,
    time_t issued_at, uint64_t publish_seq, const struct tc_cose_key *signer,
    char *err, size_t errlen);

/*
 * Reads an untrusted audit-head.cose (data, len bytes; at most
 * TC_AUDIT_HEAD_SIG_MAX): the COSE_Sign1 is decoded strictly and its
 * signature verified with trust (the signers of a loaded trust list)
 * before any payload byte is read; then the payload must be exactly the
 * map tc_audit_head_encode writes (six keys in order, shortest heads, a
 * 32-byte MAC, seq 1..INT64_MAX, publish seq >= 1, the kind text), with no
 * byte after it; an issued-at after now + 300 s is refused. On success
 * *out is filled; on failure it is zeroed and err says what was wrong and
 * where (payload byte offset). Returns 0 or TC_ERR_INVALID_ARG,
 * TC_ERR_TOO_LARGE, TC_ERR_TRUNCATED, TC_ERR_MALFORMED, TC_ERR_TRAILING,
 * TC_ERR_TOO_DEEP, TC_ERR_UNSUPPORTED (another version),
 * TC_ERR_UNSUPPORTED_ALG, TC_ERR_UNKNOWN_KEY (a signer trust does not
 * hold: another authority's file), TC_ERR_BAD_SIGNATURE (altered),
 * TC_ERR_RANGE, TC_ERR_NOT_YET_VALID, TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_audit_head_decode(const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_audit_head_info *out /* OUT */, char *err, size_t errlen);

/*
 * Publishing a bundle into a directory (tc_bundle_publish): the whole of
 * `tcard-issuer publish` but its options, its output and the authority's
 * home, so that any front end (the CLI, a daemon) publishes by the same
 * rules. What belongs to the caller's home (the sequence number shared
 * with other writers of revocation lists, the check of the registry and
 * its recorded audit head) is reached through hooks.
 */
#define TC_BUNDLE_KEEP_MAX    64   /* full lists kept for deltas */
#define TC_BUNDLE_HOURS_MAX   8760 /* next-update, a year */
#define TC_BUNDLE_LOOKUP_KEEP 2	   /* snapshot data files kept */

struct tc_keystore;
struct tc_programme_set;

/*
 * What the caller decides for tc_bundle_publish. Every hook but warn is
 * required; each returns 0 or an error code with a message in err, and
 * may point *what (preset by the caller of the hook to a label) at the
 * subject of the failure for a message (a file name it owns).
 */
struct tc_bundle_hooks {
	/*
	 * Decides whether reg may be published from (SQLite's integrity
	 * check, the audit log against every head it must still hold) before
	 * anything is built. prev is the audit head signed into the bundle
	 * now in dir (NULL when dir has none, or one that does not verify
	 * with the trust list being published: a warning said so). On success
	 * fills *head with the head the registry was checked at: it is signed
	 * into the new bundle. *what is preset to "registry".
	 */
	int (*check)(void *arg, const struct tc_audit_head_info *prev,
	    struct tc_audit_head *head /* OUT */, const char **what, char *err,
	    size_t errlen);
	/*
	 * The last sequence number of a revocation list used outside dir
	 * (0: none). *what is preset to "sequence".
	 */
	int (*last_seq)(void *arg, uint64_t *seq /* OUT */, const char **what,
	    char *err, size_t errlen);
	/*
	 * Records seq as used, before any file of dir is written; a failure
	 * stops the publish. *what is preset to "sequence".
	 */
	int (*record_seq)(void *arg, uint64_t seq, const char **what, char *err,
	    size_t errlen);
	/* A warning, one line without a newline (NULL: warnings are lost). */
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

/* One publish (tc_bundle_publish); everything is borrowed. */
struct tc_bundle_plan {
	const char *dir; /* exists and is locked (tc_bundle_lock) */
	struct tc_registry *reg;
	const struct tc_programme_set *progs; /* the cards' programme files */
	struct tc_keystore *ks;		      /* the signer and the pepper */
	/*
	 * A signed trust list to publish (tcard-keys export-trust), checked
	 * against the store's CA; NULL: exported from ks, which needs ca.key.
	 */
	const uint8_t *trust;
	size_t trustlen;
	time_t now;	/* issued-at */
	unsigned hours; /* next-update = now + hours; 1 to _HOURS_MAX */
	unsigned keep;	/* full lists kept for deltas; 1 to _KEEP_MAX */
	struct tc_bundle_hooks hooks;
};

/* Where a publish stopped (struct tc_bundle_report). */
enum tc_bundle_stage {
	TC_BUNDLE_STAGE_NONE = 0,
	TC_BUNDLE_STAGE_ARGS,	      /* a bad plan */
	TC_BUNDLE_STAGE_KEYS,	      /* signer, pepper */
	TC_BUNDLE_STAGE_TRUST_EXPORT, /* exporting the trust list from ks */
	TC_BUNDLE_STAGE_TRUST,	      /* loading and checking it */
	TC_BUNDLE_STAGE_CHECK,	      /* the check hook */
	TC_BUNDLE_STAGE_CARDS,	      /* reading the cards */
	TC_BUNDLE_STAGE_SEQ,	      /* the sequence number */
	TC_BUNDLE_STAGE_BUILD,	      /* making the files in memory */
	TC_BUNDLE_STAGE_SELF_CHECK,   /* a file read back wrong: a bug */
	TC_BUNDLE_STAGE_WRITE,	      /* writing dir */
};

/* What a publish did, or where it stopped. */
struct tc_bundle_report {
	uint64_t seq;		       /* the new sequence number */
	size_t cards, revoked, deltas; /* in the new bundle */
	struct tc_audit_head head;     /* the audit head signed into it */
	enum tc_bundle_stage stage;    /* on failure: where */
	/* On failure: the subject for a message (a label or a path). */
	const char *what;
};

/*
 * Publishes plan->reg into plan->dir, as docs/bundle.md describes: loads
 * the signer, the pepper and the trust list (the signer must be in it);
 * reads the audit head signed into the bundle now in dir and calls the
 * check hook; makes the lookup snapshot of every card and the full
 * revocation list; loads the newest earlier full lists of dir (at most
 * _KEEP_MAX; one that no longer verifies is skipped with a warning); takes
 * as sequence number one more than the largest of last_seq, dir's
 * revocations.cose and those lists, and records it; makes the deltas from
 * the keep - 1 newest lists, the snapshot with the programme files the
 * cards use, and the signed audit head, each read back and checked in
 * memory (a delta applied to its list must give the new list); then
 * writes the files in the publish order (revocations.cose last) and
 * removes the lists, deltas and data files no longer kept (failures only
 * warn). Nothing is written to dir before every check passed. On success
 * fills *rep (seq, counts, head); the caller records rep->head where it
 * keeps it. On failure *rep says where (stage) and about what (what); err
 * holds the message, empty when the code says it all; stage
 * TC_BUNDLE_STAGE_SELF_CHECK is an internal error. Returns 0 or the error
 * code of the step that failed (keystore, trust list, hooks, registry,
 * revocation and snapshot codes, TC_ERR_IO, TC_ERR_INTERNAL).
 */
int tc_bundle_publish(const struct tc_bundle_plan *plan,
    struct tc_bundle_report *rep /* OUT */, char *err, size_t errlen);

/*
 * Makes dir (mode 0755) when missing and locks it (flock on the directory
 * itself, exclusive, without waiting; no lock file lands among the
 * bundle's files) so that two publishes never write one directory at once,
 * and whatever temporary file is found there afterwards is a dead run's.
 * Sets *fd to the descriptor that holds the lock (tc_bundle_unlock).
 * Returns 0, TC_ERR_INVALID_ARG or TC_ERR_IO (err: the cause alone when
 * dir cannot be made, else names dir; "another publish to this directory
 * is running" when it is locked).
 */
int tc_bundle_lock(
    const char *dir, int *fd /* OUT */, char *err, size_t errlen);

/* Releases the lock of tc_bundle_lock (closes fd; negative is fine). */
void tc_bundle_unlock(int fd);

#endif
