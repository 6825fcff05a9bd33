/* SPDX-License-Identifier: MIT */
/*
 * HTTPS of the daemon layer: the certificate and key (tls-cert, tls-key),
 * served to libmicrohttpd's GnuTLS through a certificate callback
 * (MHD_OPTION_HTTPS_CERT_CALLBACK) rather than loaded into it once, so
 * that SIGHUP can replace them without a restart: new connections get the
 * new pair, connections already open keep the one they started with.
 * Only TLS 1.3 and 1.2 are offered (TC_DTLS_PRIORITIES).
 *
 * A pair handed to a handshake must outlive it, and GnuTLS does not say
 * when it is done with it, so a replaced pair is retired, not freed: it
 * is freed when every connection that was open when it was replaced has
 * closed (connections are counted by the connection callback of
 * daemon/http.c, which runs before a connection's first byte). The state
 * is a struct tc_dtls of the daemon. The pair comes from the files of
 * tls-cert and tls-key, or as PEM bytes from the daemon itself
 * (tc_daemon_tls_pem: tcard-issuerd's web worker gets them from its
 * monitor and opens no file). Reference: docs/verifierd.md (TLS).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "tcard/buf.h"
#include "tcard/file.h"
#include "daemon-int.h"

#define CHAIN_MAX   16		  /* certificates in tls-cert */
#define SERIAL_MAX  20		  /* bytes of a serial (RFC 5280 4.1.2.2) */
#define REVOKED_MAX 100000	  /* serials in a revocation list */
#define PEM_MAX	    (1024 * 1024) /* bytes of either file */

/* A certificate chain and its key, as handed to GnuTLS. */
struct tc_dcreds {
	gnutls_pcert_st pcert[CHAIN_MAX];
	unsigned n;
	gnutls_privkey_t key;
	/* Once retired: connections still open that may hold it. */
	unsigned long pending;
	uint64_t retired_in; /* the epoch that replaced it */
	struct tc_dcreds *next;
};

/*
 * What client certificates are checked against: the CA (a trust list)
 * and the revoked serials (without leading zero bytes).
 */
struct tc_dclient {
	gnutls_x509_trust_list_t tl;
	struct serial {
		uint8_t b[SERIAL_MAX];
		size_t n;
	} * revoked;
	size_t nrevoked;
};

/*
 * The credentials the certificate callback serves: GnuTLS's callback has
 * no argument of ours, so the one TLS state in service (one HTTPS daemon
 * per process) is found here, set when the daemon starts.
 */
static struct tc_dtls *serving;

void
tc_dtls_init(struct tc_dtls *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->mu, NULL);
}

static void
creds_free(struct tc_dcreds *c)
{
	unsigned i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		gnutls_pcert_deinit(&c->pcert[i]);
	if (c->key != NULL)
		gnutls_privkey_deinit(c->key);
	free(c);
}

/*
 * Reads a PEM file (not through a symbolic link); the key must give group
 * and others no access.
 */
static int
read_pem(
    const char *path, int secret, struct tc_buf *out, char *err, size_t errlen)
{
	tc_buf_init(out, PEM_MAX);
	return tc_file_read(path, NULL, PEM_MAX,
	    TC_FILE_NOFOLLOW | (secret ? TC_FILE_SECRET : 0), out, err, errlen);
}

/*
 * Checks a pair of PEM texts and makes credentials of them; cname and
 * kname say where they came from in messages. The texts stay the
 * caller's (GnuTLS copies what it keeps).
 */
