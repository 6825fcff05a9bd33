/* SPDX-License-Identifier: MIT */
/*
 * The local key provider (include/tcard/cardapp.h): the card master key in
 * this process, each card's keys diversified from it with the card's
 * unique id (the SCP KDF of include/tcard/scp.h). `tcard-issuer
 * personalise` uses it; tcard-issuerd's monitor answers its perso-* RPCs
 * with it once it has checked that the chip is the job's.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "tcard/cardapp.h"
#include "tcard/err.h"
#include "tcard/scp.h"

static int
master_scp_session(void *ctx, const struct tc_cardapp *app,
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN],
    const struct tc_scp_iu *iu, struct tc_scp_session *out, char *err,
    size_t errlen)
{
	const struct tc_card_keys_master *m = ctx;
	struct tc_scp_keys keys;
	int r;

	if ((r = tc_scp_diversify(m->master, app->uid, app->uid_len, &keys)) ==
	    0)
		r = tc_scp_session_keys(
		    &keys, host_challenge, iu, out, err, errlen);
	OPENSSL_cleanse(&keys, sizeof(keys));
	return r;
}

static int
master_scp_put_key(void *ctx, const struct tc_cardapp *app,
    uint8_t data[TC_CARD_PUT_KEY_LEN], char *err, size_t errlen)
{
	const struct tc_card_keys_master *m = ctx;
	struct tc_scp_keys keys;
	uint8_t *kcv = data + 2 * TC_SCP_KEY_LEN;
	int r;

	(void)err;
	(void)errlen;
	if ((r = tc_scp_diversify(m->master, app->uid, app->uid_len, &keys)) ==
		0 &&
	    (r = tc_scp_kcv(keys.enc, kcv)) == 0 &&
	    (r = tc_scp_kcv(keys.mac, kcv + TC_SCP_KCV_LEN)) == 0) {
		memcpy(data, keys.enc, TC_SCP_KEY_LEN);
		memcpy(data + TC_SCP_KEY_LEN, keys.mac, TC_SCP_KEY_LEN);
	}
	OPENSSL_cleanse(&keys, sizeof(keys));
	return r;
}

static int
master_piv_mgmt_key(void *ctx, const struct tc_cardapp *app, uint8_t key[16],
    char *err, size_t errlen)
{
	const struct tc_card_keys_master *m = ctx;

	(void)err;
	(void)errlen;
	return tc_cardapp_piv_mgmt_key(m->master, app->uid, app->uid_len, key);
}

const struct tc_card_keys *
tc_card_keys_master(
    struct tc_card_keys_master *m, const uint8_t master[TC_SCP_KEY_LEN])
{
	m->kp.ctx = m;
	m->kp.scp_session = master_scp_session;
	m->kp.scp_put_key = master_scp_put_key;
	m->kp.piv_mgmt_key = master_piv_mgmt_key;
	memcpy(m->master, master, TC_SCP_KEY_LEN);
	return &m->kp;
}

void
tc_card_keys_master_release(struct tc_card_keys_master *m)
{
	if (m != NULL)
		OPENSSL_cleanse(m->master, sizeof(m->master));
}
