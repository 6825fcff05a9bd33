/* SPDX-License-Identifier: MIT */
/*
 * The daemon layer (libtcardd.a): what every talentcard HTTP daemon
 * shares, on libmicrohttpd. A daemon declares a route table (methods and
 * a path pattern with {name} segments and an optional trailing "*", each
 * to a handler taking (daemon, request, response)), fills a struct
 * tc_daemon_conf (listener, limits, TLS files, hooks that count and log a
 * finished request) and calls tc_daemon_start; the layer owns the
 * listener, TLS with certificate reload (daemon/tls.c), per-connection
 * slots and per-request state, the framing, path, query and body checks
 * made before a handler runs, the JSON error answers and the security
 * headers (daemon/http.c), the routing (daemon/route.c), the signals
 * (daemon/signals.c), the request metrics (daemon/metrics.c) and the JSON
 * log (daemon/log.c). Its state is
 * in struct tc_daemon, passed to every handler: no global.
 *
 * The HTTP side of the layer is reached through this header; the
 * configuration reader and the state directory, which need nothing of
 * libmicrohttpd, through daemon/dconf.h and daemon/dstate.h. The daemons
 * using it: tcard-verifierd (verifier/). Reference: docs/decisions.md
 * ("Daemon plumbing as a library layer"), docs/verifierd.md.
 */
#ifndef TCARD_DAEMON_H
#define TCARD_DAEMON_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "tcard/buf.h"

struct MHD_Connection;
struct tc_daemon;
struct tc_dreq;
struct tc_dresp;

/* Methods of a route (a mask). HEAD goes wherever GET does. */
#define TC_DM_GET  0x1u
#define TC_DM_POST 0x2u
#define TC_DM_PUT  0x4u
#define TC_DM_DEL  0x8u
#define TC_DM_ANY  0xfu

/* A handler fills *resp (or suspends the connection, resp->suspended). */
typedef void tc_dhandler(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp);

/*
 * One route. pattern: a path whose segments are literal, or "{name}" (one
 * non-empty segment, without '/', given to the handler by name through
 * tc_dreq_param), and whose last segment may be "*" (the rest of the
 * path, '/' included and possibly empty: tc_dreq_tail). The first route
 * whose pattern matches the path and whose methods include the request's
 * is taken; a path that matches only routes of other methods (or those
 * first, then a catch-all) is answered 405 with Allow made from those, a path that matches none 404
 * with the list of the routes' patterns. ep is the daemon's endpoint
 * number for its metrics and log; body_max bounds a request's body
 * (0: the daemon's max_body).
 */
struct tc_droute {
	unsigned methods;
	const char *pattern;
	tc_dhandler *fn;
	int ep;
	size_t body_max;
};

#define TC_DPARAMS_MAX 4 /* {name} segments of a pattern */

/*
 * A request as handlers see it. It is made in the first callback of
 * libmicrohttpd and freed after its answer (or when libmicrohttpd drops
 * it), after the finish hook.
 */
struct tc_dreq {
	struct tc_daemon *d;
	struct MHD_Connection *mhd; /* for suspend and resume */
	uint64_t t0;	   /* tc_daemon_mono_ns at the first callback */
	char *uri;	   /* raw request target, NUL-terminated (copy) */
	const char *query; /* inside uri after '?', or NULL */
	size_t querylen;
	/* Refused in the URI callback: answered at the first access call. */
	unsigned refuse_status;
	const char *refuse_code, *refuse_msg; /* static strings */
	struct tc_dconn *conn; /* its connection's slot, or NULL */
	int seen;	       /* the access handler ran once */
	int method_get, method_post, method_head, method_put, method_delete;
	struct tc_buf body;
	int body_too_large;
	char client[64]; /* address text */
	uint8_t client_key[16];
	size_t client_keylen;
	/* The route taken (NULL: none), and what its pattern captured. */
	const struct tc_droute *route;
	unsigned allowed; /* no route: the methods the path has (TC_DM_*) */
	size_t body_max;  /* the route's bound of the body */
	const char *param_name[TC_DPARAMS_MAX];
	char *param_val[TC_DPARAMS_MAX]; /* copies */
	size_t nparams;
	const char *tail; /* what "*" matched (inside path), or NULL */
	/* For the log and metrics (the daemon's own numbers). */
	int ep;
	int result;
	unsigned status;
	size_t bytes;
	char subject[20]; /* a masked subject for the log (card number), "" */
	char *path;	  /* the routed path (a copy of MHD's url) */
	/* A long-poll parked (MHD_suspend_connection) until this time. */
	uint64_t park_until_ns;
	void *app; /* the daemon's per-request state, NULL (its to free) */
};

