/* SPDX-License-Identifier: MIT */
/*
 * The signed files, served as they are so one verifier can feed others:
 * GET /v1/trust (the trust list in use), GET /v1/revocations (the full
 * revocation list in use), GET /v1/revocations?since=N (the signed delta
 * from list N, when the bundle has it; 404 otherwise: fetch the full list),
 * each with an ETag (SHA-256 of the bytes), If-None-Match answered with
 * 304, and Cache-Control: public, max-age=cache-max-age. GET /bundle/NAME
 * serves the bundle directory's files under their published names, so a
 * verifier's /bundle/ is a base URL another verifier can pull from.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tcard/file.h"
#include "tcard/httpreq.h"
#include "vd.h"

#define COSE_TYPE "application/cose; cose-type=\"cose-sign1\""

/* Cache-Control of the signed files (MHD copies header values). */
static const char *
cache(struct vd_ctx *vd)
{
	static _Thread_local char cache_control[64];

	snprintf(cache_control, sizeof(cache_control), "public, max-age=%u",
	    vd->conf.cache_max_age);
	return cache_control;
}

/* 1 when If-None-Match lists etag (or is "*"). */
static int
not_modified(const struct tc_dreq *rq, const char *etag)
{
	const char *inm = tc_dreq_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	size_t n = strlen(etag);
	const char *p;

	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = inm; (p = strstr(p, etag)) != NULL; p += n)
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' ||
			(p - inm >= 2 && p[-2] == 'W' && p[-1] == '/')) &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/*
 * Serves a blob of bundle b; the bytes are copied (they are small), so
 * the answer does not hold the bundle.
 */
static void
blob(struct vd_ctx *vd, const struct tc_dreq *rq, const struct vd_blob *bl,
    struct tc_dresp *resp)
{
	resp->cache = cache(vd);
	resp->ctype = COSE_TYPE;
	if (not_modified(rq, bl->etag)) {
		resp->status = MHD_HTTP_NOT_MODIFIED;
		resp->result = VD_R_NOT_MODIFIED;
		tc_buf_init(&resp->body, 1);
	} else {
		resp->status = MHD_HTTP_OK;
		resp->result = VD_R_OK;
		tc_buf_init(&resp->body, bl->len + 1);
		tc_dresp_checked(
		    resp, tc_buf_put(&resp->body, bl->data, bl->len));
	}
}

/*
 * The ETag header must outlive the handler only until MHD copies it
 * (MHD_add_response_header copies), so a per-thread buffer is enough.
 */
static _Thread_local char etag_buf[48];

void
vd_ep_trust(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	struct vd_bundle *b = vd_bundle_need(vd, resp);

	if (b == NULL)
		return;
	blob(vd, rq, &b->trust->file, resp);
	snprintf(etag_buf, sizeof(etag_buf), "%s", b->trust->file.etag);
	resp->etag = etag_buf;
	vd_bundle_put(b);
}

void
vd_ep_revocations(
    struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	static const char *const allowed[] = { "since", NULL };
	struct vd_bundle *b;
	struct tc_form *form;
	const struct vd_blob *bl = NULL;
	const char *since;
	char msg[256], *end;
	unsigned long long n = 0;
	size_t i;

	if ((form = malloc(sizeof(*form))) == NULL) {
		tc_dresp_nomem(d, resp);
		return;
	}
	if (tc_form_parse(form, rq->query, rq->querylen, msg, sizeof(msg)) !=
		0 ||
	    tc_form_only(form, allowed, msg, sizeof(msg)) != 0) {
		tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST, VD_R_BAD_REQUEST,
		    "bad-query", "%s", msg);
		free(form);
		return;
	}
	since = tc_form_get(form, "since", NULL);
	if (since != NULL) {
		errno = 0;
		n = strtoull(since, &end, 10);
		if (since[0] < '0' || since[0] > '9' || *end != '\0' ||
		    errno != 0) {
			tc_dresp_error(resp, MHD_HTTP_BAD_REQUEST,
			    VD_R_BAD_REQUEST, "bad-query", "%s",
			    "since: expected a sequence number");
			free(form);
			return;
		}
	}
	free(form);
	if ((b = vd_bundle_need(vd, resp)) == NULL)
		return;
	if (since == NULL)
		bl = &b->rev->full;
	else
		for (i = 0; i < b->rev->ndeltas; i++)
			if (b->rev->deltas[i].from == n)
				bl = &b->rev->deltas[i].file;
	if (bl == NULL) {
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "no-delta",
		    "no delta from list %llu here (the list in use is %" PRIu64
		    "); fetch /v1/revocations",
		    n, b->rev->seq);
		resp->cache = cache(vd);
	} else {
		blob(vd, rq, bl, resp);
		snprintf(etag_buf, sizeof(etag_buf), "%s", bl->etag);
		resp->etag = etag_buf;
	}
	vd_bundle_put(b);
}

