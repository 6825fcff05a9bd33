/* SPDX-License-Identifier: MIT */
/*
 * Printing card faces through CUPS (include/tcard/printjob.h): the reader
 * of a station's printer settings (a server and a queue, outside input,
 * fuzzed by tests/fuzz/fuzz_printjob.c), then three IPP operations on
 * libcups, each on a connection of its own: Print-Job with the PDF as its
 * document, Get-Job-Attributes with Get-Printer-Attributes, and Cancel-Job.
 * Print-Job rather than Create-Job and Send-Document: one request, so a
 * connection lost half-way leaves no empty job held on the server; and
 * httpConnect2() rather than cupsSetServer(), which is the process's (the
 * thread's) setting. libcups parses the server's IPP answers; this file
 * only copies the attributes it asks for. docs/printing.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cups/cups.h>

#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/printjob.h"

/* The longest local socket path (struct sockaddr_un's sun_path, less 1). */
#define SOCKET_PATH_MAX 107u
/* The longest IPv6 address in text, "ffff:...:255.255.255.255". */
#define V6_TEXT_MAX 45u
/* The bytes of the PDF sent in one write. */
#define WRITE_CHUNK 65536u

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
host_byte(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

static int
v6_byte(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* What cupsd's validate_name() takes in a printer's name. */
static int
queue_byte(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '/' && c != '\\' && c != '?' &&
	    c != '#' && c != '\'' && c != '"';
}

/* s is what follows the ':' of "HOST:PORT" (at offset off of server). */
static int
parse_port(const char *s, size_t off, int *port, char *err, size_t errlen)
{
	size_t n = strspn(s, "0123456789");
	long v = 0;
	size_t i;

	if (n == 0 || s[n] != '\0' || n > 5 || s[0] == '0')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "server: byte %zu: the port is 1 to 65535 in decimal, without sign or leading zero",
		    off + 1);
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v > 65535)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "server: byte %zu: port %ld is over 65535", off + 1, v);
	*port = (int)v;
	return 0;
}

/* "/PATH": a local socket, printable ASCII. */
static int
parse_socket(struct tc_printq *q, const char *s, char *err, size_t errlen)
{
	size_t i, n = strlen(s);

	if (n > SOCKET_PATH_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "server: a socket path is at most %u bytes",
		    SOCKET_PATH_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "server: byte %zu of the socket path is not printable ASCII",
			    i + 1);
	memcpy(q->host, s, n + 1);
	q->port = 0;
	return 0;
}

/* "[IPV6]" or "[IPV6]:PORT". */
static int
parse_v6(struct tc_printq *q, const char *s, char *err, size_t errlen)
{
	const char *end = strchr(s, ']');
	size_t i, n;

	if (end == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "server: '[' without its ']'");
	n = (size_t)(end - s - 1);
	if (n == 0 || n > V6_TEXT_MAX || memchr(s + 1, ':', n) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "server: the brackets hold no IPv6 address");
	for (i = 1; i <= n; i++)
		if (!v6_byte((unsigned char)s[i]))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "server: byte %zu is not allowed in an IPv6 address",
			    i + 1);
	memcpy(q->host, s + 1, n);
	q->host[n] = '\0';
	q->port = TC_PRINTQ_PORT;
	if (end[1] == '\0')
		return 0;
	if (end[1] != ':')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "server: byte %zu: ':' or the end after ']'", n + 3);
	return parse_port(end + 2, n + 3, &q->port, err, errlen);
}

/* "HOST" or "HOST:PORT". */
static int
parse_host(struct tc_printq *q, const char *s, char *err, size_t errlen)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ':') {
		if (!host_byte((unsigned char)s[n]))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "server: byte %zu is not allowed in a host name",
			    n + 1);
		n++;
	}
	if (n == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "server: no host name");
	if (n >= TC_PRINTQ_HOST_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "server: a host name is at most %u bytes",
		    TC_PRINTQ_HOST_MAX - 1);
	memcpy(q->host, s, n);
	q->host[n] = '\0';
	q->port = TC_PRINTQ_PORT;
	if (s[n] == '\0')
		return 0;
	return parse_port(s + n + 1, n + 1, &q->port, err, errlen);
}

