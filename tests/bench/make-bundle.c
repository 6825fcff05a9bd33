/* SPDX-License-Identifier: MIT */
/*
 * make-bundle: a test-side tool for the signed bundle (docs/bundle.md),
 * built with the tests and benchmarks as BUILD/tests/bench/make-bundle.
 * No registry is needed; every card is made up (tests/bench/synth.h).
 *
 *   make-bundle make --out DIR --home HOME --cards N [--seq S]
 *                    [--extra-revoked K] [--now EPOCH]
 *       Writes a synthetic signed bundle of N cards into DIR (made when
 *       missing): trust.cose, revocations.cose, revocations-S.cose,
 *       revocations-since-M.cose for every revocations-M.cose already in
 *       DIR, lookup.cose, lookup-S.bin and lookup.bin. The key store is
 *       HOME/keys, created (ES256) when HOME has none, so the same HOME
 *       signs later runs. S defaults to one more than the newest list in
 *       DIR. K more cards (valid in the snapshot) are listed as revoked, to
 *       give deltas and the revocation override something to do. Prints
 *       key=value lines: home, pepper (HOME/keys/pepper.key: 64 hex
 *       digits), trust, ca_sha256 (the CA pin), seq, cards, revoked, then
 *       valid_card, valid_name, valid_id (a card that answers "valid"),
 *       revoked_card, revoked_name, revoked_id (one revoked in the list),
 *       and the seconds taken. 1,000,000 cards take a few seconds.
 *
 *   make-bundle query --dir DIR --home HOME [--now EPOCH] CARD NAME ID
 *       Loads the bundle in DIR against HOME's CA (trust list, newest full
 *       list, snapshot) and prints the answer:
 *       "RESULT PROGRAMME TIER EXPIRES" or "no-match", or the error.
 *       Exit 0 for an answer, 1 for refused input, 3 for a bad bundle.
 *
 *   make-bundle deltas --dir DIR --home HOME [--now EPOCH]
 *       For every revocations-since-M.cose in DIR, applies it to
 *       revocations-M.cose and checks the result lists the same serials
 *       as revocations.cose with its sequence number. Prints one line per
 *       delta ("delta M -> S ok") and exits 1 when any fails (or there is
 *       none).
 *
 *   make-bundle files --dir DIR --home HOME [--now EPOCH]
 *       Checks every file the snapshot header lists (programmes/X.json)
 *       against its signed SHA-256; one line per file ("NAME ok"), exit 1
 *       when any fails.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/pii.h"
#include "tcard/revocation.h"
#include "tcard/trust.h"

#include "synth.h"

static const char usage[] =
    "usage: make-bundle make --out DIR --home HOME --cards N [--seq S]\n"
    "                        [--extra-revoked K] [--now EPOCH]\n"
    "       make-bundle query --dir DIR --home HOME [--now EPOCH] CARD NAME ID\n"
    "       make-bundle deltas --dir DIR --home HOME [--now EPOCH]\n"
    "       make-bundle files --dir DIR --home HOME [--now EPOCH]\n";

static void
die(const char *what, int r, const char *err)
{
	fprintf(stderr, "make-bundle: %s: %s%s%s\n", what, tc_strerror(r),
	    err && *err ? ": " : "", err ? err : "");
	exit(3);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct opts {
	const char *out, *home;
	unsigned long cards, extra;
	uint64_t seq;
	time_t now;
	int argi;
};

static void
parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->now = time(NULL);
	for (i = 2; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			break;
		if (i + 1 >= argc)
			goto bad;
		if (strcmp(argv[i], "--out") == 0 ||
		    strcmp(argv[i], "--dir") == 0)
			o->out = argv[++i];
		else if (strcmp(argv[i], "--home") == 0)
			o->home = argv[++i];
		else if (strcmp(argv[i], "--cards") == 0)
			o->cards = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--extra-revoked") == 0)
			o->extra = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seq") == 0)
			o->seq = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--now") == 0)
			o->now = (time_t)strtoll(argv[++i], NULL, 10);
		else
			goto bad;
	}
	o->argi = i;
	if (o->out == NULL || o->home == NULL)
		goto bad;
	return;
bad:
	fputs(usage, stderr);
	exit(2);
}

/* The key store of home (made when absent), its signer, pepper, trust. */
struct keys {
	struct tc_keystore *ks;
	struct tc_cose_key *signer;
	struct tc_lookup_key *lkey;
	struct tc_trust *trust;
	struct tc_buf trustbuf;
	uint8_t ca[TC_TRUST_FPR_LEN];
};

