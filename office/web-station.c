/* SPDX-License-Identifier: MIT */
/*
 * The web worker's side of the branch stations (docs/station.md): the
 * station table, POST /v1/station/poll with its long poll, the job
 * threads that drive a card through a relay (tc_perso_drive on
 * tc_relay_icc, every key operation an RPC to the monitor through
 * office/web-perso.c), the face and the print report of a job's card,
 * and the operator's routes that make a job and read its state.
 *
 * A station is known by the common name of its client certificate
 * ("talentcard station NAME", checked against the station CA by the
 * daemon layer, tc_dreq_client_cert); the station routes exist over TLS
 * with such a certificate only. The table holds, per station: when it
 * last polled, what its reader says (card present, insertion number,
 * ATR), the job waiting for its card, the job running (its relay and
 * thread), a batch taken from the relay and not yet handed out, and the
 * job whose face it is to print.
 *
 * A long poll does not hold one of libmicrohttpd's few threads: the
 * handler suspends the connection (MHD_suspend_connection) and a waiter
 * thread of its own waits for a batch of the station's relay
 * (tc_relay_take), a job to start, or the poll's time, then resumes it;
 * libmicrohttpd then calls the handler again, which answers. Waiters are
 * one per parked poll, one parked poll per station (a new one ends the
 * old), so bounded by the table. Job threads are at most JOBS_MAX.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/officerpc.h"
#include "tcard/perso.h"
#include "tcard/relay.h"
#include "tcard/station-print.h"
#include "tcard/station-proto.h"
#include "web.h"

#define STATIONS_MAX 256 /* stations known at once */
#define JOBS_MAX     16	 /* job threads at once */
#define NAME_MAX_    64	 /* characters of a station's name */
#define CN_PREFIX    "talentcard station "
/* A station that polls with nothing to do is told to wait this long. */
#define IDLE_POLL_MS 0

struct parked;

struct station {
	char name[NAME_MAX_ + 1];
	uint64_t last_ns; /* its last poll (monotonic), 0: never */
	int present;
	uint32_t insert;
	uint8_t atr[TC_STATION_ATR_MAX];
	size_t atr_len;
	char waiting[TC_STATION_JOB_MAX + 1]; /* a job for its next card */
	char running[TC_STATION_JOB_MAX + 1]; /* the job driving a card */
	struct tc_relay *rl;		      /* its relay (a reference) */
	uint32_t run_insert;		      /* the insertion it drives */
	struct tc_station_resp pending;	      /* taken, not handed out */
	char print[TC_STATION_JOB_MAX + 1];   /* a face to print, "" */
	struct parked *parked;		      /* its long poll, or NULL */
	uint64_t polls;			      /* polls so far */
};

/* A long poll parked until its time, a batch, a job or the end. */
struct parked {
	struct web_stations *t;
	struct MHD_Connection *c;
	char name[NAME_MAX_ + 1];
	uint64_t until_ns;
	int had_print; /* a face to print was named when it parked */
	int end;       /* answer now (a newer poll, the end) */
};

/* A job thread. */
struct job {
	struct web *w;
	struct web_stations *t;
	char job[TC_STATION_JOB_MAX + 1];
	char station[NAME_MAX_ + 1];
	struct tc_relay *rl; /* the thread's reference */
	pthread_t thread;
	int done;
	struct job *next;
};

struct web_stations {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a station's state changed */
	struct station st[STATIONS_MAX];
	size_t n;
	struct job *jobs; /* started, not joined */
	unsigned running;
	unsigned waiters; /* waiter threads alive */
	int stopping;
};

/* What a poll's handler keeps between its two calls (rq->app). */
struct poll_state {
	char name[NAME_MAX_ + 1];
	uint64_t poll; /* its number (struct station's polls) */
};

static uint64_t
ms_ns(uint64_t ms)
{
	return ms * 1000000u;
}

int
web_station_start(struct web *w, char *err, size_t errlen)
{
	struct web_stations *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		snprintf(err, errlen, "%s", "out of memory");
		return -1;
	}
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	w->stations = t;
	return 0;
}