/* A response under construction. */
struct tc_dresp {
	unsigned status;
	const char *ctype;
	struct tc_buf body;
	const void *fixed; /* when set, sent instead of body (static) */
	size_t fixedlen;
	int fd; /* when >= 0, its fdlen bytes are sent (closed) */
	size_t fdlen;
	const char *cache; /* Cache-Control, NULL: no-store */
	const char *etag;
	char retry_after[16];
	const char *allow;
	const char *www_auth; /* WWW-Authenticate of a 401 */
	int html_security;    /* add the page's CSP headers */
	/* With html_security: this policy; NULL: the lookup page's. */
	const char *csp;
	const char *location; /* Location of a redirect */
	int close;	      /* Connection: close (bad framing) */
	int suspended;	      /* the handler suspended the connection */
	int result;
	int result_error; /* the daemon's error result (tc_dresp_checked) */
	/* Set-Cookie and Content-Disposition, or "" (copied when queued). */
	char set_cookie[256];
	char set_cookie2[256]; /* a second Set-Cookie, or "" */
	char disposition[320];
};

/*
 * The daemon's results the layer itself gives a request (its refusals and
 * its own answers), in the daemon's numbering.
 */
struct tc_dresults {
	int ok, bad_request, too_large, not_found, method, error;
};

/* What a daemon hands the layer. Strings are the caller's, kept. */
struct tc_daemon_conf {
	struct sockaddr_storage addr; /* where to listen (resolved) */
	socklen_t addrlen;
	/* > 0: serve on this inherited, listening socket instead of addr. */
	int listen_fd;
	const char *listen; /* the same as text, for messages */
	unsigned threads;   /* 0: four per core, at most 64 */
	unsigned timeout;   /* idle seconds before a close */
	unsigned max_connections;
	unsigned per_ip_connections; /* 0: no per-address limit */
	unsigned max_body;	     /* bytes of a request body */
	unsigned max_query;	     /* bytes of a query string */
	const char *tls_cert;	     /* PEM files; NULL or "": plain HTTP */
	const char *tls_key;
	const struct tc_droute *routes;
	size_t nroutes;
	int ep_other;		   /* the endpoint of an unrouted request */
	const char *not_found_msg; /* NULL: made from the routes */
	struct tc_dresults results;
	void *app; /* the daemon's state: tc_daemon_app */
	/*
	 * Called once for every request, answered or dropped, before it is
	 * freed (count it, log it). ns: its time since the first callback.
	 */
	void (*finish)(struct tc_daemon *d, struct tc_dreq *rq, uint64_t ns);
	/* A message of libmicrohttpd (rate-limit it, log it); may be NULL. */
	void (*http_log)(struct tc_daemon *d, const char *msg);
};

/* ---- the daemon (http.c) ---- */

/*
 * Makes a daemon from conf (copied) without starting it. Returns 0 with
 * *out, or -1 (out of memory).
 */
int tc_daemon_new(struct tc_daemon **out, const struct tc_daemon_conf *conf);
/* Stops the daemon when started and frees it (NULL is fine). */
void tc_daemon_free(struct tc_daemon *d);
/*
 * Loads the TLS pair when configured and starts serving. Returns 0, or -1
 * with err (the address in use, not local, bad TLS files).
 */
int tc_daemon_start(struct tc_daemon *d, char *err, size_t errlen);
/* Stops serving (open connections are closed); TLS pairs are freed. */
void tc_daemon_stop(struct tc_daemon *d);
/* The port bound (when conf asked for port 0), 0 before start. */
unsigned tc_daemon_port(const struct tc_daemon *d);
/* conf.app. */
void *tc_daemon_app(const struct tc_daemon *d);
/* 1 when the daemon serves HTTPS. */
int tc_daemon_tls(const struct tc_daemon *d);
/*
 * SIGHUP: reads tls-cert and tls-key again; new connections get the new
 * pair, connections already open keep theirs. Returns 0 (nothing to do
 * without TLS, or with a pair given by tc_daemon_tls_pem), or -1 with
 * err (the pair in use stays).
 */
int tc_daemon_tls_reload(struct tc_daemon *d, char *err, size_t errlen);
/*
 * The TLS pair as PEM bytes instead of files (a process that may not open
 * them gets them from one that may). Before tc_daemon_start: the daemon
 * will serve HTTPS with this pair (conf.tls_cert and tls_key stay NULL);
 * after: replaces the pair as tc_daemon_tls_reload does (new connections
 * get it). The bytes are the caller's, who wipes them: GnuTLS keeps its
 * own copy. Returns 0, or -1 with err (not a certificate and its key,
 * over 1 MiB, or a daemon already serving plain HTTP); the pair in use
 * then stays.
 */
int tc_daemon_tls_pem(struct tc_daemon *d, const void *cert, size_t clen,
    const void *key, size_t klen, char *err, size_t errlen);
