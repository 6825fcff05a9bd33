/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd-web: started by tcard-issuerd (never by hand) with the
 * listening socket and its end of the RPC socketpair as inherited
 * descriptors. Before serving it gives up what it does not need: no new
 * privileges (prctl), then, when started as root, the groups, group and
 * user of --user (default nobody), failing if it cannot; then a Landlock
 * ruleset that forbids all file system access except what the PDF
 * renderer it starts needs: reading the fonts and shared libraries, and
 * executing tcard-pdf-render and the dynamic loader (a kernel without
 * Landlock is logged and tolerated). With --tls it asks the monitor for the TLS pair over
 * the RPC (at start and on SIGHUP) instead of reading files, and wipes its
 * copy once GnuTLS has taken it. It links the daemon layer and the parsing
 * parts of libtcard only: no key store, registry or SQLite code is in the
 * binary
 * (tests/integration/170-issuerd-session.sh checks with nm).
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "dmsg.h"
#include "dsandbox.h"
#include "rpc.h"

#include "web.h"

/* A failed start: the message, status 1. */
#define fail(...) tc_dmsg(1, "tcard-issuerd-web", 0, __VA_ARGS__)

static int
fd_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s != '\0' && *end == '\0' && v > 2 && v < 65536 ? (int)v : -1;
}

/*
 * Landlock: every file system access the running ABI knows is handled,
 * and the only rules are those of the PDF renderer (tcard-pdf-render,
 * started from here by web-pdf.c, so under the same ruleset): reading,
 * read-only, the fonts, fontconfig's files and poppler's data; reading the
 * shared libraries and the loader's cache that the renderer's dynamic
 * loader opens (read-only: no write, no directory listing, no exec of
 * anything found there); and executing two files, the renderer itself
 * (opened before this, renderer_fd; -1 when missing) and the dynamic
 * loader its exec starts (the kernel opens both for execution). No other
 * program can be started; no TLS file is read (the pair comes from the
 * monitor over the RPC); nothing anywhere is written. Returns 0 (also when
 * the kernel has no Landlock: logged), or 1.
 */
#define READ_TREE  TC_DSANDBOX_READ_TREE
#define READ_FILES TC_DSANDBOX_READ_FILES

static const struct tc_dsandbox_rule read_rules[] = {
	{ "/usr/share/fonts", READ_TREE },
	{ "/usr/local/share/fonts", READ_TREE },
	{ "/etc/fonts", READ_TREE },
	{ "/usr/share/fontconfig", READ_TREE },
	{ "/var/cache/fontconfig", READ_TREE },
	{ "/usr/share/poppler", READ_TREE },
	{ "/etc/ld.so.cache", READ_FILES },
	{ "/lib", READ_FILES },
	{ "/lib64", READ_FILES },
	{ "/usr/lib", READ_FILES },
	{ "/usr/lib64", READ_FILES },
	{ "/usr/local/lib", READ_FILES },
#if defined(__SANITIZE_ADDRESS__)
	/* make asan: AddressSanitizer's runtime starts the renderer by
	 * reading /proc/self (maps, cmdline, environ). */
	{ "/proc", READ_FILES },
#endif
};

/* dl_iterate_phdr: the program comes first; its PT_INTERP names the
 * dynamic loader (the renderer, built alike, names the same). */
static int
interp_of(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char **interp = arg;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_INTERP)
			*interp = (const char *)(info->dlpi_addr +
			    info->dlpi_phdr[i].p_vaddr);
	return 1;
}

static int
landlock(int *landlocked, int renderer_fd)
{
	const char *interp = NULL;
	char err[256] = "";
	int run[2] = { renderer_fd, -1 }, r;

	dl_iterate_phdr(interp_of, &interp);
	if (renderer_fd >= 0 && interp != NULL)
		run[1] = open(interp, O_PATH | O_CLOEXEC);
	r = tc_dsandbox_landlock(read_rules,
	    sizeof(read_rules) / sizeof(read_rules[0]), run, 2, landlocked, err,
	    sizeof(err));
	if (run[1] >= 0)
		close(run[1]);
	if (r != 0)
		return fail("%s", err);
	if (!*landlocked)
		fprintf(stderr,
		    "{\"process\":\"web\",\"event\":\"start\",\"level\":\"warning\",\"message\":\"the kernel has no Landlock: the web worker runs without a file system sandbox\"}\n");
	return 0;
}

