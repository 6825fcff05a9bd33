/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd, the monitor: parses its options, binds the listening
 * socket, makes the socketpair of the RPC and starts the web worker
 * (tcard-issuerd-web, next to this program) with both as inherited
 * descriptors, before anything secret is read: the worker never shares
 * memory that held a key. Then it opens the home (key store secrets,
 * registry, programmes, working days), and answers the worker's requests
 * one at a time (office/mon-ops.c); it reads the TLS pair (at start and
 * on SIGHUP) and hands it to the worker on request, so the worker opens
 * no file at all. If the worker dies the monitor logs
 * it and exits 1 (a supervisor restarts both); on SIGTERM or SIGINT it
 * stops the worker and exits 0. Model: OpenSSH's README.privsep;
 * docs/issuerd.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "dconf.h"
#include "dmsg.h"
#include "mon.h"
#include "rpc.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/idconf.h"
#include "tcard/keystore.h"

#ifndef TC_VERSION
#define TC_VERSION "0.1"
#endif
#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define WORKER_NAME "tcard-issuerd-web"
#define TLS_PEM_MAX (1024 * 1024) /* either TLS file, as daemon/tls.c */

static const char usage_text[] =
    "usage: tcard-issuerd --home DIR --listen ADDR:PORT [options]\n"
    "       tcard-issuerd --config FILE [options]\n"
    "\n"
    "The issuing office's server: a monitor holding the registry and its keys,\n"
    "and a web worker (tcard-issuerd-web) that parses HTTP and holds none.\n"
    "\n"
    "    --config FILE           read the settings from FILE (\"key value\"\n"
    "                            lines, docs/issuerd.md); an option below\n"
    "                            overrides the file's value of the same key\n"
    "    --home DIR              the authority's home (registry.db, keys/)\n"
    "    --listen ADDR:PORT      where to serve (numeric; port 0: any free\n"
    "                            port, see --port-file)\n"
    "    --port-file FILE        write the port listened on to FILE\n"
    "    --tls-cert FILE         serve HTTPS with this certificate (PEM)...\n"
    "    --tls-key FILE          ...and its key (mode 600); the monitor reads\n"
    "                            both, at start and on SIGHUP, and hands them\n"
    "                            to the web worker, which opens no file\n"
    "    --user NAME             the web worker's user when started as root\n"
    "                            (default nobody)\n"
    "    --idle-timeout S        a session ends after S idle seconds (900;\n"
    "                            also 15m, 2h)\n"
    "    --session-lifetime S    and S seconds after sign-in at most (28800)\n"
    "    --sign-in-rate N/UNIT   password checks per client address (staff\n"
    "                            and applicants' sign-in, registration,\n"
    "                            reset; 60/min), over it 429 Retry-After\n"
    "    --sign-in-burst N       ...and at most N at once (60)\n"
    "    --help, --version\n"
    "\n"
    "Exit status: 0 stopped by SIGTERM or SIGINT; 1 could not start or the\n"
    "web worker ended; 2 bad option or configuration.\n";

static pid_t worker_pid;

/*
 * The TLS pair, read by the monitor (as the user it starts as) at start
 * and on SIGHUP and handed to the web worker on its "tls" request, so
 * the worker needs no access to the files. A transport key: it protects
 * the connections, it signs and unseals nothing.
 */
static struct tls_pair {
	const char *cert_path, *key_path; /* NULL: plain HTTP */
	struct tc_buf cert, key;
	/*
	 * The station CA (keys/station-ca.crt, made by tcard-keys
	 * station-cert) and the revoked station certificates' serials
	 * (keys/station-revoked.txt), each empty when the file is absent;
	 * read with the pair (docs/station.md "Trust", decisions 87).
	 */
	const char *home;
	struct tc_buf station_ca, revoked;
} tls;

/*
 * Reads the file keys/name of the home into *out (made here); a missing
 * file is empty. Returns 0, or -1 with err.
 */
static int
keys_file(const char *name, struct tc_buf *out, char *err, size_t errlen)
{
	char path[4096];
	int r;

	tc_buf_init(out, TLS_PEM_MAX);
	if (tls.home == NULL)
		return 0;
	if (snprintf(path, sizeof(path), "%s/keys/%s", tls.home, name) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "%s", "the home's path is too long");
		return -1;
	}
	r = tc_file_read(
	    path, NULL, TLS_PEM_MAX, TC_FILE_NOFOLLOW, out, err, errlen);
	if (r == TC_ERR_NOT_FOUND) {
		err[0] = '\0';
		return 0;
	}
	return r == 0 ? 0 : -1;
}

