/* SPDX-License-Identifier: MIT */
/*
 * tcard-verifierd: the verification service. It serves QR e-card
 * verification (POST /v1/verify), the public three-field lookup (GET
 * /v1/lookup and the page GET /lookup), the signed files for other
 * verifiers (GET /v1/trust, /v1/revocations, /bundle/NAME), /healthz and
 * /metrics, from a signed bundle read from a directory or pulled from a
 * URL; it never opens the registry and holds no signing key. This file:
 * options and configuration file, the pepper, start-up, signals (SIGHUP
 * reloads, SIGTERM and SIGINT stop). The parts: verifier/vd.h. Manual:
 * docs/verifierd.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/ledger.h"
#include "tcard/pii.h"
#include "tcard/vdconf.h"
#include "vd.h"

static const char help[] =
    "NAME\n"
    "    tcard-verifierd - talent card verification and lookup service\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-verifierd [--config FILE] [--bundle DIR|URL]\n"
    "                    [--listen ADDR:PORT] [--pepper FILE]\n"
    "                    [--tls-cert FILE --tls-key FILE] [--threads N]\n"
    "                    [--SETTING VALUE ...] [--check]\n"
    "                    [--reset-rollback-floor]\n"
    "\n"
    "DESCRIPTION\n"
    "    Serves, over HTTP or HTTPS (libmicrohttpd), the verification of QR\n"
    "    e-cards (POST /v1/verify), the public lookup by card number, name\n"
    "    and ID number (GET /v1/lookup, and the page GET /lookup in Chinese\n"
    "    and English), the signed trust list and revocation lists for\n"
    "    other verifiers (GET /v1/trust, /v1/revocations[?since=N],\n"
    "    /bundle/NAME), GET /healthz and GET /metrics (Prometheus). With a\n"
    "    ledger and staff tokens it also counts the uses of services at a\n"
    "    window (POST /v1/services/SERVICE/redeem: tier, card kind, channel,\n"
    "    party size, quotas per month or year in Asia/Shanghai, exclusive\n"
    "    groups, idempotent request ids; docs/services.md). With a\n"
    "    reader it watches a PC/SC card reader at the window: each card\n"
    "    presented is verified as a QR e-card is and must sign a fresh\n"
    "    challenge (a clone is refused); GET /v1/reader shows the reader's\n"
    "    state and the newest tap, whose id a redeem takes. It\n"
    "    works from the signed bundle that tcard-issuer publish writes,\n"
    "    read from a directory or pulled from a base URL every\n"
    "    pull-interval seconds (conditional GETs, revocation deltas). A\n"
    "    trust list, revocation list or lookup snapshot that does not\n"
    "    verify, is issued in the future, or is not newer than the one in\n"
    "    use is refused and the one in use kept. The newest revocation\n"
    "    list, lookup snapshot and trust list ever accepted are remembered\n"
    "    in state-dir (the rollback floor), so that no restart goes back to\n"
    "    an older one either. When the revocation list is past\n"
    "    next-update plus stale-grace, verification answers UNKNOWN-STATUS\n"
    "    (stale-policy fail) or warns (stale-policy warn).\n"
    "    Logs are JSON lines without names or ID numbers. SIGHUP checks the\n"
    "    bundle now, rereads the programme files, reopens the log file and\n"
    "    reloads the TLS certificate and key; SIGTERM and SIGINT stop\n"
    "    cleanly.\n"
    "\n"
    "OPTIONS\n"
    "    Every setting of the configuration file is also an option\n"
    "    --SETTING VALUE, which overrides the file (docs/verifierd.md).\n"
    "    --config FILE         the configuration file (key value lines)\n"
    "    --bundle DIR|URL      the bundle directory, or an http(s) base URL\n"
    "                          (then --cache-dir and --ca-pin are needed)\n"
    "    --cache-dir DIR       where a pulled bundle is kept\n"
    "    --state-dir DIR       where the rollback floor is kept (default:\n"
    "                          cache-dir, else /var/lib/tcard-verifierd)\n"
    "    --ca-pin HEX          SHA-256 of the CA certificate (64 hex\n"
    "                          digits); without it the CA of the first\n"
    "                          trust list loaded is pinned\n"
    "    --listen ADDR:PORT    default 127.0.0.1:8080; port 0 picks a free\n"
    "                          port (see --port-file)\n"
    "    --port-file FILE      write the port listened on to FILE\n"
    "    --ledger FILE|URI     the usage ledger: an SQLite file (made when\n"
    "                          missing) or a PostgreSQL database that several\n"
    "                          daemons share (postgresql://USER@HOST/DB, or a\n"
    "                          libpq connection string; the password in\n"
    "                          ~/.pgpass): turns on POST\n"
    "                          /v1/services/SERVICE/redeem, GET\n"
    "                          .../usage?card=N and .../report?from=&to=\n"
    "    --staff-tokens FILE   window names, their bearer tokens and what\n"
    "                          each may count (mode 600; lines \"NAME TOKEN\n"
    "                          PROGRAMME:SERVICE...\"); the staff endpoints\n"
    "                          need one; so does the window page\n"
    "                          (GET /window: staff sign in with the token,\n"
    "                          scan e-cards and count uses in a browser)\n"
    "    --window-idle SECS, --window-lifetime SECS  a window page session\n"
    "                          ends when idle or old (1800, 43200)\n"
    "    --reader NAME         watch this PC/SC reader (its name or a\n"
    "                          unique part of it; default none)\n"
    "    --reader-profile auto|piv|tcard  card profile (default auto)\n"
    "    --reader-timeout MS|SECS  deadline of each card operation\n"
    "                          (\"500ms\" or \"5\"; default 5 s)\n"
    "    --tap-max-age SECS    a tap serves a redeem this long (120)\n"
    "    --tls-cert FILE, --tls-key FILE\n"
    "                          serve HTTPS (TLS 1.3 and 1.2 only) with this\n"
    "                          PEM certificate and key (the key must be\n"
    "                          mode 600 or stricter); SIGHUP reloads them\n"
    "    --threads N           worker threads (default: four per core)\n"
    "    --pepper FILE         the lookup pepper (64 hex digits, mode 600);\n"
    "                          without it /v1/lookup answers 503\n"
    "    --programmes DIR      programme files (default: the bundle's\n"
    "                          programmes/, else the shipped ones)\n"
    "    --pull-interval SECS  bundle check period (default 60)\n"
    "    --pull-timeout SECS   per transfer (default 20)\n"
    "    --stale-policy fail|warn, --stale-grace SECS (default fail, 3600)\n"
    "    --lookup-client-rate N/UNIT, --lookup-client-burst N\n"
    "                          guesses per client address (20/min, 20)\n"
    "    --lookup-card-rate N/UNIT, --lookup-card-burst N\n"
    "                          guesses per card number (10/h, 5)\n"
    "    --throttle-slots N    entries per throttle table (65536)\n"
    "    --lookup-guard FILE   the per-card guesses of snapshot cards in\n"
    "                          this SQLite file, shared by the daemons of\n"
    "                          a host (default: in memory, per daemon)\n"
    "    --binding-concurrency N  scrypts at once for /v1/verify with an\n"
    "                          ID number (default: cores - 1, at least 1)\n"
    "    --binding-wait MS|SECS  how long one may queue (\"250ms\"), then\n"
    "                          503 busy with Retry-After\n"
    "    --log FILE|-|off      JSON log lines (default - : standard error;\n"
    "                          off: events only, on standard error)\n"
    "    --max-body BYTES, --max-query BYTES (8192, 2048; a query of more\n"
    "                          than 32 parts is refused)\n"
    "    --timeout SECS        idle connections are closed (10)\n"
    "    --max-connections N, --per-ip-connections N (1024, 64; 0: no\n"
    "                          limit per address, e.g. behind a proxy)\n"
    "    --cache-max-age SECS  of the signed files (60)\n"
    "    --check               load the configuration and the bundle,\n"
    "                          print a summary and exit (the rollback\n"
    "                          floor is read, never written)\n"
    "    --reset-rollback-floor\n"
    "                          forget the newest lists accepted from this\n"
    "                          CA and accept the bundle as it is now (after\n"
    "                          the authority was deliberately reset; logged)\n"
    "    --help, --version\n"
    "\n"
    "EXIT STATUS\n"
    "    0 stopped by SIGTERM or SIGINT, or --check passed; 2 usage error\n"
    "    (bad option or configuration); 3 environment (configuration file,\n"
    "    pepper, TLS files or bundle unreadable or refused, a bundle\n"
    "    directory older than the rollback floor, state-dir not writable\n"
    "    or its floor file damaged, address in use); 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_PROGRAMMES  default programme directory\n"
    "    TCARD_NOW         test builds: injected clock (it then runs on)\n"
    "    TCARD_PROFILES    card profile directory (with reader)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer publish --out /srv/bundle\n"
    "    tcard-verifierd --bundle /srv/bundle --pepper keys/pepper.key\n"
    "    tcard-verifierd --config /etc/tcard/verifierd.conf\n"
    "    tcard-verifierd --bundle /srv/bundle --ledger /var/lib/tcard/ledger.db \\\n"
    "        --staff-tokens /etc/tcard/staff-tokens\n"
    "    tcard-verifierd --bundle https://cards.example.gov.cn/bundle/ \\\n"
    "        --cache-dir /var/cache/tcard --ca-pin 3f2a...e1 --listen 0.0.0.0:8443 \\\n"
    "        --tls-cert cert.pem --tls-key key.pem\n";

int
vd_ctx_init(struct vd_ctx *vd)
{
	memset(vd, 0, sizeof(*vd));
	tc_vdconf_init(&vd->conf);
	pthread_mutex_init(&vd->mu, NULL);
	pthread_cond_init(&vd->cond, NULL);
	pthread_mutex_init(&vd->check_mu, NULL);
	pthread_mutex_init(&vd->budget.mu, NULL);
	vd->budget.max_running = 1;
	if (vd_window_init(vd) != 0)
		return -1;
	return vd_reader_init(vd);
}

time_t
vd_now(struct vd_ctx *vd)
{
	return time(NULL) + vd->clock_offset;
}

uint64_t
vd_mono_ns(void)
{
	return tc_daemon_mono_ns();
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VD_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" VD_PROG " --help'.\n");
	return TC_EXIT_USAGE;
}

void
vd_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
env_fail(const char *msg)
{
	fprintf(stderr, VD_PROG ": %s\n", msg);
	return TC_EXIT_ENV;
}

/*
 * Reads the whole of a small file (at most max bytes) into out, which it
 * initialises; a secret (mode 600, no symbolic link) goes through the key
 * rules of tc_file_read.
 */
