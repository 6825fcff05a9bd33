/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer publish: writes the signed bundle (include/tcard/bundle.h)
 * into a directory that any static web server can serve: the trust list,
 * the full revocation list with a new sequence number (shared with
 * `tcard-issuer revocations` through HOME/revocations.seq), deltas from
 * the last full lists kept in the directory, the lookup snapshot and the
 * programme files the cards use. Everything is built and checked in memory
 * first (the lists and snapshot are loaded back against the trust list,
 * each delta applied to its old list must give the new one); then files
 * are written by temporary file and rename in an order that lets a reader
 * poll the directory at any moment (docs/bundle.md, "Publish order").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "card-cli.h"
#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/lifecycle.h"
#include "tcard/name.h"
#include "tcard/pii.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/revocation.h"
#include "tcard/trust.h"

#define SEQ_FILE     "revocations.seq"
#define KEEP_DEFAULT 8
#define KEEP_MAX     64
#define LOOKUP_KEEP  2 /* data files kept: the new one and the one before */
/* HOME is not under the publish lock: its temporaries must be this old. */
#define HOME_TEMP_AGE 600

static const char help[] =
    "NAME\n"
    "    tcard-issuer publish - write the signed bundle for verifiers\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer publish --out DIR [--next-update HOURS] [--keep N]\n"
    "                         [--trust FILE] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes into DIR (made when missing) the files that verifiers\n"
    "    (tcard-verifierd) pull; any static web server can serve DIR:\n"
    "      trust.cose                  the signed trust list\n"
    "      revocations.cose            the full revocation list, new\n"
    "                                  sequence number SEQ\n"
    "      revocations-SEQ.cose        the same list, kept for deltas\n"
    "      revocations-since-N.cose    delta from list N to SEQ, for the\n"
    "                                  last N kept lists\n"
    "      lookup.cose, lookup-SEQ.bin the lookup snapshot: per card its\n"
    "                                  status, programme, tier, expiry and\n"
    "                                  a keyed tag of card number, name and\n"
    "                                  ID number (no name, no ID number)\n"
    "      lookup.bin                  a hard link to lookup-SEQ.bin\n"
    "      programmes/*.json           the programmes the cards use,\n"
    "                                  listed with their SHA-256 in\n"
    "                                  lookup.cose\n"
    "      audit-head.cose             the registry's audit head (entry\n"
    "                                  number and MAC of the last audit\n"
    "                                  entry) signed; verifiers ignore it,\n"
    "                                  'audit verify --bundle DIR' checks\n"
    "                                  the log against it\n"
    "    SEQ is one more than the larger of HOME/revocations.seq (shared\n"
    "    with 'tcard-issuer revocations') and the newest list in DIR; it is\n"
    "    recorded before any file is written. Issued-at is now, next-update\n"
    "    now + HOURS. Everything is checked against the trust list before\n"
    "    it is written; files are replaced by rename, revocations.cose\n"
    "    last, so a reader never sees a bundle that does not verify.\n"
    "    Older lists, deltas and snapshot data files beyond the kept ones\n"
    "    are removed. The trust list is exported from the key store (this\n"
    "    needs ca.key) unless --trust gives one. Prints one line:\n"
    "    'published bundle SEQ to DIR: C cards, R revoked, D deltas'.\n"
    "    Formats: docs/bundle.md.\n"
    "\n"
    "    Nothing is published from a registry that SQLite's integrity check\n"
    "    finds damaged or whose audit log does not verify (see 'tcard-issuer\n"
    "    audit verify'), or no longer holds the head that the last publish\n"
    "    to DIR signed into DIR/audit-head.cose. A publish holds a lock\n"
    "    (flock) on DIR: a second one to the same DIR meanwhile is refused.\n"
    "    It first removes the temporary files that killed runs left\n"
    "    (.NAME.XXXXXX) in DIR, DIR/programmes and, when older than ten\n"
    "    minutes, in HOME. At the end it records the audit head in\n"
    "    HOME/audit.head, which 'audit verify' checks. HOME/audit.head sits\n"
    "    next to the registry, so whoever can rewrite the one can rewrite\n"
    "    the other; the signed copy in DIR/audit-head.cose leaves the\n"
    "    machine with the bundle: keep copies of published bundles (the web\n"
    "    server's, an archive) and check the log against them with\n"
    "    'tcard-issuer audit verify --bundle DIR'.\n"
    "\n"
    "OPTIONS\n"
    "    --out DIR            the bundle directory\n"
    "    --next-update HOURS  1 to 8760 (default 24)\n"
    "    --keep N             full lists kept for deltas, 1 to 64\n"
    "                         (default 8)\n"
    "    --trust FILE         a signed trust list (tcard-keys\n"
    "                         export-trust) to publish instead of\n"
    "                         exporting one; checked against the CA\n"
    "    --home DIR           the authority's home (default $TCARD_HOME)\n"
    "\n" TC_LC_ENV "\n"
    "EXIT STATUS\n"
    "    0 published; 2 usage error; 3 environment (keys, registry, a\n"
    "    damaged registry or audit log, directory, another publish to DIR\n"
    "    running, a trust list that does not hold the signer); 4\n"
    "    internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer publish --out /srv/www/tcard\n"
    "    tcard-issuer publish --out /srv/www/tcard --next-update 6 --keep 24\n";

