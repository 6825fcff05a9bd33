/* SPDX-License-Identifier: MIT */
/*
 * Whole frames of the monitor-worker RPC on a socket (office/rpc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rpc.h"
#include "tcard/officerpc.h"

static int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n > 0) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returns n read, or fewer at end of file, or -1. */
static ssize_t
read_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * The header, the JSON and the tail in one sendmsg when the socket takes
 * them (one system call a frame, not three), the rest by write_all.
 */
int
office_rpc_send(int fd, uint32_t id, const char *json, size_t jlen,
    const void *tail, size_t tlen)
{
	uint8_t hdr[TC_ORPC_HDR_LEN];
	struct iovec iov[3] = { { hdr, sizeof(hdr) },
		{ (void *)(uintptr_t)json, jlen },
		{ (void *)(uintptr_t)tail, tlen } };
	struct msghdr mh;
	size_t i, k;
	ssize_t w;

	tc_orpc_header_put(hdr, id, (uint32_t)jlen, (uint32_t)tlen);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = tlen > 0 ? 3 : 2;
	do
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -1;
	/* What a short send left, part by part. */
	for (i = 0, k = (size_t)w; i < mh.msg_iovlen; i++) {
		if (k >= iov[i].iov_len) {
			k -= iov[i].iov_len;
			continue;
		}
		if (write_all(fd, (const uint8_t *)iov[i].iov_base + k,
			iov[i].iov_len - k) != 0)
			return -1;
		k = 0;
	}
	return 0;
}

int
office_rpc_recv(int fd, size_t json_max, size_t tail_max, uint32_t *id,
    char **json, size_t *jlen, uint8_t **tail, size_t *tlen, char *err,
    size_t errlen)
{
	uint8_t hdr[TC_ORPC_HDR_LEN];
	uint32_t j, t;
	ssize_t n;
	char *js = NULL;
	uint8_t *tb = NULL;

	*json = NULL;
	*tail = NULL;
	*jlen = *tlen = 0;
	if ((n = read_all(fd, hdr, sizeof(hdr))) == 0)
		return 1;
	if (n != (ssize_t)sizeof(hdr)) {
		snprintf(err, errlen, "rpc: the peer closed in a frame header");
		return -1;
	}
	if (tc_orpc_header_parse(
		hdr, json_max, tail_max, id, &j, &t, err, errlen) != 0)
		return -1;
	if ((js = malloc((size_t)j + 1)) == NULL ||
	    (t > 0 && (tb = malloc(t)) == NULL)) {
		snprintf(err, errlen, "rpc: out of memory");
		goto fail;
	}
	if (read_all(fd, js, j) != (ssize_t)j ||
	    (t > 0 && read_all(fd, tb, t) != (ssize_t)t)) {
		snprintf(err, errlen, "rpc: the peer closed in a frame");
		goto fail;
	}
	js[j] = '\0';
	*json = js;
	*jlen = j;
	*tail = tb;
	*tlen = t;
	return 0;
fail:
	free(js);
	free(tb);
	return -1;
}
