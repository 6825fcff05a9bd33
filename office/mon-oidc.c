/* SPDX-License-Identifier: MIT */
/*
 * The monitor's side of the sign-in through the identity platform
 * (docs/oidc.md, "In the office"): it starts the OIDC agent
 * (tcard-issuerd-oidc, office/oidc-agent.c) when oidc-issuer is set,
 * hands it the client secret, and answers portal-oidc-start and
 * portal-oidc-finish by asking it. The agent talks to the provider and
 * parses what it sends; the monitor reads only the agent's small JSON
 * answers, and turns a verified identity into an account and a portal
 * session (tc_applicant_oidc, mon_portal_signed_in). The monitor is
 * single-threaded: a finish blocks it for the token request (10 s at
 * most, the agent's timeout).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mon.h"
#include "rpc.h"
#include "tcard/applicant.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/file.h"

#define AGENT_NAME	 "tcard-issuerd-oidc"
#define AGENT_SECRET_MAX 1024
#define AGENT_ANSWER_MAX (16u * 1024)
#define AGENT_WAIT_MS	 30000 /* the agent's 10 s requests, and more */
#define AGENT_RESTART_S	 2     /* at most one start of the agent per 2 s */

void mon_log(const char *event, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads the secret file (a secret's mode) and sends it to the agent. */
static int
send_secret(struct mon *m, const char *path)
{
	static const char json[] = "{\"op\":\"secret\"}";
	struct tc_buf b;
	char err[512] = "";
	int r = -1;

	tc_buf_init(&b, AGENT_SECRET_MAX);
	if (tc_file_read(path, NULL, AGENT_SECRET_MAX,
		TC_FILE_NOFOLLOW | TC_FILE_SECRET, &b, err, sizeof(err)) != 0)
		mon_log("start", "error", "oidc-client-secret-file: %s", err);
	else {
		while (b.len > 0 &&
		    (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
			b.data[b.len - 1] == ' '))
			b.len--;
		if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL)
			mon_log("start", "error",
			    "oidc-client-secret-file: empty, or holds a NUL");
		else if (office_rpc_send(m->oidc_fd, ++m->oidc_seq, json,
			     strlen(json), b.data, b.len) != 0)
			mon_log("start", "error",
			    "cannot hand the client secret to the OIDC agent");
		else
			r = 0;
	}
	tc_buf_release(&b); /* wiped */
	return r;
}

int
mon_oidc_start(struct mon *m, const struct tc_idconf *o)
{
	const char *argv[24];
	char fdbuf[16];
	int sp[2], i = 0;

	m->oidc_pid = 0;
	m->oidc_fd = -1;
	if (o->oidc_issuer[0] == '\0')
		return 0;
	m->oidc_issuer = o->oidc_issuer;
	m->oidc_conf = o;
	m->oidc_started = time(NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		mon_log("start", "error", "socketpair: %s", strerror(errno));
		return -1;
	}
	snprintf(fdbuf, sizeof(fdbuf), "%d", sp[1]);
	argv[i++] = AGENT_NAME;
	argv[i++] = "--rpc-fd";
	argv[i++] = fdbuf;
	argv[i++] = "--user";
	argv[i++] = o->user;
	argv[i++] = "--issuer";
	argv[i++] = o->oidc_issuer;
	argv[i++] = "--client-id";
	argv[i++] = o->oidc_client_id;
	argv[i++] = "--redirect-uri";
	argv[i++] = o->oidc_redirect_uri;
	argv[i++] = "--claims";
	argv[i++] = o->oidc_claims;
	argv[i++] = "--scope";
	argv[i++] = o->oidc_scope;
	argv[i++] = "--allow-http-loopback";
	argv[i++] = o->oidc_http_loopback ? "yes" : "no";
	argv[i] = NULL;
	m->oidc_pid = mon_spawn(AGENT_NAME, argv, &sp[1], 1);
	close(sp[1]);
	m->oidc_fd = sp[0];
	if (m->oidc_pid < 0 || send_secret(m, o->oidc_secret_file) != 0) {
		mon_oidc_stop(m);
		return -1;
	}
	mon_log("start", "info", "OIDC agent pid %ld for %s", (long)m->oidc_pid,
	    o->oidc_issuer);
	return 0;
}

void
mon_oidc_stop(struct mon *m)
{
	if (m->oidc_fd >= 0)
		close(m->oidc_fd);
	m->oidc_fd = -1;
	if (m->oidc_pid > 0) {
		kill(m->oidc_pid, SIGTERM);
		waitpid(m->oidc_pid, NULL, 0);
	}
	m->oidc_pid = 0;
}

/*
 * One request to the agent and its answer (a JSON object) into *out.
 * An agent that does not answer in time, or is gone, is stopped (the
 * caller starts another, agent_restart). Returns 0 or -1.
 */
static int
agent_call(struct mon *m, json_t *req, json_t **out)
{
	struct pollfd p;
	uint8_t *tail = NULL;
	size_t jlen, tlen;
	uint32_t id;
	char *text, *json = NULL, err[256] = "";
	int r = -1;

	*out = NULL;
	if (m->oidc_pid <= 0 || (text = json_dumps(req, JSON_COMPACT)) == NULL)
		return -1;
	if (office_rpc_send(
		m->oidc_fd, ++m->oidc_seq, text, strlen(text), NULL, 0) == 0) {
		p.fd = m->oidc_fd;
		p.events = POLLIN;
		while ((r = poll(&p, 1, AGENT_WAIT_MS)) < 0 && errno == EINTR)
			;
		if (r == 1 &&
		    office_rpc_recv(m->oidc_fd, AGENT_ANSWER_MAX, 0, &id, &json,
			&jlen, &tail, &tlen, err, sizeof(err)) == 0 &&
		    id == m->oidc_seq)
			*out = json_loadb(json, jlen, 0, NULL);
	}
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (json != NULL)
		OPENSSL_cleanse(json, jlen);
	free(json);
	free(tail);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		mon_log("oidc", "error",
		    "the OIDC agent did not answer (%s): stopped",
		    err[0] ? err : "no answer in time");
		mon_oidc_stop(m);
		return -1;
	}
	return 0;
}

