/* SPDX-License-Identifier: MIT */
/*
 * The window's reader: with the setting reader, a thread of
 * tcard-verifierd watches one PC/SC reader at a service window. When a
 * card is presented it runs the tap verification (include/tcard/tap.h:
 * the credential read from the chip verified as a QR e-card is, against
 * the trust list and revocation list of the bundle in use, then a fresh
 * challenge signed by the chip and checked with the card key of the
 * credential, so a clone is refused), keeps the result as a tap with a
 * random id, and waits for the card to be taken out before it reads
 * again: one read per presentation. GET /v1/reader (a staff endpoint)
 * shows the reader's state and the newest tap, and can wait for the next
 * one (?after=TAPID&wait=SECS); POST /v1/services/SERVICE/redeem takes a
 * tap id (vd_reader_find) for at most tap-max-age seconds.
 *
 * Reader trouble (no pcscd, no such reader, the card pulled mid-read, a
 * card that hangs or answers nonsense, another program holding the card)
 * is the reader's state with a message, logged once when it starts;
 * every wait in pcsc-lite is at most SLICE_MS so the thread notices a
 * stop, and every card exchange has the reader-timeout deadline
 * (include/tcard/pcsc.h), so nothing here hangs. After trouble the loop
 * waits BACKOFF_MS before it tries again. Logs carry the masked card
 * number only, never a name or an ID number. Reference:
 * docs/verifierd.md, "The window's reader".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/httpreq.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"
#include "tcard/tap.h"
#include "verdict-json.h"
#include "vd.h"

#define RING	   16	/* taps kept */
#define SLICE_MS   500	/* longest wait in pcsc-lite between stop checks */
#define BACKOFF_MS 1000 /* pause after reader trouble */
#define WAIT_MAX   30	/* seconds a long-poll may wait */
#define PARK_MAX   64	/* long-polls parked at once */
#define WAKE_MS	   200	/* how often parked long-polls are checked */

enum rstate { RS_NO_READER, RS_EMPTY, RS_READING, RS_CARD, RS_ERROR };

static const char *const state_names[] = {
	[RS_NO_READER] = "no-reader",
	[RS_EMPTY] = "empty",
	[RS_READING] = "reading",
	[RS_CARD] = "card",
	[RS_ERROR] = "error",
};

struct vd_reader_state {
	pthread_mutex_t mu;
	pthread_cond_t cond; /* a new tap, or the stop (CLOCK_MONOTONIC) */
	struct vd_tap ring[RING];
	size_t n;	   /* taps held */
	size_t next;	   /* the slot of the next tap */
	enum rstate state; /* guarded by mu, as everything here */
	char msg[512];	   /* of RS_NO_READER and RS_ERROR */
	char last_err[512];
	time_t last_err_at; /* 0: no trouble so far */
	char logged[512];   /* the trouble logged, "" once it is over */
	int stopping;
	unsigned waiters; /* long-polls parked now */
	/*
	 * Parked long-polls: connections suspended until a newer tap, their
	 * deadline or the stop; the waker thread resumes them.
	 */
	struct MHD_Connection *parked[PARK_MAX];
	uint64_t parked_until[PARK_MAX];
	unsigned long taps; /* taps so far, to see a new one */
	pthread_t th, waker;
	int running, waking;
	struct tc_profile_set profiles;
};

int
vd_reader_init(struct vd_ctx *vd)
{
	struct vd_reader_state *R;
	pthread_condattr_t a;

	if ((R = calloc(1, sizeof(*R))) == NULL)
		return -1;
	pthread_mutex_init(&R->mu, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&R->cond, &a);
	pthread_condattr_destroy(&a);
	R->state = RS_NO_READER;
	snprintf(R->msg, sizeof(R->msg), "%s", "looking for the reader");
	vd->reader = R;
	return 0;
}

void
vd_reader_free(struct vd_ctx *vd)
{
	if (vd->reader == NULL)
		return;
	pthread_cond_destroy(&vd->reader->cond);
	pthread_mutex_destroy(&vd->reader->mu);
	free(vd->reader);
	vd->reader = NULL;
}