/*
 * What the monitor hands over on "tls": the certificate chain, the key,
 * the station CA and the revoked station serials, one after the other in
 * pem (the caller wipes and frees it).
 */
struct tls_blob {
	uint8_t *pem;
	size_t plen, clen, klen, calen, rlen;
};

/* A length member of the answer's body, -1 when absent or not one. */
static json_int_t
len_of(json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);

	return json_is_integer(v) && json_integer_value(v) >= 0
	    ? json_integer_value(v)
	    : -1;
}

/*
 * Asks the monitor for the TLS pair ("tls") into *t. Returns 0, or -1
 * with err.
 */
static int
tls_fetch(struct web *w, struct tls_blob *t, char *err, size_t errlen)
{
	static const char req[] = "{\"op\":\"tls\"}";
	struct web_rpc_reply rep;
	json_t *o = NULL, *body;
	json_int_t n, k, ca, rv;
	int r = -1;

	memset(t, 0, sizeof(*t));
	if (web_rpc_call(
		&w->rpc, req, strlen(req), NULL, 0, &rep, err, errlen) != 0) {
		if (err[0] == '\0')
			snprintf(
			    err, errlen, "%s", "the monitor does not answer");
		return -1;
	}
	t->pem = rep.tail;
	t->plen = rep.tlen;
	o = json_loadb(rep.json, rep.jlen, 0, NULL);
	body = json_object_get(o, "body");
	n = len_of(body, "cert");
	k = len_of(body, "key");
	ca = len_of(body, "station_ca");
	rv = len_of(body, "revoked");
	if (k < 0 && n > 0 && (size_t)n < t->plen)
		k = (json_int_t)(t->plen - (size_t)n); /* the pair alone */
	if (ca < 0)
		ca = 0;
	if (rv < 0)
		rv = 0;
	if (json_integer_value(json_object_get(o, "status")) != 200 || n <= 0 ||
	    k <= 0 ||
	    (size_t)n + (size_t)k + (size_t)ca + (size_t)rv != t->plen) {
		snprintf(err, errlen, "%s",
		    "the monitor has no TLS pair to hand over");
		goto out;
	}
	t->clen = (size_t)n;
	t->klen = (size_t)k;
	t->calen = (size_t)ca;
	t->rlen = (size_t)rv;
	r = 0;
out:
	json_decref(o);
	free(rep.json);
	if (r != 0 && t->pem != NULL) {
		OPENSSL_cleanse(t->pem, t->plen);
		free(t->pem);
		memset(t, 0, sizeof(*t));
	}
	return r;
}

static void
tls_blob_free(struct tls_blob *t)
{
	if (t->pem != NULL)
		OPENSSL_cleanse(t->pem, t->plen);
	free(t->pem);
	memset(t, 0, sizeof(*t));
}

/*
 * The station CA and revoked serials of t for the daemon's client
 * certificates (none without a CA: the station routes are then 403).
 */
static int
station_trust(struct web *w, const struct tls_blob *t, char *err, size_t errlen)
{
	const uint8_t *ca = t->pem + t->clen + t->klen;

	return tc_daemon_tls_client_ca(w->d, t->calen > 0 ? ca : NULL, t->calen,
	    (const char *)ca + t->calen, t->rlen, err, errlen);
}

/* SIGHUP (forwarded by the monitor once it read the files again). */
static void
on_hup(void *arg)
{
	struct web *w = arg;
	char err[512] = "";
	struct tls_blob t;

	if (!tc_daemon_tls(w->d))
		return;
	if (tls_fetch(w, &t, err, sizeof(err)) != 0 ||
	    tc_daemon_tls_pem(w->d, t.pem, t.clen, t.pem + t.clen, t.klen, err,
		sizeof(err)) != 0 ||
	    station_trust(w, &t, err, sizeof(err)) != 0)
		tc_dlog_event(w->log, "tls", "error", "reload: %s", err);
	else
		tc_dlog_event(w->log, "tls", "info", "%s",
		    "certificate and key read again, with the station CA");
	tls_blob_free(&t);
}

/*
 * The throttle of password checks per client address (web_sign_in_
 * throttled), of the monitor's settings sign-in-rate and -burst.
 */
static int
sign_in_throttle(struct web *w, const char *rate, const char *burst)
{
	static const struct tc_dconf_key keys[] = {
		{ "sign-in-rate", TC_DCONF_RATE, 0, 0, 0, 0, NULL },
	};
	static const struct tc_dconf table = { keys, 1 };
	struct tc_rate r;
	char *end;
	unsigned long b = strtoul(burst, &end, 10);

	if (tc_dconf_set(&table, &r, "sign-in-rate", rate, NULL, 0) != 0 ||
	    *end != '\0' || b == 0 || b > 1000000)
		return -1;
	return tc_dthrottle_new(&w->sign_in, 65536, r, (unsigned)b);
}

