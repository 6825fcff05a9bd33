/* SPDX-License-Identifier: MIT */
/*
 * The rollback floor of tcard-verifierd: the highest revocation list and
 * lookup snapshot sequence numbers and the latest trust list issue time the
 * daemon ever accepted from its CA, kept in state-dir so that a restart
 * never takes it back to an older, validly signed list (which would make a
 * revoked card valid again). One file per CA, rollback-floor-<the first
 * 32 hex digits of the CA's SHA-256> (format: include/tcard/vdfloor.h),
 * read once when the CA is known (at start with ca-pin, else with the
 * first trust list) and rewritten (temporary file, fsync, rename, fsync of
 * the directory) each time a newer part is taken into use. The directory
 * itself (settling, making, checking, durable writes) is the daemon
 * layer's (daemon/dstate.h); this file says what is kept there. A file
 * that cannot be read or parsed stops the daemon: without it nothing
 * tells an older list from a newer one. --reset-rollback-floor forgets it, loudly. The floor is used
 * by the bundle check (vd-bundle.c) and the pull (vd-pull.c), which run on
 * one thread at a time, so it needs no lock. Reference: docs/verifierd.md,
 * "What a verifier remembers".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "vd.h"

#include "dstate.h"

#ifndef TC_VD_STATE_DIR
#define TC_VD_STATE_DIR "/var/lib/tcard-verifierd"
#endif

int
vd_floor_start(
    struct vd_ctx *vd, int check_only, int reset, char *err, size_t errlen)
{
	const struct tc_vdconf *c = &vd->conf;
	const char *const choices[] = { c->state_dir, c->cache_dir, NULL };
	char msg[512];
	int r;

	vd->floor.reset = reset;
	r = tc_dstate_open(&vd->floor.st, choices, TC_VD_STATE_DIR, check_only,
	    msg, sizeof(msg));
	if (r == TC_ERR_PERM) {
		vd_err(err, errlen,
		    "state-dir %s: not a directory the daemon may write (it keeps its rollback floor there)",
		    vd->floor.st.dir);
		return -1;
	}
	if (r != 0) {
		vd_err(err, errlen,
		    "state-dir %s: %s (the daemon keeps its rollback floor there; set state-dir to a directory it may write)",
		    vd->floor.st.dir, msg);
		return -1;
	}
	if (vd->have_pin)
		return vd_floor_load(vd, vd->pin, err, errlen);
	return 0;
}

/* Says what the floor was before a reset, for the log. */
static void
log_reset(
    struct vd_ctx *vd, const struct tc_vdfloor *old, int r, const char *msg)
{
	if (vd->floor.st.read_only)
		vd_log_event(vd, "rollback-floor-reset", "warning",
		    "--reset-rollback-floor with --check: the rollback floor %s/%s is not applied, and nothing is written",
		    vd->floor.st.dir, vd->floor.name);
	else if (r == TC_ERR_NOT_FOUND)
		vd_log_event(vd, "rollback-floor-reset", "warning",
		    "--reset-rollback-floor: there was no rollback floor in %s/%s; the bundle loaded now sets one",
		    vd->floor.st.dir, vd->floor.name);
	else if (r != 0)
		vd_log_event(vd, "rollback-floor-reset", "warning",
		    "--reset-rollback-floor: the unreadable rollback floor %s/%s (%s) is replaced by the bundle loaded now",
		    vd->floor.st.dir, vd->floor.name, msg);
	else
		vd_log_event(vd, "rollback-floor-reset", "warning",
		    "--reset-rollback-floor: the rollback floor %s/%s (revocation list %" PRIu64
		    ", lookup snapshot %" PRIu64
		    ", trust list issued at %" PRId64
		    ") is forgotten; older lists of this CA are accepted now and the bundle loaded now sets the new floor",
		    vd->floor.st.dir, vd->floor.name, old->revocations,
		    old->lookup, old->trust_issued_at);
}

