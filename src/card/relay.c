/* SPDX-License-Identifier: MIT */
/*
 * The station relay (include/tcard/relay.h): a queue of commands shared
 * by the driver's thread and the station's poll handler under one mutex,
 * with one condition variable (monotonic clock) for both directions. The
 * relay moves through IDLE (commands may queue) -> READY (a batch waits
 * for the station) -> SENT (handed out) -> ANSWERED (the answers are in)
 * -> IDLE; once ended (a failure or tc_relay_cancel) every wait returns
 * the end reason. An entry queued as an answer wanted later carries the
 * struct tc_icc's buffer for its answer, filled once the whole batch came
 * back allowed (fill_answers). docs/station.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card-int.h"
#include "tcard/apdu.h"
#include "tcard/err.h"
#include "tcard/relay.h"

enum { IDLE, READY, SENT, ANSWERED };

struct entry {
	uint8_t *c;
	size_t n;
	struct tc_icc_sw ok[TC_ICC_SW_MAX];
	size_t n_ok;
	struct tc_buf *answer; /* an answer wanted later: the icc's slot */
	int *filled;
};

struct tc_relay {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	char job[TC_STATION_JOB_MAX + 1];
	uint8_t atr[TC_ICC_ATR_MAX];
	size_t atrlen;
	int batch_ms;
	struct entry q[TC_STATION_BATCH_MAX];
	size_t nq, qbytes;
	int state;
	uint64_t batch; /* the id of the last batch made READY */
	struct tc_station_bytes ans[TC_STATION_BATCH_MAX];
	size_t nans;
	int stop;
	unsigned round_trips;
	int end; /* 0, or the TC_ERR_* that ended the relay */
	char end_msg[256];
};

int
tc_relay_new(struct tc_relay **out, const char *job, const uint8_t *atr,
    size_t atrlen, int batch_ms)
{
	struct tc_relay *rl;
	pthread_condattr_t ca;
	int ok;

	if (out == NULL || job == NULL || strlen(job) == 0 ||
	    strlen(job) > TC_STATION_JOB_MAX || atrlen > TC_ICC_ATR_MAX ||
	    (atr == NULL && atrlen > 0) || batch_ms < 0)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return TC_ERR_NOMEM;
	snprintf(rl->job, sizeof(rl->job), "%s", job);
	if (atrlen > 0)
		memcpy(rl->atr, atr, atrlen);
	rl->atrlen = atrlen;
	rl->batch_ms = batch_ms > 0 ? batch_ms : TC_RELAY_BATCH_MS;
	rl->refs = 1;
	ok = pthread_condattr_init(&ca) == 0;
	ok = ok && pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&rl->cv, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if (!ok) {
		free(rl);
		return TC_ERR_INTERNAL;
	}
	if (pthread_mutex_init(&rl->mu, NULL) != 0) {
		pthread_cond_destroy(&rl->cv);
		free(rl);
		return TC_ERR_INTERNAL;
	}
	*out = rl;
	return 0;
}

/* Empties the queue and the answers (under the lock). */
static void
clear(struct tc_relay *rl)
{
	size_t i;

	for (i = 0; i < rl->nq; i++)
		free(rl->q[i].c);
	for (i = 0; i < rl->nans; i++)
		free(rl->ans[i].p);
	memset(rl->q, 0, sizeof(rl->q));
	memset(rl->ans, 0, sizeof(rl->ans));
	rl->nq = rl->qbytes = rl->nans = 0;
	rl->stop = 0;
}

void
tc_relay_hold(struct tc_relay *rl)
{
	pthread_mutex_lock(&rl->mu);
	rl->refs++;
	pthread_mutex_unlock(&rl->mu);
}

