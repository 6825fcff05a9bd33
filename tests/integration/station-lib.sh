# SPDX-License-Identifier: MIT
# Helpers for the station scripts (193-195, tests/bench/bench-station.sh),
# after lib.sh, issuerd-lib.sh and pcsc-env.sh: a branch with cards in its
# production queue, tcard-issuerd over TLS (a server certificate of a test
# CA for 127.0.0.1), station certificates from tcard-keys station-cert,
# a real unprivileged cupsd with a file printer (as 192), tcard-station
# processes started and stopped by pid, and the operator's make.
#   st_env                     skips unless everything needed is here
#   st_office N                id_demo, N green-card applications approved
#                              (SERIALS[i], CARDS[i], IDNS[i]), station
#                              certificates made first (st_cert), then
#                              tcard-issuerd with TLS: URL (https), OFFICE_CA
#   st_cert NAME               DIR $T/st-NAME with station.crt and .key
#   st_cupsd                   cupsd and a printer "card" printing to $PRINTED
#   st_start NAME [OFFICE] [LINES]  starts tcard-station NAME (its settings
#                              $T/st-NAME/station.conf, log $T/st-NAME/log)
#                              on reader 0; sets ST_PID[NAME]
#   st_stop NAME               SIGTERM, wait; ST_STATUS the exit status
#   make_card SERIAL NAME      the producer's make: JOB (201) or empty
#   job_wait JOB STATE [S]     polls GET /v1/production/jobs/JOB until state
#                              STATE (or failed), S seconds (60); $T/job
ST=$TC_BIN/tcard-station
P=demo-card-producer-1
declare -A ST_PID
SERIALS=() CARDS=() IDNS=()

st_env() {
	id_env
	need_prog "$ST" "$TC_BIN/tcard-keys" "$TC_BIN/tcard-verify" "$TC_BIN/tcard-vcard"
	need_cmd sqlite3 openssl python3 curl
	K=$TC_BIN/tcard-keys V=$TC_BIN/tcard-verify
	pcsc_start
	# pcsc_start's trap would forget the daemons of lib.sh.
	trap 'tc_cleanup; pcsc_stop; rm -rf "${CUPS_DIR:-/nonexistent}"' EXIT
}

st_cert() {
	local d=$T/st-$1
	mkdir -p "$d"
	"$K" station-cert --home "$H" --name "$1" --out "$d" >/dev/null 2>"$T/cert.err" ||
		{ sed 's/^/# station-cert: /' "$T/cert.err"; return 1; }
	chmod 755 "$d"
}

# st_office N [STATION...]: the office with N approved applications and
# the station certificates named.
st_office() {
	local n=$1 i app op
	shift
	id_demo || return 1
	for i in $(seq "$n"); do
		IDNS[$i]=$(idn_of "$i")
		app=$(green_app "Station Test $i" "${IDNS[$i]}") || return 1
		APPS[$i]=$app
	done
	for op in "$@"; do st_cert "$op" || return 1; done
	mkdir -p "$T/tls"; chmod 755 "$T" "$T/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 2>/dev/null || return 1
	chmod 600 "$T/tls/key.pem"
	OFFICE_CA=$T/tls/cert.pem
	export CURL_CA_BUNDLE=$OFFICE_CA
	start_id --tls-cert "$T/tls/cert.pem" --tls-key "$T/tls/key.pem" || return 1
	URL=https://127.0.0.1:$(cat "$T/id.port")
	for op in demo-hr-reviewer-1 demo-approver-1 demo-card-producer-1 demo-card-issuer-1; do
		login $op; TOK[$op]=$CSRF
		[ -n "$CSRF" ] || { sed 's/^/# login: /' "$T/body"; return 1; }
	done
	for i in $(seq "$n"); do
		for op in demo-hr-reviewer-1 demo-approver-1; do
			req POST "/v1/applications/${APPS[$i]}/review" "$T/$op.jar" "${TOK[$op]}" '{"action":"approve"}'
		done
		SERIALS[$i]=$(sqlite3 "$H/registry.db" "SELECT serial FROM production WHERE application = ${APPS[$i]}")
		CARDS[$i]=$(sqlite3 "$H/registry.db" "SELECT card_no FROM cards WHERE serial = ${SERIALS[$i]}")
		[ -n "${CARDS[$i]}" ] || return 1
	done
}
declare -A TOK APPS
# idn_of N: a made-up ID number (Beijing Dongcheng, 1992-03-03, sequence
# 1N0) with its ISO 7064 check character.
idn_of() {
	python3 -c 'import sys
b = "11010119920303%03d" % (100 + 10 * int(sys.argv[1]))
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(b + "10X98765432"[sum(int(c) * x for c, x in zip(b, w)) % 11])' "$1"
}
as() { local op=$1; shift; req "$1" "$2" "$T/$op.jar" "${TOK[$op]}" "${3:-}"; }

