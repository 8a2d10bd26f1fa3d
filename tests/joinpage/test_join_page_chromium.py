#!/usr/bin/env python3
"""The relay's join page in a real browser (Debian's chromium, headless).

Starts tether-relay (--dev, 127.0.0.1, port 0) with a downloads directory,
drives chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
no websocket library needed), types codes into the page and asserts on the
DOM: the tether:// link, the download for the visitor's system (by user
agent), that nothing typed becomes markup, and that the Content-Security-
Policy refused nothing of the page's own. Then loads the page with scripts
disabled (Emulation.setScriptExecutionDisabled, what
--blink-settings=scriptEnabled=false does): every download is still listed
and the form goes to /join, whose 303 is the tether:// link. Usage: test_join_page_chromium.py TETHER_RELAY CHROMIUM
"""
import json
import os
import ssl
import urllib.error
import urllib.request
import re
import shutil
import subprocess
import sys
import tempfile
import time

PATIENCE = 30  # seconds for any one step (a loaded machine)
WINDOWS_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
LINUX_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
DOWNLOADS = {"tether-client-setup.exe": "windows", "tether-client_0.1.0_amd64.deb": "linux", "Tether.dmg": "macos"}


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


class Relay:
    def __init__(self, binary, tmp):
        downloads = os.path.join(tmp, "downloads")
        os.mkdir(downloads)
        for name in DOWNLOADS:
            with open(os.path.join(downloads, name), "wb") as f:
                f.write(b"build of " + name.encode())
        self.proc = subprocess.Popen(
            [binary, "--dev", "--state-dir", os.path.join(tmp, "state"), "--listen", "127.0.0.1:0",
             "--downloads-dir", downloads],
            stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "relay.log"), "w"), text=True)
        deadline = time.time() + PATIENCE
        self.url = None
        while time.time() < deadline and not self.url:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"listening on (https://127\.0\.0\.1:\d+)", line)
            if m:
                self.url = m.group(1)
        if not self.url:
            fail("the relay did not start")
        self.tls = ssl.create_default_context(cafile=os.path.join(tmp, "state", "dev-cert.pem"))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(PATIENCE)


class Browser:
    """chromium --remote-debugging-pipe: NUL-terminated JSON on fds 3 (in) and 4 (out)."""

    def __init__(self, chromium, tmp):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():  # in the child: the pipe ends become fds 3 and 4, whatever numbers they had
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--ignore-certificate-errors", "--remote-debugging-pipe",
             "--user-data-dir=" + os.path.join(tmp, "profile"), "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),  # kept open after preexec_fn

            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "chromium.log"), "w"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        while True:
            reply = self.read()
            if reply.get("id") == want:
                if "error" in reply:
                    fail(method + ": " + json.dumps(reply["error"]))
                return reply["result"]
            self.events.append(reply)

    def read(self):
        deadline = time.time() + PATIENCE
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                fail("chromium did not answer")
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                fail("chromium went away")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method, session):
        deadline = time.time() + PATIENCE
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self.read())
        fail("no " + method)

    def stop(self):
        try:
            self.send("Browser.close")
        except (SystemExit, OSError):
            pass
        try:
            self.proc.wait(PATIENCE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Page:
    def __init__(self, browser, user_agent, platform):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(domain + ".enable", session=self.s)
        browser.send("Emulation.setUserAgentOverride", {"userAgent": user_agent, "platform": platform}, session=self.s)

    def open(self, url):
        self.b.send("Page.navigate", {"url": url}, session=self.s)
        self.b.wait_event("Page.loadEventFired", self.s)

    def js(self, expression):
        r = self.b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=self.s)
        if "exceptionDetails" in r:
            fail("script failed: " + expression + ": " + json.dumps(r["exceptionDetails"]))
        return r["result"].get("value")

    def type_code(self, text):
        self.js("(() => { const f = document.getElementById('code'); f.value = ''; f.focus(); })()")
        self.b.send("Input.insertText", {"text": text}, session=self.s)

    def csp_refusals(self):
        found = []
        for e in self.b.events:
            if e.get("sessionId") != self.s:
                continue
            text = json.dumps(e.get("params", {}))
            if "Content Security Policy" in text or "Refused to" in text:
                found.append(text)
        return found


