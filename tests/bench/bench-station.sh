#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of a make at a branch station, run by scripts/run-bench (make
# bench): the whole personalisation of a blank emulated tcard driven by
# tcard-issuerd over TLS through tcard-station and real pcscd with vpcd,
# from the producer's make to the job's done, at 0 ms and at 50 ms
# round-trip time (tests/integration/delay-proxy.py, 25 ms each way,
# between station and office). Reports per RTT the median wall time and
# round trips of BENCH_N makes (each a fresh blank chip and card), and the
# ratio of the two medians. The job is polled every 20 ms (the figures
# include up to that). Needs root, the PC/SC packages and the office's
# station routes; skips (exit 0) otherwise. Never fails on speed.
# Usage: tests/bench/bench-station.sh BUILD_DIR   (BENCH_N, default 3)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export TC_BIN=$build/test-bin TC_TOP=$top TC_BUILD=$build
n=${BENCH_N:-3}

skip() { echo "bench-station: skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "pcscd needs root"
for c in pcscd python3 flock curl openssl sqlite3; do
	command -v $c >/dev/null || skip "$c missing"
done
for p in tcard-vcard tcard-station tcard-issuerd tcard-issuerd-web tcard-keys; do
	[ -x "$TC_BIN/$p" ] || skip "$p not built"
done
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || skip "vsmartcard-vpcd missing"
pidof pcscd >/dev/null 2>&1 && skip "a pcscd this script did not start is running"

. "$top/tests/integration/lib.sh" >/dev/null
. "$top/tests/integration/issuerd-lib.sh"
. "$top/tests/integration/pcsc-env.sh"
pcsc_skip() { skip "$*"; }
. "$top/tests/integration/station-lib.sh"
st_env >/dev/null
S1=BENCH-01
st_office $((2 * n)) $S1 >/dev/null 2>&1 || skip "the office did not start"
python3 "$top/tests/integration/delay-proxy.py" "$(cat "$T/id.port")" 25 "$T/proxy.port" 2>/dev/null &
tc_daemon $!
for _ in $(seq 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
[ -s "$T/proxy.port" ] || skip "the delaying proxy did not start"
export JOB_POLL=0.02

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A MED RTS
k=0
for rtt in 0 50; do
	office=$URL
	[ $rtt = 50 ] && office=https://127.0.0.1:$(cat "$T/proxy.port")
	ms=() rts=()
	for i in $(seq "$n"); do
		k=$((k + 1))
		vcard_start 0 "$T/b$k.json" --profile tcard || skip "no card"
		st_start $S1 "$office" >/dev/null || skip "the station did not start"
		t0=$(date +%s%N)
		if ! make_card "${SERIALS[$k]}" $S1 >/dev/null || ! job_wait "$JOB" done 120 >/dev/null; then
			st_stop $S1; vcard_pull 0
			skip "the make did not complete (the office's station routes: $(head -c 200 "$T/body"))"
		fi
		t1=$(date +%s%N)
		ms+=($(((t1 - t0) / 1000000)))
		rts+=("$(jobf round_trips)")
		st_stop $S1
		vcard_pull 0
	done
	MED[$rtt]=$(printf '%s\n' "${ms[@]}" | median)
	RTS[$rtt]=$(printf '%s\n' "${rts[@]}" | median)
	printf 'tcard make at %2d ms RTT: median %6s ms, %s round trips (runs: %s ms)\n' \
		$rtt "${MED[$rtt]}" "${RTS[$rtt]}" "${ms[*]}"
done
python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print("ratio 50 ms / 0 ms RTT: %.2f (%.0f ms more, %.1f RTTs)" % (b / a, b - a, (b - a) / 50))' \
	"${MED[0]}" "${MED[50]}"
