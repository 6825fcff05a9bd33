/* SPDX-License-Identifier: MIT */
/*
 * Services at the window: POST /v1/services/{service}/redeem counts a use
 * of a service by a card, GET /v1/services/{service}/usage?card=N tells a
 * window what a card has used and has left, and GET
 * /v1/services/{service}/report?from=&to= gives a provider's accounts as
 * CSV. All three are staff endpoints (vd-staff.c). A redeem verifies the
 * card first, as POST /v1/verify does (a QR text) or as the window's
 * reader did (a tap id, vd-reader.c), refuses a card that is invalid,
 * revoked, expired or suspended (the lookup snapshot's status) or whose
 * status is unknown (a stale revocation list under stale-policy fail), and
 * then lets the usage ledger decide (include/tcard/ledger.h: tier and
 * card kind, channel, party size, quota, exclusive group, request id).
 * The ledger is the daemon's own SQLite file (WAL, synchronous=FULL): an
 * answer "allowed" is given only after the use is committed. Reference:
 * docs/services.md, docs/api.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/cardno.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/httpreq.h"
#include "tcard/ledger.h"
#include "tcard/programme.h"
#include "tcard/workday.h"
#include "verdict-json.h"
#include "vd.h"

#define REPORT_MAX_DAYS 366		 /* longest report */
#define REPORT_MAX	(64u << 20)	 /* bytes of one report */
#define USES_SHOWN	100		 /* uses listed by usage */
#define DAY_FAR		INT64_C(4000000) /* after any day in use */

/* Until vd-reader.c lands: NULL when it is not linked in. */
int vd_reader_find(struct vd_ctx *vd, const char *id, struct vd_tap *out)
    __attribute__((weak));

static const char *const period_names[] = {
	[TC_PERIOD_UNLIMITED] = "unlimited",
	[TC_PERIOD_MONTH] = "month",
	[TC_PERIOD_YEAR] = "year",
	[TC_PERIOD_VALIDITY] = "validity",
};

