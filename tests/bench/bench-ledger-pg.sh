#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-ledger on PostgreSQL: a server made by initdb (as nobody when run
# as root, on a free loopback port, fsync and synchronous_commit on, as in
# production) in a folder of its own, the same measures as bench-ledger on
# a file (QR verifications as the reference in the same run; redeems on one
# connection, two, and 64 threads with group commit, with p99), then the
# server stopped by pid. The server runs on this machine: its figures are
# a loopback database's, not a network's.
. "$(dirname "$0")/daemon-lib.sh"
bench_need bench-ledger-pg python3 -- "$build/tests/bench/bench-ledger"
T=$(mktemp -d "${TMPDIR:-/tmp}/tc-bench-pg.XXXXXX")
# pg-lib.sh uses lib.sh's tc_daemon and need_cmd.
_tc_pids=()
tc_daemon() { _tc_pids+=("$1"); }
tc_cleanup() {
	local p
	for p in "${_tc_pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${_tc_pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
need_cmd() { for c; do command -v "$c" >/dev/null || { echo "bench-ledger-pg: skipped: $c missing"; exit 0; }; done; }
. "$top/tests/integration/pg-lib.sh"
if ! start_pg >"$T/start.log" 2>&1; then
	echo "bench-ledger-pg: skipped: the PostgreSQL server did not start"
	sed 's/^/# /' "$T/start.log" | tail -n 5
	exit 0
fi
pg_createdb bench
"$build/tests/bench/bench-ledger" "$(pg_url bench)"
