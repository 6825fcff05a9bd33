# SPDX-License-Identifier: MIT
# Walks tcard-issuerd's staff console in headless Chromium (the cdp.py
# driver) as two reviewers at their desks: the first signs in through the
# form, opens the queue, opens application A and checks that its photo
# loaded (naturalWidth > 0) and, given C, that the first page image of
# C's PDF material loaded too, returns application B with a reason and
# approves A at its review step, signs out; the second (another operator,
# as four eyes demands) signs in and approves A at its approval step. A
# screenshot of each page goes to ART_DIR. The pages have no script; the
# browser's JavaScript stays on only so the driver can read naturalWidth.
# Prints one JSON object of what it saw.
# Usage: python3 cdp-console.py CHROMIUM PROFILE URL ART_DIR A B
#        OP1 PASS1 OP2 PASS2 [C]
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
import pages  # noqa: E402

(chromium, profile, url, art, a, b, op1, pw1, op2, pw2) = sys.argv[1:11]
c = sys.argv[11] if len(sys.argv) > 11 else None
seen = {}


def shot(p, name):
    p.screenshot(os.path.join(art, name + ".png"))


def sign_in(p, op, pw, tag):
    pages.staff_sign_in(p, url, op, pw, lambda: shot(p, tag + "-signin"))


with Browser(chromium, profile, timeout=150) as br:
    p = br.page(javascript=True, width=1280, height=900)
    sign_in(p, op1, pw1, "1")
    p.wait_selector("#queue")
    seen["queue"] = p.html("#queue")
    shot(p, "2-queue")
    p.tap('a[href="/console/applications/%s"]' % a, wait_load=True)
    p.wait_selector("img.att")
    seen["photo_width"] = p.image_width("img.att")
    seen["sections"] = p.evaluate(
        "document.querySelectorAll('section.form-section').length")
    seen["overflow_desk"] = p.overflow()
    shot(p, "3-application-a")
    if c is not None:
        p.navigate(url + "/console/applications/" + c)
        p.wait_selector("img.page")
        seen["pdf_page_width"] = p.image_width("img.page")
        shot(p, "3b-application-c-pdf")
    p.navigate(url + "/console/applications/" + b)
    p.type("#reason", "请补充社保证明 <b>insurance records</b>")
    shot(p, "4-application-b-return")
    p.tap("#return", wait_load=True)
    seen["after_return"] = p.url()
    seen["flash_return"] = p.html("#flash")
    p.navigate(url + "/console/applications/" + b)
    seen["b_state"] = p.html("#state")
    seen["b_history"] = p.html("#history")
    shot(p, "5-application-b-returned")
    p.navigate(url + "/console/applications/" + a)
    p.tap("#approve", wait_load=True)
    seen["after_approve1"] = p.url()
    shot(p, "6-queue-after-approve")
    p.tap("#logout", wait_load=True)
    seen["after_logout"] = p.url()
    sign_in(p, op2, pw2, "7")
    p.navigate(url + "/console/applications/" + a)
    seen["a_state_before"] = p.html("#state")
    p.tap("#approve", wait_load=True)
    seen["after_approve2"] = p.url()
    p.navigate(url + "/console/applications/" + a)
    seen["a_state_after"] = p.html("#state")
    shot(p, "8-application-a-approved")
    phone = br.page(javascript=False, phone=True)
    phone.navigate(url + "/console/applications/" + a)
    seen["overflow_phone"] = phone.overflow()
    shot(phone, "9-application-a-phone")
print(json.dumps(seen, ensure_ascii=False))
