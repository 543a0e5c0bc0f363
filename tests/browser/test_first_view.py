"""The first view is painted from the page's HTML before Streamlit's bundle has loaded, where
Streamlit will draw it, and only on "Find a clinic" (web/first_view.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from locator.clinics import clinics_path, read_sites

from . import screenshot, wait_for_app
from .patient import MAP_FRAME, SIZES

# Where each thing is: [x, y] of the heading, the hint, "Our clinics" and the first clinic's name.
_FIRST_VIEW = """() => Object.fromEntries(Object.entries({
  h1: '.first-view h1', hint: '.first-view .fv-caption', clinics: '.first-view h2', name: '.first-view .clinic-card strong'})
  .map(([k, s]) => { const b = document.querySelector(s).getBoundingClientRect(); return [k, [b.x, b.y]]; }))"""
_STREAMLIT = """() => { const at = e => { const b = e.getBoundingClientRect(); return [b.x, b.y]; };
  return {h1: at(document.querySelector('[data-testid=stMain] h1')),
          hint: at(document.querySelector('[data-testid=stMain] [data-testid=stCaptionContainer]')),
          clinics: at([...document.querySelectorAll('[data-testid=stMain] h2')].find(h => h.textContent === 'Our clinics')),
          name: at(document.querySelector('[data-testid=stMain] .clinic-card strong'))}; }"""


def without_streamlit_s_bundle(page: Page) -> None:
    page.route("**/static/js/**", lambda route: route.abort())


@pytest.mark.allow_page_errors  # the bundle is refused on purpose
@pytest.mark.parametrize("size", list(SIZES))
def test_before_streamlit_s_bundle_loads_the_page_shows_the_heading_the_hint_and_the_clinics_where_streamlit_will(
        new_page, app_url, size):
    options = dict(SIZES[size])
    viewport = options.pop("viewport")
    page = new_page(viewport, **options)
    without_streamlit_s_bundle(page)
    # Not "load": on a loaded machine the page's other files may take longer than goto's time-out.
    page.goto(app_url + "/", wait_until="commit")
    expect(page.get_by_role("heading", name="Find your nearest clinic", level=1)).to_be_visible()
    expect(page.get_by_text("Type your postcode or town, then press Enter.")).to_be_visible()
    expect(page.get_by_role("heading", name="Our clinics", level=2)).to_be_visible()
    for site in read_sites(clinics_path()):
        expect(page.locator(".first-view .clinic-card strong", has_text=site.name)).to_be_visible()
    first = page.evaluate(_FIRST_VIEW)
    screenshot(page, f"first-view-{size}", full_page=False)

    drawn = new_page(viewport, **options)
    drawn.goto(app_url + "/", wait_until="commit")
    wait_for_app(drawn, timeout=60)
    expect(drawn.frame_locator(MAP_FRAME).locator(".leaflet-container[data-fit=done]")).to_be_attached()
    streamlit = drawn.evaluate(_STREAMLIT)
    # Where Streamlit draws it, to a few pixels (text wraps by the font's own measure).
    for what, (x, y) in first.items():
        assert abs(x - streamlit[what][0]) <= 2 and abs(y - streamlit[what][1]) <= 6, (what, first, streamlit)


@pytest.mark.allow_page_errors
@pytest.mark.parametrize("path", ["/call-centre", "/about-treatment", "/?embed=true"])
def test_the_first_view_is_not_shown_on_other_pages_nor_embedded(page: Page, app_url, path):
    without_streamlit_s_bundle(page)
    page.goto(app_url + path, wait_until="commit")
    expect(page.locator("#first-view")).to_be_attached()
    expect(page.locator("#first-view")).to_be_hidden()


def test_streamlit_replaces_the_first_view_once_it_has_drawn_the_page(page: Page, app_url):
    page.goto(app_url + "/")
    wait_for_app(page, timeout=60)
    expect(page.locator("#first-view")).to_have_count(0)
    expect(page.get_by_role("heading", name="Find your nearest clinic", level=1)).to_have_count(1)


def test_streamlit_s_bundle_starts_loading_only_once_the_first_view_is_painted(page: Page, app_url):
    """On a slow link its 700 KB of script would otherwise share the bandwidth with what the first paint needs."""
    page.goto(app_url + "/")
    wait_for_app(page, timeout=60)
    timing = page.evaluate("""() => ({
      painted: performance.getEntriesByName('first-contentful-paint')[0].startTime,
      bundle: performance.getEntriesByType('resource').filter(r => /\\/static\\/js\\//.test(new URL(r.name).pathname)
        && !r.name.includes('/component/')).map(r => r.startTime)})""")
    assert len(timing["bundle"]) > 10, timing
    assert min(timing["bundle"]) >= timing["painted"], timing


@pytest.mark.parametrize("size", list(SIZES))
def test_the_largest_paint_is_the_first_view_s_so_the_page_is_painted_whole_at_once(new_page, app_url, size):
    """Largest contentful paint = first contentful paint: nothing Streamlit draws later is larger."""
    options = dict(SIZES[size])
    page = new_page(options.pop("viewport"), **options)
    page.goto(app_url + "/")
    wait_for_app(page, timeout=60)
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-container[data-fit=done]")).to_be_attached()
    paints = page.evaluate("""() => new Promise(done => new PerformanceObserver((list, observer) => {
      observer.disconnect();
      done({first: performance.getEntriesByName('first-contentful-paint')[0].startTime,
            largest: list.getEntries().map(e => e.startTime)});
    }).observe({type: 'largest-contentful-paint', buffered: true}))""")
    assert paints["largest"] and paints["largest"][-1] == paints["first"], paints
