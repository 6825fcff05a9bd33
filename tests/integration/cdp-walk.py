# SPDX-License-Identifier: MIT
# The walk of issue 16's "Done when" in headless Chromium (the cdp.py
# driver), in two sittings of the applicant.
#
# apply: the applicant signs in at the OpenID provider (its interaction
# page, login typed), reads the self-check of Youyue, starts an
# application (the name and ID number the identity's: read-only and
# shown, or typed when the form still asks), fills every section,
# uploads the photo and the materials, watches the pledge's countdown
# and submits. The unit's reviewer, at a desk (another browser, with
# PROFILE-desk), signs in to the console (passphrase and TOTP) and
# returns it with a reason. The return's e-mail arrives in MAIL (the SMTP server's directory, one
# file a message) at the form's address; the applicant follows its link,
# finds the application under "to do" with the reason, fixes the work
# section, pledges again and resubmits; the reviewer approves it.
#
# ecard: once the office has issued the card and signed its e-card, the
# applicant signs in again, opens the application and downloads the
# e-card's QR code and its phone image into DOWNLOADS.
#
# A screenshot of each page goes to ART_DIR. Prints one JSON object of
# what it saw.
# Usage: python3 cdp-walk.py apply CHROMIUM PROFILE URL ART_DIR MAIL
#            NAME IDNUMBER LOGIN EMAIL EMPLOYER CODE PNG PDF REVIEWER PASS
#        python3 cdp-walk.py ecard CHROMIUM PROFILE URL ART_DIR N DOWNLOADS
#            LOGIN
# (PASS: "PASSPHRASE TOTP-SECRET" of REVIEWER.)
import email
import email.policy
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pages  # noqa: E402
from cdp import Browser, CdpError  # noqa: E402

phase, chromium, profile, url, art = sys.argv[1:6]
seen = {"overflow": []}


def shot(p, name):
    print("cdp-walk: " + name, file=sys.stderr)
    p.screenshot(os.path.join(art, name + ".png"))
    seen["overflow"].append([name, p.overflow()])


def sign_in(p, login, tag):
    """Through the identity platform: the sign-in page's link to it when
    there is one, else /portal/oidc/start; the provider's page asks the
    login unless its session still knows the browser."""
    p.navigate(url + "/portal/login?lang=en")
    if p.query('a[href^="/portal/oidc/start"]'):
        p.tap('a[href^="/portal/oidc/start"]', wait_load=True)
    else:
        p.navigate(url + "/portal/oidc/start")
    if "/interaction/" in p.url():
        p.wait_selector('input[name="login"]')
        shot(p, tag + "-provider-login")
        p.type('input[name="login"]', login)
        p.tap("button", wait_load=True)
    seen[tag + "_after_signin"] = p.url()
    p.navigate(url + "/portal/?lang=en")
    p.wait_selector("#box-drafts")


def read_only_or_type(p, sel, value, key):
    """The identity's value in the form: when the field is read-only (or
    not a field at all), what it shows is kept in seen[key]; else it is
    typed (or kept when the server filled it in)."""
    st = p.evaluate("(() => { const e = document.querySelector(%s);"
                    " return e ? [e.readOnly || e.disabled, e.value] : null; })()"
                    % json.dumps(sel))
    if st is None or st[0]:
        seen[key] = {"read_only": True, "shown": st[1] if st else p.html("main")}
        return
    seen[key] = {"read_only": False, "shown": st[1]}
    if st[1] != value:
        p.evaluate("document.querySelector(%s).value = ''" % json.dumps(sel))
        p.type(sel, value)


def wait_mail(maildir, to, n, seconds=20):
    """The first message in maildir to address to about application n."""
    end = time.time() + seconds
    while time.time() < end:
        for f in sorted(os.listdir(maildir)):
            with open(os.path.join(maildir, f), "rb") as fh:
                m = email.message_from_bytes(fh.read(), policy=email.policy.default)
            if (m["To"] and m["To"].addresses[0].addr_spec == to and
                    "/portal/applications/%s" % n in m.get_content()):
                return f, m
        time.sleep(0.2)
    raise CdpError("no e-mail to %s about application %s" % (to, n))