/*
 * Reads the pair again; on failure the one read before stays (and the
 * error is logged). Returns 0 or -1.
 */
static int
tls_read(void)
{
	struct tc_buf c, k, ca, rv;
	char err[512] = "";
	int r = -1;

	if (tls.cert_path == NULL)
		return 0;
	tc_buf_init(&c, TLS_PEM_MAX);
	tc_buf_init(&k, TLS_PEM_MAX);
	tc_buf_init(&ca, 1);
	tc_buf_init(&rv, 1);
	if (tc_file_read(tls.cert_path, NULL, TLS_PEM_MAX, TC_FILE_NOFOLLOW, &c,
		err, sizeof(err)) != 0 ||
	    tc_file_read(tls.key_path, NULL, TLS_PEM_MAX,
		TC_FILE_NOFOLLOW | TC_FILE_SECRET, &k, err, sizeof(err)) != 0 ||
	    c.len == 0 || k.len == 0) {
		mon_log("tls", "error", "cannot read the TLS pair: %s",
		    err[0] ? err : "an empty file");
		goto out;
	}
	if (keys_file("station-ca.crt", &ca, err, sizeof(err)) != 0 ||
	    keys_file("station-revoked.txt", &rv, err, sizeof(err)) != 0) {
		mon_log("tls", "error",
		    "cannot read the station CA or the revoked station certificates: %s",
		    err);
		goto out;
	}
	tc_buf_release(&tls.cert);
	tc_buf_release(&tls.key); /* wiped */
	tc_buf_release(&tls.station_ca);
	tc_buf_release(&tls.revoked);
	tls.cert = c;
	tls.key = k;
	tls.station_ca = ca;
	tls.revoked = rv;
	tc_buf_init(&c, 1);
	tc_buf_init(&k, 1);
	tc_buf_init(&ca, 1);
	tc_buf_init(&rv, 1);
	r = 0;
out:
	tc_buf_release(&c);
	tc_buf_release(&k);
	tc_buf_release(&ca);
	tc_buf_release(&rv);
	return r;
}

/*
 * Answers the worker's "tls" request: {"cert": N, "key": K, "station_ca":
 * C, "revoked": R} and a tail of the certificate's N bytes, the key's K,
 * the station CA's C and the revoked serials' R (C and R 0 when there
 * are none), wiped once sent. Returns 0, or -1 when the peer is gone.
 */
static int
send_tls(int fd, uint32_t id)
{
	static const char none[] =
	    "{\"status\":404,\"error\":\"not-found\",\"message\":\"the office serves plain HTTP\"}";
	char json[160];
	uint8_t *tail;
	size_t n, at;
	int r;

	if (tls.cert_path == NULL || tls.cert.len == 0)
		return office_rpc_send(fd, id, none, strlen(none), NULL, 0);
	n = tls.cert.len + tls.key.len + tls.station_ca.len + tls.revoked.len;
	if ((tail = malloc(n)) == NULL)
		return -1;
	memcpy(tail, tls.cert.data, tls.cert.len);
	memcpy(tail + tls.cert.len, tls.key.data, tls.key.len);
	at = tls.cert.len + tls.key.len;
	if (tls.station_ca.len > 0)
		memcpy(tail + at, tls.station_ca.data, tls.station_ca.len);
	at += tls.station_ca.len;
	if (tls.revoked.len > 0)
		memcpy(tail + at, tls.revoked.data, tls.revoked.len);
	snprintf(json, sizeof(json),
	    "{\"status\":200,\"body\":{\"cert\":%zu,\"key\":%zu,\"station_ca\":%zu,\"revoked\":%zu}}",
	    tls.cert.len, tls.key.len, tls.station_ca.len, tls.revoked.len);
	r = office_rpc_send(fd, id, json, strlen(json), tail, n);
	OPENSSL_cleanse(tail, n);
	free(tail);
	mon_log("tls", r == 0 ? "info" : "error",
	    "handed the TLS certificate and key to the web worker");
	return r;
}

