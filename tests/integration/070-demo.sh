#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tcard-issuer demo: builds a demo authority in a new directory and in an
# empty one, refuses a non-empty one and a file; the lines it prints are the
# cards of the registry; --json gives the same cards with the six fields and
# valid card numbers; every programme and every main tier is there, with a
# sub-card, several ID types and Chinese and Latin names; the same seedless
# run gives the same people; demo-operators.txt is mode 0600, names its
# columns and its passphrases and TOTP secrets authenticate (not without a
# code); the application left in review can be reviewed;
# the audit log verifies; and the printed ID numbers are nowhere in the
# registry file or its WAL. Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$I"
need_cmd python3

H=$T/demo
expect_exit 0 "demo builds an authority in a new directory" "$I" demo --home "$H"
cp "$T/out" "$T/lines"
expect_err 'demo authority ready' "demo says where the authority is"
check "the home, its keys, registry and programmes exist" \
	test -f "$H/registry.db" -a -f "$H/keys/keys.json" -a -d "$H/programmes"
expect_exit 1 "demo refuses a directory that is not empty" "$I" demo --home "$H"
expect_err 'not empty' "the refusal says why"
: >"$T/afile"
expect_exit 1 "demo refuses a file" "$I" demo --home "$T/afile"
expect_exit 2 "an unknown --alg is a usage error" "$I" demo --home "$T/x" --alg rsa
expect_exit 2 "an unexpected argument is a usage error" "$I" demo --home "$T/x" extra
check "nothing was made by the refused runs" test ! -e "$T/x"
expect_exit 0 "demo --help" "$I" demo --help
expect_out 'demo-operators.txt' "the help page names the operators' file"

# The lines: one per card of the registry, six tab-separated fields.
check "every line has six fields" \
	awk -F'\t' 'NF != 6 { bad = 1 } END { exit bad || NR == 0 }' "$T/lines"
check "every line starts with a grouped card number" \
	sh -c '! cut -f 1 "$1" | grep -qvE "^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}\$"' - "$T/lines"
TCARD_HOME=$H expect_exit 0 "cards --json" "$I" cards --json
cp "$T/out" "$T/cards.json"
check "the printed cards are the registry's cards" python3 - "$T/lines" "$T/cards.json" <<'PY'
import json, sys
lines = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().splitlines()]
cards = json.load(open(sys.argv[2], encoding="utf-8"))
def no(c):
    return c.get("card_no") or c.get("card")
printed = sorted(l[0].replace(" ", "") for l in lines)
stored = sorted(no(c) for c in cards)
assert printed == stored, (printed, stored)
PY

# The JSON form, into an empty directory that exists.
mkdir "$T/demo2"
expect_exit 0 "demo --json into an empty directory" "$I" demo --home "$T/demo2" --json --alg sm2
cp "$T/out" "$T/demo.json"
check "--json: six fields, valid card numbers, every programme and main tier, sub-cards, ID types, names" \
	python3 - "$T/demo.json" "$TC_TOP/programmes" <<'PY'
import glob, json, os, re, sys
cards = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(cards, list) and cards
def luhn_ok(n):
    s = 0
    for i, c in enumerate(reversed(n)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return s % 10 == 0
for c in cards:
    assert set(c) == {"card", "programme", "tier", "name", "id_type", "id"}, c
    assert re.fullmatch(r"[0-9]{16}", c["card"]) and luhn_ok(c["card"]), c["card"]
    assert all(isinstance(v, str) and v for v in c.values()), c
assert len({c["card"] for c in cards}) == len(cards)
have = {(c["programme"], c["tier"]) for c in cards}
subs = 0
for f in glob.glob(os.path.join(sys.argv[2], "*.json")):
    p = json.load(open(f, encoding="utf-8"))
    for t in p["tiers"]:
        if t["kind"] == "main":
            assert (p["id"], t["id"]) in have, (p["id"], t["id"])
        else:
            subs += (p["id"], t["id"]) in have
assert subs >= 1, "no sub-card"
assert len({c["id_type"] for c in cards}) >= 2
cjk = [c for c in cards if re.search(r"[\u4e00-\u9fff]", c["name"])]
latin = [c for c in cards if re.fullmatch(r"[A-Za-z\u00c0-\u024f' .-]+", c["name"])]
assert cjk and latin, "want Chinese and Latin names"
PY
check "the same clock gives the same people and numbers" python3 - "$T/lines" "$T/demo.json" <<'PY'
import json, sys
lines = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().splitlines()]
cards = json.load(open(sys.argv[2], encoding="utf-8"))
a = [(l[0].replace(" ", ""), l[1], l[2], l[3], l[4], l[5]) for l in lines]
b = [(c["card"], c["programme"], c["tier"], c["name"], c["id_type"], c["id"]) for c in cards]
assert a == b, (a, b)
PY
check "the second authority's keys are SM2" grep -q '"SM2"' "$T/demo2/keys/keys.json"

