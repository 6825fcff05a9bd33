/* SPDX-License-Identifier: MIT */
/*
 * Card profiles: one declarative JSON file per card platform
 * (firmware-profiles/piv.json, firmware-profiles/tcard.json), parsed by one
 * strict parser. A profile says how to recognise the card (ATR patterns
 * with masks, the application identifier), which data objects it holds and
 * how large they may be, its key slots and their algorithms, the largest
 * APDU it takes, and the personalisation steps in their order. The issuer
 * and the verifier follow it on the host; the emulator tcard-vcard
 * presents it. C code exists only for what a platform really does
 * differently (the step implementations), the rest is data.
 *
 * Errors name the file, the JSON path and the reason:
 * "piv.json: keys[1].algorithms[0]: unknown algorithm 'RSA'". The format
 * is in firmware-profiles/README.md.
 */
#ifndef TCARD_PROFILE_H
#define TCARD_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#define TC_PROFILE_FORMAT     "talentcard-card-profile/1"
#define TC_PROFILE_FILE_MAX   (64 * 1024)
#define TC_PROFILE_ID_MAX     32 /* bytes of a name or id */
#define TC_PROFILE_TEXT_MAX   256
#define TC_PROFILE_ATR_MAX    33
#define TC_PROFILE_AID_MAX    16
#define TC_PROFILE_MATCH_MAX  8
#define TC_PROFILE_OBJECT_MAX 16
#define TC_PROFILE_KEY_MAX    8
#define TC_PROFILE_STEP_MAX   16
#define TC_PROFILE_KEYVAL_MAX 32
#define TC_PROFILE_SET_MAX    8 /* profiles in a directory */

/* The platforms with C code behind them. */
enum tc_platform {
	TC_PLATFORM_TCARD = 1, /* talentcard's applet, docs/card-tcard.md */
	TC_PLATFORM_PIV = 2,   /* NIST SP 800-73-4, docs/card-piv.md */
};

/* Algorithms of key slots (bit masks). */
#define TC_PALG_ES256  0x01u /* ECDSA P-256 */
#define TC_PALG_SM2    0x02u /* SM2 with SM3 */
#define TC_PALG_3DES   0x04u /* 3-key triple DES (PIV management key) */
#define TC_PALG_AES128 0x08u

/* Access conditions of data objects. */
enum tc_access {
	TC_ACCESS_ALWAYS = 1,	  /* no condition */
	TC_ACCESS_OPERATIONAL,	  /* only once the card is locked */
	TC_ACCESS_SECURE_CHANNEL, /* inside the tcard secure channel */
	TC_ACCESS_MANAGEMENT_KEY, /* after PIV management key auth */
	TC_ACCESS_NEVER,
};

/* Personalisation steps; what each does per platform: the README. */
enum tc_perso_step {
	TC_PSTEP_SELECT = 1,	    /* select the application, read the uid */
	TC_PSTEP_AUTHENTICATE,	    /* open the secure channel / mgmt auth */
	TC_PSTEP_ROTATE_KEYS,	    /* factory keys -> diversified keys */
	TC_PSTEP_GENERATE_KEY,	    /* key pair generated on the card */
	TC_PSTEP_WRITE_CERTIFICATE, /* X.509 of the card key (PIV) */
	TC_PSTEP_WRITE_CREDENTIAL,  /* the signed credential */
	TC_PSTEP_LOCK,		    /* one-way into the operational state */
	TC_PSTEP_CHECK,		    /* tap verification of the result */
};

struct tc_profile_match {
	uint8_t atr[TC_PROFILE_ATR_MAX];
	uint8_t mask[TC_PROFILE_ATR_MAX];
	size_t len;
};

struct tc_profile_object {
	char id[TC_PROFILE_ID_MAX + 1];
	uint32_t tag; /* BER-TLV tag (PIV: the GET DATA tag), 0 for none */
	size_t max_size;
	enum tc_access read;
	enum tc_access write;
};

struct tc_profile_key {
	char id[TC_PROFILE_ID_MAX + 1];
	uint8_t ref;	      /* key reference on the card (PIV 9E, 9B) */
	unsigned algs;	      /* TC_PALG_* the slot takes */
	int on_card;	      /* the key pair is generated on the card */
	int pin;	      /* using it needs a PIN */
	unsigned factory_alg; /* symmetric keys: algorithm from the factory */
	uint8_t factory_key[TC_PROFILE_KEYVAL_MAX];
	size_t factory_key_len; /* 0: no factory key */
	unsigned personal_alg;	/* after rotate-keys */
	int factory_version;	/* secure channel key version, -1 none */
	int personal_version;
};