void
mon_log(const char *event, const char *level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_dmsg_json(
	    "monitor", event, level, json_pack("{s:s}", "message", msg));
}

/* A bad option or setting: the message, a pointer to --help, status 2. */
#define usage(...) tc_dmsg(2, "tcard-issuerd", 1, __VA_ARGS__)

enum { OPT_CONFIG = 1000, OPT_HELP, OPT_VERSION };

/*
 * The settings: defaults, then the --config file, then the options, each
 * checked by the table of office/mon-conf.c (an option overrides the
 * file). Returns -1 to go on, or an exit status (2, or 0 after --help or
 * --version).
 */
static int
parse_opts(int argc, char **argv, struct tc_idconf *o)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
	};
	struct option *longopts;
	const char *config = NULL;
	struct tc_buf cbuf;
	char err[1024] = "";
	int ch, status = 2;

	tc_idconf_init(o);
	tc_buf_init(&cbuf, TC_DCONF_FILE_MAX);
	if ((longopts = tc_dconf_options(&tc_idconf_table, fixed,
		 sizeof(fixed) / sizeof(fixed[0]))) == NULL)
		return usage("%s", "out of memory");
	/* First pass: --config, --help and --version only. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == OPT_HELP || ch == OPT_VERSION) {
			if (ch == OPT_HELP)
				fputs(usage_text, stdout);
			else
				printf("tcard-issuerd %s\n", TC_VERSION);
			status = 0;
			goto out;
		}
		if (ch == OPT_CONFIG)
			config = optarg;
	}
	/* The reader's messages name the file; the parser's start "line N". */
	if (config != NULL &&
	    tc_file_read(config, NULL, TC_DCONF_FILE_MAX, 0, &cbuf, err,
		sizeof(err)) != 0) {
		status = usage("--config: %s", err);
		goto out;
	}
	if (config != NULL &&
	    tc_idconf_parse(
		o, (const char *)cbuf.data, cbuf.len, err, sizeof(err)) != 0) {
		status = usage("%s: %s", config, err);
		goto out;
	}
	/* Second pass: the options, overriding the file. */
	optind = 1;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == OPT_CONFIG)
			continue;
		if (ch < 0 || tc_idconf_key((size_t)ch) == NULL) {
			status = usage("%s", "unknown option or missing value");
			goto out;
		}
		if (tc_idconf_set(o, tc_idconf_key((size_t)ch), optarg, err,
			sizeof(err)) != 0) {
			status = usage("--%s", err);
			goto out;
		}
	}
	if (optind < argc) {
		status = usage("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (tc_idconf_check(o, err, sizeof(err)) != 0) {
		status = usage("%s", err);
		goto out;
	}
	status = -1;
out:
	tc_buf_release(&cbuf);
	free(longopts);
	return status;
}