/* Joins the job threads that ended (all when every is set). Locked. */
static void
reap(struct web_stations *t, int every)
{
	struct job **pp = &t->jobs, *j;

	while ((j = *pp) != NULL) {
		if (!j->done && !every) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		pthread_mutex_unlock(&t->mu);
		pthread_join(j->thread, NULL);
		pthread_mutex_lock(&t->mu);
		free(j);
		/* The list may have changed while unlocked. */
		pp = &t->jobs;
	}
}

void
web_station_stop(struct web *w)
{
	struct web_stations *t = w->stations;
	size_t i;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	t->stopping = 1;
	for (i = 0; i < t->n; i++) {
		if (t->st[i].rl != NULL)
			tc_relay_cancel(t->st[i].rl, TC_ERR_STATE,
			    "tcard-issuerd is stopping");
		if (t->st[i].parked != NULL)
			t->st[i].parked->end = 1;
	}
	pthread_cond_broadcast(&t->cv);
	/* Every parked poll resumed before libmicrohttpd stops. */
	while (t->waiters > 0)
		pthread_cond_wait(&t->cv, &t->mu);
	reap(t, 1);
	pthread_mutex_unlock(&t->mu);
}

void
web_station_free(struct web *w)
{
	struct web_stations *t = w->stations;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->st[i].rl != NULL)
			tc_relay_release(t->st[i].rl);
		tc_station_resp_free(&t->st[i].pending);
	}
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
	w->stations = NULL;
}

/* 1 when s is a station's name: 1..64 of A-Z a-z 0-9 . _ - */
static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= NAME_MAX_ &&
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	    n;
}

/* 1 when s is a job id: 1..32 of A-Z a-z 0-9 - */
static int
job_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= TC_STATION_JOB_MAX &&
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
	    n;
}

/* The station name (Locked). make: add it when missing (NULL: full). */
static struct station *
station_of(struct web_stations *t, const char *name, int make)
{
	size_t i, oldest = 0;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->st[i].name, name) == 0)
			return &t->st[i];
	if (!make)
		return NULL;
	if (t->n == STATIONS_MAX) {
		/* The longest silent one without a job goes. */
		for (i = 0; i < t->n; i++)
			if (t->st[i].rl == NULL && t->st[i].parked == NULL &&
			    t->st[i].waiting[0] == '\0' &&
			    (t->st[oldest].rl != NULL ||
				t->st[oldest].parked != NULL ||
				t->st[oldest].waiting[0] != '\0' ||
				t->st[i].last_ns < t->st[oldest].last_ns))
				oldest = i;
		if (t->st[oldest].rl != NULL || t->st[oldest].parked != NULL ||
		    t->st[oldest].waiting[0] != '\0')
			return NULL;
		tc_station_resp_free(&t->st[oldest].pending);
		i = oldest;
	} else
		i = t->n++;
	memset(&t->st[i], 0, sizeof(t->st[i]));
	snprintf(t->st[i].name, sizeof(t->st[i].name), "%s", name);
	return &t->st[i];
}

/*
 * The station of rq's client certificate into name, or -1 with resp
 * answered 403.
 */
static int
station_name(
    struct tc_dreq *rq, char name[NAME_MAX_ + 1], struct tc_dresp *resp)
{
	char cn[128], err[256] = "";
	size_t k = strlen(CN_PREFIX);

	if (tc_dreq_client_cert(rq, cn, sizeof(cn), err, sizeof(err)) != 0) {
		tc_dresp_error(resp, 403, WEB_R_FORBIDDEN, "forbidden",
		    "the station routes need a valid station certificate over HTTPS: %s",
		    err);
		return -1;
	}
	if (strncmp(cn, CN_PREFIX, k) != 0 || !name_ok(cn + k)) {
		tc_dresp_error(resp, 403, WEB_R_FORBIDDEN, "forbidden", "%s",
		    "the certificate's common name is not \"talentcard station NAME\"");
		return -1;
	}
	memcpy(name, cn + k, strlen(cn + k) + 1); /* name_ok: 1..64 */
	return 0;
}

