"""How long a pasted list takes: in the core, and in a real browser on the Call centre desk.

    .venv/bin/python bench/bench_bulk.py [--sizes 10000 50000] [--runs 5] [--browser-runs 3] [--no-browser]

Core: the pasted text read into queries, looked up, made into table rows and
into the downloadable CSV (what the desk does for one list), median of
--runs runs. Browser: app.py's Call centre page in headless Chromium; each
run opens a fresh session, puts the list on the clipboard, pastes it into
the text area with Ctrl+V and submits with Ctrl+Enter. The browser itself
times from the Ctrl+Enter keydown to the first frame painted after the
results table has drawn (its grid's canvas is in the page, under the "N rows"
summary). Targets (issue #5): 10,000 rows in under 3 s, 50,000 within 10 s.

The postcodes are real unit postcodes drawn from the index with a fixed
seed, so every run and every machine measures the same list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from locator import Locator, bulk  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    block_third_party,
    sign_in,
    start_streamlit,
    track,
    wait_for_app,
)

SEED = 20240705
DESK_PATH = "/call-centre"
LIST_LABEL = "Postcodes, one per line"

# Stamps the Ctrl+Enter keydown, then the first frame painted after the results
# summary and the results grid's canvas are both in the page (double rAF).
_TIMER_JS = """(summary) => {
  window.__bench = {start: null, seen: null, painted: null};
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && e.ctrlKey && window.__bench.start === null) window.__bench.start = performance.now();
  }, true);
  const shown = () => {
    const texts = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')];
    const grids = document.querySelectorAll('[data-testid="stDataFrame"] canvas');
    return texts.some(el => el.textContent.startsWith(summary)) && grids.length > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__bench.start === null || window.__bench.seen !== null || !shown()) return;
    window.__bench.seen = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.painted = performance.now(); }));
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def sample_postcodes(locator: Locator, n: int) -> list[str]:
    keys = locator.index.unit_keys
    picked = keys[np.random.default_rng(SEED).choice(len(keys), n, replace=False)]
    return [f"{k[:-3]} {k[-3:]}" for k in (key.decode() for key in picked.tolist())]


def core(locator: Locator, text: str, runs: int) -> dict[str, float]:
    stages: dict[str, list[float]] = {"read": [], "answer_list": [], "rows": [], "to_csv": [], "total": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        queries = bulk.read_queries_text(text)
        t1 = time.perf_counter()
        answers = bulk.answer_list(locator, queries)
        t2 = time.perf_counter()
        rows = answers.table()
        t3 = time.perf_counter()
        bulk.to_csv_bytes(rows)
        t4 = time.perf_counter()
        for name, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
            stages[name].append(seconds)
    return {name: statistics.median(times) for name, times in stages.items()}


def browser_run(browser, url: str, text: str, n: int) -> tuple[float, float]:
    """(seconds to paste, seconds from Ctrl+Enter to the table painted) for one fresh session."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.removesuffix(DESK_PATH))
    try:
        page = context.new_page()
        block_third_party(context, track(page))
        page.goto(url)
        wait_for_app(page)
        sign_in(page)
        page.evaluate("text => navigator.clipboard.writeText(text)", text)
        area = page.get_by_role("textbox", name=LIST_LABEL)
        area.focus()
        t0 = time.perf_counter()
        page.keyboard.press("Control+v")
        page.wait_for_function("([el, n]) => el.value.length === n", arg=[area.element_handle(), len(text)],
                               timeout=120_000)
        pasted = time.perf_counter() - t0
        page.evaluate(_TIMER_JS, f"{n:,} rows")
        page.keyboard.press("Control+Enter")
        page.wait_for_function("window.__bench.painted !== null", timeout=120_000)
        timing = page.evaluate("window.__bench")
        return pasted, (timing["painted"] - timing["start"]) / 1000
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=5, help="core runs per size (default 5)")
    parser.add_argument("--browser-runs", type=int, default=3, help="browser runs per size (default 3)")
    parser.add_argument("--no-browser", action="store_true", help="measure the core only")
    args = parser.parse_args()

    locator = Locator.load()
    lists = {n: "\n".join(sample_postcodes(locator, n)) for n in args.sizes}
    core_times = {n: core(locator, text, args.runs) for n, text in lists.items()}
    browser_times: dict[int, tuple[float, float]] = {}
    if not args.no_browser:
        server = start_streamlit("app.py")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                browser_run(browser, server.url + DESK_PATH, lists[args.sizes[0]], args.sizes[0])  # warm-up
                for n, text in lists.items():
                    runs = [browser_run(browser, server.url + DESK_PATH, text, n) for _ in range(args.browser_runs)]
                    browser_times[n] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
                browser.close()
        finally:
            server.stop()
    report(core_times, browser_times, args)


def report(core_times: dict, browser_times: dict, args) -> None:
    print(f"Core, median of {args.runs} runs (seconds): read pasted text, answer_list, rows, to_csv")
    print(f"{'rows':>7} {'read':>7} {'lookup':>7} {'rows':>7} {'csv':>7} {'total':>7}")
    for n, t in core_times.items():
        print(f"{n:>7,} {t['read']:7.3f} {t['answer_list']:7.3f} {t['rows']:7.3f} {t['to_csv']:7.3f} "
              f"{t['total']:7.3f}")
    if browser_times:
        print(f"\nBrowser, app.py Call centre page, Chromium headless, median of {args.browser_runs} fresh sessions "
              "(seconds)")
        print(f"{'rows':>7} {'paste':>7} {'Ctrl+Enter -> table painted':>28} {'target':>7}")
        for n, (pasted, shown) in browser_times.items():
            target = "3" if n <= 10_000 else "10"
            print(f"{n:>7,} {pasted:7.2f} {shown:28.2f} {target:>7}")


if __name__ == "__main__":
    main()