/*
 * Client certificates (daemon/tls.c): from now on the TLS handshakes of
 * the daemon ask the client for a certificate (they do not require one:
 * a client without one connects as before), and tc_dreq_client_cert
 * checks the certificate a request's connection gave against ca (PEM,
 * one or more CA certificates, calen bytes) and the revoked serials in
 * revoked (rlen bytes of text, may be NULL: a line per certificate, its
 * serial in hex, "serial=" and ':' between bytes allowed, as `openssl
 * x509 -noout -serial` prints it; '#' starts a comment; blank lines are
 * skipped). Replaces what an earlier call set; ca NULL asks for nothing
 * more. The bytes stay the caller's. Returns 0, or -1 with err (not a
 * certificate, a bad line of revoked named by number); what was set
 * before then stays.
 */
int tc_daemon_tls_client_ca(struct tc_daemon *d, const void *ca, size_t calen,
    const char *revoked, size_t rlen, char *err, size_t errlen);
/*
 * The client certificate of rq's connection, checked: issued by the CA of
 * tc_daemon_tls_client_ca (a chain up to it), valid now (not expired, not
 * before its start), fit for a TLS client when it says what it is for,
 * not revoked. Returns 0 with its subject's common name in cn (cnlen
 * bytes with the NUL), or -1 with err saying which (plain HTTP, no client
 * CA set, no certificate, not issued by the CA, expired, revoked, ...).
 */
int tc_dreq_client_cert(
    const struct tc_dreq *rq, char *cn, size_t cnlen, char *err, size_t errlen);
/* Monotonic nanoseconds. */
uint64_t tc_daemon_mono_ns(void);

/* ---- request metrics (metrics.c) ---- */

struct tc_dmetrics;

/*
 * Counters of requests by endpoint and result and latency histograms by
 * endpoint, for the daemon's endpoints 0..nep-1 and results 0..nres-1
 * (the name arrays are kept, not copied). Returns 0 or -1 (memory).
 */
int tc_dmetrics_new(struct tc_dmetrics **out, const char *const *ep_names,
    size_t nep, const char *const *res_names, size_t nres);
void tc_dmetrics_free(struct tc_dmetrics *m);
/*
 * Counts a request of endpoint e with result r that took ns (an endpoint
 * or result out of range counts as other_ep or error_res). Lock-free.
 */
void tc_dmetrics_count(struct tc_dmetrics *m, size_t e, size_t r,
    size_t other_ep, size_t error_res, uint64_t ns);
/*
 * Appends tcard_requests_total and tcard_request_duration_seconds in the
 * Prometheus text format to out. Returns 0, or -1 when out is full.
 */
int tc_dmetrics_render(const struct tc_dmetrics *m, struct tc_buf *out);

/* ---- the JSON log (log.c) ---- */

struct tc_dlog;

/* Lines that pass a rate limit (tc_dlog_limit). */
enum tc_dlog_limit { TC_DLOG_HTTP, TC_DLOG_ABORTED, TC_DLOG_LIMIT_COUNT };

/*
 * Opens the log: dest "-" (standard error), "off" (events on standard
 * error, no request lines) or a file (appended, made 0640). Lines carry
 * the real time plus clock_offset. Returns 0 with *out, or -1 with err.
 */
int tc_dlog_open(struct tc_dlog **out, const char *dest, time_t clock_offset,
    char *err, size_t errlen);
/* Starts the thread that writes waiting request lines every 100 ms. */
int tc_dlog_start(struct tc_dlog *L);
/* Stops it and writes every line still waiting. */
void tc_dlog_stop(struct tc_dlog *L);
/* Reopens a log file (rotation, SIGHUP); 0 or -1. */
int tc_dlog_reopen(struct tc_dlog *L);
/* Stops, writes what waits and frees (NULL is fine). */
void tc_dlog_close(struct tc_dlog *L);
/*
 * One request line (gathered per thread); subject may be "" or NULL.
 * Every tc_dlog function takes a NULL log and does nothing with it.
 */
void tc_dlog_request(struct tc_dlog *L, const char *client, const char *method,
    const char *path, const char *endpoint, unsigned status, const char *result,
    uint64_t ns, size_t bytes, const char *subject);
