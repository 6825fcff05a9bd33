# SPDX-License-Identifier: MIT
# Walks tcard-issuerd's production page in headless Chromium (the cdp.py
# driver), on a phone-sized window: the bank branch's producer signs in,
# follows the header's link to /console/production, finds the card in
# "to make" with its deadline, records a failure with a reason typed in
# the form, starts it again and marks it made; the card issuer signs in,
# types a wrong ID number in the deliver form (refused), then the right
# one, and the card leaves the queue. A screenshot of each page goes to
# ART_DIR. The pages have no script; JavaScript is on only so that the
# driver can read them.
# Prints one JSON object of what it saw.
# Usage: python3 cdp-console-production.py CHROMIUM PROFILE URL ART_DIR PARAMS
# PARAMS is a JSON file: ops (name to "PASSPHRASE TOTP-SECRET"), producer,
# issuer (operator names), card, serial, reason, wrong_id, id_number.
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


def shot(p, name):
    p.screenshot(os.path.join(art, name + ".png"))


def cards(p, section):
    """The card numbers listed in a section of the page."""
    return p.evaluate(
        "Array.from(document.querySelectorAll('#%s li strong'),"
        " s => s.textContent)" % section)


def item_text(p, section):
    return p.evaluate(
        "(() => { const l = document.querySelector('#%s li');"
        " return l ? l.textContent : ''; })()" % section)


def form(action):
    return 'form[action="/console/production/%s/%s"]' % (P["serial"], action)


with Browser(chromium, profile, timeout=150) as br:
    p = br.page(javascript=True, phone=True, width=390, height=844)
    pages.staff_sign_in(p, url, P["producer"], P["ops"][P["producer"]])
    p.wait_selector("#logout")
    p.tap('a[href="/console/production"]', wait_load=True)
    seen["url"] = p.url()
    seen["h2"] = p.evaluate(
        "Array.from(document.querySelectorAll('section h2'), h => h.textContent)")
    seen["to_make"] = cards(p, "to-make")
    seen["to_make_text"] = item_text(p, "to-make")
    seen["overflow"] = p.overflow()
    shot(p, "1-to-make")
    p.type(form("fail") + ' input[name="reason"]', P["reason"])
    p.tap(form("fail") + " button", wait_load=True)
    seen["after_fail_url"] = p.url()
    seen["flash"] = p.evaluate(
        "(() => { const f = document.querySelector('.flash');"
        " return f ? f.textContent : ''; })()")
    seen["failed"] = cards(p, "failed")
    seen["failed_text"] = item_text(p, "failed")
    seen["failed_html"] = p.html("#failed")
    shot(p, "2-failed")
    p.tap(form("start") + " button", wait_load=True)
    seen["restarted"] = cards(p, "to-make")
    p.tap(form("made") + " button", wait_load=True)
    seen["made"] = cards(p, "made")
    seen["producer_deliver_form"] = p.query(form("deliver")) is not None
    shot(p, "3-made")
    p.tap("#logout", wait_load=True)

    pages.staff_sign_in(p, url, P["issuer"], P["ops"][P["issuer"]])
    p.wait_selector("#logout")
    p.navigate(url + "/console/production?lang=en")
    seen["issuer_made"] = cards(p, "made")
    seen["issuer_made_text"] = item_text(p, "made")
    shot(p, "4-to-deliver")
    p.type(form("deliver") + ' input[name="id_number"]', P["wrong_id"])
    p.tap(form("deliver") + " button", wait_load=True)
    seen["wrong_status"] = p.status(
        url + "/console/production/%s/deliver" % P["serial"])
    seen["wrong_body"] = p.evaluate("document.body.textContent")
    shot(p, "5-wrong-id")
    p.navigate(url + "/console/production?lang=en")
    p.type(form("deliver") + ' input[name="id_number"]', P["id_number"])
    p.tap(form("deliver") + " button", wait_load=True)
    seen["delivered_url"] = p.url()
    seen["left"] = (cards(p, "to-make") + cards(p, "failed")
                    + cards(p, "made"))
    seen["final_body"] = p.evaluate("document.body.textContent")
    shot(p, "6-delivered")
print(json.dumps(seen, ensure_ascii=False))