static void
open_keys(const char *home, time_t now, int create, struct keys *k)
{
	struct tc_keystore_cert_info ca;
	uint8_t pepper[TC_PII_KEY_LEN];
	char err[512] = "", path[4096];
	struct stat st;
	int r;

	memset(k, 0, sizeof(*k));
	tc_buf_init(&k->trustbuf, TC_TRUST_MAX_INPUT);
	snprintf(path, sizeof(path), "%s/keys/keys.json", home);
	if (create && stat(path, &st) != 0 &&
	    (r = tc_keystore_create(
		 home, TC_KEYALG_ES256, 0, now, err, sizeof(err))) != 0)
		die("key store", r, err);
	if ((r = tc_keystore_open(&k->ks, home, err, sizeof(err))) != 0)
		die("key store", r, err);
	if ((r = tc_keystore_secret(k->ks, TC_SECRET_PEPPER, pepper,
		 sizeof(pepper), err, sizeof(err))) != 0 ||
	    (r = tc_lookup_key_new(&k->lkey, pepper)) != 0)
		die("pepper", r, err);
	OPENSSL_cleanse(pepper, sizeof(pepper));
	tc_keystore_ca_info(k->ks, &ca);
	memcpy(k->ca, ca.fingerprint, sizeof(k->ca));
	if (create) {
		if ((r = tc_keystore_signer(
			 k->ks, &k->signer, err, sizeof(err))) != 0)
			die("signer", r, err);
		if ((r = tc_keystore_export_trust(
			 k->ks, now, &k->trustbuf, err, sizeof(err))) != 0)
			die("trust list", r, err);
	}
}

static void
close_keys(struct keys *k)
{
	tc_trust_free(k->trust);
	tc_buf_release(&k->trustbuf);
	tc_lookup_key_free(k->lkey);
	tc_cose_key_free(k->signer);
	tc_keystore_free(k->ks);
}

static void
load_trust(const char *dir, time_t now, struct keys *k)
{
	char err[512] = "";
	int r;

	tc_buf_reset(&k->trustbuf);
	if ((r = tc_bundle_read_file(dir, TC_BUNDLE_TRUST, TC_TRUST_MAX_INPUT,
		 &k->trustbuf, err, sizeof(err))) != 0 ||
	    (r = tc_trust_load(&k->trust, k->trustbuf.data, k->trustbuf.len,
		 k->ca, now, err, sizeof(err))) != 0)
		die("trust list", r, err);
}

static struct tc_revocations *
load_list(const char *dir, const char *name, const struct keys *k, time_t now)
{
	struct tc_revocations *rev = NULL;
	struct tc_buf b;
	char err[512] = "";
	int r;

	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	if ((r = tc_bundle_read_file(
		 dir, name, TC_REV_MAX_INPUT, &b, err, sizeof(err))) != 0 ||
	    (r = tc_revocations_load(&rev, b.data, b.len,
		 tc_trust_keyring(k->trust), now, err, sizeof(err))) != 0)
		die(name, r, err);
	tc_buf_release(&b);
	return rev;
}

/* N of every DIR entry named prefix N suffix, in *out (malloc'd). */
static size_t
list_seqs(const char *dir, const char *prefix, uint64_t **out)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0, lp = strlen(prefix);
	uint64_t *v = NULL, *nv;
	char *end;
	unsigned long long x;

	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, lp) != 0 ||
		    de->d_name[lp] < '1' || de->d_name[lp] > '9')
			continue;
		x = strtoull(de->d_name + lp, &end, 10);
		if (strcmp(end, ".cose") != 0)
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			abort();
		v = nv;
		v[n++] = x;
	}
	closedir(d);
	*out = v;
	return n;
}

