/* SPDX-License-Identifier: MIT */
/*
 * The JSON log of a daemon: one JSON object per line, to standard error
 * or to a file (setting "log"), for requests (client address, method,
 * path without the query string, endpoint, status, result, duration,
 * bytes, and a masked subject such as a card number) and for events
 * (start, reloads, stop). A line never holds a name or an ID number: the
 * query string and bodies are not logged at all. Its state is a struct
 * tc_dlog; the daemon's wrappers (tcard-verifierd: verifier/vd-log.c)
 * hold one.
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

#include "daemon-int.h"
#include "tcard/buf.h"
#include "tcard/httpreq.h"

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

static const char *const limit_names[TC_DLOG_LIMIT_COUNT] = {
	[TC_DLOG_HTTP] = "libmicrohttpd messages",
	[TC_DLOG_ABORTED] = "lines of requests closed before an answer",
};

/* A worker thread's lines waiting to be written. */
struct linebuf {
	pthread_mutex_t mu;
	struct tc_buf b;
	struct linebuf *next, *prev;
	struct tc_dlog *L;
};

struct tc_dlog {
	int fd;		     /* -1: nothing is written */
	int log_requests;    /* 0: "off", events only */
	time_t clock_offset; /* added to the real time of a line */
	char path[4096];     /* a file: reopened on SIGHUP */
	pthread_key_t line_key;
	int have_key;
	struct limit limits[TC_DLOG_LIMIT_COUNT];
	atomic_ulong limited_total[TC_DLOG_LIMIT_COUNT];
	pthread_mutex_t list_mu;
	struct linebuf *lines; /* every thread's buffer */
	pthread_t flusher;
	int flusher_running;
	pthread_mutex_t stop_mu;
	pthread_cond_t stop_cond;
	int stop_flusher;
};

static void write_all(struct tc_dlog *L, const uint8_t *p, size_t n);

/* Writes what lb holds; lb->mu is held. */
static void
flush_locked(struct linebuf *lb)
{
	if (lb->b.len > 0)
		write_all(lb->L, lb->b.data, lb->b.len);
	lb->b.len = 0;
}

/* Writes and frees a worker thread's buffer when the thread ends. */
static void
line_free(void *p)
{
	struct linebuf *lb = p;
	struct tc_dlog *L = lb->L;

	pthread_mutex_lock(&L->list_mu);
	if (lb->prev != NULL)
		lb->prev->next = lb->next;
	else
		L->lines = lb->next;
	if (lb->next != NULL)
		lb->next->prev = lb->prev;
	pthread_mutex_unlock(&L->list_mu);
	pthread_mutex_lock(&lb->mu);
	flush_locked(lb);
	pthread_mutex_unlock(&lb->mu);
	pthread_mutex_destroy(&lb->mu);
	tc_buf_release(&lb->b);
	free(lb);
}

static void
flush_all(struct tc_dlog *L)
{
	struct linebuf *lb;

	pthread_mutex_lock(&L->list_mu);
	for (lb = L->lines; lb != NULL; lb = lb->next) {
		pthread_mutex_lock(&lb->mu);
		flush_locked(lb);
		pthread_mutex_unlock(&lb->mu);
	}
	pthread_mutex_unlock(&L->list_mu);
}

static void *
flush_loop(void *arg)
{
	struct tc_dlog *L = arg;
	struct timespec ts;

	pthread_mutex_lock(&L->stop_mu);
	while (!L->stop_flusher) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += FLUSH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&L->stop_cond, &L->stop_mu, &ts);
		pthread_mutex_unlock(&L->stop_mu);
		flush_all(L);
		pthread_mutex_lock(&L->stop_mu);
	}
	pthread_mutex_unlock(&L->stop_mu);
	return NULL;
}

int
tc_dlog_start(struct tc_dlog *L)
{
	if (pthread_create(&L->flusher, NULL, flush_loop, L) != 0)
		return -1;
	L->flusher_running = 1;
	return 0;
}

void
tc_dlog_stop(struct tc_dlog *L)
{
	if (L->flusher_running) {
		pthread_mutex_lock(&L->stop_mu);
		L->stop_flusher = 1;
		pthread_cond_signal(&L->stop_cond);
		pthread_mutex_unlock(&L->stop_mu);
		pthread_join(L->flusher, NULL);
		L->flusher_running = 0;
	}
	flush_all(L);
}

