"""WCAG 2.2 AA in Chromium: axe-core on every state a person reaches, announcements, keyboard, zoom.

axe-core (``bin/fetch-axe``) runs WCAG 2.0, 2.1 and 2.2 A and AA rules and the
test fails on any violation. Each state is reached the way a person reaches it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.call_centre import COPY_LABEL, DOWNLOAD_LABEL, FIELD_LABEL, FIND_LIST, LIST_LABEL
from components.my_location import LABEL as MY_LOCATION
from components.search import LABEL
from components.staff_sign_in import PASSPHRASE_LABEL
from web.staff_oidc import DESK_PATH as DESK

from . import STAFF_PASSPHRASE, screenshot, sign_in, wait_for_app
from .axe import run_axe
from .patient import CARD, PHONE, open_app, search

PROBLEM = ".st-key-search-problem"


def test_the_start_page_meets_wcag_aa(page, app_url):
    open_app(page, app_url)
    run_axe(page)


def test_an_answer_meets_wcag_aa(page, app_url):
    open_app(page, app_url)
    search(page, "SL6 8DG")
    expect(page.locator(CARD)).to_be_visible()
    run_axe(page)


def test_an_error_with_suggestions_meets_wcag_aa(page, app_url):
    open_app(page, app_url)
    search(page, "Maidenhed")
    expect(page.locator(PROBLEM).get_by_role("button", name="Maidenhead")).to_be_visible()
    run_axe(page)


def test_about_treatment_meets_wcag_aa(page, app_url):
    open_app(page, app_url + "/about-treatment?search=SL6%208DG")
    expect(page.get_by_role("heading", name="About treatment", exact=True)).to_be_visible()
    run_axe(page)


def test_the_embedded_app_with_an_answer_meets_wcag_aa(page, app_url):
    open_app(page, app_url + "/?embed=true&postcode=BT1%201AA")
    expect(page.locator(CARD)).to_be_visible()
    run_axe(page)


@pytest.mark.viewport(*PHONE)
def test_on_a_phone_the_answer_meets_wcag_aa(page, app_url):
    open_app(page, app_url)
    search(page, "D18 X5K7")
    expect(page.locator(CARD)).to_be_visible()
    run_axe(page)


def test_the_call_centre_with_one_caller_meets_wcag_aa(page, app_url):
    open_app(page, app_url + DESK)
    sign_in(page)  # the desk is behind the staff passphrase
    expect(page.get_by_role("heading", name="One caller")).to_be_visible()
    run_axe(page)


# ------------------------------------------------------------------ the desk


def test_the_staff_sign_in_meets_wcag_aa_before_and_after_a_wrong_passphrase(page, app_url):
    open_app(page, app_url + DESK)
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_be_visible()
    run_axe(page)
    sign_in(page, "not the passphrase")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    run_axe(page)


def test_the_desk_with_one_caller_s_answer_and_a_list_s_answer_meets_wcag_aa(page, app_url):
    open_app(page, app_url + DESK)
    sign_in(page)
    caller = page.get_by_role("textbox", name=FIELD_LABEL)
    caller.fill("BT1 1AA")
    caller.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("button", name=COPY_LABEL)).to_be_visible()
    run_axe(page)
    page.get_by_role("textbox", name=LIST_LABEL).fill("SL6 8DG\nD18 X5K7\nnot a place\nReading")
    page.get_by_role("button", name=FIND_LIST).click()
    wait_for_app(page)
    expect(page.get_by_role("button", name=DOWNLOAD_LABEL)).to_be_visible()
    run_axe(page)


# ------------------------------------------------------------------ announced answers and errors


def test_after_enter_the_answer_s_heading_and_first_line_are_read_out_and_focus_stays_in_the_field(page, app_url):
    open_app(page, app_url)
    search(page, "SL6 8DG")
    expect(page.get_by_role("status").filter(has_text="Nearest clinic")).to_have_text(
        "Nearest clinic: Maidenhead. Your search: SL6 8DG.")
    status = page.locator(".st-key-search-feedback [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    expect(page.get_by_label(LABEL)).to_be_focused()
    assert not page.title().startswith("Error")
    # A second search is read out too.
    search(page, "D18 X5K7")
    expect(status).to_have_text("Nearest clinic: Dublin. Your search: D18 X5K7.")


def test_a_bad_search_is_an_alert_that_describes_the_invalid_field_and_takes_focus(page, app_url):
    open_app(page, app_url)
    search(page, "Maidenhed")
    field = page.get_by_label(LABEL)
    alert = page.locator(PROBLEM).get_by_role("alert")
    expect(alert).to_contain_text("We could not find a place called Maidenhed. Did you mean Maidenhead?")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby")
    assert described_by
    described = page.evaluate("ids => ids.split(' ').map(id => document.getElementById(id).textContent).join(' ')",
                              described_by)
    assert "We could not find a place called Maidenhed" in described
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(PROBLEM)).to_be_focused()

    # The suggestion is the next Tab stop; once it has answered, focus is back in the field, not lost.
    page.keyboard.press("Tab")
    expect(page.locator(PROBLEM).get_by_role("button", name="Maidenhead")).to_be_focused()
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.locator(CARD).get_by_role("heading")).to_have_text("Nearest clinic: Maidenhead")
    expect(field).to_be_focused()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    assert not page.title().startswith("Error")


def test_a_shared_link_with_a_bad_search_opens_with_the_error_announced_and_titled(page, app_url):
    open_app(page, app_url + "/?postcode=ZZ1%201ZZ")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(PROBLEM).get_by_role("alert")).to_contain_text("ZZ1 1ZZ")
    expect(page.get_by_label(LABEL)).to_have_attribute("aria-invalid", "true")


# ------------------------------------------------------------------ keyboard only


class FocusWalk:
    """Tab through a page as a keyboard user does, checking each stop shows that it has focus.

    A stop's focus is visible if the element looks different with focus than
    after focus has moved on: each stop is photographed (with a margin for
    outlines and rings) when it is focused and again after the next Tab.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops: list[str] = []
        self.unseen: list[str] = []
        self._last: tuple[bytes, str] | None = None

    def tab(self, shift: bool = False) -> str:
        self.page.keyboard.press("Shift+Tab" if shift else "Tab")
        self.page.wait_for_timeout(200)  # Streamlit's focus rings fade in
        if self._last:
            before, name = self._last
            if self._shot() == before:
                self.unseen.append(name)
        name, checkable = self.page.evaluate(_HOLD_FOCUSED)
        self._last = (self._shot(), name) if checkable else None
        self.stops.append(name)
        return name

    def tab_to(self, name: str, limit: int = 40) -> None:
        for _ in range(limit):
            if self.tab() == name:
                return
        raise AssertionError(f"{name!r} not reached by Tab; stops: {self.stops}")

    def answer(self, field: str, text: str, key: str = "Enter") -> None:
        """Tab to ``field``, type ``text`` and press ``key``, as staff and patients do; wait for the answer."""
        self.tab_to(field)
        self.page.keyboard.type(text)
        self.page.keyboard.press(key)
        wait_for_app(self.page)
        self.left()

    def left(self) -> None:
        """Focus moved by a key other than Tab (Enter on a link): the last stop cannot be checked."""
        self._last = None

    def _shot(self) -> bytes:
        clip = self.page.evaluate(_HELD_BOX)
        return self.page.screenshot(clip=clip, animations="disabled", caret="initial") if clip else b""


