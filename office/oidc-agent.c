/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuerd-oidc, the office's OpenID Connect agent (docs/oidc.md,
 * "In the office"): the third process of tcard-issuerd, started by the
 * monitor when oidc-issuer is configured, before the monitor opens its
 * key store. It holds the client secret (the monitor's first frame) and
 * no registry, no key: it speaks to the identity platform with libcurl
 * (discovery, the key set, the token request) and parses its bytes with
 * the library's readers, so that the monitor never parses them and the
 * web worker, which parses HTTP, cannot assert an identity. The logins
 * under way (state, nonce, PKCE verifier) stay here, in memory, 10
 * minutes at most.
 *
 * Requests from the monitor on --rpc-fd in the office RPC framing
 * (office/rpc.h), one at a time:
 *   {"op":"secret"} and the secret as the tail: the first frame, no answer
 *   {"op":"start"} -> {"url", "state"}
 *   {"op":"finish", "code", "state"} -> {"sub", "name", "id_type",
 *       "id_number", "mobile"} (the configured claims; null when absent)
 * or {"error": "unavailable" | "bad-state" | "refused", "message"}.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "dsandbox.h"
#include "rpc.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

#define AGENT		"tcard-issuerd-oidc"
#define PENDING_MAX	1024
#define PENDING_SECONDS 600
#define HTTP_SECONDS	10L
#define JWKS_EVERY	60 /* seconds between two fetches of the key set */
#define LEEWAY		60
#define SECRET_MAX	1024
#define REQ_MAX		(8u * 1024)

/* One login under way. */
struct pending {
	time_t expires; /* 0: a free slot */
	struct tc_oidc_pkce pk;
};

static struct agent {
	const char *issuer, *client_id, *redirect_uri, *scope;
	const char *claims[4];
	char claims_buf[512];
	unsigned flags;
	char *secret;
	CURL *c;
	int ready; /* discovery and the key set read */
	struct tc_oidc_provider p;
	struct tc_oidc_jwks keys;
	time_t jwks_at, tried_at;
	char why[512]; /* why not ready */
	struct pending pend[PENDING_MAX];
} ag;

static void alog(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
alog(const char *level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	json_t *o;
	char *line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_pack("{s:s, s:s, s:s}", "process", "oidc", "level", level,
	    "message", msg);
	if (o != NULL && (line = json_dumps(o, JSON_COMPACT)) != NULL) {
		fprintf(stderr, "%s\n", line);
		free(line);
	}
	json_decref(o);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	return tc_buf_put(arg, p, size * n) == 0 ? size * n : 0;
}

/*
 * One request to the provider (no redirects followed, HTTP_SECONDS at
 * most, https only unless http to loopback is allowed): GET url, or POST
 * of a form body with the client's basic credentials. The body into b
 * (capped by its cap). Returns the HTTP status, or -1 with why.
 */
static long
http(
    const char *url, const char *form, struct tc_buf *b, char *why, size_t wlen)
{
	char *id = NULL, *sec = NULL;
	long st = -1;
	CURLcode cr;

	tc_buf_reset(b);
	curl_easy_reset(ag.c);
	curl_easy_setopt(ag.c, CURLOPT_URL, url);
	curl_easy_setopt(ag.c, CURLOPT_PROTOCOLS_STR,
	    (ag.flags & TC_OIDC_ALLOW_HTTP_LOOPBACK) ? "https,http" : "https");
	curl_easy_setopt(ag.c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(ag.c, CURLOPT_TIMEOUT, HTTP_SECONDS);
	curl_easy_setopt(ag.c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ag.c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(ag.c, CURLOPT_WRITEDATA, b);
	if (form != NULL) {
		/* client_secret_basic: each part form-encoded (RFC 6749 2.3.1) */
		id = curl_easy_escape(ag.c, ag.client_id, 0);
		sec = curl_easy_escape(ag.c, ag.secret, 0);
		curl_easy_setopt(ag.c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(ag.c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(ag.c, CURLOPT_USERNAME, id);
		curl_easy_setopt(ag.c, CURLOPT_PASSWORD, sec);
	}
	if ((cr = curl_easy_perform(ag.c)) != CURLE_OK)
		snprintf(why, wlen, "%.256s: %s", url, curl_easy_strerror(cr));
	else
		curl_easy_getinfo(ag.c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_setopt(ag.c, CURLOPT_PASSWORD, "");
	if (sec != NULL) {
		OPENSSL_cleanse(sec, strlen(sec));
		curl_free(sec);
	}
	curl_free(id);
	return st;
}

/* GET url expecting 200: 0, or -1 with why. */
static int
get_doc(const char *url, struct tc_buf *b, char *why, size_t wlen)
{
	long st = http(url, NULL, b, why, wlen);

	if (st == 200)
		return 0;
	if (st > 0)
		snprintf(why, wlen, "%.256s: HTTP %ld", url, st);
	return -1;
}

/* Fetches the key set again. 0 or -1 with why. */
static int
fetch_jwks(char *why, size_t wlen)
{
	struct tc_oidc_jwks k;
	struct tc_buf b;
	int r = -1;

	tc_buf_init(&b, TC_OIDC_JWKS_MAX);
	ag.jwks_at = time(NULL);
	if (get_doc(ag.p.jwks_uri, &b, why, wlen) == 0 &&
	    tc_oidc_jwks_parse((const char *)b.data, b.len, &k, why, wlen) ==
		0) {
		tc_oidc_jwks_release(&ag.keys);
		ag.keys = k;
		r = 0;
	}
	tc_buf_release(&b);
	return r;
}

/* Discovery and the key set, when not done (retried every 10 s). */
static int
discover(void)
{
	char url[TC_OIDC_URL_MAX + 64];
	struct tc_buf b;
	size_t n = strlen(ag.issuer);
	int r;

	if (ag.ready)
		return 0;
	if (ag.tried_at != 0 && time(NULL) - ag.tried_at < 10)
		return -1;
	ag.tried_at = time(NULL);
	tc_oidc_provider_release(&ag.p);
	snprintf(url, sizeof(url), "%s%s.well-known/openid-configuration",
	    ag.issuer, n > 0 && ag.issuer[n - 1] == '/' ? "" : "/");
	tc_buf_init(&b, TC_OIDC_DOC_MAX);
	r = get_doc(url, &b, ag.why, sizeof(ag.why)) == 0 &&
		tc_oidc_discovery_parse((const char *)b.data, b.len, ag.issuer,
		    ag.flags, &ag.p, ag.why, sizeof(ag.why)) == 0 &&
		fetch_jwks(ag.why, sizeof(ag.why)) == 0
	    ? 0
	    : -1;
	tc_buf_release(&b);
	if (r == 0) {
		ag.ready = 1;
		ag.why[0] = '\0';
		alog("info", "provider %s: discovery and key set read",
		    ag.issuer);
	} else
		alog("error", "provider %s: %s", ag.issuer, ag.why);
	return r;
}

static json_t *fail(const char *code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *
fail(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:s, s:s}", "error", code, "message", msg);
}

/* A free slot (expired ones freed), or NULL. */
static struct pending *
slot_new(time_t now)
{
	struct pending *free_one = NULL;
	size_t i;

	for (i = 0; i < PENDING_MAX; i++) {
		if (ag.pend[i].expires != 0 && ag.pend[i].expires <= now) {
			OPENSSL_cleanse(&ag.pend[i], sizeof(ag.pend[i]));
			ag.pend[i].expires = 0;
		}
		if (ag.pend[i].expires == 0 && free_one == NULL)
			free_one = &ag.pend[i];
	}
	return free_one;
}

/* The login of state (unexpired), or NULL. */
static struct pending *
slot_find(const char *state, time_t now)
{
	size_t i;

	if (strlen(state) != TC_OIDC_RAND_LEN)
		return NULL;
	for (i = 0; i < PENDING_MAX; i++)
		if (ag.pend[i].expires > now &&
		    CRYPTO_memcmp(
			ag.pend[i].pk.state, state, TC_OIDC_RAND_LEN) == 0)
			return &ag.pend[i];
	return NULL;
}

static json_t *
op_start(void)
{
	struct tc_oidc_client cl = { ag.client_id, ag.redirect_uri, ag.scope };
	time_t now = time(NULL);
	struct pending *s;
	struct tc_buf url;
	char why[512] = "";
	json_t *o;

	if (discover() != 0)
		return fail("unavailable",
		    "the identity platform cannot be used now: %s", ag.why);
	if ((s = slot_new(now)) == NULL)
		return fail("unavailable",
		    "%d sign-ins are under way; try again in a few minutes",
		    PENDING_MAX);
	if (tc_oidc_pkce_new(&s->pk) != 0)
		return fail("unavailable", "no random bytes");
	tc_buf_init(&url, 4 * TC_OIDC_URL_MAX);
	if (tc_oidc_authorize_url(&url, ag.p.authorization_endpoint, &cl,
		&s->pk, why, sizeof(why)) != 0 ||
	    tc_buf_put(&url, "", 1) != 0) {
		OPENSSL_cleanse(&s->pk, sizeof(s->pk));
		tc_buf_release(&url);
		return fail("unavailable", "authorization URL: %s", why);
	}
	s->expires = now + PENDING_SECONDS;
	o = json_pack(
	    "{s:s, s:s}", "url", (const char *)url.data, "state", s->pk.state);
	tc_buf_release(&url);
	return o;
}

/* The token request of code with s's verifier; the ID token verified. */
static json_t *
redeem(const char *code, struct pending *s)
{
	struct tc_oidc_expect e;
	struct tc_oidc_tokens t;
	struct tc_oidc_identity id;
	struct tc_buf b, form;
	char why[512] = "", *c, *ru;
	json_t *o;
	long st;
	int r;
	size_t i;

	memset(&t, 0, sizeof(t));
	memset(&id, 0, sizeof(id));
	tc_buf_init(&b, TC_OIDC_RESP_MAX);
	tc_buf_init(&form, 8 * 1024);
	c = curl_easy_escape(ag.c, code, 0);
	ru = curl_easy_escape(ag.c, ag.redirect_uri, 0);
	r = c == NULL || ru == NULL ||
	    tc_buf_printf(&form,
		"grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s",
		c, ru, s->pk.verifier) != 0 ||
	    tc_buf_put(&form, "", 1) != 0;
	if (c != NULL)
		OPENSSL_cleanse(c, strlen(c));
	curl_free(c);
	curl_free(ru);
	if (r) {
		o = fail("unavailable", "out of memory");
		goto out;
	}
	st = http(
	    ag.p.token_endpoint, (const char *)form.data, &b, why, sizeof(why));
	if (st < 0) {
		o = fail("unavailable", "token request: %s", why);
		goto out;
	}
	if ((r = tc_oidc_token_response_parse(
		 (const char *)b.data, b.len, &t, why, sizeof(why))) != 0) {
		o = fail(r == TC_ERR_AUTH ? "refused" : "unavailable",
		    "the token endpoint (HTTP %ld): %s", st, why);
		goto out;
	}
	memset(&e, 0, sizeof(e));
	e.issuer = ag.issuer;
	e.client_id = ag.client_id;
	e.nonce = s->pk.nonce;
	e.now = time(NULL);
	e.leeway = LEEWAY;
	for (i = 0; i < 4; i++)
		e.claims[i] = ag.claims[i];
	e.nclaims = 4;
	r = tc_oidc_id_token_verify(
	    t.id_token, &ag.keys, &e, &id, why, sizeof(why));
	if (r == TC_ERR_UNKNOWN_KEY && time(NULL) - ag.jwks_at >= JWKS_EVERY &&
	    fetch_jwks(why, sizeof(why)) == 0)
		r = tc_oidc_id_token_verify(
		    t.id_token, &ag.keys, &e, &id, why, sizeof(why));
	if (r != 0) {
		o = fail("refused", "the ID token: %s", why);
		goto out;
	}
	o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "sub", id.sub, "name",
	    id.values[0], "id_type", id.values[1], "id_number", id.values[2],
	    "mobile", id.values[3]);
	if (o == NULL)
		o = fail("unavailable", "out of memory");
out:
	tc_oidc_identity_release(&id);
	tc_oidc_tokens_release(&t);
	tc_buf_release(&b); /* the token answer */
	if (form.len > 0)
		OPENSSL_cleanse(form.data, form.len);
	tc_buf_release(&form);
	return o;
}

static json_t *
op_finish(json_t *req)
{
	const char *code = json_string_value(json_object_get(req, "code"));
	const char *state = json_string_value(json_object_get(req, "state"));
	struct pending *s;
	json_t *o;

	if (code == NULL || state == NULL)
		return fail("bad-state", "finish needs code and state");
	if ((s = slot_find(state, time(NULL))) == NULL)
		return fail("bad-state",
		    "no sign-in under way with this state (it ended, expired after %d minutes, or was started elsewhere)",
		    PENDING_SECONDS / 60);
	if (discover() != 0)
		o = fail("unavailable",
		    "the identity platform cannot be used now: %s", ag.why);
	else
		o = redeem(code, s);
	/* A state is used once, whatever the outcome. */
	OPENSSL_cleanse(s, sizeof(*s));
	s->expires = 0;
	return o;
}

/* Answers one frame; 0, or -1 when the monitor is gone. */
static int
serve_one(int fd, uint32_t id, const char *json, size_t jlen,
    const uint8_t *tail, size_t tlen)
{
	json_t *req = json_loadb(json, jlen, 0, NULL), *o;
	const char *op = json_string_value(json_object_get(req, "op"));
	char *text;
	int r;

	if (op != NULL && strcmp(op, "secret") == 0) {
		if (ag.secret != NULL || tlen == 0 || tlen > SECRET_MAX ||
		    (ag.secret = calloc(1, tlen + 1)) == NULL) {
			json_decref(req);
			return -1;
		}
		memcpy(ag.secret, tail, tlen);
		json_decref(req);
		return 0;
	}
	if (ag.secret == NULL)
		o = fail("unavailable", "no client secret");
	else if (op != NULL && strcmp(op, "start") == 0)
		o = op_start();
	else if (op != NULL && strcmp(op, "finish") == 0)
		o = op_finish(req);
	else
		o = fail("unavailable", "unknown request");
	json_decref(req);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		text = strdup(
		    "{\"error\":\"unavailable\",\"message\":\"out of memory\"}");
	if (text == NULL)
		return -1;
	r = office_rpc_send(fd, id, text, strlen(text), NULL, 0);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return r;
}

/*
 * What the agent may read once it runs (Landlock, dsandbox.h): the CA
 * certificates and OpenSSL's configuration, the resolver's files, and the
 * shared libraries that glibc's name service and libcurl load late.
 * Nothing is written, nothing else is read, nothing is started.
 */
static const struct tc_dsandbox_rule read_rules[] = {
	{ "/etc/ssl", TC_DSANDBOX_READ_TREE },
	{ "/usr/lib/ssl", TC_DSANDBOX_READ_TREE },
	{ "/usr/share/ca-certificates", TC_DSANDBOX_READ_TREE },
	{ "/usr/local/share/ca-certificates", TC_DSANDBOX_READ_TREE },
	{ "/etc/resolv.conf", TC_DSANDBOX_READ_FILES },
	{ "/etc/hosts", TC_DSANDBOX_READ_FILES },
	{ "/etc/nsswitch.conf", TC_DSANDBOX_READ_FILES },
	{ "/etc/host.conf", TC_DSANDBOX_READ_FILES },
	{ "/etc/gai.conf", TC_DSANDBOX_READ_FILES },
	{ "/etc/ld.so.cache", TC_DSANDBOX_READ_FILES },
	{ "/lib", TC_DSANDBOX_READ_FILES },
	{ "/lib64", TC_DSANDBOX_READ_FILES },
	{ "/usr/lib", TC_DSANDBOX_READ_FILES },
	{ "/usr/lib64", TC_DSANDBOX_READ_FILES },
#if defined(__SANITIZE_ADDRESS__)
	{ "/proc", TC_DSANDBOX_READ_FILES },
#endif
};

/* Root (for --user) and the file system given up; 0 or -1 (logged). */
static int
sandbox(const char *user)
{
	char err[256] = "";
	int locked = 0;

	if (tc_dsandbox_user(user, err, sizeof(err)) != 0 ||
	    tc_dsandbox_landlock(read_rules,
		sizeof(read_rules) / sizeof(read_rules[0]), NULL, 0, &locked,
		err, sizeof(err)) != 0) {
		alog("error", "%s", err);
		return -1;
	}
	if (!locked)
		alog("warning",
		    "the kernel has no Landlock: the OIDC agent runs without a file system sandbox");
	else
		alog("info",
		    "the OIDC agent runs as uid %ld, no new privileges, landlock on (CA certificates, resolver files, libraries: read only)",
		    (long)getuid());
	return 0;
}

/* The claim names, "a,b,c,d" (4 names). */
static int
claims_parse(const char *s)
{
	char *p, *save = NULL;
	size_t n = 0;

	snprintf(ag.claims_buf, sizeof(ag.claims_buf), "%s", s);
	for (p = strtok_r(ag.claims_buf, ",", &save); p != NULL && n < 4;
	     p = strtok_r(NULL, ",", &save))
		ag.claims[n++] = p;
	return n == 4 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *user = NULL;
	pid_t parent = getppid();
	uint8_t *tail;
	size_t jlen, tlen;
	uint32_t id;
	char *json, err[256];
	int fd = -1, i, r;

	for (i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--rpc-fd") == 0)
			fd = atoi(v);
		else if (strcmp(k, "--user") == 0)
			user = v;
		else if (strcmp(k, "--issuer") == 0)
			ag.issuer = v;
		else if (strcmp(k, "--client-id") == 0)
			ag.client_id = v;
		else if (strcmp(k, "--redirect-uri") == 0)
			ag.redirect_uri = v;
		else if (strcmp(k, "--scope") == 0)
			ag.scope = v[0] != '\0' ? v : NULL;
		else if (strcmp(k, "--claims") == 0 && claims_parse(v) == 0)
			continue;
		else if (strcmp(k, "--allow-http-loopback") == 0)
			ag.flags = strcmp(v, "yes") == 0
			    ? TC_OIDC_ALLOW_HTTP_LOOPBACK
			    : 0;
		else
			break;
	}
	if (i != argc || fd <= 2 || ag.issuer == NULL || ag.client_id == NULL ||
	    ag.redirect_uri == NULL || ag.claims[3] == NULL) {
		fprintf(stderr, "%s: started by tcard-issuerd only\n", AGENT);
		return 2;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || sandbox(user) != 0)
		return 1;
	/* A change of user cleared it: the monitor's end is ours. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0 ||
	    getppid() != parent)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (ag.c = curl_easy_init()) == NULL)
		return 1;
	for (;;) {
		r = office_rpc_recv(fd, REQ_MAX, SECRET_MAX, &id, &json, &jlen,
		    &tail, &tlen, err, sizeof(err));
		if (r != 0)
			break;
		r = serve_one(fd, id, json, jlen, tail, tlen);
		if (tail != NULL)
			OPENSSL_cleanse(tail, tlen);
		OPENSSL_cleanse(json, jlen);
		free(json);
		free(tail);
		if (r != 0)
			break;
		/* Discovery once the secret is here, before the first login. */
		if (ag.secret != NULL && !ag.ready && ag.tried_at == 0)
			discover();
	}
	if (ag.secret != NULL) {
		OPENSSL_cleanse(ag.secret, strlen(ag.secret));
		free(ag.secret);
	}
	OPENSSL_cleanse(ag.pend, sizeof(ag.pend));
	tc_oidc_provider_release(&ag.p);
	tc_oidc_jwks_release(&ag.keys);
	curl_easy_cleanup(ag.c);
	curl_global_cleanup();
	return 0;
}
