/* SPDX-License-Identifier: MIT */
/*
 * Capped, NUL-terminated, wipe-on-free byte buffer and bounds-checked cursor
 * (include/tcard/buf.h). Growth doubles the allocation up to cap + 1 (the
 * NUL); the old block is wiped before it is freed, so secrets never linger in
 * freed memory after a realloc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/err.h"

void
tc_buf_init(struct tc_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : TC_BUF_CAP_DEFAULT;
	b->err = 0;
}

void
tc_wipe_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, n);
	free(p);
}

void
tc_buf_release(struct tc_buf *b)
{
	tc_wipe_free(b->data, b->alloc);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->err = 0;
}

void
tc_buf_reset(struct tc_buf *b)
{
	if (b->data != NULL) {
		OPENSSL_cleanse(b->data, b->alloc);
		b->data[0] = '\0';
	}
	b->len = 0;
	b->err = 0;
}

int
tc_buf_reserve(struct tc_buf *b, size_t n)
{
	size_t need, nalloc;
	uint8_t *p;

	if (n > b->cap || b->len > b->cap - n)
		return TC_ERR_TOO_LARGE;
	need = b->len + n + 1;
	if (need <= b->alloc)
		return 0;
	nalloc = b->alloc ? b->alloc : 64;
	while (nalloc < need)
		nalloc = nalloc > SIZE_MAX / 2 ? need : nalloc * 2;
	if (nalloc > b->cap + 1)
		nalloc = b->cap + 1;
	if ((p = malloc(nalloc)) == NULL)
		return TC_ERR_NOMEM;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		tc_wipe_free(b->data, b->alloc);
	}
	p[b->len] = '\0';
	b->data = p;
	b->alloc = nalloc;
	return 0;
}

int
tc_buf_error(const struct tc_buf *b)
{
	return b->err;
}

/* Makes room for a put: fails at once after a failed put, else remembers. */
static int
put_reserve(struct tc_buf *b, size_t n)
{
	if (b->err != 0)
		return b->err;
	return b->err = tc_buf_reserve(b, n);
}

int
tc_buf_put(struct tc_buf *b, const void *p, size_t n)
{
	int r;

	if ((r = put_reserve(b, n)) != 0)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
tc_buf_put_u8(struct tc_buf *b, uint8_t v)
{
	return tc_buf_put(b, &v, 1);
}

int
tc_buf_put_u16be(struct tc_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return tc_buf_put(b, x, sizeof(x));
}

int
tc_buf_put_u32be(struct tc_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	return tc_buf_put(b, x, sizeof(x));
}

int
tc_buf_puts(struct tc_buf *b, const char *s)
{
	return tc_buf_put(b, s, strlen(s));
}

int
tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	if (b->err != 0)
		return b->err;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = TC_ERR_INTERNAL;
	if ((r = put_reserve(b, (size_t)n)) != 0)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
tc_buf_truncate(struct tc_buf *b, size_t len)
{
	/* Back to before the failed put, if any: no put since succeeded. */
	b->err = 0;
	if (b->data == NULL || len >= b->len)
		return;
	OPENSSL_cleanse(b->data + len, b->len - len);
	b->len = len;
	b->data[len] = '\0';
}

uint8_t *
tc_buf_detach(struct tc_buf *b, size_t *len)
{
	uint8_t *p = b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL && (p = calloc(1, 1)) == NULL)
		return NULL;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->err = 0;
	return p;
}

int
tc_memeq_ct(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n);
}

void
tc_cursor_init(struct tc_cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->off = 0;
}

size_t
tc_cursor_left(const struct tc_cursor *c)
{
	return c->len - c->off;
}

int
tc_cursor_get_bytes(struct tc_cursor *c, size_t n, const uint8_t **p)
{
	if (n > c->len - c->off)
		return TC_ERR_TRUNCATED;
	*p = c->p + c->off;
	c->off += n;
	return 0;
}

int
tc_cursor_get_u8(struct tc_cursor *c, uint8_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = tc_cursor_get_bytes(c, 1, &p)) != 0)
		return r;
	*v = p[0];
	return 0;
}

int
tc_cursor_get_u16be(struct tc_cursor *c, uint16_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = tc_cursor_get_bytes(c, 2, &p)) != 0)
		return r;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int
tc_cursor_get_u32be(struct tc_cursor *c, uint32_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = tc_cursor_get_bytes(c, 4, &p)) != 0)
		return r;
	*v = tc_be32_get(p);
	return 0;
}