/* "2026-11-21" for a day number. */
static void
day_text(int64_t day, char out[16])
{
	int y, m, d;

	tc_civil_from_day(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* Parses "YYYY-MM-DD" into a day number. */
static int
day_parse(const char *s, int64_t *day)
{
	int y, m, d, n = 0, y2, m2, d2;

	if (s == NULL || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = tc_day_from_civil(y, m, d);
	/* 2026-02-30 is refused, not moved to March. */
	tc_civil_from_day(*day, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? 0 : -1;
}

/*
 * The service and, for "id.option", the option of p named by sid; NULL
 * when p has none of that name.
 */
static const struct tc_service *
find_service(const struct tc_programme *p, const char *sid,
    const struct tc_service **svc)
{
	char id[TC_LEDGER_SERVICE_MAX];
	const struct tc_service *s;
	char *dot;

	*svc = NULL;
	if (p == NULL)
		return NULL;
	/* Cut short, it could name another service: none. */
	if (tc_fmt(id, sizeof(id), "%s", sid) != 0)
		return NULL;
	if ((dot = strchr(id, '.')) != NULL)
		*dot++ = '\0';
	if ((s = tc_programme_service(p, id)) == NULL)
		return NULL;
	*svc = s;
	return dot == NULL ? s : tc_service_option(s, dot);
}

/* The decision's quota as a JSON member ("quota": {...} or null). */
static int
put_quota(struct tc_buf *b, const struct tc_redeem_result *res)
{
	char from[16], to[16];
	int bad = 0;

	bad |= tc_buf_puts(b, ",\"quota\":");
	if (res->limit < 0) {
		return bad | tc_buf_puts(b, "null");
	}
	bad |= tc_buf_printf(b,
	    "{\"limit\":%d,\"used\":%d,\"remaining\":%d,\"period\":\"%s\"",
	    res->limit, res->used, res->remaining,
	    (unsigned)res->period < 4 ? period_names[res->period] : "?");
	if (res->period_end > res->period_start) {
		day_text(res->period_start, from);
		day_text(res->period_end - 1, to);
		bad |= tc_buf_printf(
		    b, ",\"from\":\"%s\",\"to\":\"%s\"", from, to);
	}
	bad |= tc_buf_put_u8(b, '}');
	return bad;
}

/* Information of the service a window shows beside the answer. */
static int
put_service_info(
    struct tc_buf *b, const struct tc_service *s, const struct tc_service *o)
{
	int lead = o != NULL && o->lead_minutes > 0 ? o->lead_minutes
	    : s != NULL				    ? s->lead_minutes
						    : 0;
	int bad = 0;

	bad |= tc_buf_puts(b, ",\"service_name\":");
	if (o != NULL)
		bad |= vd_json_text(b, &o->names);
	else
		bad |= tc_buf_puts(b, "null");
	if (s != NULL && o != s) {
		bad |= tc_buf_puts(b, ",\"of\":");
		bad |= vd_json_text(b, &s->names);
	}
	if (lead > 0)
		bad |= tc_buf_printf(b, ",\"book_ahead_minutes\":%d", lead);
	if (o != NULL && o->party_size > 1)
		bad |= tc_buf_printf(b, ",\"party_size\":%d", o->party_size);
	return bad;
}

/* What a redeem knows of the card once it is verified (or refused). */
struct card {
	struct tc_verdict v;
	unsigned channel;
	int stale;
	const char *refusal; /* card-level refusal reason, or NULL */
	char message[256];
	const struct tc_programme *p;
};

/*
 * Verifies the card of a redeem: a QR text now, or a tap of the window's
 * reader. Returns 0 with *k filled, or -1 with resp filled (a tap id
 * that is unknown or too old, a verification that could not run).
 */
static int
card_of(struct vd_ctx *vd, const struct tc_redeem_req *req, struct vd_bundle *b,
    time_t now, struct card *k, struct tc_dresp *resp)
{
	struct tc_lookup_answer ans;
	struct vd_tap *tap;

	memset(k, 0, sizeof(*k));
	if (req->tap[0] != '\0') {
		if ((tap = malloc(sizeof(*tap))) == NULL) {
			tc_dresp_nomem(vd->d, resp);
			return -1;
		}
		if (vd_reader_find(vd, req->tap, tap) != 0) {
			free(tap);
			tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
			    "unknown-tap",
			    "no recent tap %s at this window's reader: tap the card again",
			    req->tap);
			return -1;
		}
		k->v = tap->res.v;
		k->stale = tap->stale;
		k->channel = TC_CHANNEL_CHIP;
		free(tap);
	} else {
		if (tc_credential_verify(req->qr, req->qrlen,
			tc_trust_keyring(b->trust->trust), b->rev->rev, now,
			NULL, &k->v) != 0) {
			tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    VD_R_ERROR, "internal",
			    "verification could not run: %s", k->v.message);
			return -1;
		}
		k->stale = vd_bundle_stale(vd, b, now);
		k->channel = TC_CHANNEL_QR;
	}
	k->p = tc_verdict_programme(&k->v, b->progs->set);
	if (!k->v.valid) {
		k->refusal = k->v.reason;
		snprintf(k->message, sizeof(k->message), "%s", k->v.message);
		return 0;
	}
	if (k->stale && vd->conf.stale_policy == TC_STALE_FAIL) {
		k->refusal = "unknown-status";
		snprintf(k->message, sizeof(k->message), "%s",
		    "the revocation list of this verifier is out of date: whether the card is revoked is unknown");
		return 0;
	}
	/* The snapshot knows suspensions, which the revocation list does not
	 * carry, and may know a revocation newer than the list. */
	if (b->lookup != NULL &&
	    tc_lookup_card(b->lookup->lk, k->v.claims.card_no, b->rev->rev, now,
		&ans) == 0) {
		if (ans.result == TC_LOOKUP_SUSPENDED)
			k->refusal = "suspended";
		else if (ans.result == TC_LOOKUP_REVOKED)
			k->refusal = "revoked";
		if (k->refusal != NULL)
			snprintf(k->message, sizeof(k->message),
			    "the card is %s: no service is given on it",
			    k->refusal);
	}
	if (k->refusal == NULL && k->p == NULL) {
		k->refusal = "unknown-programme";
		snprintf(k->message, sizeof(k->message),
		    "this verifier has no programme file for the card's programme (%s)",
		    k->v.claims.programme);
	}
	return 0;
}

/* POST /v1/services/SERVICE/redeem */
static void
redeem(struct vd_ctx *vd, struct tc_dreq *rq, const char *sid,
    const struct tc_staff_token *win, struct tc_dresp *resp)
{
	struct tc_redeem_req *req = NULL;
	struct tc_redeem_result res;
	struct tc_redeem q;
	struct vd_bundle *b = NULL;
	struct card *k = NULL;
	const struct tc_service *s = NULL, *o = NULL;
	char msg[512];
	time_t now = vd_now(vd);
	int r, bad = 0;

	if (!tc_dreq_json(vd->d, rq, resp))
		return;
	if ((req = malloc(sizeof(*req))) == NULL ||
	    (k = malloc(sizeof(*k))) == NULL)
		goto nomem;
	if ((r = tc_redeem_req_parse(
		 req, rq->body.data, rq->body.len, msg, sizeof(msg))) != 0) {
		tc_dresp_bad_body(vd->d, resp, r, msg);
		goto out;
	}
	if ((b = vd_bundle_need(vd, resp)) == NULL)
		goto out;
	if (card_of(vd, req, b, now, k, resp) != 0)
		goto out;
	if (k->v.have_claims)
		vd_mask_card(k->v.claims.card_no, rq->subject);
	if (k->p != NULL && !vd_staff_scope(win, k->p->id, sid, resp))
		goto out;
	memset(&res, 0, sizeof(res));
	res.limit = res.remaining = -1;
	if (k->refusal == NULL) {
		memset(&q, 0, sizeof(q));
		q.programme = k->p;
		q.service = sid;
		q.card_no = k->v.claims.card_no;
		q.tier = k->v.claims.tier;
		q.valid_from = (time_t)k->v.claims.issued_at;
		q.channel = k->channel;
		q.party = req->party;
		q.request_id = req->request_id;
		q.window = win->window;
		q.now = now;
		r = tc_ledger_redeem(vd->ledger, &q, &res, msg, sizeof(msg));
		if (r == TC_ERR_DB_BUSY || r == TC_ERR_DB_DOWN) {
			if (r == TC_ERR_DB_DOWN)
				vd_log_event(vd, "ledger", "error",
				    "redeem not recorded: %s", msg);
			tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
			    VD_R_UNAVAILABLE,
			    r == TC_ERR_DB_BUSY ? "busy" : "ledger-down",
			    r == TC_ERR_DB_BUSY
				? "the ledger is busy; nothing was counted: send the same request again (%s)"
				: "the ledger's database cannot be reached; nothing was counted: send the same request again (%s)",
			    msg);
			snprintf(resp->retry_after, sizeof(resp->retry_after),
			    "%s", r == TC_ERR_DB_BUSY ? "1" : "5");
			goto out;
		}
		if (r == TC_ERR_INVALID_ARG) {
			tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST,
			    VD_R_BAD_REQUEST, "bad-request", "%s", msg);
			goto out;
		}
		if (r != 0) {
			vd_log_event(vd, "ledger", "error",
			    "redeem not recorded: %s", msg);
			tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    VD_R_ERROR, "internal",
			    "the ledger failed; nothing was counted: %s",
			    tc_strerror(r));
			goto out;
		}
		o = find_service(k->p, sid, &s);
	}
	tc_buf_init(&resp->body, 1u << 20);
	bad |= tc_buf_printf(&resp->body,
	    "{\"allowed\":%s,\"replay\":%s,\"reason\":",
	    res.allowed ? "true" : "false", res.replay ? "true" : "false");
	if (k->refusal != NULL || res.reason != NULL)
		bad |= tc_json_put_str(&resp->body,
		    k->refusal != NULL ? k->refusal : res.reason, 64);
	else
		bad |= tc_buf_puts(&resp->body, "null");
	bad |= tc_buf_puts(&resp->body, ",\"message\":");
	bad |= tc_json_put_str(&resp->body,
	    k->refusal != NULL ? k->message
		: res.allowed  ? (res.replay ? "already counted" : "counted")
			       : res.message,
	    sizeof(res.message));
	bad |= tc_buf_puts(&resp->body, ",\"service\":");
	bad |= tc_json_put_str(&resp->body, sid, TC_LEDGER_SERVICE_MAX);
	bad |= put_service_info(&resp->body, s, o);
	bad |= tc_buf_puts(&resp->body, ",\"request_id\":");
	bad |=
	    tc_json_put_str(&resp->body, req->request_id, TC_REDEEM_REQID_MAX);
	bad |= tc_buf_printf(&resp->body, ",\"channel\":\"%s\",\"party\":%d",
	    k->channel == TC_CHANNEL_CHIP ? "chip" : "qr", req->party);
	if (k->v.have_claims) {
		bad |= tc_buf_puts(&resp->body, ",\"card\":");
		bad |= tc_json_put_str(&resp->body, k->v.claims.card_no, 17);
		bad |= tc_buf_puts(&resp->body, ",\"name\":");
		bad |= tc_json_put_str(
		    &resp->body, k->v.claims.name, TC_CRED_NAME_MAX);
		bad |= tc_buf_puts(&resp->body, ",\"programme\":");
		bad |= tc_json_put_str(
		    &resp->body, k->v.claims.programme, TC_CRED_PROGRAMME_MAX);
		bad |= tc_buf_puts(&resp->body, ",\"tier\":");
		bad |= tc_json_put_str(
		    &resp->body, k->v.claims.tier, TC_CRED_TIER_MAX);
	}
	bad |= put_quota(&resp->body, &res);
	if (res.exclusive_with[0] != '\0') {
		bad |= tc_buf_puts(&resp->body, ",\"exclusive_with\":");
		bad |= tc_json_put_str(&resp->body, res.exclusive_with,
		    sizeof(res.exclusive_with));
	}
	if (res.allowed)
		bad |= tc_buf_printf(
		    &resp->body, ",\"use\":%lld", (long long)res.use_id);
	if (k->stale && k->refusal == NULL)
		bad |= tc_buf_puts(&resp->body,
		    ",\"warning\":\"the revocation list of this verifier is out of date: a recent revocation may be missing\"");
	if ((bad | tc_buf_puts(&resp->body, "}\n")) != 0)
		goto nomem;
	resp->status = MHD_HTTP_OK;
	resp->result = res.allowed ? VD_R_ALLOWED : VD_R_REFUSED;
	goto out;
