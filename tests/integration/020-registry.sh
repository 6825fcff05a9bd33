#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The registry through the real programs: tcard-keys init, tcard-issuer init,
# audit verify and audit list; refusals (no keys, init twice, not a
# database, a newer schema); and tampering with the audit log through the
# sqlite3 shell: an edited entry, a forged entry appended without the key,
# entries removed from the end (caught only against a recorded head).
. "$(dirname "$0")/lib.sh"
I=$TC_BIN/tcard-issuer
K=$TC_BIN/tcard-keys
H=$T/home
export TCARD_NOW=2026-03-01T08:00:00Z
unset TCARD_HOME

for p in "$I" "$K"; do
	if [ ! -x "$p" ]; then echo "1..0 # SKIP $p not built"; exit 77; fi
done
if ! command -v sqlite3 >/dev/null; then echo "1..0 # SKIP no sqlite3 shell"; exit 77; fi

# Without keys: refused, and the message says what to run.
expect_exit 3 "init without a key store fails (exit 3)" "$I" init --home "$H"
expect_err "tcard-keys init" "the error says to run tcard-keys init"
check "no registry left behind" test ! -e "$H/registry.db"

expect_exit 0 "tcard-keys init" "$K" init --home "$H"
expect_exit 3 "audit verify before init fails (exit 3)" "$I" audit verify --home "$H"
expect_err "tcard-issuer init" "the error says to run tcard-issuer init"

