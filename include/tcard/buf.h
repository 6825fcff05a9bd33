/* SPDX-License-Identifier: MIT */
/*
 * The byte buffer of libtcard, used for APDUs, TLV, DER, CBOR, HTTP bodies
 * and QR text alike. A buffer has a hard size cap set at init: a put that
 * would grow it past the cap fails with TC_ERR_TOO_LARGE and leaves the
 * buffer as it was.
 *
 * The first failed put is sticky (docs/decisions.md "One of each helper"):
 * the buffer remembers its code, and every later put fails with that code
 * and changes nothing, so a writer of many puts (a JSON answer, a CSV
 * report) may ignore the single results and check tc_buf_error() once,
 * where the buffer is finished. The error is cleared by tc_buf_truncate()
 * (back to a length before the failure: no put has succeeded since),
 * tc_buf_reset(), tc_buf_release() and tc_buf_detach(). A direct
 * tc_buf_reserve() neither sets nor checks it. The contents are always followed by a NUL byte that is
 * not counted in len, so text can be used as a C string. Releasing wipes the
 * bytes (they may be keys or ID numbers). Shapes after curl's dynbuf, git's
 * strbuf and OpenSSH's sshbuf.
 *
 * struct tc_cursor reads a byte range with bounds-checked typed gets; it
 * never owns the bytes it reads.
 */
#ifndef TCARD_BUF_H
#define TCARD_BUF_H

#include <stddef.h>
#include <stdint.h>

#define TC_BUF_CAP_DEFAULT (1u << 20)

struct tc_buf {
	uint8_t *data; /* NULL until the first put; owned by the buffer */
	size_t len;    /* bytes used, not counting the trailing NUL */
	size_t alloc;  /* bytes allocated */
	size_t cap;    /* largest len allowed */
	int err;       /* 0, or the code of the first put that failed */
};

/* Initialises b empty with the given cap (0 means TC_BUF_CAP_DEFAULT). */
void tc_buf_init(struct tc_buf *b, size_t cap);

/* Wipes and frees the contents; b is empty again and may be reused. */
void tc_buf_release(struct tc_buf *b);

/* Wipes the contents and sets len to 0, keeping the allocation. */
void tc_buf_reset(struct tc_buf *b);

/*
 * Makes room for n more bytes. Returns 0, TC_ERR_TOO_LARGE when len + n
 * exceeds the cap, or TC_ERR_NOMEM.
 */
int tc_buf_reserve(struct tc_buf *b, size_t n);

/*
 * Appends n bytes (p may be NULL when n is 0). Errors as tc_buf_reserve,
 * or the sticky error of an earlier failed put (nothing is appended).
 */
int tc_buf_put(struct tc_buf *b, const void *p, size_t n);
int tc_buf_put_u8(struct tc_buf *b, uint8_t v);
int tc_buf_put_u16be(struct tc_buf *b, uint16_t v);
int tc_buf_put_u32be(struct tc_buf *b, uint32_t v);

/*
 * The big-endian 32-bit number at p (4 bytes), and writing one there: for
 * fixed layouts read or written in place (the lookup table's records, the
 * RPC frame header, PNG chunks), where a cursor or a buffer does not fit.
 */
static inline uint32_t
tc_be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
tc_be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Appends a C string without its NUL. */
int tc_buf_puts(struct tc_buf *b, const char *s);
/* Appends printf-formatted text. */
int tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * 0 when every put since the last init, reset, truncate or detach
 * succeeded; else the code of the first that failed (TC_ERR_TOO_LARGE,
 * TC_ERR_NOMEM, TC_ERR_INTERNAL). Check it once where the buffer is
 * finished.
 */
int tc_buf_error(const struct tc_buf *b);

/*
 * Shortens the contents to len bytes (wiping the rest); len <= b->len.
 * Clears the sticky error.
 */
void tc_buf_truncate(struct tc_buf *b, size_t len);

/*
 * Hands the bytes to the caller, who frees them with free() (or
 * tc_wipe_free() for secrets); *len gets their length (may be NULL). The
 * returned block is NUL-terminated; for an empty buffer it is a fresh "".
 * Returns NULL only when allocating that "" fails. b is empty afterwards.
 */
uint8_t *tc_buf_detach(struct tc_buf *b, size_t *len /* OUT */);

/* Wipes n bytes at p and frees p (NULL is fine). */
void tc_wipe_free(void *p, size_t n);

/* Constant-time comparison of n bytes: 0 when equal, nonzero otherwise. */
int tc_memeq_ct(const void *a, const void *b, size_t n);

struct tc_cursor {
	const uint8_t *p; /* borrowed */
	size_t len;
	size_t off;
};

void tc_cursor_init(struct tc_cursor *c, const void *p, size_t len);
/* Bytes not yet read. */
size_t tc_cursor_left(const struct tc_cursor *c);
/*
 * Typed gets. Each returns 0 and advances, or TC_ERR_TRUNCATED and leaves
 * the cursor where it was.
 */
int tc_cursor_get_u8(struct tc_cursor *c, uint8_t *v /* OUT */);
int tc_cursor_get_u16be(struct tc_cursor *c, uint16_t *v /* OUT */);
int tc_cursor_get_u32be(struct tc_cursor *c, uint32_t *v /* OUT */);
/* Points *p at the next n bytes (inside the cursor's range) and skips them. */
int tc_cursor_get_bytes(
    struct tc_cursor *c, size_t n, const uint8_t **p /* OUT */);

#endif
