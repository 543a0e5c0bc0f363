"""The harness itself, against bench/minimal_app.py (no app code involved)."""

import pytest
from playwright.sync_api import expect

from . import screenshot, wait_for_app


@pytest.fixture(scope="module")
def minimal_url(streamlit_app):
    return streamlit_app("bench/minimal_app.py")


def test_type_postcode_and_see_echo(page, minimal_url):
    page.goto(minimal_url)
    wait_for_app(page)
    field = page.get_by_label("Postcode")
    field.fill("SW1A 1AA")
    field.press("Enter")
    wait_for_app(page)
    # wait_for_app has waited for the rerun, so the echo is already there: no retrying.
    assert page.get_by_text("You typed: SW1A 1AA").is_visible()
    assert page.log.runs_finished == 2  # the first load, then the rerun for Enter
    screenshot(page, "harness-minimal-app")
    assert page.log.errors == []
    assert page.log.external_requests == []  # Streamlit itself needs nothing off-box
    assert any(url.startswith(minimal_url) for url in page.log.requests)


@pytest.mark.viewport(390, 844)
def test_viewport_marker(page, minimal_url):
    page.goto(minimal_url)
    wait_for_app(page)
    assert page.viewport_size == {"width": 390, "height": 844}
    expect(page.get_by_label("Postcode")).to_be_visible()


@pytest.mark.allow_other_origins
def test_third_party_blocked_and_errors_recorded(page):
    # A tile image and a CDN script from inside an iframe, plus an error thrown there:
    # the requests are recorded yet aborted, the error is caught from the iframe. Both
    # count as requests to another origin (this test alone may make them).
    page.set_content(
        """<img src="https://a.tile.openstreetmap.org/1/0/0.png">
        <iframe srcdoc="<script src='https://cdn.example.com/x.js'></script>
                        <script>console.error('from iframe'); throw new Error('boom')</script>"></iframe>"""
    )
    page.wait_for_function("document.querySelector('img').complete")
    expect(page.locator("iframe")).to_be_attached()
    page.wait_for_timeout(300)
    assert sorted(page.log.third_party()) == [("https://a.tile.openstreetmap.org/1/0/0.png", "image"),
                                              ("https://cdn.example.com/x.js", "script")]
    assert any("from iframe" in e for e in page.log.errors)
    assert any("boom" in e for e in page.log.errors)
    assert not any("Failed to load resource" in e for e in page.log.errors)  # our own blocking is not an app error
    page.log.errors.clear()  # accepted: the page fixture would otherwise fail this test


def test_axe_reports_a_page_that_breaks_wcag_and_passes_one_that_does_not(page):
    from .axe import axe_violations, run_axe

    page.set_content("""<html lang="en"><head><title>Broken</title></head><body><main>
        <h1>Broken</h1><p style="color:#999">Pale grey text on white</p><img src="data:,"><input></main></body></html>""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"color-contrast", "image-alt", "label"} <= found
    with pytest.raises(AssertionError, match="color-contrast"):
        run_axe(page)

    page.set_content("""<html lang="en"><head><title>Fine</title></head><body><main>
        <h1>Fine</h1><p>Dark text on white</p><label>Postcode <input></label></main></body></html>""")
    run_axe(page)
