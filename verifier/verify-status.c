/* SPDX-License-Identifier: MIT */
/*
 * Where tcard-verify's trust and status come from, for the QR and the tap
 * paths alike: the trust list (--trust FILE, or a bundle directory's), the
 * CA pin it must chain to (--ca-pin HEX or $TCARD_CA_PIN; without one the
 * list is refused unless --trust-unpinned asks for it), and the status
 * data (--revocations FILE, or --bundle DIR with the revocation deltas and
 * the lookup snapshot, loaded by tc_status_data_load as tcard-verifierd
 * loads them). Without status data the verdict is UNKNOWN-STATUS unless
 * --no-status-check asks to skip it. Rules: docs/formats.md, "Card status
 * and trust basis".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/ledger.h"
#include "tcard/revocation.h"
#include "tcard/status.h"
#include "tcard/trust.h"
#include "verify.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define PROG "tcard-verify"

static int
pin_of(struct tc_verify_src *s, const char *hex, const char *from)
{
	char msg[160];

	if (strlen(hex) != 2 * sizeof(s->pin) ||
	    tc_hex_decode(hex, strlen(hex), s->pin, sizeof(s->pin), NULL) !=
		0) {
		snprintf(msg, sizeof(msg),
		    "%s: expected 64 hex digits (the SHA-256 of the CA certificate)",
		    from);
		return tc_verify_usage("%s", msg);
	}
	s->have_pin = 1;
	return 0;
}

int
tc_verify_src_opt(struct tc_verify_src *s, int opt, const char *arg)
{
	int r;

	switch (opt) {
	case TC_VOPT_TRUST:
		s->trust_path = arg;
		return 1;
	case TC_VOPT_CA_PIN:
		return (r = pin_of(s, arg, "--ca-pin")) != 0 ? r : 1;
	case TC_VOPT_REV:
		s->rev_path = arg;
		return 1;
	case TC_VOPT_BUNDLE:
		s->bundle_dir = arg;
		return 1;
	case TC_VOPT_UNPINNED:
		s->unpinned = 1;
		return 1;
	case TC_VOPT_NO_STATUS:
		s->no_status = 1;
		return 1;
	case TC_VOPT_PROGRAMMES:
		s->progdir = arg;
		return 1;
	case TC_VOPT_LEDGER:
		s->ledger_path = arg;
		return 1;
	case TC_VOPT_JSON:
		s->json = 1;
		return 1;
	}
	return 0;
}

int
tc_verify_src_check(struct tc_verify_src *s)
{
	const char *e;
	int r;

	if ((s->trust_path != NULL) == (s->bundle_dir != NULL))
		return tc_verify_usage(
		    "%s", "give --trust FILE or --bundle DIR (one of them)");
	if (s->bundle_dir != NULL && s->rev_path != NULL)
		return tc_verify_usage("%s",
		    "--bundle DIR holds the revocation list: drop --revocations");
	if (s->no_status && (s->bundle_dir != NULL || s->rev_path != NULL))
		return tc_verify_usage("%s",
		    "--no-status-check skips the status data: drop --bundle or --revocations, or the skip");
	if (!s->have_pin && (e = getenv("TCARD_CA_PIN")) != NULL &&
	    *e != '\0' && (r = pin_of(s, e, "$TCARD_CA_PIN")) != 0)
		return r;
	if (s->have_pin && s->unpinned)
		return tc_verify_usage("%s",
		    "--trust-unpinned and a CA pin (--ca-pin or $TCARD_CA_PIN) contradict each other");
	if (!s->have_pin && !s->unpinned)
		return tc_verify_usage("%s",
		    "no CA pin: give --ca-pin HEX (the SHA-256 of the issuer's CA certificate, 'sha256' in tcard-keys list) or set $TCARD_CA_PIN; --trust-unpinned accepts whatever CA the trust list names");
	return 0;
}

/* The trust list and the status data of tc_verify_src_load. */
static int
load_status(const struct tc_verify_src *s, struct tc_status_data *d, time_t now)
{
	const uint8_t *pin = s->have_pin ? s->pin : NULL;
	struct tc_buf buf;
	char err[512];
	int status = TC_EXIT_ENV;

	memset(d, 0, sizeof(*d));
	if (s->bundle_dir != NULL) {
		if (tc_status_data_load(
			d, s->bundle_dir, pin, now, err, sizeof(err)) != 0)
			return tc_verify_env_fail("--bundle", err);
		return 0;
	}
	tc_buf_init(&buf, TC_TRUST_MAX_INPUT);
	if (tc_verify_read_file(s->trust_path, TC_TRUST_MAX_INPUT, &buf, err,
		sizeof(err)) != 0) {
		status = tc_verify_env_fail("--trust", err);
		goto out;
	}
	if (tc_trust_load(&d->trust, buf.data, buf.len, pin, now, err,
		sizeof(err)) != 0) {
		status = tc_verify_env_fail("trust list", err);
		goto out;
	}
	d->ca = pin != NULL ? TC_CA_PINNED : TC_CA_UNPINNED;
	if (s->rev_path != NULL) {
		tc_buf_release(&buf);
		tc_buf_init(&buf, TC_REV_MAX_INPUT);
		if (tc_verify_read_file(s->rev_path, TC_REV_MAX_INPUT, &buf,
			err, sizeof(err)) != 0) {
			status = tc_verify_env_fail("--revocations", err);
			goto out;
		}
		if (tc_revocations_load(&d->rev, buf.data, buf.len,
			tc_trust_keyring(d->trust), now, err,
			sizeof(err)) != 0) {
			status = tc_verify_env_fail("revocation list", err);
			goto out;
		}
	}
	status = 0;
out:
	tc_buf_release(&buf);
	if (status != 0)
		tc_status_data_release(d);
	return status;
}

