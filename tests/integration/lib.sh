# SPDX-License-Identifier: MIT
# Helpers for the integration scripts: TAP output, expectations on exit
# status and output, a scratch directory removed on exit (and the daemons
# a script started stopped first).
# Usage: . "$(dirname "$0")/lib.sh"
set -u
TC_TOP=${TC_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TC_BUILD=${TC_BUILD:-$TC_TOP/build}
# The test build of the programs: only it takes TCARD_NOW (make tests).
TC_BIN=${TC_BIN:-$TC_BUILD/test-bin}
T=$(mktemp -d "${TMPDIR:-/tmp}/tcard-it.XXXXXX")
# Daemons the script started: tc_daemon PID records one, and tc_cleanup
# (the exit trap) stops them by pid, waits for them, then removes $T.
_tc_pids=()
tc_daemon() { _tc_pids+=("$1"); }
tc_cleanup() {
	local p
	for p in "${_tc_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_tc_pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap tc_cleanup EXIT
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
# check DESC CMD...: passes when CMD exits 0.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# expect_exit STATUS DESC CMD...: runs CMD (output in $T/out, $T/err) and
# passes when its exit status is STATUS.
expect_exit() {
	local want=$1 d=$2 got; shift 2
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$d"
	else not_ok "$d (exit $got, wanted $want)"; sed 's/^/# out: /' "$T/out"; sed 's/^/# err: /' "$T/err"; fi
}
# expect_out PATTERN DESC: the last command's stdout matches the ERE.
expect_out() {
	if grep -qE -- "$1" "$T/out"; then ok "$2"
	else not_ok "$2 (no /$1/ in output)"; sed 's/^/# out: /' "$T/out"; fi
}
expect_err() {
	if grep -qE -- "$1" "$T/err"; then ok "$2"
	else not_ok "$2 (no /$1/ in stderr)"; sed 's/^/# err: /' "$T/err"; fi
}
# expect_no PATTERN DESC FILE...: no file contains the fixed string.
expect_no() {
	local p=$1 d=$2; shift 2
	if grep -qaF -- "$p" "$@" 2>/dev/null; then not_ok "$d"; else ok "$d"; fi
}
# tc_env [NOW]: I, K and V, the test build's tcard-issuer, tcard-keys and
# tcard-verify, and the environment of a script on a demo authority: the
# clock at NOW (2026-11-21T04:00:00Z by default), a fast scrypt, none of
# the caller's passphrase or home.
tc_env() {
	I=$TC_BIN/tcard-issuer K=$TC_BIN/tcard-keys V=$TC_BIN/tcard-verify
	export TCARD_NOW=${1:-2026-11-21T04:00:00Z} TCARD_SCRYPT_LN=10
	unset TCARD_PASSPHRASE TCARD_HOME
}
# demo_pass HOME NAME, demo_secret HOME NAME: a demo operator's passphrase
# and TOTP secret from HOME/demo-operators.txt (columns name, roles,
# organisation, passphrase, totp); demo_otp HOME NAME: its TOTP code at
# $TCARD_NOW (or now).
demo_pass() { awk -F'\t' -v n="$2" '$1 == n { print $4 }' "$1/demo-operators.txt"; }
demo_secret() { awk -F'\t' -v n="$2" '$1 == n { print $5 }' "$1/demo-operators.txt"; }
demo_otp() { python3 "$TC_TOP/tests/integration/totp.py" "$(demo_secret "$1" "$2")"; }
# demo_cli: prints the path of a tcard-issuer (a wrapper in $T) that gives a
# demo operator acting with --as its TOTP code at the command's clock when
# $TCARD_OTP is not set (tests/integration/otp-as.sh): for scripts that run
# many commands as demo operators, set as I=$(demo_cli).
demo_cli() {
	local w=$T/demo-cli/tcard-issuer
	if [ ! -x "$w" ]; then
		mkdir -p "$T/demo-cli"
		printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' \
			"$TC_TOP/tests/integration/otp-as.sh" "$TC_BIN/tcard-issuer" >"$w"
		chmod +x "$w"
	fi
	echo "$w"
}
# need_prog PROG...: skips the script (exit 77) unless every PROG is built.
need_prog() {
	local p
	for p; do
		if [ ! -x "$p" ]; then echo "1..0 # SKIP $p not built"; exit 77; fi
	done
}
# need_cmd CMD...: skips the script (exit 77) unless every CMD is on PATH.
need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null || { echo "1..0 # SKIP $c missing"; exit 77; }
	done
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
