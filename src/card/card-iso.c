/* SPDX-License-Identifier: MIT */
/*
 * The ISO 7816-4 defaults of the card operations (include/tcard/cardops.h):
 * SELECT by AID, READ BINARY of the credential whose length the SELECT
 * answer announced, INTERNAL AUTHENTICATE of the challenge answered with
 * r || s. What the standard leaves to each card (authentication, key
 * generation, writing, locking) is NULL and answers TC_ERR_UNSUPPORTED.
 * The platforms copy this table and override entries: src/card/card-tcard.c,
 * src/card/card-piv.c; docs/card-pcsc.md.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "card-int.h"
#include "tcard/err.h"
#include "tcard/tcapp.h"
#include "tcard/tlv.h"

const struct tc_icc_sw tc_card_sw_ok[1] = { { TC_SW_OK, 0xFFFF } };

/* tc_card_expect_ok, deferred when later. */
static int
expect_ok(struct tc_icc *icc, const struct tc_apdu *a, struct tc_buf *data,
    int later, const char *what, char *err, size_t errlen)
{
	uint16_t sw;
	int r, queued = 0;

	r = later ? tc_icc_apdu_deferred(icc, a, tc_card_sw_ok, 1, data, &sw,
			&queued, err, errlen)
		  : tc_icc_apdu(icc, a, data, &sw, err, errlen);
	if (r != 0)
		return r;
	if (sw != TC_SW_OK)
		return tc_seterr(err, errlen,
		    sw == TC_SW_NOT_FOUND || sw == TC_SW_REF_NOT_FOUND
			? TC_ERR_NOT_FOUND
			: TC_ERR_BAD_SW,
		    "%s: %s: the card answered %04X (%s)", tc_icc_name(icc),
		    what, sw, tc_sw_text(sw));
	return 0;
}

int
tc_card_expect_ok(struct tc_icc *icc, const struct tc_apdu *a,
    struct tc_buf *data, const char *what, char *err, size_t errlen)
{
	return expect_ok(icc, a, data, 0, what, err, errlen);
}

int
tc_card_expect_ok_later(struct tc_icc *icc, const struct tc_apdu *a,
    const char *what, char *err, size_t errlen)
{
	struct tc_buf d;
	int r;

	tc_buf_init(&d, TC_APDU_RESP_MAX);
	r = expect_ok(icc, a, &d, 1, what, err, errlen);
	tc_buf_release(&d);
	return r;
}

/* An authentication's refusal: the caller may try another key. */
static int
auth_refused(int r)
{
	return r == TC_ERR_BAD_SW || r == TC_ERR_NOT_FOUND
	    ? TC_ERR_SECURE_CHANNEL
	    : r;
}

int
tc_card_auth_ok(struct tc_icc *icc, const struct tc_apdu *a,
    struct tc_buf *data, const char *what, char *err, size_t errlen)
{
	return auth_refused(tc_card_expect_ok(icc, a, data, what, err, errlen));
}

int
tc_card_auth_ok_later(struct tc_icc *icc, const struct tc_apdu *a,
    const char *what, char *err, size_t errlen)
{
	return auth_refused(tc_card_expect_ok_later(icc, a, what, err, errlen));
}

static int
iso_select(struct tc_icc *icc, const struct tc_profile *p, struct tc_buf *resp,
    uint16_t *sw, char *err, size_t errlen)
{
	struct tc_apdu a = { 0x00, 0xA4, 0x04, 0x00, p->aid, p->aid_len,
		TC_APDU_SHORT_NE, 0 };

	tc_buf_reset(resp);
	return tc_icc_apdu(icc, &a, resp, sw, err, errlen);
}

/*
 * ISO 7816-4 says only that a SELECT answer is BER-TLV (an FCI, FCP or
 * application template); it names no unique id of the card, so a
 * platform that needs one overrides this.
 */
static int
iso_opened(struct tc_cardapp *app, const uint8_t *resp, size_t len,
    int need_uid, char *err, size_t errlen)
{
	char perr[160];

	if (len > 0 && tc_tlv_check(resp, len, perr, sizeof(perr)) != 0)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the SELECT answer is not BER-TLV: %s",
		    tc_icc_name(app->icc), perr);
	if (need_uid)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s: platform %s has no way to read the card's unique id",
		    tc_icc_name(app->icc), app->ops->name);
	app->operational = 1;
	return 0;
}