# The focused element (into shadow roots) is held on to; its name, and whether a photo can show its focus.
_HOLD_FOCUSED = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e || e === document.body) return ['', false];
  window.__focusWalkHeld = e;
  const text = e.cloneNode(true);
  text.querySelectorAll('[aria-hidden=true]').forEach(icon => icon.remove());  // icon names
  const name = e.getAttribute('aria-label') || e.getAttribute('title') || text.textContent || e.tagName;
  // Streamlit's data grid draws focus on its canvas and fades its toolbar in: not checkable by photo.
  const grid = !!e.closest('[data-testid=stDataFrame], [data-testid=stElementToolbar]');
  return [name.replace(/\\s+/g, ' ').trim().slice(0, 60), !grid];
}"""
# Where the held element is now, in the window, with room for a focus ring. A data grid's cell
# has no box of its own (the grid draws it), so the nearest ancestor with one stands for it.
_HELD_BOX = """() => {
  let e = window.__focusWalkHeld;
  if (!e || !e.isConnected) return null;
  let r = e.getBoundingClientRect();
  while ((r.width < 2 || r.height < 2) && e.parentElement) { e = e.parentElement; r = e.getBoundingClientRect(); }
  const pad = 6, x = Math.max(0, r.left - pad), y = Math.max(0, r.top - pad);
  const width = Math.min(innerWidth, r.right + pad) - x, height = Math.min(innerHeight, r.bottom + pad) - y;
  return width > 0 && height > 0 ? {x, y, width, height} : null;
}"""


def test_the_patient_page_works_by_keyboard_alone_with_focus_always_visible(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 1100})
    open_app(page, app_url)
    walk = FocusWalk(page)
    walk.answer(LABEL, "Maidenhed")
    # First the way past the navigation, then the navigation, then the field.
    assert walk.stops[:2] == ["Skip to main content", "Find a clinic"], walk.stops
    expect(page.locator(PROBLEM)).to_be_focused()
    walk.tab_to("Maidenhead")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_label(LABEL)).to_be_focused()
    walk.left()
    # Then, in reading order: the location button, and the answer's call, email and directions.
    for stop in (MY_LOCATION, "0800 783 6106", "enquiries@britishveininstitute.com", "Directions",
                 "What to expect at your visit"):
        walk.tab_to(stop, limit=3)
    walk.tab()  # and on, so the last stop's focus is checked too
    assert walk.unseen == [], f"no visible focus on: {walk.unseen}"
    walk.tab(shift=True)
    assert walk.stops[-1] == "What to expect at your visit"
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="About treatment", exact=True)).to_be_visible()
    FocusWalk(page).tab_to("Back to your nearest clinic")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.locator(CARD).get_by_role("heading")).to_have_text("Nearest clinic: Maidenhead")


def test_the_desk_works_by_keyboard_alone_with_focus_always_visible(page, app_url, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 1100})
    open_app(page, app_url + DESK)
    walk = FocusWalk(page)
    walk.answer(PASSPHRASE_LABEL, STAFF_PASSPHRASE)
    walk.answer(FIELD_LABEL, "BT1 1AA")
    expect(page.get_by_role("button", name=COPY_LABEL)).to_be_visible()
    walk.tab_to(COPY_LABEL)
    walk.answer(LIST_LABEL, "SL6 8DG\nD18 X5K7\nReading", key="Control+Enter")
    expect(page.get_by_role("button", name=DOWNLOAD_LABEL)).to_be_visible()
    walk.tab_to(DOWNLOAD_LABEL)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    walk.tab()
    assert walk.unseen == [], f"no visible focus on: {walk.unseen}"


# ------------------------------------------------------------------ zoom and reflow


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => window.innerWidth")
    scroll = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert scroll <= width, f"the page scrolls sideways: {scroll} px of content in a {width} px window"
    # Nothing is cut off inside a box either: each text-bearing element fits the width it has.
    clipped = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stMain] p, [data-testid=stMain] a, [data-testid=stMain] button, [data-testid=stMain] h1,'
        + '[data-testid=stMain] h2, [data-testid=stMain] h3, [data-testid=stMain] label')]
      .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1
                   && getComputedStyle(e).overflowX !== 'visible')
      .map(e => e.textContent.trim().slice(0, 40))""")
    assert clipped == [], f"cut off: {clipped}"


@pytest.mark.parametrize("name, size, scale", [("320px", (320, 720), 1), ("zoom-200", (640, 450), 2)])
def test_at_320_px_and_at_200_percent_zoom_nothing_is_cut_off_or_scrolls_sideways(new_page, app_url, name, size,
                                                                                 scale):
    # 200% zoom of a 1280 x 900 window is a 640 x 450 CSS-pixel page, drawn at twice the density.
    page = new_page(size, device_scale_factor=scale)
    open_app(page, app_url)
    no_sideways_scroll(page)
    search(page, "Maidenhed")
    no_sideways_scroll(page)
    screenshot(page, f"a11y-{name}-error")
    page.locator(PROBLEM).get_by_role("button", name="Maidenhead").click()
    wait_for_app(page)
    expect(page.locator(CARD)).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"a11y-{name}-answer")
    run_axe(page)
    open_app(page, app_url + "/about-treatment")
    no_sideways_scroll(page)
    screenshot(page, f"a11y-{name}-about", full_page=False)
    open_app(page, app_url + DESK)
    sign_in(page)
    no_sideways_scroll(page)
    screenshot(page, f"a11y-{name}-desk", full_page=False)