static int
parse_queue(struct tc_printq *q, const char *s, char *err, size_t errlen)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED, "queue: empty");
	if (n >= TC_PRINTQ_QUEUE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "queue: a name is at most %u bytes",
		    TC_PRINTQ_QUEUE_MAX - 1);
	for (i = 0; i < n; i++)
		if (!queue_byte((unsigned char)s[i]))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "queue: byte %zu is not allowed in a CUPS queue name",
			    i + 1);
	memcpy(q->queue, s, n + 1);
	return 0;
}

int
tc_printq_parse(struct tc_printq *q, const char *server, const char *queue,
    char *err, size_t errlen)
{
	int r;

	if (q == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no queue");
	memset(q, 0, sizeof(*q));
	if (server == NULL || queue == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no server or no queue");
	if (server[0] == '/')
		r = parse_socket(q, server, err, errlen);
	else if (server[0] == '[')
		r = parse_v6(q, server, err, errlen);
	else
		r = parse_host(q, server, err, errlen);
	if (r == 0)
		r = parse_queue(q, queue, err, errlen);
	if (r != 0) {
		memset(q, 0, sizeof(*q));
		return r;
	}
	q->timeout_ms = 30000;
	return 0;
}

void
tc_printq_server(const struct tc_printq *q, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (q->port == 0)
		snprintf(out, outlen, "%s", q->host);
	else if (strchr(q->host, ':') != NULL)
		snprintf(out, outlen, "[%s]:%d", q->host, q->port);
	else
		snprintf(out, outlen, "%s:%d", q->host, q->port);
}

const char *
tc_printjob_state_name(int state)
{
	static const char *const names[] = { "pending", "held", "processing",
		"stopped", "canceled", "aborted", "completed" };

	if (state < TC_PRINTJOB_PENDING || state > TC_PRINTJOB_COMPLETED)
		return "unknown";
	return names[state - TC_PRINTJOB_PENDING];
}

const char *
tc_printq_state_name(int state)
{
	static const char *const names[] = { "idle", "processing", "stopped" };

	if (state < TC_PRINTQ_IDLE || state > TC_PRINTQ_STOPPED)
		return "unknown";
	return names[state - TC_PRINTQ_IDLE];
}

/*
 * libcups asks its password callback when a server wants a password; the
 * default one prompts on the terminal. A library asks no one: the callback
 * (the calling thread's setting) says there is none, so the request fails
 * with TC_ERR_FORBIDDEN.
 */
static const char *
no_password(const char *prompt, http_t *http, const char *method,
    const char *resource, void *data)
{
	return NULL;
}

/*
 * Why a connection failed. libcups tries each address of the host and says
 * EHOSTDOWN when none accepted: "Host is down" would mislead (the usual
 * cause is a server not running, connection refused).
 */
static const char *
connect_failure(int e)
{
	if (e == EHOSTDOWN)
		return "nothing accepted the connection";
	if (e == ETIMEDOUT)
		return "no answer in time";
	return e != 0 ? strerror(e) : "no answer";
}

/* Why a request got no answer: the socket's error, else libcups' words. */
static const char *
lost_reason(http_t *http)
{
	const char *s = cupsLastErrorString();

	if (httpError(http) != 0)
		return connect_failure(httpError(http));
	return s != NULL && s[0] != '\0' ? s : "no answer";
}

/*
 * One connection to q's server, or NULL with *r and err set. httpConnect2()
 * with no time resolves the name only; httpReconnect2() then connects and
 * keeps the reason of a failure (httpConnect2 would lose it closing). The
 * timeout bounds the connection and then each wait for an answer (libcups
 * gives up when its callback is NULL).
 */
static http_t *
open_server(const struct tc_printq *q, int *r, char *err, size_t errlen)
{
	char where[TC_PRINTQ_HOST_MAX + 16];
	http_t *http;
	int e;

	cupsSetPasswordCB2(no_password, NULL);
	tc_printq_server(q, where, sizeof(where));
	http = httpConnect2(q->host, q->port != 0 ? q->port : TC_PRINTQ_PORT,
	    NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 0, NULL);
	if (http == NULL) {
		*r = tc_seterr(err, errlen, TC_ERR_IO,
		    "cannot reach the CUPS server %s: no address for %s", where,
		    q->host);
		return NULL;
	}
	if (httpReconnect2(http, q->timeout_ms, NULL) != 0) {
		e = httpError(http);
		*r = tc_seterr(err, errlen, TC_ERR_IO,
		    "cannot reach the CUPS server %s: %s", where,
		    connect_failure(e));
		httpClose(http);
		return NULL;
	}
	httpSetTimeout(http, q->timeout_ms / 1000.0, NULL, NULL);
	return http;
}

/*
 * The URI "ipp://localhost:PORT" and path (encoded), and its resource (the
 * encoded path, where the request is posted). cupsd reads the path only.
 */
static void
make_uri(const struct tc_printq *q, const char *path, char *uri, size_t urilen,
    char *res, size_t reslen)
{
	char scheme[8], user[8], host[64];
	int port;

	httpAssembleURI(HTTP_URI_CODING_ALL, uri, (int)urilen, "ipp", NULL,
	    "localhost", q->port != 0 ? q->port : TC_PRINTQ_PORT, path);
	httpSeparateURI(HTTP_URI_CODING_NONE, uri, scheme, sizeof(scheme), user,
	    sizeof(user), host, sizeof(host), &port, res, (int)reslen);
}

/* A request with what every one carries: the target and the user. */
static ipp_t *
new_request(ipp_op_t op, const char *target, const char *uri)
{
	ipp_t *req = ippNewRequest(op);

	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, target, NULL, uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME,
	    "requesting-user-name", NULL, cupsUser());
	return req;
}

/* The TC_ERR_* of an IPP error status that is the server's answer. */
static int
ipp_code(ipp_status_t s)
{
	switch (s) {
	case IPP_STATUS_ERROR_NOT_FOUND:
		return TC_ERR_NOT_FOUND;
	case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
	case IPP_STATUS_ERROR_NOT_POSSIBLE:
		return TC_ERR_STATE;
	case IPP_STATUS_ERROR_FORBIDDEN:
	case IPP_STATUS_ERROR_NOT_AUTHENTICATED:
	case IPP_STATUS_ERROR_NOT_AUTHORIZED:
	case IPP_STATUS_ERROR_CUPS_AUTHENTICATION_CANCELED:
		return TC_ERR_FORBIDDEN;
	case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED:
		return TC_ERR_UNSUPPORTED;
	default:
		return TC_ERR_POLICY;
	}
}

/* What a request is for, in messages, and what "not found" means. */
struct op_words {
	const char *what;     /* "print job", "job 12", "cancel job 12" */
	const char *notfound; /* "has no queue \"card\"" */
};

/*
 * Sends req (freed here) to resource on http, followed by the len bytes of
 * body (NULL: none; the HTTP length counts both), and returns the server's
 * successful answer, or NULL with *r and err set: TC_ERR_IO when the
 * connection failed or timed out (libcups says service-unavailable or
 * internal error), else the code of the server's IPP or HTTP error status.
 */
static ipp_t *
exchange(http_t *http, const struct tc_printq *q, ipp_t *req,
    const char *resource, const uint8_t *body, size_t len,
    const struct op_words *w, int *r, char *err, size_t errlen)
{
	char where[TC_PRINTQ_HOST_MAX + 16];
	ipp_t *resp = NULL;
	http_status_t hs;
	ipp_status_t st;
	size_t off = 0, n;

	hs = cupsSendRequest(
	    http, req, resource, ippLength(req) + (body != NULL ? len : 0));
	while (hs == HTTP_STATUS_CONTINUE && body != NULL && off < len) {
		n = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;
		hs = cupsWriteRequestData(http, (const char *)body + off, n);
		off += n;
	}
	if (hs == HTTP_STATUS_CONTINUE)
		resp = cupsGetResponse(http, resource);
	ippDelete(req);
	st = resp != NULL ? ippGetStatusCode(resp) : cupsLastError();
	if (resp != NULL && st <= IPP_STATUS_OK_EVENTS_COMPLETE)
		return resp;
	ippDelete(resp);
	tc_printq_server(q, where, sizeof(where));
	if (st == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE ||
	    st == IPP_STATUS_ERROR_INTERNAL || st == IPP_STATUS_OK)
		*r = tc_seterr(err, errlen, TC_ERR_IO,
		    "%s: the connection to the CUPS server %s failed: %s",
		    w->what, where, lost_reason(http));
	else if (st == IPP_STATUS_ERROR_NOT_FOUND)
		*r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: the CUPS server %s %s", w->what, where, w->notfound);
	else
		*r = tc_seterr(err, errlen, ipp_code(st),
		    "%s: the CUPS server %s refused it (queue \"%s\"): %s",
		    w->what, where, q->queue, cupsLastErrorString());
	return NULL;
}

static int
check_document(const uint8_t *pdf, size_t len, char *err, size_t errlen)
{
	if (pdf == NULL || len == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "print job: no document");
	if (len > TC_PRINTJOB_PDF_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "print job: the document is over %u bytes",
		    TC_PRINTJOB_PDF_MAX);
	if (len < 5 || memcmp(pdf, "%PDF-", 5) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "print job: the document is not a PDF");
	return 0;
}

int
tc_printjob_submit(const struct tc_printq *q, const char *cardno,
    const uint8_t *pdf, size_t len, int *job_id, char *err, size_t errlen)
{
	char norm[17], grouped[20], title[32],
	    notfound[TC_PRINTQ_QUEUE_MAX + 16];
	char path[TC_PRINTQ_QUEUE_MAX + 16], uri[HTTP_MAX_URI],
	    res[HTTP_MAX_URI];
	struct op_words w = { "print job", notfound };
	ipp_attribute_t *a;
	http_t *http = NULL;
	ipp_t *req, *resp = NULL;
	int r = TC_ERR_INTERNAL;

	if (job_id == NULL || q == NULL || cardno == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "print job: no queue");
	*job_id = 0;
	if ((r = check_document(pdf, len, err, errlen)) != 0 ||
	    (r = tc_cardno_parse(cardno, NULL, NULL, norm, err, errlen)) != 0)
		return r;
	tc_cardno_group(norm, grouped);
	snprintf(title, sizeof(title), "card %s", grouped);
	snprintf(notfound, sizeof(notfound), "has no queue \"%s\"", q->queue);
	if ((http = open_server(q, &r, err, errlen)) == NULL)
		goto out;
	snprintf(path, sizeof(path), "/printers/%s", q->queue);
	make_uri(q, path, uri, sizeof(uri), res, sizeof(res));
	req = new_request(IPP_OP_PRINT_JOB, "printer-uri", uri);
	ippAddString(
	    req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, title);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE,
	    "document-format", NULL, "application/pdf");
	if ((resp = exchange(
		 http, q, req, res, pdf, len, &w, &r, err, errlen)) == NULL)
		goto out;
	a = ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER);
	if (a == NULL || ippGetInteger(a, 0) <= 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print job: the CUPS server answered without a job id");
		goto out;
	}
	*job_id = ippGetInteger(a, 0);
	r = 0;
