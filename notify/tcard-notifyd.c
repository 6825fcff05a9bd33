/* SPDX-License-Identifier: MIT */
/*
 * tcard-notifyd: delivers the notifications outbox (docs/notify.md). It
 * claims due rows in a short transaction, sends each by SMTP or, for the
 * webhook channel, as a signed JSON POST (libcurl) with no transaction
 * open, then records the outcome in another short
 * one: sent, or the next attempt after an exponential backoff, or failed
 * after --max-attempts. It holds no key: the registry is opened with
 * zero keys, for the outbox rows only, whose texts were rendered when
 * their events were committed. Logs one JSON line per message on stderr,
 * with ids only (no address, no name, no text).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cli.h"
#include "dmsg.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/notify.h"
#include "tcard/registry.h"

#ifndef TC_VERSION
#define TC_VERSION "0.1"
#endif

#define PROG	  "tcard-notifyd"
#define BATCH	  16
#define PASS_MAX  1024
#define KEY_MAX	  1024
#define FROM_MAX  254
#define MSG_MAX	  (3 * TC_NOTIFY_BODY_MAX + 4096)
#define WAIT_STEP 1 /* seconds between checks of the stop flag */

static const char usage_text[] =
    "usage: tcard-notifyd --home DIR [--smtp URL] [--webhook URL] [options]\n"
    "\n"
    "Delivers the registry's notifications outbox (docs/notify.md): e-mail by\n"
    "SMTP, and the webhook channel by signed HTTP POST.\n"
    "\n"
    "    --home DIR            the authority's home (registry.db); no key is read\n"
    "    --smtp URL            smtp://HOST[:PORT] or smtps://HOST[:PORT]; without\n"
    "                          it messages stay pending (said once in the log)\n"
    "    --smtp-user U         log in to the server as U...\n"
    "    --smtp-pass-file F    ...with the password in F (mode 600)\n"
    "    --smtp-tls MODE       try (STARTTLS when offered, the default) or\n"
    "                          require (refuse a server without it)\n"
    "    --from ADDR           the sender (talentcard@localhost); its domain\n"
    "                          ends each Message-ID\n"
    "    --webhook URL         POST the webhook channel's messages (JSON) to\n"
    "                          URL (http or https)...\n"
    "    --webhook-key-file F  ...signed with the key in F (mode 600): header\n"
    "                          X-Tcard-Signature: sha256=HMAC-SHA256(key, body)\n"
    "    --once                deliver what is due, then exit\n"
    "    --interval S          seconds between passes (10)\n"
    "    --max-attempts N      give a message up after N failed attempts (8)\n"
    "    --help, --version\n"
    "\n"
    "Exit status: 0 done (--once) or stopped by SIGTERM or SIGINT; 1 the\n"
    "registry could not be opened or read; 2 bad option.\n";

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct conf {
	const char *home;
	const char *smtp;    /* NULL: e-mail stays pending */
	const char *webhook; /* NULL: the webhook channel stays pending */
	struct tc_buf key;   /* the webhook's HMAC key, wiped */
	unsigned channels;   /* TC_NOTIFY_* served */
	const char *user;
	struct tc_buf pass; /* NUL-terminated, wiped */
	long tls;	    /* CURLUSESSL_TRY or CURLUSESSL_ALL */
	char from[FROM_MAX + 1];
	const char *host; /* the domain of from */
	int once;
	long interval;
	int max_attempts;
};

/* One JSON line on stderr: an event, a level, then key/value pairs. */
static void
log_line(const char *event, const char *level, const char *fmt, ...)
{
	json_error_t je;
	json_t *extra;
	va_list ap;

	va_start(ap, fmt);
	extra = json_vpack_ex(&je, 0, fmt, ap);
	va_end(ap);
	tc_dmsg_json(PROG, event, level, extra);
}

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", PROG);
	return TC_EXIT_USAGE;
}

/* 1 when url is a URL of scheme a or b with a host. */
static int
check_url(const char *url, const char *a, const char *b)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	CURLUcode rc;
	int ok = 0;

	if (u == NULL)
		return 0;
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(scheme, a) == 0 || strcmp(scheme, b) == 0) &&
	    host[0] != '\0')
		ok = 1;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/*
 * The value of --smtp or --webhook (the option named by its first
 * scheme): *dst = v when v is a URL of scheme a or b with a host. Returns
 * -1 to go on, or the usage error's status.
 */
static int
set_url(const char **dst, const char *a, const char *v, const char *b)
{
	if (!check_url(v, a, b))
		return usage(
		    "--%s %s: not an %s://HOST[:PORT] or %s://HOST[:PORT] URL",
		    strcmp(a, "smtp") == 0 ? "smtp" : "webhook", v, a, b);
	*dst = v;
	return -1;
}

