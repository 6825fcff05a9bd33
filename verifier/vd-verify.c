/* SPDX-License-Identifier: MIT */
/*
 * POST /v1/verify: the verdict of tcard-verify for a QR e-card, as JSON.
 * The body is {"qr": "TC1:...", "id": "..."} (application/json; "id"
 * optional). The verdict is built by the same function as tcard-verify
 * --json (common/verdict-json.c), against the trust list, revocation list
 * and programme files of the bundle in use. A request with an ID number
 * costs a scrypt (the holder binding), so it takes a token from the
 * caller's lookup bucket. The card's status comes from the bundle's
 * revocation list and lookup snapshot (tc_status_check, the same rules as
 * tcard-verify --bundle): a suspended card is SUSPENDED, one the snapshot
 * says is revoked or expired INVALID; when the revocation list is past
 * next-update + grace, a VALID verdict becomes UNKNOWN-STATUS
 * (stale-policy fail) or stays VALID with a "warning" (stale-policy warn).
 * Every verdict says what it rests on ("status", "basis").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "tcard/status.h"
#include "verdict-json.h"
#include "dthrottle.h"
#include "vd.h"

void
vd_verdict_status(struct vd_ctx *vd, struct vd_bundle *b, struct tc_verdict *v,
    time_t now, int keep_unknown, struct tc_verdict_note *note)
{
	struct tc_status_answer st;
	int warn = keep_unknown || vd->conf.stale_policy != TC_STALE_FAIL;

	if (tc_status_check(b->rev->rev,
		b->lookup != NULL ? b->lookup->lk : NULL,
		(long)vd->conf.stale_grace,
		v->have_claims && v->authentic ? v->claims.card_no : NULL, now,
		&st) != 0)
		st.status = TC_STATUS_UNKNOWN;
	st.ca = vd->conf.have_ca_pin ? TC_CA_PINNED : TC_CA_FIRST_USE;
	memcpy(st.ca_sha256, tc_trust_ca_fingerprint(b->trust->trust),
	    sizeof(st.ca_sha256));
	tc_status_apply(v, &st, warn);
	if (v->valid && st.status == TC_STATUS_UNKNOWN && note != NULL)
		note->warning =
		    "the revocation list of this verifier is out of date: a recent revocation may be missing";
}

enum vd_result
vd_verdict_result(const struct tc_verdict *v)
{
	const char *r = tc_status_result(v);

	if (strcmp(r, "VALID") == 0)
		return VD_R_VALID;
	if (strcmp(r, "SUSPENDED") == 0)
		return VD_R_SUSPENDED;
	if (strcmp(r, "UNKNOWN-STATUS") == 0)
		return VD_R_UNKNOWN_STATUS;
	return VD_R_INVALID;
}

void
vd_ep_verify(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	struct tc_verify_req *req = NULL;
	struct vd_bundle *b = NULL;
	const struct tc_programme *p;
	struct tc_verdict_note note = { NULL, NULL, NULL, NULL, NULL };
	struct tc_verdict v;
	char msg[512];
	unsigned wait;
	int r;

	if (!tc_dreq_json(d, rq, resp))
		return;
	if ((req = malloc(sizeof(*req))) == NULL)
		goto nomem;
	if ((r = tc_verify_req_parse(
		 req, rq->body.data, rq->body.len, msg, sizeof(msg))) != 0) {
		tc_dresp_bad_body(d, resp, r, msg);
		goto out;
	}
	if (req->has_id &&
	    (wait = tc_dthrottle_take(vd->client_tb, rq->client_key,
		 rq->client_keylen, vd_mono_ns())) != 0) {
		tc_dresp_error(resp, MHD_HTTP_TOO_MANY_REQUESTS, VD_R_THROTTLED,
		    "throttled",
		    "too many verifications with an ID number; try again in %u seconds",
		    wait);
		snprintf(
		    resp->retry_after, sizeof(resp->retry_after), "%u", wait);
		goto out;
	}
	if ((b = vd_bundle_need(vd, resp)) == NULL)
		goto out;
	/* With an ID number, a scrypt: within the daemon's budget. */
	if (vd_budget_verify(vd, req->qr, req->qrlen, b,
		req->has_id ? req->id : NULL, &v, resp) != 0)
		goto out;
	p = tc_verdict_programme(&v, b->progs->set);
	vd_verdict_status(vd, b, &v, vd_now(vd), 0, &note);
	resp->result = vd_verdict_result(&v);
	if (v.have_claims)
		vd_mask_card(v.claims.card_no, rq->subject);
	tc_buf_init(&resp->body, 1u << 20);
	if (tc_verdict_json_write(&resp->body, &v, p, &note, 0) != 0)
		goto nomem;
	resp->status = MHD_HTTP_OK;
	goto out;
nomem:
	tc_dresp_nomem(d, resp);
out:
	vd_bundle_put(b);
	if (req != NULL) {
		OPENSSL_cleanse(req, sizeof(*req));
		free(req);
	}
}
