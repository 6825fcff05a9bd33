/* SPDX-License-Identifier: MIT */
/*
 * tcard-verify: the offline verifier of QR e-cards. It loads the signed
 * trust list (and optionally a signed revocation list), takes the QR text
 * from the command line, standard input or a PNG image, verifies it with
 * tc_credential_verify() and prints VALID or INVALID with a reason code, the
 * holder, tier, programme, expiry and the tier's services, as text or JSON.
 * Exit 0 only for VALID. Format: docs/formats.md.
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
    "    tcard-verify --trust FILE [--ca-pin HEX] [--revocations FILE]\n"
    "                 (TEXT | --stdin | --image FILE)\n"
    "                 [--id NUMBER | --id - | --id-env VAR]\n"
    "                 [--programmes DIR] [--ledger FILE] [--json]\n"
    "    tcard-verify --trust FILE [--ca-pin HEX] [--revocations FILE]\n"
    "                 --reader NAME [--profile auto|piv|tcard] "
    "[--profiles DIR]\n"
    "                 [--wait SEC] [--timeout SEC] [--programmes DIR]\n"
    "                 [--ledger FILE] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Decodes the QR text of an e-card (TC1: or TC1N:, Base45, zlib,\n"
    "    COSE_Sign1), checks the signature against the signed trust list by\n"
    "    kid and alg, the validity dates (300 seconds of clock skew allowed\n"
    "    for the issue time), the revocation list when given, and with an ID\n"
    "    number the holder binding. Prints VALID or INVALID with a reason\n"
    "    code: bad-signature, unknown-key, expired, not-yet-valid, revoked,\n"
    "    malformed or id-mismatch, then the card number, name, tier,\n"
    "    programme, expiry and the services of the tier.\n"
    "\n"
    "OPTIONS\n"
    "    --trust FILE        the signed trust list (tcard-keys export-trust)\n"
    "    --ca-pin HEX        SHA-256 of the CA certificate (64 hex digits);\n"
    "                        without it the CA in the list is accepted\n"
    "    --revocations FILE  a signed revocation list (tcard-issuer\n"
    "                        revocations)\n"
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
    "                        (default $TCARD_PROGRAMMES or the shipped\n"
    "                        directory)\n"
    "    --ledger FILE       a service window's usage ledger (the ledger\n"
    "                        file of tcard-verifierd, opened read-only):\n"
    "                        after each service, what the card has left\n"
    "                        (\"1 of 2 left this month\", \"unlimited\");\n"
    "                        with --json a \"usage\" array\n"
    "    --json              print one JSON object: result, reason, detail,\n"
    "                        message, and when the credential could be\n"
    "                        decoded authentic (the signature verified),\n"
    "                        card, name, tier, programme, expires, services\n"
    "    --reader NAME       tap verification of the card in PC/SC reader\n"
    "                        NAME (or a part of one reader's name): the\n"
    "                        credential read from the chip is checked as\n"
    "                        above, then the chip must sign a fresh random\n"
    "                        challenge with the key its credential names;\n"
    "                        a copy of a card's data on another chip is\n"
    "                        INVALID clone, a chip never personalised (or\n"
    "                        pulled during personalisation) INVALID\n"
    "                        not-personalised (docs/card-pcsc.md)\n"
    "    --profile P         card profile: auto (default), piv or tcard\n"
    "    --profiles DIR      card profiles (default $TCARD_PROFILES or the\n"
    "                        shipped firmware-profiles/)\n"
    "    --wait SEC          wait up to SEC seconds for a card (default 0)\n"
    "    --timeout SEC       deadline of each card command (default 10)\n"
    "\n"
    "EXIT STATUS\n"
    "    0 VALID; 1 INVALID; 2 usage error; 3 environment (unreadable or\n"
    "    invalid trust list, revocation list or image; with --reader: no\n"
    "    pcscd or reader, card removed, not answering in time, or an\n"
    "    answer that does not parse); 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_PROGRAMMES  default programme directory\n"
    "    TCARD_NOW         injected clock for tests\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-verify --trust trust.cose 'TC1:6BF...'\n"
    "    tcard-verify --trust trust.cose --revocations rev.cose \\\n"
    "        --image card.png --id - --json\n"
    "    tcard-verify --trust trust.cose --ledger /var/lib/tcard/ledger.db "
    "--stdin\n";

enum {
	OPT_TRUST = 256,
	OPT_CA_PIN,
	OPT_REV,
	OPT_STDIN,
	OPT_IMAGE,
	OPT_ID,
	OPT_ID_ENV,
	OPT_PROGRAMMES,
	OPT_JSON,
	OPT_LEDGER,
	OPT_HELP,
};

static const struct option longopts[] = {
	{ "trust", required_argument, NULL, OPT_TRUST },
	{ "ca-pin", required_argument, NULL, OPT_CA_PIN },
	{ "revocations", required_argument, NULL, OPT_REV },
	{ "stdin", no_argument, NULL, OPT_STDIN },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "id", required_argument, NULL, OPT_ID },
	{ "id-env", required_argument, NULL, OPT_ID_ENV },
	{ "programmes", required_argument, NULL, OPT_PROGRAMMES },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ledger", required_argument, NULL, OPT_LEDGER },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return TC_EXIT_USAGE;
}

static int
env_fail(const char *what, const char *msg)
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
	if (v->valid)
		printf("VALID\n");
	else
		printf("INVALID %s%s%s%s: %s\n",
		    v->reason ? v->reason : "error",
		    v->detail != NULL && v->reason != NULL &&
			    strcmp(v->detail, v->reason) != 0
			? " ("
			: "",
		    v->detail != NULL && v->reason != NULL &&
			    strcmp(v->detail, v->reason) != 0
			? v->detail
			: "",
		    v->detail != NULL && v->reason != NULL &&
			    strcmp(v->detail, v->reason) != 0
			? ")"
			: "",
		    v->message);
	if (!v->have_claims)
		return;
	tc_verdict_print_claims(stdout, v, "text");
	if (p == NULL)
		printf("services:  unknown (no programme file for %s)\n",
		    v->claims.programme);
	else {
		printf("services:\n");
		if ((led != NULL ? tc_verdict_usage(p, v, led, TC_CHANNEL_QR,
				       now, NULL, stdout)
				 : tc_verdict_services(
				       p, v->claims.tier, NULL, stdout)) == 0)
			printf("  (none for this tier)\n");
	}
}

static void
print_json(const struct tc_verdict *v, const struct tc_programme *p,
    struct tc_ledger *led, time_t now)
{
	/* The same object as tcard-verifierd's POST /v1/verify. */
	struct tc_buf b;
	json_t *o, *arr;

	if (led != NULL && p != NULL && v->have_claims) {
		/* ... plus "usage", what the ledger says is left. */
		if ((o = tc_verdict_json(v, p)) == NULL)
			return;
		if ((arr = json_array()) != NULL) {
			tc_verdict_usage(
			    p, v, led, TC_CHANNEL_QR, now, arr, NULL);
			json_object_set_new(o, "usage", arr);
		}
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
	const char *trust_path = NULL, *rev_path = NULL, *image = NULL;
	const char *id_opt = NULL, *id_env = NULL, *pdir = NULL, *text = NULL;
	const char *ledger_path = NULL;
	struct tc_ledger *led = NULL;
	struct tc_buf trust_buf, rev_buf, qr;
	struct tc_trust *trust = NULL;
	struct tc_revocations *rev = NULL;
	struct tc_programme_set *set = NULL;
	const struct tc_programme *prog = NULL;
	struct tc_verdict v;
	uint8_t pin[TC_TRUST_FPR_LEN];
	const uint8_t *pinp = NULL;
	char err[512], idbuf[128], *line = NULL;
	const char *id = NULL, *e;
	int ch, from_stdin = 0, json = 0, status = TC_EXIT_INTERNAL, r;
	time_t now;

	for (ch = 1; ch < argc && strcmp(argv[ch], "--") != 0; ch++)
		if (strcmp(argv[ch], "--reader") == 0 ||
		    strncmp(argv[ch], "--reader=", 9) == 0)
			return tc_verify_reader_main(argc, argv);
	tc_buf_init(&trust_buf, TC_TRUST_MAX_INPUT);
	tc_buf_init(&rev_buf, TC_REV_MAX_INPUT);
	tc_buf_init(&qr, TC_CRED_TEXT_MAX + 2);
	idbuf[0] = '\0';
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_TRUST:
			trust_path = optarg;
			break;
		case OPT_CA_PIN:
			if (tc_hex_decode(optarg, strlen(optarg), pin,
				sizeof(pin), NULL) != 0) {
				status = usage(
				    "--ca-pin: expected %s", "64 hex digits");
				goto out;
			}
			pinp = pin;
			break;
		case OPT_REV:
			rev_path = optarg;
			break;
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
		case OPT_PROGRAMMES:
			pdir = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_LEDGER:
			ledger_path = optarg;
			break;
		case OPT_HELP:
			fputs(help, stdout);
			status = TC_EXIT_OK;
			goto out;
		default:
			status =
			    usage("%s", "unknown option or missing argument");
			goto out;
		}
	}
	if (optind < argc)
		text = argv[optind++];
	if (optind < argc) {
		status = usage("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (trust_path == NULL) {
		status = usage("%s", "--trust FILE is required");
		goto out;
	}
	if ((text != NULL) + from_stdin + (image != NULL) != 1) {
		status = usage("%s",
		    "give exactly one of TEXT, --stdin and "
		    "--image FILE");
		goto out;
	}
	if (id_opt != NULL && id_env != NULL) {
		status = usage("%s", "give --id or --id-env, not both");
		goto out;
	}
	if (id_opt != NULL && strcmp(id_opt, "-") == 0 && from_stdin) {
		status = usage("%s",
		    "--id - and --stdin both read standard "
		    "input");
		goto out;
	}
	if ((now = tc_cli_now()) == (time_t)-1) {
		status = TC_EXIT_USAGE;
		goto out;
	}
	if (id_env != NULL) {
		if ((e = getenv(id_env)) == NULL || *e == '\0') {
			status = usage("$%s is not set", id_env);
			goto out;
		}
		snprintf(idbuf, sizeof(idbuf), "%s", e);
		id = idbuf;
	} else if (id_opt != NULL && strcmp(id_opt, "-") == 0) {
		if (read_line(idbuf, sizeof(idbuf), 0) != 0) {
			status = usage("%s", "--id -: the line is too long");
			goto out;
		}
		id = idbuf;
	} else if (id_opt != NULL) {
		fprintf(stderr,
		    PROG ": warning: an ID number on the command line is "
			 "visible to other users in ps; use --id - or "
			 "--id-env VAR\n");
		id = id_opt;
	}

	if ((r = tc_verify_read_file(trust_path, TC_TRUST_MAX_INPUT, &trust_buf,
		 err, sizeof(err))) != 0) {
		status = env_fail("--trust", err);
		goto out;
	}
	if ((r = tc_trust_load(&trust, trust_buf.data, trust_buf.len, pinp, now,
		 err, sizeof(err))) != 0) {
		status = env_fail("trust list", err);
		goto out;
	}
	if (rev_path != NULL) {
		if ((r = tc_verify_read_file(rev_path, TC_REV_MAX_INPUT,
			 &rev_buf, err, sizeof(err))) != 0) {
			status = env_fail("--revocations", err);
			goto out;
		}
		if ((r = tc_revocations_load(&rev, rev_buf.data, rev_buf.len,
			 tc_trust_keyring(trust), now, err, sizeof(err))) !=
		    0) {
			status = env_fail("revocation list", err);
			goto out;
		}
	}
	if (ledger_path != NULL) {
		if (tc_ledger_open_readonly(
			&led, ledger_path, err, sizeof(err)) != 0) {
			status = env_fail("--ledger", err);
			goto out;
		}
	}
	if (image != NULL) {
		if ((r = tc_verify_read_image(image, &qr, err, sizeof(err))) !=
		    0) {
			status = r == TC_ERR_NOT_FOUND || r == TC_ERR_TOO_LARGE
			    ? (fprintf(stderr, PROG ": %s\n", err), TC_EXIT_ENV)
			    : env_fail("--image", err);
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
		tc_trust_keyring(trust), rev, now, id, &v) != 0) {
		fprintf(stderr, PROG ": verification could not run: %s\n",
		    v.message);
		status = TC_EXIT_INTERNAL;
		goto out;
	}
	if (v.have_claims) {
		if (pdir == NULL && (pdir = getenv("TCARD_PROGRAMMES")) == NULL)
			pdir = TC_PROGRAMMES_DIR;
		if (tc_programme_set_load_dir(&set, pdir, err, sizeof(err)) ==
		    0)
			prog = tc_programme_set_find_code(
			    set, v.claims.programme_code);
		else
			fprintf(stderr, PROG ": programmes: %s\n", err);
		/* The credential carries the programme's code, not its id. */
		if (prog != NULL)
			snprintf(v.claims.programme, sizeof(v.claims.programme),
			    "%s", prog->id);
		else
			snprintf(v.claims.programme, sizeof(v.claims.programme),
			    "code %lu", (unsigned long)v.claims.programme_code);
	}
	if (json)
		print_json(&v, prog, led, now);
	else
		print_text(&v, prog, led, now);
	status = v.valid ? TC_EXIT_OK : TC_EXIT_REFUSED;
out:
	OPENSSL_cleanse(idbuf, sizeof(idbuf));
	free(line);
	tc_programme_set_free(set);
	tc_ledger_close(led);
	tc_revocations_free(rev);
	tc_trust_free(trust);
	tc_buf_release(&trust_buf);
	tc_buf_release(&rev_buf);
	tc_buf_release(&qr);
	return status;
}