/* ---- job threads ---- */

/* The end of a job: the station's state, Locked. */
static void
job_ended(struct web_stations *t, struct job *j, int rc)
{
	struct station *st = station_of(t, j->station, 0);

	if (st != NULL && st->rl == j->rl) {
		tc_relay_release(st->rl);
		st->rl = NULL;
		st->running[0] = '\0';
		tc_station_resp_free(&st->pending);
		if (rc == 0)
			memcpy(st->print, j->job, sizeof(st->print));
	}
	j->done = 1;
	t->running--;
	pthread_cond_broadcast(&t->cv);
}

static void *
job_main(void *arg)
{
	struct job *j = arg;
	struct web_perso *p = NULL;
	struct tc_perso_result res;
	struct tc_icc *icc = NULL;
	char err[512] = "", name[96];
	unsigned rt = 0;
	int rc;

	memset(&res, 0, sizeof(res));
	snprintf(name, sizeof(name), "station %s", j->station);
	if ((rc = web_perso_open(
		 j->w, j->job, j->station, &p, err, sizeof(err))) == 0 &&
	    (rc = tc_relay_icc(&icc, j->rl, name)) == 0) {
		rc = tc_perso_drive(icc, web_perso_profiles(p), NULL,
		    web_perso_job(p), web_perso_env(p), &res, err, sizeof(err));
	}
	if (icc != NULL)
		tc_icc_close(icc);
	tc_relay_state(j->rl, &rt, NULL);
	if (rc != 0 && err[0] == '\0')
		snprintf(err, sizeof(err), "%s", tc_strerror(rc));
	tc_dlog_event(j->w->log, "station", rc == 0 ? "info" : "warning",
	    "job %s at station %s: %s after %u round trips%s%s", j->job,
	    j->station, rc == 0 ? "chip done" : "failed", rt,
	    rc != 0 ? ": " : "", rc != 0 ? err : "");
	if (p != NULL)
		web_perso_close(p, rc, &res, rc != 0 ? err : NULL, rt);
	/* Nothing more is taken from or given to it. */
	tc_relay_cancel(j->rl, TC_ERR_STATE, "the job is over");
	pthread_mutex_lock(&j->t->mu);
	job_ended(j->t, j, rc);
	pthread_mutex_unlock(&j->t->mu);
	tc_relay_release(j->rl);
	return NULL;
}

/*
 * Starts the job waiting for st when a card is there and a thread is
 * free. Locked. Any card: which card it is the station cannot say (a
 * restarted station counts insertions from 1 again, cards of a kind share
 * their ATR), and the monitor binds a job to its chip at chip_start, before
 * the chip is changed: a job started on another card's chip (one made
 * before, still in the reader) fails there, the chip untouched.
 */
static void
maybe_start(struct web *w, struct web_stations *t, struct station *st)
{
	struct job *j;
	struct tc_relay *rl;

	if (t->stopping || st->waiting[0] == '\0' || st->rl != NULL ||
	    !st->present)
		return;
	reap(t, 0);
	if (t->running >= JOBS_MAX || (j = calloc(1, sizeof(*j))) == NULL)
		return;
	if (tc_relay_new(&rl, st->waiting, st->atr, st->atr_len, 0) != 0) {
		free(j);
		return;
	}
	j->w = w;
	j->t = t;
	memcpy(j->job, st->waiting, sizeof(j->job));
	memcpy(j->station, st->name, sizeof(j->station));
	tc_relay_hold(rl);
	j->rl = rl;
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		tc_relay_release(rl);
		tc_relay_release(rl);
		free(j);
		return;
	}
	st->rl = rl;
	st->run_insert = st->insert;
	memcpy(st->running, st->waiting, sizeof(st->running));
	st->waiting[0] = '\0';
	j->next = t->jobs;
	t->jobs = j;
	t->running++;
}

/* ---- the poll ---- */

/*
 * Takes the relay's next batch into st->pending when there is one
 * within wait_ms. Locked (unlocked while it waits). Returns 1 when st
 * has a batch to hand out.
 */
