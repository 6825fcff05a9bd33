#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A damaged registry is noticed before it is trusted: on copies of a demo
# registry, a zeroed page, a garbled page, an emptied audit table and the
# last audit entries deleted each make 'audit verify' fail with a message
# naming what is wrong, and 'publish' refuse without touching the bundle.
# publish records the audit head in HOME/audit.head, against which
# 'audit verify' finds entries removed from the end, and signs it into the
# bundle (audit-head.cose), against which 'audit verify --bundle' and the
# next publish to that bundle find them even when HOME/audit.head was
# rewritten to match. Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

need_prog "$I"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
if ! command -v sqlite3 >/dev/null; then echo "1..0 # SKIP no sqlite3 shell"; exit 77; fi
if ! sqlite3 :memory: 'SELECT count(*) FROM dbstat' >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 shell has no dbstat table"; exit 77
fi

H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
# said PATTERN DESC: the last command's stdout or stderr matches the ERE.
said() {
	if grep -qE -- "$1" "$T/out" "$T/err"; then ok "$2"
	else not_ok "$2 (no /$1/ in output)"; sed 's/^/# out: /' "$T/out"; sed 's/^/# err: /' "$T/err"; fi
}
expect_exit 0 "the demo registry verifies" "$I" audit verify --home "$H"
check "no head is recorded before the first publish" test ! -e "$H/audit.head"
expect_exit 0 "publish" "$I" publish --home "$H" --out "$H/bundle"
expect_exit 0 "audit verify after publish" "$I" audit verify --home "$H"
head=$(sed -n 's/^audit log OK: [0-9]* entries, head \([0-9]*\) \([0-9a-f]*\)$/\1:\2/p' "$T/out")
check "publish recorded the audit head in HOME/audit.head" test "$(cat "$H/audit.head")" = "$head"

# copy NAME: a copy of the demo home (its bundle too) to damage.
copy() { rm -rf "$T/$1"; cp -a "$H" "$T/$1"; C=$T/$1; }
# page DB TABLE: the number of a b-tree page of TABLE (its root).
page() { sqlite3 "$1" "SELECT rootpage FROM sqlite_schema WHERE name = '$2'"; }
# publish_refused NAME PATTERN: publish from copy $C to its bundle refuses
# (exit 3) with a message matching PATTERN and leaves the bundle as it was.
publish_refused() {
	local before
	before=$(md5sum "$C/bundle/revocations.cose")
	expect_exit 3 "$1: publish refuses (exit 3)" "$I" publish --home "$C" --out "$C/bundle"
	expect_err "$2" "$1: publish says why: /$2/"
	check "$1: the bundle is untouched" test "$(md5sum "$C/bundle/revocations.cose")" = "$before"
}
# refused NAME CODE PATTERN: audit verify (exit CODE, a message matching
# PATTERN) and publish both fail on copy $C.
refused() {
	expect_exit "$2" "$1: audit verify fails (exit $2)" "$I" audit verify --home "$C"
	said "$3" "$1: the message says what is wrong"
	publish_refused "$1" "nothing published"
}

copy zero
pg=$(page "$C/registry.db" cards)
dd if=/dev/zero of="$C/registry.db" bs=4096 seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
refused "a zeroed page (cards, page $pg)" 3 "registry.db is damaged: SQLite's integrity check says \"Page $pg"

copy garble
pg=$(sqlite3 "$C/registry.db" "SELECT max(pageno) FROM dbstat WHERE name = 'audit' AND pagetype = 'leaf'")
head -c 4096 /dev/urandom | dd of="$C/registry.db" bs=4096 seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
refused "a garbled page (audit, page $pg)" 3 "registry.db is damaged"

copy index
pg=$(page "$C/registry.db" sqlite_autoindex_holders_1)
dd if=/dev/zero of="$C/registry.db" bs=4096 seek=$((pg - 1)) count=1 conv=notrunc 2>/dev/null
refused "a zeroed index page (holders, page $pg)" 3 "registry.db is damaged"

copy empty
sqlite3 "$C/registry.db" 'DROP TRIGGER audit_no_delete; DELETE FROM audit;'
refused "the audit rows deleted" 1 "the log ends at entry 0 but the recorded head is entry ${head%%:*}"
rm -f "$C/audit.head"
expect_exit 1 "the audit rows deleted, no recorded head: audit verify fails" "$I" audit verify --home "$C"
expect_out "BROKEN at entry 1: the log is empty" "... the log is empty"

copy tail
n=${head%%:*}
sqlite3 "$C/registry.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > $((n - 3));"
refused "the last 3 audit rows deleted" 1 "entries $((n - 2)) to $n are missing"
expect_exit 1 "audit verify (again)" "$I" audit verify --home "$C"
expect_out "recorded in .*audit.head" "audit verify names the recorded head's file"
expect_exit 1 "an unrelated --expect-head does not hide it" "$I" audit verify --home "$C" --expect-head "1:$(sqlite3 "$C/registry.db" "SELECT hex(mac) FROM audit WHERE seq = 1")"

# The same, with HOME/audit.head rewritten to the shorter log's head: the
# file next to the registry no longer catches it (which is why publish
# signs the head into the bundle too), the bundle's copy does.
copy tailhead
sqlite3 "$C/registry.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > $((n - 3));"
echo "$((n - 3)):$(sqlite3 "$C/registry.db" "SELECT lower(hex(mac)) FROM audit WHERE seq = $((n - 3))")" >"$C/audit.head"
expect_exit 0 "3 rows deleted and audit.head rewritten: plain audit verify says OK" "$I" audit verify --home "$C"
check "publish signed the head into the bundle" test -s "$C/bundle/audit-head.cose"
expect_exit 1 "audit verify --bundle says BROKEN" "$I" audit verify --home "$C" --bundle "$C/bundle"
expect_out "BROKEN at entry $((n - 2)): .*entries $((n - 2)) to $n are missing.*signed in bundle $C/bundle/audit-head.cose, publish 1 of " "... naming the missing entries and the bundle"
publish_refused "3 rows deleted, audit.head rewritten" \
	"signed in bundle $C/bundle/audit-head.cose.*nothing published"

copy headbad
echo "garbage" >"$C/audit.head"
expect_exit 1 "a malformed audit.head: audit verify fails" "$I" audit verify --home "$C"
expect_err "audit.head: audit head 'garbage'" "... naming the file"

# A registry that grew after the publish still verifies.
copy grown
card=$(awk -F'\t' 'NR == 1 { gsub(/ /, "", $1); print $1 }' "$T/lines")
TCARD_PASSPHRASE=$(awk -F'\t' '$1 == "demo-approver-1" { print $4 }' "$C/demo-operators.txt") \
	expect_exit 0 "a change after the publish" "$I" suspend "$card" --reason 'employer inquiry' --as demo-approver-1 --home "$C"
expect_exit 0 "the grown log verifies against the recorded head" "$I" audit verify --home "$C"
expect_exit 0 "publish again" "$I" publish --home "$C" --out "$C/bundle"
check "the recorded head moved on" test "$(cat "$C/audit.head")" != "$head"
done_testing
