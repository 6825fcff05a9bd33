/* SPDX-License-Identifier: MIT */
/*
 * Card connections (include/tcard/pcsc.h): the transport-independent
 * exchange logic (GET RESPONSE, 6CXX resend, command chaining, counting,
 * the "fewer than 2 bytes" rule), the pcsc-lite transport with one worker
 * thread per connection so that every call honours a deadline, and the
 * replay transport of the fuzz targets. Why a worker thread and not
 * SCardCancel: docs/card-pcsc.md.
 */
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "card-int.h"
#include "tcard/apdu.h"
#include "tcard/err.h"
#include "tcard/pcsc.h"

struct tc_icc {
	struct tc_icc_ops ops;
	void *impl;
	uint8_t atr[TC_ICC_ATR_MAX];
	size_t atrlen;
	char name[TC_ICC_READER_NAME];
	unsigned count;
	int extended;
	int timeout_ms;
	int dead;      /* a deadline passed: every later call fails */
	uint8_t *rbuf; /* TC_APDU_RESP_MAX bytes of scratch */
	/* While tc_icc_apdu_deferred runs on a transport that batches: */
	const struct tc_icc_sw *defer_ok; /* the last part's patterns */
	size_t defer_n;			  /* 0: not deferring */
	int defer_part;			  /* a chained part: 9000 */
	/* Answers wanted later (tc_icc_apdu_later), each in parts. */
	struct later {
		int used;
		size_t n; /* parts: the command, then GET RESPONSE */
		struct tc_buf part[TC_ICC_LATER_PARTS]; /* data and SW */
		int filled[TC_ICC_LATER_PARTS];
	} later[TC_ICC_LATER_MAX];
};

int
tc_icc_new(struct tc_icc **out, const struct tc_icc_ops *ops, void *impl,
    const uint8_t *atr, size_t atrlen, const char *name)
{
	struct tc_icc *icc;
	size_t i, j;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || ops == NULL || ops->exchange == NULL ||
	    atrlen > TC_ICC_ATR_MAX || (atrlen > 0 && atr == NULL)) {
		if (ops != NULL && ops->close != NULL)
			ops->close(impl);
		return TC_ERR_INVALID_ARG;
	}
	if ((icc = calloc(1, sizeof(*icc))) == NULL ||
	    (icc->rbuf = malloc(TC_APDU_RESP_MAX)) == NULL) {
		free(icc);
		if (ops->close != NULL)
			ops->close(impl);
		return TC_ERR_NOMEM;
	}
	icc->ops = *ops;
	icc->impl = impl;
	for (i = 0; i < TC_ICC_LATER_MAX; i++)
		for (j = 0; j < TC_ICC_LATER_PARTS; j++)
			tc_buf_init(&icc->later[i].part[j], TC_APDU_RESP_MAX);
	if (atrlen > 0)
		memcpy(icc->atr, atr, atrlen);
	icc->atrlen = atrlen;
	snprintf(
	    icc->name, sizeof(icc->name), "%s", name != NULL ? name : "card");
	icc->timeout_ms = TC_ICC_TIMEOUT_MS;
	*out = icc;
	return 0;
}

void
tc_icc_close(struct tc_icc *icc)
{
	size_t i, j;

	if (icc == NULL)
		return;
	if (icc->ops.close != NULL)
		icc->ops.close(icc->impl);
	for (i = 0; i < TC_ICC_LATER_MAX; i++)
		for (j = 0; j < TC_ICC_LATER_PARTS; j++)
			tc_buf_release(&icc->later[i].part[j]);
	free(icc->rbuf);
	free(icc);
}

const uint8_t *
tc_icc_atr(const struct tc_icc *icc, size_t *len)
{
	*len = icc->atrlen;
	return icc->atr;
}

const char *
tc_icc_name(const struct tc_icc *icc)
{
	return icc->name;
}

unsigned
tc_icc_count(const struct tc_icc *icc)
{
	return icc->count;
}

void
tc_icc_set_extended(struct tc_icc *icc, int on)
{
	icc->extended = on != 0;
}

int
tc_icc_extended(const struct tc_icc *icc)
{
	return icc->extended;
}

void
tc_icc_set_timeout(struct tc_icc *icc, int timeout_ms)
{
	icc->timeout_ms = timeout_ms > 0 ? timeout_ms : TC_ICC_TIMEOUT_MS;
}

int
tc_icc_sw_match(const struct tc_icc_sw *ok, size_t n, uint16_t sw)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((sw & ok[i].mask) == ok[i].value)
			return 1;
	return 0;
}

/* Queues cmd with the transport; the answer is the expected status word. */
static int
defer(struct tc_icc *icc, const uint8_t *cmd, size_t n, struct tc_buf *resp,
    char *err, size_t errlen)
{
	static const struct tc_icc_sw ok9000 = { TC_SW_OK, 0xFFFF };
	const struct tc_icc_sw *ok = icc->defer_part ? &ok9000 : icc->defer_ok;
	uint8_t sw[2];
	int r;

	if ((r = icc->ops.defer(icc->impl, cmd, n, ok,
		 icc->defer_part ? 1 : icc->defer_n, icc->timeout_ms, err,
		 errlen)) != 0)
		return r;
	sw[0] = (uint8_t)(ok[0].value >> 8);
	sw[1] = (uint8_t)ok[0].value;
	return tc_buf_put(resp, sw, 2);
}