static int
take(
    struct web_stations *t, struct station **stp, const char *name, int wait_ms)
{
	struct station *st = *stp;
	struct tc_station_resp b;
	struct tc_relay *rl = st->rl;

	if (st->pending.batch != 0)
		return 1;
	if (rl == NULL)
		return 0;
	memset(&b, 0, sizeof(b));
	tc_relay_hold(rl);
	if (wait_ms > 0)
		pthread_mutex_unlock(&t->mu);
	if (tc_relay_take(rl, wait_ms, &b, NULL, 0) != 0)
		b.batch = 0;
	if (wait_ms > 0)
		pthread_mutex_lock(&t->mu);
	/* The table may have moved while unlocked: find it again. */
	*stp = st = station_of(t, name, 0);
	if (b.batch != 0 && st != NULL && st->rl == rl &&
	    st->pending.batch == 0)
		st->pending = b; /* owned by st now */
	else
		tc_station_resp_free(&b);
	tc_relay_release(rl);
	return st != NULL && st->pending.batch != 0;
}

/*
 * The response to st's poll into resp: the pending batch handed out,
 * unless the poll is not the station's last (batch 0): a station that
 * polled again gave up the older one, whose answer nobody reads.
 */
static void
respond(struct station *st, int batch, struct tc_dresp *resp)
{
	struct tc_station_resp out;

	memset(&out, 0, sizeof(out));
	if (st != NULL) {
		if (batch && st->pending.batch != 0) {
			out = st->pending;
			memset(&st->pending, 0, sizeof(st->pending));
		}
		memcpy(out.print, st->print, sizeof(out.print));
	}
	out.poll_ms = IDLE_POLL_MS;
	tc_buf_init(&resp->body, 2 * TC_STATION_BODY_MAX);
	tc_dresp_checked(resp, tc_station_resp_write(&out, &resp->body));
	tc_station_resp_free(&out);
}

static void *
waiter_main(void *arg)
{
	struct parked *p = arg;
	struct web_stations *t = p->t;
	struct station *st;
	struct timespec ts;
	uint64_t now, left;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		st = station_of(t, p->name, 0);
		now = tc_daemon_mono_ns();
		if (st == NULL || st->parked != p || p->end || t->stopping ||
		    now >= p->until_ns || st->pending.batch != 0 ||
		    (!p->had_print && st->print[0] != '\0'))
			break;
		left = p->until_ns - now;
		if (st->rl != NULL) {
			/* At most 1 s at a time: the end is seen. */
			if (take(t, &st, p->name,
				(int)(left > ms_ns(1000) ? 1000
							 : left / 1000000 + 1)))
				break;
			if (st != NULL && st->rl != NULL) {
				int end;

				tc_relay_state(st->rl, NULL, &end);
				if (end == 0)
					continue;
			}
		}
		/* Nothing to take: a job to start, the end, or the time. */
		clock_gettime(CLOCK_REALTIME, &ts);
		if (left > ms_ns(1000))
			left = ms_ns(1000);
		ts.tv_sec += (time_t)(left / 1000000000u);
		ts.tv_nsec += (long)(left % 1000000000u);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
	}
	if (st != NULL && st->parked == p)
		st->parked = NULL;
	MHD_resume_connection(p->c);
	t->waiters--;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	free(p);
	return NULL;
}

/*
 * Parks rq's connection until wait_ms passed or st has something. Locked.
 * Returns 0 (resp->suspended), or -1 (answer now).
 */