int
tc_verify_src_load(const struct tc_verify_src *s, struct tc_status_data *d,
    struct tc_ledger **led, time_t now)
{
	char err[512];
	int status;

	*led = NULL;
	if ((status = load_status(s, d, now)) != 0)
		return status;
	if (s->ledger_path != NULL &&
	    tc_ledger_open_readonly(led, s->ledger_path, err, sizeof(err)) != 0)
		return tc_verify_env_fail("--ledger", err);
	return 0;
}

const char *
tc_verify_programme_dir(const struct tc_verify_src *s,
    const struct tc_status_data *d, const char *progdir, char *buf,
    size_t buflen)
{
	struct stat st;
	char err[512];
	const char *e;

	if (progdir != NULL)
		return progdir;
	if (s->bundle_dir != NULL && d->lookup != NULL &&
	    tc_lookup_file_count(d->lookup) > 0) {
		snprintf(
		    buf, buflen, "%s/%s", s->bundle_dir, TC_BUNDLE_PROGRAMMES);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (tc_status_check_programmes(
				d->lookup, buf, err, sizeof(err)) == 0)
				return buf;
			fprintf(stderr,
			    PROG
			    ": warning: the bundle's programme files are not the ones its snapshot lists (%s): no services are shown\n",
			    err);
			return NULL;
		}
	}
	if ((e = getenv("TCARD_PROGRAMMES")) != NULL && *e != '\0')
		return e;
	return TC_PROGRAMMES_DIR;
}

int
tc_verify_status(const struct tc_verify_src *s, const struct tc_status_data *d,
    struct tc_verdict *v, time_t now)
{
	struct tc_status_answer st;

	memset(&st, 0, sizeof(st));
	if (!s->no_status &&
	    tc_status_check(d->rev, d->lookup, 0,
		v->have_claims && v->authentic ? v->claims.card_no : NULL, now,
		&st) != 0)
		st.status = TC_STATUS_UNKNOWN;
	st.ca = d->ca;
	memcpy(st.ca_sha256, tc_trust_ca_fingerprint(d->trust),
	    sizeof(st.ca_sha256));
	tc_status_apply(v, &st, 0);
	if (v->valid)
		return TC_EXIT_OK;
	return strcmp(tc_status_result(v), "UNKNOWN-STATUS") == 0
	    ? TC_VERIFY_EXIT_UNKNOWN
	    : TC_EXIT_REFUSED;
}
