/* SPDX-License-Identifier: MIT */
/*
 * The status of a card from the verifier's signed status data
 * (include/tcard/status.h): loading a bundle directory's trust list,
 * revocation list with its deltas and lookup snapshot with the library's
 * verifying loaders, answering one card's status from the list and the
 * snapshot, and folding that answer into a verdict. tcard-verify and
 * tcard-verifierd both decide through tc_status_check and tc_status_apply,
 * so the same data gives the same result in both. Rules: docs/formats.md,
 * "Card status and trust basis".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cardno.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/programme.h"
#include "tcard/revocation.h"
#include "tcard/status.h"
#include "tcard/trust.h"

#define FUTURE_SKEW 300 /* seconds a trust list's issue time may be ahead */

const char *
tc_status_name(enum tc_status s)
{
	switch (s) {
	case TC_STATUS_NOT_CHECKED:
		return "not-checked";
	case TC_STATUS_UNKNOWN:
		return "unknown";
	case TC_STATUS_VALID:
		return "valid";
	case TC_STATUS_SUSPENDED:
		return "suspended";
	case TC_STATUS_REVOKED:
		return "revoked";
	case TC_STATUS_EXPIRED:
		return "expired";
	}
	return "?";
}

const char *
tc_ca_basis_name(enum tc_ca_basis b)
{
	switch (b) {
	case TC_CA_UNSTATED:
		return "unstated";
	case TC_CA_PINNED:
		return "pinned";
	case TC_CA_FIRST_USE:
		return "first-use";
	case TC_CA_UNPINNED:
		return "unpinned";
	}
	return "?";
}

int
tc_status_check(const struct tc_revocations *rev, const struct tc_lookup *lk,
    long grace, const char *card_no, time_t now, struct tc_status_answer *out)
{
	struct tc_lookup_answer ans;
	uint64_t serial = 0;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	out->status = TC_STATUS_UNKNOWN;
	if (card_no != NULL &&
	    tc_cardno_parse(card_no, NULL, &serial, NULL, NULL, 0) != 0)
		return TC_ERR_INVALID_ARG;
	if (rev != NULL) {
		out->have_rev = 1;
		out->rev_seq = tc_revocations_seq(rev);
		out->rev_issued_at = tc_revocations_issued_at(rev);
		out->rev_next_update = tc_revocations_next_update(rev);
		out->rev_current = (long long)now <=
		    (long long)out->rev_next_update + (long long)grace;
	}
	if (lk != NULL) {
		out->have_lookup = 1;
		out->lookup_seq = tc_lookup_seq(lk);
		out->lookup_issued_at = tc_lookup_issued_at(lk);
		if (card_no == NULL)
			return 0;
		if ((r = tc_lookup_card(lk, card_no, rev, now, &ans)) != 0)
			return r;
		out->listed = ans.result != TC_LOOKUP_NO_MATCH;
		switch (ans.result) {
		case TC_LOOKUP_REVOKED:
			out->status = TC_STATUS_REVOKED;
			return 0;
		case TC_LOOKUP_EXPIRED:
			out->status = TC_STATUS_EXPIRED;
			return 0;
		case TC_LOOKUP_SUSPENDED:
			out->status = TC_STATUS_SUSPENDED;
			return 0;
		default:
			break;
		}
	}
	/* Revoked is known from any list, however old; the rest needs a
	 * current one. */
	if (card_no == NULL)
		return 0;
	if (rev != NULL && tc_revocations_has(rev, serial))
		out->status = TC_STATUS_REVOKED;
	else if (rev != NULL && out->rev_current)
		out->status = TC_STATUS_VALID;
	return 0;
}

