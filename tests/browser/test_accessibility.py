"""WCAG 2.2 AA in Chromium: axe-core on every state a person reaches, announcements, keyboard, zoom.

axe-core (``bin/fetch-axe``) runs WCAG 2.0, 2.1 and 2.2 A and AA rules and the
test fails on any violation. Each state is reached the way a person reaches it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.search import LABEL

from . import screenshot, sign_in, wait_for_app
from .axe import run_axe

CARD = ".st-key-answer-card"
PROBLEM = ".st-key-search-problem"
PHONE = (375, 812)
DESK = "/call-centre"


def search(page: Page, text: str) -> None:
    field = page.get_by_label(LABEL)
    field.fill(text)
    field.press("Enter")
    wait_for_app(page)


# Opened at its own address, a page makes Streamlit probe <page>/_stcore/health and
# /host-config before the app root: two 404s that are Streamlit's (streamlit/streamlit#7074).
_SUBPAGE_PROBE = re.compile(r"/_stcore/(health|host-config): Failed to load resource: .* 404")


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.log.errors[:] = [e for e in page.log.errors if not _SUBPAGE_PROBE.search(e)]


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
