/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd-web, the web worker of tcard-issuerd (office/web.c,
 * office/web-*.c): the HTTP side on the daemon layer, without keys,
 * registry or file system access; every operation is an RPC to the
 * monitor (office/rpc.h). docs/issuerd.md.
 */
#ifndef TCARD_OFFICE_WEB_H
#define TCARD_OFFICE_WEB_H

#include <pthread.h>
#include <stdint.h>

#include "daemon.h"

/* Endpoints (metrics and log). */
enum {
	WEB_EP_HEALTHZ,
	WEB_EP_METRICS,
	WEB_EP_SESSION,
	WEB_EP_QUEUE,
	WEB_EP_APP,
	WEB_EP_ATTACHMENT,
	WEB_EP_REVIEW,
	WEB_EP_OTHER,
	WEB_EP_COUNT
};

/* Results. */
enum {
	WEB_R_OK,
	WEB_R_BAD_REQUEST,
	WEB_R_TOO_LARGE,
	WEB_R_NOT_FOUND,
	WEB_R_METHOD,
	WEB_R_ERROR,
	WEB_R_UNAUTHORIZED,
	WEB_R_FORBIDDEN,
	WEB_R_REFUSED,
	WEB_R_UNAVAILABLE,
	WEB_R_COUNT
};

struct web {
	int rpc_fd;
	pthread_mutex_t rpc_mu; /* one call at a time: the monitor is serial */
	uint32_t next_id;
	int rpc_broken; /* the monitor is gone: answer 503 */
	struct tc_daemon *d;
	struct tc_dlog *log;
	struct tc_dmetrics *metrics;
	uint64_t started_ns;
};

/* office/web-api.c: starts the layer on the inherited listener. */
int web_http_start(struct web *w, int listen_fd, const char *listen,
    const char *tls_cert, const char *tls_key, char *err, size_t errlen);

#endif