/* The monotonic time ms milliseconds from now, for a timed wait. */
static struct timespec
deadline_in(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static int
is_stopping(struct vd_ctx *vd)
{
	int s;

	pthread_mutex_lock(&vd->reader->mu);
	s = vd->reader->stopping;
	pthread_mutex_unlock(&vd->reader->mu);
	return s;
}

/* Waits ms milliseconds or until the stop; returns 1 when stopping. */
static int
nap(struct vd_ctx *vd, long ms)
{
	struct timespec until = deadline_in(ms);
	int s;

	pthread_mutex_lock(&vd->reader->mu);
	while (!vd->reader->stopping &&
	    pthread_cond_timedwait(
		&vd->reader->cond, &vd->reader->mu, &until) != ETIMEDOUT)
		;
	s = vd->reader->stopping;
	pthread_mutex_unlock(&vd->reader->mu);
	return s;
}

static int
trouble_state(enum rstate s)
{
	return s == RS_NO_READER || s == RS_ERROR;
}

enum { LOG_NONE, LOG_TROUBLE, LOG_END };

/*
 * Sets the state (mu held). Returns what to log: new trouble (not again
 * at every retry), or its end once the reader is empty or has read a
 * card.
 */
static int
state_locked(struct vd_ctx *vd, enum rstate s, const char *msg)
{
	vd->reader->state = s;
	snprintf(vd->reader->msg, sizeof(vd->reader->msg), "%s",
	    trouble_state(s) ? msg : "");
	if (trouble_state(s)) {
		snprintf(vd->reader->last_err, sizeof(vd->reader->last_err),
		    "%s", msg);
		vd->reader->last_err_at = vd_now(vd);
		if (strcmp(vd->reader->logged, msg) == 0)
			return LOG_NONE;
		snprintf(
		    vd->reader->logged, sizeof(vd->reader->logged), "%s", msg);
		return LOG_TROUBLE;
	}
	if (s == RS_READING || vd->reader->logged[0] == '\0')
		return LOG_NONE;
	vd->reader->logged[0] = '\0';
	return LOG_END;
}

static void
log_state(struct vd_ctx *vd, int what, enum rstate s, const char *msg)
{
	if (what == LOG_TROUBLE)
		vd_log_event(vd, "reader-error", "warning", "%s", msg);
	else if (what == LOG_END)
		vd_log_event(vd, "reader", "info",
		    "reader '%s' works again (%s)", vd->conf.reader,
		    state_names[s]);
}

static void
set_state(struct vd_ctx *vd, enum rstate s, const char *msg)
{
	int what;

	pthread_mutex_lock(&vd->reader->mu);
	what = state_locked(vd, s, msg);
	pthread_mutex_unlock(&vd->reader->mu);
	log_state(vd, what, s, msg);
}

/* Reader trouble of code r: no-reader or error. */
static void
trouble(struct vd_ctx *vd, int r, const char *msg)
{
	set_state(vd, r == TC_ERR_NO_READER ? RS_NO_READER : RS_ERROR, msg);
}

/* Keeps a completed tap and wakes the long-polls. */
static void
store(struct vd_ctx *vd, const struct tc_tap_result *res, time_t at, int stale)
{
	uint8_t rnd[16];
	char id[33], card[20];
	struct vd_tap *t;
	const struct tc_verdict *v = &res->v;
	int what;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		ERR_clear_error();
		set_state(
		    vd, RS_ERROR, "no random bytes for a tap id (OpenSSL)");
		return;
	}
	tc_hex_encode(rnd, sizeof(rnd), id);
	pthread_mutex_lock(&vd->reader->mu);
	t = &vd->reader->ring[vd->reader->next];
	OPENSSL_cleanse(t, sizeof(*t));
	memcpy(t->id, id, sizeof(t->id));
	t->at = at;
	t->res = *res;
	t->stale = stale;
	vd->reader->next = (vd->reader->next + 1) % RING;
	if (vd->reader->n < RING)
		vd->reader->n++;
	what = state_locked(vd, RS_CARD, "");
	vd->reader->taps++;
	pthread_cond_broadcast(&vd->reader->cond);
	pthread_mutex_unlock(&vd->reader->mu);
	log_state(vd, what, RS_CARD, "");
	card[0] = '\0';
	if (v->have_claims)
		vd_mask_card(v->claims.card_no, card);
	vd_log_event(vd, "tap", "info",
	    "tap %s: %s%s%s%s, card %s, profile %s, %u APDUs, %.1f ms%s", id,
	    tc_status_result(v), v->valid ? "" : " (",
	    v->valid ? "" : (v->reason != NULL ? v->reason : "error"),
	    v->valid ? "" : ")", card[0] != '\0' ? card : "none",
	    res->profile[0] != '\0' ? res->profile : "none", res->apdus,
	    res->ms, stale ? ", revocation list stale" : "");
}