void
tc_relay_release(struct tc_relay *rl)
{
	int last;

	if (rl == NULL)
		return;
	pthread_mutex_lock(&rl->mu);
	last = --rl->refs == 0;
	pthread_mutex_unlock(&rl->mu);
	if (!last)
		return;
	clear(rl);
	pthread_cond_destroy(&rl->cv);
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

/* Ends the relay with code and a message (under the lock). */
static void
end_locked(struct tc_relay *rl, int code, const char *msg)
{
	if (rl->end == 0) {
		rl->end = code;
		snprintf(rl->end_msg, sizeof(rl->end_msg), "%s", msg);
	}
	pthread_cond_broadcast(&rl->cv);
}

void
tc_relay_cancel(struct tc_relay *rl, int code, const char *msg)
{
	pthread_mutex_lock(&rl->mu);
	end_locked(rl, code != 0 ? code : TC_ERR_STATE,
	    msg != NULL ? msg : "the job was cancelled");
	pthread_mutex_unlock(&rl->mu);
}

void
tc_relay_state(struct tc_relay *rl, unsigned *round_trips, int *end)
{
	pthread_mutex_lock(&rl->mu);
	if (round_trips != NULL)
		*round_trips = rl->round_trips;
	if (end != NULL)
		*end = rl->end;
	pthread_mutex_unlock(&rl->mu);
}

static int
ended(struct tc_relay *rl, char *err, size_t errlen)
{
	return tc_seterr(err, errlen, rl->end, "%s", rl->end_msg);
}

/* Appends a command to the queue (under the lock). */
static int
enqueue(struct tc_relay *rl, const uint8_t *cmd, size_t n,
    const struct tc_icc_sw *ok, size_t n_ok)
{
	struct entry *e = &rl->q[rl->nq];

	if ((e->c = malloc(n)) == NULL)
		return TC_ERR_NOMEM;
	memcpy(e->c, cmd, n);
	e->n = n;
	memcpy(e->ok, ok, n_ok * sizeof(ok[0]));
	e->n_ok = n_ok;
	e->answer = NULL;
	e->filled = NULL;
	rl->nq++;
	rl->qbytes += n;
	return 0;
}

/*
 * Why the answers fell short of the queue, as the driver's error; the
 * relay ends with it (under the lock).
 */
static int
short_answers(struct tc_relay *rl, char *err, size_t errlen)
{
	const struct entry *e;
	const struct tc_station_bytes *a;
	char msg[200];
	int code;

	if (rl->stop == TC_STATION_STOP_SW && rl->nans > 0 &&
	    rl->nans <= rl->nq) {
		e = &rl->q[rl->nans - 1];
		a = &rl->ans[rl->nans - 1];
		code = TC_ERR_BAD_SW;
		snprintf(msg, sizeof(msg),
		    "job %s: command %zu of batch %llu (%02X %02X) answered %02X%02X",
		    rl->job, rl->nans, (unsigned long long)rl->batch, e->c[0],
		    e->c[1], a->p[a->n - 2], a->p[a->n - 1]);
	} else {
		code = rl->stop == TC_STATION_STOP_REMOVED ? TC_ERR_CARD_REMOVED
		    : rl->stop == TC_STATION_STOP_TIMEOUT  ? TC_ERR_CARD_TIMEOUT
							   : TC_ERR_CARD;
		snprintf(msg, sizeof(msg),
		    "job %s: the station ran %zu of %zu commands of batch %llu: %s",
		    rl->job, rl->nans, rl->nq, (unsigned long long)rl->batch,
		    rl->stop == TC_STATION_STOP_REMOVED ? "the card was removed"
			: rl->stop == TC_STATION_STOP_TIMEOUT
			? "the card did not answer in time"
			: "the reader failed");
	}
	end_locked(rl, code, msg);
	return ended(rl, err, errlen);
}

/*
 * The answers wanted later of a batch that came back whole go to their
 * slots (under the lock).
 */
static int
fill_answers(struct tc_relay *rl, char *err, size_t errlen)
{
	char msg[160];
	size_t i;

	for (i = 0; i < rl->nq; i++) {
		if (rl->q[i].answer == NULL)
			continue;
		if (tc_buf_put(rl->q[i].answer, rl->ans[i].p, rl->ans[i].n) !=
		    0) {
			snprintf(msg, sizeof(msg),
			    "job %s: the answer to command %zu of batch %llu is too long (%zu bytes)",
			    rl->job, i + 1, (unsigned long long)rl->batch,
			    rl->ans[i].n);
			end_locked(rl, TC_ERR_TOO_LARGE, msg);
			return ended(rl, err, errlen);
		}
		*rl->q[i].filled = 1;
	}
	return 0;
}

/*
 * Hands the queue to the station and waits for its answers (under the
 * lock). On success the answers are in rl->ans, one per command.
 */
static int
send_batch(struct tc_relay *rl, char *err, size_t errlen)
{
	struct timespec dl = tc_card_deadline(rl->batch_ms);
	size_t i;
	int e = 0;

	rl->batch++;
	rl->state = READY;
	pthread_cond_broadcast(&rl->cv);
	while (rl->end == 0 && rl->state != ANSWERED && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&rl->cv, &rl->mu, &dl);
	if (rl->end == 0 && rl->state != ANSWERED) {
		char msg[160];

		snprintf(msg, sizeof(msg),
		    "job %s: the station did not answer batch %llu within %d ms",
		    rl->job, (unsigned long long)rl->batch, rl->batch_ms);
		end_locked(rl, TC_ERR_CARD_TIMEOUT, msg);
	}
	if (rl->end != 0)
		return ended(rl, err, errlen);
	rl->state = IDLE;
	rl->round_trips++;
	if (rl->nans < rl->nq)
		return short_answers(rl, err, errlen);
	for (i = 0; i < rl->nq; i++) {
		const struct tc_station_bytes *a = &rl->ans[i];

		if (!tc_icc_sw_match(rl->q[i].ok, rl->q[i].n_ok,
			(uint16_t)(a->p[a->n - 2] << 8 | a->p[a->n - 1]))) {
			rl->nans = i + 1;
			rl->stop = TC_STATION_STOP_SW;
			return short_answers(rl, err, errlen);
		}
	}
	return fill_answers(rl, err, errlen);
}

/*
 * Under the lock: fails when the relay has ended, and sends the queue
 * first when a command of n bytes would not fit in its batch.
 */
static int
room_for(struct tc_relay *rl, size_t n, char *err, size_t errlen)
{
	int r = 0;

	if (rl->end != 0)
		return ended(rl, err, errlen);
	if (rl->nq == TC_STATION_BATCH_MAX ||
	    rl->qbytes + n > TC_RELAY_BATCH_DATA) {
		r = send_batch(rl, err, errlen);
		clear(rl);
	}
	return r;
}

/* The relay as a tc_icc transport. */
static int
relay_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	static const struct tc_icc_sw any = { 0, 0 };
	struct tc_relay *rl = impl;
	const struct tc_station_bytes *last;
	int r;

	(void)timeout_ms;
	*rlen = 0;
	pthread_mutex_lock(&rl->mu);
	if ((r = room_for(rl, n, err, errlen)) != 0 ||
	    (r = enqueue(rl, cmd, n, &any, 1)) != 0 ||
	    (r = send_batch(rl, err, errlen)) != 0)
		goto out;
	last = &rl->ans[rl->nans - 1];
	if (last->n > cap) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "job %s: an answer of %zu bytes", rl->job, last->n);
		goto out;
	}
	memcpy(resp, last->p, last->n);
	*rlen = last->n;
