/* SPDX-License-Identifier: MIT */
/*
 * File helpers of the signed bundle (include/tcard/bundle.h): writing a
 * bundle file atomically (a temporary file in the same directory, fsync,
 * rename, fsync of the directory) so that a web server or a verifier
 * reading the directory during a publish sees either the old file or the
 * new one, never a part; and reading a bundle file whole with a size cap.
 * The publish order built on these is in docs/bundle.md. Also the signed
 * audit head of a bundle, audit-head.cose (docs/bundle.md, "Audit head"),
 * read with the strict bounded CBOR reader of src/cbor-read.h after its
 * signature verified. And the publish itself (tc_bundle_publish): the
 * lookup snapshot, the full revocation list and its deltas, the programme
 * files and the audit head built and checked in memory, then written in
 * the publish order, for any front end (`tcard-issuer publish`, a daemon).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/keystore.h"
#include "tcard/lifecycle.h"
#include "tcard/name.h"
#include "tcard/pii.h"
#include "tcard/programme.h"
#include "tcard/revocation.h"
#include "tcard/trust.h"

/* A plain file name: no '/', not "." or "..", not empty, not too long. */
static int
plain_name(const char *name)
{
	size_t n;

	if (name == NULL || (n = strlen(name)) == 0 ||
	    n >= TC_BUNDLE_NAME_MAX || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	return 1;
}

int
tc_bundle_write_file(const char *dir, const char *name, const void *data,
    size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd = -1, dfd, r = TC_ERR_IO;

	if (dir == NULL || !plain_name(name) || (data == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad directory or file name");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		sizeof(tmp))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	if ((fd = mkstemp(tmp)) < 0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
	/* A bundle is public: readable by the web server's user. */
	if (fchmod(fd, 0644) != 0)
		goto fail;
	if (tc_file_write_all(fd, data, len) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	/* Make the rename itself durable. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	r = tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int
tc_bundle_read_file(const char *dir, const char *name, size_t max,
    struct tc_buf *out, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (dir == NULL || !plain_name(name) || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad directory or file name");
	if (tc_path_join(path, sizeof(path), dir, name) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	return tc_file_read(path, NULL, max, 0, out, err, errlen);
}

/*
 * Whether name has the shape of a temporary file of tc_bundle_write_file
 * (".NAME.XXXXXX", six letters or digits from mkstemp) or of publish's
 * hard link to the snapshot (".NAME.link-PID").
 */
static int
temp_name(const char *name)
{
	size_t n = strlen(name), i;
	const char *dot;

	if (n < 4 || name[0] != '.' || strcmp(name, "..") == 0)
		return 0;
	if ((dot = strrchr(name, '.')) == name)
		return 0;
	if (strncmp(dot, ".link-", 6) == 0 && dot[6] != '\0') {
		for (i = 6; dot[i] != '\0'; i++)
			if (dot[i] < '0' || dot[i] > '9')
				return 0;
		return 1;
	}
	if (strlen(dot + 1) != 6)
		return 0;
	for (i = 1; i <= 6; i++)
		if (!((dot[i] >= '0' && dot[i] <= '9') ||
			(dot[i] >= 'A' && dot[i] <= 'Z') ||
			(dot[i] >= 'a' && dot[i] <= 'z')))
			return 0;
	return dot - name > 1;
}

int
tc_bundle_clean_temp(const char *dir, time_t older_than, size_t *removed,
    char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	int dfd, r = 0;

	if (removed != NULL)
		*removed = 0;
	if (dir == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "bundle: no directory");
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!temp_name(de->d_name))
			continue;
		/* Only our own regular files, not written to since. */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    st.st_mtime > older_than)
			continue;
		if (unlinkat(dfd, de->d_name, 0) != 0) {
			if (errno != ENOENT && r == 0)
				r = tc_seterr(err, errlen, TC_ERR_IO,
				    "%s/%s: %s", dir, de->d_name,
				    strerror(errno));
			continue;
		}
		if (removed != NULL)
			(*removed)++;
	}
	closedir(d);
	return r;
}

/*
 * The signed audit head, audit-head.cose: written by publish into every
 * bundle so that a copy of the audit log's head leaves the issuing
 * machine, and compared with the log by `tcard-issuer audit verify
 * --bundle`. Six keys, where the revocation list has five, a delta seven,
 * credential claims seven to ten and the snapshot header eleven, so no
 * other payload a credential signer signs is ever taken for it.
 */
#define AUDIT_HEAD_KEYS 6

int
tc_audit_head_encode(struct tc_buf *out, const struct tc_audit_head *head,
    time_t issued_at, uint64_t publish_seq, const struct tc_cose_key *signer,
    char *err, size_t errlen)
{
	struct tc_buf pl;
	int r;

	if (out == NULL || head == NULL || signer == NULL || head->seq < 1 ||
	    publish_seq < 1 || issued_at < 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_audit_head_encode: bad argument");
	tc_buf_init(&pl, TC_AUDIT_HEAD_SIG_MAX);
	if ((r = tc_cbor_put_head(&pl, TC_CBOR_MAP, AUDIT_HEAD_KEYS)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 1, TC_AUDIT_HEAD_VERSION)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 2, head->seq)) != 0 ||
	    (r = tc_cbor_put_kv_str(
		 &pl, 3, TC_CBOR_BSTR, head->mac, sizeof(head->mac))) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 4, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 5, publish_seq)) != 0 ||
	    (r = tc_cbor_put_kv_str(&pl, 6, TC_CBOR_TSTR, TC_AUDIT_HEAD_KIND,
		 strlen(TC_AUDIT_HEAD_KIND))) != 0) {
		r = tc_seterr(
		    err, errlen, r, "audit head payload: %s", tc_strerror(r));
		goto out;
	}
	r = tc_cose_sign1_create_max(
	    out, signer, pl.data, pl.len, TC_AUDIT_HEAD_SIG_MAX, err, errlen);