nomem:
	tc_dresp_nomem(vd->d, resp);
out:
	vd_bundle_put(b);
	free(k);
	free(req);
}

/* Parses the query string into form; 0, or -1 with resp filled (400). */
static int
query(struct tc_dreq *rq, struct tc_form *form, const char *const *allowed,
    struct tc_dresp *resp)
{
	char msg[512];

	if (tc_form_parse(form, rq->query, rq->querylen, msg, sizeof(msg)) !=
		0 ||
	    tc_form_only(form, allowed, msg, sizeof(msg)) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s", msg);
		return -1;
	}
	return 0;
}

struct uses_out {
	struct tc_buf *b;
	size_t n;
	int bad; /* a put failed: the answer is not to be sent */
};

static int
put_use(const struct tc_ledger_row *row, void *arg)
{
	struct uses_out *u = arg;
	char at[32];
	int bad = 0;

	if (u->n >= USES_SHOWN)
		return 0;
	tc_daemon_iso_time((int64_t)row->at, 28800, at);
	bad |= tc_buf_printf(u->b,
	    "%s{\"use\":%lld,\"at\":\"%s\",\"service\":", u->n > 0 ? "," : "",
	    (long long)row->id, at);
	bad |= tc_json_put_str(u->b, row->service, sizeof(row->service));
	bad |= tc_buf_printf(u->b,
	    ",\"party\":%d,\"channel\":\"%s\",\"window\":", row->party,
	    row->channel == TC_CHANNEL_CHIP ? "chip" : "qr");
	bad |= tc_json_put_str(u->b, row->window, sizeof(row->window));
	bad |= tc_buf_puts(u->b, ",\"request_id\":");
	bad |= tc_json_put_str(u->b, row->request_id, sizeof(row->request_id));
	bad |= tc_buf_put_u8(u->b, '}');
	u->n++;
	if (bad != 0) {
		u->bad = 1;
		return 1; /* stops the walk */
	}
	return 0;
}