/*
 * The start of the commands that read a bundle (query, deltas, files): the
 * options parsed into o (OUT) with nargs arguments after them, the keys of
 * o->home opened and the bundle's trust list loaded into k (OUT). Returns
 * 0, or 2 after printing the usage.
 */
static int
open_bundle(int argc, char **argv, int nargs, struct opts *o, struct keys *k)
{
	parse(argc, argv, o);
	if (argc - o->argi != nargs) {
		fputs(usage, stderr);
		return 2;
	}
	open_keys(o->home, o->now, 0, k);
	load_trust(o->out, o->now, k);
	return 0;
}

static int
cmd_make(int argc, char **argv)
{
	struct opts o;
	struct keys k;
	struct tc_buf data, sig, full, delta;
	struct tc_revocations *now_rev = NULL, *old;
	struct synth_card c;
	uint32_t *revoked = NULL, *rv, i, valid = UINT32_MAX, rev1 = UINT32_MAX;
	unsigned long extra;
	size_t nrevoked = 0, nolds, j;
	uint64_t *olds;
	char err[512] = "", name[TC_BUNDLE_NAME_MAX], hex[65];
	double t0 = mono(), t1;
	int r;

	parse(argc, argv, &o);
	if (o.cards == 0 || o.cards > TC_LOOKUP_MAX_COUNT || o.argi != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (mkdir(o.out, 0755) != 0 && errno != EEXIST)
		die(o.out, TC_ERR_IO, strerror(errno));
	open_keys(o.home, o.now, 1, &k);
	if ((r = tc_trust_load(&k.trust, k.trustbuf.data, k.trustbuf.len, k.ca,
		 o.now, err, sizeof(err))) != 0)
		die("trust list", r, err);
	nolds = list_seqs(o.out, "revocations-", &olds);
	if (o.seq == 0) {
		o.seq = 1;
		for (j = 0; j < nolds; j++)
			if (olds[j] >= o.seq)
				o.seq = olds[j] + 1;
	}
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	tc_buf_init(&full, TC_REV_MAX_INPUT);
	tc_buf_init(&delta, TC_REV_MAX_INPUT);
	if ((r = synth_build(k.lkey, (uint32_t)o.cards, o.now, o.seq, k.signer,
		 &data, &sig, &revoked, &nrevoked, err, sizeof(err))) != 0)
		die("snapshot", r, err);
	t1 = mono();
	/* K more cards, valid in the snapshot, revoked after it. */
	if ((rv = realloc(revoked, (nrevoked + o.extra + 1) * sizeof(*rv))) ==
	    NULL)
		abort();
	revoked = rv;
	for (i = 0, extra = 0; i < o.cards && extra < o.extra; i++) {
		synth_card(i, o.now, &c);
		if (c.status != TC_CARD_ISSUED || c.expires_at <= o.now + 86400)
			continue;
		revoked[nrevoked++] = i + 1;
		if (rev1 == UINT32_MAX)
			rev1 = i;
		extra++;
	}
	/* A card that answers "valid", from the middle on. */
	for (i = i > o.cards / 2 ? i : (uint32_t)(o.cards / 2); i < o.cards;
	     i++) {
		synth_card(i, o.now, &c);
		if (c.status == TC_CARD_ISSUED &&
		    c.expires_at > o.now + 86400) {
			valid = i;
			break;
		}
	}
	for (i = 0; i < o.cards && rev1 == UINT32_MAX; i++) {
		synth_card(i, o.now, &c);
		if (c.in_revocations)
			rev1 = i;
	}
	if ((r = tc_revocations_encode(&full, o.seq, o.now, o.now + 86400,
		 revoked, nrevoked, k.signer, err, sizeof(err))) != 0 ||
	    (r = tc_revocations_load(&now_rev, full.data, full.len,
		 tc_trust_keyring(k.trust), o.now, err, sizeof(err))) != 0)
		die("revocation list", r, err);
	if ((r = tc_bundle_write_file(o.out, TC_BUNDLE_TRUST, k.trustbuf.data,
		 k.trustbuf.len, err, sizeof(err))) != 0)
		die(o.out, r, err);
	snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
	    (unsigned long long)o.seq);
	if ((r = tc_bundle_write_file(
		 o.out, name, full.data, full.len, err, sizeof(err))) != 0)
		die(o.out, r, err);
	for (j = 0; j < nolds; j++) {
		if (olds[j] >= o.seq)
			continue;
		snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
		    (unsigned long long)olds[j]);
		old = load_list(o.out, name, &k, o.now);
		tc_buf_reset(&delta);
		if ((r = tc_revocations_delta_make(&delta, old, now_rev,
			 k.signer, err, sizeof(err))) != 0)
			die("delta", r, err);
		tc_revocations_free(old);
		snprintf(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
		    (unsigned long long)olds[j]);
		if ((r = tc_bundle_write_file(o.out, name, delta.data,
			 delta.len, err, sizeof(err))) != 0)
			die(o.out, r, err);
	}
	snprintf(name, sizeof(name), TC_BUNDLE_LOOKUP_FMT,
	    (unsigned long long)o.seq);
	if ((r = tc_bundle_write_file(
		 o.out, name, data.data, data.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(o.out, TC_BUNDLE_LOOKUP, data.data,
		 data.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(o.out, TC_BUNDLE_LOOKUP_SIG, sig.data,
		 sig.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(o.out, TC_BUNDLE_REVOCATIONS, full.data,
		 full.len, err, sizeof(err))) != 0)
		die(o.out, r, err);
	for (j = 0; j < TC_TRUST_FPR_LEN; j++)
		snprintf(hex + 2 * j, 3, "%02x", k.ca[j]);
	printf("home=%s\npepper=%s/keys/pepper.key\ntrust=%s/%s\n"
	       "ca_sha256=%s\nseq=%" PRIu64 "\ncards=%lu\nrevoked=%zu\n",
	    o.home, o.home, o.out, TC_BUNDLE_TRUST, hex, o.seq, o.cards,
	    nrevoked);
	if (valid != UINT32_MAX) {
		synth_card(valid, o.now, &c);
		printf("valid_card=%s\nvalid_name=%s\nvalid_id=%s\n", c.card,
		    c.name, c.id);
	}
	if (rev1 != UINT32_MAX) {
		synth_card(rev1, o.now, &c);
		printf("revoked_card=%s\nrevoked_name=%s\nrevoked_id=%s\n",
		    c.card, c.name, c.id);
	}
	printf(
	    "build_seconds=%.2f\ntotal_seconds=%.2f\n", t1 - t0, mono() - t0);
	free(olds);
	free(revoked);
	tc_revocations_free(now_rev);
	tc_buf_release(&data);
	tc_buf_release(&sig);
	tc_buf_release(&full);
	tc_buf_release(&delta);
	close_keys(&k);
	return 0;
}

static int
cmd_query(int argc, char **argv)
{
	struct opts o;
	struct keys k;
	struct tc_lookup *lk = NULL;
	struct tc_revocations *rev;
	struct tc_lookup_answer a;
	uint8_t pepper[TC_PII_KEY_LEN];
	char err[512] = "";
	int r;

	if (open_bundle(argc, argv, 3, &o, &k) != 0)
		return 2;
	rev = load_list(o.out, TC_BUNDLE_REVOCATIONS, &k, o.now);
	if ((r = tc_lookup_open(&lk, o.out, tc_trust_keyring(k.trust), o.now,
		 err, sizeof(err))) != 0)
		die("lookup", r, err);
	if ((r = tc_keystore_secret(k.ks, TC_SECRET_PEPPER, pepper,
		 sizeof(pepper), err, sizeof(err))) != 0)
		die("pepper", r, err);
	/* The raw-pepper entry point, as a simple caller would use it. */
	r = tc_lookup_query(lk, pepper, argv[o.argi], argv[o.argi + 1],
	    argv[o.argi + 2], rev, o.now, &a, err, sizeof(err));
	OPENSSL_cleanse(pepper, sizeof(pepper));
	if (r != 0)
		printf("error %s: %s\n", tc_errname(r), err);
	else if (a.result == TC_LOOKUP_NO_MATCH)
		printf("no-match\n");
	else
		printf("%s %s %s %lld\n", tc_lookup_result_name(a.result),
		    a.programme, a.tier, (long long)a.expires_at);
	tc_lookup_free(lk);
	tc_revocations_free(rev);
	close_keys(&k);
	return r != 0;
}

static int
cmd_deltas(int argc, char **argv)
{
	struct opts o;
	struct keys k;
	struct tc_revocations *cur, *old;
	struct tc_buf b;
	uint64_t *since;
	size_t n, j, bad = 0;
	char err[512] = "", name[TC_BUNDLE_NAME_MAX];
	int r;

	if (open_bundle(argc, argv, 0, &o, &k) != 0)
		return 2;
	cur = load_list(o.out, TC_BUNDLE_REVOCATIONS, &k, o.now);
	n = list_seqs(o.out, "revocations-since-", &since);
	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	for (j = 0; j < n; j++) {
		snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
		    (unsigned long long)since[j]);
		old = load_list(o.out, name, &k, o.now);
		snprintf(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
		    (unsigned long long)since[j]);
		tc_buf_reset(&b);
		if ((r = tc_bundle_read_file(o.out, name, TC_REV_MAX_INPUT, &b,
			 err, sizeof(err))) != 0 ||
		    (r = tc_revocations_apply_delta(&old, b.data, b.len,
			 tc_trust_keyring(k.trust), o.now, err, sizeof(err))) !=
			0) {
			printf("delta %" PRIu64 ": %s: %s\n", since[j],
			    tc_errname(r), err);
			bad++;
		} else if (tc_revocations_seq(old) != tc_revocations_seq(cur) ||
		    !tc_revocations_equal(old, cur)) {
			printf("delta %" PRIu64 " -> %" PRIu64
			       ": differs from the full list %" PRIu64 "\n",
			    since[j], tc_revocations_seq(old),
			    tc_revocations_seq(cur));
			bad++;
		} else
			printf("delta %" PRIu64 " -> %" PRIu64 " ok\n",
			    since[j], tc_revocations_seq(old));
		tc_revocations_free(old);
	}
	tc_buf_release(&b);
	free(since);
	tc_revocations_free(cur);
	close_keys(&k);
	return bad == 0 && n > 0 ? 0 : 1;
}

static int
cmd_files(int argc, char **argv)
{
	struct opts o;
	struct keys k;
	struct tc_lookup *lk = NULL;
	struct tc_buf b;
	const char *name;
	size_t i, bad = 0;
	char err[512] = "";
	int r;

	if (open_bundle(argc, argv, 0, &o, &k) != 0)
		return 2;
	if ((r = tc_lookup_open(&lk, o.out, tc_trust_keyring(k.trust), o.now,
		 err, sizeof(err))) != 0)
		die("lookup", r, err);
	tc_buf_init(&b, 4u << 20);
	for (i = 0; i < tc_lookup_file_count(lk); i++) {
		char dir[4200];
		const char *slash;

		if (tc_lookup_file(lk, i, &name, NULL) != 0)
			abort();
		slash = strrchr(name, '/');
		snprintf(dir, sizeof(dir), "%s/%.*s", o.out,
		    (int)(slash - name), name);
		tc_buf_reset(&b);
		if ((r = tc_bundle_read_file(dir, slash + 1, 4u << 20, &b, err,
			 sizeof(err))) != 0 ||
		    (r = tc_lookup_file_check(
			 lk, name, b.data, b.len, err, sizeof(err))) != 0) {
			printf("%s: %s: %s\n", name, tc_errname(r), err);
			bad++;
		} else
			printf("%s ok\n", name);
	}
	tc_buf_release(&b);
	tc_lookup_free(lk);
	close_keys(&k);
	return bad == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "make") == 0)
		return cmd_make(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "query") == 0)
		return cmd_query(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "deltas") == 0)
		return cmd_deltas(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "files") == 0)
		return cmd_files(argc, argv);
	fputs(usage, stderr);
	return 2;
}
