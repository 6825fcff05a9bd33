/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of everything that parses what a card answers, driven the
 * way OpenSC's fuzzer_reader.c drives its drivers: the host code runs over
 * a replay reader (tc_icc_open_replay) whose ATR and answers come from the
 * fuzz bytes. The first byte picks what runs:
 *   0 tap verification, profile auto    1 tap, tcard    2 tap, PIV
 *   3 personalisation steps on a tcard  4 personalisation steps on PIV
 *   5 the parsers directly on the bytes: command APDUs (the emulator's
 *     parser), ATR, the tcard FCI, PIV containers, CHUID, 7C and 7F49
 *     templates, INITIALIZE UPDATE answers and both sides of the secure
 *     channel's unwrapping with a fixed session;
 *   6 tcard, 7 PIV: over a replay that batches as the station relay does
 *     (answers wanted later, include/tcard/pcsc.h), the card opened with
 *     its uid (PIV: SELECT and GET DATA CHUID in one batch) and the final
 *     check of a personalisation (tc_cardapp_check_begin and _end) for a
 *     credential of FUZZ_CHECK_LEN bytes; PIV then a mutual
 *     authentication whose answer is judged later (tc_cardapp_settle).
 * The rest is the replay (ATR length, ATR, then length-prefixed answers).
 * Invariants: no crash, no leak, every failure has a terminated message,
 * a VALID tap has a signed challenge and no reason. Profiles come from the
 * source tree's firmware-profiles/ (tc_profile_dir). The credential in the
 * seeds is signed by a fixed key (fixed-key.h), so a replayed tap reaches
 * the challenge; the seeds are written by
 * `build/tests/fuzz/fuzz_cardresp --write-seeds tests/fuzz/corpus/cardresp`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "fuzz.h"
#include "tcard/apdu.h"
#include "tcard/atr.h"
#include "tcard/buf.h"
#include "tcard/cardapp.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/pcsc.h"
#include "tcard/piv.h"
#include "tcard/profile.h"
#include "tcard/scp.h"
#include "tcard/tap.h"
#include "tcard/tcapp.h"
#include "tcard/tlv.h"

#include "fixed-key.h"

/* Made-up private scalar, for this fuzz target and its corpus only. */
static const char fuzz_priv[] =
    "3c4d5e6f708192a33c4d5e6f708192a33c4d5e6f708192a33c4d5e6f708192a3";

static struct tc_profile_set profiles;
static struct tc_cose_keyring *ring;
static struct tc_cose_key *signer;
static EVP_PKEY *fixed;

