/* SPDX-License-Identifier: MIT */
/*
 * Tap verification (include/tcard/tap.h): the credential read from the
 * chip is turned into the "TC1N:" text of a QR e-card and verified by
 * tc_credential_verify, so the chip and the QR code pass the very same
 * checks; then the chip signs a fresh challenge. Card and reader trouble
 * are errors (no verdict), a card that answers but cannot prove itself is
 * INVALID with a reason.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "tcard/base45.h"
#include "tcard/cardapp.h"
#include "tcard/err.h"
#include "tcard/tap.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int
tc_tap_cose_text(const uint8_t *cose, size_t len, struct tc_buf *text)
{
	size_t mark;
	int r;

	if (cose == NULL || text == NULL)
		return TC_ERR_INVALID_ARG;
	mark = text->len;
	if ((r = tc_buf_puts(text, TC_CRED_PREFIX_PLAIN)) != 0 ||
	    (r = tc_base45_encode(text, cose, len)) != 0)
		tc_buf_truncate(text, mark);
	return r;
}

/* An INVALID verdict of the tap itself. */
static void
refuse(struct tc_verdict *v, const char *reason, const char *msg)
{
	v->valid = 0;
	v->reason = reason;
	v->detail = reason;
	snprintf(v->message, sizeof(v->message), "%s", msg);
}

/*
 * A card step failed with r: when the card refused (refused: its answer, not
 * a fault), the verdict is INVALID for reason with msg and the result 0;
 * otherwise the result is r, with msg as the error.
 */
static int
step_failed(struct tc_tap_result *out, int r, int refused, const char *reason,
    const char *msg, char *err, size_t errlen)
{
	if (refused) {
		refuse(&out->v, reason, msg);
		return 0;
	}
	return tc_seterr(err, errlen, r, "%s", msg);
}

int
tc_tap_verify(struct tc_icc *icc, const struct tc_profile_set *profiles,
    const char *profile, const struct tc_cose_keyring *trust,
    const struct tc_revocations *rev, time_t now, struct tc_tap_result *out,
    char *err, size_t errlen)
{
	struct tc_cardapp app;
	struct tc_buf cose, text, sig;
	uint8_t challenge[TC_CARDAPP_CHALLENGE_LEN];
	char msg[256];
	unsigned c0;
	double t0;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (icc == NULL || profiles == NULL || trust == NULL)
		return TC_ERR_INVALID_ARG;
	t0 = now_ms();
	c0 = tc_icc_count(icc);
	memset(&app, 0, sizeof(app));
	tc_buf_init(&cose, TC_CARDAPP_CRED_MAX);
	tc_buf_init(&text, TC_CRED_TEXT_MAX + 1);
	tc_buf_init(&sig, 256);
	r = tc_cardapp_open(&app, icc, profiles, profile, 0, msg, sizeof(msg));
	if (r != 0) {
		r = step_failed(out, r, r == TC_ERR_NOT_FOUND,
		    TC_REASON_NOT_PERSONALISED, msg, err, errlen);
		goto done;
	}
	snprintf(out->profile, sizeof(out->profile), "%s", app.profile->name);
	r = tc_cardapp_read_credential(&app, &cose, msg, sizeof(msg));
	if (r != 0) {
		r = step_failed(out, r,
		    r == TC_ERR_NOT_FOUND || r == TC_ERR_STATE,
		    TC_REASON_NOT_PERSONALISED, msg, err, errlen);
		goto done;
	}
	if (tc_tap_cose_text(cose.data, cose.len, &text) != 0) {
		/* Longer than any QR text: the library says "oversized". */
		tc_buf_reset(&text);
		if ((r = tc_buf_puts(&text, TC_CRED_PREFIX_PLAIN)) != 0)
			goto done;
		while (text.len <= TC_CRED_TEXT_MAX)
			if ((r = tc_buf_put_u8(&text, '0')) != 0)
				goto done;
	}
	if ((r = tc_credential_verify((const char *)text.data, text.len, trust,
		 rev, now, NULL, &out->v)) != 0) {
		tc_seterr(err, errlen, r, "verification could not run: %s",
		    out->v.message);
		goto done;
	}
	if (!out->v.valid)
		goto done;
	if (out->v.claims.card_key_len == 0) {
		refuse(&out->v, TC_REASON_NO_CARD_KEY,
		    "the credential on the chip carries no card key: it is a QR e-card credential copied onto a chip");
		goto done;
	}
	if (RAND_bytes(challenge, sizeof(challenge)) != 1) {
		ERR_clear_error();
		r = TC_ERR_CRYPTO;
		goto done;
	}
	r = tc_cardapp_sign(
	    &app, challenge, sizeof(challenge), &sig, msg, sizeof(msg));
	if (r == TC_ERR_BAD_SW || r == TC_ERR_STATE || r == TC_ERR_NOT_FOUND ||
	    r == TC_ERR_CARD) {
		char m2[256];

		snprintf(m2, sizeof(m2),
		    "the chip did not sign the challenge (%.160s): it is not the card the credential was issued to",
		    msg);
		refuse(&out->v, TC_REASON_CLONE, m2);
		r = 0;
		goto done;
	}
	if (r != 0) {
		tc_seterr(err, errlen, r, "%s", msg);
		goto done;
	}
	out->card_checked = 1;
	r = tc_cardapp_check_signature(out->v.claims.card_key,
	    out->v.claims.card_key_len, challenge, sizeof(challenge), sig.data,
	    sig.len, msg, sizeof(msg));
	if (r == TC_ERR_BAD_SIGNATURE) {
		refuse(&out->v, TC_REASON_CLONE,
		    "the chip's signature of a fresh challenge does not match the card key in its credential: a copy of another card's data (clone)");
		r = 0;
	} else if (r == TC_ERR_KEY_FORMAT) {
		refuse(&out->v, TC_REASON_MALFORMED, msg);
		r = 0;
	} else if (r != 0)
		tc_seterr(err, errlen, r, "%s", msg);
done:
	out->apdus = tc_icc_count(icc) - c0;
	out->ms = now_ms() - t0;
	tc_cardapp_release(&app);
	tc_buf_release(&cose);
	tc_buf_release(&text);
	tc_buf_release(&sig);
	return r;
}

int
tc_tap_verify_reader(const char *reader, const struct tc_icc_opts *o,
    const struct tc_profile_set *profiles, const char *profile,
    const struct tc_cose_keyring *trust, const struct tc_revocations *rev,
    time_t now, struct tc_tap_result *out, char *err, size_t errlen)
{
	struct tc_icc *icc = NULL;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((r = tc_icc_open_pcsc(&icc, reader, o, err, errlen)) != 0)
		return r;
	r = tc_tap_verify(
	    icc, profiles, profile, trust, rev, now, out, err, errlen);
	tc_icc_close(icc);
	return r;
}