struct pub {
	struct tc_session *s;
	struct tc_lookup_key *key;
	struct tc_lookup_builder *b;
	uint32_t *revoked;
	size_t nrevoked, alloc;
	size_t ncards;
	const char *used[TC_PROGRAMME_SET_MAX]; /* programme ids, borrowed */
	size_t nused;
	struct tc_buf name;
	char err[512];
	int r;
};

/* An earlier full list found in DIR. */
struct old {
	uint64_t seq;
	struct tc_revocations *rev;
	struct tc_buf delta;
};

/*
 * Prints a failure and returns its exit status: what publish needs that is
 * missing or wrong (keys, trust list, registry, directory) is the
 * environment's (3), whatever the code; internal failures stay 4.
 */
static int
env_fail(int code, const char *what, const char *msg)
{
	int status = tc_cli_fail(code, what, msg);

	return status == TC_EXIT_INTERNAL ? status : TC_EXIT_ENV;
}

static int
add_card(const struct tc_card_state *c, void *arg)
{
	struct pub *p = arg;
	struct tc_holder h;
	struct tc_lookup_entry e;
	uint32_t *np;
	size_t i;
	int r;

	if (c->card.status == TC_CARD_REVOKED) {
		if (p->nrevoked == p->alloc) {
			p->alloc = p->alloc ? p->alloc * 2 : 256;
			np = realloc(p->revoked, p->alloc * sizeof(*np));
			if (np == NULL)
				return TC_ERR_NOMEM;
			p->revoked = np;
		}
		p->revoked[p->nrevoked++] = (uint32_t)c->card.serial;
	}
	memset(&e, 0, sizeof(e));
	if ((r = tc_registry_holder_get(p->s->reg, c->card.holder_id, &h,
		 p->err, sizeof(p->err))) != 0)
		return r;
	/*
	 * The registry's id_mac is HMAC(pepper, normalised number); the
	 * holder's number is opened from its sealed copy and MAC'd again to
	 * the same bytes, then wiped.
	 */
	tc_buf_reset(&p->name);
	if ((r = tc_lookup_key_id_mac(p->key, h.id_number, e.id_mac)) != 0 ||
	    (r = tc_name_normalise(h.name, strlen(h.name), &p->name, p->err,
		 sizeof(p->err))) != 0 ||
	    (r = tc_lookup_key_name_mac(
		 p->key, (const char *)p->name.data, e.name_mac)) != 0) {
		if (p->err[0] == '\0')
			snprintf(p->err, sizeof(p->err), "MAC failed");
		tc_holder_release(&h);
		return r;
	}
	tc_holder_release(&h);
	e.card_no = c->card.card_no;
	e.status = c->card.status;
	e.programme = c->card.programme;
	e.tier = c->card.tier;
	e.expires_at = c->card.expires_at;
	r = tc_lookup_builder_add(p->b, &e, p->err, sizeof(p->err));
	OPENSSL_cleanse(&e, sizeof(e));
	if (r != 0)
		return r;
	p->ncards++;
	for (i = 0; i < p->nused; i++)
		if (strcmp(p->used[i], c->card.programme) == 0)
			return 0;
	for (i = 0; i < tc_programme_set_count(p->s->progs); i++) {
		const struct tc_programme *pr =
		    tc_programme_set_at(p->s->progs, i);

		if (strcmp(pr->id, c->card.programme) == 0 &&
		    p->nused < TC_PROGRAMME_SET_MAX) {
			p->used[p->nused++] = pr->id;
			return 0;
		}
	}
	/* A card of a programme the home no longer has: published anyway. */
	return 0;
}

