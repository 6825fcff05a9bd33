#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-verify with the real programs: a demo authority (tcard-issuer demo),
# its trust list (tcard-keys export-trust), e-cards from tcard-issuer qr as
# text and as PNG; VALID for text, --stdin and --image, with the services of
# the tier and --json; the ID match right (spaces, lower case) and wrong;
# a changed character, a wrong trust list, a date past expiry, revocation
# through tcard-issuer revocations; usage and environment exit statuses.
# Every VALID here is pinned (--ca-pin) with a current revocation list:
# without them tcard-verify does not say VALID (092, 093).
# Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$V"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
if ! "$I" qr --help >/dev/null 2>&1; then
	echo "1..0 # SKIP tcard-issuer qr is not there yet"; exit 77
fi
need_cmd python3

H=$T/h
expect_exit 0 "demo authority" "$I" demo --home "$H"
cp "$T/out" "$T/lines"
expect_exit 0 "export the trust list" "$K" export-trust --home "$H" --out "$T/trust.cose"
# The CA pin, as tcard-keys list shows it (the CA's sha256 comes first).
PIN=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
check "the CA pin is 64 hex digits" test "${#PIN}" -eq 64
expect_exit 0 "an empty revocation list" "$I" revocations --home "$H" --out "$T/rev0.cose"
expect_out 'revocation list 1: 0 serials' "has sequence 1"
# Pinned, with a current revocation list: what VALID needs.
VT=(--trust "$T/trust.cose" --ca-pin "$PIN" --revocations "$T/rev0.cose")

