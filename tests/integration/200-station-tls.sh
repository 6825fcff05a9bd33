#!/bin/bash
# SPDX-License-Identifier: MIT
# The branch stations' routes of tcard-issuerd over TLS (issue 17,
# docs/station.md): the HTTPS listener asks for a client certificate and
# the station routes take only one of the station CA (tcard-keys
# station-cert), valid now and not revoked (keys/station-revoked.txt);
# another CA's, an expired, a revoked one, none, and plain HTTP are 403,
# while a browser without a certificate signs in as before. The long poll
# holds its answer for "wait" (1 s here) and answers at once with 0; a
# malformed request is 400 naming the member. The operator's make
# (POST /v1/production/cards/SERIAL/make) needs the CSRF token and the
# card's branch; the job's state is the operator's branch's only; the
# print report is parsed strictly. The whole personalisation through a
# real tcard-station is test 193.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
echo "1..46"
K=$TC_BIN/tcard-keys

IDN=110101199404040040
check "demo authority" id_demo
GREEN=$(green_app "Station Make" "$IDN"); check "a green-card application is submitted" test -n "$GREEN"

# The station certificates: a good one, one to revoke, one expired (issued
# ten days ago for one day), all of the store's station CA; and one of
# another CA with the same name.
mkdir -p "$T/tls" "$T/other" "$T/st1" "$T/st2" "$T/st3"; chmod 755 "$T" "$T/tls"
scert() { "$K" station-cert --home "$H" "$@" >/dev/null; }
check "a station certificate" scert --name BR-01 --out "$T/st1"
check "a second, to revoke" scert --name BR-02 --out "$T/st2"
check "a third, expired" env TCARD_NOW=$(($(date +%s) - 10 * 86400)) \
	bash -c '"$0" station-cert --home "$1" --name BR-03 --days 1 --out "$2" >/dev/null' \
	"$K" "$H" "$T/st3"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/other/ca.key" -out "$T/other/ca.crt" -days 30 -subj "/CN=another CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/other/station.key" -out "$T/other/station.csr" \
	-subj "/CN=talentcard station BR-01" 2>/dev/null
openssl x509 -req -in "$T/other/station.csr" -CA "$T/other/ca.crt" -CAkey "$T/other/ca.key" \
	-CAcreateserial -days 30 -out "$T/other/station.crt" 2>/dev/null
check "another CA's certificate for the same name" test -s "$T/other/station.crt"
{
	echo "# revoked station certificates"
	openssl x509 -noout -serial -in "$T/st2/station.crt"
} >"$H/keys/station-revoked.txt"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 600 "$T/tls/key.pem"
check "tcard-issuerd starts with TLS" start_id --tls-cert "$T/tls/cert.pem" --tls-key "$T/tls/key.pem"
URL=https://127.0.0.1:$(cat "$T/id.port")
export CURL_CA_BUNDLE=$T/tls/cert.pem # for req (issuerd-lib.sh)
CURL=(curl -s --max-time 20 --cacert "$T/tls/cert.pem")

# spoll DIR BODY: a poll with the certificate of DIR ("-": none); the
# status in $T/status, the body in $T/body, the seconds in $T/time.
spoll() {
	local a=()
	[ "$1" != - ] && a+=(--cert "$1/station.crt" --key "$1/station.key")
	"${CURL[@]}" "${a[@]}" -H 'Content-Type: application/json' --data-binary "$2" \
		-o "$T/body" -w '%{http_code} %{time_total}' "$URL/v1/station/poll" >"$T/sw"
	cut -d' ' -f1 "$T/sw" >"$T/status"; cut -d' ' -f2 "$T/sw" >"$T/time"
}
took() { python3 -c "import sys; t = float(open('$T/time').read()); sys.exit(not ($1 <= t <= $2))"; }
msg_has() { jq_body 'o["message"]' | grep -q -- "$1"; }
IDLE='{"v":1,"present":false,"insert":0,"wait":1000}'

spoll "$T/st1" "$IDLE"
check "a station with its certificate polls: 200" status_is 200
check "no batch with no card" test "$(jq_body '"batch" in o, o["v"]')" = "(False, 1)"
check "the long poll held the answer for about its wait (1 s)" took 0.9 3
spoll "$T/st1" '{"v":1,"present":false,"insert":0,"wait":0}'
check "wait 0 answers at once" took 0 0.5
# A station that polls again gave the older poll up: it is answered at once.
"${CURL[@]}" --cert "$T/st1/station.crt" --key "$T/st1/station.key" \
	-H 'Content-Type: application/json' --data-binary '{"v":1,"present":false,"insert":0,"wait":20000}' \
	-o "$T/older.body" -w "%{http_code} %{time_total}" "$URL/v1/station/poll" >"$T/older" &
OLDER=$!
sleep 0.5
spoll "$T/st1" '{"v":1,"present":false,"insert":0,"wait":0}'
wait "$OLDER"
check "a newer poll answers the parked one at once" \
	python3 -c "import sys; c, t = open('$T/older').read().split(); print('#', c, t); sys.exit(not (c == '200' and float(t) < 5))"
