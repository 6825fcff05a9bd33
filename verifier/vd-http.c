/* SPDX-License-Identifier: MIT */
/*
 * The libmicrohttpd glue of tcard-verifierd: the server (an internal
 * thread pool on epoll), per-request state, routing, bounded request
 * bodies and query strings, and turning a struct vd_resp into an answer
 * with its headers.
 *
 * A request's state (struct vd_req) is made in the URI log callback, the
 * first thing libmicrohttpd calls, which also sees the raw request target
 * with its query string (the access handler gets the path only); it is
 * freed in the completion callback, which also counts the request and
 * writes its log line. The connection's slot (struct vd_conn, made and
 * freed by the connection callback) owns the request until then, so a
 * request that libmicrohttpd drops without calling the completion
 * callback is still counted and freed. The access handler returns MHD_YES
 * on its first call and answers on a later one, after the body: answering
 * on the very first call loses keep-alive in libmicrohttpd 0.9.75
 * (measured; see docs/performance.md). Requests that are refused before
 * their body (bad framing, a bad path, a query refused in the URI
 * callback) are answered on the first call and close the connection.
 *
 * libmicrohttpd 0.9.75 loses its own error answer (and the completion
 * callback) when the query string's parameters do not fit the
 * connection's memory pool: the URI callback therefore counts them and,
 * for a query it refuses, cuts the query string in libmicrohttpd's line
 * buffer before libmicrohttpd parses it (docs/decisions.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "vd.h"

#define DISCARD_FACTOR 16 /* a body this many times max-body closes */
/*
 * '&'-separated parts of a query string that libmicrohttpd may parse (it
 * keeps a record of some 50 bytes in the connection's pool for each, empty
 * ones too); the pool has room for them on top of the request line.
 */
#define QUERY_PARTS_MAX (2 * TC_FORM_MAX_FIELDS)
#define PART_RECORD	64 /* bytes of pool per part, rounded up */

/* The page's headers: nothing loaded from anywhere, no framing. */
#define PAGE_CSP                                                               \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

void
vd_resp_init(struct vd_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = MHD_HTTP_OK;
	r->ctype = "application/json";
	r->result = VD_R_OK;
}

void
vd_resp_error(struct vd_resp *r, unsigned status, enum vd_result res,
    const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_buf_release(&r->body);
	tc_buf_init(&r->body, 4096);
	r->fixed = NULL;
	r->status = status;
	r->result = res;
	r->ctype = "application/json";
	tc_buf_printf(&r->body, "{\"error\":\"%s\",\"message\":", code);
	vd_json_str(&r->body, msg, sizeof(msg));
	tc_buf_puts(&r->body, "}\n");
}

void
vd_resp_fixed(struct vd_resp *r, unsigned status, enum vd_result res,
    const char *ctype, const void *body, size_t len)
{
	tc_buf_release(&r->body);
	r->status = status;
	r->result = res;
	r->ctype = ctype;
	r->fixed = body;
	r->fixedlen = len;
}

const char *
vd_req_header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The client's address as text and as a throttle key (IPv6: the /64). */
static void
client_of(struct MHD_Connection *c, struct vd_req *rq)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;

	snprintf(rq->client, sizeof(rq->client), "%s", "unknown");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(
		    AF_INET, &s4->sin_addr, rq->client, sizeof(rq->client));
		memcpy(rq->client_key, &s4->sin_addr, 4);
		rq->client_keylen = 4;
	} else if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(
		    AF_INET6, &s6->sin6_addr, rq->client, sizeof(rq->client));
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(rq->client_key, s6->sin6_addr.s6_addr + 12, 4);
			rq->client_keylen = 4;
		} else {
			/* One subscriber usually holds a whole /64. */
			memcpy(rq->client_key, s6->sin6_addr.s6_addr, 8);
			rq->client_keylen = 8;
		}
	}
}