out:
	tc_buf_release(&pl);
	return r;
}

/* Reads map key want of the audit head. */
static int
head_key(struct tc_cbor_rd *rd, uint64_t want)
{
	uint64_t k;
	size_t at = rd->c.off;
	int r;

	if ((r = tc_cbor_get_uint(rd, "key", &k)) != 0)
		return r;
	if (k != want)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
		    "%s byte %zu: key %llu where key %llu was expected",
		    rd->ctx, at, (unsigned long long)k,
		    (unsigned long long)want);
	return 0;
}

/*
 * The first half of the payload: the map of AUDIT_HEAD_KEYS entries, the
 * version, the audit sequence number and the MAC.
 */
static int
head_payload_head(struct tc_cbor_rd *rd, struct tc_audit_head_info *info)
{
	const uint8_t *p;
	uint64_t n, v;
	size_t at, plen;
	int r;

	if ((r = tc_cbor_expect(rd, TC_CBOR_MAP, "head", &n, &at)) != 0)
		return r;
	if (n != AUDIT_HEAD_KEYS)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
		    "audit head: a map of %llu entries (%d expected)",
		    (unsigned long long)n, AUDIT_HEAD_KEYS);
	if ((r = head_key(rd, 1)) != 0 ||
	    (r = tc_cbor_get_uint(rd, "version", &v)) != 0)
		return r;
	if (v != TC_AUDIT_HEAD_VERSION)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_UNSUPPORTED,
		    "audit head version %llu; this program reads %d",
		    (unsigned long long)v, TC_AUDIT_HEAD_VERSION);
	at = rd->c.off;
	if ((r = head_key(rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(rd, "audit sequence number", &v)) != 0)
		return r;
	if (v < 1 || v > (uint64_t)INT64_MAX)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_RANGE,
		    "audit head byte %zu: audit sequence number %llu is not 1..%lld",
		    at, (unsigned long long)v, (long long)INT64_MAX);
	info->head.seq = (int64_t)v;
	at = rd->c.off;
	if ((r = head_key(rd, 3)) != 0 ||
	    (r = tc_cbor_get_str(rd, TC_CBOR_BSTR, "audit mac",
		 TC_AUDIT_MAC_LEN, &p, &plen)) != 0)
		return r;
	if (plen != TC_AUDIT_MAC_LEN)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
		    "audit head byte %zu: an audit mac of %zu bytes (%d expected)",
		    at, plen, TC_AUDIT_MAC_LEN);
	memcpy(info->head.mac, p, TC_AUDIT_MAC_LEN);
	return 0;
}

/*
 * The second half: issued-at, the publish sequence number, the kind, and
 * nothing after the map.
 */
static int
head_payload_tail(struct tc_cbor_rd *rd, struct tc_audit_head_info *info)
{
	const uint8_t *p;
	uint64_t v;
	size_t at, plen;
	int r;

	at = rd->c.off;
	if ((r = head_key(rd, 4)) != 0 ||
	    (r = tc_cbor_get_uint(rd, "issued-at", &v)) != 0)
		return r;
	if (v > (uint64_t)INT64_MAX / 2)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_RANGE,
		    "audit head byte %zu: issued-at out of range", at);
	info->issued_at = (time_t)v;
	at = rd->c.off;
	if ((r = head_key(rd, 5)) != 0 ||
	    (r = tc_cbor_get_uint(
		 rd, "publish sequence number", &info->publish_seq)) != 0)
		return r;
	if (info->publish_seq < 1)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_RANGE,
		    "audit head byte %zu: publish sequence number 0", at);
	at = rd->c.off;
	if ((r = head_key(rd, 6)) != 0 ||
	    (r = tc_cbor_get_str(rd, TC_CBOR_TSTR, "kind", 64, &p, &plen)) != 0)
		return r;
	if (plen != strlen(TC_AUDIT_HEAD_KIND) ||
	    memcmp(p, TC_AUDIT_HEAD_KIND, plen) != 0)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
		    "audit head byte %zu: kind is not \"%s\"", at,
		    TC_AUDIT_HEAD_KIND);
	if (tc_cursor_left(&rd->c) != 0)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_TRAILING,
		    "audit head: %zu bytes after the map",
		    tc_cursor_left(&rd->c));
	return 0;
}