def pledge(p, tag):
    p.tap("#to-pledge", wait_load=True)
    disabled, secs = pages.pledge_countdown(p)
    seen[tag] = {"disabled_at_first": disabled, "enabled_after": secs}
    shot(p, tag)
    p.tap("#accept", wait_load=True)


def walk_apply(br, desk_br, maildir, name, idn, login, addr, employer, code, png, pdf,
               reviewer, pw):
    p = br.page(javascript=True, phone=True)
    sign_in(p, login, "01")
    seen["account"] = p.html("header")
    shot(p, "02-my-matters")
    seen["selfcheck"] = pages.youyue_self_check(p, url, shot, "03-self-check")
    read_only_or_type(p, "#basic-name", name, "name_field")
    read_only_or_type(p, "#basic-id-number", idn, "id_field")
    pages.youyue_basic(p, employer, code, idn)
    shot(p, "04-new-application")
    n, seen["after_create"] = pages.create(p)
    seen["n"] = n
    seen.update(pages.youyue_sections(p, url, n, employer, addr, shot))
    pages.youyue_uploads(p, png, pdf)
    seen["after_uploads"] = p.url()
    seen["mats"] = p.html("#mats")
    shot(p, "07-overview-uploaded")
    pledge(p, "08-pledge")
    seen["after_submit"] = p.url()
    seen["in_progress"] = p.html("#box-in-progress")
    shot(p, "09-my-matters-submitted")

    desk = desk_br.page(javascript=True, width=1280, height=900)
    pages.staff_sign_in(desk, url, reviewer, pw)
    desk.wait_selector("#queue")
    seen["queue"] = desk.html("#queue")
    shot(desk, "10-console-queue")
    desk.navigate("%s/console/applications/%s" % (url, n))
    desk.type("#reason", "请补充工作经历的职责说明")
    shot(desk, "11-console-return")
    desk.tap("#return", wait_load=True)
    seen["after_return"] = desk.url()

    f, m = wait_mail(maildir, addr, n)
    seen["mail"] = f
    link = re.search(r"https?://[^\s]+/portal/applications/%s\b" % n, m.get_content())
    seen["mail_link"] = link.group(0) if link else None
    p.navigate(url + "/portal/?lang=en")
    seen["to_do"] = p.html("#box-to-do")
    shot(p, "12-my-matters-to-do")
    p.navigate(seen["mail_link"])
    seen["return_reason"] = p.html("#return-reason")
    shot(p, "13-application-returned")
    pages.section(p, url, n, "work", [])
    p.evaluate("document.getElementById('work-0-duties').value = ''")
    p.type("#work-0-duties", "研发管理：负责新材料研发团队和国家重点项目")
    p.tap("#save", wait_load=True)
    seen["after_fix"] = p.url()
    pledge(p, "14-pledge-again")
    seen["after_resubmit"] = p.url()
    seen["in_progress_again"] = p.html("#box-in-progress")
    shot(p, "15-my-matters-resubmitted")

    desk.navigate("%s/console/applications/%s" % (url, n))
    desk.tap("#approve", wait_load=True)
    seen["after_approve"] = desk.url()
    shot(desk, "16-console-approved")


def walk_ecard(br, n, downloads, login):
    p = br.page(javascript=True, phone=True)
    sign_in(p, login, "20")
    seen["completed"] = p.html("#box-completed")
    shot(p, "21-my-matters-completed")
    p.navigate("%s/portal/applications/%s" % (url, n))
    p.wait_selector("#ecard-qr-img")
    seen["card_no"] = p.evaluate("document.getElementById('card-no').textContent")
    seen["card_status"] = p.evaluate("document.getElementById('card-status').textContent")
    seen["qr_width"] = p.image_width("#ecard-qr-img")
    shot(p, "22-your-card")
    seen["phone_png"] = p.download("#ecard-phone", downloads)
    seen["qr_png"] = p.download("#ecard-qr", downloads)


with Browser(chromium, profile, timeout=120) as br:
    if phase == "apply":
        # The reviewer's desk: another browser (a page in the background
        # would have its timers slowed, the pledge's countdown too).
        with Browser(chromium, profile + "-desk", timeout=120) as desk_br:
            walk_apply(br, desk_br, *sys.argv[6:18])
    else:
        walk_ecard(br, *sys.argv[6:9])
print(json.dumps(seen, ensure_ascii=False))
