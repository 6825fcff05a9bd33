#!/bin/bash
# SPDX-License-Identifier: MIT
# tcard-issuerd's staff console in a real browser: headless Chromium
# (Debian's chromium, driven over --remote-debugging-pipe by
# cdp-console.py on cdp.py) signs in through the form, opens the queue,
# opens an application whose photo must load, returns another with a
# reason and approves the first (after a third, C, whose PDF material's
# first page image must load), then a second operator approves it at
# the next step (four eyes). Screenshots are kept in
# BUILD/test-logs/173-console-chromium/. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
. "$(dirname "$0")/pdf-lib.sh"
id_env
chromium_env
echo "1..14"

id_demo_ab
C=$(pdf_app 110101199003071233); check "application C with PDF materials applied and submitted" test -n "$C"
check "tcard-issuerd starts" start_id
mkdir -p "$T/profile"
check "Chromium walks the console" bash -c "timeout 200 python3 '$(dirname "$0")/cdp-console.py' '$CHROMIUM' '$T/profile' '$URL' '$ART' '$A' '$B' \
	demo-hr-reviewer-1 '$(pass_of demo-hr-reviewer-1) $(demo_secret "$H" demo-hr-reviewer-1)' demo-approver-1 '$(pass_of demo-approver-1) $(demo_secret "$H" demo-approver-1)' '$C' >'$T/seen.json' 2>'$T/cdp.err' ||
	{ grep -v dbus '$T/cdp.err' | tail -n 5 | sed 's/^/# err: /'; exit 1; }"
seen() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/seen.json" "$1"; }
check "the queue lists A and B" seen "'/console/applications/$A\"' in o['queue'] and '/console/applications/$B\"' in o['queue']"
check "the photo of A loaded (naturalWidth > 0) and the form has sections" seen "o['photo_width'] > 0 and o['sections'] >= 2"
check "the first page image of C's PDF loaded (naturalWidth 1200)" seen "o['pdf_page_width'] == 1200"
check "the return went back to the queue with its flash" seen "o['after_return'].endswith('/console/queue?done=returned') and 'Returned' in o['flash_return']"
check "B is returned, the reason shown as text" seen "'returned' in o['b_state'] and '&lt;b&gt;insurance records&lt;/b&gt;' in o['b_history']"
check "the hr reviewer's approve went back to the queue" seen "o['after_approve1'].endswith('/console/queue?done=approved')"
check "the approver approved A at the next step" seen "o['after_logout'].find('/console/login') >= 0 and 'approved' in o['a_state_after'] and o['after_approve2'].endswith('done=approved')"
check "screenshots kept as artefacts, the page fits a phone" bash -c "test \$(ls '$ART'/*.png | wc -l) -ge 9 && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))[\"overflow_phone\"])' '$T/seen.json'"
exit $((_failed > 0))