struct tc_profile {
	char name[TC_PROFILE_ID_MAX + 1];
	enum tc_platform platform;
	char description[TC_PROFILE_TEXT_MAX + 1];
	uint8_t atr[TC_PROFILE_ATR_MAX]; /* what the emulator presents */
	size_t atr_len;
	struct tc_profile_match match[TC_PROFILE_MATCH_MAX];
	size_t n_match;
	uint8_t aid[TC_PROFILE_AID_MAX];
	size_t aid_len;
	size_t uid_len;		  /* bytes of the card's unique id */
	size_t max_command_data;  /* Nc of one short command */
	size_t max_response_data; /* Ne of one short response */
	int extended;		  /* extended-length APDUs taken */
	size_t max_extended_data; /* Nc / Ne when extended */
	struct tc_profile_object objects[TC_PROFILE_OBJECT_MAX];
	size_t n_objects;
	struct tc_profile_key keys[TC_PROFILE_KEY_MAX];
	size_t n_keys;
	enum tc_perso_step steps[TC_PROFILE_STEP_MAX];
	size_t n_steps;
};

/*
 * Parses a profile file (json, len bytes, not NUL-terminated); file names
 * it in messages. On success *out is the profile (free()); on failure NULL
 * and err says "FILE: json.path: reason". Returns 0 or
 *   TC_ERR_MALFORMED    not JSON, an unknown or missing key, a wrong type,
 *                       a bad value (hex, name, step order...);
 *   TC_ERR_TOO_LARGE    the file, a string, a list or a size over its cap;
 *   TC_ERR_UNSUPPORTED  another "format";
 *   TC_ERR_INVALID_ARG, TC_ERR_NOMEM.
 */
int tc_profile_parse(struct tc_profile **out /* OUT */, const char *json,
    size_t len, const char *file, char *err, size_t errlen);

/*
 * Reads and parses the file at path (at most TC_PROFILE_FILE_MAX bytes).
 * Returns as tc_profile_parse, and the errors of tc_file_read
 * (tcard/file.h).
 */
int tc_profile_load(struct tc_profile **out /* OUT */, const char *path,
    char *err, size_t errlen);

/* The object or key with this id, or NULL. */
const struct tc_profile_object *tc_profile_object(
    const struct tc_profile *p, const char *id);
const struct tc_profile_key *tc_profile_key(
    const struct tc_profile *p, const char *id);

/* 1 when the profile lists step s. */
int tc_profile_has_step(const struct tc_profile *p, enum tc_perso_step s);

/* The index of step s in p->steps, or -1 when the profile lacks it. */
int tc_profile_step_index(const struct tc_profile *p, enum tc_perso_step s);

/*
 * Where each step stands in a profile's list (tc_profile_step_index(), -1
 * for a step it lacks), for the rules on their order (src/card/profile.c
 * and each platform's check_profile).
 */
struct tc_profile_order {
	int select, authenticate, rotate, generate, certificate, credential;
	int lock, check;
	int last; /* the last step that changes the card: before check, or the last */
};

/* Fills *o (OUT) from p's steps. */
void tc_profile_order(const struct tc_profile *p, struct tc_profile_order *o);

/* The name of step s ("write-credential"), or "?". */
const char *tc_profile_step_name(enum tc_perso_step s);

/* 1 when one of the profile's patterns matches the ATR. */
int tc_profile_match_atr(
    const struct tc_profile *p, const uint8_t *atr, size_t atrlen);

/* The profiles of a directory (every *.json), in file name order. */
struct tc_profile_set {
	struct tc_profile *v[TC_PROFILE_SET_MAX];
	size_t n;
};

/*
 * Loads every *.json of dir (at most TC_PROFILE_SET_MAX; two profiles of
 * one name are refused). Returns 0 or the errors of tc_profile_load,
 * TC_ERR_NOT_FOUND (no directory, or no profile in it), TC_ERR_TOO_LARGE,
 * TC_ERR_EXISTS (a name twice).
 */
int tc_profile_set_load(struct tc_profile_set *set /* OUT */, const char *dir,
    char *err, size_t errlen);

/* Frees the profiles of set. */
void tc_profile_set_release(struct tc_profile_set *set);

/* The profile named name, or NULL. */
const struct tc_profile *tc_profile_set_find(
    const struct tc_profile_set *set, const char *name);

/*
 * The directory profiles are read from: dir when not NULL, else
 * $TCARD_PROFILES, else the compile-time default (the source tree's
 * firmware-profiles/, or next to the installed programmes).
 */
const char *tc_profile_dir(const char *dir);

#endif
