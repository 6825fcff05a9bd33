#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scoped window tokens of tcard-verifierd (issue 18): each line of the
# staff-tokens file names what its window may count, read the usage of
# and report on. A gym's token counts the gym and is refused the airport
# pick-up (403 "out-of-scope", nothing counted); the airport desk's the
# reverse; a token scoped to another programme is refused once the card's
# programme is known; usage and report are scoped the same way (a report
# of a window scoped to one programme shows that programme's uses only);
# a window without a scope still works and is warned about in the log.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo
C_DIA=$(card_field 1 1) # Baiyun diamond: gym and airport
as_role card-producer qr "$C_DIA" --out - >"$T/qr" 2>/dev/null
check "an e-card of a Baiyun diamond card" test -s "$T/qr"
GYM=gym-token-0123456789abcdefghijklmnopqrst
AIR=air-token-0123456789abcdefghijklmnopqrst
GRN=grn-token-0123456789abcdefghijklmnopqrst
OLD=old-token-0123456789abcdefghijklmnopqrst
cat >"$T/tokens" <<EOF
gym-1 $GYM baiyun-yunju:culture-sports
airport-1 $AIR *:airport-vip
green-1 $GRN guangzhou-green:*
old-1 $OLD
EOF
chmod 600 "$T/tokens"
check "the daemon starts" start_vd a --bundle "$B" --ledger "$T/ledger.db" --staff-tokens "$T/tokens"
U=$URL_a

# redeem TOKEN SERVICE REQID
redeem() {
	python3 -c '
import json, sys
print(json.dumps({"qr": open(sys.argv[1]).read().strip(), "request_id": sys.argv[2]}))' \
		"$T/qr" "$3" >"$T/req.json"
	http POST "$U/v1/services/$2/redeem" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary "@$T/req.json"
}
uses() { sqlite3 "$T/ledger.db" "SELECT count(*) FROM uses"; }
refused() { # refused DESC: 403 out-of-scope
	check "$1" bash -c "test '$HTTP_STATUS' = 403 && grep -q '\"error\":\"out-of-scope\"' '$T/body'"
}

redeem "$GYM" culture-sports.gym g1
check "the gym's token counts a gym visit" bash -c "test '$HTTP_STATUS' = 200 && grep -q '\"allowed\":true' '$T/body'"
redeem "$GYM" airport-vip g2
refused "the gym's token may not count the airport pick-up"
check "... whose answer names the window and its scope" grep -q 'window gym-1 may not act on service airport-vip (its scope: baiyun-yunju:culture-sports)' "$T/body"
redeem "$AIR" airport-vip a1
check "the airport desk's token counts the airport pick-up" bash -c "test '$HTTP_STATUS' = 200 && grep -q '\"allowed\":true' '$T/body'"
redeem "$AIR" culture-sports.gym a2
refused "the airport desk's token may not count a gym visit"
redeem "$GRN" culture-sports.gym n1
refused "a green-card window's token is refused a Baiyun card's service"
check "... once the card's programme is known" grep -q 'of programme baiyun-yunju' "$T/body"
check "the refusals counted nothing: two uses in the ledger" test "$(uses)" = 2

http GET "$U/v1/services/airport-vip/usage?card=$C_DIA" -H "Authorization: Bearer $GYM"
refused "usage is scoped: the gym may not read the airport's"
http GET "$U/v1/services/culture-sports.gym/usage?card=$C_DIA" -H "Authorization: Bearer $GYM"
check "the gym reads its own usage: one used" bash -c "test '$HTTP_STATUS' = 200 && grep -q '\"used\":1' '$T/body'"
DAY=$(TZ=Asia/Shanghai date +%F)
http GET "$U/v1/services/airport-vip/report?from=$DAY&to=$DAY" -H "Authorization: Bearer $GYM"
refused "report is scoped: the gym may not report on the airport"
http GET "$U/v1/services/culture-sports/report?from=$DAY&to=$DAY" -H "Authorization: Bearer $GYM"
check "the gym's report (no programme named) has its one use" \
	bash -c "test '$HTTP_STATUS' = 200 && test \$(grep -c ',baiyun-yunju,culture-sports.gym,' '$T/body') = 1"
http GET "$U/v1/services/culture-sports/report?from=$DAY&to=$DAY&programme=guangzhou-green" -H "Authorization: Bearer $GYM"
refused "the gym may not report on another programme"
redeem "$OLD" airport-vip o1
check "a window without a scope may still count anything" bash -c "test '$HTTP_STATUS' = 200"
check "... and the daemon warned of it when it started" \
	grep -q '"event":"staff","level":"warning".*window old-1 has no scope' "$T/a.log"
stop_vd a
done_testing