/* The slot of connection c (NULL when it could not be made). */
static struct vd_conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Counts and logs a request and frees it; toe says how it ended. */
static void
req_finish(struct vd_req *rq, enum MHD_RequestTerminationCode toe)
{
	uint64_t ns = vd_mono_ns() - rq->t0;

	if (rq->conn != NULL)
		rq->conn->rq = NULL;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0) {
		/* Timed out, closed, or refused before an answer. */
		rq->result = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED
		    ? VD_R_BAD_REQUEST
		    : VD_R_ERROR;
	}
	vd_metrics_count(rq->ep, rq->result, ns);
	/* A client can close connections unanswered as fast as it likes. */
	if (rq->status == 0 && !vd_log_limit(VD_LIMIT_ABORTED, rq->t0 + ns))
		goto out;
	vd_log_request(rq->client,
	    rq->method_post	  ? "POST"
		: rq->method_head ? "HEAD"
		: rq->method_get  ? "GET"
				  : "OTHER",
	    rq->path != NULL ? rq->path : "", rq->ep, rq->status, rq->result,
	    ns, rq->bytes, rq->card);
out:
	tc_buf_release(&rq->body);
	free(rq->path);
	/* The query string may hold a name and an ID number. */
	OPENSSL_cleanse(rq->uri, strlen(rq->uri));
	free(rq->uri);
	free(rq);
}

/* '&'-separated parts of a query string, as libmicrohttpd counts them. */
static size_t
query_parts(const char *q)
{
	size_t n = 1;

	for (; *q != '\0'; q++)
		n += *q == '&';
	return n;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct vd_conn *conn = conn_of(c);
	struct vd_req *rq;
	size_t len = strlen(uri);
	const char *mq = strchr(uri, '?');
	char *q;

	if (conn != NULL && conn->rq != NULL) {
		/* libmicrohttpd moved on without completing the last one. */
		req_finish(conn->rq, MHD_REQUEST_TERMINATED_WITH_ERROR);
	}
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		goto cut;
	rq->t0 = vd_mono_ns();
	rq->ep = VD_EP_OTHER;
	rq->result = VD_R_ERROR;
	if (len > (size_t)vd->conf.max_query + 1024 ||
	    (mq != NULL && strlen(mq + 1) > vd->conf.max_query)) {
		rq->refuse_status = MHD_HTTP_URI_TOO_LONG;
		rq->refuse_code = "too-large";
		rq->refuse_msg = "the query string is longer than max-query";
		len = 0;
	} else if (mq != NULL && query_parts(mq + 1) > QUERY_PARTS_MAX) {
		rq->refuse_status = MHD_HTTP_BAD_REQUEST;
		rq->refuse_code = "bad-query";
		rq->refuse_msg = "the query string has more than 32 parameters";
		len = 0;
	}
	if ((rq->uri = malloc(len + 1)) == NULL) {
		free(rq);
		rq = NULL;
		goto cut;
	}
	memcpy(rq->uri, uri, len);
	rq->uri[len] = '\0';
	if ((q = strchr(rq->uri, '?')) != NULL) {
		rq->query = q + 1;
		rq->querylen = strlen(q + 1);
	}
	client_of(c, rq);
	if (conn != NULL) {
		conn->rq = rq;
		rq->conn = conn;
	}
	if (rq->refuse_status == 0)
		return rq;
cut:
	/*
	 * libmicrohttpd (0.9.75 to 1.0) hands this callback the request
	 * target in its own writable line buffer and parses the query string
	 * from there after it returns: a NUL after the '?' leaves it nothing
	 * to parse, so a refused query can never overflow the pool.
	 */
	if (mq != NULL)
		((char *)(uintptr_t)mq)[1] = '\0';
	return rq;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct vd_req *rq = *con_cls;

	if (rq == NULL)
		return;
	req_finish(rq, toe);
	*con_cls = NULL;
}

/*
 * A connection's slot is made when libmicrohttpd accepts it (before any
 * byte, and before a TLS handshake) and freed when it closes, with the
 * request it still owns.
 */
static void
on_conn(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct vd_conn *conn;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn = calloc(1, sizeof(*conn));
		if (vd->conf.tls_cert[0] != '\0') {
			if (conn == NULL)
				vd_tls_conn_untracked();
			else {
				conn->tls = 1;
				conn->tls_epoch = vd_tls_conn_started();
			}
		}
		*socket_context = conn;
		return;
	}
	if ((conn = *socket_context) == NULL)
		return;
	if (conn->rq != NULL)
		req_finish(conn->rq, MHD_REQUEST_TERMINATED_WITH_ERROR);
	if (conn->tls)
		vd_tls_conn_closed(conn->tls_epoch);
	free(conn);
	*socket_context = NULL;
}