out:
	clear(rl);
	pthread_mutex_unlock(&rl->mu);
	return r;
}

static int
relay_defer(void *impl, const uint8_t *cmd, size_t n,
    const struct tc_icc_sw *ok, size_t n_ok, int timeout_ms, char *err,
    size_t errlen)
{
	struct tc_relay *rl = impl;
	int r;

	(void)timeout_ms;
	pthread_mutex_lock(&rl->mu);
	if ((r = room_for(rl, n, err, errlen)) == 0)
		r = enqueue(rl, cmd, n, ok, n_ok);
	pthread_mutex_unlock(&rl->mu);
	return r;
}

static int
relay_later(void *impl, const uint8_t *cmd, size_t n,
    const struct tc_icc_sw *ok, size_t n_ok, struct tc_buf *answer, int *filled,
    int timeout_ms, char *err, size_t errlen)
{
	struct tc_relay *rl = impl;
	int r;

	(void)timeout_ms;
	pthread_mutex_lock(&rl->mu);
	if ((r = room_for(rl, n, err, errlen)) == 0 &&
	    (r = enqueue(rl, cmd, n, ok, n_ok)) == 0) {
		rl->q[rl->nq - 1].answer = answer;
		rl->q[rl->nq - 1].filled = filled;
	}
	pthread_mutex_unlock(&rl->mu);
	return r;
}

static int
relay_flush(void *impl, int timeout_ms, char *err, size_t errlen)
{
	struct tc_relay *rl = impl;
	int r;

	(void)timeout_ms;
	pthread_mutex_lock(&rl->mu);
	r = rl->end != 0 ? ended(rl, err, errlen)
	    : rl->nq > 0 ? send_batch(rl, err, errlen)
			 : 0;
	clear(rl);
	pthread_mutex_unlock(&rl->mu);
	return r;
}

static void
relay_close(void *impl)
{
	tc_relay_release(impl);
}

int
tc_relay_icc(struct tc_icc **out, struct tc_relay *rl, const char *name)
{
	static const struct tc_icc_ops ops = { relay_exchange, relay_close,
		relay_defer, relay_flush, relay_later };

	if (out == NULL || rl == NULL)
		return TC_ERR_INVALID_ARG;
	tc_relay_hold(rl);
	return tc_icc_new(out, &ops, rl, rl->atr, rl->atrlen, name);
}