int
tc_icc_transmit(struct tc_icc *icc, const uint8_t *cmd, size_t n,
    struct tc_buf *resp, char *err, size_t errlen)
{
	size_t rlen = 0;
	int r;

	if (icc == NULL || cmd == NULL || resp == NULL || n < 4 ||
	    n > TC_APDU_MAX)
		return TC_ERR_INVALID_ARG;
	if (icc->dead)
		return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: the card stopped answering earlier; remove it and try again",
		    icc->name);
	icc->count++;
	if (icc->defer_n > 0)
		return defer(icc, cmd, n, resp, err, errlen);
	r = icc->ops.exchange(icc->impl, cmd, n, icc->rbuf, TC_APDU_RESP_MAX,
	    &rlen, icc->timeout_ms, err, errlen);
	if (r == TC_ERR_CARD_TIMEOUT)
		icc->dead = 1;
	if (r != 0)
		return r;
	if (rlen > TC_APDU_RESP_MAX)
		return tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "%s: transport overran its buffer", icc->name);
	if (rlen == 0)
		return tc_seterr(err, errlen, TC_ERR_CARD_REMOVED,
		    "%s: no answer to command %02X %02X: the card was removed or lost power mid-command",
		    icc->name, cmd[0], cmd[1]);
	if (rlen < 2)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the card answered command %02X %02X with %zu byte, fewer than a status word",
		    icc->name, cmd[0], cmd[1], rlen);
	if ((r = tc_buf_put(resp, icc->rbuf, rlen)) != 0)
		return tc_seterr(err, errlen, r,
		    "%s: an answer of %zu bytes is more than %zu allowed",
		    icc->name, rlen, resp->cap);
	return 0;
}

/*
 * One command (no chaining) with the 6CXX resend and the 61XX loop.
 * Response data goes to data; the status word to *sw.
 */
static int
apdu_single(struct tc_icc *icc, const struct tc_apdu *a0, struct tc_buf *data,
    uint16_t *sw, char *err, size_t errlen)
{
	struct tc_apdu a = *a0;
	struct tc_buf cmd, resp;
	size_t dlen, want;
	int r, resend = 0, rounds = 0;

	tc_buf_init(&cmd, TC_APDU_MAX);
	tc_buf_init(&resp, TC_APDU_RESP_MAX);
	for (;;) {
		tc_buf_reset(&cmd);
		tc_buf_reset(&resp);
		if ((r = tc_apdu_encode(&cmd, &a, icc->extended)) != 0) {
			r = tc_seterr(err, errlen, r,
			    "%s: command %02X %02X with %zu data bytes and Le %zu does not fit a%s APDU",
			    icc->name, a.cla, a.ins, a.nc, a.ne,
			    icc->extended ? "n extended" : " short");
			goto out;
		}
		if ((r = tc_icc_transmit(
			 icc, cmd.data, cmd.len, &resp, err, errlen)) != 0)
			goto out;
		*sw = (uint16_t)(resp.data[resp.len - 2] << 8 |
		    resp.data[resp.len - 1]);
		dlen = resp.len - 2;
		if ((*sw & 0xff00) == TC_SW_WRONG_LE && dlen == 0) {
			if (++resend > TC_ICC_MAX_RESEND) {
				r = tc_seterr(err, errlen, TC_ERR_CARD,
				    "%s: the card asked to resend command %02X %02X with another Le more than %d times",
				    icc->name, a.cla, a.ins, TC_ICC_MAX_RESEND);
				goto out;
			}
			a.ne =
			    (*sw & 0xff) == 0 ? TC_APDU_SHORT_NE : (*sw & 0xff);
			continue;
		}
		break;
	}
	want = a.ne;
	for (;;) {
		if (dlen > want) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: the card answered %zu bytes to command %02X %02X, more than the %zu asked for",
			    icc->name, dlen, a.cla, a.ins, want);
			goto out;
		}
		if ((r = tc_buf_put(data, resp.data, dlen)) != 0) {
			r = tc_seterr(err, errlen, r,
			    "%s: the answer to command %02X %02X is longer than %zu bytes",
			    icc->name, a.cla, a.ins, data->cap);
			goto out;
		}
		if ((*sw & 0xff00) != TC_SW_BYTES_LEFT)
			break;
		if (++rounds > TC_ICC_MAX_GETRESP) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: the card kept answering 61XX after %d GET RESPONSE commands",
			    icc->name, TC_ICC_MAX_GETRESP);
			goto out;
		}
		{
			uint8_t gr[5] = { 0x00, 0xC0, 0x00, 0x00, 0x00 };

			gr[4] = (uint8_t)(*sw & 0xff);
			want = gr[4] == 0 ? TC_APDU_SHORT_NE : gr[4];
			tc_buf_reset(&resp);
			if ((r = tc_icc_transmit(
				 icc, gr, sizeof(gr), &resp, err, errlen)) != 0)
				goto out;
		}
		*sw = (uint16_t)(resp.data[resp.len - 2] << 8 |
		    resp.data[resp.len - 1]);
		dlen = resp.len - 2;
	}
	r = 0;