static enum MHD_Result
queue(struct MHD_Connection *c, struct vd_req *rq, struct vd_resp *resp, int fd,
    size_t fdlen)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len;
	uint8_t *body;

	if (fd >= 0) {
		r = MHD_create_response_from_fd(fdlen, fd);
		len = fdlen;
	} else if (resp->fixed != NULL) {
		r = MHD_create_response_from_buffer(resp->fixedlen,
		    (void *)(uintptr_t)resp->fixed, MHD_RESPMEM_PERSISTENT);
		len = resp->fixedlen;
	} else {
		if ((body = tc_buf_detach(&resp->body, &len)) == NULL)
			return MHD_NO;
		r = MHD_create_response_from_buffer(
		    len, body, MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	if (r == NULL) {
		if (fd >= 0)
			close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    resp->cache != NULL ? resp->cache : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp->etag != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, resp->etag);
	if (resp->retry_after[0] != '\0')
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_RETRY_AFTER, resp->retry_after);
	if (resp->allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
	if (resp->www_auth != NULL)
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, resp->www_auth);
	if (resp->location != NULL)
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_LOCATION, resp->location);
	if (resp->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	if (resp->html_security) {
		MHD_add_response_header(r, "Content-Security-Policy", PAGE_CSP);
		MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	}
	rq->status = resp->status;
	rq->result = resp->result;
	rq->bytes = len;
	ok = MHD_queue_response(c, resp->status, r);
	MHD_destroy_response(r);
	return ok;
}

static int
method_is(struct vd_req *rq, int get, int post, struct vd_resp *resp,
    const char *allow)
{
	if ((get && (rq->method_get || rq->method_head)) ||
	    (post && rq->method_post))
		return 1;
	resp->allow = allow;
	vd_resp_error(resp, MHD_HTTP_METHOD_NOT_ALLOWED, VD_R_METHOD,
	    "method-not-allowed", "allowed: %s", allow);
	return 0;
}

/* Routes a complete request and queues the answer. */
static enum MHD_Result
answer(struct MHD_Connection *c, struct vd_req *rq, const char *url)
{
	struct vd_resp resp;
	enum MHD_Result ok;
	size_t fdlen = 0;
	int fd = -1;

	vd_resp_init(&resp);
	if (strcmp(url, "/healthz") == 0) {
		rq->ep = VD_EP_HEALTHZ;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_healthz(c, rq, &resp);
	} else if (strcmp(url, "/v1/lookup") == 0) {
		rq->ep = VD_EP_LOOKUP;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_lookup(c, rq, &resp);
	} else if (strcmp(url, "/v1/verify") == 0) {
		rq->ep = VD_EP_VERIFY;
		if (method_is(rq, 0, 1, &resp, "POST"))
			vd_ep_verify(c, rq, &resp);
	} else if (strcmp(url, "/lookup") == 0) {
		rq->ep = VD_EP_PAGE;
		if (method_is(rq, 1, 1, &resp, "GET, HEAD, POST"))
			vd_ep_page(c, rq, &resp);
	} else if (strcmp(url, "/metrics") == 0) {
		rq->ep = VD_EP_METRICS;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_metrics(c, rq, &resp);
	} else if (strcmp(url, "/v1/trust") == 0) {
		rq->ep = VD_EP_TRUST;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_trust(c, rq, &resp);
	} else if (strcmp(url, "/v1/revocations") == 0) {
		rq->ep = VD_EP_REVOCATIONS;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_revocations(c, rq, &resp);
	} else if (strcmp(url, "/v1/reader") == 0) {
		rq->ep = VD_EP_READER;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_reader(c, rq, &resp);
	} else if (strncmp(url, "/v1/services/", 13) == 0) {
		vd_ep_services(c, rq, url + 13, &resp);
	} else if (strncmp(url, "/bundle/", 8) == 0) {
		rq->ep = VD_EP_BUNDLE;
		if (method_is(rq, 1, 0, &resp, "GET, HEAD"))
			vd_ep_bundle(c, rq, url + 8, &resp, &fd, &fdlen);
	} else if (strcmp(url, "/") == 0 &&
	    (rq->method_get || rq->method_head)) {
		static const char moved[] = "{\"location\":\"/lookup\"}\n";

		rq->ep = VD_EP_PAGE;
		vd_resp_fixed(&resp, MHD_HTTP_FOUND, VD_R_OK,
		    "application/json", moved, sizeof(moved) - 1);
		resp.location = "/lookup";
		ok = queue(c, rq, &resp, -1, 0);
		return ok;
	} else
		vd_resp_error(&resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s",
		    "no such endpoint (see /lookup, /v1/lookup, /v1/verify, /v1/services/SERVICE/redeem, /v1/trust, /v1/revocations, /healthz, /metrics)");
	if (resp.suspended) {
		/* A long-poll: answered when resumed (vd-reader.c). */
		tc_buf_release(&resp.body);
		return MHD_YES;
	}
	ok = queue(c, rq, &resp, fd, fdlen);
	tc_buf_release(&resp.body);
	return ok;
}

