#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# QR e-cards on a demo authority: tcard-issuer qr for an ES256 card and the
# SM2 (chuxiong-xingchu) card to PNG, SVG and text; zbarimg reads each PNG
# back to exactly the printed text; a second qr reuses the stored text
# (no second signature); tcard-verify says VALID for both with the exported
# trust list (when tcard-verify is built); a revoked card is refused;
# qr-batch writes a file for every remaining card, a second run does
# nothing, a run cut short by --limit, files lost after a commit and a run
# killed mid-way (SIGKILL) are resumed without signing again (one
# ecard.issue audit entry per card).
# Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
need_cmd zbarimg

H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
pass() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$H/demo-operators.txt"; }
P=demo-card-producer-1
export TCARD_PASSPHRASE=$(pass $P)
card() { awk -F'\t' -v p="$1" '$2 == p { gsub(/ /, "", $1); print $1; exit }' "$T/lines"; }
ES=$(card baiyun-yunju)
SM=$(card chuxiong-xingchu)
ecards() { "$I" audit list --home "$H" --limit 100000 | grep -c 'ecard\.issue'; }

for c in "$ES" "$SM"; do
	expect_exit 0 "qr $c to a PNG" "$I" qr "$c" --home "$H" --out "$T/$c.png" --as $P
	expect_err "e-card of card $c" "qr $c says what it wrote"
	check "qr $c: the PNG is a PNG" test "$(head -c 4 "$T/$c.png" | tail -c 3)" = PNG
	expect_exit 0 "qr $c to text" "$I" qr "$c" --home "$H" --out - --as $P
	cp "$T/out" "$T/$c.txt"
	expect_out '^TC1N?:[0-9A-Z $%*+./:-]+$' "qr $c: the text is TC1 Base45"
	check "qr $c: zbarimg reads the PNG back to the same text" \
	    sh -c 'zbarimg -q --raw "$1" 2>/dev/null | cmp -s - "$2"' - "$T/$c.png" "$T/$c.txt"
	expect_exit 0 "qr $c to an SVG" "$I" qr "$c" --home "$H" --out "$T/$c.svg" --as $P
	check "qr $c: the SVG has one path and crispEdges" \
	    sh -c 'test "$(grep -c "<path" "$1")" = 1 && grep -q crispEdges "$1"' - "$T/$c.svg"
done
check "one ecard.issue per card after three qr runs each (reused)" test "$(ecards)" = 2
check "the SM2 card's e-card differs in algorithm from the ES256 one" \
    sh -c '"$1" qr "$2" --home "$3" --out "$4/x.png" --as '$P' 2>&1 | grep -q "(SM2,"' - "$I" "$SM" "$H" "$T"
check "the text carries no ID number" \
    sh -c '! grep -qE "[0-9]{17}[0-9X]" "$1" "$2"' - "$T/$ES.txt" "$T/$SM.txt"

expect_exit 0 "export-trust" "$K" export-trust --home "$H" --out "$T/trust.cose"
if [ -x "$V" ]; then
	# VALID needs the pinned CA and a current revocation list.
	PIN=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
	expect_exit 0 "a revocation list" "$I" revocations --home "$H" --out "$T/rev.cose"
	for c in "$ES" "$SM"; do
		expect_exit 0 "tcard-verify: $c is VALID" "$V" --trust "$T/trust.cose" \
		    --ca-pin "$PIN" --revocations "$T/rev.cose" "$(cat "$T/$c.txt")"
		expect_out 'VALID' "tcard-verify says VALID for $c"
	done
else
	echo "# $V not built: the tcard-verify checks are skipped"
	ok "# SKIP tcard-verify not built"
fi

