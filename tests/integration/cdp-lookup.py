# SPDX-License-Identifier: MIT
# Drives headless Chromium over the DevTools protocol on a pipe
# (--remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4;
# no chromedriver, no npm) to fill in the lookup page of tcard-verifierd like
# a person on a phone would: JavaScript disabled, a phone-sized viewport,
# each field tapped and typed into, the button tapped; then reads the
# answer from the DOM. Prints one JSON object: result (the data-result of
# the answer), text (its text), overflow (the page is wider than the
# screen).
# Usage: python3 cdp-lookup.py CHROMIUM PROFILE_DIR URL CARD NAME ID
import fcntl
import json
import os
import subprocess
import sys
import time

chromium, profile, url, card, name, idno = sys.argv[1:7]
DEADLINE = time.time() + 90

# Chromium reads commands on its fd 3 and writes answers on its fd 4: make
# the pipe ends exactly those descriptors here and pass them on.
to_child_r, to_child_w = os.pipe()
from_child_r, from_child_w = os.pipe()
hi = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
      for fd in (to_child_r, to_child_w, from_child_r, from_child_w)]
for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
    os.close(fd)
to_child_r, to_child_w, from_child_r, from_child_w = hi
os.dup2(to_child_r, 3)
os.dup2(from_child_w, 4)
os.close(to_child_r)
os.close(from_child_w)
proc = subprocess.Popen(
    [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
     "--disable-background-networking", "--disable-sync",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
    pass_fds=(3, 4), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
os.close(3)
os.close(4)

buf = b""
events = []
next_id = 0


def read_message():
    global buf
    while b"\0" not in buf:
        if time.time() > DEADLINE:
            raise SystemExit("timed out waiting for Chromium")
        chunk = os.read(from_child_r, 65536)
        if not chunk:
            raise SystemExit("Chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)


def call(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_child_w, json.dumps(msg).encode() + b"\0")
    while True:
        m = read_message()
        if m.get("id") == next_id:
            if "error" in m:
                raise SystemExit("%s: %s" % (method, m["error"]))
            return m.get("result", {})
        events.append(m)


def wait_event(method, session):
    while True:
        for i, m in enumerate(events):
            if m.get("method") == method and m.get("sessionId") == session:
                del events[i]
                return m
        events.append(read_message())


try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=s)
    call("Emulation.setScriptExecutionDisabled", {"value": True}, s)
    call("Emulation.setDeviceMetricsOverride",
         {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}, s)
    call("Page.navigate", {"url": url}, s)
    wait_event("Page.loadEventFired", s)

    def node(selector):
        root = call("DOM.getDocument", {"depth": 0}, s)["root"]["nodeId"]
        n = call("DOM.querySelector", {"nodeId": root, "selector": selector}, s)["nodeId"]
        if not n:
            raise SystemExit("no %s on the page" % selector)
        return n

    def tap(selector):
        n = node(selector)
        call("DOM.scrollIntoViewIfNeeded", {"nodeId": n}, s)
        q = call("DOM.getBoxModel", {"nodeId": n}, s)["model"]["content"]
        x, y = (q[0] + q[4]) / 2, (q[1] + q[5]) / 2
        for t in ("mousePressed", "mouseReleased"):
            call("Input.dispatchMouseEvent",
                 {"type": t, "x": x, "y": y, "button": "left", "clickCount": 1}, s)

    for selector, text in (("#card", card), ("#name", name), ("#id", idno)):
        tap(selector)
        call("Input.insertText", {"text": text}, s)
    tap("#submit")
    wait_event("Page.loadEventFired", s)
    n = node("#result")
    attrs = call("DOM.getAttributes", {"nodeId": n}, s)["attributes"]
    result = dict(zip(attrs[::2], attrs[1::2])).get("data-result")
    html = call("DOM.getOuterHTML", {"nodeId": n}, s)["outerHTML"]
    metrics = call("Page.getLayoutMetrics", {}, s)
    width = metrics["cssContentSize"]["width"]
    view = metrics["cssLayoutViewport"]["clientWidth"]
    print(json.dumps({"result": result, "text": html,
                      "overflow": width > view + 1}, ensure_ascii=False))
finally:
    try:
        call("Browser.close")
    except BaseException:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
