"""The map on Find a clinic, in Chromium: drawn from the app's own files, updated in place.

Every request to another origin is blocked and fails the test (the `page`
fixture), so everything seen here came from the app itself.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components.clinic_map import FRAME_TITLE

from . import screenshot, wait_for_app
from .axe import run_axe
from .patient import MAP_FRAME as FRAME
from .patient import PHONE, search

# Inside the map's frame: is each named thing's box within the map's box?
_IN_VIEW_JS = """(names) => {
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const inside = el => { if (!el) return false; const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    return x >= map.left && x <= map.right && y >= map.top && y <= map.bottom; };
  const out = {searched: inside(document.querySelector('path.leaflet-interactive'))};
  for (const name of names) out[name] = inside(document.querySelector(`.leaflet-marker-icon[alt="${name}"]`));
  return out;
}"""


def map_frame(page: Page):
    return page.locator(FRAME).element_handle().content_frame()


def open_map(page: Page, url: str):
    """Open the app and wait until the map's land, picture and town names are drawn; return its frame."""
    page.goto(url)
    wait_for_app(page)
    frame = page.frame_locator(FRAME)
    expect(frame.locator('.leaflet-container[data-land="drawn"][data-towns="drawn"]')).to_be_attached()
    frame.locator("img.leaflet-image-layer").wait_for()
    map_frame(page).wait_for_function(
        "[...document.querySelectorAll('img')].every(img => img.complete && img.naturalWidth > 0)")
    return frame


def fitted(page: Page) -> None:
    """Until the map has fitted its view to the newest search layer (it waits for the answer's paint)."""
    expect(page.frame_locator(FRAME).locator('.leaflet-container[data-fit="done"]')).to_be_attached()


def settle(page: Page) -> None:
    """Until the map's search layer is in, its view fitted, and two frames painted."""
    expect(page.frame_locator(FRAME).locator(".leaflet-tooltip").first).to_be_visible()
    fitted(page)
    map_frame(page).evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_on_arrival_the_map_shows_land_sea_towns_who_goes_where_and_every_clinic(page, app_url, locator):
    frame = open_map(page, app_url)
    expect(frame.locator(".leaflet-marker-icon")).to_have_count(len(locator.clinics))
    for clinic in locator.clinics:
        expect(frame.locator(f'.leaflet-marker-icon[alt="{clinic.name}"]')).to_have_count(1)
    # One shape per region, with the border between Northern Ireland and Ireland drawn by both.
    regions = map_frame(page).evaluate(
        "() => { const r = []; window.map.eachLayer(l => l.feature && r.push(l.feature.properties.region)); return r; }")
    assert sorted(regions) == ["GB", "GG", "IE", "IM", "JE", "NI"]
    expect(frame.locator(".leaflet-land-pane canvas")).to_have_count(1)
    for town in ("London", "Dublin", "Glasgow"):
        expect(frame.locator(".town-name", has_text=town).first).to_be_visible()
    legend = frame.locator(".catchment-legend")
    expect(legend.get_by_role("checkbox", name="Who goes where")).to_be_checked()
    words = legend.locator("li").all_inner_texts()
    assert len(words) == len(locator.clinics)
    for clinic, line in zip(locator.clinics, words, strict=True):
        assert line.endswith(f": {clinic.name}") and line.split(":")[0].strip()

    # Not a flat box: land, sea, colours and names.
    png = Image.open(io.BytesIO(page.locator(FRAME).screenshot())).convert("RGB")
    colours = png.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50
    assert max(count for count, _ in colours) < 0.6 * png.width * png.height
    screenshot(page, "map-arrival")


def test_the_maps_land_and_town_names_arrive_even_when_their_first_requests_fail(page, app_url):
    # As when the page's replica dies under it, or a phone drops between masts.
    failed: list[str] = []

    def fail_first(route):
        if route.request.url in failed:
            route.fallback()
            return
        failed.append(route.request.url)
        page.log._blocked.add(route.request.url)  # Chromium's own "Failed to load resource" for it
        route.abort("connectionreset")

    page.route(lambda url: url.endswith(".geojson") or "/layers.json" in url, fail_first)
    open_map(page, app_url)
    assert len(failed) == 2, failed
    expect(page.frame_locator(FRAME).locator(".town-name", has_text="London").first).to_be_visible()


def test_the_map_frame_is_titled_its_controls_are_big_enough_and_it_meets_wcag_aa(page, app_url):
    open_map(page, app_url)
    expect(page.locator(FRAME)).to_have_attribute("title", FRAME_TITLE)
    frame = map_frame(page)
    for button in ("Zoom in", "Zoom out"):
        box = frame.get_by_role("button", name=button).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (button, box)
    box = frame.locator(".catchment-switch input").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    viewport = frame.evaluate("[...document.querySelectorAll('meta[name=viewport]')].map(m => m.content)")
    assert viewport and all("user-scalable" not in v and "maximum-scale" not in v for v in viewport), viewport
    run_axe(frame)
    # Zoomed to a search at a clinic's own postcode, where the searched place and the pin meet.
    search(page, "SL6 8DG")
    settle(page)
    run_axe(map_frame(page))


