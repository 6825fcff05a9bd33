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
 * signature verified.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"

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
	const uint8_t *p = data;
	size_t off = 0;
	ssize_t n;
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
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
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
	struct stat st;
	size_t start;
	ssize_t n;
	int fd, r = TC_ERR_IO;

	if (dir == NULL || !plain_name(name) || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "bundle: bad directory or file name");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "%s: path too long", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return tc_seterr(err, errlen,
		    errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s",
		    path, strerror(errno));
	start = out->len;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: %lld bytes; at most %zu accepted", path,
		    (long long)st.st_size, max);
		goto out;
	}
	/*
	 * Room for the size fstat saw and one byte more, so that a file that
	 * grew meanwhile is noticed; then read until end of file.
	 */
	for (;;) {
		size_t want = (size_t)st.st_size + 1, got = out->len - start;

		want = got < want ? want - got : 4096;
		if ((r = tc_buf_reserve(out, want)) != 0) {
			tc_seterr(
			    err, errlen, r, "%s: %s", path, tc_strerror(r));
			goto out;
		}
		n = read(fd, out->data + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len - start > max) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s grew past %zu bytes", path, max);
			goto out;
		}
	}
	out->data[out->len] = '\0';
	r = 0;
out:
	if (r != 0)
		tc_buf_truncate(out, start);
	close(fd);
	return r;
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
	    (r = tc_cbor_put_int(&pl, 1)) != 0 ||
	    (r = tc_cbor_put_int(&pl, TC_AUDIT_HEAD_VERSION)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 2)) != 0 ||
	    (r = tc_cbor_put_int(&pl, head->seq)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 3)) != 0 ||
	    (r = tc_cbor_put_str(
		 &pl, TC_CBOR_BSTR, head->mac, sizeof(head->mac))) != 0 ||
	    (r = tc_cbor_put_int(&pl, 4)) != 0 ||
	    (r = tc_cbor_put_int(&pl, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 5)) != 0 ||
	    (r = tc_cbor_put_head(&pl, TC_CBOR_UINT, publish_seq)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 6)) != 0 ||
	    (r = tc_cbor_put_str(&pl, TC_CBOR_TSTR, TC_AUDIT_HEAD_KIND,
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

int
tc_audit_head_decode(const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_audit_head_info *out, char *err, size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_audit_head_info info;
	struct tc_cbor_rd rd;
	const uint8_t *p;
	uint64_t n, v;
	size_t at, plen;
	int r = TC_ERR_INTERNAL;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || (data == NULL && len > 0) || trust == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "audit head: missing argument");
	if (len > TC_AUDIT_HEAD_SIG_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s of %zu bytes; at most %u accepted",
		    TC_BUNDLE_AUDIT_HEAD, len, TC_AUDIT_HEAD_SIG_MAX);
	memset(&info, 0, sizeof(info));
	tc_cose_sign1_init(&msg);
	/* The signature first: no payload byte is read before it verifies. */
	if ((r = tc_cose_sign1_decode(&msg, data, len, err, errlen)) != 0 ||
	    (r = tc_cose_sign1_verify_keyring(
		 &msg, trust, NULL, err, errlen)) != 0)
		goto out;
	tc_cbor_rd_init(
	    &rd, msg.payload.data, msg.payload.len, "audit head", err, errlen);
	if ((r = tc_cbor_expect(&rd, TC_CBOR_MAP, "head", &n, &at)) != 0)
		goto out;
	if (n != AUDIT_HEAD_KEYS) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head: a map of %llu entries (%d expected)",
		    (unsigned long long)n, AUDIT_HEAD_KEYS);
		goto out;
	}
	if ((r = head_key(&rd, 1)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "version", &v)) != 0)
		goto out;
	if (v != TC_AUDIT_HEAD_VERSION) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "audit head version %llu; this program reads %d",
		    (unsigned long long)v, TC_AUDIT_HEAD_VERSION);
		goto out;
	}
	at = rd.c.off;
	if ((r = head_key(&rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "audit sequence number", &v)) != 0)
		goto out;
	if (v < 1 || v > (uint64_t)INT64_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "audit head byte %zu: audit sequence number %llu is not 1..%lld",
		    at, (unsigned long long)v, (long long)INT64_MAX);
		goto out;
	}
	info.head.seq = (int64_t)v;
	at = rd.c.off;
	if ((r = head_key(&rd, 3)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_BSTR, "audit mac",
		 TC_AUDIT_MAC_LEN, &p, &plen)) != 0)
		goto out;
	if (plen != TC_AUDIT_MAC_LEN) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head byte %zu: an audit mac of %zu bytes (%d expected)",
		    at, plen, TC_AUDIT_MAC_LEN);
		goto out;
	}
	memcpy(info.head.mac, p, TC_AUDIT_MAC_LEN);
	at = rd.c.off;
	if ((r = head_key(&rd, 4)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "issued-at", &v)) != 0)
		goto out;
	if (v > (uint64_t)INT64_MAX / 2) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "audit head byte %zu: issued-at out of range", at);
		goto out;
	}
	info.issued_at = (time_t)v;
	at = rd.c.off;
	if ((r = head_key(&rd, 5)) != 0 ||
	    (r = tc_cbor_get_uint(
		 &rd, "publish sequence number", &info.publish_seq)) != 0)
		goto out;
	if (info.publish_seq < 1) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "audit head byte %zu: publish sequence number 0", at);
		goto out;
	}
	at = rd.c.off;
	if ((r = head_key(&rd, 6)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_TSTR, "kind", 64, &p, &plen)) !=
		0)
		goto out;
	if (plen != strlen(TC_AUDIT_HEAD_KIND) ||
	    memcmp(p, TC_AUDIT_HEAD_KIND, plen) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "audit head byte %zu: kind is not \"%s\"", at,
		    TC_AUDIT_HEAD_KIND);
		goto out;
	}
	if (tc_cursor_left(&rd.c) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "audit head: %zu bytes after the map",
		    tc_cursor_left(&rd.c));
		goto out;
	}
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
