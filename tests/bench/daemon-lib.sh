# SPDX-License-Identifier: MIT
# What the daemon benchmarks (bench-issuerd.sh, bench-verifierd.sh) share:
# sourced by them, never run on its own (scripts/run-bench runs only
# tests/bench/bench-*.sh). Sets top, build (from the script's first
# argument, else build/, made absolute) and bin.
#
#   bench_need NAME CMD... -- FILE...  exits 0 ("NAME: skipped: ...") unless
#                                      every command is found and every
#                                      file is executable
#   bench_wait_port LOG                waits up to 30 s for the daemon $pid
#                                      to write $T/port (else fail with
#                                      LOG); sets url
#   bench_lua_report                   prints the Lua done() that prints
#                                      the RESULT line (run() reads it)
#   bench_lua_tail                     prints a request() that hands out
#                                      the requests of the table reqs in
#                                      turn (k counts them), then the same
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin

bench_need() {
	local name=$1 c
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		command -v "$1" >/dev/null || { echo "$name: skipped: $1 missing"; exit 0; }
		shift
	done
	shift
	for c in "$@"; do
		[ -x "$c" ] || { echo "$name: skipped: $c not built"; exit 0; }
	done
}

bench_wait_port() {
	for _ in $(seq 600); do
		[ -s "$T/port" ] && break
		kill -0 "$pid" 2>/dev/null || fail "the daemon did not start: $(cat "$1")"
		sleep 0.05
	done
	[ -s "$T/port" ] || fail "the daemon did not start in 30 s"
	url=http://127.0.0.1:$(cat "$T/port")
}

bench_lua_report() {
	cat <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, summary.requests))
end
EOF
}

bench_lua_tail() {
	cat <<'EOF'
request = function()
  k = k % #reqs + 1
  return reqs[k]
end
EOF
	bench_lua_report
}
