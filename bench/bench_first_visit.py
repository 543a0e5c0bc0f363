"""A new visitor's first page load, in Chromium on a throttled phone profile, against a bare Streamlit page.

    .venv/bin/python bench/bench_first_visit.py [--runs 3] [--before DIR] [--no-throttle]

For each app, in turn, ``--runs`` times (a fresh browser context each time,
so nothing is cached): open the page and wait until it has drawn (the map's
markers and background for app.py, the field for the bare page), then read
from Chromium's DevTools protocol (Network domain) the bytes received
(``encodedDataLength``: headers and bodies as sent, compressed or not,
websocket excluded) and the number of requests, and from the page its first
contentful paint. Throttled as Lighthouse's mobile profile when it applies
throttling in DevTools: 562.5 ms request latency, 1,474.56 kbit/s down,
675 kbit/s up, CPU 4x slower.

Also times 30 requests on one kept-alive connection (``http.client``) to each
server's health check: Nagle's algorithm with delayed ACKs costs about 44 ms
each when the server's connections lack ``TCP_NODELAY``.

``--before DIR``: also run ``app.py`` from DIR, a checkout of an earlier
commit (for example ``git worktree add /tmp/before <commit>``, with
``data/build`` and ``static/map/build`` linked from this checkout), so that
before and after are measured in the same run, on the same machine load.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, block_third_party, start_streamlit, track, wait_for_app  # noqa: E402

KIB = 1024
# Lighthouse 12's mobile profile, as applied in DevTools ("devtools" throttling method).
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 1474.56 * 1000 / 8,
           "uploadThroughput": 675 * 1000 / 8}
CPU_SLOWDOWN = 4
PHONE = {"width": 412, "height": 823}


@dataclass
class App:
    name: str
    script: str
    root: Path
    ready: str  # a selector that is there once the page has drawn
    map_frame: bool = False
    url: str = ""
    bytes: list[int] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    fcp_ms: list[float] = field(default_factory=list)
    keepalive_ms: float = 0.0


def first_visit(browser, app: App, throttle: bool) -> tuple[int, int, float]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2.625, is_mobile=True, has_touch=True)
    page = context.new_page()
    block_third_party(context, track(page))
    cdp = context.new_cdp_session(page)
    received: dict[str, float] = {}
    websockets: set[str] = set()
    cdp.on("Network.webSocketCreated", lambda e: websockets.add(e["requestId"]))
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle:
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        page.goto(app.url, timeout=180_000)
        wait_for_app(page, timeout=180)
        page.locator(app.ready).first.wait_for(timeout=180_000)
        if app.map_frame:
            frame = page.frame_locator("iframe").first
            frame.locator(".leaflet-marker-icon").first.wait_for(timeout=180_000)
            frame.locator("img.leaflet-image-layer").wait_for(timeout=180_000)
        page.wait_for_load_state("networkidle", timeout=180_000)
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
        sent = {k: v for k, v in received.items() if k not in websockets}
        return int(sum(sent.values())), len(sent), float(fcp or "nan")
    finally:
        context.close()


def keepalive_ms(url: str, n: int = 30) -> float:
    """Median milliseconds per request, ``n`` requests on one kept-alive connection (after the first)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    times = []
    try:
        for _ in range(n + 1):
            start = time.perf_counter()
            connection.request("GET", "/_stcore/health")
            connection.getresponse().read()
            times.append((time.perf_counter() - start) * 1000)
    finally:
        connection.close()
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="first visits per app (default 3; medians)")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier commit, to run its app.py too")
    parser.add_argument("--no-throttle", action="store_true", help="full speed (bytes and requests only matter)")
    args = parser.parse_args()
    field_ready = '[data-testid="stTextInput"] input'
    apps = [App("bare Streamlit page (bench/minimal_app.py)", "bench/minimal_app.py", REPO_ROOT, field_ready)]
    if args.before:
        apps.append(App(f"app.py before ({args.before})", "app.py", args.before.resolve(), field_ready, True))
    apps.append(App("app.py (this checkout)", "app.py", REPO_ROOT, field_ready, True))
    servers = [start_streamlit(a.script, root=a.root) for a in apps]
    try:
        for app, server in zip(apps, servers, strict=True):
            app.url = server.url
            app.keepalive_ms = keepalive_ms(server.url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                for app in apps:  # interleaved: every app sees the same machine load
                    sent, requests, fcp = first_visit(browser, app, not args.no_throttle)
                    app.bytes.append(sent)
                    app.requests.append(requests)
                    app.fcp_ms.append(fcp)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    profile = "full speed" if args.no_throttle else "slow 4G (562.5 ms, 1.47 Mbit/s), CPU 4x"
    print(f"First visit, Chromium {PHONE['width']}x{PHONE['height']} phone, {profile}; medians of {args.runs}")
    print(f"{'':48} {'KiB sent':>9} {'requests':>9} {'FCP ms':>8} {'kept-alive ms':>14}")
    for app in apps:
        print(f"{app.name:48} {statistics.median(app.bytes) / KIB:9,.0f} {statistics.median(app.requests):9.0f} "
              f"{statistics.median(app.fcp_ms):8,.0f} {app.keepalive_ms:14.2f}")


if __name__ == "__main__":
    main()
