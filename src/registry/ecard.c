/* SPDX-License-Identifier: MIT */
/*
 * QR e-cards (include/tcard/ecard.h): claims from the registry, signing
 * with the programme algorithm's current signer, and the ecards table. The
 * holder's plain ID number lives only in a struct tc_holder on the stack
 * for the binding and is wiped before returning; the table holds the QR
 * text (no ID number in it), kid, alg and dates. Queries use one-off
 * prepared statements: they run once per card or per batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "registry-int.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/lifecycle.h"
#include "tcard/notify.h"
#include "tcard/workday.h"

void
tc_ecard_ctx_release(struct tc_ecard_ctx *ctx)
{
	if (ctx == NULL)
		return;
	tc_cose_key_free(ctx->signer_es256);
	tc_cose_key_free(ctx->signer_sm2);
	ctx->signer_es256 = NULL;
	ctx->signer_sm2 = NULL;
}

static int
copy_text(char *dst, size_t dstlen, const char *src, const char *what,
    const char *card_no, char *err, size_t errlen)
{
	if (strlen(src) >= dstlen)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "card %s: the %s '%s' is longer than a credential allows (%zu bytes)",
		    card_no, what, src, dstlen - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int claims(struct tc_registry *reg, int64_t serial, time_t now,
    int production, struct tc_claims *c, char *err, size_t errlen);

int
tc_ecard_claims(struct tc_registry *reg, int64_t serial, time_t now,
    struct tc_claims *c, char *err, size_t errlen)
{
	return claims(reg, serial, now, 0, c, err, errlen);
}

int
tc_ecard_claims_chip(struct tc_registry *reg, int64_t serial, time_t now,
    struct tc_claims *c, char *err, size_t errlen)
{
	return claims(reg, serial, now, 1, c, err, errlen);
}

/* The claims of card serial; production: a card in production too. */
static int
claims(struct tc_registry *reg, int64_t serial, time_t now, int production,
    struct tc_claims *c, char *err, size_t errlen)
{
	struct tc_card_state st;
	struct tc_card principal;
	struct tc_holder h;
	char day[TC_DATE_TEXT];
	int r;

	if (c == NULL)
		return TC_ERR_INVALID_ARG;
	memset(c, 0, sizeof(*c));
	if (reg == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_lifecycle_card_get(reg, serial, &st, err, errlen)) != 0)
		return r;
	tc_date_format(tc_day_of_time(st.card.expires_at) - 1, day);
	switch (st.card.status) {
	case TC_CARD_ISSUED:
		break;
	case TC_CARD_REVOKED:
		return tc_seterr(err, errlen, TC_ERR_REVOKED,
		    "card %s is revoked%s%s: no e-card is issued for it",
		    st.card.card_no, st.status_reason[0] ? " as " : "",
		    st.status_reason);
	case TC_CARD_SUSPENDED:
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is suspended: no e-card is issued for it until it is reinstated",
		    st.card.card_no);
	case TC_CARD_PRODUCTION:
		if (production)
			break;
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is in production, not issued yet: no e-card is issued for it",
		    st.card.card_no);
	default:
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "card %s has expired (valid to %s): no e-card is issued for it",
		    st.card.card_no, day);
	}
	if (now >= st.card.expires_at)
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "card %s has expired (valid to %s): no e-card is issued for it",
		    st.card.card_no, day);
	memcpy(c->card_no, st.card.card_no, sizeof(c->card_no));
	if ((r = copy_text(c->programme, sizeof(c->programme),
		 st.card.programme, "programme", st.card.card_no, err,
		 errlen)) != 0 ||
	    (r = copy_text(c->tier, sizeof(c->tier), st.card.tier, "tier",
		 st.card.card_no, err, errlen)) != 0 ||
	    (r = copy_text(c->name, sizeof(c->name), st.holder_name, "name",
		 st.card.card_no, err, errlen)) != 0)
		goto fail;
	c->issued_at = st.card.issued_at;
	c->expires_at = st.card.expires_at;
	if (st.card.principal_serial != 0) {
		if ((r = tc_registry_card_get(reg, st.card.principal_serial,
			 &principal, err, errlen)) != 0)
			goto fail;
		memcpy(c->principal, principal.card_no, sizeof(c->principal));
		if ((r = copy_text(c->relation, sizeof(c->relation),
			 st.card.relation, "relation", st.card.card_no, err,
			 errlen)) != 0)
			goto fail;
	}
	/* The plain number only for the binding, wiped at once. */
	if ((r = tc_registry_holder_get(
		 reg, st.card.holder_id, &h, err, errlen)) != 0)
		goto fail;
	r = tc_claims_bind(c, h.id_number, err, errlen);
	tc_holder_release(&h);
	if (r != 0)
		goto fail;
	return 0;
