/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer organisation add and list, and operator totp: the
 * authority's organisations (src/registry/organisation.c) and an
 * operator's TOTP enrolment (src/registry/operator.c, src/totp.c, the QR
 * code of src/qr.c). Changes are made by an authenticated admin (--as)
 * and audited in the same transaction. docs/operators.md
 * "Organisations" and "Second factor" describe the rules and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "cli-io.h"
#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/notify.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/qr.h"
#include "tcard/registry.h"
#include "tcard/role.h"
#include "tcard/totp.h"

#define ADMIN TC_ROLE_BIT(TC_ROLE_ADMIN)
/* The issuer named in the enrolment URI and shown by authenticator apps. */
#define TOTP_ISSUER "talentcard"

const char tc_issuer_organisation_add_help[] =
    "NAME\n"
    "    tcard-issuer organisation add - add an organisation\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer organisation add KIND CODE --name NAME --as ADMIN\n"
    "                 [--email ADDR] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Adds an organisation operators can belong to. KIND is one of\n"
    "        unit           an employer (送审单位); CODE is its unified social\n"
    "                       credit code (18 characters, check character\n"
    "                       verified)\n"
    "        industry       an industry department\n"
    "        district       a district HR bureau\n"
    "        city           a city office (authority-wide)\n"
    "        talent-office  the talent office (authority-wide)\n"
    "        bank-branch    a bank branch that produces or issues cards\n"
    "    Other kinds' CODE is 1 to 24 characters of a-z, 0-9 and '-'. NAME is\n"
    "    the organisation's name (UTF-8, at most 240 bytes). A unit is also\n"
    "    made, from the employer's code and name, when an application of an\n"
    "    unknown employer is submitted. Audit entry 'organisation.add'.\n"
    "\n"
    "OPTIONS\n"
    "    --name NAME   the organisation's name\n"
    "    --email ADDR  its contact e-mail, where notifications to it go\n"
    "                  (docs/notify.md; see organisation set-email)\n"
    "    --as ADMIN    the acting operator, with the admin role\n"
    "    --home DIR    the authority's home directory\n"
    "    --help        show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 added; 1 refused (the code exists, a bad code, authentication\n"
    "    failed, not an admin); 2 usage error; 3 no keys, no registry or a\n"
    "    database error; 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer organisation add district baiyun-hr \\\n"
    "        --name '白云区人力资源和社会保障局' --as ada\n"
    "    tcard-issuer organisation add unit 91440101MA59TEST0X \\\n"
    "        --name '广州某某科技有限公司' --as ada\n";

/* The options of organisation set-email and operator set-email. */
#define SET_EMAIL_OPTIONS                                                      \
	"OPTIONS\n"                                                            \
	"    --as ADMIN    the acting operator, with the admin role\n"         \
	"    --home DIR    the authority's home directory\n"                   \
	"    --help        show this page\n"                                   \
	"\n"                                                                   \
	"EXIT STATUS\n"

const char tc_issuer_organisation_set_email_help[] =
    "NAME\n"
    "    tcard-issuer organisation set-email - set an organisation's e-mail\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer organisation set-email CODE [ADDR] --as ADMIN\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Sets the contact e-mail of organisation CODE to ADDR (a plain\n"
    "    address local@domain, at most 254 bytes), or clears it without\n"
    "    ADDR. Notifications to the organisation go there: a unit is told\n"
    "    when an application reaches its step and when its employee's card\n"
    "    is issued (docs/notify.md). Audit entry 'organisation.set-email'.\n"
    "\n" SET_EMAIL_OPTIONS
    "    0 set; 1 refused (unknown organisation, not an address,\n"
    "    authentication failed, not an admin); 2 usage error; 3 no keys, no\n"
    "    registry or a database error; 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer organisation set-email 91440101MA59TEST0X \\\n"
    "        hr@example.com --as ada\n";

const char tc_issuer_operator_set_email_help[] =
    "NAME\n"
    "    tcard-issuer operator set-email - set an operator's e-mail\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator set-email NAME [ADDR] --as ADMIN [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Sets the e-mail of operator NAME to ADDR (a plain address\n"
    "    local@domain, at most 254 bytes), or clears it without ADDR. The\n"
    "    overdue reminders (tcard-issuer notify overdue) go there: to the\n"
    "    operators holding the role of a step past its deadline\n"
    "    (docs/notify.md). Audit entry 'operator.set-email'.\n"
    "\n" SET_EMAIL_OPTIONS
    "    0 set; 1 refused (unknown operator, not an address, authentication\n"
    "    failed, not an admin); 2 usage error; 3 no keys, no registry or a\n"
    "    database error; 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator set-email wang.li wang.li@example.com --as ada\n";

