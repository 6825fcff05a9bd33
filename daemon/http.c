/* SPDX-License-Identifier: MIT */
/*
 * The libmicrohttpd glue of the daemon layer: the server (an internal
 * thread pool on epoll), per-request state, routing through the daemon's
 * route table (route.c), bounded request bodies and query strings, and
 * turning a struct tc_dresp into an answer with its headers (the JSON
 * errors, the security headers). Everything a callback needs is found
 * from the struct tc_daemon given to libmicrohttpd as its closure.
 *
 * A request's state (struct tc_dreq) is made in the URI log callback, the
 * first thing libmicrohttpd calls, which also sees the raw request target
 * with its query string (the access handler gets the path only); it is
 * freed in the completion callback, which also counts the request and
 * writes its log line (the finish hook). The connection's slot (struct
 * tc_dconn, made and
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
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "daemon-int.h"

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
tc_daemon_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

uint64_t
tc_daemon_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* 1 when s (at most max bytes) is UTF-8, control characters aside. */
static int
utf8_text(const char *s, size_t max)
{
	char tmp[1024];
	size_t n = strnlen(s, max), i;

	if (n > sizeof(tmp))
		n = sizeof(tmp);
	for (i = 0; i < n; i++)
		tmp[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? 'x' : s[i];
	return tc_utf8_check((const uint8_t *)tmp, n, NULL) == 0;
}

int
tc_json_put_str(struct tc_buf *out, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int utf8 = utf8_text(s, max), bad = 0;
	size_t n = 0;
	char esc[7];

	bad |= tc_buf_put_u8(out, '"');
	for (; *p != '\0' && n < max && bad == 0; p++, n++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			bad |= tc_buf_put(out, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8)) {
			/*
			 * Paths are attacker-controlled: control characters,
			 * and every byte above 0x7f unless the whole string
			 * is UTF-8, are escaped one by one, so the line
			 * stays valid JSON whatever was sent.
			 */
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			bad |= tc_buf_put(out, esc, 6);
		} else
			bad |= tc_buf_put_u8(out, *p);
	}
	bad |= tc_buf_put_u8(out, '"');
	return bad != 0 ? -1 : 0;
}

void
tc_dresp_init(struct tc_daemon *d, struct tc_dresp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = MHD_HTTP_OK;
	r->ctype = "application/json";
	r->result = d->conf.results.ok;
	r->result_error = d->conf.results.error;
	r->fd = -1;
}

int
tc_dresp_checked(struct tc_dresp *r, int bad)
{
	if (bad != 0) {
		r->ctype = "application/json";
		r->html_security = 0;
		tc_dresp_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    r->result_error, "internal", "%s",
		    "the answer could not be written");
	}
	return bad;
}

void
tc_dresp_error(struct tc_dresp *r, unsigned status, int res, const char *code,
    const char *fmt, ...)
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
	/*
	 * 4 KiB holds the longest answer (a 512-byte message escaped six
	 * times over is 3 KiB): a failure is a bug, so the body is cut to a
	 * fixed error rather than sent half written.
	 */
	if (tc_buf_printf(&r->body, "{\"error\":\"%s\",\"message\":", code) !=
		0 ||
	    tc_json_put_str(&r->body, msg, sizeof(msg)) != 0 ||
	    tc_buf_puts(&r->body, "}\n") != 0) {
		static const char cut[] =
		    "{\"error\":\"internal\",\"message\":\"error answer too long\"}\n";

		tc_buf_release(&r->body);
		r->fixed = cut;
		r->fixedlen = sizeof(cut) - 1;
	}
}

void
tc_dresp_not_found(struct tc_daemon *d, struct tc_dresp *r)
{
	tc_dresp_error(r, MHD_HTTP_NOT_FOUND, d->conf.results.not_found,
	    "not-found", "%s", d->not_found);
}

void
tc_dresp_fixed(struct tc_dresp *r, unsigned status, int res, const char *ctype,
    const void *body, size_t len)
{
	tc_buf_release(&r->body);
	r->status = status;
	r->result = res;
	r->ctype = ctype;
	r->fixed = body;
	r->fixedlen = len;
}