/* Copies the READY batch into out (under the lock). */
static int
copy_batch(struct tc_relay *rl, struct tc_station_resp *out)
{
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	out->batch = rl->batch;
	snprintf(out->job, sizeof(out->job), "%s", rl->job);
	for (i = 0; i < rl->nq; i++) {
		if ((r = tc_station_bytes_set(
			 &out->cmds[i].c, rl->q[i].c, rl->q[i].n)) != 0) {
			tc_station_resp_free(out);
			return r;
		}
		memcpy(out->cmds[i].sw, rl->q[i].ok,
		    rl->q[i].n_ok * sizeof(rl->q[i].ok[0]));
		out->cmds[i].n_sw = rl->q[i].n_ok;
		out->n_cmds = i + 1;
	}
	return 0;
}

int
tc_relay_take(struct tc_relay *rl, int wait_ms, struct tc_station_resp *out,
    char *err, size_t errlen)
{
	struct timespec dl = tc_card_deadline(wait_ms > 0 ? wait_ms : 0);
	int r = 0, e = 0;

	if (rl == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&rl->mu);
	while (
	    rl->end == 0 && rl->state != READY && e != ETIMEDOUT && wait_ms > 0)
		e = pthread_cond_timedwait(&rl->cv, &rl->mu, &dl);
	if (rl->end != 0)
		r = ended(rl, err, errlen);
	else if (rl->state == READY && (r = copy_batch(rl, out)) == 0)
		rl->state = SENT;
	pthread_mutex_unlock(&rl->mu);
	return r;
}

int
tc_relay_give(struct tc_relay *rl, const struct tc_station_req *req, char *err,
    size_t errlen)
{
	size_t i;
	int r = 0;

	if (rl == NULL || req == NULL)
		return TC_ERR_INVALID_ARG;
	pthread_mutex_lock(&rl->mu);
	if (rl->end != 0) {
		r = ended(rl, err, errlen);
		goto out;
	}
	if (rl->state != SENT || req->batch != rl->batch) {
		end_locked(rl, TC_ERR_STATE,
		    "the station answered a batch that is not the one outstanding");
		r = ended(rl, err, errlen);
		goto out;
	}
	if (req->n_answers > rl->nq) {
		end_locked(rl, TC_ERR_MALFORMED,
		    "the station gave more answers than the batch had commands");
		r = ended(rl, err, errlen);
		goto out;
	}
	for (i = 0; i < req->n_answers; i++)
		if ((r = tc_station_bytes_set(&rl->ans[i], req->answers[i].p,
			 req->answers[i].n)) != 0) {
			end_locked(rl, r, "out of memory");
			goto out;
		}
	rl->nans = req->n_answers;
	rl->stop = req->n_answers < rl->nq && req->stop == TC_STATION_RAN_ALL
	    ? TC_STATION_STOP_READER
	    : req->stop;
	rl->state = ANSWERED;
	pthread_cond_broadcast(&rl->cv);
out:
	pthread_mutex_unlock(&rl->mu);
	return r;
}

/* The station's side of one batch. */

static int
stop_of(int r)
{
	return r == TC_ERR_CARD_REMOVED ? TC_STATION_STOP_REMOVED
	    : r == TC_ERR_CARD_TIMEOUT	? TC_STATION_STOP_TIMEOUT
					: TC_STATION_STOP_READER;
}

int
tc_station_run(struct tc_icc *icc, const struct tc_station_resp *batch,
    struct tc_station_req *req)
{
	struct tc_buf resp;
	const struct tc_station_cmd *c;
	char err[256];
	size_t i;
	uint16_t sw;
	int r = 0;

	for (i = 0; i < TC_STATION_BATCH_MAX; i++)
		free(req->answers[i].p);
	memset(req->answers, 0, sizeof(req->answers));
	req->n_answers = 0;
	req->stop = TC_STATION_RAN_ALL;
	req->batch = batch->batch;
	tc_buf_init(&resp, TC_APDU_RESP_MAX);
	for (i = 0; i < batch->n_cmds; i++) {
		c = &batch->cmds[i];
		tc_buf_reset(&resp);
		if ((r = tc_icc_transmit(
			 icc, c->c.p, c->c.n, &resp, err, sizeof(err))) != 0) {
			req->stop = stop_of(r);
			r = 0;
			break;
		}
		if ((r = tc_station_bytes_set(
			 &req->answers[i], resp.data, resp.len)) != 0)
			break;
		req->n_answers = i + 1;
		sw = (uint16_t)(resp.data[resp.len - 2] << 8 |
		    resp.data[resp.len - 1]);
		if (!tc_station_sw_allowed(c, sw)) {
			req->stop = TC_STATION_STOP_SW;
			break;
		}
	}
	tc_buf_release(&resp);
	return r;
}
