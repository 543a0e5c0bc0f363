"""The app in Chromium with JavaScript off, and what a first visit downloads with it on.

With scripts off, the page the server sends (web/page_html.py) lists the
clinics and offers a plain form; the form is answered by a server-rendered
page (web/plain_search.py) with the app's own sentences.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from playwright.sync_api import expect

from components.search import LABEL
from components.search_problem import HEADING as PROBLEM_HEADING
from locator import messages
from locator.clinics import CLINICS_TOML

from . import screenshot, wait_for_app
from .axe import axe_violations

CLINICS = tomllib.loads(CLINICS_TOML.read_text())["clinic"]


@pytest.fixture
def no_script_page(new_page):
    return new_page(java_script_enabled=False)


def test_without_javascript_every_clinic_is_listed_with_its_address_number_and_email(no_script_page, app_url):
    page = no_script_page
    page.goto(app_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(messages.PAGE_HEADING)
    # Playwright's text locators skip <noscript>: read the text the browser shows instead
    shown = page.locator("main").inner_text()
    for clinic in CLINICS:
        expect(page.get_by_role("heading", name=clinic["name"], exact=True)).to_be_visible()
        for line in [*clinic["address"], clinic["email"]]:
            assert line in shown
    # What a person sees: the first view painted for scripts stays hidden without them.
    assert page.locator('a[href^="tel:+"]:visible').count() == len(CLINICS)
    assert page.locator('a[href^="mailto:"]:visible').count() == len(CLINICS)
    screenshot(page, "no-javascript-start")


def test_without_javascript_a_postcode_is_answered_by_the_plain_form(no_script_page, app_url):
    page = no_script_page
    page.goto(app_url)
    page.get_by_label(LABEL).fill("SL6 8DG")
    page.get_by_role("button", name=messages.SEARCH_BUTTON).click()
    expect(page.get_by_role("heading", name="Nearest clinic: Maidenhead")).to_be_visible()
    expect(page.get_by_text("Your search: SL6 8DG")).to_be_visible()
    assert "away in a straight line" in page.locator("main").inner_text()
    expect(page.get_by_role("link", name="0800 783 6106").first).to_have_attribute("href", "tel:+448007836106")
    # searching again from the answer works too, and a place in Northern Ireland dials Dublin from the UK
    page.get_by_label(LABEL).fill("BT1 1AA")
    page.get_by_label(LABEL).press("Enter")
    expect(page.get_by_role("heading", name="Nearest clinic: Dublin")).to_be_visible()
    expect(page.get_by_role("link", name="+353 1 293 7839")).to_be_visible()
    screenshot(page, "no-javascript-answer")


def test_without_javascript_a_search_that_fails_says_why_and_suggests(no_script_page, app_url):
    page = no_script_page
    page.goto(app_url)
    page.get_by_label(LABEL).fill("Readng")
    page.get_by_label(LABEL).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(PROBLEM_HEADING)
    expect(page).to_have_title(f"Error: {PROBLEM_HEADING} - {messages.APP_NAME}")
    assert page.get_by_label(LABEL).get_attribute("aria-invalid") == "true"
    suggestion = page.get_by_role("alert").get_by_role("link").first
    suggestion.click()
    expect(page.get_by_role("heading", name="Nearest clinic: ", exact=False)).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/search?postcode=SL6+8DG", "/search?postcode=Readng"])
def test_the_pages_without_javascript_pass_axe(page, app_url, path):
    """axe needs scripts: the page is loaded with them on, as a browser without them shows it."""
    def as_without_scripts(route) -> None:
        html = route.fetch().text()
        html = re.sub(r"<script\b(?![^>]*application/ld\+json)[^>]*>.*?</script>|<link[^>]*modulepreload[^>]*>", "",
                      html, flags=re.S)
        route.fulfill(body=html.replace("<noscript>", "").replace("</noscript>", ""),
                      content_type="text/html; charset=utf-8")

    page.route(app_url + path, as_without_scripts)
    page.goto(app_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(messages.PAGE_HEADING)
    assert axe_violations(page) == []


def test_with_javascript_the_page_takes_over_and_the_plain_version_is_not_shown(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("button", name=messages.SEARCH_BUTTON)).to_have_count(0)


def test_every_script_and_style_of_a_first_visit_arrives_compressed(page, app_url):
    sizes: list[tuple[str, str, str]] = []

    def record(response) -> None:
        if response.request.resource_type in ("script", "stylesheet", "document", "fetch", "xhr") \
                and response.status == 200:
            headers = response.all_headers()
            sizes.append((response.url, headers.get("content-encoding", ""), headers.get("content-length", "")))

    page.on("response", record)
    page.goto(app_url)
    wait_for_app(page)
    page.frame_locator("iframe").first.locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_load_state("networkidle")
    big = [s for s in sizes if not s[2] or int(s[2]) > 1024]
    assert len(big) > 20
    uncompressed = [url for url, coding, _ in big if coding not in ("br", "gzip")]
    assert uncompressed == []