const char tc_issuer_organisation_list_help[] =
    "NAME\n"
    "    tcard-issuer organisation list - show the organisations\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer organisation list [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints one line per organisation, by kind and code:\n"
    "        KIND  CODE  NAME\n"
    "\n"
    "OPTIONS\n"
    "    --json       print a JSON array of {\"kind\", \"code\", \"name\",\n"
    "                 \"created\"}\n"
    "    --home DIR   the authority's home directory\n"
    "    --help       show this page\n"
    "\n" TC_ISSUER_LIST_EXIT "\n"
    "EXAMPLES\n"
    "    tcard-issuer organisation list --json\n";

const char tc_issuer_operator_totp_help[] =
    "NAME\n"
    "    tcard-issuer operator totp - enrol an operator in TOTP\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer operator totp NAME --as ADMIN [--qr FILE.png]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Gives operator NAME a new TOTP secret (RFC 6238: 6 digits, 30\n"
    "    seconds, HMAC-SHA1), replacing any earlier one, and prints the\n"
    "    otpauth:// URI that an authenticator app takes; --qr also writes it\n"
    "    as a QR code (PNG, mode 0600). From then on the operator signs in\n"
    "    with its passphrase and a code: tcard-issuerd asks for both, and\n"
    "    tcard-issuer's --as takes the code from $TCARD_OTP or a prompt.\n"
    "    The secret is stored sealed under the data key; the URI and the QR\n"
    "    code hold it in plain: give them to the operator only, then delete\n"
    "    the file. Audit entry 'operator.totp-enrol' (never the secret).\n"
    "\n"
    "OPTIONS\n"
    "    --qr FILE.png  also write the URI as a QR code\n"
    "    --as ADMIN     the acting operator, with the admin role\n"
    "    --home DIR     the authority's home directory\n"
    "    --help         show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 enrolled; 1 refused (unknown operator, authentication failed, not\n"
    "    an admin); 2 usage error; 3 no keys, no registry, a database or\n"
    "    file error; 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer operator totp wang.li --qr /tmp/wang.li-totp.png --as ada\n";

