/* SPDX-License-Identifier: MIT */
/*
 * Signals of a daemon: SIGPIPE ignored (a client that goes away is a
 * write error, not a death), SIGHUP, SIGTERM and SIGINT blocked in every
 * thread and taken by the main thread alone with sigwait, so a handler
 * never runs in the middle of a worker's work and a reload runs on an
 * ordinary thread that may take locks. Reference: daemon/daemon.h.
 */
#include <signal.h>

#include "daemon.h"

void
tc_daemon_signals_block(sigset_t *set)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

int
tc_daemon_signals_wait(
    const sigset_t *set, void (*on_hup)(void *arg), void *arg)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		if (on_hup != NULL)
			on_hup(arg);
	}
}