out:
	tc_buf_release(&cmd);
	tc_buf_release(&resp);
	return r;
}

int
tc_icc_apdu(struct tc_icc *icc, const struct tc_apdu *a, struct tc_buf *data,
    uint16_t *sw, char *err, size_t errlen)
{
	struct tc_apdu part;
	size_t off = 0, mark;
	int r;

	if (icc == NULL || a == NULL || data == NULL || sw == NULL)
		return TC_ERR_INVALID_ARG;
	*sw = 0;
	if (a->nc <= TC_APDU_SHORT_NC || icc->extended)
		return apdu_single(icc, a, data, sw, err, errlen);
	if (a->nc > TC_ICC_CHAIN_MAX_DATA || (a->cla & 0x10) != 0)
		return TC_ERR_INVALID_ARG;
	/* Command chaining, ISO/IEC 7816-4 5.1.1.1. */
	mark = data->len;
	while (a->nc - off > TC_APDU_SHORT_NC) {
		part = *a;
		part.cla = (uint8_t)(a->cla | 0x10);
		part.data = a->data + off;
		part.nc = TC_APDU_SHORT_NC;
		part.ne = 0;
		if ((r = apdu_single(icc, &part, data, sw, err, errlen)) != 0)
			return r;
		if (*sw != TC_SW_OK || data->len != mark) {
			tc_buf_truncate(data, mark);
			return tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: the card refused part %zu of chained command %02X %02X: %04X %s",
			    icc->name, off / TC_APDU_SHORT_NC + 1, a->cla,
			    a->ins, *sw, tc_sw_text(*sw));
		}
		off += TC_APDU_SHORT_NC;
	}
	part = *a;
	part.data = a->data + off;
	part.nc = a->nc - off;
	icc->defer_part = 0;
	return apdu_single(icc, &part, data, sw, err, errlen);
}

int
tc_icc_apdu_deferred(struct tc_icc *icc, const struct tc_apdu *a,
    const struct tc_icc_sw *ok, size_t n_ok, struct tc_buf *data, uint16_t *sw,
    int *queued, char *err, size_t errlen)
{
	int r;

	if (icc == NULL || ok == NULL || n_ok == 0 || n_ok > TC_ICC_SW_MAX ||
	    queued == NULL || ok[0].mask != 0xFFFF ||
	    (ok[0].value & 0xFF00) == TC_SW_BYTES_LEFT ||
	    (ok[0].value & 0xFF00) == TC_SW_WRONG_LE)
		return TC_ERR_INVALID_ARG;
	*queued = icc->ops.defer != NULL;
	if (!*queued)
		return tc_icc_apdu(icc, a, data, sw, err, errlen);
	icc->defer_ok = ok;
	icc->defer_n = n_ok;
	icc->defer_part =
	    a != NULL && a->nc > TC_APDU_SHORT_NC && !icc->extended;
	r = tc_icc_apdu(icc, a, data, sw, err, errlen);
	icc->defer_ok = NULL;
	icc->defer_n = 0;
	icc->defer_part = 0;
	return r;
}

int
tc_icc_flush(struct tc_icc *icc, char *err, size_t errlen)
{
	if (icc == NULL)
		return TC_ERR_INVALID_ARG;
	if (icc->dead)
		return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: the card stopped answering earlier; remove it and try again",
		    icc->name);
	if (icc->ops.flush == NULL)
		return 0;
	return icc->ops.flush(icc->impl, icc->timeout_ms, err, errlen);
}

int
tc_icc_batches(const struct tc_icc *icc)
{
	return icc != NULL && icc->ops.defer != NULL;
}

int
tc_icc_answered(const struct tc_icc *icc, int slot)
{
	const struct later *l;

	if (icc == NULL || slot < 0 || slot >= TC_ICC_LATER_MAX)
		return 0;
	l = &icc->later[slot];
	return l->used && l->n > 0 && l->filled[l->n - 1];
}

/* A free slot for an answer wanted later, emptied; -1 when none. */
static int
later_slot(struct tc_icc *icc)
{
	struct later *l;
	size_t i;
	int s;

	for (s = 0; s < TC_ICC_LATER_MAX && icc->later[s].used; s++)
		;
	if (s == TC_ICC_LATER_MAX)
		return -1;
	l = &icc->later[s];
	for (i = 0; i < TC_ICC_LATER_PARTS; i++) {
		tc_buf_reset(&l->part[i]);
		l->filled[i] = 0;
	}
	l->n = 0;
	return s;
}

/* Queues one part of an answer wanted later with the transport. */
static int
later_part(struct tc_icc *icc, struct later *l, const uint8_t *cmd, size_t n,
    const struct tc_icc_sw *ok, size_t n_ok, char *err, size_t errlen)
{
	int r;

	icc->count++;
	if ((r = icc->ops.later(icc->impl, cmd, n, ok, n_ok, &l->part[l->n],
		 &l->filled[l->n], icc->timeout_ms, err, errlen)) != 0)
		return r;
	l->n++;
	return 0;
}

