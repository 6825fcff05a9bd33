#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's console search and card page in a real browser:
# headless Chromium (cdp-console-cards.py on cdp.py, as 173) signs in as
# unit A's and unit B's reviewers, each of whom searches by the beginning
# of a name that applicants of both units and of a third employer share,
# and sees exactly the applications the auditor's view says its unit has;
# the clerk searches by an application number and by a card number typed
# with spaces and lands on their pages; on the card's page the clerk
# chooses a PDF in the upgrade form's file input and posts the form once
# with its csrf field removed (403, no application made) and once as it
# is (to the new draft upgrade application, the PDF among its materials,
# its page shown), downloads the PDF by its link and gets the bytes sent.
# Screenshots are kept in BUILD/test-logs/181-console-chromium-cards/.
# Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
chromium_env
echo "1..18"
UA=demo-unit-reviewer-a-1 UB=demo-unit-reviewer-b-1 CLERK=demo-clerk
UA_NAME=广州天河示例软件技术有限公司 UB_NAME=深圳南海示例数据技术有限公司
S=4401110000000038 # Baiyun silver, Aditya Iyer's

check "demo authority" id_demo
# R: an application of unit B's employee 罗小雨, whose name begins as
# those of unit A's 罗思彤 and of Chuxiong's 罗佳怡 in the demo.
mkdir -p "$T/r"
mkpng 358 441 "$T/r/photo.png"
for f in id contract tax proof; do mkpdf "$T/r/$f.pdf" "$f"; done
youyue_app "$T/r/app.json" "$(mkid 44010619850512147)" 91440305MA5G2L9N48 "$UB_NAME"
sed -i 's/"name": "王晓明"/"name": "罗小雨"/' "$T/r/app.json"
R=$(TCARD_PASSPHRASE=$(pass_of $CLERK) "$I" apply --home "$H" --from "$T/r/app.json" \
	--photo "$T/r/photo.png" --accept-pledge --submit --as $CLERK 2>"$T/r/err" |
	sed -n 's/^application \([0-9]*\) .*/\1/p')
check "unit B's application of 罗小雨 applied and submitted" test -n "$R"
check "tcard-issuerd starts" start_id

# Every application as the auditor sees it: number, name, employer.
login demo-auditor
for n in $(seq 1 "$R"); do
	req GET "/v1/applications/$n" "$T/demo-auditor.jar"
	status_is 200 && jq_body '"%d\t%s\t%s" % (o["id"], o["name"], o["employer"])'
done >"$T/all.tsv"
# ids NAME-PREFIX [EMPLOYER]: the auditor's applications whose name
# begins with NAME-PREFIX (of EMPLOYER), as a Python list.
ids() { awk -F'\t' -v p="$1" -v e="${2-}" 'index($2, p) == 1 && (e == "" || $3 == e) { printf "%s%s", s, $1; s = ", " } BEGIN { printf "[" } END { print "]" }' "$T/all.tsv"; }
check "names beginning with 罗 are of three employers, R and 9 among them" python3 -c '
import sys
rows = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().splitlines()]
lo = [r for r in rows if r[1].startswith("罗")]
sys.exit(not (len({r[2] for r in lo}) >= 3 and {sys.argv[2], "9"} <= {r[0] for r in lo}))' "$T/all.tsv" "$R"

python3 "$(dirname "$0")/pdf-samples.py" real 1 "$T/letter.pdf"
mkdir -p "$T/profile" "$T/downloads"
python3 - "$T/params.json" <<PY
import json, sys
ops = {n: "%s %s" % (p, s) for n, p, s in (
    ("$UA", "$(pass_of $UA)", "$(demo_secret "$H" $UA)"),
    ("$UB", "$(pass_of $UB)", "$(demo_secret "$H" $UB)"),
    ("$CLERK", "$(pass_of $CLERK)", "$(demo_secret "$H" $CLERK)"))}
json.dump({"ops": ops, "ua": "$UA", "ub": "$UB", "clerk": "$CLERK",
           "prefix": "罗", "app": "$R", "card": "4401 1100 0000 0038",
           "card_page": "$S", "tier": "gold", "clause": "g3",
           "document": "$T/letter.pdf", "holder": "Aditya",
           "downloads": "$T/downloads"},
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
check "Chromium searches and uses the card page" bash -c "timeout 200 python3 '$(dirname "$0")/cdp-console-cards.py' '$CHROMIUM' '$T/profile' '$URL' '$ART' '$T/params.json' >'$T/seen.json' 2>'$T/cdp.err' ||
	{ grep -v dbus '$T/cdp.err' | tail -n 5 | sed 's/^/# err: /'; exit 1; }"
seen() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/seen.json" "$1"; }
check "unit A's reviewer finds by name exactly unit A's applications" \
	seen "o['ua_url'].endswith('/console/search?q=%E7%BD%97') and sorted(o['ua_rows']) == $(ids 罗 "$UA_NAME") != []"
check "unit B's reviewer finds exactly unit B's, R" \
	seen "sorted(o['ub_rows']) == $(ids 罗 "$UB_NAME") == [$R]"
check "neither finds the other unit's application" seen "9 not in o['ub_rows'] and $R not in o['ua_rows']"
check "the clerk finds all three employers' applications" seen "sorted(o['clerk_rows']) == $(ids 罗)"
check "a search by application number lands on application R" \
	seen "o['app_url'].endswith('/console/applications/$R') and o['app_h1'] == 'Application $R' and o['app_applicant'] == '罗小雨'"
check "a search by card number with spaces lands on the card's page" \
	seen "o['card_url'].endswith('/console/cards/$S') and o['card_h1'] == 'Card $S' and o['card_holder'] == 'Aditya Iyer'"
check "the upgrade form posted without its csrf field is refused 403" \
	seen "o['csrf_field_left'] == 0 and o['nocsrf_status'] == 403 and o['nocsrf_h1'] == 'Not allowed' and o['nocsrf_url'].endswith('/console/cards/$S/upgrade')"
check "the upgrade form posted as it is lands on a new draft application to gold" \
	seen "o['upgrade_url'].rsplit('/', 1)[-1].isdigit() and int(o['upgrade_url'].rsplit('/', 1)[-1]) > $R and o['upgrade_state'].startswith('draft') and 'gold' in o['upgrade_summary']"
N=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["upgrade_url"].rsplit("/", 1)[-1])' "$T/seen.json" 2>/dev/null)
check "its materials list the document chosen, its page shown (naturalWidth 1200)" \
	seen "'letter.pdf' in o['materials'] and o['page_width'] == 1200"
check "the document downloaded by its link is the file sent" \
	bash -c "cmp -s '$T/letter.pdf' \"\$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[\"download\"])' '$T/seen.json')\""
check "by the holder's name: the card's application and the upgrade, not a third" \
	seen "sorted(o['holder_rows']) == sorted($(ids Aditya) + [${N:-0}])"
req GET "/v1/applications/${N:-0}" "$T/demo-auditor.jar"
check "the registry has the holder's draft upgrade with the document attached" \
	test "$(jq_body '(o["kind"], o["tier"], o["state"], o["name"], [(a["kind"], a["name"]) for a in o["attachments"]])')" = "('upgrade', 'gold', 'draft', 'Aditya Iyer', [('other', 'letter.pdf')])"
check "screenshots kept as artefacts" test "$(ls "$ART"/*.png | wc -l)" -ge 13
exit $((_failed > 0))
