# SPDX-License-Identifier: MIT
# A private PC/SC stack for the tests and the demo: pcscd with the vsmartcard
# vpcd driver (two virtual readers) and tcard-vcard card emulators. Source it
# after lib.sh (it uses $T and $TC_BIN), then:
#   pcsc_start                   start pcscd (exits 77 when it cannot run here);
#                                its readers are named "$PCSC_NAME 00 00" and
#                                "$PCSC_NAME 00 01" (default "Virtual PCD")
#   vcard_start SLOT STATE ARGS  insert an emulated card in reader SLOT (0 or 1)
#   vcard_pull SLOT              remove it (stop the emulator) and wait until
#                                pcscd noticed
#   vcard_wait_gone SLOT         wait until a card that ended itself is gone
# pcsc_stop runs on exit and stops only what this script started, by pid.
# pcscd's socket /run/pcscd/pcscd.comm is fixed, so one pcscd per machine:
# a lock file serialises the test runs of several build directories, and a
# pcscd this script did not start is never touched (the script skips).
# Facts behind the choices: ../shared/PCSC-TESTING.md, docs/card-pcsc.md.

PCSC_LOCK=${PCSC_LOCK:-/run/lock/tcard-pcsc-tests.lock}
PCSC_NAME=${PCSC_NAME:-Virtual PCD}
PCSC_READER0="$PCSC_NAME 00 00"
PCSC_READER1="$PCSC_NAME 00 01"
PCSCD_PID=
VCARD_PID0=
VCARD_PID1=
VPCD_PORT=

pcsc_skip() {
	echo "# skipped: $*"
	echo "1..0 # SKIP $*"
	exit 77
}

