/* SPDX-License-Identifier: MIT */
/*
 * The rollback floor of tcard-verifierd: the newest revocation list, lookup
 * snapshot and trust list a verifier ever accepted from one CA, which it
 * keeps in its state directory so that no restart can take it back to an
 * older, validly signed list (a revoked card would be valid again). This
 * header is the file's text format, its writer and its strict parser; the
 * daemon reads and writes the file (verifier/vd-floor.c). One file per CA,
 * named by the first 32 hex digits of the SHA-256 of the CA certificate
 * (the ca-pin), holding all 64:
 *
 *     # tcard-verifierd rollback floor (docs/verifierd.md): ...
 *     format 1
 *     ca 3f2a...e1                (64 hex digits)
 *     revocations 12              (sequence number; 0 none yet)
 *     lookup 12                   (sequence number; 0 none yet)
 *     trust-issued-at 1765432100  (epoch seconds; 0 none yet)
 *
 * Pure parsing: no file is opened here (tests/fuzz/fuzz_vdfloor.c feeds
 * it). Reference: docs/verifierd.md, "What a verifier remembers".
 */
#ifndef TCARD_VDFLOOR_H
#define TCARD_VDFLOOR_H

#include <stddef.h>
#include <stdint.h>

#define TC_VDFLOOR_FILE_MAX 4096 /* largest file accepted */
#define TC_VDFLOOR_TEXT_MAX 512	 /* room for tc_vdfloor_format's text */
/* "rollback-floor-" + 32 hex digits + NUL. */
#define TC_VDFLOOR_NAME_MAX 48

struct tc_vdfloor {
	uint8_t ca[32];		 /* SHA-256 of the CA certificate's DER */
	uint64_t revocations;	 /* highest revocation list sequence */
	uint64_t lookup;	 /* highest lookup snapshot sequence */
	int64_t trust_issued_at; /* latest trust list issue time */
};

/*
 * Writes the file name of ca's floor: "rollback-floor-" and the first 32
 * hex digits of ca (a bundle file name is at most 63 bytes; the file holds
 * all of ca, and the daemon checks it).
 */
void tc_vdfloor_name(
    const uint8_t ca[32], char out[TC_VDFLOOR_NAME_MAX] /* OUT */);

/*
 * Writes f as the file's text (NUL-terminated) into out. Returns 0,
 * TC_ERR_INVALID_ARG (NULL, or trust_issued_at negative) or
 * TC_ERR_TOO_LARGE (out too short; TC_VDFLOOR_TEXT_MAX bytes always do).
 */
int tc_vdfloor_format(
    const struct tc_vdfloor *f, char *out /* OUT */, size_t outlen);

/*
 * Parses a floor file's text (len bytes, no NUL needed) into *out. Every
 * line ends with a newline (a file cut short is refused); blank lines and
 * lines starting with '#' are ignored; the other lines are "key value"
 * with one space, each of format (1), ca, revocations, lookup and
 * trust-issued-at exactly once, numbers in decimal without sign or leading
 * zeros, at most 2^63 - 1. err starts with "line N: " when a line is at
 * fault. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE (over
 * TC_VDFLOOR_FILE_MAX, or a line over 160 bytes), TC_ERR_TRUNCATED (empty,
 * no newline at the end, or a key missing), TC_ERR_BAD_ENCODING (a byte that is not printable ASCII),
 * TC_ERR_MALFORMED (an unknown or repeated key, a bad value),
 * TC_ERR_UNSUPPORTED (another format) or TC_ERR_RANGE (a number too
 * large). On failure *out is zeroed.
 */
int tc_vdfloor_parse(struct tc_vdfloor *out /* OUT */, const char *text,
    size_t len, char *err, size_t errlen);

#endif
