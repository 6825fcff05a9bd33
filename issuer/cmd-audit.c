/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer audit verify and audit list: checking the registry's keyed
 * hash chain (src/registry/audit.c), against the head recorded at the last publish
 * and the signed heads of published bundles (--bundle), and showing its
 * entries. The chain and what it detects are described in
 * docs/registry.md; the signed head in docs/bundle.md.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "home.h"
#include "issuer.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"
#include "tcard/registry.h"
#include "tcard/trust.h"

const char tc_issuer_audit_verify_help[] =
    "NAME\n"
    "    tcard-issuer audit verify - check the registry's audit log\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer audit verify [--home DIR] [--json] [--expect-head SEQ:MACHEX]\n"
    "                              [--bundle DIR]...\n"
    "\n"
    "DESCRIPTION\n"
    "    Every change to the registry is written to an append-only audit log\n"
    "    in the same transaction as the change. Each entry carries the MAC of\n"
    "    the entry before it and its own MAC, an HMAC-SHA256 under a key\n"
    "    derived from the registry data key, over its sequence number, time,\n"
    "    operator, action, subject and detail. This command recomputes the\n"
    "    whole chain from entry 1 and reports the first entry that does not\n"
    "    verify: an edited entry fails its MAC; a deleted, inserted or\n"
    "    reordered entry breaks the sequence or the link to its predecessor.\n"
    "    Someone who can write the database file but does not hold the data\n"
    "    key cannot rebuild the chain after a change.\n"
    "\n"
    "    Removing entries from the end leaves a shorter log that verifies on\n"
    "    its own. 'tcard-issuer publish' therefore records the head (SEQ and\n"
    "    MACHEX of the last entry) in HOME/audit.head, and this command\n"
    "    checks the log against it: the log must still contain that entry\n"
    "    with that MAC (it may have grown since). An emptied log never\n"
    "    verifies (init writes entry 1).\n"
    "\n"
    "    HOME/audit.head sits next to the registry: whoever can delete the\n"
    "    last entries can also rewrite that file to the shorter log's head,\n"
    "    and then this command says OK. Publish therefore also signs the\n"
    "    head into every bundle (DIR/audit-head.cose), a copy that leaves\n"
    "    the machine. --bundle DIR takes a published bundle, or just its\n"
    "    trust.cose and audit-head.cose (from the web server or CDN, an\n"
    "    archive, a directory a verifier reads; a pulling verifier does\n"
    "    not fetch audit-head.cose): its trust.cose must be signed by this\n"
    "    home's CA and its audit-head.cose by a signer that trust list\n"
    "    holds, and the log must hold the entry it names with that MAC.\n"
    "    A bundle that is altered, another authority's or has no\n"
    "    audit-head.cose is refused. An older bundle names an earlier\n"
    "    entry and still verifies against the longer log. --bundle may be\n"
    "    given up to 8 times. A head kept on paper or elsewhere can be\n"
    "    given with --expect-head SEQ:MACHEX.\n"
    "\n"
    "    First of all, the database file itself is checked (SQLite's\n"
    "    integrity check): a damaged registry is reported with exit\n"
    "    status 3 and must be restored from a backup.\n"
    "\n"
    "    Prints, for each bundle, 'bundle DIR: publish P of TIME, audit head\n"
    "    SEQ MACHEX', then 'audit log OK: N entries, head SEQ MACHEX' or\n"
    "    'audit log BROKEN at entry SEQ: reason (where the head came from)'.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR                 the authority's home directory\n"
    "                               (default $TCARD_HOME)\n"
    "    --json                     print {\"ok\", \"entries\", \"head\": {\"seq\",\n"
    "                               \"mac\"}, \"first_bad\", \"reason\", \"bundles\":\n"
    "                               [{\"dir\", \"publish_seq\", \"issued_at\",\n"
    "                               \"head\": {\"seq\", \"mac\"}}]}\n"
    "    --expect-head SEQ:MACHEX   a head recorded earlier (see above)\n"
    "    --bundle DIR               a published bundle whose signed audit\n"
    "                               head the log must hold (see above)\n"
    "    --help                     show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 the log verifies; 1 it does not, or a --bundle is refused (altered,\n"
    "    another authority's, no audit-head.cose); 2 usage error; 3 no keys,\n"
    "    no registry, a damaged registry file or another database error, an\n"
    "    unreadable HOME/audit.head or bundle file; 4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer audit verify --home /srv/tcard\n"
    "    tcard-issuer audit verify --expect-head 1024:5be0...c7a1\n"
    "    base=https://cdn.example/tcard; mkdir b && cd b\n"
    "    curl -sO $base/trust.cose -O $base/audit-head.cose\n"
    "    tcard-issuer audit verify --bundle .\n";

