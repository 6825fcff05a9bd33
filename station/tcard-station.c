/* SPDX-License-Identifier: MIT */
/*
 * tcard-station: the program at a bank branch's PC that relays its PC/SC
 * reader to tcard-issuerd (docs/station.md). One outgoing HTTPS connection
 * (one libcurl handle, kept alive, with the station certificate) long-polls
 * POST /v1/station/poll: each request says whether a card is in the reader
 * (its insertion count and ATR) and carries the answers to the last batch;
 * each response may carry the next batch, which runs on the reader with
 * tc_station_run(), and may name a job whose card face to print through
 * CUPS. The station never interprets an APDU and holds no master key,
 * signer, CA key or registry: it links none of their code
 * (tests/integration/193 checks with nm).
 *
 * A card put in or pulled while the station waits in a long poll with
 * nothing to report ends that poll at once (a watcher thread follows the
 * reader), so the office learns of it without waiting for the poll's end.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/pcsc.h"
#include "tcard/printjob.h"
#include "tcard/relay.h"
#include "tcard/station-proto.h"

#include "dconf.h"
#include "station.h"

#ifndef TC_VERSION
#define TC_VERSION "0.1"
#endif

#define PROG		 "tcard-station"
#define BACKOFF_MIN	 1000 /* ms: the first retry after a failed connection */
#define BACKOFF_MAX	 30000 /* ms: the longest */
#define REFUSED_BACKOFF	 5000  /* ms after a 4xx answer */
#define HTTP_MARGIN	 15000 /* ms over the long poll before giving up */
#define CONNECT_TIMEOUT	 10000 /* ms */
#define PRINT_TIMEOUT	 60000 /* ms: the face PDF and the print report */
#define PRINT_FOLLOW_MS	 1000  /* ms between two looks at a CUPS job */
#define PRINT_JOBS	 16    /* print jobs followed at once */
#define PRINT_DONE	 64    /* jobs remembered as reported */
#define PRINT_STATUS_ERR 30    /* failed looks before giving a job up */
#define CARDNO_MAX	 32

static const char usage_text[] =
    "usage: tcard-station --config FILE\n"
    "\n"
    "Relays this PC's card reader to the office's tcard-issuerd, which\n"
    "personalises the cards put in it, and prints their faces on the branch's\n"
    "card printer (docs/station.md, \"Running a station\").\n"
    "\n"
    "    --config FILE   the settings, one \"key value\" a line:\n"
    "        office          https://HOST[:PORT] of tcard-issuerd (required)\n"
    "        office-ca       CA file that signed the office's certificate (required)\n"
    "        cert, key       the station certificate and key of\n"
    "                        `tcard-keys station-cert` (required; key mode 600)\n"
    "        reader          the PC/SC reader's name or a unique part (required)\n"
    "        printer-server  CUPS server: HOST[:PORT], [IPV6][:PORT] or /SOCKET\n"
    "        printer-queue   the card printer's queue (with printer-server;\n"
    "                        without both the station prints nothing and reports\n"
    "                        each face as failed: no printer configured)\n"
    "        wait            the long poll: 25s (default), 500ms, 0 to 55s\n"
    "        log             a file to append to, or stderr (the default)\n"
    "    --help, --version\n"
    "\n"
    "SIGTERM or SIGINT: answers already run are sent, an idle long poll is\n"
    "dropped, then the station exits 0.\n"
    "Exit status: 0 stopped by a signal; 1 cannot start (log, libcurl);\n"
    "2 bad option or settings.\n";

static volatile sig_atomic_t stop;
static FILE *logfp;