enum { READ_DONE, READ_AGAIN };

/*
 * Reads the card in the reader. READ_DONE: a tap, or card trouble (wait
 * for the card to go before the next read); READ_AGAIN: trouble that
 * another try may clear with the card still there (pcscd, the reader,
 * another program holding the card, no bundle yet).
 */
static int
read_card(struct vd_ctx *vd)
{
	struct tc_icc_opts io;
	struct tc_tap_result *res;
	struct vd_bundle *b;
	char err[512], msg[600];
	time_t now;
	int r, stale;

	if ((b = vd_bundle_get(vd)) == NULL) {
		set_state(vd, RS_ERROR,
		    "no bundle is loaded yet: a card cannot be verified");
		return READ_AGAIN;
	}
	if ((res = malloc(sizeof(*res))) == NULL) {
		vd_bundle_put(b);
		set_state(vd, RS_ERROR, "out of memory");
		return READ_AGAIN;
	}
	set_state(vd, RS_READING, "");
	memset(&io, 0, sizeof(io));
	io.timeout_ms = (int)vd->conf.reader_timeout;
	now = vd_now(vd);
	err[0] = '\0';
	r = tc_tap_verify_reader(vd->conf.reader, &io, &vd->reader->profiles,
	    vd->conf.reader_profile, tc_trust_keyring(b->trust->trust),
	    b->rev->rev, now, res, err, sizeof(err));
	/* The card's status (suspended, ...) as /v1/verify gives it; the
	 * staleness of the list is kept with the tap, as before. */
	if (r == 0)
		vd_verdict_status(vd, b, &res->v, now, 1, NULL);
	stale = r == 0 && res->v.valid && vd_bundle_stale(vd, b, now);
	vd_bundle_put(b);
	if (r == 0)
		store(vd, res, now, stale);
	OPENSSL_cleanse(res, sizeof(*res));
	free(res);
	if (r == 0)
		return READ_DONE;
	if (r == TC_ERR_SHARING || r == TC_ERR_NO_SERVICE ||
	    r == TC_ERR_NO_READER || r == TC_ERR_NOMEM ||
	    r == TC_ERR_INTERNAL) {
		snprintf(msg, sizeof(msg), "reading the card: %s (%s)", err,
		    tc_errname(r));
		trouble(vd, r, msg);
		return READ_AGAIN;
	}
	snprintf(msg, sizeof(msg),
	    "reading the card: %s (%s); take the card out and present it again",
	    err, tc_errname(r));
	trouble(vd, r, msg);
	return READ_DONE;
}

/* Waits until the card is taken out (or trouble, or the stop). */
static void
wait_removed(struct vd_ctx *vd)
{
	char err[512];
	int r;

	while (!is_stopping(vd)) {
		r = tc_pcsc_wait(
		    vd->conf.reader, 0, SLICE_MS, err, sizeof(err));
		if (r == 0) {
			set_state(vd, RS_EMPTY, "");
			return;
		}
		if (r == TC_ERR_CARD_TIMEOUT)
			continue; /* still there */
		trouble(vd, r, err);
		nap(vd, BACKOFF_MS);
		return;
	}
}

static void *
run(void *arg)
{
	struct vd_ctx *vd = arg;
	char err[512];
	int r;

	while (!is_stopping(vd)) {
		r = tc_pcsc_wait(
		    vd->conf.reader, 1, SLICE_MS, err, sizeof(err));
		if (r == TC_ERR_CARD_TIMEOUT) {
			set_state(vd, RS_EMPTY, "");
			continue;
		}
		if (r != 0) {
			trouble(vd, r, err);
			nap(vd, BACKOFF_MS);
			continue;
		}
		if (is_stopping(vd))
			break;
		if (read_card(vd) == READ_AGAIN) {
			nap(vd, BACKOFF_MS);
			continue;
		}
		wait_removed(vd);
	}
	return NULL;
}