void
tc_dresp_nomem(struct tc_daemon *d, struct tc_dresp *r)
{
	tc_dresp_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, d->conf.results.error,
	    "internal", "%s", "out of memory");
}

int
tc_dreq_json(struct tc_daemon *d, const struct tc_dreq *rq, struct tc_dresp *r)
{
	const char *ct = tc_dreq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	if (ct != NULL && strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
		return 1;
	tc_dresp_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
	    d->conf.results.bad_request, "unsupported-media-type", "%s",
	    "send Content-Type: application/json");
	return 0;
}

void
tc_dresp_bad_body(
    struct tc_daemon *d, struct tc_dresp *r, int code, const char *msg)
{
	tc_dresp_error(r,
	    code == TC_ERR_TOO_LARGE ? MHD_HTTP_CONTENT_TOO_LARGE
				     : MHD_HTTP_BAD_REQUEST,
	    code == TC_ERR_TOO_LARGE ? d->conf.results.too_large
				     : d->conf.results.bad_request,
	    code == TC_ERR_BAD_ENCODING ? "bad-encoding" : "bad-json", "%s",
	    msg);
}

const char *
tc_dreq_header(const struct tc_dreq *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->mhd, MHD_HEADER_KIND, name);
}

/* The client's address as text and as a throttle key (IPv6: the /64). */
static void
client_of(struct MHD_Connection *c, struct tc_dreq *rq)
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
static struct tc_dconn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Counts and logs a request and frees it; toe says how it ended. */
static void
req_finish(struct tc_dreq *rq, enum MHD_RequestTerminationCode toe)
{
	struct tc_daemon *d = rq->d;
	uint64_t ns = tc_daemon_mono_ns() - rq->t0;

	if (rq->conn != NULL)
		rq->conn->rq = NULL;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0) {
		/* Timed out, closed, or refused before an answer. */
		rq->result = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED
		    ? d->conf.results.bad_request
		    : d->conf.results.error;
	}
	if (d->conf.finish != NULL)
		d->conf.finish(d, rq, ns);
	tc_droute_captures_free(rq->param_val, rq->nparams);
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
	struct tc_daemon *d = cls;
	struct tc_dconn *conn = conn_of(c);
	struct tc_dreq *rq;
	size_t len = strlen(uri);
	const char *mq = strchr(uri, '?');
	char *q;

	if (conn != NULL && conn->rq != NULL) {
		/* libmicrohttpd moved on without completing the last one. */
		req_finish(conn->rq, MHD_REQUEST_TERMINATED_WITH_ERROR);
	}
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		goto cut;
	rq->d = d;
	rq->mhd = c;
	rq->t0 = tc_daemon_mono_ns();
	rq->ep = d->conf.ep_other;
	rq->result = d->conf.results.error;
	if (len > (size_t)d->conf.max_query + 1024 ||
	    (mq != NULL && strlen(mq + 1) > d->conf.max_query)) {
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
	struct tc_dreq *rq = *con_cls;

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
	struct tc_daemon *d = cls;
	struct tc_dconn *conn;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn = calloc(1, sizeof(*conn));
		if (d->tls_on) {
			if (conn == NULL)
				tc_dtls_conn_untracked(&d->tls);
			else {
				conn->tls = 1;
				conn->tls_epoch = tc_dtls_conn_started(&d->tls);
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
		tc_dtls_conn_closed(&d->tls, conn->tls_epoch);
	free(conn);
	*socket_context = NULL;
}

static enum MHD_Result
queue(struct MHD_Connection *c, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len, fdlen = resp->fdlen;
	uint8_t *body;
	int fd = resp->fd;

	resp->fd = -1; /* the response's now */
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
	if (resp->set_cookie[0] != '\0')
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie);
	if (resp->set_cookie2[0] != '\0')
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie2);
	if (resp->disposition[0] != '\0')
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp->disposition);
	if (resp->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	if (resp->html_security) {
		MHD_add_response_header(r, "Content-Security-Policy",
		    resp->csp != NULL ? resp->csp : PAGE_CSP);
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

/* The method of rq as a route mask (0: none routes take). */
static unsigned
method_of(const struct tc_dreq *rq)
{
	if (rq->method_get || rq->method_head)
		return TC_DM_GET;
	if (rq->method_post)
		return TC_DM_POST;
	if (rq->method_put)
		return TC_DM_PUT;
	if (rq->method_delete)
		return TC_DM_DEL;
	return 0;
}

/* The endpoint of the first route of path, whatever its methods. */
static int
ep_of_path(const struct tc_daemon *d, const char *path)
{
	const char *names[TC_DPARAMS_MAX], *tail;
	char *vals[TC_DPARAMS_MAX];
	size_t i, n;

	for (i = 0; i < d->conf.nroutes; i++) {
		if (tc_droute_match(d->conf.routes[i].pattern, path, names,
			vals, &n, &tail) == 1) {
			tc_droute_captures_free(vals, n);
			return d->conf.routes[i].ep;
		}
	}
	return d->conf.ep_other;
}

/* Routes a complete request and queues the answer. */
static enum MHD_Result
answer(struct MHD_Connection *c, struct tc_dreq *rq)
{
	struct tc_daemon *d = rq->d;
	const struct tc_droute *rt;
	struct tc_dresp resp;
	enum MHD_Result ok;
	unsigned allowed;
	char allow[64];

	tc_dresp_init(d, &resp);
	rt = rq->route;
	allowed = rq->allowed;
	if (rt != NULL) {
		rq->ep = rt->ep;
		rt->fn(d, rq, &resp);
	} else if (allowed != 0) {
		rq->ep = ep_of_path(d, rq->path);
		/* MHD copies the header when the answer is queued. */
		resp.allow = tc_droute_allow(allowed, allow, sizeof(allow));
		tc_dresp_error(&resp, MHD_HTTP_METHOD_NOT_ALLOWED,
		    d->conf.results.method, "method-not-allowed", "allowed: %s",
		    resp.allow);
	} else
		tc_dresp_not_found(d, &resp);
	if (resp.suspended) {
		/* A long-poll: answered when resumed. */
		tc_buf_release(&resp.body);
		return MHD_YES;
	}
	ok = queue(c, rq, &resp);
	tc_buf_release(&resp.body);
	return ok;
}

/*
 * Answers at once (the first call: before the body) and closes the
 * connection, so bytes after the head are never read as a request.
 */
static enum MHD_Result
refuse_now(struct MHD_Connection *c, struct tc_dreq *rq, unsigned status,
    int res, const char *code, const char *msg)
{
	struct tc_dresp resp;
	enum MHD_Result ok;

	tc_dresp_init(rq->d, &resp);
	tc_dresp_error(&resp, status, res, code, "%s", msg);
	resp.close = 1;
	ok = queue(c, rq, &resp);
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
first_call(struct MHD_Connection *c, struct tc_dreq *rq, const char *url,
    const char *method, const char *version, int *answered)
{
	struct tc_http_framing fr;
	char msg[256], *end;
	const char *cl;
	size_t rawlen, n;
	unsigned long long len;
	const struct tc_dresults *res = &rq->d->conf.results;
	size_t max_body = rq->d->conf.max_body;
	int r;

	*answered = 1;
	rq->method_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	rq->method_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	rq->method_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	rq->method_put = strcmp(method, MHD_HTTP_METHOD_PUT) == 0;
	rq->method_delete = strcmp(method, MHD_HTTP_METHOD_DELETE) == 0;
	rq->path = strndup(url, 256);
	if (rq->refuse_status != 0)
		return refuse_now(c, rq, rq->refuse_status,
		    rq->refuse_status == MHD_HTTP_URI_TOO_LONG
			? res->too_large
			: res->bad_request,
		    rq->refuse_code, rq->refuse_msg);
	tc_http_framing_init(&fr);
	MHD_get_connection_values(c, MHD_HEADER_KIND, framing_field, &fr);
	r = tc_http_framing_check(
	    &fr, strcmp(version, MHD_HTTP_VERSION_1_0) == 0, msg, sizeof(msg));
	if (r == TC_ERR_UNSUPPORTED)
		return refuse_now(c, rq, MHD_HTTP_NOT_IMPLEMENTED,
		    res->bad_request, "unsupported-transfer-coding", msg);
	if (r != 0)
		return refuse_now(c, rq, MHD_HTTP_BAD_REQUEST, res->bad_request,
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
		return refuse_now(c, rq, MHD_HTTP_BAD_REQUEST, res->bad_request,
		    "bad-path",
		    msg[0] != '\0' ? msg : "the path does not decode as sent");
	}
	if ((method_of(rq) & rq->d->methods) == 0)
		return refuse_now(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		    res->method, "method-not-allowed", rq->d->methods_msg);
	/* Routed now, for the route's body limit; answered after the body. */
	rq->route = tc_droute_find(rq->d->conf.routes, rq->d->conf.nroutes,
	    method_of(rq), rq->path, rq, &rq->allowed);
	if (rq->route != NULL && rq->route->body_max != 0)
		max_body = rq->route->body_max;
	rq->body_max = max_body;
	if (!rq->method_get && !rq->method_head) {
		cl = tc_dreq_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL) {
			errno = 0;
			len = strtoull(cl, &end, 10);
			if (errno != 0 || *end != '\0' || len > max_body)
				return refuse_now(c, rq,
				    MHD_HTTP_CONTENT_TOO_LARGE, res->too_large,
				    "too-large",
				    "the body is longer than max-body");
		}
		tc_buf_init(&rq->body, max_body);
	}
	*answered = 0;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct tc_dreq *rq = *con_cls;
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
			rq->body_max * DISCARD_FACTOR)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->body_too_large) {
		rq->bytes = 0;
		return refuse_now(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    rq->d->conf.results.too_large, "too-large",
		    "the body is longer than max-body");
	}
	return answer(c, rq);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct tc_daemon *d = cls;
	char msg[512];
	size_t n;

	if (d->conf.http_log == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	d->conf.http_log(d, msg);
}

/*
 * "only GET, HEAD and POST": the methods of the routes, for a request of
 * any other method.
 */
static void
methods_msg(struct tc_daemon *d)
{
	char list[64], *last;
	int w;

	tc_droute_allow(d->methods, list, sizeof(list));
	if ((last = strrchr(list, ',')) != NULL)
		w = snprintf(d->methods_msg, sizeof(d->methods_msg),
		    "only %.*s and %s", (int)(last - list), list, last + 2);
	else
		w = snprintf(
		    d->methods_msg, sizeof(d->methods_msg), "only %s", list);
	if (w < 0 || (size_t)w >= sizeof(d->methods_msg))
		d->methods_msg[0] = '\0'; /* cannot happen: 4 names fit */
}

/* "no such endpoint (see /a, /b, ...)": the routes' patterns. */
static void
not_found_msg(struct tc_daemon *d)
{
	size_t i, k, at;
	int w;

	if (d->conf.not_found_msg != NULL) {
		snprintf(d->not_found, sizeof(d->not_found), "%s",
		    d->conf.not_found_msg);
		return;
	}
	w = snprintf(
	    d->not_found, sizeof(d->not_found), "%s", "no such endpoint (see");
	at = w > 0 ? (size_t)w : 0;
	for (i = 0; i < d->conf.nroutes && at < sizeof(d->not_found); i++) {
		const char *pat = d->conf.routes[i].pattern;

		/* The root and the catch-alls of any method are no endpoints. */
		if (strcmp(pat, "/") == 0 ||
		    (pat[strlen(pat) - 1] == '*' &&
			d->conf.routes[i].methods == TC_DM_ANY))
			continue;
		for (k = 0; k < i; k++) /* each path once */
			if (strcmp(d->conf.routes[k].pattern, pat) == 0)
				break;
		if (k < i)
			continue;
		w = snprintf(d->not_found + at, sizeof(d->not_found) - at,
		    "%s %s", i > 0 ? "," : "", pat);
		if (w < 0 || (size_t)w >= sizeof(d->not_found) - at)
			break;
		at += (size_t)w;
	}
	if (at + 2 <= sizeof(d->not_found))
		memcpy(d->not_found + at, ")", 2);
}

int
tc_daemon_new(struct tc_daemon **out, const struct tc_daemon_conf *conf)
{
	struct tc_daemon *d;
	size_t i;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	d->conf = *conf;
	tc_dtls_init(&d->tls);
	for (i = 0; i < conf->nroutes; i++)
		d->methods |= conf->routes[i].methods;
	methods_msg(d);
	not_found_msg(d);
	*out = d;
	return 0;
}

void
tc_daemon_free(struct tc_daemon *d)
{
	if (d == NULL)
		return;
	tc_daemon_stop(d);
	pthread_mutex_destroy(&d->tls.mu);
	free(d);
}

unsigned
tc_daemon_port(const struct tc_daemon *d)
{
	return d->port;
}

void *
tc_daemon_app(const struct tc_daemon *d)
{
	return d->conf.app;
}

int
tc_daemon_tls(const struct tc_daemon *d)
{
	return d->tls_on;
}

int
tc_daemon_tls_reload(struct tc_daemon *d, char *err, size_t errlen)
{
	if (!d->tls_on || d->conf.tls_cert == NULL ||
	    d->conf.tls_cert[0] == '\0')
		return 0;
	return tc_dtls_reload(
	    &d->tls, d->conf.tls_cert, d->conf.tls_key, err, errlen);
}

int
tc_daemon_start(struct tc_daemon *d, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *di;
	/* Suspend and resume: the reader's long-polls park, not block. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	unsigned threads = d->conf.threads;
	/*
	 * Each connection has a memory pool of this size, which
	 * libmicrohttpd clears between requests: big enough for the request
	 * line (with its query string), the records of its parameters and
	 * ordinary headers, and no bigger, as clearing it is a measurable
	 * part of a small request's cost.
	 */
	size_t memlimit = 8 * 1024 + (size_t)d->conf.max_query +
	    QUERY_PARTS_MAX * PART_RECORD;
	struct MHD_OptionItem opts[20];
	int i = 0;
	long ncpu;

	if (d->conf.listen_fd <= 0 && d->conf.addr.ss_family == AF_INET6)
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
	if (d->conf.listen_fd > 0)
		opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET,
			d->conf.listen_fd, NULL };
	else
		opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
			&d->conf.addr };
	if (threads > 1)
		opts[i++] =
		    (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
			    threads, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK,
		(intptr_t)on_uri, d };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
		(intptr_t)on_done, d };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
		(intptr_t)on_conn, d };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
		d->conf.timeout, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
		d->conf.max_connections, NULL };
	if (d->conf.per_ip_connections > 0)
		opts[i++] =
		    (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			    d->conf.per_ip_connections, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(intptr_t)memlimit, NULL };
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE,
		1024, NULL };
	if (d->conf.tls_cert != NULL && d->conf.tls_cert[0] != '\0') {
		if (tc_dtls_load(&d->tls, d->conf.tls_cert, d->conf.tls_key,
			err, errlen) != 0)
			return -1;
		d->tls_on = 1;
	} else if (d->tls.cur != NULL)
		d->tls_on = 1; /* a pair given by tc_daemon_tls_pem */
	if (d->tls_on) {
		flags |= MHD_USE_TLS;
		i += tc_dtls_options(&d->tls, opts + i);
	}
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* The logger must come first to catch the messages of start-up. */
	d->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, d,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, d, MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
	if (d->mhd == NULL) {
		snprintf(err, errlen,
		    "cannot serve on %s (address in use, not local, or the TLS files are not a certificate and its key)",
		    d->conf.listen);
		return -1;
	}
	di = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
	d->port = di != NULL ? di->port : 0;
	return 0;
}

void
tc_daemon_stop(struct tc_daemon *d)
{
	if (d->mhd != NULL)
		MHD_stop_daemon(d->mhd);
	d->mhd = NULL;
	tc_dtls_shutdown(&d->tls);
}