fail:
	memset(c, 0, sizeof(*c));
	return r;
}

/* The cached signer of the COSE algorithm alg, loaded on first use. */
static int
signer_for(struct tc_ecard_ctx *ctx, int alg, struct tc_cose_key **out,
    char *err, size_t errlen)
{
	struct tc_cose_key **slot;
	int r;

	slot =
	    alg == TC_COSE_ALG_SM2_SM3 ? &ctx->signer_sm2 : &ctx->signer_es256;
	if (*slot == NULL &&
	    (r = tc_keystore_signer_alg(ctx->ks, alg, slot, err, errlen)) != 0)
		return r;
	*out = *slot;
	return 0;
}

int
tc_ecard_sign(struct tc_ecard_ctx *ctx, int64_t serial, struct tc_ecard *out,
    char *err, size_t errlen)
{
	const struct tc_programme *p;
	struct tc_cose_key *key = NULL;
	struct tc_claims c;
	struct tc_buf text;
	const uint8_t *kid;
	size_t kidlen;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (ctx == NULL || ctx->reg == NULL || ctx->programmes == NULL ||
	    ctx->ks == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_ecard_claims(
		 ctx->reg, serial, ctx->now, &c, err, errlen)) != 0)
		return r;
	if ((p = tc_programme_set_find(ctx->programmes, c.programme)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s: programme %s is not loaded", c.card_no,
		    c.programme);
		goto out;
	}
	c.programme_code = (uint32_t)p->code;
	if ((r = signer_for(ctx, p->alg, &key, err, errlen)) != 0)
		goto out;
	tc_buf_init(&text, TC_CRED_TEXT_MAX);
	if ((r = tc_credential_encode(&text, &c, key, err, errlen)) != 0) {
		tc_buf_release(&text);
		goto out;
	}
	memcpy(out->text, text.data, text.len + 1);
	tc_buf_release(&text);
	kid = tc_cose_key_kid(key, &kidlen);
	if (kidlen != TC_COSE_KID_LEN) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "signer kid of %zu bytes", kidlen);
		goto out;
	}
	tc_hex_encode(kid, kidlen, out->kid);
	out->serial = serial;
	memcpy(out->card_no, c.card_no, sizeof(out->card_no));
	out->alg = p->alg;
	out->signed_at = ctx->now;
	out->expires_at = (time_t)c.expires_at;
	r = 0;
out:
	memset(&c, 0, sizeof(c));
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

/* *first = 1 when card serial has no stored e-card yet. */
static int
ecard_first(struct tc_registry *reg, int64_t serial, int *first, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int64_t n;
	int r;

	*first = 0;
	if ((r = tc_reg_query(reg,
		 "SELECT count(*) FROM ecards WHERE serial = ?1", &st, err,
		 errlen, "i", serial)) != 0 ||
	    (r = tc_reg_count(reg, st, "reading e-cards", &n, err, errlen)) !=
		0)
		return r;
	*first = n == 0;
	return 0;
}

/*
 * The applicant's "e-card ready" message when e is the first e-card of a
 * card issued from an application (include/tcard/notify.h); the programme
 * is named by its id, the programmes not being at hand here.
 */
static int
notify_ecard(
    struct tc_registry *reg, const struct tc_ecard *e, char *err, size_t errlen)
{
	struct tc_app_ctx c;
	struct tc_app a;
	sqlite3_stmt *st = NULL;
	int64_t id;
	int r;

