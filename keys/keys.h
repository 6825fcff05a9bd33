/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys: the key ceremony tool. One file per subcommand (cmd-*.c),
 * each exporting its run function and help page; tcard-keys.c holds the
 * command table and the few helpers they share. The key store itself is
 * src/keystore.c.
 */
#ifndef TCARD_KEYS_H
#define TCARD_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "tcard/keystore.h"

/* Each command's run function (struct tc_cmd.run) and page (.help). */
int tc_keys_add_signer_run(const struct tc_args *a);
extern const char tc_keys_add_signer_help[];
int tc_keys_export_trust_run(const struct tc_args *a);
extern const char tc_keys_export_trust_help[];
int tc_keys_init_run(const struct tc_args *a);
extern const char tc_keys_init_help[];
int tc_keys_list_run(const struct tc_args *a);
extern const char tc_keys_list_help[];
int tc_keys_rotate_signer_run(const struct tc_args *a);
extern const char tc_keys_rotate_signer_help[];
int tc_keys_station_cert_run(const struct tc_args *a);
extern const char tc_keys_station_cert_help[];

/*
 * Reports a library failure like tc_cli_fail and returns the exit status.
 * For this program a missing, unreadable or malformed key file is a fault
 * of the environment (3), not a refusal: the store is the environment.
 */
int tc_keys_fail(int code, const char *what, const char *msg);

/*
 * tc_keys_fail for r and err from an operation that needs the CA key, with
 * a hint when the CA key is not on this machine. Returns an exit status.
 */
struct tc_keystore;
int tc_keys_ca_fail(struct tc_keystore *ks, int r, const char *err);

/*
 * What rotate-signer and add-signer do once the key store was asked for a
 * new signer, r and err being its answer: a failure is printed (with a
 * hint when the CA key is not on this machine); else the new signer, the
 * store's last, is reported: as JSON {kid, alg or retired, not_after,
 * key_file, cert_file}, or as text. retired is the kid of the signer
 * rotate-signer retired, NULL for add-signer. Returns an exit status.
 */
int tc_keys_signer_made(struct tc_keystore *ks, int r, const char *err,
    int json, const char *retired);

/*
 * A secret of the key store as JSON {name, file, bytes}, and "present"
 * (whether its file is there) when ks is not NULL: init lists what it
 * made, list what it finds. NULL when out of memory.
 */
json_t *tc_keys_secret_json(const struct tc_keystore *ks, enum tc_secret w);

/*
 * What every subcommand but init does first: finds the home (home_opt or
 * $TCARD_HOME) and the time (tc_cli_home_now), then opens the key store
 * there into *ks, which the caller frees. Returns TC_EXIT_OK, or the exit
 * status after printing the error (*ks is then NULL).
 */
int tc_keys_open(const char *home_opt, struct tc_keystore **ks /* OUT */,
    time_t *now /* OUT */);

#endif