/* Resumes parked long-poll i (mu held); the handler then answers. */
static void
unpark(struct vd_ctx *vd, unsigned i)
{
	MHD_resume_connection(vd->reader->parked[i]);
	vd->reader->waiters--;
	vd->reader->parked[i] = vd->reader->parked[vd->reader->waiters];
	vd->reader->parked_until[i] =
	    vd->reader->parked_until[vd->reader->waiters];
}

/*
 * The waker: every WAKE_MS, and at once when a tap comes or the daemon
 * stops, resumes the parked long-polls that are over (all of them after
 * a new tap: each handler checks its own "after"). A resumed handler that
 * is not done parks again.
 */
static void *
wake(void *arg)
{
	struct vd_ctx *vd = arg;
	struct timespec until;
	unsigned long seen;
	uint64_t now;
	unsigned i;

	pthread_mutex_lock(&vd->reader->mu);
	seen = vd->reader->taps;
	for (;;) {
		now = vd_mono_ns();
		for (i = vd->reader->waiters; i-- > 0;)
			if (vd->reader->stopping || vd->reader->taps != seen ||
			    now >= vd->reader->parked_until[i])
				unpark(vd, i);
		seen = vd->reader->taps;
		if (vd->reader->stopping)
			break;
		until = deadline_in(WAKE_MS);
		pthread_cond_timedwait(
		    &vd->reader->cond, &vd->reader->mu, &until);
	}
	pthread_mutex_unlock(&vd->reader->mu);
	return NULL;
}

int
vd_reader_start(struct vd_ctx *vd, char *err, size_t errlen)
{
	char msg[512];

	if (vd->conf.reader[0] == '\0')
		return 0;
	if (tc_profile_set_load(&vd->reader->profiles, tc_profile_dir(NULL),
		msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "reader: card profiles: %s", msg);
		return -1;
	}
	if (strcmp(vd->conf.reader_profile, "auto") != 0 &&
	    tc_profile_set_find(
		&vd->reader->profiles, vd->conf.reader_profile) == NULL) {
		vd_err(err, errlen,
		    "reader-profile: no profile '%s' in the profile directory %s",
		    vd->conf.reader_profile, tc_profile_dir(NULL));
		tc_profile_set_release(&vd->reader->profiles);
		return -1;
	}
	if (pthread_create(&vd->reader->waker, NULL, wake, vd) != 0) {
		vd_err(err, errlen, "reader: cannot start a thread");
		tc_profile_set_release(&vd->reader->profiles);
		return -1;
	}
	pthread_mutex_lock(&vd->reader->mu);
	vd->reader->waking = 1;
	pthread_mutex_unlock(&vd->reader->mu);
	if (pthread_create(&vd->reader->th, NULL, run, vd) != 0) {
		vd_err(err, errlen, "reader: cannot start a thread");
		vd_reader_stop(vd);
		return -1;
	}
	vd->reader->running = 1;
	vd_log_event(vd, "reader", "info",
	    "watching reader '%s' (profile %s, %u ms per card operation, taps usable for %u s)",
	    vd->conf.reader, vd->conf.reader_profile, vd->conf.reader_timeout,
	    vd->conf.tap_max_age);
	return 0;
}

void
vd_reader_stop(struct vd_ctx *vd)
{
	if (vd->conf.reader[0] == '\0')
		return;
	pthread_mutex_lock(&vd->reader->mu);
	vd->reader->stopping = 1;
	pthread_cond_broadcast(&vd->reader->cond);
	pthread_mutex_unlock(&vd->reader->mu);
	/* The waker resumes every parked long-poll before it ends. */
	if (vd->reader->waking)
		pthread_join(vd->reader->waker, NULL);
	pthread_mutex_lock(&vd->reader->mu);
	vd->reader->waking = 0;
	pthread_mutex_unlock(&vd->reader->mu);
	if (vd->reader->running)
		pthread_join(vd->reader->th, NULL);
	vd->reader->running = 0;
	tc_profile_set_release(&vd->reader->profiles);
}

int
vd_reader_find(struct vd_ctx *vd, const char *id, struct vd_tap *out)
{
	time_t now = vd_now(vd);
	size_t i;
	int r = -1;

	if (id == NULL || out == NULL || strlen(id) != 32 ||
	    vd->conf.reader[0] == '\0')
		return -1;
	pthread_mutex_lock(&vd->reader->mu);
	for (i = 0; i < vd->reader->n; i++)
		if (strcmp(vd->reader->ring[i].id, id) == 0) {
			if (now - vd->reader->ring[i].at <=
			    (time_t)vd->conf.tap_max_age) {
				*out = vd->reader->ring[i];
				r = 0;
			}
			break;
		}
	pthread_mutex_unlock(&vd->reader->mu);
	return r;
}

