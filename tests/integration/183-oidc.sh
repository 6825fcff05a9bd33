#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# OpenID Connect against a real provider (docs/oidc.md): the npm package
# oidc-provider (tests/oidc/provider.mjs, installed by scripts/install-npm)
# on loopback, and the relying party's half in C (tests/oidc/oidc-flow.c on
# libtcard's OIDC functions). The code flow with PKCE gives the made-up
# account's sub and claims (name 张三, ID type, ID number, mobile), with the
# ID token signed RS256 and then ES256; refused: a redirect with another
# state, an ID token with another nonce, a provider whose issuer is not the
# configured one, an expired ID token (the driver's clock moved past exp),
# and a code redeemed twice (the provider's invalid_grant). Skipped only
# when node is absent.
. "$(dirname "$0")/lib.sh"

need_cmd node
F=$TC_BUILD/tests/oidc/oidc-flow
need_prog "$F"
if [ ! -d "$TC_TOP/tests/oidc/node_modules/oidc-provider" ]; then
	"$TC_TOP/scripts/install-npm" >"$T/npm.log" 2>&1 || cat "$T/npm.log"
fi

SECRET=oidc-test-secret-0123456789abcdef
REDIR=http://127.0.0.1:9/oidc/callback
# start ALG: the provider signing ID tokens with ALG; sets P (its URL).
start() {
	rm -f "$T/port"
	node "$TC_TOP/tests/oidc/provider.mjs" --port-file "$T/port" \
		--client-id tc-office --client-secret "$SECRET" \
		--redirect-uri "$REDIR" --alg "$1" >"$T/provider-$1.log" 2>&1 &
	PID=$!
	tc_daemon $PID
	for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
	P=http://127.0.0.1:$(cat "$T/port" 2>/dev/null)
}
flow() {
	"$F" --provider "$P" --client-id tc-office --client-secret "$SECRET" \
		--redirect-uri "$REDIR" "$@"
}

start RS256
check "the provider listens (RS256)" test -s "$T/port"
expect_exit 0 "code flow with PKCE, RS256: ID token accepted" flow
expect_out '^sub=zhangsan$' "sub of the made-up account"
expect_out '^name=张三$' "name claim"
expect_out '^id_type=resident$' "ID document type claim"
expect_out '^id_number=11010519491231002X$' "ID number claim"
expect_out '^phone_number=\+8613800138000$' "mobile number claim"

expect_exit 1 "a redirect with another state is refused" flow --state not-this-login
expect_err "state is not this login's" "... says the state is wrong"
expect_exit 1 "an ID token with another nonce is refused" flow --nonce not-this-login
expect_err '"nonce" is not the one of this login' "... says the nonce is wrong"
expect_exit 1 "a provider with another issuer is refused" flow --issuer https://id.example.gov.cn/oidc
expect_err '"issuer" is not the configured issuer' "... says the issuer is wrong"
expect_exit 1 "an expired ID token is refused (clock 10 min ahead)" flow --now $(($(date +%s) + 600))
expect_err 'ID token: expired' "... says it expired"
expect_exit 1 "a code redeemed twice is refused by the provider" flow --replay
expect_out '^sub=zhangsan$' "... after its first redemption worked"
expect_err 'refused: invalid_grant' "... with invalid_grant"
expect_no 11010519491231002X "no refusal message shows the ID number" "$T/err"

kill "$PID"; wait "$PID" 2>/dev/null
start ES256
check "the provider listens (ES256)" test -s "$T/port"
expect_exit 0 "code flow with PKCE, ES256: ID token accepted" flow
expect_out '^id_number=11010519491231002X$' "ID number claim (ES256)"

done_testing
