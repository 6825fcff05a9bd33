/* SPDX-License-Identifier: MIT */
/*
 * A connection to a smart card (struct tc_icc, "integrated circuit card")
 * and the exchanges on it. Three transports give one: a PC/SC reader
 * through pcsc-lite, a replay of recorded answers (the fuzz targets and the
 * unit tests feed ATR and responses from bytes), and any caller-supplied
 * exchange function.
 *
 * Every card operation has a deadline. pcsc-lite's SCardTransmit blocks
 * for as long as a card keeps silent, and SCardCancel only cancels
 * SCardGetStatusChange, so each PC/SC connection owns a worker thread that
 * makes every SCard call of that connection (its own context included),
 * while the caller waits on a condition variable until the deadline. When
 * the deadline passes the call returns TC_ERR_CARD_TIMEOUT at once and the
 * connection is marked dead: later calls fail at once, and the worker,
 * still blocked in pcsc-lite, frees the connection itself when its call
 * returns (the card answered, was removed, or pcscd went away). Nothing
 * else in the process is held up, because no other connection shares its
 * context. Details and the alternatives weighed: docs/card-pcsc.md.
 *
 * tc_icc_apdu() sends one logical command: 61XX answers are followed with
 * GET RESPONSE and 6CXX answers resent with the Le the card names, each in
 * a bounded loop; long command data is sent with command chaining (CLA bit
 * 0x10) when the extended form is off. A reply of fewer than 2 bytes (what
 * pcsc-lite gives when the card dies mid-command) is an error, never a
 * status word. Every exchange is counted (tc_icc_count) for benchmarks.
 *
 * A struct tc_icc is for one thread at a time; several connections (two
 * readers) may be used from different threads at once.
 */
#ifndef TCARD_PCSC_H
#define TCARD_PCSC_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/apdu.h"
#include "tcard/buf.h"

#define TC_ICC_ATR_MAX	      33	  /* ISO/IEC 7816-3 */
#define TC_ICC_TIMEOUT_MS     10000	  /* default deadline of one exchange */
#define TC_ICC_MAX_GETRESP    64	  /* GET RESPONSE rounds per command */
#define TC_ICC_MAX_RESEND     2		  /* 6CXX resends per command */
#define TC_ICC_READER_NAME    128	  /* longest reader name kept */
#define TC_ICC_CHAIN_MAX_DATA (16 * 1024) /* longest chained command */

struct tc_icc;

/* A status word pattern: a status word sw matches when sw & mask == value. */
struct tc_icc_sw {
	uint16_t value;
	uint16_t mask; /* FFFF one status word, FF00 "61XX", 0 any */
};

#define TC_ICC_SW_MAX 4 /* patterns of one deferred command */

/*
 * A transport: exchange sends the n bytes at cmd and writes the answer
 * (data and status word) to resp (cap bytes), its length to *rlen, giving
 * up after timeout_ms. It returns 0 (whatever *rlen is, even 0) or a
 * TC_ERR_* code with a message. close frees impl.
 *
 * A transport that batches (the station relay, include/tcard/relay.h) also
 * has defer, which queues cmd to leave with the next exchange or flush
 * (ok: the n_ok status words that let the batch go on) and returns at
 * once, and flush, which sends what is queued and waits for the answers.
 * An entry that fails makes that exchange or flush fail. Both NULL: every
 * command is exchanged at once.
 */
struct tc_icc_ops {
	int (*exchange)(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
	    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen);
	void (*close)(void *impl);
	int (*defer)(void *impl, const uint8_t *cmd, size_t n,
	    const struct tc_icc_sw *ok, size_t n_ok, int timeout_ms, char *err,
	    size_t errlen);
	int (*flush)(void *impl, int timeout_ms, char *err, size_t errlen);
	/*
	 * Optional, with defer: queues cmd as defer does, and once its batch
	 * has come back with every answer allowed, appends cmd's whole
	 * answer (data and status word) to answer and sets *filled to 1.
	 * answer and filled belong to the struct tc_icc and outlive the
	 * batch; a batch that fails leaves them as they were.
	 */
	int (*later)(void *impl, const uint8_t *cmd, size_t n,
	    const struct tc_icc_sw *ok, size_t n_ok, struct tc_buf *answer,
	    int *filled, int timeout_ms, char *err, size_t errlen);
};

/* How to open a PC/SC connection. Zero it, then set what differs. */
struct tc_icc_opts {
	int wait_ms;	/* wait this long for a card (0: must be there) */
	int timeout_ms; /* deadline of one exchange (0: TC_ICC_TIMEOUT_MS) */
	int exclusive;	/* SCARD_SHARE_EXCLUSIVE instead of SHARED */
};

