#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The card lifecycle through the real programs: green cards A and B issued
# the real way (apply, review, produce, issue: apply-lib.sh), then every
# lifecycle command with its refusals (exit 1 and the message), the
# sub-card cascades, and the clock moved with TCARD_NOW to the renewal
# window's edges (one second before it opens, the second it opens), the B
# card's single extension, the moment of expiry and the expiry sweep. At
# the end the audit log verifies, every action is in it, and no full ID
# number is in any output or in the database files. All names and numbers
# are made up; scrypt runs at TCARD_SCRYPT_LN=10.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/apply-lib.sh"
I=$TC_BIN/tcard-issuer
K=$TC_BIN/tcard-keys
H=$T/home
T_ISSUE=2026-03-01T08:00:00Z # 16:00 in Beijing on 2026-03-01
export TCARD_NOW=$T_ISSUE TCARD_SCRYPT_LN=10 TCARD_HOME=$H
unset TCARD_PASSPHRASE

for p in "$I" "$K"; do
	if [ ! -x "$p" ]; then echo "1..0 # SKIP $p not built"; exit 77; fi
done
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing"; exit 77; }

P_ADA='ada lifecycle passphrase'
# Made-up resident ID numbers with valid check characters.
ID_A=110101198506150019   # Emily Carter, card A
ID_B=110101198705050029   # card B
ID_F=110101199009090021   # card A, revoked for fraud
ID_X=110101198808080036   # applies after the employer bar
ID_SP=11010119860606007X  # spouse of A
ID_CH=110101201503030016  # child, 10 years old
ID_18=110101200803010047  # child, 18 on 2026-03-01
ID_17=110101200803020050  # child, 18 on 2026-03-02
ID_PA=110101196001010038  # parent
ID_PL=110101196202020064  # parent-in-law
ID_FS=110101199501010089  # spouse of the fraud card's holder
ALL_IDS="$ID_A $ID_B $ID_F $ID_X $ID_SP $ID_CH $ID_18 $ID_17 $ID_PA $ID_PL $ID_FS"
: >"$T/all"
log() { cat "$T/out" "$T/err" >>"$T/all"; }
# as OP CMD...: runs tcard-issuer as operator OP of apply-lib.sh.
as() { local op=$1; shift; TCARD_PASSPHRASE=$AP_PW "$I" "$@" --as "$op"; }
grouped() { echo "$1" | sed 's/\(....\)\(....\)\(....\)\(....\)/\1 \2 \3 \4/'; }
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d,list) else d[k]
print(d)' "$1" <"$T/out"; }

expect_exit 0 "tcard-keys init" "$K" init
expect_exit 0 "tcard-issuer init" "$I" init
NP=$P_ADA expect_exit 0 "first admin" "$I" operator add ada --role admin --passphrase-env NP
check "operators for every role" apply_operators ada "$P_ADA"
# ap-clerk: reviewers; ap-hr: hr-reviewer; ap-appr: approver; ap-prod:
# card-producer; ap-iss: card-issuer.

# Every command has a page with its exit statuses.
for c in renew change reissue suspend reinstate revoke "subcard add" cards "card show" expire; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" "$I" $c --help
	expect_out "EXIT STATUS" "$c --help documents exit statuses"
done

# Cards issued the real way.
CA=$(apply_green_card a "Emily Carter" "$ID_A" 60 2>"$T/err")
check "card A issued" test -n "$CA"
CB=$(apply_green_card b "王晓明" "$ID_B" 2>"$T/err")
check "card B issued" test -n "$CB"
CF=$(apply_green_card a "Frank Fake" "$ID_F" 60 2>"$T/err")
check "card A (to be revoked for fraud) issued" test -n "$CF"
GA=$(grouped "$CA")
GB=$(grouped "$CB")

