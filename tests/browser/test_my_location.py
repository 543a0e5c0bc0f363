""""Use my location" in Chromium, with the position given through Playwright's geolocation emulation.

Each test opens its own context: ``permissions=["geolocation"]`` and a
``geolocation`` grant the position, a context without them is refused.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from components.my_location import LABEL
from components.search import LABEL as FIELD_LABEL

from . import ARTIFACTS, wait_for_app
from .axe import run_axe

CARD = ".st-key-answer-card"
PROBLEM = ".st-key-location-problem"
MAIDENHEAD = {"latitude": 51.5226, "longitude": -0.7194, "accuracy": 25}
BELFAST = {"latitude": 54.5973, "longitude": -5.9301, "accuracy": 40}
DUBLIN = {"latitude": 53.3498, "longitude": -6.2603, "accuracy": 40}
IRISH_SEA = {"latitude": 53.8, "longitude": -5.0, "accuracy": 40}
ASK_FOR_A_POSTCODE = "Type your postcode or town instead, for example SL6 8DG."

# Counts the page's requests for a position, and can answer them with an error code instead.
_COUNT_REQUESTS = """(failWith) => {
  window.__positionRequests = 0;
  const geo = navigator.geolocation, real = geo.getCurrentPosition.bind(geo);
  geo.getCurrentPosition = (ok, fail, options) => {
    window.__positionRequests += 1;
    window.__positionOptions = options;
    if (failWith) setTimeout(() => fail({code: failWith, message: "emulated"}), 50);
    else real(ok, fail, options);
  };
}"""


def located_page(new_page, position: dict | None, fail_with: int | None = None) -> Page:
    options = {"permissions": ["geolocation"], "geolocation": position} if position else {}
    page = new_page(**options)
    page.add_init_script(f"({_COUNT_REQUESTS})({fail_with or 'null'})")
    return page


def use_my_location(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name=LABEL).click()
    expect(page.locator(f"{CARD}, {PROBLEM}")).to_be_visible()
    wait_for_app(page)


def card_heading(page: Page):
    return page.locator(CARD).get_by_role("heading")


def test_in_maidenhead_the_answer_is_the_nearest_postcode_s_and_says_it_came_from_the_device(new_page, app_url):
    page = located_page(new_page, MAIDENHEAD)
    use_my_location(page, app_url)
    card = page.locator(CARD)
    expect(card_heading(page)).to_have_text("Nearest clinic: Maidenhead")
    expect(card).to_contain_text("Your location: SL6 ")
    expect(card).to_contain_text("Located from your device, to within about 100 m: the nearest postcode is SL6 ")
    expect(card.locator('a[href="tel:+448007836106"]')).to_contain_text("0800 783 6106")
    # Read out, like a typed search.
    expect(page.locator(".st-key-search-feedback [role=status]")).to_contain_text(
        "Nearest clinic: Maidenhead. Your location: SL6 ")
    assert page.evaluate("window.__positionRequests") == 1
    assert page.evaluate("window.__positionOptions.timeout") == 10_000


def test_in_central_belfast_it_is_dublin_with_the_number_dialled_from_the_uk(new_page, app_url):
    page = located_page(new_page, BELFAST)
    use_my_location(page, app_url)
    expect(card_heading(page)).to_have_text("Nearest clinic: Dublin")
    expect(page.locator(CARD)).to_contain_text("Your location: near Belfast")
    expect(page.locator(CARD)).to_contain_text("in Northern Ireland")
    expect(page.locator(CARD).locator('a[href="tel:+35312937839"]')).to_contain_text("+353 1 293 7839")


def test_in_central_dublin_it_is_dublin_with_the_number_dialled_within_ireland(new_page, app_url):
    page = located_page(new_page, DUBLIN)
    use_my_location(page, app_url)
    expect(card_heading(page)).to_have_text("Nearest clinic: Dublin")
    expect(page.locator(CARD).locator('a[href="tel:+35312937839"]')).to_contain_text("01 293 7839")


def test_at_sea_there_is_a_clear_message_and_no_answer(new_page, app_url):
    page = located_page(new_page, IRISH_SEA)
    use_my_location(page, app_url)
    expect(page.locator(PROBLEM).get_by_role("alert")).to_contain_text("at sea, or outside the places our clinics")
    expect(page.locator(PROBLEM)).to_contain_text(ASK_FOR_A_POSTCODE)
    expect(page.locator(CARD)).to_have_count(0)


def test_refused_permission_asks_for_a_postcode_and_focus_stays_on_the_button(new_page, app_url):
    page = located_page(new_page, None)
    use_my_location(page, app_url)
    alert = page.locator(PROBLEM).get_by_role("alert")
    expect(alert).to_contain_text("Your browser did not share your location with us. " + ASK_FOR_A_POSTCODE)
    expect(page.get_by_role("button", name=LABEL)).to_be_focused()
    # Nothing was typed, so the field is not marked wrong.
    assert page.get_by_label(FIELD_LABEL).get_attribute("aria-invalid") is None


@pytest.mark.parametrize("code, says", [(2, "Your device could not tell where you are just now."),
                                        (3, "Finding your location took too long.")])
def test_an_unavailable_or_timed_out_position_each_has_its_own_message(new_page, app_url, code, says):
    page = located_page(new_page, MAIDENHEAD, fail_with=code)
    use_my_location(page, app_url)
    expect(page.locator(PROBLEM).get_by_role("alert")).to_contain_text(f"{says} {ASK_FOR_A_POSTCODE}")


def test_the_position_is_asked_for_only_on_a_click_never_on_load(new_page, app_url):
    page = located_page(new_page, MAIDENHEAD)
    page.goto(app_url + "/?postcode=Reading")
    wait_for_app(page)
    expect(page.get_by_role("button", name=LABEL)).to_be_visible()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__positionRequests") == 0


def test_the_position_replaces_the_search_and_never_reaches_the_address_bar_or_the_log(new_page, app_url):
    page = located_page(new_page, BELFAST)
    use_my_location(page, app_url + "/?postcode=Reading")
    expect(card_heading(page)).to_have_text("Nearest clinic: Dublin")
    expect(page.get_by_label(FIELD_LABEL)).to_have_value("")
    assert parse_qs(urlsplit(page.url).query) == {}
    # The link to About treatment carries no position either.
    link = page.locator(CARD).get_by_role("link", name="What to expect at your visit")
    assert "search=" not in (link.get_attribute("href") or "")
    port = urlsplit(app_url).port
    for log in ARTIFACTS.glob(f"logs/streamlit-app-{port}.log"):
        text = log.read_text(errors="replace")
        assert "54.597" not in text and "-5.93" not in text


def test_without_geolocation_in_the_browser_there_is_no_button(new_page, app_url):
    page = new_page()
    page.add_init_script("delete Navigator.prototype.geolocation")
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_label(FIELD_LABEL)).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.get_by_role("button", name=LABEL)).to_have_count(0)


def test_the_button_is_reached_and_pressed_from_the_keyboard_and_its_answer_meets_wcag_aa(new_page, app_url):
    page = located_page(new_page, DUBLIN)
    page.goto(app_url)
    wait_for_app(page)
    # The button is drawn once its script has checked that the browser can locate: wait for it, as a person would.
    expect(page.get_by_role("button", name=LABEL)).to_be_visible()
    page.get_by_label(FIELD_LABEL).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=LABEL)).to_be_focused()
    page.keyboard.press("Enter")
    expect(card_heading(page)).to_have_text("Nearest clinic: Dublin")
    wait_for_app(page)
    run_axe(page)
