/* SPDX-License-Identifier: MIT */
/*
 * The monitor's ops on the signed-in operator's own account (office/
 * mon.h): TOTP enrolment (totp-enrol, and totp-qr for its QR image) and
 * the passphrase change. Both first confirm the person again with the
 * library's sign-in (tc_registry_operator_login: the passphrase, and the
 * current code when the operator is enrolled; failures count toward the
 * lockout like any sign-in), then make the library's change
 * (tc_registry_operator_totp_enrol, tc_passhash_make +
 * tc_registry_operator_set_pass_hash) in a transaction with its audit
 * entry. The enrolment URI holds the secret: it goes to this session's
 * answer and, for a few minutes, to its QR image, and is never logged.
 * docs/issuerd.md "The operator's account".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "tcard/err.h"
#include "tcard/passhash.h"
#include "tcard/qr.h"
#include "tcard/totp.h"

/* The issuer name in the URI, as tcard-issuer organisation totp's. */
#define TOTP_ISSUER "talentcard"
/* How long after enrolment the session may fetch the QR image. */
#define TOTP_QR_SECONDS (10 * 60)

/*
 * Confirms the session's operator with passphrase and code. A refusal is
 * 403 (the session stays; 401 would end the console's page) with the
 * library's message, which does not say which factor was wrong.
 */
static int
confirm(struct mon *m, const struct tc_operator *op,
    const struct tc_orpc_req *q, struct mon_answer *a, time_t now)
{
	struct tc_operator again;
	char err[512] = "";
	int r;

	r = tc_registry_operator_login(m->reg, op->name, q->passphrase,
	    q->otp[0] ? q->otp : NULL, now, &again, err, sizeof(err));
	if (r == TC_ERR_AUTH) {
		mon_fail(a, 403, "forbidden",
		    "%s: give your current passphrase%s (after %d failures in a row an operator is locked for %d minutes)",
		    err,
		    op->totp_enrolled ? " and a code from your authenticator"
				      : "",
		    TC_OPERATOR_MAX_FAILURES, TC_OPERATOR_LOCK_SECONDS / 60);
		return -1;
	}
	if (r != 0) {
		mon_lib_fail(a, r, err);
		return -1;
	}
	return 0;
}

static void
forget_uri(struct mon_session *s)
{
	if (s->totp_uri != NULL) {
		OPENSSL_cleanse(s->totp_uri, strlen(s->totp_uri));
		free(s->totp_uri);
	}
	s->totp_uri = NULL;
	s->totp_until = 0;
}

void
mon_op_totp_enrol(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	char secret[TC_TOTP_SECRET_B32_LEN + 1] = "", err[512] = "";
	struct tc_buf uri;
	int r;

	tc_buf_init(&uri, 4096);
	if (confirm(m, op, q, a, now) != 0)
		goto out;
	if (mon_begin(m, a) != 0)
		goto out;
	r = tc_registry_operator_totp_enrol(
	    m->reg, op->name, op->name, now, secret, err, sizeof(err));
	if (r == 0)
		r = tc_totp_uri(
		    &uri, TOTP_ISSUER, op->name, secret, err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		goto out;
	forget_uri(s);
	if ((s->totp_uri = strdup((const char *)uri.data)) != NULL)
		s->totp_until = now + TOTP_QR_SECONDS;
	a->body = json_pack("{s:s, s:s, s:s, s:s}", "operator", op->name, "uri",
	    (const char *)uri.data, "secret", secret, "qr",
	    "/console/account/totp.png");
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	tc_buf_release(&uri);
}

/* The QR code of the URI enrolled in this session, as a PNG tail. */
void
mon_op_totp_qr(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	struct tc_qr qr = { 0 };
	struct tc_buf png;
	char err[512] = "";
	int r;

	if (s->totp_uri == NULL || now > s->totp_until) {
		forget_uri(s);
		mon_fail(a, 404, "not-found",
		    "no TOTP enrolment in this session in the last %d minutes",
		    TOTP_QR_SECONDS / 60);
		return;
	}
	tc_buf_init(&png, 1u << 20);
	if ((r = tc_qr_encode(&qr, s->totp_uri, err, sizeof(err))) != 0 ||
	    (r = tc_qr_png(&png, &qr, TC_QR_DEFAULT_PX, err, sizeof(err))) !=
		0) {
		mon_lib_fail(a, r, err);
	} else {
		a->ctype = "image/png";
		snprintf(a->filename, sizeof(a->filename), "%s", "totp.png");
		a->tail = tc_buf_detach(&png, &a->tlen);
		a->body = json_object();
	}
	tc_qr_release(&qr);
	tc_buf_release(&png);
}

void
mon_op_passphrase(struct mon *m, struct mon_session *s,
    const struct tc_operator *op, const struct tc_orpc_req *q,
    struct mon_answer *a, time_t now)
{
	char hash[TC_PASSHASH_TEXT_MAX] = "", err[512] = "";
	int r;

	/* The library's rules for a new passphrase, before the old is
	 * checked: a refusal here costs no sign-in attempt. */
	if ((r = tc_passhash_make(q->new_passphrase, hash, sizeof(hash), err,
		 sizeof(err))) != 0) {
		mon_fail(a, 400, "bad-request", "new passphrase: %s", err);
		return;
	}
	if (confirm(m, op, q, a, now) != 0)
		goto out;
	if (mon_begin(m, a) != 0)
		goto out;
	r = tc_registry_operator_set_pass_hash(
	    m->reg, op->name, hash, now, err, sizeof(err));
	if (r == 0)
		r = tc_registry_audit(m->reg, now, op->name, "operator.passwd",
		    op->name, "{\"by\":\"self\",\"via\":\"tcard-issuerd\"}",
		    err, sizeof(err));
	if (mon_end(m, a, r, err, NULL) != 0)
		goto out;
	a->body = json_pack("{s:s, s:b}", "operator", op->name, "changed", 1);
out:
	OPENSSL_cleanse(hash, sizeof(hash));
}