static int
slurp(const char *path, size_t max, struct tc_buf *out, int secret, char *err,
    size_t errlen)
{
	tc_buf_init(out, max);
	return tc_file_read(path, NULL, max,
	    secret ? TC_FILE_NOFOLLOW | TC_FILE_SECRET : 0, out, err, errlen);
}

/* The pepper file: 64 hex digits and an optional newline, mode 600. */
static int
load_pepper(struct vd_ctx *vd, const char *path, char *err, size_t errlen)
{
	uint8_t pepper[TC_PII_KEY_LEN];
	struct tc_buf b;
	size_t n;
	int r = -1;

	if (slurp(path, 256, &b, 1, err, errlen) != 0) {
		tc_buf_release(&b);
		return -1;
	}
	n = b.len;
	if (n > 0 && b.data[n - 1] == '\n')
		n--;
	if (n != 2 * TC_PII_KEY_LEN ||
	    tc_hex_decode(
		(const char *)b.data, n, pepper, sizeof(pepper), NULL) != 0)
		vd_err(err, errlen, "%s: expected 64 hex digits", path);
	else if (tc_lookup_key_new(&vd->pepper, pepper) != 0)
		vd_err(err, errlen, "%s: %s", path, "cannot key the pepper");
	else
		r = 0;
	OPENSSL_cleanse(pepper, sizeof(pepper));
	tc_buf_release(&b);
	return r;
}