/* READ BINARY of app->cred_len bytes, in pieces that fit one answer. */
static int
iso_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen)
{
	struct tc_apdu a;
	size_t off, want, mark = cose->len;
	int r;

	if (app->cred_len == 0 || app->cred_len > TC_CARDAPP_CRED_MAX)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the card announces a credential of %zu bytes",
		    tc_icc_name(app->icc), app->cred_len);
	for (off = 0; off < app->cred_len; off += want) {
		want = app->cred_len - off;
		if (!tc_icc_extended(app->icc) && want > TC_APDU_SHORT_NE)
			want = TC_APDU_SHORT_NE;
		memset(&a, 0, sizeof(a));
		a.ins = 0xB0;
		a.p1 = (uint8_t)(off >> 8);
		a.p2 = (uint8_t)off;
		a.ne = want;
		if ((r = tc_card_expect_ok(
			 app->icc, &a, cose, "READ BINARY", err, errlen)) != 0)
			goto fail;
		if (cose->len - mark != off + want) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: READ BINARY at %zu gave %zu bytes, expected %zu",
			    tc_icc_name(app->icc), off, cose->len - mark - off,
			    want);
			goto fail;
		}
	}
	return 0;
fail:
	tc_buf_truncate(cose, mark);
	return r;
}

/* DER ECDSA-Sig-Value from 64 bytes r || s. */
static int
rs_to_der(const uint8_t rs[64], struct tc_buf *out)
{
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int n, ret = TC_ERR_CRYPTO;

	if ((sig = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(rs, 32, NULL)) == NULL ||
	    (s = BN_bin2bn(rs + 32, 32, NULL)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(sig, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by sig */
	if ((n = i2d_ECDSA_SIG(sig, &der)) <= 0)
		goto out;
	ret = tc_buf_put(out, der, (size_t)n);
out:
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return ret;
}

/*
 * INTERNAL AUTHENTICATE with the challenge as data; the card answers the
 * signature of TC_TAP_DOMAIN || challenge as r || s (docs/card-tcard.md).
 */
static void
iso_sign_apdu(struct tc_apdu *a, const uint8_t *challenge, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->ins = 0x88;
	a->data = challenge;
	a->nc = n;
	a->ne = TC_APDU_SHORT_NE;
}

static int
iso_sign_answer(struct tc_cardapp *app, const uint8_t *d, size_t len,
    struct tc_buf *sig, char *err, size_t errlen)
{
	if (len != TC_TCAPP_SIG_LEN)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: INTERNAL AUTHENTICATE gave %zu bytes, not r || s",
		    tc_icc_name(app->icc), len);
	return rs_to_der(d, sig);
}

static int
iso_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen)
{
	struct tc_apdu a;
	struct tc_buf d;
	int r;

	tc_buf_init(&d, 1024);
	iso_sign_apdu(&a, challenge, n);
	if ((r = tc_card_expect_ok(
		 app->icc, &a, &d, "INTERNAL AUTHENTICATE", err, errlen)) == 0)
		r = iso_sign_answer(app, d.data, d.len, sig, err, errlen);
	tc_buf_release(&d);
	return r;
}

static int
iso_sign_later(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    int *slot, char *err, size_t errlen)
{
	struct tc_apdu a;

	iso_sign_apdu(&a, challenge, n);
	return tc_icc_apdu_later(
	    app->icc, &a, tc_card_sw_ok, 1, 0, slot, err, errlen);
}

/* READ BINARY of the n bytes just written, in one command. */
static int
iso_read_later(
    struct tc_cardapp *app, size_t n, int *slot, char *err, size_t errlen)
{
	struct tc_apdu a;

	if (n == 0 || n > TC_CARDAPP_CRED_MAX ||
	    (!tc_icc_extended(app->icc) && n > TC_APDU_SHORT_NE))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s: a credential of %zu bytes is not read in one command",
		    tc_icc_name(app->icc), n);
	memset(&a, 0, sizeof(a));
	a.ins = 0xB0;
	a.ne = n;
	return tc_icc_apdu_later(
	    app->icc, &a, tc_card_sw_ok, 1, 0, slot, err, errlen);
}

static int
iso_read_answer(struct tc_cardapp *app, const uint8_t *d, size_t len,
    struct tc_buf *cose, char *err, size_t errlen)
{
	(void)app;
	(void)err;
	(void)errlen;
	return tc_buf_put(cose, d, len);
}

static const struct tc_card_ops iso_ops = {
	.platform = 0,
	.name = "iso7816",
	.flags = 0,
	.check_profile = NULL,
	.select = iso_select,
	.opened = iso_opened,
	.read_credential = iso_read_credential,
	.sign = iso_sign,
	.authenticate = NULL,
	.rotate_keys = NULL,
	.generate_key = NULL,
	.write_certificate = NULL,
	.write_credential = NULL,
	.lock = NULL,
	.read_later = iso_read_later,
	.read_answer = iso_read_answer,
	.sign_later = iso_sign_later,
	.sign_answer = iso_sign_answer,
};

const struct tc_card_ops *
tc_card_iso_ops(void)
{
	return &iso_ops;
}
