/* SPDX-License-Identifier: MIT */
/*
 * tcard-verify: the offline verifier of QR e-cards. It loads the signed
 * trust list, pinned, and the status data (a bundle directory, or a
 * revocation list; verify-status.c), takes the QR text from the command
 * line, standard input or a PNG image, verifies it with
 * tc_credential_verify(), folds in the card's status (tc_status_apply) and
 * prints VALID, SUSPENDED, UNKNOWN-STATUS or INVALID with a reason code,
 * the status and its basis, the holder, tier, programme, expiry and the
 * tier's services, as text or JSON. Exit 0 only for VALID. Format:
 * docs/formats.md.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/ledger.h"
#include "tcard/programme.h"
#include "tcard/revocation.h"
#include "tcard/trust.h"
#include "verdict-json.h"
#include "verify.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define PROG "tcard-verify"

static const char help[] =
    "NAME\n"
    "    tcard-verify - verify a talent card QR e-card offline\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-verify (--bundle DIR | --trust FILE [--revocations FILE])\n"
    "                 (--ca-pin HEX | --trust-unpinned) [--no-status-check]\n"
    "                 (TEXT | --stdin | --image FILE)\n"
    "                 [--id NUMBER | --id - | --id-env VAR]\n"
    "                 [--programmes DIR] [--ledger FILE] [--json]\n"
    "    tcard-verify (--bundle DIR | --trust FILE [--revocations FILE])\n"
    "                 (--ca-pin HEX | --trust-unpinned) [--no-status-check]\n"
    "                 --reader NAME [--profile auto|piv|tcard] [--profiles DIR]\n"
    "                 [--wait SEC] [--timeout SEC] [--programmes DIR]\n"
    "                 [--ledger FILE] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Decodes the QR text of an e-card (TC1: or TC1N:, Base45, zlib,\n"
    "    COSE_Sign1), checks the signature against the signed trust list by\n"
    "    kid and alg, the validity dates (300 seconds of clock skew allowed\n"
    "    for the issue time), and with an ID number the holder binding; then\n"
    "    the card's status from the signed status data: the revocation list\n"
    "    and, with --bundle, its deltas and the lookup snapshot, which knows\n"
    "    suspended cards (sub-cards of a suspended card too). Prints VALID,\n"
    "    SUSPENDED, UNKNOWN-STATUS or INVALID with a reason code\n"
    "    (bad-signature, unknown-key, expired, not-yet-valid, revoked,\n"
    "    malformed, id-mismatch; suspended; no-revocations or\n"
    "    stale-revocations), the card's status and what it rests on (the\n"
    "    revocation list and snapshot used, the CA and how it was\n"
    "    accepted), then the card number, name, tier, programme, expiry and\n"
    "    the services of the tier.\n"
    "\n"
    "    VALID needs a current revocation list (not past its next-update):\n"
    "    without one the card's status is unknown and the answer is\n"
    "    UNKNOWN-STATUS, unless --no-status-check asks to skip the status\n"
    "    check (then \"VALID (status not checked)\"). The trust list must\n"
    "    chain to a pinned CA (--ca-pin or $TCARD_CA_PIN); one whose CA is\n"
    "    not pinned is refused unless --trust-unpinned asks for it, and the\n"
    "    answer then says \"CA NOT PINNED\".\n"
    "\n"
    "OPTIONS\n"
    "    --bundle DIR        the bundle tcard-issuer publish wrote (or a\n"
    "                        copy): trust.cose, revocations.cose with its\n"
    "                        revocations-since-N.cose deltas, lookup.cose\n"
    "                        with its data file, programmes/ (used when the\n"
    "                        snapshot lists them and they match), each\n"
    "                        verified as tcard-verifierd does\n"
    "    --trust FILE        the signed trust list (tcard-keys export-trust)\n"
    "    --revocations FILE  with --trust: a signed revocation list\n"
    "                        (tcard-issuer revocations); no suspensions\n"
    "    --ca-pin HEX        SHA-256 of the issuer's CA certificate (64 hex\n"
    "                        digits, \"sha256\" of the CA in tcard-keys\n"
    "                        list); default $TCARD_CA_PIN\n"
    "    --trust-unpinned    accept the CA the trust list names itself\n"
    "                        (only for a list that came over a channel you\n"
    "                        already trust); the output says so\n"
    "    --no-status-check   skip the status check (no revocation list):\n"
    "                        VALID becomes \"VALID (status not checked)\"\n"
    "    TEXT                the QR text as an argument\n"
    "    --stdin             read the QR text from standard input\n"
    "    --image FILE        read the QR code from a PNG image (at most\n"
    "                        4096x4096 pixels)\n"
    "    --id NUMBER         the ID number on the document the holder shows;\n"
    "                        spaces, full-width characters and lower case\n"
    "                        are accepted. Warning: a number on the command\n"
    "                        line is visible to other users in ps; prefer\n"
    "                        --id - (read a line from standard input) or\n"
    "                        --id-env VAR\n"
    "    --programmes DIR    programme files to list the tier's services\n"
    "                        (default: the bundle's, else $TCARD_PROGRAMMES\n"
    "                        or the shipped directory)\n"
    "    --ledger FILE       a service window's usage ledger (the ledger\n"
    "                        file of tcard-verifierd, opened read-only):\n"
    "                        after each service, what the card has left\n"
    "                        (\"1 of 2 left this month\", \"unlimited\");\n"
    "                        with --json a \"usage\" array\n"
    "    --json              print one JSON object: result, reason, detail,\n"
    "                        message, status, basis, and when the\n"
    "                        credential could be decoded authentic (the\n"
    "                        signature verified), card, name, tier,\n"
    "                        programme, expires, services\n"
    "    --reader NAME       tap verification of the card in PC/SC reader\n"
    "                        NAME (or a part of one reader's name): the\n"
    "                        credential read from the chip is checked as\n"
    "                        above, then the chip must sign a fresh random\n"
    "                        challenge with the key its credential names;\n"
    "                        a copy of a card's data on another chip is\n"
    "                        INVALID clone, a chip never personalised (or\n"
    "                        pulled during personalisation) INVALID\n"
    "                        not-personalised (docs/card-pcsc.md); the\n"
    "                        status rules are the same\n"
    "    --profile P         card profile: auto (default), piv or tcard\n"
    "    --profiles DIR      card profiles (default $TCARD_PROFILES or the\n"
    "                        shipped firmware-profiles/)\n"
    "    --wait SEC          wait up to SEC seconds for a card (default 0)\n"
    "    --timeout SEC       deadline of each card command (default 10)\n"
    "\n"
    "EXIT STATUS\n"
    "    0 VALID (the status checked, or skipped with --no-status-check);\n"
    "    1 INVALID or SUSPENDED; 2 usage error (also: no CA pin and no\n"
    "    --trust-unpinned);\n"
    "    3 environment (unreadable or invalid trust list, revocation list,\n"
    "    bundle or image, a trust list whose CA is not the pinned one;\n"
    "    with --reader: no pcscd or reader, card removed, not answering in\n"
    "    time, or an answer that does not parse); 4 internal error;\n"
    "    5 UNKNOWN-STATUS (signature and dates good, but no current\n"
    "    revocation list).\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_CA_PIN      the CA pin when --ca-pin is not given\n"
    "    TCARD_PROGRAMMES  default programme directory\n"
    "    TCARD_NOW         test builds: injected clock\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-verify --bundle /srv/www/tcard --ca-pin 3eff...3e7a 'TC1:6BF...'\n"
    "    TCARD_CA_PIN=3eff...3e7a tcard-verify --bundle bundle \\\n"
    "        --image card.png --id - --json\n"
    "    tcard-verify --trust trust.cose --revocations rev.cose \\\n"
    "        --ca-pin 3eff...3e7a --ledger /var/lib/tcard/ledger.db --stdin\n";

enum {
	OPT_STDIN = 256,
	OPT_IMAGE,
	OPT_ID,
	OPT_ID_ENV,
	OPT_HELP,
};

static const struct option longopts[] = {
	TC_VERIFY_SRC_OPTIONS,
	{ "stdin", no_argument, NULL, OPT_STDIN },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "id", required_argument, NULL, OPT_ID },
	{ "id-env", required_argument, NULL, OPT_ID_ENV },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

int
tc_verify_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return TC_EXIT_USAGE;
}

int
tc_verify_env_fail(const char *what, const char *msg)
{
	fprintf(stderr, PROG ": %s: %s\n", what, msg);
	return TC_EXIT_ENV;
}

/* Reads one line from stdin into out (no newline). -1 when too long. */
static int
read_line(char *out, size_t outlen, int strip_space)
{
	size_t n = 0;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = (char)c;
	}
	while (
	    n > 0 && (out[n - 1] == '\r' || (strip_space && out[n - 1] == ' ')))
		n--;
	out[n] = '\0';
	return 0;
}