# st_cupsd: as 192: cupsd as nobody (root) with its own tree, a printer
# "card" whose device is the file $PRINTED; CUPS_S the server.
st_cupsd() {
	local try pid
	need_cmd cupsd lpadmin lpstat
	[ -x /usr/lib/cups/filter/gziptoany ] ||
		{ echo "1..0 # SKIP gziptoany (cups-core-drivers) missing"; exit 77; }
	CUPS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tcard-cups.XXXXXX")
	chmod 755 "$CUPS_DIR"
	mkdir -p "$CUPS_DIR/spool/tmp" "$CUPS_DIR/log" "$CUPS_DIR/cache" "$CUPS_DIR/state" "$CUPS_DIR/out"
	if [ "$(id -u)" -eq 0 ]; then
		need_cmd setpriv
		CU=nobody CG=$(id -gn nobody)
		AS=(setpriv --reuid="$CU" --regid="$CG" --clear-groups)
	else
		CU=$(id -un) CG=$(id -gn) AS=()
	fi
	cat >"$CUPS_DIR/cups-files.conf" <<EOF
User $CU
Group $CG
SystemGroup $CG
ServerRoot $CUPS_DIR
StateDir $CUPS_DIR/state
CacheDir $CUPS_DIR/cache
RequestRoot $CUPS_DIR/spool
TempDir $CUPS_DIR/spool/tmp
AccessLog $CUPS_DIR/log/access_log
ErrorLog $CUPS_DIR/log/error_log
PageLog $CUPS_DIR/log/page_log
FileDevice Yes
EOF
	for try in 1 2 3; do
		CUPS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		CUPS_S=127.0.0.1:$CUPS_PORT
		cat >"$CUPS_DIR/cupsd.conf" <<EOF
LogLevel info
Listen $CUPS_S
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
		[ "$(id -u)" -eq 0 ] && chown -R "$CU:$CG" "$CUPS_DIR"
		"${AS[@]}" cupsd -f -c "$CUPS_DIR/cupsd.conf" -s "$CUPS_DIR/cups-files.conf" \
			>"$CUPS_DIR/log/stdout" 2>&1 &
		pid=$!
		for _ in $(seq 50); do
			if lpstat -h "$CUPS_S" -r 2>/dev/null | grep -q 'is running'; then
				tc_daemon "$pid"; CUPSD=$pid
				PRINTED=$CUPS_DIR/out/card.pdf
				: >"$PRINTED"
				[ "$(id -u)" -eq 0 ] && chown "$CU:$CG" "$PRINTED"
				lpadmin -h "$CUPS_S" -p card -v "file://$PRINTED" \
					-P "$TC_TOP/tests/print/file-card-printer.ppd" -E 2>/dev/null || return 1
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	done
	sed 's/^/# cupsd: /' "$CUPS_DIR/log/stdout" "$CUPS_DIR/log/error_log" 2>/dev/null | tail -n 20
	return 1
}

# bail DESC CMD...: a step the rest depends on; the script ends when it
# fails.
bail() {
	check "$@" && return 0
	echo "Bail out! $1"
	exit 1
}

