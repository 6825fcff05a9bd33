#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Printing card faces through a real cupsd (issue 17, docs/printing.md):
# the script starts cupsd as an unprivileged user (nobody when run as
# root) with its own ServerRoot, spool, logs and state on a free loopback
# port, adds a card printer whose device is a file (FileDevice Yes; the
# PPD's one filter, gziptoany, copies the document), and drives libtcard's
# CUPS calls through tests/print/print-job: a demo card's face PDF
# (tcard-issuer print) is printed and arrives at the printer unchanged
# (cmp; pdftotext finds the card number on its first page), the job's
# title names the card number only, the job reads completed; a queue that
# does not exist, a port where nothing listens, a server that never
# answers and a queue that refuses jobs (cupsreject) are errors that say
# so and where; a job to a disabled
# printer (cupsdisable -r) reads pending with the printer stopped and its
# message; a job cancelled with cancel(1) and one cancelled through the
# library read canceled and never reach the printer; a job whose printer's
# file cannot be opened reads stopped (cupsd gives the reason in its log
# only). cupsd is stopped by its pid. Made-up people only.
. "$(dirname "$0")/lib.sh"
tc_env

PJ=$TC_BUILD/tests/print/print-job
need_prog "$I" "$PJ"
I=$(demo_cli) # demo operators sign in with their TOTP code (lib.sh)
need_cmd cupsd lpadmin lpstat cupsdisable cupsenable cupsreject cupsaccept \
    cancel pdftotext python3 ps
[ -x /usr/lib/cups/filter/gziptoany ] ||
	{ echo "1..0 # SKIP gziptoany (cups-core-drivers) missing"; exit 77; }

