/* SPDX-License-Identifier: MIT */
/*
 * Pulling a bundle from a base URL (setting "bundle http(s)://..."): every
 * pull-interval the updater mirrors the published files into cache-dir,
 * and the directory loader (vd-bundle.c) then reads the cache as it reads
 * any bundle directory. With libcurl: HTTP and HTTPS, redirects (to HTTP
 * or HTTPS only), timeouts, and conditional requests (If-None-Match with
 * the ETag, If-Modified-Since with the Last-Modified of the last copy) so
 * an unchanged file costs a 304.
 *
 * Each file is checked before it is written to the cache (signature,
 * sequence numbers), so the cache only ever holds files that were good
 * when fetched and a restart finds the last good bundle even when the
 * office is unreachable. A file older than the rollback floor (the newest
 * this verifier ever accepted, vd-floor.c) is never written, so a server
 * that goes back to an older bundle cannot overwrite the cached newer one,
 * not even right after a restart, when no bundle is in use yet. The
 * revocation list is fetched as a delta from the sequence number in use
 * (revocations-since-N.cose) when the publisher has one, else in full;
 * the lookup snapshot as its signed header, then the data file the header
 * names (only when the cache lacks it), checked against the header's size
 * and SHA-256 while it streams to disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/programme.h"
#include "vd.h"

#define DELTA_STEPS 8 /* deltas fetched in one pull at most */

/* Validators of the last good copy of a file, for conditional requests. */
struct validator {
	char etag[128];
	long long modified; /* Last-Modified, epoch seconds; -1 none */
};

/* The puller's state, kept between pulls (vd->pull). */
struct vd_pull_state {
	CURL *curl; /* made at the first fetch, reused */
	struct validator v_trust, v_rev, v_lookup;
	int progs_done; /* the cache's programme files match its snapshot */
};

int
vd_pull_init(struct vd_ctx *vd)
{
	struct vd_pull_state *P;

	if ((P = calloc(1, sizeof(*P))) == NULL)
		return -1;
	P->v_trust.modified = P->v_rev.modified = P->v_lookup.modified = -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		free(P);
		return -1;
	}
	vd->pull = P;
	return 0;
}

void
vd_pull_cleanup(struct vd_ctx *vd)
{
	if (vd->pull == NULL)
		return;
	if (vd->pull->curl != NULL)
		curl_easy_cleanup(vd->pull->curl);
	free(vd->pull);
	vd->pull = NULL;
	curl_global_cleanup();
}

struct sink {
	struct tc_buf *buf; /* memory, or */
	int fd;		    /* a file */
	uint64_t cap, got;
	EVP_MD_CTX *md;
	struct validator seen;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, off = 0;
	ssize_t w;

	if (s->got + len > s->cap)
		return 0; /* over the cap: abort the transfer */
	if (s->buf != NULL) {
		if (tc_buf_put(s->buf, p, len) != 0)
			return 0;
	} else {
		while (off < len) {
			if ((w = write(s->fd, p + off, len - off)) < 0) {
				if (errno == EINTR)
					continue;
				return 0;
			}
			off += (size_t)w;
		}
		if (s->md != NULL && EVP_DigestUpdate(s->md, p, len) != 1)
			return 0;
	}
	s->got += len;
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, k;

	if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
		for (k = 5; k < len && (p[k] == ' ' || p[k] == '\t'); k++)
			;
		snprintf(s->seen.etag, sizeof(s->seen.etag), "%.*s",
		    (int)(len - k), p + k);
		s->seen.etag[strcspn(s->seen.etag, "\r\n")] = '\0';
	}
	return len;
}

/*
 * GETs BASE/name into s (conditional on v when not NULL). Returns the HTTP
 * status (200, 304, 404, ...) or -1 with err on a transport failure.
 */