int
vd_floor_load(struct vd_ctx *vd, const uint8_t ca[32], char *err, size_t errlen)
{
	struct tc_vdfloor old;
	struct tc_buf buf;
	char msg[512];
	int r;

	if (vd->floor.loaded) {
		if (memcmp(ca, vd->floor.f.ca, sizeof(vd->floor.f.ca)) == 0)
			return 0;
		vd_err(err, errlen, "%s",
		    "the rollback floor in use belongs to another CA");
		return -1;
	}
	tc_vdfloor_name(ca, vd->floor.name);
	tc_buf_init(&buf, TC_VDFLOOR_FILE_MAX);
	r = tc_dstate_read(&vd->floor.st, vd->floor.name, TC_VDFLOOR_FILE_MAX,
	    &buf, msg, sizeof(msg));
	if (r == 0 &&
	    (r = tc_vdfloor_parse(&old, (const char *)buf.data, buf.len, msg,
		 sizeof(msg))) == 0 &&
	    memcmp(old.ca, ca, sizeof(old.ca)) != 0)
		r = tc_seterr(msg, sizeof(msg), TC_ERR_MALFORMED,
		    "it names another CA than its file name");
	tc_buf_release(&buf);
	if (r != 0)
		memset(&old, 0, sizeof(old));
	if (vd->floor.reset) {
		log_reset(vd, &old, r, msg);
		memset(&old, 0, sizeof(old));
		vd->floor.dirty = 1;
	} else if (r != 0 && r != TC_ERR_NOT_FOUND) {
		vd_err(err, errlen,
		    "rollback floor %s/%s: %s: without it the daemon cannot tell an older revocation list from a newer one, so it accepts none; restore the file, or start once with --reset-rollback-floor (docs/operations.md)",
		    vd->floor.st.dir, vd->floor.name, msg);
		return -1;
	} else if (r == 0)
		vd_log_event(vd, "rollback-floor", "info",
		    "rollback floor %s/%s: nothing older than revocation list %" PRIu64
		    ", lookup snapshot %" PRIu64
		    " and a trust list issued at %" PRId64 " is accepted",
		    vd->floor.st.dir, vd->floor.name, old.revocations,
		    old.lookup, old.trust_issued_at);
	memcpy(old.ca, ca, sizeof(old.ca));
	vd->floor.f = old;
	vd->floor.loaded = 1;
	return 0;
}

int
vd_floor_get(struct vd_ctx *vd, struct tc_vdfloor *out)
{
	if (!vd->floor.loaded) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	*out = vd->floor.f;
	return 0;
}

const char *
vd_floor_file(struct vd_ctx *vd, char *buf, size_t len)
{
	if (!vd->floor.loaded)
		snprintf(buf, len, "%s/rollback-floor-*", vd->floor.st.dir);
	else
		snprintf(buf, len, "%s/%s", vd->floor.st.dir, vd->floor.name);
	return buf;
}

int
vd_floor_raise(
    struct vd_ctx *vd, const struct vd_bundle *b, char *err, size_t errlen)
{
	struct tc_vdfloor n = vd->floor.f;
	char text[TC_VDFLOOR_TEXT_MAX], msg[512] = "cannot format it";
	int64_t t = (int64_t)tc_trust_issued_at(b->trust->trust);

	if (!vd->floor.loaded) {
		vd_err(err, errlen, "%s", "the rollback floor is not loaded");
		return -1;
	}
	if (b->rev->seq > n.revocations)
		n.revocations = b->rev->seq;
	if (b->lookup != NULL && b->lookup->info.seq > n.lookup)
		n.lookup = b->lookup->info.seq;
	if (t > n.trust_issued_at)
		n.trust_issued_at = t;
	/* --check shows the floor as the file has it. */
	if (vd->floor.st.read_only ||
	    (!vd->floor.dirty && memcmp(&n, &vd->floor.f, sizeof(n)) == 0))
		return 0;
	/* In memory at once, so a failed write still holds while running. */
	vd->floor.f = n;
	vd->floor.dirty = 1;
	if (tc_vdfloor_format(&n, text, sizeof(text)) != 0 ||
	    tc_dstate_write(&vd->floor.st, vd->floor.name, text, strlen(text),
		msg, sizeof(msg)) != 0) {
		vd_err(err, errlen,
		    "rollback floor %s/%s not written (%s): a restart could go back to an older list",
		    vd->floor.st.dir, vd->floor.name, msg);
		return -1;
	}
	vd->floor.dirty = 0;
	return 0;
}
