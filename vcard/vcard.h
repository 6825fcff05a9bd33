/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of tcard-vcard, the card emulator behind vpcd: the
 * card's persistent state (state.c), the two applets (app-tcard.c,
 * app-piv.c), the card below them (card.c: SELECT, reset, how data goes
 * out under T=0 or T=1) and the vpcd loop with its fault injection
 * (main.c). An applet gets one parsed command APDU and answers data and a
 * status word; main.c handles GET RESPONSE and faults.
 */
#ifndef TCARD_VCARD_H
#define TCARD_VCARD_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "tcard/apdu.h"
#include "tcard/buf.h"
#include "tcard/profile.h"
#include "tcard/scp.h"

#define VCARD_STATE_FORMAT "tcard-vcard-state/1"
#define VCARD_STATE_MAX	   (256 * 1024)
#define VCARD_OBJECTS_MAX  8
#define VCARD_CHAIN_MAX	   (16 * 1024)
#define VCARD_AUTH_TRIES   10 /* failed EXTERNAL AUTHENTICATE before 6983 */

struct vcard_object {
	uint32_t tag;
	struct tc_buf data; /* the whole object as GET DATA returns it */
};

/* What survives a restart (the state file). */
struct vcard_state {
	char profile[TC_PROFILE_ID_MAX + 1];
	uint8_t uid[16];
	size_t uid_len;
	/* tcard */
	int t_state; /* TC_TCAPP_STATE_* */
	int kvn;     /* key version of keys */
	struct tc_scp_keys keys;
	int key_alg;   /* TC_TCAPP_ALG_* */
	EVP_PKEY *key; /* card-auth key (tcard) or 9E (PIV), or NULL */
	struct tc_buf cred;
	int auth_failures;
	/* piv */
	unsigned mgmt_alg; /* TC_PALG_3DES or TC_PALG_AES128 */
	uint8_t mgmt_key[24];
	size_t mgmt_len;
	struct vcard_object obj[VCARD_OBJECTS_MAX];
	size_t nobj;
};

struct vcard {
	const struct tc_profile *profile;
	int proto; /* 0: a T=0 card, 1: a T=1 card (vcard_protocol) */
	struct vcard_state st;
	const char *state_path;
	int dirty; /* st changed: save before answering */
	/* Transient, lost at reset. */
	int selected;
	struct tc_scp scp;
	int wrapped; /* the current command came in the channel */
	int mgmt_ok; /* PIV management key authenticated */
	uint8_t witness[16];
	int witness_len;     /* 0: none outstanding */
	struct tc_buf chain; /* PIV command chaining */
	uint8_t chain_hdr[4];
	int chaining;
};

/* state.c */
void vcard_state_init(struct vcard_state *st);
void vcard_state_release(struct vcard_state *st);
/* A blank card fresh from the factory for profile p: a new unique id. */
int vcard_state_factory(struct vcard_state *st, const struct tc_profile *p,
    char *err, size_t errlen);
/* Reads path into st; TC_ERR_NOT_FOUND when the file does not exist. */
int vcard_state_load(
    struct vcard_state *st, const char *path, char *err, size_t errlen);
/* Writes st to path through a temporary file and a rename. */
int vcard_state_save(
    const struct vcard_state *st, const char *path, char *err, size_t errlen);
struct vcard_object *vcard_object(struct vcard_state *st, uint32_t tag);
int vcard_object_set(
    struct vcard_state *st, uint32_t tag, const uint8_t *p, size_t n);

/* Signing with the card key. */
int vcard_keygen(int alg, EVP_PKEY **out);
int vcard_point(EVP_PKEY *k, uint8_t pt[65]);

/* app-tcard.c, app-piv.c: one command; data appended to resp. */
uint16_t vcard_tcard_command(
    struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp);
uint16_t vcard_piv_command(
    struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp);
/* The answer to a successful SELECT of the profile's AID. */
int vcard_tcard_select(struct vcard *vc, struct tc_buf *resp);
int vcard_piv_select(struct vcard *vc, struct tc_buf *resp);

/* card.c */
/* Called at power off or reset. */
void vcard_reset(struct vcard *vc);
/* The answer of the whole card to one command, before faults. */
uint16_t vcard_command(
    struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp);
/* 1 when the profile's ATR offers T=1 only (a T=1 card), else 0 (T=0). */
int vcard_protocol(const struct tc_profile *p);
/*
 * Appends to out the part of the len bytes of data that go out now for a
 * command asking ne bytes (0: no Le) on a card of protocol proto, then
 * the status word: sw, or 61XX when XX (00: 256 or more) bytes remain,
 * which then wait in pending (emptied first) for GET RESPONSE.
 */
void vcard_answer(int proto, size_t ne, const uint8_t *data, size_t len,
    uint16_t sw, struct tc_buf *out, struct tc_buf *pending);

#endif
