/* SPDX-License-Identifier: MIT */
/*
 * Frames of tcard-issuerd's internal RPC on a file descriptor, shared by
 * the monitor (office/issuerd.c) and the web worker (office/web.c). The
 * frame layout and the request parser are the library's
 * (include/tcard/officerpc.h); this is only the reading and writing of
 * whole frames, restarted on EINTR and short transfers.
 */
#ifndef TCARD_OFFICE_RPC_H
#define TCARD_OFFICE_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

/*
 * Writes one frame: id, jlen bytes of JSON and tlen bytes of tail (tail
 * may be NULL when tlen is 0). Returns 0, or -1 (the peer is gone).
 */
int office_rpc_send(int fd, uint32_t id, const char *json, size_t jlen,
    const void *tail, size_t tlen);

/*
 * Reads one frame: its id, its JSON into *json (capped at json_max, NUL
 * terminated, heap, the caller frees) and its tail into *tail (capped at
 * tail_max, heap or NULL when empty). Returns 0; 1 at a clean end of
 * file before a frame; -1 with err for a short read, a read error or a
 * frame over its caps (the stream is then out of step: close it).
 */
int office_rpc_recv(int fd, size_t json_max, size_t tail_max,
    uint32_t *id /* OUT */, char **json /* OUT */, size_t *jlen /* OUT */,
    uint8_t **tail /* OUT */, size_t *tlen /* OUT */, char *err, size_t errlen);

#endif