const char tc_issuer_audit_list_help[] =
    "NAME\n"
    "    tcard-issuer audit list - show the registry's audit log\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer audit list [--home DIR] [--json] [--limit N] [--from SEQ]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints audit entries in sequence order, one per line:\n"
    "        SEQ  TIME (UTC)  OPERATOR  ACTION  SUBJECT  DETAIL\n"
    "    ID numbers appear only in masked form. The entries are shown as\n"
    "    stored, without checking them: run 'tcard-issuer audit verify' to\n"
    "    know that they have not been altered. Control characters in stored\n"
    "    text are shown as '?'.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --json       print a JSON array of {\"seq\", \"at\", \"time\", \"operator\",\n"
    "                 \"action\", \"subject\", \"detail\", \"prev\", \"mac\"}\n"
    "    --limit N    at most N entries: the last N, or the first N from SEQ\n"
    "                 when --from is given\n"
    "    --from SEQ   start at entry SEQ (default 1)\n"
    "    --help       show this page\n"
    "\n" TC_ISSUER_LIST_EXIT "\n"
    "EXAMPLES\n"
    "    tcard-issuer audit list --limit 20\n"
    "    tcard-issuer audit list --json --from 100 --limit 50\n";

/* Parses a decimal count or sequence number >= min. */
static int
parse_num(const char *s, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < min || v == LLONG_MAX)
		return -1;
	*out = v;
	return 0;
}

#define BUNDLES_MAX 8

/* A bundle given with --bundle and what its signed audit head says. */
struct bundle_head {
	const char *dir;
	struct tc_audit_head_info info;
};

/* The exit status for a bundle that cannot be used. */
static int
bundle_fail(int r, const char *dir, const char *msg)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "bundle %s", dir);
	(void)tc_cli_fail(r, what, msg);
	return r == TC_ERR_IO || r == TC_ERR_NOT_FOUND	? TC_EXIT_ENV
	    : tc_cli_exit_status(r) == TC_EXIT_INTERNAL ? TC_EXIT_INTERNAL
							: TC_EXIT_REFUSED;
}

/*
 * Reads DIR/trust.cose, which must be signed by the home's CA (ca_pin),
 * and DIR/audit-head.cose, which must be signed by a signer of that trust
 * list, into b->info. Returns an exit status, after printing why a bundle
 * is refused.
 */
static int
read_bundle(
    struct bundle_head *b, const uint8_t ca_pin[TC_TRUST_FPR_LEN], time_t now)
{
	struct tc_buf buf;
	struct tc_trust *trust = NULL;
	char err[512] = "", msg[1024];
	int r, status;

	tc_buf_init(&buf, TC_TRUST_MAX_INPUT + 1);
	if ((r = tc_bundle_read_file(b->dir, TC_BUNDLE_TRUST,
		 TC_TRUST_MAX_INPUT, &buf, err, sizeof(err))) != 0) {
		status = bundle_fail(r, b->dir, err);
		goto out;
	}
	if ((r = tc_trust_load(&trust, buf.data, buf.len, ca_pin, now, err,
		 sizeof(err))) != 0) {
		snprintf(msg, sizeof(msg), "%s: %s%s", TC_BUNDLE_TRUST, err,
		    r == TC_ERR_UNKNOWN_KEY
			? " (not this authority's bundle: its trust list is not signed by this home's CA)"
			: "");
		status = bundle_fail(r, b->dir, msg);
		goto out;
	}
	tc_buf_reset(&buf);
	if ((r = tc_bundle_read_file(b->dir, TC_BUNDLE_AUDIT_HEAD,
		 TC_AUDIT_HEAD_SIG_MAX, &buf, err, sizeof(err))) != 0) {
		if (r == TC_ERR_NOT_FOUND)
			snprintf(err, sizeof(err),
			    "no %s: a bundle published before audit heads were signed, or a verifier's cache (which does not fetch it); give a bundle as published",
			    TC_BUNDLE_AUDIT_HEAD);
		status = bundle_fail(r, b->dir, err);
		goto out;
	}
	if ((r = tc_audit_head_decode(buf.data, buf.len,
		 tc_trust_keyring(trust), now, &b->info, err, sizeof(err))) !=
	    0) {
		snprintf(msg, sizeof(msg), "%s: %s%s", TC_BUNDLE_AUDIT_HEAD,
		    err,
		    r == TC_ERR_BAD_SIGNATURE
			? " (the file was altered after it was signed)"
			: r == TC_ERR_UNKNOWN_KEY
			? " (signed by a key the bundle's trust list does not hold)"
			: "");
		status = bundle_fail(r, b->dir, msg);
		goto out;
	}
	status = TC_EXIT_OK;
out:
	tc_trust_free(trust);
	tc_buf_release(&buf);
	return status;
}