def test_a_search_adds_its_place_to_the_same_map_and_shows_it_with_its_clinic(page, app_url):
    open_map(page, app_url)
    iframe = page.locator(FRAME).element_handle()
    frame = map_frame(page)
    container = frame.locator(".leaflet-container").element_handle()
    frame.evaluate("window.__same_map = true")

    search(page, "BT1 1AA")
    settle(page)
    expect(page.frame_locator(FRAME).locator("path.leaflet-interactive")).to_have_count(1)
    # Not rebuilt: the same frame, the same map element, the same page inside it.
    assert iframe.evaluate("el => el.isConnected") and container.evaluate("el => el.isConnected")
    assert map_frame(page).evaluate("window.__same_map") is True
    assert map_frame(page).evaluate(_IN_VIEW_JS, ["Dublin"]) == {"searched": True, "Dublin": True}

    search(page, "L1 8JQ")  # Liverpool: an English clinic, not Dublin
    settle(page)
    assert map_frame(page).evaluate("window.__same_map") is True
    clinic = page.locator(".st-key-answer-card h2").inner_text().removeprefix("Nearest clinic: ")
    assert map_frame(page).evaluate(_IN_VIEW_JS, [clinic]) == {"searched": True, clinic: True}
    expect(page.frame_locator(FRAME).locator("path.leaflet-interactive")).to_have_count(1)
    expect(page.frame_locator(FRAME).locator(".leaflet-tooltip", has_text="L1 8JQ")).to_be_visible()
    expect(page.frame_locator(FRAME).locator(".leaflet-tooltip", has_text="BT1 1AA")).to_have_count(0)
    screenshot(page, "map-liverpool")


@pytest.mark.parametrize("again", ["sl6 8dg", "SL6  8DG"], ids=["other case", "other spacing"])
def test_searching_the_same_place_again_after_panning_away_brings_the_view_back(page, app_url, again):
    open_map(page, app_url)
    search(page, "SL6 8DG")
    settle(page)
    assert map_frame(page).evaluate(_IN_VIEW_JS, ["Maidenhead"]) == {"searched": True, "Maidenhead": True}
    map_frame(page).evaluate("window.map.setView([57.5, -4.5], 9, {animate: false})")  # pan to the Highlands
    assert map_frame(page).evaluate(_IN_VIEW_JS, ["Maidenhead"]) == {"searched": False, "Maidenhead": False}

    search(page, again)
    settle(page)
    assert map_frame(page).evaluate(_IN_VIEW_JS, ["Maidenhead"]) == {"searched": True, "Maidenhead": True}


def test_clearing_the_search_takes_its_place_off_the_map(page, app_url, locator):
    open_map(page, app_url)
    search(page, "D18 X5K7")
    settle(page)
    search(page, "")
    frame = page.frame_locator(FRAME)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(0)
    expect(frame.locator(".leaflet-tooltip")).to_have_count(0)
    fitted(page)
    names = [c.name for c in locator.clinics]
    assert all(map_frame(page).evaluate(_IN_VIEW_JS, names)[n] for n in names)


def test_who_goes_where_can_be_turned_off_and_on(page, app_url):
    frame = open_map(page, app_url)
    switch = frame.get_by_role("checkbox", name="Who goes where")
    switch.click()
    expect(frame.locator("img.leaflet-image-layer")).to_have_count(0)
    expect(frame.locator(".catchment-key")).to_be_hidden()
    switch.click()
    expect(frame.locator("img.leaflet-image-layer")).to_have_count(1)
    expect(frame.locator(".catchment-key")).to_be_visible()


@pytest.mark.viewport(*PHONE)
def test_on_a_phone_the_map_fits_the_search_and_its_legend_and_zoom_buttons_fit_the_map(page, app_url):
    open_map(page, app_url)
    search(page, "BT1 1AA")
    settle(page)
    frame = map_frame(page)
    assert frame.evaluate(_IN_VIEW_JS, ["Dublin"]) == {"searched": True, "Dublin": True}
    box = page.locator(FRAME).bounding_box()  # Playwright gives every box in the page's coordinates
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    legend = frame.locator(".catchment-legend").bounding_box()
    zoom = frame.get_by_role("button", name="Zoom in").bounding_box()
    assert legend["x"] + legend["width"] <= box["x"] + box["width"] and zoom["x"] + zoom["width"] < legend["x"]
    # The legend never covers what was searched for, nor its clinic.
    for point in (frame.locator("path.leaflet-interactive"), frame.locator('.leaflet-marker-icon[alt="Dublin"]')):
        dot = point.bounding_box()
        assert dot["y"] > legend["y"] + legend["height"] or dot["x"] + dot["width"] < legend["x"], (dot, legend)
    page.locator(FRAME).scroll_into_view_if_needed()
    screenshot(page, "map-phone-belfast", full_page=False)


def test_the_map_opens_with_the_smallest_picture_that_is_sharp_and_a_bigger_one_once_zoomed_in(page, app_url):
    """A phone opening on the whole of the islands need not load and decode 2048 x 3277 pixels."""
    frame = open_map(page, app_url)
    picture = frame.locator("img.leaflet-image-layer")
    fitted(page)
    shown = map_frame(page).evaluate("""() => { const img = document.querySelector('img.leaflet-image-layer');
      return {src: img.src, natural: img.naturalWidth, drawn: img.getBoundingClientRect().width}; }""")
    assert "catchment-2048" not in shown["src"]
    assert shown["drawn"] <= shown["natural"] < 2 * shown["drawn"] or shown["natural"] == 512, shown
    map_frame(page).evaluate("() => window.map.setZoom(window.map.getZoom() + 3, {animate: false})")
    expect(picture).to_have_attribute("src", re.compile(r"catchment-2048\.webp"))
    map_frame(page).wait_for_function(
        "() => { const img = document.querySelector('img.leaflet-image-layer'); return img.complete && img.naturalWidth === 2048; }")
