# SPDX-License-Identifier: MIT
# A small driver of headless Chromium over the DevTools protocol on a pipe
# (--remote-debugging-pipe: NUL-separated JSON on the child's descriptors 3
# and 4; no chromedriver, no npm), for the browser tests: start, open a
# page (a target with its session), navigate, tap an element as a finger
# would, type, choose the files of a file input, wait for a page load or a
# selector, read attributes, HTML, layout and the HTTP status of a page
# loaded, the width of an image once loaded, evaluate an expression (when
# JavaScript is on), download what a
# link points to, save a screenshot. Every wait is bounded by one deadline
# per browser.
# Usage: from cdp import Browser
#     with Browser(chromium, profile_dir) as b:
#         p = b.page(javascript=False, phone=True)
#         p.navigate(url); p.type("#name", "..."); p.tap("#submit", wait_load=True)
import base64
import fcntl
import json
import os
import select
import subprocess
import time


class CdpError(Exception):
    pass


class Browser:
    def __init__(self, chromium, profile, timeout=90):
        self.deadline = time.time() + timeout
        self.buf = b""
        self.events = []
        self.next_id = 0
        # Chromium reads commands on its fd 3 and writes answers on its
        # fd 4: make the pipe ends exactly those descriptors in the child.
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        hi = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
              for fd in (to_r, to_w, from_r, from_w)]
        for fd in (to_r, to_w, from_r, from_w):
            os.close(fd)
        to_r, self.to_w, self.from_r, from_w = hi
        saved = [os.dup(3) if _isopen(3) else None,
                 os.dup(4) if _isopen(4) else None]
        os.dup2(to_r, 3)
        os.dup2(from_w, 4)
        os.close(to_r)
        os.close(from_w)
        try:
            self.proc = subprocess.Popen(
                [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--no-default-browser-check",
                 "--disable-extensions", "--disable-background-networking",
                 "--disable-sync", "--remote-debugging-pipe",
                 "--user-data-dir=" + profile, "about:blank"],
                pass_fds=(3, 4), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL)
        finally:
            for fd, old in ((3, saved[0]), (4, saved[1])):
                if old is None:
                    os.close(fd)
                else:
                    os.dup2(old, fd)
                    os.close(old)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def read_message(self):
        while b"\0" not in self.buf:
            left = self.deadline - time.time()
            if left <= 0 or not select.select([self.from_r], [], [], left)[0]:
                raise CdpError("timed out waiting for Chromium")
            chunk = os.read(self.from_r, 65536)
            if not chunk:
                raise CdpError("Chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise CdpError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    del self.events[i]
                    return m
            self.events.append(self.read_message())

    def page(self, javascript=True, phone=False, width=1280, height=900):
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = self.call("Target.attachToTarget",
                      {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, s, javascript, phone, width, height)

    def close(self):
        try:
            self.call("Browser.close")
        except BaseException:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _isopen(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


class Page:
    def __init__(self, browser, session, javascript, phone, width, height):
        self.b = browser
        self.s = session
        self.call("Page.enable")
        self.call("Network.enable")
        if not javascript:
            self.call("Emulation.setScriptExecutionDisabled", {"value": True})
        if phone:
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 3,
                       "mobile": True})
        else:
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height,
                       "deviceScaleFactor": 1, "mobile": False})

    def call(self, method, params=None):
        return self.b.call(method, params, self.s)

    def wait_load(self):
        self.b.wait_event("Page.loadEventFired", self.s)

    def navigate(self, url):
        self.call("Page.navigate", {"url": url})
        self.wait_load()

    def query(self, selector):
        """The node id of the first match, or 0."""
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        return self.call("DOM.querySelector",
                         {"nodeId": root, "selector": selector})["nodeId"]

    def node(self, selector):
        n = self.query(selector)
        if not n:
            raise CdpError("no %s on the page" % selector)
        return n

    def wait_selector(self, selector, seconds=10):
        end = min(time.time() + seconds, self.b.deadline)
        while time.time() < end:
            n = self.query(selector)
            if n:
                return n
            time.sleep(0.1)
        raise CdpError("%s did not appear" % selector)

    def image_width(self, selector, seconds=10):
        """The naturalWidth of an image once the browser is done with it
        (0: it did not load), or -1 when it is still loading after
        seconds (needs JavaScript on)."""
        end = min(time.time() + seconds, self.b.deadline)
        expr = ("(() => { const i = document.querySelector(%s);"
                " return i.complete ? i.naturalWidth : -1; })()" % json.dumps(selector))
        while True:
            w = self.evaluate(expr)
            if w >= 0 or time.time() >= end:
                return w
            time.sleep(0.1)

    def tap(self, selector, wait_load=False):
        n = self.node(selector)
        self.call("DOM.scrollIntoViewIfNeeded", {"nodeId": n})
        q = self.call("DOM.getBoxModel", {"nodeId": n})["model"]["content"]
        x, y = (q[0] + q[4]) / 2, (q[1] + q[5]) / 2
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": t, "x": x, "y": y, "button": "left",
                       "clickCount": 1})
        if wait_load:
            self.wait_load()

    def type(self, selector, text):
        self.tap(selector)
        self.call("Input.insertText", {"text": text})

    def set_files(self, selector, paths):
        """Chooses the files of a file input, as the file picker would."""
        self.call("DOM.setFileInputFiles",
                  {"nodeId": self.node(selector), "files": list(paths)})

    def status(self, url):
        """The HTTP status of the last response seen for url, or None."""
        got = None
        for m in self.b.events:
            if (m.get("method") == "Network.responseReceived" and
                    m.get("sessionId") == self.s and
                    m["params"]["response"]["url"] == url):
                got = m["params"]["response"]["status"]
        return got

    def download(self, selector, directory):
        """Taps a link and waits until what it points to is saved in
        directory; the path of the file (named by the download's guid)."""
        self.b.call("Browser.setDownloadBehavior",
                    {"behavior": "allowAndName", "downloadPath": directory,
                     "eventsEnabled": True})
        self.tap(selector)
        while True:
            p = self.b.wait_event("Browser.downloadProgress", None)["params"]
            if p["state"] == "completed":
                return os.path.join(directory, p["guid"])
            if p["state"] == "canceled":
                raise CdpError("the download of %s was cancelled" % selector)

    def attributes(self, selector):
        a = self.call("DOM.getAttributes", {"nodeId": self.node(selector)})["attributes"]
        return dict(zip(a[::2], a[1::2]))

    def html(self, selector):
        return self.call("DOM.getOuterHTML", {"nodeId": self.node(selector)})["outerHTML"]

    def url(self):
        h = self.call("Page.getNavigationHistory")
        return h["entries"][h["currentIndex"]]["url"]

    def overflow(self):
        m = self.call("Page.getLayoutMetrics")
        return m["cssContentSize"]["width"] > m["cssLayoutViewport"]["clientWidth"] + 1

    def evaluate(self, expression):
        """The value of an expression (needs JavaScript on)."""
        r = self.call("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True,
                       "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CdpError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot",
                         {"format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