out:
	ippDelete(resp);
	if (http != NULL)
		httpClose(http);
	return r;
}

/* Copies the values of the text or keyword attribute name, joined by ','. */
static void
copy_text(ipp_t *resp, const char *name, char *out, size_t outlen)
{
	ipp_attribute_t *a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
	size_t used = 0;
	const char *v;
	int i, n;

	out[0] = '\0';
	n = a != NULL ? ippGetCount(a) : 0;
	for (i = 0; i < n && used + 1 < outlen; i++) {
		if ((v = ippGetString(a, i, NULL)) == NULL)
			continue;
		used += (size_t)snprintf(
		    out + used, outlen - used, "%s%s", used > 0 ? "," : "", v);
	}
}

static int
get_integer(ipp_t *resp, const char *name, ipp_tag_t tag)
{
	ipp_attribute_t *a = ippFindAttribute(resp, name, tag);

	if (a == NULL)
		return 0;
	return tag == IPP_TAG_BOOLEAN ? ippGetBoolean(a, 0)
				      : ippGetInteger(a, 0);
}

/* Get-Job-Attributes: the job's state, reasons and message. */
static int
job_attributes(http_t *http, const struct tc_printq *q, int job_id,
    struct tc_printjob_status *st, char *err, size_t errlen)
{
	static const char *const want[] = { "job-name", "job-state",
		"job-state-reasons", "job-printer-state-message" };
	char what[48], notfound[48], path[32];
	char uri[HTTP_MAX_URI], res[HTTP_MAX_URI];
	struct op_words w = { what, notfound };
	ipp_t *req, *resp;
	int r = TC_ERR_INTERNAL;

