#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of physical cards over real PC/SC, run by scripts/run-bench
# (make bench): a private pcscd with the vpcd reader and tcard-vcard, a
# demo authority, then per profile (tcard, PIV) PERSO_N personalisations
# (each on a blank chip, each a fresh card number) and TAP_N tap
# verifications, and, on the same PIV card in the same run, OpenSC reading
# its certificate (pkcs15-tool --read-certificate 04) as the reference.
# Reports APDUs (counted by the emulator) and milliseconds: the card part
# as the programs measure it, and the whole command as a person waits for
# it (process start, registry, key store, passphrase check included).
# Goals: a tap in at most 4 APDUs, a personalisation in at most 40. Needs
# root and the PC/SC packages; skips (exit 0) otherwise. Never fails on
# speed. Usage: tests/bench/bench-pcsc.sh BUILD_DIR
#   PERSO_N (10), TAP_N (30), OPENSC_N (10)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
# The test build of the programs: pcsc-env.sh dates the demo with TCARD_NOW.
export TC_BIN=$build/test-bin TC_TOP=$top
perso_n=${PERSO_N:-10}
tap_n=${TAP_N:-30}
opensc_n=${OPENSC_N:-10}

skip() { echo "bench-pcsc: skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "pcscd needs root"
for c in pcscd pkcs15-tool python3 flock; do
	command -v $c >/dev/null || skip "$c missing"
done
[ -x "$TC_BIN/tcard-vcard" ] || skip "tcard-vcard not built"
[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || skip "vsmartcard-vpcd missing"
pidof pcscd >/dev/null 2>&1 && skip "a pcscd this script did not start is running"

. "$top/tests/integration/lib.sh" >/dev/null
. "$top/tests/integration/pcsc-env.sh"
pcsc_skip() { skip "$*"; }
pcsc_start >/dev/null
pcsc_demo

now_ms() { date +%s%3N; }
# apdus SLOT: APDUs the emulator of SLOT has answered so far.
apdus() { grep -c '^tcard-vcard: #' "$T/vcard$1.log"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
jfield() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

rows=()
row() { rows+=("$(printf '%-6s %-44s %6s %10s %12s' "$@")"); }

bench_profile() {
	local profile=$1 slot=$2 base=$3 reader c i a0 t0 t1 out
	local pa=() pm=() pw=() ta=() tm=() tw=()
	reader=$PCSC_READER0
	[ "$slot" -eq 1 ] && reader=$PCSC_READER1
	c=$base
	for i in $(seq 1 "$perso_n"); do
		c=$(fresh "$c")
		vcard_start "$slot" "$T/$profile-$i.json" --profile "$profile" --verbose || exit 1
		a0=$(apdus "$slot")
		t0=$(now_ms)
		out=$(perso "$c" "$reader" --json 2>/dev/null) || { echo "bench-pcsc: personalise failed" >&2; exit 1; }
		t1=$(now_ms)
		pa+=($(($(apdus "$slot") - a0)))
		pm+=("$(echo "$out" | jfield ms)")
		pw+=($((t1 - t0)))
		[ "$i" -lt "$perso_n" ] && vcard_pull "$slot"
	done
	for i in $(seq 1 "$tap_n"); do
		a0=$(apdus "$slot")
		t0=$(now_ms)
		out=$(tap "$reader" --json 2>/dev/null) || { echo "bench-pcsc: tap failed" >&2; exit 1; }
		t1=$(now_ms)
		ta+=($(($(apdus "$slot") - a0)))
		tm+=("$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chip"]["ms"])')")
		tw+=($((t1 - t0)))
	done
	row "$profile" "personalisation (median of $perso_n)" \
	    "$(printf '%s\n' "${pa[@]}" | median)" "$(printf '%s\n' "${pm[@]}" | median)" \
	    "$(printf '%s\n' "${pw[@]}" | median)"
	row "$profile" "tap verification (median of $tap_n)" \
	    "$(printf '%s\n' "${ta[@]}" | median)" "$(printf '%s\n' "${tm[@]}" | median)" \
	    "$(printf '%s\n' "${tw[@]}" | median)"
	TAP_WALL=$(printf '%s\n' "${tw[@]}" | median)
}

bench_profile tcard 0 "$(card baiyun-yunju)"
bench_profile piv 1 "$(card guangzhou-green)"
# The reference: OpenSC reading the certificate of the PIV card just
# personalised, which is still in reader 1.
oa=() ow=()
for i in $(seq 1 "$opensc_n"); do
	a0=$(apdus 1)
	t0=$(now_ms)
	OPENSC_CONF=/dev/null pkcs15-tool -r 1 --read-certificate 04 >/dev/null 2>&1 ||
		{ echo "bench-pcsc: pkcs15-tool failed" >&2; exit 1; }
	t1=$(now_ms)
	oa+=($(($(apdus 1) - a0)))
	ow+=($((t1 - t0)))
done
OW=$(printf '%s\n' "${ow[@]}" | median)
row piv "OpenSC pkcs15-tool --read-certificate 04 (ref.)" \
    "$(printf '%s\n' "${oa[@]}" | median)" "-" "$OW"

echo "machine: $(nproc) cores, $(uname -sr); pcsc-lite $(pcscd --version 2>/dev/null | sed -n '1s/.*version \([0-9.]*[0-9]\).*/\1/p'), OpenSC $(dpkg-query -W -f='${Version}' opensc 2>/dev/null)"
printf '%-6s %-44s %6s %10s %12s\n' profile operation APDUs "card ms" "command ms"
printf '%s\n' "${rows[@]}"
echo "goals: tap <= 4 APDUs, personalisation <= 40 APDUs (APDUs as the emulator counts them, GET RESPONSE included)"
python3 -c 'import sys; t, o = float(sys.argv[1]), float(sys.argv[2]); print("ratio: PIV tap verification / OpenSC certificate read (command ms) = %.2f" % (t / o))' "$TAP_WALL" "$OW"