/* The staff tokens file (mode 600): window names and their tokens. */
static int
load_staff(struct vd_ctx *vd, const char *path, char *err, size_t errlen)
{
	struct tc_buf b;
	char msg[512];
	size_t i;
	int r = -1;

	if (slurp(path, TC_VDCONF_FILE_MAX, &b, 1, err, errlen) != 0)
		goto out;
	if ((vd->staff = malloc(sizeof(*vd->staff))) == NULL) {
		vd_err(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (tc_staff_tokens_parse(vd->staff, (const char *)b.data, b.len, msg,
		sizeof(msg)) != 0) {
		vd_err(err, errlen, "%s: %s", path, msg);
		free(vd->staff);
		vd->staff = NULL;
		goto out;
	}
	if (vd->staff->n == 0) {
		vd_err(err, errlen, "%s: no window is listed", path);
		free(vd->staff);
		vd->staff = NULL;
		goto out;
	}
	for (i = 0; i < vd->staff->n; i++)
		if (!vd->staff->t[i].scoped)
			vd_log_event(vd, "staff", "warning",
			    "%s: window %s has no scope: it may count and report every service of every programme (add PROGRAMME:SERVICE words after its token)",
			    path, vd->staff->t[i].window);
	r = 0;
out:
	tc_buf_release(&b);
	return r;
}

static int
write_port_file(const char *path, unsigned port)
{
	char tmp[TC_VDCONF_PATH_MAX + 8];
	FILE *f;

	if (tc_fmt(tmp, sizeof(tmp), "%s.tmp", path) != 0 ||
	    (f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

enum { OPT_CONFIG = 1000, OPT_HELP, OPT_VERSION, OPT_CHECK, OPT_RESET_FLOOR };

/* The option table: the fixed options, then one per setting. */
static struct option *
options(void)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "reset-rollback-floor", no_argument, NULL, OPT_RESET_FLOOR },
	};

	return tc_dconf_options(
	    &tc_vdconf_table, fixed, sizeof(fixed) / sizeof(fixed[0]));
}

static void
summary(struct vd_ctx *vd)
{
	struct vd_bundle *b = vd_bundle_get(vd);
	char file[TC_VDCONF_PATH_MAX + TC_VDFLOOR_NAME_MAX + 2];
	struct tc_vdfloor fl;

	if (b == NULL)
		return;
	printf("bundle: %s\n", vd->bundle_dir);
	printf("revocation list: %llu (%llu revoked), next update %lld%s\n",
	    (unsigned long long)b->rev->seq,
	    (unsigned long long)tc_revocations_count(b->rev->rev),
	    (long long)b->rev->next_update,
	    vd_bundle_stale(vd, b, vd_now(vd)) ? " (stale)" : "");
	if (b->lookup != NULL)
		printf("lookup snapshot: %llu (%llu cards)\n",
		    (unsigned long long)b->lookup->info.seq,
		    (unsigned long long)b->lookup->info.count);
	else
		printf("lookup snapshot: none\n");
	printf("programmes: %zu\n",
	    b->progs->set != NULL ? tc_programme_set_count(b->progs->set) : 0);
	printf("lookups: %s\n",
	    vd->pepper != NULL ? "enabled" : "disabled (no pepper)");
	vd_floor_get(vd, &fl);
	printf(
	    "rollback floor: revocation list %llu, lookup snapshot %llu, trust list issued at %lld (%s)\n",
	    (unsigned long long)fl.revocations, (unsigned long long)fl.lookup,
	    (long long)fl.trust_issued_at,
	    vd_floor_file(vd, file, sizeof(file)));
	vd_bundle_put(b);
}

/*
 * SIGHUP: check the bundle now (the updater thread), reload the TLS
 * certificate and key.
 */
static void
on_hup(void *arg)
{
	struct vd_ctx *vd = arg;
	char err[1024];

	vd_updater_request(vd);
	if (!tc_daemon_tls(vd->d))
		return;
	if (tc_daemon_tls_reload(vd->d, err, sizeof(err)) != 0)
		vd_log_event(vd, "tls-refused", "error",
		    "the TLS certificate and key in use are kept: %s", err);
	else
		vd_log_event(vd, "tls-loaded", "info",
		    "new connections get the certificate of %s",
		    vd->conf.tls_cert);
}

int
main(int argc, char **argv)
{
	struct vd_ctx ctx, *vd = &ctx;
	struct option *longopts = NULL;
	const char *config = NULL;
	struct tc_buf cbuf;
	char err[1024];
	sigset_t set;
	time_t injected;
	char host[128];
	int ch, sig, check = 0, reset_floor = 0, status = TC_EXIT_INTERNAL;

	tc_buf_init(&cbuf, TC_VDCONF_FILE_MAX);
	if (vd_ctx_init(vd) != 0 || (longopts = options()) == NULL)
		goto out;
	/* First pass: --config, --help and --version only. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == OPT_HELP) {
			fputs(help, stdout);
			status = TC_EXIT_OK;
			goto out;
		}
		if (ch == OPT_VERSION) {
			printf(VD_PROG " 0.1.0\n");
			status = TC_EXIT_OK;
			goto out;
		}
		if (ch == OPT_CONFIG)
			config = optarg;
	}
	if (config != NULL) {
		if (slurp(config, TC_VDCONF_FILE_MAX, &cbuf, 0, err,
			sizeof(err)) != 0) {
			status = env_fail(err);
			goto out;
		}
		if (tc_vdconf_parse(&vd->conf, (const char *)cbuf.data,
			cbuf.len, err, sizeof(err)) != 0) {
			fprintf(stderr, VD_PROG ": %s: %s\n", config, err);
			status = TC_EXIT_USAGE;
			goto out;
		}
	}
	/* Second pass: the settings, overriding the file. */
	optind = 1;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == OPT_CONFIG || ch == OPT_HELP || ch == OPT_VERSION)
			continue;
		if (ch == OPT_CHECK) {
			check = 1;
			continue;
		}
		if (ch == OPT_RESET_FLOOR) {
			reset_floor = 1;
			continue;
		}
		if (ch < 0 || tc_vdconf_key((size_t)ch) == NULL) {
			status = usage("%s", "unknown option or missing value");
			goto out;
		}
		if (tc_vdconf_set(&vd->conf, tc_vdconf_key((size_t)ch), optarg,
			err, sizeof(err)) != 0) {
			status = usage("--%s", err);
			goto out;
		}
	}
	if (optind < argc) {
		status = usage("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (tc_vdconf_check(&vd->conf, err, sizeof(err)) != 0) {
		status = usage("%s", err);
		goto out;
	}
	if ((injected = tc_cli_now()) == (time_t)-1) {
		status = TC_EXIT_USAGE;
		goto out;
	}
	vd->clock_offset = injected - time(NULL);
	vd->is_url = tc_vdconf_bundle_is_url(&vd->conf);
	/* Both settings are at most TC_VDCONF_PATH_MAX: this never fails. */
	if (tc_fmt(vd->bundle_dir, sizeof(vd->bundle_dir), "%s",
		vd->is_url ? vd->conf.cache_dir : vd->conf.bundle) != 0) {
		status = env_fail("bundle: path too long");
		goto out;
	}
	if (vd->conf.have_ca_pin) {
		memcpy(vd->pin, vd->conf.ca_pin, sizeof(vd->pin));
		vd->have_pin = 1;
	}
	if (vd->is_url && mkdir(vd->bundle_dir, 0755) != 0 && errno != EEXIST) {
		vd_err(err, sizeof(err), "cache-dir %s: %s", vd->bundle_dir,
		    strerror(errno));
		status = env_fail(err);
		goto out;
	}
	if (vd_log_open(vd, check ? "off" : vd->conf.access_log, err,
		sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if (vd_floor_start(vd, check, reset_floor, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if (vd->conf.pepper[0] != '\0' &&
	    load_pepper(vd, vd->conf.pepper, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if (vd->conf.staff_tokens[0] != '\0' &&
	    load_staff(vd, vd->conf.staff_tokens, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if ((vd->conf.ledger[0] != '\0' &&
		vd_ledger_open(vd, err, sizeof(err)) != 0) ||
	    vd_throttles_start(vd, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if (vd_budget_init(vd) != 0 || vd_pull_init(vd) != 0)
		goto out;
	/* Every thread made from here on inherits the blocked signals. */
	tc_daemon_signals_block(&set);

	if (vd_bundle_check(vd, 1, err, sizeof(err)) != 0) {
		if (!vd->is_url || check) {
			status = env_fail(err);
			goto out;
		}
		vd_log_event(vd, "start", "warning",
		    "no bundle yet (%s); answering 503 until a pull succeeds",
		    err);
	}
	if (check) {
		summary(vd);
		status = TC_EXIT_OK;
		goto out;
	}
	if (vd_http_start(vd, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	if (vd->conf.port_file[0] != '\0' &&
	    write_port_file(vd->conf.port_file, tc_daemon_port(vd->d)) != 0) {
		vd_err(err, sizeof(err), "port-file %s: %s", vd->conf.port_file,
		    strerror(errno));
		status = env_fail(err);
		goto out;
	}
	if (vd_updater_start(vd) != 0 || vd_log_start(vd) != 0)
		goto out;
	if (vd_reader_start(vd, err, sizeof(err)) != 0) {
		status = env_fail(err);
		goto out;
	}
	/* The host part of listen, as given ("[::1]", "0.0.0.0"). */
	vd_err(host, sizeof(host), "%s", vd->conf.listen);
	if (strrchr(host, ':') != NULL)
		*strrchr(host, ':') = '\0';
	vd_log_event(vd, "start", "info",
	    "listening on %s://%s:%u/ (lookup page /lookup), bundle %s, lookups %s",
	    vd->conf.tls_cert[0] != '\0' ? "https" : "http", host,
	    tc_daemon_port(vd->d), vd->conf.bundle,
	    vd->pepper != NULL ? "enabled" : "disabled (no pepper)");
	sig = tc_daemon_signals_wait(&set, on_hup, vd);
	vd_log_event(vd, "stop", "info", "signal %d: stopping", sig);
	status = TC_EXIT_OK;
out:
	vd_reader_stop(vd); /* first: it wakes GET /v1/reader long-polls */
	vd_http_stop(vd);
	vd_updater_stop(vd);
	vd_log_stop(vd);
	vd_bundle_shutdown(vd);
	vd_pull_cleanup(vd);
	vd_throttles_stop(vd);
	tc_lookup_key_free(vd->pepper);
	tc_ledger_close(vd->ledger);
	if (vd->staff != NULL) {
		tc_staff_tokens_release(vd->staff);
		free(vd->staff);
	}
	vd_log_close(vd);
	vd_reader_free(vd);
	vd_window_free(vd);
	tc_buf_release(&cbuf);
	free(longopts);
	return status;
}