/*
 * Wraps a transport. atr (atrlen bytes, at most TC_ICC_ATR_MAX) is copied;
 * name (may be NULL) names the connection in messages. On success *out
 * owns impl (closed by tc_icc_close); on failure ops->close(impl) has been
 * called. Returns 0, TC_ERR_INVALID_ARG or TC_ERR_NOMEM.
 */
int tc_icc_new(struct tc_icc **out /* OUT */, const struct tc_icc_ops *ops,
    void *impl, const uint8_t *atr, size_t atrlen, const char *name);

/*
 * Connects to the card in the PC/SC reader named reader: an exact reader
 * name, or a text found in exactly one reader's name. Waits up to
 * o->wait_ms for a card. Returns 0 with *out set, or
 *   TC_ERR_NO_SERVICE   pcscd is not running;
 *   TC_ERR_NO_READER    no such reader (err lists the readers), or the
 *                       text matches several;
 *   TC_ERR_CARD_REMOVED no card in the reader (after the wait);
 *   TC_ERR_SHARING      another program holds the card exclusively;
 *   TC_ERR_CARD_TIMEOUT pcscd did not answer in time;
 *   TC_ERR_CARD         any other PC/SC failure (err has its text);
 *   TC_ERR_INVALID_ARG, TC_ERR_NOMEM, TC_ERR_INTERNAL (no thread).
 */
int tc_icc_open_pcsc(struct tc_icc **out /* OUT */, const char *reader,
    const struct tc_icc_opts *o, char *err, size_t errlen);

/*
 * A connection that replays recorded bytes, for fuzzing and tests: an ATR
 * as one length byte (at most TC_ICC_ATR_MAX) and its bytes, then for each
 * exchange a length (one byte, or FF and two bytes big-endian) and the
 * answer. Commands are ignored; when the bytes run out, or a length runs
 * past them, the exchange fails as a removed card would. Returns 0,
 * TC_ERR_TRUNCATED (no complete ATR), TC_ERR_INVALID_ARG, TC_ERR_NOMEM.
 * The bytes are copied.
 */
int tc_icc_open_replay(struct tc_icc **out /* OUT */, const uint8_t *data,
    size_t len, char *err, size_t errlen);

/* Closes the connection (the card is left powered) and frees it. */
void tc_icc_close(struct tc_icc *icc);

/* The ATR (owned by icc) and its length. */
const uint8_t *tc_icc_atr(const struct tc_icc *icc, size_t *len /* OUT */);

/* The reader or transport name (owned by icc). */
const char *tc_icc_name(const struct tc_icc *icc);

/* Exchanges made so far: every command, GET RESPONSE and resend. */
unsigned tc_icc_count(const struct tc_icc *icc);

/*
 * Allows extended-length commands (off by default; a profile that says
 * the card takes them turns it on).
 */
void tc_icc_set_extended(struct tc_icc *icc, int on);
int tc_icc_extended(const struct tc_icc *icc);

/* Sets the deadline of each later exchange (0: TC_ICC_TIMEOUT_MS). */
void tc_icc_set_timeout(struct tc_icc *icc, int timeout_ms);

/*
 * One raw exchange: appends the whole answer (data and SW1 SW2) to resp.
 * Returns 0, TC_ERR_CARD (an answer of fewer than 2 bytes: the card died
 * or was pulled mid-command), TC_ERR_CARD_REMOVED, TC_ERR_CARD_TIMEOUT
 * (the connection is dead afterwards), TC_ERR_NO_SERVICE, TC_ERR_TOO_LARGE
 * (resp's cap) or the transport's error.
 */
int tc_icc_transmit(struct tc_icc *icc, const uint8_t *cmd, size_t n,
    struct tc_buf *resp, char *err, size_t errlen);

/*
 * Sends command a and appends the response data (without the status word)
 * to data, whose cap bounds the whole answer; *sw gets the final status
 * word. 61XX is followed by GET RESPONSE (00 C0 00 00 XX) at most
 * TC_ICC_MAX_GETRESP times; 6CXX makes the command be sent again with Le
 * XX at most TC_ICC_MAX_RESEND times. Data over 255 bytes goes in the
 * extended form when it is on, else by command chaining (every part but
 * the last with CLA | 0x10, each answered 9000). Returns 0 whatever the
 * status word (the caller judges it), the errors of tc_icc_transmit, or
 * TC_ERR_CARD when a loop runs past its bound or a chained part is
 * refused (*sw is then that part's status word).
 */
int tc_icc_apdu(struct tc_icc *icc, const struct tc_apdu *a,
    struct tc_buf *data /* OUT, appended */, uint16_t *sw /* OUT */, char *err,
    size_t errlen);