/*
 * Queues a and the GET RESPONSE commands that want bytes of answer data
 * will take (the card answers at most a->ne, then 256 a time).
 */
static int
later_queue(struct tc_icc *icc, struct later *l, const struct tc_apdu *a,
    const struct tc_icc_sw *ok, size_t n_ok, size_t want, char *err,
    size_t errlen)
{
	static const struct tc_icc_sw any = { 0, 0 };
	struct tc_icc_sw pat[TC_ICC_SW_MAX];
	uint8_t gr[5] = { 0x00, 0xC0, 0x00, 0x00, 0x00 };
	struct tc_buf cmd;
	size_t rest, k, parts;
	int r;

	rest = want > a->ne ? want - a->ne : 0;
	parts = 1 + (rest + TC_APDU_SHORT_NE - 1) / TC_APDU_SHORT_NE;
	if (parts > TC_ICC_LATER_PARTS)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: an answer of %zu bytes wanted later takes more than %d GET RESPONSE commands",
		    icc->name, want, TC_ICC_LATER_PARTS - 1);
	memcpy(pat, ok, n_ok * sizeof(ok[0]));
	if (!tc_icc_sw_match(ok, n_ok, TC_SW_BYTES_LEFT)) {
		if (n_ok == TC_ICC_SW_MAX)
			return TC_ERR_INVALID_ARG;
		pat[n_ok].value = TC_SW_BYTES_LEFT;
		pat[n_ok++].mask = 0xFF00;
	}
	tc_buf_init(&cmd, TC_APDU_MAX);
	if ((r = tc_apdu_encode(&cmd, a, icc->extended)) != 0) {
		r = tc_seterr(err, errlen, r,
		    "%s: command %02X %02X with %zu data bytes and Le %zu does not fit a%s APDU",
		    icc->name, a->cla, a->ins, a->nc, a->ne,
		    icc->extended ? "n extended" : " short");
		goto out;
	}
	if ((r = later_part(
		 icc, l, cmd.data, cmd.len, pat, n_ok, err, errlen)) != 0)
		goto out;
	/*
	 * The GET RESPONSE commands take any status word: a card that ends
	 * sooner answers them with an error, which the answer ignores.
	 */
	for (k = 1; k < parts; k++, rest -= gr[4] == 0 ? 256 : gr[4]) {
		gr[4] = rest >= TC_APDU_SHORT_NE ? 0 : (uint8_t)rest;
		if ((r = later_part(
			 icc, l, gr, sizeof(gr), &any, 1, err, errlen)) != 0)
			goto out;
	}
out:
	tc_buf_release(&cmd);
	return r;
}

int
tc_icc_apdu_later(struct tc_icc *icc, const struct tc_apdu *a,
    const struct tc_icc_sw *ok, size_t n_ok, size_t want, int *slot, char *err,
    size_t errlen)
{
	struct later *l;
	uint16_t sw;
	int s, r;

	if (slot != NULL)
		*slot = -1;
	if (icc == NULL || a == NULL || ok == NULL || n_ok == 0 ||
	    n_ok > TC_ICC_SW_MAX || slot == NULL ||
	    (a->nc > TC_APDU_SHORT_NC && !icc->extended))
		return TC_ERR_INVALID_ARG;
	if (icc->dead)
		return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: the card stopped answering earlier; remove it and try again",
		    icc->name);
	if ((s = later_slot(icc)) < 0)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: more than %d answers wanted later at once", icc->name,
		    TC_ICC_LATER_MAX);
	l = &icc->later[s];
	if (icc->ops.later == NULL || icc->ops.defer == NULL) {
		/* At once: the whole answer in one part. */
		if ((r = tc_icc_apdu(icc, a, &l->part[0], &sw, err, errlen)) !=
			0 ||
		    (r = tc_buf_put_u16be(&l->part[0], sw)) != 0)
			return r;
		l->n = 1;
		l->filled[0] = 1;
	} else if ((r = later_queue(icc, l, a, ok, n_ok, want, err, errlen)) !=
	    0)
		return r;
	l->used = 1;
	*slot = s;
	return 0;
}

int
tc_icc_answer(struct tc_icc *icc, int slot, struct tc_buf *data, uint16_t *sw,
    char *err, size_t errlen)
{
	struct tc_apdu gr = { 0x00, 0xC0, 0x00, 0x00, NULL, 0, 0, 0 };
	const struct tc_buf *p;
	struct later *l;
	size_t i, mark;
	int r;

	if (icc == NULL || data == NULL || sw == NULL || slot < 0 ||
	    slot >= TC_ICC_LATER_MAX || !icc->later[slot].used)
		return TC_ERR_INVALID_ARG;
	l = &icc->later[slot];
	*sw = 0;
	mark = data->len;
	if (!l->filled[l->n - 1] && (r = tc_icc_flush(icc, err, errlen)) != 0)
		goto out;
	for (i = 0; i < l->n; i++) {
		p = &l->part[i];
		if (i > 0 && (*sw & 0xFF00) != TC_SW_BYTES_LEFT)
			break; /* complete: the rest answered nothing */
		if (!l->filled[i] || p->len < 2) {
			r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
			    "%s: an answer wanted later did not come back",
			    icc->name);
			goto out;
		}
		if ((r = tc_buf_put(data, p->data, p->len - 2)) != 0) {
			r = tc_seterr(err, errlen, r,
			    "%s: an answer wanted later is longer than %zu bytes",
			    icc->name, data->cap);
			goto out;
		}
		*sw =
		    (uint16_t)(p->data[p->len - 2] << 8 | p->data[p->len - 1]);
	}
	/* The card has more than foreseen: follow it now. */
	if ((*sw & 0xFF00) == TC_SW_BYTES_LEFT) {
		gr.ne = (*sw & 0xFF) == 0 ? TC_APDU_SHORT_NE : (*sw & 0xFF);
		if ((r = tc_icc_apdu(icc, &gr, data, sw, err, errlen)) != 0)
			goto out;
	}
	r = 0;
