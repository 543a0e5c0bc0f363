"""How long from pressing Enter to seeing the answer, in a real browser, against Streamlit's own floor.

    .venv/bin/python bench/bench_browser.py [--runs 15] [--warmup 2]

Starts two servers, app.py and bench/minimal_app.py (one text input echoed
back: what any Streamlit app costs), and measures both in the same run,
interleaved, so that both see the same machine load. Each run opens a fresh
page (its own session), waits until the app is idle, types a postcode and
presses Enter. The browser itself times it: from the Enter keydown to the
first frame painted after the answer card's heading (or the minimal app's
echo) appears in the page. Prints medians and the app/floor ratio; the
target is at most 1.5x, aiming for 1.2x. Not a test: timings on shared CI
machines are too noisy to fail a build on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, block_third_party, start_streamlit, track, wait_for_app  # noqa: E402

POSTCODES = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7"]

# Installed before typing: stamps the Enter keydown, then watches the DOM for the
# answer and stamps the first frame painted after it appears (double rAF).
_TIMER_JS = """([selector, expected]) => {
  window.__bench = {start: null, seen: null, painted: null};
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && window.__bench.start === null) window.__bench.start = performance.now();
  }, true);
  const found = () => [...document.querySelectorAll(selector)].some(el => el.textContent.includes(expected));
  const observer = new MutationObserver(() => {
    if (window.__bench.start === null || window.__bench.seen !== null || !found()) return;
    window.__bench.seen = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.painted = performance.now(); }));
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


@dataclass
class Target:
    """One app: where its field is, what shows the answer, and how many map markers it loads with."""

    name: str
    script: str
    label: str
    selector: str
    expected: Callable[[str], str]
    map_markers: int = 0
    url: str = ""
    times: list[float] = field(default_factory=list)


def targets(clinic_for: dict[str, str]) -> list[Target]:
    return [
        Target("floor: bench/minimal_app.py", "bench/minimal_app.py", "Postcode",
               '[data-testid="stMarkdownContainer"]', lambda pc: f"You typed: {pc}"),
        Target("app.py (Find a clinic)", "app.py", "Your postcode or town",
               '.st-key-answer-card h3', lambda pc: f"Nearest clinic: {clinic_for[pc]}", map_markers=4),
    ]


def measure(browser, target: Target, postcode: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        block_third_party(context, track(page))
        page.goto(target.url)
        wait_for_app(page)
        # A person takes seconds to type: let the page finish loading (the map's frame too)
        # so that only the search itself is timed.
        if target.map_markers:
            page.frame_locator("iframe").first.locator(".leaflet-marker-icon").nth(target.map_markers - 1).wait_for()
        page.wait_for_timeout(300)
        page.evaluate(_TIMER_JS, [target.selector, target.expected(postcode)])
        field = page.get_by_label(target.label)
        field.fill(postcode)
        field.press("Enter")
        page.wait_for_function("window.__bench.painted !== null", timeout=30_000)
        timing = page.evaluate("window.__bench")
        return timing["painted"] - timing["start"]
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured searches per app (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured searches per app first (default 2)")
    args = parser.parse_args()

    from locator import Locator

    locator = Locator.load()
    clinic_for = {pc: locator.lookup(pc).clinic.name for pc in POSTCODES}
    apps = targets(clinic_for)
    servers = [start_streamlit(t.script) for t in apps]
    try:
        for target, server in zip(apps, servers):
            target.url = server.url
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for i in range(args.warmup + args.runs):
                postcode = POSTCODES[i % len(POSTCODES)]
                for target in apps:
                    elapsed = measure(browser, target, postcode)
                    if i >= args.warmup:
                        target.times.append(elapsed)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    report(apps, args.runs)


def report(apps: list[Target], runs: int) -> None:
    floor = statistics.median(apps[0].times)
    print(f"Enter -> answer painted, Chromium headless, {runs} runs each, interleaved (ms)")
    print(f"{'':32} {'median':>7} {'p10':>7} {'p90':>7} {'x floor':>8}")
    for t in apps:
        deciles = statistics.quantiles(t.times, n=10)
        median = statistics.median(t.times)
        print(f"{t.name:32} {median:7.0f} {deciles[0]:7.0f} {deciles[-1]:7.0f} {median / floor:8.2f}")


if __name__ == "__main__":
    main()
