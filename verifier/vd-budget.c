/* SPDX-License-Identifier: MIT */
/*
 * The scrypt budget of tcard-verifierd. A POST /v1/verify with an ID
 * number costs one scrypt of the holder binding (N = 2^14, r = 8: 16 MiB
 * and about 60 ms of a core); without a bound, many such requests at once
 * (from many addresses, each within its own throttle) take every worker
 * thread, every core and 16 MiB each, and /healthz and plain
 * verifications wait behind them. So the whole daemon runs at most
 * binding-concurrency scrypts at once (default: one core left free); as
 * many requests again may queue for binding-wait milliseconds; any other
 * is answered at once 503 "busy" with Retry-After. Running and queued
 * requests together hold at most half the worker threads, so the other
 * half always serves everything else. Freed scrypt memory goes back to the
 * system (a fixed malloc mmap threshold), so the resident size stays near
 * 16 MiB per running scrypt. The public lookup costs an HMAC, not a
 * scrypt, and redeems verify without an ID number: only /v1/verify needs
 * the budget. Reference: docs/verifierd.md, "Guessing bounds".
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <microhttpd.h>

#include "tcard/credential.h"
#include "vd.h"

int
vd_budget_init(struct vd_ctx *vd)
{
	pthread_condattr_t ca;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = vd->conf.threads, n = vd->conf.binding_concurrency;

	if (threads == 0) /* as vd-http.c chooses */
		threads = ncpu > 0 ? (ncpu > 16 ? 64 : 4 * (unsigned)ncpu) : 4;
	if (n == 0)
		n = ncpu > 1 ? (unsigned)ncpu - 1 : 1;
	/* At most half the workers, so the other half serves the rest. */
	if (threads > 1 && n > threads / 2)
		n = threads / 2;
	if (n == 0)
		n = 1;
	vd->budget.max_running = n;
	vd->budget.max_waiting = threads / 2 > n ? threads / 2 - n : 0;
	if (vd->budget.max_waiting > n)
		vd->budget.max_waiting = n;
	vd->budget.wait_ns = (uint64_t)vd->conf.binding_wait * 1000000u;
	if (vd->budget.wait_ns == 0)
		vd->budget.max_waiting = 0;
#ifdef __GLIBC__
	/*
	 * glibc raises its mmap threshold to the largest block freed (up to
	 * 32 MiB), after which each thread's arena keeps a freed 16 MiB
	 * scrypt buffer: 8 threads held 150 MB. A fixed threshold keeps the
	 * buffers mapped and unmapped.
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&vd->budget.cv, &ca) != 0)
		return -1;
	pthread_condattr_destroy(&ca);
	return 0;
}

/* 0: a place to run was taken; -1: busy (refused). */
static int
acquire(struct vd_ctx *vd)
{
	struct timespec ts;
	uint64_t until;
	int r = -1;

	pthread_mutex_lock(&vd->budget.mu);
	if (vd->budget.running < vd->budget.max_running) {
		vd->budget.running++;
		r = 0;
	} else if (vd->budget.waiting < vd->budget.max_waiting) {
		until = vd_mono_ns() + vd->budget.wait_ns;
		ts.tv_sec = (time_t)(until / 1000000000u);
		ts.tv_nsec = (long)(until % 1000000000u);
		vd->budget.waiting++;
		while (vd->budget.running >= vd->budget.max_running)
			if (pthread_cond_timedwait(&vd->budget.cv,
				&vd->budget.mu, &ts) == ETIMEDOUT)
				break;
		vd->budget.waiting--;
		if (vd->budget.running < vd->budget.max_running) {
			vd->budget.running++;
			r = 0;
		}
	}
	pthread_mutex_unlock(&vd->budget.mu);
	if (r != 0)
		atomic_fetch_add_explicit(
		    &vd->budget.refused, 1, memory_order_relaxed);
	return r;
}

static void
release(struct vd_ctx *vd)
{
	pthread_mutex_lock(&vd->budget.mu);
	vd->budget.running--;
	pthread_cond_signal(&vd->budget.cv);
	pthread_mutex_unlock(&vd->budget.mu);
}

int
vd_budget_verify(struct vd_ctx *vd, const char *qr, size_t qrlen,
    const struct vd_bundle *b, const char *id, struct tc_verdict *v,
    struct tc_dresp *resp)
{
	int r;

	if (id != NULL && acquire(vd) != 0) {
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "busy", "%s",
		    "the verifier is busy with other ID number checks; try again in a second");
		snprintf(resp->retry_after, sizeof(resp->retry_after), "1");
		return -1;
	}
	r = tc_credential_verify(qr, qrlen, tc_trust_keyring(b->trust->trust),
	    b->rev->rev, vd_now(vd), id, v);
	if (id != NULL)
		release(vd);
	if (r != 0) {
		tc_dresp_error(resp, MHD_HTTP_INTERNAL_SERVER_ERROR, VD_R_ERROR,
		    "internal", "verification could not run: %s", v->message);
		return -1;
	}
	return 0;
}

unsigned long
vd_budget_refused(struct vd_ctx *vd)
{
	return atomic_load_explicit(&vd->budget.refused, memory_order_relaxed);
}