op() { grep -E "^[^#].*	$1(	|,)" "$H/demo-operators.txt" | head -1; }
PROD=$(op card-producer)
APPR=$(op approver)
# The first main card of the demo (no sub-card), and its holder's ID.
read -r CARD ID < <(python3 - "$T/lines" <<'PY'
import sys
for l in open(sys.argv[1], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    print(f[0].replace(" ", ""), f[5]); break
PY
)
export TCARD_PASSPHRASE=$(echo "$PROD" | cut -f4)
expect_exit 0 "tcard-issuer qr prints the text" "$I" qr --out - --as "$(echo "$PROD" | cut -f1)" --home "$H" "$CARD"
tr -d '\n' <"$T/out" >"$T/qr.txt"
expect_exit 0 "tcard-issuer qr writes a PNG" "$I" qr --out "$T/card.png" --as "$(echo "$PROD" | cut -f1)" --home "$H" "$CARD"
unset TCARD_PASSPHRASE
TEXT=$(cat "$T/qr.txt")
check "the text starts with TC1: or TC1N:" grep -qE '^TC1N?:' "$T/qr.txt"

expect_exit 0 "the text verifies" "$V" "${VT[@]}" "$TEXT"
expect_out '^VALID$' "VALID is printed"
expect_out '^name: ' "the name is printed"
expect_out '^tier: ' "the tier is printed"
expect_out '^expires: ' "the expiry is printed"
expect_out '^programme: [a-z]+-[a-z]+$' "the programme code is shown as the programme's id"
expect_out '^  - ' "the tier's services are listed"
: >"$T/empty.cose"
expect_exit 3 "an empty trust list is an environment error" "$V" --trust "$T/empty.cose" --ca-pin "$PIN" "$TEXT"
expect_err 'trust list is empty' "and says the file is empty"
expect_exit 0 "--stdin" "$V" "${VT[@]}" --stdin <"$T/qr.txt"
expect_exit 0 "--image reads the PNG through zbar" "$V" "${VT[@]}" --image "$T/card.png"
expect_exit 0 "--json" "$V" "${VT[@]}" --json "$TEXT"
check "the JSON says VALID with services" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["result"] == "VALID" and o["reason"] is None
assert len(o["card"]) == 16 and o["name"] and o["tier"] and o["programme"]
assert isinstance(o["services"], list) and o["services"]
' "$T/out"
EMPTY=$T/noprog; mkdir -p "$EMPTY"; echo '{}' >"$EMPTY/x.txt"
expect_exit 0 "without programme files" "$V" "${VT[@]}" --programmes "$EMPTY" "$TEXT"
expect_out 'services: +unknown' "services are said to be unknown"

# Holder binding.
SPACED=$(echo "$ID" | sed 's/\(....\)/\1 /g' | tr 'A-Z' 'a-z')
X=$SPACED expect_exit 0 "the right ID (spaced, lower case) matches" "$V" "${VT[@]}" --id-env X "$TEXT"
echo "$ID" >"$T/id.txt"
expect_exit 0 "--id - reads the number from stdin" "$V" "${VT[@]}" --id - "$TEXT" <"$T/id.txt"
X=${ID%?}Z expect_exit 1 "a wrong ID is refused" "$V" "${VT[@]}" --id-env X "$TEXT"
expect_out '^INVALID id-mismatch' "the reason is id-mismatch"
expect_exit 0 "--id on the command line works" "$V" "${VT[@]}" --id "$ID" "$TEXT"
expect_err 'visible to other users in ps' "and warns about ps"

# Refusals.
BAD=$(printf '%s' "$TEXT" | python3 -c '
import sys
t = sys.stdin.read(); i = len(t) // 2
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
print(t[:i] + a[(a.index(t[i]) + 1) % 45] + t[i + 1:], end="")')
expect_exit 1 "a changed character is refused" "$V" "${VT[@]}" "$BAD"
expect_out '^INVALID (bad-signature|malformed)' "with bad-signature or malformed"
TCARD_NOW=2040-01-01 expect_exit 3 "a trust list past its certificates is an environment error" "$V" "${VT[@]}" "$TEXT"
expect_exit 1 "truncated text" "$V" "${VT[@]}" "${TEXT%??????}"
expect_out '^INVALID malformed' "is malformed"
expect_exit 1 "bad Base45" "$V" "${VT[@]}" "TC1:abc"
expect_out 'bad-base45' "detail bad-base45"
LONG=$(python3 -c 'print("TC1:" + "A" * 1100, end="")')
expect_exit 1 "oversized text" "$V" "${VT[@]}" "$LONG"
expect_out 'oversized' "detail oversized"

# Another authority's trust list: unknown-key.
H2=$T/h2
expect_exit 0 "a second authority" "$I" demo --home "$H2"
expect_exit 0 "its trust list" "$K" export-trust --home "$H2" --out "$T/trust2.cose"
PIN2=$("$K" list --home "$H2" | awk '$1 == "sha256" { print $2; exit }')
expect_exit 1 "a card of another authority" "$V" --trust "$T/trust2.cose" --ca-pin "$PIN2" --no-status-check "$TEXT"
expect_out '^INVALID unknown-key' "is unknown-key"

# Revocation.
expect_exit 0 "verifies with the empty list" "$V" "${VT[@]}" "$TEXT"
export TCARD_PASSPHRASE=$(echo "$APPR" | cut -f4)
expect_exit 0 "revoke the card" "$I" revoke --reason other --as "$(echo "$APPR" | cut -f1)" --home "$H" "$CARD"
unset TCARD_PASSPHRASE
expect_exit 0 "the next revocation list" "$I" revocations --home "$H" --out "$T/rev1.cose"
expect_out 'revocation list 2: [1-9][0-9]* serials' "has sequence 2 and the card"
expect_exit 1 "the revoked card is refused" "$V" --trust "$T/trust.cose" --ca-pin "$PIN" --revocations "$T/rev1.cose" "$TEXT"
expect_out '^INVALID revoked' "as revoked"
expect_exit 3 "a revocation list of another authority" "$V" --trust "$T/trust2.cose" --ca-pin "$PIN2" --revocations "$T/rev1.cose" "$TEXT"

# Dates.
# Demo cards run at most 5 years; the signer certificate 6.
expect_exit 1 "expired" env TCARD_NOW=2032-06-01 "$V" "${VT[@]}" "$TEXT"
expect_out '^INVALID expired' "is refused as expired"

# Usage and environment.
expect_exit 2 "no --trust" "$V" "$TEXT"
expect_exit 2 "two inputs" "$V" "${VT[@]}" --stdin "$TEXT"
expect_exit 2 "an unknown option" "$V" "${VT[@]}" --bogus "$TEXT"
expect_exit 3 "a missing trust list" "$V" --trust "$T/nope" --ca-pin "$PIN" "$TEXT"
expect_exit 3 "a missing image" "$V" "${VT[@]}" --image "$T/nope.png"
expect_exit 0 "--help" "$V" --help
for s in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' EXAMPLES; do
	expect_out "^$s" "the help page has $s"
done
done_testing