/*
 * Sends a as tc_icc_apdu does, for a caller that needs of its answer only
 * that the status word match one of ok (n_ok patterns, 1..TC_ICC_SW_MAX,
 * the first a single status word other than 61XX and 6CXX), and not when
 * it is sent: a command whose answer the next command does not need. On a
 * transport that batches it is queued (with command chaining, each part
 * with 9000) and answered at once: *queued is 1, *sw is ok[0].value and
 * no data is appended; the real answers are checked when the queue
 * leaves, and one that does not match makes that later call on icc fail
 * (TC_ERR_BAD_SW, or the card error). On any other transport it is
 * tc_icc_apdu: *queued is 0 and the caller judges *sw and the data as
 * usual. Returns as tc_icc_apdu, or TC_ERR_INVALID_ARG.
 */
int tc_icc_apdu_deferred(struct tc_icc *icc, const struct tc_apdu *a,
    const struct tc_icc_sw *ok, size_t n_ok, struct tc_buf *data /* OUT */,
    uint16_t *sw /* OUT */, int *queued /* OUT */, char *err, size_t errlen);

/*
 * Sends what the transport has queued and waits for its answers. Returns
 * 0 (also with nothing queued, or a transport that does not batch), or
 * the error of the first queued command that failed.
 */
int tc_icc_flush(struct tc_icc *icc, char *err, size_t errlen);

/*
 * Answers wanted later. tc_icc_apdu_later sends a for a caller that reads
 * its answer only after the commands that follow it have been sent: on a
 * transport that batches (the station relay) it is queued to leave with
 * the commands before and after it in one batch, and its answer comes
 * back with that batch, in a slot of icc (*slot, for tc_icc_answer); on
 * any other it is sent at once with tc_icc_apdu and its answer kept in
 * the slot. ok (n_ok patterns, as tc_icc_apdu_deferred's) are the status
 * words that let the batch go on; when an answer cannot match them the
 * batch stops there and the job fails, as with a deferred command. want
 * is the number of answer data bytes the caller expects (0: no more than
 * a->ne): when one answer cannot hold them, the GET RESPONSE commands the
 * card will ask for (61XX) are queued after a, and a card that asks for
 * more than that is followed at once when the answer is read. The command
 * is not chained (a->nc fits one APDU). Returns 0, TC_ERR_TOO_LARGE (all
 * TC_ICC_LATER_MAX slots are held, or want needs more than
 * TC_ICC_LATER_PARTS answers), TC_ERR_INVALID_ARG, or the errors of
 * tc_icc_apdu (sent at once) or of the transport.
 */
#define TC_ICC_LATER_MAX   8 /* answers wanted later held at once */
#define TC_ICC_LATER_PARTS 8 /* answers (GET RESPONSE) of one of them */
int tc_icc_apdu_later(struct tc_icc *icc, const struct tc_apdu *a,
    const struct tc_icc_sw *ok, size_t n_ok, size_t want, int *slot /* OUT */,
    char *err, size_t errlen);

/*
 * The answer of slot: when it has not come back yet, tc_icc_flush sends
 * what is queued first (its failure is returned: the card's real answer
 * to some queued command was refused, the card left...). Appends the
 * answer data to data and sets *sw to the final status word, then frees
 * the slot. Returns 0 whatever the status word (the caller judges it, as
 * with tc_icc_apdu), TC_ERR_INVALID_ARG (no such slot held), or the errors
 * of tc_icc_flush and tc_icc_apdu.
 */
int tc_icc_answer(struct tc_icc *icc, int slot, struct tc_buf *data /* OUT */,
    uint16_t *sw /* OUT */, char *err, size_t errlen);

/* Whether the answer of slot has come back (or was had at once). */
int tc_icc_answered(const struct tc_icc *icc, int slot);

/* Whether the transport batches (tc_icc_apdu_deferred queues). */
int tc_icc_batches(const struct tc_icc *icc);

/* Whether a status word sw matches one of the n patterns of ok. */
int tc_icc_sw_match(const struct tc_icc_sw *ok, size_t n, uint16_t sw);

/*
 * The reader names pcscd knows, appended to names as lines ("name\n").
 * Returns 0 (also with no reader), TC_ERR_NO_SERVICE,
 * TC_ERR_CARD_TIMEOUT, TC_ERR_CARD, TC_ERR_NOMEM.
 */
int tc_pcsc_readers(
    struct tc_buf *names, int timeout_ms, char *err, size_t errlen);

/*
 * Waits up to timeout_ms until pcscd runs, the reader (named as in
 * tc_icc_open_pcsc)
 * exists and holds a card (present nonzero) or holds none (present 0).
 * Returns 0, TC_ERR_CARD_TIMEOUT when the time ran out, or the errors of
 * tc_icc_open_pcsc.
 */
int tc_pcsc_wait(
    const char *reader, int present, int timeout_ms, char *err, size_t errlen);

#endif
