/* SPDX-License-Identifier: MIT */
/*
 * Printing card faces through CUPS (issue 17): a branch station sends the
 * card face PDF (the bytes tc_cardface_pdf() or `tcard-issuer print` makes)
 * to its card printer's queue on a CUPS server as one IPP Print-Job through
 * libcups, and reads back the job's state and the printer's state message
 * (Get-Job-Attributes, Get-Printer-Attributes) so that a failed or
 * cancelled job shows in the production queue. Every call opens its own
 * connection to the server it is given and closes it: no process-wide
 * cupsSetServer(), so two threads or two servers never mix. The job's
 * title names the card number only ("card 4401 1100 0000 0017"), never the
 * holder. Nothing here prints, exits or prompts (the calling thread's
 * libcups password callback is set to answer none). Note that libcups,
 * once used, ignores SIGPIPE in the whole process (its httpInitialize()).
 * docs/printing.md.
 */
#ifndef TCARD_PRINTJOB_H
#define TCARD_PRINTJOB_H

#include <stddef.h>
#include <stdint.h>

#define TC_PRINTQ_HOST_MAX  256u /* bytes of a host, address or socket path */
#define TC_PRINTQ_QUEUE_MAX 128u /* bytes of a queue name, with its NUL */
#define TC_PRINTQ_PORT	    631	 /* the IPP port when the server names none */
#define TC_PRINTJOB_PDF_MAX (64u * 1024 * 1024) /* bytes of one document */
#define TC_PRINTJOB_MSG_MAX 256u /* bytes of a state message, with its NUL */

/*
 * A queue on a CUPS server. host is a host name, an IPv4 address, an IPv6
 * address (without brackets) or the absolute path of cupsd's local socket
 * (then port is 0). timeout_ms bounds the connection and each answer
 * (tc_printq_parse sets 30000).
 */
struct tc_printq {
	char host[TC_PRINTQ_HOST_MAX];
	int port;
	char queue[TC_PRINTQ_QUEUE_MAX];
	int timeout_ms;
};

/*
 * Fills q (OUT) from server and queue, both read as outside input (a
 * station's settings):
 *   server  "HOST", "HOST:PORT", "[IPV6]", "[IPV6]:PORT" or "/PATH" (a
 *           local socket); HOST is letters, digits, '-', '.' and '_';
 *           PORT is 1 to 65535 in decimal without sign or leading zero;
 *   queue   1 to 127 bytes of printable ASCII other than space, '/',
 *           '\\', '?', '#', '\'' and '"' (what cupsd accepts as a name).
 * Returns 0, TC_ERR_INVALID_ARG (a NULL argument), TC_ERR_TOO_LARGE (host
 * or queue too long) or TC_ERR_MALFORMED, with err naming the byte at
 * fault; on failure q is zeroed.
 */
int tc_printq_parse(struct tc_printq *q /* OUT */, const char *server,
    const char *queue, char *err, size_t errlen);

/*
 * Writes q's server back as tc_printq_parse reads it ("127.0.0.1:631",
 * "[::1]:8631", "/run/cups/cups.sock") into out (outlen bytes, truncated,
 * always NUL-terminated when outlen > 0). Messages name the server so.
 */
void tc_printq_server(const struct tc_printq *q, char *out, size_t outlen);

/* A job's state: the IPP job-state values (RFC 8011 5.3.7). */
enum tc_printjob_state {
	TC_PRINTJOB_PENDING = 3,
	TC_PRINTJOB_HELD = 4,
	TC_PRINTJOB_PROCESSING = 5,
	TC_PRINTJOB_STOPPED = 6,
	TC_PRINTJOB_CANCELED = 7,
	TC_PRINTJOB_ABORTED = 8,
	TC_PRINTJOB_COMPLETED = 9
};

/*
 * The lower-case name of state ("pending", "held", "processing",
 * "stopped", "canceled", "aborted", "completed"), or "unknown". Static.
 */
const char *tc_printjob_state_name(int state);

/* What a printer's state is: the IPP printer-state values. */
enum tc_printq_state {
	TC_PRINTQ_IDLE = 3,
	TC_PRINTQ_PROCESSING = 4,
	TC_PRINTQ_STOPPED = 5
};

/* The lower-case name of a printer state ("idle", ...), or "unknown". */
const char *tc_printq_state_name(int state);

/*
 * A job as the server reports it, and its printer. The strings are
 * NUL-terminated UTF-8 as the server sent them (cut to fit), "" when the
 * server sent none.
 */
struct tc_printjob_status {
	int job_id;
	char title[TC_PRINTJOB_MSG_MAX]; /* job-name: "card NNNN NNNN ..." */
	int state; /* enum tc_printjob_state; another value if the server
		      sends one */
	char reasons[TC_PRINTJOB_MSG_MAX];     /* job-state-reasons, joined by
					      ',' ("job-canceled-by-user") */
	char job_message[TC_PRINTJOB_MSG_MAX]; /* job-printer-state-message:
						  the printer's message
						  while it ran the job */
	int printer_state; /* enum tc_printq_state of q's printer */
	int accepting;	   /* 1 when the printer accepts jobs */
	char printer_message[TC_PRINTJOB_MSG_MAX]; /* printer-state-message */
};

/*
 * Sends the len bytes of pdf (a PDF; 1 to TC_PRINTJOB_PDF_MAX bytes) to
 * q's queue as one Print-Job whose job-name is "card " and cardno grouped
 * in fours. cardno is checked with tc_cardno_parse(). On success *job_id
 * (OUT) is the server's job id (> 0). Returns 0 or, with err saying what
 * and where (the server and the queue):
 *   TC_ERR_INVALID_ARG  a NULL argument, an empty document, or not a PDF;
 *   TC_ERR_TOO_LARGE    over TC_PRINTJOB_PDF_MAX;
 *   (tc_cardno_parse's codes for a bad cardno);
 *   TC_ERR_IO           the server cannot be reached, or the connection
 *                       failed during the request;
 *   TC_ERR_NOT_FOUND    the server has no such queue;
 *   TC_ERR_STATE        the queue does not accept jobs (cupsreject);
 *   TC_ERR_FORBIDDEN    the server's policy refuses this user;
 *   TC_ERR_UNSUPPORTED  the queue does not take PDF;
 *   TC_ERR_POLICY       the server refused the job for another reason
 *                       (the message gives the server's words).
 * *job_id is 0 on failure.
 */
int tc_printjob_submit(const struct tc_printq *q, const char *cardno,
    const uint8_t *pdf, size_t len, int *job_id /* OUT */, char *err,
    size_t errlen);

/*
 * Reads job_id's state from q's server and the state of q's printer into
 * st (OUT). Returns 0, TC_ERR_INVALID_ARG, TC_ERR_IO, TC_ERR_NOT_FOUND (no
 * such job, or no such queue), TC_ERR_FORBIDDEN or TC_ERR_POLICY, with err
 * as tc_printjob_submit; on failure st is zeroed.
 */
int tc_printjob_status(const struct tc_printq *q, int job_id,
    struct tc_printjob_status *st /* OUT */, char *err, size_t errlen);

/*
 * Cancels job_id on q's server (Cancel-Job). Returns 0, TC_ERR_INVALID_ARG,
 * TC_ERR_IO, TC_ERR_NOT_FOUND, TC_ERR_STATE (the job has already ended),
 * TC_ERR_FORBIDDEN or TC_ERR_POLICY, with err as tc_printjob_submit.
 */
int tc_printjob_cancel(
    const struct tc_printq *q, int job_id, char *err, size_t errlen);

#endif
