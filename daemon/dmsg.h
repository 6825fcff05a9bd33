/* SPDX-License-Identifier: MIT */
/*
 * What a daemon says on stderr before its log is open (daemon/msg.c): a
 * bad option, a start that failed. No libmicrohttpd: the monitor of
 * tcard-issuerd links it too.
 */
#ifndef TCARD_DAEMON_DMSG_H
#define TCARD_DAEMON_DMSG_H

/*
 * Prints "PROG: message" and, when help is set, "Try 'PROG --help'." to
 * stderr. Returns status (the caller's exit status).
 */
int tc_dmsg(int status, const char *prog, int help, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
