# SPDX-License-Identifier: MIT
# Walks tcard-issuerd's applicants' portal in headless Chromium (the
# cdp.py driver, the steps of pages.py) on a phone's screen (390 x 844):
# a demo applicant signs in through the form, reads the self-check of
# Youyue, starts an application (category and basic information), fills
# the contact, the achievements (the live character counter read), the
# family, education and work entries (one more entry added, left empty
# and dropped), uploads the photo and the materials through the file
# inputs, opens the pledge (its accept button disabled, then enabled
# after its 5 seconds), accepts it and finds the application under "in
# progress"; then signs out and a second applicant gets the 404 page for
# that application.
# A screenshot of each page goes to ART_DIR. Prints one JSON object of
# what it saw.
# Usage: python3 cdp-portal.py CHROMIUM PROFILE URL ART_DIR APPLICANTS PNG PDF
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pages  # noqa: E402
from cdp import Browser  # noqa: E402

(chromium, profile, url, art, applicants, png, pdf) = sys.argv[1:8]
rows = [line.rstrip("\n").split("\t") for line in
        open(applicants, encoding="utf-8") if not line.startswith("#")]
seen = {"overflow": []}


def shot(p, name):
    p.screenshot(os.path.join(art, name + ".png"))
    seen["overflow"].append([name, p.overflow()])


def sign_in(p, row):
    p.navigate(url + "/portal/login?lang=en")
    p.wait_selector("#signin")
    p.type("#login", row[0])
    p.type("#password", row[1])
    p.tap("#signin", wait_load=True)


with Browser(chromium, profile, timeout=170) as br:
    p = br.page(javascript=True, phone=True)
    me = rows[0]
    idn = me[4]
    sign_in(p, me)
    seen["after_signin"] = p.url()
    shot(p, "01-my-matters")
    seen["selfcheck"] = pages.youyue_self_check(p, url, shot, "02-self-check")
    p.type("#basic-id-number", idn)
    pages.youyue_basic(p, me[5], me[6], idn)
    shot(p, "03-new-application")
    n, seen["after_create"] = pages.create(p)
    seen["n"] = n
    shot(p, "04-overview-draft")
    seen.update(pages.youyue_sections(p, url, n, me[5], "applicant@example.com", shot))
    pages.youyue_uploads(p, png, pdf)
    seen["after_uploads"] = p.url()
    seen["mats"] = p.html("#mats")
    shot(p, "07-overview-uploaded")
    p.tap("#to-pledge", wait_load=True)
    seen["disabled_at_first"], seen["enabled_after"] = pages.pledge_countdown(
        p, lambda: shot(p, "08-pledge-countdown"))
    shot(p, "09-pledge-ready")
    p.tap("#accept", wait_load=True)
    seen["after_submit"] = p.url()
    seen["in_progress"] = p.html("#box-in-progress")
    shot(p, "10-my-matters-in-progress")
    p.tap("#logout", wait_load=True)
    seen["after_logout"] = p.url()
    sign_in(p, rows[1])
    target = "%s/portal/applications/%s" % (url, n)
    p.navigate(target)
    seen["other_status"] = p.status(target)
    seen["other_problem"] = p.html("#problem")
    shot(p, "11-other-applicant-404")
    p.navigate(url + "/portal/?lang=zh")
    seen["zh"] = p.html("#box-drafts")
    shot(p, "12-my-matters-zh")
print(json.dumps(seen, ensure_ascii=False))