/*
 * Starts the agent again after it died or stopped answering, at most
 * once per AGENT_RESTART_S (an agent that dies at start costs no more).
 * Its pending sign-ins are lost: those browsers start again. Returns 0
 * when a new agent runs.
 */
static int
agent_restart(struct mon *m, time_t now)
{
	if (m->oidc_conf == NULL || now - m->oidc_started < AGENT_RESTART_S)
		return -1;
	mon_oidc_stop(m);
	mon_log("oidc", "warning", "starting the OIDC agent again");
	return mon_oidc_start(m, m->oidc_conf);
}

/* The agent's error answer o as ours: 503, 400 or 401. */
static int
agent_fail(json_t *o, struct mon_answer *a)
{
	const char *code = json_string_value(json_object_get(o, "error"));
	const char *msg = json_string_value(json_object_get(o, "message"));

	if (code == NULL)
		return 0;
	if (strcmp(code, "bad-state") == 0)
		mon_fail(a, 400, "bad-state", "%s", msg ? msg : code);
	else if (strcmp(code, "refused") == 0)
		mon_fail(a, 401, "unauthorized", "%s", msg ? msg : code);
	else
		mon_fail(a, 503, "unavailable", "%s", msg ? msg : code);
	return -1;
}

/* The identity's account, then a session. */
static void
signed_in(struct mon *m, json_t *o, struct mon_answer *a, time_t now)
{
	struct tc_applicant_oidc idt;
	struct tc_applicant acct;
	char err[512] = "";
	int r;

	memset(&idt, 0, sizeof(idt));
	idt.issuer = m->oidc_issuer;
	idt.sub = json_string_value(json_object_get(o, "sub"));
	idt.name = json_string_value(json_object_get(o, "name"));
	idt.id_type = json_string_value(json_object_get(o, "id_type"));
	idt.id_number = json_string_value(json_object_get(o, "id_number"));
	if (mon_begin(m, a) != 0)
		return;
	r = tc_applicant_oidc(m->reg, &idt, now, &acct, NULL, err, sizeof(err));
	if (r == TC_ERR_AUTH) {
		tc_registry_rollback(m->reg);
		mon_fail(a, 401, "unauthorized", "%s", err);
		return;
	}
	if (mon_end(m, a, r, err, NULL) != 0)
		return;
	mon_portal_signed_in(m, &acct, a, now);
}

void
mon_oidc_op(struct mon *m, const struct tc_orpc_req *q, struct mon_answer *a,
    time_t now)
{
	json_t *req, *o = NULL;

	if (m->oidc_issuer == NULL) {
		mon_fail(a, 404, "not-found",
		    "this office has no identity platform (oidc-issuer): sign in with a login and password");
		return;
	}
	if (q->op == TC_ORPC_PORTAL_OIDC_FINISH &&
	    (q->cookie_state[0] == '\0' ||
		CRYPTO_memcmp(q->oidc_state, q->cookie_state,
		    sizeof(q->oidc_state)) != 0)) {
		mon_fail(a, 400, "bad-state",
		    "the sign-in's state is not the one this browser started (its tcard_oidc cookie): start again at /portal/oidc/start");
		return;
	}
	if (q->op == TC_ORPC_PORTAL_OIDC_START)
		req = json_pack("{s:s}", "op", "start");
	else
		req = json_pack("{s:s, s:s, s:s}", "op", "finish", "code",
		    q->oidc_code, "state", q->oidc_state);
	if (req != NULL && m->oidc_pid <= 0)
		agent_restart(m, now);
	if (req != NULL && agent_call(m, req, &o) != 0 &&
	    agent_restart(m, now) == 0)
		agent_call(m, req, &o);
	if (req == NULL || o == NULL) {
		if (req != NULL)
			mon_fail(a, 503, "unavailable",
			    "the sign-in through the identity platform is not available now");
		else
			mon_fail(a, 500, "internal", "out of memory");
	} else if (agent_fail(o, a) == 0) {
		if (q->op == TC_ORPC_PORTAL_OIDC_START)
			a->body = json_pack("{s:O, s:O}", "url",
			    json_object_get(o, "url"), "state",
			    json_object_get(o, "state"));
		else
			signed_in(m, o, a, now);
	}
	json_decref(req);
	json_decref(o);
}
