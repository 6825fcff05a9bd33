#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verifierd's POST /v1/verify carries the card's status from the
# newest signed status data it holds: a suspended card (its lookup snapshot
# says so) is SUSPENDED, never VALID, and so is a sub-card of it; after a
# reinstatement and a reload both are VALID again. Every verdict states
# its status and basis: the revocation list and snapshot used, and the CA
# pinned by configuration or at first use. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
export TCARD_NOW=2026-11-21T04:00:00Z
vd_demo
M=$(card_field 11 1) S=$(card_field 13 1)
QM=$(qr_line "$M") QS=$(qr_line "$S")
check "QR texts of a main card and its sub-card" test -n "$QM" -a -n "$QS"
verify() { expect_http 200 "$1" POST "$2/v1/verify" -H 'Content-Type: application/json' \
	--data "{\"qr\":\"$3\"}"; }

check "daemon A, no ca-pin configured" start_vd a --bundle "$B"
check "daemon P, ca-pin configured" start_vd p --bundle "$B" --ca-pin "$PIN"
A=$URL_a P=$URL_p

verify "A verifies the main card" "$A" "$QM"
body_json "VALID, status valid, with its basis (CA pinned at first use)" '
assert o["result"] == "VALID" and o["status"] == "valid", o
b = o["basis"]
assert b["ca"] == "first-use" and len(b["ca_sha256"]) == 64, b
assert b["revocations"]["seq"] == 1 and b["revocations"]["current"] is True, b
assert b["snapshot"]["seq"] == 1 and b["snapshot"]["card_listed"] is True, b'
verify "P verifies the main card" "$P" "$QM"
body_json "P's basis: the configured pin" "
assert o['result'] == 'VALID' and o['basis']['ca'] == 'pinned', o
assert o['basis']['ca_sha256'] == '$PIN', o"

check "suspend the main card" as_role approver suspend "$M" --reason 'employer inquiry' \
	>/dev/null 2>&1
check "publish again" demo_bundle "$B"
G=$(gen_of "$A")
kill -HUP "$PID_a"
check "A reloads" wait_for 20 gen_changed "$A" "$G"

verify "A verifies the suspended card" "$A" "$QM"
body_json "SUSPENDED, not VALID" '
assert o["result"] == "SUSPENDED" and o["reason"] == "suspended", o
assert o["status"] == "suspended" and o["authentic"] is True, o
assert o["basis"]["snapshot"]["seq"] == 2 and o["basis"]["snapshot"]["card_listed"], o
assert "suspended" in o["message"], o'
verify "A verifies the sub-card of the suspended card" "$A" "$QS"
body_json "SUSPENDED too" "
assert o['result'] == 'SUSPENDED' and o['status'] == 'suspended', o
assert o['principal'] == '$M', o"
check "the metrics count SUSPENDED verdicts" sh -c \
	"curl -s --max-time 10 '$A/metrics' | grep -q 'endpoint=\"verify\".*result=\"suspended\"'"

check "reinstate the main card" as_role approver reinstate "$M" >/dev/null 2>&1
check "publish again" demo_bundle "$B"
G=$(gen_of "$A")
kill -HUP "$PID_a"
check "A reloads" wait_for 20 gen_changed "$A" "$G"
verify "the reinstated card" "$A" "$QM"
body_json "is VALID again" 'assert o["result"] == "VALID" and o["status"] == "valid", o'
verify "and its sub-card" "$A" "$QS"
body_json "too" 'assert o["result"] == "VALID" and o["status"] == "valid", o'

verify "a text that does not decode" "$A" "TC1:abc"
body_json "INVALID, status null, the basis still given" '
assert o["result"] == "INVALID" and o["status"] is None, o
assert o["basis"]["ca"] == "first-use" and o["basis"]["revocations"]["seq"] == 3, o'
done_testing
