#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The audit head signed into every bundle (audit-head.cose) and 'audit
# verify --bundle DIR': HOME/audit.head sits next to the registry, so
# deleting the last audit rows and rewriting that file to match makes plain
# 'audit verify' say OK; the bundle's signed copy, which left the machine,
# still says BROKEN, naming the missing entries and the bundle. A log cut
# and grown again by someone holding the key is named as rewritten. An
# older bundle (a lower head) verifies against the longer log; an altered
# audit-head.cose, another authority's bundle and a bundle without the file
# are refused with a clear message. Verifiers, reading a directory or
# pulling, ignore the new file. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
if ! command -v sqlite3 >/dev/null; then echo "1..0 # SKIP no sqlite3 shell"; exit 77; fi

H=$T/h
B=$T/bundle
# said PATTERN DESC: the last command's stdout or stderr matches the ERE.
said() {
	if grep -qE -- "$1" "$T/out" "$T/err"; then ok "$2"
	else not_ok "$2 (no /$1/ in output)"; sed 's/^/# out: /' "$T/out"; sed 's/^/# err: /' "$T/err"; fi
}
# head_of FILE: "SEQ:MACHEX" of an 'audit log OK' line.
head_of() { sed -n 's/^audit log OK: [0-9]* entries, head \([0-9]*\) \([0-9a-f]*\)$/\1:\2/p' "$1"; }
# copy NAME: a copy of the home (its bundle dirs are outside it).
copy() { rm -rf "$T/$1"; cp -a "$H" "$T/$1"; C=$T/$1; }
# drop_after DB SEQ: deletes the audit entries after SEQ (as an intruder).
drop_after() { sqlite3 "$1" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > $2;"; }
# mac_of DB SEQ: the stored MAC of entry SEQ, lower-case hex.
mac_of() { sqlite3 "$1" "SELECT lower(hex(mac)) FROM audit WHERE seq = $2"; }
approver() { awk -F'\t' '$1 == "demo-approver-1" { print $4 }' "$1/demo-operators.txt"; }

check "demo authority and bundle" demo_bundle "$B"
check "publish wrote audit-head.cose" test -s "$B/audit-head.cose"
expect_exit 0 "audit verify" "$I" audit verify --home "$H"
head1=$(head_of "$T/out")
expect_exit 0 "audit verify --bundle: the log holds the bundle's head" "$I" audit verify --home "$H" --bundle "$B"
expect_out "^bundle $B: publish 1 of [0-9T:-]+Z, audit head ${head1%%:*} ${head1#*:}$" "... it shows the bundle's signed head, the one in HOME/audit.head"
expect_out "^audit log OK: " "... and says OK"
expect_exit 0 "--json" "$I" audit verify --home "$H" --bundle "$B" --json
check "... lists the bundle's head" python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
b = o['bundles'][0]
assert o['ok'] and b['dir'] == sys.argv[2] and b['publish_seq'] == 1
assert '%d:%s' % (b['head']['seq'], b['head']['mac']) == sys.argv[3]
" "$T/out" "$B" "$head1"
# Just the two files, as fetched from a web server.
mkdir "$T/fetched"
cp "$B/trust.cose" "$B/audit-head.cose" "$T/fetched/"
expect_exit 0 "trust.cose and audit-head.cose alone are enough" "$I" audit verify --home "$H" --bundle "$T/fetched"

# An older bundle: a lower head, still held by the longer log.
cp -a "$B" "$T/old"
expect_exit 0 "a change after the publish" env TCARD_PASSPHRASE="$(approver "$H")" \
	"$I" suspend "$(card_field 1 1)" --reason 'employer inquiry' --as demo-approver-1 --home "$H"
expect_exit 0 "and another" env TCARD_PASSPHRASE="$(approver "$H")" \
	"$I" reinstate "$(card_field 1 1)" --as demo-approver-1 --home "$H"
check "publish again" demo_bundle "$B"
expect_exit 0 "audit verify --bundle (the new one)" "$I" audit verify --home "$H" --bundle "$B"
head2=$(head_of "$T/out")
check "the head moved on" test "${head2%%:*}" -gt "${head1%%:*}"
expect_out "^bundle $B: publish 2 of .*, audit head ${head2%%:*} " "... the new bundle has the new head"
expect_exit 0 "an older bundle still verifies against the longer log" "$I" audit verify --home "$H" --bundle "$T/old" --bundle "$B"
expect_out "^bundle $T/old: publish 1 of .*, audit head ${head1%%:*} ${head1#*:}$" "... at its own, lower head"

# The entries since the older bundle deleted, HOME/audit.head rewritten to
# match.
copy cut
n=${head2%%:*} m=${head1%%:*}
drop_after "$C/registry.db" "$m"
echo "$m:$(mac_of "$C/registry.db" "$m")" >"$C/audit.head"
expect_exit 0 "entries cut and audit.head rewritten: plain audit verify says OK (why the bundle copy exists)" "$I" audit verify --home "$C"
expect_out "^audit log OK: $m entries" "... at the shorter log"
expect_exit 1 "audit verify --bundle says BROKEN" "$I" audit verify --home "$C" --bundle "$B"
expect_out "^audit log BROKEN at entry $((m + 1)): the log ends at entry $m but the recorded head is entry $n: entries $((m + 1)) to $n are missing" "... naming the missing entries"
expect_out "\(signed in bundle $B/audit-head.cose, publish 2 of [0-9T:-]+Z\)$" "... and the bundle that said so"
expect_exit 1 "--json: ok false, with the reason" "$I" audit verify --home "$C" --bundle "$B" --json
check "... first_bad and the reason naming the bundle" python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
assert o['ok'] is False and o['first_bad'] == int(sys.argv[2])
assert 'signed in bundle ' + sys.argv[3] + '/audit-head.cose' in o['reason']
" "$T/out" $((m + 1)) "$B"
expect_exit 0 "the older bundle alone does not catch it (its head is older)" "$I" audit verify --home "$C" --bundle "$T/old"
before=$(md5sum <"$B/audit-head.cose")
expect_exit 3 "publish to the same directory refuses" "$I" publish --home "$C" --out "$B"
expect_err "signed in bundle $B/audit-head.cose.*nothing published" "... naming the bundle's head"
check "... and leaves its audit-head.cose alone" test "$(md5sum <"$B/audit-head.cose")" = "$before"

# Cut, then grown again past the bundle's head by someone holding the key.
copy regrown
drop_after "$C/registry.db" $((n - 1))
echo "$((n - 1)):$(mac_of "$C/registry.db" $((n - 1)))" >"$C/audit.head"
expect_exit 0 "a new change on the cut log" env TCARD_PASSPHRASE="$(approver "$C")" \
	"$I" suspend "$(card_field 1 1)" --reason 'employer inquiry' --as demo-approver-1 --home "$C"
expect_exit 0 "plain audit verify says OK" "$I" audit verify --home "$C"
expect_exit 1 "audit verify --bundle says BROKEN" "$I" audit verify --home "$C" --bundle "$B"
expect_out "^audit log BROKEN at entry $n: it differs from the recorded head: the log was rewritten .*\(signed in bundle $B/audit-head.cose" "... entry $n was rewritten, says the bundle"

# An altered audit-head.cose: one byte flipped.
for at in 20 -1; do
	rm -rf "$T/bad"; cp -a "$B" "$T/bad"
	size=$(stat -c %s "$T/bad/audit-head.cose")
	off=$at; [ "$off" -lt 0 ] && off=$((size - 1))
	python3 -c "
import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read()); b[o] ^= 1; open(p, 'wb').write(b)" "$T/bad/audit-head.cose" "$off"
	expect_exit 1 "byte $off of audit-head.cose flipped: refused" "$I" audit verify --home "$H" --bundle "$T/bad"
	expect_err "^tcard-issuer audit verify: bundle $T/bad: audit-head.cose: " "... naming the bundle and the file"
	check "... and no verdict on the log" test ! -s "$T/out"