def test_with_script(browser, relay):
    page = Page(browser, WINDOWS_UA, "Win32")
    page.open(relay.url + "/")
    check(page.js("document.title").startswith("Tether"), "the join page loads")
    hrefs = page.js("[...document.querySelectorAll('#downloads a')].map(a => a.getAttribute('href'))")
    check(sorted(hrefs) == sorted("/downloads/" + n for n in DOWNLOADS), "every download is listed: %s" % hrefs)
    check(page.js("document.getElementById('open').hidden"), "no tether:// link before a code is typed")

    page.type_code("482 913")
    check(page.js("document.getElementById('open-link').getAttribute('href')") == "tether://join/482913",
          "a typed code (with its space) gives tether://join/482913")
    check(not page.js("document.getElementById('open').hidden"), "the Open Tether link shows")
    check(page.js("document.getElementById('open-code').textContent") == "482913", "the link names the code")
    check(page.js("document.getElementById('suggested-link').getAttribute('href')") == "/downloads/tether-client-setup.exe",
          "Windows visitors are pointed at the .exe")

    page.type_code("123456789")
    check(page.js("document.getElementById('open-link').getAttribute('href')") == "tether://join/123456789",
          "a 9-digit code gives its link")
    page.type_code("12345")
    check(page.js("document.getElementById('open').hidden"), "5 digits give no link")
    page.type_code('"><img src=x id=pwn>')
    check(page.js("document.getElementById('open').hidden") and page.js("document.getElementById('pwn') === null"),
          "typed markup gives no link and no element")

    # The link the page offers (resolved by the browser) serves the file as
    # an attachment. Fetched from here: the page's own policy allows no
    # fetch() (connect-src falls back to 'none').
    url = page.js("document.getElementById('suggested-link').href")
    check(url == relay.url + "/downloads/tether-client-setup.exe", "the suggested link is the relay's own")
    with urllib.request.urlopen(url, context=relay.tls) as r:
        check(r.read() == b"build of tether-client-setup.exe" and
              r.headers["Content-Disposition"] == 'attachment; filename="tether-client-setup.exe"',
              "the download link serves the file as an attachment")

    # A provider's page may link here with the code: ?code= prefills it.
    page.open(relay.url + "/?code=654321")
    check(page.js("document.getElementById('code').value") == "654321", "?code= prefills the field")
    check(page.js("document.getElementById('open-link').getAttribute('href')") == "tether://join/654321",
          "?code= gives its tether:// link at once")
    page.open(relay.url + "/?code=%3Cb%3E1%3C/b%3E")
    check(page.js("document.getElementById('code').value") == "" and page.js("document.querySelector('main b') === null"),
          "a hostile ?code= is ignored")
    check(page.csp_refusals() == [], "the Content-Security-Policy refused nothing of the page's own")
    check(page.js("fetch('/healthz').then(() => 'fetched', () => 'refused')") == "refused",
          "the policy refuses what the page does not need (fetch)")
    deadline = time.time() + PATIENCE
    while not page.csp_refusals() and time.time() < deadline:
        browser.events.append(browser.read())
    check(page.csp_refusals() != [], "and that refusal is seen here (so the check above can fail)")

    linux = Page(browser, LINUX_UA, "Linux x86_64")
    linux.open(relay.url + "/")
    check(linux.js("document.getElementById('suggested-link').getAttribute('href')") == "/downloads/tether-client_0.1.0_amd64.deb",
          "Linux visitors are pointed at the .deb")


def test_without_script(browser, relay):
    # Scripts off for this page (as --blink-settings=scriptEnabled=false);
    # the DOM is read through the DevTools DOM domain, not by a script.
    page = Page(browser, WINDOWS_UA, "Win32")
    browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=page.s)
    page.open(relay.url + "/?code=123456")
    root = browser.send("DOM.getDocument", {"depth": -1}, session=page.s)["root"]
    dom = browser.send("DOM.getOuterHTML", {"nodeId": root["nodeId"]}, session=page.s)["outerHTML"]
    for name in DOWNLOADS:
        check('href="/downloads/%s"' % name in dom, "without script the page lists " + name)
    check('<p id="open" hidden="">' in dom, "without script the page makes no link itself")
    check('action="/join"' in dom, "without script the form goes to /join")
    check('<p id="suggested" hidden="">' in dom, "without script nothing is picked: all downloads are offered")
    # The form's target: /join?code= answers with the tether:// link.
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=relay.tls))
    try:
        opener.open(relay.url + "/join?code=482+913")
        fail("/join did not redirect")
    except urllib.error.HTTPError as e:
        check(e.code == 303 and e.headers["Location"] == "tether://join/482913", "/join?code=482+913 leads to tether://join/482913")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def main():
    relay_bin, chromium = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="tether-joinpage-")
    relay = browser = None
    try:
        relay = Relay(relay_bin, tmp)
        browser = Browser(chromium, tmp)
        test_with_script(browser, relay)
        test_without_script(browser, relay)
        print("all join page checks passed")
    finally:
        if relay:
            relay.stop()
        if browser:
            browser.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
