# SPDX-License-Identifier: MIT
# Walks tcard-issuerd's applicants' portal in headless Chromium (the
# cdp.py driver) on a phone's screen (390 x 844): a demo applicant signs
# in through the form, reads the self-check of Youyue, starts an
# application (category and basic information), fills the contact, the
# achievements (the live character counter read), the family, education
# and work entries (one more entry added, left empty and dropped),
# uploads the photo and the materials through the file inputs, opens the
# pledge (its accept button disabled, then enabled after its 5 seconds),
# accepts it and finds the application under "in progress"; then signs
# out and a second applicant gets the 404 page for that application.
# A screenshot of each page goes to ART_DIR. Prints one JSON object of
# what it saw.
# Usage: python3 cdp-portal.py CHROMIUM PROFILE URL ART_DIR APPLICANTS PNG PDF
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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


def fill(p, values):
    for sel, text in values:
        p.type(sel, text)


def choose(p, sel, value):
    p.evaluate("document.querySelector(%s).value = %s" %
               (json.dumps(sel), json.dumps(value)))


def section(p, n, sid, values):
    p.navigate("%s/portal/applications/%s/sections/%s" % (url, n, sid))
    p.wait_selector("#save")
    fill(p, values)


with Browser(chromium, profile, timeout=170) as br:
    p = br.page(javascript=True, phone=True)
    me = rows[0]
    idn = me[4]
    sign_in(p, me)
    seen["after_signin"] = p.url()
    shot(p, "01-my-matters")
    p.navigate(url + "/portal/programmes/guangdong-youyue")
    seen["selfcheck"] = p.html("main")
    shot(p, "02-self-check")
    p.tap("#apply", wait_load=True)
    p.wait_selector("#create")
    choose(p, "#clause", "a-1")
    choose(p, "#basic-id-type", "resident-id")
    choose(p, "#basic-work-type", "full-time")
    fill(p, [("#basic-id-number", idn), ("#basic-nationality", "中国"),
             ("#basic-birth-date", "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14])),
             ("#basic-sex", "男" if int(idn[16]) % 2 else "女"),
             ("#basic-id-valid-from", "2015-06-01"), ("#basic-id-valid-to", "permanent"),
             ("#basic-education", "博士研究生"), ("#basic-title", "正高级"),
             ("#basic-political-status", "群众"), ("#basic-employer", me[5]),
             ("#basic-position", "首席科学家"), ("#basic-field", "新材料"),
             ("#basic-employer-address", "广州市天河区科韵路1号"),
             ("#basic-social-insurance", "已参保"), ("#employer-code", me[6])])
    shot(p, "03-new-application")
    p.tap("#create", wait_load=True)
    seen["after_create"] = p.url()
    n = seen["after_create"].split("/portal/applications/")[1].split("?")[0]
    seen["n"] = n
    shot(p, "04-overview-draft")
    section(p, n, "contact", [("#contact-mobile", "13800138000"),
                              ("#contact-email", "applicant@example.com"),
                              ("#contact-wechat", "wx_example"),
                              ("#contact-emergency-mobile", "13900139000"),
                              ("#contact-address", "广州市天河区某小区1栋101")])
    p.tap("#save", wait_load=True)
    section(p, n, "achievements", [("#achievements-text", "二十年新材料研发，主持国家重点研发计划项目。")])
    seen["counter"] = p.evaluate("document.getElementById('achievements-text-count').textContent")
    shot(p, "05-achievements-counter")
    p.tap("#save", wait_load=True)
    section(p, n, "family", [("#family-0-name", "李华"), ("#family-0-relation", "配偶"),
                             ("#family-0-birth-date", "1987-02-03"),
                             ("#family-0-nationality", "中国"),
                             ("#family-0-employer", "广州某中学")])
    p.tap("#add-entry", wait_load=True)
    p.wait_selector("#family-1-name")
    seen["family_kept"] = p.attributes("#family-0-name").get("value")
    shot(p, "06-family-two-entries")
    p.tap("#save", wait_load=True)
    section(p, n, "education", [("#education-0-from", "2003-09-01"), ("#education-0-to", "2012-07-01"),
                                ("#education-0-school", "某某大学"),
                                ("#education-0-school-location", "广州"),
                                ("#education-0-major", "材料学"),
                                ("#education-0-education", "博士研究生"),
                                ("#education-0-degree", "博士")])
    p.tap("#save", wait_load=True)
    section(p, n, "work", [("#work-0-from", "2012-08-01"), ("#work-0-to", "present"),
                           ("#work-0-employer", me[5]), ("#work-0-location", "广州"),
                           ("#work-0-position", "首席科学家"), ("#work-0-duties", "研发管理")])
    p.tap("#save", wait_load=True)
    seen["after_sections"] = p.url()
    for m, f in (("photo", png), ("id-document", pdf), ("labour-contract", pdf),
                 ("tax-or-insurance", pdf), ("eligibility-proof", pdf)):
        p.set_files("#file-" + m, [f])
        p.tap("#upload-" + m, wait_load=True)
    seen["after_uploads"] = p.url()
    seen["mats"] = p.html("#mats")
    shot(p, "07-overview-uploaded")
    p.tap("#to-pledge", wait_load=True)
    p.wait_selector("#accept")
    seen["disabled_at_first"] = p.evaluate("document.getElementById('accept').disabled")
    shot(p, "08-pledge-countdown")
    time.sleep(5.6)
    seen["disabled_after_5s"] = p.evaluate("document.getElementById('accept').disabled")
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
