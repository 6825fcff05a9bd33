/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the card profile parser (src/card/profile.c): the input is a
 * profile file. A refused input must leave a terminated message that
 * names the input; an accepted one must keep the promises the host and the
 * emulator rely on (include/tcard/profile.h): sizes within their arrays,
 * the objects and keys of its platform present, the steps in an order
 * whose last card-changing step makes the card verifiable, and its own
 * ATR matched by its patterns. The seed corpus holds the two shipped
 * profiles and small broken ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/profile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_profile *p = (void *)1;
	const struct tc_profile_object *cred;
	enum tc_perso_step last;
	char err[512] = "";
	size_t i;

	if (tc_profile_parse(
		&p, (const char *)data, size, "fuzz", err, sizeof(err)) != 0) {
		fuzz_parse_refused(p, err, sizeof(err), "fuzz: ");
		return 0;
	}
	CHECK(
	    p->platform == TC_PLATFORM_TCARD || p->platform == TC_PLATFORM_PIV);
	CHECK(p->atr_len >= 2 && p->atr_len <= TC_PROFILE_ATR_MAX);
	CHECK(tc_profile_match_atr(p, p->atr, p->atr_len));
	CHECK(p->aid_len >= 5 && p->aid_len <= TC_PROFILE_AID_MAX);
	CHECK(p->uid_len >= 4 && p->uid_len <= 16);
	CHECK(p->max_command_data <= 255 && p->max_response_data <= 256);
	CHECK(!p->extended || p->max_extended_data >= 256);
	CHECK(p->n_objects <= TC_PROFILE_OBJECT_MAX &&
	    p->n_keys <= TC_PROFILE_KEY_MAX &&
	    p->n_steps <= TC_PROFILE_STEP_MAX && p->n_match >= 1);
	CHECK((cred = tc_profile_object(p, "credential")) != NULL);
	CHECK(cred->max_size >= 128);
	CHECK(tc_profile_key(p, "card-auth") != NULL);
	CHECK(p->steps[0] == TC_PSTEP_SELECT);
	last = p->steps[p->n_steps - 1];
	if (last == TC_PSTEP_CHECK)
		last = p->steps[p->n_steps - 2];
	CHECK(last ==
	    (p->platform == TC_PLATFORM_TCARD ? TC_PSTEP_LOCK
					      : TC_PSTEP_WRITE_CREDENTIAL));
	for (i = 0; i < p->n_keys; i++)
		CHECK(p->keys[i].factory_key_len <= TC_PROFILE_KEYVAL_MAX);
	free(p);
	return 0;
}