static void
print_text(const struct tc_verdict *v, const struct tc_programme *p,
    struct tc_ledger *led, time_t now)
{
	tc_verdict_print_result(stdout, v, 1);
	tc_verdict_print_status(stdout, v);
	if (!v->have_claims)
		return;
	tc_verdict_print_claims(stdout, v, "text");
	if (p == NULL)
		printf("services:  unknown (no programme file for %s)\n",
		    v->claims.programme);
	else
		tc_verdict_print_services(
		    stdout, p, v, led, TC_CHANNEL_QR, now);
}

static void
print_json(const struct tc_verdict *v, const struct tc_programme *p,
    struct tc_ledger *led, time_t now)
{
	/* The same object as tcard-verifierd's POST /v1/verify. */
	struct tc_buf b;
	json_t *o;

	if (led != NULL && p != NULL && v->have_claims) {
		/* ... plus "usage", what the ledger says is left. */
		if ((o = tc_verdict_json(v, p)) == NULL)
			return;
		tc_verdict_json_usage(o, p, v, led, TC_CHANNEL_QR, now);
		tc_cli_print_json(stdout, o);
		json_decref(o);
		return;
	}
	tc_buf_init(&b, 0);
	if (tc_verdict_json_write(&b, v, p, NULL, 1) == 0)
		fputs((const char *)b.data, stdout);
	tc_buf_release(&b);
}

