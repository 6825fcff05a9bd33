#!/bin/bash
# SPDX-License-Identifier: MIT
# The applicants' portal of tcard-issuerd in a real browser on a phone's
# screen: headless Chromium (Debian's chromium, driven over
# --remote-debugging-pipe by cdp-portal.py on cdp.py) walks a demo
# applicant from sign-in through the self-check of Youyue, a new
# application and every section, the uploads (a 358 x 441 photo and the
# materials), the pledge whose accept button waits 5 seconds, to "my
# matters" showing it in progress; another applicant gets the 404 page
# for it. Screenshots (390 x 844) are kept in
# BUILD/test-logs/187-portal-chromium/. Made-up people only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/issuerd-lib.sh"
id_env
chromium_env
echo "1..15"

check "demo authority" id_demo
check "tcard-issuerd starts" start_id
mkpng 358 441 "$T/photo.png"
mkpdf "$T/m.pdf" material
mkdir -p "$T/profile"
check "Chromium walks the portal" bash -c "timeout 200 python3 '$(dirname "$0")/cdp-portal.py' '$CHROMIUM' '$T/profile' '$URL' '$ART' \
	'$H/demo-applicants.txt' '$T/photo.png' '$T/m.pdf' >'$T/seen.json' 2>'$T/cdp.err' ||
	{ grep -v dbus '$T/cdp.err' | tail -n 5 | sed 's/^/# err: /'; exit 1; }"
seen() { python3 -c 'import json, sys; o = json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(not eval(sys.argv[2]))' "$T/seen.json" "$1"; }
check "signed in: my matters" seen "o['after_signin'].endswith('/portal/')"
check "the self-check shows the clause, the materials and the pledge" \
	seen "'Nobel' in o['selfcheck'] and 'Labour contract' in o['selfcheck'] and 'pledge-text' in o['selfcheck']"
check "the new application's page" seen "'/portal/applications/' in o['after_create'] and 'done=created' in o['after_create']"
check "the achievements' counter counted the characters typed" seen "o['counter'] == '22 / 1000'"
check "an entry added, the first one's value kept" seen "o['family_kept'] == '李华'"
check "every section saved" seen "o['after_sections'].endswith('done=saved')"
check "the photo and four materials uploaded" seen "o['after_uploads'].endswith('done=uploaded#materials') and o['mats'].count('uploaded</a>') == 5"
check "the accept button: disabled at first, enabled after 5 seconds" seen "o['disabled_at_first'] is True and 4.5 <= o['enabled_after'] <= 5.6"
check "submitted: my matters shows it in progress" \
	seen "o['after_submit'].endswith('/portal/?done=submitted') and '/portal/applications/%s\"' % o['n'] in o['in_progress']"
check "another applicant: the 404 page" seen "o['other_status'] == 404 and 'problem' in o['other_problem']"
check "the page in Chinese" seen "'草稿箱' in o['zh']"
check "screenshots kept, no page wider than the phone" bash -c "test \$(ls '$ART'/*.png | wc -l) -ge 12 &&
	python3 -c 'import json,sys; o = json.load(open(sys.argv[1])); w = [n for n, x in o[\"overflow\"] if x]; print(\"# too wide:\", w) if w else None; sys.exit(bool(w))' '$T/seen.json'"
exit $((_failed > 0))