/* The reader watcher's view, shared with the main thread. */
static atomic_int w_known;   /* card present as the main thread last saw */
static atomic_int w_changed; /* the watcher saw another state since */
static atomic_int w_quit;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One log line: UTC time, program, level, message. Never an ID number. */
static void __attribute__((format(printf, 2, 3)))
st_log(const char *level, const char *fmt, ...)
{
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(logfp, "%s %s: %s: ", ts, PROG, level);
	va_start(ap, fmt);
	vfprintf(logfp, fmt, ap);
	va_end(ap);
	fputc('\n', logfp);
	fflush(logfp);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms, waking early for a stop. */
static void
nap(int ms)
{
	struct timespec ts = { 0, 50 * 1000000L };
	int64_t end = now_ms() + ms;

	while (!stop && now_ms() < end)
		nanosleep(&ts, NULL);
}

/*
 * The office connection: one libcurl handle for every request, so the
 * TLS connection stays open between polls.
 */
struct http {
	CURL *h;
	const struct st_conf *cf;
	struct curl_slist *json_hdr;
	struct tc_buf body;    /* the answer's body */
	char card[CARDNO_MAX]; /* X-Tcard-Card of the answer, "" none */
	int idle;	       /* a poll that carries nothing: may be dropped */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http *hp = arg;

	if (tc_buf_put(&hp->body, p, size * n) != 0)
		return 0; /* over the cap: the transfer fails */
	return size * n;
}

/* Whether the 16 bytes at p are digits (p need not end in a NUL). */
static int
digits16(const char *p)
{
	int i;

	for (i = 0; i < 16; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/*
 * The card number of a face answer: the header X-Tcard-Card, or the
 * "card-" and 16 digits of its Content-Disposition's file name
 * (filename="card-4401110000000017.pdf").
 */
static size_t
header_cb(char *p, size_t size, size_t n, void *arg)
{
	static const char xcard[] = "X-Tcard-Card:",
			  disp[] = "Content-Disposition:";
	struct http *hp = arg;
	size_t len = size * n, i, o = 0;
	const char *q;

	if (len > sizeof(xcard) - 1 &&
	    strncasecmp(p, xcard, sizeof(xcard) - 1) == 0) {
		for (i = sizeof(xcard) - 1; i < len && o + 1 < sizeof(hp->card);
		     i++)
			if ((p[i] >= '0' && p[i] <= '9') || p[i] == ' ')
				hp->card[o++] = p[i];
		hp->card[o] = '\0';
	} else if (len > sizeof(disp) - 1 &&
	    strncasecmp(p, disp, sizeof(disp) - 1) == 0 &&
	    hp->card[0] == '\0') {
		for (i = sizeof(disp) - 1; i + 5 + 16 <= len; i++) {
			q = p + i;
			if (strncmp(q, "card-", 5) != 0 || !digits16(q + 5))
				continue;
			memcpy(hp->card, q + 5, 16);
			hp->card[16] = '\0';
			break;
		}
	}
	return len;
}

/* Drops an idle poll when the reader changed or a stop came. */
static int
progress_cb(
    void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct http *hp = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return hp->idle && (stop || atomic_load(&w_changed));
}

static int
http_init(struct http *hp, const struct st_conf *cf, char *err, size_t errlen)
{
	CURL *h;

	memset(hp, 0, sizeof(*hp));
	hp->cf = cf;
	if ((hp->h = h = curl_easy_init()) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INTERNAL, "libcurl gives no handle");
	hp->json_hdr =
	    curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue": it costs a round trip per answer. */
	hp->json_hdr = curl_slist_append(hp->json_hdr, "Expect:");
	if (hp->json_hdr == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, hp->errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CAINFO, cf->office_ca);
	curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(h, CURLOPT_SSLCERT, cf->cert);
	curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
	curl_easy_setopt(h, CURLOPT_SSLKEY, cf->key);
	curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_USERAGENT, PROG "/" TC_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, hp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, hp);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, hp);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	return 0;
}

static void
http_free(struct http *hp)
{
	tc_buf_release(&hp->body);
	curl_slist_free_all(hp->json_hdr);
	if (hp->h != NULL)
		curl_easy_cleanup(hp->h);
	memset(hp, 0, sizeof(*hp));
}

/* How a request ended. */
enum {
	HTTP_ANSWERED = 0, /* *status is the HTTP status */
	HTTP_FAILED,	   /* no answer: connection, TLS or transfer */
	HTTP_DROPPED,	   /* an idle poll dropped (progress_cb) */
};

/*
 * One request to the office: POST body (len bytes, JSON) when body is not
 * NULL, else GET. The answer's body lands in hp->body (at most max bytes).
 */
static int
http_do(struct http *hp, const char *path, const char *body, size_t len,
    long timeout_ms, size_t max, long *status, char *err, size_t errlen)
{
	char url[ST_URL_MAX + 128];
	CURLcode rc;

	*status = 0;
	if (tc_fmt(url, sizeof(url), "%s%s", hp->cf->office, path) != 0) {
		tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: too long", path);
		return HTTP_FAILED;
	}
	tc_buf_release(&hp->body);
	tc_buf_init(&hp->body, max);
	hp->card[0] = '\0';
	hp->errbuf[0] = '\0';
	curl_easy_setopt(hp->h, CURLOPT_URL, url);
	curl_easy_setopt(hp->h, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (body != NULL) {
		curl_easy_setopt(hp->h, CURLOPT_POST, 1L);
		curl_easy_setopt(hp->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(hp->h, CURLOPT_POSTFIELDSIZE, (long)len);
		curl_easy_setopt(hp->h, CURLOPT_HTTPHEADER, hp->json_hdr);
	} else {
		curl_easy_setopt(hp->h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(hp->h, CURLOPT_HTTPHEADER, NULL);
	}
	rc = curl_easy_perform(hp->h);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return HTTP_DROPPED;
	if (rc != CURLE_OK) {
		tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path,
		    hp->errbuf[0] != '\0' ? hp->errbuf
					  : curl_easy_strerror(rc));
		return HTTP_FAILED;
	}
	curl_easy_getinfo(hp->h, CURLINFO_RESPONSE_CODE, status);
	return HTTP_ANSWERED;
}

/* The "message" of an error answer of the office, or "". */
static void
answer_message(const struct tc_buf *b, char *out, size_t outlen)
{
	json_t *o, *m;

	out[0] = '\0';
	o = json_loadb((const char *)b->data, b->len, 0, NULL);
	if (o != NULL && json_is_string(m = json_object_get(o, "message")))
		snprintf(out, outlen, "%s", json_string_value(m));
	else if (o != NULL && json_is_string(m = json_object_get(o, "error")))
		snprintf(out, outlen, "%s", json_string_value(m));
	json_decref(o);
	for (; *out != '\0'; out++) /* one log line, whatever the office sent */
		if ((unsigned char)*out < 0x20 || *out == 0x7f)
			*out = ' ';
}

/* The card in the reader, as the office is told. */
struct card {
	const char *reader;
	struct tc_icc *icc; /* NULL: no card (or no connection to it) */
	uint32_t insert;
	char last[256]; /* the last reader error logged */
};

static void
card_drop(struct card *c, const char *why)
{
	if (c->icc == NULL)
		return;
	tc_icc_close(c->icc);
	c->icc = NULL;
	st_log("info", "insertion %u: %s", (unsigned)c->insert, why);
}

/* Logs a reader error once, until it changes. */
static void
card_error(struct card *c, const char *msg)
{
	if (strcmp(c->last, msg) == 0)
		return;
	snprintf(c->last, sizeof(c->last), "%s", msg);
	if (msg[0] != '\0')
		st_log("warning", "reader: %s", msg);
}

/* Connects to a card in the reader; 0 when there is one. */
static int
card_connect(struct card *c)
{
	struct tc_icc_opts o;
	char err[256];
	int r;

	memset(&o, 0, sizeof(o));
	r = tc_icc_open_pcsc(&c->icc, c->reader, &o, err, sizeof(err));
	if (r == 0) {
		card_error(c, "");
		return 0;
	}
	c->icc = NULL;
	card_error(c, r == TC_ERR_CARD_REMOVED ? "" : err);
	return r;
}

/* Brings c up to date with the reader: a card pulled, a card put in. */
static void
card_refresh(struct card *c)
{
	char err[256];
	size_t atrlen;

	if (c->icc != NULL) {
		/* 0: the reader is empty now. */
		if (tc_pcsc_wait(c->reader, 0, 0, err, sizeof(err)) == 0)
			card_drop(c, "removed");
		else
			return;
	}
	if (card_connect(c) == 0) {
		c->insert++;
		tc_icc_atr(c->icc, &atrlen);
		st_log("info", "insertion %u: in the reader (ATR %zu bytes)",
		    (unsigned)c->insert, atrlen);
	}
}

/*
 * The office's "reset": reconnects to the card. The PC/SC wrapper has no
 * SCardReconnect; a new connection is what the station can give.
 */
static void
card_reset(struct card *c)
{
	if (c->icc == NULL)
		return;
	tc_icc_close(c->icc);
	c->icc = NULL;
	if (card_connect(c) != 0)
		st_log("info", "insertion %u: gone at the reset",
		    (unsigned)c->insert);
}

/*
 * The watcher: waits for the reader to differ from what the main thread
 * last saw and says so (w_changed), so an idle long poll ends at once.
 */
static void *
watcher(void *arg)
{
	const char *reader = arg;
	struct timespec ts = { 0, 20 * 1000000L };
	char err[256];
	int known, r;

	while (!atomic_load(&w_quit)) {
		if (atomic_load(&w_changed)) {
			nanosleep(&ts, NULL);
			continue;
		}
		known = atomic_load(&w_known);
		r = tc_pcsc_wait(reader, !known, 1000, err, sizeof(err));
		if (r == 0 && known == atomic_load(&w_known))
			atomic_store(&w_changed, 1);
		else if (r != 0 && r != TC_ERR_CARD_TIMEOUT)
			sleep(1);
	}
	return NULL;
}

/* A face sent to CUPS and followed until its job ends. */
struct print {
	char job[TC_STATION_JOB_MAX + 1];
	int cups_job;
	int state;
	int errors;
	int64_t next;
};

struct station {
	const struct st_conf *cf;
	struct http http;
	struct card card;
	struct print prints[PRINT_JOBS];
	char done[PRINT_DONE][TC_STATION_JOB_MAX + 1]; /* reported jobs */
	size_t n_done;
	char pending[TC_STATION_JOB_MAX + 1]; /* a print asked with a batch */
};

static int
print_final(int state)
{
	return state == TC_PRINTJOB_CANCELED || state == TC_PRINTJOB_ABORTED ||
	    state == TC_PRINTJOB_COMPLETED;
}

/* POST /v1/station/jobs/JOB/print. */
static void
print_report(struct station *st, const char *job, int cups_job,
    const char *state, const char *reason)
{
	char path[128], err[512], msg[256];
	long status;
	json_t *o;
	char *body;
	int r;

	o = json_pack("{s:i, s:s, s:s}", "cups_job", cups_job, "state", state,
	    "reason", reason != NULL ? reason : "");
	body = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)
			 : NULL;
	json_decref(o);
	if (body == NULL) {
		st_log("error", "job %s: print report: out of memory", job);
		return;
	}
	snprintf(path, sizeof(path), "/v1/station/jobs/%s/print", job);
	r = http_do(&st->http, path, body, strlen(body), PRINT_TIMEOUT,
	    64 * 1024, &status, err, sizeof(err));
	free(body);
	if (r != HTTP_ANSWERED) {
		st_log(
		    "warning", "job %s: print report %s: %s", job, state, err);
		return;
	}
	if (status / 100 != 2) {
		answer_message(&st->http.body, msg, sizeof(msg));
		st_log("warning",
		    "job %s: print report %s: the office answered %ld %s", job,
		    state, status, msg);
		return;
	}
	st_log("info", "job %s: print %s (CUPS job %d)%s%s", job, state,
	    cups_job, reason != NULL && *reason ? ": " : "",
	    reason != NULL ? reason : "");
}

/* The reason to give with a CUPS job's state. */
static const char *
print_reason(const struct tc_printjob_status *s)
{
	if (s->job_message[0] != '\0')
		return s->job_message;
	if (s->printer_message[0] != '\0')
		return s->printer_message;
	return s->reasons;
}

static int
print_seen(struct station *st, const char *job)
{
	size_t i;

	for (i = 0; i < PRINT_DONE && i < st->n_done; i++)
		if (strcmp(st->done[i], job) == 0)
			return 1;
	return 0;
}

/* GETs the face of job, sends it to CUPS, reports and follows it. */
static void
print_face(struct station *st, const char *job)
{
	const struct st_conf *cf = st->cf;
	struct tc_printjob_status s;
	struct print *p = NULL;
	char path[128], err[512], msg[256], card[CARDNO_MAX];
	long status;
	int id = 0;
	size_t i;

	if (print_seen(st, job))
		return;
	snprintf(st->done[st->n_done++ % PRINT_DONE], TC_STATION_JOB_MAX + 1,
	    "%s", job);
	if (!cf->have_printer) {
		print_report(st, job, 0, "failed", "no printer configured");
		return;
	}
	snprintf(path, sizeof(path), "/v1/station/jobs/%s/face.pdf", job);
	if (http_do(&st->http, path, NULL, 0, PRINT_TIMEOUT,
		TC_PRINTJOB_PDF_MAX, &status, err,
		sizeof(err)) != HTTP_ANSWERED) {
		print_report(st, job, 0, "failed", err);
		return;
	}
	if (status != 200) {
		answer_message(&st->http.body, msg, sizeof(msg));
		snprintf(err, sizeof(err),
		    "the office answered %ld for the face: %s", status, msg);
		print_report(st, job, 0, "failed", err);
		return;
	}
	snprintf(card, sizeof(card), "%s", st->http.card);
	if (card[0] == '\0') {
		print_report(st, job, 0, "failed",
		    "the office sent the face without its card number (X-Tcard-Card, or card-N.pdf as its file name)");
		return;
	}
	if (tc_printjob_submit(&cf->printq, card, st->http.body.data,
		st->http.body.len, &id, err, sizeof(err)) != 0) {
		print_report(st, job, 0, "failed", err);
		return;
	}
	for (i = 0; i < PRINT_JOBS && p == NULL; i++)
		if (st->prints[i].job[0] == '\0')
			p = &st->prints[i];
	if (tc_printjob_status(&cf->printq, id, &s, err, sizeof(err)) != 0) {
		s.state = TC_PRINTJOB_PENDING;
		snprintf(s.job_message, sizeof(s.job_message), "%s", "");
		s.printer_message[0] = s.reasons[0] = '\0';
	}
	print_report(
	    st, job, id, tc_printjob_state_name(s.state), print_reason(&s));
	if (print_final(s.state))
		return;
	if (p == NULL) {
		st_log("warning",
		    "job %s: more than %d print jobs followed; CUPS job %d is not",
		    job, PRINT_JOBS, id);
		return;
	}
	snprintf(p->job, sizeof(p->job), "%s", job);
	p->cups_job = id;
	p->state = s.state;
	p->errors = 0;
	p->next = now_ms() + PRINT_FOLLOW_MS;
}

/* Looks at the CUPS jobs followed; reports each change. */
static void
print_follow(struct station *st)
{
	struct tc_printjob_status s;
	struct print *p;
	char err[512];
	size_t i;
	int r;

	for (i = 0; i < PRINT_JOBS; i++) {
		p = &st->prints[i];
		if (p->job[0] == '\0' || now_ms() < p->next)
			continue;
		p->next = now_ms() + PRINT_FOLLOW_MS;
		r = tc_printjob_status(
		    &st->cf->printq, p->cups_job, &s, err, sizeof(err));
		if (r != 0) {
			if (r != TC_ERR_NOT_FOUND &&
			    ++p->errors < PRINT_STATUS_ERR)
				continue;
			print_report(st, p->job, p->cups_job, "failed", err);
			p->job[0] = '\0';
			continue;
		}
		p->errors = 0;
		if (s.state == p->state)
			continue;
		p->state = s.state;
		print_report(st, p->job, p->cups_job,
		    tc_printjob_state_name(s.state), print_reason(&s));
		if (print_final(s.state))
			p->job[0] = '\0';
	}
}

static int
printing(const struct station *st)
{
	size_t i;

	for (i = 0; i < PRINT_JOBS; i++)
		if (st->prints[i].job[0] != '\0')
			return 1;
	return 0;
}

/* Runs the batch of resp on the card; the answers go into req. */
static void
run_batch(struct station *st, const struct tc_station_resp *resp,
    struct tc_station_req *req)
{
	struct card *c = &st->card;
	int64_t t0 = now_ms();
	size_t i;

	if (resp->reset)
		card_reset(c);
	if (c->icc == NULL) {
		for (i = 0; i < req->n_answers; i++)
			free(req->answers[i].p);
		memset(req->answers, 0, sizeof(req->answers));
		req->n_answers = 0;
		req->batch = resp->batch;
		req->stop = TC_STATION_STOP_REMOVED;
	} else if (tc_station_run(c->icc, resp, req) != 0) {
		req->stop = TC_STATION_STOP_READER;
	}
	st_log("info", "job %s: batch %llu: %zu of %zu commands in %lld ms%s%s",
	    resp->job, (unsigned long long)resp->batch, req->n_answers,
	    resp->n_cmds, (long long)(now_ms() - t0),
	    req->stop != TC_STATION_RAN_ALL ? ", stop " : "",
	    tc_station_stop_name(req->stop));
	if (req->stop == TC_STATION_STOP_REMOVED ||
	    req->stop == TC_STATION_STOP_READER ||
	    req->stop == TC_STATION_STOP_TIMEOUT)
		card_drop(c, "lost during the batch");
}

/* Fills req's reader members from the card. */
static void
req_reader(const struct card *c, struct tc_station_req *req)
{
	const uint8_t *atr;
	size_t n = 0;

	req->present = c->icc != NULL;
	req->insert = c->insert;
	req->atr_len = 0;
	if (c->icc != NULL) {
		atr = tc_icc_atr(c->icc, &n);
		if (n > TC_STATION_ATR_MAX)
			n = TC_STATION_ATR_MAX;
		memcpy(req->atr, atr, n);
		req->atr_len = n < 2 ? 0 : n;
		req->present = n >= 2;
	}
}

static void
req_clear_answers(struct tc_station_req *req)
{
	size_t i;

	for (i = 0; i < req->n_answers; i++)
		free(req->answers[i].p);
	memset(req->answers, 0, sizeof(req->answers));
	req->n_answers = 0;
	req->batch = 0;
	req->stop = TC_STATION_RAN_ALL;
}

/* The poll loop; returns when stopped. */
static void
run(struct station *st)
{
	const struct st_conf *cf = st->cf;
	struct tc_station_req req;
	struct tc_station_resp resp;
	struct tc_buf out;
	char err[512], msg[256], last_fail[512] = "";
	int backoff = BACKOFF_MIN, connected = 0, r, wait;
	long status;

	memset(&req, 0, sizeof(req));
	tc_buf_init(&out, TC_STATION_BODY_MAX);
	/* After a stop, answers already run are still sent once. */
	while (!stop || req.batch != 0) {
		if (!stop)
			print_follow(st);
		if (req.batch == 0) {
			card_refresh(&st->card);
			atomic_store(&w_known, st->card.icc != NULL);
			atomic_store(&w_changed, 0);
		}
		req_reader(&st->card, &req);
		wait = (int)cf->wait_ms;
		if (printing(st) && wait > PRINT_FOLLOW_MS)
			wait = PRINT_FOLLOW_MS;
		/* The first poll reports the reader at once; after a stop
		 * only answers go. */
		if (stop || !connected)
			wait = 0;
		req.wait_ms = wait;
		tc_buf_reset(&out);
		if (tc_station_req_write(&req, &out) != 0) {
			st_log("error",
			    "cannot write the request (out of memory)");
			nap(BACKOFF_MIN);
			continue;
		}
		st->http.idle = req.batch == 0;
		r = http_do(&st->http, "/v1/station/poll",
		    (const char *)out.data, out.len, (long)wait + HTTP_MARGIN,
		    TC_STATION_BODY_MAX, &status, err, sizeof(err));
		st->http.idle = 0;
		if (r == HTTP_DROPPED)
			continue;
		if (r == HTTP_FAILED && stop) {
			st_log("warning",
			    "office: %s; the answers of batch %llu are not sent (stopping)",
			    err, (unsigned long long)req.batch);
			break;
		}
		if (r == HTTP_FAILED) {
			/* The answers stay, for the next attempt. */
			if (strcmp(err, last_fail) != 0)
				st_log("warning", "office: %s; again in %d ms",
				    err, backoff);
			snprintf(last_fail, sizeof(last_fail), "%s", err);
			nap(backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX
							    : backoff * 2;
			continue;
		}
		if (last_fail[0] != '\0')
			st_log("info", "office: connected again");
		else if (!connected)
			st_log("info", "office: connected (HTTP %ld)", status);
		connected = 1;
		last_fail[0] = '\0';
		backoff = BACKOFF_MIN;
		req_clear_answers(&req);
		if (status != 200) {
			answer_message(&st->http.body, msg, sizeof(msg));
			st_log("warning",
			    "office: poll answered %ld %s; again in %d ms",
			    status, msg, REFUSED_BACKOFF);
			nap(REFUSED_BACKOFF);
			continue;
		}
		memset(&resp, 0, sizeof(resp));
		if (tc_station_resp_parse(&resp, st->http.body.data,
			st->http.body.len, err, sizeof(err)) != 0) {
			st_log("warning",
			    "office: a malformed answer: %s; again in %d ms",
			    err, REFUSED_BACKOFF);
			nap(REFUSED_BACKOFF);
			continue;
		}
		if (resp.print[0] != '\0')
			snprintf(
			    st->pending, sizeof(st->pending), "%s", resp.print);
		if (resp.batch != 0 && !stop)
			run_batch(st, &resp, &req);
		else if (st->pending[0] != '\0') {
			print_face(st, st->pending);
			st->pending[0] = '\0';
		}
		if (resp.batch == 0 && resp.poll_ms > 0)
			nap(resp.poll_ms);
		tc_station_resp_free(&resp);
	}
	req_clear_answers(&req);
	tc_buf_release(&out);
}

/* Reads and checks the settings file. Returns 0 or an exit status. */
static int
read_conf(const char *path, struct st_conf *cf)
{
	struct tc_buf text;
	struct stat sb;
	char err[1024];
	int r;

	tc_buf_init(&text, TC_DCONF_FILE_MAX + 1);
	r = tc_file_read(
	    path, NULL, TC_DCONF_FILE_MAX, 0, &text, err, sizeof(err));
	if (r == 0)
		r = st_conf_parse(
		    cf, (const char *)text.data, text.len, err, sizeof(err));
	tc_buf_release(&text);
	if (r != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, err);
		return 2;
	}
	if (stat(cf->key, &sb) != 0) {
		fprintf(stderr, "%s: %s: key %s: %s\n", PROG, path, cf->key,
		    strerror(errno));
		return 2;
	}
	if (tc_file_mode_check(sb.st_mode,
		TC_FILE_SECRET | TC_FILE_NOT_SHARED_WRITE, cf->key, err,
		sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s: key: %s\n", PROG, path, err);
		return 2;
	}
	if (access(cf->cert, R_OK) != 0 || access(cf->office_ca, R_OK) != 0) {
		fprintf(stderr, "%s: %s: %s %s: %s\n", PROG, path,
		    access(cf->cert, R_OK) != 0 ? "cert" : "office-ca",
		    access(cf->cert, R_OK) != 0 ? cf->cert : cf->office_ca,
		    strerror(errno));
		return 2;
	}
	return 0;
}

static int
usage(const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s%s\n(%s --help)\n", PROG, what,
	    arg != NULL ? arg : "", PROG);
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct station st;
	static struct st_conf cf;
	const char *config = NULL;
	struct sigaction sa;
	pthread_t wt;
	char err[512];
	int c, r, have_wt;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("%s %s\n", PROG, TC_VERSION);
			return 0;
		default:
			return usage("unknown option or missing value: ",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument ", argv[optind]);
	if (config == NULL)
		return usage("--config FILE is needed", NULL);
	if ((r = read_conf(config, &cf)) != 0)
		return r;
	logfp = stderr;
	if (cf.log[0] != '\0' && strcmp(cf.log, "stderr") != 0 &&
	    (logfp = fopen(cf.log, "ae")) == NULL) {
		fprintf(
		    stderr, "%s: log %s: %s\n", PROG, cf.log, strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* libcups ignores SIGPIPE once used; libcurl needs it ignored too. */
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		st_log("error", "libcurl does not start");
		return 1;
	}
	st.cf = &cf;
	st.card.reader = cf.reader;
	/*
	 * The insertion count starts at a random number: the office keeps
	 * the numbers a station used, and a restarted station's first card
	 * must not pass for the card of a job that ended before.
	 */
	if (getrandom(&st.card.insert, sizeof(st.card.insert), 0) !=
	    (ssize_t)sizeof(st.card.insert))
		st.card.insert = (uint32_t)time(NULL);
	if (http_init(&st.http, &cf, err, sizeof(err)) != 0) {
		st_log("error", "%s", err);
		http_free(&st.http);
		curl_global_cleanup();
		return 1;
	}
	have_wt = pthread_create(&wt, NULL, watcher, cf.reader) == 0;
	st_log("info", "started: office %s, reader '%s', %s, long poll %u ms",
	    cf.office, cf.reader,
	    cf.have_printer ? "printer set" : "no printer", cf.wait_ms);
	run(&st);
	atomic_store(&w_quit, 1);
	if (have_wt)
		pthread_join(wt, NULL);
	card_drop(&st.card, "released");
	http_free(&st.http);
	curl_global_cleanup();
	st_log("info", "stopped");
	if (logfp != stderr)
		fclose(logfp);
	return 0;
}