int
tc_issuer_audit_verify_run(const struct tc_args *args)
{
	struct tc_keystore *ks = NULL;
	struct tc_keystore_cert_info ca;
	struct tc_registry *reg = NULL;
	struct tc_audit_report rep;
	struct tc_issuer_expect expect[BUNDLES_MAX + 1];
	struct bundle_head bundles[BUNDLES_MAX];
	char err[2048] = "", machex[2 * TC_AUDIT_MAC_LEN + 1], when[32];
	const char *home_opt = args->home, *home, *expect_text, *v;
	size_t nbundles = 0, nexpect = 0, i;
	int r, json = args->json, status, cursor = 0;
	json_t *o, *a, *bo;

	memset(expect, 0, sizeof(expect));
	expect_text = tc_args_get(args, "expect-head");
	while ((v = tc_args_next(args, "bundle", &cursor)) != NULL) {
		if (nbundles == BUNDLES_MAX)
			return tc_cli_usage(
			    "--bundle may be given at most %d times",
			    BUNDLES_MAX);
		if (*v == '\0')
			return tc_cli_usage("--bundle wants a directory");
		bundles[nbundles++].dir = v;
	}
	if (args->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", args->argv[0]);
	if (expect_text != NULL) {
		if (tc_audit_head_parse(
			expect_text, &expect[0].head, err, sizeof(err)) != 0)
			return tc_cli_usage("--expect-head: %s", err);
		snprintf(expect[0].source, sizeof(expect[0].source),
		    "given with --expect-head");
		nexpect = 1;
	}
	if ((home = tc_cli_home(home_opt)) == NULL)
		return TC_EXIT_USAGE;
	if ((status = tc_issuer_open(
		 home, nbundles > 0 ? &ks : NULL, &reg, 0)) != TC_EXIT_OK)
		return status;
	/* Each bundle is checked before the log is compared with it. */
	if (nbundles > 0)
		tc_keystore_ca_info(ks, &ca);
	for (i = 0; i < nbundles; i++) {
		if ((status = read_bundle(&bundles[i], ca.fingerprint,
			 tc_cli_now())) != TC_EXIT_OK)
			goto out;
		tc_issuer_bundle_expect(
		    &expect[nexpect++], bundles[i].dir, &bundles[i].info);
	}
	r = tc_issuer_check_registry(
	    home, reg, expect, nexpect, &rep, err, sizeof(err));
	if (r != 0 && r != TC_ERR_AUDIT_BROKEN) {
		status = tc_cli_fail(r, "registry", err);
		goto out;
	}
	tc_hex_encode(rep.head.mac, sizeof(rep.head.mac), machex);
	if (json) {
		o = json_pack("{s:b, s:I, s:{s:I, s:s}}", "ok", r == 0,
		    "entries", (json_int_t)rep.entries, "head", "seq",
		    (json_int_t)rep.head.seq, "mac", machex);
		if (o == NULL || (a = json_array()) == NULL ||
		    json_object_set_new(o, "bundles", a) != 0) {
			json_decref(o);
			status = tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
			goto out;
		}
		for (i = 0; i < nbundles; i++) {
			const struct tc_audit_head_info *bi = &bundles[i].info;

			tc_hex_encode(
			    bi->head.mac, sizeof(bi->head.mac), machex);
			bo = json_pack("{s:s, s:I, s:I, s:{s:I, s:s}}", "dir",
			    bundles[i].dir, "publish_seq",
			    (json_int_t)bi->publish_seq, "issued_at",
			    (json_int_t)bi->issued_at, "head", "seq",
			    (json_int_t)bi->head.seq, "mac", machex);
			if (bo == NULL || json_array_append_new(a, bo) != 0) {
				json_decref(o);
				status =
				    tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
				goto out;
			}
		}
		json_object_set_new(o, "first_bad",
		    r == 0 ? json_null()
			   : json_integer((json_int_t)rep.first_bad));
		json_object_set_new(
		    o, "reason", r == 0 ? json_null() : json_string(err));
		tc_cli_print_json(stdout, o);
		json_decref(o);
	} else {
		for (i = 0; i < nbundles; i++) {
			char bmac[2 * TC_AUDIT_MAC_LEN + 1];

			tc_hex_encode(bundles[i].info.head.mac,
			    sizeof(bundles[i].info.head.mac), bmac);
			tc_cli_utc(bundles[i].info.issued_at, when);
			printf("bundle %s: publish %" PRIu64
			       " of %s, audit head %" PRId64 " %s\n",
			    bundles[i].dir, bundles[i].info.publish_seq, when,
			    bundles[i].info.head.seq, bmac);
		}
		if (r == 0)
			printf("audit log OK: %" PRId64
			       " entries, head %" PRId64 " %s\n",
			    rep.entries, rep.head.seq, machex);
		else
			printf("audit log BROKEN at entry %" PRId64 ": %s\n",
			    rep.first_bad, err);
	}
	status = r == 0 ? TC_EXIT_OK : TC_EXIT_REFUSED;
out:
	tc_issuer_close(ks, reg);
	return status;
}

struct list_out {
	json_t *array; /* NULL for text */
	int failed;
};

/* Stored text as printed: control characters become '?'. */
static void
print_clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int
list_one(const struct tc_audit_entry *e, void *arg)
{
	struct list_out *lo = arg;
	char when[32], prev[2 * TC_AUDIT_MAC_LEN + 1];
	char mac[2 * TC_AUDIT_MAC_LEN + 1];
	json_t *o, *detail;

	tc_cli_utc((time_t)e->at, when);
	if (lo->array == NULL) {
		printf("%" PRId64 "  %s  ", e->seq, when);
		print_clean(e->operator_name);
		fputs("  ", stdout);
		print_clean(e->action);
		fputs("  ", stdout);
		print_clean(e->subject[0] != '\0' ? e->subject : "-");
		fputs("  ", stdout);
		print_clean(e->detail);
		putchar('\n');
		return 0;
	}
	tc_hex_encode(e->prev, sizeof(e->prev), prev);
	tc_hex_encode(e->mac, sizeof(e->mac), mac);
	if ((detail = json_loads(e->detail, 0, NULL)) == NULL)
		detail = json_string(e->detail);
	o = json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s?, s:o?, s:s, s:s}",
	    "seq", (json_int_t)e->seq, "at", (json_int_t)e->at, "time", when,
	    "operator", e->operator_name, "action", e->action, "subject",
	    e->subject, "detail", detail, "prev", prev, "mac", mac);
	return tc_cli_json_collect(lo->array, o, &lo->failed);
}

