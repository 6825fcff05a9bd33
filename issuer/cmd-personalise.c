/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer personalise CARD --reader NAME and chip show CARD: the chip
 * of an issued card at a bank branch (include/tcard/perso.h) and what the
 * registry records about it (include/tcard/chip.h). Card and reader
 * trouble exits 3 with the step that failed and the registry's state;
 * docs/card-pcsc.md describes the flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/chip.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"
#include "tcard/perso.h"
#include "tcard/profile.h"

#define PERSO_ROLES                                                            \
	(TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))

const char tc_issuer_personalise_help[] =
    "NAME\n"
    "    tcard-issuer personalise - write an issued card to its chip\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer personalise CARD --reader NAME --as NAME\n"
    "                 [--profile auto|piv|tcard] [--profiles DIR]\n"
    "                 [--wait SEC] [--timeout SEC] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    CARD is the number or serial of a live card. The chip in the PC/SC\n"
    "    reader NAME (its whole name, or a part found in one reader's name)\n"
    "    is recognised by its card profile (firmware-profiles/: by ATR, then\n"
    "    by selecting each profile's application), and its unique id is\n"
    "    read. The registry then records the chip for the card as\n"
    "    'incomplete', before the chip is changed. The profile's steps follow:\n"
    "    the factory keys are replaced by keys diversified from the card\n"
    "    master key with the chip's id, a key pair is generated on the chip,\n"
    "    the card's credential (as on the QR e-card, plus the chip's public\n"
    "    key) is signed with the programme's signer and written; a PIV card\n"
    "    also gets an X.509 certificate of its key from the CA, a tcard is\n"
    "    locked. Finally the chip is verified as a service window would (the\n"
    "    credential, and its signature of a fresh challenge), and only then\n"
    "    does the registry record it 'done'.\n"
    "\n"
    "    A card pulled at any moment leaves the registry saying 'incomplete'\n"
    "    and a chip that fails verification; run the command again with the\n"
    "    same chip to restart (or, when the chip was in fact complete, to\n"
    "    record it). A card number is never written to a second chip, and a\n"
    "    chip never carries a second card: both are refused. Audit entries\n"
    "    chip.personalise.start and chip.personalise.done.\n"
    "\n"
    "OPTIONS\n"
    "    --reader NAME   the PC/SC reader\n"
    "    --as NAME       the acting operator (card-producer or card-issuer)\n"
    "    --profile P     auto (default), piv or tcard\n"
    "    --profiles DIR  card profiles (default $TCARD_PROFILES or the shipped\n"
    "                    firmware-profiles/)\n"
    "    --wait SEC      wait up to SEC seconds for a card (default 0)\n"
    "    --timeout SEC   give up on a card that does not answer within SEC\n"
    "                    seconds (default 10)\n"
    "    --json          print one JSON object\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 refused (the card is not live, the chip or the card is\n"
    "    bound elsewhere, wrong passphrase or role); 2 usage error; 3 reader,\n"
    "    card or environment trouble (card removed, no reader, no pcscd,\n"
    "    timeout, keys, registry): the registry says what state it is in;\n"
    "    4 internal error.\n"
    "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer personalise 4401000000000114 --reader 'Virtual PCD 00 00' \\\n"
    "        --as producer1\n"
    "    tcard-issuer personalise 114 --reader 'PCD 00 01' --profile piv --json \\\n"
    "        --as producer1\n";

const char tc_issuer_chip_show_help[] =
    "NAME\n"
    "    tcard-issuer chip show - the chip the registry records for a card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer chip show CARD [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the chip personalised for card CARD (number or serial): its\n"
    "    unique id, profile, state (incomplete or done), the number of\n"
    "    attempts and their times. A card without a chip record is refused.\n"
    "\n"
    "OPTIONS\n"
    "    --json      print one JSON object\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 shown; 1 no such card or no chip record; 2 usage error; 3\n"
    "    environment (registry); 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer chip show 4401000000000114 --json\n";

/* Card and reader trouble is the environment's, not a refusal. */
static int
fail(int r, const char *what, const char *err)
{
	int status = tc_cli_fail(r, what, err);

	if (r <= -200 && r > -300)
		return TC_EXIT_ENV;
	return status;
}

static int
parse_sec(const char *s, const char *opt, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0 || v > 3600)
		return tc_cli_usage("%s: 0 to 3600 seconds", opt);
	*ms = (int)v * 1000;
	return TC_EXIT_OK;
}

static void
iso(time_t t, char out[32])
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "-");
}

