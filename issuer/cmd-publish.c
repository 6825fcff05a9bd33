/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer publish: the command around tc_bundle_publish
 * (include/tcard/bundle.h, src/bundle.c), which builds the signed bundle
 * for verifiers and writes it into a directory that any static web server
 * can serve (docs/bundle.md, "Publish order"). This file keeps what is the
 * command's: the options, the authority's home (the lock and the
 * temporary files of killed runs, HOME/revocations.seq shared with
 * `tcard-issuer revocations`, the registry check against HOME/audit.head
 * and the head signed into the bundle, the head recorded at the end), the
 * messages and the exit statuses.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card-cli.h"
#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/keystore.h"
#include "tcard/registry.h"
#include "tcard/trust.h"

#define SEQ_FILE     "revocations.seq"
#define KEEP_DEFAULT 8
#define KEEP_MAX     TC_BUNDLE_KEEP_MAX
/* HOME is not under the publish lock: its temporaries must be this old. */
#define HOME_TEMP_AGE 600

const char tc_issuer_publish_help[] =
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

/* What the hooks of tc_bundle_publish need from the command. */
struct hooks {
	const char *home, *dir;
	struct tc_registry *reg;
	char seqpath[PATH_MAX];
	int usage; /* the failure was the home's path: a usage error */
};

static void
warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "tcard-issuer publish: warning: %s\n", msg);
}

/*
 * A bundle is only as good as the registry it is made from: a file SQLite
 * finds damaged, or an audit log that does not verify, lost its recorded
 * head (HOME/audit.head), or lost the head signed into the bundle now in
 * DIR (prev), is not published from (nothing has been written yet).
 */
static int
check(void *arg, const struct tc_audit_head_info *prev,
    struct tc_audit_head *head, const char **what, char *err, size_t errlen)
{
	struct hooks *h = arg;
	struct tc_issuer_expect e;
	struct tc_audit_report rep;
	char why[2048];
	int r;

	(void)what;
	if (prev != NULL)
		tc_issuer_bundle_expect(&e, h->dir, prev);
	if ((r = tc_issuer_check_registry(h->home, h->reg,
		 prev != NULL ? &e : NULL, prev != NULL ? 1 : 0, &rep, why,
		 sizeof(why))) != 0)
		return tc_seterr(err, errlen, r,
		    "%s%s; nothing published ('tcard-issuer audit verify' says more)",
		    r == TC_ERR_AUDIT_BROKEN ? "the audit log does not verify: "
					     : "",
		    why);
	*head = rep.head;
	return 0;
}

/* HOME/revocations.seq, shared with `tcard-issuer revocations`. */
static int
last_seq(void *arg, uint64_t *seq, const char **what, char *err, size_t errlen)
{
	struct hooks *h = arg;
	int r;

	if ((size_t)snprintf(h->seqpath, sizeof(h->seqpath), "%s/%s", h->home,
		SEQ_FILE) >= sizeof(h->seqpath)) {
		h->usage = 1;
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "home directory path too long");
	}
	if ((r = tc_issuer_read_seq(h->seqpath, seq)) != 0) {
		*what = h->seqpath;
		return tc_seterr(err, errlen, r, "cannot read the sequence");
	}
	return 0;
}

static int
record_seq(void *arg, uint64_t seq, const char **what, char *err, size_t errlen)
{
	struct hooks *h = arg;
	char text[32];

	(void)what;
	snprintf(text, sizeof(text), "%" PRIu64 "\n", seq);
	return tc_bundle_write_file(
	    h->home, SEQ_FILE, text, strlen(text), err, errlen);
}

/* The exit status of a failed tc_bundle_publish, after saying why. */
static int
publish_fail(int r, const struct tc_bundle_report *rep, const struct hooks *h,
    const char *err)
{
	if (h->usage)
		return tc_cli_usage("%s", err);
	if (rep->stage == TC_BUNDLE_STAGE_SELF_CHECK) {
		(void)tc_cli_fail(r, "self-check", err);
		return TC_EXIT_INTERNAL;
	}
	if (rep->stage == TC_BUNDLE_STAGE_TRUST_EXPORT && r == TC_ERR_NOT_FOUND)
		err =
		    "ca.key is not here: give --trust FILE (tcard-keys export-trust on the CA machine)";
	return env_fail(r, rep->what, err);
}

int
tc_issuer_publish_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_keystore *ks = NULL;
	struct tc_bundle_plan plan;
	struct tc_bundle_report rep;
	struct hooks hk;
	struct tc_buf tbuf;
	const char *home = a->home, *outdir, *trustfile, *v;
	char err[4096], pdir[PATH_MAX], *end;
	long hours, keep = KEEP_DEFAULT;
	int r, status = TC_EXIT_INTERNAL, opened = 0, lockfd = -1;

	outdir = tc_args_get(a, "out");
	trustfile = tc_args_get(a, "trust");
	if ((status = tc_issuer_next_update(a, &hours)) != TC_EXIT_OK)
		return status;
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
	tc_buf_init(&tbuf, TC_TRUST_MAX_INPUT + 4096);
	if ((status = tc_session_open(&s, home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	opened = 1;

	/* The directory, its lock, and what killed runs left there. */
	snprintf(pdir, sizeof(pdir), "%s/%s", outdir, TC_BUNDLE_PROGRAMMES);
	if ((r = tc_bundle_lock(outdir, &lockfd, err, sizeof(err))) != 0) {
		status = env_fail(r, outdir, err);
		goto out;
	}
	clean_temp(s.home, outdir, pdir);

	/* Keys, and the trust list when given. */
	if ((status = tc_issuer_open(s.home, &ks, NULL, 0)) != TC_EXIT_OK)
		goto out;
	memset(&plan, 0, sizeof(plan));
	if (trustfile != NULL) {
		if ((r = tc_file_read(trustfile, NULL, TC_TRUST_MAX_INPUT, 0,
			 &tbuf, err, sizeof(err))) != 0) {
			status = env_fail(r, "--trust", err);
			goto out;
		}
		plan.trust = tbuf.data;
		plan.trustlen = tbuf.len;
	}

	/* Everything else is the library's (docs/bundle.md). */
	memset(&hk, 0, sizeof(hk));
	hk.home = s.home;
	hk.dir = outdir;
	hk.reg = s.reg;
	plan.dir = outdir;
	plan.reg = s.reg;
	plan.progs = s.progs;
	plan.ks = ks;
	plan.now = s.now;
	plan.hours = (unsigned)hours;
	plan.keep = (unsigned)keep;
	plan.hooks = (struct tc_bundle_hooks){ .check = check,
		.last_seq = last_seq,
		.record_seq = record_seq,
		.warn = warn,
		.arg = &hk };
	if ((r = tc_bundle_publish(&plan, &rep, err, sizeof(err))) != 0) {
		status = publish_fail(r, &rep, &hk, err);
		goto out;
	}
	/* The audit head this bundle was made at, for 'audit verify'. */
	if ((r = tc_issuer_write_audit_head(
		 s.home, &rep.head, err, sizeof(err))) != 0) {
		status = env_fail(r, "audit head", err);
		goto out;
	}
	printf("published bundle %" PRIu64
	       " to %s: %zu cards, %zu revoked, %zu deltas\n",
	    rep.seq, outdir, rep.cards, rep.revoked, rep.deltas);
	status = TC_EXIT_OK;
out:
	tc_buf_release(&tbuf);
	tc_issuer_close(ks, NULL);
	if (opened)
		tc_session_close(&s);
	tc_bundle_unlock(lockfd);
	return status;
}
