/* SPDX-License-Identifier: MIT */
/*
 * Opening an authority's home directory for a tcard-issuer command: the key
 * store in HOME/keys (made by tcard-keys) and the registry HOME/registry.db
 * (made by tcard-issuer init). Failures are reported on stderr through
 * tc_cli_fail with a hint at the command that fixes them.
 */
#ifndef TCARD_ISSUER_HOME_H
#define TCARD_ISSUER_HOME_H

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

/* Closes what tc_issuer_open opened (NULLs are fine). */
/*
 * Reads the revocation list sequence number last used, kept as decimal
 * text in path (HOME/revocations.seq, shared by revocations and publish):
 * 0 when the file does not exist. Returns 0, TC_ERR_IO, TC_ERR_MALFORMED.
 */
int tc_issuer_read_seq(const char *path, uint64_t *seq /* OUT */);

void tc_issuer_close(struct tc_keystore *ks, struct tc_registry *reg);

#endif
