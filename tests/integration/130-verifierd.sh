#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd with the real programs: a demo authority, its bundle from
# tcard-issuer publish, the daemon on a free loopback port. Every endpoint:
# /healthz, /metrics, /v1/lookup (valid, revoked, the uniform no-match for
# an unknown card, a wrong name and a wrong ID: same bytes and headers but
# Date), the Luhn check first, missing and unknown fields, throttling per
# card number and per client address (429 + Retry-After), /lookup (the page
# and its form), /v1/verify (the same verdict as tcard-verify --json, ID
# match and mismatch, tampered text), /v1/trust and /v1/revocations with
# ETag and 304, /bundle/; bad input (oversized body and query, invalid
# UTF-8, malformed JSON, wrong media type, garbage, a slow client) answered
# with a JSON 4xx while others are served; the log holds no name or ID;
# options, configuration file, pepper permissions, TLS, --help, SIGTERM.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo

# Cards: 5 (resident ID, Chinese name), 11 (passport, Latin name).
C5=$(card_field 5 1) N5=$(card_field 5 4) I5=$(card_field 5 6)
C11=$(card_field 11 1) N11=$(card_field 11 4) I11=$(card_field 11 6)
P5=$(card_field 5 2) T5=$(card_field 5 3)

check "the daemon starts on a free port" start_vd a --bundle "$B" \
	--pepper "$PEPPER" --lookup-client-burst 1000 --lookup-card-burst 3 \
	--lookup-card-rate 1/h --max-body 4k --max-query 1k --timeout 2
A=$URL_a

# --- /healthz, /metrics ---
expect_http 200 "/healthz answers" GET "$A/healthz"
body_json "/healthz: ok, the bundle's numbers" '
assert o["status"] == "ok" and o["ready"] is True and o["stale"] is False
assert o["revocations"]["seq"] >= 1 and o["lookup"]["cards"] == 14
assert o["lookup_enabled"] is True'
header_has '^Content-Type: application/json' "JSON content type"

# --- /v1/lookup ---
expect_http 200 "lookup of a card with its holder's name and ID" GET "$(lookup_url "$A" "$C5" "$N5" "$I5")"
body_json "the answer is valid with programme, tier and expiry" "
assert o['result'] == 'valid', o
assert o['programme'] == '$P5' and o['tier'] == '$T5'
assert o['expires'].endswith('+08:00')
assert 'name' not in o and 'id' not in o"
SPACED=$(echo "$C11" | sed 's/\(....\)/\1 /g')
LOWER=$(echo "$I11" | tr 'A-Z' 'a-z')
expect_http 200 "spaced card number, lower-case ID, name with extra spaces" GET \
	"$(lookup_url "$A" "$SPACED" "  $N11 " "$LOWER")"
body_json "still valid (normalised)" 'assert o["result"] == "valid", o'

