#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The injected clock ($TCARD_NOW) is read only by the test build of the
# programs (BUILD/test-bin, built by `make tests`); the programs of
# BUILD/bin, which `make install` installs, take the system clock and say
# once that TCARD_NOW is ignored. An injected clock in production would
# backdate audit entries and revocations and step past an operator lockout.
# Also: an audit entry is never earlier than the one before it.
. "$(dirname "$0")/lib.sh"
P=$TC_BUILD/bin   # production build
I=$TC_BIN/tcard-issuer
K=$TC_BIN/tcard-keys
H=$T/home
unset TCARD_HOME TCARD_NOW TCARD_PASSPHRASE

for p in "$P/tcard-issuer" "$P/tcard-keys" "$I" "$K"; do
	if [ ! -x "$p" ]; then echo "1..0 # SKIP $p not built"; exit 77; fi
done
if ! command -v sqlite3 >/dev/null; then echo "1..0 # SKIP no sqlite3 shell"; exit 77; fi
check "the suite runs another build than BUILD/bin" test "$(cd "$TC_BIN" && pwd)" != "$(cd "$P" && pwd)"

before=$(date +%s)
TCARD_NOW=2020-01-01 expect_exit 0 "production tcard-keys init with TCARD_NOW set" "$P/tcard-keys" init --home "$H"
expect_err "TCARD_NOW is ignored" "it says TCARD_NOW is ignored"
check "... once" test "$(grep -c 'TCARD_NOW is ignored' "$T/err")" -eq 1
check "the key store is dated today, not 2020" grep -q "\"created\": *\"$(date -u +%Y-%m-%d)" "$H/keys/keys.json"
TCARD_NOW=2020-01-01 expect_exit 0 "production tcard-issuer init with TCARD_NOW set" "$P/tcard-issuer" init --home "$H"
expect_err "TCARD_NOW is ignored" "it says TCARD_NOW is ignored"
at=$(sqlite3 "$H/registry.db" 'SELECT at FROM audit WHERE seq = 1')
after=$(date +%s)
check "the init audit entry has the system time ($at), not 2020" test "$at" -ge "$before" -a "$at" -le "$after"
TCARD_NOW=1577836800 expect_exit 0 "production id-check with TCARD_NOW in epoch seconds" \
	"$P/tcard-issuer" id-check resident 110105199003071239
expect_err "TCARD_NOW is ignored" "it says so for epoch seconds too"
TCARD_NOW=not-a-date expect_exit 0 "production: an invalid TCARD_NOW is no usage error, only ignored" \
	"$P/tcard-issuer" id-check resident 110105199003071239
expect_err "TCARD_NOW is ignored" "... and reported as ignored"
expect_exit 0 "production --version says nothing of a test build" "$P/tcard-issuer" --version
expect_no "test build" "no test-build mark in the production version" "$T/out"
expect_exit 0 "test build --version says it is one" "$I" --version
expect_out "test build" "the test build says so"

# The test build honours it, and audit time never goes backwards.
H2=$T/home2
TCARD_NOW=2026-03-01T08:00:00Z expect_exit 0 "test build: tcard-keys init at 2026-03-01" "$K" init --home "$H2"
TCARD_NOW=2026-03-01T08:00:00Z expect_exit 0 "test build: init at 2026-03-01" "$I" init --home "$H2"
check "the audit entry carries the injected time" \
	test "$(sqlite3 "$H2/registry.db" 'SELECT at FROM audit WHERE seq = 1')" = "$(date -u -d 2026-03-01T08:00:00Z +%s)"
export TCARD_SCRYPT_LN=10 NP=correct-horse-battery-1
TCARD_NOW=2026-02-01T08:00:00Z expect_exit 0 "test build: a change with a clock a month behind the log" \
	"$I" operator add admin-1 --role admin --home "$H2" --passphrase-env NP
check "its audit entry keeps the last entry's time" \
	test "$(sqlite3 "$H2/registry.db" 'SELECT at FROM audit WHERE seq = 2')" = "$(date -u -d 2026-03-01T08:00:00Z +%s)"
d=$(sqlite3 "$H2/registry.db" 'SELECT detail FROM audit WHERE seq = 2')
check "... and says how far behind the clock was" grep -q '"clock_behind_s":2419200' <<<"$d"
expect_exit 0 "audit verify: OK" "$I" audit verify --home "$H2"
done_testing