out:
	l->used = 0;
	if (r != 0)
		tc_buf_truncate(data, mark);
	return r;
}

/* The replay transport. */

struct replay {
	uint8_t *data;
	size_t len, off;
};

static int
replay_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct replay *rp = impl;
	size_t l;

	*rlen = 0;
	if (rp->off >= rp->len)
		return tc_seterr(err, errlen, TC_ERR_CARD_REMOVED,
		    "replay: no more answers: the card is gone");
	l = rp->data[rp->off++];
	if (l == 0xff) {
		if (rp->len - rp->off < 2) {
			rp->off = rp->len;
			return tc_seterr(err, errlen, TC_ERR_CARD_REMOVED,
			    "replay: the card is gone");
		}
		l = (size_t)rp->data[rp->off] << 8 | rp->data[rp->off + 1];
		rp->off += 2;
	}
	if (l > rp->len - rp->off) {
		rp->off = rp->len;
		return tc_seterr(err, errlen, TC_ERR_CARD_REMOVED,
		    "replay: the card is gone mid-answer");
	}
	if (l > cap)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "replay: answer of %zu bytes", l);
	memcpy(resp, rp->data + rp->off, l);
	rp->off += l;
	*rlen = l;
	return 0;
}

static void
replay_close(void *impl)
{
	struct replay *rp = impl;

	if (rp == NULL)
		return;
	free(rp->data);
	free(rp);
}

static const struct tc_icc_ops replay_ops = {
	.exchange = replay_exchange,
	.close = replay_close,
};

int
tc_icc_open_replay(struct tc_icc **out, const uint8_t *data, size_t len,
    char *err, size_t errlen)
{
	struct replay *rp;
	size_t atrlen;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (data == NULL && len > 0)
		return TC_ERR_INVALID_ARG;
	if (len < 1 || data[0] > TC_ICC_ATR_MAX || (size_t)data[0] + 1 > len)
		return tc_seterr(
		    err, errlen, TC_ERR_TRUNCATED, "replay: no complete ATR");
	atrlen = data[0];
	if ((rp = calloc(1, sizeof(*rp))) == NULL ||
	    (rp->data = malloc(len)) == NULL) {
		free(rp);
		return TC_ERR_NOMEM;
	}
	memcpy(rp->data, data, len);
	rp->len = len;
	rp->off = 1 + atrlen;
	return tc_icc_new(out, &replay_ops, rp, data + 1, atrlen, "replay");
}

/*
 * The PC/SC transport. Each connection owns a worker thread that makes
 * every SCard call of the connection, including SCardEstablishContext, so
 * that the caller can stop waiting at a deadline. The caller posts a job
 * and waits on cv; the worker runs it and signals. A caller that gives up
 * leaves the job running; closing the connection then marks it abandoned
 * and the worker frees everything when the job returns.
 */

struct pcsc;
typedef LONG (*pcsc_job)(struct pcsc *);

struct pcsc {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	pcsc_job job; /* running or pending, NULL when idle */
	int done;     /* the last job finished */
	int quit;
	int abandoned;
	LONG rv;
	SCARDCONTEXT ctx;
	int have_ctx;
	SCARDHANDLE h;
	int have_h;
	DWORD proto;
	DWORD share;
	char reader[TC_ICC_READER_NAME];
	/* Job arguments and results; the worker never touches caller memory. */
	SCARD_READERSTATE rs;
	DWORD wait_ms;
	LPSTR readers; /* SCARD_AUTOALLOCATE */
	DWORD readers_len;
	uint8_t atr[MAX_ATR_SIZE];
	DWORD atrlen;
	uint8_t cmd[TC_APDU_MAX];
	DWORD n;
	uint8_t resp[TC_APDU_RESP_MAX];
	DWORD rlen;
};

static void
pcsc_cleanup(struct pcsc *p)
{
	if (p->readers != NULL && p->have_ctx)
		SCardFreeMemory(p->ctx, p->readers);
	p->readers = NULL;
	if (p->have_h)
		SCardDisconnect(p->h, SCARD_LEAVE_CARD);
	p->have_h = 0;
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	p->have_ctx = 0;
}