int
main(int argc, char **argv)
{
	static struct web w;
	const char *user = "nobody", *listen = "?", *rate_arg = "60/min";
	const char *burst_arg = "60";
	char err[512] = "";
	struct tls_blob t = { 0 };
	sigset_t set;
	pid_t parent = getppid();
	int lfd = -1, i, locked, sig, use_tls = 0, rfd, r;

	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--tls") == 0) {
			use_tls = 1;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--listen-fd") == 0)
			lfd = fd_arg(argv[i + 1]);
		else if (strcmp(argv[i], "--rpc-fd") == 0)
			w.rpc.fd = fd_arg(argv[i + 1]);
		else if (strcmp(argv[i], "--listen") == 0)
			listen = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else if (strcmp(argv[i], "--sign-in-rate") == 0)
			rate_arg = argv[i + 1];
		else if (strcmp(argv[i], "--sign-in-burst") == 0)
			burst_arg = argv[i + 1];
		else
			return fail(
			    "unknown option '%s' (tcard-issuerd starts this program)",
			    argv[i]);
	}
	if (i != argc || lfd < 0 || w.rpc.fd <= 0)
		return fail("%s",
		    "usage: tcard-issuerd-web --listen-fd N --rpc-fd N ... (tcard-issuerd starts this program)");
	fcntl(lfd, F_SETFD, FD_CLOEXEC);
	fcntl(w.rpc.fd, F_SETFD, FD_CLOEXEC);
	/* jansson reads its hash seed from /dev/urandom: before Landlock. */
	json_object_seed(0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("%s", "prctl(PR_SET_NO_NEW_PRIVS) failed");
	if (tc_dsandbox_user(user, err, sizeof(err)) != 0)
		return fail("%s", err);
	/* A change of user cleared it: the monitor's end is ours. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0 ||
	    getppid() != parent)
		return fail("%s", "the monitor is gone");
	if ((rfd = web_pdf_renderer_open(err, sizeof(err))) < 0)
		fprintf(stderr,
		    "{\"process\":\"web\",\"event\":\"start\",\"level\":\"warning\",\"message\":\"no PDF renderer (%s): PDF pages are 503\"}\n",
		    err);
	if (landlock(&locked, rfd) != 0)
		return 1;
	tc_daemon_signals_block(&set);
	if (tc_dlog_open(&w.log, "-", 0, err, sizeof(err)) != 0 ||
	    tc_dlog_start(w.log) != 0)
		return fail("log: %s", err);
	w.started_ns = tc_daemon_mono_ns();
	if (sign_in_throttle(&w, rate_arg, burst_arg) != 0)
		return fail(
		    "--sign-in-rate '%s' or --sign-in-burst '%s' is not valid",
		    rate_arg, burst_arg);
	/* The station CA is set once the daemon runs: it asks for
	 * certificates from then on (a station polls again on a 403). */
	r = web_rpc_init(&w.rpc, w.rpc.fd) != 0 ||
	    web_station_start(&w, err, sizeof(err)) != 0 ||
	    (use_tls && tls_fetch(&w, &t, err, sizeof(err)) != 0) ||
	    web_http_start(&w, lfd, listen, t.pem, t.clen,
		t.pem != NULL ? t.pem + t.clen : NULL, t.klen, err,
		sizeof(err)) != 0 ||
	    (use_tls && station_trust(&w, &t, err, sizeof(err)) != 0);
	tls_blob_free(&t);
	if (r) {
		tc_dlog_event(w.log, "start", "error", "%s", err);
		tc_dlog_close(w.log);
		return 1;
	}
	tc_dlog_event(w.log, "start", "info",
	    "web worker serving %s as uid %ld, no new privileges, landlock %s",
	    listen, (long)getuid(), locked ? "on" : "off");
	sig = tc_daemon_signals_wait(&set, on_hup, &w);
	tc_dlog_event(w.log, "stop", "info", "signal %d: stopping", sig);
	web_station_stop(&w);
	tc_daemon_free(w.d);
	web_station_free(&w);
	tc_dmetrics_free(w.metrics);
	tc_dlog_close(w.log);
	return 0;
}