/* GET /v1/services/{service}/usage?card=N[&channel=chip|qr][&party=N] */
static void
usage(struct vd_ctx *vd, struct tc_dreq *rq, const char *sid,
    const struct tc_staff_token *win, struct tc_dresp *resp)
{
	static const char *const allowed[] = { "card", "channel", "party",
		NULL };
	static _Thread_local struct tc_form form;
	struct tc_lookup_answer ans;
	struct tc_redeem_result res;
	struct tc_redeem q;
	struct vd_bundle *b = NULL;
	const struct tc_programme *p;
	const struct tc_service *s = NULL, *o;
	struct uses_out u;
	const char *card, *ch, *pty;
	char msg[512], norm[17];
	unsigned channel = TC_CHANNEL_CHIP;
	int64_t start = 0, end = DAY_FAR;
	time_t now = vd_now(vd);
	int party = 1, r, bad = 0, unavailable;

	if (query(rq, &form, allowed, resp) != 0)
		return;
	card = tc_form_get(&form, "card", NULL);
	if (card == NULL ||
	    tc_cardno_parse(card, NULL, NULL, norm, msg, sizeof(msg)) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-card", "card: %s",
		    card == NULL ? "required (the card number)" : msg);
		return;
	}
	if ((ch = tc_form_get(&form, "channel", NULL)) != NULL) {
		if (strcmp(ch, "qr") == 0)
			channel = TC_CHANNEL_QR;
		else if (strcmp(ch, "chip") != 0) {
			tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST,
			    VD_R_BAD_REQUEST, "bad-query", "%s",
			    "channel: chip or qr");
			return;
		}
	}
	if ((pty = tc_form_get(&form, "party", NULL)) != NULL &&
	    (sscanf(pty, "%d", &party) != 1 || party < 1 ||
		party > TC_REDEEM_PARTY_MAX)) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "party: an integer from 1 to %d",
		    TC_REDEEM_PARTY_MAX);
		return;
	}
	vd_mask_card(norm, rq->subject);
	if ((b = vd_bundle_get(vd)) == NULL || b->lookup == NULL) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unavailable", "%s",
		    "no lookup snapshot is loaded: the card's tier is unknown");
		goto out;
	}
	if (tc_lookup_card(b->lookup->lk, norm, b->rev->rev, now, &ans) != 0 ||
	    ans.result == TC_LOOKUP_NO_MATCH) {
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "unknown-card",
		    "card %s is not in this verifier's snapshot (a card issued since is known once the next bundle is loaded)",
		    rq->subject);
		goto out;
	}
	p = b->progs->set != NULL
	    ? tc_programme_set_find(b->progs->set, ans.programme)
	    : NULL;
	if (p == NULL) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unknown-programme",
		    "no programme file for %s", ans.programme);
		goto out;
	}
	if (!vd_staff_scope(win, p->id, sid, resp))
		goto out;
	memset(&q, 0, sizeof(q));
	q.programme = p;
	q.service = sid;
	q.card_no = norm;
	q.tier = ans.tier;
	q.valid_from = 0; /* the snapshot has no issue date: every use */
	q.channel = channel;
	q.party = party;
	q.now = now;
	if ((r = tc_ledger_usage(vd->ledger, &q, &res, msg, sizeof(msg))) !=
	    0) {
		unavailable = r == TC_ERR_DB_BUSY || r == TC_ERR_DB_DOWN;
		tc_dresp_error(resp,
		    unavailable ? MHD_HTTP_SERVICE_UNAVAILABLE
				: MHD_HTTP_INTERNAL_SERVER_ERROR,
		    unavailable ? VD_R_UNAVAILABLE : VD_R_ERROR,
		    r == TC_ERR_DB_BUSY	      ? "busy"
			: r == TC_ERR_DB_DOWN ? "ledger-down"
					      : "internal",
		    "%s", msg);
		if (unavailable)
			snprintf(resp->retry_after, sizeof(resp->retry_after),
			    "%s", r == TC_ERR_DB_BUSY ? "1" : "5");
		goto out;
	}
	o = find_service(p, sid, &s);
	tc_buf_init(&resp->body, 1u << 20);
	bad |= tc_buf_puts(&resp->body, "{\"card\":");
	bad |= tc_json_put_str(&resp->body, norm, sizeof(norm));
	bad |= tc_buf_puts(&resp->body, ",\"status\":");
	bad |=
	    tc_json_put_str(&resp->body, tc_lookup_result_name(ans.result), 32);
	bad |= tc_buf_puts(&resp->body, ",\"programme\":");
	bad |=
	    tc_json_put_str(&resp->body, ans.programme, sizeof(ans.programme));
	bad |= tc_buf_puts(&resp->body, ",\"tier\":");
	bad |= tc_json_put_str(&resp->body, ans.tier, sizeof(ans.tier));
	bad |= tc_buf_puts(&resp->body, ",\"service\":");
	bad |= tc_json_put_str(&resp->body, sid, TC_LEDGER_SERVICE_MAX);
	bad |= put_service_info(&resp->body, s, o);
	/* What a redeem now would answer, the card's status first. */
	bad |= tc_buf_printf(&resp->body, ",\"would_allow\":%s,\"reason\":",
	    res.allowed && ans.result == TC_LOOKUP_VALID ? "true" : "false");
	if (ans.result != TC_LOOKUP_VALID)
		bad |= tc_json_put_str(
		    &resp->body, tc_lookup_result_name(ans.result), 32);
	else if (res.reason != NULL)
		bad |= tc_json_put_str(&resp->body, res.reason, 64);
	else
		bad |= tc_buf_puts(&resp->body, "null");
	bad |= put_quota(&resp->body, &res);
	/* The uses of the quota's period (all of them when unlimited). */
	if (res.period_end > res.period_start) {
		start = res.period_start;
		end = res.period_end;
	}
	bad |= tc_buf_puts(&resp->body, ",\"uses\":[");
	u.b = &resp->body;
	u.n = 0;
	u.bad = 0;
	if ((r = tc_ledger_report(vd->ledger, p->id, sid, norm, start, end,
		 put_use, &u, msg, sizeof(msg))) != 0 &&
	    !u.bad) {
		tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR, VD_R_ERROR,
		    "internal", "%s", msg);
		goto out;
	}
	if ((bad | u.bad | tc_buf_puts(&resp->body, "]}\n")) != 0) {
		tc_dresp_nomem(vd->d, resp);
		goto out;
	}
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
out:
	vd_bundle_put(b);
}

