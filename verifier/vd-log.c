/* SPDX-License-Identifier: MIT */
/*
 * The log of tcard-verifierd: one JSON object per line, to standard error
 * or to a file (setting "log"), for requests (client address, method,
 * path without the query string, endpoint, status, result, duration,
 * bytes, and the card number masked) and for events (start, bundle loads
 * and refusals, stop). A line never holds a name or an ID number: the
 * query string and bodies are not logged at all.
 *
 * Request lines are gathered in a buffer per worker thread and written
 * whole lines at a time, at most 4000 bytes per write(2) on a descriptor
 * opened O_APPEND (atomic for files and, below PIPE_BUF, for pipes), so
 * lines of several threads never mix; a flusher thread writes what waits
 * every 100 ms, and everything is written at stop. One write per request
 * cost about a sixth of a small request (measured, docs/performance.md).
 * Events are written at once. SIGHUP reopens the file (log rotation) by
 * dup2() over the same descriptor, without a lock.
 *
 * Lines that a client can cause without ever being answered
 * (libmicrohttpd's messages about bad connections, requests closed before
 * an answer) pass a token bucket each (LIMIT_RATE a second, bursts of
 * LIMIT_BURST), so a flood of them cannot fill the disk; what was dropped
 * is counted in a "log-limited" event and in /metrics.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcard/buf.h"
#include "tcard/httpreq.h"
#include "vd.h"

static int log_fd = -1;
static pthread_key_t line_key;
static pthread_once_t line_once = PTHREAD_ONCE_INIT;

#define FLUSH_AT 4000 /* bytes: a write never exceeds this */
#define FLUSH_MS 100  /* the flusher's period */

#define LIMIT_RATE  10	/* lines a second of each limited kind */
#define LIMIT_BURST 100 /* lines at once */

struct limit {
	pthread_mutex_t mu;
	uint64_t last_ns;
	uint64_t tokens_ns;    /* tokens in nanoseconds of refill */
	unsigned long dropped; /* since the last "log-limited" event */
	int started;
};

static struct limit limits[VD_LIMIT_COUNT] = {
	[VD_LIMIT_HTTP] = { .mu = PTHREAD_MUTEX_INITIALIZER },
	[VD_LIMIT_ABORTED] = { .mu = PTHREAD_MUTEX_INITIALIZER },
};
static const char *const limit_names[VD_LIMIT_COUNT] = {
	[VD_LIMIT_HTTP] = "libmicrohttpd messages",
	[VD_LIMIT_ABORTED] = "lines of requests closed before an answer",
};
static atomic_ulong limited_total[VD_LIMIT_COUNT];

/* A worker thread's lines waiting to be written. */
struct linebuf {
	pthread_mutex_t mu;
	struct tc_buf b;
	struct linebuf *next, *prev;
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct linebuf *lines; /* every thread's buffer */
static pthread_t flusher;
static int flusher_running;
static pthread_mutex_t stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static int stop_flusher;

static void write_all(const uint8_t *p, size_t n);

/* Writes what lb holds; lb->mu is held. */
static void
flush_locked(struct linebuf *lb)
{
	if (lb->b.len > 0)
		write_all(lb->b.data, lb->b.len);
	lb->b.len = 0;
}

/* Writes and frees a worker thread's buffer when the thread ends. */
static void
line_free(void *p)
{
	struct linebuf *lb = p;

	pthread_mutex_lock(&list_mu);
	if (lb->prev != NULL)
		lb->prev->next = lb->next;
	else
		lines = lb->next;
	if (lb->next != NULL)
		lb->next->prev = lb->prev;
	pthread_mutex_unlock(&list_mu);
	pthread_mutex_lock(&lb->mu);
	flush_locked(lb);
	pthread_mutex_unlock(&lb->mu);
	pthread_mutex_destroy(&lb->mu);
	tc_buf_release(&lb->b);
	free(lb);
}

static void
line_key_init(void)
{
	pthread_key_create(&line_key, line_free);
}

static void
flush_all(void)
{
	struct linebuf *lb;

	pthread_mutex_lock(&list_mu);
	for (lb = lines; lb != NULL; lb = lb->next) {
		pthread_mutex_lock(&lb->mu);
		flush_locked(lb);
		pthread_mutex_unlock(&lb->mu);
	}
	pthread_mutex_unlock(&list_mu);
}

static void *
flush_loop(void *arg)
{
	struct timespec ts;

	pthread_mutex_lock(&stop_mu);
	while (!stop_flusher) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += FLUSH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&stop_cond, &stop_mu, &ts);
		pthread_mutex_unlock(&stop_mu);
		flush_all();
		pthread_mutex_lock(&stop_mu);
	}
	pthread_mutex_unlock(&stop_mu);
	return NULL;
}