/* ---- GET /v1/reader ---- */

/* The newest tap, or NULL (mu held). */
static const struct vd_tap *
newest(struct vd_ctx *vd)
{
	return vd->reader->n == 0
	    ? NULL
	    : &vd->reader->ring[(vd->reader->next + RING - 1) % RING];
}

int
vd_reader_newest(struct vd_ctx *vd, struct vd_tap *out)
{
	const struct vd_tap *t;
	time_t now = vd_now(vd);
	int r = -1;

	if (out == NULL || vd->conf.reader[0] == '\0')
		return -1;
	pthread_mutex_lock(&vd->reader->mu);
	if ((t = newest(vd)) != NULL &&
	    now - t->at <= (time_t)vd->conf.tap_max_age) {
		*out = *t;
		r = 0;
	}
	pthread_mutex_unlock(&vd->reader->mu);
	return r;
}

/* A long-poll is over: a tap newer than after (or any, without). */
static int
ready(struct vd_ctx *vd, const char *after)
{
	const struct vd_tap *t = newest(vd);

	return t != NULL && (after == NULL || strcmp(t->id, after) != 0);
}

/* What the answer shows, copied under the lock. */
struct view {
	enum rstate state;
	char msg[512], last_err[512];
	time_t last_err_at;
	unsigned waiting; /* other long-polls */
	int have_tap;
	struct vd_tap tap;
};

static int
write_view(struct vd_ctx *vd, struct tc_buf *o, struct view *w,
    struct vd_bundle *b, struct tc_dreq *rq)
{
	struct tc_verdict_note note = { NULL, NULL, NULL, NULL, NULL };
	const struct tc_programme *p;
	struct tc_tap_result *t = &w->tap.res;
	time_t now = vd_now(vd);
	char when[32];
	size_t mark;
	int bad = 0;

	bad |= tc_buf_puts(o, "{\"reader\":");
	bad |= tc_json_put_str(o, vd->conf.reader, TC_VDCONF_READER_MAX);
	bad |= tc_buf_printf(
	    o, ",\"state\":\"%s\",\"message\":", state_names[w->state]);
	if (trouble_state(w->state))
		bad |= tc_json_put_str(o, w->msg, sizeof(w->msg));
	else
		bad |= tc_buf_puts(o, "null");
	bad |= tc_buf_puts(o, ",\"last_error\":");
	if (w->last_err_at != 0) {
		tc_daemon_iso_time(w->last_err_at, 28800, when);
		bad |= tc_buf_puts(o, "{\"message\":");
		bad |= tc_json_put_str(o, w->last_err, sizeof(w->last_err));
		bad |= tc_buf_printf(o, ",\"at\":\"%s\",\"age\":%lld}", when,
		    (long long)(now - w->last_err_at));
	} else
		bad |= tc_buf_puts(o, "null");
	bad |= tc_buf_printf(o, ",\"waiting\":%u,\"tap\":", w->waiting);
	if (!w->have_tap)
		return bad | tc_buf_puts(o, "null}\n");
	tc_daemon_iso_time(w->tap.at, 28800, when);
	bad |= tc_buf_printf(o,
	    "{\"id\":\"%s\",\"at\":\"%s\",\"age\":%lld,\"usable\":%s,\"profile\":",
	    w->tap.id, when, (long long)(now - w->tap.at),
	    now - w->tap.at <= (time_t)vd->conf.tap_max_age ? "true" : "false");
	if (t->profile[0] != '\0')
		bad |= tc_json_put_str(o, t->profile, sizeof(t->profile));
	else
		bad |= tc_buf_puts(o, "null");
	bad |= tc_buf_printf(o,
	    ",\"apdus\":%u,\"ms\":%.1f,\"challenge_signed\":%s,\"verdict\":",
	    t->apdus, t->ms, t->card_checked ? "true" : "false");
	p = tc_verdict_programme(&t->v, b != NULL ? b->progs->set : NULL);
	if (t->v.valid && w->tap.stale) {
		if (vd->conf.stale_policy == TC_STALE_FAIL) {
			note.result = "UNKNOWN-STATUS";
			note.reason = note.detail = "stale-revocations";
			note.message =
			    "the signature, the dates and the chip are good, but the revocation list of this verifier was out of date at the tap: whether the card is revoked is unknown";
		} else
			note.warning =
			    "the revocation list of this verifier was out of date at the tap: a recent revocation may be missing";
	}
	if (t->v.have_claims)
		vd_mask_card(t->v.claims.card_no, rq->subject);
	mark = o->len;
	if (bad || tc_verdict_json_write(o, &t->v, p, &note, 0) != 0)
		return -1;
	/* The verdict's own line end goes. */
	if (o->len > mark && o->data[o->len - 1] == '\n')
		tc_buf_truncate(o, o->len - 1);
	return bad | tc_buf_puts(o, "}}\n");
}