static int
park(struct web_stations *t, struct station *st, struct tc_dreq *rq,
    int wait_ms, struct tc_dresp *resp)
{
	struct parked *p;
	struct poll_state *ps;
	pthread_t th;
	pthread_attr_t a;
	int r;

	if (wait_ms <= 0 || t->stopping)
		return -1;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (ps = calloc(1, sizeof(*ps))) == NULL) {
		free(p);
		return -1;
	}
	p->t = t;
	p->c = rq->mhd;
	memcpy(p->name, st->name, sizeof(p->name));
	p->until_ns = tc_daemon_mono_ns() + ms_ns((uint64_t)wait_ms);
	p->had_print = st->print[0] != '\0';
	memcpy(ps->name, st->name, sizeof(ps->name));
	ps->poll = st->polls;
	MHD_suspend_connection(rq->mhd);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&th, &a, waiter_main, p);
	pthread_attr_destroy(&a);
	if (r != 0) {
		MHD_resume_connection(rq->mhd);
		free(p);
		free(ps);
		return -1;
	}
	st->parked = p;
	t->waiters++;
	rq->app = ps;
	resp->suspended = 1;
	return 0;
}

/* The station's answers and reader state into st. Locked. */
static int
report(
    struct station *st, const struct tc_station_req *q, struct tc_dresp *resp)
{
	char err[256] = "";
	int r;

	if (q->batch != 0) {
		if (st->rl == NULL) {
			tc_dresp_error(resp, 409, WEB_R_REFUSED, "conflict",
			    "answers to batch %llu: no batch is outstanding for this station",
			    (unsigned long long)q->batch);
			return -1;
		}
		/* Not the batch outstanding, or none is (the job ended). */
		if ((r = tc_relay_give(st->rl, q, err, sizeof(err))) != 0) {
			tc_dresp_error(resp, 409, WEB_R_REFUSED, "conflict",
			    "answers to batch %llu: %s (the job fails)",
			    (unsigned long long)q->batch, err);
			return -1;
		}
	}
	/* Another card, or none: the job on the last one ends. */
	if (st->rl != NULL && (!q->present || q->insert != st->run_insert))
		tc_relay_cancel(st->rl, TC_ERR_CARD_REMOVED,
		    q->present ? "another card was put in the station's reader"
			       : "the card left the station's reader");
	st->present = q->present;
	st->insert = q->insert;
	st->atr_len = q->present ? q->atr_len : 0;
	memcpy(st->atr, q->atr, st->atr_len);
	return 0;
}

void
web_station_poll(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct web_stations *t = w->stations;
	struct poll_state *ps = rq->app;
	struct tc_station_req q;
	struct station *st;
	char name[NAME_MAX_ + 1], err[512] = "";
	int r;

	rq->ep = WEB_EP_STATION;
	if (ps != NULL) {
		/* Resumed: the answer is what the station has now. */
		pthread_mutex_lock(&t->mu);
		st = station_of(t, ps->name, 0);
		respond(st, st != NULL && st->polls == ps->poll, resp);
		pthread_mutex_unlock(&t->mu);
		return;
	}
	if (station_name(rq, name, resp) != 0 || !tc_dreq_json(d, rq, resp))
		return;
	memset(&q, 0, sizeof(q));
	if ((r = tc_station_req_parse(
		 &q, rq->body.data, rq->body.len, err, sizeof(err))) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			tc_dresp_bad_body(d, resp, r, err);
		else
			tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST,
			    "malformed", "%s", err);
		return;
	}
	pthread_mutex_lock(&t->mu);
	if ((st = station_of(t, name, 1)) == NULL) {
		pthread_mutex_unlock(&t->mu);
		tc_station_req_free(&q);
		tc_dresp_error(resp, 503, WEB_R_UNAVAILABLE, "unavailable",
		    "%s", "too many stations are busy");
		return;
	}
	st->last_ns = tc_daemon_mono_ns();
	st->polls++;
	if (st->parked != NULL) {
		st->parked->end = 1; /* an older poll: answered now */
		st->parked = NULL;
		pthread_cond_broadcast(&t->cv);
	}
	if (report(st, &q, resp) == 0) {
		maybe_start(w, t, st);
		/* A batch now, else the poll parks for up to its wait. */
		if (take(t, &st, name, 0) || st == NULL ||
		    park(t, st, rq, q.wait_ms, resp) != 0)
			respond(st, 1, resp);
	}
	pthread_mutex_unlock(&t->mu);
	tc_station_req_free(&q);
}

/* ---- the job's face and print report ---- */

