/* SPDX-License-Identifier: MIT */
/*
 * Card platforms as tables of operations, in the manner of OpenSC's card
 * drivers (src/libopensc/iso7816.c and the card-*.c that copy it). The
 * ISO 7816-4 table (src/card/card-iso.c) does what the standard defines:
 * SELECT by AID, READ BINARY of the credential, INTERNAL AUTHENTICATE for
 * the challenge; every operation the standard leaves to the card is NULL
 * there and answers TC_ERR_UNSUPPORTED. Each platform (src/card/card-tcard.c,
 * src/card/card-piv.c) copies that table and overrides what its card does
 * differently; a profile's "platform" names the table, and
 * tc_card_ops_lookup() is the one place that turns the platform into its
 * table. A third platform is one new src/card-X.c, one line in the list
 * of src/card/cardops.c, one enum value and a profile (docs/card-pcsc.md).
 *
 * The entry points that callers use are in include/tcard/cardapp.h; they
 * check their arguments and the steps' order, then call app->ops. The
 * operations below follow the same conventions: 0 or a negative TC_ERR_*,
 * err filled only on failure.
 */
#ifndef TCARD_CARDOPS_H
#define TCARD_CARDOPS_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"
#include "tcard/cardapp.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"

/* flags */
#define TC_CARD_LOCKS 0x01u /* a one-way lock ends personalisation */

#define TC_CARD_OPS_EXTRA_MAX 4 /* platforms tc_card_ops_register takes */

struct tc_card_ops {
	enum tc_platform platform;
	const char *name; /* the profile's "platform" value */
	unsigned flags;	  /* TC_CARD_* */

	/*
	 * The platform's rules between the parts of a profile, checked once
	 * the generic ones hold (src/card/profile.c). On failure the reason goes
	 * to msg. NULL: no rules of its own.
	 */
	int (*check_profile)(
	    const struct tc_profile *p, char *msg, size_t msglen);

	/* Selects p's application; the answer data goes to resp. */
	int (*select)(struct tc_icc *icc, const struct tc_profile *p,
	    struct tc_buf *resp, uint16_t *sw /* OUT */, char *err,
	    size_t errlen);

	/*
	 * The application answered its SELECT with 9000 and resp: parse the
	 * answer and fill app->uid (with need_uid at least), app->operational
	 * and app->cred_len when the card tells them.
	 */
	int (*opened)(struct tc_cardapp *app, const uint8_t *resp, size_t len,
	    int need_uid, char *err, size_t errlen);

	/* tc_cardapp_read_credential: appends to cose. */
	int (*read_credential)(struct tc_cardapp *app, struct tc_buf *cose,
	    char *err, size_t errlen);

	/* tc_cardapp_sign: appends the DER signature to sig. */
	int (*sign)(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
	    struct tc_buf *sig, char *err, size_t errlen);

	/* tc_cardapp_authenticate. */
	int (*authenticate)(struct tc_cardapp *app,
	    const struct tc_card_keys *keys, int prefer_personal, char *err,
	    size_t errlen);

	/* tc_cardapp_rotate_keys, once authenticated. */
	int (*rotate_keys)(struct tc_cardapp *app,
	    const struct tc_card_keys *keys, char *err, size_t errlen);

	/*
	 * tc_cardapp_generate_key, once authenticated: appends the card's
	 * answer, a 7F49 template with the uncompressed point in 86, to
	 * answer and says whether the key is SM2 (else P-256). A platform
	 * may instead want the answer later: it sets app->gen_pending and
	 * app->gen_slot (tc_icc_apdu_later) and appends nothing.
	 */
	int (*generate_key)(struct tc_cardapp *app, int cose_alg,
	    struct tc_buf *answer, int *sm2 /* OUT */, char *err,
	    size_t errlen);

	/* tc_cardapp_write_certificate. */
	int (*write_certificate)(struct tc_cardapp *app, const uint8_t *der,
	    size_t n, char *err, size_t errlen);

	/* tc_cardapp_write_credential; n fits the profile's object. */
	int (*write_credential)(struct tc_cardapp *app, const uint8_t *cose,
	    size_t n, char *err, size_t errlen);

	/* tc_cardapp_lock; n is 1..65535. */
	int (*lock)(struct tc_cardapp *app, const uint8_t *cose, size_t n,
	    char *err, size_t errlen);

	/*
	 * The final check's reading and signing, as answers wanted later
	 * (tc_icc_apdu_later; tc_cardapp_check_begin and _end): read_later
	 * queues the reading of a credential of n bytes (the one just
	 * written) into *slot, read_answer turns its answer data (the status
	 * word was 9000) into the COSE bytes appended to cose; sign_later
	 * and sign_answer do the same for read_credential's sign. NULL (all
	 * four): the platform has no final check inside a batch.
	 */
	int (*read_later)(struct tc_cardapp *app, size_t n, int *slot /* OUT */,
	    char *err, size_t errlen);
	int (*read_answer)(struct tc_cardapp *app, const uint8_t *d, size_t len,
	    struct tc_buf *cose, char *err, size_t errlen);
	int (*sign_later)(struct tc_cardapp *app, const uint8_t *challenge,
	    size_t n, int *slot /* OUT */, char *err, size_t errlen);
	int (*sign_answer)(struct tc_cardapp *app, const uint8_t *d, size_t len,
	    struct tc_buf *sig, char *err, size_t errlen);

	/*
	 * tc_cardapp_open on a transport that batches, with need_uid: the
	 * command that reads the unique id queued after SELECT (uid_later)
	 * and its answer (uid_answer, with its status word). NULL: the uid
	 * is read by opened.
	 */
	int (*uid_later)(struct tc_cardapp *app, int *slot /* OUT */, char *err,
	    size_t errlen);
	int (*uid_answer)(struct tc_cardapp *app, const uint8_t *d, size_t len,
	    uint16_t sw, char *err, size_t errlen);
};

/*
 * The ISO 7816-4 defaults, to be copied by a platform and overridden
 * (static storage, never NULL). platform is 0 and name "iso7816".
 */
const struct tc_card_ops *tc_card_iso_ops(void);

/*
 * The table of platform, or NULL when no table has that platform: the
 * built-in tables, then those added with tc_card_ops_register.
 */
const struct tc_card_ops *tc_card_ops_lookup(enum tc_platform platform);

/* The table whose name is name, or NULL; for the profile parser. */
const struct tc_card_ops *tc_card_ops_by_name(const char *name);

/*
 * Adds a platform that is not built in (a test's, or one kept out of
 * tree). ops is borrowed and must outlive every use of the library; call
 * it before cards are opened. Returns 0, TC_ERR_INVALID_ARG (no name, no
 * select or opened), TC_ERR_EXISTS (the platform or the name is taken)
 * or TC_ERR_TOO_LARGE (TC_CARD_OPS_EXTRA_MAX already).
 */
int tc_card_ops_register(const struct tc_card_ops *ops);

#endif