static long
fetch(struct vd_ctx *vd, const char *name, struct validator *v, struct sink *s,
    char *err, size_t errlen)
{
	char url[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2], hdr[160];
	const char *base = vd->conf.bundle;
	struct curl_slist *h = NULL;
	long status = -1, filetime = -1;
	CURLcode cc;
	CURL *curl;

	if (vd->pull->curl == NULL &&
	    (vd->pull->curl = curl_easy_init()) == NULL) {
		vd_err(err, errlen, "%s", "libcurl could not start");
		return -1;
	}
	curl = vd->pull->curl;
	curl_easy_reset(curl);
	if (tc_fmt(url, sizeof(url), "%s%s%s", base,
		base[strlen(base) - 1] == '/' ? "" : "/", name) != 0) {
		vd_err(err, errlen, "%s%s: URL too long", base, name);
		return -1;
	}
	s->seen.etag[0] = '\0';
	s->seen.modified = -1;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)vd->conf.pull_timeout);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, VD_PROG);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(curl, CURLOPT_FILETIME, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->cap);
	/* A validator cut short would match nothing: then ask without it. */
	if (v != NULL && v->etag[0] != '\0' &&
	    tc_fmt(hdr, sizeof(hdr), "If-None-Match: %s", v->etag) == 0) {
		h = curl_slist_append(h, hdr);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	}
	if (v != NULL && v->modified >= 0) {
		curl_easy_setopt(curl, CURLOPT_TIMECONDITION,
		    (long)CURL_TIMECOND_IFMODSINCE);
		curl_easy_setopt(curl, CURLOPT_TIMEVALUE, (long)v->modified);
	}
	cc = curl_easy_perform(curl);
	curl_slist_free_all(h);
	if (cc != CURLE_OK) {
		vd_err(err, errlen, "%s: %s", url, curl_easy_strerror(cc));
		return -1;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(curl, CURLINFO_FILETIME, &filetime);
	s->seen.modified = filetime;
	/* libcurl reports an unmet time condition as a 304-free 200. */
	if (v != NULL && v->modified >= 0 && status == 200 && s->got == 0) {
		long unmet = 0;

		curl_easy_getinfo(curl, CURLINFO_CONDITION_UNMET, &unmet);
		if (unmet)
			status = 304;
	}
	if (status != 200 && status != 304 && status != 404)
		vd_err(err, errlen, "%s: HTTP %ld", url, status);
	return status;
}

static void
sink_mem(struct sink *s, struct tc_buf *buf, uint64_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->fd = -1;
	s->cap = cap;
}

/*
 * Refuses a pulled file older than the newest one accepted (the rollback
 * floor, or the part in use when a floor write failed): TC_ERR_STALE with
 * err, and the file is not written to the cache.
 */
static int
older(struct vd_ctx *vd, const char *name, const char *what, long long value,
    long long newest, char *err, size_t errlen)
{
	char file[TC_VDCONF_PATH_MAX + TC_VDFLOOR_NAME_MAX + 2];

	if (value >= newest)
		return 0;
	vd_err(err, errlen,
	    "%s: %s %lld is older than %lld, the newest this verifier accepted (rollback floor %s): the server went back to an older bundle; the cache keeps the newer file",
	    name, what, value, newest, vd_floor_file(vd, file, sizeof(file)));
	return TC_ERR_STALE;
}

/* The rollback floor, raised to the bundle in use. */
static int
newest(struct vd_ctx *vd, const struct vd_bundle *cur, struct tc_vdfloor *fl,
    char *err, size_t errlen)
{
	if (vd_floor_get(vd, fl) != 0) {
		vd_err(err, errlen, "%s",
		    "the rollback floor is not loaded: nothing is pulled");
		return -1;
	}
	if (cur == NULL)
		return 0;
	if (cur->rev->seq > fl->revocations)
		fl->revocations = cur->rev->seq;
	if (cur->lookup != NULL && cur->lookup->info.seq > fl->lookup)
		fl->lookup = cur->lookup->info.seq;
	if (tc_trust_issued_at(cur->trust->trust) > fl->trust_issued_at)
		fl->trust_issued_at = tc_trust_issued_at(cur->trust->trust);
	return 0;
}