/*
 * Answers at once (the first call: before the body) and closes the
 * connection, so bytes after the head are never read as a request.
 */
static enum MHD_Result
refuse_now(struct MHD_Connection *c, struct vd_req *rq, unsigned status,
    enum vd_result res, const char *code, const char *msg)
{
	struct vd_resp resp;
	enum MHD_Result ok;

	vd_resp_init(&resp);
	vd_resp_error(&resp, status, res, code, "%s", msg);
	resp.close = 1;
	ok = queue(c, rq, &resp, -1, 0);
	tc_buf_release(&resp.body);
	return ok;
}

static enum MHD_Result
framing_field(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	tc_http_framing_add(cls, key, value);
	return MHD_YES;
}

/*
 * The checks of the first call, on the head only: the refusal of the URI
 * callback, the framing (RFC 9112 section 6: one way to find the body's
 * end, or a 400 and a close, so that nothing can be smuggled in after
 * it), the decoded path (no NUL, no encoded '/': the path routed on is
 * the whole path), the method and a declared body's size. Returns MHD_YES
 * with *answered 0 when the request goes on.
 */
static enum MHD_Result
first_call(struct MHD_Connection *c, struct vd_req *rq, const char *url,
    const char *method, const char *version, int *answered)
{
	struct tc_http_framing fr;
	char msg[256], *end;
	const char *cl;
	size_t rawlen, n;
	unsigned long long len;
	int r;

	*answered = 1;
	rq->method_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	rq->method_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	rq->method_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	rq->path = strndup(url, 256);
	if (rq->refuse_status != 0)
		return refuse_now(c, rq, rq->refuse_status,
		    rq->refuse_status == MHD_HTTP_URI_TOO_LONG
			? VD_R_TOO_LARGE
			: VD_R_BAD_REQUEST,
		    rq->refuse_code, rq->refuse_msg);
	tc_http_framing_init(&fr);
	MHD_get_connection_values(c, MHD_HEADER_KIND, framing_field, &fr);
	r = tc_http_framing_check(
	    &fr, strcmp(version, MHD_HTTP_VERSION_1_0) == 0, msg, sizeof(msg));
	if (r == TC_ERR_UNSUPPORTED)
		return refuse_now(c, rq, MHD_HTTP_NOT_IMPLEMENTED,
		    VD_R_BAD_REQUEST, "unsupported-transfer-coding", msg);
	if (r != 0)
		return refuse_now(c, rq, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-framing", msg);
	/* The path as sent, decoded strictly, must be the one routed. */
	rawlen = strcspn(rq->uri, "?");
	msg[0] = '\0';
	free(rq->path);
	if ((rq->path = malloc(rawlen + 1)) == NULL)
		return MHD_NO;
	if (tc_url_path_decode(rq->uri, rawlen, rq->path, rawlen + 1, &n, msg,
		sizeof(msg)) != 0 ||
	    strcmp(rq->path, url) != 0) {
		free(rq->path);
		rq->path = strndup(url, 256);
		return refuse_now(c, rq, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-path",
		    msg[0] != '\0' ? msg : "the path does not decode as sent");
	}
	if (!rq->method_get && !rq->method_head && !rq->method_post)
		return refuse_now(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		    VD_R_METHOD, "method-not-allowed",
		    "only GET, HEAD and POST");
	if (rq->method_post) {
		cl = vd_req_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL) {
			errno = 0;
			len = strtoull(cl, &end, 10);
			if (errno != 0 || *end != '\0' ||
			    len > vd->conf.max_body)
				return refuse_now(c, rq,
				    MHD_HTTP_CONTENT_TOO_LARGE, VD_R_TOO_LARGE,
				    "too-large",
				    "the body is longer than max-body");
		}
		tc_buf_init(&rq->body, vd->conf.max_body);
	}
	*answered = 0;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct vd_req *rq = *con_cls;
	enum MHD_Result ok;
	int answered;

	if (rq == NULL)
		return MHD_NO; /* out of memory in on_uri */
	if (!rq->seen) {
		rq->seen = 1;
		ok = first_call(c, rq, url, method, version, &answered);
		if (answered || ok != MHD_YES)
			return ok;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!rq->body_too_large &&
		    tc_buf_put(&rq->body, upload_data, *upload_data_size) != 0)
			rq->body_too_large = 1;
		/* A chunked body far over the cap is not read to its end. */
		if (rq->body_too_large &&
		    (rq->bytes += *upload_data_size) >
			(size_t)vd->conf.max_body * DISCARD_FACTOR)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->body_too_large) {
		rq->bytes = 0;
		return refuse_now(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    VD_R_TOO_LARGE, "too-large",
		    "the body is longer than max-body");
	}
	return answer(c, rq, url);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	/* Messages about bad connections come at the rate they do. */
	if (!vd_log_limit(VD_LIMIT_HTTP, vd_mono_ns()))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	vd_log_event("http", "warning", "%s", msg);
}

