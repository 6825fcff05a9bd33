#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd and its bundle: SIGHUP reloads a newly published bundle
# (a revocation shows in the lookup and the verdict, the delta is served at
# /v1/revocations?since=N); a second daemon pulls from the first one's
# /bundle/ URL with conditional requests and applies the revocation delta,
# and restarts from its cache with the office unreachable; an older list
# (rollback), a list with a bad signature and a bundle issued in the future
# are refused and the last good one kept; the staleness policy (fail:
# UNKNOWN-STATUS; warn: VALID with a warning) and /healthz saying so.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo
C=$(card_field 6 1) N=$(card_field 6 4) ID=$(card_field 6 6)
lookup_result() { lookup_result_of "$1" "$C" "$N" "$ID"; }
count() { grep -c "$1" "$2" 2>/dev/null || true; }
# A predicate for wait_for, evaluated afresh on each try.
refusals_over() { test "$(count bundle-refused "$T/$1.log")" -gt "$2"; }

check "daemon A on the bundle directory" start_vd a --bundle "$B" --pepper "$PEPPER"
A=$URL_a
S1=$(seq_of "$A")
check "it holds list $S1" test -n "$S1"
check "the card is valid" test "$(lookup_result "$A")" = valid
cp "$B/revocations.cose" "$T/rev-old.cose"

check "daemon U pulls from A's /bundle/" start_vd u --bundle "$A/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --pepper "$PEPPER" --pull-interval 1
U=$URL_u
check "U has the same list" test "$(seq_of "$U")" = "$S1"
check "U answers lookups" test "$(lookup_result "$U")" = valid
check "U's cache holds the files" test -s "$T/cache/trust.cose" -a -s "$T/cache/lookup.cose"

# Revoke, publish, SIGHUP A.
QR=$(qr_line "$C")
revoke() { as_role approver revoke "$C" --reason contract-ended >"$T/out" 2>&1; }
check "revoke the card" revoke
check "publish again" demo_bundle "$B"
S2=$((S1 + 1))
check "the new bundle has a delta from $S1" test -s "$B/revocations-since-$S1.cose"
G=$(gen_of "$A")
kill -HUP "$PID_a"
check "SIGHUP: A loads the new bundle" wait_for 10 gen_changed "$A" "$G"
check "A holds list $S2" test "$(seq_of "$A")" = "$S2"
check "the lookup says revoked" test "$(lookup_result "$A")" = revoked
expect_http 200 "the verdict says revoked" POST "$A/v1/verify" -H 'Content-Type: application/json' \
	--data "{\"qr\":\"$QR\"}"
body_json "INVALID revoked" 'assert o["result"] == "INVALID" and o["reason"] == "revoked"'
expect_http 200 "A serves the delta at ?since=$S1" GET "$A/v1/revocations?since=$S1"
check "the published delta" cmp -s "$T/body" "$B/revocations-since-$S1.cose"
check "the reload is logged" grep -q '"event":"reload"' "$T/a.log"

# U pulls the delta by itself (pull-interval 1).
check "U pulls and applies the delta" wait_for 20 seq_is "$U" "$S2"
check "through revocations-since-$S1.cose" wait_for 5 grep -q "\"path\":\"/bundle/revocations-since-$S1.cose\",\"endpoint\":\"bundle\",\"status\":200" "$T/a.log"
check "U logs a delta applied" grep -q '+ 1 deltas' "$T/u.log"
check "U's lookup says revoked" test "$(lookup_result "$U")" = revoked
check "U asks with conditional requests (304)" wait_for 10 grep -q '"path":"/bundle/trust.cose","endpoint":"bundle","status":304' "$T/a.log"
expect_http 200 "U serves the delta too" GET "$U/v1/revocations?since=$S1"
check "the same bytes" cmp -s "$T/body" "$B/revocations-since-$S1.cose"
check "U mirrors the programme files the snapshot lists" \
	cmp -s "$T/cache/programmes/$(card_field 6 2).json" "$B/programmes/$(card_field 6 2).json"
expect_http 200 "U's verdict lists the services" POST "$U/v1/verify" -H 'Content-Type: application/json' \
	--data "{\"qr\":\"$QR\"}"
body_json "(programme files loaded)" 'assert isinstance(o["services"], list)'

# A programme file that is not the one the snapshot signed is refused.
R=$(count bundle-refused "$T/a.log")
PF=$B/programmes/$(card_field 6 2).json
cp "$PF" "$T/programme.json"
echo ' ' >>"$PF"
kill -HUP "$PID_a"
check "a changed programme file is refused" wait_for 10 refusals_over a "$R"
check "as not the signed one" grep -q 'programme files refused (bad-signature)' "$T/a.log"
cp "$T/programme.json" "$PF"