/* N when name is exactly fmt with a decimal N (no sign, no zero pad). */
static int
name_seq(
    const char *name, const char *prefix, const char *suffix, uint64_t *seq)
{
	size_t lp = strlen(prefix), ls = strlen(suffix), n = strlen(name), i;
	uint64_t v = 0;

	if (n <= lp + ls || strncmp(name, prefix, lp) != 0 ||
	    strcmp(name + n - ls, suffix) != 0 || name[lp] == '0' ||
	    n - lp - ls > 19)
		return 0;
	for (i = lp; i < n - ls; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*seq = v;
	return 1;
}

static int
by_seq_desc(const void *a, const void *b)
{
	const struct old *x = a, *y = b;

	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/*
 * Loads the earlier full lists revocations-N.cose of DIR (at most
 * KEEP_MAX + 1 of the newest; a list that no longer verifies is skipped
 * with a warning: no delta is made from it).
 */
static int
load_olds(const char *dir, const struct tc_cose_keyring *kr, time_t now,
    struct old *olds, size_t *nolds, uint64_t *newest)
{
	struct old found[KEEP_MAX * 4];
	struct tc_buf b;
	DIR *d;
	struct dirent *de;
	size_t n = 0, i, k = 0;
	uint64_t v;
	char err[512], name[TC_BUNDLE_NAME_MAX];
	int r;

	*nolds = 0;
	*newest = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : TC_ERR_IO;
	while ((de = readdir(d)) != NULL) {
		if (!name_seq(de->d_name, "revocations-", ".cose", &v))
			continue;
		if (v > *newest)
			*newest = v;
		if (n < sizeof(found) / sizeof(found[0])) {
			found[n].seq = v;
			n++;
		} else {
			/* Replace the oldest found so far. */
			for (i = 0, k = 0; i < n; i++)
				if (found[i].seq < found[k].seq)
					k = i;
			if (v > found[k].seq)
				found[k].seq = v;
		}
	}
	closedir(d);
	qsort(found, n, sizeof(found[0]), by_seq_desc);
	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	for (i = 0, k = 0; i < n && k < KEEP_MAX; i++) {
		snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
		    (unsigned long long)found[i].seq);
		tc_buf_reset(&b);
		memset(&olds[k], 0, sizeof(olds[k]));
		if ((r = tc_bundle_read_file(dir, name, TC_REV_MAX_INPUT, &b,
			 err, sizeof(err))) != 0 ||
		    (r = tc_revocations_load(&olds[k].rev, b.data, b.len, kr,
			 now, err, sizeof(err))) != 0) {
			fprintf(stderr,
			    "tcard-issuer publish: warning: %s/%s: %s; no delta from it\n",
			    dir, name, err);
			continue;
		}
		if (tc_revocations_seq(olds[k].rev) != found[i].seq) {
			fprintf(stderr,
			    "tcard-issuer publish: warning: %s/%s holds list %" PRIu64
			    "; no delta from it\n",
			    dir, name, tc_revocations_seq(olds[k].rev));
			tc_revocations_free(olds[k].rev);
			olds[k].rev = NULL;
			continue;
		}
		olds[k].seq = found[i].seq;
		k++;
	}
	tc_buf_release(&b);
	*nolds = k;
	return 0;
}

/* The newest full list in DIR/revocations.cose, if it verifies. */
static uint64_t
current_seq(const char *dir, const struct tc_cose_keyring *kr, time_t now)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint64_t seq = 0;

	tc_buf_init(&b, TC_REV_MAX_INPUT + 1);
	if (tc_bundle_read_file(dir, TC_BUNDLE_REVOCATIONS, TC_REV_MAX_INPUT,
		&b, NULL, 0) == 0 &&
	    tc_revocations_load(&rev, b.data, b.len, kr, now, NULL, 0) == 0)
		seq = tc_revocations_seq(rev);
	tc_revocations_free(rev);
	tc_buf_release(&b);
	return seq;
}

