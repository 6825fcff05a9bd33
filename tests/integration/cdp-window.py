# SPDX-License-Identifier: MIT
# Walks tcard-verifierd's window page (/window) in headless Chromium (the
# cdp.py driver) on a tablet-sized window, as a gym desk would: signs in
# with the window's staff token, picks the gym service, types a QR text
# into the field that has the focus and presses Enter (what a USB barcode
# scanner does), reads the verdict and the services with what is left,
# counts a use and reads the receipt, goes back and scans a suspended
# card. Then the same pages on a 390 px phone, for horizontal scrolling.
# A screenshot of each page goes to ART_DIR. The pages have no script;
# JavaScript is on only so that the driver can read them.
# Prints one JSON object of what it saw.
# Usage: python3 cdp-window.py CHROMIUM PROFILE URL ART_DIR PARAMS
# PARAMS is a JSON file: token, service, qr_valid, qr_suspended.
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

chromium, profile, url, art, params = sys.argv[1:6]
with open(params, encoding="utf-8") as f:
    P = json.load(f)
seen = {}


def shot(p, name):
    p.screenshot(os.path.join(art, name + ".png"))


def scan(p, text):
    """Types text into the focused element and presses Enter, as a
    scanner does; waits for the next page."""
    focused(p, "qr")
    p.call("Input.insertText", {"text": text})
    for t in ("keyDown", "keyUp"):
        p.call("Input.dispatchKeyEvent",
               {"type": t, "key": "Enter", "code": "Enter",
                "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13,
                **({"text": "\r"} if t == "keyDown" else {})})
    p.wait_load()


def focused(p, want):
    """The id of the focused element, once it is want or after 3 s:
    autofocus applies a moment after the load event."""
    end = time.time() + 3
    while True:
        got = p.evaluate("document.activeElement ? document.activeElement.id : ''")
        if got == want or time.time() >= end:
            return got
        time.sleep(0.05)


def text(p, selector):
    return p.evaluate(
        "(() => { const e = document.querySelector(%s);"
        " return e ? e.textContent : null; })()" % json.dumps(selector))


def uses(p):
    return p.evaluate(
        "Array.from(document.querySelectorAll('#uses .use'), u => ({"
        " service: u.dataset.service,"
        " remaining: u.querySelector('.left').dataset.remaining,"
        " countable: !!u.querySelector('button.count'),"
        " party: !!u.querySelector('input[name=party]')}))")


with Browser(chromium, profile, timeout=150) as br:
    p = br.page(javascript=True, width=820, height=1180)
    p.call("Emulation.setFocusEmulationEnabled", {"enabled": True})
    p.navigate(url + "/window?lang=en")
    seen["signin_focus"] = focused(p, "token")
    shot(p, "1-sign-in")
    p.type("#token", P["token"])
    p.tap("#signin", wait_load=True)
    seen["after_signin_url"] = p.url()
    seen["listed"] = p.evaluate(
        "Array.from(document.querySelectorAll('#services a'),"
        " a => a.dataset.service)")
    seen["window"] = text(p, "#window")
    p.tap('a[data-service="%s"]' % P["service"], wait_load=True)
    seen["chosen"] = p.attributes("#service").get("data-service")
    seen["chosen_name"] = text(p, "#service")
    seen["scan_focus"] = focused(p, "qr")
    shot(p, "2-scan")
    scan(p, P["qr_valid"])
    seen["verdict_url"] = p.url()
    seen["result"] = p.attributes("#result").get("data-result")
    seen["verdict"] = text(p, "#verdict")
    seen["name"] = text(p, "#name")
    seen["programme"] = text(p, "#programme")
    seen["tier"] = text(p, "#tier")
    seen["uses"] = uses(p)
    shot(p, "3-verdict")
    p.tap('.use[data-service="%s"] button.count' % P["service"],
          wait_load=True)
    seen["receipt"] = p.attributes("#receipt")
    seen["receipt_left"] = p.attributes("#receipt .left")
    seen["receipt_text"] = text(p, "#receipt")
    shot(p, "4-receipt")
    p.tap("#back", wait_load=True)
    seen["back_focus"] = focused(p, "qr")
    scan(p, P["qr_valid"])
    seen["uses_after"] = uses(p)
    p.tap("#back", wait_load=True)
    scan(p, P["qr_suspended"])
    seen["suspended_result"] = p.attributes("#result").get("data-result")
    seen["suspended_verdict"] = text(p, "#verdict")
    seen["suspended_uses"] = p.query("#uses .use") != 0
    shot(p, "5-suspended")

    # The same session on a phone.
    q = br.page(javascript=True, phone=True)
    q.navigate(url + "/window/")
    seen["phone_home_overflow"] = q.overflow()
    shot(q, "6-phone-scan")
    q.call("Emulation.setFocusEmulationEnabled", {"enabled": True})
    q.evaluate("document.getElementById('qr').focus()")
    scan(q, P["qr_valid"])
    seen["phone_result"] = q.attributes("#result").get("data-result")
    seen["phone_verdict_overflow"] = q.overflow()
    shot(q, "7-phone-verdict")
    q.navigate(url + "/window/?lang=zh")
    seen["zh_heading"] = text(q, "#services h2")
    shot(q, "8-phone-zh")
    q.tap("#signout", wait_load=True)
    seen["signed_out_url"] = q.url()
    seen["signed_out_form"] = q.query("#token") != 0
print(json.dumps(seen, ensure_ascii=False))