V=$(sed -n 's/^#define TC_REGISTRY_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$TC_TOP/include/tcard/registry.h")
expect_exit 0 "tcard-issuer init" "$I" init --home "$H"
expect_out "^registry created: .*/registry.db \(schema version $V\)$" "init says what it created"
expect_out "^audit head: 1:[0-9a-f]{64}$" "init prints the audit head"
check "registry.db is mode 0600" test "$(stat -c %a "$H/registry.db")" = 600
check "current schema version and talentcard's application id" \
	test "$(sqlite3 "$H/registry.db" 'PRAGMA user_version; PRAGMA application_id;' | tr '\n' ' ')" = "$V 1413698119 "
check "WAL mode is persistent in the file" \
	test "$(sqlite3 "$H/registry.db" 'PRAGMA journal_mode;')" = wal

expect_exit 1 "init twice is refused (exit 1)" "$I" init --home "$H"
expect_err "already exists" "the refusal says the registry exists"

# TCARD_HOME instead of --home.
TCARD_HOME=$H expect_exit 0 "audit verify with TCARD_HOME" "$I" audit verify
expect_out "^audit log OK: 1 entries, head 1 [0-9a-f]{64}$" "one entry verifies, head printed"
head=$(sed -n 's/^audit log OK: [0-9]* entries, head \([0-9]*\) \([0-9a-f]*\)$/\1:\2/p' "$T/out")

expect_exit 0 "audit verify --json" "$I" audit verify --home "$H" --json
check "json: ok, 1 entry, head seq 1" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["entries"] == 1 and d["head"]["seq"] == 1
assert len(d["head"]["mac"]) == 64 and d["first_bad"] is None' "$T/out"

expect_exit 0 "audit verify --expect-head with the recorded head" \
	"$I" audit verify --home "$H" --expect-head "$head"
expect_exit 2 "a malformed --expect-head is a usage error" \
	"$I" audit verify --home "$H" --expect-head 1:xyz
expect_exit 1 "--expect-head with another mac is refused" \
	"$I" audit verify --home "$H" --expect-head "1:$(printf '%064d' 0)"

expect_exit 0 "audit list" "$I" audit list --home "$H"
expect_out "^1  2026-03-01T08:00:00Z  system  registry.init  registry.db  \{" "the init entry, at the injected time"
expect_exit 0 "audit list --json --limit 5" "$I" audit list --home "$H" --json --limit 5
check "json list: one entry, detail parsed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["seq"] == 1 and d[0]["action"] == "registry.init"
assert d[0]["detail"]["schema_version"] == int(sys.argv[2]) and d[0]["prev"] == "0" * 64' "$T/out" "$V"
expect_exit 2 "audit list --limit 0 is a usage error" "$I" audit list --home "$H" --limit 0

# The triggers refuse edits through the normal path.
cp "$H/registry.db" "$T/pristine.db"
check "UPDATE of an audit entry is refused by the trigger" \
	bash -c '! sqlite3 "$1" "UPDATE audit SET detail = '"'"'{}'"'"' WHERE seq = 1" 2>"$2"' _ "$H/registry.db" "$T/sqlerr"
check "the trigger says append-only" grep -q "append-only" "$T/sqlerr"

# A forged second entry by someone without the key: prev links correctly,
# the mac is a plain hash (the sqlite3 shell's sha3).
sqlite3 "$H/registry.db" "INSERT INTO audit (seq, at, operator, action, subject, detail, prev, mac)
	SELECT 2, 1772352000, 'mallory', 'card.issue', '4401000000000017', '{}', mac,
	       sha3(mac || 'card.issue', 256) FROM audit WHERE seq = 1;"
expect_exit 1 "a forged entry is detected (exit 1)" "$I" audit verify --home "$H"
expect_out "^audit log BROKEN at entry 2: its mac does not verify" "the forged entry is named"

# An edited entry, after dropping the triggers.
cp "$T/pristine.db" "$H/registry.db"
sqlite3 "$H/registry.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
	UPDATE audit SET operator = 'someone-else' WHERE seq = 1;"
expect_exit 1 "an edited entry is detected (exit 1)" "$I" audit verify --home "$H"
expect_out "^audit log BROKEN at entry 1: its mac does not verify: the entry was altered" "the edited entry is named"
expect_exit 1 "audit verify --json on a broken log" "$I" audit verify --home "$H" --json
check "json: not ok, first_bad 1, a reason" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False and d["first_bad"] == 1 and "altered" in d["reason"]
assert d["entries"] == 0' "$T/out"

# Entries removed from the end: an emptied log never verifies (init writes
# entry 1); a shorter one is caught against the recorded head (026 tests
# the head publish records).
cp "$T/pristine.db" "$H/registry.db"
sqlite3 "$H/registry.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit;"
expect_exit 1 "an emptied log does not verify, even on its own" "$I" audit verify --home "$H"
expect_out "^audit log BROKEN at entry 1: the log is empty" "it says the log is empty"
expect_exit 1 "against the recorded head the removal is detected" \
	"$I" audit verify --home "$H" --expect-head "$head"
expect_out "^audit log BROKEN at entry 1: the log ends at entry 0 but the recorded head is entry 1" "the report names the missing entry"

# Files that are not a registry of this program.
cp "$T/pristine.db" "$H/registry.db"
sqlite3 "$H/registry.db" "PRAGMA user_version = 99;"
expect_exit 3 "a newer schema is refused (exit 3)" "$I" audit verify --home "$H"
expect_err "schema version 99; this program knows versions up to $V" "the message has both versions"
printf 'not a database at all\n%.0s' $(seq 50) >"$H/registry.db"
expect_exit 3 "a file that is not a database is refused (exit 3)" "$I" audit verify --home "$H"
expect_err "not an SQLite database" "the message says it is not a database"
check "the refused file is left as it was" test "$(wc -l <"$H/registry.db")" -eq 50

# With the registry gone, init makes a new one.
rm -f "$H/registry.db"
expect_exit 0 "init again after removing the registry" "$I" init --home "$H"
expect_exit 0 "the new registry verifies" "$I" audit verify --home "$H"

for c in "init" "audit verify" "audit list"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" "$I" $c --help
	expect_out "^SYNOPSIS" "$c --help has SYNOPSIS"
	expect_out "^EXIT STATUS" "$c --help has EXIT STATUS"
done
done_testing
