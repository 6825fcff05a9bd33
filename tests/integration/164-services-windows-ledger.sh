#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ledger of tcard-verifierd's service windows: a request id is the
# window's own (window B choosing window A's id records its own use, not a
# replay of A's, nor a "request-id-reused"; a retry within one window still
# counts once); a ledger of schema 1 (ids unique across windows) is
# migrated at start and keeps its uses; the ledger file and its -wal and
# -shm are made mode 600 under umask 022, and a ledger open to group or
# others is warned about in the log. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verifierd-lib.sh"
vd_env
vd_demo
C_GOLD=$(card_field 2 1)  # Baiyun gold
C_GOLD2=$(card_field 4 1) # Baiyun gold
for c in "$C_GOLD" "$C_GOLD2"; do
	as_role card-producer qr "$c" --out - >"$T/qr-$c" 2>/dev/null
done
check "e-cards for two cards" test -s "$T/qr-$C_GOLD2"
TOK_A=window-a-token-0123456789abcdefghijklmnopq
TOK_B=window-b-token-0123456789abcdefghijklmnopq
printf 'gym-desk-a %s\ngym-desk-b %s\n' "$TOK_A" "$TOK_B" >"$T/tokens"
chmod 600 "$T/tokens"

# redeem TOKEN CARD REQID: a gym redeem; the answer in $T/body.
redeem() {
	python3 -c '
import json, sys
print(json.dumps({"qr": open(sys.argv[1]).read().strip(), "request_id": sys.argv[2]}))' \
		"$T/qr-$2" "$3" >"$T/req.json"
	http POST "$U/v1/services/culture-sports.gym/redeem" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary "@$T/req.json"
}
answer() { # answer DESC PYTHON: on the redeem's JSON
	if [ "$HTTP_STATUS" = 200 ]; then body_json "$@"
	else not_ok "$1 (HTTP $HTTP_STATUS)"; sed 's/^/# body: /' "$T/body"; fi
}

L=$T/ledger.db
umask 022
check "the daemon starts with a new ledger" start_vd a --bundle "$B" --ledger "$L" \
	--staff-tokens "$T/tokens"
U=$URL_a
for f in "$L" "$L-wal" "$L-shm"; do
	check "$(basename "$f") is mode 600" test "$(stat -c %a "$f" 2>&1)" = 600
done
check "no warning about a private ledger" bash -c "! grep -q '\"event\":\"ledger\"' '$T/a.log'"

redeem "$TOK_A" "$C_GOLD" 0001
answer "window A's 0001: a use" 'assert o["allowed"] is True and o["replay"] is False, o'
redeem "$TOK_B" "$C_GOLD2" 0001
answer "window B's own 0001 for another card: its own use" \
	'assert o["allowed"] is True and o["replay"] is False and o["reason"] is None, o'
redeem "$TOK_B" "$C_GOLD" 0002
redeem "$TOK_A" "$C_GOLD2" 0002
answer "window A's 0002 after B's 0002: its own use" \
	'assert o["allowed"] is True and o["replay"] is False, o'
redeem "$TOK_B" "$C_GOLD2" 0001
answer "window B retrying its 0001: counted once" \
	'assert o["allowed"] is True and o["replay"] is True, o'
redeem "$TOK_B" "$C_GOLD" 0001
answer "window B's 0001 for another card: refused" \
	'assert o["allowed"] is False and o["reason"] == "request-id-reused", o'
DAY=$(TZ=Asia/Shanghai date +%F)
http GET "$U/v1/services/culture-sports/report?from=$DAY&to=$DAY" -H "Authorization: Bearer $TOK_A"
check "the report has the four uses" test "$(grep -c ',gym-desk-[ab],000[12]' "$T/body")" = 4
stop_vd a

chmod 644 "$L"
check "the daemon starts on a ledger open to others" start_vd b --bundle "$B" \
	--ledger "$L" --staff-tokens "$T/tokens"
check "a warning names the ledger and its mode" \
	grep -qE '"event":"ledger","level":"warning".*ledger\.db.*644' "$T/b.log"
stop_vd b

# A ledger of schema 1 with one use of window A, id 0042.
L1=$T/v1.db
python3 - "$L1" "$C_GOLD" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.executescript("""
PRAGMA journal_mode = WAL;
PRAGMA application_id = 1413698124;
CREATE TABLE uses (
	id INTEGER PRIMARY KEY,
	request_id TEXT NOT NULL UNIQUE
	    CHECK (length(request_id) BETWEEN 1 AND 64),
	card_no TEXT NOT NULL CHECK (length(card_no) = 16),
	programme TEXT NOT NULL CHECK (programme <> ''),
	service TEXT NOT NULL CHECK (service <> ''),
	option TEXT NOT NULL DEFAULT '',
	party INTEGER NOT NULL CHECK (party >= 1),
	at INTEGER NOT NULL,
	day INTEGER NOT NULL,
	channel INTEGER NOT NULL CHECK (channel IN (1, 2)),
	window TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX uses_card ON uses (card_no, programme, service, day);
CREATE INDEX uses_day ON uses (day);
PRAGMA user_version = 1;
""")
now = int(time.time())
db.execute("INSERT INTO uses (request_id, card_no, programme, service, option,"
           " party, at, day, channel, window) VALUES ('0042', ?, 'baiyun-yunju',"
           " 'culture-sports', 'gym', 1, ?, ?, 2, 'gym-desk-a')",
           (sys.argv[2], now, (now + 8 * 3600) // 86400))
db.commit()
PY
check "the daemon starts on a schema 1 ledger" start_vd c --bundle "$B" \
	--ledger "$L1" --staff-tokens "$T/tokens"
U=$URL_c
check "it was migrated to schema 2" test "$(python3 -c '
import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$L1")" = 2
redeem "$TOK_A" "$C_GOLD" 0042
answer "window A's old 0042 is still a replay" \
	'assert o["allowed"] is True and o["replay"] is True and o["quota"]["used"] == 1, o'
redeem "$TOK_B" "$C_GOLD2" 0042
answer "window B's own 0042: a use" 'assert o["allowed"] is True and o["replay"] is False, o'
done_testing