spoll - "$IDLE"
check "no certificate: 403" status_is 403
check "saying so" msg_has "no client certificate"
spoll "$T/other" "$IDLE"
check "another CA's certificate: 403" status_is 403
spoll "$T/st3" "$IDLE"
check "an expired certificate: 403" status_is 403
check "saying it expired" msg_has "expired"
spoll "$T/st2" "$IDLE"
check "a revoked certificate: 403" status_is 403
check "saying it is revoked" msg_has "revoked"
spoll "$T/st1" '{"v":1,"present":"yes","insert":0}'
check "a malformed request: 400" status_is 400
check "naming the member" msg_has '"present"'
spoll "$T/st1" '{"v":1,"present":false,"insert":0,"wait":0,"extra":1}'
check "an unknown member: 400 naming it" sh -c "test \"\$(cat $T/status)\" = 400 && grep -q extra $T/body"

# A browser without a certificate: the other routes as before.
login demo-card-producer-1; PROD=$CSRF
check "an operator signs in without a client certificate" test -n "$PROD"
login demo-hr-reviewer-1; req POST "/v1/applications/$GREEN/review" "$T/demo-hr-reviewer-1.jar" "$CSRF" '{"action":"approve"}'
login demo-approver-1; req POST "/v1/applications/$GREEN/review" "$T/demo-approver-1.jar" "$CSRF" '{"action":"approve"}'
check "the application is approved, its card to make" test "$(jq_body 'o["state"]')" = approved
as() { local op=$1; shift; req "$1" "$2" "$T/$op.jar" "$PROD" "${3:-}"; }
as demo-card-producer-1 GET /v1/production/queue
SERIAL=$(jq_body "[i['serial'] for i in o['items'] if i['application'] == $GREEN][0]")
check "the card is in the queue" test -n "$SERIAL"

# make: the CSRF token, the branch, then a job for BR-01.
req POST "/v1/production/cards/$SERIAL/make" "$T/demo-card-producer-1.jar" "" '{"station":"BR-01"}'
check "make without the CSRF token: 403" status_is 403
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'other-bank' WHERE serial = $SERIAL"
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/make" '{"station":"BR-01"}'
check "make of another branch's card: 404" status_is 404
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'demo-bank' WHERE serial = $SERIAL"
as demo-card-producer-1 POST "/v1/production/cards/$SERIAL/make" '{"station":"BR-01"}'
check "make: 201" status_is 201
JOB=$(jq_body 'o["job"]')
check "with the job, the station and the serial" \
	test "$(jq_body 'o["station"], o["serial"]')" = "('BR-01', $SERIAL)"
as demo-card-producer-1 GET "/v1/production/jobs/$JOB"
check "the job waits for the station's card" test "$(jq_body 'o["state"]')" = waiting
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'other-bank' WHERE serial = $SERIAL"
as demo-card-producer-1 GET "/v1/production/jobs/$JOB"
check "another branch's job: 404" status_is 404
sqlite3 "$H/registry.db" "UPDATE production SET branch = 'demo-bank' WHERE serial = $SERIAL"
as demo-card-producer-1 GET /console/production
check "the console's queue offers BR-01 to make the card" grep -q '<option>BR-01</option>' "$T/body"

# The station's card: the job starts, its first batch comes in the poll;
# an answer to another batch is 409 and the job fails.
spoll "$T/st1" '{"v":1,"present":true,"insert":1,"atr":"3b8f8001804f0ca000000306030001000000006a","wait":5000}'
check "with a card the station gets the job's first batch" \
	test "$(jq_body 'o.get("batch"), o.get("job")')" = "(1, '$JOB')"
spoll "$T/st1" '{"v":1,"present":true,"insert":1,"atr":"3b8f8001804f0ca000000306030001000000006a","batch":7,"answers":["6a82"],"wait":0}'
check "answers to a batch not outstanding: 409" status_is 409
for i in $(seq 50); do
	as demo-card-producer-1 GET "/v1/production/jobs/$JOB"
	[ "$(jq_body 'o["state"]')" = failed ] && break; sleep 0.1
done
check "the job failed" test "$(jq_body 'o["state"]')" = failed

# The face and the print report.
S1=(--cert "$T/st1/station.crt" --key "$T/st1/station.key")
code=$("${CURL[@]}" "${S1[@]}" -o "$T/body" -w '%{http_code}' "$URL/v1/station/jobs/$JOB/face.pdf")
check "no face for a job whose chip is not done" test "$code" != 200
code=$("${CURL[@]}" -o "$T/body" -w '%{http_code}' "$URL/v1/station/jobs/J-0/face.pdf")
check "nor without a certificate (403)" test "$code" = 403
# The report is parsed before the monitor hears of the job.
pr() { "${CURL[@]}" "${S1[@]}" -H 'Content-Type: application/json' --data-binary "$1" \
	-o "$T/body" -w '%{http_code}' "$URL/v1/station/jobs/J-0/print" >"$T/status"; }
pr '{"cups_job":3,"state":"done"}'
check "a print report with an unknown state: 400" status_is 400
check "naming the member" msg_has '"state"'
pr '{"cups_job":0,"state":"completed"}'
check "cups_job 0 with a state other than failed: 400" status_is 400
pr '{"cups_job":3,"state":"held","state":"held"}'
check "a duplicate member: 400" status_is 400

# Plain HTTP: no station route at all.
stop_id
check "tcard-issuerd starts without TLS" start_id
spoll - "$IDLE"
check "plain HTTP: 403" status_is 403
check "saying HTTPS is needed" msg_has "HTTPS"
stop_id
check "it stops cleanly" test "$ID_STATUS" = 0
check "no full ID number in the log" sh -c "! grep -q '$IDN' '$T/id.err'"
exit $((_failed > 0))
