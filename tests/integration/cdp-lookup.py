# SPDX-License-Identifier: MIT
# Fills in the lookup page of tcard-verifierd in headless Chromium (the
# cdp.py driver) like a person on a phone would: JavaScript disabled, a
# phone-sized viewport, each field tapped and typed into, the button
# tapped; then reads the answer from the DOM. Prints one JSON object:
# result (the data-result of the answer), text (its text), overflow (the
# page is wider than the screen).
# Usage: python3 cdp-lookup.py CHROMIUM PROFILE_DIR URL CARD NAME ID
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

chromium, profile, url, card, name, idno = sys.argv[1:7]

with Browser(chromium, profile) as b:
    p = b.page(javascript=False, phone=True)
    p.navigate(url)
    for selector, text in (("#card", card), ("#name", name), ("#id", idno)):
        p.type(selector, text)
    p.tap("#submit", wait_load=True)
    result = p.attributes("#result").get("data-result")
    print(json.dumps({"result": result, "text": p.html("#result"),
                      "overflow": p.overflow()}, ensure_ascii=False))