int
tc_issuer_audit_list_run(const struct tc_args *a)
{
	struct tc_registry *reg = NULL;
	struct tc_audit_head head;
	struct list_out lo = { NULL, 0 };
	char err[512] = "";
	const char *home_opt = a->home, *home, *v;
	int64_t limit = 0, from = 0;
	int r, json = a->json, status;

	if ((v = tc_args_get(a, "limit")) != NULL &&
	    parse_num(v, 1, &limit) != 0)
		return tc_cli_usage(
		    "--limit wants a number of entries (1 or more), not '%s'",
		    v);
	if ((v = tc_args_get(a, "from")) != NULL && parse_num(v, 1, &from) != 0)
		return tc_cli_usage(
		    "--from wants a sequence number (1 or more), not '%s'", v);
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((home = tc_cli_home(home_opt)) == NULL)
		return TC_EXIT_USAGE;
	if ((status = tc_issuer_open(home, NULL, &reg, 0)) != TC_EXIT_OK)
		return status;
	if (from == 0) {
		from = 1;
		if (limit > 0) {
			if ((r = tc_registry_audit_head(
				 reg, &head, err, sizeof(err))) != 0) {
				status = tc_cli_fail(r, "audit list", err);
				goto out;
			}
			if (head.seq - limit + 1 > 1)
				from = head.seq - limit + 1;
		}
	}
	if (json && (lo.array = json_array()) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
		goto out;
	}
	r = tc_registry_audit_list(
	    reg, from, limit, list_one, &lo, err, sizeof(err));
	status =
	    tc_cli_list_end(r, "audit list", err, lo.failed, "json", lo.array);
out:
	json_decref(lo.array);
	tc_registry_close(reg);
	return status;
}
