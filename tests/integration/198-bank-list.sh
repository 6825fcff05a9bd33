#!/bin/bash
# SPDX-License-Identifier: MIT
# The bank list (issue 17, "Bank list"): for a programme whose bank makes
# the cards outside the system, tcard-issuer bank-list export writes the
# cards to make as a signed COSE_Sign1 whose JSON payload has only what
# the bank needs (card number, name, masked ID, branch, deadline), and
# bank-list import reads the bank's results back (made / failed with its
# reason), all or nothing, a fault named by its line and field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..25"

IDA=110101199203030030 IDB=110101199203030057
check "demo authority" id_demo
A=$(green_app "Bank Alpha" "$IDA"); check "application A is submitted" test -n "$A"
B=$(green_app "Bank Beta" "$IDB"); check "application B is submitted" test -n "$B"
cli() { local op=$1; shift; TCARD_PASSPHRASE=$(pass_of "$op") "$I" "$@" --as "$op" --home "$H"; }
for app in "$A" "$B"; do
	cli demo-hr-reviewer-1 review "$app" --approve >/dev/null 2>&1 &&
		cli demo-approver-1 review "$app" --approve >/dev/null 2>&1
done
card_of() { sqlite3 "$H/registry.db" "SELECT c.card_no FROM production p JOIN cards c ON c.serial = p.serial WHERE p.application = $1"; }
state_of() { sqlite3 "$H/registry.db" "SELECT state || ifnull(':' || reason, '') FROM production WHERE application = $1"; }
CA=$(card_of "$A"); CB=$(card_of "$B")
check "both approved, with cards in production" test "${#CA}${#CB}" = 1616

expect_exit 0 "export the list of the green card" \
	cli demo-card-producer-1 bank-list export --programme guangzhou-green --out "$T/list.cose"
check "it says how many cards" grep -q 'bank list of guangzhou-green: [0-9]* cards, signed' "$T/out"
# The COSE_Sign1's payload (tag 18, array of 4, the third a byte string).
python3 - "$T/list.cose" >"$T/payload.json" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
assert b[0] == 0xd2 and b[1] == 0x84, "not a tagged COSE_Sign1"
i = 2
def item(i):
    h = b[i]; t, ai = h >> 5, h & 31; i += 1
    if ai < 24: n = ai
    else:
        k = {24: 1, 25: 2, 26: 4, 27: 8}[ai]; n = int.from_bytes(b[i:i + k], "big"); i += k
    if t in (2, 3): return b[i:i + n], i + n
    if t == 5: return None, i   # the empty unprotected map
    raise SystemExit("unexpected item")
prot, i = item(i); _, i = item(i); payload, i = item(i); sig, i = item(i)
assert i == len(b) and len(sig) == 64
sys.stdout.write(payload.decode())
PY
check "a tagged COSE_Sign1 with a 64-byte signature" test -s "$T/payload.json"
pl() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/payload.json" "$1"; }
check "its payload names the format and the programme" \
	test "$(pl 'o["format"], o["programme"]')" = "('talentcard-bank-list/1', 'guangzhou-green')"
check "A's card is on the list" test "$(pl "[c['name'] for c in o['cards'] if c['card_no'] == '$CA']")" = "['Bank Alpha']"
check "only what the bank needs" test "$(pl "sorted(o['cards'][0])")" = "['branch', 'card_no', 'deadline', 'id_masked', 'name']"
check "the ID masked" test "$(pl "[c['id_masked'] for c in o['cards'] if c['card_no'] == '$CA'][0]")" = "****************${IDA:16}"
check "never a full ID number" sh -c "! grep -q -e '$IDA' -e '$IDB' '$T/list.cose' '$T/payload.json'"

printf 'card_no,result,reason\n%s,made,\n%s,failed,芯片损坏\n' "$CA" "$CB" >"$T/results.csv"
printf 'card_no,result,reason\r\n%s,made,\r\n%s,made,x\r\n' "$CA" "$CB" >"$T/bad-field.csv"
expect_exit 1 "a reason on a made card is refused" \
	cli demo-card-producer-1 bank-list import "$T/bad-field.csv"
check "naming the line and the field" grep -q 'line 3, field reason' "$T/err"
check "nothing is recorded (all or nothing)" test "$(state_of "$A")" = to-make
printf 'card_no,result,reason\n%s,made,\n%s,made,\n' "$CA" "${CB:0:15}$(( (${CB:15:1} + 1) % 10 ))" >"$T/bad-luhn.csv"
expect_exit 1 "a card number with a wrong check digit is refused" \
	cli demo-card-producer-1 bank-list import "$T/bad-luhn.csv"
check "naming its line" grep -q 'line 3, field card_no' "$T/err"
ISSUED=$(sqlite3 "$H/registry.db" "SELECT card_no FROM cards WHERE status = 'issued' LIMIT 1")
printf 'card_no,result,reason\n%s,made,\n%s,made,\n' "$CA" "$ISSUED" >"$T/not-in-production.csv"
expect_exit 1 "an issued card is not the bank's to make" \
	cli demo-card-producer-1 bank-list import "$T/not-in-production.csv"
check "naming its line and card" grep -q "line 3, card $ISSUED" "$T/err"
check "and the line before it is not recorded either" test "$(state_of "$A")" = to-make
expect_exit 0 "the bank's results are imported" \
	cli demo-card-producer-1 bank-list import "$T/results.csv"
check "it counts them" grep -q 'bank results: 1 made, 1 failed' "$T/out"
check "A is made, B failed with the bank's reason" \
	test "$(state_of "$A") $(state_of "$B")" = "made failed:芯片损坏"
expect_exit 1 "a second report of a made card is refused" \
	cli demo-card-producer-1 bank-list import "$T/results.csv"
check "naming the line and the card" grep -q "line 2, card $CA" "$T/err"
