#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Nothing in registry.db lets anyone recover an ID number without the data
# key. A demo authority is built; then, reading only its registry files
# (tables, JSON inside them, the WAL, every readable string), no resident
# applicant or holder is left with fewer than 1000 candidate numbers
# (pii-recover.py counts them from the masked characters, birth date, sex,
# region and check character it can read), and no birth date of a demo
# person is in the files. 'application show' refuses to run without an
# operator, refuses a wrong passphrase and the admin role, and shows sex,
# birth date and form to a signed-in operator. The output of every other
# command run on the demo holds no birth date and no ID number. Made-up
# people only.
. "$(dirname "$0")/lib.sh"
I=$TC_BIN/tcard-issuer
TODAY=2026-11-21
export TCARD_NOW=${TODAY}T04:00:00Z TCARD_SCRYPT_LN=10
unset TCARD_PASSPHRASE TCARD_HOME

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
if ! python3 -c 'import sqlite3' 2>/dev/null; then
	echo "1..0 # SKIP python3 with sqlite3 missing"; exit 77
fi

H=$T/demo
expect_exit 0 "demo builds an authority" "$I" demo --home "$H"
# TYPE, NUMBER, NAME of every card holder: the truth the counts are about.
awk -F'\t' '{ print $5 "\t" $6 "\t" $4 }' "$T/out" | sort -u >"$T/truth"
cp "$T/err" "$T/outputs"
check "the demo has resident holders" grep -q '^resident	' "$T/truth"
export TCARD_HOME=$H
O=$H/demo-operators.txt
pw() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$O"; }

# One resident applicant: application number, birth date and sex from the
# number (made up by the demo).
expect_exit 0 "applications --json" "$I" applications --json
cp "$T/out" "$T/apps.json"
cat "$T/out" "$T/err" >>"$T/outputs"
read -r APP BD SEX < <(python3 - "$T/apps.json" "$T/truth" <<'PY'
import json, sys
apps = json.load(open(sys.argv[1], encoding="utf-8"))
people = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
for t, n, name in people:
    if t != "resident":
        continue
    for a in apps:
        if a["name"] == name:
            print(a["id"], f"{n[6:10]}-{n[10:12]}-{n[12:14]}",
                  "male" if int(n[16]) % 2 else "female")
            sys.exit(0)
sys.exit(1)
PY
)
check "a resident applicant was found" test -n "${APP:-}" -a -n "${BD:-}"

expect_exit 2 "application show without --as is refused" "$I" application show "$APP"
expect_err "needs --as NAME" "the refusal says that an operator is needed"
check "the refusal shows nothing of the applicant" test ! -s "$T/out"
cat "$T/out" "$T/err" >>"$T/outputs"
TCARD_PASSPHRASE=wrong-passphrase-123 expect_exit 1 "a wrong passphrase is refused" \
	"$I" application show "$APP" --as demo-auditor
check "the wrong passphrase gets nothing" test ! -s "$T/out"
cat "$T/out" "$T/err" >>"$T/outputs"
TCARD_PASSPHRASE=$(pw demo-admin) expect_exit 1 "the admin role is refused" \
	"$I" application show "$APP" --as demo-admin
check "admin gets nothing" test ! -s "$T/out"
cat "$T/out" "$T/err" >>"$T/outputs"
TCARD_PASSPHRASE=$(pw demo-auditor) expect_exit 0 "an operator sees the application" \
	"$I" application show "$APP" --as demo-auditor
expect_out "applicant +resident \*{16}[0-9X]{2} .* $SEX $BD\$" \
	"the signed-in operator sees the masked number, sex and birth date"
expect_out "\"birth-date\":\"$BD\"" "... and the form with the birth date"
TCARD_PASSPHRASE=$(pw demo-hr-reviewer-1) expect_exit 0 "application show --json" \
	"$I" application show "$APP" --as demo-hr-reviewer-1 --json
check "--json has sex, birth_date and the form" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["sex"] == sys.argv[2] and d["birth_date"] == sys.argv[3], d
assert d["form"]["basic"]["birth-date"] == sys.argv[3], d["form"]' "$T/out" "$SEX" "$BD"

# Every applicant's birth date, as a signed-in operator reads it: the
# dates the files and the other outputs must not hold.
: >"$T/births"
for a in $(python3 -c 'import json,sys; [print(a["id"]) for a in json.load(open(sys.argv[1]))]' "$T/apps.json"); do
	TCARD_PASSPHRASE=$(pw demo-auditor) "$I" application show "$a" --as demo-auditor --json \
		>"$T/one.json" 2>/dev/null || true
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError:
    sys.exit(0)
if d.get("birth_date"):
    print(d["name"] + "\t" + d["birth_date"])' "$T/one.json" >>"$T/births"
done
check "birth dates of the applicants were read (a control for the searches below)" \
	test "$(wc -l <"$T/births")" -ge 10

# The other commands, as anyone (or an operator) runs them on the demo.
run_out() { "$@" >>"$T/outputs" 2>&1 || true; }
run_out "$I" cards
run_out "$I" cards --json
"$I" cards --json >"$T/cards.json"
for c in $(python3 -c 'import json,sys; [print(c["card"]) for c in json.load(open(sys.argv[1]))]' "$T/cards.json"); do
	run_out "$I" card show "$c"
done
run_out "$I" applications
run_out "$I" audit list
run_out "$I" audit list --json
run_out "$I" audit verify
run_out "$I" blacklist list
run_out "$I" blacklist list --json
run_out "$I" employer-bar list
run_out "$I" operator list
run_out "$I" operator list --json
PEND=$("$I" applications --state submitted | awk 'NR == 2 { print $1 }')
TCARD_PASSPHRASE=$(pw demo-hr-reviewer-1) run_out "$I" review "$PEND" --approve \
	--as demo-hr-reviewer-1 --json
check "the outputs were collected" test "$(wc -l <"$T/outputs")" -ge 50
check "no birth date of a demo person in any output" python3 - "$T/outputs" "$T/truth" "$T/births" <<'PY'
import sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
dates = set()
for l in open(sys.argv[2], encoding="utf-8"):
    t, n, name = l.rstrip("\n").split("\t")
    assert n not in out, "a full ID number is in the output"
    if t == "resident":
        dates.add((int(n[6:10]), int(n[10:12]), int(n[12:14])))
for l in open(sys.argv[3], encoding="utf-8"):
    y, m, d = l.rstrip("\n").split("\t")[1].split("-")
    dates.add((int(y), int(m), int(d)))
for y, m, d in sorted(dates):
    for s in (f"{y:04d}{m:02d}{d:02d}", f"{y:04d}-{m:02d}-{d:02d}",
              f"{y:04d}/{m:02d}/{d:02d}", f"{d:02d}.{m:02d}.{y:04d}",
              f"{y:04d}年{m:02d}月{d:02d}日", f"{y:04d}年{m}月{d}日"):
        assert s not in out, f"birth date {s} in the output"
PY

# The attacker: the registry files without the keys.
python3 "$TC_TOP/tests/integration/pii-recover.py" "$H" "$T/truth" "$TODAY" "$T/births" \
	>"$T/recover" 2>&1
rc=$?
sed 's/^/# /' "$T/recover"
check "every resident number keeps at least 1000 candidates and no birth date is readable" \
	test "$rc" -eq 0
check "the count covered every demo person" \
	test "$(grep -c ' candidates ' "$T/recover")" -eq "$(wc -l <"$T/truth")"

done_testing
