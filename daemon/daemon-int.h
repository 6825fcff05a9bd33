/* SPDX-License-Identifier: MIT */
/*
 * Private to the files of daemon/: the state of a daemon (struct tc_daemon, one per
 * daemon, no global), a connection's slot, and the TLS part (tls.c) that
 * http.c drives. The interface of the layer is daemon/daemon.h.
 */
#ifndef TCARD_DAEMON_INT_H
#define TCARD_DAEMON_INT_H

#include <pthread.h>

#include "daemon.h"

struct MHD_Daemon;
struct MHD_OptionItem;
struct tc_dcreds;
struct tc_dclient;

/* GnuTLS priorities of the daemons: TLS 1.3 and 1.2, nothing older. */
#define TC_DTLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* The TLS credentials of a daemon and their lifetimes (tls.c). */
struct tc_dtls {
	pthread_mutex_t mu;
	struct tc_dcreds *cur;	   /* what new handshakes get */
	struct tc_dcreds *retired; /* replaced, not yet freed */
	uint64_t epoch;		   /* replacements so far */
	unsigned long live;	   /* connections open */
	int never_free;		   /* a connection was not counted */
	/* Client certificates asked for and checked against (NULL: none). */
	struct tc_dclient *client;
};

struct tc_daemon {
	struct tc_daemon_conf conf;
	struct MHD_Daemon *mhd;
	unsigned port;
	int tls_on;
	struct tc_dtls tls;
	unsigned methods;     /* of every route (TC_DM_*) */
	char methods_msg[64]; /* "only GET, HEAD and POST" */
	char not_found[512];  /* the 404 message */
};

/*
 * A connection's slot (made when libmicrohttpd accepts it, freed when it
 * closes): the request in progress, which the slot owns until the
 * completion callback takes it back, so a request that libmicrohttpd
 * drops without that callback is freed when the next one starts or when
 * the connection closes; and the TLS credentials' epoch it started in.
 */
struct tc_dconn {
	struct tc_dreq *rq;
	uint64_t tls_epoch;
	int tls;
};

/* snprintf for messages that may be cut short (no truncation warning). */
void tc_daemon_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void tc_dtls_init(struct tc_dtls *t);
/*
 * Loads cert and key (the key must not be readable by group or others;
 * the two must match). Returns 0 or -1 with err.
 */
int tc_dtls_load(struct tc_dtls *t, const char *cert, const char *key,
    char *err, size_t errlen);
/*
 * Fills opts with the MHD options that serve the loaded credentials
 * through a certificate callback (so they can be replaced) and the
 * priorities; returns how many it wrote (at most 2).
 */
int tc_dtls_options(struct tc_dtls *t, struct MHD_OptionItem *opts);
/* Reads the pair again (see tc_daemon_tls_reload). */
int tc_dtls_reload(struct tc_dtls *t, const char *cert, const char *key,
    char *err, size_t errlen);
/* A connection starts (its epoch, to give to tc_dtls_conn_closed). */
uint64_t tc_dtls_conn_started(struct tc_dtls *t);
/* A connection that started in epoch closed. */
void tc_dtls_conn_closed(struct tc_dtls *t, uint64_t epoch);
/* A connection could not be accounted for: credentials are never freed. */
void tc_dtls_conn_untracked(struct tc_dtls *t);
/* Frees every credential (after libmicrohttpd stopped). */
void tc_dtls_shutdown(struct tc_dtls *t);

#endif
