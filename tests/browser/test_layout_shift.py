"""The page does not jump as it loads: cumulative layout shift at most 0.05, on a phone and a desktop,
with and without an answer (issue 19).

Shifts are counted as Chrome reports them to the page (PerformanceObserver 'layout-shift',
the same entries Lighthouse's CLS adds up), from the first paint until the page is complete:
the answer, the map fitted with its land, towns and who-goes-where drawn, and the footer.
The map's frame is counted on its own: its view moves to fit an answer, by design.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from . import screenshot, wait_for_app
from .patient import MAP_FRAME, SIZES

# Chrome's own rule for CLS: shifts soon after a person's input do not count, the rest add up.
_OBSERVE = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    window.__shifts.push({value: e.value, sources: e.sources.map(s => {
      const n = s.node && s.node.nodeType === 1 ? s.node : null;
      const what = n ? (n.getAttribute('data-testid') || n.className || n.tagName) : String(s.node && s.node.nodeName);
      const r = (b) => [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)];
      return `${what} ${JSON.stringify(r(s.previousRect))} -> ${JSON.stringify(r(s.currentRect))}`;
    })});
  }
}).observe({type: 'layout-shift', buffered: true});
"""
_TOTAL = "() => window.__shifts.reduce((sum, e) => sum + e.value, 0)"
CLS_LIMIT = 0.05


@pytest.mark.parametrize("postcode", [None, "SL6 8DG"], ids=["no answer", "answer"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_page_does_not_jump_as_it_loads(new_page, app_url, size, postcode):
    options = dict(SIZES[size])
    page: Page = new_page(options.pop("viewport"), **options)
    page.context.add_init_script(_OBSERVE)
    page.goto(app_url + (f"/?postcode={postcode.replace(' ', '%20')}" if postcode else "/"))
    wait_for_app(page, timeout=60)
    if postcode:
        expect(page.locator(".st-key-answer-card h2")).to_contain_text("Nearest clinic")
    the_map = page.frame_locator(MAP_FRAME).locator(".leaflet-container")
    for drawn in ('[data-fit="done"]', '[data-land="drawn"]', '[data-towns="drawn"]'):
        expect(page.frame_locator(MAP_FRAME).locator(f".leaflet-container{drawn}")).to_be_attached(timeout=30_000)
    expect(the_map.locator(".leaflet-image-layer")).to_be_attached()
    expect(page.locator(".st-key-credits")).to_be_visible()
    # Two frames more, so that whatever the last of these drew has been laid out and reported.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    shifts = page.evaluate("window.__shifts")
    total = page.evaluate(_TOTAL)
    screenshot(page, f"layout-shift-{size}-{'answer' if postcode else 'start'}", full_page=False)
    assert total <= CLS_LIMIT, f"CLS {total:.3f} on the {size}: {shifts}"
    frame = next(f for f in page.frames if f.url.endswith("index.html") or "st_folium" in f.url)
    frame_total = frame.evaluate("() => (window.__shifts || []).reduce((s, e) => s + e.value, 0)")
    # The map's own frame: within it only the view's move to fit an answer shifts anything.
    assert frame_total <= 2 * CLS_LIMIT, f"CLS {frame_total:.3f} in the map's frame on the {size}"
