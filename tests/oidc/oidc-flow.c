/* SPDX-License-Identifier: MIT */
/*
 * The OIDC test driver (tests/integration/183-oidc.sh, docs/oidc.md): the
 * relying party's half of the authorization code flow with PKCE, run
 * against a real provider (tests/oidc/provider.mjs) with libcurl and its
 * cookie engine, checked with libtcard's OIDC functions: discovery, the key
 * set, the authorization URL, the provider's login (one POST of
 * login=ACCOUNT to its interaction), the redirect's code and state
 * captured (not followed), the token request (client_secret_basic and the
 * code verifier), and the ID token verified. Prints sub=... and one
 * NAME=VALUE line per configured claim; exits 0, or 1 with the refusal on
 * stderr, 2 on a usage error.
 *
 * oidc-flow --provider URL --client-id ID --client-secret S
 *     --redirect-uri URI [--issuer ISS] [--login ACCOUNT]
 *     [--claims a,b,c] [--now T] [--state S] [--nonce N] [--replay]
 *     [--save-token FILE]
 * --issuer is the configured issuer (default: --provider); --state and
 * --nonce replace what the driver expects back (a wrong state or nonce);
 * --now moves the verification's clock; --replay redeems the code a second
 * time after a good exchange and reports that second answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

struct opts {
	const char *provider, *issuer, *client_id, *secret, *redirect;
	const char *login, *claims, *state, *nonce, *save;
	long long now;
	int replay;
};

struct flow {
	struct opts o;
	CURL *c;
	struct tc_oidc_provider p;
	struct tc_oidc_jwks keys;
	struct tc_oidc_pkce pk;
	char code[512], state[512];
	char err[512];
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	return tc_buf_put(arg, p, size * n) == 0 ? size * n : 0;
}

/*
 * One request without following redirects: GET, or POST of body. The
 * answer's body into b, its status into *status, its Location (absolute)
 * into loc (may be "").
 */
static int
http(struct flow *f, const char *url, const char *body, const char *user,
    struct tc_buf *b, long *status, char *loc, size_t loclen)
{
	char *redir = NULL;
	CURLcode cr;