	snprintf(what, sizeof(what), "job %d", job_id);
	snprintf(notfound, sizeof(notfound), "has no job %d", job_id);
	snprintf(path, sizeof(path), "/jobs/%d", job_id);
	make_uri(q, path, uri, sizeof(uri), res, sizeof(res));
	req = new_request(IPP_OP_GET_JOB_ATTRIBUTES, "job-uri", uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	    "requested-attributes", 3, NULL, want);
	if ((resp = exchange(
		 http, q, req, "/jobs/", NULL, 0, &w, &r, err, errlen)) == NULL)
		return r;
	st->job_id = job_id;
	copy_text(resp, "job-name", st->title, sizeof(st->title));
	st->state = get_integer(resp, "job-state", IPP_TAG_ENUM);
	copy_text(resp, "job-state-reasons", st->reasons, sizeof(st->reasons));
	copy_text(resp, "job-printer-state-message", st->job_message,
	    sizeof(st->job_message));
	ippDelete(resp);
	return 0;
}

/* Get-Printer-Attributes: the state and message of q's printer. */
static int
printer_attributes(http_t *http, const struct tc_printq *q,
    struct tc_printjob_status *st, char *err, size_t errlen)
{
	static const char *const want[] = { "printer-state",
		"printer-state-message", "printer-is-accepting-jobs" };
	char notfound[TC_PRINTQ_QUEUE_MAX + 16];
	char path[TC_PRINTQ_QUEUE_MAX + 16], uri[HTTP_MAX_URI],
	    res[HTTP_MAX_URI];
	struct op_words w = { "printer state", notfound };
	ipp_t *req, *resp;
	int r = TC_ERR_INTERNAL;