static struct MHD_Daemon *mhd;

int
vd_http_start(char *err, size_t errlen)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	const union MHD_DaemonInfo *di;
	/* Suspend and resume: the reader's long-polls park, not block. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	unsigned threads = vd->conf.threads;
	/*
	 * Each connection has a memory pool of this size, which
	 * libmicrohttpd clears between requests: big enough for the request
	 * line (with its query string), the records of its parameters and
	 * ordinary headers, and no bigger, as clearing it is a measurable
	 * part of a small request's cost.
	 */
	size_t memlimit = 8 * 1024 + (size_t)vd->conf.max_query +
	    QUERY_PARTS_MAX * PART_RECORD;
	struct MHD_OptionItem opts[20];
	int i = 0;
	long ncpu;

	if (tc_vdconf_listen_addr(&vd->conf, &sa, &salen) != 0) {
		snprintf(
		    err, errlen, "listen: bad address %s", vd->conf.listen);
		return -1;
	}
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (threads == 0) {
		/*
		 * Four per core: a connection stays with one thread, so when
		 * that thread is preempted its connections wait; more,
		 * smaller groups keep the tail latency down (measured: p99
		 * at 64 connections fell from about 4 ms with one thread per
		 * core to about 2 ms with four, at a higher rate).
		 */
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu > 0 ? 4 * (unsigned)ncpu : 4;
		if (threads > 64)
			threads = 64;
	}
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &sa };
	if (threads > 1)
		opts[i++] =
		    (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
			    threads, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK,
		(intptr_t)on_uri, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
		(intptr_t)on_done, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
		(intptr_t)on_conn, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
		vd->conf.timeout, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
		vd->conf.max_connections, NULL };
	if (vd->conf.per_ip_connections > 0)
		opts[i++] =
		    (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			    vd->conf.per_ip_connections, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(intptr_t)memlimit, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE,
		1024, NULL };
	if (vd->conf.tls_cert[0] != '\0') {
		if (vd_tls_load(err, errlen) != 0)
			return -1;
		flags |= MHD_USE_TLS;
		i += vd_tls_options(opts + i);
	}
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* The logger must come first to catch the messages of start-up. */
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		snprintf(err, errlen,
		    "cannot serve on %s (address in use, not local, or the TLS files are not a certificate and its key)",
		    vd->conf.listen);
		return -1;
	}
	di = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
	vd->port = di != NULL ? di->port : 0;
	vd->mhd = mhd;
	return 0;
}

void
vd_http_stop(void)
{
	if (mhd != NULL)
		MHD_stop_daemon(mhd);
	mhd = NULL;
	vd->mhd = NULL;
	vd_tls_shutdown();
}