	tc_buf_reset(b);
	curl_easy_setopt(f->c, CURLOPT_URL, url);
	curl_easy_setopt(f->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(f->c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(f->c, CURLOPT_HTTPGET, 1L);
	if (body != NULL)
		curl_easy_setopt(f->c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(f->c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(f->c, CURLOPT_USERPWD, user);
	if ((cr = curl_easy_perform(f->c)) != CURLE_OK) {
		snprintf(f->err, sizeof(f->err), "%s: %s", url,
		    curl_easy_strerror(cr));
		return -1;
	}
	curl_easy_getinfo(f->c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_getinfo(f->c, CURLINFO_REDIRECT_URL, &redir);
	if (loc != NULL)
		snprintf(loc, loclen, "%s", redir != NULL ? redir : "");
	return 0;
}

/* GET url, expecting 200 and a body. */
static int
get_doc(struct flow *f, const char *url, struct tc_buf *b)
{
	long st = 0;

	if (http(f, url, NULL, NULL, b, &st, NULL, 0) != 0)
		return -1;
	if (st != 200) {
		snprintf(f->err, sizeof(f->err), "%s: HTTP %ld", url, st);
		return -1;
	}
	return 0;
}

/* The value of name in the query of url into out, or "" when absent. */
static void
query_get(const char *url, const char *name, char *out, size_t n)
{
	const char *q = strchr(url, '?'), *v, *end;
	size_t nl = strlen(name);
	char *dec;
	int dl = 0;

	out[0] = '\0';
	for (v = q; v != NULL; v = strchr(v + 1, '&')) {
		if (strncmp(v + 1, name, nl) != 0 || v[1 + nl] != '=')
			continue;
		v += nl + 2;
		end = v + strcspn(v, "&#");
		dec = curl_easy_unescape(NULL, v, (int)(end - v), &dl);
		snprintf(out, n, "%s", dec != NULL ? dec : "");
		curl_free(dec);
		return;
	}
}

/* Discovery and the key set. */
static int
discover(struct flow *f, struct tc_buf *b)
{
	char url[TC_OIDC_URL_MAX + 64];

	snprintf(url, sizeof(url), "%s/.well-known/openid-configuration",
	    f->o.provider);
	if (get_doc(f, url, b) != 0 ||
	    tc_oidc_discovery_parse((const char *)b->data, b->len, f->o.issuer,
		TC_OIDC_ALLOW_HTTP_LOOPBACK, &f->p, f->err,
		sizeof(f->err)) != 0 ||
	    get_doc(f, f->p.jwks_uri, b) != 0 ||
	    tc_oidc_jwks_parse((const char *)b->data, b->len, &f->keys, f->err,
		sizeof(f->err)) != 0)
		return -1;
	return 0;
}

/*
 * The authorization request, the provider's login and consent, until it
 * redirects to the redirect URI: its code and state captured.
 */
static int
authorize(struct flow *f, struct tc_buf *b)
{
	struct tc_oidc_client cl = { f->o.client_id, f->o.redirect,
		"profile identity phone" };
	struct tc_buf url;
	char loc[4096], next[4096], body[256], err[64];
	long st = 0;
	int hop, posted = 0;

	tc_buf_init(&url, 8192);
	if (tc_oidc_pkce_new(&f->pk) != 0 ||
	    tc_oidc_authorize_url(&url, f->p.authorization_endpoint, &cl,
		&f->pk, f->err, sizeof(f->err)) != 0) {
		tc_buf_release(&url);
		return -1;
	}
	snprintf(next, sizeof(next), "%s", (const char *)url.data);
	tc_buf_release(&url);
	snprintf(body, sizeof(body), "login=%s", f->o.login);
	for (hop = 0; hop < 8; hop++) {
		/* The interaction page: log in with one POST. */
		if (!posted && strstr(next, "/interaction/") != NULL) {
			strcat(next, "/login");
			posted = 1;
			if (http(f, next, body, NULL, b, &st, loc, sizeof(loc)))
				return -1;
		} else if (http(f, next, NULL, NULL, b, &st, loc, sizeof(loc)))
			return -1;
		if (loc[0] == '\0') {
			snprintf(f->err, sizeof(f->err),
			    "%.200s: HTTP %ld and no redirect", next, st);
			return -1;
		}
		if (strncmp(loc, f->o.redirect, strlen(f->o.redirect)) == 0)
			break;
		snprintf(next, sizeof(next), "%s", loc);
	}
	query_get(loc, "error", err, sizeof(err));
	query_get(loc, "code", f->code, sizeof(f->code));
	query_get(loc, "state", f->state, sizeof(f->state));
	if (err[0] != '\0' || f->code[0] == '\0') {
		snprintf(f->err, sizeof(f->err),
		    "authorization: the provider answered %s",
		    err[0] ? err : "no code");
		return -1;
	}
	return 0;
}

/* The token request; the answer's body into b. */
static int
redeem(struct flow *f, struct tc_buf *b, struct tc_oidc_tokens *t)
{
	char *code = curl_easy_escape(f->c, f->code, 0);
	char *redir = curl_easy_escape(f->c, f->o.redirect, 0);
	char body[2048], user[512];
	long st = 0;
	int r;

	snprintf(body, sizeof(body),
	    "grant_type=authorization_code&code=%s&redirect_uri=%s"
	    "&code_verifier=%s",
	    code, redir, f->pk.verifier);
	snprintf(user, sizeof(user), "%s:%s", f->o.client_id, f->o.secret);
	curl_free(code);
	curl_free(redir);
	if (http(f, f->p.token_endpoint, body, user, b, &st, NULL, 0) != 0)
		return -1;
	r = tc_oidc_token_response_parse(
	    (const char *)b->data, b->len, t, f->err, sizeof(f->err));
	if (r == 0 && f->o.save != NULL) {
		FILE *fp = fopen(f->o.save, "w");

		if (fp != NULL) {
			fwrite(b->data, 1, b->len, fp);
			fclose(fp);
		}
	}
	return r == 0 ? 0 : -1;
}

/* The ID token against the configured issuer, client and nonce. */
static int
check(struct flow *f, const struct tc_oidc_tokens *t)
{
	struct tc_oidc_expect e;
	struct tc_oidc_identity id;
	char names[512], *s, *save = NULL;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.issuer = f->o.issuer;
	e.client_id = f->o.client_id;
	e.nonce = f->o.nonce != NULL ? f->o.nonce : f->pk.nonce;
	e.now = f->o.now != 0 ? (time_t)f->o.now : time(NULL);
	e.leeway = 30;
	snprintf(names, sizeof(names), "%s", f->o.claims);
	for (s = strtok_r(names, ",", &save);
	     s != NULL && e.nclaims < TC_OIDC_CLAIMS_MAX;
	     s = strtok_r(NULL, ",", &save))
		e.claims[e.nclaims++] = s;
	if (tc_oidc_id_token_verify(
		t->id_token, &f->keys, &e, &id, f->err, sizeof(f->err)) != 0)
		return -1;
	printf("sub=%s\n", id.sub);
	for (i = 0; i < e.nclaims; i++)
		printf("%s=%s\n", e.claims[i],
		    id.values[i] != NULL ? id.values[i] : "");
	tc_oidc_identity_release(&id);
	return 0;
}

static int
run(struct flow *f)
{
	struct tc_oidc_tokens t, t2;
	struct tc_buf b;
	const char *want;
	int r = -1;

	memset(&t, 0, sizeof(t));
	tc_buf_init(&b, 256 * 1024);
	if (discover(f, &b) != 0 || authorize(f, &b) != 0)
		goto out;
	want = f->o.state != NULL ? f->o.state : f->pk.state;
	if (strcmp(f->state, want) != 0) {
		snprintf(f->err, sizeof(f->err),
		    "authorization: the redirect's state is not this login's");
		goto out;
	}
	if (redeem(f, &b, &t) != 0 || check(f, &t) != 0)
		goto out;
	if (f->o.replay) {
		printf("replay:\n");
		fflush(stdout);
		if (redeem(f, &b, &t2) == 0) {
			tc_oidc_tokens_release(&t2);
			snprintf(f->err, sizeof(f->err),
			    "replay: the provider redeemed the code twice");
			r = 3;
			goto out;
		}
		goto out;
	}
	r = 0;
out:
	tc_oidc_tokens_release(&t);
	tc_buf_release(&b);
	return r;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: oidc-flow --provider URL --client-id ID --client-secret S "
	    "--redirect-uri URI [--issuer ISS] [--login ACCOUNT] "
	    "[--claims a,b] [--now T] [--state S] [--nonce N] [--replay] "
	    "[--save-token FILE]\n");
	return 2;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	const char **slot;
	int i;

	memset(o, 0, sizeof(*o));
	o->login = "zhangsan";
	o->claims = "name,id_type,id_number,phone_number";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		slot = !strcmp(a, "--provider")	    ? &o->provider
		    : !strcmp(a, "--issuer")	    ? &o->issuer
		    : !strcmp(a, "--client-id")	    ? &o->client_id
		    : !strcmp(a, "--client-secret") ? &o->secret
		    : !strcmp(a, "--redirect-uri")  ? &o->redirect
		    : !strcmp(a, "--login")	    ? &o->login
		    : !strcmp(a, "--claims")	    ? &o->claims
		    : !strcmp(a, "--state")	    ? &o->state
		    : !strcmp(a, "--nonce")	    ? &o->nonce
		    : !strcmp(a, "--save-token")    ? &o->save
						    : NULL;
		if (!strcmp(a, "--replay"))
			o->replay = 1;
		else if (!strcmp(a, "--now") && i + 1 < argc)
			o->now = strtoll(argv[++i], NULL, 10);
		else if (slot != NULL && i + 1 < argc)
			*slot = argv[++i];
		else
			return -1;
	}
	if (o->issuer == NULL)
		o->issuer = o->provider;
	return o->provider && o->client_id && o->secret && o->redirect ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct flow f;
	int r;

	memset(&f, 0, sizeof(f));
	if (parse_opts(argc, argv, &f.o) != 0)
		return usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((f.c = curl_easy_init()) == NULL)
		return 1;
	/* The cookie engine on, nothing read from a file. */
	curl_easy_setopt(f.c, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(f.c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(f.c, CURLOPT_TIMEOUT, 20L);
	r = run(&f);
	if (r != 0)
		fprintf(stderr, "oidc-flow: %s\n", f.err);
	curl_easy_cleanup(f.c);
	curl_global_cleanup();
	tc_oidc_provider_release(&f.p);
	tc_oidc_jwks_release(&f.keys);
	return r == 0 ? 0 : r == 3 ? 3 : 1;
}
