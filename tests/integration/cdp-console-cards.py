# SPDX-License-Identifier: MIT
# Walks tcard-issuerd's search and card page in headless Chromium (the
# cdp.py driver): unit A's and unit B's reviewers each search by the
# beginning of a name through the header's search form, then the clerk
# searches by the same name, by an application number and by a card
# number typed with spaces; on that card's page the clerk fills in the
# upgrade form with a supporting document chosen in its file input,
# posts it once with the form's csrf field removed, then as it is, lands
# on the new application, finds the document among its materials (its
# first page shown as an image) and downloads it by its link; a last search by the holder's name lists the
# card's applications. A screenshot of each page goes to ART_DIR. The
# pages have no script; JavaScript is on so the driver can read the
# tables and remove the csrf field.
# Prints one JSON object of what it saw.
# Usage: python3 cdp-console-cards.py CHROMIUM PROFILE URL ART_DIR PARAMS
# PARAMS is a JSON file: ops (name to "PASSPHRASE TOTP-SECRET"), ua, ub,
# clerk (operator names), prefix, app, card (as typed), card_page, tier,
# clause, document (a file's path), holder, downloads (a directory).
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
import pages  # noqa: E402

chromium, profile, url, art, params = sys.argv[1:6]
with open(params, encoding="utf-8") as f:
    P = json.load(f)
seen = {}
ROWS = ("(() => { const t = document.querySelector('#results');"
        " return t ? Array.from(t.querySelectorAll('tbody tr td:first-child a'),"
        " a => Number(a.textContent)) : []; })()")


def shot(p, name):
    p.screenshot(os.path.join(art, name + ".png"))


def sign_in(p, op, tag):
    pages.staff_sign_in(p, url, op, P["ops"][op])
    p.wait_selector("#logout")
    shot(p, tag + "-signed-in")


def search(p, q, tag):
    """Types q into the header's search field and submits it."""
    p.type('form[role="search"] input[name="q"]', q)
    p.tap('form[role="search"] button', wait_load=True)
    shot(p, tag)
    return p.url()


def text(p, selector):
    return p.evaluate("document.querySelector(%s).textContent"
                      % json.dumps(selector))


def fill_upgrade(p):
    p.type('#upgrade input[name="tier"]', P["tier"])
    p.type('#upgrade input[name="clause"]', P["clause"])
    p.tap('#upgrade input[name="draft"]')
    p.set_files('#upgrade input[type="file"]', [P["document"]])


with Browser(chromium, profile, timeout=150) as br:
    p = br.page(javascript=True, width=1280, height=900)
    # Two units' reviewers search by the same beginning of a name.
    for who, tag in (("ua", "1"), ("ub", "2")):
        sign_in(p, P[who], tag)
        seen[who + "_url"] = search(p, P["prefix"], tag + "-search-name")
        seen[who + "_rows"] = p.evaluate(ROWS)
        p.tap("#logout", wait_load=True)
    # The clerk: by name, by application number, by card number.
    sign_in(p, P["clerk"], "3")
    search(p, P["prefix"], "3-search-name")
    seen["clerk_rows"] = p.evaluate(ROWS)
    seen["app_url"] = search(p, P["app"], "4-search-application")
    seen["app_h1"] = text(p, "h1")
    seen["app_applicant"] = text(p, "#applicant")
    seen["card_url"] = search(p, P["card"], "5-search-card")
    seen["card_h1"] = text(p, "h1")
    seen["card_holder"] = text(p, "#holder")
    # The upgrade form without its csrf field: refused.
    action = url + "/console/cards/%s/upgrade" % P["card_page"]
    fill_upgrade(p)
    p.evaluate("document.querySelector('#upgrade input[name=\"csrf\"]')"
               ".remove()")
    seen["csrf_field_left"] = p.query('#upgrade input[name="csrf"]')
    shot(p, "6-upgrade-without-csrf")
    p.tap("#upgrade button", wait_load=True)
    seen["nocsrf_status"] = p.status(action)
    seen["nocsrf_url"] = p.url()
    seen["nocsrf_h1"] = text(p, "h1")
    shot(p, "7-refused-403")
    # The same form as the page gives it: a new application.
    p.navigate(url + "/console/cards/" + P["card_page"])
    fill_upgrade(p)
    shot(p, "8-upgrade-filled")
    p.tap("#upgrade button", wait_load=True)
    seen["upgrade_url"] = p.url()
    seen["upgrade_state"] = text(p, "#state")
    seen["upgrade_summary"] = text(p, "#summary")
    seen["materials"] = p.evaluate(
        "Array.from(document.querySelectorAll('#materials li'),"
        " li => li.querySelector('.muted').textContent)")
    k = p.evaluate(
        "Array.from(document.querySelectorAll('#materials li'),"
        " li => li.querySelector('.muted').textContent).indexOf(%s)"
        % json.dumps(os.path.basename(P["document"])))
    # Its first page as an image (lazy: scrolled to, then loaded).
    page = "#materials li:nth-child(%d) img.page" % (k + 1)
    p.call("DOM.scrollIntoViewIfNeeded", {"nodeId": p.wait_selector(page)})
    seen["page_width"] = p.image_width(page)
    shot(p, "9-upgrade-application")
    seen["download"] = p.download(
        "#materials li:nth-child(%d) a[download]" % (k + 1), P["downloads"])
    # By the holder's name: the card's own application and the upgrade.
    search(p, P["holder"], "10-search-holder")
    seen["holder_rows"] = p.evaluate(ROWS)
print(json.dumps(seen, ensure_ascii=False))