/* Reads the file at path whole (at most max bytes) into b. */
static int
read_path(
    const char *path, size_t max, struct tc_buf *b, char *err, size_t errlen)
{
	FILE *f;
	size_t n;
	int r = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return tc_seterr(err, errlen,
		    errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s",
		    strerror(errno));
	for (;;) {
		if ((r = tc_buf_reserve(b, 4096)) != 0) {
			r = tc_seterr(err, errlen, r, "over %zu bytes", max);
			break;
		}
		n = fread(b->data + b->len, 1, 4096, f);
		b->len += n;
		if (b->len > max) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "over %zu bytes", max);
			break;
		}
		if (n < 4096) {
			if (ferror(f))
				r = tc_seterr(
				    err, errlen, TC_ERR_IO, "read error");
			break;
		}
	}
	fclose(f);
	if (b->data != NULL)
		b->data[b->len] = '\0';
	return r;
}

/* A programme file to publish: read once, listed, then written. */
struct pfile {
	const char *base; /* borrowed from the programme's file path */
	struct tc_buf data;
};

/*
 * Makes DIR/lookup.bin a hard link to DIR/NAME atomically: a link under a
 * temporary name, renamed over lookup.bin. A file system without hard
 * links gets a copy.
 */
static int
link_lookup(const char *dir, const char *name, const struct tc_buf *data,
    char *err, size_t errlen)
{
	char from[PATH_MAX], tmp[PATH_MAX], to[PATH_MAX];

	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.link-%ld", dir, TC_BUNDLE_LOOKUP,
	    (long)getpid());
	snprintf(to, sizeof(to), "%s/%s", dir, TC_BUNDLE_LOOKUP);
	(void)unlink(tmp);
	if (link(from, tmp) == 0) {
		if (rename(tmp, to) == 0)
			return 0;
		(void)unlink(tmp);
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", to, strerror(errno));
	}
	return tc_bundle_write_file(
	    dir, TC_BUNDLE_LOOKUP, data->data, data->len, err, errlen);
}

/*
 * Removes what the new bundle no longer refers to: full lists and deltas
 * of sequence numbers outside keep (the new list included), snapshot data
 * files but the newest LOOKUP_KEEP, and temporary files of interrupted
 * runs. Failures only warn.
 */
static void
prune(const char *dir, const uint64_t *kept, size_t nkept, uint64_t seq)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	uint64_t v;
	size_t i;
	int drop;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		drop = 0;
		if (name_seq(de->d_name, "revocations-since-", ".cose", &v)) {
			drop = 1;
			for (i = 0; i < nkept; i++)
				drop &= kept[i] != v;
		} else if (name_seq(de->d_name, "revocations-", ".cose", &v)) {
			drop = v != seq;
			for (i = 0; i < nkept; i++)
				drop &= kept[i] != v;
		} else if (name_seq(de->d_name, "lookup-", ".bin", &v)) {
			drop = v + LOOKUP_KEEP <= seq;
		}
		if (!drop)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) != 0)
			fprintf(stderr,
			    "tcard-issuer publish: warning: %s: %s\n", path,
			    strerror(errno));
	}
	closedir(d);
}

/*
 * Locks DIR itself (flock on the directory, exclusive, without waiting;
 * no lock file lands among the bundle's files) so that two publishes never
 * write one directory at once, and so that whatever temporary file is
 * found there afterwards is a dead run's. Returns the descriptor (closed
 * at exit, which releases the lock) or -1 with a message in err.
 */
static int
lock_dir(const char *dir, char *err, size_t errlen)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		tc_seterr(err, errlen, TC_ERR_IO,
		    errno == EWOULDBLOCK
			? "another publish to this directory is running (it holds a lock on %s); try again when it is done"
			: "%s: cannot lock it",
		    dir);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Removes the temporary files that killed runs left behind: all of them
 * in DIR and DIR/programmes (the lock says no publish is writing there),
 * and in HOME only those older than HOME_TEMP_AGE seconds (another
 * publish to another directory may be writing HOME/revocations.seq).
 * Failures only warn.
 */
static void
clean_temp(const char *home, const char *dir, const char *pdir)
{
	const char *dirs[3] = { dir, pdir, home };
	time_t t = time(NULL);
	char err[512];
	size_t i, n, total = 0;

	for (i = 0; i < 3; i++) {
		if (tc_bundle_clean_temp(dirs[i],
			i == 2 ? t - HOME_TEMP_AGE : t, &n, err,
			sizeof(err)) != 0)
			fprintf(
			    stderr, "tcard-issuer publish: warning: %s\n", err);
		total += n;
	}
	if (total > 0)
		fprintf(stderr,
		    "tcard-issuer publish: removed %zu temporary file%s of an interrupted earlier run\n",
		    total, total == 1 ? "" : "s");
}

