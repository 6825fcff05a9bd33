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

static struct {
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
} R;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init_once(void)
{
	pthread_condattr_t a;

	pthread_mutex_init(&R.mu, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&R.cond, &a);
	pthread_condattr_destroy(&a);
	R.state = RS_NO_READER;
	snprintf(R.msg, sizeof(R.msg), "%s", "looking for the reader");
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
is_stopping(void)
{
	int s;

	pthread_mutex_lock(&R.mu);
	s = R.stopping;
	pthread_mutex_unlock(&R.mu);
	return s;
}

/* Waits ms milliseconds or until the stop; returns 1 when stopping. */
static int
nap(long ms)
{
	struct timespec until = deadline_in(ms);
	int s;

	pthread_mutex_lock(&R.mu);
	while (!R.stopping &&
	    pthread_cond_timedwait(&R.cond, &R.mu, &until) != ETIMEDOUT)
		;
	s = R.stopping;
	pthread_mutex_unlock(&R.mu);
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
state_locked(enum rstate s, const char *msg)
{
	R.state = s;
	snprintf(R.msg, sizeof(R.msg), "%s", trouble_state(s) ? msg : "");
	if (trouble_state(s)) {
		snprintf(R.last_err, sizeof(R.last_err), "%s", msg);
		R.last_err_at = vd_now();
		if (strcmp(R.logged, msg) == 0)
			return LOG_NONE;
		snprintf(R.logged, sizeof(R.logged), "%s", msg);
		return LOG_TROUBLE;
	}
	if (s == RS_READING || R.logged[0] == '\0')
		return LOG_NONE;
	R.logged[0] = '\0';
	return LOG_END;
}

static void
log_state(int what, enum rstate s, const char *msg)
{
	if (what == LOG_TROUBLE)
		vd_log_event("reader-error", "warning", "%s", msg);
	else if (what == LOG_END)
		vd_log_event("reader", "info", "reader '%s' works again (%s)",
		    vd->conf.reader, state_names[s]);
}

static void
set_state(enum rstate s, const char *msg)
{
	int what;

	pthread_mutex_lock(&R.mu);
	what = state_locked(s, msg);
	pthread_mutex_unlock(&R.mu);
	log_state(what, s, msg);
}

/* Reader trouble of code r: no-reader or error. */
static void
trouble(int r, const char *msg)
{
	set_state(r == TC_ERR_NO_READER ? RS_NO_READER : RS_ERROR, msg);
}

/* Keeps a completed tap and wakes the long-polls. */
static void
store(const struct tc_tap_result *res, time_t at, int stale)
{
	uint8_t rnd[16];
	char id[33], card[20];
	struct vd_tap *t;
	const struct tc_verdict *v = &res->v;
	int what;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		ERR_clear_error();
		set_state(RS_ERROR, "no random bytes for a tap id (OpenSSL)");
		return;
	}
	tc_hex_encode(rnd, sizeof(rnd), id);
	pthread_mutex_lock(&R.mu);
	t = &R.ring[R.next];
	OPENSSL_cleanse(t, sizeof(*t));
	memcpy(t->id, id, sizeof(t->id));
	t->at = at;
	t->res = *res;
	t->stale = stale;
	R.next = (R.next + 1) % RING;
	if (R.n < RING)
		R.n++;
	what = state_locked(RS_CARD, "");
	R.taps++;
	pthread_cond_broadcast(&R.cond);
	pthread_mutex_unlock(&R.mu);
	log_state(what, RS_CARD, "");
	card[0] = '\0';
	if (v->have_claims)
		vd_mask_card(v->claims.card_no, card);
	vd_log_event("tap", "info",
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
read_card(void)
{
	struct tc_icc_opts io;
	struct tc_tap_result *res;
	struct vd_bundle *b;
	char err[512], msg[600];
	time_t now;
	int r, stale;

	if ((b = vd_bundle_get()) == NULL) {
		set_state(RS_ERROR,
		    "no bundle is loaded yet: a card cannot be verified");
		return READ_AGAIN;
	}
	if ((res = malloc(sizeof(*res))) == NULL) {
		vd_bundle_put(b);
		set_state(RS_ERROR, "out of memory");
		return READ_AGAIN;
	}
	set_state(RS_READING, "");
	memset(&io, 0, sizeof(io));
	io.timeout_ms = (int)vd->conf.reader_timeout;
	now = vd_now();
	err[0] = '\0';
	r = tc_tap_verify_reader(vd->conf.reader, &io, &R.profiles,
	    vd->conf.reader_profile, tc_trust_keyring(b->trust->trust),
	    b->rev->rev, now, res, err, sizeof(err));
	/* The card's status (suspended, ...) as /v1/verify gives it; the
	 * staleness of the list is kept with the tap, as before. */
	if (r == 0)
		vd_verdict_status(b, &res->v, now, 1, NULL);
	stale = r == 0 && res->v.valid && vd_bundle_stale(b, now);
	vd_bundle_put(b);
	if (r == 0)
		store(res, now, stale);
	OPENSSL_cleanse(res, sizeof(*res));
	free(res);
	if (r == 0)
		return READ_DONE;
	if (r == TC_ERR_SHARING || r == TC_ERR_NO_SERVICE ||
	    r == TC_ERR_NO_READER || r == TC_ERR_NOMEM ||
	    r == TC_ERR_INTERNAL) {
		snprintf(msg, sizeof(msg), "reading the card: %s (%s)", err,
		    tc_errname(r));
		trouble(r, msg);
		return READ_AGAIN;
	}
	snprintf(msg, sizeof(msg),
	    "reading the card: %s (%s); take the card out and present it again",
	    err, tc_errname(r));
	trouble(r, msg);
	return READ_DONE;
}

/* Waits until the card is taken out (or trouble, or the stop). */
static void
wait_removed(void)
{
	char err[512];
	int r;

	while (!is_stopping()) {
		r = tc_pcsc_wait(
		    vd->conf.reader, 0, SLICE_MS, err, sizeof(err));
		if (r == 0) {
			set_state(RS_EMPTY, "");
			return;
		}
		if (r == TC_ERR_CARD_TIMEOUT)
			continue; /* still there */
		trouble(r, err);
		nap(BACKOFF_MS);
		return;
	}
}

static void *
run(void *arg)
{
	char err[512];
	int r;

	while (!is_stopping()) {
		r = tc_pcsc_wait(
		    vd->conf.reader, 1, SLICE_MS, err, sizeof(err));
		if (r == TC_ERR_CARD_TIMEOUT) {
			set_state(RS_EMPTY, "");
			continue;
		}
		if (r != 0) {
			trouble(r, err);
			nap(BACKOFF_MS);
			continue;
		}
		if (is_stopping())
			break;
		if (read_card() == READ_AGAIN) {
			nap(BACKOFF_MS);
			continue;
		}
		wait_removed();
	}
	return NULL;
}

/* Resumes parked long-poll i (mu held); the handler then answers. */
static void
unpark(unsigned i)
{
	MHD_resume_connection(R.parked[i]);
	R.waiters--;
	R.parked[i] = R.parked[R.waiters];
	R.parked_until[i] = R.parked_until[R.waiters];
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
	struct timespec until;
	unsigned long seen;
	uint64_t now;
	unsigned i;

	(void)arg;
	pthread_mutex_lock(&R.mu);
	seen = R.taps;
	for (;;) {
		now = vd_mono_ns();
		for (i = R.waiters; i-- > 0;)
			if (R.stopping || R.taps != seen ||
			    now >= R.parked_until[i])
				unpark(i);
		seen = R.taps;
		if (R.stopping)
			break;
		until = deadline_in(WAKE_MS);
		pthread_cond_timedwait(&R.cond, &R.mu, &until);
	}
	pthread_mutex_unlock(&R.mu);
	return NULL;
}

int
vd_reader_start(char *err, size_t errlen)
{
	char msg[512];

	if (vd->conf.reader[0] == '\0')
		return 0;
	pthread_once(&once, init_once);
	if (tc_profile_set_load(
		&R.profiles, tc_profile_dir(NULL), msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "reader: card profiles: %s", msg);
		return -1;
	}
	if (strcmp(vd->conf.reader_profile, "auto") != 0 &&
	    tc_profile_set_find(&R.profiles, vd->conf.reader_profile) == NULL) {
		vd_err(err, errlen,
		    "reader-profile: no profile '%s' in the profile directory %s",
		    vd->conf.reader_profile, tc_profile_dir(NULL));
		tc_profile_set_release(&R.profiles);
		return -1;
	}
	if (pthread_create(&R.waker, NULL, wake, NULL) != 0) {
		vd_err(err, errlen, "reader: cannot start a thread");
		tc_profile_set_release(&R.profiles);
		return -1;
	}
	pthread_mutex_lock(&R.mu);
	R.waking = 1;
	pthread_mutex_unlock(&R.mu);
	if (pthread_create(&R.th, NULL, run, NULL) != 0) {
		vd_err(err, errlen, "reader: cannot start a thread");
		vd_reader_stop();
		return -1;
	}
	R.running = 1;
	vd_log_event("reader", "info",
	    "watching reader '%s' (profile %s, %u ms per card operation, taps usable for %u s)",
	    vd->conf.reader, vd->conf.reader_profile, vd->conf.reader_timeout,
	    vd->conf.tap_max_age);
	return 0;
}

void
vd_reader_stop(void)
{
	if (vd->conf.reader[0] == '\0')
		return;
	pthread_once(&once, init_once);
	pthread_mutex_lock(&R.mu);
	R.stopping = 1;
	pthread_cond_broadcast(&R.cond);
	pthread_mutex_unlock(&R.mu);
	/* The waker resumes every parked long-poll before it ends. */
	if (R.waking)
		pthread_join(R.waker, NULL);
	pthread_mutex_lock(&R.mu);
	R.waking = 0;
	pthread_mutex_unlock(&R.mu);
	if (R.running)
		pthread_join(R.th, NULL);
	R.running = 0;
	tc_profile_set_release(&R.profiles);
}

int
vd_reader_find(const char *id, struct vd_tap *out)
{
	time_t now = vd_now();
	size_t i;
	int r = -1;

	if (id == NULL || out == NULL || strlen(id) != 32 ||
	    vd->conf.reader[0] == '\0')
		return -1;
	pthread_once(&once, init_once);
	pthread_mutex_lock(&R.mu);
	for (i = 0; i < R.n; i++)
		if (strcmp(R.ring[i].id, id) == 0) {
			if (now - R.ring[i].at <=
			    (time_t)vd->conf.tap_max_age) {
				*out = R.ring[i];
				r = 0;
			}
			break;
		}
	pthread_mutex_unlock(&R.mu);
	return r;
}

/* ---- GET /v1/reader ---- */

/* The newest tap, or NULL (mu held). */
static const struct vd_tap *
newest(void)
{
	return R.n == 0 ? NULL : &R.ring[(R.next + RING - 1) % RING];
}

/* A long-poll is over: a tap newer than after (or any, without). */
static int
ready(const char *after)
{
	const struct vd_tap *t = newest();

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
write_view(
    struct tc_buf *o, struct view *w, struct vd_bundle *b, struct tc_dreq *rq)
{
	struct tc_verdict_note note = { NULL, NULL, NULL, NULL, NULL };
	const struct tc_programme *p;
	struct tc_tap_result *t = &w->tap.res;
	time_t now = vd_now();
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
	static const char *const allowed[] = { "after", "wait", NULL };
	static _Thread_local struct tc_form form;
	struct vd_bundle *b = NULL;
	struct view *w = NULL;
	const char *after, *ws;
	char msg[512], *end;
	unsigned long wait = 0;
	const struct vd_tap *t;
	int busy = 0;

	if (vd_staff_auth(rq, resp) == NULL)
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
	pthread_once(&once, init_once);
	pthread_mutex_lock(&R.mu);
	if (wait > 0 && rq->park_until_ns == 0)
		rq->park_until_ns = vd_mono_ns() + (uint64_t)wait * 1000000000u;
	if (wait > 0 && !ready(after) && !R.stopping && R.waking &&
	    vd_mono_ns() < rq->park_until_ns) {
		/*
		 * Park: suspended under mu, so the waker cannot resume it
		 * before it is suspended; no worker thread is held.
		 */
		if (R.waiters >= PARK_MAX)
			busy = 1;
		else {
			R.parked[R.waiters] = rq->mhd;
			R.parked_until[R.waiters] = rq->park_until_ns;
			R.waiters++;
			MHD_suspend_connection(rq->mhd);
			resp->suspended = 1;
			pthread_mutex_unlock(&R.mu);
			return;
		}
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		pthread_mutex_unlock(&R.mu);
		goto nomem;
	}
	w->state = R.state;
	memcpy(w->msg, R.msg, sizeof(w->msg));
	memcpy(w->last_err, R.last_err, sizeof(w->last_err));
	w->last_err_at = R.last_err_at;
	w->waiting = R.waiters;
	if ((t = newest()) != NULL) {
		w->have_tap = 1;
		w->tap = *t;
	}
	pthread_mutex_unlock(&R.mu);
	if (busy) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "busy", "%s",
		    "too many requests are waiting for a tap; try again");
		snprintf(resp->retry_after, sizeof(resp->retry_after), "1");
		goto out;
	}
	b = vd_bundle_get();
	tc_buf_init(&resp->body, 1u << 20);
	if (write_view(&resp->body, w, b, rq) != 0)
		goto nomem;
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	goto out;
nomem:
	tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR, VD_R_ERROR,
	    "internal", "%s", "out of memory");
out:
	vd_bundle_put(b);
	if (w != NULL) {
		OPENSSL_cleanse(w, sizeof(*w));
		free(w);
	}
}
