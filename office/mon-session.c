/* SPDX-License-Identifier: MIT */
/*
 * The monitor's sessions (office/mon.h): a fixed table of at most
 * MON_SESSIONS_MAX, each with a random id and CSRF token (32 bytes from
 * the system's random source, base64url), the operator, its roles at
 * sign-in, and the times of creation and last use for the idle and
 * absolute timeouts. Ids are compared in constant time and never logged;
 * a log names a session by a hash prefix (mon_session_tag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "mon.h"

static int
expired(const struct mon *m, const struct mon_session *s, time_t now)
{
	return now - s->last >= (time_t)m->idle_timeout ||
	    now - s->created >= (time_t)m->lifetime || now < s->created;
}

void
mon_session_drop(struct mon_session *s)
{
	if (s->totp_uri != NULL) {
		OPENSSL_cleanse(s->totp_uri, strlen(s->totp_uri));
		free(s->totp_uri);
	}
	OPENSSL_cleanse(s, sizeof(*s));
}

/* The table of operators' (portal 0) or applicants' sessions. */
static struct mon_session *
table(struct mon *m, int portal, size_t *n)
{
	*n = portal ? MON_PSESSIONS_MAX : MON_SESSIONS_MAX;
	return portal ? m->psessions : m->sessions;
}

struct mon_session *
mon_session_new(struct mon *m, int portal, const char *operator_name,
    unsigned roles, int64_t applicant, time_t now)
{
	struct mon_session *s = NULL, *tab;
	uint8_t csrf[32];
	size_t i, n;

	tab = table(m, portal, &n);
	for (i = 0; i < n; i++) {
		if (tab[i].live && expired(m, &tab[i], now))
			mon_session_drop(&tab[i]);
		if (!tab[i].live && s == NULL)
			s = &tab[i];
	}
	if (s == NULL)
		return NULL;
	if (RAND_bytes(s->id, sizeof(s->id)) != 1 ||
	    RAND_bytes(csrf, sizeof(csrf)) != 1)
		return NULL;
	tc_orpc_token_text(s->id, s->idtext);
	tc_orpc_token_text(csrf, s->csrf);
	OPENSSL_cleanse(csrf, sizeof(csrf));
	snprintf(
	    s->operator_name, sizeof(s->operator_name), "%s", operator_name);
	s->roles = roles;
	s->applicant = applicant;
	s->created = s->last = now;
	s->live = 1;
	return s;
}

struct mon_session *
mon_session_find(struct mon *m, int portal, const char *id, time_t now)
{
	struct mon_session *found = NULL, *tab;
	size_t i, n;

	if (!tc_orpc_token_ok(id))
		return NULL;
	tab = table(m, portal, &n);
	/* Every live entry is compared, so the time says nothing of which. */
	for (i = 0; i < n; i++)
		if (tab[i].live &&
		    CRYPTO_memcmp(tab[i].idtext, id, TC_ORPC_TOKEN_LEN) == 0)
			found = &tab[i];
	if (found == NULL)
		return NULL;
	if (expired(m, found, now)) {
		mon_session_drop(found);
		return NULL;
	}
	found->last = now;
	return found;
}

int
mon_session_csrf_ok(const struct mon_session *s, const char *csrf)
{
	if (!tc_orpc_token_ok(csrf))
		return 0;
	return CRYPTO_memcmp(s->csrf, csrf, TC_ORPC_TOKEN_LEN) == 0;
}

void
mon_session_tag(const char *idtext, char out[9])
{
	uint8_t h[SHA256_DIGEST_LENGTH];

	SHA256((const uint8_t *)idtext, strlen(idtext), h);
	snprintf(out, 9, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
}