/* An event line: {"ts", "event", "level", "message"}, written at once. */
void tc_dlog_event(struct tc_dlog *L, const char *event, const char *level,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void tc_dlog_eventv(struct tc_dlog *L, const char *event, const char *level,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/*
 * 1 when a line of this kind may be written at now_ns (monotonic), 0 when
 * it is over the kind's rate (10 a second, bursts of 100) and must be
 * dropped (it is counted, and a "log-limited" event says how many).
 */
int tc_dlog_limit(struct tc_dlog *L, enum tc_dlog_limit kind, uint64_t now_ns);
/* Lines of this kind dropped since start. */
unsigned long tc_dlog_limited(struct tc_dlog *L, enum tc_dlog_limit kind);
/* Appends v in decimal; 0 or -1 as tc_buf_put. */
int tc_json_put_uint(struct tc_buf *b, unsigned long long v);
/*
 * Writes t as "2026-11-21T04:00:00Z" (offset 0) or
 * "2026-11-21T12:00:00+08:00" (offset 28800, the only other one used).
 */
void tc_daemon_iso_time(int64_t t, int offset, char out[32] /* OUT */);

/* ---- signals (signals.c) ---- */

/*
 * Ignores SIGPIPE and blocks SIGHUP, SIGTERM and SIGINT into *set; call
 * it before any thread starts, so that every thread inherits the mask.
 */
void tc_daemon_signals_block(sigset_t *set /* OUT */);
/*
 * Waits for the signals of set on the calling thread: on SIGHUP calls
 * on_hup(arg) (may be NULL) and waits again; returns the signal that
 * stops the daemon (SIGTERM or SIGINT).
 */
int tc_daemon_signals_wait(
    const sigset_t *set, void (*on_hup)(void *arg), void *arg);

/* ---- requests and responses (http.c) ---- */

/* Request header value or NULL. */
const char *tc_dreq_header(const struct tc_dreq *rq, const char *name);
/* The value a {name} segment of the route captured, or NULL. */
const char *tc_dreq_param(const struct tc_dreq *rq, const char *name);
/*
 * The number a {name} segment captured: decimal, from 1, at most 15 digits
 * (an application, an attachment); 0 for anything else or no segment.
 */
int64_t tc_dreq_param_number(const struct tc_dreq *rq, const char *name);
/* What a trailing "*" matched, or NULL. */
const char *tc_dreq_tail(const struct tc_dreq *rq);

/* An empty 200 application/json answer, result ok. */
void tc_dresp_init(struct tc_daemon *d, struct tc_dresp *r);
/* A JSON error {"error": code, "message": msg}. */
void tc_dresp_error(struct tc_dresp *r, unsigned status, int res,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/*
 * Checked writes: when bad is not 0 (the OR of the put results that
 * wrote r's body), replaces the answer with a 500 JSON error "internal"
 * (the daemon's error result), never a half-written body. Returns bad.
 */
int tc_dresp_checked(struct tc_dresp *r, int bad);
/* A fixed body (static storage). */
void tc_dresp_fixed(struct tc_dresp *r, unsigned status, int res,
    const char *ctype, const void *body, size_t len);
/* The 404 of an unrouted path (the routes' list, or not_found_msg). */
void tc_dresp_not_found(struct tc_daemon *d, struct tc_dresp *r);
/* 500 "internal", "out of memory" (the daemon's error result). */
void tc_dresp_nomem(struct tc_daemon *d, struct tc_dresp *r);
/*
 * For a handler that takes a JSON body: 1 when the request's Content-Type
 * is application/json (parameters allowed), else 0 with r filled: 415
 * "unsupported-media-type" (the daemon's bad-request result).
 */
int tc_dreq_json(
    struct tc_daemon *d, const struct tc_dreq *rq, struct tc_dresp *r);
/*
 * The answer to a body its parser refused with code (a TC_ERR_*) and msg:
 * 413 with the daemon's too-large result for TC_ERR_TOO_LARGE, else 400
 * with its bad-request result; the error is "bad-encoding" for
 * TC_ERR_BAD_ENCODING, else "bad-json".
 */
void tc_dresp_bad_body(
    struct tc_daemon *d, struct tc_dresp *r, int code, const char *msg);
/* Appends s to out as a JSON string (quotes included), at most max bytes. */
int tc_json_put_str(struct tc_buf *out, const char *s, size_t max);

/* ---- routing (route.c) ---- */

/*
 * Matches path against pattern (see struct tc_droute). Returns 1 with the
 * captures (names point into pattern; values are copies, to free with
 * tc_droute_captures_free) and *tail (inside path, or NULL), 0 for no
 * match, -1 out of memory or more than TC_DPARAMS_MAX captures.
 */
int tc_droute_match(const char *pattern, const char *path,
    const char *names[TC_DPARAMS_MAX], char *vals[TC_DPARAMS_MAX],
    size_t *n /* OUT */, const char **tail /* OUT */);
void tc_droute_captures_free(char *vals[TC_DPARAMS_MAX], size_t n);
/*
 * Finds the route of method (TC_DM_*) on path in routes. Returns it with
 * its captures in rq, or NULL with *allowed the mask of methods the path
 * has (0: no route has this path).
 */
const struct tc_droute *tc_droute_find(const struct tc_droute *routes,
    size_t nroutes, unsigned method, const char *path, struct tc_dreq *rq,
    unsigned *allowed /* OUT */);
/* Writes "GET, HEAD, POST" for a mask into buf. */
const char *tc_droute_allow(unsigned mask, char *buf, size_t len);

#endif
