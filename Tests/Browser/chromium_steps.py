#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol over a pipe (fds 3 and 4: no port, no
third-party module) and runs a list of steps against a page. Used by the console tests.

    chromium_steps.py --steps steps.json [--screenshots DIR] [--chromium PATH]

steps.json is a list of objects:
    {"op": "goto", "url": "..."}                       load a page, wait for its load event
    {"op": "eval", "expr": "..."}                      evaluate (awaiting a promise); the value is recorded
    {"op": "wait", "expr": "...", "timeout": 10}       evaluate until truthy; the last value is recorded
    {"op": "screenshot", "name": "queue"}              write DIR/queue.png (full page)
Prints one JSON object: {"values": [...one per step...], "errors": [...], "failed": null | "why"}.
"errors" holds what a person would see in the DevTools console as an error: uncaught exceptions,
console.error/assert calls, failed loads, refused requests and policy violations.
"""
import argparse, base64, json, os, select, shutil, subprocess, sys, tempfile, time

class Browser:
    def __init__(self, executable, profile):
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def wire():  # in the child: the pipes become fds 3 and 4, inheritable
            a, b = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--window-size=1280,900", "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.next_id

    def receive(self, timeout):
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_browser], [], [], timeout)
            if not ready:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=30):
        ident = self.send(method, params, session)
        deadline = time.time() + timeout
        while True:
            message = self.receive(max(0.1, deadline - time.time()))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(method + ": " + json.dumps(message["error"]))
                return message.get("result", {})
            self.events.append(message)

    def drain(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            try:
                self.events.append(self.receive(max(0.01, end - time.time())))
            except TimeoutError:
                return

    def open(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")
        self.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError("evaluation failed: " + (details.get("exception", {}).get("description") or details.get("text", "")))
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def console_errors(events):
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            errors.append("exception: " + (details.get("exception", {}).get("description") or details.get("text", "")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append("console." + params["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append("log (" + entry.get("source", "") + "): " + entry.get("text", "") + " " + entry.get("url", ""))
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            errors.append("load failed: " + params.get("errorText", "") + " " + params.get("blockedReason", ""))
    return errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", required=True)
    parser.add_argument("--screenshots")
    # Debian's /usr/bin/chromium is a shell wrapper; the browser itself keeps fds 3 and 4 for the pipe either way.
    default = "/usr/lib/chromium/chromium" if os.path.exists("/usr/lib/chromium/chromium") else (shutil.which("chromium") or "chromium")
    parser.add_argument("--chromium", default=default)
    options = parser.parse_args()
    steps = json.load(open(options.steps))
    profile = tempfile.mkdtemp(prefix="bankgate-chromium-")
    browser = Browser(options.chromium, profile)
    values, failed = [], None
    try:
        browser.open()
        for index, step in enumerate(steps):
            op = step["op"]
            if op == "goto":
                browser.call("Page.navigate", {"url": step["url"]})
                deadline = time.time() + step.get("timeout", 20)
                while time.time() < deadline and browser.evaluate("document.readyState") != "complete":
                    time.sleep(0.05)
                values.append(None)
            elif op == "eval":
                values.append(browser.evaluate(step["expr"]))
            elif op == "wait":
                deadline = time.time() + step.get("timeout", 10)
                value = None
                while time.time() < deadline:
                    value = browser.evaluate(step["expr"])
                    if value:
                        break
                    time.sleep(0.1)
                values.append(value)
                if not value:
                    failed = "step %d timed out waiting for %s" % (index, step["expr"])
                    break
            elif op == "screenshot":
                browser.drain(0.2)
                shot = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
                if options.screenshots:
                    os.makedirs(options.screenshots, exist_ok=True)
                    with open(os.path.join(options.screenshots, step["name"] + ".png"), "wb") as file:
                        file.write(base64.b64decode(shot["data"]))
                values.append(len(shot["data"]))
            else:
                raise ValueError("unknown op " + op)
        browser.drain(0.3)
    except Exception as error:  # reported to the test, which fails on it
        failed = "%s: %s" % (type(error).__name__, error)
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps({"values": values, "errors": console_errors(browser.events), "failed": failed}))


if __name__ == "__main__":
    main()