static int
is_tap_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 32;
}

void
vd_ep_reader(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	static const char *const allowed[] = { "after", "wait", NULL };
	static _Thread_local struct tc_form form;
	struct vd_bundle *b = NULL;
	struct view *w = NULL;
	const char *after, *ws;
	char msg[512], *end;
	unsigned long wait = 0;
	const struct vd_tap *t;
	int busy = 0;

	if (vd_staff_auth(vd, rq, resp) == NULL)
		return;
	if (vd->conf.reader[0] == '\0') {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unavailable", "%s",
		    "no reader is configured (setting reader)");
		return;
	}
	if (tc_form_parse(&form, rq->query, rq->querylen, msg, sizeof(msg)) !=
		0 ||
	    tc_form_only(&form, allowed, msg, sizeof(msg)) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s", msg);
		return;
	}
	if ((after = tc_form_get(&form, "after", NULL)) != NULL &&
	    !is_tap_id(after)) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s",
		    "after: a tap id (32 lower-case hex digits)");
		return;
	}
	if ((ws = tc_form_get(&form, "wait", NULL)) != NULL) {
		errno = 0;
		wait = strtoul(ws, &end, 10);
		if (*ws < '0' || *ws > '9' || errno != 0 || *end != '\0' ||
		    wait > WAIT_MAX) {
			tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST,
			    VD_R_BAD_REQUEST, "bad-query",
			    "wait: whole seconds from 0 to %d", WAIT_MAX);
			return;
		}
	}
	pthread_mutex_lock(&vd->reader->mu);
	if (wait > 0 && rq->park_until_ns == 0)
		rq->park_until_ns = vd_mono_ns() + (uint64_t)wait * 1000000000u;
	if (wait > 0 && !ready(vd, after) && !vd->reader->stopping &&
	    vd->reader->waking && vd_mono_ns() < rq->park_until_ns) {
		/*
		 * Park: suspended under mu, so the waker cannot resume it
		 * before it is suspended; no worker thread is held.
		 */
		if (vd->reader->waiters >= PARK_MAX)
			busy = 1;
		else {
			vd->reader->parked[vd->reader->waiters] = rq->mhd;
			vd->reader->parked_until[vd->reader->waiters] =
			    rq->park_until_ns;
			vd->reader->waiters++;
			MHD_suspend_connection(rq->mhd);
			resp->suspended = 1;
			pthread_mutex_unlock(&vd->reader->mu);
			return;
		}
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		pthread_mutex_unlock(&vd->reader->mu);
		goto nomem;
	}
	w->state = vd->reader->state;
	memcpy(w->msg, vd->reader->msg, sizeof(w->msg));
	memcpy(w->last_err, vd->reader->last_err, sizeof(w->last_err));
	w->last_err_at = vd->reader->last_err_at;
	w->waiting = vd->reader->waiters;
	if ((t = newest(vd)) != NULL) {
		w->have_tap = 1;
		w->tap = *t;
	}
	pthread_mutex_unlock(&vd->reader->mu);
	if (busy) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "busy", "%s",
		    "too many requests are waiting for a tap; try again");
		snprintf(resp->retry_after, sizeof(resp->retry_after), "1");
		goto out;
	}
	b = vd_bundle_get(vd);
	tc_buf_init(&resp->body, 1u << 20);
	if (write_view(vd, &resp->body, w, b, rq) != 0)
		goto nomem;
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	goto out;
nomem:
	tc_dresp_nomem(d, resp);
out:
	vd_bundle_put(b);
	if (w != NULL) {
		OPENSSL_cleanse(w, sizeof(*w));
		free(w);
	}
}