# Listing and showing.
expect_exit 0 "cards" "$I" cards
expect_out "^$GA .* a +issued +2031-02-28  \*{16}19  Emily Carter" "cards shows card A, valid through 2031-02-28, masked ID"
expect_out "^$GB .* b +issued +2027-02-28" "cards shows card B (12 months)"
log
expect_exit 0 "cards --json" "$I" cards --json
check "cards --json lists 3 cards" test "$(json_get 2.serial >/dev/null && python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")" = 3
check "cards --json: masked holder" test "$(json_get 0.holder.id_masked)" = "****************19"
expect_exit 0 "cards --status revoked (none yet)" "$I" cards --status revoked
check "only the header" test "$(wc -l <"$T/out")" -eq 1
expect_exit 2 "cards --status bogus" "$I" cards --status bogus
expect_exit 0 "card show by grouped number" "$I" card show "$GA"
expect_out "holder     resident \*{16}19  Emily Carter" "card show: masked ID and name"
expect_out "card.issue" "card show: history from the audit log"
log
expect_exit 0 "card show by serial, JSON" "$I" card show 1 --json
check "card show --json: serial 1" test "$(json_get serial)" = 1
BAD=${CA%?}$(( (${CA: -1} + 1) % 10 ))
expect_exit 1 "a mistyped card number (check digit)" "$I" card show "$BAD"
expect_err "check digit" "the refusal says the check digit is wrong"
expect_exit 1 "an unknown serial" "$I" card show 999
expect_err "no card with serial 999" "the refusal names the serial"
expect_exit 2 "card show without CARD" "$I" card show

# Who may act.
expect_exit 2 "renew without --as" "$I" renew "$CA"
expect_err "needs --as NAME" "the usage error asks for --as"
expect_exit 1 "a card producer may not renew" as ap-prod renew "$CA"
expect_err "needs the role card-issuer" "the refusal names the role"
expect_exit 1 "a card issuer may not suspend" as ap-iss suspend "$CA" --reason x
expect_err "hr-reviewer or approver or leadership-group" "the refusal names the roles"
expect_exit 1 "an hr-reviewer may not revoke" as ap-hr revoke "$CA" --reason other
expect_err "needs the role approver or leadership-group" "the refusal names the roles"
TCARD_PASSPHRASE='wrong wrong wrong' expect_exit 1 "a wrong passphrase" "$I" renew "$CA" --as ap-iss
expect_err "operator or passphrase wrong" "the refusal is the generic one"

# Renewal before the window.
expect_exit 1 "renew five years early" as ap-iss renew "$CA"
expect_err "renewal opens on 2031-01-30 00:00, 30 days before the card expires on 2031-03-01 00:00 \(002 九\(五\)\)" "the refusal gives the day the window opens"

# Sub-cards: made without an application, each takes the relative's photo.
mkpng 358 441 "$T/rel.png"
RID=$ID_SP expect_exit 2 "a sub-card without --photo is refused" \
	as ap-iss subcard add "$CA" --relation spouse --id-type resident --id-env RID --name "Sam Carter"
expect_err "give --photo FILE: the relative's photo" "the usage error asks for the photo"
RID=$ID_SP expect_exit 0 "sub-card for the spouse (--id-env)" \
	as ap-iss subcard add "$CA" --relation spouse --id-type resident --id-env RID --name "Sam Carter" --photo "$T/rel.png"
expect_out "sub-card .* \(serial [0-9]+, spouse\) added to card $GA, valid through 2031-02-28" "the sub-card has the main card's validity"
log
echo "$ID_CH" >"$T/id"
expect_exit 0 "sub-card for a minor child (--id -)" \
	as ap-iss subcard add "$CA" --relation child --id-type resident --id - --name "Kim Carter" --photo "$T/rel.png" <"$T/id"
log
echo "$ID_18" >"$T/id"
expect_exit 1 "no sub-card for a child who is 18 today" \
	as ap-iss subcard add "$CA" --relation child --id-type resident --id - --name "Lee Carter" --photo "$T/rel.png" <"$T/id"
expect_err "the child is 18 years old: sub-card tier a-child of programme guangzhou-green is for minors \(under 18\) only \(002 七\)" "the refusal gives the age and the rule"
log
echo "$ID_17" >"$T/id"
expect_exit 0 "a child who turns 18 tomorrow is still a minor" \
	as ap-iss subcard add "$CA" --relation child --id-type resident --id - --name "Max Carter" --photo "$T/rel.png" <"$T/id"
RID=$ID_PA expect_exit 0 "sub-card for a parent" \
	as ap-iss subcard add "$CA" --relation parent --id-type resident --id-env RID --name "Pat Carter" --photo "$T/rel.png"
RID=$ID_PL expect_exit 0 "sub-card for a parent-in-law" \
	as ap-iss subcard add "$CA" --relation parent-in-law --id-type resident --id-env RID --name "Pen Lee" --photo "$T/rel.png" --json
check "--json: the sub-card names its main card" test "$(json_get main_card)" = "$CA"
check "--json: relation parent-in-law" test "$(json_get relation)" = parent-in-law
log
RID=$ID_FS expect_exit 1 "a second spouse is refused" \
	as ap-iss subcard add "$CA" --relation spouse --id-type resident --id-env RID --name "Other" --photo "$T/rel.png"