int
tc_issuer_organisation_add_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct tc_organisation o;
	struct tc_operator actor;
	enum tc_org_kind kind;
	const char *name = tc_args_get(ta, "name");
	const char *email = tc_args_get(ta, "email");
	char err[512] = "", subject[TC_ORG_CODE_MAX + 16], detail[64];
	time_t now;
	int r, status;

	if (ta->argc != 2)
		return tc_cli_usage("give KIND and CODE");
	if (tc_org_kind_parse(ta->argv[0], &kind) != 0)
		return tc_cli_usage(
		    "unknown kind '%.32s' (unit, industry, district, city, talent-office, bank-branch)",
		    ta->argv[0]);
	if (name == NULL)
		return tc_cli_usage("give the organisation's --name");
	if ((status = tc_issuer_admin_begin(
		 ta->home, ta->as, 0, &reg, &actor, &now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_registry_org_add(
		 reg, kind, ta->argv[1], name, now, &o, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, "organisation add", err);
	if (status == TC_EXIT_OK && email != NULL &&
	    (r = tc_notify_set_email(
		 reg, TC_NOTIFY_ORG, o.code, email, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, "organisation add", err);
	if (status == TC_EXIT_OK) {
		snprintf(subject, sizeof(subject), "organisation:%s", o.code);
		snprintf(detail, sizeof(detail), "{\"kind\":\"%s\"%s}",
		    tc_org_kind_name(kind),
		    email != NULL ? ",\"email\":true" : "");
		if ((r = tc_registry_audit(reg, now, actor.name,
			 "organisation.add", subject, detail, err,
			 sizeof(err))) != 0)
			status = tc_cli_fail(r, "organisation add", err);
	}
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	printf("organisation %s added (%s)\n", o.code, tc_org_kind_name(kind));
out:
	tc_registry_close(reg);
	return status;
}

/*
 * organisation set-email and operator set-email: who's key is argv[0],
 * the address argv[1] (none clears it); audited as ACTION on
 * "organisation:CODE" or "operator:NAME".
 */
static int
set_email_run(const struct tc_args *ta, enum tc_notify_holder who,
    const char *cmd, const char *action)
{
	struct tc_registry *reg = NULL;
	struct tc_operator actor;
	const char *email, *kind;
	char err[512] = "", subject[96];
	json_t *detail;
	char *text = NULL;
	time_t now;
	int r, status;

	if (ta->argc != 1 && ta->argc != 2)
		return tc_cli_usage("give %s and the address (none clears it)",
		    who == TC_NOTIFY_ORG ? "CODE" : "NAME");
	email = ta->argc == 2 ? ta->argv[1] : NULL;
	kind = who == TC_NOTIFY_ORG ? "organisation" : "operator";
	if ((status = tc_issuer_admin_begin(
		 ta->home, ta->as, 0, &reg, &actor, &now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_notify_set_email(
		 reg, who, ta->argv[0], email, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, cmd, err);
	if (status == TC_EXIT_OK) {
		snprintf(
		    subject, sizeof(subject), "%s:%.64s", kind, ta->argv[0]);
		detail = json_pack("{s:s?}", "email", email);
		text = detail != NULL ? json_dumps(detail, JSON_COMPACT) : NULL;
		json_decref(detail);
		if (text == NULL)
			status =
			    tc_cli_fail(TC_ERR_NOMEM, cmd, "out of memory");
		else if ((r = tc_registry_audit(reg, now, actor.name, action,
			      subject, text, err, sizeof(err))) != 0)
			status = tc_cli_fail(r, cmd, err);
		free(text);
	}
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	printf("%s %s: e-mail %s\n", kind, ta->argv[0],
	    email != NULL ? "set" : "cleared");
out:
	tc_registry_close(reg);
	return status;
}

int
tc_issuer_organisation_set_email_run(const struct tc_args *ta)
{
	return set_email_run(ta, TC_NOTIFY_ORG, "organisation set-email",
	    "organisation.set-email");
}

int
tc_issuer_operator_set_email_run(const struct tc_args *ta)
{
	return set_email_run(
	    ta, TC_NOTIFY_OPERATOR, "operator set-email", "operator.set-email");
}

struct org_list {
	json_t *array;
	int failed;
};

static int
org_one(const struct tc_organisation *o, void *arg)
{
	struct org_list *ls = arg;
	char created[32];

	if (ls->array == NULL) {
		printf("%-14s  %-20s  %s\n", tc_org_kind_name(o->kind), o->code,
		    o->name);
		return 0;
	}
	tc_cli_utc(o->created_at, created);
	return tc_cli_json_collect(ls->array,
	    json_pack("{s:s, s:s, s:s, s:s}", "kind", tc_org_kind_name(o->kind),
		"code", o->code, "name", o->name, "created", created),
	    &ls->failed);
}

int
tc_issuer_organisation_list_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct org_list ls = { NULL, 0 };
	const char *home;
	char err[512] = "";
	int r, status;

	if (ta->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", ta->argv[0]);
	if ((home = tc_cli_home(ta->home)) == NULL)
		return TC_EXIT_USAGE;
	if ((status = tc_issuer_open(home, NULL, &reg, 0)) != TC_EXIT_OK)
		return status;
	if ((status = tc_cli_list_start(ta->json, &ls.array, "json",
		 "%-14s  %-20s  %s\n", "KIND", "CODE", "NAME")) != TC_EXIT_OK)
		goto out;
	r = tc_registry_org_list(reg, org_one, &ls, err, sizeof(err));
	status = tc_cli_list_end(
	    r, "organisation list", err, ls.failed, "json", ls.array);
out:
	json_decref(ls.array);
	tc_registry_close(reg);
	return status;
}

/* Writes the URI as a QR code PNG to path (mode 0600). */
static int
write_qr(const char *path, const char *uri)
{
	struct tc_qr qr = { 0 };
	struct tc_buf png;
	char err[512] = "";
	int r;

	tc_buf_init(&png, 1u << 20);
	if ((r = tc_qr_encode(&qr, uri, err, sizeof(err))) == 0 &&
	    (r = tc_qr_png(&png, &qr, TC_QR_DEFAULT_PX, err, sizeof(err))) == 0)
		r = tc_cli_write_atomic(
		    path, png.data, png.len, err, sizeof(err));
	tc_qr_release(&qr);
	tc_buf_release(&png);
	return r != 0 ? tc_cli_fail(r, "--qr", err) : TC_EXIT_OK;
}

int
tc_issuer_operator_totp_run(const struct tc_args *ta)
{
	struct tc_registry *reg = NULL;
	struct tc_operator actor;
	struct tc_buf uri;
	const char *qr = tc_args_get(ta, "qr"), *name;
	char secret[TC_TOTP_SECRET_B32_LEN + 1] = "", err[512] = "";
	time_t now;
	size_t n;
	int r, status;

	tc_buf_init(&uri, 4096);
	if (ta->argc != 1)
		return tc_cli_usage("give the operator NAME");
	name = ta->argv[0];
	if (tc_operator_name_check(name, err, sizeof(err)) != 0)
		return tc_cli_usage("%s", err);
	if (qr != NULL &&
	    ((n = strlen(qr)) < 5 || strcmp(qr + n - 4, ".png") != 0))
		return tc_cli_usage("--qr: the file name must end in .png");
	if ((status = tc_issuer_admin_begin(
		 ta->home, ta->as, 0, &reg, &actor, &now)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_registry_operator_totp_enrol(
		 reg, name, actor.name, now, secret, err, sizeof(err))) != 0 ||
	    (r = tc_totp_uri(
		 &uri, TOTP_ISSUER, name, secret, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, "operator totp", err);
	/* The file first: a failure leaves the old enrolment in force. */
	if (status == TC_EXIT_OK && qr != NULL)
		status = write_qr(qr, (const char *)uri.data);
	if ((status = tc_issuer_commit(reg, status)) != TC_EXIT_OK)
		goto out;
	printf("%s\n", (const char *)uri.data);
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	tc_buf_release(&uri);
	tc_registry_close(reg);
	return status;
}
