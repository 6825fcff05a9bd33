/* SPDX-License-Identifier: MIT */
/*
 * The web worker's end of the RPC channel to the monitor (office/web.h):
 * calls from many request threads, pipelined.
 *
 * The monitor reads one request at a time and answers each before it
 * reads the next (office/issuerd.c, serve), so the answers come back in
 * the order the requests were written. A thread writes its request
 * whole under send_mu, taking the next id as it does; then it waits
 * until every earlier id has been answered, and reads the next answer,
 * which is its own. So the monitor finds the next request already
 * waiting when it has answered one (it is never idle between calls
 * while work waits), and the calls are served first come, first served
 * (a lock held over a whole call let a thread that had just called take
 * the channel again before one that had waited: p99 was 2.5 times p50
 * under 32 sessions; docs/performance.md). Each waiting call sleeps on a
 * condition of its own, and the call that has read its answer wakes
 * only the next one (waking every waiter each time cost a tenth of the
 * worker's time). A write or read that fails,
 * or an answer of another id, breaks the channel for every call: the
 * stream is out of step, and only a new worker would put it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "web.h"

int
web_rpc_init(struct web_rpc *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if (pthread_mutex_init(&c->send_mu, NULL) != 0)
		return -1;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		pthread_mutex_destroy(&c->send_mu);
		return -1;
	}
	return 0;
}

void
web_rpc_destroy(struct web_rpc *c)
{
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->send_mu);
}

/* Wakes every waiting call (c->mu held). */
static void
wake_all(struct web_rpc *c)
{
	size_t i;

	for (i = 0; i < WEB_RPC_WAITERS; i++)
		if (c->waiter[i] != NULL)
			pthread_cond_signal(c->waiter[i]);
}

static void
set_broken(struct web_rpc *c)
{
	pthread_mutex_lock(&c->mu);
	c->broken = 1;
	wake_all(c);
	pthread_mutex_unlock(&c->mu);
}

int
web_rpc_broken(struct web_rpc *c)
{
	int b;

	pthread_mutex_lock(&c->mu);
	b = c->broken;
	pthread_mutex_unlock(&c->mu);
	return b;
}

int
web_rpc_call(struct web_rpc *c, const char *json, size_t jlen, const void *tail,
    size_t tlen, struct web_rpc_reply *out, char *err, size_t errlen)
{
	pthread_cond_t turn, *next;
	uint32_t id, got = 0;
	int r;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&c->send_mu);
	if (web_rpc_broken(c)) {
		pthread_mutex_unlock(&c->send_mu);
		snprintf(err, errlen, "%s", "the channel is closed");
		return -1;
	}
	id = ++c->sent;
	r = office_rpc_send(c->fd, id, json, jlen, tail, tlen);
	pthread_mutex_unlock(&c->send_mu);
	if (r != 0) {
		/* A part of a frame may be out: nothing after it is sound. */
		set_broken(c);
		snprintf(err, errlen, "%s", "the monitor is gone");
		return -1;
	}
	pthread_mutex_lock(&c->mu);
	if (!c->broken && c->done + 1 != id) {
		pthread_cond_init(&turn, NULL);
		c->waiter[id % WEB_RPC_WAITERS] = &turn;
		while (!c->broken && c->done + 1 != id)
			pthread_cond_wait(&turn, &c->mu);
		c->waiter[id % WEB_RPC_WAITERS] = NULL;
		pthread_cond_destroy(&turn);
	}
	r = c->broken;
	pthread_mutex_unlock(&c->mu);
	if (r) {
		snprintf(err, errlen, "%s", "the channel broke");
		return -1;
	}
	/* Our turn: no other thread reads until done moves on. */
	r = office_rpc_recv(c->fd, TC_ORPC_ANS_JSON_MAX, TC_ORPC_TAIL_MAX, &got,
	    &out->json, &out->jlen, &out->tail, &out->tlen, err, errlen);
	pthread_mutex_lock(&c->mu);
	if (r != 0 || got != id) {
		c->broken = 1;
		if (r == 0)
			snprintf(err, errlen, "answer %u for request %u",
			    (unsigned)got, (unsigned)id);
		else if (r == 1)
			snprintf(err, errlen, "%s", "end of file");
	}
	c->done = id;
	if (c->broken)
		wake_all(c);
	else if ((next = c->waiter[(id + 1) % WEB_RPC_WAITERS]) != NULL)
		pthread_cond_signal(next);
	r = c->broken;
	pthread_mutex_unlock(&c->mu);
	if (r) {
		web_rpc_reply_free(out);
		return -1;
	}
	return 0;
}

void
web_rpc_reply_free(struct web_rpc_reply *r)
{
	free(r->json);
	free(r->tail);
	r->json = NULL;
	r->tail = NULL;
}
