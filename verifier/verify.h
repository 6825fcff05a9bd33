/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of tcard-verify between its entry point
 * (tcard-verify.c) and its helpers (verify-*.c): reading bounded files,
 * reading the QR text out of a PNG image with libpng and zbar, and the
 * trust list, CA pin and status data both the QR and the tap path use.
 */
#ifndef TCARD_VERIFY_H
#define TCARD_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/credential.h"
#include "tcard/status.h"

#define TC_VERIFY_IMAGE_MAX 4096 /* widest and tallest image read */

/*
 * Appends the whole file at path (a regular file, at most cap bytes) to
 * out, through tc_file_read (include/tcard/file.h). Returns 0,
 * TC_ERR_NOT_FOUND, TC_ERR_IO (err says why), TC_ERR_TOO_LARGE or
 * TC_ERR_NOMEM.
 */
int tc_verify_read_file(
    const char *path, size_t cap, struct tc_buf *out, char *err, size_t errlen);

/*
 * Decodes the PNG at path into 8-bit grey (refusing images over
 * TC_VERIFY_IMAGE_MAX in either direction), scans it with zbar and appends
 * the data of the first QR code symbol to out (cap applies). Returns 0,
 * TC_ERR_IO (unreadable, not a PNG), TC_ERR_TOO_LARGE, TC_ERR_NOT_FOUND
 * (no QR code in the image) or TC_ERR_NOMEM.
 */
int tc_verify_read_image(
    const char *path, struct tc_buf *out, char *err, size_t errlen);

/*
 * Exit status of tcard-verify when the credential is good but the card's
 * status is unknown (no revocation list, or one past its next-update):
 * UNKNOWN-STATUS. 0 is VALID, 1 INVALID or SUSPENDED (common/cli.h).
 */
#define TC_VERIFY_EXIT_UNKNOWN 5

/*
 * Where tcard-verify takes its trust list, CA pin and status data from
 * (verify-status.c), and how it shows the verdict, for the QR and the tap
 * paths alike.
 */
struct tc_verify_src {
	const char *trust_path; /* --trust FILE */
	const char *rev_path;	/* --revocations FILE */
	const char *bundle_dir; /* --bundle DIR */
	uint8_t pin[32];	/* --ca-pin HEX or $TCARD_CA_PIN */
	int have_pin;
	int unpinned;		 /* --trust-unpinned */
	int no_status;		 /* --no-status-check */
	const char *progdir;	 /* --programmes DIR */
	const char *ledger_path; /* --ledger FILE */
	int json;		 /* --json */
};

/* Long options the source takes (values above 0x1000). */
enum {
	TC_VOPT_TRUST = 0x1000,
	TC_VOPT_CA_PIN,
	TC_VOPT_REV,
	TC_VOPT_BUNDLE,
	TC_VOPT_UNPINNED,
	TC_VOPT_NO_STATUS,
	TC_VOPT_PROGRAMMES,
	TC_VOPT_LEDGER,
	TC_VOPT_JSON,
};
#define TC_VERIFY_SRC_OPTIONS                                                  \
	{ "trust", required_argument, NULL, TC_VOPT_TRUST },                   \
	    { "ca-pin", required_argument, NULL, TC_VOPT_CA_PIN },             \
	    { "revocations", required_argument, NULL, TC_VOPT_REV },           \
	    { "bundle", required_argument, NULL, TC_VOPT_BUNDLE },             \
	    { "trust-unpinned", no_argument, NULL, TC_VOPT_UNPINNED },         \
	    { "no-status-check", no_argument, NULL, TC_VOPT_NO_STATUS },       \
	    { "programmes", required_argument, NULL, TC_VOPT_PROGRAMMES },     \
	    { "ledger", required_argument, NULL, TC_VOPT_LEDGER },             \
	{                                                                      \
		"json", no_argument, NULL, TC_VOPT_JSON                        \
	}

/*
 * Takes option opt (a TC_VOPT_*) with its argument. Returns 1 when opt was
 * one of them, 0 when not, or TC_EXIT_USAGE after printing why.
 */
int tc_verify_src_opt(struct tc_verify_src *s, int opt, const char *arg);

/*
 * After the options: takes the pin from $TCARD_CA_PIN when no --ca-pin was
 * given and checks the combination (one of --trust and --bundle; a pin or
 * --trust-unpinned, not both; --no-status-check without status data).
 * Without status data the verdict says the status is unknown.
 * Returns 0 or TC_EXIT_USAGE after printing why.
 */
int tc_verify_src_check(struct tc_verify_src *s);

/*
 * Loads the trust list and the status data into *d (released by the
 * caller with tc_status_data_release), and opens the --ledger file
 * read-only into *led (NULL without --ledger; closed by the caller with
 * tc_ledger_close). Returns 0 or an exit status after printing what failed
 * (TC_EXIT_ENV for a file that cannot be read or does not verify).
 */
struct tc_ledger;
int tc_verify_src_load(const struct tc_verify_src *s, struct tc_status_data *d,
    struct tc_ledger **led /* OUT */, time_t now);

/*
 * The programme directory for a verdict: progdir when given, else the
 * bundle's programmes/ when the snapshot lists them and they check (a
 * warning otherwise, and NULL: no services shown), else $TCARD_PROGRAMMES
 * or the shipped directory. buf holds the bundle's path.
 */
const char *tc_verify_programme_dir(const struct tc_verify_src *s,
    const struct tc_status_data *d, const char *progdir, char *buf,
    size_t buflen);

/*
 * Decides the card's status of v from d (unless --no-status-check) and
 * folds it into v, with the CA basis. Returns the exit status for v: 0
 * VALID, 1 INVALID or SUSPENDED, TC_VERIFY_EXIT_UNKNOWN.
 */
int tc_verify_status(const struct tc_verify_src *s,
    const struct tc_status_data *d, struct tc_verdict *v, time_t now);

/*
 * tcard-verify --reader NAME (verify-reader.c): tap verification of the
 * card in a PC/SC reader. Takes the whole argv; returns an exit status.
 */
int tc_verify_reader_main(int argc, char **argv);

/*
 * tcard-verify's usage error: "tcard-verify: MESSAGE" and the --help hint
 * on stderr; returns TC_EXIT_USAGE (tcard-verify.c, for every part).
 */
int tc_verify_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tcard-verify: WHAT: MSG" on stderr; returns TC_EXIT_ENV. */
int tc_verify_env_fail(const char *what, const char *msg);

#endif