void
tc_status_apply(
    struct tc_verdict *v, const struct tc_status_answer *s, int unknown_ok)
{
	v->status = *s;
	if (!v->valid)
		return;
	switch (s->status) {
	case TC_STATUS_REVOKED:
		v->valid = 0;
		v->reason = TC_REASON_REVOKED;
		v->detail = s->listed ? "lookup-snapshot" : TC_REASON_REVOKED;
		snprintf(v->message, sizeof(v->message),
		    "the card is revoked (%s %llu says so)",
		    s->listed ? "lookup snapshot" : "revocation list",
		    (unsigned long long)(s->listed ? s->lookup_seq
						   : s->rev_seq));
		return;
	case TC_STATUS_EXPIRED:
		v->valid = 0;
		v->reason = TC_REASON_EXPIRED;
		v->detail = "lookup-snapshot";
		snprintf(v->message, sizeof(v->message),
		    "the card was expired by its issuer (lookup snapshot %llu)",
		    (unsigned long long)s->lookup_seq);
		return;
	case TC_STATUS_SUSPENDED:
		v->valid = 0;
		v->reason = v->detail = TC_REASON_SUSPENDED;
		snprintf(v->message, sizeof(v->message),
		    "the card is suspended (lookup snapshot %llu): the signature and dates are good, but it may not be used until it is reinstated",
		    (unsigned long long)s->lookup_seq);
		return;
	case TC_STATUS_UNKNOWN:
		if (unknown_ok)
			return;
		v->valid = 0;
		if (s->have_rev) {
			v->reason = v->detail = TC_REASON_STALE_REVOCATIONS;
			snprintf(v->message, sizeof(v->message),
			    "the signature and dates are good, but the revocation list (%llu) is out of date: whether the card is revoked is unknown",
			    (unsigned long long)s->rev_seq);
		} else {
			v->reason = v->detail = TC_REASON_NO_REVOCATIONS;
			snprintf(v->message, sizeof(v->message),
			    "the signature and dates are good, but no revocation list was given: whether the card is revoked or suspended is unknown");
		}
		return;
	case TC_STATUS_VALID:
	case TC_STATUS_NOT_CHECKED:
		return;
	}
}

const char *
tc_status_result(const struct tc_verdict *v)
{
	if (v->valid)
		return "VALID";
	if (v->reason != NULL && strcmp(v->reason, TC_REASON_SUSPENDED) == 0)
		return "SUSPENDED";
	if (v->reason != NULL &&
	    (strcmp(v->reason, TC_REASON_NO_REVOCATIONS) == 0 ||
		strcmp(v->reason, TC_REASON_STALE_REVOCATIONS) == 0))
		return "UNKNOWN-STATUS";
	return "INVALID";
}

/* ---- Loading a bundle directory ---- */

int
tc_status_apply_deltas(struct tc_revocations **rev, const char *dir,
    const struct tc_cose_keyring *ring, time_t now, unsigned max,
    unsigned *applied, char *err, size_t errlen)
{
	char name[TC_BUNDLE_NAME_MAX], msg[512];
	struct tc_buf buf;
	unsigned n = 0;
	int r = 0;

	tc_buf_init(&buf, TC_STATUS_DELTA_MAX);
	while (n < max) {
		if ((r = tc_fmt(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
			 (unsigned long long)tc_revocations_seq(*rev))) != 0)
			break;
		tc_buf_truncate(&buf, 0);
		if ((r = tc_bundle_read_file(dir, name, TC_STATUS_DELTA_MAX,
			 &buf, msg, sizeof(msg))) != 0) {
			if (r == TC_ERR_NOT_FOUND)
				r = 0;
			else
				r = tc_seterr(err, errlen, r, "%s", msg);
			break;
		}
		if ((r = tc_revocations_apply_delta(rev, buf.data, buf.len,
			 ring, now, msg, sizeof(msg))) != 0) {
			r = tc_seterr(err, errlen, r, "%s: %s", name, msg);
			break;
		}
		n++;
	}
	tc_buf_release(&buf);
	if (applied != NULL)
		*applied = n;
	return r;
}

void
tc_status_data_release(struct tc_status_data *d)
{
	if (d == NULL)
		return;
	tc_lookup_free(d->lookup);
	tc_revocations_free(d->rev);
	tc_trust_free(d->trust);
	memset(d, 0, sizeof(*d));
}

