#!/usr/bin/env python3
"""Renders Sentio's HTML report pages in headless Chromium and checks that a person would see the charts.

For every page given, through the Chrome DevTools Protocol:
  * loads it from file:// in a 1280x800 viewport and times it from the page's own clock: navigation start
    to the load event, and to "rendered", two animation frames later (layout and first paint done);
  * collects console messages of level error, uncaught exceptions and failed requests (a self-contained
    page makes no requests at all, so any request other than the page itself fails the check);
  * takes a full-page screenshot (PNG) and, for every <svg> chart, checks inside its plot area (the
    rectangle framed by its axes) that data is drawn: pixels that are neither background nor grid lines,
    in more than one colour. A chart that declares it has no data (data-empty="true", e.g. the F0 of
    silence) must instead show its note and nothing else;
  * checks the page's size on disk.

Usage: render_reports.py --chromium PATH --out DIR [--max-bytes N] [--max-seconds S] PAGE.html...
Exit status 0 when every page passes, 1 otherwise (--expect-failures inverts it for the checker's self-test). Needs websocket-client and Pillow.
"""

import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket
from PIL import Image


class Browser:
    """A headless Chromium with remote debugging on a free port, one page target."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="sentio-chromium-")
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--hide-scrollbars", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.05)
        port = int(open(port_file).read().split("\n")[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        for i, message in enumerate(self.events):
            if message.get("method") == event:
                return self.events.pop(i)
        while time.time() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("method") == event:
                return message
            self.events.append(message)
        raise RuntimeError(f"timed out waiting for {event}")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def data_ink(image, box):
    """Share of the pixels inside `box` (inset by 2 px, off the frame) that are neither white background nor
    light-grey grid lines, and the number of distinct colours (in 16-level bins) among them."""
    x, y, w, h = box
    x0, y0 = max(0, int(x) + 2), max(0, int(y) + 2)
    x1, y1 = min(image.width, int(x + w) - 2), min(image.height, int(y + h) - 2)
    if x1 <= x0 or y1 <= y0:
        return 0.0, 0
    raw = image.crop((x0, y0, x1, y1)).convert("RGB").tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]

    def background(p):
        # White, and the light greys of grid lines and their anti-aliased edges.
        return min(p) >= 245 or (max(p) - min(p) <= 8 and min(p) >= 200)

    ink = [p for p in pixels if not background(p)]
    return len(ink) / len(pixels), len({(r // 16, g // 16, b // 16) for r, g, b in ink})


def check_page(browser, path, out_dir, max_bytes, max_seconds):
    failures = []
    size = os.path.getsize(path)
    if size > max_bytes:
        failures.append(f"{size} bytes > {max_bytes}")
    browser.events.clear()
    url = "file://" + os.path.abspath(path)
    started = time.perf_counter()
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired", timeout=max(30, 10 * max_seconds))
    wall = time.perf_counter() - started
    # Rendered = two animation frames after the load event: layout and the first paint of the charts are done.
    timing = browser.evaluate("""new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        done({load: nav.loadEventEnd / 1000, paint: paint ? paint.startTime / 1000 : null,
              rendered: performance.now() / 1000,
              resources: performance.getEntriesByType('resource').map(r => r.name)});
    })))""")
    if timing["rendered"] > max_seconds:
        failures.append(f"rendered after {timing['rendered']:.2f} s > {max_seconds} s")
    if timing["resources"]:
        failures.append(f"requested {timing['resources']}")
    # Requests, console errors and exceptions seen while loading.
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            failures.append("exception: " + params["exceptionDetails"].get("text", "?"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            failures.append("console error: " + " ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            failures.append("log error: " + params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent" and params["request"]["url"] != url:
            failures.append("network request: " + params["request"]["url"])

    boxes = browser.evaluate("""[...document.querySelectorAll('svg')].map(e => {
        const r = e.getBoundingClientRect(), frame = e.querySelector('rect.frame');
        const p = (frame || e).getBoundingClientRect(), note = e.querySelector('text.empty');
        return {x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height,
                plot: [p.x + scrollX, p.y + scrollY, p.width, p.height],
                label: e.getAttribute('aria-label') || '', empty: e.dataset.empty === 'true',
                note: note ? note.textContent : null};
    })""")
    metrics = browser.call("Page.getLayoutMetrics")
    content = metrics["cssContentSize"]
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": content["width"], "height": content["height"], "scale": 1})
    png = base64.b64decode(shot["data"])
    image = Image.open(io.BytesIO(png))
    folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
    png_path = os.path.join(out_dir, folder + "-" + os.path.splitext(os.path.basename(path))[0] + ".png")
    with open(png_path, "wb") as f:
        f.write(png)
    if not boxes:
        failures.append("no <svg> chart on the page")
    charts = []
    for box in boxes:
        if box["w"] < 100 or box["h"] < 50:
            failures.append(f"chart '{box['label']}' is {box['w']:.0f}x{box['h']:.0f} px")
            continue
        share, colours = data_ink(image, box["plot"])
        charts.append((box["label"], share, colours))
        if box["empty"]:
            if not box["note"]:
                failures.append(f"chart '{box['label']}' is marked empty but shows no note")
        elif share < 0.003 or colours < 2:
            failures.append(f"chart '{box['label']}' looks blank ({share:.2%} of its plot area drawn, {colours} colours)")
    return {"page": path, "bytes": size, "load_s": timing["load"], "paint_s": timing["paint"],
            "rendered_s": timing["rendered"], "wall_s": wall,
            "charts": charts, "screenshot": png_path, "size": (image.width, image.height), "failures": failures}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--out", required=True, help="folder for the screenshots and results.json")
    parser.add_argument("--max-bytes", type=int, default=2_000_000)
    parser.add_argument("--max-seconds", type=float, default=2.0)
    parser.add_argument("--expect-failures", action="store_true",
                        help="self-test: succeed only if every page fails (pages whose charts were deliberately blanked)")
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    browser = Browser(args.chromium)
    results = []
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable")
        browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)
        # One untimed load first: the first navigation of a fresh browser pays for its own start-up.
        browser.call("Page.navigate", url="file://" + os.path.abspath(args.pages[0]))
        browser.wait_for("Page.loadEventFired")
        for page in args.pages:
            results.append(check_page(browser, page, args.out, args.max_bytes, args.max_seconds))
    finally:
        browser.close()

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    failed = 0
    for r in results:
        status = "FAIL" if r["failures"] else "ok"
        print(f"{status:4} {r['page']}: {r['bytes'] / 1e3:.0f} kB, load {r['load_s']:.3f} s, "
              f"rendered {r['rendered_s']:.3f} s, {len(r['charts'])} charts "
              f"({', '.join(f'{s:.1%}' for _, s, _ in r['charts'])} of their plot area drawn), "
              f"screenshot {r['screenshot']} {r['size'][0]}x{r['size'][1]}")
        for failure in r["failures"]:
            print(f"     - {failure}")
        failed += bool(r["failures"])
    if args.expect_failures:
        print(f"self-test: {failed} of {len(results)} blanked pages caught")
        return 0 if failed == len(results) else 1
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
