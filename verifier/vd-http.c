/* SPDX-License-Identifier: MIT */
/*
 * The HTTP side of tcard-verifierd on the daemon layer (daemon/daemon.h):
 * the route table (each endpoint's methods, path pattern, handler and
 * metrics endpoint), the hooks that count and log each finished request
 * and libmicrohttpd's messages (with their rate limits, vd-log.c), and
 * starting and stopping the layer from the configuration. The layer does
 * the rest: listener, TLS, framing, path, query and body checks, the
 * 404 and 405 answers made from this table.
 */
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "vd.h"

/* In the order they are matched: catch-alls after what they cover. */
static const struct tc_droute routes[] = {
	{ TC_DM_GET, "/healthz", vd_ep_healthz, VD_EP_HEALTHZ, 0 },
	{ TC_DM_GET | TC_DM_POST, "/lookup", vd_ep_page, VD_EP_PAGE, 0 },
	{ TC_DM_GET, "/v1/lookup", vd_ep_lookup, VD_EP_LOOKUP, 0 },
	{ TC_DM_POST, "/v1/verify", vd_ep_verify, VD_EP_VERIFY, 0 },
	{ TC_DM_POST, "/v1/services/{service}/redeem", vd_ep_services,
	    VD_EP_REDEEM, 0 },
	{ TC_DM_GET, "/v1/services/{service}/usage", vd_ep_services,
	    VD_EP_USAGE, 0 },
	{ TC_DM_GET, "/v1/services/{service}/report", vd_ep_services,
	    VD_EP_REPORT, 0 },
	{ TC_DM_ANY, "/v1/services/*", vd_ep_services, VD_EP_OTHER, 0 },
	{ TC_DM_GET, "/v1/reader", vd_ep_reader, VD_EP_READER, 0 },
	{ TC_DM_GET, "/window", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_POST, "/window/session", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_POST, "/window/signout", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_POST, "/window/scan", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_POST, "/window/redeem", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_GET, "/window/*", vd_ep_window, VD_EP_WINDOW, 0 },
	{ TC_DM_GET, "/v1/trust", vd_ep_trust, VD_EP_TRUST, 0 },
	{ TC_DM_GET, "/v1/revocations", vd_ep_revocations, VD_EP_REVOCATIONS,
	    0 },
	{ TC_DM_GET, "/bundle/*", vd_ep_bundle, VD_EP_BUNDLE, 0 },
	{ TC_DM_GET, "/metrics", vd_ep_metrics, VD_EP_METRICS, 0 },
	{ TC_DM_ANY, "/", vd_ep_root, VD_EP_OTHER, 0 },
};

void
vd_ep_root(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	static const char moved[] = "{\"location\":\"/lookup\"}\n";

	if (!rq->method_get && !rq->method_head) {
		rq->ep = VD_EP_OTHER;
		tc_dresp_not_found(d, resp);
		return;
	}
	rq->ep = VD_EP_PAGE;
	tc_dresp_fixed(resp, MHD_HTTP_FOUND, VD_R_OK, "application/json", moved,
	    sizeof(moved) - 1);
	resp->location = "/lookup";
}

/* Counts and logs a request (the layer's finish hook). */
static void
finish(struct tc_daemon *d, struct tc_dreq *rq, uint64_t ns)
{
	struct vd_ctx *vd = tc_daemon_app(d);

	vd_metrics_count(vd, rq->ep, rq->result, ns);
	/* A client can close connections unanswered as fast as it likes. */
	if (rq->status == 0 && !vd_log_limit(vd, VD_LIMIT_ABORTED, rq->t0 + ns))
		return;
	vd_log_request(vd, rq->client,
	    rq->method_post	  ? "POST"
		: rq->method_head ? "HEAD"
		: rq->method_get  ? "GET"
				  : "OTHER",
	    rq->path != NULL ? rq->path : "", rq->ep, rq->status, rq->result,
	    ns, rq->bytes, rq->subject);
}

static void
http_log(struct tc_daemon *d, const char *msg)
{
	struct vd_ctx *vd = tc_daemon_app(d);

	/* Messages about bad connections come at the rate they do. */
	if (!vd_log_limit(vd, VD_LIMIT_HTTP, vd_mono_ns()))
		return;
	vd_log_event(vd, "http", "warning", "%s", msg);
}

int
vd_http_start(struct vd_ctx *vd, char *err, size_t errlen)
{
	struct tc_daemon_conf c;

	memset(&c, 0, sizeof(c));
	if (tc_vdconf_listen_addr(&vd->conf, &c.addr, &c.addrlen) != 0) {
		snprintf(
		    err, errlen, "listen: bad address %s", vd->conf.listen);
		return -1;
	}
	c.listen = vd->conf.listen;
	c.threads = vd->conf.threads;
	c.timeout = vd->conf.timeout;
	c.max_connections = vd->conf.max_connections;
	c.per_ip_connections = vd->conf.per_ip_connections;
	c.max_body = vd->conf.max_body;
	c.max_query = vd->conf.max_query;
	c.tls_cert = vd->conf.tls_cert;
	c.tls_key = vd->conf.tls_key;
	c.routes = routes;
	c.nroutes = sizeof(routes) / sizeof(routes[0]);
	c.ep_other = VD_EP_OTHER;
	c.results = (struct tc_dresults){ .ok = VD_R_OK,
		.bad_request = VD_R_BAD_REQUEST,
		.too_large = VD_R_TOO_LARGE,
		.not_found = VD_R_NOT_FOUND,
		.method = VD_R_METHOD,
		.error = VD_R_ERROR };
	c.app = vd;
	c.finish = finish;
	c.http_log = http_log;
	if ((vd->metrics == NULL && vd_metrics_start(vd) != 0) ||
	    tc_daemon_new(&vd->d, &c) != 0) {
		snprintf(err, errlen, "%s", "out of memory");
		return -1;
	}
	return tc_daemon_start(vd->d, err, errlen);
}

void
vd_http_stop(struct vd_ctx *vd)
{
	tc_daemon_free(vd->d);
	vd->d = NULL;
	tc_dmetrics_free(vd->metrics);
	vd->metrics = NULL;
}
