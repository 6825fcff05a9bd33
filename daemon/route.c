/* SPDX-License-Identifier: MIT */
/*
 * The route table of the daemon layer: path patterns with {name}
 * segments and a trailing "*", matched segment by segment against the
 * decoded path (which the layer has already checked decodes as sent: no
 * NUL, no encoded '/'), and the Allow header of a path's routes. A table
 * is searched in order, so a catch-all (a pattern ending in "*") goes after the
 * routes it covers. Reference: daemon/daemon.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

void
tc_droute_captures_free(char *vals[TC_DPARAMS_MAX], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
}

int
tc_droute_match(const char *pattern, const char *path,
    const char *names[TC_DPARAMS_MAX], char *vals[TC_DPARAMS_MAX], size_t *n,
    const char **tail)
{
	const char *p = pattern, *s = path, *pe, *se;
	size_t k = 0;

	*n = 0;
	*tail = NULL;
	for (;;) {
		if (strcmp(p, "*") == 0) {
			*tail = s;
			break;
		}
		if (*p == '{') {
			if ((pe = strchr(p, '}')) == NULL)
				goto no;
			se = s + strcspn(s, "/");
			if (se == s)
				goto no;
			if (k == TC_DPARAMS_MAX)
				goto fail;
			if ((vals[k] = strndup(s, (size_t)(se - s))) == NULL)
				goto fail;
			names[k++] = p + 1; /* up to '}' */
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p == '\0') {
			if (*s != '\0')
				goto no;
			break;
		}
		if (*p != *s)
			goto no;
		p++;
		s++;
	}
	*n = k;
	return 1;
no:
	tc_droute_captures_free(vals, k);
	return 0;
fail:
	tc_droute_captures_free(vals, k);
	return -1;
}

const struct tc_droute *
tc_droute_find(const struct tc_droute *routes, size_t nroutes, unsigned method,
    const char *path, struct tc_dreq *rq, unsigned *allowed)
{
	const char *names[TC_DPARAMS_MAX], *tail;
	char *vals[TC_DPARAMS_MAX];
	size_t i, n;
	int m;

	*allowed = 0;
	for (i = 0; i < nroutes; i++) {
		m = tc_droute_match(
		    routes[i].pattern, path, names, vals, &n, &tail);
		if (m <= 0)
			continue;
		if ((routes[i].methods & method) == 0) {
			*allowed |= routes[i].methods;
			tc_droute_captures_free(vals, n);
			continue;
		}
		if (tail != NULL && *allowed != 0) {
			/* A catch-all never hides the 405 of a route above. */
			tc_droute_captures_free(vals, n);
			return NULL;
		}
		tc_droute_captures_free(rq->param_val, rq->nparams);
		memcpy(rq->param_name, names, sizeof(names));
		memcpy(rq->param_val, vals, sizeof(vals));
		rq->nparams = n;
		rq->tail = tail;
		rq->route = &routes[i];
		return &routes[i];
	}
	return NULL;
}

const char *
tc_droute_allow(unsigned mask, char *buf, size_t len)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {
		{ TC_DM_GET, "GET, HEAD" },
		{ TC_DM_POST, "POST" },
		{ TC_DM_PUT, "PUT" },
		{ TC_DM_DEL, "DELETE" },
	};
	size_t i, at = 0;
	int w;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((mask & names[i].m) == 0)
			continue;
		w = snprintf(buf + at, len - at, "%s%s", at > 0 ? ", " : "",
		    names[i].name);
		if (w < 0 || (size_t)w >= len - at) {
			buf[at] = '\0'; /* cut short: the names that fit */
			break;
		}
		at += (size_t)w;
	}
	return buf;
}

const char *
tc_dreq_param(const struct tc_dreq *rq, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < rq->nparams; i++)
		if (strncmp(rq->param_name[i], name, len) == 0 &&
		    rq->param_name[i][len] == '}')
			return rq->param_val[i];
	return NULL;
}

int64_t
tc_dreq_param_number(const struct tc_dreq *rq, const char *name)
{
	const char *s = tc_dreq_param(rq, name);
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 15)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' ? v : 0;
}

const char *
tc_dreq_tail(const struct tc_dreq *rq)
{
	return rq->tail;
}