static int
creds_from_pem(struct tc_dcreds **out, const gnutls_datum_t *cd,
    const gnutls_datum_t *kd, const char *cname, const char *kname, char *err,
    size_t errlen)
{
	gnutls_certificate_credentials_t check = NULL;
	struct tc_dcreds *c = NULL;
	int r = -1, g;

	*out = NULL;
	/* GnuTLS's own check that the key is the certificate's. */
	if ((g = gnutls_certificate_allocate_credentials(&check)) < 0 ||
	    (g = gnutls_certificate_set_x509_key_mem(
		 check, cd, kd, GNUTLS_X509_FMT_PEM)) < 0) {
		tc_daemon_err(err, errlen, "%s, %s: %s", cname, kname,
		    gnutls_strerror(g));
		goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		tc_daemon_err(err, errlen, "%s", "out of memory");
		goto out;
	}
	c->n = CHAIN_MAX;
	if ((g = gnutls_pcert_list_import_x509_raw(
		 c->pcert, &c->n, cd, GNUTLS_X509_FMT_PEM, 0)) < 0) {
		c->n = 0;
		tc_daemon_err(err, errlen, "%s: %s", cname, gnutls_strerror(g));
		goto out;
	}
	if ((g = gnutls_privkey_init(&c->key)) < 0 ||
	    (g = gnutls_privkey_import_x509_raw(
		 c->key, kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		tc_daemon_err(err, errlen, "%s: %s", kname, gnutls_strerror(g));
		goto out;
	}
	*out = c;
	c = NULL; /* transferred */
	r = 0;
out:
	if (check != NULL)
		gnutls_certificate_free_credentials(check);
	creds_free(c);
	return r;
}

/* Loads and checks the configured pair into *out. */
static int
creds_load(struct tc_dcreds **out, const char *cpath, const char *kpath,
    char *err, size_t errlen)
{
	struct tc_buf cert, key;
	gnutls_datum_t cd, kd;
	int r = -1;

	*out = NULL;
	tc_buf_init(&cert, 1);
	tc_buf_init(&key, 1);
	if (read_pem(cpath, 0, &cert, err, errlen) != 0 ||
	    read_pem(kpath, 1, &key, err, errlen) != 0)
		goto out;
	cd = (gnutls_datum_t){ cert.data, (unsigned)cert.len };
	kd = (gnutls_datum_t){ key.data, (unsigned)key.len };
	r = creds_from_pem(out, &cd, &kd, cpath, kpath, err, errlen);
out:
	tc_buf_release(&cert);
	tc_buf_release(&key); /* wiped */
	return r;
}

/* A pair handed over as PEM bytes (tc_daemon_tls_pem). */
static int
creds_mem(struct tc_dcreds **out, const void *cert, size_t clen,
    const void *key, size_t klen, char *err, size_t errlen)
{
	gnutls_datum_t cd, kd;

	*out = NULL;
	if (cert == NULL || key == NULL || clen == 0 || klen == 0 ||
	    clen > PEM_MAX || klen > PEM_MAX) {
		tc_daemon_err(err, errlen,
		    "the TLS certificate (%zu bytes) or key (%zu bytes) is empty or over %u bytes",
		    clen, klen, PEM_MAX);
		return -1;
	}
	cd = (gnutls_datum_t){ (unsigned char *)(uintptr_t)cert,
		(unsigned)clen };
	kd =
	    (gnutls_datum_t){ (unsigned char *)(uintptr_t)key, (unsigned)klen };
	return creds_from_pem(
	    out, &cd, &kd, "the TLS certificate", "the TLS key", err, errlen);
}

int
tc_dtls_load(struct tc_dtls *t, const char *cert, const char *key, char *err,
    size_t errlen)
{
	struct tc_dcreds *c;

	if (creds_load(&c, cert, key, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&t->mu);
	creds_free(t->cur);
	t->cur = c;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

/*
 * GnuTLS asks for the server's chain and key during a handshake. They stay
 * ours: GnuTLS neither frees nor changes them.
 */
static int
cert_cb(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
    const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
    unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
	struct tc_dtls *t = serving;
	int r = -1;

	if (t == NULL)
		return -1;
	pthread_mutex_lock(&t->mu);
	/*
	 * Called while GnuTLS reads the ClientHello, before it writes its
	 * CertificateRequest (TLS 1.2 and 1.3): asked here, the request
	 * follows the client CA set now, also after a reload.
	 */
	if (t->client != NULL)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
	if (t->cur != NULL) {
		*pcert = t->cur->pcert;
		*pcert_length = t->cur->n;
		*pkey = t->cur->key;
		r = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return r;
}

int
tc_dtls_options(struct tc_dtls *t, struct MHD_OptionItem *opts)
{
	serving = t;
	opts[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_CERT_CALLBACK, 0,
		(void *)(uintptr_t)cert_cb };
	opts[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
		(void *)(uintptr_t)TC_DTLS_PRIORITIES };
	return 2;
}

/* Makes c the pair new handshakes get; the one it replaces is retired. */
static void
install(struct tc_dtls *t, struct tc_dcreds *c)
{
	pthread_mutex_lock(&t->mu);
	t->epoch++;
	if (t->cur != NULL) {
		/* Every connection open now may hold it. */
		t->cur->retired_in = t->epoch;
		t->cur->pending = t->live;
		if (t->live == 0 && !t->never_free)
			creds_free(t->cur);
		else {
			t->cur->next = t->retired;
			t->retired = t->cur;
		}
	}
	t->cur = c;
	pthread_mutex_unlock(&t->mu);
}

int
tc_dtls_reload(struct tc_dtls *t, const char *cert, const char *key, char *err,
    size_t errlen)
{
	struct tc_dcreds *c;

	if (creds_load(&c, cert, key, err, errlen) != 0)
		return -1;
	install(t, c);
	return 0;
}

int
tc_daemon_tls_pem(struct tc_daemon *d, const void *cert, size_t clen,
    const void *key, size_t klen, char *err, size_t errlen)
{
	struct tc_dcreds *c;

	if (d->mhd != NULL && !d->tls_on) {
		tc_daemon_err(err, errlen, "%s",
		    "the daemon serves plain HTTP: a TLS pair cannot be added while it runs");
		return -1;
	}
	if (creds_mem(&c, cert, clen, key, klen, err, errlen) != 0)
		return -1;
	install(&d->tls, c);
	return 0;
}

uint64_t
tc_dtls_conn_started(struct tc_dtls *t)
{
	uint64_t e;

	pthread_mutex_lock(&t->mu);
	t->live++;
	e = t->epoch;
	pthread_mutex_unlock(&t->mu);
	return e;
}

void
tc_dtls_conn_closed(struct tc_dtls *t, uint64_t started_in)
{
	struct tc_dcreds **pp, *c;

	pthread_mutex_lock(&t->mu);
	t->live--;
	for (pp = &t->retired; (c = *pp) != NULL;) {
		/* It was open when c was replaced: one fewer may hold c. */
		if (started_in < c->retired_in && c->pending > 0)
			c->pending--;
		if (c->pending == 0 && !t->never_free) {
			*pp = c->next;
			creds_free(c);
		} else
			pp = &c->next;
	}
	pthread_mutex_unlock(&t->mu);
}

void
tc_dtls_conn_untracked(struct tc_dtls *t)
{
	pthread_mutex_lock(&t->mu);
	t->never_free = 1;
	pthread_mutex_unlock(&t->mu);
}

static void
client_free(struct tc_dclient *c)
{
	if (c == NULL)
		return;
	if (c->tl != NULL)
		gnutls_x509_trust_list_deinit(c->tl, 1);
	free(c->revoked);
	free(c);
}

/* One serial in hex ("serial=" and ':' allowed) into *out; 0 or -1. */
static int
serial_parse(const char *s, size_t n, struct serial *out)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	size_t i, nd = 0, at = 0;
	uint8_t digits[2 * SERIAL_MAX];
	const char *p;

	if (n >= 7 && strncmp(s, "serial=", 7) == 0) {
		s += 7;
		n -= 7;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			continue;
		if ((p = memchr(hex, s[i], sizeof(hex) - 1)) == NULL ||
		    nd == sizeof(digits))
			return -1;
		digits[nd++] = (uint8_t)((p - hex) % 16);
	}
	if (nd == 0)
		return -1;
	/* An odd count has a leading zero left out. */
	memset(out, 0, sizeof(*out));
	i = 0;
	if (nd % 2 == 1)
		out->b[at++] = digits[i++];
	for (; i < nd; i += 2)
		out->b[at++] = (uint8_t)(digits[i] << 4 | digits[i + 1]);
	out->n = at;
	/* Compared without leading zero bytes. */
	for (i = 0; i + 1 < out->n && out->b[i] == 0; i++)
		;
	memmove(out->b, out->b + i, out->n - i);
	out->n -= i;
	return 0;
}

/* The revoked serials of text (len bytes) into c. */
static int
revoked_parse(struct tc_dclient *c, const char *text, size_t len, char *err,
    size_t errlen)
{
	size_t at = 0, line = 0, n, a, b;
	const char *s, *nl;

	while (at < len) {
		line++;
		s = text + at;
		nl = memchr(s, '\n', len - at);
		n = nl != NULL ? (size_t)(nl - s) : len - at;
		at += n + (nl != NULL);
		for (a = 0; a < n && (s[a] == ' ' || s[a] == '\t'); a++)
			;
		for (b = a; b < n && s[b] != '#'; b++)
			;
		while (b > a &&
		    (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (b == a)
			continue;
		if (c->nrevoked == REVOKED_MAX) {
			tc_daemon_err(err, errlen,
			    "the revoked station certificates: over %d serials",
			    REVOKED_MAX);
			return -1;
		}
		if (c->nrevoked % 64 == 0) {
			struct serial *m = realloc(c->revoked,
			    (c->nrevoked + 64) * sizeof(*c->revoked));

			if (m == NULL) {
				tc_daemon_err(
				    err, errlen, "%s", "out of memory");
				return -1;
			}
			c->revoked = m;
		}
		if (serial_parse(s + a, b - a, &c->revoked[c->nrevoked]) != 0) {
			tc_daemon_err(err, errlen,
			    "the revoked station certificates: line %zu: not a serial number in hex (at most %d bytes)",
			    line, SERIAL_MAX);
			return -1;
		}
		c->nrevoked++;
	}
	return 0;
}

int
tc_daemon_tls_client_ca(struct tc_daemon *d, const void *ca, size_t calen,
    const char *revoked, size_t rlen, char *err, size_t errlen)
{
	struct tc_dclient *c = NULL, *old;
	gnutls_datum_t cd;
	int g;

	if (ca != NULL) {
		if (calen == 0 || calen > PEM_MAX) {
			tc_daemon_err(err, errlen,
			    "the client CA is empty or over %u bytes", PEM_MAX);
			return -1;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			tc_daemon_err(err, errlen, "%s", "out of memory");
			return -1;
		}
		cd = (gnutls_datum_t){ (unsigned char *)(uintptr_t)ca,
			(unsigned)calen };
		if ((g = gnutls_x509_trust_list_init(&c->tl, 0)) < 0 ||
		    (g = gnutls_x509_trust_list_add_trust_mem(
			 c->tl, &cd, NULL, GNUTLS_X509_FMT_PEM, 0, 0)) <= 0) {
			tc_daemon_err(err, errlen, "the client CA: %s",
			    g < 0 ? gnutls_strerror(g) : "no certificate");
			client_free(c);
			return -1;
		}
		if (revoked != NULL &&
		    revoked_parse(c, revoked, rlen, err, errlen) != 0) {
			client_free(c);
			return -1;
		}
	}
	pthread_mutex_lock(&d->tls.mu);
	old = d->tls.client;
	d->tls.client = c;
	pthread_mutex_unlock(&d->tls.mu);
	client_free(old);
	return 0;
}

/* 1 when crt's serial is in c's revoked list. */
static int
is_revoked(const struct tc_dclient *c, gnutls_x509_crt_t crt)
{
	uint8_t b[64];
	size_t n = sizeof(b), i = 0, k;

	if (gnutls_x509_crt_get_serial(crt, b, &n) < 0)
		return 1; /* no serial to check: not taken */
	while (i + 1 < n && b[i] == 0)
		i++;
	for (k = 0; k < c->nrevoked; k++)
		if (c->revoked[k].n == n - i &&
		    memcmp(c->revoked[k].b, b + i, n - i) == 0)
			return 1;
	return 0;
}

/* Checks chain (n certificates, the client's first) against c. */
static int
client_check(const struct tc_dclient *c, gnutls_x509_crt_t *chain, unsigned n,
    char *err, size_t errlen)
{
	gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID,
		(unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
	gnutls_datum_t why = { NULL, 0 };
	unsigned status = 0;
	int g;

	if ((g = gnutls_x509_trust_list_verify_crt2(
		 c->tl, chain, n, &purpose, 1, 0, &status, NULL)) < 0) {
		tc_daemon_err(err, errlen, "the client certificate: %s",
		    gnutls_strerror(g));
		return -1;
	}
	if (status & GNUTLS_CERT_EXPIRED) {
		tc_daemon_err(
		    err, errlen, "%s", "the client certificate has expired");
		return -1;
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		tc_daemon_err(err, errlen, "%s",
		    "the client certificate is not valid yet");
		return -1;
	}
	if (status != 0) {
		if (gnutls_certificate_verification_status_print(
			status, GNUTLS_CRT_X509, &why, 0) < 0)
			why.data = NULL;
		tc_daemon_err(err, errlen,
		    "the client certificate is not one of the client CA: %s",
		    why.data != NULL ? (const char *)why.data : "refused");
		gnutls_free(why.data);
		return -1;
	}
	if (is_revoked(c, chain[0])) {
		tc_daemon_err(
		    err, errlen, "%s", "the client certificate is revoked");
		return -1;
	}
	return 0;
}

int
tc_dreq_client_cert(
    const struct tc_dreq *rq, char *cn, size_t cnlen, char *err, size_t errlen)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *peers;
	gnutls_x509_crt_t chain[CHAIN_MAX];
	unsigned n = 0, i, k = 0;
	size_t len = cnlen;
	struct tc_dtls *t = &rq->d->tls;
	int r = -1;

	if (cnlen > 0)
		cn[0] = '\0';
	if (!rq->d->tls_on) {
		tc_daemon_err(err, errlen, "%s",
		    "plain HTTP: a client certificate needs HTTPS");
		return -1;
	}
	ci = MHD_get_connection_info(
	    rq->mhd, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL ||
	    (peers = gnutls_certificate_get_peers(ci->tls_session, &n)) ==
		NULL ||
	    n == 0) {
		tc_daemon_err(err, errlen, "%s", "no client certificate");
		return -1;
	}
	if (n > CHAIN_MAX)
		n = CHAIN_MAX;
	for (k = 0; k < n; k++) {
		if (gnutls_x509_crt_init(&chain[k]) < 0)
			goto bad;
		if (gnutls_x509_crt_import(
			chain[k], &peers[k], GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(chain[k]);
			goto bad;
		}
	}
	pthread_mutex_lock(&t->mu);
	if (t->client == NULL)
		tc_daemon_err(
		    err, errlen, "%s", "no client certificate is trusted here");
	else
		r = client_check(t->client, chain, n, err, errlen);
	pthread_mutex_unlock(&t->mu);
	if (r == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(
		chain[0], GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &len) < 0) {
		tc_daemon_err(err, errlen, "%s",
		    "the client certificate has no common name (or a long one)");
		if (cnlen > 0)
			cn[0] = '\0';
		r = -1;
	}
	goto out;
bad:
	tc_daemon_err(
	    err, errlen, "%s", "the client certificate does not decode");
out:
	for (i = 0; i < k; i++)
		gnutls_x509_crt_deinit(chain[i]);
	return r;
}

void
tc_dtls_shutdown(struct tc_dtls *t)
{
	struct tc_dcreds *c;

	pthread_mutex_lock(&t->mu);
	while ((c = t->retired) != NULL) {
		t->retired = c->next;
		creds_free(c);
	}
	creds_free(t->cur);
	t->cur = NULL;
	client_free(t->client);
	t->client = NULL;
	pthread_mutex_unlock(&t->mu);
	if (serving == t)
		serving = NULL;
}
