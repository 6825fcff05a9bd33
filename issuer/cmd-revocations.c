/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer revocations: writes the signed revocation list (a full
 * snapshot; include/tcard/revocation.h) of every card of the registry whose
 * status is revoked, signed with the key store's current signer. The
 * sequence number is the previous one + 1, kept in HOME/revocations.seq.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card-cli.h"
#include "home.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/lifecycle.h"
#include "tcard/revocation.h"

#define SEQ_FILE "revocations.seq"

const char tc_issuer_revocations_help[] =
    "NAME\n"
    "    tcard-issuer revocations - write the signed revocation list\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer revocations --out FILE [--next-update HOURS] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes a COSE_Sign1, signed with the current credential signer,\n"
    "    listing the serials of every revoked card of the registry as a\n"
    "    compressed set (docs/formats.md, Revocation list). Its sequence\n"
    "    number is one more than the last one written, kept in\n"
    "    HOME/revocations.seq (a missing file counts as 0); issued-at is now\n"
    "    and next-update now + HOURS (default 24). Verifiers load it with\n"
    "    tcard-verify --revocations FILE. Suspended cards are not listed.\n"
    "    Prints 'revocation list N: M serials'.\n"
    "\n"
    "OPTIONS\n"
    "    --out FILE           where to write the list ('-': standard output)\n"
    "    --next-update HOURS  1 to 8760 (default 24)\n"
    "    --home DIR           the authority's home (default $TCARD_HOME)\n"
    "\n"
    "EXIT STATUS\n"
    "    0 written; 2 usage error; 3 environment (keys, registry, file);\n"
    "    4 internal error.\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer revocations --out /srv/bundle/revocations.cose\n";

struct collect {
	uint32_t *s;
	size_t n, alloc;
};

static int
collect_one(const struct tc_card_state *c, void *arg)
{
	struct collect *col = arg;
	uint32_t *p;

	if (col->n == col->alloc) {
		col->alloc = col->alloc ? col->alloc * 2 : 256;
		if ((p = realloc(col->s, col->alloc * sizeof(*p))) == NULL)
			return TC_ERR_NOMEM;
		col->s = p;
	}
	col->s[col->n++] = (uint32_t)c->card.serial;
	return 0;
}

/* Writes data to path through a temporary file and rename. */
static int
write_file(const char *path, const void *data, size_t len)
{
	char tmp[4200];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	if ((f = fopen(tmp, "wb")) == NULL)
		return TC_ERR_IO;
	ok = fwrite(data, 1, len, f) == len;
	ok = fflush(f) == 0 && ok;
	ok = fsync(fileno(f)) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return TC_ERR_IO;
	}
	return 0;
}

int
tc_issuer_revocations_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_card_filter f;
	struct collect col = { NULL, 0, 0 };
	struct tc_keystore *ks = NULL;
	struct tc_cose_key *signer = NULL;
	struct tc_buf out;
	const char *outpath = NULL;
	char err[512], seqpath[4200], seqtext[32];
	uint64_t seq;
	long hours;
	int r, status = TC_EXIT_INTERNAL, opened = 0;

	tc_buf_init(&out, TC_REV_MAX_INPUT);
	outpath = tc_args_get(a, "out");
	if ((status = tc_issuer_next_update(a, &hours)) != TC_EXIT_OK)
		return status;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", a->argv[0]);
	if (outpath == NULL)
		return tc_cli_usage("--out FILE is required");
	if ((status = tc_session_open(&s, a->home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	opened = 1;
	memset(&f, 0, sizeof(f));
	f.status = TC_CARD_REVOKED;
	if ((r = tc_lifecycle_card_list(
		 s.reg, &f, collect_one, &col, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "registry", err);
		goto out;
	}
	if ((status = tc_issuer_open(s.home, &ks, NULL, 0)) != TC_EXIT_OK)
		goto out;
	if ((r = tc_keystore_signer(ks, &signer, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "signer", err);
		goto out;
	}
	snprintf(seqpath, sizeof(seqpath), "%s/%s", s.home, SEQ_FILE);
	if ((r = tc_issuer_read_seq(seqpath, &seq)) != 0) {
		status = tc_cli_fail(r, seqpath, "cannot read the sequence");
		goto out;
	}
	seq++;
	if ((r = tc_revocations_encode(&out, seq, s.now,
		 s.now + (time_t)hours * 3600, col.s, col.n, signer, err,
		 sizeof(err))) != 0) {
		status = tc_cli_fail(r, "revocation list", err);
		goto out;
	}
	if (strcmp(outpath, "-") == 0) {
		if (fwrite(out.data, 1, out.len, stdout) != out.len ||
		    fflush(stdout) != 0) {
			status = tc_cli_fail(TC_ERR_IO, "stdout", NULL);
			goto out;
		}
	} else if ((r = write_file(outpath, out.data, out.len)) != 0) {
		status = tc_cli_fail(r, outpath, strerror(errno));
		goto out;
	}
	snprintf(seqtext, sizeof(seqtext), "%" PRIu64 "\n", seq);
	if ((r = write_file(seqpath, seqtext, strlen(seqtext))) != 0) {
		status = tc_cli_fail(r, seqpath, strerror(errno));
		goto out;
	}
	fprintf(strcmp(outpath, "-") == 0 ? stderr : stdout,
	    "revocation list %" PRIu64 ": %zu serials\n", seq, col.n);
	status = TC_EXIT_OK;
out:
	tc_cose_key_free(signer);
	tc_issuer_close(ks, NULL);
	free(col.s);
	tc_buf_release(&out);
	if (opened)
		tc_session_close(&s);
	return status;
}