	snprintf(notfound, sizeof(notfound), "has no queue \"%s\"", q->queue);
	snprintf(path, sizeof(path), "/printers/%s", q->queue);
	make_uri(q, path, uri, sizeof(uri), res, sizeof(res));
	req = new_request(IPP_OP_GET_PRINTER_ATTRIBUTES, "printer-uri", uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
	    "requested-attributes", 3, NULL, want);
	if ((resp = exchange(
		 http, q, req, res, NULL, 0, &w, &r, err, errlen)) == NULL)
		return r;
	st->printer_state = get_integer(resp, "printer-state", IPP_TAG_ENUM);
	st->accepting =
	    get_integer(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
	copy_text(resp, "printer-state-message", st->printer_message,
	    sizeof(st->printer_message));
	ippDelete(resp);
	return 0;
}

int
tc_printjob_status(const struct tc_printq *q, int job_id,
    struct tc_printjob_status *st, char *err, size_t errlen)
{
	http_t *http;
	int r = TC_ERR_INTERNAL;

	if (st == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no status");
	memset(st, 0, sizeof(*st));
	if (q == NULL || job_id <= 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "job state: no queue or no job id");
	if ((http = open_server(q, &r, err, errlen)) == NULL)
		return r;
	if ((r = job_attributes(http, q, job_id, st, err, errlen)) == 0)
		r = printer_attributes(http, q, st, err, errlen);
	httpClose(http);
	if (r != 0)
		memset(st, 0, sizeof(*st));
	return r;
}

int
tc_printjob_cancel(
    const struct tc_printq *q, int job_id, char *err, size_t errlen)
{
	char what[48], notfound[48], path[32];
	char uri[HTTP_MAX_URI], res[HTTP_MAX_URI];
	struct op_words w = { what, notfound };
	http_t *http;
	ipp_t *req, *resp;
	int r = TC_ERR_INTERNAL;

	if (q == NULL || job_id <= 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "cancel: no queue or no job id");
	if ((http = open_server(q, &r, err, errlen)) == NULL)
		return r;
	snprintf(what, sizeof(what), "cancel job %d", job_id);
	snprintf(notfound, sizeof(notfound), "has no job %d", job_id);
	snprintf(path, sizeof(path), "/jobs/%d", job_id);
	make_uri(q, path, uri, sizeof(uri), res, sizeof(res));
	req = new_request(IPP_OP_CANCEL_JOB, "job-uri", uri);
	if ((resp = exchange(http, q, req, "/jobs/", NULL, 0, &w, &r, err,
		 errlen)) != NULL) {
		ippDelete(resp);
		r = 0;
	}
	httpClose(http);
	return r;
}