int
main(int argc, char **argv)
{
	const char *image = NULL;
	const char *id_opt = NULL, *id_env = NULL, *pdir = NULL, *text = NULL;
	struct tc_ledger *led = NULL;
	struct tc_verify_src src;
	struct tc_status_data sd;
	struct tc_buf qr;
	struct tc_programme_set *set = NULL;
	const struct tc_programme *prog = NULL;
	struct tc_verdict v;
	char err[512], idbuf[128], pbuf[4096], *line = NULL;
	const char *id = NULL, *e;
	int ch, from_stdin = 0, status = TC_EXIT_INTERNAL, r;
	time_t now;

	for (ch = 1; ch < argc && strcmp(argv[ch], "--") != 0; ch++)
		if (strcmp(argv[ch], "--reader") == 0 ||
		    strncmp(argv[ch], "--reader=", 9) == 0)
			return tc_verify_reader_main(argc, argv);
	memset(&src, 0, sizeof(src));
	memset(&sd, 0, sizeof(sd));
	tc_buf_init(&qr, TC_CRED_TEXT_MAX + 2);
	idbuf[0] = '\0';
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = tc_verify_src_opt(&src, ch, optarg)) != 0) {
			if (r == 1)
				continue;
			status = r;
			goto out;
		}
		switch (ch) {
		case OPT_STDIN:
			from_stdin = 1;
			break;
		case OPT_IMAGE:
			image = optarg;
			break;
		case OPT_ID:
			id_opt = optarg;
			break;
		case OPT_ID_ENV:
			id_env = optarg;
			break;
		case OPT_HELP:
			fputs(help, stdout);
			status = TC_EXIT_OK;
			goto out;
		default:
			status = tc_verify_usage(
			    "%s", "unknown option or missing argument");
			goto out;
		}
	}
	if (optind < argc)
		text = argv[optind++];
	if (optind < argc) {
		status =
		    tc_verify_usage("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((status = tc_verify_src_check(&src)) != 0)
		goto out;
	status = TC_EXIT_INTERNAL;
	if ((text != NULL) + from_stdin + (image != NULL) != 1) {
		status = tc_verify_usage(
		    "%s", "give exactly one of TEXT, --stdin and --image FILE");
		goto out;
	}
	if (id_opt != NULL && id_env != NULL) {
		status =
		    tc_verify_usage("%s", "give --id or --id-env, not both");
		goto out;
	}
	if (id_opt != NULL && strcmp(id_opt, "-") == 0 && from_stdin) {
		status = tc_verify_usage(
		    "%s", "--id - and --stdin both read standard input");
		goto out;
	}
	if ((now = tc_cli_now()) == (time_t)-1) {
		status = TC_EXIT_USAGE;
		goto out;
	}
	if (id_env != NULL) {
		if ((e = getenv(id_env)) == NULL || *e == '\0') {
			status = tc_verify_usage("$%s is not set", id_env);
			goto out;
		}
		/* Cut short, it would be another ID number: refused. */
		if (tc_fmt(idbuf, sizeof(idbuf), "%s", e) != 0) {
			status = tc_verify_usage(
			    "$%s is too long for an ID number", id_env);
			goto out;
		}
		id = idbuf;
	} else if (id_opt != NULL && strcmp(id_opt, "-") == 0) {
		if (read_line(idbuf, sizeof(idbuf), 0) != 0) {
			status = tc_verify_usage(
			    "%s", "--id -: the line is too long");
			goto out;
		}
		id = idbuf;
	} else if (id_opt != NULL) {
		fprintf(stderr,
		    PROG
		    ": warning: an ID number on the command line is visible to other users in ps; use --id - or --id-env VAR\n");
		id = id_opt;
	}

	if ((status = tc_verify_src_load(&src, &sd, &led, now)) != 0)
		goto out;
	status = TC_EXIT_INTERNAL;
	if (image != NULL) {
		if ((r = tc_verify_read_image(image, &qr, err, sizeof(err))) !=
		    0) {
			status = r == TC_ERR_NOT_FOUND || r == TC_ERR_TOO_LARGE
			    ? (fprintf(stderr, PROG ": %s\n", err), TC_EXIT_ENV)
			    : tc_verify_env_fail("--image", err);
			goto out;
		}
	} else if (from_stdin) {
		if ((line = malloc(TC_CRED_TEXT_MAX + 2)) == NULL) {
			status = TC_EXIT_INTERNAL;
			goto out;
		}
		if (read_line(line, TC_CRED_TEXT_MAX + 2, 1) != 0) {
			/* Too long: let the library say "oversized". */
			memset(line, 'A', TC_CRED_TEXT_MAX + 1);
			line[TC_CRED_TEXT_MAX + 1] = '\0';
		}
		if (tc_buf_puts(&qr, line) != 0) {
			status = TC_EXIT_INTERNAL;
			goto out;
		}
	} else {
		if (strlen(text) > TC_CRED_TEXT_MAX)
			r = tc_buf_put(&qr, text, TC_CRED_TEXT_MAX + 1);
		else
			r = tc_buf_puts(&qr, text);
		if (r != 0) {
			status = TC_EXIT_INTERNAL;
			goto out;
		}
	}

	if (tc_credential_verify((const char *)qr.data, qr.len,
		tc_trust_keyring(sd.trust), sd.rev, now, id, &v) != 0) {
		fprintf(stderr, PROG ": verification could not run: %s\n",
		    v.message);
		status = TC_EXIT_INTERNAL;
		goto out;
	}
	/* The card's status from the status data, folded into v. */
	status = tc_verify_status(&src, &sd, &v, now);
	if (v.have_claims) {
		pdir = tc_verify_programme_dir(
		    &src, &sd, src.progdir, pbuf, sizeof(pbuf));
		if (pdir != NULL &&
		    tc_programme_set_load_dir(&set, pdir, err, sizeof(err)) ==
			0)
			prog = tc_programme_set_find_code(
			    set, v.claims.programme_code);
		else if (pdir != NULL)
			fprintf(stderr, PROG ": programmes: %s\n", err);
		/* The credential carries the programme's code, not its id. */
		if (prog != NULL)
			snprintf(v.claims.programme, sizeof(v.claims.programme),
			    "%s", prog->id);
		else
			snprintf(v.claims.programme, sizeof(v.claims.programme),
			    "code %lu", (unsigned long)v.claims.programme_code);
	}
	if (src.json)
		print_json(&v, prog, led, now);
	else
		print_text(&v, prog, led, now);
out:
	OPENSSL_cleanse(idbuf, sizeof(idbuf));
	free(line);
	tc_programme_set_free(set);
	tc_ledger_close(led);
	tc_status_data_release(&sd);
	tc_buf_release(&qr);
	return status;
}