# The uniform no-match: an unknown card (good Luhn digit), a wrong name, a
# wrong ID. Different cards, so the per-card throttle does not interfere.
# A card number with a good Luhn digit that the registry never issued.
UNKNOWN=$(python3 -c '
d = "440100000009999"
s = sum((lambda v: v - 9 if v > 9 else v)(int(c) * (2 if i % 2 == 0 else 1))
        for i, c in enumerate(reversed(d)))
print(d + str((10 - s % 10) % 10))')
LAST=$(echo "$I5" | sed 's/.$//')
WRONGID=${LAST}$( [ "${I5: -1}" = 0 ] && echo 1 || echo 0)
C6=$(card_field 6 1) N6=$(card_field 6 4) I6=$(card_field 6 6)
C7=$(card_field 7 1) N7=$(card_field 7 4) I7=$(card_field 7 6)
nm() { # nm TAG URL: fetches and keeps body and headers without Date
	http GET "$2"
	cp "$T/body" "$T/nm-$1.body"
	grep -viE '^date:' "$T/hdr" >"$T/nm-$1.hdr"
}
nm unknown "$(lookup_url "$A" "$UNKNOWN" "$N6" "$I6")"
nm name "$(lookup_url "$A" "$C6" "某某某" "$I6")"
nm id "$(lookup_url "$A" "$C7" "$N7" "110105199003071237")"
check "no-match for an unknown card" grep -q '"no-match"' "$T/nm-unknown.body"
check "no-match for a wrong name" grep -q '"no-match"' "$T/nm-name.body"
check "no-match for a wrong ID" grep -q '"no-match"' "$T/nm-id.body"
check "unknown card and wrong name: identical bodies" cmp -s "$T/nm-unknown.body" "$T/nm-name.body"
check "unknown card and wrong ID: identical bodies" cmp -s "$T/nm-unknown.body" "$T/nm-id.body"
check "and identical headers but Date" cmp -s "$T/nm-unknown.hdr" "$T/nm-name.hdr"
check "and for a wrong ID too" cmp -s "$T/nm-unknown.hdr" "$T/nm-id.hdr"

# The Luhn digit is checked before any lookup (and costs no guess).
BADLUHN=${C5%?}$(( (${C5: -1} + 1) % 10 ))
expect_http 400 "a bad Luhn digit is a 400" GET "$(lookup_url "$A" "$BADLUHN" "$N5" "$I5")"
body_json "bad-card, with the expected digit" '
assert o["error"] == "bad-card" and "check digit" in o["message"]'
expect_http 400 "all three fields are required" GET "$A/v1/lookup?card=$C5&name=$(urlenc "$N5")"
body_json "missing-field" 'assert o["error"] == "missing-field"'
expect_http 400 "an empty field is missing" GET "$A/v1/lookup?card=$C5&name=&id=$I5"
expect_http 400 "unknown parameter" GET "$(lookup_url "$A" "$C5" "$N5" "$I5")&extra=1"
body_json "bad-query names it" 'assert o["error"] == "bad-query" and "extra" in o["message"]'
expect_http 400 "a repeated parameter" GET "$(lookup_url "$A" "$C5" "$N5" "$I5")&card=$C5"
expect_http 400 "invalid UTF-8 in the name" GET "$A/v1/lookup?card=$C5&name=%FF%FE&id=$I5"
body_json "as a JSON error" 'assert o["error"] == "bad-query" and "UTF-8" in o["message"]'
expect_http 400 "a bad escape" GET "$A/v1/lookup?card=$C5&name=%4&id=$I5"
C8=$(card_field 8 1)
expect_http 400 "an ID that cannot be one" GET "$(lookup_url "$A" "$C8" "$N5" "!!")"
body_json "the message names the field, not the value" 'assert o["message"].startswith("id:")'
LONGQ=$(head -c 1500 /dev/zero | tr '\0' 'x')
expect_http 414 "an oversized query string" GET "$A/v1/lookup?card=$C5&name=$LONGQ&id=1"
body_json "too-large as JSON" 'assert o["error"] == "too-large"'

# Throttling per card number: burst 3 (the valid lookup of C5 above was
# one, the spaced one another; refusals before the lookup cost nothing).
http GET "$(lookup_url "$A" "$C5" "某某" "$I5")"
http GET "$(lookup_url "$A" "$C5" "某某某" "$I5")"
check "the third guess on a card is still answered" grep -q '"no-match"' "$T/body"
expect_http 429 "the card's bucket is empty: 429" GET "$(lookup_url "$A" "$C5" "$N5" "$I5")"
header_has '^Retry-After: [0-9]+' "with Retry-After"
body_json "throttled, as JSON" 'assert o["error"] == "throttled"'
expect_http 200 "another card is still answered" GET "$(lookup_url "$A" "$C11" "$N11" "$I11")"

# Throttling per client address: a daemon with a client burst of 3.
check "a second daemon, client burst 3" start_vd c --bundle "$B" \
	--pepper "$PEPPER" --lookup-client-burst 3 --lookup-client-rate 1/h
for n in 8 9 10; do
	http GET "$(lookup_url "$URL_c" "$(card_field $n 1)" x y12345)"
done
expect_http 429 "the fourth guess from one address: 429" GET \
	"$(lookup_url "$URL_c" "$(card_field 12 1)" x y12345)"
header_has '^Retry-After: [0-9]{3,4}' "Retry-After about an hour"
expect_http 200 "/healthz is not throttled" GET "$URL_c/healthz"
http GET "$URL_c/metrics"
check "the throttle is counted" grep -qE '^tcard_throttled_total\{by="client"\} 1$' "$T/body"

# --- /lookup, the page ---
expect_http 200 "GET /lookup: the page" GET "$A/lookup"
header_has '^Content-Type: text/html; charset=utf-8' "HTML"
header_has "^Content-Security-Policy: default-src 'none'" "no external assets allowed"
check "the page has the three fields" grep -q 'name="card"' "$T/body"
check "and a name field" grep -q 'name="name"' "$T/body"
check "and an ID field" grep -q 'name="id"' "$T/body"
check "in Chinese and English" grep -q '卡号 <span>Card number' "$T/body"
check "no script" bash -c "! grep -qi '<script' '$T/body'"
check "no external reference" bash -c "! grep -qiE '(src|href)=\"?(https?:)?//' '$T/body'"
expect_http 200 "POST the form" POST "$A/lookup" --data-urlencode "card=$C11" \
	--data-urlencode "name=$N11" --data-urlencode "id=$I11"
check "the page says valid" grep -q 'data-result="valid"' "$T/body"
check "with the programme's names" grep -q 'Guangzhou' "$T/body"
check "and does not echo the ID" bash -c "! grep -q '$I11' '$T/body'"
expect_http 200 "POST a wrong name" POST "$A/lookup" --data-urlencode "card=$(card_field 9 1)" \
	--data-urlencode "name=Nobody" --data-urlencode "id=$(card_field 9 6)"
check "the page says no match" grep -q 'data-result="no-match"' "$T/body"
expect_http 415 "the form needs its media type" POST "$A/lookup" -H 'Content-Type: text/plain' --data 'card=1'

# --- /v1/verify ---
as_role card-producer qr "$C11" --out - >"$T/qr.txt" 2>"$T/qr.err"
QR=$(tr -d '\n' <"$T/qr.txt")
check "an e-card from tcard-issuer qr" grep -qE '^TC1N?:' "$T/qr.txt"
vjson() { python3 -c 'import json, sys; d = {"qr": sys.argv[1]}
if len(sys.argv) > 2: d["id"] = sys.argv[2]
print(json.dumps(d))' "$@"; }
expect_http 200 "POST /v1/verify" POST "$A/v1/verify" -H 'Content-Type: application/json' --data "$(vjson "$QR")"
cp "$T/body" "$T/verify.json"
"$TC_BIN/tcard-verify" --bundle "$B" \
	--ca-pin "$PIN" \
	--programmes "$B/programmes" --json "$QR" >"$T/cli.json" 2>/dev/null
# The same but for how the CA was accepted: this daemon has no ca-pin
# (pinned at first use), tcard-verify was given one.
check "the same verdict as tcard-verify --bundle --json" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["basis"].pop("ca") == "first-use" and b["basis"].pop("ca") == "pinned", (a, b)
assert a == b, (a, b)
assert a["result"] == "VALID" and a["status"] == "valid" and a["services"]
' "$T/verify.json" "$T/cli.json"
expect_http 200 "with the holder's ID" POST "$A/v1/verify" -H 'Content-Type: application/json' \
	--data "$(vjson "$QR" "$LOWER")"
body_json "VALID, the ID matches" 'assert o["result"] == "VALID" and "matches" in o["message"]'
expect_http 200 "with another ID" POST "$A/v1/verify" -H 'Content-Type: application/json' \
	--data "$(vjson "$QR" "X1234567")"
body_json "INVALID id-mismatch" 'assert o["result"] == "INVALID" and o["reason"] == "id-mismatch"'
BAD=$(printf '%s' "$QR" | python3 -c '
import sys
t = sys.stdin.read(); i = len(t) // 2
print(t[:i] + ("A" if t[i] != "A" else "B") + t[i+1:])')
expect_http 200 "a changed character" POST "$A/v1/verify" -H 'Content-Type: application/json' --data "$(vjson "$BAD")"
body_json "INVALID" 'assert o["result"] == "INVALID" and o["reason"] in ("bad-signature", "malformed")'
expect_http 400 "malformed JSON" POST "$A/v1/verify" -H 'Content-Type: application/json' --data '{"qr": '
body_json "bad-json with the byte offset" 'assert o["error"] == "bad-json" and "byte" in o["message"]'
expect_http 400 "invalid UTF-8 in the JSON" POST "$A/v1/verify" -H 'Content-Type: application/json' \
	--data-binary $'{"qr":"\xff\xfe"}'
expect_http 400 "an unknown member" POST "$A/v1/verify" -H 'Content-Type: application/json' --data '{"qr":"x","name":"y"}'
expect_http 415 "not JSON" POST "$A/v1/verify" -H 'Content-Type: text/plain' --data "$QR"
head -c 5000 /dev/zero | tr '\0' 'A' >"$T/big"
expect_http 413 "an oversized body (Content-Length)" POST "$A/v1/verify" -H 'Content-Type: application/json' --data-binary @"$T/big"
body_json "too-large as JSON" 'assert o["error"] == "too-large"'
expect_http 413 "an oversized chunked body" POST "$A/v1/verify" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$T/big"
expect_http 405 "GET /v1/verify" GET "$A/v1/verify"
header_has '^Allow: POST' "with Allow"
expect_http 404 "an unknown path" GET "$A/nothing"
body_json "as JSON" 'assert o["error"] == "not-found"'

# --- signed files ---
expect_http 200 "/v1/trust" GET "$A/v1/trust"
check "the trust list as published" cmp -s "$T/body" "$B/trust.cose"
header_has '^Cache-Control: public, max-age=60' "Cache-Control"
ETAG=$(sed -n 's/^ETag: *\(.*\)\r$/\1/Ip' "$T/hdr")
check "an ETag" test -n "$ETAG"
expect_http 304 "If-None-Match: 304" GET "$A/v1/trust" -H "If-None-Match: $ETAG"
expect_http 200 "/v1/revocations" GET "$A/v1/revocations"
check "the revocation list as published" cmp -s "$T/body" "$B/revocations.cose"
expect_http 404 "no delta from the list in use" GET "$A/v1/revocations?since=1"
body_json "no-delta" 'assert o["error"] == "no-delta"'
expect_http 400 "since must be a number" GET "$A/v1/revocations?since=x"
expect_http 200 "/bundle/trust.cose" GET "$A/bundle/trust.cose"
check "the file" cmp -s "$T/body" "$B/trust.cose"
expect_http 400 "/bundle/ refuses an encoded /: not a way out (bad-path)" GET "$A/bundle/..%2Fkeys%2Fpepper.key"
expect_http 404 "and no programme files" GET "$A/bundle/programmes"

# --- robustness: garbage, a slow client, others still served ---
check "garbage and a slow client do not stop the daemon" python3 - "$T/a.port" <<'PY'
import socket, sys, time, urllib.request
port = int(open(sys.argv[1]).read())
def conn():
    return socket.create_connection(("127.0.0.1", port), timeout=10)
# Not HTTP at all.
s = conn(); s.sendall(b"\x00\xff\x16\x03\x01 garbage\r\n\r\n"); s.recv(4096); s.close()
# A request line without end, never finished.
slow = conn(); slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
# Others are served meanwhile.
for _ in range(3):
    with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=10) as r:
        assert r.status == 200
# The slow one is closed after the idle timeout (2 s here).
slow.settimeout(20)
t0 = time.time()
assert slow.recv(4096) == b""
assert time.time() - t0 < 15
PY
expect_http 200 "and it still answers" GET "$A/healthz"

# --- metrics ---
expect_http 200 "/metrics" GET "$A/metrics"
check "requests by endpoint and result" grep -qE '^tcard_requests_total\{endpoint="lookup",result="no-match"\} [0-9]+' "$T/body"
check "valid verifications counted" grep -qE '^tcard_requests_total\{endpoint="verify",result="valid"\} 2$' "$T/body"
check "a latency histogram" grep -qE '^tcard_request_duration_seconds_bucket\{endpoint="lookup",le="0.005"\} [0-9]+' "$T/body"
check "the bundle's sequence number" grep -qE '^tcard_bundle_revocations_sequence [0-9]+' "$T/body"
check "and its age" grep -qE '^tcard_bundle_revocations_age_seconds -?[0-9]+' "$T/body"
check "the stale flag" grep -qE '^tcard_bundle_stale 0$' "$T/body"

# --- the log ---
check "one JSON line per request" python3 - "$T/a.log" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if o["event"] == "request":
        n += 1
        assert "?" not in o["path"] and o["status"] >= 0
        if o["endpoint"] == "lookup" and o["status"] == 200:
            assert "*" in o["card"], o
assert n > 40, n
PY
for s in "$N5" "$I5" "$N11" "$I11" "$LOWER" "$N6" "$I6"; do
	expect_no "$s" "the log holds no name or ID (${#s} characters)" "$T/a.log" "$T/a.err"
done

# --- configuration, options, pepper, TLS, help, stop ---
expect_exit 0 "--help" "$VD" --help
expect_out '^SYNOPSIS' "a man-style page"
expect_out '^EXIT STATUS' "with exit statuses"
expect_exit 2 "an unknown option" "$VD" --bundle "$B" --frobnicate 1
expect_exit 2 "a bad value" "$VD" --bundle "$B" --pull-interval 5y
expect_err 'pull-interval' "names the setting"
expect_exit 2 "no bundle" "$VD" --listen 127.0.0.1:0
expect_exit 2 "a URL without a pin" "$VD" --bundle http://127.0.0.1:1/b/ --cache-dir "$T/cc"
printf 'bundle %s\nthreads 2\ncolour blue\n' "$B" >"$T/bad.conf"
expect_exit 2 "an unknown setting in the file" "$VD" --config "$T/bad.conf"
expect_err 'line 3: unknown setting' "with its line"
printf 'bundle %s\npepper %s\nstale-policy warn\nthreads 2\n' "$B" "$PEPPER" >"$T/good.conf"
expect_exit 0 "--check with a configuration file" "$VD" --config "$T/good.conf" --check
expect_out 'lookup snapshot: [0-9]+ \(14 cards\)' "it loads the bundle"
expect_out 'lookups: enabled' "and the pepper"
expect_exit 0 "an option overrides the file" "$VD" --config "$T/good.conf" --pepper '' --check
expect_out 'lookups: disabled' "(no pepper)"
cp "$PEPPER" "$T/pepper.key"; chmod 644 "$T/pepper.key"
expect_exit 3 "a pepper others may read is refused" "$VD" --bundle "$B" --pepper "$T/pepper.key" --check
expect_err 'chmod 600' "saying what to do"
expect_exit 3 "a bundle directory without a bundle" "$VD" --bundle "$T" --check

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1
chmod 600 "$T/tls.key"
check "HTTPS with --tls-cert and --tls-key" start_vd t --bundle "$B" \
	--tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
TLS_URL=${URL_t/http:/https:}
expect_http 200 "/healthz over TLS" GET "$TLS_URL/healthz" --cacert "$T/tls.crt"
chmod 644 "$T/tls.key"
expect_exit 3 "a TLS key others may read is refused" timeout 20 "$VD" --bundle "$B" \
	--tls-cert "$T/tls.crt" --tls-key "$T/tls.key" --listen 127.0.0.1:0 \
	--state-dir "$T/tls.state"

stop_vd a
check "SIGTERM stops it cleanly (exit 0)" test "$VD_STATUS" -eq 0
check "and it says so in the log" grep -q '"event":"stop"' "$T/a.log"
done_testing