done
expect_err "the signature does not verify \(the file was altered after it was signed\)" "... a flipped signature byte: altered"

# Another authority's bundle.
H2=$T/h2
"$I" demo --home "$H2" >/dev/null 2>&1
"$I" publish --home "$H2" --out "$T/other" >/dev/null 2>&1
check "another authority's bundle" test -s "$T/other/audit-head.cose"
expect_exit 1 "another authority's bundle is refused" "$I" audit verify --home "$H" --bundle "$T/other"
expect_err "bundle $T/other: trust.cose: .*not this authority's bundle" "... its trust list is not this CA's"
mkdir "$T/mixed"
cp "$B/trust.cose" "$T/mixed/"
cp "$T/other/audit-head.cose" "$T/mixed/"
expect_exit 1 "our trust list with another authority's audit-head.cose: refused" "$I" audit verify --home "$H" --bundle "$T/mixed"
expect_err "bundle $T/mixed: audit-head.cose: .*signed by a key the bundle's trust list does not hold" "... its signer is not in the trust list"

# A directory without audit-head.cose.
mkdir "$T/none"
cp "$B/trust.cose" "$T/none/"
expect_exit 3 "a bundle without audit-head.cose: refused (exit 3)" "$I" audit verify --home "$H" --bundle "$T/none"
expect_err "bundle $T/none: no audit-head.cose" "... saying it is missing"
expect_exit 2 "--bundle '' is a usage error" "$I" audit verify --home "$H" --bundle ''

# Verifiers ignore the file: a daemon on the directory, one pulling from it.
PEPPER=$H/keys/pepper.key
PIN=$(ca_pin)
check "a verifier reads the bundle directory with audit-head.cose in it" start_vd a --bundle "$B" --pepper "$PEPPER"
check "... and holds list 2" test "$(healthz_field "$URL_a" 'o["revocations"]["seq"]')" = 2
check "a verifier pulls from the first one's /bundle/" start_vd u --bundle "$URL_a/bundle/" \
	--cache-dir "$T/cache" --ca-pin "$PIN" --pepper "$PEPPER" --pull-interval 1
check "... and holds list 2" test "$(healthz_field "$URL_u" 'o["revocations"]["seq"]')" = 2
check "... without fetching audit-head.cose" test ! -e "$T/cache/audit-head.cose"
expect_no "audit-head" "neither daemon mentions the file" "$T/a.log" "$T/a.err" "$T/u.log" "$T/u.err"
done_testing