expect_err "already has a spouse sub-card" "the refusal says why"
RID=$ID_FS expect_exit 1 "no sub-cards on a B card" \
	as ap-iss subcard add "$CB" --relation spouse --id-type resident --id-env RID --name "Bea" --photo "$T/rel.png"
expect_err "is a b card: programme guangzhou-green gives sub-cards for a spouse only to a cards \(002 七\)" "the refusal names the rule"
RID=$ID_F expect_exit 1 "the holder is not their own relative" \
	as ap-iss subcard add "$CF" --relation spouse --id-type resident --id-env RID --name "Frank Fake" --photo "$T/rel.png"
expect_err "is the holder of card" "the refusal says why"
expect_exit 2 "an ID number on the command line is refused" \
	as ap-iss subcard add "$CA" --relation parent --id-type resident --id "$ID_FS" --name X --photo "$T/rel.png"
expect_err "visible to" "the refusal explains why"
RID=110101199501010088 expect_exit 1 "a wrong check character" \
	as ap-iss subcard add "$CA" --relation parent --id-type resident --id-env RID --name X --photo "$T/rel.png"
expect_err "bad check character" "the refusal says which"
log
expect_exit 0 "card show lists five sub-cards" "$I" card show "$CA"
check "five sub-cards" test "$(grep -cE '^  4401 .* (spouse|child|parent|parent-in-law) ' "$T/out")" -eq 5
log

# Changes: 30 days after is on time, 31 days is late (accepted, warned).
expect_exit 0 "employer change reported on day 30" \
	as ap-iss change "$CA" --employer "花都新材料有限公司" --uscc 91440114MA5ABCDE1G --date 2026-01-30
expect_out "reported after 30 days\)$" "on time: no LATE"
check "no warning on time" test ! -s "$T/err" -o "$(grep -vc SCRYPT "$T/err")" = 0
expect_exit 1 "a credit code with a wrong check character" \
	as ap-iss change "$CA" --employer "X" --uscc 91440114MA5ABCDE1H --date 2026-01-30
expect_exit 0 "residence change reported on day 31" \
	as ap-iss change "$CA" --residence "广州市花都区新华街2号" --date 2026-01-29 --json
check "--json: late" test "$(json_get late)" = True
check "--json: 31 days" test "$(json_get days)" = 31
expect_exit 0 "the late report again, as text" \
	as ap-iss change "$CA" --residence "广州市花都区新华街3号" --date 2026-01-29
expect_out "reported after 31 days, LATE" "the late report is marked"
expect_err "warning: the residence change of 2026-01-29 was reported 31 days after it took effect; programme guangzhou-green requires a report within 30 days \(002 九\(五\)\)" "a warning on stderr"
expect_exit 1 "a change in the future" as ap-iss change "$CA" --residence X --date 2026-03-02
expect_err "after today" "the refusal says why"
expect_exit 2 "change without --date" as ap-iss change "$CA" --residence X
expect_exit 2 "change with both kinds" as ap-iss change "$CA" --residence X --employer Y --date 2026-03-01
log