/* Reads secret file path (mode 600) into b, without a final newline. */
static int
read_secret(const char *opt, const char *path, struct tc_buf *b)
{
	char err[512];

	if (tc_file_read(path, NULL, b->cap - 1, TC_FILE_KEY | TC_FILE_SECRET,
		b, err, sizeof(err)) != 0)
		return usage("%s: %s", opt, err);
	while (b->len > 0 &&
	    (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->len--;
	if (b->len == 0)
		return usage("%s: the file is empty", opt);
	tc_buf_put(b, "", 1);
	return tc_buf_error(b) != 0 ? TC_EXIT_INTERNAL : TC_EXIT_OK;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_HOME = 1000,
	OPT_SMTP,
	OPT_USER,
	OPT_PASS,
	OPT_TLS,
	OPT_FROM,
	OPT_ONCE,
	OPT_WEBHOOK,
	OPT_WEBHOOK_KEY,
	OPT_INTERVAL,
	OPT_MAX,
	OPT_HELP,
	OPT_VERSION,
};

/* Returns -1 to go on, or an exit status. */
static int
parse_args(int argc, char **argv, struct conf *cf)
{
	static const struct option opts[] = {
		{ "home", required_argument, NULL, OPT_HOME },
		{ "smtp", required_argument, NULL, OPT_SMTP },
		{ "smtp-user", required_argument, NULL, OPT_USER },
		{ "smtp-pass-file", required_argument, NULL, OPT_PASS },
		{ "smtp-tls", required_argument, NULL, OPT_TLS },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "webhook", required_argument, NULL, OPT_WEBHOOK },
		{ "webhook-key-file", required_argument, NULL,
		    OPT_WEBHOOK_KEY },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "max-attempts", required_argument, NULL, OPT_MAX },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *pass_file = NULL, *key_file = NULL;
	long v;
	int c, r;

	memset(cf, 0, sizeof(*cf));
	tc_buf_init(&cf->pass, PASS_MAX);
	tc_buf_init(&cf->key, KEY_MAX);
	cf->tls = CURLUSESSL_TRY;
	cf->interval = 10;
	cf->max_attempts = 8;
	snprintf(cf->from, sizeof(cf->from), "talentcard@localhost");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HOME:
			cf->home = optarg;
			break;
		case OPT_SMTP:
			if ((r = set_url(&cf->smtp, "smtp", optarg, "smtps")) !=
			    -1)
				return r;
			break;
		case OPT_USER:
			cf->user = optarg;
			break;
		case OPT_PASS:
			pass_file = optarg;
			break;
		case OPT_TLS:
			if (strcmp(optarg, "try") == 0)
				cf->tls = CURLUSESSL_TRY;
			else if (strcmp(optarg, "require") == 0)
				cf->tls = CURLUSESSL_ALL;
			else
				return usage(
				    "--smtp-tls takes try or require, not %s",
				    optarg);
			break;
		case OPT_FROM:
			if (!tc_notify_address_ok(optarg))
				return usage(
				    "--from %s: not an e-mail address", optarg);
			snprintf(cf->from, sizeof(cf->from), "%s", optarg);
			break;
		case OPT_ONCE:
			cf->once = 1;
			break;
		case OPT_WEBHOOK:
			if ((r = set_url(
				 &cf->webhook, "http", optarg, "https")) != -1)
				return r;
			break;
		case OPT_WEBHOOK_KEY:
			key_file = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_long(optarg, 1, 86400, &cf->interval) != 0)
				return usage(
				    "--interval takes 1 to 86400 seconds");
			break;
		case OPT_MAX:
			if (parse_long(optarg, 1, 100, &v) != 0)
				return usage("--max-attempts takes 1 to 100");
			cf->max_attempts = (int)v;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return TC_EXIT_OK;
		case OPT_VERSION:
			printf("%s %s\n", PROG, TC_VERSION);
			return TC_EXIT_OK;
		default:
			return usage("unknown option or missing value: %s",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument %s", argv[optind]);
	if (cf->home == NULL)
		return usage("--home DIR is needed");
	if ((cf->user == NULL) != (pass_file == NULL))
		return usage("--smtp-user and --smtp-pass-file go together");
	if ((cf->webhook == NULL) != (key_file == NULL))
		return usage("--webhook and --webhook-key-file go together");
	if (pass_file != NULL &&
	    (r = read_secret("--smtp-pass-file", pass_file, &cf->pass)) !=
		TC_EXIT_OK)
		return r;
	if (key_file != NULL &&
	    (r = read_secret("--webhook-key-file", key_file, &cf->key)) !=
		TC_EXIT_OK)
		return r;
	cf->channels = (cf->smtp != NULL ? TC_NOTIFY_EMAIL : 0) |
	    (cf->webhook != NULL ? TC_NOTIFY_WEBHOOK : 0);
	cf->host = strchr(cf->from, '@') + 1;
	return -1;
}

/* Appends s as RFC 2047 encoded words of UTF-8 text, folded. */
static void
put_encoded(struct tc_buf *b, const char *s)
{
	unsigned char out[80];
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		n = len - i > 45 ? 45 : len - i;
		/* Never split a UTF-8 sequence. */
		while (i + n < len && n > 0 &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		EVP_EncodeBlock(out, (const unsigned char *)s + i, (int)n);
		tc_buf_printf(b, "%s=?UTF-8?B?%s?=", i > 0 ? "\r\n " : "", out);
		i += n;
	}
}

/* Appends the body as base64 lines of 76 characters. */
static void
put_base64(struct tc_buf *b, const char *s)
{
	unsigned char out[80];
	size_t len = strlen(s), i, n;

	for (i = 0; i < len; i += n) {
		n = len - i > 57 ? 57 : len - i;
		EVP_EncodeBlock(out, (const unsigned char *)s + i, (int)n);
		tc_buf_printf(b, "%s\r\n", out);
	}
}

/* The whole message of m into b. */
static int
build_message(const struct conf *cf, const struct tc_notify_msg *m, time_t now,
    struct tc_buf *b)
{
	char date[64];
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	tc_buf_printf(
	    b, "From: <%s>\r\nTo: <%s>\r\nSubject: ", cf->from, m->recipient);
	put_encoded(b, m->subject);
	tc_buf_printf(b,
	    "\r\nDate: %s\r\nMessage-ID: <outbox-%lld.%s@%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Content-Language: %s\r\n"
	    "\r\n",
	    date, (long long)m->id, m->nonce, cf->host, m->language);
	put_base64(b, m->body);
	return tc_buf_error(b);
}

struct reader {
	const uint8_t *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/*
 * Sends m; returns NULL when the server accepted it, else a short reason
 * (curl's, which names no person).
 */
static const char *
send_mail(const struct conf *cf, const struct tc_notify_msg *m, time_t now)
{
	struct curl_slist *rcpt = NULL;
	struct reader rd;
	struct tc_buf b;
	char from[FROM_MAX + 3], to[TC_NOTIFY_RCPT_MAX + 3];
	const char *why = NULL;
	CURLcode rc;
	CURL *h;

	tc_buf_init(&b, MSG_MAX);
	if (build_message(cf, m, now, &b) != 0) {
		tc_buf_release(&b);
		return "message too large";
	}
	if ((h = curl_easy_init()) == NULL) {
		tc_buf_release(&b);
		return "no curl handle";
	}
	snprintf(from, sizeof(from), "<%s>", cf->from);
	snprintf(to, sizeof(to), "<%s>", m->recipient);
	rcpt = curl_slist_append(NULL, to);
	rd.p = b.data;
	rd.left = b.len;
	curl_easy_setopt(h, CURLOPT_URL, cf->smtp);
	curl_easy_setopt(h, CURLOPT_USE_SSL, cf->tls);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (cf->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cf->user);
		curl_easy_setopt(
		    h, CURLOPT_PASSWORD, (const char *)cf->pass.data);
	}
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		why = curl_easy_strerror(rc);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	tc_buf_release(&b);
	return why;
}

static size_t
discard_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

/*
 * Posts m to the webhook as JSON signed with the key; returns NULL when it
 * answered 2xx, else a short reason.
 */
static const char *
post_webhook(const struct conf *cf, const struct tc_notify_msg *m)
{
	static char why[64];
	unsigned char mac[32];
	char sig[96], mid[TC_NOTIFY_RCPT_MAX + 64], *body;
	struct curl_slist *hdr = NULL;
	unsigned int maclen = 0;
	const char *res = NULL;
	long status = 0;
	json_t *o;
	CURLcode rc;
	CURL *h;
	size_t i;

	snprintf(mid, sizeof(mid), "<outbox-%lld.%s@%s>", (long long)m->id,
	    m->nonce, cf->host);
	/* An account's message (its verification link) has no application. */
	o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "id",
	    (json_int_t)m->id, "message_id", mid, "event", m->event,
	    "application", m->app ? json_integer(m->app) : json_null(),
	    "recipient", m->recipient, "language", m->language, "subject",
	    m->subject, "body", m->body);
	body = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)
			 : NULL;
	json_decref(o);
	if (body == NULL)
		return "out of memory";
	if (HMAC(EVP_sha256(), cf->key.data, (int)cf->key.len - 1,
		(const unsigned char *)body, strlen(body), mac,
		&maclen) == NULL) {
		free(body);
		return "no HMAC";
	}
	snprintf(sig, sizeof(sig), "X-Tcard-Signature: sha256=");
	for (i = 0; i < maclen; i++)
		snprintf(sig + 26 + 2 * i, 3, "%02x", mac[i]);
	if ((h = curl_easy_init()) == NULL) {
		free(body);
		return "no curl handle";
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, sig);
	curl_easy_setopt(h, CURLOPT_URL, cf->webhook);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		res = curl_easy_strerror(rc);
	else if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) !=
		CURLE_OK ||
	    status < 200 || status > 299) {
		snprintf(why, sizeof(why), "the webhook answered %ld", status);
		res = why;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	OPENSSL_cleanse(mac, sizeof(mac));
	free(body);
	return res;
}