static void
pcsc_free(struct pcsc *p)
{
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

static void *
pcsc_worker(void *arg)
{
	struct pcsc *p = arg;
	pcsc_job job;
	LONG rv;
	int abandoned;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->job == NULL && !p->quit && !p->abandoned)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit || (p->abandoned && p->job == NULL))
			break;
		job = p->job;
		pthread_mutex_unlock(&p->mu);
		rv = job(p);
		pthread_mutex_lock(&p->mu);
		p->rv = rv;
		p->job = NULL;
		p->done = 1;
		if (p->abandoned)
			break;
		pthread_cond_broadcast(&p->cv);
	}
	abandoned = p->abandoned;
	pthread_mutex_unlock(&p->mu);
	pcsc_cleanup(p);
	if (abandoned)
		pcsc_free(p);
	return NULL;
}

static int
pcsc_start(struct pcsc **out)
{
	pthread_condattr_t ca;
	struct pcsc *p;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return TC_ERR_NOMEM;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return TC_ERR_INTERNAL;
	}
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&p->cv, &ca) != 0) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return TC_ERR_INTERNAL;
	}
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->th, NULL, pcsc_worker, p) != 0) {
		pcsc_free(p);
		return TC_ERR_INTERNAL;
	}
	*out = p;
	return 0;
}

/* Stops the worker: joins it when idle, abandons it when it is stuck. */
static void
pcsc_stop(struct pcsc *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->job != NULL) {
		p->abandoned = 1;
		pthread_detach(p->th);
		pthread_mutex_unlock(&p->mu);
		return;
	}
	p->quit = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	pcsc_free(p);
}

#define PCSC_TIMED_OUT ((LONG)1)

struct timespec
tc_card_deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Runs job in the worker; PCSC_TIMED_OUT when timeout_ms passes first. */
static LONG
pcsc_run(struct pcsc *p, pcsc_job job, int timeout_ms)
{
	struct timespec dl = tc_card_deadline(timeout_ms);
	LONG rv;
	int e = 0;

	pthread_mutex_lock(&p->mu);
	if (p->job != NULL) { /* an earlier job never came back */
		pthread_mutex_unlock(&p->mu);
		return PCSC_TIMED_OUT;
	}
	p->job = job;
	p->done = 0;
	pthread_cond_broadcast(&p->cv);
	while (!p->done && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&p->cv, &p->mu, &dl);
	rv = p->done ? p->rv : PCSC_TIMED_OUT;
	pthread_mutex_unlock(&p->mu);
	return rv;
}

static LONG
job_establish(struct pcsc *p)
{
	LONG rv =
	    SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);

	p->have_ctx = rv == SCARD_S_SUCCESS;
	return rv;
}

static LONG
job_list(struct pcsc *p)
{
	if (p->readers != NULL)
		SCardFreeMemory(p->ctx, p->readers);
	p->readers = NULL;
	p->readers_len = SCARD_AUTOALLOCATE;
	return SCardListReaders(
	    p->ctx, NULL, (LPSTR)&p->readers, &p->readers_len);
}

static LONG
job_status_change(struct pcsc *p)
{
	return SCardGetStatusChange(p->ctx, p->wait_ms, &p->rs, 1);
}

static LONG
job_connect(struct pcsc *p)
{
	DWORD state, proto, namelen = 0;
	LONG rv;

	rv = SCardConnect(p->ctx, p->reader, p->share,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->h, &p->proto);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	p->have_h = 1;
	p->atrlen = sizeof(p->atr);
	return SCardStatus(
	    p->h, NULL, &namelen, &state, &proto, p->atr, &p->atrlen);
}

static LONG
job_transmit(struct pcsc *p)
{
	const SCARD_IO_REQUEST *pci =
	    p->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;

	p->rlen = sizeof(p->resp);
	return SCardTransmit(p->h, pci, p->cmd, p->n, NULL, p->resp, &p->rlen);
}

/* Maps a PC/SC result to a TC_ERR_* code with a message. */
static int
pcsc_err(
    LONG rv, const char *what, const char *reader, char *err, size_t errlen)
{
	const char *rd = reader != NULL ? reader : "pcscd";

	switch (rv) {
	case PCSC_TIMED_OUT:
		return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: %s: no answer in time (the card or pcscd hangs); remove the card and try again",
		    rd, what);
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return tc_seterr(err, errlen, TC_ERR_NO_SERVICE,
		    "%s: the PC/SC service pcscd is not running (start pcscd)",
		    what);
	case SCARD_F_COMM_ERROR:
		return tc_seterr(err, errlen, TC_ERR_NO_SERVICE,
		    "%s: %s: the connection to pcscd was lost (pcscd stopped with the reader)",
		    rd, what);
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
	case SCARD_E_NO_READERS_AVAILABLE:
		return tc_seterr(err, errlen, TC_ERR_NO_READER,
		    "%s: %s: the reader is gone", rd, what);
	case SCARD_W_REMOVED_CARD:
	case SCARD_E_NO_SMARTCARD:
	case SCARD_E_NOT_TRANSACTED:
	case SCARD_W_UNPOWERED_CARD:
		return tc_seterr(err, errlen, TC_ERR_CARD_REMOVED,
		    "%s: %s: the card was removed", rd, what);
	case SCARD_E_SHARING_VIOLATION:
		return tc_seterr(err, errlen, TC_ERR_SHARING,
		    "%s: %s: another program is using the card (sharing violation); close it and try again",
		    rd, what);
	case SCARD_E_TIMEOUT:
		return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: %s: timed out", rd, what);
	case SCARD_W_RESET_CARD:
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: %s: another program reset the card; try again", rd,
		    what);
	default:
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: %s: %s (0x%08lX)", rd, what, pcsc_stringify_error(rv),
		    (unsigned long)rv);
	}
}

