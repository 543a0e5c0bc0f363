"""The Find a clinic page in Chromium: what a person sees and can tap.

Every request to another origin is blocked by the harness, and fails the test:
the map is drawn from the app's own files alone. The `page` fixture
fails a test on any JavaScript error, in the page or in the map's frame.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from components.search import LABEL
from locator.clinics import clinics_path, read_sites

from . import screenshot, wait_for_app
from .patient import CARD, MAP_FRAME, PHONE, search

SCRIPT_TAG = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"


def heading(page: Page):
    return page.locator(CARD).get_by_role("heading")


# However many clinics the clinics file lists.
CLINIC_COUNT = len(read_sites(clinics_path()))


def markers(page: Page):
    return page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon")


def let_the_map_paint(page: Page) -> None:
    """Before a screenshot: the map's labels are shown and its frame has painted."""
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip").first).to_be_visible()
    page.wait_for_timeout(500)


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens (there must be none); each is dismissed."""
    opened: list[str] = []

    def record(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def test_on_arrival_the_map_shows_every_clinic_s_marker_whose_popups_call_and_email(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    expect(markers(page)).to_have_count(CLINIC_COUNT)
    expect(page.locator(CARD)).to_have_count(0)

    page.frame_locator(MAP_FRAME).locator('.leaflet-marker-icon[alt="Dublin"]').click()
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Dublin")
    expect(popup.locator('a[href="tel:+35312937839"]')).to_have_text("01 293 7839")
    expect(popup.locator('a[href="mailto:enquiries@varicoseveins.ie"]')).to_be_visible()


def test_typing_a_postcode_and_pressing_enter_shows_the_answer_card_and_updates_the_url(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.goto(app_url)
    wait_for_app(page)
    search(page, "SL6 8DG")

    expect(heading(page)).to_have_text("Nearest clinic: Maidenhead")
    card = page.locator(CARD)
    expect(card).to_contain_text("Your search: SL6 8DG")
    expect(card).to_contain_text("in a straight line")
    expect(card.locator('a[href="tel:+448007836106"]')).to_have_text("call0800 783 6106")
    expect(card.locator('a[href="mailto:enquiries@britishveininstitute.com"]')).to_be_visible()
    directions = card.locator('a[href^="https://www.google.com/maps/dir/?api=1&destination="]')
    expect(directions).to_contain_text("Directions")
    assert query_of(page)["postcode"] == ["SL6 8DG"]

    # The map now shows the searched place (a circle) beside the chosen clinic, both labelled.
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(1)
    expect(frame.locator(".leaflet-tooltip")).to_have_text(["Maidenhead", "SL6 8DG"])
    let_the_map_paint(page)
    screenshot(page, "find-clinic-search-desktop", full_page=False)


def test_liverpool_is_sent_to_an_english_clinic_and_told_dublin_does_not_take_its_patients(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    search(page, "L1 8JQ")
    expect(heading(page)).to_have_text("Nearest clinic: Amersham")
    first_row = page.locator(CARD).locator("table tbody tr").first
    expect(first_row).to_contain_text("Dublin (does not take patients from Great Britain)")


def test_a_deep_link_in_embed_mode_opens_with_the_answer_and_the_field_filled(page, app_url):
    page.set_viewport_size({"width": 760, "height": 1100})  # a column of the clinics' website
    page.goto(app_url + "/?embed=true&postcode=BT1%201AA")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Nearest clinic: Dublin")
    expect(page.get_by_label(LABEL)).to_have_value("BT1 1AA")
    expect(page.locator(CARD).locator('a[href="tel:+35312937839"]')).to_contain_text("+353 1 293 7839")
    expect(page.locator(CARD)).to_contain_text("Located by postcode district")
    expect(markers(page)).to_have_count(CLINIC_COUNT)
    let_the_map_paint(page)
    screenshot(page, "find-clinic-embed", full_page=False)

    search(page, "D18 X5K7")
    expect(page.locator(CARD).locator('a[href="tel:+35312937839"]')).to_contain_text("01 293 7839")
    assert query_of(page) == {"embed": ["true"], "postcode": ["D18 X5K7"]}


@pytest.mark.viewport(*PHONE)
def test_on_a_phone_the_answer_and_call_button_are_in_view_and_nothing_scrolls_sideways(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    search(page, "BT1 1AA")
    call = page.locator(CARD).locator('a[href="tel:+35312937839"]')
    expect(call).to_be_in_viewport()
    expect(heading(page)).to_be_in_viewport()

    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        document.querySelector('[data-testid="stMain"]').scrollWidth]""")
    assert max(widths) <= PHONE[0], widths
    for target in (call, page.get_by_label(LABEL), page.locator(CARD).get_by_role("link", name="Directions")):
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    screenshot(page, "find-clinic-phone", full_page=False)


@pytest.mark.parametrize("payload", [SCRIPT_TAG, IMG_ONERROR])
def test_script_typed_into_the_field_is_shown_as_text_and_never_runs(page, app_url, dialogs, payload):
    page.goto(app_url)
    wait_for_app(page)
    search(page, payload)
    problem = page.locator(".st-key-search-problem")
    expect(problem).to_contain_text(payload + " is not a postcode or a place name we know.")
    page.wait_for_timeout(500)  # time for an onerror handler, had the markup been made into an element
    assert dialogs == []
    assert page.locator(".st-key-search-problem img, .st-key-search-problem script").count() == 0


def test_script_in_a_shared_link_is_shown_as_text_and_never_runs(page, app_url, dialogs):
    page.goto(app_url + "/?postcode=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    wait_for_app(page)
    expect(page.locator(".st-key-search-problem")).to_contain_text(IMG_ONERROR)
    page.wait_for_timeout(500)
    assert dialogs == []


def test_a_misspelt_town_offers_the_right_one_and_one_tap_answers_it(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    search(page, "Maidenhed")
    expect(page.locator(".st-key-search-problem")).to_contain_text("Did you mean Maidenhead?")
    page.get_by_role("button", name="Maidenhead").click()
    wait_for_app(page)
    expect(heading(page)).to_have_text("Nearest clinic: Maidenhead")
    expect(page.get_by_label(LABEL)).to_have_value("Maidenhead")
    assert query_of(page)["postcode"] == ["Maidenhead"]


def test_what_to_expect_at_your_visit_opens_about_treatment_and_a_link_leads_back_to_the_answer(page, app_url):
    page.goto(app_url + "/?postcode=W1G%208AJ")
    wait_for_app(page)
    page.locator(CARD).get_by_role("link", name="What to expect at your visit").click()
    wait_for_app(page)
    assert urlsplit(page.url).path == "/about-treatment"
    expect(page.get_by_role("heading", name="About treatment", exact=True)).to_be_visible()

    page.get_by_role("link", name="Back to your nearest clinic").click()
    wait_for_app(page)
    expect(heading(page)).to_have_text("Nearest clinic: London")
    expect(page.get_by_label(LABEL)).to_have_value("W1G 8AJ")


def test_no_script_or_stylesheet_comes_from_another_origin(page, app_url):
    page.goto(app_url + "/?postcode=HP7%200HP")
    wait_for_app(page)
    expect(markers(page)).to_have_count(CLINIC_COUNT)
    search(page, "D18 X5K7")
    expect(heading(page)).to_have_text("Nearest clinic: Dublin")
    expect(page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")).to_have_count(1)
    assert page.log.third_party() == []
