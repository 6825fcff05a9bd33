/* SPDX-License-Identifier: MIT */
/*
 * The public lookup, GET /v1/lookup?card=&name=&id= (and the core that the
 * HTML page shares): all three fields are required; the card number's Luhn
 * digit is checked first, so a typing mistake never reaches the snapshot
 * or costs a guess; then one token is taken from the caller's address
 * bucket and one from the card number's (429 with Retry-After when either
 * is empty): for a card of the snapshot from the per-card guard, which
 * never forgets a card being guessed and may be shared by the daemons of
 * a host (vd_throttle_card); then the snapshot answers (tc_lookup_query_key: name and ID
 * normalised, tags compared in constant time, the same work for an
 * unknown card as for a wrong name or ID). Every no-match answer is the
 * same static bytes with the same headers, so nothing but the Date header
 * tells two no-matches apart. A match gives the result, programme, tier
 * and expiry, never the name or ID number. Under stale-policy fail, a
 * match that would be "valid" while the revocation list is stale is
 * "unknown-status".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "verdict-json.h"
#include "dthrottle.h"
#include "vd.h"

static const char no_match[] = "{\"result\":\"no-match\"}\n";

void
vd_lookup_run(struct vd_ctx *vd, struct tc_dreq *rq, const char *card,
    const char *name, const char *id, struct vd_lookup_out *out)
{
	char norm[17], msg[256];
	uint64_t serial, now_ns;
	unsigned wait;
	int r, busy = 0;

	memset(out, 0, sizeof(*out));
	if (card == NULL || name == NULL || id == NULL || card[0] == '\0' ||
	    name[0] == '\0' || id[0] == '\0') {
		out->status = MHD_HTTP_BAD_REQUEST;
		out->result = VD_R_BAD_REQUEST;
		out->code = "missing-field";
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "card, name and id are all required");
		return;
	}
	if (tc_cardno_parse(card, NULL, &serial, norm, msg, sizeof(msg)) != 0) {
		out->status = MHD_HTTP_BAD_REQUEST;
		out->result = VD_R_BAD_REQUEST;
		out->code = "bad-card";
		vd_err(out->msg, sizeof(out->msg), "card: %s", msg);
		return;
	}
	vd_mask_card(norm, rq->subject);
	now_ns = vd_mono_ns();
	out->b = vd_bundle_get(vd);
	wait = tc_dthrottle_take(
	    vd->client_tb, rq->client_key, rq->client_keylen, now_ns);
	if (wait == 0)
		wait =
		    vd_throttle_card(vd, out->b, norm, serial, now_ns, &busy);
	if (busy) {
		out->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		out->result = VD_R_UNAVAILABLE;
		out->code = "busy";
		out->retry = 1;
		snprintf(out->msg, sizeof(out->msg), "%s",
		    "the guesses on this card cannot be counted just now; try again in a second");
		return;
	}
	if (wait != 0) {
		out->status = MHD_HTTP_TOO_MANY_REQUESTS;
		out->result = VD_R_THROTTLED;
		out->code = "throttled";
		out->retry = wait;
		snprintf(out->msg, sizeof(out->msg),
		    "too many lookups; try again in %u seconds", wait);
		return;
	}
	if (out->b == NULL || out->b->lookup == NULL || vd->pepper == NULL) {
		out->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		out->result = VD_R_UNAVAILABLE;
		out->code = "unavailable";
		snprintf(out->msg, sizeof(out->msg), "%s",
		    vd->pepper == NULL ? "lookups are not configured here"
				       : "no lookup snapshot is loaded yet");
		return;
	}
	r = tc_lookup_query_key(out->b->lookup->lk, vd->pepper, card, name, id,
	    out->b->rev->rev, vd_now(vd), &out->ans, msg, sizeof(msg));
	if (r == TC_ERR_INVALID_ARG) {
		out->status = MHD_HTTP_BAD_REQUEST;
		out->result = VD_R_BAD_REQUEST;
		out->code = "bad-request";
		snprintf(out->msg, sizeof(out->msg), "%s", msg);
		return;
	}
	if (r != 0) {
		out->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		out->result = VD_R_ERROR;
		out->code = "internal";
		snprintf(out->msg, sizeof(out->msg), "%s", tc_strerror(r));
		return;
	}
	out->status = MHD_HTTP_OK;
	switch (out->ans.result) {
	case TC_LOOKUP_VALID:
		out->result = VD_R_VALID;
		out->result_name = "valid";
		if (vd->conf.stale_policy == TC_STALE_FAIL &&
		    vd_bundle_stale(vd, out->b, vd_now(vd))) {
			out->result = VD_R_UNKNOWN_STATUS;
			out->result_name = "unknown-status";
		}
		break;
	case TC_LOOKUP_EXPIRED:
		out->result = VD_R_EXPIRED;
		out->result_name = "expired";
		break;
	case TC_LOOKUP_REVOKED:
		out->result = VD_R_REVOKED;
		out->result_name = "revoked";
		break;
	case TC_LOOKUP_SUSPENDED:
		out->result = VD_R_SUSPENDED;
		out->result_name = "suspended";
		break;
	default:
		out->result = VD_R_NO_MATCH;
		out->result_name = "no-match";
		break;
	}
}

void
vd_lookup_done(struct vd_lookup_out *out)
{
	vd_bundle_put(out->b);
	out->b = NULL;
	OPENSSL_cleanse(&out->ans, sizeof(out->ans));
}

static int
text_json(struct tc_buf *b, const char *key, const struct tc_text *t)
{
	int bad = 0;

	bad |= tc_buf_puts(b, ",\"");
	bad |= tc_buf_puts(b, key);
	bad |= tc_buf_puts(b, "\":");
	bad |= vd_json_text(b, t);
	return bad;
}

void
vd_ep_lookup(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	static const char *const allowed[] = { "card", "name", "id", NULL };
	struct vd_lookup_out out;
	const struct tc_programme *p = NULL;
	const struct tc_tier *t = NULL;
	/* 4 KiB: one per worker thread, neither on its stack nor the heap. */
	static _Thread_local struct tc_form tform;
	struct tc_form *form = &tform;
	char msg[256], when[40];
	int bad = 0;

	if (tc_form_parse(form, rq->query, rq->querylen, msg, sizeof(msg)) !=
		0 ||
	    tc_form_only(form, allowed, msg, sizeof(msg)) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s", msg);
		goto out;
	}
	vd_lookup_run(vd, rq, tc_form_get(form, "card", NULL),
	    tc_form_get(form, "name", NULL), tc_form_get(form, "id", NULL),
	    &out);
	if (out.status != MHD_HTTP_OK) {
		tc_dresp_error(
		    resp, out.status, out.result, out.code, "%s", out.msg);
		if (out.retry != 0)
			snprintf(resp->retry_after, sizeof(resp->retry_after),
			    "%u", out.retry);
		vd_lookup_done(&out);
		goto out;
	}
	if (out.result == VD_R_NO_MATCH) {
		tc_dresp_fixed(resp, MHD_HTTP_OK, VD_R_NO_MATCH,
		    "application/json", no_match, sizeof(no_match) - 1);
		vd_lookup_done(&out);
		goto out;
	}
	if (out.b->progs->set != NULL &&
	    (p = tc_programme_set_find(out.b->progs->set, out.ans.programme)) !=
		NULL)
		t = tc_programme_tier(p, out.ans.tier);
	tc_daemon_iso_time(out.ans.expires_at, 8 * 3600, when);
	tc_buf_init(&resp->body, 8192);
	resp->status = MHD_HTTP_OK;
	resp->result = out.result;
	bad |= tc_buf_puts(&resp->body, "{\"result\":\"");
	bad |= tc_buf_puts(&resp->body, out.result_name);
	bad |= tc_buf_puts(&resp->body, "\",\"programme\":");
	bad |= tc_json_put_str(&resp->body, out.ans.programme, 64);
	bad |= tc_buf_puts(&resp->body, ",\"tier\":");
	bad |= tc_json_put_str(&resp->body, out.ans.tier, 64);
	bad |= tc_buf_puts(&resp->body, ",\"expires\":\"");
	bad |= tc_buf_puts(&resp->body, when);
	bad |= tc_buf_put_u8(&resp->body, '"');
	if (p != NULL)
		bad |= text_json(&resp->body, "programme_name", &p->names);
	if (t != NULL)
		bad |= text_json(&resp->body, "tier_name", &t->names);
	if (out.result == VD_R_UNKNOWN_STATUS)
		bad |= tc_buf_puts(&resp->body,
		    ",\"reason\":\"stale-revocations\",\"message\":\"the revocation list of this verifier is out of date: the card's status cannot be confirmed\"");
	bad |= tc_buf_puts(&resp->body, "}\n");
	tc_dresp_checked(resp, bad);
	vd_lookup_done(&out);
out:
	/* The decoded name and ID number; the rest of the store is unused. */
	OPENSSL_cleanse(form->store, rq->querylen + 2);
	form->n = 0;
}