/* The {job} of a station route, or NULL with resp answered 404. */
static const char *
job_param(struct tc_dreq *rq, struct tc_dresp *resp)
{
	const char *job = tc_dreq_param(rq, "job");

	if (!job_ok(job)) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such job");
		return NULL;
	}
	return job;
}

void
web_station_face(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct web_answer an;
	char name[NAME_MAX_ + 1], err[512] = "";
	const char *job;
	json_t *req;
	int r;

	rq->ep = WEB_EP_STATION;
	if (station_name(rq, name, resp) != 0 ||
	    (job = job_param(rq, resp)) == NULL)
		return;
	req = json_pack("{s:s, s:{s:s, s:s}}", "op", "perso-face", "args",
	    "job", job, "station", name);
	if (req == NULL) {
		tc_dresp_nomem(d, resp);
		return;
	}
	if (web_call(w, req, &an, resp) != 0)
		return;
	if (an.error != NULL || an.status != 200 || an.body == NULL) {
		web_answer_json(&an, resp);
		web_answer_free(&an);
		return;
	}
	tc_buf_init(&resp->body, 16u << 20);
	if ((r = web_face_pdf(an.body, an.raw ? NULL : an.tail,
		 an.raw ? 0 : an.tlen, &resp->body, err, sizeof(err))) != 0) {
		tc_dresp_error(resp, 500, WEB_R_ERROR, "internal",
		    "the card face cannot be drawn: %s", err);
	} else {
		resp->ctype = "application/pdf";
		snprintf(resp->disposition, sizeof(resp->disposition),
		    "attachment; filename=\"card-%s.pdf\"",
		    json_string_value(json_object_get(
			json_object_get(an.body, "card"), "card_no"))
			?: job);
	}
	web_answer_free(&an);
}

void
web_station_print(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct web_stations *t = w->stations;
	struct tc_station_print p;
	struct web_answer an;
	struct station *st;
	char name[NAME_MAX_ + 1], err[512] = "";
	const char *job;
	json_t *req;
	int r;

	rq->ep = WEB_EP_STATION;
	if (station_name(rq, name, resp) != 0 ||
	    (job = job_param(rq, resp)) == NULL || !tc_dreq_json(d, rq, resp))
		return;
	if ((r = tc_station_print_parse(
		 &p, rq->body.data, rq->body.len, err, sizeof(err))) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			tc_dresp_bad_body(d, resp, r, err);
		else
			tc_dresp_error(resp, 400, WEB_R_BAD_REQUEST,
			    "malformed", "%s", err);
		return;
	}
	req = json_pack("{s:s, s:{s:s, s:s, s:I, s:s, s:s}}", "op",
	    "perso-print", "args", "job", job, "station", name, "cups_job",
	    (json_int_t)p.cups_job, "state",
	    tc_station_print_state_name(p.state), "reason", p.reason);
	if (req == NULL) {
		tc_dresp_nomem(d, resp);
		return;
	}
	if (web_call(w, req, &an, resp) != 0)
		return;
	if (web_answer_json(&an, resp)) {
		/* Reported: the station is not told to print it again. */
		pthread_mutex_lock(&t->mu);
		if ((st = station_of(t, name, 0)) != NULL &&
		    strcmp(st->print, job) == 0)
			st->print[0] = '\0';
		pthread_mutex_unlock(&t->mu);
	}
	web_answer_free(&an);
}

/* ---- the operator's routes ---- */

