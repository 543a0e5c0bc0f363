"""Headings go down one level at a time, so that a screen reader's list of headings skips none:
the page's h1, then h2 for the answer and for "Our clinics" (and each section), h3 below."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from locator.treatment import load_sections

from . import wait_for_app
from .patient import open_app

_HEADINGS = "() => [...document.querySelectorAll('[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)')]" \
            ".map(h => [Number(h.tagName[1]), h.textContent.trim()])"


def headings(page: Page) -> list[tuple[int, str]]:
    return [tuple(h) for h in page.evaluate(_HEADINGS)]


def assert_in_order(found: list[tuple[int, str]]) -> None:
    assert found and found[0][0] == 1, found
    assert [level for level, _ in found].count(1) == 1, found
    for (before, _), (level, text) in zip(found, found[1:], strict=False):
        assert level <= before + 1, f"{text!r} is an h{level} straight after an h{before}: {found}"


@pytest.mark.parametrize("query", ["", "?postcode=SL6%208DG"], ids=["start", "answer"])
def test_the_find_a_clinic_page_s_headings_go_down_one_level_at_a_time(page: Page, app_url, query):
    page.goto(app_url + "/" + query)
    wait_for_app(page, timeout=60)
    expect(page.get_by_role("heading", name="Our clinics", level=2)).to_be_visible()
    if query:
        expect(page.locator(".st-key-answer-card").get_by_role("heading", level=2)).to_have_text(
            "Nearest clinic: Maidenhead")
    assert_in_order(headings(page))


def test_the_about_treatment_page_s_headings_go_down_one_level_at_a_time(page: Page, app_url):
    open_app(page, app_url + "/about-treatment")
    first = load_sections()[0]
    expect(page.get_by_role("heading", name=first.title, level=2)).to_be_visible()
    # The other sections are in expanders: opened, their sub-headings are h3.
    for expander in page.locator("[data-testid=stExpander] summary").all():
        expander.click()
    wait_for_app(page)
    assert_in_order(headings(page))