# st_start NAME [OFFICE_URL [EXTRA_LINES]]: tcard-station NAME on reader 0.
st_start() {
	local name=$1 office=${2:-$URL} extra=${3:-} d=$T/st-$1 n0
	{
		echo "office $office"
		echo "office-ca $OFFICE_CA"
		echo "cert $d/station.crt"
		echo "key $d/station.key"
		echo "reader $PCSC_READER0"
		[ -n "${CUPS_S:-}" ] && printf 'printer-server %s\nprinter-queue card\n' "$CUPS_S"
		echo "wait 5s"
		echo "log $d/log"
		[ -n "$extra" ] && printf '%s\n' "$extra"
	} >"$d/station.conf"
	n0=$(grep -c 'office: connected' "$d/log" 2>/dev/null)
	"$ST" --config "$d/station.conf" 2>>"$d/log" &
	ST_PID[$name]=$!
	tc_daemon "${ST_PID[$name]}"
	# Up when its first poll was answered: the office knows its reader.
	for _ in $(seq 100); do
		[ "$(grep -c 'office: connected' "$d/log" 2>/dev/null)" -gt "${n0:-0}" ] && return 0
		kill -0 "${ST_PID[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# station: /' "$d/log"
	return 1
}
st_stop() { kill -TERM "${ST_PID[$1]}" 2>/dev/null; wait "${ST_PID[$1]}"; ST_STATUS=$?; }

# make_card SERIAL NAME: JOB, or empty (the answer in $T/body).
make_card() {
	JOB=
	as $P POST "/v1/production/cards/$1/make" "{\"station\":\"$2\"}"
	status_is 201 && JOB=$(jq_body 'o["job"]')
	[ -n "$JOB" ]
}
# job_wait JOB STATE [SECONDS]: GET /v1/production/jobs/JOB until its
# state is STATE (a failed job ends the wait); the answer stays in $T/job.
job_wait() {
	local s end=$(($(date +%s) + ${3:-60}))
	while [ "$(date +%s)" -lt $end ]; do
		as $P GET "/v1/production/jobs/$1"
		cp "$T/body" "$T/job"
		status_is 200 || break
		s=$(jq_body 'o["state"]' 2>/dev/null)
		[ "$s" = "$2" ] && return 0
		[ "$s" = failed ] || [ "$s" = done ] && break
		sleep "${JOB_POLL:-0.2}"
	done
	sed 's/^/# job: /' "$T/job"; echo
	return 1
}
# jobf FIELD: a member of the last job answer.
jobf() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else str(v).lower() if isinstance(v,bool) else v)' "$T/job" "$1" 2>/dev/null; }

# tap_card: tcard-verify on reader 0 against the office's trust list, the
# CA pin and a fresh revocation list; output in $T/out.
tap_card() {
	local pin
	"$K" export-trust --home "$H" --out "$T/trust.cose" >/dev/null 2>&1
	pin=$("$K" list --home "$H" | awk '$1 == "sha256" { print $2; exit }')
	"$I" revocations --home "$H" --out "$T/rev.cose" >/dev/null 2>&1
	timeout 60 "$V" --trust "$T/trust.cose" --ca-pin "$pin" \
		--revocations "$T/rev.cose" --reader "$PCSC_READER0" "$@" >"$T/out" 2>"$T/err"
}
# no_key_symbols: tcard-station's binary refers to none of the key store,
# the registry, the key provider, the signer or SQLite.
no_key_symbols() {
	! nm "$ST" 2>/dev/null | grep -qE ' [TtUu] (tc_keystore_|tc_registry_|tc_card_keys|tc_perso_|tc_cose_sign|tc_credential_sign|sqlite3_)'
}
# st_logs: on a failure, the stations' and the office's logs' tails as
# TAP comments (call before done_testing).
st_logs() {
	local f
	[ "$_failed" -eq 0 ] && return 0
	for f in "$T"/st-*/log; do
		[ -f "$f" ] && tail -n 30 "$f" | sed "s|^|# $(basename "$(dirname "$f")"): |"
	done
	tail -n 30 "$T/id.err" 2>/dev/null | sed 's/^/# tcard-issuerd: /'
}
