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

/*
 * One JSON line on stderr, for a process that logs without a struct
 * tc_dlog (tcard-issuerd's monitor, tcard-notifyd): {"ts", "process",
 * "event", "level"} then the members of extra (an object, consumed; NULL:
 * none), in that order.
 */
typedef struct json_t json_t;
void tc_dmsg_json(
    const char *process, const char *event, const char *level, json_t *extra);

#endif
