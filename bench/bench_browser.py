"""How long from pressing Enter to seeing the answer, in a real browser, against Streamlit's own floor.

    .venv/bin/python bench/bench_browser.py [--runs 15] [--warmup 2] [--rounds 4] [--pause 1.0] [--before DIR]

Starts two servers, app.py and bench/minimal_app.py (one text input echoed
back: what any Streamlit app costs), and measures both in the same run,
interleaved, so that both see the same machine load. The browser itself times
each search: from the Enter keydown to the first frame painted after the answer
(the card's "Your search: <postcode>", or the minimal app's echo) appears.

Three ways a person searches:

* fresh page: each search on a new page (its own session), once it is idle;
* repeated, back to back: one page, one search after another, each typed as
  soon as the last has finished;
* repeated, with a pause: the same, with ``--pause`` seconds between searches
  (the page idle, as when a person reads the answer).

``--before DIR`` also times ``app.py`` from DIR, a checkout of an earlier commit (see
bench/bench_lighthouse.py), in the same run.

Repeated searches are done in ``--rounds`` pages per app, each page searching
every postcode once, pages of the two apps taking turns. Prints medians and the
app/floor ratio per mode; the target is at most 1.2x. Not a test: timings on
shared CI machines are too noisy to fail a build on.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, block_third_party, start_streamlit, track, wait_for_app  # noqa: E402

POSTCODES = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7"]

# Armed before typing: stamps the Enter keydown, then watches the DOM for the
# answer and stamps the first frame painted after it appears (double rAF).
_TIMER_JS = """([selector, expected]) => {
  const bench = window.__bench = {start: null, seen: null, painted: null};
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && bench.start === null) bench.start = performance.now();
  }, true);
  const found = () => [...document.querySelectorAll(selector)].some(el => el.textContent.includes(expected));
  const observer = new MutationObserver(() => {
    if (bench.start === null || bench.seen !== null || !found()) return;
    bench.seen = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { bench.painted = performance.now(); }));
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""
MODES = ("fresh page", "repeated, back to back", "repeated, with a pause")


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
    root: Path = REPO_ROOT
    times: dict[str, list[float]] = field(default_factory=lambda: {mode: [] for mode in MODES})


def targets(clinic_for: dict[str, str], clinics: int) -> list[Target]:
    return [
        Target("floor: bench/minimal_app.py", "bench/minimal_app.py", "Postcode",
               '[data-testid="stMarkdownContainer"]', lambda pc: f"You typed: {pc}"),
        # "Your search: ..." differs from one search to the next (the clinic's name may not).
        Target("app.py (Find a clinic)", "app.py", "Your postcode or town",
               '.st-key-answer-card', lambda pc: f"Your search: {pc}", map_markers=clinics),
    ]


def open_page(browser, target: Target):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    block_third_party(context, track(page))
    page.goto(target.url)
    wait_for_app(page)
    # A person takes seconds to type: let the page finish loading (the map's frame too)
    # so that only the search itself is timed.
    if target.map_markers:
        frame = page.frame_locator("iframe").first
        frame.locator(".leaflet-marker-icon").nth(target.map_markers - 1).wait_for()
        # The background too: land, town names and the who-goes-where picture.
        frame.locator('.leaflet-container[data-land="drawn"][data-towns="drawn"]').wait_for(state="attached")
        frame.locator("img.leaflet-image-layer").wait_for()
    page.wait_for_timeout(300)
    return context, page


def timed_search(page, target: Target, postcode: str) -> float:
    """Milliseconds from Enter to the answer for ``postcode`` painted; returns once the run has finished."""
    page.evaluate(_TIMER_JS, [target.selector, target.expected(postcode)])
    field = page.get_by_label(target.label)
    field.fill(postcode)
    field.press("Enter")
    page.wait_for_function("window.__bench.painted !== null", timeout=30_000)
    timing = page.evaluate("window.__bench")
    wait_for_app(page)  # the run, and anything it sends after the answer, is over
    return timing["painted"] - timing["start"]


def fresh(browser, target: Target, postcode: str) -> float:
    context, page = open_page(browser, target)
    try:
        return timed_search(page, target, postcode)
    finally:
        context.close()


def repeated(browser, target: Target, postcodes: list[str], pause_s: float) -> list[float]:
    context, page = open_page(browser, target)
    try:
        times = []
        for postcode in postcodes:
            times.append(timed_search(page, target, postcode))
            page.wait_for_timeout(pause_s * 1000)
        return times
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh-page searches per app (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured fresh-page searches per app first")
    parser.add_argument("--rounds", type=int, default=4,
                        help=f"pages per app and repeated mode, each searching all {len(POSTCODES)} postcodes")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between repeated searches (default 1)")
    parser.add_argument("--before", type=Path, metavar="DIR", help="a checkout of an earlier commit: its app.py too")
    args = parser.parse_args()

    from locator import Locator

    locator = Locator.load()
    clinic_for = {pc: locator.lookup(pc).clinic.name for pc in POSTCODES}
    apps = targets(clinic_for, len(locator.clinics))
    if args.before:
        before = dataclasses.replace(apps[-1], name=f"app.py before ({args.before})", root=args.before.resolve(),
                                     times={mode: [] for mode in MODES})
        apps.append(before)
    servers = [start_streamlit(t.script, root=t.root) for t in apps]
    try:
        for target, server in zip(apps, servers, strict=True):
            target.url = server.url
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for i in range(args.warmup + args.runs):
                postcode = POSTCODES[i % len(POSTCODES)]
                for target in apps:
                    elapsed = fresh(browser, target, postcode)
                    if i >= args.warmup:
                        target.times[MODES[0]].append(elapsed)
            for _ in range(args.rounds):
                for mode, pause in ((MODES[1], 0.0), (MODES[2], args.pause)):
                    for target in apps:
                        # The first search of a page is a fresh page's; the rest are repeats.
                        target.times[mode] += repeated(browser, target, POSTCODES + POSTCODES[:1], pause)[1:]
            browser.close()
    finally:
        for server in servers:
            server.stop()
    report(apps, args)


def report(apps: list[Target], args) -> None:
    print(f"Enter -> answer painted, Chromium headless, interleaved (ms); fresh: {args.runs} pages per app, "
          f"repeated: {args.rounds} pages x {len(POSTCODES)} searches per app and mode, pause {args.pause:g} s")
    print(f"{'':26} {'':32} {'n':>3} {'median':>7} {'p10':>7} {'p90':>7} {'x floor':>8}")
    for mode in MODES:
        floor = statistics.median(apps[0].times[mode])
        for t in apps:
            times = t.times[mode]
            deciles = statistics.quantiles(times, n=10)
            median = statistics.median(times)
            print(f"{mode:26} {t.name:32} {len(times):3} {median:7.0f} {deciles[0]:7.0f} {deciles[-1]:7.0f} "
                  f"{median / floor:8.2f}")


if __name__ == "__main__":
    main()