/*
 * The audit head signed into the bundle now in DIR (the last publish to
 * it), as a head the log must still hold: returns 1 with *e filled, or 0
 * when DIR has none. One that does not verify with the trust list being
 * published (altered, or its signer is no longer listed) is not
 * compared, with a warning: `audit verify --bundle` on a copy made
 * elsewhere is the check that counts (docs/bundle.md, "Audit head").
 */
static size_t
prev_head(const char *dir, const struct tc_cose_keyring *kr, time_t now,
    struct tc_issuer_expect *e)
{
	struct tc_audit_head_info info;
	struct tc_buf b;
	char err[512];
	size_t n = 0;
	int r;

	memset(e, 0, sizeof(*e));
	tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX + 1);
	r = tc_bundle_read_file(dir, TC_BUNDLE_AUDIT_HEAD,
	    TC_AUDIT_HEAD_SIG_MAX, &b, err, sizeof(err));
	if (r == 0)
		r = tc_audit_head_decode(
		    b.data, b.len, kr, now, &info, err, sizeof(err));
	if (r == 0) {
		tc_issuer_bundle_expect(e, dir, &info);
		n = 1;
	} else if (r != TC_ERR_NOT_FOUND)
		fprintf(stderr,
		    "tcard-issuer publish: warning: %s/%s: %s; the log is not compared with it (it is replaced)\n",
		    dir, TC_BUNDLE_AUDIT_HEAD, err);
	tc_buf_release(&b);
	return n;
}

static const struct tc_opt publish_opts[] = {
	{ "out", TC_OPT_VALUE, NULL },
	{ "next-update", TC_OPT_VALUE, NULL },
	{ "keep", TC_OPT_VALUE, NULL },
	{ "trust", TC_OPT_VALUE, NULL },
	{ NULL },
};