int
tc_audit_head_decode(const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_audit_head_info *out, char *err, size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_audit_head_info info;
	struct tc_cbor_rd rd;
	int r = TC_ERR_INTERNAL;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || (data == NULL && len > 0) || trust == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit head: missing argument");
	memset(&info, 0, sizeof(info));
	tc_cose_sign1_init(&msg);
	if ((r = tc_cose_sign1_open(&msg, data, len, TC_AUDIT_HEAD_SIG_MAX,
		 trust, TC_BUNDLE_AUDIT_HEAD, err, errlen)) != 0)
		goto out;
	tc_cbor_rd_init(
	    &rd, msg.payload.data, msg.payload.len, "audit head", err, errlen);
	if ((r = head_payload_head(&rd, &info)) != 0 ||
	    (r = head_payload_tail(&rd, &info)) != 0)
		goto out;
	if (info.issued_at > now + TC_CRED_SKEW) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "audit head issued in the future (%lld s ahead)",
		    (long long)(info.issued_at - now));
		goto out;
	}
	memcpy(info.kid, msg.kid, msg.kidlen);
	info.kidlen = msg.kidlen;
	*out = info;
	r = 0;
out:
	tc_cose_sign1_release(&msg);
	return r;
}

/*
 * Publishing (tc_bundle_publish). One struct carries a publish through its
 * steps, each a function of its own that returns 0 or an error code after
 * setting the report's stage and subject (fail()), so that the entry
 * point reads as the publish order of docs/bundle.md.
 */

/* An earlier full list found in the directory. */
struct old {
	uint64_t seq;
	struct tc_revocations *rev;
	struct tc_buf delta;
};

/* A programme file to publish: read once, listed, then written. */
struct pfile {
	const char *base; /* borrowed from the programme's file path */
	struct tc_buf data;
};

struct pub {
	const struct tc_bundle_plan *plan;
	struct tc_bundle_report *rep;
	char *err;
	size_t errlen;
	struct tc_cose_key *signer;
	struct tc_lookup_key *key;
	struct tc_trust *trust;
	const struct tc_cose_keyring *kr;
	struct tc_buf tbuf; /* the trust list's bytes when exported */
	const uint8_t *tdata;
	size_t tlen;
	/* The cards. */
	struct tc_lookup_builder *b;
	uint32_t *revoked;
	size_t nrevoked, alloc, ncards;
	const char *used[TC_PROGRAMME_SET_MAX]; /* programme ids, borrowed */
	size_t nused;
	struct tc_buf name;
	/* Earlier lists, the deltas from them, and what is kept. */
	struct old olds[TC_BUNDLE_KEEP_MAX];
	size_t nolds, nkeep, nkept;
	uint64_t newest_old, seq, kept[TC_BUNDLE_KEEP_MAX];
	/* The new files. */
	struct pfile pf[TC_PROGRAMME_SET_MAX];
	size_t npf;
	struct tc_revocations *now_rev;
	struct tc_buf full, data, sig, abuf;
	char pdir[PATH_MAX];
};

static int
fail(struct pub *p, int r, enum tc_bundle_stage stage, const char *what)
{
	p->rep->stage = stage;
	p->rep->what = what;
	return r;
}

/* A step that failed with no more to say than its code's text. */
static int
fail_bare(struct pub *p, int r, enum tc_bundle_stage stage, const char *what)
{
	if (p->err != NULL && p->errlen > 0)
		p->err[0] = '\0';
	return fail(p, r, stage, what);
}