static void
pcsc_close_impl(void *impl)
{
	pcsc_stop(impl);
}

static int
pcsc_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct pcsc *p = impl;
	LONG rv;

	*rlen = 0;
	if (n > sizeof(p->cmd))
		return TC_ERR_INVALID_ARG;
	memcpy(p->cmd, cmd, n);
	p->n = (DWORD)n;
	if ((rv = pcsc_run(p, job_transmit, timeout_ms)) != SCARD_S_SUCCESS)
		return pcsc_err(rv, "transmit", p->reader, err, errlen);
	if (p->rlen > cap)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: an answer of %lu bytes", p->reader,
		    (unsigned long)p->rlen);
	memcpy(resp, p->resp, p->rlen);
	*rlen = p->rlen;
	return 0;
}

static const struct tc_icc_ops pcsc_ops = {
	.exchange = pcsc_exchange,
	.close = pcsc_close_impl,
};

/* Context and reader list; the worker is started. */
static int
pcsc_session(struct pcsc **out, int timeout_ms, char *err, size_t errlen)
{
	LONG rv;
	int r;

	if ((r = pcsc_start(out)) != 0)
		return tc_seterr(err, errlen, r, "cannot start a PC/SC thread");
	if ((rv = pcsc_run(*out, job_establish, timeout_ms)) !=
	    SCARD_S_SUCCESS) {
		r = pcsc_err(rv, "connecting to pcscd", NULL, err, errlen);
		pcsc_stop(*out);
		*out = NULL;
		return r;
	}
	return 0;
}

/*
 * Lists the readers into p->readers; 0 with an empty list when there are
 * none.
 */
static int
pcsc_list(struct pcsc *p, int timeout_ms, char *err, size_t errlen)
{
	LONG rv = pcsc_run(p, job_list, timeout_ms);

	if (rv == SCARD_E_NO_READERS_AVAILABLE) {
		p->readers = NULL;
		return 0;
	}
	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(rv, "listing readers", NULL, err, errlen);
	return 0;
}

/*
 * Finds the reader named by want in p->readers: exact, or the only one
 * containing it. Copies it into p->reader. Returns 0, TC_ERR_NOT_FOUND,
 * TC_ERR_NO_READER (several match; err says so).
 */
static int
pcsc_match(struct pcsc *p, const char *want, char *err, size_t errlen)
{
	const char *s, *found = NULL;
	size_t nfound = 0;

	for (s = p->readers; s != NULL && *s != '\0'; s += strlen(s) + 1)
		if (strcmp(s, want) == 0) {
			found = s;
			nfound = 1;
			break;
		} else if (strstr(s, want) != NULL) {
			found = s;
			nfound++;
		}
	if (nfound == 0)
		return TC_ERR_NOT_FOUND;
	if (nfound > 1)
		return tc_seterr(err, errlen, TC_ERR_NO_READER,
		    "reader '%s': several readers match; give the whole name",
		    want);
	if (strlen(found) >= sizeof(p->reader))
		return tc_seterr(err, errlen, TC_ERR_NO_READER,
		    "reader '%s': name too long", found);
	memcpy(p->reader, found, strlen(found) + 1);
	return 0;
}