/* A listening TCP socket on the --listen address, or -1 with a log. */
static int
bind_listener(const struct tc_idconf *o, unsigned *port)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int fd = -1, one = 1;

	*port = 0;
	if (tc_dconf_listen_parse(o->listen, &sa, &len) != 0) {
		mon_log(
		    "start", "error", "--listen: bad address %s", o->listen);
		return -1;
	}
	if ((fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, len) != 0 ||
	    listen(fd, 1024) != 0) {
		mon_log("start", "error", "cannot listen on %s: %s", o->listen,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	len = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		*port = ntohs(sa.ss_family == AF_INET6
			? ((struct sockaddr_in6 *)(void *)&sa)->sin6_port
			: ((struct sockaddr_in *)(void *)&sa)->sin_port);
	return fd;
}

pid_t
mon_spawn(
    const char *name, const char *const *argv, const int *keep, size_t nkeep)
{
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;
	char *slash;
	size_t i;
	pid_t pid;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		mon_log(
		    "start", "error", "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", self, name);
	if ((pid = fork()) < 0) {
		mon_log("start", "error", "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Only these descriptors cross the exec. */
		for (i = 0; i < nkeep; i++)
			if (fcntl(keep[i], F_SETFD, 0) != 0)
				_exit(127);
		execv(path, (char *const *)(uintptr_t)argv);
		fprintf(stderr, "tcard-issuerd: cannot start %s: %s\n", path,
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Starts the worker with lfd and wfd inherited; its pid, or -1. */
static pid_t
spawn_worker(const struct tc_idconf *o, int lfd, int wfd)
{
	char lbuf[16], wbuf[16], rate[48], burst[16];
	const char *argv[24];
	int keep[2] = { lfd, wfd }, i = 0;

	snprintf(lbuf, sizeof(lbuf), "%d", lfd);
	snprintf(wbuf, sizeof(wbuf), "%d", wfd);
	argv[i++] = WORKER_NAME;
	argv[i++] = "--listen-fd";
	argv[i++] = lbuf;
	argv[i++] = "--rpc-fd";
	argv[i++] = wbuf;
	argv[i++] = "--listen";
	argv[i++] = o->listen;
	argv[i++] = "--user";
	argv[i++] = o->user;
	snprintf(rate, sizeof(rate), "%u/%us", o->sign_in_rate.count,
	    o->sign_in_rate.period);
	snprintf(burst, sizeof(burst), "%u", o->sign_in_burst);
	argv[i++] = "--sign-in-rate";
	argv[i++] = rate;
	argv[i++] = "--sign-in-burst";
	argv[i++] = burst;
	/* The worker asks for the pair over the RPC: no paths. */
	if (o->tls_cert[0] != '\0')
		argv[i++] = "--tls";
	argv[i] = NULL;
	return mon_spawn(WORKER_NAME, argv, keep, 2);
}

/*
 * The work queue's step owners of applications written before schema 10
 * (tc_app_queue_fill), once the programmes are read.
 */
static int
fill_queue(struct mon *m, char *err, size_t errlen)
{
	struct tc_app_ctx c;
	int64_t n = 0;
	int r;

	memset(&c, 0, sizeof(c));
	c.reg = m->reg;
	c.programmes = m->progs;
	if ((r = tc_registry_begin(m->reg, err, errlen)) != 0 ||
	    (r = tc_app_queue_fill(&c, &n, err, errlen)) != 0 ||
	    (r = tc_registry_commit(m->reg, err, errlen)) != 0) {
		tc_registry_rollback(m->reg);
		mon_log("start", "error", "work queue: %s", err);
		return r;
	}
	if (n > 0)
		mon_log("start", "info",
		    "work queue: the step owners of %lld applications filled",
		    (long long)n);
	return 0;
}

static int
open_home(struct mon *m, const char *home)
{
	struct tc_registry_keys keys;
	struct tc_keystore *ks = NULL;
	char path[PATH_MAX + 64], err[1024] = "";
	struct stat st;
	int r;

	memset(&keys, 0, sizeof(keys));
	if ((r = tc_keystore_open(&ks, home, err, sizeof(err))) != 0 ||
	    (r = tc_keystore_secret(ks, TC_SECRET_PEPPER, keys.pepper,
		 sizeof(keys.pepper), err, sizeof(err))) != 0 ||
	    (r = tc_keystore_secret(ks, TC_SECRET_DATA_KEY, keys.data_key,
		 sizeof(keys.data_key), err, sizeof(err))) != 0) {
		mon_log("start", "error", "key store: %s", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/registry.db", home);
	if ((r = tc_registry_open(&m->reg, path, &keys, 0, err, sizeof(err))) !=
	    0) {
		mon_log("start", "error", "registry: %s", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/programmes", home);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		const char *d = getenv("TCARD_PROGRAMMES");

		snprintf(path, sizeof(path), "%s",
		    d != NULL && *d != '\0' ? d : TC_PROGRAMMES_DIR);
	}
	if ((r = tc_programme_set_load_dir(
		 &m->progs, path, err, sizeof(err))) != 0) {
		mon_log("start", "error", "programmes: %s", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/holidays.txt", home);
	if (stat(path, &st) == 0 &&
	    (r = tc_workdays_load(&m->wd, path, err, sizeof(err))) != 0) {
		mon_log("start", "error", "holidays: %s", err);
		goto out;
	}
	r = fill_queue(m, err, sizeof(err));
out:
	OPENSSL_cleanse(&keys, sizeof(keys));
	tc_keystore_free(ks);
	return r;
}

/*
 * Answers one request frame (its tail: the documents of a card op).
 * Returns 0, or -1 when the peer is gone.
 */
static int
serve_one(struct mon *m, int fd, uint32_t id, const char *json, size_t jlen,
    const uint8_t *tail, size_t tlen)
{
	struct mon_answer a;
	struct tc_orpc_req q;
	char err[512] = "", tag[9] = "-";
	json_t *o;
	char *text = NULL;
	int rc = -1, parsed;

	memset(&a, 0, sizeof(a));
	parsed = tc_orpc_req_parse(json, jlen, &q, err, sizeof(err));
	if (parsed == 0)
		parsed = tc_orpc_req_tail(&q, tail, tlen, err, sizeof(err));
	if (parsed == 0 && q.op == TC_ORPC_TLS) {
		tc_orpc_req_release(&q);
		return send_tls(fd, id);
	}
	if (parsed != 0) {
		mon_fail(&a, 400, "bad-request", "%s", err);
		mon_log("rpc", "warning", "refused a request: %s", err);
	} else {
		mon_op(m, &q, &a);
		if (q.session[0] != '\0')
			mon_session_tag(q.session, tag);
		else if (a.session[0] != '\0')
			mon_session_tag(a.session, tag);
		mon_log("op", a.status == 200 ? "info" : "notice",
		    "%s operator=%s application=%lld session=%s status=%u",
		    tc_orpc_op_name(q.op),
		    a.operator_name[0] ? a.operator_name : "-",
		    (long long)a.app, tag, a.status);
	}
	tc_orpc_req_release(&q);
	if (a.error != NULL) {
		o = json_pack("{s:i, s:s, s:s}", "status", a.status, "error",
		    a.error, "message", a.message);
	} else if (a.json_tail) {
		/* Written as text already (the queue, a search). */
		o = json_pack("{s:i, s:b}", "status", a.status, "json_tail", 1);
	} else if (a.tail == NULL && a.body != NULL) {
		/*
		 * A JSON body goes as the tail's text ("json_tail"), which
		 * the worker passes on to an API client without parsing it.
		 */
		o = json_pack("{s:i, s:b}", "status", a.status, "json_tail", 1);
		if ((a.tail = (uint8_t *)json_dumps(a.body, JSON_COMPACT)) ==
		    NULL) {
			json_decref(o);
			o = NULL;
		} else {
			a.tlen = strlen((char *)a.tail);
		}
	} else {
		o = json_pack("{s:i, s:O}", "status", a.status, "body", a.body);
	}
	if (o != NULL && a.who != NULL)
		json_object_set(o, "who", a.who);
	if (o != NULL && a.session[0] != '\0')
		json_object_set_new(o, "session", json_string(a.session));
	if (o != NULL && a.ctype != NULL) {
		json_object_set_new(o, "ctype", json_string(a.ctype));
		json_object_set_new(o, "filename", json_string(a.filename));
	}
	if (o != NULL)
		text = json_dumps(o, JSON_COMPACT);
	if (text == NULL)
		text = strdup("{\"status\":500,\"error\":\"internal\","
			      "\"message\":\"out of memory\"}");
	if (text != NULL &&
	    office_rpc_send(fd, id, text, strlen(text),
		a.error == NULL ? a.tail : NULL,
		a.error == NULL ? a.tlen : 0) == 0)
		rc = 0;
	if (text != NULL)
		OPENSSL_cleanse(text, strlen(text));
	free(text);
	json_decref(o);
	json_decref(a.body);
	json_decref(a.who);
	if (a.tail != NULL)
		OPENSSL_cleanse(a.tail, a.tlen);
	free(a.tail);
	OPENSSL_cleanse(a.session, sizeof(a.session));
	return rc;
}

/* The monitor's end of the RPC socketpair, for stop_worker. */
static int worker_rpc_fd = -1;

/*
 * Stops the worker: the RPC channel is shut first, so that a worker
 * thread waiting for an answer gets end of file (its request is 503) and
 * libmicrohttpd's stop does not wait for it forever; then SIGTERM, and
 * SIGKILL if the worker has not ended within 10 seconds.
 */
static void
stop_worker(void)
{
	int st, i;

	if (worker_rpc_fd >= 0)
		shutdown(worker_rpc_fd, SHUT_RDWR);
	if (worker_pid <= 0)
		return;
	kill(worker_pid, SIGTERM);
	for (i = 0; i < 1000; i++) {
		if (waitpid(worker_pid, &st, WNOHANG) != 0)
			break;
		usleep(10000);
	}
	if (i == 1000) {
		mon_log("stop", "warning",
		    "the web worker did not end within 10 s of SIGTERM: killed");
		kill(worker_pid, SIGKILL);
		waitpid(worker_pid, &st, 0);
	}
	worker_pid = 0;
}

/* The loop: requests on fd, signals on sfd. Returns the exit status. */
static int
serve(struct mon *m, int fd, int sfd)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	uint8_t *tail;
	size_t jlen, tlen;
	uint32_t id;
	char *json, err[512] = "";
	int r, st;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			mon_log("stop", "error", "poll: %s", strerror(errno));
			return 1;
		}
		if (p[1].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
				continue;
			if (si.ssi_signo == SIGCHLD) {
				if (waitpid(worker_pid, &st, WNOHANG) ==
				    worker_pid) {
					worker_pid = 0;
					mon_log("stop", "error",
					    "the web worker ended (status %d); stopping",
					    st);
					return 1;
				}
				continue;
			}
			/*
			 * SIGHUP: the pair is read again, and the worker
			 * asks for it (it keeps its own when this fails).
			 */
			if (si.ssi_signo == SIGHUP) {
				if (tls_read() == 0)
					kill(worker_pid, SIGHUP);
				continue;
			}
			mon_log("stop", "info", "signal %u: stopping",
			    si.ssi_signo);
			stop_worker();
			return 0;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = office_rpc_recv(fd, TC_ORPC_REQ_MAX,
			    TC_ORPC_REQ_TAIL_MAX, &id, &json, &jlen, &tail,
			    &tlen, err, sizeof(err));
			if (r != 0) {
				mon_log("stop", "error",
				    "the web worker's channel closed: %s",
				    r == 1 ? "end of file" : err);
				stop_worker();
				return 1;
			}
			r = serve_one(m, fd, id, json, jlen, tail, tlen);
			OPENSSL_cleanse(json, jlen);
			free(json);
			free(tail);
			if (r != 0) {
				mon_log("stop", "error",
				    "cannot answer the web worker");
				stop_worker();
				return 1;
			}
		}
	}
}

int
main(int argc, char **argv)
{
	static struct mon m;
	struct tc_idconf o;
	sigset_t set;
	unsigned port;
	int lfd, sp[2], sfd, status;
	FILE *f;

	if ((status = parse_opts(argc, argv, &o)) >= 0)
		return status;
	m.idle_timeout = o.idle_timeout;
	m.lifetime = o.session_lifetime;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		return 1;
	if ((lfd = bind_listener(&o, &port)) < 0)
		return 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		mon_log("start", "error", "socketpair: %s", strerror(errno));
		return 1;
	}
	/* The worker starts before any secret is in this address space. */
	if ((worker_pid = spawn_worker(&o, lfd, sp[1])) < 0)
		return 1;
	close(lfd);
	close(sp[1]);
	worker_rpc_fd = sp[0];
	/* The OIDC agent too, and its secret handed over. */
	if (mon_oidc_start(&m, &o) != 0) {
		stop_worker();
		return 1;
	}
	if (o.tls_cert[0] != '\0') {
		tls.cert_path = o.tls_cert;
		tls.key_path = o.tls_key;
		tls.home = o.home;
	}
	if (tls_read() != 0 || open_home(&m, o.home) != 0 ||
	    mon_perso_open(&m, o.home) != 0) {
		mon_oidc_stop(&m);
		stop_worker();
		return 1;
	}
	if (o.port_file[0] != '\0') {
		if ((f = fopen(o.port_file, "w")) == NULL ||
		    fprintf(f, "%u\n", port) < 0 || fclose(f) != 0) {
			mon_log("start", "error", "--port-file %s: %s",
			    o.port_file, strerror(errno));
			stop_worker();
			return 1;
		}
	}
	mon_log("start", "info",
	    "serving %s (port %u), web worker pid %ld, sessions idle %us, lifetime %us",
	    o.listen, port, (long)worker_pid, o.idle_timeout,
	    o.session_lifetime);
	status = serve(&m, sp[0], sfd);
	mon_oidc_stop(&m);
	mon_perso_close(&m);
	tc_registry_close(m.reg);
	tc_programme_set_free(m.progs);
	tc_workdays_free(m.wd);
	tc_buf_release(&tls.cert);
	tc_buf_release(&tls.key); /* wiped */
	tc_buf_release(&tls.station_ca);
	tc_buf_release(&tls.revoked);
	return status;
}
