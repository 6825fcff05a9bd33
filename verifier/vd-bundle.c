/* SPDX-License-Identifier: MIT */
/*
 * The bundle held by tcard-verifierd: loading it from the bundle directory
 * (the configured one, or the cache a URL is pulled into), refusing what
 * must be refused, and swapping it in without blocking requests.
 *
 * A bundle is four reference-counted parts: the trust list, the revocation
 * list (a full list plus the deltas applied to it), the lookup snapshot
 * and the programme files. A check reads each file, keeps the part in use
 * when the bytes are the ones held, and otherwise loads and verifies a new
 * part. A new part is refused, and the one in use kept, when it does not
 * verify (bad signature, unknown signer, malformed), when it is issued in
 * the future (more than 300 s ahead), or when it is not newer than the one
 * in use (a revocation list or snapshot with an older or equal sequence
 * number, a trust list issued earlier), or when it is older than the
 * newest one ever accepted, which the rollback floor remembers across
 * restarts (vd-floor.c). Only when some part changed is a new bundle
 * built and the pointer swapped; requests holding the old bundle finish
 * with it, and the last one frees it. Checks run on one thread at a time
 * (the updater, or main before the server starts).
 * Rules: docs/verifierd.md, "The bundle".
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

#include <openssl/sha.h>

#include <microhttpd.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/status.h"
#include "vd.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define FUTURE_SKEW 300 /* seconds an issue time may be ahead */

/* SHA-256 of the last file refused, per kind, so it is not retried. */
enum { K_TRUST, K_REV, K_LOOKUP };

/* ---- parts ---- */

