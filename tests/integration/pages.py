# SPDX-License-Identifier: MIT
# Steps on tcard-issuerd's pages shared by the Chromium drivers
# (cdp-portal.py, cdp-walk.py, cdp-console.py, cdp-console-cards.py) on
# a cdp.py Page: an applicant's Youyue application (its first form, the
# sections, the uploads, the pledge and its countdown) and a staff
# member's sign-in with passphrase and TOTP. Made-up values only; the
# caller screenshots between the steps.
import json
import time

import totp


def fill(p, values):
    for sel, text in values:
        p.type(sel, text)


def choose(p, sel, value):
    """Chooses value in a select (a read-only field, the identity's, is
    left as it is)."""
    p.evaluate("(e => { if (!e.readOnly) e.value = %s; })(document.querySelector(%s))" %
               (json.dumps(value), json.dumps(sel)))


def section(p, url, n, sid, values):
    p.navigate("%s/portal/applications/%s/sections/%s" % (url, n, sid))
    p.wait_selector("#save")
    fill(p, values)


def birth_date(idn):
    return "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14])


def youyue_self_check(p, url, shot, name):
    """Reads Youyue's self-check page (shot(p, name)) and opens its new
    application's form from it; the page's main HTML."""
    p.navigate(url + "/portal/programmes/guangdong-youyue")
    html = p.html("main")
    shot(p, name)
    p.tap("#apply", wait_load=True)
    p.wait_selector("#create")
    return html


def youyue_basic(p, employer, code, idn):
    """The first form of a Youyue application after its self-check page
    (category a-1 and the basic information but the name and the ID
    number, idn, whose birth date and sex it gives)."""
    choose(p, "#clause", "a-1")
    choose(p, "#basic-id-type", "resident-id")
    choose(p, "#basic-work-type", "full-time")
    fill(p, [
        ("#basic-nationality", "中国"), ("#basic-birth-date", birth_date(idn)),
        ("#basic-sex", "男" if int(idn[16]) % 2 else "女"),
        ("#basic-id-valid-from", "2015-06-01"), ("#basic-id-valid-to", "permanent"),
        ("#basic-education", "博士研究生"), ("#basic-title", "正高级"),
        ("#basic-political-status", "群众"), ("#basic-employer", employer),
        ("#basic-position", "首席科学家"), ("#basic-field", "新材料"),
        ("#basic-employer-address", "广州市天河区科韵路1号"),
        ("#basic-social-insurance", "已参保"), ("#employer-code", code)])


def create(p):
    """Keeps the first form: the new application's number, and the URL
    it landed on."""
    p.tap("#create", wait_load=True)
    at = p.url()
    return at.split("/portal/applications/")[1].split("?")[0], at


def youyue_sections(p, url, n, employer, email, shot):
    """Every section after the first form, each saved; shot(p, NAME) where
    the countdown and the added entry are to be seen. What was read: the
    achievements' counter and the first family entry's name after an
    entry was added."""
    seen = {}
    section(p, url, n, "contact", [("#contact-mobile", "13800138000"),
                                   ("#contact-email", email),
                                   ("#contact-wechat", "wx_example"),
                                   ("#contact-emergency-mobile", "13900139000"),
                                   ("#contact-address", "广州市天河区某小区1栋101")])
    p.tap("#save", wait_load=True)
    section(p, url, n, "achievements",
            [("#achievements-text", "二十年新材料研发，主持国家重点研发计划项目。")])
    seen["counter"] = p.evaluate(
        "document.getElementById('achievements-text-count').textContent")
    shot(p, "05-achievements-counter")
    p.tap("#save", wait_load=True)
    section(p, url, n, "family", [("#family-0-name", "李华"), ("#family-0-relation", "配偶"),
                                  ("#family-0-birth-date", "1987-02-03"),
                                  ("#family-0-nationality", "中国"),
                                  ("#family-0-employer", "广州某中学")])
    p.tap("#add-entry", wait_load=True)
    p.wait_selector("#family-1-name")
    seen["family_kept"] = p.attributes("#family-0-name").get("value")
    shot(p, "06-family-two-entries")
    p.tap("#save", wait_load=True)
    section(p, url, n, "education", [("#education-0-from", "2003-09-01"),
                                     ("#education-0-to", "2012-07-01"),
                                     ("#education-0-school", "某某大学"),
                                     ("#education-0-school-location", "广州"),
                                     ("#education-0-major", "材料学"),
                                     ("#education-0-education", "博士研究生"),
                                     ("#education-0-degree", "博士")])
    p.tap("#save", wait_load=True)
    section(p, url, n, "work", [("#work-0-from", "2012-08-01"), ("#work-0-to", "present"),
                                ("#work-0-employer", employer), ("#work-0-location", "广州"),
                                ("#work-0-position", "首席科学家"),
                                ("#work-0-duties", "研发管理")])
    p.tap("#save", wait_load=True)
    seen["after_sections"] = p.url()
    return seen


def youyue_uploads(p, png, pdf):
    """The photo and the four materials of a full-time applicant, each
    through its file input."""
    for m, f in (("photo", png), ("id-document", pdf), ("labour-contract", pdf),
                 ("tax-or-insurance", pdf), ("eligibility-proof", pdf)):
        p.set_files("#file-" + m, [f])
        p.tap("#upload-" + m, wait_load=True)


def pledge_countdown(p, on_countdown=None, seconds=15):
    """On the pledge page: whether the accept button was disabled when
    the page came, and the seconds until it was enabled (watched, not
    slept through; None: not within seconds). on_countdown() is called
    while it counts down."""
    p.wait_selector("#accept")
    start = time.time()
    disabled = p.evaluate("document.getElementById('accept').disabled")
    if on_countdown is not None:
        on_countdown()
    while time.time() - start < seconds:
        if not p.evaluate("document.getElementById('accept').disabled"):
            return disabled, round(time.time() - start, 1)
        time.sleep(0.1)
    return disabled, None


def staff_sign_in(p, url, op, pw, on_form=None):
    """Signs op in at the console's form; pw is "PASSPHRASE TOTP-SECRET":
    the code is made as a person's authenticator would, just before it
    is typed. on_form() is called when the form is there."""
    pw, secret = pw.split(" ", 1)
    p.navigate(url + "/console/?lang=en")
    p.wait_selector("#signin")
    if on_form is not None:
        on_form()
    p.type("#operator", op)
    p.type("#passphrase", pw)
    p.type("#otp", totp.code(secret, int(time.time())))
    p.tap("#signin", wait_load=True)