static void
reader_list_text(struct pcsc *p, char *out, size_t outlen)
{
	const char *s;
	size_t used = 0;

	out[0] = '\0';
	for (s = p->readers; s != NULL && *s != '\0'; s += strlen(s) + 1) {
		int w = snprintf(out + used, outlen - used, "%s'%s'",
		    used > 0 ? ", " : "", s);

		if (w < 0 || (size_t)w >= outlen - used)
			break;
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(out, outlen, "none");
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the reader exists (polling the list every 50 ms) and has
 * (present) or lacks a card, until deadline (monotonic ms). Leaves the
 * resolved name in p->reader.
 */
static int
pcsc_wait_card(struct pcsc *p, const char *want, int present, int64_t deadline,
    int timeout_ms, char *err, size_t errlen)
{
	char list[512];
	DWORD ev;
	int64_t left;
	LONG rv;
	int r;

	for (;;) {
		if ((r = pcsc_list(p, timeout_ms, err, errlen)) != 0)
			return r;
		r = pcsc_match(p, want, err, errlen);
		if (r == 0)
			break;
		if (r != TC_ERR_NOT_FOUND)
			return r;
		if (now_ms() >= deadline) {
			reader_list_text(p, list, sizeof(list));
			return tc_seterr(err, errlen, TC_ERR_NO_READER,
			    "no reader '%s' (readers: %s)", want, list);
		}
		{
			struct timespec ts = { 0, 50 * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	memset(&p->rs, 0, sizeof(p->rs));
	p->rs.szReader = p->reader;
	p->rs.dwCurrentState = SCARD_STATE_UNAWARE;
	p->wait_ms = 0;
	for (;;) {
		rv = pcsc_run(
		    p, job_status_change, (int)p->wait_ms + timeout_ms);
		if (rv == SCARD_E_TIMEOUT)
			return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
			    "%s: %s", p->reader,
			    present ? "no card was presented in time"
				    : "the card was not removed in time");
		if (rv != SCARD_S_SUCCESS)
			return pcsc_err(
			    rv, "watching the reader", p->reader, err, errlen);
		ev = p->rs.dwEventState;
		if (ev & SCARD_STATE_UNKNOWN)
			return tc_seterr(err, errlen, TC_ERR_NO_READER,
			    "%s: the reader is gone", p->reader);
		if (present ? (ev & SCARD_STATE_PRESENT) != 0 &&
			    (ev & SCARD_STATE_MUTE) == 0
			    : (ev & SCARD_STATE_EMPTY) != 0)
			return 0;
		if ((left = deadline - now_ms()) <= 0) {
			if (present)
				return tc_seterr(err, errlen,
				    TC_ERR_CARD_REMOVED, "%s: %s", p->reader,
				    (ev & SCARD_STATE_MUTE)
					? "the card does not answer (mute)"
					: "no card in the reader");
			return tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
			    "%s: the card was not removed in time", p->reader);
		}
		p->rs.dwCurrentState = ev & ~SCARD_STATE_CHANGED;
		p->wait_ms = (DWORD)left;
	}
}

int
tc_icc_open_pcsc(struct tc_icc **out, const char *reader,
    const struct tc_icc_opts *o, char *err, size_t errlen)
{
	struct tc_icc_opts dflt;
	struct pcsc *p = NULL;
	int64_t deadline;
	int timeout, r;
	LONG rv;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || reader == NULL || *reader == '\0')
		return TC_ERR_INVALID_ARG;
	if (o == NULL) {
		memset(&dflt, 0, sizeof(dflt));
		o = &dflt;
	}
	timeout = o->timeout_ms > 0 ? o->timeout_ms : TC_ICC_TIMEOUT_MS;
	deadline = now_ms() + (o->wait_ms > 0 ? o->wait_ms : 0);
	if ((r = pcsc_session(&p, timeout, err, errlen)) != 0)
		return r;
	if ((r = pcsc_wait_card(
		 p, reader, 1, deadline, timeout, err, errlen)) != 0)
		goto fail;
	p->share = o->exclusive ? SCARD_SHARE_EXCLUSIVE : SCARD_SHARE_SHARED;
	if ((rv = pcsc_run(p, job_connect, timeout)) != SCARD_S_SUCCESS) {
		r = pcsc_err(
		    rv, "connecting to the card", p->reader, err, errlen);
		goto fail;
	}
	if (p->atrlen > TC_ICC_ATR_MAX)
		p->atrlen = TC_ICC_ATR_MAX;
	if ((r = tc_icc_new(out, &pcsc_ops, p, p->atr, p->atrlen, p->reader)) !=
	    0)
		return r; /* p was stopped by tc_icc_new */
	tc_icc_set_timeout(*out, timeout);
	return 0;
fail:
	pcsc_stop(p);
	return r;
}

int
tc_pcsc_readers(struct tc_buf *names, int timeout_ms, char *err, size_t errlen)
{
	struct pcsc *p = NULL;
	const char *s;
	int r;

	if (names == NULL)
		return TC_ERR_INVALID_ARG;
	if (timeout_ms <= 0)
		timeout_ms = TC_ICC_TIMEOUT_MS;
	if ((r = pcsc_session(&p, timeout_ms, err, errlen)) != 0)
		return r;
	if ((r = pcsc_list(p, timeout_ms, err, errlen)) == 0)
		for (s = p->readers; s != NULL && *s != '\0';
		     s += strlen(s) + 1)
			if ((r = tc_buf_puts(names, s)) != 0 ||
			    (r = tc_buf_put_u8(names, '\n')) != 0)
				break;
	pcsc_stop(p);
	return r;
}

int
tc_pcsc_wait(
    const char *reader, int present, int timeout_ms, char *err, size_t errlen)
{
	struct pcsc *p = NULL;
	int r;

	int64_t deadline = now_ms() + timeout_ms;

	if (reader == NULL || *reader == '\0' || timeout_ms < 0)
		return TC_ERR_INVALID_ARG;
	/* pcscd may be starting: wait for it too. */
	while ((r = pcsc_session(&p, TC_ICC_TIMEOUT_MS, err, errlen)) ==
		TC_ERR_NO_SERVICE &&
	    now_ms() < deadline) {
		struct timespec ts = { 0, 50 * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (r != 0)
		return r;
	r = pcsc_wait_card(
	    p, reader, present, deadline, TC_ICC_TIMEOUT_MS, err, errlen);
	if (r == TC_ERR_CARD_REMOVED && present)
		r = tc_seterr(err, errlen, TC_ERR_CARD_TIMEOUT,
		    "%s: no card was presented in time", p->reader);
	pcsc_stop(p);
	return r;
}
