"""Streamlit's icons are drawn from the cut-down icon font, and the whole one is never fetched (web/icon_font.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from components.call_centre import FIELD_LABEL
from web.icon_font import served_copy
from web.staff_oidc import DESK_PATH

from . import screenshot, wait_for_app
from .desk import open_desk
from .patient import CARD, open_app, search

# Each icon Streamlit drew, with the width of its text as drawn (not its box, which Streamlit sizes)
# and its font size: an icon is one glyph the font's size wide; a name the font cannot draw is its
# letters, nothing wide in this font or several times as wide in another.
_ICONS = """() => [...document.querySelectorAll('[data-testid=stIconMaterial]')].map(e => {
  const text = document.createRange();
  text.selectNodeContents(e);
  return {name: e.textContent, width: text.getBoundingClientRect().width, size: parseFloat(getComputedStyle(e).fontSize)};
})"""
_FONTS = """() => performance.getEntriesByType('resource').filter(r => r.name.endsWith('.woff2'))
  .map(r => ({url: new URL(r.name).pathname, bytes: r.encodedBodySize}))"""


def icons_drawn_as_letters(page: Page) -> list[dict]:
    page.evaluate("document.fonts.ready")
    return [icon for icon in page.evaluate(_ICONS) if abs(icon["width"] - icon["size"]) > 0.2 * icon["size"]]


@pytest.mark.parametrize("path", ["/", "/about-treatment"])
def test_every_icon_on_a_patient_s_page_is_drawn_from_the_cut_down_font(page: Page, app_url, path):
    open_app(page, app_url + path)
    if path == "/":
        search(page, "SL6 8DG")
        page.locator(CARD).get_by_role("link", name="Directions").wait_for()
    every_icon_is_drawn_from_the_cut_down_font(page, f"icons{path.replace('/', '-')}")


def test_every_icon_on_the_staff_desk_is_drawn_from_the_cut_down_font(page: Page, app_url):
    open_desk(page, app_url + DESK_PATH)
    field = page.get_by_role("textbox", name=FIELD_LABEL)
    field.fill("BT1 1AA")
    field.press("Enter")
    wait_for_app(page)
    every_icon_is_drawn_from_the_cut_down_font(page, "icons-desk")


def every_icon_is_drawn_from_the_cut_down_font(page: Page, name: str) -> None:
    served = served_copy()
    assert served is not None, "no cut-down icon font: run python -m web.static_build --build"
    address, copy = served
    icons = page.evaluate(_ICONS)
    assert len(icons) >= 3, icons
    assert icons_drawn_as_letters(page) == []
    screenshot(page, name)
    fonts = [f for f in page.evaluate(_FONTS) if "MaterialSymbols" in f["url"]]
    assert fonts == [{"url": "/" + address, "bytes": copy.stat().st_size}], fonts