int
tc_issuer_personalise_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_keystore *ks = NULL;
	struct tc_profile_set set;
	struct tc_card_state cs;
	struct tc_perso_opts o;
	struct tc_perso_result res;
	struct tc_chip chip;
	const char *home = a->home, *as = a->as, *pdir, *v;
	char err[1024] = "";
	int status, r, json = a->json, have_chip;
	json_t *j;

	memset(&o, 0, sizeof(o));
	memset(&set, 0, sizeof(set));
	o.profile = "auto";
	o.reader = tc_args_get(a, "reader");
	if ((v = tc_args_get(a, "profile")) != NULL) {
		if (strcmp(v, "auto") != 0 && strcmp(v, "piv") != 0 &&
		    strcmp(v, "tcard") != 0)
			return tc_cli_usage("--profile: auto, piv or tcard");
		o.profile = v;
	}
	pdir = tc_args_get(a, "profiles");
	if ((v = tc_args_get(a, "wait")) != NULL &&
	    (status = parse_sec(v, "--wait", &o.icc.wait_ms)) != TC_EXIT_OK)
		return status;
	if ((v = tc_args_get(a, "timeout")) != NULL) {
		if ((status = parse_sec(v, "--timeout", &o.icc.timeout_ms)) !=
		    TC_EXIT_OK)
			return status;
		if (o.icc.timeout_ms == 0)
			return tc_cli_usage("--timeout: at least 1");
	}
	if (a->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if (o.reader == NULL)
		return tc_cli_usage("--reader NAME is needed");
	if ((r = tc_profile_set_load(
		 &set, tc_profile_dir(pdir), err, sizeof(err))) != 0)
		return (tc_cli_fail(r, "profiles", err), TC_EXIT_ENV);
	if ((status = tc_session_open(&s, home, as, PERSO_ROLES,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK) {
		tc_profile_set_release(&set);
		return status;
	}
	if ((r = tc_keystore_open(&ks, s.home, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "keys", err);
		goto out;
	}
	if ((status = tc_lc_card(&s, a->argv[0], &cs)) != TC_EXIT_OK)
		goto out;
	o.operator_name = s.op.name;
	o.now = s.now;
	r = tc_personalise(s.reg, ks, s.progs, &set, cs.card.serial, &o, &res,
	    err, sizeof(err));
	if (r != 0) {
		char what[64];

		snprintf(what, sizeof(what), "personalise (step %s)",
		    res.step != NULL ? res.step : "?");
		status = fail(r, what, err);
		have_chip =
		    tc_chip_get(s.reg, cs.card.serial, &chip, NULL, 0) == 0;
		if (have_chip && chip.state == TC_CHIP_INCOMPLETE)
			fprintf(stderr,
			    "tcard-issuer personalise: card %s: personalisation incomplete on chip %s (attempt %d); the chip will not pass verification: run the command again\n",
			    cs.card.card_no, chip.uid, chip.attempts);
		if (json) {
			j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:f}",
			    "result", "failed", "card", cs.card.card_no, "step",
			    res.step != NULL ? res.step : "", "error",
			    tc_errname(r), "message", err, "apdus",
			    (json_int_t)res.apdus, "ms", res.ms);
			json_object_set_new(j, "registry",
			    json_string(have_chip
				    ? tc_chip_state_name(chip.state)
				    : "none"));
			tc_cli_print_json(stdout, j);
			json_decref(j);
		}
		goto out;
	}
	if (json) {
		j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:I, s:f}",
		    "result", "done", "card", res.card_no, "uid", res.uid,
		    "profile", res.profile, "attempt", res.attempt,
		    "was_complete", res.was_complete, "apdus",
		    (json_int_t)res.apdus, "ms", res.ms);
		tc_cli_print_json(stdout, j);
		json_decref(j);
	} else
		printf(
		    "card %s personalised on chip %s (profile %s, attempt %d%s): %u APDUs, %.1f ms\n",
		    res.card_no, res.uid, res.profile, res.attempt,
		    res.was_complete ? ", found complete" : "", res.apdus,
		    res.ms);
	status = fflush(stdout) == 0 ? TC_EXIT_OK : TC_EXIT_ENV;
out:
	tc_keystore_free(ks);
	tc_session_close(&s);
	tc_profile_set_release(&set);
	return status;
}

int
tc_issuer_chip_show_run(const struct tc_args *args)
{
	struct tc_session s;
	struct tc_card_state cs;
	struct tc_chip chip;
	const char *home = args->home;
	char err[512] = "", a[32], b[32], c[32], key[2 * TC_CHIP_KEY_MAX + 1];
	int status, r, json = args->json;
	json_t *j;

	if (args->argc != 1)
		return tc_cli_usage("give one card number or serial");
	if ((status = tc_session_open(&s, home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	if ((status = tc_lc_card(&s, args->argv[0], &cs)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_chip_get(s.reg, cs.card.serial, &chip, err, sizeof(err))) !=
	    0) {
		status = tc_cli_fail(r, "chip",
		    r == TC_ERR_NOT_FOUND
			? "no chip was ever personalised for this card"
			: err);
		goto out;
	}
	iso(chip.started_at, a);
	iso(chip.attempt_at, b);
	iso(chip.done_at, c);
	tc_hex_encode(chip.card_key, chip.card_key_len, key);
	if (json) {
		j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}",
		    "card", chip.card_no, "uid", chip.uid, "profile",
		    chip.profile, "state", tc_chip_state_name(chip.state),
		    "attempts", chip.attempts, "started_at", a, "attempt_at", b,
		    "done_at", c);
		json_object_set_new(j, "card_key",
		    chip.card_key_len ? json_string(key) : json_null());
		tc_cli_print_json(stdout, j);
		json_decref(j);
	} else {
		printf("card:      %s\n", chip.card_no);
		printf("chip:      %s (%s)\n", chip.uid, chip.profile);
		printf("state:     %s\n", tc_chip_state_name(chip.state));
		printf(
		    "attempts:  %d (first %s, last %s)\n", chip.attempts, a, b);
		if (chip.state == TC_CHIP_DONE)
			printf("done:      %s\n", c);
	}
	status = TC_EXIT_OK;
out:
	tc_session_close(&s);
	return status;
}