int
tc_status_data_load(struct tc_status_data *d, const char *dir,
    const uint8_t *ca_pin, time_t now, char *err, size_t errlen)
{
	struct tc_buf buf;
	char msg[512];
	int r = TC_ERR_INTERNAL;

	if (d == NULL || dir == NULL)
		return TC_ERR_INVALID_ARG;
	memset(d, 0, sizeof(*d));
	tc_buf_init(&buf, TC_TRUST_MAX_INPUT);
	if ((r = tc_bundle_read_file(dir, TC_BUNDLE_TRUST, TC_TRUST_MAX_INPUT,
		 &buf, msg, sizeof(msg))) != 0) {
		r = tc_seterr(err, errlen, r, "%s", msg);
		goto out;
	}
	if ((r = tc_trust_load(&d->trust, buf.data, buf.len, ca_pin, now, msg,
		 sizeof(msg))) != 0) {
		r = tc_seterr(
		    err, errlen, r, "%s/%s: %s", dir, TC_BUNDLE_TRUST, msg);
		goto out;
	}
	if ((long long)tc_trust_issued_at(d->trust) >
	    (long long)now + FUTURE_SKEW) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "%s/%s: issued in the future", dir, TC_BUNDLE_TRUST);
		goto out;
	}
	d->ca = ca_pin != NULL ? TC_CA_PINNED : TC_CA_UNPINNED;
	tc_buf_release(&buf);
	tc_buf_init(&buf, TC_REV_MAX_INPUT);
	if ((r = tc_bundle_read_file(dir, TC_BUNDLE_REVOCATIONS,
		 TC_REV_MAX_INPUT, &buf, msg, sizeof(msg))) != 0) {
		r = tc_seterr(err, errlen, r, "%s", msg);
		goto out;
	}
	if ((r = tc_revocations_load(&d->rev, buf.data, buf.len,
		 tc_trust_keyring(d->trust), now, msg, sizeof(msg))) != 0) {
		r = tc_seterr(err, errlen, r, "%s/%s: %s", dir,
		    TC_BUNDLE_REVOCATIONS, msg);
		goto out;
	}
	if ((r = tc_status_apply_deltas(&d->rev, dir,
		 tc_trust_keyring(d->trust), now, TC_STATUS_DELTA_CHAIN_MAX,
		 &d->deltas, err, errlen)) != 0)
		goto out;
	tc_buf_release(&buf);
	tc_buf_init(&buf, TC_LOOKUP_SIG_MAX);
	r = tc_bundle_read_file(dir, TC_BUNDLE_LOOKUP_SIG, TC_LOOKUP_SIG_MAX,
	    &buf, msg, sizeof(msg));
	if (r == TC_ERR_NOT_FOUND) {
		r = 0; /* no snapshot: the revocation list alone */
		goto out;
	}
	if (r == 0)
		r = tc_lookup_open(&d->lookup, dir, tc_trust_keyring(d->trust),
		    now, msg, sizeof(msg));
	if (r != 0)
		r = tc_seterr(err, errlen, r, "%s/%s: %s", dir,
		    TC_BUNDLE_LOOKUP_SIG, msg);
out:
	tc_buf_release(&buf);
	if (r != 0)
		tc_status_data_release(d);
	return r;
}

int
tc_status_check_programmes(
    const struct tc_lookup *lk, const char *dir, char *err, size_t errlen)
{
	char name[TC_BUNDLE_NAME_MAX + 16], msg[256];
	struct tc_buf buf;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL)
		return tc_seterr(err, errlen,
		    errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s",
		    dir, strerror(errno));
	tc_buf_init(&buf, TC_PROGRAMME_FILE_MAX);
	while (r == 0 && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (len + sizeof(TC_BUNDLE_PROGRAMMES) >= TC_BUNDLE_NAME_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "%s/%s: a name too long to be listed", dir,
			    de->d_name);
			break;
		}
		/* Cannot be cut: the length was checked just above. */
		(void)tc_path_join(
		    name, sizeof(name), TC_BUNDLE_PROGRAMMES, de->d_name);
		tc_buf_truncate(&buf, 0);
		if ((r = tc_bundle_read_file(dir, de->d_name,
			 TC_PROGRAMME_FILE_MAX, &buf, msg, sizeof(msg))) != 0 ||
		    (r = tc_lookup_file_check(
			 lk, name, buf.data, buf.len, msg, sizeof(msg))) != 0)
			r = tc_seterr(err, errlen, r, "%s: %s", name, msg);
		n++;
	}
	closedir(d);
	tc_buf_release(&buf);
	if (r == 0 && n != tc_lookup_file_count(lk))
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: %zu programme files, but the snapshot lists %zu", dir,
		    n, tc_lookup_file_count(lk));
	return r;
}
