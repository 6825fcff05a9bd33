/* SPDX-License-Identifier: MIT */
/*
 * Metrics of tcard-verifierd and the two endpoints that report health:
 * GET /metrics (Prometheus text format 0.0.4) and GET /healthz. Counters
 * of requests by endpoint and result and latency histograms by endpoint
 * are the daemon layer's (daemon/metrics.c), over this file's names of
 * endpoints and results. Bundle figures (sequence numbers, age, staleness)
 * are read from the bundle in use at scrape time.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "tcard/buf.h"
#include "dthrottle.h"
#include "vd.h"

static const char *const ep_names[VD_EP_COUNT] = {
	[VD_EP_HEALTHZ] = "healthz",
	[VD_EP_METRICS] = "metrics",
	[VD_EP_PAGE] = "page",
	[VD_EP_LOOKUP] = "lookup",
	[VD_EP_VERIFY] = "verify",
	[VD_EP_TRUST] = "trust",
	[VD_EP_REVOCATIONS] = "revocations",
	[VD_EP_BUNDLE] = "bundle",
	[VD_EP_REDEEM] = "redeem",
	[VD_EP_USAGE] = "usage",
	[VD_EP_REPORT] = "report",
	[VD_EP_READER] = "reader",
	[VD_EP_WINDOW] = "window",
	[VD_EP_OTHER] = "other",
};

static const char *const r_names[VD_R_COUNT] = {
	[VD_R_OK] = "ok",
	[VD_R_VALID] = "valid",
	[VD_R_INVALID] = "invalid",
	[VD_R_UNKNOWN_STATUS] = "unknown-status",
	[VD_R_NO_MATCH] = "no-match",
	[VD_R_EXPIRED] = "expired",
	[VD_R_REVOKED] = "revoked",
	[VD_R_SUSPENDED] = "suspended",
	[VD_R_NOT_MODIFIED] = "not-modified",
	[VD_R_BAD_REQUEST] = "bad-request",
	[VD_R_TOO_LARGE] = "too-large",
	[VD_R_THROTTLED] = "throttled",
	[VD_R_NOT_FOUND] = "not-found",
	[VD_R_METHOD] = "method-not-allowed",
	[VD_R_UNAVAILABLE] = "unavailable",
	[VD_R_UNAUTHORIZED] = "unauthorized",
	[VD_R_FORBIDDEN] = "forbidden",
	[VD_R_ALLOWED] = "allowed",
	[VD_R_REFUSED] = "refused",
	[VD_R_ERROR] = "error",
};

const char *
vd_endpoint_name(enum vd_endpoint e)
{
	return (unsigned)e < VD_EP_COUNT ? ep_names[e] : "other";
}

const char *
vd_result_name(enum vd_result r)
{
	return (unsigned)r < VD_R_COUNT ? r_names[r] : "error";
}

void
vd_metrics_count(
    struct vd_ctx *vd, enum vd_endpoint e, enum vd_result r, uint64_t ns)
{
	if (vd->metrics != NULL)
		tc_dmetrics_count(vd->metrics, (size_t)e, (size_t)r,
		    VD_EP_OTHER, VD_R_ERROR, ns);
}

int
vd_metrics_start(struct vd_ctx *vd)
{
	return tc_dmetrics_new(
	    &vd->metrics, ep_names, VD_EP_COUNT, r_names, VD_R_COUNT);
}

int
vd_metrics_render(struct vd_ctx *vd, struct tc_buf *out)
{
	struct vd_bundle *b = vd_bundle_get(vd);
	time_t now = vd_now(vd);
	int bad = 0;

	bad |= vd->metrics != NULL ? tc_dmetrics_render(vd->metrics, out) : 0;
	bad |= tc_buf_printf(out,
	    "# HELP tcard_bundle_loaded 1 when a bundle is in use.\n"
	    "# TYPE tcard_bundle_loaded gauge\n"
	    "tcard_bundle_loaded %d\n",
	    b != NULL);
	if (b != NULL) {
		bad |= tc_buf_printf(out,
		    "# HELP tcard_bundle_revocations_sequence Sequence number of the revocation list in use (deltas applied).\n"
		    "# TYPE tcard_bundle_revocations_sequence gauge\n"
		    "tcard_bundle_revocations_sequence %" PRIu64 "\n"
		    "# HELP tcard_bundle_revocations_age_seconds Seconds since the revocation list in use was issued.\n"
		    "# TYPE tcard_bundle_revocations_age_seconds gauge\n"
		    "tcard_bundle_revocations_age_seconds %lld\n"
		    "# HELP tcard_bundle_revocations_next_update_seconds Seconds until the list's next-update (negative: past).\n"
		    "# TYPE tcard_bundle_revocations_next_update_seconds gauge\n"
		    "tcard_bundle_revocations_next_update_seconds %lld\n"
		    "# HELP tcard_bundle_revoked_serials Serials revoked by the list in use.\n"
		    "# TYPE tcard_bundle_revoked_serials gauge\n"
		    "tcard_bundle_revoked_serials %" PRIu64 "\n"
		    "# HELP tcard_bundle_stale 1 when the revocation list is past next-update plus the grace.\n"
		    "# TYPE tcard_bundle_stale gauge\n"
		    "tcard_bundle_stale %d\n"
		    "# HELP tcard_bundle_trust_issued_at_seconds Issue time of the trust list in use.\n"
		    "# TYPE tcard_bundle_trust_issued_at_seconds gauge\n"
		    "tcard_bundle_trust_issued_at_seconds %lld\n"
		    "# HELP tcard_bundle_generation Generation of the bundle in use: 1 at start, one more per swap.\n"
		    "# TYPE tcard_bundle_generation gauge\n"
		    "tcard_bundle_generation %" PRIu64 "\n",
		    b->rev->seq, (long long)(now - b->rev->issued_at),
		    (long long)(b->rev->next_update - now),
		    tc_revocations_count(b->rev->rev),
		    vd_bundle_stale(vd, b, now),
		    (long long)tc_trust_issued_at(b->trust->trust),
		    b->generation);
		if (b->lookup != NULL)
			bad |= tc_buf_printf(out,
			    "# HELP tcard_bundle_lookup_sequence Sequence number of the lookup snapshot in use.\n"
			    "# TYPE tcard_bundle_lookup_sequence gauge\n"
			    "tcard_bundle_lookup_sequence %" PRIu64 "\n"
			    "# HELP tcard_bundle_lookup_cards Cards in the lookup snapshot.\n"
			    "# TYPE tcard_bundle_lookup_cards gauge\n"
			    "tcard_bundle_lookup_cards %" PRIu64 "\n"
			    "# HELP tcard_bundle_lookup_age_seconds Seconds since the snapshot was issued.\n"
			    "# TYPE tcard_bundle_lookup_age_seconds gauge\n"
			    "tcard_bundle_lookup_age_seconds %lld\n",
			    b->lookup->info.seq, b->lookup->info.count,
			    (long long)(now - b->lookup->info.issued_at));
	}
	bad |= tc_buf_printf(out,
	    "# HELP tcard_bundle_checks_total Bundle checks, by outcome.\n"
	    "# TYPE tcard_bundle_checks_total counter\n"
	    "tcard_bundle_checks_total{result=\"loaded\"} %lu\n"
	    "tcard_bundle_checks_total{result=\"unchanged\"} %lu\n"
	    "tcard_bundle_checks_total{result=\"refused\"} %lu\n"
	    "tcard_bundle_checks_total{result=\"failed\"} %lu\n"
	    "# HELP tcard_throttled_total Lookups refused by a throttle.\n"
	    "# TYPE tcard_throttled_total counter\n"
	    "tcard_throttled_total{by=\"client\"} %lu\n"
	    "tcard_throttled_total{by=\"card\"} %lu\n"
	    "# HELP tcard_log_lines_dropped_total Log lines over the rate limit of their kind, not written.\n"
	    "# TYPE tcard_log_lines_dropped_total counter\n"
	    "tcard_log_lines_dropped_total{kind=\"http\"} %lu\n"
	    "tcard_log_lines_dropped_total{kind=\"aborted\"} %lu\n",
	    atomic_load(&vd->reloads_ok), atomic_load(&vd->reloads_unchanged),
	    atomic_load(&vd->reloads_refused), atomic_load(&vd->reloads_failed),
	    tc_dthrottle_refused(vd->client_tb),
	    tc_dthrottle_refused(vd->card_tb),
	    vd_log_limited(vd, VD_LIMIT_HTTP),
	    vd_log_limited(vd, VD_LIMIT_ABORTED));
	vd_bundle_put(b);
	return bad != 0 ? -1 : 0;
}

void
vd_ep_metrics(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);

	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
	tc_buf_init(&resp->body, 1u << 20);
	if (vd_metrics_render(vd, &resp->body) != 0)
		tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR, VD_R_ERROR,
		    "internal", "%s", "metrics could not be rendered");
}

/*
 * GET /healthz: 200 when a bundle is in use ("status": "ok", or "stale"
 * when the revocation list is past next-update + grace: the body says so
 * and whether verification fails closed), 503 before the first bundle.
 * Built with snprintf: this is the cheapest endpoint, the reference rate
 * of the benchmark.
 */