# The demo authority and a card face to print.
H=$T/demo
"$I" demo --home "$H" >"$T/lines" 2>/dev/null || { echo "1..0 # SKIP demo failed"; exit 77; }
export TCARD_HOME=$H
P=demo-card-producer-1
export TCARD_PASSPHRASE=$(demo_pass "$H" $P)
# The first card of a main tier (sub-cards need a photo given by hand).
IFS=$'\t' read -r CARDNO _ _ NAME _ ID < <(awk -F'\t' '$3 !~ /-/' "$T/lines" | head -n 1)
CARD=${CARDNO// /}
expect_exit 0 "tcard-issuer print $CARD makes the face PDF" "$I" print "$CARD" --out "$T/face.pdf" --as $P
GROUPED=$(sed -E 's/(....)(....)(....)(....)/\1 \2 \3 \4/' <<<"$CARD")

# cupsd's own tree, outside $T (mode 0700: an unprivileged cupsd could not
# reach it), removed with it.
C=$(mktemp -d "${TMPDIR:-/tmp}/tcard-cups.XXXXXX")
trap 'tc_cleanup; rm -rf "$C"' EXIT
chmod 755 "$C"
mkdir -p "$C/spool/tmp" "$C/log" "$C/cache" "$C/state" "$C/out"
if [ "$(id -u)" -eq 0 ]; then
	need_cmd setpriv
	CU=nobody CG=$(id -gn nobody)
	AS=(setpriv --reuid="$CU" --regid="$CG" --clear-groups)
else
	CU=$(id -un) CG=$(id -gn) AS=()
fi
cat >"$C/cups-files.conf" <<EOF
User $CU
Group $CG
SystemGroup $CG
ServerRoot $C
StateDir $C/state
CacheDir $C/cache
RequestRoot $C/spool
TempDir $C/spool/tmp
AccessLog $C/log/access_log
ErrorLog $C/log/error_log
PageLog $C/log/page_log
FileDevice Yes
EOF
# start_cupsd: cupsd in the foreground on a free port, as $CU; sets PORT
# and S. A port taken between the probe and the bind: another try.
start_cupsd() {
	local try pid
	for try in 1 2 3; do
		PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		S=127.0.0.1:$PORT
		cat >"$C/cupsd.conf" <<EOF
LogLevel info
Listen $S
Listen $C/cups.sock
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow 127.0.0.1
  </Limit>
</Policy>
EOF
		[ "$(id -u)" -eq 0 ] && chown -R "$CU:$CG" "$C"
		"${AS[@]}" cupsd -f -c "$C/cupsd.conf" -s "$C/cups-files.conf" \
		    >"$C/log/stdout" 2>&1 &
		pid=$!
		for _ in $(seq 50); do
			if lpstat -h "$S" -r 2>/dev/null | grep -q 'is running'; then
				tc_daemon "$pid"; CUPSD=$pid; return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	done
	return 1
}
if ! start_cupsd; then
	sed 's/^/# /' "$C/log/stdout" "$C/log/error_log" 2>/dev/null | tail -n 20
	echo "1..0 # SKIP cupsd did not start"; exit 77
fi
ok "cupsd runs as $CU on $S with its own ServerRoot"
check "cupsd is not root" test "$(ps -o user= -p "$CUPSD" | tr -d ' ')" != root

PPD=$TC_TOP/tests/print/file-card-printer.ppd
OUT=$C/out/card.pdf
: >"$OUT"
[ "$(id -u)" -eq 0 ] && chown "$CU:$CG" "$OUT"
expect_exit 0 "lpadmin adds the card printer (a file: device)" \
    lpadmin -h "$S" -p card -v "file://$OUT" -P "$PPD" -E

# wait_state JOB STATE [SECONDS [QUEUE]]: polls the job's status into
# $T/st until it reads STATE.
wait_state() {
	local i
	for i in $(seq $((${3:-20} * 5))); do
		"$PJ" status "$S" "${4:-card}" "$1" >"$T/st" 2>&1 && grep -qx "state=$2" "$T/st" && return 0
		sleep 0.2
	done
	sed 's/^/# /' "$T/st"
	return 1
}

# 1. A card face, printed.
expect_exit 0 "the face PDF is sent to the queue" "$PJ" submit "$S" card "$CARD" "$T/face.pdf"
J1=$(cat "$T/out")
check "the server gives a job id ($J1)" grep -qE '^[1-9][0-9]*$' "$T/out"
check "the job completes" wait_state "$J1" completed
check "its title names the card number only: card $GROUPED" grep -qx "title=card $GROUPED" "$T/st"
check "the printer is idle and accepting" sh -c 'grep -qx printer=idle "$1" && grep -qx accepting=yes "$1"' - "$T/st"
check "the PDF arrived at the printer unchanged" cmp -s "$T/face.pdf" "$OUT"
pdftotext -f 1 -l 1 "$OUT" "$T/page1.txt" 2>/dev/null
check "the printed first page holds the card number" sh -c 'tr -d " \n" <"$1" | grep -q "$2"' - "$T/page1.txt" "$CARD"
expect_exit 0 "its status through cupsd's local socket" "$PJ" status "$C/cups.sock" card "$J1"
expect_out '^state=completed$' "reads completed too"
expect_no "$NAME" "cupsd's logs do not hold the holder's name" "$C"/log/*_log
expect_no "$ID" "nor the ID number" "$C"/log/*_log

# 2. Clear errors, with where.
expect_exit 1 "a queue the server does not have" "$PJ" submit "$S" nope "$CARD" "$T/face.pdf"
expect_err "^print-job: not-found: print job: the CUPS server $S has no queue \"nope\"" "is not-found, naming server and queue"
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_exit 1 "a server that does not answer" "$PJ" submit "127.0.0.1:$DEAD" card "$CARD" "$T/face.pdf"
expect_err "^print-job: io: cannot reach the CUPS server 127.0.0.1:$DEAD" "is io, naming the server"
# A server that takes the connection and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)' "$T/mute.port" &
tc_daemon $!
for _ in $(seq 50); do [ -s "$T/mute.port" ] && break; sleep 0.1; done
MUTE=127.0.0.1:$(cat "$T/mute.port")
expect_exit 1 "a server that never answers (timeout 1 s)" "$PJ" -t 1000 submit "$MUTE" card "$CARD" "$T/face.pdf"
expect_err "^print-job: io: print job: the connection to the CUPS server $MUTE failed: no answer in time" "is io after the timeout"
expect_exit 1 "a bad server address" "$PJ" submit "127.0.0.1:99999" card "$CARD" "$T/face.pdf"
expect_err "port 99999 is over 65535" "is refused before any connection"
expect_exit 1 "a document that is not a PDF" "$PJ" submit "$S" card "$CARD" "$T/lines"
expect_err "not a PDF" "is refused"
expect_exit 1 "a bad card number" "$PJ" submit "$S" card "${CARD%?}x" "$T/face.pdf"
expect_exit 0 "cupsreject card" cupsreject -h "$S" -r "ribbon change" card
expect_exit 1 "a queue that refuses jobs" "$PJ" submit "$S" card "$CARD" "$T/face.pdf"
expect_err "^print-job: bad-state: print job: the CUPS server $S refused it \(queue \"card\"\)" "is bad-state, with the server's words"
expect_exit 0 "cupsaccept card" cupsaccept -h "$S" card

# 3. A disabled printer holds the job, with its message.
expect_exit 0 "cupsdisable card (out of ribbon)" cupsdisable -h "$S" -r "card printer out of ribbon" card
expect_exit 0 "a job to the stopped printer is taken" "$PJ" submit "$S" card "$CARD" "$T/face.pdf"
J2=$(cat "$T/out")
sleep 1
expect_exit 0 "its status is read" "$PJ" status "$S" card "$J2"
expect_out '^state=pending$' "the job is pending"
expect_out '^printer=stopped$' "the printer is stopped"
expect_out '^printer-message=card printer out of ribbon$' "with its message"

# 4. Cancelled jobs: by cancel(1) and through the library.
expect_exit 0 "cancel -h $S $J2" cancel -h "$S" "$J2"
check "the job cancelled by cancel(1) reads canceled" wait_state "$J2" canceled
expect_exit 0 "another job" "$PJ" submit "$S" card "$CARD" "$T/face.pdf"
J3=$(cat "$T/out")
expect_exit 0 "tc_printjob_cancel cancels it" "$PJ" cancel "$S" card "$J3"
check "and it reads canceled" wait_state "$J3" canceled
expect_exit 1 "a job that has ended cannot be cancelled" "$PJ" cancel "$S" card "$J1"
expect_err "^print-job: bad-state: cancel job $J1" "bad-state"
expect_exit 1 "a job the server does not have" "$PJ" status "$S" card 99999
expect_err "^print-job: not-found: job 99999: the CUPS server $S has no job 99999" "is not-found"
cp "$OUT" "$T/out-before"
expect_exit 0 "cupsenable card" cupsenable -h "$S" card
sleep 1
check "the cancelled jobs never reached the printer" cmp -s "$T/out-before" "$OUT"

# 5. A printer that fails: its file cannot be opened.
expect_exit 0 "lpadmin adds a printer whose file is in no directory" \
    lpadmin -h "$S" -p broken -v "file://$C/none/card.pdf" -P "$PPD" -E
expect_exit 0 "a job to it is taken" "$PJ" submit "$S" broken "$CARD" "$T/face.pdf"
J4=$(cat "$T/out")
check "the failed job reads stopped" wait_state "$J4" stopped 20 broken
check "cupsd's error log gives the reason" grep -q "\\[Job $J4\\] Stopping job because the scheduler could not open the output file" "$C/log/error_log"

# 6. cupsd stops by its pid.
kill "$CUPSD"
check "cupsd exits on SIGTERM" sh -c 'for i in $(seq 50); do kill -0 "$1" 2>/dev/null || exit 0; sleep 0.1; done; exit 1' - "$CUPSD"
done_testing
