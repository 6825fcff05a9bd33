/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys station-cert: the client certificate of a branch station
 * (tcard-station), issued by the store's station CA, which is made on
 * first use. docs/station.md, "Trust".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli-io.h"
#include "keys.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/keystore.h"

#define DAYS_DEFAULT 730

const char tc_keys_station_cert_help[] =
    "NAME\n"
    "    tcard-keys station-cert - issue a branch station's certificate\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys station-cert --name NAME --out DIR [--days N]\n"
    "                            [--home DIR] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Makes a P-256 key for the station NAME (a bank branch's PC that runs\n"
    "    tcard-station) and its client TLS certificate, subject CN\n"
    "    \"talentcard station NAME\", issued by the store's station CA (made\n"
    "    on first use: station-ca.key and station-ca.crt next to the other\n"
    "    keys; tcard-issuerd trusts it for its station routes only). Writes\n"
    "    DIR/station.key (mode 0600) and DIR/station.crt, and refuses to\n"
    "    overwrite either. The station holds this key only: no master key,\n"
    "    signer, CA key or registry.\n"
    "\n"
    "OPTIONS\n"
    "    --name NAME  1 to 64 characters of A-Z, a-z, 0-9, '-' and '.'\n"
    "                 (e.g. CHUXIONG-01)\n"
    "    --out DIR    where to write station.key and station.crt\n"
    "    --days N     validity in days, 1..3650 (default 730)\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --json       print {\"name\", \"key_file\", \"cert_file\"}\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 issued; 1 refused (a file exists already); 2 usage error; 3 no key\n"
    "    store, a badly protected or malformed file, or DIR cannot be\n"
    "    written; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the issue time (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys station-cert --name CHUXIONG-01 --out /media/usb/station\n";

/* dir/name, refused when it exists. */
static int
out_path(char *path, size_t len, const char *dir, const char *name)
{
	struct stat st;

	if (tc_path_join(path, len, dir, name) != 0)
		return tc_cli_usage("--out: the path is too long");
	if (lstat(path, &st) == 0) {
		fprintf(stderr,
		    "tcard-keys station-cert: %s exists already: not overwriting it\n",
		    path);
		return TC_EXIT_REFUSED;
	}
	return TC_EXIT_OK;
}

int
tc_keys_station_cert_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	struct tc_buf key, cert, ca;
	const char *name, *dir, *days_opt;
	char kpath[PATH_MAX], cpath[PATH_MAX], err[512] = "", *end;
	long days = DAYS_DEFAULT;
	int r, status;
	time_t now;

	name = tc_args_get(a, "name");
	dir = tc_args_get(a, "out");
	days_opt = tc_args_get(a, "days");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (name == NULL || !tc_keystore_station_name_ok(name))
		return tc_cli_usage(
		    "--name: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '.'");
	if (dir == NULL || *dir == '\0')
		return tc_cli_usage("--out DIR is required");
	if (days_opt != NULL) {
		errno = 0;
		days = strtol(days_opt, &end, 10);
		if (errno != 0 || *end != '\0' || days < 1 ||
		    days > TC_KEYSTORE_STATION_DAYS_MAX)
			return tc_cli_usage(
			    "--days: 1 to %d", TC_KEYSTORE_STATION_DAYS_MAX);
	}
	if ((status = out_path(kpath, sizeof(kpath), dir, "station.key")) !=
		TC_EXIT_OK ||
	    (status = out_path(cpath, sizeof(cpath), dir, "station.crt")) !=
		TC_EXIT_OK)
		return status;
	if ((status = tc_keys_open(a->home, &ks, &now)) != TC_EXIT_OK)
		return status;
	tc_buf_init(&key, 0);
	tc_buf_init(&cert, 0);
	tc_buf_init(&ca, 0);
	if ((r = tc_keystore_station_cert(ks, name, now, (int)days, &key, &cert,
		 &ca, err, sizeof(err))) != 0)
		status = tc_keys_fail(r, NULL, err);
	else if ((r = tc_cli_write_atomic_mode(
		      kpath, 0600, key.data, key.len, err, sizeof(err))) != 0 ||
	    (r = tc_cli_write_atomic_mode(
		 cpath, 0644, cert.data, cert.len, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, NULL, err);
	else if (a->json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "name", name,
		    "key_file", kpath, "cert_file", cpath);

		status =
		    tc_cli_json_put(o) == 0 ? TC_EXIT_OK : TC_EXIT_INTERNAL;
	} else {
		printf("station %s: %s, %s\n", name, kpath, cpath);
		status = TC_EXIT_OK;
	}
	tc_buf_release(&key);
	tc_buf_release(&cert);
	tc_buf_release(&ca);
	tc_keystore_free(ks);
	return status;
}