static void
init(void)
{
	static int done;
	struct tc_cose_key *k;
	uint8_t kid[TC_COSE_KID_LEN];
	char err[256];

	if (done)
		return;
	done = 1;
	if (tc_profile_set_load(
		&profiles, tc_profile_dir(NULL), err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_cardresp: %s\n", err);
		abort();
	}
	fixed = fixed_key("EC", NID_X9_62_prime256v1, "prime256v1", fuzz_priv);
	if (tc_cose_kid_of_pkey(fixed, kid) != 0 ||
	    tc_cose_key_new(&signer, fixed, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_keyring_new(&ring) != 0 ||
	    tc_cose_key_new(&k, fixed, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_keyring_add(ring, k) != 0)
		abort();
}

static void
check_msg(const char *err, size_t len)
{
	CHECK(memchr(err, '\0', len) != NULL);
}

static void
run_tap(const uint8_t *data, size_t size, const char *profile)
{
	struct tc_icc *icc = NULL;
	struct tc_tap_result tr;
	char err[512] = "";
	int r;

	if (tc_icc_open_replay(&icc, data, size, err, sizeof(err)) != 0) {
		check_msg(err, sizeof(err));
		return;
	}
	r = tc_tap_verify(icc, &profiles, profile, ring, NULL, FUZZ_NOW, &tr,
	    err, sizeof(err));
	check_msg(err, sizeof(err));
	CHECK(memchr(tr.v.message, '\0', sizeof(tr.v.message)) != NULL);
	if (r == 0 && tr.v.valid)
		CHECK(tr.card_checked && tr.v.reason == NULL);
	if (r == 0 && !tr.v.valid)
		CHECK(tr.v.reason != NULL);
	CHECK(tr.apdus == tc_icc_count(icc));
	tc_icc_close(icc);
}

static void
run_perso(const uint8_t *data, size_t size, const char *profile)
{
	static const uint8_t master[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15, 16 };
	static const uint8_t blob[300] = { 0x30, 0x82 };
	struct tc_card_keys_master km;
	const struct tc_card_keys *keys = tc_card_keys_master(&km, master);
	struct tc_icc *icc = NULL;
	struct tc_cardapp app;
	char err[512] = "";
	int r;

	if (tc_icc_open_replay(&icc, data, size, err, sizeof(err)) != 0)
		return;
	if ((r = tc_cardapp_open(
		 &app, icc, &profiles, profile, 1, err, sizeof(err))) == 0) {
		CHECK(app.uid_len > 0 && app.uid_len <= sizeof(app.uid));
		if ((r = tc_cardapp_authenticate(
			 &app, keys, 0, err, sizeof(err))) == 0 &&
		    (r = tc_cardapp_rotate_keys(
			 &app, keys, err, sizeof(err))) == 0 &&
		    (r = tc_cardapp_generate_key(
			 &app, TC_COSE_ALG_ES256, err, sizeof(err))) == 0) {
			CHECK(app.card_key_len > 0 &&
			    app.card_key_len <= TC_CARDAPP_KEY_MAX);
			if (app.profile->platform == TC_PLATFORM_PIV)
				r = tc_cardapp_write_certificate(
				    &app, blob, sizeof(blob), err, sizeof(err));
			if (r == 0)
				r = tc_cardapp_write_credential(
				    &app, blob, 250, err, sizeof(err));
			if (r == 0 &&
			    app.profile->platform == TC_PLATFORM_TCARD)
				r = tc_cardapp_lock(
				    &app, blob, 250, err, sizeof(err));
		}
	}
	check_msg(err, sizeof(err));
	tc_cardapp_release(&app);
	tc_icc_close(icc);
}

/*
 * A replay that batches: commands queued (deferred, or answers wanted
 * later) run on the replay when a command needs its answer or at a
 * flush; a status word outside a command's patterns fails the batch and
 * every later call, and answers wanted later are filled only when the
 * whole batch was allowed, as src/card/relay.c does.
 */
#define FUZZ_CHECK_LEN 200
#define BQ_MAX	       16

struct bq {
	uint8_t c[TC_APDU_MAX];
	size_t n;
	struct tc_icc_sw ok[TC_ICC_SW_MAX];
	size_t n_ok;
	struct tc_buf *answer, got;
	int *filled;
};

struct breplay {
	struct tc_icc *inner;
	struct bq q[BQ_MAX];
	size_t nq;
	int dead;
};

static int
b_run(struct breplay *b, char *err, size_t errlen)
{
	size_t i, nq = b->nq;
	uint16_t sw;
	int r = 0;

	b->nq = 0;
	if (b->dead)
		return tc_seterr(err, errlen, TC_ERR_CARD, "breplay: ended");
	for (i = 0; i < nq && r == 0; i++) {
		tc_buf_reset(&b->q[i].got);
		if ((r = tc_icc_transmit(b->inner, b->q[i].c, b->q[i].n,
			 &b->q[i].got, err, errlen)) != 0)
			break;
		sw = (uint16_t)(b->q[i].got.data[b->q[i].got.len - 2] << 8 |
		    b->q[i].got.data[b->q[i].got.len - 1]);
		if (!tc_icc_sw_match(b->q[i].ok, b->q[i].n_ok, sw))
			r = tc_seterr(err, errlen, TC_ERR_BAD_SW,
			    "breplay: command %zu answered %04X", i + 1, sw);
	}
	for (i = 0; i < nq && r == 0; i++)
		if (b->q[i].answer != NULL) {
			if ((r = tc_buf_put(b->q[i].answer, b->q[i].got.data,
				 b->q[i].got.len)) != 0)
				break;
			*b->q[i].filled = 1;
		}
	if (r != 0)
		b->dead = 1;
	return r;
}

static int
b_queue(struct breplay *b, const uint8_t *cmd, size_t n,
    const struct tc_icc_sw *ok, size_t n_ok, struct tc_buf *answer, int *filled,
    char *err, size_t errlen)
{
	struct bq *e;
	int r;

	if (b->nq == BQ_MAX && (r = b_run(b, err, errlen)) != 0)
		return r;
	if (b->dead)
		return tc_seterr(err, errlen, TC_ERR_CARD, "breplay: ended");
	e = &b->q[b->nq++];
	memcpy(e->c, cmd, n);
	e->n = n;
	memcpy(e->ok, ok, n_ok * sizeof(ok[0]));
	e->n_ok = n_ok;
	e->answer = answer;
	e->filled = filled;
	return 0;
}

static int
b_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp, size_t cap,
    size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	static const struct tc_icc_sw any = { 0, 0 };
	struct breplay *b = impl;
	struct tc_buf *got;
	int r;

	(void)timeout_ms;
	*rlen = 0;
	if ((r = b_queue(b, cmd, n, &any, 1, NULL, NULL, err, errlen)) != 0)
		return r;
	got = &b->q[b->nq - 1].got;
	if ((r = b_run(b, err, errlen)) != 0)
		return r;
	if (got->len > cap)
		return TC_ERR_TOO_LARGE;
	memcpy(resp, got->data, got->len);
	*rlen = got->len;
	return 0;
}

static int
b_defer(void *impl, const uint8_t *cmd, size_t n, const struct tc_icc_sw *ok,
    size_t n_ok, int timeout_ms, char *err, size_t errlen)
{
	(void)timeout_ms;
	return b_queue(impl, cmd, n, ok, n_ok, NULL, NULL, err, errlen);
}

static int
b_later(void *impl, const uint8_t *cmd, size_t n, const struct tc_icc_sw *ok,
    size_t n_ok, struct tc_buf *answer, int *filled, int timeout_ms, char *err,
    size_t errlen)
{
	(void)timeout_ms;
	return b_queue(impl, cmd, n, ok, n_ok, answer, filled, err, errlen);
}

static int
b_flush(void *impl, int timeout_ms, char *err, size_t errlen)
{
	struct breplay *b = impl;

	(void)timeout_ms;
	return b->nq > 0 || b->dead ? b_run(b, err, errlen) : 0;
}

static void
b_close(void *impl)
{
	struct breplay *b = impl;
	size_t i;

	for (i = 0; i < BQ_MAX; i++)
		tc_buf_release(&b->q[i].got);
	tc_icc_close(b->inner);
	free(b);
}

static void
run_batched(const uint8_t *data, size_t size, const char *profile)
{
	static const struct tc_icc_ops ops = { b_exchange, b_close, b_defer,
		b_flush, b_later };
	static const uint8_t master[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15, 16 };
	struct tc_card_keys_master km;
	const struct tc_card_keys *keys = tc_card_keys_master(&km, master);
	struct tc_cardapp_check c;
	struct tc_cardapp app;
	struct tc_buf cose, sig;
	struct breplay *b;
	struct tc_icc *icc = NULL;
	const uint8_t *atr;
	char err[512] = "";
	size_t atrlen, i;
	int r;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		abort();
	for (i = 0; i < BQ_MAX; i++)
		tc_buf_init(&b->q[i].got, TC_APDU_RESP_MAX);
	if (tc_icc_open_replay(&b->inner, data, size, err, sizeof(err)) != 0) {
		check_msg(err, sizeof(err));
		b_close(b);
		tc_card_keys_master_release(&km);
		return;
	}
	atr = tc_icc_atr(b->inner, &atrlen);
	if (tc_icc_new(&icc, &ops, b, atr, atrlen, "breplay") != 0) {
		tc_card_keys_master_release(&km);
		return;
	}
	CHECK(tc_icc_batches(icc));
	memset(&app, 0, sizeof(app));
	tc_buf_init(&cose, TC_CARDAPP_CRED_MAX);
	tc_buf_init(&sig, 256);
	if ((r = tc_cardapp_open(
		 &app, icc, &profiles, profile, 1, err, sizeof(err))) == 0) {
		CHECK(app.uid_len > 0 && app.uid_len <= sizeof(app.uid));
		if ((r = tc_cardapp_check_begin(
			 &app, FUZZ_CHECK_LEN, &c, err, sizeof(err))) == 0 &&
		    (r = tc_cardapp_check_end(
			 &app, &c, &cose, &sig, err, sizeof(err))) == 0)
			CHECK(cose.len > 0 && cose.len <= TC_CARDAPP_CRED_MAX &&
			    sig.len > 0 && sig.len <= 256);
		if (app.profile->platform == TC_PLATFORM_PIV &&
		    (r = tc_cardapp_authenticate(
			 &app, keys, 0, err, sizeof(err))) == 0)
			r = tc_cardapp_settle(&app, 1, err, sizeof(err));
		if (r == 0)
			CHECK(app.n_pending == 0);
	}
	check_msg(err, sizeof(err));
	tc_buf_release(&cose);
	tc_buf_release(&sig);
	tc_cardapp_release(&app);
	tc_card_keys_master_release(&km);
	tc_icc_close(icc);
}

static void
run_parsers(const uint8_t *p, size_t n)
{
	struct tc_apdu a;
	struct tc_atr atr;
	struct tc_tcapp_fci fci;
	struct tc_scp_iu iu;
	struct tc_scp s;
	struct tc_buf out;
	const uint8_t *v;
	uint8_t guid[16];
	char err[256];
	size_t vl;
	int i;

	if (tc_apdu_parse(&a, p, n, err, sizeof(err)) == 0) {
		CHECK(a.nc <= TC_APDU_EXT_NC && a.ne <= TC_APDU_EXT_NE);
		CHECK(a.nc == 0 || (a.data >= p && a.data + a.nc <= p + n));
		tc_buf_init(&out, TC_APDU_MAX);
		/* What parses encodes again to the same bytes. */
		if (tc_apdu_encode(&out, &a, a.extended) == 0 && !a.extended)
			CHECK(out.len == n && memcmp(out.data, p, n) == 0);
		tc_buf_release(&out);
	}
	if (tc_atr_parse(&atr, p, n, err, sizeof(err)) == 0)
		CHECK(atr.nhist <= TC_ATR_HIST_MAX && n <= TC_ATR_MAX);
	if (tc_tcapp_parse_fci(&fci, p, n, err, sizeof(err)) == 0)
		CHECK(fci.aid_len >= 5 && fci.aid_len <= sizeof(fci.aid));
	if (tc_piv_container_data(p, n, &v, &vl, err, sizeof(err)) == 0)
		CHECK(v >= p && v + vl <= p + n);
	(void)tc_piv_chuid_guid(p, n, guid, err, sizeof(err));
	if (tc_piv_7c_get(p, n, 0x82, &v, &vl, err, sizeof(err)) == 0)
		CHECK(v >= p && v + vl <= p + n);
	if (tc_piv_7f49_point(p, n, &v, err, sizeof(err)) == 0)
		CHECK(v >= p && v + 65 <= p + n && v[0] == 4);
	(void)tc_scp_parse_iu(&iu, p, n, err, sizeof(err));
	/* Both sides' unwrapping with a fixed open session. */
	for (i = 0; i < 2; i++) {
		memset(&s, 0, sizeof(s));
		memset(s.s_enc, 0x11, 16);
		memset(s.s_mac, 0x22, 16);
		memset(s.s_rmac, 0x33, 16);
		s.open = 1;
		tc_buf_init(&out, TC_APDU_RESP_MAX);
		if (i == 0 && n >= 2)
			(void)tc_scp_unwrap(&s, p, n - 2,
			    (uint16_t)(p[n - 2] << 8 | p[n - 1]), &out, err,
			    sizeof(err));
		else if (i == 1 && tc_apdu_parse(&a, p, n, NULL, 0) == 0)
			(void)tc_scp_card_unwrap(&s, &a, &out);
		CHECK(out.len <= n);
		tc_buf_release(&out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte (modulo 8) picks a tap (0-2) or a personalisation
	 * (3, 4) with that profile, the parsers (5), or the batched open and
	 * final check (6, 7). */
	static const char *const profile[] = { "auto", "tcard", "piv", "tcard",
		"piv", NULL, "tcard", "piv" };
	unsigned m;

	if (size < 1)
		return 0;
	init();
	m = data[0] % 8;
	if (m < 3)
		run_tap(data + 1, size - 1, profile[m]);
	else if (m < 5)
		run_perso(data + 1, size - 1, profile[m]);
	else if (m == 5)
		run_parsers(data + 1, size - 1);
	else
		run_batched(data + 1, size - 1, profile[m]);
	return 0;
}

/* Seed corpus. */

struct seed {
	struct tc_buf b;
};

static void
seed_begin(struct seed *s, int mode, const uint8_t *atr, size_t atrlen)
{
	tc_buf_init(&s->b, 0);
	if (tc_buf_put_u8(&s->b, (uint8_t)mode) != 0 ||
	    tc_buf_put_u8(&s->b, (uint8_t)atrlen) != 0 ||
	    tc_buf_put(&s->b, atr, atrlen) != 0)
		abort();
}

/* One answer: data then sw. */
static void
seed_answer(struct seed *s, const uint8_t *p, size_t n, uint16_t sw)
{
	size_t l = n + 2;

	if (l >= 0xff) {
		if (tc_buf_put_u8(&s->b, 0xff) != 0 ||
		    tc_buf_put_u16be(&s->b, (uint16_t)l) != 0)
			abort();
	} else if (tc_buf_put_u8(&s->b, (uint8_t)l) != 0)
		abort();
	if (tc_buf_put(&s->b, p, n) != 0 || tc_buf_put_u16be(&s->b, sw) != 0)
		abort();
}

static void
seed_write(struct seed *s, const char *dir, const char *name)
{
	fuzz_put_seed(dir, name, NULL, 0, s->b.data, s->b.len);
	tc_buf_release(&s->b);
}

/* A credential for card key `fixed`, signed by `fixed` (COSE bytes). */
static void
seed_credential(struct tc_buf *cose)
{
	struct tc_claims c;
	struct tc_buf payload;
	unsigned char *der = NULL;
	int n;

	memset(&c, 0, sizeof(c));
	if (tc_cardno_make("440111", 4243, c.card_no) != 0)
		abort();
	c.programme_code = 1;
	strcpy(c.tier, "gold");
	strcpy(c.name, "\xe6\xb5\x8b\xe8\xaf\x95\xe4\xba\xba"); /* made up */
	c.issued_at = FUZZ_NOW - 86400 * 30;
	c.expires_at = FUZZ_NOW + 86400 * 365;
	if (tc_claims_bind(&c, "11010519491231002X", NULL, 0) != 0 ||
	    (n = i2d_PUBKEY(fixed, &der)) <= 0 ||
	    (size_t)n > sizeof(c.card_key))
		abort();
	memcpy(c.card_key, der, (size_t)n);
	c.card_key_len = (size_t)n;
	OPENSSL_free(der);
	tc_buf_init(&payload, 0);
	if (tc_claims_encode(&payload, &c, NULL, 0) != 0 ||
	    tc_cose_sign1_create(
		cose, signer, payload.data, payload.len, NULL, 0) != 0)
		abort();
	tc_buf_release(&payload);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	const struct tc_profile *tc, *pv;
	struct tc_tcapp_fci f;
	struct tc_buf cose, b;
	struct seed s;
	uint8_t sig[64], pt[65], guid[16];
	size_t m, n = 0, half;

	init();
	tc = tc_profile_set_find(&profiles, "tcard");
	pv = tc_profile_set_find(&profiles, "piv");
	if (tc == NULL || pv == NULL)
		abort();
	tc_buf_init(&cose, 0);
	tc_buf_init(&b, 0);
	seed_credential(&cose);
	memset(sig, 0x5a, sizeof(sig));
	memset(guid, 0x42, sizeof(guid));
	if (EVP_PKEY_get_octet_string_param(
		fixed, OSSL_PKEY_PARAM_PUB_KEY, pt, 65, &n) != 1 ||
	    n != 65)
		abort();

	/* tcard tap: FCI, READ BINARY, INTERNAL AUTHENTICATE. */
	memset(&f, 0, sizeof(f));
	memcpy(f.aid, tc->aid, tc->aid_len);
	f.aid_len = tc->aid_len;
	f.version = TC_TCAPP_VERSION;
	f.state = TC_TCAPP_STATE_OPERATIONAL;
	memset(f.uid, 0x77, sizeof(f.uid));
	f.alg = TC_TCAPP_ALG_ES256;
	f.cred_len = cose.len;
	if (tc_tcapp_build_fci(&b, &f) != 0)
		abort();
	seed_begin(&s, 1, tc->atr, tc->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	seed_answer(&s, cose.data, cose.len, TC_SW_OK);
	seed_answer(&s, sig, sizeof(sig), TC_SW_OK);
	seed_write(&s, dir, "tcard-tap");
	/* The same, auto, with READ BINARY in 61XX parts and a 6CXX. */
	seed_begin(&s, 0, tc->atr, tc->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	half = cose.len / 2;
	seed_answer(
	    &s, cose.data, half, (uint16_t)(0x6100 | (cose.len - half)));
	seed_answer(&s, cose.data + half, cose.len - half, TC_SW_OK);
	seed_answer(&s, NULL, 0, 0x6C40);
	seed_answer(&s, sig, sizeof(sig), TC_SW_OK);
	seed_write(&s, dir, "tcard-tap-chained");
	/* A blank tcard. */
	tc_buf_reset(&b);
	f.state = TC_TCAPP_STATE_PERSO;
	f.cred_len = 0;
	if (tc_tcapp_build_fci(&b, &f) != 0)
		abort();
	seed_begin(&s, 0, tc->atr, tc->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	seed_write(&s, dir, "tcard-blank");
	/* tcard personalisation: FCI, INITIALIZE UPDATE, then a refusal. */
	seed_begin(&s, 3, tc->atr, tc->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	{
		uint8_t iu[TC_SCP_IU_LEN];

		memset(iu, 0, sizeof(iu));
		memset(iu, 0x77, 8);
		iu[10] = 0xFF;
		iu[11] = TC_SCP_ID;
		memset(iu + 13, 0xA5, 16);
		seed_answer(&s, iu, sizeof(iu), TC_SW_OK);
	}
	seed_answer(&s, NULL, 0, TC_SW_SECURITY);
	seed_write(&s, dir, "tcard-perso");

	/* PIV tap: APT, GET DATA credential (61XX), GENERAL AUTHENTICATE. */
	tc_buf_reset(&b);
	if (tc_tlv_begin(&b, 0x61, &m) != 0 ||
	    tc_tlv_put(&b, 0x4F, pv->aid + 5, 6) != 0 || tc_tlv_end(&b, m) != 0)
		abort();
	seed_begin(&s, 2, pv->atr, pv->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	tc_buf_reset(&b);
	if (tc_piv_build_container(&b, cose.data, cose.len) != 0)
		abort();
	half = b.len > 200 ? 200 : b.len / 2;
	seed_answer(
	    &s, b.data, half, (uint16_t)(0x6100 | ((b.len - half) & 0xff)));
	seed_answer(&s, b.data + half, b.len - half, TC_SW_OK);
	tc_buf_reset(&b);
	{
		static const uint8_t der[8] = { 0x30, 0x06, 0x02, 0x01, 0x01,
			0x02, 0x01, 0x01 };

		if (tc_tlv_begin(&b, 0x7C, &m) != 0 ||
		    tc_tlv_put(&b, 0x82, der, sizeof(der)) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
	}
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	seed_write(&s, dir, "piv-tap");
	/* PIV personalisation: APT, CHUID, witness, refusal. */
	seed_begin(&s, 4, pv->atr, pv->atr_len);
	tc_buf_reset(&b);
	if (tc_tlv_begin(&b, 0x61, &m) != 0 ||
	    tc_tlv_put(&b, 0x4F, pv->aid + 5, 6) != 0 || tc_tlv_end(&b, m) != 0)
		abort();
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	tc_buf_reset(&b);
	if (tc_piv_build_chuid(&b, guid, "20991231") != 0)
		abort();
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	tc_buf_reset(&b);
	{
		uint8_t w[8];

		memset(w, 0x3c, sizeof(w));
		if (tc_tlv_begin(&b, 0x7C, &m) != 0 ||
		    tc_tlv_put(&b, 0x80, w, sizeof(w)) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
	}
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	seed_answer(&s, NULL, 0, TC_SW_SECURITY);
	seed_write(&s, dir, "piv-perso");

	/*
	 * Batched, tcard: FCI (open), then the final check's FCI, READ
	 * BINARY of FUZZ_CHECK_LEN bytes and the signature.
	 */
	tc_buf_reset(&b);
	f.state = TC_TCAPP_STATE_OPERATIONAL;
	f.cred_len = FUZZ_CHECK_LEN;
	if (tc_tcapp_build_fci(&b, &f) != 0)
		abort();
	seed_begin(&s, 6, tc->atr, tc->atr_len);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	seed_answer(&s, b.data, b.len, TC_SW_OK);
	{
		uint8_t cred[FUZZ_CHECK_LEN];

		memset(cred, 0xA0, sizeof(cred));
		seed_answer(&s, cred, sizeof(cred), TC_SW_OK);
		seed_answer(&s, sig, sizeof(sig), TC_SW_OK);
		seed_write(&s, dir, "tcard-batched-check");

		/*
		 * Batched, PIV: APT and CHUID (one batch), the final check's
		 * APT, credential container and signature, then a mutual
		 * authentication whose answer is wrong (judged later).
		 */
		seed_begin(&s, 7, pv->atr, pv->atr_len);
		tc_buf_reset(&b);
		if (tc_tlv_begin(&b, 0x61, &m) != 0 ||
		    tc_tlv_put(&b, 0x4F, pv->aid + 5, 6) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
		tc_buf_reset(&b);
		if (tc_piv_build_chuid(&b, guid, "20991231") != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
		tc_buf_reset(&b);
		if (tc_tlv_begin(&b, 0x61, &m) != 0 ||
		    tc_tlv_put(&b, 0x4F, pv->aid + 5, 6) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
		tc_buf_reset(&b);
		if (tc_piv_build_container(&b, cred, sizeof(cred)) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
	}
	tc_buf_reset(&b);
	{
		static const uint8_t der[8] = { 0x30, 0x06, 0x02, 0x01, 0x01,
			0x02, 0x01, 0x01 };
		uint8_t w[8];

		if (tc_tlv_begin(&b, 0x7C, &m) != 0 ||
		    tc_tlv_put(&b, 0x82, der, sizeof(der)) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
		memset(w, 0x3c, sizeof(w));
		tc_buf_reset(&b);
		if (tc_tlv_begin(&b, 0x7C, &m) != 0 ||
		    tc_tlv_put(&b, 0x80, w, sizeof(w)) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
		tc_buf_reset(&b);
		if (tc_tlv_begin(&b, 0x7C, &m) != 0 ||
		    tc_tlv_put(&b, 0x82, w, sizeof(w)) != 0 ||
		    tc_tlv_end(&b, m) != 0)
			abort();
		seed_answer(&s, b.data, b.len, TC_SW_OK);
	}
	seed_write(&s, dir, "piv-batched-check");

	/* Raw parsers: a 7F49 key, a 4E command, an ATR. */
	seed_begin(&s, 5, NULL, 0);
	tc_buf_truncate(&s.b, 1);
	tc_buf_reset(&b);
	if (tc_tlv_begin(&b, 0x7F49, &m) != 0 ||
	    tc_tlv_put(&b, 0x86, pt, 65) != 0 || tc_tlv_end(&b, m) != 0 ||
	    tc_buf_put(&s.b, b.data, b.len) != 0)
		abort();
	seed_write(&s, dir, "raw-7f49");
	{
		static const uint8_t ext[] = { 0x00, 0xDB, 0x3F, 0xFF, 0x00,
			0x00, 0x03, 0x5C, 0x01, 0x7E, 0x01, 0x00 };

		seed_begin(&s, 5, NULL, 0);
		tc_buf_truncate(&s.b, 1);
		if (tc_buf_put(&s.b, ext, sizeof(ext)) != 0)
			abort();
		seed_write(&s, dir, "raw-apdu-4e");
		seed_begin(&s, 5, NULL, 0);
		tc_buf_truncate(&s.b, 1);
		if (tc_buf_put(&s.b, tc->atr, tc->atr_len) != 0)
			abort();
		seed_write(&s, dir, "raw-atr");
	}
	tc_buf_release(&cose);
	tc_buf_release(&b);
	return 0;
}