int
tc_dlog_open(struct tc_dlog **out, const char *dest, time_t clock_offset,
    char *err, size_t errlen)
{
	struct tc_dlog *L;
	size_t k;
	int fd = STDERR_FILENO;

	*out = NULL;
	if (strcmp(dest, "-") != 0 && strcmp(dest, "off") != 0) {
		if (strlen(dest) >= sizeof(L->path)) {
			tc_daemon_err(
			    err, errlen, "log %s: %s", dest, "path too long");
			return -1;
		}
		fd =
		    open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			tc_daemon_err(
			    err, errlen, "log %s: %s", dest, strerror(errno));
			return -1;
		}
	}
	if ((L = calloc(1, sizeof(*L))) == NULL ||
	    pthread_key_create(&L->line_key, line_free) != 0) {
		free(L);
		if (fd > STDERR_FILENO)
			close(fd);
		tc_daemon_err(err, errlen, "log %s: %s", dest, "out of memory");
		return -1;
	}
	L->have_key = 1;
	L->fd = fd;
	L->log_requests = strcmp(dest, "off") != 0;
	L->clock_offset = clock_offset;
	if (fd > STDERR_FILENO)
		memcpy(L->path, dest, strlen(dest) + 1);
	for (k = 0; k < TC_DLOG_LIMIT_COUNT; k++)
		pthread_mutex_init(&L->limits[k].mu, NULL);
	pthread_mutex_init(&L->list_mu, NULL);
	pthread_mutex_init(&L->stop_mu, NULL);
	pthread_cond_init(&L->stop_cond, NULL);
	*out = L;
	return 0;
}