/* Delivers m by its channel. */
static const char *
deliver(const struct conf *cf, const struct tc_notify_msg *m, time_t now)
{
	if (strcmp(m->channel, "webhook") == 0)
		return post_webhook(cf, m);
	return send_mail(cf, m, now);
}

/*
 * One pass: claims what is due and sends it, batch after batch, until
 * nothing is due or a stop is asked. Returns 0, or -1 when the registry
 * failed (logged).
 */
static int
pass(const struct conf *cf, struct tc_registry *reg)
{
	struct tc_notify_msg msgs[BATCH];
	const char *why, *state;
	char err[512];
	size_t n, i;
	time_t now;

	while (!stop) {
		if ((now = tc_cli_now()) == (time_t)-1)
			return -1;
		if (tc_notify_claim(reg, now, cf->channels, BATCH, msgs, &n,
			err, sizeof(err)) != 0) {
			log_line("claim", "error", "{s:s}", "message", err);
			return -1;
		}
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			why = stop ? "stopped before sending"
				   : deliver(cf, &msgs[i], now);
			if (tc_notify_done(reg, msgs[i].id, tc_cli_now(), why,
				cf->max_attempts, &state, err,
				sizeof(err)) != 0) {
				log_line("record", "error", "{s:I, s:s}",
				    "outbox", (json_int_t)msgs[i].id, "message",
				    err);
				state = NULL;
			}
			log_line("deliver", why == NULL ? "info" : "warning",
			    "{s:I, s:I, s:s, s:s?, s:s?}", "outbox",
			    (json_int_t)msgs[i].id, "application",
			    (json_int_t)msgs[i].app, "notification",
			    msgs[i].event, "result", state, "error", why);
		}
		for (i = 0; i < n; i++)
			tc_notify_msg_release(&msgs[i]);
	}
	return 0;
}

