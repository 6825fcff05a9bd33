/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer subcard add CARD: a sub-card for a relative of the holder of
 * a main card, with the relative's own ID document and photo
 * (tc_lifecycle_subcard_add, src/registry/lifecycle.c; docs/lifecycle.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app-cli.h"
#include "card-cli.h"
#include "cli-io.h"
#include "cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/attach.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/lifecycle.h"
#include "tcard/programme.h"
#include "tcard/serial.h"

const char tc_issuer_subcard_add_help[] =
    "NAME\n"
    "    tcard-issuer subcard add - add a sub-card for a relative\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer subcard add CARD --relation RELATION --id-type TYPE\n"
    "                 (--id - | --id-env VAR) --name NAME --photo FILE\n"
    "                 [--birth-date YYYY-MM-DD] --as NAME [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Adds a sub-card (副证) to main card CARD (number or serial) for the\n"
    "    holder's spouse, child, parent or parent-in-law. The programme must\n"
    "    have a sub-card tier for that relation whose principal_tiers\n"
    "    include CARD's tier: the green card gives sub-cards to A card\n"
    "    holders only (002 七), for minor children only. A child's age is\n"
    "    taken from the birth date in the ID number on today's date (Beijing\n"
    "    time): 18 or older is refused. For documents without a birth date\n"
    "    (passports, travel permits) give --birth-date. The main card must\n"
    "    be issued and not past its expiry.\n"
    "\n"
    "    The relative becomes a holder of the registry with their own ID\n"
    "    document (stored as a keyed MAC, a sealed copy and a masked form;\n"
    "    never in plain) unless the number is already known. The sub-card\n"
    "    gets a new serial and number, the main card's expiry, and follows\n"
    "    the main card: when it is renewed, suspended, reinstated, revoked\n"
    "    or expires, so is the sub-card. A person has one live sub-card per\n"
    "    main card, and a main card one spouse sub-card.\n"
    "\n"
    "    Every printed card shows its holder's photo, and a sub-card made\n"
    "    here has no application to take one from: FILE is the relative's\n"
    "    photo, checked as the programme's application form checks one (an\n"
    "    image by its content, of the form's pixel size and byte cap) and\n"
    "    kept as the sub-card's document \"photo\", where 'print' and\n"
    "    'print-batch' find it. (A sub-card applied for with 'apply\n"
    "    --principal' takes the application's photo instead.) Needs the\n"
    "    role card-issuer. Audited as holder.add (a new relative),\n"
    "    card.subcard-add, card.document and serial.reserve.\n"
    "\n"
    "    RELATION is spouse, child, parent or parent-in-law. TYPE is an ID\n"
    "    document type as in 'tcard-issuer id-check --help' (resident,\n"
    "    passport, ...).\n"
    "\n"
    "OPTIONS\n"
    "    --relation R        the relative's relation to the holder\n"
    "    --id-type TYPE      the relative's ID document type\n"
    "    --id -              read the relative's ID number from standard\n"
    "                        input\n"
    "    --id-env VAR        read it from environment variable VAR (never\n"
    "                        give the number itself on the command line:\n"
    "                        ps and the shell history would show it)\n"
    "    --name NAME         the relative's name as printed on the card\n"
    "    --photo FILE        the relative's photo for the card face\n"
    "    --birth-date DATE   for ID documents that carry no birth date\n"
    "    --as NAME           the acting operator (role card-issuer)\n"
    "    --json              print the sub-card as JSON\n"
    "    --home DIR          the authority's home directory\n"
    "    --help              show this page\n"
    "\n" TC_LC_EXIT "\n" TC_LC_ENV "\n"
    "EXAMPLES\n"
    "    RID='110101201503030016' tcard-issuer subcard add 17 --relation child \\\n"
    "        --id-type resident --id-env RID --name 'Li Xiaoming' \\\n"
    "        --photo xiaoming.jpg --as clerk\n";

int
tc_issuer_subcard_add_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_lifecycle lc;
	struct tc_lifecycle_result res;
	struct tc_card_state c;
	struct tc_relative rel;
	enum tc_relation relation = 0;
	enum tc_id_type type = 0;
	const char *id = tc_args_get(a, "id");
	const char *id_env = tc_args_get(a, "id-env");
	const char *name = tc_args_get(a, "name");
	const char *birth = tc_args_get(a, "birth-date"), *v;
	const char *photo = tc_args_get(a, "photo");
	struct tc_buf pb;
	char err[512] = "", g[20], gs[20], vt[TC_LIFECYCLE_DATE_LEN];
	char norm[TC_ID_MAX] = "", text[320], bd[16];
	char idbuf[3 * TC_ID_MAX] = "";
	int status, r;
	int64_t ns;
	time_t bt;

	memset(&rel, 0, sizeof(rel));
	if ((v = tc_args_get(a, "relation")) != NULL &&
	    (tc_relation_parse(v, &relation) != 0 || relation == TC_REL_HOLDER))
		return tc_cli_usage(
		    "--relation is spouse, child, parent or parent-in-law, not '%.32s'",
		    v);
	if ((v = tc_args_get(a, "id-type")) != NULL &&
	    tc_id_type_parse(v, &type) != 0)
		return tc_cli_usage(
		    "unknown ID type '%.32s' (see 'tcard-issuer id-check --help')",
		    v);
	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if (relation == 0 || type == 0 || name == NULL)
		return tc_cli_usage(
		    "give --relation, --id-type, the ID number and --name");
	if (photo == NULL)
		return tc_cli_usage(
		    "give --photo FILE: the relative's photo for the card face");
	if ((status = tc_ac_read_id(id, id_env,
		 "give the relative's ID number: --id - or --id-env VAR", idbuf,
		 sizeof(idbuf))) != TC_EXIT_OK)
		return status;
	if (birth != NULL) {
		if (tc_lifecycle_date_parse(birth, &bt, err, sizeof(err)) != 0)
			return tc_cli_usage("--birth-date: %s", err);
		snprintf(bd, sizeof(bd), "%.10s", birth);
		rel.birth_y = atoi(bd);
		rel.birth_m = atoi(bd + 5);
		rel.birth_d = atoi(bd + 8);
	}
	tc_buf_init(&pb, TC_ATTACH_MAX);
	if ((r = tc_cli_read_file(
		 photo, TC_ATTACH_MAX, &pb, err, sizeof(err))) != 0) {
		OPENSSL_cleanse(idbuf, sizeof(idbuf));
		tc_buf_release(&pb);
		return tc_cli_fail(r, "--photo", err);
	}
	rel.photo = pb.data;
	rel.photo_len = pb.len;
	rel.photo_name = photo;
	if ((status = tc_session_open(&s, a->home, a->as, TC_LC_ROLES_ANY,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK) {
		OPENSSL_cleanse(idbuf, sizeof(idbuf));
		tc_buf_release(&pb);
		return status;
	}
	r = tc_id_normalise(type, idbuf, s.now, norm, err, sizeof(err));
	OPENSSL_cleanse(idbuf, sizeof(idbuf));
	if (r != 0) {
		status = tc_cli_fail(r, "--id", err);
		goto out;
	}
	rel.id_type = type;
	rel.id_number = norm;
	rel.name = name;
	if ((status = tc_lc_card(&s, a->argv[0], &c)) != TC_EXIT_OK)
		goto out;
	lc = tc_lc_ctx(&s);
	/* Check first, so that a refusal costs no serial. */
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_subcard_add(
	    &lc, c.card.serial, relation, &rel, 0, NULL, err, sizeof(err));
	if ((status = tc_lc_reserve(&s, r, "subcard add", err, "subcard",
		 c.card.card_no, &ns)) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_subcard_add(
	    &lc, c.card.serial, relation, &rel, ns, &res, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "subcard add", err)) != TC_EXIT_OK)
		goto out;
	tc_lc_grouped(c.card.card_no, g);
	tc_lc_grouped(res.new_card_no, gs);
	tc_lc_valid_to(c.card.expires_at, vt);
	snprintf(text, sizeof(text),
	    "sub-card %s (serial %lld, %s) added to card %s, valid through %s",
	    gs, (long long)res.new_serial, tc_relation_name(relation), g, vt);
	/* Report the sub-card itself. */
	res.serial = res.new_serial;
	res.new_serial = 0;
	status = tc_lc_report(&s, "subcard add", &res, a->json, text);
out:
	OPENSSL_cleanse(idbuf, sizeof(idbuf));
	OPENSSL_cleanse(norm, sizeof(norm));
	tc_buf_release(&pb);
	tc_session_close(&s);
	return status;
}
