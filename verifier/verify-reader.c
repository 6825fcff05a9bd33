/* SPDX-License-Identifier: MIT */
/*
 * tcard-verify --reader NAME: tap verification of a physical card
 * (include/tcard/tap.h) with the same trust list, revocation list and
 * output as the QR path, plus what the chip did. Card and reader trouble
 * (removed, no reader, no pcscd, a card that hangs, a reply that does not
 * parse) is a clear message and exit 3, never a crash or a hang: every
 * card operation has a deadline (--timeout).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "tcard/cardno.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/ledger.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"
#include "tcard/programme.h"
#include "tcard/revocation.h"
#include "tcard/tap.h"
#include "tcard/trust.h"
#include "verdict-json.h"
#include "verify.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define PROG "tcard-verify"

static int
parse_sec(const char *s, int min, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > 3600)
		return -1;
	*ms = (int)v * 1000;
	return 0;
}

static void
print_result(const struct tc_tap_result *t, const struct tc_programme *p,
    int json, struct tc_ledger *led, time_t now)
{
	const struct tc_verdict *v = &t->v;
	json_t *o, *chip;

	if (json) {
		/* The QR verdict's object (tcard-verifierd's too) + "chip". */
		if ((o = tc_verdict_json(v, p)) == NULL)
			return;
		chip = json_pack("{s:s, s:I, s:f, s:b}", "profile", t->profile,
		    "apdus", (json_int_t)t->apdus, "ms", t->ms,
		    "challenge_signed", t->card_checked);
		json_object_set_new(o, "chip", chip);
		if (led != NULL && p != NULL && v->valid)
			tc_verdict_json_usage(
			    o, p, v, led, TC_CHANNEL_CHIP, now);
		tc_cli_print_json(stdout, o);
		json_decref(o);
		return;
	}
	tc_verdict_print_result(stdout, v, 0);
	tc_verdict_print_status(stdout, v);
	printf("chip:      %s, %u APDUs, %.1f ms%s\n",
	    t->profile[0] ? t->profile : "?", t->apdus, t->ms,
	    t->card_checked ? ", signed a fresh challenge" : "");
	if (!v->have_claims)
		return;
	tc_verdict_print_claims(stdout, v, "chip");
	if (p != NULL && v->valid)
		tc_verdict_print_services(
		    stdout, p, v, led, TC_CHANNEL_CHIP, now);
}

int
tc_verify_reader_main(int argc, char **argv)
{
	enum {
		O_READER = 256,
		O_PROFILE,
		O_PROFILES,
		O_WAIT,
		O_TIMEOUT,
	};
	static const struct option opts[] = {
		TC_VERIFY_SRC_OPTIONS,
		{ "reader", required_argument, NULL, O_READER },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "profiles", required_argument, NULL, O_PROFILES },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	const char *reader = NULL;
	const char *profile = "auto", *pdir = NULL, *progdir = NULL;
	struct tc_ledger *led = NULL;
	struct tc_verify_src src;
	struct tc_status_data sd;
	struct tc_programme_set *set = NULL;
	struct tc_profile_set profiles;
	struct tc_icc_opts io;
	struct tc_tap_result tr;
	char err[512], pbuf[4096];
	int ch, status = TC_EXIT_INTERNAL, r;
	time_t now;

	memset(&io, 0, sizeof(io));
	memset(&profiles, 0, sizeof(profiles));
	memset(&src, 0, sizeof(src));
	memset(&sd, 0, sizeof(sd));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((r = tc_verify_src_opt(&src, ch, optarg)) != 0) {
			if (r == 1)
				continue;
			status = r;
			goto out;
		}
		switch (ch) {
		case O_READER:
			reader = optarg;
			break;
		case O_PROFILE:
			profile = optarg;
			break;
		case O_PROFILES:
			pdir = optarg;
			break;
		case O_WAIT:
			if (parse_sec(optarg, 0, &io.wait_ms) != 0) {
				status = tc_verify_usage(
				    "%s", "--wait: 0 to 3600 seconds");
				goto out;
			}
			break;
		case O_TIMEOUT:
			if (parse_sec(optarg, 1, &io.timeout_ms) != 0) {
				status = tc_verify_usage(
				    "%s", "--timeout: 1 to 3600 seconds");
				goto out;
			}
			break;
		default:
			status = tc_verify_usage("%s",
			    "unknown option or missing argument (with --reader: --trust, --bundle, --ca-pin, --trust-unpinned, --revocations, --no-status-check, --profile, --profiles, --wait, --timeout, --programmes, --ledger, --json)");
			goto out;
		}
	}
	if (optind < argc) {
		status = tc_verify_usage("%s", "--reader takes no QR text");
		goto out;
	}
	if (reader == NULL) {
		status = tc_verify_usage("%s", "--reader NAME is required");
		goto out;
	}
	if ((status = tc_verify_src_check(&src)) != 0)
		goto out;
	status = TC_EXIT_INTERNAL;
	if ((now = tc_cli_now()) == (time_t)-1) {
		status = TC_EXIT_USAGE;
		goto out;
	}
	if ((status = tc_verify_src_load(&src, &sd, &led, now)) != 0)
		goto out;
	status = TC_EXIT_INTERNAL;
	if (tc_profile_set_load(
		&profiles, tc_profile_dir(pdir), err, sizeof(err)) != 0) {
		status = tc_verify_env_fail("profiles", err);
		goto out;
	}
	r = tc_tap_verify_reader(reader, &io, &profiles, profile,
	    tc_trust_keyring(sd.trust), sd.rev, now, &tr, err, sizeof(err));
	if (r != 0) {
		fprintf(stderr, PROG ": %s (%s)\n", err, tc_errname(r));
		status = r == TC_ERR_NOMEM || r == TC_ERR_INTERNAL ||
			r == TC_ERR_CRYPTO
		    ? TC_EXIT_INTERNAL
		    : TC_EXIT_ENV;
		goto out;
	}
	/* The card's status from the status data, as for a QR. */
	status = tc_verify_status(&src, &sd, &tr.v, now);
	if (tr.v.have_claims &&
	    (progdir = tc_verify_programme_dir(
		 &src, &sd, src.progdir, pbuf, sizeof(pbuf))) != NULL &&
	    tc_programme_set_load_dir(&set, progdir, err, sizeof(err)) != 0)
		fprintf(stderr, PROG ": programmes: %s\n", err);
	print_result(&tr, tc_verdict_programme(&tr.v, set), src.json, led, now);
out:
	tc_ledger_close(led);
	tc_programme_set_free(set);
	tc_profile_set_release(&profiles);
	tc_status_data_release(&sd);
	return status;
}