static void
part_ref(struct vd_part *p)
{
	if (p != NULL)
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

static void
part_unref(struct vd_part *p)
{
	if (p != NULL &&
	    atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
		p->free(p);
}

static void
blob_release(struct vd_blob *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* Takes the bytes of buf into b (buf is emptied) and sets the ETag. */
static int
blob_take(struct vd_blob *b, struct tc_buf *buf)
{
	uint8_t md[32];
	char hex[65];

	SHA256(
	    buf->data != NULL ? buf->data : (const uint8_t *)"", buf->len, md);
	tc_hex_encode(md, 16, hex);
	snprintf(b->etag, sizeof(b->etag), "\"%.32s\"", hex);
	b->len = buf->len;
	if ((b->data = tc_buf_detach(buf, NULL)) == NULL)
		return -1;
	return 0;
}

static void
trust_free(struct vd_part *p)
{
	struct vd_trust_part *t = (struct vd_trust_part *)p;

	tc_trust_free(t->trust);
	blob_release(&t->file);
	free(t);
}

static void
rev_free(struct vd_part *p)
{
	struct vd_rev_part *r = (struct vd_rev_part *)p;
	size_t i;

	tc_revocations_free(r->rev);
	blob_release(&r->full);
	for (i = 0; i < r->ndeltas; i++)
		blob_release(&r->deltas[i].file);
	free(r);
}

static void
lookup_free(struct vd_part *p)
{
	struct vd_lookup_part *l = (struct vd_lookup_part *)p;

	tc_lookup_free(l->lk);
	free(l);
}

static void
progs_free(struct vd_part *p)
{
	struct vd_progs_part *g = (struct vd_progs_part *)p;

	tc_programme_set_free(g->set);
	free(g);
}

static void *
part_new(size_t size, void (*fn)(struct vd_part *))
{
	struct vd_part *p = calloc(1, size);

	if (p != NULL) {
		atomic_init(&p->refs, 1);
		p->free = fn;
	}
	return p;
}

static void
bundle_free(struct vd_bundle *b)
{
	part_unref(&b->trust->part);
	part_unref(&b->rev->part);
	if (b->lookup != NULL)
		part_unref(&b->lookup->part);
	if (b->progs != NULL)
		part_unref(&b->progs->part);
	free(b);
}

struct vd_bundle *
vd_bundle_get(struct vd_ctx *vd)
{
	struct vd_bundle *b;

	pthread_mutex_lock(&vd->mu);
	if ((b = vd->cur) != NULL)
		atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&vd->mu);
	return b;
}

struct vd_bundle *
vd_bundle_need(struct vd_ctx *vd, struct tc_dresp *resp)
{
	struct vd_bundle *b = vd_bundle_get(vd);

	if (b == NULL)
		tc_dresp_error(resp, MHD_HTTP_SERVICE_UNAVAILABLE,
		    VD_R_UNAVAILABLE, "unavailable", "%s",
		    "no bundle is loaded yet");
	return b;
}

void
vd_bundle_put(struct vd_bundle *b)
{
	if (b != NULL &&
	    atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		bundle_free(b);
}

int
vd_bundle_stale(struct vd_ctx *vd, const struct vd_bundle *b, time_t now)
{
	return b != NULL &&
	    (long long)now >
	    (long long)b->rev->next_update + (long long)vd->conf.stale_grace;
}

/* ---- files ---- */

/*
 * Reads DIR/name (a regular file, at most cap bytes) into out (reset
 * first). Returns 0, TC_ERR_NOT_FOUND, TC_ERR_TOO_LARGE, TC_ERR_INVALID_ARG
 * (the path does not fit) or TC_ERR_IO.
 */
static int
read_file(const char *dir, const char *name, size_t cap, struct tc_buf *out,
    char *err, size_t errlen)
{
	char path[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2];

	tc_buf_release(out);
	tc_buf_init(out, cap);
	if (tc_path_join(path, sizeof(path), dir, name) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s/%s: path too long", dir, name);
	return tc_file_read(path, NULL, cap, 0, out, err, errlen);
}

static int
same_bytes(const struct vd_blob *b, const struct tc_buf *buf)
{
	return b->data != NULL && b->len == buf->len &&
	    memcmp(b->data, buf->data, b->len) == 0;
}

static void
sha(const struct tc_buf *buf, uint8_t md[32])
{
	SHA256(
	    buf->data != NULL ? buf->data : (const uint8_t *)"", buf->len, md);
}

/* 1 when these bytes were refused before (and logged then). */
static int
refused_before(struct vd_ctx *vd, int kind, const struct tc_buf *buf)
{
	uint8_t md[32];

	sha(buf, md);
	return memcmp(md, vd->refused_sha[kind], 32) == 0;
}

static void
remember_refused(struct vd_ctx *vd, int kind, const struct tc_buf *buf)
{
	sha(buf, vd->refused_sha[kind]);
}

/*
 * 1 for a refusal that the same bytes will always get (a bad signature, a
 * malformed file, an old sequence number); 0 for one that time or another
 * file may cure (issued in the future, a data file not there yet).
 */
static int
permanent(int r)
{
	return r != TC_ERR_NOT_FOUND && r != TC_ERR_IO && r != TC_ERR_NOMEM &&
	    r != TC_ERR_NOT_YET_VALID && r != TC_ERR_EXPIRED &&
	    r != TC_ERR_CRYPTO && r != TC_ERR_INTERNAL;
}

static int
exists(const char *dir, const char *name)
{
	char path[TC_VDCONF_PATH_MAX + TC_BUNDLE_NAME_MAX + 2];
	struct stat st;

	return tc_path_join(path, sizeof(path), dir, name) == 0 &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- one check ---- */

struct check {
	time_t now;
	int refused; /* something was refused */
	int failed;  /* something could not be read */
	char what[512];
	char floor_err[768]; /* the rollback floor failed: why */
};

static void
refuse(struct vd_ctx *vd, struct check *ck, const char *part, int code,
    const char *msg)
{
	ck->refused = 1;
	atomic_fetch_add(&vd->reloads_refused, 1);
	vd_log_event(vd, "bundle-refused", "error", "%s refused (%s): %s", part,
	    tc_errname(code), msg);
	pthread_mutex_lock(&vd->mu);
	vd_err(vd->last_error, sizeof(vd->last_error), "%s: %s", part, msg);
	pthread_mutex_unlock(&vd->mu);
}

/*
 * The rollback floor could not be read (then the part is not accepted) or
 * written: logged, and the check counts as failed.
 */
static void
floor_failed(struct vd_ctx *vd, struct check *ck, const char *msg)
{
	ck->failed = 1;
	vd_err(ck->floor_err, sizeof(ck->floor_err), "%s", msg);
	vd_log_event(vd, "rollback-floor-error", "error", "%s", msg);
	pthread_mutex_lock(&vd->mu);
	vd_err(vd->last_error, sizeof(vd->last_error), "%s", msg);
	pthread_mutex_unlock(&vd->mu);
}

/*
 * Refuses a part older than the rollback floor: what was accepted before,
 * maybe before a restart, when nothing in memory says so. what names the
 * value compared (a sequence number, an issue time).
 */
static int
below_floor(struct vd_ctx *vd, struct check *ck, const char *part,
    const char *what, long long value, long long floor)
{
	char file[TC_VDCONF_PATH_MAX + TC_VDFLOOR_NAME_MAX + 2], msg[512];

	if (value >= floor)
		return 0;
	vd_err(msg, sizeof(msg),
	    "%s %lld is older than %lld, the newest this verifier accepted (rollback floor %s): a rollback to an older %s; to go back on purpose after the authority was reset, start once with --reset-rollback-floor",
	    what, value, floor, vd_floor_file(vd, file, sizeof(file)), part);
	refuse(vd, ck, part, TC_ERR_STALE, msg);
	return 1;
}

static struct vd_trust_part *
check_trust(struct vd_ctx *vd, struct check *ck, const struct vd_bundle *cur,
    int *changed)
{
	struct tc_vdfloor fl;
	struct vd_trust_part *tp = NULL;
	struct tc_trust *t = NULL;
	struct tc_buf buf;
	char err[512];
	int r;

	tc_buf_init(&buf, TC_TRUST_MAX_INPUT);
	r = read_file(vd->bundle_dir, TC_BUNDLE_TRUST, TC_TRUST_MAX_INPUT, &buf,
	    err, sizeof(err));
	if (r == 0 && cur != NULL && same_bytes(&cur->trust->file, &buf))
		goto keep;
	if (r != 0) {
		if (cur == NULL || r != TC_ERR_NOT_FOUND) {
			ck->failed = 1;
			vd_log_event(
			    vd, "bundle-error", "error", "trust list: %s", err);
		}
		goto keep;
	}
	if (cur != NULL && refused_before(vd, K_TRUST, &buf))
		goto keep;
	if ((r = tc_trust_load(&t, buf.data, buf.len,
		 vd->have_pin ? vd->pin : NULL, ck->now, err, sizeof(err))) !=
	    0) {
		refuse(vd, ck, "trust list", r, err);
		if (!permanent(r))
			goto keep;
		goto refused;
	}
	if (tc_trust_issued_at(t) > ck->now + FUTURE_SKEW) {
		refuse(vd, ck, "trust list", TC_ERR_NOT_YET_VALID,
		    "issued in the future");
		tc_trust_free(t);
		goto keep;
	}
	if (cur != NULL &&
	    tc_trust_issued_at(t) < tc_trust_issued_at(cur->trust->trust)) {
		snprintf(err, sizeof(err),
		    "issued at %lld, before the list in use (%lld)",
		    (long long)tc_trust_issued_at(t),
		    (long long)tc_trust_issued_at(cur->trust->trust));
		refuse(vd, ck, "trust list", TC_ERR_STALE, err);
		goto refused;
	}
	if (!vd->have_pin) {
		char hex[65];

		memcpy(vd->pin, tc_trust_ca_fingerprint(t), sizeof(vd->pin));
		vd->have_pin = 1;
		tc_hex_encode(vd->pin, sizeof(vd->pin), hex);
		vd_log_event(vd, "ca-pinned", "warning",
		    "no ca-pin configured: the CA of the first trust list (SHA-256 %s) is pinned until the daemon stops",
		    hex);
	}
	/* The CA is known now: its floor holds across restarts. */
	if (vd_floor_load(vd, vd->pin, err, sizeof(err)) != 0) {
		floor_failed(vd, ck, err);
		tc_trust_free(t);
		goto keep;
	}
	vd_floor_get(vd, &fl);
	if (below_floor(vd, ck, "trust list", "issued at",
		(long long)tc_trust_issued_at(t),
		(long long)fl.trust_issued_at))
		goto refused;
	if ((tp = part_new(sizeof(*tp), trust_free)) == NULL ||
	    blob_take(&tp->file, &buf) != 0) {
		free(tp);
		tc_trust_free(t);
		ck->failed = 1;
		tc_buf_release(&buf);
		return NULL;
	}
	tp->trust = t;
	*changed = 1;
	tc_buf_release(&buf);
	return tp;
refused:
	remember_refused(vd, K_TRUST, &buf);
	tc_trust_free(t);
keep:
	tc_buf_release(&buf);
	if (cur == NULL)
		return NULL;
	part_ref(&cur->trust->part);
	return cur->trust;
}

/* Applies DIR/revocations-since-SEQ.cose files to *rev while there are. */
static unsigned
walk_deltas(struct vd_ctx *vd, struct check *ck, struct tc_revocations **rev,
    const struct tc_cose_keyring *ring)
{
	char name[TC_BUNDLE_NAME_MAX], err[512];
	struct tc_buf buf;
	unsigned n = 0;
	int r;

	tc_buf_init(&buf, VD_DELTA_FILE_MAX);
	while (n < VD_DELTA_CHAIN_MAX) {
		if (tc_fmt(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
			(unsigned long long)tc_revocations_seq(*rev)) != 0 ||
		    read_file(vd->bundle_dir, name, VD_DELTA_FILE_MAX, &buf,
			err, sizeof(err)) != 0)
			break;
		if ((r = tc_revocations_apply_delta(rev, buf.data, buf.len,
			 ring, ck->now, err, sizeof(err))) != 0) {
			char what[96];

			snprintf(
			    what, sizeof(what), "revocation delta %s", name);
			refuse(vd, ck, what, r, err);
			break;
		}
		n++;
	}
	tc_buf_release(&buf);
	return n;
}

/* Collects the delta files of the directory that lead to at most seq. */
static void
collect_deltas(struct vd_ctx *vd, struct vd_rev_part *rp,
    const struct tc_cose_keyring *ring, time_t now)
{
	struct tc_revocations_delta_info info;
	struct tc_buf buf;
	struct dirent *de;
	unsigned long long from;
	size_t total = 0;
	char tail[8], err[256];
	DIR *d;

	if ((d = opendir(vd->bundle_dir)) == NULL)
		return;
	tc_buf_init(&buf, VD_DELTA_FILE_MAX);
	while ((de = readdir(d)) != NULL && rp->ndeltas < VD_DELTAS_MAX) {
		if (strlen(de->d_name) >= TC_BUNDLE_NAME_MAX ||
		    sscanf(de->d_name, "revocations-since-%llu.cos%1s", &from,
			tail) != 2 ||
		    strcmp(tail, "e") != 0)
			continue;
		if (read_file(vd->bundle_dir, de->d_name, VD_DELTA_FILE_MAX,
			&buf, err, sizeof(err)) != 0 ||
		    total + buf.len > VD_DELTA_TOTAL_MAX)
			continue;
		if (tc_revocations_delta_peek(buf.data, buf.len, ring, now,
			&info, err, sizeof(err)) != 0 ||
		    info.from_seq != from || info.to_seq > rp->seq)
			continue;
		rp->deltas[rp->ndeltas].from = info.from_seq;
		rp->deltas[rp->ndeltas].to = info.to_seq;
		total += buf.len;
		if (blob_take(&rp->deltas[rp->ndeltas].file, &buf) != 0)
			break;
		tc_buf_init(&buf, VD_DELTA_FILE_MAX);
		rp->ndeltas++;
	}
	tc_buf_release(&buf);
	closedir(d);
}

static struct vd_rev_part *
check_rev(struct vd_ctx *vd, struct check *ck, const struct vd_bundle *cur,
    const struct tc_cose_keyring *ring, int trust_changed, int *changed)
{
	struct vd_rev_part *rp = NULL;
	struct tc_revocations *rev = NULL;
	struct tc_vdfloor fl;
	struct tc_buf buf;
	char err[512], name[TC_BUNDLE_NAME_MAX];
	uint64_t full_seq;
	unsigned chain;
	int r;

	tc_buf_init(&buf, TC_REV_MAX_INPUT);
	r = read_file(vd->bundle_dir, TC_BUNDLE_REVOCATIONS, TC_REV_MAX_INPUT,
	    &buf, err, sizeof(err));
	if (r != 0) {
		if (cur == NULL || r != TC_ERR_NOT_FOUND) {
			ck->failed = 1;
			vd_log_event(vd, "bundle-error", "error",
			    "revocation list: %s", err);
		}
		goto keep;
	}
	if (cur != NULL) {
		/* A name cut short names no delta: exists() says none. */
		if (tc_fmt(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
			(unsigned long long)cur->rev->seq) != 0)
			name[0] = '\0';
		if (same_bytes(&cur->rev->full, &buf) && !trust_changed &&
		    !exists(vd->bundle_dir, name))
			goto keep;
		if (!same_bytes(&cur->rev->full, &buf) &&
		    refused_before(vd, K_REV, &buf) &&
		    !exists(vd->bundle_dir, name))
			goto keep;
	}
	if ((r = tc_revocations_load(&rev, buf.data, buf.len, ring, ck->now,
		 err, sizeof(err))) != 0) {
		refuse(vd, ck, "revocation list", r, err);
		if (permanent(r))
			remember_refused(vd, K_REV, &buf);
		goto keep;
	}
	full_seq = tc_revocations_seq(rev);
	chain = walk_deltas(vd, ck, &rev, ring);
	if (cur != NULL && tc_revocations_seq(rev) <= cur->rev->seq) {
		/*
		 * Not newer. The same state reached again (the same full
		 * list, or a newer full list equal to what the deltas gave)
		 * is no news; an older number, or another list under the
		 * number in use, is refused.
		 */
		if (tc_revocations_seq(rev) < cur->rev->seq ||
		    (full_seq == cur->rev->full_seq &&
			!same_bytes(&cur->rev->full, &buf))) {
			snprintf(err, sizeof(err),
			    "sequence number %" PRIu64
			    " is not newer than %" PRIu64 ", the list in use",
			    tc_revocations_seq(rev), cur->rev->seq);
			refuse(vd, ck, "revocation list", TC_ERR_STALE, err);
			remember_refused(vd, K_REV, &buf);
		}
		tc_revocations_free(rev);
		goto keep;
	}
	/* After a restart, only the floor knows what was accepted. */
	vd_floor_get(vd, &fl);
	if (below_floor(vd, ck, "revocation list", "sequence number",
		(long long)tc_revocations_seq(rev),
		(long long)fl.revocations)) {
		remember_refused(vd, K_REV, &buf);
		tc_revocations_free(rev);
		goto keep;
	}
	if ((rp = part_new(sizeof(*rp), rev_free)) == NULL)
		goto fail;
	rp->rev = rev;
	rev = NULL;
	rp->full_seq = full_seq;
	rp->seq = tc_revocations_seq(rp->rev);
	rp->issued_at = tc_revocations_issued_at(rp->rev);
	rp->next_update = tc_revocations_next_update(rp->rev);
	rp->chain = chain;
	if (blob_take(&rp->full, &buf) != 0)
		goto fail;
	collect_deltas(vd, rp, ring, ck->now);
	*changed = 1;
	tc_buf_release(&buf);
	return rp;
fail:
	ck->failed = 1;
	tc_revocations_free(rev);
	if (rp != NULL)
		rev_free(&rp->part);
keep:
	tc_buf_release(&buf);
	if (cur == NULL)
		return NULL;
	part_ref(&cur->rev->part);
	return cur->rev;
}

static struct vd_lookup_part *
check_lookup(struct vd_ctx *vd, struct check *ck, const struct vd_bundle *cur,
    const struct tc_cose_keyring *ring, int *changed)
{
	struct vd_lookup_part *lp = NULL, *held = cur ? cur->lookup : NULL;
	struct tc_lookup *lk = NULL;
	struct tc_vdfloor fl;
	struct tc_buf buf;
	uint8_t md[32];
	char err[512];
	int r;

	tc_buf_init(&buf, TC_LOOKUP_SIG_MAX);
	r = read_file(vd->bundle_dir, TC_BUNDLE_LOOKUP_SIG, TC_LOOKUP_SIG_MAX,
	    &buf, err, sizeof(err));
	if (r != 0) {
		if (r != TC_ERR_NOT_FOUND) {
			ck->failed = 1;
			vd_log_event(vd, "bundle-error", "error",
			    "lookup snapshot: %s", err);
		}
		goto keep;
	}
	sha(&buf, md);
	if (held != NULL && memcmp(md, held->sig_sha, 32) == 0)
		goto keep;
	if (refused_before(vd, K_LOOKUP, &buf))
		goto keep;
	if ((r = tc_lookup_open(
		 &lk, vd->bundle_dir, ring, ck->now, err, sizeof(err))) != 0) {
		refuse(vd, ck, "lookup snapshot", r, err);
		if (permanent(r))
			remember_refused(vd, K_LOOKUP, &buf);
		goto keep;
	}
	if (held != NULL && tc_lookup_seq(lk) <= held->info.seq) {
		snprintf(err, sizeof(err),
		    "sequence number %" PRIu64 " is not newer than %" PRIu64
		    ", the snapshot in use",
		    tc_lookup_seq(lk), held->info.seq);
		refuse(vd, ck, "lookup snapshot", TC_ERR_STALE, err);
		remember_refused(vd, K_LOOKUP, &buf);
		tc_lookup_free(lk);
		goto keep;
	}
	vd_floor_get(vd, &fl);
	if (below_floor(vd, ck, "lookup snapshot", "sequence number",
		(long long)tc_lookup_seq(lk), (long long)fl.lookup)) {
		remember_refused(vd, K_LOOKUP, &buf);
		tc_lookup_free(lk);
		goto keep;
	}
	if ((lp = part_new(sizeof(*lp), lookup_free)) == NULL) {
		tc_lookup_free(lk);
		ck->failed = 1;
		goto keep;
	}
	lp->lk = lk;
	memcpy(lp->sig_sha, md, 32);
	tc_lookup_get_info(lk, &lp->info);
	*changed = 1;
	tc_buf_release(&buf);
	return lp;
keep:
	tc_buf_release(&buf);
	if (held != NULL)
		part_ref(&held->part);
	return held;
}

/*
 * The programme directory: the setting, else the bundle's (the cache's for
 * a URL), else the shipped one. *signed_dir says it is the bundle's, whose
 * files the snapshot lists.
 */
static const char *
programme_dir(struct vd_ctx *vd, char *buf, size_t len, int *signed_dir)
{
	struct stat st;
	const char *e;

	*signed_dir = 0;
	if (vd->conf.programmes[0] != '\0')
		return vd->conf.programmes;
	/* A path cut short would name another directory: not the bundle's. */
	if (tc_path_join(buf, len, vd->bundle_dir, TC_BUNDLE_PROGRAMMES) == 0 &&
	    stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
		*signed_dir = 1;
		return buf;
	}
	if ((e = getenv("TCARD_PROGRAMMES")) != NULL && *e != '\0')
		return e;
	return TC_PROGRAMMES_DIR;
}

static struct vd_progs_part *
check_progs(struct vd_ctx *vd, struct check *ck, const struct vd_bundle *cur,
    const struct vd_lookup_part *lp, int reread, int *changed)
{
	struct vd_progs_part *pp;
	char dir[TC_VDCONF_PATH_MAX + 16], err[512];
	const char *d;
	int signed_dir;

	if (cur != NULL && !reread) {
		part_ref(&cur->progs->part);
		return cur->progs;
	}
	d = programme_dir(vd, dir, sizeof(dir), &signed_dir);
	/* The bundle's files are used only as the snapshot signed them. */
	if (signed_dir && lp != NULL && tc_lookup_file_count(lp->lk) > 0 &&
	    tc_status_check_programmes(lp->lk, d, err, sizeof(err)) != 0) {
		refuse(vd, ck, "programme files", TC_ERR_BAD_SIGNATURE, err);
		if (cur != NULL) {
			part_ref(&cur->progs->part);
			return cur->progs;
		}
		d = NULL;
	}
	if ((pp = part_new(sizeof(*pp), progs_free)) == NULL) {
		ck->failed = 1;
		if (cur != NULL)
			part_ref(&cur->progs->part);
		return cur != NULL ? cur->progs : NULL;
	}
	if (d != NULL &&
	    tc_programme_set_load_dir(&pp->set, d, err, sizeof(err)) != 0) {
		vd_log_event(vd, "programmes", "warning",
		    "programme files not loaded (verdicts show the programme code and no services): %s",
		    err);
		pp->set = NULL;
	}
	*changed = 1;
	return pp;
}

/*
 * Why the first check found nothing to use: the rollback floor's trouble,
 * else the last refusal.
 */
static void
no_usable(struct vd_ctx *vd, const struct check *ck, char *err, size_t errlen,
    const char *part)
{
	if (ck->floor_err[0] != '\0') {
		vd_err(err, errlen, "%s", ck->floor_err);
		return;
	}
	pthread_mutex_lock(&vd->mu);
	if (vd->last_error[0] != '\0')
		vd_err(err, errlen, "no usable %s in %s (%s)", part,
		    vd->bundle_dir, vd->last_error);
	else
		vd_err(err, errlen, "no usable %s in %s", part, vd->bundle_dir);
	pthread_mutex_unlock(&vd->mu);
}

int
vd_bundle_check(struct vd_ctx *vd, int from_signal, char *err, size_t errlen)
{
	struct check ck = { 0 };
	struct vd_bundle *cur, *nb = NULL, *old;
	struct vd_trust_part *tp = NULL;
	struct vd_rev_part *rp = NULL;
	struct vd_lookup_part *lp = NULL;
	struct vd_progs_part *pp = NULL;
	char perr[512];
	int changed = 0, tchanged = 0, lchanged, rc = -1;

	pthread_mutex_lock(&vd->check_mu);
	ck.now = vd_now(vd);
	atomic_store(&vd->last_check, (long long)ck.now);
	cur = vd_bundle_get(vd);
	if (vd->is_url && vd_pull(vd, cur, perr, sizeof(perr)) != 0) {
		ck.failed = 1; /* vd_pull logged each part */
		pthread_mutex_lock(&vd->mu);
		vd_err(
		    vd->last_error, sizeof(vd->last_error), "pull: %s", perr);
		pthread_mutex_unlock(&vd->mu);
	}
	if ((tp = check_trust(vd, &ck, cur, &tchanged)) == NULL) {
		no_usable(vd, &ck, err, errlen, "trust list");
		goto out;
	}
	changed |= tchanged;
	if ((rp = check_rev(vd, &ck, cur, tc_trust_keyring(tp->trust), tchanged,
		 &changed)) == NULL) {
		no_usable(vd, &ck, err, errlen, "revocation list");
		goto out;
	}
	lchanged = 0;
	lp = check_lookup(vd, &ck, cur, tc_trust_keyring(tp->trust), &lchanged);
	changed |= lchanged;
	/* Programme files come with the snapshot that lists them. */
	pp = check_progs(
	    vd, &ck, cur, lp, cur == NULL || from_signal || lchanged, &changed);
	if (pp == NULL)
		goto out;
	if (!changed) {
		atomic_fetch_add(&vd->reloads_unchanged, 1);
		rc = 0;
		goto out;
	}
	if ((nb = calloc(1, sizeof(*nb))) == NULL)
		goto out;
	atomic_init(&nb->refs, 1);
	nb->trust = tp;
	nb->rev = rp;
	nb->lookup = lp;
	nb->progs = pp;
	tp = NULL;
	rp = NULL;
	lp = NULL;
	pp = NULL;
	nb->loaded_at = ck.now;
	nb->generation = atomic_fetch_add(&vd->generation, 1) + 1;
	/* Remembered before it is used: a restart never goes below it. */
	if (vd_floor_raise(vd, nb, perr, sizeof(perr)) != 0)
		floor_failed(vd, &ck, perr);
	pthread_mutex_lock(&vd->mu);
	old = vd->cur;
	vd->cur = nb;
	if (!ck.refused && !ck.failed)
		vd->last_error[0] = '\0';
	pthread_mutex_unlock(&vd->mu);
	vd_bundle_put(old);
	atomic_fetch_add(&vd->reloads_ok, 1);
	vd_log_event(vd, "bundle-loaded", "info",
	    "bundle %" PRIu64 " from %s: revocation list %" PRIu64
	    " (full list %" PRIu64 " + %u deltas, %" PRIu64
	    " revoked, next update %lld, %zu deltas served); lookup snapshot %s; trust list issued %lld",
	    nb->generation, vd->bundle_dir, nb->rev->seq, nb->rev->full_seq,
	    nb->rev->chain, tc_revocations_count(nb->rev->rev),
	    (long long)nb->rev->next_update, nb->rev->ndeltas,
	    nb->lookup != NULL ? "present" : "absent",
	    (long long)tc_trust_issued_at(nb->trust->trust));
	if (nb->lookup != NULL)
		vd_log_event(vd, "lookup-loaded", "info",
		    "lookup snapshot %" PRIu64 ": %" PRIu64
		    " cards, issued %lld",
		    nb->lookup->info.seq, nb->lookup->info.count,
		    (long long)nb->lookup->info.issued_at);
	rc = 0;
out:
	if (ck.failed)
		atomic_fetch_add(&vd->reloads_failed, 1);
	if (tp != NULL)
		part_unref(&tp->part);
	if (rp != NULL)
		part_unref(&rp->part);
	if (lp != NULL)
		part_unref(&lp->part);
	if (pp != NULL)
		part_unref(&pp->part);
	vd_bundle_put(cur);
	pthread_mutex_unlock(&vd->check_mu);
	return rc;
}

/* ---- the updater thread ---- */

static void *
updater(void *arg)
{
	struct vd_ctx *vd = arg;
	struct timespec ts;
	char err[512];
	int sig;
	unsigned wait;

	pthread_mutex_lock(&vd->mu);
	while (!vd->stopping) {
		/* Without a bundle yet, retry sooner. */
		wait = vd->conf.pull_interval;
		if (vd->cur == NULL && wait > 10)
			wait = 10;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait;
		while (!vd->stopping && !vd->reload_requested)
			if (pthread_cond_timedwait(&vd->cond, &vd->mu, &ts) ==
			    ETIMEDOUT)
				break;
		if (vd->stopping)
			break;
		sig = vd->reload_requested;
		vd->reload_requested = 0;
		pthread_mutex_unlock(&vd->mu);
		if (sig) {
			vd_log_event(vd, "reload", "info", "%s",
			    "SIGHUP: reopening the log and checking the bundle");
			vd_log_reopen(vd);
		}
		if (vd_bundle_check(vd, sig, err, sizeof(err)) != 0)
			vd_log_event(vd, "bundle-error", "error", "%s", err);
		pthread_mutex_lock(&vd->mu);
	}
	pthread_mutex_unlock(&vd->mu);
	return NULL;
}

int
vd_updater_start(struct vd_ctx *vd)
{
	if (pthread_create(&vd->updater, NULL, updater, vd) != 0)
		return -1;
	vd->updater_running = 1;
	return 0;
}

void
vd_updater_request(struct vd_ctx *vd)
{
	pthread_mutex_lock(&vd->mu);
	vd->reload_requested = 1;
	pthread_cond_signal(&vd->cond);
	pthread_mutex_unlock(&vd->mu);
}

void
vd_updater_stop(struct vd_ctx *vd)
{
	if (!vd->updater_running)
		return;
	pthread_mutex_lock(&vd->mu);
	vd->stopping = 1;
	pthread_cond_signal(&vd->cond);
	pthread_mutex_unlock(&vd->mu);
	pthread_join(vd->updater, NULL);
	vd->updater_running = 0;
}

void
vd_bundle_shutdown(struct vd_ctx *vd)
{
	struct vd_bundle *b;

	pthread_mutex_lock(&vd->mu);
	b = vd->cur;
	vd->cur = NULL;
	pthread_mutex_unlock(&vd->mu);
	vd_bundle_put(b);
}
