/* SPDX-License-Identifier: MIT */
/*
 * The emulated card's memory: a JSON file (format tcard-vcard-state/1)
 * written through a temporary file and a rename after every command that
 * changes it, so a card pulled (the process killed) between two commands
 * keeps exactly what the card had acknowledged; keys are hex, the private
 * key PKCS#8 DER in hex. The file is the emulator's own, but it is still
 * read with a size cap and every field checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/piv.h"
#include "tcard/tcapp.h"
#include "vcard.h"

void
vcard_state_init(struct vcard_state *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	tc_buf_init(&st->cred, 65536);
	for (i = 0; i < VCARD_OBJECTS_MAX; i++)
		tc_buf_init(&st->obj[i].data, 65536);
}

void
vcard_state_release(struct vcard_state *st)
{
	size_t i;

	EVP_PKEY_free(st->key);
	tc_buf_release(&st->cred);
	for (i = 0; i < VCARD_OBJECTS_MAX; i++)
		tc_buf_release(&st->obj[i].data);
	OPENSSL_cleanse(st, sizeof(*st));
}

struct vcard_object *
vcard_object(struct vcard_state *st, uint32_t tag)
{
	size_t i;

	for (i = 0; i < st->nobj; i++)
		if (st->obj[i].tag == tag)
			return &st->obj[i];
	return NULL;
}

int
vcard_object_set(
    struct vcard_state *st, uint32_t tag, const uint8_t *p, size_t n)
{
	struct vcard_object *o = vcard_object(st, tag);

	if (o == NULL) {
		if (st->nobj == VCARD_OBJECTS_MAX)
			return TC_ERR_TOO_LARGE;
		o = &st->obj[st->nobj++];
		o->tag = tag;
	}
	tc_buf_reset(&o->data);
	return tc_buf_put(&o->data, p, n);
}

int
vcard_keygen(int alg, EVP_PKEY **out)
{
	*out = alg == TC_TCAPP_ALG_SM2
	    ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
	    : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ERR_clear_error();
	return *out != NULL ? 0 : TC_ERR_CRYPTO;
}

int
vcard_point(EVP_PKEY *k, uint8_t pt[65])
{
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(
		k, OSSL_PKEY_PARAM_PUB_KEY, pt, 65, &n) != 1 ||
	    n != 65) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	return 0;
}

int
vcard_state_factory(struct vcard_state *st, const struct tc_profile *p,
    char *err, size_t errlen)
{
	const struct tc_profile_key *k;
	struct tc_buf b;
	int r;

	snprintf(st->profile, sizeof(st->profile), "%s", p->name);
	st->uid_len = p->uid_len;
	if (RAND_bytes(st->uid, (int)st->uid_len) != 1)
		return TC_ERR_CRYPTO;
	if (p->platform == TC_PLATFORM_TCARD) {
		k = tc_profile_key(p, "secure-channel");
		st->t_state = TC_TCAPP_STATE_PERSO;
		st->kvn = k->factory_version;
		memcpy(st->keys.enc, k->factory_key, 16);
		memcpy(st->keys.mac, k->factory_key, 16);
		return 0;
	}
	k = tc_profile_key(p, "management");
	st->mgmt_alg = k->factory_alg;
	st->mgmt_len = k->factory_key_len;
	memcpy(st->mgmt_key, k->factory_key, k->factory_key_len);
	tc_buf_init(&b, 4096);
	if ((r = tc_piv_build_chuid(&b, st->uid, "20991231")) != 0 ||
	    (r = vcard_object_set(st, TC_PIV_TAG_CHUID, b.data, b.len)) != 0)
		goto out;
	tc_buf_reset(&b);
	if ((r = tc_piv_build_ccc(&b, st->uid)) != 0 ||
	    (r = vcard_object_set(st, TC_PIV_TAG_CCC, b.data, b.len)) != 0)
		goto out;
out:
	tc_buf_release(&b);
	if (r != 0)
		tc_seterr(err, errlen, r, "cannot make the factory objects");
	return r;
}

static int
put_hex(json_t *o, const char *key, const uint8_t *p, size_t n)
{
	char *h;
	int r;

	if ((h = malloc(2 * n + 1)) == NULL)
		return -1;
	tc_hex_encode(p, n, h);
	r = json_object_set_new(o, key, json_string(h));
	OPENSSL_cleanse(h, 2 * n);
	free(h);
	return r;
}

int
vcard_state_save(
    const struct vcard_state *st, const char *path, char *err, size_t errlen)
{
	json_t *root, *t, *objs;
	unsigned char *der = NULL;
	char tmp[4200], tag[8], *text = NULL;
	size_t i, len;
	int n, fd, r = TC_ERR_NOMEM;
	ssize_t w;

	root = json_object();
	json_object_set_new(root, "format", json_string(VCARD_STATE_FORMAT));
	json_object_set_new(root, "profile", json_string(st->profile));
	put_hex(root, "uid", st->uid, st->uid_len);
	if (st->key != NULL) {
		if ((n = i2d_PrivateKey(st->key, &der)) <= 0)
			goto out;
		put_hex(root, "key", der, (size_t)n);
		OPENSSL_clear_free(der, (size_t)n);
		der = NULL;
	}
	t = json_object();
	json_object_set_new(t, "state", json_integer(st->t_state));
	json_object_set_new(t, "kvn", json_integer(st->kvn));
	put_hex(t, "k_enc", st->keys.enc, 16);
	put_hex(t, "k_mac", st->keys.mac, 16);
	json_object_set_new(t, "key_alg", json_integer(st->key_alg));
	put_hex(t, "credential", st->cred.data, st->cred.len);
	json_object_set_new(
	    t, "auth_failures", json_integer(st->auth_failures));
	json_object_set_new(root, "tcard", t);
	t = json_object();
	json_object_set_new(
	    t, "mgmt_alg", json_integer((json_int_t)st->mgmt_alg));
	put_hex(t, "mgmt_key", st->mgmt_key, st->mgmt_len);
	objs = json_object();
	for (i = 0; i < st->nobj; i++) {
		snprintf(tag, sizeof(tag), "%06X", st->obj[i].tag);
		put_hex(objs, tag, st->obj[i].data.data, st->obj[i].data.len);
	}
	json_object_set_new(t, "objects", objs);
	json_object_set_new(root, "piv", t);
	if ((text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS)) == NULL)
		goto out;
	len = strlen(text);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		r = TC_ERR_INVALID_ARG;
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	for (i = 0; i < len; i += (size_t)w)
		if ((w = write(fd, text + i, len - i)) <= 0) {
			close(fd);
			unlink(tmp);
			r = tc_seterr(err, errlen, TC_ERR_IO, "%s: %s", tmp,
			    strerror(errno));
			goto out;
		}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	json_decref(root);
	ERR_clear_error();
	return r;
}

/* Hex field key of o into dst (min..max bytes). */
static int
get_hex(
    json_t *o, const char *key, uint8_t *dst, size_t min, size_t max, size_t *n)
{
	json_t *v = json_object_get(o, key);
	size_t len;

	if (!json_is_string(v))
		return TC_ERR_MALFORMED;
	len = json_string_length(v);
	if (len % 2 != 0 || len / 2 < min || len / 2 > max ||
	    tc_hex_decode(json_string_value(v), len, dst, len / 2, NULL) != 0)
		return TC_ERR_MALFORMED;
	*n = len / 2;
	return 0;
}

