/* SPDX-License-Identifier: MIT */
/*
 * Opening an authority's home directory for a tcard-issuer command: the key
 * store in HOME/keys (made by tcard-keys) and the registry HOME/registry.db
 * (made by tcard-issuer init). Failures are reported on stderr through
 * tc_cli_fail with a hint at the command that fixes them.
 */
#ifndef TCARD_ISSUER_HOME_H
#define TCARD_ISSUER_HOME_H

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

/* Closes what tc_issuer_open opened (NULLs are fine). */
void tc_issuer_close(struct tc_keystore *ks, struct tc_registry *reg);

#endif
