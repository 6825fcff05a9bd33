/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of card profiles (src/card/profile.c): the two shipped profiles
 * load with the values the code relies on, a directory loads as a set,
 * ATR matching picks the right one, and each kind of mistake in a profile
 * file is refused with "FILE: json.path: reason" naming the place: made by
 * editing the shipped tcard and PIV profiles one change at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/profile.h"

#include "fixtures-profile.h"

static void
test_shipped(void **state)
{
	struct tc_profile_set set;
	const struct tc_profile *t, *p;
	char err[256] = "";

	(void)state;
	assert_int_equal(
	    tc_profile_set_load(&set, tc_profile_dir(NULL), err, sizeof(err)),
	    0);
	assert_int_equal(set.n, 2);
	assert_non_null(t = tc_profile_set_find(&set, "tcard"));
	assert_non_null(p = tc_profile_set_find(&set, "piv"));
	assert_null(tc_profile_set_find(&set, "none"));
	assert_int_equal(t->platform, TC_PLATFORM_TCARD);
	assert_int_equal(p->platform, TC_PLATFORM_PIV);
	assert_int_equal(t->aid_len, 7);
	assert_int_equal(p->aid_len, 11);
	assert_int_equal(t->uid_len, 8);
	assert_int_equal(p->uid_len, 16);
	assert_true(t->extended);
	assert_false(p->extended);
	assert_int_equal(tc_profile_object(p, "credential")->tag, 0x5FFF20);
	assert_int_equal(tc_profile_object(p, "certificate")->tag, 0x5FC101);
	assert_int_equal(tc_profile_key(p, "card-auth")->ref, 0x9E);
	assert_int_equal(tc_profile_key(p, "management")->factory_key_len, 24);
	assert_int_equal(
	    tc_profile_key(t, "secure-channel")->factory_version, 0xFF);
	assert_true(tc_profile_has_step(t, TC_PSTEP_LOCK));
	assert_false(tc_profile_has_step(p, TC_PSTEP_LOCK));
	assert_int_equal(t->steps[t->n_steps - 1], TC_PSTEP_LOCK);
	assert_int_equal(p->steps[p->n_steps - 1], TC_PSTEP_WRITE_CREDENTIAL);
	assert_true(tc_profile_match_atr(t, t->atr, t->atr_len));
	assert_false(tc_profile_match_atr(t, p->atr, p->atr_len));
	assert_true(tc_profile_match_atr(p, p->atr, p->atr_len));
	assert_string_equal(
	    tc_profile_step_name(TC_PSTEP_ROTATE_KEYS), "rotate-keys");
	tc_profile_set_release(&set);
	assert_int_equal(
	    tc_profile_set_load(&set, "/nonexistent", err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
}

/* The profile text with one substring replaced. */
static char *
edited(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;
	size_t n;

	assert_non_null(at);
	n = strlen(text) - strlen(from) + strlen(to);
	assert_non_null(out = calloc(1, n + 1));
	memcpy(out, text, (size_t)(at - text));
	strcat(out, to);
	strcat(out, at + strlen(from));
	return out;
}

static const struct {
	const char *file, *from, *to;
	int code;
	const char *msg;
} bad[] = {
	{ "tcard.json", "\"format\": \"talentcard-card-profile/1\"",
	    "\"format\": \"talentcard-card-profile/2\"", TC_ERR_UNSUPPORTED,
	    "t.json: format: must be" },
	{ "tcard.json", "\"name\": \"tcard\"", "\"name\": \"TCard\"",
	    TC_ERR_MALFORMED, "t.json: name: 'TCard'" },
	{ "tcard.json", "\"platform\": \"tcard\"", "\"platform\": \"java\"",
	    TC_ERR_MALFORMED, "platform: unknown platform 'java'" },
	{ "tcard.json", "\"uid_length\": 8", "\"uid_length\": 8, \"x\": 1",
	    TC_ERR_MALFORMED, "t.json: x: unknown key" },
	{ "tcard.json", "\"uid_length\": 8", "\"uid_length\": \"8\"",
	    TC_ERR_MALFORMED, "uid_length: must be an integer" },
	{ "tcard.json", "\"uid_length\": 8", "\"uid_length\": 40",
	    TC_ERR_MALFORMED, "uid_length: must be 4 to 16" },
	{ "tcard.json", "\"aid\": \"F0544341524401\"",
	    "\"aid\": \"F05443415244G1\"", TC_ERR_MALFORMED,
	    "aid: not hexadecimal" },
	{ "tcard.json", "\"atr\": \"3B8A8001544341524420544330317D\"",
	    "\"atr\": \"3B8A8001544341524420544330317E\"", TC_ERR_MALFORMED,
	    "atr: ATR byte 14: TCK 7E is wrong" },
	{ "tcard.json", "\"mask\": \"FFFFFFFFFFFFFFFFFFFFFFFF000000\"",
	    "\"mask\": \"FFFFFFFF\"", TC_ERR_MALFORMED,
	    "match[0].mask: the mask must be as long as the ATR" },
	{ "tcard.json", "\"max_size\": 1024", "\"max_size\": 70000",
	    TC_ERR_MALFORMED, "objects[0].max_size: must be 1 to 65535" },
	{ "tcard.json", "\"read\": \"operational\"", "\"read\": \"sometimes\"",
	    TC_ERR_MALFORMED, "objects[0].read: unknown access 'sometimes'" },
	{ "tcard.json", "[\"ES256\", \"SM2\"]", "[\"ES256\", \"RSA\"]",
	    TC_ERR_MALFORMED,
	    "keys[0].algorithms[1]: unknown algorithm 'RSA'" },
	{ "tcard.json", "[\"ES256\", \"SM2\"]", "[\"ES256\", \"ES256\"]",
	    TC_ERR_MALFORMED, "keys[0].algorithms[1]: listed twice" },
	{ "tcard.json", "\"generate-key\", \"write-credential\", \"lock\"",
	    "\"generate-key\", \"write-credential\", \"lock\", \"dance\"",
	    TC_ERR_MALFORMED, "personalisation[6]: unknown step 'dance'" },
	{ "tcard.json", "\"generate-key\", \"write-credential\", \"lock\"",
	    "\"generate-key\", \"lock\", \"write-credential\"",
	    TC_ERR_MALFORMED, "personalisation: tcard: " },
	{ "tcard.json", "\"rotate-keys\", \"generate-key\"",
	    "\"generate-key\", \"rotate-keys\"", TC_ERR_MALFORMED,
	    "personalisation: tcard: rotate-keys before generate-key" },
	{ "tcard.json", "\"select\", \"authenticate\"",
	    "\"authenticate\", \"select\"", TC_ERR_MALFORMED,
	    "must begin with select, authenticate" },
	{ "tcard.json", "\"factory_version\": \"FF\", ", "", TC_ERR_MALFORMED,
	    "key \"secure-channel\" must be AES-128" },
	{ "tcard.json", "\"generated\": \"on-card\", \"pin\": false",
	    "\"generated\": \"on-card\", \"pin\": true", TC_ERR_MALFORMED,
	    "usable without a PIN" },
	{ "tcard.json", "\"extended_length\": true,",
	    "\"extended_length\": false,", TC_ERR_MALFORMED,
	    "max_extended_data: is given exactly when" },
	{ "piv.json",
	    "\"rotate-keys\", \"write-certificate\", \"write-credential\"",
	    "\"write-certificate\", \"write-credential\", \"rotate-keys\"",
	    TC_ERR_MALFORMED,
	    "write-credential must be the last step that changes the card" },
	{ "piv.json", "\"ref\": \"9B\"", "\"ref\": \"9C\"", TC_ERR_MALFORMED,
	    "key \"management\" (9B)" },
	{ "piv.json", "\"algorithms\": [\"ES256\"], \"generated\"",
	    "\"algorithms\": [\"SM2\"], \"generated\"", TC_ERR_MALFORMED,
	    "piv: key \"card-auth\" is ES256" },
	{ "piv.json",
	    "\"factory_key\": \"010203040506070801020304050607080102030405060708\"",
	    "\"factory_key\": \"0102030405060708010203040506070801\"",
	    TC_ERR_MALFORMED,
	    "keys[1]: factory_key of 17 bytes does not suit" },
	{ "piv.json", "\"tag\": \"5FFF20\"", "\"tag\": \"5FFF2001\"",
	    TC_ERR_TOO_LARGE, "objects[4].tag: must be 1 to 3 bytes" },
};

static void
test_bad(void **state)
{
	struct tc_profile *p;
	char *tcard = fx_profile_text("tcard.json"),
	     *piv = fx_profile_text("piv.json"), *t;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(tc_profile_parse(&p, tcard, strlen(tcard), "t.json",
			     err, sizeof(err)),
	    0);
	free(p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = edited(strcmp(bad[i].file, "piv.json") == 0 ? piv : tcard,
		    bad[i].from, bad[i].to);
		err[0] = '\0';
		p = (void *)1;
		if (tc_profile_parse(&p, t, strlen(t), "t.json", err,
			sizeof(err)) != bad[i].code ||
		    strstr(err, bad[i].msg) == NULL) {
			print_error("case %zu: got '%s', wanted %d '%s'\n", i,
			    err, bad[i].code, bad[i].msg);
			fail();
		}
		assert_null(p);
		free(t);
	}
	/* Not JSON, a duplicate key, too large. */
	assert_int_equal(
	    tc_profile_parse(&p, "{", 1, "t.json", err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "t.json: line 1"));
	t = edited(
	    tcard, "\"uid_length\": 8", "\"uid_length\": 8, \"uid_length\": 8");
	assert_int_equal(
	    tc_profile_parse(&p, t, strlen(t), "t.json", err, sizeof(err)),
	    TC_ERR_MALFORMED);
	free(t);
	assert_int_equal(tc_profile_parse(&p, tcard, TC_PROFILE_FILE_MAX + 1,
			     "t.json", err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	free(tcard);
	free(piv);
}

#define TESTS(X, XF)                                                           \
	X(test_shipped)                                                        \
	X(test_bad)

TC_UNIT_MAIN(TESTS, NULL, NULL)