# Rollback: the older list back in place (and no delta to bring it up).
R=$(count bundle-refused "$T/a.log")
cp "$B/revocations.cose" "$T/rev-good.cose"
mkdir -p "$T/deltas"; mv "$B"/revocations-since-*.cose "$T/deltas/"
cp "$T/rev-old.cose" "$B/revocations.cose"
kill -HUP "$PID_a"
check "an older list is refused" wait_for 10 refusals_over a "$R"
check "as not newer" grep -q 'revocation list refused (stale): sequence number '"$S1"' is not newer than '"$S2" "$T/a.log"
check "the list in use is kept" test "$(seq_of "$A")" = "$S2"
check "still revoked" test "$(lookup_result "$A")" = revoked

# A bad signature: the good list with its last byte changed.
R=$(count bundle-refused "$T/a.log")
python3 - "$T/rev-good.cose" "$B/revocations.cose" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1
open(sys.argv[2], "wb").write(bytes(b))
PY
kill -HUP "$PID_a"
check "a bad signature is refused" wait_for 10 refusals_over a "$R"
check "as bad-signature" grep -q 'revocation list refused (bad-signature)' "$T/a.log"
check "the list in use is kept" test "$(seq_of "$A")" = "$S2"
cp "$T/rev-good.cose" "$B/revocations.cose"
mv "$T/deltas"/* "$B/"

# A bundle issued in the future (the issuer's clock two hours ahead).
R=$(count bundle-refused "$T/a.log")
TCARD_NOW=$(($(date +%s) + 7200)) "$I" publish --home "$H" --out "$B" >/dev/null 2>&1
check "published ahead" test -s "$B/revocations.cose"
kill -HUP "$PID_a"
check "a list issued in the future is refused" wait_for 10 refusals_over a "$R"
check "as not-yet-valid" grep -q 'refused (not-yet-valid)' "$T/a.log"
check "the list in use is kept" test "$(seq_of "$A")" = "$S2"
expect_http 200 "A still answers" GET "$A/healthz"
check "publish with the right clock" demo_bundle "$B"
G=$(gen_of "$A")
kill -HUP "$PID_a"
check "then the next good bundle loads" wait_for 10 gen_changed "$A" "$G"
check "with a newer list" test "$(seq_of "$A")" -gt "$S2"

# U keeps working when the office is unreachable: A stops, U restarts
# from its cache.
wait_for 20 seq_is "$U" "$(seq_of "$A")"
SU=$(seq_of "$U")
stop_vd a
stop_vd u
check "U stopped cleanly" test "$VD_STATUS" -eq 0
check "U restarts with the office unreachable" start_vd u2 --bundle "$A/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --pepper "$PEPPER" --pull-interval 1
check "from its cache: the same list" test "$(seq_of "$URL_u2")" = "$SU"
check "lookups still answered" test "$(lookup_result "$URL_u2")" = revoked
check "the failed pull is logged" wait_for 10 grep -q '"event":"pull-failed"' "$T/u2.log"

# Staleness: a clock 26 hours ahead is past next-update (24 h) + grace (1 h).
AHEAD=$(($(date +%s) + 26 * 3600))
C2=$(card_field 11 1) N2=$(card_field 11 4) I2=$(card_field 11 6)
QR2=$(qr_line "$C2")
export TCARD_NOW=$AHEAD
check "a daemon whose list is stale (fail closed)" start_vd s --bundle "$B" --pepper "$PEPPER"
expect_http 200 "/healthz" GET "$URL_s/healthz"
body_json "says stale, fail policy" 'assert o["status"] == "stale" and o["stale"] is True and o["stale_policy"] == "fail"'
expect_http 200 "verification" POST "$URL_s/v1/verify" -H 'Content-Type: application/json' --data "{\"qr\":\"$QR2\"}"
body_json "answers UNKNOWN-STATUS" 'assert o["result"] == "UNKNOWN-STATUS" and o["reason"] == "stale-revocations"'
expect_http 200 "a lookup of a valid card" GET "$URL_s/v1/lookup?card=$C2&name=$(urlenc "$N2")&id=$I2"
body_json "answers unknown-status" 'assert o["result"] == "unknown-status"'
http GET "$URL_s/metrics"
check "the stale flag is 1" grep -qE '^tcard_bundle_stale 1$' "$T/body"
check "a daemon whose list is stale (warn only)" start_vd w --bundle "$B" --pepper "$PEPPER" --stale-policy warn
expect_http 200 "verification" POST "$URL_w/v1/verify" -H 'Content-Type: application/json' --data "{\"qr\":\"$QR2\"}"
body_json "answers VALID with a warning" 'assert o["result"] == "VALID" and "out of date" in o["warning"]'
expect_http 200 "/healthz" GET "$URL_w/healthz"
body_json "says stale, warn policy" 'assert o["status"] == "stale" and o["stale_policy"] == "warn"'
check "within a longer grace it is not stale" start_vd g --bundle "$B" --stale-grace 30h
expect_http 200 "/healthz" GET "$URL_g/healthz"
body_json "says ok" 'assert o["status"] == "ok" and o["stale"] is False'
unset TCARD_NOW
done_testing