static void
wait_interval(long s)
{
	long i;

	for (i = 0; i < s && !stop; i += WAIT_STEP)
		sleep(WAIT_STEP);
}

int
main(int argc, char **argv)
{
	struct tc_registry_keys keys;
	struct tc_registry *reg = NULL;
	struct sigaction sa;
	struct conf cf;
	char path[4096], err[1024];
	int64_t pending;
	int r;

	if ((r = parse_args(argc, argv, &cf)) != -1)
		return r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* No key: the notifier reads and marks outbox rows, nothing sealed. */
	memset(&keys, 0, sizeof(keys));
	snprintf(path, sizeof(path), "%s/registry.db", cf.home);
	if (tc_registry_open(&reg, path, &keys, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		r = 1;
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: libcurl does not start\n", PROG);
		r = 1;
		goto out;
	}
	log_line("start", "info", "{s:s, s:s, s:b}", "smtp",
	    cf.smtp != NULL ? "set" : "unset", "webhook",
	    cf.webhook != NULL ? "set" : "unset", "once", cf.once);
	if (cf.channels != (TC_NOTIFY_EMAIL | TC_NOTIFY_WEBHOOK) &&
	    tc_notify_count(reg, "pending", &pending, err, sizeof(err)) == 0)
		log_line("idle", "warning", "{s:s, s:I}", "message",
		    cf.channels == 0
			? "no --smtp nor --webhook: messages stay pending"
			: "the messages of a channel without its option stay pending",
		    "pending", (json_int_t)pending);
	r = 0;
	for (;;) {
		if (cf.channels != 0 && pass(&cf, reg) != 0) {
			r = 1;
			break;
		}
		if (cf.once || stop)
			break;
		wait_interval(cf.interval);
	}
	log_line("stop", "info", "{s:b}", "signal", (int)stop);
	curl_global_cleanup();
out:
	tc_registry_close(reg);
	tc_buf_release(&cf.pass); /* wiped */
	tc_buf_release(&cf.key);
	return r;
}