int
vd_log_start(void)
{
	if (pthread_create(&flusher, NULL, flush_loop, NULL) != 0)
		return -1;
	flusher_running = 1;
	return 0;
}

void
vd_log_stop(void)
{
	if (flusher_running) {
		pthread_mutex_lock(&stop_mu);
		stop_flusher = 1;
		pthread_cond_signal(&stop_cond);
		pthread_mutex_unlock(&stop_mu);
		pthread_join(flusher, NULL);
		flusher_running = 0;
	}
	flush_all();
}

static int log_requests = 1;
static char log_path[TC_VDCONF_PATH_MAX];

int
vd_log_open(const char *dest, char *err, size_t errlen)
{
	int fd;

	if (strcmp(dest, "-") == 0) {
		log_fd = STDERR_FILENO;
		return 0;
	}
	if (strcmp(dest, "off") == 0) {
		log_fd = STDERR_FILENO;
		log_requests = 0;
		return 0;
	}
	fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "log %s: %s", dest, strerror(errno));
		return -1;
	}
	snprintf(log_path, sizeof(log_path), "%s", dest);
	log_fd = fd;
	return 0;
}

int
vd_log_reopen(void)
{
	int fd;

	if (log_path[0] == '\0')
		return 0;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (fd != log_fd) {
		dup2(fd, log_fd);
		close(fd);
	}
	return 0;
}

void
vd_log_close(void)
{
	if (log_fd > STDERR_FILENO)
		close(log_fd);
	log_fd = -1;
}

void
vd_mask_card(const char *card16, char out[20])
{
	size_t i;

	out[0] = '\0';
	if (card16 == NULL || strlen(card16) != 16)
		return;
	for (i = 0; i < 16; i++)
		out[i] = i < 6 || i >= 12 ? card16[i] : '*';
	out[16] = '\0';
}

int
vd_json_text(struct tc_buf *out, const struct tc_text *t)
{
	int bad = 0;

	bad |= tc_buf_puts(out, "{\"zh\":");
	if (t->zh != NULL)
		bad |= tc_json_put_str(out, t->zh, 512);
	else
		bad |= tc_buf_puts(out, "null");
	bad |= tc_buf_puts(out, ",\"en\":");
	if (t->en != NULL)
		bad |= tc_json_put_str(out, t->en, 512);
	else
		bad |= tc_buf_puts(out, "null");
	bad |= tc_buf_put_u8(out, '}');
	return bad != 0 ? -1 : 0;
}

int
vd_put_uint(struct tc_buf *b, unsigned long long v)
{
	char d[24];
	size_t n = sizeof(d);

	do
		d[--n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return tc_buf_put(b, d + n, sizeof(d) - n);
}

/* Writes n digits of v, zero-padded. */
static char *
digits(char *p, unsigned v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

void
vd_iso_time(int64_t t, int offset, char out[32])
{
	/* Days to civil date (H. Hinnant's algorithm), no libc, no locks. */
	int64_t s = t + offset, days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400, z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	char *p = out;

	if (y < 0 || y > 9999) {
		snprintf(out, 32, "%lld", (long long)t);
		return;
	}
	p = digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)(sod / 3600), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod / 60 % 60), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod % 60), 2);
	if (offset == 0)
		*p++ = 'Z';
	else {
		memcpy(p, "+08:00", 6);
		p += 6;
	}
	*p = '\0';
}

