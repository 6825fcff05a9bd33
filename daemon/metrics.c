/* SPDX-License-Identifier: MIT */
/*
 * Request metrics of a daemon in the Prometheus text format (0.0.4):
 * counters of requests by endpoint and result and latency histograms by
 * endpoint, over the daemon's own closed sets of endpoints and results.
 * They live in one block per worker thread (a thread takes a block on its
 * first request, the same index in every metrics set), so counting never
 * bounces a cache line between cores; a scrape adds the blocks up.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

#define BLOCKS 64

/* Upper bounds of the latency buckets, in seconds (+Inf implied). */
static const double bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5 };
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct tc_dmetrics {
	const char *const *ep_names, *const *res_names;
	size_t nep, nres;
	size_t stride; /* atomics of one block, padded to 64 bytes */
	/* Per block: count[nep][nres], bucket[nep][NB + 1], sum_ns[nep]. */
	atomic_ullong *a;
};

static atomic_uint next_block;
static _Thread_local unsigned my_block; /* 1 + the index, 0: none yet */

int
tc_dmetrics_new(struct tc_dmetrics **out, const char *const *ep_names,
    size_t nep, const char *const *res_names, size_t nres)
{
	struct tc_dmetrics *m;
	size_t per = nep * nres + nep * (NB + 1) + nep;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->ep_names = ep_names;
	m->res_names = res_names;
	m->nep = nep;
	m->nres = nres;
	m->stride = (per + 7) & ~(size_t)7; /* 8 x 8 bytes: 64 */
	m->a = aligned_alloc(64, BLOCKS * m->stride * sizeof(*m->a));
	if (m->a == NULL) {
		free(m);
		return -1;
	}
	memset(m->a, 0, BLOCKS * m->stride * sizeof(*m->a));
	*out = m;
	return 0;
}

void
tc_dmetrics_free(struct tc_dmetrics *m)
{
	if (m == NULL)
		return;
	free(m->a);
	free(m);
}

static atomic_ullong *
count_at(const struct tc_dmetrics *m, size_t k, size_t e, size_t r)
{
	return &m->a[k * m->stride + e * m->nres + r];
}

static atomic_ullong *
bucket_at(const struct tc_dmetrics *m, size_t k, size_t e, size_t i)
{
	return &m->a[k * m->stride + m->nep * m->nres + e * (NB + 1) + i];
}

static atomic_ullong *
sum_at(const struct tc_dmetrics *m, size_t k, size_t e)
{
	return &m->a[k * m->stride + m->nep * m->nres + m->nep * (NB + 1) + e];
}

void
tc_dmetrics_count(struct tc_dmetrics *m, size_t e, size_t r, size_t other_ep,
    size_t error_res, uint64_t ns)
{
	double s = (double)ns / 1e9;
	size_t i, k;

	if (my_block == 0) {
		/* Threads past BLOCKS share the last block (still atomic). */
		unsigned n = atomic_fetch_add(&next_block, 1);
		my_block = (n < BLOCKS ? n : BLOCKS - 1) + 1;
	}
	k = my_block - 1;
	if (e >= m->nep)
		e = other_ep;
	if (r >= m->nres)
		r = error_res;
	atomic_fetch_add_explicit(
	    count_at(m, k, e, r), 1, memory_order_relaxed);
	for (i = 0; i < NB && s > bounds[i]; i++)
		;
	atomic_fetch_add_explicit(
	    bucket_at(m, k, e, i), 1, memory_order_relaxed);
	atomic_fetch_add_explicit(sum_at(m, k, e), ns, memory_order_relaxed);
}

static unsigned long long
sum_count(const struct tc_dmetrics *m, size_t e, size_t r)
{
	unsigned long long n = 0;
	size_t k;

	for (k = 0; k < BLOCKS; k++)
		n += atomic_load_explicit(
		    count_at(m, k, e, r), memory_order_relaxed);
	return n;
}

int
tc_dmetrics_render(const struct tc_dmetrics *m, struct tc_buf *out)
{
	unsigned long long sum, cum, n;
	size_t e, r, k, i;
	int bad = 0;

	bad |= tc_buf_puts(out,
	    "# HELP tcard_requests_total HTTP requests answered, by endpoint and result.\n"
	    "# TYPE tcard_requests_total counter\n");
	for (e = 0; e < m->nep; e++)
		for (r = 0; r < m->nres; r++)
			if ((n = sum_count(m, e, r)) != 0)
				bad |= tc_buf_printf(out,
				    "tcard_requests_total{endpoint=\"%s\",result=\"%s\"} %llu\n",
				    m->ep_names[e], m->res_names[r], n);
	bad |= tc_buf_puts(out,
	    "# HELP tcard_request_duration_seconds Time from the request line to the end of the answer.\n"
	    "# TYPE tcard_request_duration_seconds histogram\n");
	for (e = 0; e < m->nep; e++) {
		cum = sum = 0;
		for (r = 0, n = 0; r < m->nres; r++)
			n += sum_count(m, e, r);
		if (n == 0)
			continue; /* an endpoint not asked yet */
		for (i = 0; i <= NB; i++) {
			for (k = 0, n = 0; k < BLOCKS; k++)
				n += atomic_load_explicit(bucket_at(m, k, e, i),
				    memory_order_relaxed);
			cum += n;
			if (i < NB)
				bad |= tc_buf_printf(out,
				    "tcard_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
				    m->ep_names[e], bounds[i], cum);
			else
				bad |= tc_buf_printf(out,
				    "tcard_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
				    m->ep_names[e], cum);
		}
		for (k = 0; k < BLOCKS; k++)
			sum += atomic_load_explicit(
			    sum_at(m, k, e), memory_order_relaxed);
		bad |= tc_buf_printf(out,
		    "tcard_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
		    "tcard_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
		    m->ep_names[e], (double)sum / 1e9, m->ep_names[e], cum);
	}
	return bad != 0 ? -1 : 0;
}