static void __attribute__((format(printf, 2, 3)))
warnf(const struct tc_bundle_plan *plan, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (plan->hooks.warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	plan->hooks.warn(plan->hooks.arg, msg);
}

/* The signer, the pepper and the trust list; the signer must be in it. */
static int
load_keys(struct pub *p)
{
	const struct tc_bundle_plan *pl = p->plan;
	struct tc_keystore_cert_info ca;
	uint8_t pepper[TC_PII_KEY_LEN];
	const uint8_t *kid;
	size_t kidlen;
	int r;

	if ((r = tc_keystore_signer(pl->ks, &p->signer, p->err, p->errlen)) !=
	    0)
		return fail(p, r, TC_BUNDLE_STAGE_KEYS, "signer");
	if ((r = tc_keystore_secret(pl->ks, TC_SECRET_PEPPER, pepper,
		 sizeof(pepper), p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_KEYS, "pepper");
	r = tc_lookup_key_new(&p->key, pepper);
	OPENSSL_cleanse(pepper, sizeof(pepper));
	if (r != 0)
		return fail_bare(p, r, TC_BUNDLE_STAGE_KEYS, "pepper");
	p->tdata = pl->trust;
	p->tlen = pl->trustlen;
	if (pl->trust == NULL) {
		if ((r = tc_keystore_export_trust(
			 pl->ks, pl->now, &p->tbuf, p->err, p->errlen)) != 0)
			return fail(
			    p, r, TC_BUNDLE_STAGE_TRUST_EXPORT, "trust list");
		p->tdata = p->tbuf.data;
		p->tlen = p->tbuf.len;
	}
	tc_keystore_ca_info(pl->ks, &ca);
	if ((r = tc_trust_load(&p->trust, p->tdata, p->tlen, ca.fingerprint,
		 pl->now, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_TRUST, "trust list");
	p->kr = tc_trust_keyring(p->trust);
	kid = tc_cose_key_kid(p->signer, &kidlen);
	if (tc_cose_keyring_find(p->kr, kid, kidlen) == NULL) {
		tc_seterr(p->err, p->errlen, TC_ERR_UNKNOWN_KEY,
		    "it does not hold the current signer: export a new one");
		return fail(
		    p, TC_ERR_UNKNOWN_KEY, TC_BUNDLE_STAGE_TRUST, "trust list");
	}
	return 0;
}

/*
 * The audit head signed into the bundle now in the directory (the last
 * publish to it), as a head the log must still hold: returns 1 with *info
 * filled, or 0 when there is none. One that does not verify with the
 * trust list being published (altered, or its signer is no longer listed)
 * is not compared, with a warning: `audit verify --bundle` on a copy made
 * elsewhere is the check that counts (docs/bundle.md, "Audit head").
 */
static int
prev_head(struct pub *p, struct tc_audit_head_info *info)
{
	const struct tc_bundle_plan *pl = p->plan;
	struct tc_buf b;
	char err[512];
	int r, found = 0;

	memset(info, 0, sizeof(*info));
	tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX + 1);
	r = tc_bundle_read_file(pl->dir, TC_BUNDLE_AUDIT_HEAD,
	    TC_AUDIT_HEAD_SIG_MAX, &b, err, sizeof(err));
	if (r == 0)
		r = tc_audit_head_decode(
		    b.data, b.len, p->kr, pl->now, info, err, sizeof(err));
	if (r == 0)
		found = 1;
	else if (r != TC_ERR_NOT_FOUND)
		warnf(pl,
		    "%s/%s: %s; the log is not compared with it (it is replaced)",
		    pl->dir, TC_BUNDLE_AUDIT_HEAD, err);
	tc_buf_release(&b);
	return found;
}

/* The check hook, given the head signed into the bundle now in dir. */
static int
check_registry(struct pub *p)
{
	const struct tc_bundle_hooks *h = &p->plan->hooks;
	struct tc_audit_head_info info;
	const char *what = "registry";
	int r, found = prev_head(p, &info);

	if ((r = h->check(h->arg, found ? &info : NULL, &p->rep->head, &what,
		 p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_CHECK, what);
	return 0;
}

/* Remembers the programme of a card, to publish its file. */
static void
use_programme(struct pub *p, const char *id)
{
	const struct tc_programme_set *ps = p->plan->progs;
	size_t i;

	for (i = 0; i < p->nused; i++)
		if (strcmp(p->used[i], id) == 0)
			return;
	for (i = 0; i < tc_programme_set_count(ps); i++) {
		const struct tc_programme *pr = tc_programme_set_at(ps, i);

		if (strcmp(pr->id, id) == 0 &&
		    p->nused < TC_PROGRAMME_SET_MAX) {
			p->used[p->nused++] = pr->id;
			return;
		}
	}
	/* A card of a programme the home no longer has: published anyway. */
}

static int
add_revoked(struct pub *p, uint32_t serial)
{
	uint32_t *np;

	if (p->nrevoked == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 256;
		np = realloc(p->revoked, p->alloc * sizeof(*np));
		if (np == NULL)
			return TC_ERR_NOMEM;
		p->revoked = np;
	}
	p->revoked[p->nrevoked++] = serial;
	return 0;
}

static int
add_card(const struct tc_card_state *c, void *arg)
{
	struct pub *p = arg;
	struct tc_holder h;
	struct tc_lookup_entry e;
	int r;

	/* A card in production is not issued yet: verifiers do not know it. */
	if (c->card.status == TC_CARD_PRODUCTION)
		return 0;
	if (c->card.status == TC_CARD_REVOKED &&
	    (r = add_revoked(p, (uint32_t)c->card.serial)) != 0)
		return r;
	memset(&e, 0, sizeof(e));
	if ((r = tc_registry_holder_get(
		 p->plan->reg, c->card.holder_id, &h, p->err, p->errlen)) != 0)
		return r;
	/*
	 * The registry's id_mac is HMAC(pepper, normalised number); the
	 * holder's number is opened from its sealed copy and MAC'd again to
	 * the same bytes, then wiped.
	 */
	tc_buf_reset(&p->name);
	if ((r = tc_lookup_key_id_mac(p->key, h.id_number, e.id_mac)) != 0 ||
	    (r = tc_name_normalise(
		 h.name, strlen(h.name), &p->name, p->err, p->errlen)) != 0 ||
	    (r = tc_lookup_key_name_mac(
		 p->key, (const char *)p->name.data, e.name_mac)) != 0) {
		if (p->err[0] == '\0')
			snprintf(p->err, p->errlen, "MAC failed");
		tc_holder_release(&h);
		return r;
	}
	tc_holder_release(&h);
	e.card_no = c->card.card_no;
	e.status = c->card.status;
	e.programme = c->card.programme;
	e.tier = c->card.tier;
	e.expires_at = c->card.expires_at;
	r = tc_lookup_builder_add(p->b, &e, p->err, p->errlen);
	OPENSSL_cleanse(&e, sizeof(e));
	if (r != 0)
		return r;
	p->ncards++;
	use_programme(p, c->card.programme);
	return 0;
}

/* Every card into the snapshot, the revoked ones into the list. */
static int
read_cards(struct pub *p)
{
	int r;

	if ((r = tc_lookup_builder_new(&p->b, p->key, 0)) != 0)
		return fail_bare(p, r, TC_BUNDLE_STAGE_CARDS, "lookup");
	p->err[0] = '\0';
	if ((r = tc_lifecycle_card_list(
		 p->plan->reg, NULL, add_card, p, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_CARDS, "registry");
	return 0;
}

/* N when name is prefix, a decimal N (no sign, no zero pad), suffix. */
static int
name_seq(
    const char *name, const char *prefix, const char *suffix, uint64_t *seq)
{
	size_t lp = strlen(prefix), ls = strlen(suffix), n = strlen(name), i;
	uint64_t v = 0;

	if (n <= lp + ls || strncmp(name, prefix, lp) != 0 ||
	    strcmp(name + n - ls, suffix) != 0 || name[lp] == '0' ||
	    n - lp - ls > 19)
		return 0;
	for (i = lp; i < n - ls; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*seq = v;
	return 1;
}

static int
by_seq_desc(const void *a, const void *b)
{
	const struct old *x = a, *y = b;

	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/*
 * The sequence numbers of the full lists revocations-N.cose in dir, the
 * newest first: at most nfound of the newest into found; *newest is the
 * largest seen. Returns how many, or -1 when dir cannot be read.
 */
static long
scan_olds(const char *dir, struct old *found, size_t nfound, uint64_t *newest)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0, i, k;
	uint64_t v;

	*newest = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (!name_seq(de->d_name, "revocations-", ".cose", &v))
			continue;
		if (v > *newest)
			*newest = v;
		if (n < nfound) {
			found[n++].seq = v;
			continue;
		}
		/* Replace the oldest found so far. */
		for (i = 0, k = 0; i < n; i++)
			if (found[i].seq < found[k].seq)
				k = i;
		if (v > found[k].seq)
			found[k].seq = v;
	}
	closedir(d);
	qsort(found, n, sizeof(found[0]), by_seq_desc);
	return (long)n;
}

/* Loads one earlier list into o, or warns why no delta is made from it. */
static int
load_old(struct pub *p, uint64_t seq, struct tc_buf *b, struct old *o)
{
	const struct tc_bundle_plan *pl = p->plan;
	char err[512], name[TC_BUNDLE_NAME_MAX];

	snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
	    (unsigned long long)seq);
	tc_buf_reset(b);
	memset(o, 0, sizeof(*o));
	if (tc_bundle_read_file(
		pl->dir, name, TC_REV_MAX_INPUT, b, err, sizeof(err)) != 0 ||
	    tc_revocations_load(&o->rev, b->data, b->len, p->kr, pl->now, err,
		sizeof(err)) != 0) {
		warnf(pl, "%s/%s: %s; no delta from it", pl->dir, name, err);
		return 0;
	}
	if (tc_revocations_seq(o->rev) != seq) {
		warnf(pl, "%s/%s holds list %llu; no delta from it", pl->dir,
		    name, (unsigned long long)tc_revocations_seq(o->rev));
		tc_revocations_free(o->rev);
		o->rev = NULL;
		return 0;
	}
	o->seq = seq;
	return 1;
}

/*
 * Loads the earlier full lists revocations-N.cose of the directory (at
 * most TC_BUNDLE_KEEP_MAX of the newest; a list that no longer verifies is
 * skipped with a warning: no delta is made from it).
 */
static int
load_olds(struct pub *p)
{
	struct old found[TC_BUNDLE_KEEP_MAX * 4];
	struct tc_buf b;
	long n;
	size_t i;

	memset(found, 0, sizeof(found));
	if ((n = scan_olds(p->plan->dir, found,
		 sizeof(found) / sizeof(found[0]), &p->newest_old)) < 0) {
		snprintf(p->err, p->errlen, "%s", strerror(errno));
		return fail(p, TC_ERR_IO, TC_BUNDLE_STAGE_SEQ, p->plan->dir);
	}
	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	for (i = 0; i < (size_t)n && p->nolds < TC_BUNDLE_KEEP_MAX; i++)
		p->nolds +=
		    (size_t)load_old(p, found[i].seq, &b, &p->olds[p->nolds]);
	tc_buf_release(&b);
	return 0;
}

/* The newest full list in DIR/revocations.cose, if it verifies. */
static uint64_t
current_seq(struct pub *p)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint64_t seq = 0;

	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	if (tc_bundle_read_file(p->plan->dir, TC_BUNDLE_REVOCATIONS,
		TC_REV_MAX_INPUT, &b, NULL, 0) == 0 &&
	    tc_revocations_load(
		&rev, b.data, b.len, p->kr, p->plan->now, NULL, 0) == 0)
		seq = tc_revocations_seq(rev);
	tc_revocations_free(rev);
	tc_buf_release(&b);
	return seq;
}

/*
 * The sequence number: one more than the largest of the caller's last
 * one, the directory's current list and its earlier lists; recorded
 * before anything is written.
 */
static int
take_seq(struct pub *p)
{
	const struct tc_bundle_hooks *h = &p->plan->hooks;
	const char *what = "sequence";
	uint64_t seq, v;
	int r;

	if ((r = load_olds(p)) != 0)
		return r;
	if ((r = h->last_seq(h->arg, &seq, &what, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_SEQ, what);
	if ((v = current_seq(p)) > seq)
		seq = v;
	if (p->newest_old > seq)
		seq = p->newest_old;
	p->seq = ++seq;
	what = "sequence";
	if ((r = h->record_seq(h->arg, seq, &what, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_SEQ, what);
	return 0;
}

/*
 * The full list, and the deltas from the keep - 1 newest earlier lists:
 * each applied to its old list must give the new one.
 */
static int
build_lists(struct pub *p)
{
	const struct tc_bundle_plan *pl = p->plan;
	struct tc_revocations *check;
	size_t i;
	int r;

	if ((r = tc_revocations_encode(&p->full, p->seq, pl->now,
		 pl->now + (time_t)pl->hours * 3600, p->revoked, p->nrevoked,
		 p->signer, p->err, p->errlen)) != 0 ||
	    (r = tc_revocations_load(&p->now_rev, p->full.data, p->full.len,
		 p->kr, pl->now, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_BUILD, "revocation list");
	p->nkeep = pl->keep - 1 < p->nolds ? pl->keep - 1 : p->nolds;
	for (i = 0; i < p->nkeep; i++) {
		struct old *o = &p->olds[i];

		tc_buf_init(&o->delta, TC_REV_MAX_INPUT);
		if ((r = tc_revocations_delta_make(&o->delta, o->rev,
			 p->now_rev, p->signer, p->err, p->errlen)) != 0)
			return fail(p, r, TC_BUNDLE_STAGE_BUILD, "delta");
		check = o->rev;
		o->rev = NULL;
		r = tc_revocations_apply_delta(&check, o->delta.data,
		    o->delta.len, p->kr, pl->now, p->err, p->errlen);
		if (r == 0 &&
		    (!tc_revocations_equal(check, p->now_rev) ||
			tc_revocations_seq(check) != p->seq)) {
			r = TC_ERR_INTERNAL;
			snprintf(p->err, p->errlen,
			    "a delta does not give the new list");
		}
		tc_revocations_free(check);
		if (r != 0)
			return fail(
			    p, r, TC_BUNDLE_STAGE_SELF_CHECK, "self-check");
		p->kept[p->nkept++] = o->seq;
	}
	return 0;
}

/* Reads the programme file at path (at most TC_PROGRAMME_FILE_MAX). */
static int
read_programme(const char *path, const char *base, struct tc_buf *out,
    char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t n = (size_t)(base - path);

	if (n == 0)
		snprintf(dir, sizeof(dir), ".");
	else if (n - 1 < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(n - 1), path);
	else
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "path too long");
	return tc_bundle_read_file(
	    dir, base, TC_PROGRAMME_FILE_MAX, out, err, errlen);
}

/* The programme files the cards use, listed in the snapshot's header. */
static int
add_programmes(struct pub *p)
{
	const struct tc_programme_set *ps = p->plan->progs;
	char listed[TC_BUNDLE_NAME_MAX + 16];
	size_t i, j;
	int r;

	for (i = 0; i < tc_programme_set_count(ps); i++) {
		const struct tc_programme *pr = tc_programme_set_at(ps, i);
		const char *slash = strrchr(pr->file, '/');
		struct pfile *f = &p->pf[p->npf];

		for (j = 0; j < p->nused; j++)
			if (p->used[j] == pr->id)
				break;
		if (j == p->nused)
			continue;
		f->base = slash != NULL ? slash + 1 : pr->file;
		tc_buf_init(&f->data, TC_PROGRAMME_FILE_MAX + 4096);
		p->npf++;
		snprintf(listed, sizeof(listed), "%s/%s", TC_BUNDLE_PROGRAMMES,
		    f->base);
		if ((r = read_programme(pr->file, f->base, &f->data, p->err,
			 p->errlen)) != 0 ||
		    (r = tc_lookup_builder_add_file(p->b, listed, f->data.data,
			 f->data.len, p->err, p->errlen)) != 0)
			return fail(p, r, TC_BUNDLE_STAGE_BUILD, pr->file);
	}
	return 0;
}

/* The snapshot, read back with the trust list being published. */
static int
build_lookup(struct pub *p)
{
	const struct tc_bundle_plan *pl = p->plan;
	struct tc_lookup *lk = NULL;
	int r;

	if ((r = add_programmes(p)) != 0)
		return r;
	if ((r = tc_lookup_builder_finish(p->b, p->seq, pl->now, p->signer,
		 &p->data, &p->sig, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_BUILD, "lookup snapshot");
	if ((r = tc_lookup_load(&lk, p->sig.data, p->sig.len, p->data.data,
		 p->data.len, p->kr, pl->now, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_SELF_CHECK, "self-check");
	tc_lookup_free(lk);
	return 0;
}

/*
 * The audit head the registry was checked at, signed: the copy of the
 * caller's recorded head that leaves this machine with the bundle.
 */
static int
build_audit_head(struct pub *p)
{
	const struct tc_audit_head *head = &p->rep->head;
	struct tc_audit_head_info a;
	int r;

	if ((r = tc_audit_head_encode(&p->abuf, head, p->plan->now, p->seq,
		 p->signer, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_BUILD, "audit head");
	if ((r = tc_audit_head_decode(p->abuf.data, p->abuf.len, p->kr,
		 p->plan->now, &a, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_SELF_CHECK, "self-check");
	if (a.head.seq != head->seq ||
	    memcmp(a.head.mac, head->mac, sizeof(head->mac)) != 0 ||
	    a.publish_seq != p->seq) {
		snprintf(p->err, p->errlen,
		    "the signed audit head reads back as another head");
		return fail(p, TC_ERR_INTERNAL, TC_BUNDLE_STAGE_SELF_CHECK,
		    "self-check");
	}
	return 0;
}

/*
 * Makes DIR/lookup.bin a hard link to DIR/NAME atomically: a link under a
 * temporary name, renamed over lookup.bin. A file system without hard
 * links gets a copy.
 */
static int
link_lookup(const char *dir, const char *name, const struct tc_buf *data,
    char *err, size_t errlen)
{
	char from[PATH_MAX], tmp[PATH_MAX], to[PATH_MAX];

	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.link-%ld", dir, TC_BUNDLE_LOOKUP,
	    (long)getpid());
	snprintf(to, sizeof(to), "%s/%s", dir, TC_BUNDLE_LOOKUP);
	(void)unlink(tmp);
	if (link(from, tmp) == 0) {
		if (rename(tmp, to) == 0)
			return 0;
		(void)unlink(tmp);
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", to, strerror(errno));
	}
	return tc_bundle_write_file(
	    dir, TC_BUNDLE_LOOKUP, data->data, data->len, err, errlen);
}

/*
 * Files nobody refers to yet come first: the programmes, the trust list,
 * the archived list, the new snapshot data file.
 */
static int
write_unreferenced(struct pub *p)
{
	const char *dir = p->plan->dir;
	char name[TC_BUNDLE_NAME_MAX];
	size_t i;
	int r;

	if (mkdir(p->pdir, 0755) != 0 && errno != EEXIST) {
		snprintf(p->err, p->errlen, "%s", strerror(errno));
		return fail(p, TC_ERR_IO, TC_BUNDLE_STAGE_WRITE, p->pdir);
	}
	for (i = 0; i < p->npf; i++)
		if ((r = tc_bundle_write_file(p->pdir, p->pf[i].base,
			 p->pf[i].data.data, p->pf[i].data.len, p->err,
			 p->errlen)) != 0)
			return fail(p, r, TC_BUNDLE_STAGE_WRITE, dir);
	snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
	    (unsigned long long)p->seq);
	if ((r = tc_bundle_write_file(dir, TC_BUNDLE_TRUST, p->tdata, p->tlen,
		 p->err, p->errlen)) != 0 ||
	    (r = tc_bundle_write_file(
		 dir, name, p->full.data, p->full.len, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_WRITE, dir);
	snprintf(name, sizeof(name), TC_BUNDLE_LOOKUP_FMT,
	    (unsigned long long)p->seq);
	if ((r = tc_bundle_write_file(
		 dir, name, p->data.data, p->data.len, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_WRITE, dir);
	return 0;
}

/*
 * Writes in the publish order (docs/bundle.md): the unreferenced files,
 * then the deltas (each complete in itself), then the snapshot header that
 * names the new data file, the audit head, and revocations.cose last.
 */
static int
write_bundle(struct pub *p)
{
	const char *dir = p->plan->dir;
	char name[TC_BUNDLE_NAME_MAX];
	size_t i;
	int r;

	if ((r = write_unreferenced(p)) != 0)
		return r;
	for (i = 0; i < p->nkeep; i++) {
		snprintf(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
		    (unsigned long long)p->olds[i].seq);
		if ((r = tc_bundle_write_file(dir, name, p->olds[i].delta.data,
			 p->olds[i].delta.len, p->err, p->errlen)) != 0)
			return fail(p, r, TC_BUNDLE_STAGE_WRITE, dir);
	}
	snprintf(name, sizeof(name), TC_BUNDLE_LOOKUP_FMT,
	    (unsigned long long)p->seq);
	if ((r = link_lookup(dir, name, &p->data, p->err, p->errlen)) != 0 ||
	    (r = tc_bundle_write_file(dir, TC_BUNDLE_LOOKUP_SIG, p->sig.data,
		 p->sig.len, p->err, p->errlen)) != 0 ||
	    (r = tc_bundle_write_file(dir, TC_BUNDLE_AUDIT_HEAD, p->abuf.data,
		 p->abuf.len, p->err, p->errlen)) != 0 ||
	    (r = tc_bundle_write_file(dir, TC_BUNDLE_REVOCATIONS, p->full.data,
		 p->full.len, p->err, p->errlen)) != 0)
		return fail(p, r, TC_BUNDLE_STAGE_WRITE, dir);
	return 0;
}

/* Whether the directory entry name is no longer part of the bundle. */
static int
stale(const char *name, const uint64_t *kept, size_t nkept, uint64_t seq)
{
	uint64_t v;
	size_t i;
	int drop = 0;

	if (name_seq(name, "revocations-since-", ".cose", &v)) {
		drop = 1;
		for (i = 0; i < nkept; i++)
			drop &= kept[i] != v;
	} else if (name_seq(name, "revocations-", ".cose", &v)) {
		drop = v != seq;
		for (i = 0; i < nkept; i++)
			drop &= kept[i] != v;
	} else if (name_seq(name, "lookup-", ".bin", &v)) {
		drop = v + TC_BUNDLE_LOOKUP_KEEP <= seq;
	}
	return drop;
}

/*
 * Removes what the new bundle no longer refers to: full lists and deltas
 * of sequence numbers not kept (the new list stays), snapshot data files
 * but the newest TC_BUNDLE_LOOKUP_KEEP. Failures only warn.
 */
static void
prune(struct pub *p)
{
	const char *dir = p->plan->dir;
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!stale(de->d_name, p->kept, p->nkept, p->seq))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) != 0)
			warnf(p->plan, "%s: %s", path, strerror(errno));
	}
	closedir(d);
}

static int
plan_ok(const struct tc_bundle_plan *pl)
{
	const struct tc_bundle_hooks *h = &pl->hooks;

	return pl->dir != NULL && *pl->dir != '\0' &&
	    strlen(pl->dir) <= PATH_MAX - 2 * TC_BUNDLE_NAME_MAX &&
	    pl->reg != NULL && pl->progs != NULL && pl->ks != NULL &&
	    (pl->trust != NULL || pl->trustlen == 0) && pl->hours >= 1 &&
	    pl->hours <= TC_BUNDLE_HOURS_MAX && pl->keep >= 1 &&
	    pl->keep <= TC_BUNDLE_KEEP_MAX && h->check != NULL &&
	    h->last_seq != NULL && h->record_seq != NULL;
}

static void
pub_release(struct pub *p)
{
	size_t i;

	for (i = 0; i < p->npf; i++)
		tc_buf_release(&p->pf[i].data);
	for (i = 0; i < TC_BUNDLE_KEEP_MAX; i++) {
		tc_revocations_free(p->olds[i].rev);
		tc_buf_release(&p->olds[i].delta);
	}
	tc_revocations_free(p->now_rev);
	tc_lookup_builder_free(p->b);
	tc_lookup_key_free(p->key);
	free(p->revoked);
	tc_buf_release(&p->name);
	tc_buf_release(&p->tbuf);
	tc_buf_release(&p->full);
	tc_buf_release(&p->data);
	tc_buf_release(&p->sig);
	tc_buf_release(&p->abuf);
	tc_trust_free(p->trust);
	tc_cose_key_free(p->signer);
	free(p);
}

int
tc_bundle_publish(const struct tc_bundle_plan *plan,
    struct tc_bundle_report *rep, char *err, size_t errlen)
{
	struct pub *p;
	int r;

	memset(rep, 0, sizeof(*rep));
	if (plan == NULL || !plan_ok(plan) || err == NULL || errlen == 0) {
		rep->stage = TC_BUNDLE_STAGE_ARGS;
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad publish plan");
	}
	err[0] = '\0';
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		rep->stage = TC_BUNDLE_STAGE_ARGS;
		return TC_ERR_NOMEM;
	}
	p->plan = plan;
	p->rep = rep;
	p->err = err;
	p->errlen = errlen;
	tc_buf_init(&p->name, 4 * TC_NAME_IN_MAX);
	tc_buf_init(&p->tbuf, TC_TRUST_MAX_INPUT + 4096);
	tc_buf_init(&p->full, TC_REV_MAX_INPUT);
	tc_buf_init(&p->data, 0);
	tc_buf_init(&p->sig, 0);
	tc_buf_init(&p->abuf, TC_AUDIT_HEAD_SIG_MAX);
	snprintf(
	    p->pdir, sizeof(p->pdir), "%s/%s", plan->dir, TC_BUNDLE_PROGRAMMES);
	/* Nothing is written to the directory before build_audit_head. */
	if ((r = load_keys(p)) != 0 || (r = check_registry(p)) != 0 ||
	    (r = read_cards(p)) != 0 || (r = take_seq(p)) != 0 ||
	    (r = build_lists(p)) != 0 || (r = build_lookup(p)) != 0 ||
	    (r = build_audit_head(p)) != 0 || (r = write_bundle(p)) != 0)
		goto out;
	prune(p);
	rep->seq = p->seq;
	rep->cards = p->ncards;
	rep->revoked = p->nrevoked;
	rep->deltas = p->nkeep;
	rep->stage = TC_BUNDLE_STAGE_NONE;
	rep->what = NULL;
out:
	pub_release(p);
	return r;
}

int
tc_bundle_lock(const char *dir, int *fd, char *err, size_t errlen)
{
	int d;

	*fd = -1;
	if (dir == NULL || *dir == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "bundle: no directory");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return tc_seterr(err, errlen, TC_ERR_IO, "%s", strerror(errno));
	if ((d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	if (flock(d, LOCK_EX | LOCK_NB) != 0) {
		tc_seterr(err, errlen, TC_ERR_IO,
		    errno == EWOULDBLOCK
			? "another publish to this directory is running (it holds a lock on %s); try again when it is done"
			: "%s: cannot lock it",
		    dir);
		close(d);
		return TC_ERR_IO;
	}
	*fd = d;
	return 0;
}

void
tc_bundle_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