/* 1 when name is one of the file names a bundle publishes. */
static int
bundle_name(const char *name)
{
	unsigned long long n;
	int len = 0;

	if (strcmp(name, TC_BUNDLE_TRUST) == 0 ||
	    strcmp(name, TC_BUNDLE_REVOCATIONS) == 0 ||
	    strcmp(name, TC_BUNDLE_LOOKUP_SIG) == 0 ||
	    strcmp(name, TC_BUNDLE_LOOKUP) == 0)
		return 1;
	if (strncmp(name, TC_BUNDLE_PROGRAMMES "/", 11) == 0) {
		/* programmes/NAME.json, NAME of a-z, 0-9, '.', '_', '-'. */
		const char *p = name + 11;
		size_t plen = strlen(p);

		if (plen < 6 || plen >= TC_BUNDLE_NAME_MAX || p[0] == '.' ||
		    strcmp(p + plen - 5, ".json") != 0)
			return 0;
		for (; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
				(*p >= '0' && *p <= '9') || *p == '.' ||
				*p == '_' || *p == '-'))
				return 0;
		return 1;
	}
	if (strlen(name) >= TC_BUNDLE_NAME_MAX || name[0] == '.' ||
	    strchr(name, '/') != NULL)
		return 0;
	/* Digits only between the fixed parts; %n proves the whole match. */
	if (sscanf(name, "revocations-since-%llu.cose%n", &n, &len) == 1 &&
	    (size_t)len == strlen(name))
		return name[18] >= '0' && name[18] <= '9';
	if (sscanf(name, "revocations-%llu.cose%n", &n, &len) == 1 &&
	    (size_t)len == strlen(name))
		return name[12] >= '0' && name[12] <= '9';
	if (sscanf(name, "lookup-%llu.bin%n", &n, &len) == 1 &&
	    (size_t)len == strlen(name))
		return name[7] >= '0' && name[7] <= '9';
	return 0;
}

void
vd_ep_bundle(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
	struct vd_ctx *vd = tc_daemon_app(d);
	char path[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2];
	const char *name = tc_dreq_tail(rq);
	struct stat st;
	int f;

	if (name == NULL || !bundle_name(name)) {
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s", "not a bundle file name");
		return;
	}
	f = -1;
	if (tc_path_join(path, sizeof(path), vd->bundle_dir, name) != 0 ||
	    (f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (f >= 0)
			close(f);
		tc_dresp_error(resp, MHD_HTTP_NOT_FOUND, VD_R_NOT_FOUND,
		    "not-found", "%s", "no such file in the bundle");
		resp->cache = "no-cache";
		return;
	}
	snprintf(etag_buf, sizeof(etag_buf), "\"%llx-%llx-%lx\"",
	    (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
	    (unsigned long)st.st_mtim.tv_nsec ^ (unsigned long)st.st_mtime);
	resp->etag = etag_buf;
	resp->cache = cache(vd);
	resp->ctype = strstr(name, ".cose") != NULL
	    ? COSE_TYPE
	    : "application/octet-stream";
	if (not_modified(rq, etag_buf)) {
		close(f);
		resp->status = MHD_HTTP_NOT_MODIFIED;
		resp->result = VD_R_NOT_MODIFIED;
		tc_buf_init(&resp->body, 1);
		return;
	}
	resp->status = MHD_HTTP_OK;
	resp->result = VD_R_OK;
	resp->fd = f;
	resp->fdlen = (size_t)st.st_size;
}
