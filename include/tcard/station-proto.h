/* SPDX-License-Identifier: MIT */
/*
 * The station protocol (docs/station.md): the two JSON messages of
 * POST /v1/station/poll between tcard-station, the program at a bank
 * branch's PC that relays a PC/SC reader, and tcard-issuerd, which drives
 * the card. The station's request reports the reader (card present, its
 * insertion count and ATR) and the answers to the last batch of APDUs; the
 * office's response carries the next batch: commands, each with the status
 * words that let the station go on to the next one. APDUs travel as hex
 * strings; the station never interprets them.
 *
 * Both parsers read hostile input (the office reads a station's request,
 * the station the office's response): the body is bounded, duplicate keys,
 * unknown members and values out of range are refused with a message
 * naming the member, and nothing of a refused message is kept. Each has a
 * writer that gives back what the parser reads (the fuzz targets
 * fuzz_station_req and fuzz_station_resp check the round trip).
 */
#ifndef TCARD_STATION_PROTO_H
#define TCARD_STATION_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_STATION_VERSION   1
#define TC_STATION_BODY_MAX  (512 * 1024) /* either message, in bytes */
#define TC_STATION_BATCH_MAX 64		  /* commands in one batch */
#define TC_STATION_SW_MAX    4		  /* status word patterns a command */
#define TC_STATION_ATR_MAX   33		  /* ISO/IEC 7816-3 */
#define TC_STATION_CMD_MAX   (4 + 3 + 65535 + 2) /* an extended APDU */
#define TC_STATION_ANS_MAX   (65536 + 2)	 /* data and status word */
#define TC_STATION_WAIT_MAX  55000		 /* ms the office may hold */
#define TC_STATION_POLL_MAX  60000		 /* ms a station may be told */
#define TC_STATION_JOB_MAX   32			 /* characters of a job id */

/* Why a station ran fewer commands than the batch had. */
enum tc_station_stop {
	TC_STATION_RAN_ALL = 0,
	TC_STATION_STOP_SW, /* the last answer's status word is not allowed */
	TC_STATION_STOP_REMOVED, /* the card left the reader */
	TC_STATION_STOP_READER,	 /* the reader or pcscd failed */
	TC_STATION_STOP_TIMEOUT, /* the card did not answer in time */
};

/* Bytes owned by the message that holds them. */
struct tc_station_bytes {
	uint8_t *p;
	size_t n;
};

/* The station's request. Zero it (or parse into it) first. */
struct tc_station_req {
	int present;	 /* a card is in the reader */
	uint32_t insert; /* cards inserted since the station started */
	uint8_t atr[TC_STATION_ATR_MAX];
	size_t atr_len; /* 2..33 when present, else 0 */
	uint64_t batch; /* the batch answered, 0: none */
	struct tc_station_bytes answers[TC_STATION_BATCH_MAX];
	size_t n_answers; /* each 2..TC_STATION_ANS_MAX bytes */
	int stop;	  /* enum tc_station_stop, only with a batch */
	int wait_ms;	  /* how long the office may hold the answer */
};

/* A status word pattern: sw & mask == value. */
struct tc_station_sw {
	uint16_t value;
	uint16_t mask; /* FFFF, FF00 for "61XX", 0 for "XXXX" (any) */
};

/* One command of a batch. */
struct tc_station_cmd {
	struct tc_station_bytes c; /* 4..TC_STATION_CMD_MAX bytes */
	struct tc_station_sw sw[TC_STATION_SW_MAX];
	size_t n_sw; /* 1.. (absent in the JSON: 9000 only) */
};

/* The office's response. Zero it (or parse into it) first. */
struct tc_station_resp {
	uint64_t batch; /* 0: nothing to do (poll again) */
	char job[TC_STATION_JOB_MAX + 1];
	int reset; /* reconnect to the card before the batch */
	struct tc_station_cmd cmds[TC_STATION_BATCH_MAX];
	size_t n_cmds; /* 1.. with a batch, 0 without */
	int poll_ms;   /* wait this long before the next poll */
	/* A job whose card face to print now (docs/station.md), "" none. */
	char print[TC_STATION_JOB_MAX + 1];
};

/*
 * Parses the request body (len bytes) into *req, which owns its bytes
 * afterwards (tc_station_req_free). Returns 0, TC_ERR_TOO_LARGE (over
 * TC_STATION_BODY_MAX), TC_ERR_MALFORMED (err names the member),
 * TC_ERR_NOMEM, TC_ERR_INVALID_ARG. On failure *req is zeroed.
 */
int tc_station_req_parse(struct tc_station_req *req /* OUT */,
    const uint8_t *body, size_t len, char *err, size_t errlen);

/* Appends req as JSON to out. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_NOMEM. */
int tc_station_req_write(const struct tc_station_req *req, struct tc_buf *out);

/* Frees what req owns and zeroes it. */
void tc_station_req_free(struct tc_station_req *req);

/* As tc_station_req_parse, for the office's response. */
int tc_station_resp_parse(struct tc_station_resp *resp /* OUT */,
    const uint8_t *body, size_t len, char *err, size_t errlen);

/* Appends resp as JSON to out. */
int tc_station_resp_write(
    const struct tc_station_resp *resp, struct tc_buf *out);

/* Frees what resp owns and zeroes it. */
void tc_station_resp_free(struct tc_station_resp *resp);

/*
 * Copies n bytes into b (owned afterwards; freed with the message).
 * Returns 0, TC_ERR_NOMEM.
 */
int tc_station_bytes_set(
    struct tc_station_bytes *b, const uint8_t *p, size_t n);

/* Whether status word sw matches one of cmd's patterns. */
int tc_station_sw_allowed(const struct tc_station_cmd *cmd, uint16_t sw);

/*
 * Parses a pattern: four hex digits, two and "XX" ("61XX"), or "XXXX"
 * (any status word: the last command of a batch, whose answer the driver
 * needs whatever it is). Returns 0 or TC_ERR_MALFORMED.
 */
int tc_station_sw_parse(struct tc_station_sw *out /* OUT */, const char *s);

/* The name of stop ("sw", "removed", ...), "" for TC_STATION_RAN_ALL. */
const char *tc_station_stop_name(int stop);

#endif
