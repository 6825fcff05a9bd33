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
 * writes its log line. The access handler returns MHD_YES on its first
 * call and answers on a later one, after the body: answering on the very
 * first call loses keep-alive in libmicrohttpd 0.9.75 (measured; see
 * docs/performance.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"
#include "vd.h"

#define DISCARD_FACTOR 16 /* a body this many times max-body closes */

/* The page's headers: nothing loaded from anywhere, no framing. */
#define PAGE_CSP                                                               \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "       \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

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

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct vd_req *rq;
	size_t len = strlen(uri);
	char *q;

	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	rq->t0 = vd_mono_ns();
	rq->ep = VD_EP_OTHER;
	rq->result = VD_R_ERROR;
	if (len > (size_t)vd->conf.max_query + 1024) {
		rq->uri_too_long = 1;
		len = 0;
	}
	if ((rq->uri = malloc(len + 1)) == NULL) {
		free(rq);
		return NULL;
	}
	memcpy(rq->uri, uri, len);
	rq->uri[len] = '\0';
	if ((q = strchr(rq->uri, '?')) != NULL) {
		rq->query = q + 1;
		rq->querylen = strlen(q + 1);
		if (rq->querylen > vd->conf.max_query)
			rq->uri_too_long = 1;
	}
	client_of(c, rq);
	return rq;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct vd_req *rq = *con_cls;
	uint64_t ns;

	if (rq == NULL)
		return;
	ns = vd_mono_ns() - rq->t0;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0) {
		/* Timed out, closed, or refused before an answer. */
		rq->status = 0;
		rq->result = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED
		    ? VD_R_BAD_REQUEST
		    : VD_R_ERROR;
	}
	vd_metrics_count(rq->ep, rq->result, ns);
	vd_log_request(rq->client,
	    rq->method_post	  ? "POST"
		: rq->method_head ? "HEAD"
		: rq->method_get  ? "GET"
				  : "OTHER",
	    rq->path != NULL ? rq->path : "", rq->ep, rq->status, rq->result,
	    ns, rq->bytes, rq->card);
	tc_buf_release(&rq->body);
	free(rq->path);
	/* The query string may hold a name and an ID number. */
	OPENSSL_cleanse(rq->uri, strlen(rq->uri));
	free(rq->uri);
	free(rq);
	*con_cls = NULL;
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
		ok = queue(c, rq, &resp, -1, 0);
		return ok;
	} else
		vd_resp_error(&resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s",
		    "no such endpoint (see /lookup, /v1/lookup, /v1/verify, "
		    "/v1/services/SERVICE/redeem, /v1/trust, "
		    "/v1/revocations, /healthz, /metrics)");
	if (resp.suspended) {
		/* A long-poll: answered when resumed (vd-reader.c). */
		tc_buf_release(&resp.body);
		return MHD_YES;
	}
	ok = queue(c, rq, &resp, fd, fdlen);
	tc_buf_release(&resp.body);
	return ok;
}

static enum MHD_Result
refuse_now(struct MHD_Connection *c, struct vd_req *rq, unsigned status,
    enum vd_result res, const char *code, const char *msg)
{
	struct vd_resp resp;
	enum MHD_Result ok;

	vd_resp_init(&resp);
	vd_resp_error(&resp, status, res, code, "%s", msg);
	ok = queue(c, rq, &resp, -1, 0);
	tc_buf_release(&resp.body);
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct vd_req *rq = *con_cls;
	const char *cl;
	char *end;
	unsigned long long n;

	if (rq == NULL)
		return MHD_NO; /* out of memory in on_uri */
	if (!rq->seen) {
		rq->seen = 1;
		rq->method_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
		rq->method_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		rq->method_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
		rq->path = strndup(url, 256);
		if (rq->uri_too_long)
			return refuse_now(c, rq, MHD_HTTP_URI_TOO_LONG,
			    VD_R_TOO_LARGE, "too-large",
			    "the query string is longer than max-query");
		if (!rq->method_get && !rq->method_head && !rq->method_post)
			return refuse_now(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			    VD_R_METHOD, "method-not-allowed",
			    "only GET, HEAD and POST");
		if (rq->method_post) {
			cl = vd_req_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
			if (cl != NULL) {
				errno = 0;
				n = strtoull(cl, &end, 10);
				if (errno != 0 || *end != '\0' ||
				    n > vd->conf.max_body)
					return refuse_now(c, rq,
					    MHD_HTTP_CONTENT_TOO_LARGE,
					    VD_R_TOO_LARGE, "too-large",
					    "the body is longer than "
					    "max-body");
			}
			tc_buf_init(&rq->body, vd->conf.max_body);
		}
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

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	vd_log_event("http", "warning", "%s", msg);
}

/* Reads a PEM file for TLS; the key must not be readable by others. */
static char *
read_pem(const char *path, int secret, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 1024 * 1024) {
		snprintf(
		    err, errlen, "%s: not a regular file under 1 MiB", path);
		goto fail;
	}
	if (secret && (st.st_mode & 077) != 0) {
		snprintf(err, errlen,
		    "%s: group or others may read this private key (mode "
		    "%03o); chmod 600 it",
		    path, (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	if ((buf = calloc(1, (size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static struct MHD_Daemon *mhd;
static char *tls_cert, *tls_key;

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
	 * line (with its query string) and ordinary headers, and no bigger,
	 * as clearing it is a measurable part of a small request's cost.
	 */
	size_t memlimit = 8 * 1024 + (size_t)vd->conf.max_query;
	struct MHD_OptionItem opts[16];
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
		if ((tls_cert = read_pem(vd->conf.tls_cert, 0, err, errlen)) ==
			NULL ||
		    (tls_key = read_pem(vd->conf.tls_key, 1, err, errlen)) ==
			NULL)
			return -1;
		flags |= MHD_USE_TLS;
		opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY,
			0, tls_key };
		opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT,
			0, tls_cert };
	}
	opts[i++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* The logger must come first to catch the messages of start-up. */
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		snprintf(err, errlen,
		    "cannot serve on %s (address in use, not local, or the "
		    "TLS files are not a certificate and its key)",
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
	if (tls_key != NULL)
		tc_wipe_free(tls_key, strlen(tls_key));
	free(tls_cert);
	tls_key = tls_cert = NULL;
}