# The operators' file.
O=$H/demo-operators.txt
check "demo-operators.txt is mode 0600" test "$(stat -c %a "$O")" = 600
check "a header line names the columns" grep -qx '# name	roles	organisation	passphrase	totp' "$O"
check "one line per operator: name, roles, organisation, passphrase of 20 characters, TOTP secret of 32" \
	awk -F'\t' '/^#/ { next } NF != 5 || $3 == "" || length($4) != 20 || length($5) != 32 || $5 ~ /[^A-Z2-7]/ { bad = 1 } { n++ } END { exit bad || n < 10 }' "$O"
check "three leadership-group operators (Chuxiong)" grep -q '^demo-leadership-group-3	' "$O"
check "two units, each with its own unit reviewer" \
	test "$(awk -F'\t' '$2 == "unit-reviewer" { print $3 }' "$O" | sort -u | wc -l)" -ge 2
pw() { demo_pass "$H" "$1"; }
otp() { demo_otp "$H" "$1"; }
TCARD_HOME=$H expect_exit 0 "operator list" "$I" operator list --json
check "operator list shows every operator of the file" python3 - "$T/out" "$O" <<'PY'
import json, sys
ops = {o["name"] for o in json.load(open(sys.argv[1]))}
names = {l.split("\t")[0] for l in open(sys.argv[2]) if not l.startswith("#")}
assert names <= ops, names - ops
PY
APP=$(TCARD_HOME=$H "$I" applications --state submitted | awk 'NR == 2 { print $1 }')
check "one application waits in review" test -n "$APP"
TCARD_HOME=$H TCARD_PASSPHRASE=wrong-passphrase-123 TCARD_OTP=$(otp demo-hr-reviewer-1) expect_exit 1 \
	"a wrong passphrase is refused" "$I" review "$APP" --approve --as demo-hr-reviewer-1
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-hr-reviewer-1) expect_exit 2 \
	"every demo operator is enrolled: without a code (no TCARD_OTP, no terminal) it is refused" \
	"$I" review "$APP" --approve --as demo-hr-reviewer-1 </dev/null
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-hr-reviewer-1) TCARD_OTP=000000 expect_exit 1 \
	"a wrong TOTP code is refused" "$I" review "$APP" --approve --as demo-hr-reviewer-1
expect_err 'operator or passphrase wrong' "with the message of a wrong passphrase"
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-hr-reviewer-1) TCARD_OTP=$(otp demo-hr-reviewer-1) expect_exit 0 \
	"demo-hr-reviewer-1 reviews it with the file's passphrase and TOTP secret" "$I" review "$APP" --approve --as demo-hr-reviewer-1
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-approver-1) TCARD_OTP=$(otp demo-approver-1) expect_exit 0 \
	"demo-approver-1 approves it" "$I" review "$APP" --approve --as demo-approver-1
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-admin) TCARD_OTP=$(otp demo-admin) NP='a new operator passphrase' expect_exit 0 \
	"demo-admin adds an operator with the file's passphrase" \
	"$I" operator add extra-clerk --role hr-reviewer --organisation demo-district --as demo-admin --passphrase-env NP
first=$(awk -F'\t' 'NR == 1 { gsub(/ /, "", $1); print $1 }' "$T/lines")
TCARD_HOME=$H TCARD_PASSPHRASE=$(pw demo-approver-1) TCARD_OTP=$(otp demo-approver-1) expect_exit 0 \
	"demo-approver-1 suspends a card" "$I" suspend "$first" --reason 'employer inquiry' --as demo-approver-1

# The audit log, and no ID number in the database.
TCARD_HOME=$H expect_exit 0 "audit verify" "$I" audit verify
expect_out 'audit log OK' "the audit log verifies"
TCARD_HOME=$T/demo2 expect_exit 0 "audit verify (second authority)" "$I" audit verify
cut -f 6 "$T/lines" >"$T/ids"
check "the demo printed ID numbers" test "$(wc -l <"$T/ids")" -ge 10
python3 -c 'import json,sys; [print(c["id"]) for c in json.load(open(sys.argv[1]))]' \
	"$T/demo.json" >"$T/ids2"
for db in "$H" "$T/demo2"; do
	found=0
	for f in "$db"/registry.db "$db"/registry.db-wal; do
		[ -f "$f" ] || continue
		if grep -a -q -F -f "$T/ids" -f "$T/ids2" "$f"; then found=1; fi
	done
	check "no printed ID number in $(basename "$db")/registry.db or its WAL" test "$found" -eq 0
done
name=$(cut -f 4 "$T/lines" | sed -n 1p)
check "the demo's names are in the registry (the search above looks there)" \
	sh -c 'cat "$1"/registry.db "$1"/registry.db-wal 2>/dev/null | grep -a -q -F "$2"' - "$H" "$name"

done_testing