static int
get_int(json_t *o, const char *key, long long min, long long max, int *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return TC_ERR_MALFORMED;
	*out = (int)json_integer_value(v);
	return 0;
}

int
vcard_state_load(
    struct vcard_state *st, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = NULL, *t, *p, *v;
	uint8_t *buf = NULL;
	const unsigned char *q;
	const char *key;
	size_t n;
	unsigned long tag;
	int r = TC_ERR_MALFORMED, alg = 0;
	struct stat sb;

	if (stat(path, &sb) != 0)
		return errno == ENOENT ? TC_ERR_NOT_FOUND
				       : tc_seterr(err, errlen, TC_ERR_IO,
					     "%s: %s", path, strerror(errno));
	if (sb.st_size > VCARD_STATE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: over %d bytes", path, VCARD_STATE_MAX);
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "%s: %s", path, je.text);
	if ((buf = malloc(65536)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), VCARD_STATE_FORMAT) != 0)
		goto bad;
	v = json_object_get(root, "profile");
	if (!json_is_string(v) || json_string_length(v) >= sizeof(st->profile))
		goto bad;
	snprintf(st->profile, sizeof(st->profile), "%s", json_string_value(v));
	if (get_hex(root, "uid", st->uid, 4, 16, &st->uid_len) != 0)
		goto bad;
	t = json_object_get(root, "tcard");
	p = json_object_get(root, "piv");
	if (!json_is_object(t) || !json_is_object(p))
		goto bad;
	if (get_int(t, "state", 0, 2, &st->t_state) != 0 ||
	    get_int(t, "kvn", 0, 255, &st->kvn) != 0 ||
	    get_hex(t, "k_enc", st->keys.enc, 16, 16, &n) != 0 ||
	    get_hex(t, "k_mac", st->keys.mac, 16, 16, &n) != 0 ||
	    get_int(t, "key_alg", 0, 2, &st->key_alg) != 0 ||
	    get_int(t, "auth_failures", 0, 1000, &st->auth_failures) != 0 ||
	    get_hex(t, "credential", buf, 0, 65535, &n) != 0 ||
	    tc_buf_put(&st->cred, buf, n) != 0)
		goto bad;
	if (get_int(p, "mgmt_alg", 0, 15, &alg) != 0 ||
	    get_hex(p, "mgmt_key", st->mgmt_key, 0, 24, &st->mgmt_len) != 0)
		goto bad;
	st->mgmt_alg = (unsigned)alg;
	v = json_object_get(p, "objects");
	if (!json_is_object(v))
		goto bad;
	json_object_foreach(v, key, t)
	{
		if (strlen(key) != 6 || sscanf(key, "%6lx", &tag) != 1 ||
		    get_hex(v, key, buf, 0, 65535, &n) != 0 ||
		    vcard_object_set(st, (uint32_t)tag, buf, n) != 0)
			goto bad;
	}
	if (json_object_get(root, "key") != NULL) {
		if (get_hex(root, "key", buf, 1, 4096, &n) != 0)
			goto bad;
		q = buf;
		if ((st->key = d2i_AutoPrivateKey(NULL, &q, (long)n)) == NULL)
			goto bad;
	}
	r = 0;
	goto out;
bad:
	r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "%s: not a card state this emulator wrote", path);
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, 65536);
		free(buf);
	}
	json_decref(root);
	ERR_clear_error();
	return r;
}