int
tc_dlog_reopen(struct tc_dlog *L)
{
	int fd;

	if (L->path[0] == '\0')
		return 0;
	fd = open(L->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (fd != L->fd) {
		dup2(fd, L->fd);
		close(fd);
	}
	return 0;
}

void
tc_dlog_close(struct tc_dlog *L)
{
	struct linebuf *lb;

	if (L == NULL)
		return;
	tc_dlog_stop(L);
	/* The buffers of threads still alive (their destructor won't run). */
	while ((lb = L->lines) != NULL) {
		L->lines = lb->next;
		pthread_mutex_destroy(&lb->mu);
		tc_buf_release(&lb->b);
		free(lb);
	}
	if (L->have_key)
		pthread_key_delete(L->line_key);
	if (L->fd > STDERR_FILENO)
		close(L->fd);
	free(L);
}

int
tc_json_put_uint(struct tc_buf *b, unsigned long long v)
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
tc_daemon_iso_time(int64_t t, int offset, char out[32])
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
static int
stamp(struct tc_dlog *L, struct tc_buf *b)
{
	static _Thread_local time_t last = -1;
	static _Thread_local char sec[32];
	struct timespec ts;
	time_t s;
	char ms[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	s = ts.tv_sec + L->clock_offset;
	/* The date part changes once a second: format it then only. */
	if (s != last) {
		tc_daemon_iso_time(s, 0, sec);
		sec[19] = '\0'; /* drop the Z */
		last = s;
	}
	digits(ms, (unsigned)(ts.tv_nsec / 1000000), 3);
	ms[3] = '\0';
	return tc_buf_puts(b, "{\"ts\":\"") | tc_buf_puts(b, sec) |
	    tc_buf_put_u8(b, '.') | tc_buf_puts(b, ms) | tc_buf_puts(b, "Z\"");
}

static void
write_all(struct tc_dlog *L, const uint8_t *p, size_t n)
{
	ssize_t w;

	if (L->fd < 0)
		return;
	/* A short write to a file is not retried: the lines are lost. */
	do
		w = write(L->fd, p, n);
	while (w < 0 && errno == EINTR);
}

/* Writes b with its line end when every put of it succeeded (bad 0). */
static void
emit(struct tc_dlog *L, struct tc_buf *b, int bad)
{
	if (bad == 0 && tc_buf_put_u8(b, '\n') == 0)
		write_all(L, b->data, b->len);
}

void
tc_dlog_request(struct tc_dlog *L, const char *client, const char *method,
    const char *path, const char *endpoint, unsigned status, const char *result,
    uint64_t ns, size_t bytes, const char *subject)
{
	struct linebuf *lb;
	struct tc_buf *bp;
	char frac[3];
	size_t mark;
	int bad = 0;

	if (L == NULL || !L->log_requests || L->fd < 0)
		return;
	/* A buffer per thread, kept: no allocation per request. */
	if ((lb = pthread_getspecific(L->line_key)) == NULL) {
		if ((lb = calloc(1, sizeof(*lb))) == NULL)
			return;
		pthread_mutex_init(&lb->mu, NULL);
		tc_buf_init(&lb->b, 2 * FLUSH_AT);
		lb->L = L;
		pthread_mutex_lock(&L->list_mu);
		if ((lb->next = L->lines) != NULL)
			L->lines->prev = lb;
		L->lines = lb;
		pthread_mutex_unlock(&L->list_mu);
		pthread_setspecific(L->line_key, lb);
	}
	pthread_mutex_lock(&lb->mu);
	bp = &lb->b;
	mark = bp->len;
	bad |= stamp(L, bp);
	bad |= tc_buf_puts(bp, ",\"event\":\"request\",\"client\":");
	bad |= tc_json_put_str(bp, client, 64);
	bad |= tc_buf_puts(bp, ",\"method\":");
	bad |= tc_json_put_str(bp, method, 16);
	bad |= tc_buf_puts(bp, ",\"path\":");
	bad |= tc_json_put_str(bp, path != NULL ? path : "", 200);
	/* No printf here: this runs once per request. */
	bad |= tc_buf_puts(bp, ",\"endpoint\":\"");
	bad |= tc_buf_puts(bp, endpoint);
	bad |= tc_buf_puts(bp, "\",\"status\":");
	bad |= tc_json_put_uint(bp, status);
	bad |= tc_buf_puts(bp, ",\"result\":\"");
	bad |= tc_buf_puts(bp, result);
	bad |= tc_buf_puts(bp, "\",\"ms\":");
	bad |= tc_json_put_uint(bp, ns / 1000000);
	digits(frac, (unsigned)(ns / 1000 % 1000), 3);
	bad |= tc_buf_put_u8(bp, '.');
	bad |= tc_buf_put(bp, frac, 3);
	bad |= tc_buf_puts(bp, ",\"bytes\":");
	bad |= tc_json_put_uint(bp, bytes);
	if (subject != NULL && subject[0] != '\0') {
		bad |= tc_buf_puts(bp, ",\"card\":\"");
		bad |= tc_buf_puts(bp, subject);
		bad |= tc_buf_put_u8(bp, '"');
	}
	bad |= tc_buf_put_u8(bp, '}');
	if ((bad | tc_buf_put_u8(bp, '\n')) != 0)
		bp->len = mark; /* no room: drop this line, not the others */
	/* Whole lines, at most FLUSH_AT bytes per write. */
	if (bp->len > FLUSH_AT) {
		write_all(L, bp->data, mark);
		memmove(bp->data, bp->data + mark, bp->len - mark);
		bp->len -= mark;
	}
	pthread_mutex_unlock(&lb->mu);
}

void
tc_dlog_eventv(struct tc_dlog *L, const char *event, const char *level,
    const char *fmt, va_list ap)
{
	struct tc_buf b;
	char msg[1024];
	int bad = 0;

	if (L == NULL)
		return;
	/* A message cut to 1 KiB is still a message. */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	tc_buf_init(&b, 4096);
	bad |= stamp(L, &b);
	bad |= tc_buf_puts(&b, ",\"event\":");
	bad |= tc_json_put_str(&b, event, 64);
	bad |= tc_buf_puts(&b, ",\"level\":");
	bad |= tc_json_put_str(&b, level, 16);
	bad |= tc_buf_puts(&b, ",\"message\":");
	bad |= tc_json_put_str(&b, msg, sizeof(msg));
	bad |= tc_buf_put_u8(&b, '}');
	emit(L, &b, bad);
	tc_buf_release(&b);
}

void
tc_dlog_event(struct tc_dlog *L, const char *event, const char *level,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tc_dlog_eventv(L, event, level, fmt, ap);
	va_end(ap);
}

int
tc_dlog_limit(struct tc_dlog *L, enum tc_dlog_limit kind, uint64_t now_ns)
{
	const uint64_t per = 1000000000u / LIMIT_RATE;
	const uint64_t cap = (uint64_t)LIMIT_BURST * per;
	struct limit *l;
	unsigned long dropped = 0;
	int ok;

	if (L == NULL)
		return 1;
	l = &L->limits[kind];
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
		atomic_fetch_add(&L->limited_total[kind], 1);
	if (dropped != 0)
		tc_dlog_event(L, "log-limited", "warning",
		    "%lu %s were not logged (more than %d a second)", dropped,
		    limit_names[kind], LIMIT_RATE);
	return ok;
}

unsigned long
tc_dlog_limited(struct tc_dlog *L, enum tc_dlog_limit kind)
{
	return L != NULL ? atomic_load(&L->limited_total[kind]) : 0;
}