	r = tc_reg_query(reg,
	    "SELECT id FROM applications WHERE issued_serial = ?1 ORDER BY id LIMIT 1",
	    &st, err, errlen, "i", e->serial);
	if (r == 0 &&
	    (r = tc_reg_one_row(reg, st, "reading applications", err, errlen,
		 NULL)) == TC_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	id = sqlite3_column_int64(st, 0);
	tc_reg_finalize(reg, st);
	if ((r = tc_app_get(reg, id, &a, err, errlen)) != 0)
		return r;
	memset(&c, 0, sizeof(c));
	c.reg = reg;
	c.now = e->signed_at;
	r = tc_notify_event(
	    &c, &a, TC_NOTIFY_ECARD, NULL, NULL, e->card_no, err, errlen);
	tc_app_release(&a);
	return r;
}

int
tc_ecard_store(struct tc_registry *reg, const struct tc_ecard *e,
    const char *operator_name, char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO ecards (serial, kid, alg, text, signed_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (serial) DO UPDATE SET kid = ?2, alg = ?3, text = ?4, signed_at = ?5, expires_at = ?6";
	char subject[32], *detail = NULL;
	json_t *o;
	int first, r;

	if (reg == NULL || e == NULL || operator_name == NULL ||
	    e->text[0] == '\0' || strlen(e->card_no) != 16)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_need_tx(reg, "storing an e-card", err, errlen)) != 0 ||
	    (r = ecard_first(reg, e->serial, &first, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_exec(reg, sql, "storing an e-card", err, errlen,
		 "itdtii", e->serial, e->kid, e->alg, e->text,
		 (int64_t)e->signed_at, (int64_t)e->expires_at)) != 0)
		return r;
	o = json_pack("{s:s, s:s, s:I}", "kid", e->kid, "alg",
	    e->alg == TC_COSE_ALG_SM2_SM3 ? "SM2" : "ES256", "expires_at",
	    (json_int_t)e->expires_at);
	if (o == NULL || (detail = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	json_decref(o);
	snprintf(subject, sizeof(subject), "card:%.16s", e->card_no);
	r = tc_registry_audit(reg, e->signed_at, operator_name,
	    TC_ECARD_AUDIT_ACTION, subject, detail, err, errlen);
	free(detail);
	if (r == 0 && first)
		r = notify_ecard(reg, e, err, errlen);
	return r;
}

int
tc_ecard_get(struct tc_registry *reg, int64_t serial, struct tc_ecard *out,
    char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT e.kid, e.alg, e.text, e.signed_at, e.expires_at, c.card_no FROM ecards e JOIN cards c ON c.serial = e.serial WHERE e.serial = ?1";
	sqlite3_stmt *st = NULL;
	int64_t v;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (reg == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_row_by_id(reg, sql, serial, "reading an e-card", &st,
		 err, errlen, "card serial %lld has no e-card",
		 (long long)serial)) != 0)
		return r;
	out->serial = serial;
	if ((r = tc_reg_col_text(st, 0, out->kid, sizeof(out->kid), 0)) ||
	    (r = tc_reg_col_int(st, 1, 0, &v)) != 0 || (out->alg = (int)v, 0) ||
	    (r = tc_reg_col_text(st, 2, out->text, sizeof(out->text), 0)) ||
	    (r = tc_reg_col_int(st, 3, 0, &v)) != 0 ||
	    (out->signed_at = (time_t)v, 0) ||
	    (r = tc_reg_col_int(st, 4, 0, &v)) != 0 ||
	    (out->expires_at = (time_t)v, 0) ||
	    (r = tc_reg_col_text(
		 st, 5, out->card_no, sizeof(out->card_no), 0)) != 0) {
		tc_reg_finalize(reg, st);
		memset(out, 0, sizeof(*out));
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the e-card of card serial %lld is malformed",
		    (long long)serial);
	}
	tc_reg_finalize(reg, st);
	return 0;
}

/* Runs sql (binding ?1 = a, ?2 = b, ?3 = max) and collects column 0. */
static int
serial_list(struct tc_registry *reg, const char *sql, int64_t a, int64_t b,
    int64_t *serials, size_t max, size_t *n, const char *what, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*n = 0;
	if ((r = tc_reg_query(
		 reg, sql, &st, err, errlen, "iii", a, b, (int64_t)max)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		serials[(*n)++] = sqlite3_column_int64(st, 0);
	r = rc == SQLITE_ROW || rc == SQLITE_DONE
	    ? 0
	    : tc_reg_dberr(reg, rc, what, err, errlen);
	tc_reg_finalize(reg, st);
	return r;
}

int
tc_ecard_pending(struct tc_registry *reg, time_t now, int64_t after,
    int64_t *serials, size_t max, size_t *n, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT c.serial FROM cards c LEFT JOIN ecards e ON e.serial = c.serial WHERE c.status = 'issued' AND c.expires_at > ?1 AND c.serial > ?2 AND (e.serial IS NULL OR e.expires_at <> c.expires_at) ORDER BY c.serial LIMIT ?3";

	if (reg == NULL || serials == NULL || n == NULL)
		return TC_ERR_INVALID_ARG;
	return serial_list(reg, sql, (int64_t)now, after, serials, max, n,
	    "listing cards without an e-card", err, errlen);
}

int
tc_ecard_stored(struct tc_registry *reg, int64_t after, int64_t *serials,
    size_t max, size_t *n, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT serial FROM ecards WHERE serial > ?2 AND ?1 = ?1 ORDER BY serial LIMIT ?3";

	if (reg == NULL || serials == NULL || n == NULL)
		return TC_ERR_INVALID_ARG;
	return serial_list(reg, sql, 0, after, serials, max, n,
	    "listing e-cards", err, errlen);
}

int
tc_ecard_count(struct tc_registry *reg, int64_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (reg == NULL || n == NULL)
		return TC_ERR_INVALID_ARG;
	*n = 0;
	if ((r = tc_reg_prepare(
		 reg, "SELECT count(*) FROM ecards", &st, err, errlen)) != 0)
		return r;
	return tc_reg_count(reg, st, "counting e-cards", n, err, errlen);
}