# Is TCP port $1 free on this machine: no socket at all with that local
# port? vpcd binds without SO_REUSEADDR, so even a connection in TIME_WAIT
# that happens to have the port as its local end makes pcscd fail with
# "Address already in use".
port_free() {
	! grep -qiE "^ *[0-9]+: [0-9A-F]+:$(printf '%04X' "$1") " \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

pcsc_stop() {
	local p
	for p in $VCARD_PID0 $VCARD_PID1; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	VCARD_PID0= VCARD_PID1=
	if [ -n "$PCSCD_PID" ]; then
		kill "$PCSCD_PID" 2>/dev/null && wait "$PCSCD_PID" 2>/dev/null
		PCSCD_PID=
	fi
}

pcsc_start() {
	local driver=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
	[ "$(id -u)" -eq 0 ] || pcsc_skip "pcscd needs root here (run the tests as root)"
	command -v pcscd >/dev/null || pcsc_skip "pcscd is not installed (scripts/install-deps)"
	[ -f "$driver" ] || pcsc_skip "vsmartcard-vpcd is not installed (scripts/install-deps)"
	[ -x "$TC_BIN/tcard-vcard" ] || pcsc_skip "tcard-vcard is not built"
	command -v flock >/dev/null || pcsc_skip "flock (util-linux) is missing"
	[ -n "$PCSCD_PID" ] && return 0
	PCSC_READER0="$PCSC_NAME 00 00" PCSC_READER1="$PCSC_NAME 00 01"
	if [ -z "${PCSC_LOCKED:-}" ]; then
		mkdir -p "$(dirname "$PCSC_LOCK")"
		exec 9>"$PCSC_LOCK"
		flock -w 600 9 || pcsc_skip "another PC/SC test kept $PCSC_LOCK for 10 minutes"
		PCSC_LOCKED=1
	fi
	if pidof pcscd >/dev/null 2>&1; then
		pcsc_skip "a pcscd this script did not start is running (pid $(pidof pcscd)); stop it first (systemctl stop pcscd.socket pcscd.service)"
	fi
	# Not vpcd's usual 35963: that lies in Linux's ephemeral range
	# (32768-60999), where any client connection of the suite (curl,
	# wrk, Chromium) may hold it for a minute of TIME_WAIT. Below the
	# range, a few candidates.
	for VPCD_PORT in 29563 29573 29583 29593 ""; do
		[ -n "$VPCD_PORT" ] || pcsc_skip "ports 29563-29594 are all taken by other programs"
		port_free $VPCD_PORT && port_free $((VPCD_PORT + 1)) && break
	done
	mkdir -p "$T/pcsc-conf"
	cat >"$T/pcsc-conf/vpcd" <<-EOF
		FRIENDLYNAME "$PCSC_NAME"
		DEVICENAME   /dev/null:$VPCD_PORT
		LIBPATH      $driver
	EOF
	trap 'pcsc_stop; rm -rf "$T"' EXIT
	pcscd -f -a -c "$T/pcsc-conf" >"$T/pcscd.log" 2>&1 &
	PCSCD_PID=$!
	# Ready when pcscd lists both readers (it polls; no fixed sleep).
	if ! timeout 20 "$TC_BIN/tcard-vcard" --wait-reader "$PCSC_READER1" --absent --timeout 15 2>"$T/wait.err"; then
		sed 's/^/# pcscd: /' "$T/pcscd.log" | tail -n 20
		sed 's/^/# wait: /' "$T/wait.err"
		echo "not ok - pcscd with vpcd did not come up"
		exit 1
	fi
}

# vcard_start SLOT STATE [tcard-vcard options...]: the card is in the reader
# when it returns (or the test fails).
vcard_start() {
	local slot=$1 state=$2 reader pid
	shift 2
	reader=$PCSC_READER0
	[ "$slot" -eq 1 ] && reader=$PCSC_READER1
	"$TC_BIN/tcard-vcard" --state "$state" --port $((VPCD_PORT + slot)) \
		--connect-timeout 10 "$@" 2>>"$T/vcard$slot.log" &
	pid=$!
	if [ "$slot" -eq 1 ]; then VCARD_PID1=$pid; else VCARD_PID0=$pid; fi
	if ! timeout 20 "$TC_BIN/tcard-vcard" --wait-reader "$reader" --timeout 15 2>"$T/wait.err"; then
		sed 's/^/# wait: /' "$T/wait.err"
		sed 's/^/# vcard: /' "$T/vcard$slot.log" | tail -n 5
		return 1
	fi
}

# vcard_wait_gone SLOT: the emulator of SLOT ended (a fault, or vcard_pull):
# reap it and wait until pcscd reports the reader empty.
vcard_wait_gone() {
	local slot=$1 pid reader=$PCSC_READER0
	[ "$slot" -eq 1 ] && reader=$PCSC_READER1
	if [ "$slot" -eq 1 ]; then pid=$VCARD_PID1; VCARD_PID1=; else pid=$VCARD_PID0; VCARD_PID0=; fi
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	timeout 20 "$TC_BIN/tcard-vcard" --wait-reader "$reader" --absent --timeout 15 2>/dev/null
}

vcard_pull() {
	local slot=$1 pid
	if [ "$slot" -eq 1 ]; then pid=$VCARD_PID1; else pid=$VCARD_PID0; fi
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	vcard_wait_gone "$slot"
}

# A demo authority for the card tests: sets H (home), I, K, V (programs),
# R0 and R1 (the two readers), P (a card producer), PIN (the CA pin),
# trust.cose and rev0.cose (its first revocation list) in $T, and the
# helpers below.
pcsc_demo() {
	tc_env "${TCARD_NOW:-}"
	I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
	R0=$PCSC_READER0 R1=$PCSC_READER1
	H=$T/demo
	"$I" demo --home "$H" --json >"$T/cards.json" 2>"$T/demo.err" || {
		sed 's/^/# demo: /' "$T/demo.err"
		echo "not ok - tcard-issuer demo failed"
		exit 1
	}
	P=demo-card-producer-1
	"$K" export-trust --home "$H" --out "$T/trust.cose" >/dev/null
	# What a VALID tap needs: the CA pin and a current revocation list.
	PIN=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
	"$I" revocations --home "$H" --out "$T/rev0.cose" >/dev/null 2>&1
}
# jget KEY.PATH: a field of the JSON in $T/out (booleans as true/false).
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(str(d).lower() if isinstance(d,bool) else d)' "$T/out" "$1" 2>/dev/null; }
# pass NAME: the demo passphrase of operator NAME.
pass() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$H/demo-operators.txt"; }
# card PROGRAMME [N]: the N-th (default 1st) demo card of a programme.
card() {
	python3 -c 'import json,sys
cs=[c["card"] for c in json.load(open(sys.argv[1])) if c["programme"]==sys.argv[2]]
print(cs[int(sys.argv[3])-1])' "$T/cards.json" "$1" "${2:-1}"
}
# fresh CARD: a new card number for the same holder (reissue, damaged).
fresh() {
	TCARD_PASSPHRASE=$(pass demo-card-issuer-1) "$I" reissue "$1" --reason damaged \
		--as demo-card-issuer-1 --home "$H" --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["new_card"])'
}
# perso CARD READER [options]: personalise as the card producer.
perso() {
	local c=$1 r=$2
	shift 2
	TCARD_PASSPHRASE=$(pass $P) timeout 60 "$I" personalise "$c" --reader "$r" \
		--as $P --home "$H" "$@"
}
# tap READER [options]: tap verification against the demo's trust list,
# pinned, with its first revocation list (a later --revocations wins).
tap() {
	local r=$1
	shift
	timeout 60 "$V" --trust "$T/trust.cose" --ca-pin "$PIN" \
		--revocations "$T/rev0.cose" --reader "$r" "$@"
}
