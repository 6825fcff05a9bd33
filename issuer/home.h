/* SPDX-License-Identifier: MIT */
/*
 * Opening an authority's home directory for a tcard-issuer command: the key
 * store in HOME/keys (made by tcard-keys) and the registry HOME/registry.db
 * (made by tcard-issuer init). Failures are reported on stderr through
 * tc_cli_fail with a hint at the command that fixes them.
 */
#ifndef TCARD_ISSUER_HOME_H
#define TCARD_ISSUER_HOME_H

#include <stddef.h>
#include <stdint.h>

struct tc_keystore;
struct tc_registry;

/* The registry's file name inside HOME. */
#define TC_ISSUER_REGISTRY_FILE "registry.db"

/*
 * Opens the key store in home, reads the pepper and the data key, and opens
 * HOME/registry.db with them; create makes a new registry instead and
 * refuses one that exists. Either output may be NULL when the caller does
 * not need it afterwards (it is then closed before returning). Returns an
 * exit status: TC_EXIT_OK with *ks and *reg set, or the status of the
 * failure (3 for missing keys or a missing registry, 1 when create finds a
 * registry) after printing what went wrong; the outputs are then NULL.
 */
int tc_issuer_open(const char *home, struct tc_keystore **ks /* OUT */,
    struct tc_registry **reg /* OUT */, int create);

/* The directory of programme files inside HOME. */
#define TC_ISSUER_PROGRAMMES_DIR "programmes"

struct tc_programme_set;

/*
 * Loads the authority's programme definitions from HOME/programmes/ (every
 * *.json there; `tcard-issuer init` copies the shipped files into it, and
 * the authority edits its own copies). When HOME/programmes/ does not
 * exist, falls back to the shipped directory: $TCARD_PROGRAMMES, else the
 * compile-time TC_PROGRAMMES_DIR (the source tree's programmes/, or
 * $(PREFIX)/share/talentcard/programmes when installed). Returns an exit
 * status (printing what was wrong, naming the file, key and reason) and
 * sets *out on success; free it with tc_programme_set_free().
 */
int tc_issuer_programmes(
    const char *home, struct tc_programme_set **out /* OUT */);

/*
 * Copies every *.json of src into HOME/programmes/ (made mode 0755), leaving
 * files that exist alone. Returns an exit status after printing failures.
 */
int tc_issuer_install_programmes(const char *src, const char *home);

/* The shipped programme directory (see tc_issuer_programmes). */
const char *tc_issuer_shipped_programmes(void);

/*
 * Reads the revocation list sequence number last used, kept as decimal
 * text in path (HOME/revocations.seq, shared by revocations and publish):
 * 0 when the file does not exist. Returns 0, TC_ERR_IO, TC_ERR_MALFORMED.
 */
int tc_issuer_read_seq(const char *path, uint64_t *seq /* OUT */);

/*
 * The --next-update HOURS of revocations and publish, how long verifiers
 * may rely on what they sign now: 1 to 8760, 24 when not given, into
 * *hours. Returns TC_EXIT_OK, or TC_EXIT_USAGE after printing why.
 */
struct tc_args;
int tc_issuer_next_update(const struct tc_args *a, long *hours /* OUT */);

/*
 * The audit head recorded at each publish: HOME/audit.head holds one line
 * "SEQ:MACHEX" (tc_audit_head_format), written atomically and fsynced. A
 * log that no longer holds that entry with that MAC was truncated, emptied
 * or rolled back to an older copy.
 */
#define TC_ISSUER_AUDIT_HEAD_FILE "audit.head"

#include "tcard/registry.h"

/*
 * Reads HOME/audit.head into *head; *found is 0 (and *head zero) when the
 * file does not exist. Returns 0, TC_ERR_IO or TC_ERR_MALFORMED (err says
 * which part is wrong, naming the file).
 */
int tc_issuer_read_audit_head(const char *home,
    struct tc_audit_head *head /* OUT */, int *found /* OUT */, char *err,
    size_t errlen);

/* Writes head to HOME/audit.head. Returns 0 or TC_ERR_IO (err says why). */
int tc_issuer_write_audit_head(const char *home,
    const struct tc_audit_head *head, char *err, size_t errlen);

/*
 * A head recorded somewhere else that the log must still hold, with where
 * it came from for messages: "given with --expect-head", "signed in
 * bundle DIR/audit-head.cose (publish 7 of 2026-11-21T04:00:00Z)".
 */
struct tc_issuer_expect {
	struct tc_audit_head head;
	char source[1024];
};

struct tc_audit_head_info;

/*
 * Fills *e with the head a bundle's audit-head.cose gave (info, already
 * verified) and its source "signed in bundle DIR/audit-head.cose,
 * publish P of TIME".
 */
void tc_issuer_bundle_expect(struct tc_issuer_expect *e /* OUT */,
    const char *dir, const struct tc_audit_head_info *info);

/*
 * Decides whether the registry can be trusted before a command relies on
 * all of it (audit verify, publish): SQLite's integrity check, then the
 * audit chain from entry 1 against the head recorded in HOME/audit.head
 * and against each of the nexpect heads of expect (may be NULL when
 * nexpect is 0), and a log that is not empty (init writes entry 1). The
 * log must hold every one of those heads (it may have grown since). Fills
 * *rep as tc_registry_audit_verify does (entries, head, first_bad and
 * reason; a reason about a head says where the head came from). Returns
 * 0; TC_ERR_DB when the file is damaged, TC_ERR_AUDIT_BROKEN when the log
 * does not verify (rep says where and why); TC_ERR_IO or TC_ERR_MALFORMED
 * for HOME/audit.head; or a database error. err says what was wrong.
 */
int tc_issuer_check_registry(const char *home, struct tc_registry *reg,
    const struct tc_issuer_expect *expect, size_t nexpect,
    struct tc_audit_report *rep /* OUT */, char *err, size_t errlen);

/* Closes what tc_issuer_open opened (NULLs are fine). */
void tc_issuer_close(struct tc_keystore *ks, struct tc_registry *reg);

#endif