struct report_out {
	struct tc_buf *b;
	int full;
};

static int
put_row(const struct tc_ledger_row *row, void *arg)
{
	struct report_out *o = arg;
	char at[32];

	tc_daemon_iso_time((int64_t)row->at, 28800, at);
	/* Every field is digits or an id of [A-Za-z0-9._:-]: no quoting. */
	if (tc_buf_printf(o->b, "%lld,%s,%s,%s,%s,%d,%s,%s,%s\r\n",
		(long long)row->id, at, row->programme, row->service,
		row->card_no, row->party,
		row->channel == TC_CHANNEL_CHIP ? "chip" : "qr", row->window,
		row->request_id) != 0) {
		o->full = 1;
		return 1;
	}
	return 0;
}

/* GET /v1/services/{service}/report?from=YYYY-MM-DD&to=YYYY-MM-DD */
static void
report(struct vd_ctx *vd, struct tc_dreq *rq, const char *sid,
    const struct tc_staff_token *win, struct tc_dresp *resp)
{
	static const char *const allowed[] = { "from", "to", "programme",
		NULL };
	static _Thread_local struct tc_form form;
	struct report_out o;
	const char *prog;
	char msg[512], only[80];
	int64_t from, to;
	int r;

	if (query(rq, &form, allowed, resp) != 0)
		return;
	if (day_parse(tc_form_get(&form, "from", NULL), &from) != 0 ||
	    day_parse(tc_form_get(&form, "to", NULL), &to) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s",
		    "from and to are required dates YYYY-MM-DD (Asia/Shanghai, both included)");
		return;
	}
	if (to < from || to - from >= REPORT_MAX_DAYS) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query",
		    "to must not be before from, and a report covers at most %d days",
		    REPORT_MAX_DAYS);
		return;
	}
	prog = tc_form_get(&form, "programme", NULL);
	if (prog != NULL && !tc_request_id_ok(prog)) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s", "programme: a programme id");
		return;
	}
	/*
	 * A window scoped to some programmes reports on them only: the one
	 * its scope names for the service, else the one asked for.
	 */
	if (prog == NULL && win->scoped && !tc_staff_allows(win, "*", sid) &&
	    (prog = tc_staff_only_programme(win, sid, only, sizeof(only))) ==
		NULL) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query",
		    "programme: window %s may report on %s of some programmes only; name one",
		    win->window, sid);
		return;
	}
	if (prog != NULL && !vd_staff_scope(win, prog, sid, resp))
		return;
	tc_buf_init(&resp->body, REPORT_MAX);
	/* The header fits in any report: a failure is out of memory. */
	if (tc_buf_puts(&resp->body,
		"use,at,programme,service,card,party,channel,window,request_id\r\n") !=
	    0) {
		tc_dresp_nomem(vd->d, resp);
		return;
	}
	o.b = &resp->body;
	o.full = 0;
	r = tc_ledger_report(vd->ledger, prog, sid, NULL, from, to + 1, put_row,
	    &o, msg, sizeof(msg));
	if (o.full) {
		tc_dresp_error(resp, MHD_HTTP_CONTENT_TOO_LARGE, VD_R_TOO_LARGE,
		    "too-large",
		    "the report is over %u MiB: ask for fewer days",
		    REPORT_MAX >> 20);
		return;
	}
	if (r != 0) {
		tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR, VD_R_ERROR,
		    "internal", "%s", msg);
		return;
	}
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	resp->ctype = "text/csv; charset=utf-8; header=present";
}