void
web_api_production_make(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	const char *card = tc_dreq_param(rq, "card");
	size_t n = card != NULL ? strlen(card) : 0;
	const char *job, *station;
	struct web_answer an;
	json_t *req, *args;
	char *text;

	rq->ep = WEB_EP_CARD_ACTION;
	if (n == 0 || n > TC_ORPC_CARD_MAX || strspn(card, "0123456789") != n) {
		tc_dresp_error(resp, 404, WEB_R_NOT_FOUND, "not-found", "%s",
		    "no such card");
		return;
	}
	if ((args = web_body_object(rq, resp)) == NULL)
		return;
	if ((req = web_request(rq, "perso-make", resp)) == NULL) {
		json_decref(args);
		return;
	}
	json_object_set_new(req, "card", json_string(card));
	json_object_set_new(req, "args", args);
	if (web_call(w, req, &an, resp) != 0)
		return;
	job = json_string_value(json_object_get(an.body, "job"));
	station = json_string_value(json_object_get(an.body, "station"));
	if (an.error != NULL || an.status != 201 || !job_ok(job) ||
	    station == NULL || !name_ok(station)) {
		if (an.error == NULL && an.status == 201)
			an.status = 500; /* not the answer of the contract */
		web_answer_json(&an, resp);
		web_answer_free(&an);
		return;
	}
	if (web_station_wait_job(w, station, job) != 0) {
		tc_dresp_error(resp, 503, WEB_R_UNAVAILABLE, "unavailable",
		    "%s", "too many stations are busy");
		web_answer_free(&an);
		return;
	}
	if ((text = json_dumps(an.body, JSON_COMPACT)) == NULL)
		tc_dresp_nomem(d, resp);
	else {
		resp->status = 201;
		tc_buf_init(&resp->body, strlen(text) + 2);
		tc_dresp_checked(resp,
		    tc_buf_puts(&resp->body, text) |
			tc_buf_put(&resp->body, "\n", 1));
	}
	free(text);
	web_answer_free(&an);
}

int
web_station_wait_job(struct web *w, const char *station, const char *job)
{
	struct web_stations *t = w->stations;
	struct station *st;

	if (t == NULL || !name_ok(station) || !job_ok(job))
		return -1;
	pthread_mutex_lock(&t->mu);
	if ((st = station_of(t, station, 1)) != NULL) {
		if (st->waiting[0] != '\0')
			tc_dlog_event(w->log, "station", "info",
			    "station %s: job %s replaces job %s, which waited for a card",
			    station, job, st->waiting);
		snprintf(st->waiting, sizeof(st->waiting), "%s", job);
		maybe_start(w, t, st);
		pthread_cond_broadcast(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	return st != NULL ? 0 : -1;
}

int
web_station_job_rt(struct web *w, const char *job, unsigned *rt)
{
	struct web_stations *t = w->stations;
	size_t i;
	int found = 0;

	if (t == NULL)
		return 0;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->n && !found; i++)
		if (t->st[i].rl != NULL && strcmp(t->st[i].running, job) == 0) {
			tc_relay_state(t->st[i].rl, rt, NULL);
			found = 1;
		}
	pthread_mutex_unlock(&t->mu);
	return found;
}

void
web_api_production_job(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct web *w = tc_daemon_app(d);
	struct web_answer an;
	const char *job;
	unsigned rt;
	json_t *req;

	rq->ep = WEB_EP_CARD;
	if ((job = job_param(rq, resp)) == NULL ||
	    (req = web_request(rq, "perso-status", resp)) == NULL)
		return;
	json_object_set_new(req, "args", json_pack("{s:s}", "job", job));
	if (web_call(w, req, &an, resp) != 0)
		return;
	/* While it runs, the relay knows the round trips so far. */
	if (an.error == NULL && an.status == 200 && json_is_object(an.body) &&
	    strcmp(json_string_value(json_object_get(an.body, "state")) != NULL
		    ? json_string_value(json_object_get(an.body, "state"))
		    : "",
		"running") == 0 &&
	    web_station_job_rt(w, job, &rt))
		json_object_set_new(an.body, "round_trips", json_integer(rt));
	web_answer_json(&an, resp);
	web_answer_free(&an);
}

json_t *
web_station_names(struct web *w, unsigned secs)
{
	struct web_stations *t = w->stations;
	uint64_t now = tc_daemon_mono_ns();
	json_t *a = json_array();
	size_t i;

	if (a == NULL || t == NULL)
		return a;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->n; i++)
		if (t->st[i].last_ns != 0 &&
		    now - t->st[i].last_ns <= (uint64_t)secs * 1000000000u)
			json_array_append_new(a, json_string(t->st[i].name));
	pthread_mutex_unlock(&t->mu);
	return a;
}
