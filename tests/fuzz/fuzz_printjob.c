/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the reader of a station's printer settings
 * (tc_printq_parse, src/printjob.c): the input up to its first NUL is the
 * server, what follows the queue name. What it accepts keeps to the caps
 * and the alphabets; a server written back by tc_printq_server reads back
 * the same; a refusal leaves q zeroed with a message. libcups parses the
 * server's IPP answers; nothing of them is parsed here.
 * --write-seeds writes the seed corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/printjob.h"

static int
zeroed(const struct tc_printq *q)
{
	static const struct tc_printq zero;

	return memcmp(q, &zero, sizeof(*q)) == 0;
}

static void
accepted(const struct tc_printq *q)
{
	struct tc_printq again;
	char back[TC_PRINTQ_HOST_MAX + 16], err[200];
	size_t i;

	CHECK(q->host[0] != '\0' && q->queue[0] != '\0');
	CHECK(strlen(q->host) < TC_PRINTQ_HOST_MAX);
	CHECK(strlen(q->queue) < TC_PRINTQ_QUEUE_MAX);
	CHECK(q->port >= 0 && q->port <= 65535);
	CHECK((q->port == 0) == (q->host[0] == '/'));
	for (i = 0; q->queue[i] != '\0'; i++)
		CHECK(q->queue[i] > ' ' && q->queue[i] < 0x7f &&
		    strchr("/\\?#'\"", q->queue[i]) == NULL);
	tc_printq_server(q, back, sizeof(back));
	CHECK(tc_printq_parse(&again, back, q->queue, err, sizeof(err)) == 0);
	CHECK(memcmp(&again, q, sizeof(again)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_printq q;
	char err[200];
	char *in, *queue;
	int r;

	if ((in = malloc(size + 2)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	in[size + 1] = '\0';
	queue = in + strlen(in) + 1;
	if (queue > in + size)
		queue = in + size + 1;
	err[0] = '\0';
	r = tc_printq_parse(&q, in, queue, err, sizeof(err));
	if (r == 0)
		accepted(&q);
	else
		CHECK(zeroed(&q) && err[0] != '\0' &&
		    (r == TC_ERR_MALFORMED || r == TC_ERR_TOO_LARGE));
	free(in);
	return 0;
}

/* Seeds: "SERVER\0QUEUE". */
int
tc_fuzz_write_seeds(const char *dir)
{
	static const char *const seeds[][2] = {
		{ "127.0.0.1:631", "card" },
		{ "localhost", "Card_Printer-2" },
		{ "[::1]:8631", "card" },
		{ "[fe80::1:2.3.4.5]", "q" },
		{ "/run/cups/cups.sock", "branch.7+front" },
		{ "host:0631", "card" },
		{ "host:65536", "card" },
		{ "[::1", "card" },
		{ "host", "card printer" },
		{ "", "" },
	};
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(name, sizeof(name), "seed-%zu", i);
		fuzz_put_seed(dir, name, seeds[i][0], strlen(seeds[i][0]) + 1,
		    seeds[i][1], strlen(seeds[i][1]));
	}
	return 0;
}