/* Removes the files of the cache that stale() says are out of date. */
static void
prune(struct vd_ctx *vd, int (*stale)(const char *name, const void *arg),
    const void *arg)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(vd->bundle_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (stale(de->d_name, arg))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* revocations-since-N.cose with N below *seq. */
static int
older_delta(const char *name, const void *seq)
{
	char tail[8];
	unsigned long long from;

	if (sscanf(name, "revocations-since-%llu.cos%1s", &from, tail) != 2)
		return 0;
	return from < *(const uint64_t *)seq;
}

/* A lookup-N.bin file other than keep. */
static int
other_lookup(const char *name, const void *keep)
{
	char tail[8];
	unsigned long long n;

	return sscanf(name, "lookup-%llu.bi%1s", &n, tail) == 2 &&
	    strcmp(name, (const char *)keep) != 0;
}

static int
pull_trust(struct vd_ctx *vd, const struct tc_vdfloor *fl,
    struct tc_trust **fresh, time_t now, char *err, size_t errlen)
{
	struct tc_buf buf;
	struct sink s;
	char msg[512];
	long st;
	int r = -1;

	tc_buf_init(&buf, TC_TRUST_MAX_INPUT);
	sink_mem(&s, &buf, TC_TRUST_MAX_INPUT);
	st = fetch(vd, TC_BUNDLE_TRUST, &vd->pull->v_trust, &s, err, errlen);
	if (st == 304)
		r = 0;
	else if (st == 200) {
		if (tc_trust_load(fresh, buf.data, buf.len, vd->pin, now, msg,
			sizeof(msg)) != 0)
			vd_err(err, errlen, "%s: %s", TC_BUNDLE_TRUST, msg);
		else if (older(vd, TC_BUNDLE_TRUST, "issued at",
			     (long long)tc_trust_issued_at(*fresh),
			     (long long)fl->trust_issued_at, err,
			     errlen) != 0) {
			r = TC_ERR_STALE;
			tc_trust_free(*fresh);
			*fresh = NULL;
		} else if (tc_bundle_write_file(vd->bundle_dir, TC_BUNDLE_TRUST,
			       buf.data, buf.len, msg, sizeof(msg)) != 0)
			vd_err(err, errlen, "cache: %s", msg);
		else {
			vd->pull->v_trust = s.seen;
			r = 0;
		}
	} else if (st == 404)
		vd_err(err, errlen, "%s: HTTP 404", TC_BUNDLE_TRUST);
	tc_buf_release(&buf);
	return r;
}

static int
pull_rev(struct vd_ctx *vd, const struct vd_bundle *cur,
    const struct tc_vdfloor *fl, const struct tc_cose_keyring *ring, time_t now,
    char *err, size_t errlen)
{
	struct tc_revocations_delta_info info;
	struct tc_revocations *rev = NULL;
	struct tc_buf buf;
	struct sink s;
	char name[TC_BUNDLE_NAME_MAX], msg[512];
	uint64_t seq;
	int steps = 0, r = -1;
	long st;

	tc_buf_init(&buf, TC_REV_MAX_INPUT);
	if (cur != NULL && cur->rev->chain < VD_DELTA_CHAIN_MAX / 2) {
		for (seq = cur->rev->seq; steps < DELTA_STEPS; steps++) {
			if (tc_fmt(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
				(unsigned long long)seq) != 0)
				break;
			tc_buf_reset(&buf);
			sink_mem(&s, &buf, VD_DELTA_FILE_MAX);
			if ((st = fetch(
				 vd, name, NULL, &s, msg, sizeof(msg))) != 200)
				break;
			if (tc_revocations_delta_peek(buf.data, buf.len, ring,
				now, &info, msg, sizeof(msg)) != 0 ||
			    info.from_seq != seq || info.to_seq <= seq) {
				vd_log_event(vd, "pull-refused", "error",
				    "%s: %s", name,
				    info.from_seq != seq
					? "not a delta from this number"
					: msg);
				break;
			}
			if (tc_bundle_write_file(vd->bundle_dir, name, buf.data,
				buf.len, msg, sizeof(msg)) != 0) {
				vd_err(err, errlen, "cache: %s", msg);
				goto out;
			}
			seq = info.to_seq;
		}
		if (steps > 0) {
			r = 0;
			goto out;
		}
	}
	tc_buf_reset(&buf);
	sink_mem(&s, &buf, TC_REV_MAX_INPUT);
	st =
	    fetch(vd, TC_BUNDLE_REVOCATIONS, &vd->pull->v_rev, &s, err, errlen);
	if (st == 304) {
		r = 0;
		goto out;
	}
	if (st != 200) {
		if (st == 404)
			vd_err(
			    err, errlen, "%s: HTTP 404", TC_BUNDLE_REVOCATIONS);
		goto out;
	}
	if (tc_revocations_load(
		&rev, buf.data, buf.len, ring, now, msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "%s: %s", TC_BUNDLE_REVOCATIONS, msg);
		goto out;
	}
	if (older(vd, TC_BUNDLE_REVOCATIONS, "sequence number",
		(long long)tc_revocations_seq(rev), (long long)fl->revocations,
		err, errlen) != 0) {
		r = TC_ERR_STALE;
		goto out;
	}
	if (tc_bundle_write_file(vd->bundle_dir, TC_BUNDLE_REVOCATIONS,
		buf.data, buf.len, msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "cache: %s", msg);
		goto out;
	}
	seq = tc_revocations_seq(rev);
	prune(vd, older_delta, &seq);
	vd->pull->v_rev = s.seen;
	r = 0;
out:
	tc_revocations_free(rev);
	tc_buf_release(&buf);
	return r;
}

/*
 * Mirrors the programme files the snapshot lists into the cache's
 * programmes/ (each checked against its signed SHA-256) and removes the
 * ones it no longer lists.
 */
static int
pull_programmes(
    struct vd_ctx *vd, const struct tc_lookup *lk, char *err, size_t errlen)
{
	char dir[TC_VDCONF_PATH_MAX + 16], msg[256];
	const uint8_t *sha;
	const char *name, *base;
	struct tc_buf buf;
	struct dirent *de;
	struct sink s;
	size_t i, k;
	long st;
	DIR *d;
	int r = 0;

	if (tc_path_join(
		dir, sizeof(dir), vd->bundle_dir, TC_BUNDLE_PROGRAMMES) != 0) {
		vd_err(err, errlen, "cache: %s: path too long", vd->bundle_dir);
		return -1;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		vd_err(err, errlen, "cache: %s: %s", dir, strerror(errno));
		return -1;
	}
	tc_buf_init(&buf, TC_PROGRAMME_FILE_MAX);
	for (i = 0; r == 0 && i < tc_lookup_file_count(lk); i++) {
		if (tc_lookup_file(lk, i, &name, &sha) != 0)
			break;
		base = name + strlen(TC_BUNDLE_PROGRAMMES) + 1;
		/* Already there with the listed bytes: keep it. */
		if (tc_bundle_read_file(
			dir, base, TC_PROGRAMME_FILE_MAX, &buf, NULL, 0) == 0 &&
		    tc_lookup_file_check(
			lk, name, buf.data, buf.len, NULL, 0) == 0)
			continue;
		tc_buf_reset(&buf);
		sink_mem(&s, &buf, TC_PROGRAMME_FILE_MAX);
		if ((st = fetch(vd, name, NULL, &s, err, errlen)) != 200) {
			if (st == 404)
				vd_err(err, errlen, "%s: HTTP 404", name);
			r = -1;
		} else if (tc_lookup_file_check(lk, name, buf.data, buf.len,
			       msg, sizeof(msg)) != 0) {
			vd_err(err, errlen, "%s: %s", name, msg);
			r = -1;
		} else if (tc_bundle_write_file(dir, base, buf.data, buf.len,
			       msg, sizeof(msg)) != 0) {
			vd_err(err, errlen, "cache: %s", msg);
			r = -1;
		}
	}
	tc_buf_release(&buf);
	if (r != 0 || (d = opendir(dir)) == NULL)
		return r;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (k = 0; k < tc_lookup_file_count(lk); k++)
			if (tc_lookup_file(lk, k, &name, NULL) == 0 &&
			    strcmp(name + strlen(TC_BUNDLE_PROGRAMMES) + 1,
				de->d_name) == 0)
				break;
		if (k == tc_lookup_file_count(lk))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	return 0;
}

/* Downloads the snapshot data file into the cache, checking it. */
static int
pull_lookup_data(struct vd_ctx *vd, const struct tc_lookup_info *info,
    char *err, size_t errlen)
{
	char path[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2];
	char tmp[sizeof(path) + 8];
	uint8_t md[32];
	struct stat st;
	struct sink s;
	long code;
	int fd, r = -1;

	if (tc_path_join(path, sizeof(path), vd->bundle_dir, info->data_name) !=
		0 ||
	    tc_fmt(tmp, sizeof(tmp), "%s.part", path) != 0) {
		vd_err(err, errlen, "cache: %s/%s: path too long",
		    vd->bundle_dir, info->data_name);
		return -1;
	}
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == info->data_len)
		return 0; /* the loader checks its SHA-256 */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) <
	    0) {
		vd_err(err, errlen, "cache: %s: %s", tmp, strerror(errno));
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.cap = info->data_len;
	if ((s.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1)
		goto out;
	code = fetch(vd, info->data_name, NULL, &s, err, errlen);
	if (code != 200) {
		if (code == 404)
			vd_err(err, errlen, "%s: HTTP 404", info->data_name);
		goto out;
	}
	if (EVP_DigestFinal_ex(s.md, md, NULL) != 1 ||
	    s.got != info->data_len || memcmp(md, info->data_sha256, 32) != 0) {
		vd_err(err, errlen,
		    "%s: the file does not match its signed header (size or SHA-256)",
		    info->data_name);
		goto out;
	}
	if (fsync(fd) != 0 || rename(tmp, path) != 0) {
		vd_err(err, errlen, "cache: %s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	EVP_MD_CTX_free(s.md);
	close(fd);
	if (r != 0)
		unlink(tmp);
	return r;
}

/* Opens the cached snapshot and mirrors the programme files it lists. */
static int
sync_programmes(struct vd_ctx *vd, const struct tc_cose_keyring *ring,
    time_t now, char *err, size_t errlen)
{
	struct tc_lookup *lk = NULL;
	char msg[512];
	int r;

	if (tc_lookup_open(&lk, vd->bundle_dir, ring, now, msg, sizeof(msg)) !=
	    0) {
		vd_err(err, errlen, "cached snapshot: %s", msg);
		return -1;
	}
	r = pull_programmes(vd, lk, err, errlen);
	tc_lookup_free(lk);
	vd->pull->progs_done = r == 0;
	return r;
}

static int
pull_lookup(struct vd_ctx *vd, const struct tc_vdfloor *fl,
    const struct tc_cose_keyring *ring, time_t now, char *err, size_t errlen)
{
	struct tc_lookup_info info;
	struct tc_buf buf;
	struct sink s;
	char msg[512];
	long st;
	int r = -1;

	tc_buf_init(&buf, TC_LOOKUP_SIG_MAX);
	sink_mem(&s, &buf, TC_LOOKUP_SIG_MAX);
	st = fetch(
	    vd, TC_BUNDLE_LOOKUP_SIG, &vd->pull->v_lookup, &s, err, errlen);
	if (st == 304 && vd->pull->progs_done) {
		r = 0; /* unchanged */
		goto out;
	}
	if (st == 404) {
		r = 0; /* a bundle without a snapshot */
		goto out;
	}
	if (st == 304) {
		r = sync_programmes(vd, ring, now, err, errlen);
		goto out;
	}
	if (st != 200)
		goto out;
	if (tc_lookup_peek(
		buf.data, buf.len, ring, now, &info, msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "%s: %s", TC_BUNDLE_LOOKUP_SIG, msg);
		goto out;
	}
	if (older(vd, TC_BUNDLE_LOOKUP_SIG, "sequence number",
		(long long)info.seq, (long long)fl->lookup, err, errlen) != 0) {
		r = TC_ERR_STALE;
		goto out;
	}
	if (pull_lookup_data(vd, &info, err, errlen) != 0)
		goto out;
	if (tc_bundle_write_file(vd->bundle_dir, TC_BUNDLE_LOOKUP_SIG, buf.data,
		buf.len, msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "cache: %s", msg);
		goto out;
	}
	prune(vd, other_lookup, info.data_name);
	vd->pull->v_lookup = s.seen;
	r = sync_programmes(vd, ring, now, err, errlen);
out:
	tc_buf_release(&buf);
	return r;
}

/* The keyring to check pulled files with: fresh, in use, or cached. */
static struct tc_trust *
cached_trust(struct vd_ctx *vd, time_t now)
{
	char path[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2];
	struct tc_trust *t = NULL;
	struct tc_buf buf;

	if (tc_path_join(path, sizeof(path), vd->bundle_dir, TC_BUNDLE_TRUST) !=
	    0)
		return NULL;
	tc_buf_init(&buf, TC_TRUST_MAX_INPUT);
	if (tc_file_read(path, NULL, TC_TRUST_MAX_INPUT, 0, &buf, NULL, 0) == 0)
		tc_trust_load(&t, buf.data, buf.len, vd->pin, now, NULL, 0);
	tc_buf_release(&buf);
	return t;
}

/*
 * Logs a part that failed (pull-failed) or was refused as older than the
 * rollback floor (pull-refused); 1 when it did either.
 */
static int
failed(struct vd_ctx *vd, int r, const char *msg)
{
	if (r == 0)
		return 0;
	vd_log_event(vd, r == TC_ERR_STALE ? "pull-refused" : "pull-failed",
	    "error", "%s", msg);
	return 1;
}

int
vd_pull(
    struct vd_ctx *vd, const struct vd_bundle *cur, char *err, size_t errlen)
{
	struct tc_trust *fresh = NULL, *cached = NULL;
	const struct tc_cose_keyring *ring;
	struct tc_vdfloor fl;
	time_t now = vd_now(vd);
	char e2[512] = "", e3[512] = "";
	int r = 0;

	if (newest(vd, cur, &fl, err, errlen) != 0) {
		vd_log_event(vd, "pull-failed", "error", "%s", err);
		return -1;
	}
	if (failed(vd, pull_trust(vd, &fl, &fresh, now, err, errlen), err))
		r = -1;
	if (fresh != NULL)
		ring = tc_trust_keyring(fresh);
	else if (cur != NULL)
		ring = tc_trust_keyring(cur->trust->trust);
	else if ((cached = cached_trust(vd, now)) != NULL)
		ring = tc_trust_keyring(cached);
	else
		goto out;
	if (failed(vd, pull_rev(vd, cur, &fl, ring, now, e2, sizeof(e2)), e2)) {
		if (r == 0)
			vd_err(err, errlen, "%s", e2);
		r = -1;
	}
	if (failed(vd, pull_lookup(vd, &fl, ring, now, e3, sizeof(e3)), e3)) {
		if (r == 0)
			vd_err(err, errlen, "%s", e3);
		r = -1;
	}
out:
	tc_trust_free(fresh);
	tc_trust_free(cached);
	return r;
}