# A revoked card is refused.
RV=$(awk -F'\t' '$2 == "guangdong-youyue" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
A=demo-approver-1
TCARD_PASSPHRASE=$(pass $A) expect_exit 0 "revoke $RV" "$I" revoke "$RV" --home "$H" --reason other --as $A
expect_exit 1 "qr refuses the revoked card" "$I" qr "$RV" --home "$H" --out - --as $P
expect_err 'is revoked' "and says why"
SU=$(awk -F'\t' '$2 == "guangzhou-green" { gsub(/ /, "", $1); print $1; exit }' "$T/lines")
TCARD_PASSPHRASE=$(pass $A) expect_exit 0 "suspend $SU" "$I" suspend "$SU" --home "$H" --reason inquiry --as $A
expect_exit 1 "qr refuses a suspended card" "$I" qr "$SU" --home "$H" --out - --as $P
expect_err 'is suspended' "and says why"
TCARD_PASSPHRASE=$(pass $A) expect_exit 0 "reinstate $SU" "$I" reinstate "$SU" --home "$H" --as $A
TCARD_NOW=2045-01-01 expect_exit 1 "qr refuses a card past its expiry" "$I" qr "$ES" --home "$H" --out - --as $P
expect_err 'has expired' "and says so, even with a stored e-card"
expect_exit 2 "qr refuses another file type" "$I" qr "$ES" --home "$H" --out "$T/x.jpg" --as $P
expect_exit 1 "qr needs a producer or issuer role" env TCARD_PASSPHRASE="$(pass demo-auditor)" "$I" qr "$ES" --home "$H" --out - --as demo-auditor

# qr-batch, cut short by --limit, then resumed.
live=$(( $(wc -l <"$T/lines") - 1 ))
D=$T/ecards
expect_exit 0 "qr-batch --limit 3" "$I" qr-batch --home "$H" --out "$D" --limit 3 --as $P
expect_err '^qr-batch: 3 signed' "it signed three"
check "five e-cards recorded (two by qr, three by the batch)" test "$(ecards)" = 5
check "PNG files for all five (the earlier ones written on resume)" test "$(ls "$D" | wc -l)" = 5
expect_exit 0 "qr-batch resumes" "$I" qr-batch --home "$H" --out "$D" --as $P
check "one e-card per live card" test "$(ecards)" = "$live"
check "one PNG per live card" test "$(ls "$D"/*.png | wc -l)" = "$live"
check "no temporary files left" test "$(ls "$D" | grep -c tmp)" = 0
expect_exit 0 "a second qr-batch does nothing" "$I" qr-batch --home "$H" --out "$D" --as $P
expect_err '^qr-batch: 0 signed, 0 files written' "and says so"
check "no e-card signed twice" test "$(ecards)" = "$live"
# Files lost after a commit come back from the registry, unsigned.
rm -f "$D/$ES.png" "$D/$SM.png"
expect_exit 0 "qr-batch after losing two files" "$I" qr-batch --home "$H" --out "$D" --as $P
expect_err '^qr-batch: 0 signed, 2 files written' "it rewrites them without signing"
check "zbarimg reads the rewritten file to the stored text" \
    sh -c 'zbarimg -q --raw "$1" 2>/dev/null | cmp -s - "$2"' - "$D/$SM.png" "$T/$SM.txt"
check "still one e-card per live card" test "$(ecards)" = "$live"
expect_exit 0 "the audit log verifies" "$I" audit verify --home "$H"

# Killed mid-way (SIGKILL, whatever it was doing): nothing half-done, and
# the rerun finishes without signing any card twice.
H2=$T/demo2
"$I" demo --home "$H2" >"$T/lines2" 2>/dev/null
P2=$(awk -F'\t' -v n=$P '$1 == n { print $4 }' "$H2/demo-operators.txt")
live2=$(wc -l <"$T/lines2")
D2=$T/ecards2
TCARD_PASSPHRASE=$P2 sh -c 'timeout -s KILL 0.4 "$@"; exit 0' - \
    "$I" qr-batch --home "$H2" --out "$D2" --as $P >/dev/null 2>&1
n2() { "$I" audit list --home "$H2" --limit 100000 | grep -c 'ecard\.issue'; }
files2() { ls "$D2" 2>/dev/null | grep -c '\.png$'; }
got=$(n2); f=$(files2)
echo "# after SIGKILL: $got e-cards recorded, $f files"
check "after SIGKILL no file without a recorded e-card" test "$f" -le "$got"
TCARD_PASSPHRASE=$P2 expect_exit 0 "qr-batch after SIGKILL" "$I" qr-batch --home "$H2" --out "$D2" --as $P
check "every live card has exactly one e-card" test "$(n2)" = "$live2"
check "and a file" test "$(files2)" = "$live2"
check "no temporary file left in use" test "$(ls "$D2" | grep -vc '\.png$')" -le 1

# Interrupted (SIGINT, as Ctrl-C on a terminal): the batch in hand is
# committed, the run says so and exits 1; the rerun finishes the rest.
H3=$T/demo3
"$I" demo --home "$H3" >"$T/lines3" 2>/dev/null
P3=$(awk -F'\t' -v n=$P '$1 == n { print $4 }' "$H3/demo-operators.txt")
live3=$(wc -l <"$T/lines3")
D3=$T/ecards3
n3() { "$I" audit list --home "$H3" --limit 100000 | grep -c 'ecard\.issue'; }
TCARD_PASSPHRASE=$P3 TCARD_SCRYPT_LN=15 sh -c 'exec "$@"' - "$I" qr-batch --home "$H3" --out "$D3" --as $P >"$T/int.out" 2>"$T/int.err" &
qpid=$!
# Wait until the batch is signing (its output directory exists), then Ctrl-C.
for _ in $(seq 1 100); do [ -d "$D3" ] && break; sleep 0.05; done
kill -INT $qpid
wait $qpid; st=$?
got3=$(n3)
echo "# after SIGINT: exit $st, $got3 e-cards recorded; $(cat "$T/int.err")"
if [ "$got3" -lt "$live3" ]; then
	check "an interrupted qr-batch exits 1" test "$st" = 1
	check "and says to run it again" grep -q 'interrupted: run it again' "$T/int.err"
else
	ok "the run finished before the signal arrived (exit $st): nothing to resume"
	ok "(no interruption message expected)"
fi
TCARD_PASSPHRASE=$P3 expect_exit 0 "qr-batch after SIGINT" "$I" qr-batch --home "$H3" --out "$D3" --as $P
check "every live card has exactly one e-card after the interrupted run" test "$(n3)" = "$live3"
check "and a file each" test "$(ls "$D3" | grep -c '\.png$')" = "$live3"

for c in qr qr-batch; do
	expect_exit 0 "$c --help" "$I" "$c" --help
	expect_out '^SYNOPSIS' "$c --help is a man-style page"
done
done_testing
