/* SPDX-License-Identifier: MIT */
/*
 * The part of NIST SP 800-73-4 (PIV) that talentcard uses, shared by the
 * host (src/card/cardapp.c) and the emulator (vcard/app-piv.c): instruction
 * bytes, algorithm identifiers, key references and data object tags, the
 * builders of the data objects a fresh card carries (CHUID, CCC, discovery
 * object, certificate container) and the parsers of the answers the host
 * reads (data object containers 53, dynamic authentication templates 7C,
 * public keys 7F49). The card-side choices, and the one vendor command
 * used (Yubico's SET MANAGEMENT KEY), are in docs/card-piv.md.
 */
#ifndef TCARD_PIV_H
#define TCARD_PIV_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_PIV_INS_VERIFY      0x20
#define TC_PIV_INS_GET_DATA    0xCB
#define TC_PIV_INS_PUT_DATA    0xDB
#define TC_PIV_INS_GEN_AUTH    0x87
#define TC_PIV_INS_GENERATE    0x47
#define TC_PIV_INS_SET_MGMT    0xFF /* Yubico extension */
#define TC_PIV_INS_GET_VERSION 0xFD /* Yubico extension */

#define TC_PIV_ALG_3DES	  0x03
#define TC_PIV_ALG_AES128 0x08
#define TC_PIV_ALG_P256	  0x11

#define TC_PIV_KEY_CARD_AUTH 0x9E
#define TC_PIV_KEY_MGMT	     0x9B

#define TC_PIV_TAG_CHUID      0x5FC102
#define TC_PIV_TAG_CCC	      0x5FC107
#define TC_PIV_TAG_CERT_9E    0x5FC101
#define TC_PIV_TAG_DISCOVERY  0x7E
#define TC_PIV_TAG_CREDENTIAL 0x5FFF20 /* talentcard's, docs/card-piv.md */

#define TC_PIV_GUID_LEN	 16
#define TC_PIV_FASCN_LEN 25

/*
 * The CHUID of a card with this GUID: 53 { 30 FASC-N (all zero but its
 * agency code 9999, "not a US government card"), 34 GUID, 35 expiry
 * "YYYYMMDD", 3E empty signature, FE 00 }. Appends the whole 53 object.
 */
int tc_piv_build_chuid(struct tc_buf *out, const uint8_t guid[TC_PIV_GUID_LEN],
    const char expiry[9]);

/* The Card Capability Container 53 { F0 .. FE } with card id from guid. */
int tc_piv_build_ccc(struct tc_buf *out, const uint8_t guid[TC_PIV_GUID_LEN]);

/* The discovery object 7E { 4F AID, 5F2F 40 00 } for the PIV AID. */
int tc_piv_build_discovery(
    struct tc_buf *out, const uint8_t *aid, size_t aid_len);

/*
 * A container 53 { 70 data, 71 00, FE 00 } (a certificate, or the
 * talentcard credential), appended to out.
 */
int tc_piv_build_container(struct tc_buf *out, const uint8_t *data, size_t len);

/*
 * The contents of tag 70 in a container 53 (p, len bytes: the whole GET
 * DATA answer). *data points into p. Returns 0, TC_ERR_NOT_FOUND (no 70),
 * TC_ERR_MALFORMED / TC_ERR_TRUNCATED / TC_ERR_TRAILING.
 */
int tc_piv_container_data(const uint8_t *p, size_t len,
    const uint8_t **data /* OUT */, size_t *dlen /* OUT */, char *err,
    size_t errlen);

/*
 * The GUID of a CHUID (the whole 53 object). Returns 0, TC_ERR_NOT_FOUND
 * (no 34, or an all-zero GUID), TC_ERR_MALFORMED, TC_ERR_TRUNCATED.
 */
int tc_piv_chuid_guid(const uint8_t *p, size_t len,
    uint8_t guid[TC_PIV_GUID_LEN] /* OUT */, char *err, size_t errlen);

/*
 * The value of tag inner inside a dynamic authentication template 7C (the
 * whole answer p, len bytes). Returns 0 with *v pointing into p,
 * TC_ERR_NOT_FOUND, TC_ERR_MALFORMED, TC_ERR_TRUNCATED, TC_ERR_TRAILING.
 */
int tc_piv_7c_get(const uint8_t *p, size_t len, uint32_t inner,
    const uint8_t **v /* OUT */, size_t *vlen /* OUT */, char *err,
    size_t errlen);

/*
 * The uncompressed EC point (tag 86) of a public key template 7F49 (the
 * whole answer). Returns 0 with *pt into p (65 bytes starting 04), or
 * TC_ERR_MALFORMED / TC_ERR_TRUNCATED / TC_ERR_TRAILING.
 */
int tc_piv_7f49_point(const uint8_t *p, size_t len,
    const uint8_t **pt /* OUT */, char *err, size_t errlen);

#endif