static int
exec_publish(const struct tc_args *a)
{
	struct tc_session s;
	struct pub p;
	struct old olds[KEEP_MAX];
	struct pfile pf[TC_PROGRAMME_SET_MAX];
	struct tc_keystore *ks = NULL;
	struct tc_keystore_cert_info ca;
	struct tc_cose_key *signer = NULL;
	struct tc_trust *trust = NULL;
	const struct tc_cose_keyring *kr;
	struct tc_revocations *now_rev = NULL, *check = NULL;
	struct tc_lookup *lk = NULL;
	struct tc_audit_report rep;
	struct tc_audit_head_info ahead;
	struct tc_buf tbuf, full, data, sig, abuf;
	uint8_t pepper[TC_PII_KEY_LEN];
	uint64_t seq, dir_seq, newest_old, kept[KEEP_MAX];
	const char *home = a->home, *outdir, *trustfile, *v;
	struct tc_issuer_expect prev;
	char err[2048], path[PATH_MAX], pdir[PATH_MAX],
	    name[TC_BUNDLE_NAME_MAX];
	char seqtext[32], *end;
	size_t nolds = 0, nkeep, i, nkept = 0, npf = 0, nprev;
	long hours = 24, keep = KEEP_DEFAULT;
	int r, status = TC_EXIT_INTERNAL, opened = 0, lockfd = -1;

	memset(&p, 0, sizeof(p));
	memset(olds, 0, sizeof(olds));
	tc_buf_init(&p.name, 4 * TC_NAME_IN_MAX);
	tc_buf_init(&tbuf, TC_TRUST_MAX_INPUT + 4096);
	tc_buf_init(&full, TC_REV_MAX_INPUT);
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	tc_buf_init(&abuf, TC_AUDIT_HEAD_SIG_MAX);
	outdir = tc_args_get(a, "out");
	trustfile = tc_args_get(a, "trust");
	if ((v = tc_args_get(a, "next-update")) != NULL) {
		errno = 0;
		hours = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || hours < 1 || hours > 8760)
			return tc_cli_usage(
			    "--next-update takes 1 to 8760 hours");
	}
	if ((v = tc_args_get(a, "keep")) != NULL) {
		errno = 0;
		keep = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || keep < 1 || keep > KEEP_MAX)
			return tc_cli_usage("--keep takes 1 to %d", KEEP_MAX);
	}
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", a->argv[0]);
	if (outdir == NULL || *outdir == '\0')
		return tc_cli_usage("--out DIR is required");
	if (strlen(outdir) > PATH_MAX - 2 * TC_BUNDLE_NAME_MAX)
		return tc_cli_usage("--out: path too long");
	if ((status = tc_session_open(&s, home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	opened = 1;
	p.s = &s;
	status = TC_EXIT_ENV;

	/* The directory, its lock, and what killed runs left there. */
	snprintf(pdir, sizeof(pdir), "%s/%s", outdir, TC_BUNDLE_PROGRAMMES);
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		status = env_fail(TC_ERR_IO, outdir, strerror(errno));
		goto out;
	}
	if ((lockfd = lock_dir(outdir, err, sizeof(err))) < 0) {
		status = env_fail(TC_ERR_IO, outdir, err);
		goto out;
	}
	clean_temp(s.home, outdir, pdir);

	/* Keys: the signer, the pepper and the trust list. */
	if ((status = tc_issuer_open(s.home, &ks, NULL, 0)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_keystore_signer(ks, &signer, err, sizeof(err))) != 0) {
		status = env_fail(r, "signer", err);
		goto out;
	}
	if ((r = tc_keystore_secret(ks, TC_SECRET_PEPPER, pepper,
		 sizeof(pepper), err, sizeof(err))) != 0) {
		status = env_fail(r, "pepper", err);
		goto out;
	}
	r = tc_lookup_key_new(&p.key, pepper);
	OPENSSL_cleanse(pepper, sizeof(pepper));
	if (r != 0) {
		status = env_fail(r, "pepper", NULL);
		goto out;
	}
	if (trustfile != NULL)
		r = read_path(
		    trustfile, TC_TRUST_MAX_INPUT, &tbuf, err, sizeof(err));
	else
		r = tc_keystore_export_trust(
		    ks, s.now, &tbuf, err, sizeof(err));
	if (r != 0) {
		status = env_fail(r, trustfile ? trustfile : "trust list",
		    r == TC_ERR_NOT_FOUND && trustfile == NULL
			? "ca.key is not here: give --trust FILE (tcard-keys export-trust on the CA machine)"
			: err);
		goto out;
	}
	tc_keystore_ca_info(ks, &ca);
	if ((r = tc_trust_load(&trust, tbuf.data, tbuf.len, ca.fingerprint,
		 s.now, err, sizeof(err))) != 0) {
		status = env_fail(r, "trust list", err);
		goto out;
	}
	kr = tc_trust_keyring(trust);
	{
		size_t kidlen;
		const uint8_t *kid = tc_cose_key_kid(signer, &kidlen);

		if (tc_cose_keyring_find(kr, kid, kidlen) == NULL) {
			status = env_fail(TC_ERR_UNKNOWN_KEY, "trust list",
			    "it does not hold the current signer: export a new one");
			goto out;
		}
	}

	/*
	 * A bundle is only as good as the registry it is made from: a file
	 * SQLite finds damaged, or an audit log that does not verify, lost
	 * its recorded head, or lost the head signed into the bundle now in
	 * DIR, is not published from (nothing has been written yet).
	 */
	nprev = prev_head(outdir, kr, s.now, &prev);
	if ((r = tc_issuer_check_registry(
		 s.home, s.reg, &prev, nprev, &rep, err, sizeof(err))) != 0) {
		char msg[2560];

		snprintf(msg, sizeof(msg),
		    "%s%s; nothing published ('tcard-issuer audit verify' says more)",
		    r == TC_ERR_AUDIT_BROKEN ? "the audit log does not verify: "
					     : "",
		    err);
		status = env_fail(r, "registry", msg);
		goto out;
	}

	/* The cards. */
	if ((r = tc_lookup_builder_new(&p.b, p.key, 0)) != 0) {
		status = env_fail(r, "lookup", NULL);
		goto out;
	}
	p.err[0] = '\0';
	if ((r = tc_lifecycle_card_list(
		 s.reg, NULL, add_card, &p, p.err, sizeof(p.err))) != 0) {
		status = env_fail(r, "registry", p.err);
		goto out;
	}

	/* The sequence number, recorded before anything is written. */
	if ((r = load_olds(outdir, kr, s.now, olds, &nolds, &newest_old)) !=
	    0) {
		status = env_fail(r, outdir, strerror(errno));
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s.home, SEQ_FILE) >=
	    sizeof(path)) {
		status = tc_cli_usage("home directory path too long");
		goto out;
	}
	if ((r = tc_issuer_read_seq(path, &seq)) != 0) {
		status = env_fail(r, path, "cannot read the sequence");
		goto out;
	}
	dir_seq = current_seq(outdir, kr, s.now);
	if (dir_seq > seq)
		seq = dir_seq;
	if (newest_old > seq)
		seq = newest_old;
	seq++;
	snprintf(seqtext, sizeof(seqtext), "%" PRIu64 "\n", seq);
	if ((r = tc_bundle_write_file(s.home, SEQ_FILE, seqtext,
		 strlen(seqtext), err, sizeof(err))) != 0) {
		status = env_fail(r, "sequence", err);
		goto out;
	}

	/* Build and check everything in memory. */
	if ((r = tc_revocations_encode(&full, seq, s.now,
		 s.now + (time_t)hours * 3600, p.revoked, p.nrevoked, signer,
		 err, sizeof(err))) != 0 ||
	    (r = tc_revocations_load(&now_rev, full.data, full.len, kr, s.now,
		 err, sizeof(err))) != 0) {
		status = env_fail(r, "revocation list", err);
		goto out;
	}
	nkeep = (size_t)keep - 1 < nolds ? (size_t)keep - 1 : nolds;
	for (i = 0; i < nkeep; i++) {
		tc_buf_init(&olds[i].delta, TC_REV_MAX_INPUT);
		if ((r = tc_revocations_delta_make(&olds[i].delta, olds[i].rev,
			 now_rev, signer, err, sizeof(err))) != 0) {
			status = env_fail(r, "delta", err);
			goto out;
		}
		/* Applied to its old list, it must give the new one. */
		check = olds[i].rev;
		olds[i].rev = NULL;
		if ((r = tc_revocations_apply_delta(&check, olds[i].delta.data,
			 olds[i].delta.len, kr, s.now, err, sizeof(err))) !=
			0 ||
		    !tc_revocations_equal(check, now_rev) ||
		    tc_revocations_seq(check) != seq)
			goto internal;
		tc_revocations_free(check);
		check = NULL;
		kept[nkept++] = olds[i].seq;
	}
	/* The programme files the cards use, listed in the signed header. */
	for (i = 0; i < tc_programme_set_count(s.progs); i++) {
		const struct tc_programme *pr = tc_programme_set_at(s.progs, i);
		const char *slash = strrchr(pr->file, '/');
		char listed[TC_BUNDLE_NAME_MAX + 16];
		size_t j;

		for (j = 0; j < p.nused; j++)
			if (p.used[j] == pr->id)
				break;
		if (j == p.nused)
			continue;
		pf[npf].base = slash != NULL ? slash + 1 : pr->file;
		tc_buf_init(&pf[npf].data, TC_PROGRAMME_FILE_MAX + 4096);
		npf++;
		snprintf(listed, sizeof(listed), "%s/%s", TC_BUNDLE_PROGRAMMES,
		    pf[npf - 1].base);
		if ((r = read_path(pr->file, TC_PROGRAMME_FILE_MAX,
			 &pf[npf - 1].data, err, sizeof(err))) != 0 ||
		    (r = tc_lookup_builder_add_file(p.b, listed,
			 pf[npf - 1].data.data, pf[npf - 1].data.len, err,
			 sizeof(err))) != 0) {
			status = env_fail(r, pr->file, err);
			goto out;
		}
	}
	if ((r = tc_lookup_builder_finish(p.b, seq, s.now, signer, &data, &sig,
		 err, sizeof(err))) != 0) {
		status = env_fail(r, "lookup snapshot", err);
		goto out;
	}
	if ((r = tc_lookup_load(&lk, sig.data, sig.len, data.data, data.len, kr,
		 s.now, err, sizeof(err))) != 0)
		goto internal;
	tc_lookup_free(lk);
	lk = NULL;
	/*
	 * The audit head the registry was checked at, signed: the copy of
	 * HOME/audit.head that leaves this machine with the bundle.
	 */
	if ((r = tc_audit_head_encode(&abuf, &rep.head, s.now, seq, signer, err,
		 sizeof(err))) != 0) {
		status = env_fail(r, "audit head", err);
		goto out;
	}
	if ((r = tc_audit_head_decode(abuf.data, abuf.len, kr, s.now, &ahead,
		 err, sizeof(err))) != 0)
		goto internal;
	if (ahead.head.seq != rep.head.seq ||
	    memcmp(ahead.head.mac, rep.head.mac, sizeof(rep.head.mac)) != 0 ||
	    ahead.publish_seq != seq) {
		r = TC_ERR_INTERNAL;
		snprintf(err, sizeof(err),
		    "the signed audit head reads back as another head");
		goto internal;
	}

	/*
	 * Write. Files nobody refers to yet come first (programmes, trust
	 * list, the archived list, the new snapshot data file), then the
	 * deltas (each complete in itself), then the snapshot header that
	 * names the new data file, the audit head, and revocations.cose last.
	 */
	if (mkdir(pdir, 0755) != 0 && errno != EEXIST) {
		status = env_fail(TC_ERR_IO, pdir, strerror(errno));
		goto out;
	}
	for (i = 0; i < npf; i++)
		if ((r = tc_bundle_write_file(pdir, pf[i].base, pf[i].data.data,
			 pf[i].data.len, err, sizeof(err))) != 0)
			goto io;
	snprintf(name, sizeof(name), TC_BUNDLE_REVOCATIONS_FMT,
	    (unsigned long long)seq);
	if ((r = tc_bundle_write_file(outdir, TC_BUNDLE_TRUST, tbuf.data,
		 tbuf.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(
		 outdir, name, full.data, full.len, err, sizeof(err))) != 0)
		goto io;
	snprintf(
	    name, sizeof(name), TC_BUNDLE_LOOKUP_FMT, (unsigned long long)seq);
	if ((r = tc_bundle_write_file(
		 outdir, name, data.data, data.len, err, sizeof(err))) != 0)
		goto io;
	for (i = 0; i < nkeep; i++) {
		snprintf(name, sizeof(name), TC_BUNDLE_DELTA_FMT,
		    (unsigned long long)olds[i].seq);
		if ((r = tc_bundle_write_file(outdir, name, olds[i].delta.data,
			 olds[i].delta.len, err, sizeof(err))) != 0)
			goto io;
	}
	snprintf(
	    name, sizeof(name), TC_BUNDLE_LOOKUP_FMT, (unsigned long long)seq);
	if ((r = link_lookup(outdir, name, &data, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(outdir, TC_BUNDLE_LOOKUP_SIG, sig.data,
		 sig.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(outdir, TC_BUNDLE_AUDIT_HEAD, abuf.data,
		 abuf.len, err, sizeof(err))) != 0 ||
	    (r = tc_bundle_write_file(outdir, TC_BUNDLE_REVOCATIONS, full.data,
		 full.len, err, sizeof(err))) != 0)
		goto io;
	prune(outdir, kept, nkept, seq);
	/* The audit head this bundle was made at, for 'audit verify'. */
	if ((r = tc_issuer_write_audit_head(
		 s.home, &rep.head, err, sizeof(err))) != 0) {
		status = env_fail(r, "audit head", err);
		goto out;
	}
	printf("published bundle %" PRIu64
	       " to %s: %zu cards, %zu revoked, %zu deltas\n",
	    seq, outdir, p.ncards, p.nrevoked, nkeep);
	status = TC_EXIT_OK;
	goto out;
io:
	status = env_fail(r, outdir, err);
	goto out;
internal:
	(void)tc_cli_fail(r ? r : TC_ERR_INTERNAL, "self-check",
	    r ? err : "a delta does not give the new list");
	status = TC_EXIT_INTERNAL;
out:
	for (i = 0; i < npf; i++)
		tc_buf_release(&pf[i].data);
	for (i = 0; i < KEEP_MAX; i++) {
		tc_revocations_free(olds[i].rev);
		tc_buf_release(&olds[i].delta);
	}
	tc_revocations_free(check);
	tc_revocations_free(now_rev);
	tc_lookup_free(lk);
	tc_lookup_builder_free(p.b);
	tc_lookup_key_free(p.key);
	free(p.revoked);
	tc_buf_release(&p.name);
	tc_buf_release(&tbuf);
	tc_buf_release(&full);
	tc_buf_release(&data);
	tc_buf_release(&sig);
	tc_buf_release(&abuf);
	tc_trust_free(trust);
	tc_cose_key_free(signer);
	tc_issuer_close(ks, NULL);
	if (opened)
		tc_session_close(&s);
	if (lockfd >= 0)
		close(lockfd);
	return status;
}

const struct tc_cmd tc_cmd_publish = {
	.name = "publish",
	.summary = "write the signed bundle for verifiers",
	.help = help,
	.common = TC_CMD_HOME,
	.opts = publish_opts,
	.argcheck = tc_issuer_refuse_secret_args,
	.run = exec_publish,
};