/* A service id in a path: [a-z0-9-] words, at most one '.'. */
static int
service_ok(const char *s, size_t n)
{
	size_t i, dots = 0;

	if (n == 0 || n >= TC_LEDGER_SERVICE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (++dots > 1 || i == 0 || i + 1 == n)
				return 0;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
			       (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			       s[i] == '_'))
			return 0;
	}
	return 1;
}

void
vd_ep_services(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	char sid[TC_LEDGER_SERVICE_MAX];
	const char *service = tc_dreq_param(rq, "service");
	const struct tc_staff_token *win;
	size_t n;

	if (service == NULL) {
		/* The catch-all route: no such operation. */
		rq->ep = VD_EP_OTHER;
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s",
		    "expected /v1/services/SERVICE/redeem, /usage or /report (SERVICE: a service id, or id.option)");
		return;
	}
	if (!service_ok(service, strlen(service))) {
		rq->ep = VD_EP_OTHER;
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s",
		    "expected /v1/services/SERVICE/redeem, /usage or /report (SERVICE: a service id, or id.option)");
		return;
	}
	/* service_ok bounds it below TC_LEDGER_SERVICE_MAX. */
	n = strlen(service);
	memcpy(sid, service, n + 1);
	/* The route chose the endpoint (redeem, usage, report) and method. */
	if ((win = vd_staff_auth(vd, rq, resp)) == NULL ||
	    !vd_staff_scope(win, NULL, sid, resp))
		return;
	if (vd->ledger == NULL) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unavailable", "%s",
		    "services are off: no ledger is configured");
		return;
	}
	if (rq->ep == VD_EP_REDEEM)
		redeem(vd, rq, sid, win, resp);
	else if (rq->ep == VD_EP_USAGE)
		usage(vd, rq, sid, win, resp);
	else
		report(vd, rq, sid, win, resp);
}

int
vd_ledger_open(struct vd_ctx *vd, char *err, size_t errlen)
{
	char msg[1024];

	if (tc_ledger_open(&vd->ledger, vd->conf.ledger, msg, sizeof(msg)) !=
	    0) {
		vd_err(err, errlen, "%s", msg);
		return -1;
	}
	if (tc_ledger_check_modes(vd->conf.ledger, msg, sizeof(msg)) != 0)
		vd_log_event(vd, "ledger", "warning", "%s", msg);
	return 0;
}
