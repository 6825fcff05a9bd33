/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer init: creates the registry HOME/registry.db (mode 0600)
 * with the current schema, using the keys tcard-keys made in HOME/keys,
 * and writes the first audit entry, "registry.init". Never overwrites an
 * existing registry.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "home.h"
#include "issuer.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

const char tc_issuer_init_help[] =
    "NAME\n"
    "    tcard-issuer init - create the registry of an issuing authority\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer init [--home DIR] [--programmes SRC]\n"
    "\n"
    "DESCRIPTION\n"
    "    Creates DIR/registry.db, the SQLite registry of holders, cards,\n"
    "    operators and the audit log, readable and writable by its owner only\n"
    "    (mode 0600). The key store must exist first: run 'tcard-keys init'.\n"
    "    The registry uses two of its secrets: the lookup pepper (keyed MACs of\n"
    "    ID numbers) and the data key (encryption of ID numbers, and the key\n"
    "    of the audit log). A registry is tied to those keys: with other keys\n"
    "    its ID numbers do not decrypt and its audit log does not verify.\n"
    "\n"
    "    The first audit entry, 'registry.init', is written at once. The\n"
    "    command prints the audit head (SEQ:MACHEX); keep a copy outside this\n"
    "    machine, as after every session: 'tcard-issuer audit verify\n"
    "    --expect-head' uses it to detect entries removed from the end.\n"
    "\n"
    "    init refuses when DIR/registry.db exists; it never overwrites one.\n"
    "\n"
    "    The programme definitions (docs/programmes.md) are checked and\n"
    "    copied from SRC into DIR/programmes/, where the authority keeps and\n"
    "    edits its own copies; files already there are left alone.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --programmes SRC\n"
    "                 where the programme files come from (default\n"
    "                 $TCARD_PROGRAMMES, else the shipped directory)\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 created; 1 a registry already exists; 2 usage error;\n"
    "    3 no key store, unreadable keys, or the file cannot be created;\n"
    "    1 also when a programme file is malformed (the message names the\n"
    "      file, the key and the reason);\n"
    "    4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the time written into the audit entry (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys init --home /srv/tcard\n"
    "    tcard-issuer init --home /srv/tcard\n";

/* The login name of whoever runs init, for the audit detail. */
static const char *
login_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown";
}

/*
 * Removes a registry this run created but could not finish, so that init
 * can simply be run again.
 */
static void
remove_registry(const char *home)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", home,
			TC_ISSUER_REGISTRY_FILE, suffix[i]) < sizeof(path))
			unlink(path);
	}
}

int
tc_issuer_init_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	struct tc_registry *reg = NULL;
	struct tc_audit_head head;
	char err[512] = "", headtext[TC_AUDIT_HEAD_TEXT_MAX], *detail = NULL;
	const char *home_opt = a->home, *home, *src;
	struct tc_programme_set *progs = NULL;
	json_t *d;
	time_t now;
	int r, status;

	src = tc_args_get(a, "programmes");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_cli_home_now(home_opt, &home, &now)) != TC_EXIT_OK)
		return status;
	if (src == NULL)
		src = tc_issuer_shipped_programmes();
	/* Refuse bad programme files before anything is created. */
	if ((r = tc_programme_set_load_dir(&progs, src, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "programmes", err);
	if ((status = tc_issuer_open(home, &ks, &reg, 1)) != TC_EXIT_OK) {
		tc_programme_set_free(progs);
		return status;
	}
	if ((status = tc_issuer_install_programmes(src, home)) != TC_EXIT_OK)
		goto out;

	d = json_pack("{s:i, s:s, s:s}", "schema_version",
	    tc_registry_schema_version(reg), "key_alg",
	    tc_keyalg_name(tc_keystore_alg(ks)), "os_user", login_name());
	if (d == NULL ||
	    (detail = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		NULL) {
		json_decref(d);
		status = tc_cli_fail(TC_ERR_NOMEM, "audit", NULL);
		goto out;
	}
	json_decref(d);
	if ((r = tc_registry_audit(reg, now, "system", "registry.init",
		 TC_ISSUER_REGISTRY_FILE, detail, err, sizeof(err))) != 0 ||
	    (r = tc_registry_audit_head(reg, &head, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "audit", err);
		goto out;
	}
	tc_audit_head_format(&head, headtext);
	printf("registry created: %s/%s (schema version %d)\n", home,
	    TC_ISSUER_REGISTRY_FILE, tc_registry_schema_version(reg));
	printf("programmes: %zu in %s/%s\n", tc_programme_set_count(progs),
	    home, TC_ISSUER_PROGRAMMES_DIR);
	printf("audit head: %s\n", headtext);
	status = TC_EXIT_OK;
out:
	free(detail);
	tc_programme_set_free(progs);
	tc_issuer_close(ks, reg);
	if (status != TC_EXIT_OK)
		remove_registry(home);
	return status;
}