void
vd_ep_healthz(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	struct vd_bundle *b = vd_bundle_get(vd);
	time_t now = vd_now(vd);
	int stale, bad = 0;

	tc_buf_init(&resp->body, 4096);
	resp->ctype = "application/json";
	if (b == NULL) {
		resp->status = MHD_HTTP_SERVICE_UNAVAILABLE;
		resp->result = VD_R_UNAVAILABLE;
		bad |= tc_buf_puts(&resp->body,
		    "{\"status\":\"no-bundle\",\"ready\":false}\n");
		tc_dresp_checked(resp, bad);
		return;
	}
	stale = vd_bundle_stale(vd, b, now);
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	bad |= tc_buf_printf(&resp->body,
	    "{\"status\":\"%s\",\"ready\":true,\"stale\":%s,\"stale_policy\":\"%s\",\"revocations\":{\"seq\":%" PRIu64
	    ",\"issued_at\":%lld,\"next_update\":%lld,\"age\":%lld},",
	    stale ? "stale" : "ok", stale ? "true" : "false",
	    vd->conf.stale_policy == TC_STALE_WARN ? "warn" : "fail",
	    b->rev->seq, (long long)b->rev->issued_at,
	    (long long)b->rev->next_update,
	    (long long)(now - b->rev->issued_at));
	if (b->lookup != NULL)
		bad |= tc_buf_printf(&resp->body,
		    "\"lookup\":{\"seq\":%" PRIu64 ",\"cards\":%" PRIu64
		    ",\"issued_at\":%lld},",
		    b->lookup->info.seq, b->lookup->info.count,
		    (long long)b->lookup->info.issued_at);
	else
		bad |= tc_buf_puts(&resp->body, "\"lookup\":null,");
	bad |= tc_buf_printf(&resp->body,
	    "\"lookup_enabled\":%s,\"trust\":{\"issued_at\":%lld},\"generation\":%" PRIu64
	    "}\n",
	    b->lookup != NULL && vd->pepper != NULL ? "true" : "false",
	    (long long)tc_trust_issued_at(b->trust->trust), b->generation);
	tc_dresp_checked(resp, bad);
	vd_bundle_put(b);
}
