/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares: the libFuzzer entry point it defines,
 * CHECK (a broken promise traps, so libFuzzer and the replay driver both
 * stop on it), and the seed writer of the targets that write their own
 * corpus (`fuzz_X --write-seeds DIR`, the gcc build, tests/fuzz/replay.c),
 * and what a text decoder's refusal must look like.
 * Targets that sign also include fixed-key.h.
 */
#ifndef TCARD_FUZZ_H
#define TCARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes a target's seed corpus into dir (replay.c calls it). Returns 0. */
int tc_fuzz_write_seeds(const char *dir);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

/*
 * The input as a malloc'd C string (it ends at its first NUL, or after its
 * size bytes), or NULL when memory runs out.
 */
static __attribute__((unused)) char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * A parser's refusal: no object (p NULL) and a message in err (errlen
 * bytes) that ends within it and starts with prefix. Traps otherwise.
 */
static __attribute__((unused)) void
fuzz_parse_refused(
    const void *p, const char *err, size_t errlen, const char *prefix)
{
	CHECK(p == NULL);
	CHECK(memchr(err, '\0', errlen) != NULL);
	CHECK(strncmp(err, prefix, strlen(prefix)) == 0);
}

/*
 * A text decoder's refusal (base32, base45): a code a bad text may get,
 * nothing decoded (decoded bytes), and a message in err. Traps otherwise.
 */
static __attribute__((unused)) void
fuzz_decode_refused(int r, size_t decoded, const char *err)
{
	CHECK(r == TC_ERR_BAD_ENCODING || r == TC_ERR_MALFORMED ||
	    r == TC_ERR_TOO_LARGE);
	CHECK(decoded == 0 && err[0] != '\0');
}

/*
 * Writes the seed file dir/name: hn bytes of head (a mode byte, a length;
 * NULL and 0 for none), then n bytes of p. Aborts when it cannot: a seed
 * writer has nothing else to do.
 */
static __attribute__((unused)) void
fuzz_put_seed(const char *dir, const char *name, const void *head, size_t hn,
    const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    (hn > 0 && fwrite(head, 1, hn, f) != hn) ||
	    (n > 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		abort();
}

#endif