/* {"ts":"2026-11-21T04:00:00.123Z" (UTC, milliseconds). */
static void
stamp(struct tc_buf *b)
{
	static _Thread_local time_t last = -1;
	static _Thread_local char sec[32];
	struct timespec ts;
	time_t s;
	char ms[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	s = ts.tv_sec + vd->clock_offset;
	/* The date part changes once a second: format it then only. */
	if (s != last) {
		vd_iso_time(s, 0, sec);
		sec[19] = '\0'; /* drop the Z */
		last = s;
	}
	digits(ms, (unsigned)(ts.tv_nsec / 1000000), 3);
	ms[3] = '\0';
	tc_buf_puts(b, "{\"ts\":\"");
	tc_buf_puts(b, sec);
	tc_buf_put_u8(b, '.');
	tc_buf_puts(b, ms);
	tc_buf_puts(b, "Z\"");
}

static void
write_all(const uint8_t *p, size_t n)
{
	ssize_t w;

	if (log_fd < 0)
		return;
	/* A short write to a file is not retried: the lines are lost. */
	do
		w = write(log_fd, p, n);
	while (w < 0 && errno == EINTR);
}

static void
emit(struct tc_buf *b)
{
	if (tc_buf_put_u8(b, '\n') == 0)
		write_all(b->data, b->len);
}

void
vd_log_request(const char *client, const char *method, const char *path,
    enum vd_endpoint e, unsigned status, enum vd_result r, uint64_t ns,
    size_t bytes, const char *card_masked)
{
	struct linebuf *lb;
	struct tc_buf *bp;
	char frac[3];
	size_t mark;

	if (!log_requests || log_fd < 0)
		return;
	/* A buffer per thread, kept: no allocation per request. */
	pthread_once(&line_once, line_key_init);
	if ((lb = pthread_getspecific(line_key)) == NULL) {
		if ((lb = calloc(1, sizeof(*lb))) == NULL)
			return;
		pthread_mutex_init(&lb->mu, NULL);
		tc_buf_init(&lb->b, 2 * FLUSH_AT);
		pthread_mutex_lock(&list_mu);
		if ((lb->next = lines) != NULL)
			lines->prev = lb;
		lines = lb;
		pthread_mutex_unlock(&list_mu);
		pthread_setspecific(line_key, lb);
	}
	pthread_mutex_lock(&lb->mu);
	bp = &lb->b;
	mark = bp->len;
	stamp(bp);
	tc_buf_puts(bp, ",\"event\":\"request\",\"client\":");
	tc_json_put_str(bp, client, 64);
	tc_buf_puts(bp, ",\"method\":");
	tc_json_put_str(bp, method, 16);
	tc_buf_puts(bp, ",\"path\":");
	tc_json_put_str(bp, path != NULL ? path : "", 200);
	/* No printf here: this runs once per request. */
	tc_buf_puts(bp, ",\"endpoint\":\"");
	tc_buf_puts(bp, vd_endpoint_name(e));
	tc_buf_puts(bp, "\",\"status\":");
	vd_put_uint(bp, status);
	tc_buf_puts(bp, ",\"result\":\"");
	tc_buf_puts(bp, vd_result_name(r));
	tc_buf_puts(bp, "\",\"ms\":");
	vd_put_uint(bp, ns / 1000000);
	digits(frac, (unsigned)(ns / 1000 % 1000), 3);
	tc_buf_put_u8(bp, '.');
	tc_buf_put(bp, frac, 3);
	tc_buf_puts(bp, ",\"bytes\":");
	vd_put_uint(bp, bytes);
	if (card_masked != NULL && card_masked[0] != '\0') {
		tc_buf_puts(bp, ",\"card\":\"");
		tc_buf_puts(bp, card_masked);
		tc_buf_put_u8(bp, '"');
	}
	tc_buf_put_u8(bp, '}');
	if (tc_buf_put_u8(bp, '\n') != 0)
		bp->len = mark; /* no room: drop this line, not the others */
	/* Whole lines, at most FLUSH_AT bytes per write. */
	if (bp->len > FLUSH_AT) {
		write_all(bp->data, mark);
		memmove(bp->data, bp->data + mark, bp->len - mark);
		bp->len -= mark;
	}
	pthread_mutex_unlock(&lb->mu);
}

void
vd_log_event(const char *event, const char *level, const char *fmt, ...)
{
	struct tc_buf b;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_buf_init(&b, 4096);
	stamp(&b);
	tc_buf_puts(&b, ",\"event\":");
	tc_json_put_str(&b, event, 64);
	tc_buf_puts(&b, ",\"level\":");
	tc_json_put_str(&b, level, 16);
	tc_buf_puts(&b, ",\"message\":");
	tc_json_put_str(&b, msg, sizeof(msg));
	tc_buf_put_u8(&b, '}');
	emit(&b);
	tc_buf_release(&b);
}

int
vd_log_limit(enum vd_limit kind, uint64_t now_ns)
{
	const uint64_t per = 1000000000u / LIMIT_RATE;
	const uint64_t cap = (uint64_t)LIMIT_BURST * per;
	struct limit *l = &limits[kind];
	unsigned long dropped = 0;
	int ok;

	pthread_mutex_lock(&l->mu);
	if (!l->started) {
		l->started = 1;
		l->tokens_ns = cap;
	} else if (now_ns > l->last_ns) {
		l->tokens_ns += now_ns - l->last_ns;
		if (l->tokens_ns > cap)
			l->tokens_ns = cap;
	}
	l->last_ns = now_ns;
	if ((ok = l->tokens_ns >= per)) {
		l->tokens_ns -= per;
		dropped = l->dropped;
		l->dropped = 0;
	} else
		l->dropped++;
	pthread_mutex_unlock(&l->mu);
	if (!ok)
		atomic_fetch_add(&limited_total[kind], 1);
	if (dropped != 0)
		vd_log_event("log-limited", "warning",
		    "%lu %s were not logged (more than %d a second)", dropped,
		    limit_names[kind], LIMIT_RATE);
	return ok;
}

unsigned long
vd_log_limited(enum vd_limit kind)
{
	return atomic_load(&limited_total[kind]);
}
