"""The desk is for staff: patients' pages never link to it, and it opens only to the staff passphrase."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components.call_centre import FIELD_LABEL
from components.staff_sign_in import PASSPHRASE_LABEL, WRONG
from web import staff
from web.staff_oidc import DESK_PATH

from . import screenshot, sign_in, wait_for_app
from .patient import forget_subpage_probes


@pytest.mark.parametrize("path", ["/", "/?embed=true", "/about-treatment", "/about-treatment?embed=true",
                                  "/?embed=true&postcode=SL6%208DG"])
def test_no_patient_page_links_to_the_desk(page: Page, app_url, path):
    page.goto(app_url + path)
    wait_for_app(page)
    expect(page.get_by_role("heading").first).to_be_visible()
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert hrefs, "the page has links (the clinics' directions, the licences)"
    assert not [h for h in hrefs if "call-centre" in h]
    expect(page.get_by_text("Call centre")).to_have_count(0)
    forget_subpage_probes(page)


def test_the_desk_before_sign_in_after_a_wrong_passphrase_and_after_the_right_one(page: Page, app_url):
    page.goto(app_url + DESK_PATH)
    wait_for_app(page)
    forget_subpage_probes(page)
    expect(page.get_by_role("heading", name="Call centre")).to_be_visible()
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_have_attribute("type", "password")
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_have_count(0)
    screenshot(page, "call-centre-sign-in", full_page=False)

    sign_in(page, "not the passphrase")
    expect(page.get_by_role("alert")).to_contain_text(WRONG)
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_have_count(0)
    screenshot(page, "call-centre-sign-in-wrong", full_page=False)

    sign_in(page)
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible()
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_have_count(0)
    # Still signed in after answering a caller (a rerun) in the same session.
    field = page.get_by_role("textbox", name=FIELD_LABEL)
    field.fill("SL6 8DG")
    field.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("The nearest clinic to SL6 8DG is our Maidenhead clinic")).to_be_visible()
    screenshot(page, "call-centre-signed-in", full_page=False)


def test_the_sign_in_lasts_for_the_browser_session_and_sign_out_ends_it(page: Page, app_url):
    desk = page.get_by_role("textbox", name=FIELD_LABEL)
    page.goto(app_url + DESK_PATH)
    wait_for_app(page)
    sign_in(page)
    expect(desk).to_be_visible()
    cookies = []
    for _ in range(50):  # the page asks for the cookie just after drawing the desk
        cookies = [c for c in page.context.cookies() if c["name"] == staff.COOKIE]
        if cookies:
            break
        page.wait_for_timeout(100)
    [cookie] = cookies
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # gone when the browser closes

    page.reload()
    wait_for_app(page)
    expect(desk).to_be_visible()
    second_tab = page.context.new_page()
    second_tab.goto(app_url + DESK_PATH)
    expect(second_tab.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible(timeout=30_000)
    second_tab.close()

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_label(PASSPHRASE_LABEL)).to_be_visible()
    expect(desk).to_have_count(0)
    forget_subpage_probes(page)
