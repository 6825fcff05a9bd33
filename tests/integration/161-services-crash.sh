#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Crash test of the usage ledger: 10,000 redeems from 8 concurrent clients
# against a real tcard-verifierd that is killed with SIGKILL at 10 random
# moments of the run and started again on the same SQLite ledger; answers
# lost to a kill are sent again with the same request id. Afterwards no
# acknowledged use is missing, none is counted twice or without an
# acknowledgement, the gym quota (2 a month) was reached and never passed,
# and PRAGMA integrity_check is ok (tests/integration/crash-redeem.py).
# TC_CRASH_N and TC_CRASH_SEED change the size and the random seed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
export TCARD_NOW=2026-11-20T04:00:00Z
vd_demo "demo authority and bundle" "$T/b"
for n in 1 2 3 5 11; do
	c=$(card_field $n 1)
	as_role card-producer qr "$c" --out - >"$T/qr-$n" 2>"$T/qr.err" ||
		cat "$T/qr.err"
done
check "e-cards of five cards" test -s "$T/qr-11"
TOK=crash-window-token-0123456789abcdefghijkl
printf 'crash-desk %s\n' "$TOK" >"$T/tokens"
chmod 600 "$T/tokens"
# Mostly unlimited services (each use recorded); a few gym visits of two
# cards (2 a month) and the free health check (1 a year).
cat >"$T/plan" <<EOT
medical $T/qr-1 30 0
medical $T/qr-2 30 0
medical $T/qr-5 30 0
residence-permit $T/qr-11 30 0
culture-sports.gym $T/qr-2 1 2
culture-sports.gym $T/qr-3 1 2
health-check $T/qr-1 1 1
EOT
python3 "$(dirname "$0")/crash-redeem.py" --daemon "$VD" --bundle "$T/b" \
	--ledger "$T/ledger.db" --tokens "$T/tokens" --token "$TOK" --work "$T" \
	--plan "$T/plan" --n "${TC_CRASH_N:-10000}" --clients 8 --kills 10 \
	${TC_CRASH_SEED:+--seed "$TC_CRASH_SEED"} --first $((_n + 1)) >"$T/crash.out" 2>&1
status=$?
cat "$T/crash.out"
_n=$((_n + $(grep -cE '^(ok|not ok) ' "$T/crash.out")))
_failed=$((_failed + $(grep -cE '^not ok ' "$T/crash.out")))
check "the crash driver ran to the end" test "$status" = 0
done_testing