# Suspend and reinstate, with the cascade.
expect_exit 0 "suspend card A" as ap-hr suspend "$CA" --reason "employer inquiry"
expect_out "card $GA suspended; 5 sub-cards with it" "the sub-cards follow"
expect_exit 0 "suspended cards" "$I" cards --status suspended
check "six suspended cards" test "$(grep -c '^4401' "$T/out")" -eq 6
expect_exit 1 "suspend twice" as ap-hr suspend "$CA" --reason again
expect_err "card $GA is suspended \(employer inquiry\) since 2026-03-01; a suspended card cannot be suspended again" "the refusal gives state, reason and date"
expect_exit 1 "renew a suspended card" as ap-iss renew "$CA"
expect_err "a suspended card cannot be renewed: reinstate it first" "the refusal says what to do"
expect_exit 1 "reissue a suspended card" as ap-iss reissue "$CA" --reason lost
expect_err "reinstate it first" "reinstate first"
expect_exit 0 "reinstate card A" as ap-appr reinstate "$CA" --note "inquiry closed"
expect_out "card $GA reinstated; 5 sub-cards with it" "the sub-cards come back"
expect_exit 1 "reinstate an issued card" as ap-appr reinstate "$CA"
expect_err "an issued card cannot be reinstated: it is not suspended" "the refusal says why"
# A sub-card suspended on its own stays suspended when the main card comes back.
SPA=$("$I" cards --json | python3 -c 'import json,sys
print([c["card"] for c in json.load(sys.stdin) if c["relation"]=="parent"][0])')
expect_exit 0 "suspend the parent's sub-card on its own" as ap-hr suspend "$SPA" --reason "own inquiry"
expect_exit 0 "suspend card A again" as ap-hr suspend "$CA" --reason "second inquiry"
expect_out "4 sub-cards with it" "the suspended one is not counted"
expect_exit 0 "reinstate card A again" as ap-hr reinstate "$CA"
expect_out "4 sub-cards with it" "only the cascaded ones come back"
expect_exit 0 "card show the parent's sub-card" "$I" card show "$SPA"
expect_out "^status     suspended since 2026-03-01 \(own inquiry\)" "it stays suspended for its own reason"
expect_exit 0 "reinstate the parent's sub-card" as ap-hr reinstate "$SPA"
log

# Reissue: a new number, the same validity, the sub-cards move.
expect_exit 2 "reissue needs a reason" as ap-iss reissue "$CA"
expect_exit 2 "reissue: lost or damaged only" as ap-iss reissue "$CA" --reason stolen
expect_exit 0 "reissue card A (lost)" as ap-iss reissue "$CA" --reason lost --json
CA2=$(json_get new_card)
check "a new card number" test -n "$CA2" -a "$CA2" != "$CA"
check "--json: the old card is revoked" test "$(json_get status)" = revoked
check "--json: reason reissued-lost" test "$(json_get status_reason)" = reissued-lost
check "--json: five sub-cards moved" test "$(json_get sub_cards_changed)" = 5
GA2=$(grouped "$CA2")
expect_exit 0 "card show the new card" "$I" card show "$CA2"
expect_out "^valid to   2031-02-28 \(renewals: 0\)" "the same validity"
expect_out "^replaces   $GA" "it names the card it replaces"
expect_out "Emily Carter" "the same holder"
check "the sub-cards hang on the new card" test "$(grep -cE '^  4401 ' "$T/out")" -eq 5
expect_out "reissue" "its history shows the reissue"
expect_out "花都新材料有限公司" "the reported changes follow the card"
log
expect_exit 1 "reissue the old card again" as ap-iss reissue "$CA" --reason lost
expect_err "card $GA is revoked \(reissued-lost, replaced by card $GA2\) since 2026-03-01; a revoked card cannot be reissued" "the refusal names the successor"
expect_exit 0 "all card numbers" "$I" cards --json
check "no card number twice" test "$(python3 -c 'import json,sys; c=[x["card"] for x in json.load(sys.stdin)]; print(len(c)==len(set(c)))' <"$T/out")" = True

# Revocation; fraud blacklists the person and bars the employer.
RID=$ID_FS expect_exit 0 "a spouse sub-card on the fraud card" \
	as ap-iss subcard add "$CF" --relation spouse --id-type resident --id-env RID --name "Fay Fake" --photo "$T/rel.png"
expect_exit 1 "an unknown reason" as ap-appr revoke "$CF" --reason bored
expect_err "'bored' is not a revocation reason of programme guangzhou-green" "the refusal names the reason"
expect_exit 2 "--bar-employer needs fraud" as ap-appr revoke "$CF" --reason other --bar-employer
expect_exit 0 "revoke for fraud, barring the employer" \
	as ap-appr revoke "$CF" --reason fraud --bar-employer --note "forged degree certificate"
expect_out "revoked \(fraud\); 1 sub-card revoked with it" "the sub-card follows"
expect_out "the holder is on the blacklist" "the person is blacklisted"
expect_out "the employer is barred through 2029-02-28" "the employer is barred for 3 years"
log
expect_exit 1 "renew a revoked card" as ap-iss renew "$CF"
expect_err "is revoked \(fraud\) since 2026-03-01; a revoked card cannot be renewed: the holder must make a new application" "the refusal says state, reason, date and what is needed"
expect_exit 1 "revoke again" as ap-appr revoke "$CF" --reason other
expect_err "cannot be revoked again" "revoked once"
expect_exit 0 "blacklist list" "$I" blacklist list
expect_out "\*{16}21" "the fraud card's holder is listed, masked"
expect_exit 0 "employer-bar list" "$I" employer-bar list
expect_out "2029-03-01" "the bar ends after 3 years"
log
if CX=$(apply_green_card a "Frank Fake" "$ID_F" 60 2>"$T/err"); then
	not_ok "the blacklisted person cannot apply again"
else
	ok "the blacklisted person cannot apply again"
fi
if CX=$(apply_green_card a "Xavier Other" "$ID_X" 60 2>"$T/err"); then
	not_ok "an application of the barred employer is refused"
else
	ok "an application of the barred employer is refused"
fi
log

# The B card: one extension of 12 months, from 30 days before expiry.
TCARD_NOW=2027-01-29T15:59:59Z expect_exit 1 "B: one second before the window" as ap-iss renew "$CB"
expect_err "renewal opens on 2027-01-30 00:00" "the refusal gives the opening"
TCARD_NOW=2027-01-29T16:00:00Z expect_exit 0 "B: the second the window opens" as ap-iss renew "$CB"
expect_out "card $GB renewed: valid through 2028-02-29 \(was 2027-02-28\)" "extended by 12 months"
TCARD_NOW=2028-02-20T00:00:00Z expect_exit 1 "B: a second extension" as ap-iss renew "$CB"
expect_err "was already extended 1 time; a b card of programme guangzhou-green may be extended only 1 time, by 12 months \(002 十一\(二\)\): convert it" "the refusal names the rule"
TCARD_NOW=2028-02-29T15:59:59Z expect_exit 0 "sweep a second before B expires" as ap-iss expire
expect_out "^0 cards expired$" "nothing expired yet"
TCARD_NOW=2028-02-29T16:00:00Z expect_exit 1 "B at its expiry, before the sweep" as ap-hr suspend "$CB" --reason x
expect_err "expired on 2028-03-01 \(still recorded as issued until the expiry sweep runs\)" "expired before the sweep records it"
TCARD_NOW=2028-02-29T16:00:00Z expect_exit 0 "the sweep at B's expiry" as ap-prod expire
expect_out "^1 card expired$" "B expired"
TCARD_NOW=2028-02-29T16:00:00Z expect_exit 0 "the sweep again" as ap-prod expire --json
check "--json: nothing the second time" test "$(json_get expired)" = 0
log

# Card A (reissued): the renewal window's edges, then expiry of all six.
TCARD_NOW=2031-01-29T15:59:59Z expect_exit 1 "A: one second before the window" as ap-iss renew "$CA2"
expect_err "renewal opens on 2031-01-30 00:00" "the refusal gives the opening"
TCARD_NOW=2031-01-29T16:00:00Z expect_exit 0 "A: exactly 30 days before expiry" as ap-iss renew "$CA2"
expect_out "card $GA2 renewed: valid through 2036-02-29 \(was 2031-02-28\); 5 sub-cards renewed with it" "a new term, sub-cards included"
TCARD_NOW=2031-01-29T16:00:00Z expect_exit 0 "a sub-card follows the renewal" "$I" card show "$SPA"
expect_out "^valid to   2036-02-29" "the sub-card's new validity"
TCARD_NOW=2036-02-29T16:00:00Z expect_exit 1 "A at its expiry" as ap-iss renew "$CA2"
expect_err "expired on 2036-03-01 .*: the holder must make a new application" "a new application is needed"
TCARD_NOW=2036-02-29T16:00:00Z expect_exit 0 "the sweep at A's expiry" as ap-iss expire
expect_out "^6 cards expired$" "A and its five sub-cards expired"
TCARD_NOW=2036-02-29T16:00:00Z expect_exit 0 "expired cards" "$I" cards --status expired --json
check "seven expired cards (B, A, five sub-cards)" test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")" = 7
TCARD_NOW=2036-02-29T16:00:00Z expect_exit 0 "card show an expired sub-card" "$I" card show "$SPA"
expect_out "^status     expired since 2036-03-01 \(principal-expired\)" "expired with its main card"
log

# The audit log: verifies, and holds every action.
expect_exit 0 "audit verify" "$I" audit verify
expect_out "^audit log OK" "the chain verifies"
expect_exit 0 "audit list" "$I" audit list
for a in card.renew card.change card.reissue card.revoke card.suspend card.reinstate \
    card.subcard-add card.subcard-move card.expire blacklist.add employer.bar serial.reserve; do
	expect_out "  $a  " "audit has $a"
done
expect_out "ap-iss  card.change  card:$CA  .*\"late\":true" "the late change is in the audit detail"
log

# No full ID number anywhere: outputs, the database and its WAL.
for id in $ALL_IDS; do
	expect_no "$id" "ID ${id:0:4}... not in any output" "$T/all"
	expect_no "$id" "ID ${id:0:4}... not in the database files" "$H/registry.db" "$H/registry.db-wal"
done
done_testing
